"""Positions 2: absolute PE mixes position into the token's content.

With PE added to the input, one token at two positions gives two vectors, and
the dot product of two tokens depends on where they stand, not only on how far
apart they are: the content x position cross terms do (TUPE, Ke et al.
2020, argues they add randomness to attention). Even the position-only term
PE_m . PE_n, a function of m - n alone for raw sinusoids, stops being one once
attention's projections W_q and W_k sit in between (TENER, Yan et al. 2019,
section 3).

Run alone:  python positions_absolute_mixes.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:with-pe]
def sinusoidal_row(
    pos: int, dim: int, base: float = 10000.0, device=DEVICE
) -> torch.Tensor:
    """One row of the sinusoidal table, in float64."""
    inv_freq = base ** (
        -torch.arange(0, dim, 2, dtype=torch.float64, device=device) / dim
    )
    row = torch.empty(dim, dtype=torch.float64, device=device)
    row[0::2], row[1::2] = torch.sin(pos * inv_freq), torch.cos(pos * inv_freq)
    return row


def with_pe(token_vector: torch.Tensor, pos: int) -> torch.Tensor:
    """What an absolute-PE model feeds its first layer: content + position."""
    return token_vector + sinusoidal_row(
        pos, token_vector.shape[-1], device=token_vector.device
    )
    # --8<-- [end:with-pe]


if __name__ == "__main__":
    # --8<-- [start:demo]
    torch.manual_seed(0)
    dim = 64
    # two token vectors
    cat, sat = torch.randn(2, dim, dtype=torch.float64, device=DEVICE)

    print(
        "same token, positions 3 and 40 equal?",
        torch.equal(with_pe(cat, 3), with_pe(cat, 40)),
    )
    print("offset 1 everywhere; the score changes with the absolute position:")
    for pos in (0, 10, 100, 1000):
        score = with_pe(cat, pos) @ with_pe(sat, pos + 1)
        print(f"  positions ({pos:>4}, {pos + 1:>4}): {score.item():8.4f}")
    print("without PE:", round((cat @ sat).item(), 4), "at every position")
    # --8<-- [end:demo]

    # --8<-- [start:projected]
    # Attention compares W_q x with W_k y, not x with y. Random stand-ins for
    # the learned projections are enough to see what they do to the
    # position-only term.
    W_q, W_k = (
        torch.randn(2, dim, dim, dtype=torch.float64, device=DEVICE) / dim**0.5
    )
    print(
        "offset 1, position-only term: raw PE_m . PE_n, then via W_q and W_k:"
    )
    for pos in (0, 10, 100, 1000):
        pe_m, pe_n = sinusoidal_row(pos, dim), sinusoidal_row(pos + 1, dim)
        raw, projected = pe_m @ pe_n, (W_q @ pe_m) @ (W_k @ pe_n)
        print(
            f"  positions ({pos:>4}, {pos + 1:>4}): "
            f"{raw.item():8.4f}  {projected.item():8.4f}"
        )
    # --8<-- [end:projected]
