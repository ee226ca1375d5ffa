"""Positions 3: RoPE makes the attention score depend on the offset m - n alone.

RoPE (Su et al. 2021) rotates each pair of query/key dimensions by an angle
proportional to the position. Rotations compose, so q_m . k_n = q . R(n - m) k:
only the offset m - n is left.

Run alone:  python positions_rope_relative.py
            (writes rope_vs_absolute.png beside it)
"""

# --8<-- [start:setup]
import os

import matplotlib.pyplot as plt
import torch

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:rope]
def apply_rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0):
    """Rotate the pair (x[i], x[i + D/2]) of the last dim by angle position *
    base^(-2i/D)."""
    half = x.shape[-1] // 2
    inv_freq = base ** (
        -torch.arange(half, dtype=torch.float64, device=x.device)
        * 2
        / x.shape[-1]
    )
    angles = positions.to(torch.float64).unsqueeze(-1) * inv_freq  # (..., D/2)
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


def rope_score(q: torch.Tensor, k: torch.Tensor, m, n) -> torch.Tensor:
    """q at positions m, k at positions n: the attention logits, one per (m, n)
    pair."""
    m = torch.as_tensor(m, device=q.device)
    n = torch.as_tensor(n, device=q.device)
    return (
        apply_rope(q.expand(*m.shape, -1), m)
        * apply_rope(k.expand(*n.shape, -1), n)
    ).sum(-1)
    # --8<-- [end:rope]


# --8<-- [start:absolute]
def absolute_score(
    q: torch.Tensor, k: torch.Tensor, m, n, base: float = 10000.0
):
    """The same q, k with sinusoidal PE added to the inputs instead (for the
    figure)."""

    def pe(pos):
        pos = torch.as_tensor(
            pos, device=q.device, dtype=torch.float64
        ).unsqueeze(-1)
        inv = base ** (
            -torch.arange(
                0, q.shape[-1], 2, dtype=torch.float64, device=q.device
            )
            / q.shape[-1]
        )
        return torch.stack(
            [torch.sin(pos * inv), torch.cos(pos * inv)], -1
        ).flatten(-2)

    return ((q + pe(m)) * (k + pe(n))).sum(-1)
    # --8<-- [end:absolute]


if __name__ == "__main__":
    # --8<-- [start:shift]
    torch.manual_seed(0)
    q, k = torch.randn(2, 64, dtype=torch.float64, device=DEVICE)
    # Queries at m, keys at n <= m, as in a causal decoder: the offset m - n is
    # how far back the key sits.
    m, n = torch.tensor([5, 9, 130]), torch.tensor([2, 9, 60])
    print("offsets m - n:", (m - n).tolist())
    for shift in (0, 1000, 50_000):
        print(
            f"shift both by {shift:>6}:",
            rope_score(q, k, m + shift, n + shift).cpu(),
        )
    print(
        "at offset 0 the score is the plain dot product q . k:",
        round((q @ k).item(), 4),
    )
    # --8<-- [end:shift]

    # --8<-- [start:figure]
    plt.rcParams["font.size"] = 12  # readable on a phone
    offsets = torch.arange(0, 201)  # m - n: the key 0 to 200 positions back
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 7), sharex=True)
    # dashed on top: identical curves stay visible
    for m, style in ((200, "-"), (2200, "--")):
        n = m - offsets
        label = f"query at m = {m}"
        top.plot(
            offsets, rope_score(q, k, m, n).cpu().numpy(), style, label=label
        )
        bottom.plot(
            offsets,
            absolute_score(q, k, m, n).cpu().numpy(),
            style,
            label=label,
        )
    top.set(title="RoPE: one curve, wherever the query is", ylabel="score")
    bottom.set(
        title="Absolute PE: the curve moves with m",
        xlabel="offset m - n",
        ylabel="score",
    )
    top.legend(), bottom.legend()
    fig.tight_layout()
    fig.savefig("rope_vs_absolute.png", dpi=150)
    # --8<-- [end:figure]
