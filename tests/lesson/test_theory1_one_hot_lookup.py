"""Theory 1: the lookup equals one_hot(ids) @ W, exactly, for any sizes (a property test)."""

import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from theory1_one_hot_lookup import lookup_as_matmul


def test_ids_1_2_stack_rows_e1_and_e2(device, on_device):
    E = torch.randn(6, 4, device=device)
    hidden = lookup_as_matmul(E, torch.tensor([[1, 2]], device=device))

    on_device(hidden)
    assert torch.equal(hidden, torch.stack([E[1], E[2]]).unsqueeze(0))


# on_device only checks and records; it holds no state that examples could share.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    vocab_size=st.integers(1, 64),
    hidden_size=st.integers(1, 32),
    batch_size=st.integers(1, 4),
    seq_length=st.integers(0, 9),
    dtype=st.sampled_from([torch.float32, torch.float64, torch.bfloat16]),
    seed=st.integers(0, 2**31 - 1),
)
def test_lookup_equals_one_hot_matmul(
    device, on_device, vocab_size, hidden_size, batch_size, seq_length, dtype, seed
):
    generator = torch.Generator().manual_seed(seed)
    weight = torch.randn(vocab_size, hidden_size, generator=generator).to(device, dtype)
    input_ids = torch.randint(0, vocab_size, (batch_size, seq_length), generator=generator)
    input_ids = input_ids.to(device)

    by_matmul = lookup_as_matmul(weight, input_ids)
    by_lookup = F.embedding(input_ids, weight)

    on_device(by_matmul)
    assert by_matmul.shape == (batch_size, seq_length, hidden_size)
    assert torch.equal(by_matmul, by_lookup)  # exact: 1 * row + 0 * the rest
