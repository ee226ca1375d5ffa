"""Advanced: the wrapper's two paths, its sinusoidal PE against the paper's formula,
and its input contract: each kind of bad input gets its own clear error."""

import math
from dataclasses import dataclass

import expect
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from advanced_embedding_forward import EmbeddingForward, sinusoidal_table

STATEMENT = "Assignment › Advanced: the wrapper with positions"
CONTRACT = "Advanced › The input contract"


def paper_pe(pos: int, dim_index: int, d_model: int) -> float:
    """Vaswani et al. 2017, section 3.5, written out one number at a time."""
    i = dim_index // 2
    angle = pos / 10000 ** (2 * i / d_model)
    return math.sin(angle) if dim_index % 2 == 0 else math.cos(angle)


def paper_table(max_positions: int, d_model: int) -> torch.Tensor:
    return torch.tensor(
        [[paper_pe(p, j, d_model) for j in range(d_model)] for p in range(max_positions)],
        dtype=torch.float64,
    ).reshape(max_positions, d_model)


def check_table(table, max_positions: int, d_model: int) -> None:
    """The paper's table, computed in float64 and rounded once to float32."""
    what = f"sinusoidal_table({max_positions}, {d_model})"
    expected = paper_table(max_positions, d_model)
    expect.like(table, expected.float(), what)
    # float32 keeps ~7 digits: the table is the float64 formula rounded once.
    expect.close(table.double(), expected, what, rtol=0, atol=6e-8)


def run(forward, **inputs):
    """forward(**inputs), its inputs and the wrapper's tables compared after the call."""
    return expect.call(forward, **inputs)


@pytest.fixture
def forward(device, on_device):
    torch.manual_seed(0)
    forward = EmbeddingForward(
        10, 8, padding_idx=0, add_positions=True, max_positions=16, device=device
    )
    on_device(forward.embed_tokens.weight, forward.position_table)
    return forward


@pytest.mark.hint(
    "The table does not follow the formula: column 2i holds the sine of pos / 10000^(2i/D) "
    "and column 2i + 1 the cosine of the same angle, computed in float64 and returned in "
    "float32",
    section=STATEMENT,
)
@pytest.mark.parametrize("max_positions, d_model", [(16, 8), (64, 32), (3, 4096)])
def test_sinusoidal_table_matches_the_paper(max_positions, d_model):
    check_table(sinusoidal_table(max_positions, d_model), max_positions, d_model)


@pytest.mark.hint(
    "Row pos of the table holds the angles of position pos, counting from 0: at position 0 "
    "every angle is 0, so its row is sin 0, cos 0, sin 0, cos 0, ...",
    section=STATEMENT,
)
def test_position_zero_is_sin_0_cos_0():
    row = expect.as_tensor(sinusoidal_table(1, 8), "sinusoidal_table(1, 8)")[0]
    expect.same(row, torch.tensor([0.0, 1.0] * 4), "sinusoidal_table(1, 8)[0]")


@dataclass
class TableCase:
    max_positions: int
    half_dim: int

    def __str__(self):
        return f"sinusoidal_table({self.max_positions}, {2 * self.half_dim})"


@pytest.mark.hint(
    "For random sizes the table does not follow the formula: max_positions rows, D columns, "
    "column 2i the sine and 2i + 1 the cosine of pos / 10000^(2i/D)",
    section=STATEMENT,
)
@expect.PROPERTY
@example(TableCase(1, 1))
@example(TableCase(7, 3))
@given(case=st.builds(TableCase, st.integers(1, 40), st.integers(1, 16)))
def test_sinusoidal_table_for_random_sizes(case):
    dim = 2 * case.half_dim
    with expect.example(case):
        check_table(sinusoidal_table(case.max_positions, dim), case.max_positions, dim)


