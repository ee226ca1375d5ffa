"""Positions 2: with absolute PE, scores depend on absolute positions, not just offsets."""

import torch

from positions_absolute_mixes import sinusoidal_row, with_pe


def test_same_token_gives_different_vectors_at_different_positions(device, on_device):
    token = torch.randn(64, dtype=torch.float64, device=device)
    at_3, at_40 = with_pe(token, 3), with_pe(token, 40)
    on_device(at_3, at_40)
    assert not torch.equal(at_3, at_40)
    torch.testing.assert_close(at_3 - sinusoidal_row(3, 64, device=device), token)


def test_scores_at_one_offset_change_with_the_absolute_position(device, on_device):
    torch.manual_seed(0)
    a, b = torch.randn(2, 64, dtype=torch.float64, device=device)
    scores = torch.stack([with_pe(a, p) @ with_pe(b, p + 1) for p in (0, 10, 100, 1000)])
    on_device(scores)
    assert scores.unique().numel() == 4  # four positions, four different scores


def test_pe_alone_is_relative_the_cross_terms_are_not(device, on_device):
    # sin/cos rows alone: PE_m . PE_n = sum_i cos((m - n) w_i), a function of m - n only...
    dots = torch.stack(
        [
            sinusoidal_row(p, 64, device=device) @ sinusoidal_row(p + 5, 64, device=device)
            for p in (0, 77)
        ]
    )
    on_device(dots)
    torch.testing.assert_close(dots[0], dots[1], rtol=0, atol=1e-9)
    # ...so the dependence on absolute position comes from content x position terms.
    token = torch.randn(64, dtype=torch.float64, device=device)
    assert not torch.isclose(
        token @ sinusoidal_row(5, 64, device=device), token @ sinusoidal_row(82, 64, device=device)
    )


def test_through_projections_the_position_only_term_depends_on_position(device, on_device):
    # Raw sinusoids: PE_m . PE_n depends on m - n alone. Through W_q and W_k it does not
    # (TENER, Yan et al. 2019, section 3): PE_m^T W_q^T W_k PE_n changes as the pair moves at a
    # fixed offset.
    generator = torch.Generator().manual_seed(1)
    W_q, W_k = torch.randn(2, 64, 64, generator=generator, dtype=torch.float64).to(device)
    pairs = [
        (sinusoidal_row(p, 64, device=device), sinusoidal_row(p + 1, 64, device=device))
        for p in (0, 10, 100, 1000)
    ]
    raw = torch.stack([m @ n for m, n in pairs])
    projected = torch.stack([(W_q @ m) @ (W_k @ n) for m, n in pairs])
    on_device(raw, projected)
    torch.testing.assert_close(raw, raw[:1].expand(4), rtol=0, atol=1e-9)
    assert projected.unique().numel() == 4
    # With W_q^T W_k = I the projections change nothing, and the term is relative again.
    Q, _ = torch.linalg.qr(W_q)
    same = torch.stack([(Q @ m) @ (Q @ n) for m, n in pairs])
    torch.testing.assert_close(same, raw, rtol=0, atol=1e-9)
