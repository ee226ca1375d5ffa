"""Advanced task: one forward for input_ids or inputs_embeds, with optional
sinusoidal PE.

The position encoding is the original Transformer's (Vaswani et al. 2017,
section 3.5):
    PE[pos, 2i]     = sin(pos / 10000^(2i / D))
    PE[pos, 2i + 1] = cos(pos / 10000^(2i / D))
Kimi-K2 adds no such term; this wrapper exists to show what it would change.

Bad input fails here, with a message that names the argument, the bad value and
the fix, instead of deep inside PyTorch (or, on a GPU, as a device-side assert).

Run alone:  python advanced_embedding_forward.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os
import textwrap

import torch
import torch.nn as nn

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:sinusoidal]
def sinusoidal_table(
    max_positions: int, dim: int, base: float = 10000.0
) -> torch.Tensor:
    """The (max_positions, dim) sinusoidal table; computed in float64, returned
    as float32."""
    # --8<-- [start:solution]
    # raise ValueError for an odd dim ("dim must be even to pair sin and cos,
    # got dim=..."); fill column 2i with sin(pos/base**(2i/dim)) and column
    # 2i + 1 with the cos of the same angle, in float64; return the table as
    # float32.
    if dim % 2:
        raise ValueError(f"dim must be even to pair sin and cos, got dim={dim}")
    # (P, 1)
    position = torch.arange(max_positions, dtype=torch.float64).unsqueeze(1)
    # (D/2,)
    inv_freq = base ** (-torch.arange(0, dim, 2, dtype=torch.float64) / dim)
    angles = position * inv_freq  # (P, D/2)
    table = torch.empty(max_positions, dim, dtype=torch.float64)
    # Wrong on purpose: cos in the even columns and sin in the odd ones.
    table[:, 0::2] = torch.cos(angles)
    table[:, 1::2] = torch.sin(angles)
    return table.float()
    # --8<-- [end:solution]
    # --8<-- [end:sinusoidal]


# --8<-- [start:checks]
def check_input_ids(input_ids, weight: torch.Tensor) -> None:
    """Raise a clear error for ids that nn.Embedding(weight) cannot look up."""
    if not isinstance(input_ids, torch.Tensor):
        raise TypeError(
            "input_ids must be a torch.Tensor, got "
            f"{type(input_ids).__name__}; wrap it: torch.tensor(input_ids)"
        )
    if input_ids.dtype not in (torch.int64, torch.int32):
        raise TypeError(
            "input_ids must hold integer token ids, got dtype "
            f"{input_ids.dtype}; convert with input_ids.long()"
        )
    if input_ids.dim() != 2:
        raise ValueError(
            f"input_ids must be 2-D (batch, seq_len), got shape "
            f"{tuple(input_ids.shape)}; for one sequence use "
            "input_ids.unsqueeze(0)"
        )
    if input_ids.device != weight.device:
        raise ValueError(
            f"input_ids is on {input_ids.device} but the table is on "
            f"{weight.device}; move it with input_ids.to('{weight.device}')"
        )
    if input_ids.numel() == 0:
        return
    # One pass over the ids, before the lookup: on a GPU an id out of range
    # would otherwise raise a device-side assert that poisons the whole CUDA
    # context.
    low, high = (int(x) for x in torch.aminmax(input_ids))
    vocab_size = weight.shape[0]
    if low < 0 or high >= vocab_size:
        bad = low if low < 0 else high
        where = tuple((input_ids == bad).nonzero()[0].tolist())
        raise IndexError(
            f"input_ids holds {bad} at position {where}, outside "
            f"[0, {vocab_size}) for this table of {vocab_size} rows; check "
            "that the tokenizer matches the model's vocab_size"
        )


def check_inputs_embeds(inputs_embeds, weight: torch.Tensor) -> None:
    """Raise a clear error for embeddings that cannot stand in for this table's
    output."""
    if (
        not isinstance(inputs_embeds, torch.Tensor)
        or not inputs_embeds.is_floating_point()
    ):
        kind = getattr(inputs_embeds, "dtype", type(inputs_embeds).__name__)
        raise TypeError(
            f"inputs_embeds must be a floating-point tensor, got {kind}; "
            "token ids go in input_ids instead"
        )
    if inputs_embeds.dim() != 3:
        raise ValueError(
            "inputs_embeds must be 3-D (batch, seq_len, hidden_size), got "
            f"shape {tuple(inputs_embeds.shape)}; for one sequence use "
            "inputs_embeds.unsqueeze(0)"
        )
    if inputs_embeds.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"inputs_embeds has last dim {inputs_embeds.shape[-1]} but "
            f"hidden_size is {weight.shape[1]}; project it first, e.g. "
            f"nn.Linear({inputs_embeds.shape[-1]}, {weight.shape[1]})"
        )
    if inputs_embeds.device != weight.device:
        raise ValueError(
            f"inputs_embeds is on {inputs_embeds.device} but the table is on "
            f"{weight.device}; move it with inputs_embeds.to('{weight.device}')"
        )
        # --8<-- [end:checks]


# --8<-- [start:wrapper]
class EmbeddingForward(nn.Module):
    """Token embeddings from exactly one of input_ids / inputs_embeds, plus
    optional PE."""

    def __init__(
        self,
        vocab_size,
        hidden_size,
        padding_idx=None,
        add_positions=False,
        max_positions=2048,
        device=DEVICE,
    ):
        super().__init__()
        self.embed_tokens = nn.Embedding(
            vocab_size, hidden_size, padding_idx, device=device
        )
        self.add_positions = add_positions
        # a buffer: moves with .to(device), but is not trained
        if add_positions:
            table = sinusoidal_table(max_positions, hidden_size).to(device)
            self.register_buffer("position_table", table, persistent=False)

    def forward(self, input_ids=None, inputs_embeds=None):
        # --8<-- [start:solution]
        # raise ValueError unless exactly one input is given ("pass exactly one
        # of input_ids or inputs_embeds, got both" or "..., got neither"); check
        # the input given with check_input_ids or check_inputs_embeds; look the
        # ids up; if add_positions, raise ValueError for a sequence longer than
        # max_positions, naming both numbers and the fix ("sequence length 17 is
        # longer than the position table (max_positions=16); build
        # EmbeddingForward with max_positions >= 17, or split the sequence"),
        # and add
        # position_table[:T], in the embeddings' dtype, to every position, pads
        # included.
        if (input_ids is None) == (inputs_embeds is None):
            given = "both" if input_ids is not None else "neither"
            raise ValueError(
                f"pass exactly one of input_ids or inputs_embeds, got {given}"
            )
        if input_ids is not None:
            check_input_ids(input_ids, self.embed_tokens.weight)
            hidden = self.embed_tokens(input_ids)
        else:
            check_inputs_embeds(inputs_embeds, self.embed_tokens.weight)
            hidden = inputs_embeds
        if not self.add_positions:
            return hidden
        seq_length, max_positions = (
            hidden.shape[1],
            self.position_table.shape[0],
        )
        if seq_length > max_positions:
            raise ValueError(
                f"sequence length {seq_length} is longer than the position "
                f"table (max_positions={max_positions}); build "
                f"EmbeddingForward with max_positions >= {seq_length}, or "
                "split the sequence"
            )
        # (B,T,D) + (T,D)
        return hidden + self.position_table[:seq_length].to(hidden.dtype)
        # --8<-- [end:solution]

    # --8<-- [end:wrapper]


if __name__ == "__main__":
    # --8<-- [start:before-after]
    torch.manual_seed(0)
    torch.set_printoptions(precision=4, sci_mode=False)
    forward = EmbeddingForward(
        vocab_size=10,
        hidden_size=8,
        padding_idx=0,
        add_positions=True,
        max_positions=16,
    )
    input_ids = torch.tensor([[1, 2]], device=DEVICE)

    before = forward.embed_tokens(input_ids)  # token identity only
    after = forward(input_ids=input_ids)  # token identity + position
    print("before PE:\n", before)
    print("PE rows 0 and 1:\n", forward.position_table[:2])
    print("after PE:\n", after)
    print(torch.equal(after, before + forward.position_table[:2]))
    # --8<-- [end:before-after]

    # --8<-- [start:same-token]
    # one token, at positions 0 and 1
    same_token = torch.tensor([[5, 5]], device=DEVICE)
    plain = EmbeddingForward(10, 8, padding_idx=0)  # no PE: the Kimi-K2 way
    plain.embed_tokens.load_state_dict(forward.embed_tokens.state_dict())
    with_pe, without_pe = (
        forward(input_ids=same_token),
        plain(input_ids=same_token),
    )
    print(
        "with PE, positions differ:",
        not torch.equal(with_pe[0, 0], with_pe[0, 1]),
    )
    print(
        "without PE, identical:   ",
        torch.equal(without_pe[0, 0], without_pe[0, 1]),
    )
    # --8<-- [end:same-token]

    # --8<-- [start:bad-input]
    bad_calls = {
        "both": dict(input_ids=input_ids, inputs_embeds=before),
        "float ids": dict(input_ids=input_ids.float()),
        "id out of range": dict(
            input_ids=torch.tensor([[1, 10]], device=DEVICE)
        ),
        "1-D ids": dict(input_ids=torch.tensor([1, 2], device=DEVICE)),
        "wrong hidden size": dict(
            inputs_embeds=torch.randn(1, 2, 7, device=DEVICE)
        ),
        "too long for PE": dict(
            input_ids=torch.ones(1, 17, dtype=torch.long, device=DEVICE)
        ),
    }
    for name, kwargs in bad_calls.items():
        try:
            forward(**kwargs)
        except (TypeError, ValueError, IndexError) as error:
            explained = textwrap.fill(f"{type(error).__name__}: {error}", 74)
            print(f"{name}:\n" + textwrap.indent(explained, "    "))
    # --8<-- [end:bad-input]
