"""Theory 3: what an embedding table costs in memory: V x D x bytes per number.

Run alone:  python theory3_table_memory.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn as nn

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:table-bytes]
def table_bytes(vocab_size: int, hidden_size: int, dtype: torch.dtype) -> int:
    """Bytes of the weight of nn.Embedding(vocab_size, hidden_size) in this
    dtype."""
    # 4 bytes in fp32, 2 in bf16
    return vocab_size * hidden_size * dtype.itemsize
    # --8<-- [end:table-bytes]


if __name__ == "__main__":
    # --8<-- [start:tables]
    tables = {
        "lesson (V=100352, D=4096)": (100352, 4096),
        "Kimi-K2 (V=163840, D=7168)": (163840, 7168),
        "1M ids (V=1000000, D=7168)": (1_000_000, 7168),
    }
    GiB = 2**30
    for name, (vocab_size, hidden_size) in tables.items():
        fp32 = table_bytes(vocab_size, hidden_size, torch.float32)
        bf16 = table_bytes(vocab_size, hidden_size, torch.bfloat16)
        print(
            f"{name + ':':<28}{vocab_size * hidden_size:>13,} params, "
            f"fp32 {fp32 / GiB:.2f} GiB, bf16 {bf16 / GiB:.2f} GiB"
        )
    # --8<-- [end:tables]

    # --8<-- [start:real-storage]
    torch.manual_seed(0)
    # a real table's storage agrees
    small = nn.Embedding(1000, 64, device=DEVICE)
    print(
        small.weight.untyped_storage().nbytes()
        == table_bytes(1000, 64, torch.float32)
    )
    # --8<-- [end:real-storage]
