"""Theory 3: why the lookup is cheap. It copies rows; the one-hot matmul does
arithmetic.

For N = B x T tokens, a table of V rows of D numbers, and b bytes per number:
    gather:          reads N x D x b bytes of the table, writes N x D x b,
                     0 FLOPs
    one-hot matmul:  2 x N x V x D FLOPs, and builds an (N, V) one-hot matrix
                     first

Run alone:  python theory3_lookup_cost.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:cost]
def lookup_cost(
    tokens: int, vocab_size: int, hidden_size: int, dtype: torch.dtype
) -> dict:
    """Bytes moved by the gather, and the work of the one-hot matmul that equals
    it."""
    row_bytes = hidden_size * dtype.itemsize
    return {
        "gather bytes read + written": 2 * tokens * row_bytes,
        "gather FLOPs": 0,
        "one-hot matmul FLOPs": 2 * tokens * vocab_size * hidden_size,
        "one-hot matrix bytes": tokens * vocab_size * dtype.itemsize,
    }
    # --8<-- [end:cost]


if __name__ == "__main__":
    # --8<-- [start:numbers]
    for name, (vocab_size, hidden_size, dtype) in {
        "lesson, fp32": (100352, 4096, torch.float32),
        "Kimi-K2, bf16": (163840, 7168, torch.bfloat16),
    }.items():
        print(f"{name}, 4096 tokens:")
        for what, amount in lookup_cost(
            4096, vocab_size, hidden_size, dtype
        ).items():
            print(f"  {what:<28} {amount:>22,}")
    # --8<-- [end:numbers]

    # --8<-- [start:count-it]
    torch.manual_seed(0)
    # Let PyTorch count the FLOPs of a small lookup, both ways.
    weight = torch.randn(1000, 64, device=DEVICE)
    input_ids = torch.randint(0, 1000, (8, 16), device=DEVICE)
    with FlopCounterMode(display=False) as gather_count:
        F.embedding(input_ids, weight)
    with FlopCounterMode(display=False) as matmul_count:
        F.one_hot(input_ids, 1000).to(weight.dtype) @ weight
    print(
        "counted FLOPs, gather:",
        gather_count.get_total_flops(),
        " one-hot matmul:",
        matmul_count.get_total_flops(),
    )
    # --8<-- [end:count-it]
