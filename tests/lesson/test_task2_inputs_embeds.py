"""Task 2: exactly one of input_ids / inputs_embeds; batch and length from shape[:2].

The vocabulary size plays no part here, so the checks use the lesson's table with 1000 rows
(`table`); one lesson check runs the same forward on the full table.
"""

from dataclasses import dataclass

import expect
import pytest
import torch
import torch.nn as nn
from hypothesis import example, given
from hypothesis import strategies as st

from task2_inputs_embeds import embed_forward

TASK_2 = "Assignment › Task 2: input_ids or inputs_embeds"
THEORY_4 = "Theory › Theory 4: why both inputs, or neither, raise ValueError"


def forward(table, **inputs):
    """embed_forward(table, **inputs), its inputs and the table compared after the call."""
    return expect.call(embed_forward, table, **inputs)


def batch_and_length(result, what="(batch_size, seq_length)"):
    """The three things embed_forward returns, checked for what they are."""
    expect.check(
        isinstance(result, tuple | list) and len(result) == 3,
        "type",
        "expected (hidden_states, batch_size, seq_length)",
        f"got {type(result).__name__}"
        + (f" of {len(result)}" if isinstance(result, tuple | list) else ""),
    )
    return result


@pytest.mark.hint(
    "With input_ids, the forward looks the ids up in the table and reads the batch size and "
    "the length from the ids' shape (B, T)",
    section=TASK_2,
    code="the first two numbers of input_ids.shape are B and T",
)
def test_ids_path_looks_up_and_infers_batch_and_length(table, device, on_device):
    input_ids = torch.tensor([[1, 2, 3, 0]], device=device)
    hidden, batch_size, seq_length = batch_and_length(forward(table, input_ids=input_ids))

    on_device(hidden, what="hidden_states")
    expect.same(hidden, table(input_ids).detach(), "hidden_states")
    expect.equal((batch_size, seq_length), (1, 4), "(batch_size, seq_length)")


@pytest.mark.hint(
    "With inputs_embeds, the forward returns that very tensor: no copy, nothing added",
    section=TASK_2,
)
def test_embeds_path_passes_the_tensor_through_untouched(table, device, on_device):
    inputs_embeds = torch.randn(1, 5, 4096, device=device)
    hidden, _, _ = batch_and_length(forward(table, inputs_embeds=inputs_embeds))

    on_device(hidden, what="hidden_states")
    expect.check(
        hidden is inputs_embeds,
        "values",
        "hidden_states: expected the inputs_embeds tensor itself (`is`)",
        "got another tensor"
        + (" with other values" if not torch.equal(hidden, inputs_embeds) else ""),
    )


@pytest.mark.hint(
    "On the embeddings path, the batch size and the length come from the first two "
    "dimensions of inputs_embeds, (B, T, D): the length T is dimension 1, not the last",
    section=THEORY_4,
    code="unpack the first two numbers of inputs_embeds.shape",
)
def test_embeds_path_reads_batch_and_length_from_its_first_two_dims(table, device):
    inputs_embeds = torch.randn(1, 5, 4096, device=device)
    _, batch_size, seq_length = batch_and_length(forward(table, inputs_embeds=inputs_embeds))

    expect.equal((batch_size, seq_length), (1, 5), "(batch_size, seq_length)")


@pytest.mark.hint(
    "For B = 2 sequences of T = 10 ids the forward returns one D-vector per token, with "
    "batch_size 2 and seq_length 10",
    section="Theory › Theory 1: the lookup, as row selection and as a matmul",
)
def test_batch_2_length_10_gives_2_10_4096(table, device, on_device):
    input_ids = torch.randint(0, 1000, (2, 10), device=device)
    hidden, batch_size, seq_length = batch_and_length(forward(table, input_ids=input_ids))

    on_device(hidden, what="hidden_states")
    expect.same(hidden, table(input_ids).detach(), "hidden_states")
    expect.equal((batch_size, seq_length), (2, 10), "(batch_size, seq_length)")


@pytest.mark.lesson  # the same on the full table, which the quiz page cites
def test_batch_2_length_10_gives_2_10_4096_on_the_full_table(lesson_table, device, on_device):
    input_ids = torch.randint(0, 100352, (2, 10), device=device)
    hidden, batch_size, seq_length = embed_forward(lesson_table, input_ids=input_ids)

    on_device(hidden)
    assert hidden.shape == (2, 10, 4096)
    assert (batch_size, seq_length) == (2, 10)


@pytest.mark.hint(
    "One token at three positions gave different vectors: this forward adds nothing that "
    "depends on the position",
    section="Theory › Theory 1: the lookup, as row selection and as a matmul",
)
def test_no_position_is_added_same_token_same_vector(table, device):
    input_ids = torch.tensor([[7, 7, 7]], device=device)
    hidden, _, _ = batch_and_length(forward(table, input_ids=input_ids))

    row = table.weight[7].detach()
    expect.same(hidden, row.expand(1, 3, 4096), "hidden_states for the ids [[7, 7, 7]]")


