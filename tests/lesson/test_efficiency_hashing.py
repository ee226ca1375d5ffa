"""Efficiency 2: quotient-remainder gives every id its own pair of rows; hashing collides."""

import torch

from efficiency_hashing import QuotientRemainderEmbedding, collision_rate


def test_qr_uses_far_fewer_rows_and_distinct_vectors(device, on_device):
    torch.manual_seed(0)
    qr = QuotientRemainderEmbedding(10_000, 16, m=100, device=device)
    ids = torch.arange(10_000, device=device)
    vectors = qr(ids)
    on_device(vectors)
    assert qr.quotient.num_embeddings + qr.remainder.num_embeddings == 200
    assert torch.unique(vectors, dim=0).shape[0] == 10_000  # no two ids share a vector


def test_collision_rates(device, on_device):
    ids = torch.arange(10_000, device=device)
    on_device(ids)
    assert collision_rate(torch.stack([ids // 100, ids % 100], dim=1)) == 0.0
    assert collision_rate(ids % 200) == 1.0  # 10,000 ids in 200 rows: every row is shared
    assert collision_rate(torch.tensor([0, 1, 2, 2], device=device)) == 0.5
