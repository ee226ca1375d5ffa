"""Task 4: the attention mask marks real tokens; the masked mean ignores pads entirely."""

import torch

from task4_batch_padding import masked_mean

INPUT_IDS = [[1, 2, 0], [3, 0, 4]]


def test_attention_mask_marks_real_tokens(device, on_device):
    input_ids = torch.tensor(INPUT_IDS, device=device)
    attention_mask = input_ids != 0

    on_device(attention_mask)
    assert attention_mask.tolist() == [[True, True, False], [True, False, True]]


def test_masked_mean_averages_only_real_tokens(lesson_table, device, on_device):
    input_ids = torch.tensor(INPUT_IDS, device=device)
    hidden = lesson_table(input_ids)
    pooled = masked_mean(hidden, input_ids != 0)

    on_device(pooled)
    assert pooled.shape == (2, 4096)
    expected = torch.stack([hidden[0, [0, 1]].mean(dim=0), hidden[1, [0, 2]].mean(dim=0)])
    torch.testing.assert_close(pooled, expected)
    assert not torch.allclose(pooled, hidden.mean(dim=1))  # a plain mean counts the pads


def test_changing_a_pad_embedding_does_not_change_the_mean(lesson_table, device):
    input_ids = torch.tensor(INPUT_IDS, device=device)
    attention_mask = input_ids != 0
    hidden = lesson_table(input_ids).detach()
    pooled = masked_mean(hidden, attention_mask)

    for junk in (
        torch.randn(4096, device=device) * 100,
        torch.full((4096,), float("inf")),
        torch.full((4096,), float("nan")),
    ):
        changed = hidden.clone()
        changed[0, 2] = junk.to(device)  # the pad of row 0
        changed[1, 1] = junk.to(device)  # the pad of row 1
        assert torch.equal(masked_mean(changed, attention_mask), pooled)


def test_all_pad_row_gives_zeros_not_nan(lesson_table, device, on_device):
    input_ids = torch.tensor([[0, 0, 0], [5, 0, 0]], device=device)
    pooled = masked_mean(lesson_table(input_ids), input_ids != 0)

    on_device(pooled)
    assert not pooled.isnan().any()
    assert torch.equal(pooled[0], torch.zeros(4096, device=device))
    assert torch.equal(pooled[1], lesson_table.weight[5])


def test_float_mask_as_on_the_task_sheet_works_too(lesson_table, device):
    input_ids = torch.tensor(INPUT_IDS, device=device)
    hidden = lesson_table(input_ids)
    float_mask = (input_ids != 0).float()  # the task sheet's spelling
    assert torch.equal(masked_mean(hidden, float_mask), masked_mean(hidden, input_ids != 0))


# What tools/check.py tells a student whose file fails a check: the likely mistake, and
# where the lesson explains it.
TASK_4 = "Tasks › Task 4: a padded batch and a mean that ignores pads"
HINTS = {
    "test_attention_mask_marks_real_tokens": (
        "This check runs no code of yours: the mask input_ids != 0 must be True at real tokens",
        TASK_4,
    ),
    "test_masked_mean_averages_only_real_tokens": (
        "The mean counts the pads: divide each row's sum by its own number of real tokens, not "
        "by the padded length T",
        TASK_4,
    ),
    "test_changing_a_pad_embedding_does_not_change_the_mean": (
        "A value at a pad changed the mean: select the pads away with masked_fill before "
        "summing; multiplying by the mask is not enough, as an inf at a pad gives inf * 0 = nan",
        TASK_4,
    ),
    "test_all_pad_row_gives_zeros_not_nan": (
        "A row of pads only must give zeros, not nan, and a row with one real token that "
        "token's vector: divide by each row's count of real tokens, clamped to at least 1",
        TASK_4,
    ),
    "test_float_mask_as_on_the_task_sheet_works_too": (
        "A float mask, the task sheet's (input_ids != 0).float(), must give the same mean as a "
        "bool one: turn the mask into bool first",
        TASK_4,
    ),
}
