"""Theory 3: the gather moves bytes and does no arithmetic; the one-hot matmul does 2NVD FLOPs."""

import pytest
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from theory3_lookup_cost import lookup_cost


def test_lesson_table_numbers():
    cost = lookup_cost(4096, 100352, 4096, torch.float32)
    assert cost["gather bytes read + written"] == 2 * 4096 * 4096 * 4  # 128 MiB
    assert cost["gather FLOPs"] == 0
    assert cost["one-hot matmul FLOPs"] == 3_367_254_360_064  # about 3.4 TFLOP
    assert cost["one-hot matrix bytes"] == 1_644_167_168  # as big as the table itself


@pytest.mark.parametrize("tokens, vocab_size, hidden_size", [(128, 1000, 64), (7, 33, 5)])
def test_pytorch_counts_the_same_flops(device, on_device, tokens, vocab_size, hidden_size):
    weight = torch.randn(vocab_size, hidden_size, device=device)
    input_ids = torch.randint(0, vocab_size, (1, tokens), device=device)
    expected = lookup_cost(tokens, vocab_size, hidden_size, torch.float32)

    with FlopCounterMode(display=False) as gather_count:
        out = F.embedding(input_ids, weight)
    with FlopCounterMode(display=False) as matmul_count:
        F.one_hot(input_ids, vocab_size).to(weight.dtype) @ weight

    on_device(out)
    assert gather_count.get_total_flops() == expected["gather FLOPs"] == 0
    assert matmul_count.get_total_flops() == expected["one-hot matmul FLOPs"]


def test_the_embedding_forward_is_index_select_then_view_on_every_device(device, on_device):
    # aten::embedding has one composite implementation for every device: flatten the ids,
    # index_select the rows, view them as (B, T, D). The profiler sees the ops it runs.
    weight = torch.randn(10, 4, device=device)
    input_ids = torch.tensor([[1, 2], [3, 0]], device=device)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        hidden = torch.nn.functional.embedding(input_ids, weight)
    on_device(hidden)
    children = [
        event.name
        for event in prof.events()
        if event.cpu_parent is not None and event.cpu_parent.name == "aten::embedding"
    ]
    assert children == ["aten::reshape", "aten::index_select", "aten::view"]
