"""Efficiency 1: a batch touches a few rows, but the default gradient is as big
as the table.

nn.Embedding(sparse=True) returns a sparse gradient holding only the looked-up
rows, and torch.optim.SparseAdam updates only those rows. That makes it a lazy
Adam: a row the step did not look up keeps its moments undecayed and does not
move, where dense Adam still moves every row whose moments are not zero.
Measured on the lesson's V = 100352 rows with D = 256, so the dense gradient
fits anywhere.
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


# --8<-- [start:lazy]
def adam_against_sparse_adam(steps, vocab_size=8, hidden_size=4, lr=0.1):
    """Two copies of one table: dense gradients with Adam, sparse ones with
    SparseAdam. Step k looks up the ids steps[k]; returns both tables' weights
    after every step."""
    device = steps.device
    torch.manual_seed(0)
    dense = nn.Embedding(vocab_size, hidden_size, device=device)
    sparse = nn.Embedding(vocab_size, hidden_size, sparse=True, device=device)
    with torch.no_grad():
        sparse.weight.copy_(dense.weight)
    optimizers = {
        dense: torch.optim.Adam(dense.parameters(), lr=lr),
        sparse: torch.optim.SparseAdam(sparse.parameters(), lr=lr),
    }
    history = [(dense.weight.detach().clone(), sparse.weight.detach().clone())]
    for ids in steps:
        for table, optimizer in optimizers.items():
            optimizer.zero_grad()
            table(ids).sum().backward()
            optimizer.step()
        history.append(
            (dense.weight.detach().clone(), sparse.weight.detach().clone())
        )
    return history
    # --8<-- [end:lazy]


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

    # --8<-- [start:lazy-run]
    # step 1 looks up rows 1 and 2; step 2 row 1 alone (twice: same shape)
    steps = torch.tensor([[1, 2], [1, 1]], device=DEVICE)
    (_, _), (adam1, sparse1), (adam2, sparse2) = adam_against_sparse_adam(steps)
    print("two steps: rows 1 and 2, then row 1 alone")
    print(
        "  row 1, in both steps, Adam and SparseAdam agree:",
        torch.allclose(adam2[1], sparse2[1]),
    )
    print(
        "  row 2, only in step 1, moved by step 2: Adam",
        not torch.equal(adam2[2], adam1[2]),
        "| SparseAdam",
        not torch.equal(sparse2[2], sparse1[2]),
    )
    print(
        "  row 3, never looked up, moved: Adam",
        not torch.equal(adam2[3], adam1[3]),
        "| SparseAdam",
        not torch.equal(sparse2[3], sparse1[3]),
    )
    # --8<-- [end:lazy-run]

    # --8<-- [start:sharded-run]
    try:  # sharded data parallel does not take them either
        sharded_sparse_backward(input_ids)
        print("fully_shard: sparse backward ran")
    except NotImplementedError as error:
        first_sentence = str(error).split(". ")[0]
        print(f"fully_shard -> NotImplementedError:\n  {first_sentence}.")
    # --8<-- [end:sharded-run]
