"""Task 3: the lookup by hand. Picking rows of the weight equals the module's
output.

The exercise's line passes index_select a 2-D index, which it refuses. This
file runs that line exactly as written, shows the error, then the fix.

Run alone:  python task3_manual_gather.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn as nn

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:sheet-gather]
def sheet_gather(weight: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
    """The exercise's line, as written: its index has shape (1, 2), not
    (2,)."""
    return torch.index_select(weight, 0, indices.unsqueeze(0).expand(1, -1))
    # --8<-- [end:sheet-gather]


# --8<-- [start:manual-gather]
def manual_gather(
    weight: torch.Tensor, input_ids: torch.Tensor
) -> torch.Tensor:
    """Flatten the ids to 1-D, pick those rows, then restore the (B, T, D)
    shape."""
    # --8<-- [start:solution]
    # pick the rows of `weight` with torch.index_select, which takes a 1-D
    # index, then view them as (B, T, D): ids of any shape (B, T) give one
    # row each.
    return weight[input_ids]  # plain indexing: (B, T) ids pick (B, T, D) rows
    # --8<-- [end:solution]
    # --8<-- [end:manual-gather]


if __name__ == "__main__":
    # --8<-- [start:sheet-as-written]
    torch.manual_seed(0)
    # V does not matter here: 1000 rows of the lesson's D = 4096 run in a
    # second, and the tests run the same functions on the full 100352-row table.
    embed_tokens = nn.Embedding(1000, 4096, padding_idx=0, device=DEVICE)
    first_rows = embed_tokens.weight[:5]  # the exercise's "first 5 rows"
    indices = torch.tensor([1, 3], device=DEVICE)
    try:
        manual = sheet_gather(embed_tokens.weight, indices)
    except IndexError as error:
        print(f"the exercise's code -> {type(error).__name__}:\n  {error}")
    # --8<-- [end:sheet-as-written]

    # --8<-- [start:fixed]
    input_ids = indices.unsqueeze(0)  # [[1, 3]]: batch of one, two tokens
    manual = manual_gather(embed_tokens.weight, input_ids)
    module = embed_tokens(input_ids)

    print(manual.shape, module.shape)
    print(torch.equal(manual, module))  # bit for bit, not just close
    # plain indexing gathers too
    print(torch.equal(embed_tokens.weight[input_ids], module))
    # rows 1 and 3 of the first five
    print(torch.equal(first_rows[indices], module[0]))
    # --8<-- [end:fixed]
