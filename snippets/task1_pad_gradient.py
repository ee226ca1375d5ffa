"""Task 1, continued: after a backward pass the pad row has received no
gradient.

A toy table (V = 6, D = 4) so the whole gradient fits on screen; the tests check
the same on the lesson's full table, where this gradient is a dense 1.53 GiB
tensor.

Run alone:  python task1_pad_gradient.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn as nn

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


if __name__ == "__main__":
    # --8<-- [start:gradient]
    torch.manual_seed(0)
    embed_tokens = nn.Embedding(6, 4, padding_idx=0, device=DEVICE)
    input_ids = torch.tensor([[1, 2, 3, 0, 0]], device=DEVICE)  # the pad, twice

    hidden = embed_tokens(input_ids)
    hidden.sum().backward()  # d(sum)/d(each looked-up number) = 1
    # row 0 (pad): zeros; rows 4, 5: never looked up
    print(embed_tokens.weight.grad)
    # --8<-- [end:gradient]
