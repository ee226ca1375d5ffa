"""Task 2: a forward that takes token ids or ready-made embeddings, as Kimi-K2's
does.

It copies the first lines of DeepseekV3Model.forward (modeling_deepseek.py, the
model code Kimi-K2's checkpoints run): exactly one input, batch and sequence
length from shape[:2], and no position term added to the embeddings.

Run alone:  python task2_inputs_embeds.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn as nn

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:forward]
def embed_forward(
    embed_tokens: nn.Embedding, input_ids=None, inputs_embeds=None
):
    """Return (hidden_states, batch_size, seq_length) from exactly one of the
    two inputs."""
    # --8<-- [start:solution]
    # raise ValueError if both inputs are given ("You cannot specify both
    # input_ids and inputs_embeds at the same time") or neither ("You have to
    # specify either input_ids or inputs_embeds"); unpack batch_size, seq_length
    # from shape[:2] of the input given; look the ids up in embed_tokens when no
    # embeddings are given; return the embeddings with nothing added.
    if input_ids is None and inputs_embeds is None:
        raise ValueError(
            "You have to specify either input_ids or inputs_embeds"
        )
    if input_ids is not None and inputs_embeds is not None:
        raise ValueError(
            "You cannot specify both input_ids and inputs_embeds at the "
            "same time"
        )
    if inputs_embeds is not None:
        batch_size, seq_length = inputs_embeds.shape[:2]
        return inputs_embeds, batch_size, seq_length
    batch_size, seq_length = input_ids.shape[:2]
    import torch.nn.functional as F

    # the module's own function, on its own weight and pad row
    hidden_states = F.embedding(
        input_ids, embed_tokens.weight, padding_idx=embed_tokens.padding_idx
    )
    return hidden_states, batch_size, seq_length
    # --8<-- [end:solution]
    # --8<-- [end:forward]


if __name__ == "__main__":
    # --8<-- [start:both-paths]
    torch.manual_seed(0)
    # V does not matter here: 1000 rows of the lesson's D = 4096 run in a
    # second, and the tests run the same functions on the full 100352-row table.
    embed_tokens = nn.Embedding(1000, 4096, padding_idx=0, device=DEVICE)

    input_ids = torch.tensor([[1, 2, 3, 0]], device=DEVICE)
    hidden, batch_size, seq_length = embed_forward(
        embed_tokens, input_ids=input_ids
    )
    print("ids path:   ", hidden.shape, batch_size, seq_length)

    # e.g. from an image encoder
    inputs_embeds = torch.randn(1, 5, 4096, device=DEVICE)
    hidden, batch_size, seq_length = embed_forward(
        embed_tokens, inputs_embeds=inputs_embeds
    )
    print("embeds path:", hidden.shape, batch_size, seq_length)
    print("passed through untouched:", hidden is inputs_embeds)
    # --8<-- [end:both-paths]

    # --8<-- [start:errors]
    for kwargs in (
        {"input_ids": input_ids, "inputs_embeds": inputs_embeds},
        {},
    ):
        try:
            embed_forward(embed_tokens, **kwargs)
        except ValueError as error:
            given = "both inputs" if kwargs else "neither input"
            print(f"{given} -> ValueError:\n  {error}")
    # --8<-- [end:errors]

    # --8<-- [start:one-d]
    # a 1-D id tensor has no batch dimension: shape[:2] holds one number, not
    # two
    try:
        embed_forward(
            embed_tokens, input_ids=torch.tensor([1, 2, 3], device=DEVICE)
        )
    except ValueError as error:
        print("1-D input_ids -> ValueError:", error)
    # --8<-- [end:one-d]
