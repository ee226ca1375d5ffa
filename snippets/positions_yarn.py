"""Positions 4: what YaRN does to RoPE's frequencies, and why a position
vector added at the input gets no such help.

YaRN (Peng et al. 2023, arXiv 2309.00071) rescales the rotary frequencies,
pair by pair, and the softmax scale. Pairs that turn more than beta_fast
times within the original length keep their frequency, pairs that turn fewer
than beta_slow times are divided by the factor, and a linear ramp over the
pair index joins the two. DeepSeek-V3's settings (its inference/model.py):
factor 40, beta_fast 32, beta_slow 1, base 10000. Kimi-K2's (the July 2025
Base and Instruct checkpoints; values from NVIDIA's Megatron-Bridge): factor
32, beta_fast = beta_slow = 1, base 50000, so the ramp collapses to a step.
Kimi-K2-Instruct-0905 doubles the factor to 64. Both models rotate 64 of
each head's query/key dimensions and were pre-trained on 4096 positions.

Run alone:  python positions_yarn.py
            (writes yarn_frequencies.png beside it)
"""

# --8<-- [start:setup]
import math
import os

import matplotlib.pyplot as plt
import torch
import torch.nn as nn

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
ROPE_DIM, ORIGINAL_LENGTH = 64, 4096  # rotary dims per head, pre-training
# Kimi-K2, July 2025 Base/Instruct: base, YaRN factor, beta_fast, beta_slow
BASE, FACTOR, BETA_FAST, BETA_SLOW = 50000.0, 32, 1, 1
MSCALE_ALL_DIM = 1
FACTOR_0905 = 64  # Kimi-K2-Instruct-0905
DEEPSEEK_V3 = dict(base=10000.0, factor=40, beta_fast=32, beta_slow=1)
HIDDEN = 7168  # Kimi-K2's hidden size, for an input sinusoid it never had
LONG_CONTEXT = 32 * 1024  # the tech report's long-context stage: 32k tokens
# --8<-- [end:setup]


# --8<-- [start:yarn]
def rotations_to_pair(
    rotations: float, dim: int, base: float, length: int
) -> float:
    """The (fractional) pair index whose angle turns `rotations` times over
    `length` positions."""
    return (
        dim
        * math.log(length / (rotations * 2 * math.pi))
        / (2 * math.log(base))
    )


