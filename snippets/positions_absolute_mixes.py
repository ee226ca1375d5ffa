"""Positions 2: absolute PE mixes position into the token's content.

With PE added to the input, one token at two positions gives two vectors, and the dot
product of two tokens depends on where they stand, not only on how far apart they are.

Run alone:  python positions_absolute_mixes.py      (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch

DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))  # the one switch: cpu or cuda
# --8<-- [end:setup]


# --8<-- [start:with-pe]
def sinusoidal_row(pos: int, dim: int, base: float = 10000.0) -> torch.Tensor:
    """One row of the sinusoidal table, in float64."""
    inv_freq = base ** (-torch.arange(0, dim, 2, dtype=torch.float64, device=DEVICE) / dim)
    row = torch.empty(dim, dtype=torch.float64, device=DEVICE)
    row[0::2], row[1::2] = torch.sin(pos * inv_freq), torch.cos(pos * inv_freq)
    return row


def with_pe(token_vector: torch.Tensor, pos: int) -> torch.Tensor:
    """What an absolute-PE model feeds its first layer: content + position."""
    return token_vector + sinusoidal_row(pos, token_vector.shape[-1])
    # --8<-- [end:with-pe]


if __name__ == "__main__":
    # --8<-- [start:demo]
    torch.manual_seed(0)
    dim = 64
    cat, sat = torch.randn(2, dim, dtype=torch.float64, device=DEVICE)  # two token vectors

    print("same token, positions 3 and 40 equal?", torch.equal(with_pe(cat, 3), with_pe(cat, 40)))
    print("offset 1 everywhere; the score changes with the absolute position:")
    for pos in (0, 10, 100, 1000):
        score = with_pe(cat, pos) @ with_pe(sat, pos + 1)
        print(f"  positions ({pos:>4}, {pos + 1:>4}): {score.item():8.4f}")
    print("without PE:", round((cat @ sat).item(), 4), "at every position")
    # --8<-- [end:demo]
