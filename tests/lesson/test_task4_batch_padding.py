"""Task 4: the attention mask marks real tokens; the masked mean ignores pads entirely.

The vocabulary size plays no part here, so the checks use the lesson's table with 1000 rows
(`table`); one lesson check runs the same mean on the full table.
"""

from dataclasses import dataclass

import expect
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from task4_batch_padding import masked_mean

INPUT_IDS = [[1, 2, 0], [3, 0, 4]]  # the exercise's batch: two real tokens in each row
# Rows with 3, 2 and 1 real tokens, and pads in the middle as well as at the end.
UNEVEN_IDS = [[1, 2, 3, 0], [4, 0, 5, 0], [6, 0, 0, 0]]
TASK_4 = "Assignment › Task 4: a mean that ignores the pads"


def mean_of(hidden, attention_mask):
    """masked_mean(hidden, attention_mask), its inputs compared after the call."""
    return expect.call(masked_mean, hidden, attention_mask)


def real_token_means(hidden, input_ids):
    """Row b: the mean of hidden[b, t] over the t where input_ids[b][t] is not the pad."""
    return torch.stack(
        [
            hidden[b, [t for t, token in enumerate(row) if token != 0]].mean(dim=0)
            for b, row in enumerate(input_ids)
        ]
    )


@pytest.mark.hint(
    "The mean of a row must count its real tokens only: the pads are not part of the "
    "sequence, so they add nothing to the sum and do not count in the divisor",
    section=TASK_4,
    code="divide each row's sum over its real tokens by its number of real tokens",
)
def test_masked_mean_averages_only_real_tokens(table, device, on_device):
    input_ids = torch.tensor(INPUT_IDS, device=device)
    hidden = table(input_ids).detach()
    pooled = mean_of(hidden, input_ids != 0)

    on_device(pooled)
    expect.close(pooled, real_token_means(hidden, INPUT_IDS), "the mean of [[1, 2, 0], [3, 0, 4]]")


@pytest.mark.hint(
    "With rows of 3, 2 and 1 real tokens the means are wrong: each row is divided by its own "
    "number of real tokens, wherever its pads sit",
    section=TASK_4,
    code="count the real tokens per row (a sum over the sequence dimension), one count per row",
)
def test_each_row_is_divided_by_its_own_count_of_real_tokens(table, device, on_device):
    input_ids = torch.tensor(UNEVEN_IDS, device=device)
    hidden = table(input_ids).detach()
    pooled = mean_of(hidden, input_ids != 0)

    on_device(pooled)
    expect.close(pooled, real_token_means(hidden, UNEVEN_IDS), "the mean of 3 rows of 4 ids")


@pytest.mark.hint(
    "A value at a pad changed the mean: the pads must be selected away before the sum, so "
    "that nothing at a pad can reach it; a multiply by the mask is not enough, as inf * 0 "
    "is nan",
    section=TASK_4,
    code="masked_fill puts a value at the masked places whatever was there",
)
def test_changing_a_pad_embedding_does_not_change_the_mean(table, device):
    input_ids = torch.tensor(INPUT_IDS, device=device)
    attention_mask = input_ids != 0
    hidden = table(input_ids).detach()
    pooled = mean_of(hidden, attention_mask)

    for junk in (
        torch.randn(4096, device=device) * 100,
        torch.full((4096,), float("inf"), device=device),
        torch.full((4096,), float("nan"), device=device),
    ):
        changed = hidden.clone()
        changed[0, 2] = junk  # the pad of row 0
        changed[1, 1] = junk  # the pad of row 1
        what = f"the mean with {junk[0].item():.4g} at the pads"
        expect.same(mean_of(changed, attention_mask), pooled, what)


@pytest.mark.hint(
    "A row of pads only must give zeros, not nan (0 / 0), and a row with one real token "
    "that token's vector: a row's divisor is never below 1",
    section=TASK_4,
    code="clamp each row's count of real tokens to at least 1",
)
def test_all_pad_row_gives_zeros_not_nan(table, device, on_device):
    input_ids = torch.tensor([[0, 0, 0], [5, 0, 0]], device=device)
    pooled = mean_of(table(input_ids).detach(), input_ids != 0)

    on_device(pooled)
    expected = torch.stack([torch.zeros(4096, device=device), table.weight[5].detach()])
    expect.same(pooled, expected, "the mean of [[0, 0, 0], [5, 0, 0]]")


