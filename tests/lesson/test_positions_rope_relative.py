"""Positions 3: RoPE scores depend only on the offset m - n.

Tolerance: in float64 the scores agree to 1e-9 for shifts up to 100,000 positions; in
float32 to 1e-4 for shifts up to 1000 (the angles are computed in float64 either way)."""

import pytest
import torch

from positions_rope_relative import absolute_score, apply_rope, rope_score


def as_complex_rotation(x, positions, base=10000.0):
    """An independent RoPE: pair (x_i, x_{i+D/2}) as a complex number, times e^{i pos w_i}."""
    half = x.shape[-1] // 2
    w = base ** (-2 * torch.arange(half, dtype=torch.float64) / x.shape[-1])
    z = torch.complex(x[..., :half].double().cpu(), x[..., half:].double().cpu())
    z = z * torch.polar(
        torch.ones(half, dtype=torch.float64), positions.cpu().double()[:, None] * w
    )
    return torch.cat([z.real, z.imag], dim=-1)


def test_rope_is_the_complex_rotation(device, on_device):
    x = torch.randn(6, 64, dtype=torch.float64, device=device)
    positions = torch.tensor([0, 1, 5, 100, 4096, 131071], device=device)
    rotated = apply_rope(x, positions)
    on_device(rotated)
    torch.testing.assert_close(rotated.cpu(), as_complex_rotation(x, positions), rtol=0, atol=1e-9)
    torch.testing.assert_close(rotated.norm(dim=-1), x.norm(dim=-1))  # a rotation keeps length


SHIFTS = [(torch.float64, 1e-9, shift) for shift in (1, 17, 1000, 100_000)]
SHIFTS += [(torch.float32, 1e-4, shift) for shift in (1, 17, 1000)]


@pytest.mark.parametrize("dtype, atol, shift", SHIFTS)
def test_shifting_both_positions_keeps_every_score(device, on_device, dtype, atol, shift):
    generator = torch.Generator().manual_seed(shift)
    q, k = torch.randn(2, 64, generator=generator, dtype=torch.float64).to(device, dtype)
    m = torch.randint(0, 2000, (50,), generator=generator).to(device)
    n = torch.randint(0, 2000, (50,), generator=generator).to(device)
    before, after = rope_score(q, k, m, n), rope_score(q, k, m + shift, n + shift)
    on_device(before, after)
    torch.testing.assert_close(after, before, rtol=0, atol=atol)


def test_offset_zero_is_the_plain_dot_product(device, on_device):
    q, k = torch.randn(2, 64, dtype=torch.float64, device=device)
    score = rope_score(q, k, 123, 123)
    on_device(score)
    torch.testing.assert_close(score, q @ k)


def test_absolute_pe_scores_do_depend_on_the_start(device, on_device):
    q, k = torch.randn(2, 64, dtype=torch.float64, device=device)
    offsets = torch.arange(0, 11, device=device)  # m - n: keys up to 10 positions back
    at_10, at_2000 = (
        absolute_score(q, k, 10, 10 - offsets),
        absolute_score(q, k, 2000, 2000 - offsets),
    )
    on_device(at_10, at_2000)
    assert not torch.allclose(at_10, at_2000)
