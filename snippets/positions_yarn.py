"""Positions 4: what YaRN does to RoPE's frequencies, and what a learned
position table does past its last row.

Kimi-K2 was pre-trained on 4096-token sequences, trained further at 32k, and its
window was extended to 128K with YaRN (tech report, arXiv 2507.20534, section
2.5). Its rotary settings (Megatron-Bridge's KimiK2Provider): 64 rotary
dimensions per head, base 50000, YaRN factor 32 over the original 4096
positions, beta_fast = beta_slow = 1, mscale_all_dim = 1.

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
ROPE_DIM, BASE, FACTOR, ORIGINAL_LENGTH, BETA_FAST, BETA_SLOW = (
    64,
    50000.0,
    32,
    4096,
    1,
    1,
)
MSCALE_ALL_DIM = 1
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


def yarn_inv_freq(
    dim=ROPE_DIM,
    base=BASE,
    factor=FACTOR,
    length=ORIGINAL_LENGTH,
    beta_fast=BETA_FAST,
    beta_slow=BETA_SLOW,
    device=DEVICE,
):
    """Rotary frequencies before and after YaRN, as DeepSeek-V3's YaRN rotary
    embedding computes them.

    Pairs that turn more than beta_fast times within the original length keep
    their frequency; pairs that turn fewer than beta_slow times are slowed by
    `factor`; a linear ramp joins them.
    """
    original = base ** (
        -torch.arange(0, dim, 2, dtype=torch.float64, device=device) / dim
    )
    low = max(math.floor(rotations_to_pair(beta_fast, dim, base, length)), 0)
    high = min(
        math.ceil(rotations_to_pair(beta_slow, dim, base, length)), dim - 1
    )
    pair = torch.arange(dim // 2, dtype=torch.float64, device=device)
    # 0: keep, 1: slow down
    ramp = ((pair - low) / max(high - low, 0.001)).clamp(0, 1)
    return original, original * (1 - ramp) + (original / factor) * ramp
    # --8<-- [end:yarn]


if __name__ == "__main__":
    # --8<-- [start:numbers]
    before, after = yarn_inv_freq()
    slowed = ~torch.isclose(before, after)
    print(
        "pairs kept:",
        int((~slowed).sum()),
        " pairs slowed by 32:",
        int(slowed.sum()),
    )
    print(
        "ratio of the slowed frequencies:",
        (before[slowed] / after[slowed]).unique().cpu(),
    )
    wavelength = 2 * math.pi / before
    print(
        "kept pairs turn at least once in 4096 positions:",
        bool((ORIGINAL_LENGTH / wavelength[~slowed] >= 1).all()),
    )
    print(
        f"longest wavelength: {2 * math.pi / before.min():,.0f} -> "
        f"{2 * math.pi / after.min():,.0f} positions"
    )
    print(
        f"window after YaRN: {FACTOR * ORIGINAL_LENGTH:,} positions "
        f"({FACTOR} x {ORIGINAL_LENGTH})"
    )
    # YaRN also sharpens attention: DeepSeek-V3's code multiplies the softmax
    # scale by mscale^2.
    mscale = 0.1 * MSCALE_ALL_DIM * math.log(FACTOR) + 1
    print(f"softmax scale multiplied by mscale^2: {mscale**2:.2f}")
    # --8<-- [end:numbers]

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
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.semilogy(before.cpu().numpy(), "o-", label="RoPE, base 50000")
    ax.semilogy(after.cpu().numpy(), "s--", label="after YaRN, factor 32")
    ax.axhline(2 * math.pi / ORIGINAL_LENGTH, color="gray", lw=0.8)
    ax.text(
        0.5,
        2 * math.pi / ORIGINAL_LENGTH * 1.3,
        "one turn in 4096 positions",
        color="gray",
    )
    ax.set(
        xlabel="rotary pair i",
        ylabel="frequency (radians per position)",
        title="YaRN slows only the pairs that never turn once in pretraining",
    )
    ax.legend()
    fig.tight_layout()
    fig.savefig("yarn_frequencies.png", dpi=110)
    # --8<-- [end:figure]