@pytest.mark.hint(
    "A float mask, such as (input_ids != 0).float(), must give the same mean as a bool one, "
    "in the dtype of the embeddings",
    section=TASK_4,
    code="turn the mask into bool before you use it to select",
)
def test_a_float_mask_gives_the_same_mean_as_a_bool_one(table, device):
    input_ids = torch.tensor(INPUT_IDS, device=device)
    hidden = table(input_ids).detach()
    float_mask = (input_ids != 0).float()  # the exercise's spelling
    expected = real_token_means(hidden, INPUT_IDS)
    expect.close(mean_of(hidden, float_mask), expected, "the mean with a float mask")


@dataclass
class Case:
    """A random padded batch: mask[b][t] is 1 at a real token, 0 at a pad."""

    mask: list[list[int]]
    dim: int
    dtype: torch.dtype
    float_mask: bool

    def __str__(self):
        shape = (len(self.mask), len(self.mask[0]), self.dim)
        kind = "a float mask" if self.float_mask else "a bool mask"
        return f"hidden of shape {shape}, {expect.dtype_name(self.dtype)}; {kind} {self.mask}"


@st.composite
def cases(draw):
    batch, length = draw(st.integers(1, 4)), draw(st.integers(1, 7))
    row = st.lists(st.integers(0, 1), min_size=length, max_size=length)
    mask = draw(st.lists(row, min_size=batch, max_size=batch))
    dtype = draw(st.sampled_from([torch.float32, torch.bfloat16]))
    return Case(mask, draw(st.integers(1, 6)), dtype, draw(st.booleans()))


@pytest.mark.hint(
    "For a random padded batch (B and T from 1 up, pads anywhere, rows of pads only, float32 "
    "or bfloat16), each row must be the mean of its real tokens, in the dtype of hidden",
    section=TASK_4,
)
@expect.PROPERTY
@example(Case([[1]], 3, torch.float32, False))
@example(Case([[1, 1, 0], [1, 0, 1], [0, 0, 0]], 3, torch.bfloat16, True))
@example(Case([[1, 0, 1, 1, 0], [0, 1, 0, 0, 0]], 5, torch.float32, False))
@given(case=cases())
def test_masked_mean_for_random_pads_and_dtypes(device, on_device, case):
    generator = torch.Generator().manual_seed(0)
    batch, length = len(case.mask), len(case.mask[0])
    hidden = torch.randn(batch, length, case.dim, generator=generator).to(device, case.dtype)
    mask = torch.tensor(case.mask, dtype=torch.bool, device=device)
    expected = torch.zeros(batch, case.dim, dtype=torch.float64)
    for b, real in enumerate(case.mask):  # one row at a time, in float64
        if any(real):
            expected[b] = hidden[b].cpu().double()[torch.tensor(real, dtype=torch.bool)].mean(0)
    # two roundings of the dtype, at the size of the numbers averaged
    atol = 4 * torch.finfo(case.dtype).eps * max(1.0, hidden.abs().max().item())
    with expect.example(case):
        pooled = mean_of(hidden, mask.float() if case.float_mask else mask)
        expect.close(pooled, expected.to(device, case.dtype), "the mean", atol=atol)
        on_device(pooled)


@pytest.mark.lesson
def test_attention_mask_marks_real_tokens(device, on_device):
    input_ids = torch.tensor(INPUT_IDS, device=device)
    attention_mask = input_ids != 0

    on_device(attention_mask)
    assert attention_mask.tolist() == [[True, True, False], [True, False, True]]


@pytest.mark.lesson
def test_the_same_mean_on_the_lessons_full_table(lesson_table, device, on_device):
    input_ids = torch.tensor(UNEVEN_IDS, device=device)
    hidden = lesson_table(input_ids)
    pooled = masked_mean(hidden, input_ids != 0)

    on_device(pooled)
    torch.testing.assert_close(pooled, real_token_means(hidden, UNEVEN_IDS))
