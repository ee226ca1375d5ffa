"""Positions 4: YaRN's ramp in general (DeepSeek-V3), collapsed to a step in Kimi-K2; an input
position vector gets no such rescaling."""

import math

import pytest
import torch
import torch.nn as nn

import positions_yarn
from lessonbuild.core import facts
from positions_yarn import pairs_with_new_angles, yarn_inv_freq, yarn_ramp


def turns(base, dim=64, length=4096):
    """Independent of the snippet: how often pair i turns over `length` positions."""
    return length * base ** (-torch.arange(0, dim, 2, dtype=torch.float64) / dim) / (2 * math.pi)


def test_kimi_k2_settings_keep_20_pairs_and_slow_12_by_32(device, on_device):
    before, after = yarn_inv_freq(device=device)
    on_device(before, after)
    kept = torch.isclose(before, after)
    assert int(kept.sum()) == 20 and int((~kept).sum()) == 12
    assert torch.equal(
        before[~kept] / after[~kept], torch.full((12,), 32.0, device=device, dtype=torch.float64)
    )


def test_the_boundary_is_one_full_turn_in_the_original_length(device, on_device):
    before, after = yarn_inv_freq(device=device)
    on_device(after)
    kept = torch.isclose(before, after).cpu()
    assert torch.equal(kept, turns(50000.0) > 1)  # beta_fast = beta_slow = 1: a sharp boundary


def test_kimis_ramp_collapses_to_a_step(device, on_device):
    ramp = yarn_ramp(device=device)
    on_device(ramp)
    assert set(ramp.unique().tolist()) == {0.0, 1.0}  # no pair is slowed only partly


def test_deepseek_v3s_ramp_is_linear_between_32_turns_and_one(device, on_device):
    s = positions_yarn.DEEPSEEK_V3
    ramp = yarn_ramp(64, s["base"], 4096, s["beta_fast"], s["beta_slow"], device=device)
    before, after = yarn_inv_freq(64, s["base"], s["factor"], 4096, 32, 1, device=device)
    on_device(ramp, after)
    ramp, n = ramp.cpu(), turns(s["base"])
    # Kept: pairs that turn at least beta_fast = 32 times; fully slowed: under beta_slow = 1.
    assert torch.equal(ramp == 0, n >= 32) and torch.equal(ramp == 1, n < 1)
    between = ramp[(ramp > 0) & (ramp < 1)]
    assert between.numel() == 12  # a band of pairs slowed partly
    steps = between.diff()
    torch.testing.assert_close(steps, steps[:1].expand_as(steps))  # linear in the pair index
    ratio = (before / after).cpu()
    assert ratio[0] == 1 and ratio[-1] == pytest.approx(40)
    assert torch.all(ratio[1:] >= ratio[:-1])  # slower pairs are stretched more


def test_yarn_leaves_no_rotary_pair_at_angles_it_never_saw(device, on_device):
    before, after = yarn_inv_freq(device=device)
    window = 32 * 4096
    rope = pairs_with_new_angles(before, before, 4096, window)
    yarn = pairs_with_new_angles(before, after, 4096, window)
    on_device(rope, yarn)
    assert int(rope.sum()) == 12 and int(yarn.sum()) == 0
    # Slowed by the factor, a pair's angle at the window's end is its angle at 4096 - 1/32.
    slowed = ~torch.isclose(before, after)
    assert torch.all((window - 1) * after[slowed] <= 4096 * before[slowed])


@pytest.mark.parametrize("trained, count", [(4096, 1062), (32768, 253)])
def test_an_input_sinusoid_keeps_its_frequencies_so_its_slow_pairs_leave_training(
    device, on_device, trained, count
):
    D = 7168
    sinusoid = 10000.0 ** (-torch.arange(0, D, 2, dtype=torch.float64, device=device) / D)
    new = pairs_with_new_angles(sinusoid, sinusoid, trained, 32 * 4096)
    on_device(new)
    # Closed form: pair i never turns in `trained` positions when
    # 10000^(2i/D) > trained / (2 pi).
    first = math.ceil(D / 2 * math.log(trained / (2 * math.pi)) / math.log(10000))
    assert int(new.sum()) == D // 2 - first == count
    assert torch.equal(new.nonzero().flatten().cpu(), torch.arange(first, D // 2))


def test_counted_against_the_32k_stage_fewer_rotary_pairs_are_new(device, on_device):
    before, _ = yarn_inv_freq(device=device)
    new = pairs_with_new_angles(before, before, 32768, 32 * 4096)
    on_device(new)
    # a rotary pair is new when it never turns in 32768 positions but does in 131072
    turns = 32768 * before / (2 * math.pi)
    assert int(new.sum()) == int((turns < 1).sum()) == 6


def test_a_fixed_position_table_has_nothing_past_its_last_row(device, on_device):
    table = nn.Embedding(4096, 8, device=device)
    on_device(table.weight)
    table(torch.tensor([4095], device=device))  # the last row exists
    if device.type == "cpu":  # on CUDA this would be a device-side assert: never trigger it
        with pytest.raises(IndexError, match="index out of range"):
            table(torch.tensor([4096], device=device))


def test_the_snippet_uses_the_settings_in_the_facts_file():
    assert positions_yarn.ROPE_DIM == facts.value("kimi_k2", "qk_rope_head_dim")
    assert positions_yarn.BASE == facts.value("kimi_k2", "rope_theta")
    assert positions_yarn.FACTOR == facts.value("kimi_k2", "yarn_factor")
    assert positions_yarn.FACTOR_0905 == facts.value("kimi_k2", "yarn_factor_0905")
    assert positions_yarn.ORIGINAL_LENGTH == facts.value("kimi_k2", "pretraining_seq_length")
    assert positions_yarn.BETA_FAST == facts.value("kimi_k2", "yarn_beta_fast")
    assert positions_yarn.BETA_SLOW == facts.value("kimi_k2", "yarn_beta_slow")
    assert positions_yarn.MSCALE_ALL_DIM == facts.value("kimi_k2", "yarn_mscale_all_dim")
    assert positions_yarn.HIDDEN == facts.value("kimi_k2", "hidden_size")
    assert positions_yarn.DEEPSEEK_V3 == {
        "base": facts.value("deepseek_v3", "rope_theta"),
        "factor": facts.value("deepseek_v3", "yarn_factor"),
        "beta_fast": facts.value("deepseek_v3", "yarn_beta_fast"),
        "beta_slow": facts.value("deepseek_v3", "yarn_beta_slow"),
    }
    assert facts.value("deepseek_v3", "original_seq_len") == positions_yarn.ORIGINAL_LENGTH


@pytest.mark.standalone  # reads a fresh run of the snippet
def test_the_printed_numbers(fresh_runs):
    done, _ = fresh_runs["positions_yarn"]
    # yarn_get_mscale(scale, mscale) = 0.1 * mscale * ln(scale) + 1 in modeling_deepseek.py
    mscale = 0.1 * 1 * math.log(32) + 1
    assert f"softmax scale multiplied by mscale^2: {mscale**2:.2f}" in done.stdout
    lines = done.stdout.splitlines()
    assert "  DeepSeek-V3, factor 40, betas 32 and 1: 11 kept, 12 partly, 9 fully" in lines
    assert "  Kimi-K2, factor 32, betas 1 and 1:      20 kept, 0 partly, 12 fully" in lines
    assert "Instruct-0905: 262,144 positions (64 x 4096)" in done.stdout