@pytest.mark.hint(
    "With positions on, the ids path must add row t of the position table to position t of "
    "every sequence, and nothing else",
    section=STATEMENT,
)
def test_ids_path_adds_exactly_the_pe_rows(forward, device, on_device):
    input_ids = torch.tensor([[1, 2]], device=device)
    before = forward.embed_tokens(input_ids).detach()
    after = run(forward, input_ids=input_ids)

    on_device(before, after, forward.position_table)
    expect.same(after, before + forward.position_table[:2], "forward(input_ids=[[1, 2]])")
    expected = torch.tensor([[paper_pe(p, j, 8) for j in range(8)] for p in range(2)])
    expect.close((after - before)[0].cpu(), expected, "what was added", rtol=0, atol=1e-6)


@pytest.mark.hint(
    "Embeddings must get the same position rows as looked-up ids: the positions are added "
    "after the input is chosen, whichever it is",
    section=STATEMENT,
)
def test_embeds_path_gets_the_same_positions(forward, device, on_device):
    inputs_embeds = torch.randn(2, 3, 8, device=device)
    out = run(forward, inputs_embeds=inputs_embeds)

    on_device(out)
    expected = inputs_embeds + forward.position_table[:3]
    expect.same(out, expected, "forward(inputs_embeds=...) of shape (2, 3, 8)")


@pytest.mark.hint(
    "Adding positions changed the dtype of the embeddings: the output keeps the dtype of its "
    "input, so the float32 position rows must meet bfloat16 embeddings in bfloat16",
    section=STATEMENT,
    when="dtype",
)
def test_pe_keeps_the_dtype_of_the_embeddings(forward, device):
    inputs_embeds = torch.randn(1, 3, 8, device=device, dtype=torch.bfloat16)
    out = expect.as_tensor(run(forward, inputs_embeds=inputs_embeds), "the output")
    expect.equal(out.dtype, torch.bfloat16, "the output's dtype", kind="dtype")


@pytest.mark.hint(
    "With add_positions=False the forward must return the lookup itself: the same token, "
    "the same vector, at every position",
    section=STATEMENT,
)
def test_without_pe_the_same_token_is_the_same_vector_at_every_position(device, on_device):
    plain = EmbeddingForward(10, 8, padding_idx=0, device=device)
    out = run(plain, input_ids=torch.tensor([[5, 5, 5]], device=device))

    on_device(out)
    row = plain.embed_tokens.weight[5].detach()
    expect.same(out, row.expand(1, 3, 8), "forward(input_ids=[[5, 5, 5]]), no positions")


@pytest.mark.hint(
    "With positions on, one token at two positions must give two different vectors: the "
    "position rows were not added",
    section=STATEMENT,
)
def test_with_pe_the_same_token_differs_by_position(forward, device):
    out = expect.as_tensor(run(forward, input_ids=torch.tensor([[5, 5]], device=device)), "out")
    expect.check(
        out.dim() == 3 and not torch.equal(out[0, 0], out[0, 1]),
        "values",
        "forward(input_ids=[[5, 5]]): expected two different vectors, got the same twice",
    )


@pytest.mark.hint(
    "Pads get a position vector too: the position rows are added at every position, and "
    "the pads are left to the attention mask",
    section=STATEMENT,
)
def test_pad_positions_get_a_position_vector(forward, device):
    # The pad row is zeros, but PE is added to every position: masks are still needed.
    out = run(forward, input_ids=torch.tensor([[0, 0]], device=device))
    expect.same(out, forward.position_table[:2][None], "forward(input_ids=[[0, 0]])")


@pytest.mark.hint(
    "An empty sequence, ids of shape (1, 0), must give shape (1, 0, 8), not an error",
    section=STATEMENT,
)
def test_empty_sequence_is_fine(forward, device):
    out = run(forward, input_ids=torch.empty(1, 0, dtype=torch.long, device=device))
    expect.same(out, torch.empty(1, 0, 8, device=device), "forward on ids of shape (1, 0)")


@dataclass
class ForwardCase:
    batch: int
    length: int
    embeds_dtype: torch.dtype | None  # None: input_ids, looked up in the float32 table

    def __str__(self):
        if self.embeds_dtype is None:
            return f"input_ids of shape {(self.batch, self.length)}"
        shape = (self.batch, self.length, 8)
        return f"inputs_embeds of shape {shape}, {expect.dtype_name(self.embeds_dtype)}"


