"""Positions 4: YaRN keeps the fast rotary pairs and slows the slow ones by the factor."""

import math

import pytest
import torch
import torch.nn as nn

import positions_yarn
from positions_yarn import yarn_inv_freq


def test_kimi_k2_settings_keep_20_pairs_and_slow_12_by_32(device, on_device):
    before, after = yarn_inv_freq(device=device)
    on_device(before, after)
    kept = torch.isclose(before, after)
    assert int(kept.sum()) == 20 and int((~kept).sum()) == 12
    assert torch.equal(
        before[~kept] / after[~kept], torch.full((12,), 32.0, device=device, dtype=torch.float64)
    )


def test_the_boundary_is_one_full_turn_in_the_original_length(device, on_device):
    # Independent of the snippet: pair i turns 4096 * w_i / (2 pi) times in pretraining.
    before, after = yarn_inv_freq(device=device)
    on_device(after)
    turns = 4096 * before.cpu() / (2 * math.pi)
    kept = torch.isclose(before, after).cpu()
    assert torch.equal(kept, turns > 1)  # beta_fast = beta_slow = 1: a sharp boundary


def test_with_deepseek_v3_style_betas_the_ramp_blends(device, on_device):
    before, after = yarn_inv_freq(
        dim=64, base=10000.0, factor=40, length=4096, beta_fast=32, beta_slow=1, device=device
    )
    on_device(after)
    ratio = (before / after).cpu()
    assert ratio[0] == 1 and ratio[-1] == pytest.approx(40)
    assert ((ratio > 1) & (ratio < 40 - 1e-9)).any()  # some pairs in between
    assert torch.all(ratio[1:] >= ratio[:-1])  # slower pairs are stretched more


def test_a_fixed_position_table_has_nothing_past_its_last_row(device, on_device):
    table = nn.Embedding(4096, 8, device=device)
    on_device(table.weight)
    table(torch.tensor([4095], device=device))  # the last row exists
    if device.type == "cpu":  # on CUDA this would be a device-side assert: never trigger it
        with pytest.raises(IndexError, match="index out of range"):
            table(torch.tensor([4096], device=device))


def test_the_snippet_uses_kimi_k2_settings_from_the_facts_file():
    import facts

    assert positions_yarn.ROPE_DIM == facts.value("kimi_k2", "qk_rope_head_dim")
    assert positions_yarn.BASE == facts.value("kimi_k2", "rope_theta")
    assert positions_yarn.FACTOR == facts.value("kimi_k2", "yarn_factor")
    assert positions_yarn.ORIGINAL_LENGTH == facts.value("kimi_k2", "pretraining_seq_length")
    assert positions_yarn.BETA_FAST == facts.value("kimi_k2", "yarn_beta_fast")
    assert positions_yarn.BETA_SLOW == facts.value("kimi_k2", "yarn_beta_slow")
    assert positions_yarn.MSCALE_ALL_DIM == facts.value("kimi_k2", "yarn_mscale_all_dim")


@pytest.mark.standalone  # reads a fresh run of the snippet
def test_the_softmax_scale_factor_is_deepseek_v3s_mscale_squared(fresh_runs):
    # yarn_get_mscale(scale, mscale) = 0.1 * mscale * ln(scale) + 1 in modeling_deepseek.py
    mscale = 0.1 * 1 * math.log(32) + 1
    done, _ = fresh_runs["positions_yarn"]
    assert f"softmax scale multiplied by mscale^2: {mscale**2:.2f}" in done.stdout
