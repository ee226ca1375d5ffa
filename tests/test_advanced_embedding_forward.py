"""Advanced: the wrapper's two paths, its sinusoidal PE against the paper's formula,
and its input contract: each kind of bad input gets its own clear error."""

import math

import pytest
import torch

from advanced_embedding_forward import EmbeddingForward, sinusoidal_table


def paper_pe(pos: int, dim_index: int, d_model: int) -> float:
    """Vaswani et al. 2017, section 3.5, written out one number at a time."""
    i = dim_index // 2
    angle = pos / 10000 ** (2 * i / d_model)
    return math.sin(angle) if dim_index % 2 == 0 else math.cos(angle)


@pytest.fixture
def forward(device, on_device):
    torch.manual_seed(0)
    forward = EmbeddingForward(
        10, 8, padding_idx=0, add_positions=True, max_positions=16, device=device
    )
    on_device(forward.embed_tokens.weight, forward.position_table)
    return forward


@pytest.mark.parametrize("max_positions, d_model", [(16, 8), (64, 32), (3, 4096)])
def test_sinusoidal_table_matches_the_paper(max_positions, d_model):
    expected = torch.tensor(
        [[paper_pe(p, j, d_model) for j in range(d_model)] for p in range(max_positions)],
        dtype=torch.float64,
    )
    table = sinusoidal_table(max_positions, d_model)
    assert table.dtype == torch.float32
    # float32 keeps ~7 digits: the table is the float64 formula rounded once.
    torch.testing.assert_close(table.double(), expected, rtol=0, atol=6e-8)


def test_position_zero_is_sin_0_cos_0():
    assert sinusoidal_table(1, 8)[0].tolist() == [0.0, 1.0] * 4


def test_ids_path_adds_exactly_the_pe_rows(forward, device, on_device):
    input_ids = torch.tensor([[1, 2]], device=device)
    before = forward.embed_tokens(input_ids)
    after = forward(input_ids=input_ids)

    on_device(before, after, forward.position_table)
    assert after.shape == (1, 2, 8)
    assert torch.equal(after, before + forward.position_table[:2])
    expected = torch.tensor([[paper_pe(p, j, 8) for j in range(8)] for p in range(2)])
    torch.testing.assert_close((after - before)[0].cpu(), expected, rtol=0, atol=1e-6)


def test_embeds_path_gets_the_same_positions(forward, device, on_device):
    inputs_embeds = torch.randn(2, 3, 8, device=device)
    out = forward(inputs_embeds=inputs_embeds)

    on_device(out)
    assert torch.equal(out, inputs_embeds + forward.position_table[:3])


def test_pe_keeps_the_dtype_of_the_embeddings(forward, device):
    inputs_embeds = torch.randn(1, 3, 8, device=device, dtype=torch.bfloat16)
    assert forward(inputs_embeds=inputs_embeds).dtype == torch.bfloat16


def test_without_pe_the_same_token_is_the_same_vector_at_every_position(device, on_device):
    plain = EmbeddingForward(10, 8, padding_idx=0, device=device)
    out = plain(input_ids=torch.tensor([[5, 5, 5]], device=device))

    on_device(out)
    assert torch.equal(out[0, 0], out[0, 1]) and torch.equal(out[0, 1], out[0, 2])
    assert torch.equal(out[0, 0], plain.embed_tokens.weight[5])


def test_with_pe_the_same_token_differs_by_position(forward, device):
    out = forward(input_ids=torch.tensor([[5, 5]], device=device))
    assert not torch.equal(out[0, 0], out[0, 1])


def test_pad_positions_get_a_position_vector(forward, device):
    # The pad row is zeros, but PE is added to every position: masks are still needed.
    out = forward(input_ids=torch.tensor([[0, 0]], device=device))
    assert torch.equal(out[0], forward.position_table[:2])


def test_empty_sequence_is_fine(forward, device):
    assert forward(input_ids=torch.empty(1, 0, dtype=torch.long, device=device)).shape == (1, 0, 8)


# The input contract: one test per kind of bad input.