@pytest.mark.hint(
    "For a random batch (B from 1, T from 1 to max_positions), either input, float32 or "
    "bfloat16, the output must be the input's vectors plus the first T position rows, in "
    "the input's dtype",
    section=STATEMENT,
)
@expect.PROPERTY
@example(ForwardCase(1, 1, None))
@example(ForwardCase(3, 16, torch.bfloat16))
@example(ForwardCase(2, 5, torch.float32))
@given(
    case=st.builds(
        ForwardCase,
        st.integers(1, 3),
        st.integers(1, 16),
        st.sampled_from([None, torch.float32, torch.bfloat16]),
    )
)
def test_forward_for_random_batches_and_dtypes(forward, device, on_device, case):
    generator = torch.Generator().manual_seed(0)
    shape = (case.batch, case.length)
    if case.embeds_dtype is None:
        inputs = {"input_ids": torch.randint(0, 10, shape, generator=generator).to(device)}
        vectors = forward.embed_tokens(inputs["input_ids"]).detach()
    else:
        vectors = torch.randn(*shape, 8, generator=generator).to(device, case.embeds_dtype)
        inputs = {"inputs_embeds": vectors}
    with expect.example(case):
        out = run(forward, **inputs)
        expected = vectors + forward.position_table[: case.length].to(vectors.dtype)
        expect.close(out, expected, "the output")
        on_device(out)


# The input contract: one test per kind of bad input.


@pytest.mark.hint(
    "Given both inputs, the forward cannot know which one the caller meant: it must refuse "
    "with a ValueError",
    section=CONTRACT,
    code='the message: "pass exactly one of input_ids or inputs_embeds, got both"',
)
def test_both_inputs(forward, device):
    with expect.raises(ValueError, "exactly one of input_ids or inputs_embeds, got both"):
        run(
            forward,
            input_ids=torch.tensor([[1]], device=device),
            inputs_embeds=torch.randn(1, 1, 8, device=device),
        )


@pytest.mark.hint(
    "Given neither input there is nothing to embed: the forward must refuse with a ValueError",
    section=CONTRACT,
    code='the message: "pass exactly one of input_ids or inputs_embeds, got neither"',
)
def test_neither_input(forward):
    with expect.raises(ValueError, "exactly one of input_ids or inputs_embeds, got neither"):
        run(forward)


@pytest.mark.hint(
    "Float, bool or uint8 ids must be refused with a TypeError before the lookup: the "
    "starter's input checks do that, if the forward calls them first",
    section=CONTRACT,
    code="call the starter's check_input_ids on the ids and the table's weight, first",
)
@pytest.mark.parametrize("dtype", [torch.float32, torch.bool, torch.uint8])
def test_non_integer_ids(forward, device, dtype):
    with expect.raises(TypeError, rf"input_ids must hold integer .*{dtype}.*input_ids.long"):
        run(forward, input_ids=torch.tensor([[1, 2]], device=device).to(dtype))


@pytest.mark.hint(
    "Ids given as a list must be refused with a TypeError: the starter's input checks do "
    "that, if the forward calls them first",
    section=CONTRACT,
    code="call check_input_ids before the lookup",
)
def test_ids_as_a_list(forward):
    with expect.raises(TypeError, r"input_ids must be a torch.Tensor, got list"):
        run(forward, input_ids=[[1, 2]])


@pytest.mark.hint(
    "An id outside [0, V) must be refused with an IndexError before the lookup, naming the "
    "id and its position: on a GPU the lookup itself would fail far less clearly",
    section=CONTRACT,
    code="call check_input_ids before the lookup",
)
@pytest.mark.parametrize("bad_id, where", [(10, (0, 1)), (-1, (0, 0)), (12345, (0, 1))])
def test_ids_out_of_range_are_caught_before_the_lookup(forward, device, bad_id, where):
    input_ids = torch.tensor([[1, 2]], device=device)
    input_ids[where] = bad_id
    with expect.raises(
        IndexError,
        rf"holds {bad_id} at position \({where[0]}, {where[1]}\), outside \[0, 10\)",
    ):
        run(forward, input_ids=input_ids)
    # On CUDA a device-side assert would poison the context; ours leaves it working.
    assert torch.ones(2, device=device).sum().item() == 2.0


