"""Positions 1: the heatmap's table is the paper's formula."""

import math

import torch

from positions_pe_heatmap import sinusoidal_table


def test_table_matches_the_formula(device, on_device):
    table = sinusoidal_table(128, 64, device=device)

    on_device(table)
    assert table.shape == (128, 64)
    for pos, dim in [(0, 0), (0, 1), (1, 0), (7, 13), (127, 62), (127, 63), (50, 31)]:
        angle = pos / 10000 ** ((dim - dim % 2) / 64)
        expected = math.sin(angle) if dim % 2 == 0 else math.cos(angle)
        assert abs(table[pos, dim].item() - expected) < 1e-6


def test_first_pair_turns_every_2pi_positions_the_last_much_slower(device, on_device):
    table = sinusoidal_table(64, 64, device=device).double()
    on_device(table)
    # dims (0, 1) have frequency 1: positions 0 and 6 are almost a full turn apart.
    assert abs(math.atan2(table[6, 0], table[6, 1]) - (6 - 2 * math.pi)) < 1e-6
    assert torch.all(table[:, 63] > 0.999)  # dims (62, 63): period about 47,000 positions
