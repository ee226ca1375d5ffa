"""Theory 1: the lookup is row selection, and row selection is a one-hot matmul.

For input_ids = [[1, 2]] the result stacks rows e1 and e2 of the table E:
    hidden[b, t] = E[input_ids[b, t]] = one_hot(input_ids[b, t]) @ E

Run alone:  python theory1_one_hot_lookup.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn.functional as F

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:one-hot]
def lookup_as_matmul(
    weight: torch.Tensor, input_ids: torch.Tensor
) -> torch.Tensor:
    """(B, T) ids -> (B, T, V) one-hot rows -> times the (V, D) table -> (B, T,
    D)."""
    one_hot = F.one_hot(input_ids, num_classes=weight.shape[0]).to(weight.dtype)
    # each output row is 1 * one table row + 0 * all the others
    return one_hot @ weight
    # --8<-- [end:one-hot]


if __name__ == "__main__":
    # --8<-- [start:example]
    torch.manual_seed(0)
    torch.set_printoptions(precision=4, sci_mode=False)
    E = torch.randn(6, 4, device=DEVICE)  # a toy table: V = 6 rows, D = 4
    input_ids = torch.tensor([[1, 2]], device=DEVICE)

    print("e1, e2:\n", E[1:3])
    print("one_hot(input_ids):\n", F.one_hot(input_ids, num_classes=6))
    print("hidden = one_hot @ E:\n", lookup_as_matmul(E, input_ids))
    print(
        torch.equal(lookup_as_matmul(E, input_ids), F.embedding(input_ids, E))
    )
    # --8<-- [end:example]
