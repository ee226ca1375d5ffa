"""Task 1: the basic forward. Look up four token ids, the last one a pad.

Run alone:  python task1_basic_forward.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn as nn

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:build]
def build_embed_tokens(device=DEVICE) -> nn.Embedding:
    """The lesson's table: V = 100352 rows of D = 4096 numbers; row 0 belongs to
    the pad."""
    # --8<-- [start:solution]
    # return an nn.Embedding of the sizes above whose row 0 is the pad's
    # (padding_idx), built on `device`.
    embed_tokens = nn.Embedding(100352, 4096, padding_idx=0, device=device)
    # Wrong on purpose: the rows scaled by sqrt(D), the scale the original
    # Transformer applies in its forward pass, baked into the table.
    with torch.no_grad():
        embed_tokens.weight.mul_(4096**0.5)
    return embed_tokens
    # --8<-- [end:solution]
    # --8<-- [end:build]


if __name__ == "__main__":
    # --8<-- [start:forward]
    torch.manual_seed(0)
    embed_tokens = build_embed_tokens()
    input_ids = torch.tensor([[1, 2, 3, 0]], device=DEVICE)  # 0 is the pad id
    hidden = embed_tokens(input_ids)

    print(hidden.shape)
    print(hidden[0, 0, :5])  # first five dims of the first token
    # the pad row is zeros
    print(torch.equal(hidden[0, 3], torch.zeros(4096, device=DEVICE)))
    # --8<-- [end:forward]