@pytest.mark.hint(
    "Given both input_ids and inputs_embeds, the forward must refuse with a ValueError "
    "instead of quietly using one of them",
    section=THEORY_4,
    code="test `is not None` for each input first, with the model code's message",
)
def test_both_inputs_raise_value_error(table, device):
    input_ids = torch.tensor([[1, 2]], device=device)
    inputs_embeds = torch.randn(1, 2, 4096, device=device)
    with expect.raises(ValueError, "cannot specify both input_ids and inputs_embeds"):
        forward(table, input_ids=input_ids, inputs_embeds=inputs_embeds)


@pytest.mark.hint(
    "With neither input there is nothing to embed: the forward must raise a ValueError "
    "that says so",
    section=THEORY_4,
    code="the model code's message: You have to specify either input_ids or inputs_embeds",
)
def test_neither_input_raises_value_error(table):
    with expect.raises(ValueError, "have to specify either input_ids or inputs_embeds"):
        forward(table)


@pytest.mark.hint(
    "1-D input_ids must fail where the model code fails: the unpacking of the batch size "
    "and the length from shape[:2], which holds one number for a 1-D tensor",
    section=THEORY_4,
)
def test_one_d_ids_fail_in_the_unpacking_as_in_the_model_code(table, device):
    with expect.raises(ValueError, r"not enough values to unpack \(expected 2, got 1\)"):
        forward(table, input_ids=torch.tensor([1, 2, 3], device=device))


@dataclass
class Case:
    """A random call: a table of V x D in `dtype`, ids of shape (B, T), or embeddings."""

    vocab: int
    dim: int
    dtype: torch.dtype
    ids: list[list[int]]
    by_embeds: bool

    def __str__(self):
        shape = (len(self.ids), len(self.ids[0]))
        given = f"inputs_embeds of shape {(*shape, self.dim)}" if self.by_embeds else "input_ids"
        ids = "" if self.by_embeds else f" {self.ids}"
        return (
            f"{given}{ids}, a table of {self.vocab} x {self.dim}, {expect.dtype_name(self.dtype)}"
        )


@st.composite
def cases(draw):
    vocab, batch, length = (
        draw(st.integers(1, 12)),
        draw(st.integers(1, 4)),
        draw(st.integers(1, 7)),
    )
    ids = draw(
        st.lists(
            st.lists(st.integers(0, vocab - 1), min_size=length, max_size=length),
            min_size=batch,
            max_size=batch,
        )
    )
    dtype = draw(st.sampled_from([torch.float32, torch.bfloat16]))
    return Case(vocab, draw(st.integers(1, 6)), dtype, ids, draw(st.booleans()))


@pytest.mark.hint(
    "For a random batch (B and T from 1 up, odd ones too), either input, and a float32 or "
    "bfloat16 table, the forward must give the lookup itself, in the table's dtype, and "
    "(B, T) from shape[:2]",
    section=TASK_2,
)
@expect.PROPERTY
@example(Case(5, 3, torch.float32, [[1]], False))
@example(Case(5, 3, torch.bfloat16, [[1, 0, 2], [4, 4, 0], [0, 0, 0]], False))
@example(Case(5, 3, torch.bfloat16, [[0, 0, 0]], True))
@given(case=cases())
def test_both_paths_for_random_batches_and_dtypes(device, on_device, case):
    torch.manual_seed(0)
    table = nn.Embedding(case.vocab, case.dim, padding_idx=0, device=device, dtype=case.dtype)
    input_ids = torch.tensor(case.ids, device=device)
    batch, length = input_ids.shape
    with expect.example(case):
        if case.by_embeds:
            embeds = torch.randn(batch, length, case.dim, device=device).to(case.dtype)
            hidden, batch_size, seq_length = batch_and_length(forward(table, inputs_embeds=embeds))
            expect.check(hidden is embeds, "values", "hidden_states: expected inputs_embeds itself")
        else:
            hidden, batch_size, seq_length = batch_and_length(forward(table, input_ids=input_ids))
            expect.same(hidden, table(input_ids).detach(), "hidden_states")
        expect.equal((batch_size, seq_length), (batch, length), "(batch_size, seq_length)")
        on_device(hidden, what="hidden_states")


@pytest.mark.lesson
def test_the_same_forward_on_the_lessons_full_table(lesson_table, device, on_device):
    input_ids = torch.tensor([[1, 2, 3, 0], [100351, 0, 5, 6]], device=device)
    hidden, batch_size, seq_length = embed_forward(lesson_table, input_ids=input_ids)

    on_device(hidden)
    assert torch.equal(hidden, lesson_table(input_ids))
    assert hidden.dtype == torch.float32 and (batch_size, seq_length) == (2, 4)
