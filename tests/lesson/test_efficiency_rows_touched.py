"""Efficiency 2: the share of rows a batch touches, exact under a Zipf model."""

import pytest
import torch

from efficiency_rows_touched import (
    HIDDEN,
    K2_BATCH_TOKENS,
    MICRO_BATCH_TOKENS,
    VOCAB,
    expected_share_touched,
    sampled_share_touched,
    zipf_probabilities,
)


@pytest.mark.parametrize("exponent", [1.0, 1.2])
def test_zipf_probabilities_are_a_power_law(device, on_device, exponent):
    p = zipf_probabilities(1000, exponent, device=device)
    on_device(p)
    torch.testing.assert_close(p.sum().cpu(), torch.tensor(1.0, dtype=torch.float64))
    assert (p[:-1] > p[1:]).all()
    assert p[0] / p[1] == pytest.approx(2**exponent)  # rank 1 against rank 2


def test_uniform_tokens_give_the_closed_form(device, on_device):
    p = torch.full((500,), 1 / 500, dtype=torch.float64, device=device)
    on_device(p)
    assert expected_share_touched(p, 300) == pytest.approx(1 - (1 - 1 / 500) ** 300, rel=1e-12)


def test_the_expectation_matches_sampled_batches(device, on_device):
    p = zipf_probabilities(2000, 1.0, device=device)
    generator = torch.Generator(device).manual_seed(0)
    samples = [sampled_share_touched(p, 1000, generator) for _ in range(200)]
    on_device(p)
    # 200 batches: their mean is within a few standard errors of the exact expectation
    mean = sum(samples) / len(samples)
    spread = (sum((s - mean) ** 2 for s in samples) / (len(samples) - 1)) ** 0.5
    assert abs(mean - expected_share_touched(p, 1000)) < 4 * spread / len(samples) ** 0.5


@pytest.mark.parametrize("exponent", [1.0, 1.2])
def test_one_kimi_k2_step_touches_almost_every_row(device, on_device, exponent):
    p = zipf_probabilities(VOCAB, exponent, device=device)
    on_device(p)
    sizes = (4096, MICRO_BATCH_TOKENS, 65_536, 1_048_576, K2_BATCH_TOKENS)
    shares = [expected_share_touched(p, n) for n in sizes]
    assert shares == sorted(shares)  # more tokens, more rows
    assert shares[0] < 0.02  # a small batch: sparse gradients would pay
    assert shares[-1] > 0.9999  # one Kimi-K2 step: they cannot


def test_a_step_touches_the_union_of_its_micro_batches(device, on_device):
    # The step's gradient is reduced over micro-batches drawn independently, on every rank:
    # the rows it holds are the union of theirs, which is what one batch of all their tokens
    # touches. Sampled: 8 micro-batches of 100 tokens against the exact share of 800 tokens.
    p = zipf_probabilities(2000, 1.0, device=device)
    on_device(p)
    generator = torch.Generator(device).manual_seed(1)
    unions, singles = [], []
    for _ in range(100):
        rows = [torch.multinomial(p, 100, True, generator=generator) for _ in range(8)]
        unions.append(torch.cat(rows).unique().numel() / 2000)
        singles.append(rows[0].unique().numel() / 2000)
    mean = sum(unions) / len(unions)
    spread = (sum((u - mean) ** 2 for u in unions) / (len(unions) - 1)) ** 0.5
    assert abs(mean - expected_share_touched(p, 800)) < 4 * spread / len(unions) ** 0.5
    assert max(singles) < min(unions)  # each micro-batch alone touches far fewer


def test_one_micro_batch_would_pay_a_reduced_step_would_not(device, on_device):
    p = zipf_probabilities(VOCAB, 1.0, device=device)
    on_device(p)
    row_bytes, dense_bytes = HIDDEN * 2 + 8, VOCAB * HIDDEN * 2
    micro = expected_share_touched(p, MICRO_BATCH_TOKENS) * VOCAB
    step = expected_share_touched(p, K2_BATCH_TOKENS) * VOCAB
    assert micro * row_bytes / dense_bytes < 0.05  # one device's micro-batch: small
    assert MICRO_BATCH_TOKENS * row_bytes < dense_bytes  # even with one row per token
    assert step * row_bytes / dense_bytes > 1  # the reduced step: no smaller than dense
