"""Task 2: exactly one of input_ids / inputs_embeds; batch and length from shape[:2]."""

import pytest
import torch

from task2_inputs_embeds import embed_forward


def test_ids_path_looks_up_and_infers_batch_and_length(lesson_table, device, on_device):
    input_ids = torch.tensor([[1, 2, 3, 0]], device=device)
    hidden, batch_size, seq_length = embed_forward(lesson_table, input_ids=input_ids)

    on_device(hidden)
    assert hidden.shape == (1, 4, 4096)
    assert (batch_size, seq_length) == (1, 4)
    assert torch.equal(hidden, lesson_table(input_ids))


def test_embeds_path_passes_the_tensor_through_untouched(lesson_table, device, on_device):
    inputs_embeds = torch.randn(1, 5, 4096, device=device)
    hidden, batch_size, seq_length = embed_forward(lesson_table, inputs_embeds=inputs_embeds)

    on_device(hidden)
    assert hidden is inputs_embeds  # no copy, no position term


def test_embeds_path_reads_batch_and_length_from_its_first_two_dims(lesson_table, device):
    inputs_embeds = torch.randn(1, 5, 4096, device=device)
    _, batch_size, seq_length = embed_forward(lesson_table, inputs_embeds=inputs_embeds)

    assert (batch_size, seq_length) == (1, 5)


def test_quiz_1_batch_2_length_10_gives_2_10_4096(lesson_table, device, on_device):
    input_ids = torch.randint(0, 100352, (2, 10), device=device)
    hidden, batch_size, seq_length = embed_forward(lesson_table, input_ids=input_ids)

    on_device(hidden)
    assert hidden.shape == (2, 10, 4096)  # answer (b): (B, T, D)
    assert (batch_size, seq_length) == (2, 10)


def test_quiz_2_no_position_is_added_same_token_same_vector(lesson_table, device):
    hidden, _, _ = embed_forward(lesson_table, input_ids=torch.tensor([[7, 7, 7]], device=device))

    assert torch.equal(hidden[0, 0], hidden[0, 1])
    assert torch.equal(hidden[0, 0], hidden[0, 2])


def test_both_inputs_raise_value_error(lesson_table, device):
    input_ids = torch.tensor([[1, 2]], device=device)
    inputs_embeds = torch.randn(1, 2, 4096, device=device)
    with pytest.raises(ValueError, match="cannot specify both input_ids and inputs_embeds"):
        embed_forward(lesson_table, input_ids=input_ids, inputs_embeds=inputs_embeds)


def test_quiz_3_neither_input_raises_value_error(lesson_table):
    with pytest.raises(ValueError, match="have to specify either input_ids or inputs_embeds"):
        embed_forward(lesson_table)


def test_one_d_ids_fail_in_the_unpacking_as_in_the_model_code(lesson_table, device):
    with pytest.raises(ValueError, match=r"not enough values to unpack \(expected 2, got 1\)"):
        embed_forward(lesson_table, input_ids=torch.tensor([1, 2, 3], device=device))


# What tools/check.py tells a student whose file fails a check: the likely mistake, and
# where the lesson explains it.
TASK_2 = "Tasks › Task 2: input_ids or inputs_embeds"
HINTS = {
    "test_ids_path_looks_up_and_infers_batch_and_length": (
        "With input_ids, return embed_tokens(input_ids) and read batch_size, seq_length from "
        "input_ids.shape[:2]",
        TASK_2,
    ),
    "test_embeds_path_passes_the_tensor_through_untouched": (
        "With inputs_embeds, return that very tensor: no copy, nothing added",
        TASK_2,
    ),
    "test_embeds_path_reads_batch_and_length_from_its_first_two_dims": (
        "The length is wrong on the embeddings path: unpack batch_size, seq_length from "
        "inputs_embeds.shape[:2]; in (B, T, D) the length T is dimension 1, not the last",
        TASK_2,
    ),
    "test_quiz_1_batch_2_length_10_gives_2_10_4096": (
        "For B = 2 sequences of T = 10 ids the forward must return shape (2, 10, 4096), "
        "batch_size 2 and seq_length 10",
        "Quiz › 1. The shape of hidden_states",
    ),
    "test_quiz_2_no_position_is_added_same_token_same_vector": (
        "One token at three positions gave different vectors: this forward adds no position "
        "term (hidden_states = inputs_embeds)",
        "Quiz › 2. Positions in this forward",
    ),
    "test_both_inputs_raise_value_error": (
        "Given both input_ids and inputs_embeds, your forward quietly used one of them: raise "
        'ValueError("You cannot specify both input_ids and inputs_embeds at the same time")',
        "Theory › Theory 4: why both inputs, or neither, raise ValueError",
    ),
    "test_quiz_3_neither_input_raises_value_error": (
        "With neither input the forward must raise "
        'ValueError("You have to specify either input_ids or inputs_embeds")',
        "Quiz › 3. Neither input",
    ),
    "test_one_d_ids_fail_in_the_unpacking_as_in_the_model_code": (
        "1-D input_ids must fail where the model code fails: unpack "
        "batch_size, seq_length = input_ids.shape[:2], which raises ValueError for one dimension",
        TASK_2,
    ),
}
