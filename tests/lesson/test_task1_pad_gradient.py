"""Task 1, continued: the pad row receives no gradient, on the toy table and the full one."""

import expect
import pytest
import torch
import torch.nn as nn

TASK_1 = "Assignment › Task 1: the lesson's table"


@pytest.mark.hint(
    "The pad's row received a gradient, or a real token's row did not: the row that "
    "padding_idx names is left out of the gradient",
    section=TASK_1,
)
def test_pad_row_receives_no_gradient(lesson_table, device, on_device):
    # The table's own forward, run on a copy of its first rows: the same lookup and the same
    # padding_idx, with a gradient of 6 rows instead of 100352.
    rows = lesson_table.weight.detach()[:6].clone().requires_grad_()
    input_ids = torch.tensor([[1, 2, 3, 0, 0]], device=device)  # the pad twice
    hidden = torch.func.functional_call(lesson_table, {"weight": rows}, (input_ids,))
    (grad,) = torch.autograd.grad(hidden.sum(), rows)

    on_device(grad)
    expected = torch.tensor([0.0, 1.0, 1.0, 1.0, 0.0, 0.0], device=device)[:, None]
    expect.same(grad, expected.expand(6, 4096), "the gradient of rows 0 to 5")


@pytest.mark.lesson
def test_the_gradient_is_dense_as_big_as_the_table(lesson_table, device, on_device):
    input_ids = torch.tensor([[1, 2, 3, 0, 0]], device=device)
    (grad,) = torch.autograd.grad(lesson_table(input_ids).sum(), lesson_table.weight)

    on_device(grad)
    assert grad.shape == lesson_table.weight.shape  # dense: 1.53 GiB for 5 ids
    assert torch.equal(grad[0], torch.zeros(4096, device=device))
    assert torch.equal(grad[1:4], torch.ones(3, 4096, device=device))
    assert grad[4:].count_nonzero() == 0  # rows not looked up get nothing either


@pytest.mark.lesson
def test_toy_table_gradient_is_ones_for_real_tokens_only(device, on_device):
    embed_tokens = nn.Embedding(6, 4, padding_idx=0, device=device)
    embed_tokens(torch.tensor([[1, 2, 3, 0, 0]], device=device)).sum().backward()
    grad = embed_tokens.weight.grad

    on_device(grad)
    expected = torch.tensor([[0.0] * 4, [1.0] * 4, [1.0] * 4, [1.0] * 4, [0.0] * 4, [0.0] * 4])
    assert torch.equal(grad.cpu(), expected)
