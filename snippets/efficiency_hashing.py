"""Efficiency 2: a vocabulary of a million ids in far fewer rows.

Two ways to spend the same memory: the hashing trick (id % buckets: colliding
ids share a row) and the quotient-remainder trick (Shi et al. 2019, arXiv
1909.02107): two small tables indexed by id // m and id % m, combined
element-wise, which gives every id its own pair.

Run alone:  python efficiency_hashing.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn as nn

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:qr]
class QuotientRemainderEmbedding(nn.Module):
    """vector(id) = Q[id // m] * R[id % m]: ceil(V / m) + m rows, not V."""

    def __init__(
        self, vocab_size: int, hidden_size: int, m: int, device=DEVICE
    ):
        super().__init__()
        self.m = m
        self.quotient = nn.Embedding(
            -(-vocab_size // m), hidden_size, device=device
        )
        self.remainder = nn.Embedding(m, hidden_size, device=device)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.quotient(input_ids // self.m) * self.remainder(
            input_ids % self.m
        )

    # --8<-- [end:qr]


# --8<-- [start:collisions]
def collision_rate(rows_of: torch.Tensor) -> float:
    """Share of ids whose row (or row pair) some other id also uses."""
    _, inverse, counts = torch.unique(
        rows_of, dim=0, return_inverse=True, return_counts=True
    )
    return (counts[inverse] > 1).float().mean().item()
    # --8<-- [end:collisions]


if __name__ == "__main__":
    # --8<-- [start:compare]
    vocab_size, hidden_size, m = 1_000_000, 64, 1000
    ids = torch.arange(vocab_size, device=DEVICE)
    qr = QuotientRemainderEmbedding(vocab_size, hidden_size, m)
    # 1000 + 1000
    rows = qr.quotient.num_embeddings + qr.remainder.num_embeddings
    print(
        f"full table: {vocab_size:,} rows; QR and hashing: {rows:,} rows "
        f"({vocab_size / rows:,.0f}x less memory)"
    )
    print(
        f"hashing (id % {rows}) collision rate: "
        f"{collision_rate(ids % rows):.1%}"
    )
    print(
        f"quotient-remainder collision rate:    "
        f"{collision_rate(torch.stack([ids // m, ids % m], dim=1)):.1%}"
    )
    print(
        "QR output shape:",
        tuple(qr(torch.tensor([[0, 999_999]], device=DEVICE)).shape),
    )
    # --8<-- [end:compare]