def test_both_inputs(forward, device):
    with pytest.raises(ValueError, match="exactly one of input_ids or inputs_embeds, got both"):
        forward(
            input_ids=torch.tensor([[1]], device=device),
            inputs_embeds=torch.randn(1, 1, 8, device=device),
        )


def test_neither_input(forward):
    with pytest.raises(ValueError, match="exactly one of input_ids or inputs_embeds, got neither"):
        forward()


@pytest.mark.parametrize("dtype", [torch.float32, torch.bool, torch.uint8])
def test_non_integer_ids(forward, device, dtype):
    with pytest.raises(TypeError, match=rf"input_ids must hold integer .*{dtype}.*input_ids.long"):
        forward(input_ids=torch.tensor([[1, 2]], device=device).to(dtype))


def test_ids_as_a_list(forward):
    with pytest.raises(TypeError, match=r"input_ids must be a torch.Tensor, got list"):
        forward(input_ids=[[1, 2]])


@pytest.mark.parametrize("bad_id, where", [(10, (0, 1)), (-1, (0, 0)), (12345, (0, 1))])
def test_ids_out_of_range_are_caught_before_the_lookup(forward, device, bad_id, where):
    input_ids = torch.tensor([[1, 2]], device=device)
    input_ids[where] = bad_id
    with pytest.raises(
        IndexError,
        match=rf"holds {bad_id} at position \({where[0]}, {where[1]}\), "
        r"outside \[0, 10\)",
    ):
        forward(input_ids=input_ids)
    # On CUDA a device-side assert would poison the context; ours leaves it working.
    assert torch.ones(2, device=device).sum().item() == 2.0


def test_inputs_embeds_with_the_wrong_hidden_size(forward, device):
    with pytest.raises(ValueError, match=r"last dim 7 but hidden_size is 8; .*nn.Linear\(7, 8\)"):
        forward(inputs_embeds=torch.randn(1, 2, 7, device=device))


def test_integer_inputs_embeds(forward, device):
    with pytest.raises(TypeError, match="inputs_embeds must be a floating-point tensor"):
        forward(inputs_embeds=torch.ones(1, 2, 8, dtype=torch.long, device=device))


def test_one_d_ids_are_rejected_with_the_fix(forward, device):
    with pytest.raises(
        ValueError,
        match=r"must be 2-D \(batch, seq_len\), got shape \(2,\); "
        r".*input_ids.unsqueeze\(0\)",
    ):
        forward(input_ids=torch.tensor([1, 2], device=device))


def test_two_d_inputs_embeds_are_rejected_with_the_fix(forward, device):
    with pytest.raises(ValueError, match=r"must be 3-D .*got shape \(2, 8\); .*unsqueeze\(0\)"):
        forward(inputs_embeds=torch.randn(2, 8, device=device))


def test_more_positions_than_the_pe_table_holds(forward, device):
    with pytest.raises(ValueError, match=r"sequence length 17 .*max_positions=16.*>= 17"):
        forward(input_ids=torch.ones(1, 17, dtype=torch.long, device=device))
    assert forward(input_ids=torch.ones(1, 16, dtype=torch.long, device=device)).shape[1] == 16


def test_odd_hidden_size_cannot_take_sinusoidal_pe():  # fails before any tensor exists
    with pytest.raises(ValueError, match="dim must be even.*dim=7"):
        EmbeddingForward(10, 7, add_positions=True)


def test_ids_on_another_device(device, on_device):
    if device.type == "cpu":
        pytest.skip("needs a second device: runs in the CUDA session")
    forward = EmbeddingForward(10, 8, device=device)
    on_device(forward.embed_tokens.weight)
    with pytest.raises(ValueError, match=r"input_ids is on cpu but the table is on cuda"):
        forward(input_ids=torch.tensor([[1, 2]]))


