"""Task 3: the task sheet's index_select call fails as shown; the fixed gather equals the module.

The vocabulary size plays no part here, so the checks use the lesson's table with 1000 rows
(`table`); one lesson check runs the same gather on the full table.
"""

from dataclasses import dataclass

import expect
import pytest
import torch
import torch.nn.functional as F
from hypothesis import example, given
from hypothesis import strategies as st

from task3_manual_gather import manual_gather, sheet_gather

TASK_3 = "Assignment › Task 3: the gather by hand"
THEORY_1 = "Theory › Theory 1: the lookup, as row selection and as a matmul"


def gather(weight, input_ids):
    """manual_gather(weight, input_ids), its inputs compared after the call."""
    return expect.call(manual_gather, weight, input_ids)


@pytest.mark.hint(
    "The gather must be the module's output, bit for bit: row input_ids[b, t] of the weight "
    "at position (b, t), in the weight's dtype",
    section=THEORY_1,
    code="index_select picks rows with a 1-D index: flatten the ids, pick, then give the "
    "rows the ids' shape back",
)
def test_manual_gather_equals_the_module_bit_for_bit(table, device, on_device):
    input_ids = torch.tensor([[1, 3]], device=device)
    manual = gather(table.weight.detach(), input_ids)

    on_device(manual)
    expect.same(manual, table(input_ids).detach(), "manual_gather(weight, [[1, 3]])")


@pytest.mark.hint(
    "On a batch of 3 sequences of 7 ids, with pads in the middle and at the end, the gather "
    "differs from the module: it must work for ids of any shape (B, T)",
    section=TASK_3,
    code="take B and T from the ids' own shape, not from numbers written in the code",
)
def test_manual_gather_on_a_padded_batch(table, device, on_device):
    generator = torch.Generator().manual_seed(3)
    input_ids = torch.randint(1, 1000, (3, 7), generator=generator).to(device)
    input_ids[:, -2:] = 0  # pads at the end
    input_ids[1, 2] = 0  # and one in the middle
    manual = gather(table.weight.detach(), input_ids)

    on_device(manual)
    expect.same(manual, table(input_ids).detach(), "manual_gather(weight, ids of shape (3, 7))")


@dataclass
class Case:
    vocab: int
    dim: int
    dtype: torch.dtype
    ids: list[list[int]]

    def __str__(self):
        dtype = expect.dtype_name(self.dtype)
        return f"ids {self.ids}, a weight of {self.vocab} x {self.dim}, {dtype}"


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
    return Case(vocab, draw(st.integers(1, 6)), dtype, ids)


@pytest.mark.hint(
    "For random ids (B and T from 1 up, odd ones too) and a float32 or bfloat16 weight, the "
    "gather must equal the module's lookup, bit for bit and in the weight's dtype",
    section=THEORY_1,
)
@expect.PROPERTY
@example(Case(5, 3, torch.float32, [[4]]))
@example(Case(7, 3, torch.bfloat16, [[1, 0, 6], [2, 2, 0], [0, 0, 0]]))
@given(case=cases())
def test_manual_gather_for_random_ids_and_dtypes(device, on_device, case):
    generator = torch.Generator().manual_seed(0)
    weight = torch.randn(case.vocab, case.dim, generator=generator).to(device, case.dtype)
    input_ids = torch.tensor(case.ids, device=device)
    with expect.example(case):
        manual = gather(weight, input_ids)
        expect.same(manual, F.embedding(input_ids, weight), "manual_gather(weight, ids)")
        on_device(manual)


@pytest.mark.lesson
def test_task_sheet_code_as_written_raises_index_error(table, device):
    indices = torch.tensor([1, 3], device=device)
    with pytest.raises(IndexError, match=r"index_select\(\): Index is supposed to be a vector"):
        sheet_gather(table.weight, indices)


@pytest.mark.lesson
def test_first_five_rows_hold_tokens_1_and_3(table, device):
    first_rows = table.weight[:5]
    indices = torch.tensor([1, 3], device=device)
    assert torch.equal(first_rows[indices], table(indices.unsqueeze(0))[0])


@pytest.mark.lesson
def test_the_same_gather_on_the_lessons_full_table(lesson_table, device, on_device):
    input_ids = torch.tensor([[1, 3], [100351, 0]], device=device)
    manual = manual_gather(lesson_table.weight, input_ids)

    on_device(manual)
    assert torch.equal(manual, lesson_table(input_ids))
    assert torch.equal(lesson_table.weight[input_ids], lesson_table(input_ids))
