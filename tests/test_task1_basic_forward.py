"""Task 1: shape, values and the pad row of the lesson's table."""

import torch

INPUT_IDS = [[1, 2, 3, 0]]  # the lesson's ids; 0 is the pad


def test_table_has_the_lessons_sizes(lesson_table, on_device):
    on_device(lesson_table.weight)
    assert lesson_table.num_embeddings == 100352
    assert lesson_table.embedding_dim == 4096
    assert lesson_table.padding_idx == 0
    assert lesson_table.weight.dtype == torch.float32


def test_forward_shape_and_rows(lesson_table, device, on_device):
    input_ids = torch.tensor(INPUT_IDS, device=device)
    hidden = lesson_table(input_ids)

    on_device(hidden)
    assert hidden.shape == (1, 4, 4096)
    for position, token in enumerate(INPUT_IDS[0]):  # each position is its token's row
        assert torch.equal(hidden[0, position], lesson_table.weight[token])


def test_pad_position_is_all_zeros_and_real_tokens_are_not(lesson_table, device):
    hidden = lesson_table(torch.tensor(INPUT_IDS, device=device))

    assert torch.equal(hidden[0, 3], torch.zeros(4096, device=device))
    assert (hidden[0, :3] != 0).any(dim=1).all()


# What tools/check.py tells a student whose file fails a check: the likely mistake, and
# where the lesson explains it.
TASK_1 = "Tasks › Task 1: the basic forward"
HINTS = {
    "test_table_has_the_lessons_sizes": (
        "The table is not the lesson's: nn.Embedding(100352, 4096, padding_idx=0), in float32",
        TASK_1,
    ),
    "test_forward_shape_and_rows": (
        "Looking up [[1, 2, 3, 0]] must give shape (1, 4, 4096), each position its token's row: "
        "return the nn.Embedding itself",
        TASK_1,
    ),
    "test_pad_position_is_all_zeros_and_real_tokens_are_not": (
        "The pad's vector is not zero: was the table built with padding_idx=0?",
        TASK_1,
    ),
}
