"""Task 3: the task sheet's index_select call fails as shown; the fixed gather equals the module."""

import pytest
import torch

from task3_manual_gather import manual_gather, sheet_gather


def test_task_sheet_code_as_written_raises_index_error(lesson_table, device):
    indices = torch.tensor([1, 3], device=device)
    with pytest.raises(IndexError, match=r"index_select\(\): Index is supposed to be a vector"):
        sheet_gather(lesson_table.weight, indices)


def test_manual_gather_equals_the_module_bit_for_bit(lesson_table, device, on_device):
    input_ids = torch.tensor([[1, 3]], device=device)
    manual = manual_gather(lesson_table.weight, input_ids)

    on_device(manual)
    assert manual.shape == (1, 2, 4096)
    assert torch.equal(manual, lesson_table(input_ids))
    assert torch.equal(lesson_table.weight[input_ids], lesson_table(input_ids))


def test_manual_gather_on_a_padded_batch(lesson_table, device, on_device):
    generator = torch.Generator().manual_seed(3)
    input_ids = torch.randint(0, 100352, (3, 7), generator=generator).to(device)
    input_ids[:, -2:] = 0  # pads at the end
    manual = manual_gather(lesson_table.weight, input_ids)

    on_device(manual)
    assert torch.equal(manual, lesson_table(input_ids))


def test_first_five_rows_hold_tokens_1_and_3(lesson_table, device):
    first_rows = lesson_table.weight[:5]
    indices = torch.tensor([1, 3], device=device)
    assert torch.equal(first_rows[indices], lesson_table(indices.unsqueeze(0))[0])


# What tools/check.py tells a student whose file fails a check: the likely mistake, and
# where the lesson explains it.
TASK_3 = "Tasks › Task 3: the gather by hand"
HINTS = {
    "test_task_sheet_code_as_written_raises_index_error": (
        "The task sheet's line, sheet_gather, is given and must stay as it is: it shows "
        "index_select refusing a 2-D index",
        TASK_3,
    ),
    "test_manual_gather_equals_the_module_bit_for_bit": (
        "The gather is not the module's output: index_select takes a 1-D index, so flatten the "
        "ids with reshape(-1), select, then view the rows as (B, T, D)",
        TASK_3,
    ),
    "test_manual_gather_on_a_padded_batch": (
        "On a (3, 7) batch with pads the gather differs from the module: view the rows back "
        "with the ids' own shape, view(*input_ids.shape, D), for any B and T",
        TASK_3,
    ),
    "test_first_five_rows_hold_tokens_1_and_3": (
        "This check runs no code of yours: if it fails, your torch indexes differently from the "
        "lesson's",
        TASK_3,
    ),
}
