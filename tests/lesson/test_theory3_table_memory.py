"""Theory 3: the table's memory is V x D x bytes per number."""

import pytest
import torch

from theory3_table_memory import table_bytes

GiB = 2**30


@pytest.mark.parametrize(
    "vocab_size, hidden_size, dtype, expected_bytes, expected_gib",
    [
        (100352, 4096, torch.float32, 1_644_167_168, 1.53),  # the lesson's table
        (100352, 4096, torch.bfloat16, 822_083_584, 0.77),
        (163840, 7168, torch.float32, 4_697_620_480, 4.38),  # Kimi-K2's table
        (163840, 7168, torch.bfloat16, 2_348_810_240, 2.19),
        (1_000_000, 7168, torch.bfloat16, 14_336_000_000, 13.35),  # a 1M-id table at K2's D
    ],
)
def test_table_bytes(vocab_size, hidden_size, dtype, expected_bytes, expected_gib):
    assert table_bytes(vocab_size, hidden_size, dtype) == expected_bytes
    assert round(expected_bytes / GiB, 2) == expected_gib


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_a_real_table_uses_exactly_that_storage(device, on_device, dtype):
    real = torch.nn.Embedding(1000, 64, dtype=dtype, device=device)
    on_device(real.weight)
    assert real.weight.untyped_storage().nbytes() == table_bytes(1000, 64, dtype)