def yarn_ramp(
    dim=ROPE_DIM,
    base=BASE,
    length=ORIGINAL_LENGTH,
    beta_fast=BETA_FAST,
    beta_slow=BETA_SLOW,
    device=DEVICE,
):
    """Per pair, how much of the slowdown it gets: 0 keeps its frequency, 1
    divides it by the factor, and in between a linear ramp over the pair index
    from the pair that turns beta_fast times to the one that turns beta_slow
    times, as DeepSeek-V3's code computes it."""
    low = max(math.floor(rotations_to_pair(beta_fast, dim, base, length)), 0)
    high = min(
        math.ceil(rotations_to_pair(beta_slow, dim, base, length)), dim - 1
    )
    pair = torch.arange(dim // 2, dtype=torch.float64, device=device)
    return ((pair - low) / max(high - low, 0.001)).clamp(0, 1)


def yarn_inv_freq(
    dim=ROPE_DIM,
    base=BASE,
    factor=FACTOR,
    length=ORIGINAL_LENGTH,
    beta_fast=BETA_FAST,
    beta_slow=BETA_SLOW,
    device=DEVICE,
):
    """Rotary frequencies (radians per position) before and after YaRN."""
    original = base ** (
        -torch.arange(0, dim, 2, dtype=torch.float64, device=device) / dim
    )
    ramp = yarn_ramp(dim, base, length, beta_fast, beta_slow, device)
    return original, original * (1 - ramp) + (original / factor) * ramp
    # --8<-- [end:yarn]


# --8<-- [start:new-angles]
def pairs_with_new_angles(
    trained: torch.Tensor, used: torch.Tensor, length: int, window: int
) -> torch.Tensor:
    """Pairs that never completed a turn in training (frequencies `trained`,
    `length` positions) and that, run at frequencies `used` over `window`
    positions, reach angles training never showed them (one position of
    slack)."""
    never_turned = length * trained < 2 * math.pi
    beyond = (window - 1) * used > length * trained
    return never_turned & beyond
    # --8<-- [end:new-angles]


if __name__ == "__main__":
    # --8<-- [start:ramp]
    settings = {
        "DeepSeek-V3": DEEPSEEK_V3,
        "Kimi-K2": dict(
            base=BASE, factor=FACTOR, beta_fast=BETA_FAST, beta_slow=BETA_SLOW
        ),
    }
    print(
        f"rotary pairs (of {ROPE_DIM // 2}) kept, slowed partly, slowed fully:"
    )
    for name, s in settings.items():
        ramp = yarn_ramp(
            ROPE_DIM, s["base"], ORIGINAL_LENGTH, s["beta_fast"], s["beta_slow"]
        )
        kept, fully = int((ramp == 0).sum()), int((ramp == 1).sum())
        partly = ROPE_DIM // 2 - kept - fully
        setting = (
            f"{name}, factor {s['factor']}, "
            f"betas {s['beta_fast']} and {s['beta_slow']}:"
        )
        print(f"  {setting:<39} {kept} kept, {partly} partly, {fully} fully")
    # --8<-- [end:ramp]

    # --8<-- [start:numbers]
    before, after = yarn_inv_freq()  # Kimi-K2's settings
    slowed = ~torch.isclose(before, after)
    print(
        "Kimi-K2, slowed pairs divided by:",
        (before[slowed] / after[slowed]).unique().tolist(),
    )
    wavelength = 2 * math.pi / before
    print(
        "kept pairs turn at least once in 4096 positions:",
        bool((ORIGINAL_LENGTH / wavelength[~slowed] >= 1).all()),
    )
    for label, factor in (
        ("July 2025", FACTOR),
        ("Instruct-0905", FACTOR_0905),
    ):
        print(
            f"window after YaRN, {label}: {factor * ORIGINAL_LENGTH:,} "
            f"positions ({factor} x {ORIGINAL_LENGTH})"
        )
    # YaRN also sharpens attention: DeepSeek-V3's code multiplies the softmax
    # scale by mscale^2.
    mscale = 0.1 * MSCALE_ALL_DIM * math.log(FACTOR) + 1
    print(f"softmax scale multiplied by mscale^2: {mscale**2:.2f}")
    # --8<-- [end:numbers]

    # --8<-- [start:input-side]
    window = FACTOR * ORIGINAL_LENGTH
    rope = pairs_with_new_angles(before, before, ORIGINAL_LENGTH, window)
    yarn = pairs_with_new_angles(before, after, ORIGINAL_LENGTH, window)
    # Vaswani et al.'s sinusoid at Kimi-K2's width: YaRN has nothing to rescale
    sinusoid = 10000.0 ** (
        -torch.arange(0, HIDDEN, 2, dtype=torch.float64, device=DEVICE) / HIDDEN
    )
    added = pairs_with_new_angles(sinusoid, sinusoid, ORIGINAL_LENGTH, window)
    print(f"pairs driven to angles never seen in training, up to {window:,}:")
    print(f"  against the {ORIGINAL_LENGTH:,}-token pre-training length")
    print(f"    rotary, no YaRN:    {int(rope.sum()):>5} of {ROPE_DIM // 2}")
    print(f"    rotary, after YaRN: {int(yarn.sum()):>5} of {ROPE_DIM // 2}")
    print(f"    sinusoid at input:  {int(added.sum()):>5,} of {HIDDEN // 2:,}")
    # the model also trained at 32k; counted against that, fewer pairs are new
    rope = pairs_with_new_angles(before, before, LONG_CONTEXT, window)
    added = pairs_with_new_angles(sinusoid, sinusoid, LONG_CONTEXT, window)
    print(f"  against the {LONG_CONTEXT:,}-token long-context stage")
    print(f"    rotary without YaRN: {int(rope.sum()):>4} of {ROPE_DIM // 2}")
    print(f"    input sinusoid:      {int(added.sum()):>4,} of {HIDDEN // 2:,}")
    # --8<-- [end:input-side]

    # --8<-- [start:fixed-table]
    # A learned table, like GPT-2's wpe, ends at its last row. Built on the CPU
    # on purpose: on a GPU the same lookup is a device-side assert that leaves
    # the CUDA context unusable.
    learned_positions = nn.Embedding(ORIGINAL_LENGTH, 8)
    try:
        learned_positions(torch.tensor([ORIGINAL_LENGTH]))  # one past the end
    except IndexError as error:
        print(
            "position 4096 of a 4096-row table ->",
            type(error).__name__ + ":",
            error,
        )
    # --8<-- [end:fixed-table]

    # --8<-- [start:figure]
    plt.rcParams["font.size"] = 12  # readable on a phone
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 7))
    for (name, s), style in zip(settings.items(), ("o-", "s--"), strict=True):
        ramp = yarn_ramp(
            ROPE_DIM, s["base"], ORIGINAL_LENGTH, s["beta_fast"], s["beta_slow"]
        )
        top.plot(
            ramp.cpu().numpy(), style, label=f"{name}, base {s['base']:.0f}"
        )
    top.set(
        xlabel="rotary pair i",
        ylabel="share of slowdown",
        title="The YaRN ramp, and Kimi-K2's step",
    )
    top.legend()
    bottom.semilogy(before.cpu().numpy(), "o-", label="RoPE, base 50000")
    bottom.semilogy(after.cpu().numpy(), "s--", label="after YaRN, factor 32")
    bottom.axhline(2 * math.pi / ORIGINAL_LENGTH, color="gray", lw=0.8)
    bottom.text(0.5, 2 * math.pi / ORIGINAL_LENGTH * 1.6, "one turn in 4096")
    bottom.set(
        xlabel="rotary pair i",
        ylabel="radians per position",
        title="Kimi-K2's frequencies",
    )
    bottom.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig("yarn_frequencies.png", dpi=150)
    # --8<-- [end:figure]
