"""Efficiency 1: the sparse gradient holds only the looked-up rows; SparseAdam touches only them,
so it is a lazy Adam that does not train like dense Adam; AdamW and FSDP2 refuse it."""

import pytest
import torch

from efficiency_sparse_grad import (
    adam_against_sparse_adam,
    gradient_bytes,
    sharded_sparse_backward,
)


def test_dense_gradient_is_the_whole_table_sparse_only_the_rows(device, on_device):
    input_ids = torch.tensor([[5, 9, 9, 7000], [1, 5, 9999, 2]], device=device)
    dense, dense_table = gradient_bytes(False, input_ids, vocab_size=10_000)
    sparse, sparse_table = gradient_bytes(True, input_ids, vocab_size=10_000)

    on_device(dense_table.weight.grad, sparse_table.weight.grad)
    assert dense == 10_000 * 256 * 4
    unique_rows = 6  # 1, 2, 5, 9, 7000, 9999
    assert sparse == unique_rows * 8 + unique_rows * 256 * 4  # int64 indices + fp32 values
    torch.testing.assert_close(sparse_table.weight.grad.to_dense(), dense_table.weight.grad)


def test_sparse_adam_updates_exactly_the_looked_up_rows(device, on_device):
    input_ids = torch.tensor([[3, 3, 17, 9999]], device=device)
    _, table = gradient_bytes(True, input_ids, vocab_size=10_000)
    before = table.weight.detach().clone()
    torch.optim.SparseAdam(table.parameters(), lr=0.1).step()
    changed = (table.weight.detach() != before).any(dim=1).nonzero().flatten()
    on_device(changed)
    assert changed.tolist() == [3, 17, 9999]


def test_adamw_refuses_sparse_gradients(device, on_device):
    # nn.Embedding's docs list the few optimizers that take sparse gradients; AdamW is not one.
    _, table = gradient_bytes(True, torch.tensor([[1, 2]], device=device), vocab_size=10)
    on_device(table.weight.grad)
    with pytest.raises(RuntimeError, match="^Adam does not support sparse gradients"):
        torch.optim.AdamW(table.parameters()).step()


def test_the_sparse_gradient_has_one_row_per_lookup_until_coalesced(device, on_device):
    table = torch.nn.Embedding(10, 4, sparse=True, device=device)
    table(torch.tensor([[1, 1, 1, 2, 2, 3]], device=device)).sum().backward()
    grad = table.weight.grad
    on_device(grad)
    assert not grad.is_coalesced() and grad._nnz() == 6  # one row per lookup
    assert grad.coalesce()._nnz() == 3  # repeats summed: one row per distinct id


def test_fully_shard_refuses_sparse_gradients(device, on_device):
    # FSDP2 copies the gradients of the parameters one fully_shard call manages into one flat
    # reduce-scatter buffer (fsdp::chunk_cat), which has kernels for dense tensors only. The
    # backend named in the message is the device under test: nothing moved to another device.
    input_ids = torch.tensor([[1, 2, 2]], device=device)
    on_device(input_ids)
    sparse_backend = f"'Sparse{device.type.upper()}'"
    with pytest.raises(NotImplementedError, match=f"fsdp::chunk_cat.*{sparse_backend}"):
        sharded_sparse_backward(input_ids, vocab_size=10, hidden_size=4)


def test_sparse_adam_is_lazy_dense_adam_moves_every_row_with_a_moment(device, on_device):
    # Step 1 looks up rows 1 and 2, steps 2 and 3 only row 1.
    steps = torch.tensor([[1, 2], [1, 1], [1, 1]], device=device)
    history = adam_against_sparse_adam(steps)
    on_device(*history[-1])
    start, after_one = history[0], history[1]
    for (adam, sparse_adam), (adam_before, sparse_before) in zip(
        history[2:], history[1:-1], strict=True
    ):
        # a row looked up at every step: the two optimizers keep it the same
        torch.testing.assert_close(adam[1], sparse_adam[1])
        # a row looked up once: its moments keep Adam moving it; SparseAdam leaves it
        assert not torch.equal(adam[2], adam_before[2])
        assert torch.equal(sparse_adam[2], sparse_before[2])
    # rows never looked up have zero moments: neither moves them
    never = torch.tensor([0, 3, 4, 5, 6, 7], device=device)
    for adam, sparse_adam in history:
        assert torch.equal(adam[never], start[0][never])
        assert torch.equal(sparse_adam[never], start[1][never])
    # after step 1 the two tables are the same; afterwards row 2 differs
    torch.testing.assert_close(after_one[0], after_one[1])
    assert not torch.allclose(history[-1][0][2], history[-1][1][2])
