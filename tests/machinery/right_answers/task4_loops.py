"""Task 4: a padded batch, its attention mask, and a mean that ignores the pads.

Run alone:  python task4_batch_padding.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn as nn

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:masked-mean]
def masked_mean(
    hidden: torch.Tensor, attention_mask: torch.Tensor
) -> torch.Tensor:
    """Mean over the real tokens of each row: (B, T, D) -> (B, D)."""
    # --8<-- [start:solution]
    # average each row of hidden over its real tokens only, so that whatever
    # sits at a pad (even inf or nan) leaves the mean unchanged and a row of
    # pads only gives zeros, not nan. The mask may be bool or, as the exercise
    # builds it, float; the mean keeps hidden's dtype, and hidden is not
    # changed in place.
    means = []
    for row, real in zip(hidden, attention_mask.bool(), strict=True):
        if real.any():
            means.append(row[real].mean(dim=0))
        else:  # a row of pads only
            means.append(row.new_zeros(row.shape[-1]))
    return torch.stack(means)
    # --8<-- [end:solution]
    # --8<-- [end:masked-mean]


if __name__ == "__main__":
    # --8<-- [start:batch]
    torch.manual_seed(0)
    # V does not matter here: 1000 rows of the lesson's D = 4096 run in a
    # second, and the tests run the same functions on the full 100352-row table.
    embed_tokens = nn.Embedding(1000, 4096, padding_idx=0, device=DEVICE)
    # two real tokens in each of the first two rows (the second has its pad in
    # the middle), one real token in the third
    input_ids = torch.tensor([[1, 2, 0], [3, 0, 4], [5, 0, 0]], device=DEVICE)
    hidden = embed_tokens(input_ids)  # (3, 3, 4096)
    attention_mask = input_ids != 0  # True where a real token sits
    print(attention_mask)
    print(attention_mask.sum(dim=1))  # real tokens per row

    pooled = masked_mean(hidden, attention_mask)
    print(pooled.shape)
    expected = torch.stack(
        [hidden[0, [0, 1]].mean(0), hidden[1, [0, 2]].mean(0), hidden[2, 0]]
    )
    # each row averages its own real tokens
    print(torch.allclose(pooled, expected))
    # a plain mean would count the pads
    print(torch.allclose(pooled, hidden.mean(dim=1)))
    # --8<-- [end:batch]

    # --8<-- [start:all-pad]
    all_pads = torch.zeros(1, 3, dtype=torch.long, device=DEVICE)
    pooled = masked_mean(embed_tokens(all_pads), all_pads != 0)
    print(pooled.abs().sum(), pooled.isnan().any())  # zeros, no NaN
    # --8<-- [end:all-pad]
