"""Task 1: the lesson's table: where it is built, its sizes, its values, its pad row, and a
lookup in it."""

import expect
import pytest
import torch

from task1_basic_forward import build_embed_tokens  # noqa: F401  the file under check

INPUT_IDS = [[1, 2, 3, 0]]  # the lesson's ids; 0 is the pad
TASK_1 = "Assignment › Task 1: the lesson's table"


@pytest.mark.hint(
    "The table must be built on the device that build_embed_tokens is given: a table made "
    "on the default device instead works on a laptop and breaks on a GPU",
    section=TASK_1,
    code="pass `device` on to the module you build (device=device)",
    when=("device", "type"),
)
def test_the_table_is_built_on_the_device_it_is_given(table_device, device, request):
    # Built with the meta device, which has shapes but no memory, as the default device: the
    # table lands there only if the builder ignored the device it was given.
    what = f"the weight of build_embed_tokens({device.type!r}), with meta as the default device"
    expect.check(table_device is not None, "type", f"{what}: expected a tensor, got none")
    if table_device.type != device.type:
        raise expect.WrongDevice(what, table_device, device)
    request.node.device_checked = True  # the comparison above is this test's device check


@pytest.mark.hint(
    "The table is not the lesson's: V = 100352 rows of D = 4096 numbers in float32, with row "
    "0 kept for the pad",
    section=TASK_1,
    code="the sizes and the pad's row are arguments of nn.Embedding (padding_idx)",
)
@pytest.mark.hint(
    "The table's numbers must be float32, the dtype nn.Embedding uses unless told otherwise",
    section=TASK_1,
    when="dtype",
)
def test_table_has_the_lessons_sizes(lesson_table):
    expect.check(
        isinstance(lesson_table, torch.nn.Embedding),
        "type",
        f"expected an nn.Embedding, got {type(lesson_table).__name__}",
    )
    sizes = (lesson_table.num_embeddings, lesson_table.embedding_dim)
    expect.equal(sizes, (100352, 4096), "(num_embeddings, embedding_dim)")
    expect.equal(lesson_table.padding_idx, 0, "padding_idx")
    expect.equal(lesson_table.weight.dtype, torch.float32, "the weight's dtype", kind="dtype")


@pytest.mark.hint(
    "The rows must be the table's own initialisation, draws from N(0, 1) as the lesson prints "
    "them: return the table as nn.Embedding builds it, without rescaling or refilling it",
    section=TASK_1,
)
def test_the_rows_hold_draws_from_n_0_1(lesson_table, device):
    # 512 rows picked at random: about 2 million draws, plenty to tell N(0, 1) from others.
    rows = torch.randint(1, 100352, (512,), generator=torch.Generator().manual_seed(0))
    sample = lesson_table.weight.detach()[rows.to(device)].double()
    mean, std = sample.mean().item(), sample.std().item()
    expect.check(
        abs(mean) < 0.01 and abs(std - 1) < 0.01,
        "values",
        "the rows: expected draws from N(0, 1), mean about 0 and standard deviation about 1",
        f"got mean {mean:.4g} and standard deviation {std:.4g}",
    )


@pytest.mark.hint(
    "Looking up [[1, 2, 3, 0]] must give shape (1, 4, 4096), each position the row of its "
    "token: the table itself is the lookup",
    section="Theory › Theory 1: the lookup, as row selection and as a matmul",
)
def test_forward_shape_and_rows(lesson_table, device, on_device):
    input_ids = torch.tensor(INPUT_IDS, device=device)
    hidden = lesson_table(input_ids)

    on_device(hidden)
    expected = torch.stack([lesson_table.weight[token] for token in INPUT_IDS[0]])[None]
    expect.same(hidden, expected.detach(), "hidden")


@pytest.mark.hint(
    "The pad's vector must be zeros and the real tokens' must not: the pad's row is the one "
    "padding_idx names, and nn.Embedding fills it with zeros when it builds the table",
    section=TASK_1,
)
def test_pad_position_is_all_zeros_and_real_tokens_are_not(lesson_table, device):
    hidden = lesson_table(torch.tensor(INPUT_IDS, device=device))

    expect.same(hidden[0, 3], torch.zeros(4096, device=device), "the pad's vector, hidden[0, 3]")
    zero_rows = [n for n in range(3) if not hidden[0, n].any()]
    expect.check(not zero_rows, "values", f"real tokens at positions {zero_rows} got zero vectors")
