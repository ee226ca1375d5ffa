"""Task 3: the seed's index_select call fails as shown; the fixed gather equals the module."""

import pytest
import torch

from task3_manual_gather import manual_gather, seed_gather


def test_seed_code_as_written_raises_index_error(lesson_table, device):
    indices = torch.tensor([1, 3], device=device)
    with pytest.raises(IndexError, match=r"index_select\(\): Index is supposed to be a vector"):
        seed_gather(lesson_table.weight, indices)


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
