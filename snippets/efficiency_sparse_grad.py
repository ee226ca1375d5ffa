"""Efficiency 1: a batch touches a few rows, but the default gradient is as big
as the table.

nn.Embedding(sparse=True) returns a sparse gradient holding only the looked-up
rows, and torch.optim.SparseAdam updates only those rows. Measured on the
lesson's V = 100352 rows with D = 256, so the dense gradient fits anywhere.
At D = 4096 the dense gradient and the sparse values are 16x larger; the
sparse indices (8 bytes per row) are not, so the ratio barely moves.

Run alone:  python efficiency_sparse_grad.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn as nn

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:grad-bytes]
def gradient_bytes(
    sparse: bool, input_ids: torch.Tensor, vocab_size=100352, hidden_size=256
):
    """Gradient bytes after one backward over input_ids, and the table."""
    torch.manual_seed(0)
    table = nn.Embedding(
        vocab_size, hidden_size, sparse=sparse, device=input_ids.device
    )
    table(input_ids).sum().backward()
    grad = table.weight.grad
    if grad.is_sparse:  # indices (1, nnz) int64 + values (nnz, D)
        grad = grad.coalesce()
        return grad.indices().nbytes + grad.values().nbytes, table
    return grad.nbytes, table
    # --8<-- [end:grad-bytes]


# --8<-- [start:sharded]
def sharded_sparse_backward(
    input_ids: torch.Tensor, vocab_size=100352, hidden_size=256
):
    """One backward through a sparse table sharded by FSDP2's fully_shard.

    A group of one process is enough to reach FSDP's gradient reduction.
    """
    import torch.distributed as dist
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.fsdp import fully_shard

    backend = "nccl" if input_ids.device.type == "cuda" else "gloo"
    dist.init_process_group(
        backend, store=dist.HashStore(), rank=0, world_size=1
    )
    try:
        table = nn.Embedding(
            vocab_size, hidden_size, sparse=True, device=input_ids.device
        )
        # name the device: FSDP2 would otherwise pick the build's accelerator
        fully_shard(table, mesh=init_device_mesh(input_ids.device.type, (1,)))
        table(input_ids).sum().backward()
    finally:
        dist.destroy_process_group()
    # --8<-- [end:sharded]


if __name__ == "__main__":
    # --8<-- [start:compare]
    torch.manual_seed(0)
    # one small batch: 64 ids
    input_ids = torch.randint(1, 100352, (4, 16), device=DEVICE)
    dense, _ = gradient_bytes(False, input_ids)
    sparse, table = gradient_bytes(True, input_ids)
    rows = table.weight.grad.coalesce().values().shape[0]
    print(f"dense gradient:  {dense:>12,} bytes (all 100352 rows)")
    print(f"sparse gradient: {sparse:>12,} bytes ({rows} rows touched)")
    print(f"ratio: {dense / sparse:,.0f}x")
    # --8<-- [end:compare]

    # --8<-- [start:sparse-adam]
    before = table.weight.detach().clone()
    torch.optim.SparseAdam(table.parameters(), lr=0.1).step()
    changed = (table.weight.detach() != before).any(dim=1)
    print(
        "rows changed by one SparseAdam step:",
        int(changed.sum()),
        "| all of them looked up:",
        bool(
            torch.isin(changed.nonzero().flatten(), input_ids.flatten()).all()
        ),
    )
    try:  # most optimizers refuse sparse gradients: AdamW, for one
        torch.optim.AdamW(table.parameters()).step()
    except RuntimeError as error:
        print(f"AdamW -> RuntimeError:\n  {error}")
    # --8<-- [end:sparse-adam]

    # --8<-- [start:sharded-run]
    try:  # sharded data parallel does not take them either
        sharded_sparse_backward(input_ids)
        print("fully_shard: sparse backward ran")
    except NotImplementedError as error:
        first_sentence = str(error).split(". ")[0]
        print(f"fully_shard -> NotImplementedError:\n  {first_sentence}.")
    # --8<-- [end:sharded-run]
