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
    """Bytes of the table's gradient after one backward pass over input_ids."""
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