@pytest.mark.hint(
    "Embeddings whose last dimension is not D must be refused with a ValueError: the "
    "starter's input checks do that, if the forward calls them first",
    section=CONTRACT,
    code="call the starter's check_inputs_embeds on the embeddings and the table's weight",
)
def test_inputs_embeds_with_the_wrong_hidden_size(forward, device):
    with expect.raises(ValueError, r"last dim 7 but hidden_size is 8; .*nn.Linear\(7, 8\)"):
        run(forward, inputs_embeds=torch.randn(1, 2, 7, device=device))


@pytest.mark.hint(
    "Embeddings of an integer dtype must be refused with a TypeError: the starter's input "
    "checks do that, if the forward calls them first",
    section=CONTRACT,
    code="call check_inputs_embeds first",
)
def test_integer_inputs_embeds(forward, device):
    with expect.raises(TypeError, "inputs_embeds must be a floating-point tensor"):
        run(forward, inputs_embeds=torch.ones(1, 2, 8, dtype=torch.long, device=device))


@pytest.mark.hint(
    "1-D ids must be refused with a ValueError that gives the fix, unsqueeze(0): the "
    "starter's input checks do that, if the forward calls them first",
    section=CONTRACT,
    code="call check_input_ids first",
)
def test_one_d_ids_are_rejected_with_the_fix(forward, device):
    with expect.raises(
        ValueError,
        r"must be 2-D \(batch, seq_len\), got shape \(2,\); .*input_ids.unsqueeze\(0\)",
    ):
        run(forward, input_ids=torch.tensor([1, 2], device=device))


@pytest.mark.hint(
    "2-D inputs_embeds must be refused with a ValueError that gives the fix, unsqueeze(0): "
    "the starter's input checks do that, if the forward calls them first",
    section=CONTRACT,
    code="call check_inputs_embeds first",
)
def test_two_d_inputs_embeds_are_rejected_with_the_fix(forward, device):
    with expect.raises(ValueError, r"must be 3-D .*got shape \(2, 8\); .*unsqueeze\(0\)"):
        run(forward, inputs_embeds=torch.randn(2, 8, device=device))


@pytest.mark.hint(
    "A sequence longer than the position table must be refused with a ValueError that names "
    "its length and max_positions, and one of exactly max_positions must work",
    section=STATEMENT,
    code='for example: "sequence length 17 is longer than the position table '
    '(max_positions=16); build EmbeddingForward with max_positions >= 17"',
)
def test_more_positions_than_the_pe_table_holds(forward, device):
    # any wording that names the length, the table's size and the size to build
    with expect.raises(ValueError, r"\b17\b.*max_positions=16.*>= ?17"):
        run(forward, input_ids=torch.ones(1, 17, dtype=torch.long, device=device))
    out = run(forward, input_ids=torch.ones(1, 16, dtype=torch.long, device=device))
    expect.equal(tuple(expect.as_tensor(out, "out").shape), (1, 16, 8), "the output's shape")


@pytest.mark.hint(
    "Sines and cosines come in pairs, one pair per frequency, so an odd dim cannot be "
    "filled: sinusoidal_table must refuse it with a ValueError",
    section=STATEMENT,
    code='the message: "dim must be even to pair sin and cos, got dim=7"',
)
def test_odd_hidden_size_cannot_take_sinusoidal_pe():  # refused before any position exists
    with expect.raises(ValueError, "dim must be even.*dim=7"):
        EmbeddingForward(10, 7, add_positions=True, device=torch.device("cpu"))


@pytest.mark.hint(
    "Ids on another device than the table must be refused with a ValueError naming both "
    "devices: the starter's input checks do that, if the forward calls them first",
    section=CONTRACT,
    code="call check_input_ids before the lookup",
)
@pytest.mark.skip_on_cpu("needs a second device: runs with --device cuda")
def test_ids_on_another_device(device, on_device):
    forward = EmbeddingForward(10, 8, device=device)
    on_device(forward.embed_tokens.weight)
    with expect.raises(ValueError, r"input_ids is on cpu but the table is on cuda"):
        run(forward, input_ids=torch.tensor([[1, 2]]))
