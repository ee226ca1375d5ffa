"""Task 1, continued: the pad row receives no gradient, on the toy table and the full one."""

import torch
import torch.nn as nn


def test_pad_row_receives_no_gradient(lesson_table, device, on_device):
    input_ids = torch.tensor([[1, 2, 3, 0, 0]], device=device)  # the pad twice
    hidden = lesson_table(input_ids)
    (grad,) = torch.autograd.grad(hidden.sum(), lesson_table.weight)  # freed after the test

    on_device(grad)
    assert grad.shape == lesson_table.weight.shape  # dense: as big as the table
    assert torch.equal(grad[0], torch.zeros(4096, device=device))
    assert torch.equal(grad[1:4], torch.ones(3, 4096, device=device))
    assert grad[4:].count_nonzero() == 0  # rows not looked up get nothing either


def test_toy_table_gradient_is_ones_for_real_tokens_only(device, on_device):
    embed_tokens = nn.Embedding(6, 4, padding_idx=0, device=device)
    embed_tokens(torch.tensor([[1, 2, 3, 0, 0]], device=device)).sum().backward()
    grad = embed_tokens.weight.grad

    on_device(grad)
    expected = torch.tensor([[0.0] * 4, [1.0] * 4, [1.0] * 4, [1.0] * 4, [0.0] * 4, [0.0] * 4])
    assert torch.equal(grad.cpu(), expected)


# What tools/check.py tells a student whose file fails a check: the likely mistake, and
# where the lesson explains it.
TASK_1 = "Tasks › Task 1: the basic forward"
HINTS = {
    "test_pad_row_receives_no_gradient": (
        "The pad's row received a gradient, or a real token's row did not: padding_idx=0 is what "
        "keeps row 0 out of the gradient",
        TASK_1,
    ),
    "test_toy_table_gradient_is_ones_for_real_tokens_only": (
        "This check runs no code of yours: if it fails, your torch computes this gradient "
        "differently from the lesson's",
        TASK_1,
    ),
}