# What tools/check.py tells a student whose file fails a check: the likely mistake, and
# where the lesson explains it.
TABLE = "Advanced › The sinusoidal table"
CONTRACT = "Advanced › The input contract"
WRAPPER = "Advanced › The wrapper"
CHANGE = "Advanced › What positions would change"
HINTS = {
    "test_sinusoidal_table_matches_the_paper": (
        "The table does not follow the formula: column 2i holds sin(pos / 10000^(2i/D)) and "
        "column 2i + 1 the cos of the same angle, computed in float64 and returned as float32",
        TABLE,
    ),
    "test_position_zero_is_sin_0_cos_0": (
        "Position 0 must be [0, 1, 0, 1, ...], that is sin 0 and cos 0: are sin and cos swapped?",
        TABLE,
    ),
    "test_ids_path_adds_exactly_the_pe_rows": (
        "With positions on, the ids path must add position_table[:T] to every position, real "
        "token or pad, and nothing else",
        CHANGE,
    ),
    "test_embeds_path_gets_the_same_positions": (
        "Embeddings must get the same position rows as looked-up ids: add position_table[:T] "
        "after choosing the input",
        WRAPPER,
    ),
    "test_pe_keeps_the_dtype_of_the_embeddings": (
        "Adding positions changed the dtype of the embeddings: cast the position rows to "
        "hidden.dtype first",
        WRAPPER,
    ),
    "test_without_pe_the_same_token_is_the_same_vector_at_every_position": (
        "With add_positions=False the forward must return the lookup unchanged",
        CHANGE,
    ),
    "test_with_pe_the_same_token_differs_by_position": (
        "With positions on, one token at two positions must give two different vectors: were "
        "the position rows added?",
        CHANGE,
    ),
    "test_pad_positions_get_a_position_vector": (
        "Pads get a position vector too: add the position rows at every position, and leave "
        "the pads to the attention mask",
        CHANGE,
    ),
    "test_empty_sequence_is_fine": (
        "An empty sequence, ids of shape (1, 0), must give shape (1, 0, 8), not an error",
        WRAPPER,
    ),
    "test_both_inputs": (
        "Given both inputs the forward must raise "
        'ValueError("pass exactly one of input_ids or inputs_embeds, got both")',
        CONTRACT,
    ),
    "test_neither_input": (
        "Given neither input the forward must raise "
        'ValueError("pass exactly one of input_ids or inputs_embeds, got neither")',
        CONTRACT,
    ),
    "test_non_integer_ids": (
        "Float, bool or uint8 ids must raise TypeError before the lookup: call "
        "check_input_ids(input_ids, weight) first",
        CONTRACT,
    ),
    "test_ids_as_a_list": (
        "Ids given as a list must raise TypeError: call check_input_ids first",
        CONTRACT,
    ),
    "test_ids_out_of_range_are_caught_before_the_lookup": (
        "An id outside [0, V) must raise IndexError before the lookup, naming the id and its "
        "position: call check_input_ids first",
        CONTRACT,
    ),
    "test_inputs_embeds_with_the_wrong_hidden_size": (
        "Embeddings whose last dimension is not D must raise ValueError: call "
        "check_inputs_embeds first",
        CONTRACT,
    ),
    "test_integer_inputs_embeds": (
        "Embeddings of an integer dtype must raise TypeError: call check_inputs_embeds first",
        CONTRACT,
    ),
    "test_one_d_ids_are_rejected_with_the_fix": (
        "1-D ids must raise ValueError with unsqueeze(0) as the fix: call check_input_ids first",
        CONTRACT,
    ),
    "test_two_d_inputs_embeds_are_rejected_with_the_fix": (
        "2-D inputs_embeds must raise ValueError with unsqueeze(0) as the fix: call "
        "check_inputs_embeds first",
        CONTRACT,
    ),
    "test_more_positions_than_the_pe_table_holds": (
        "A sequence longer than max_positions must raise ValueError naming its length and "
        "max_positions, and one of exactly max_positions must work",
        WRAPPER,
    ),
    "test_odd_hidden_size_cannot_take_sinusoidal_pe": (
        "An odd dim must make sinusoidal_table raise "
        'ValueError("dim must be even to pair sin and cos, got dim=7")',
        TABLE,
    ),
    "test_ids_on_another_device": (
        "Ids on another device than the table must raise ValueError naming both devices: call "
        "check_input_ids first",
        CONTRACT,
    ),
}
