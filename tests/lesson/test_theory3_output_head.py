"""Theory 3: the untied output head's cost, and two fixes that give the same loss."""

import pytest
import torch
import torch.nn.functional as F

import theory3_output_head as snippet
from lessonbuild.core import facts
from theory3_output_head import chunked_cross_entropy, head_cost, vocab_parallel_cross_entropy


def small(device, n=96, v=50, d=8, seed=0):
    generator = torch.Generator().manual_seed(seed)
    hidden = torch.randn(n, d, generator=generator, dtype=torch.float64).to(device)
    head = torch.randn(v, d, generator=generator, dtype=torch.float64).to(device)
    labels = torch.randint(0, v, (n,), generator=generator).to(device)
    return hidden, head, labels


def test_the_head_costs_2nvd_flops_and_an_n_by_v_logits_tensor():
    flops, logit_bytes = head_cost(4096, 1_000_000, 7168)
    assert flops == 2 * 4096 * 1_000_000 * 7168
    assert logit_bytes == 4096 * 1_000_000 * 4  # fp32
    assert logit_bytes / 2**30 == pytest.approx(15.26, abs=0.005)  # 16.4 GB
    assert head_cost(4096, 2**20, 7168)[1] == 16 * 2**30  # V = 2^20: 16 GiB exactly
    # it is a matmul: check the count against torch's own FLOP counter
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        torch.randn(64, 32) @ torch.randn(100, 32).T
    assert counter.get_total_flops() == head_cost(64, 100, 32)[0]


@pytest.mark.parametrize("chunk", [1, 7, 32, 96, 200])
def test_chunked_cross_entropy_equals_the_full_one_and_so_do_its_gradients(
    device, on_device, chunk
):
    hidden, head, labels = small(device)
    h, w = hidden.clone().requires_grad_(), head.clone().requires_grad_()
    loss = chunked_cross_entropy(h, w, labels, chunk)
    grads = torch.autograd.grad(loss, (h, w))
    h2, w2 = hidden.clone().requires_grad_(), head.clone().requires_grad_()
    full = F.cross_entropy(h2 @ w2.T, labels)
    full_grads = torch.autograd.grad(full, (h2, w2))
    on_device(loss, *grads)
    torch.testing.assert_close(loss, full)
    for grad, expected in zip(grads, full_grads, strict=True):
        torch.testing.assert_close(grad, expected)


def test_chunked_cross_entropy_keeps_no_logits_for_backward(device, on_device):
    # What autograd saves for backward, by shape: the full loss keeps its (N, V) logits, the
    # chunked one only its inputs (and computes each chunk's logits again in backward).
    hidden, head, labels = small(device)
    n, v = labels.shape[0], head.shape[0]
    h, w = hidden.clone().requires_grad_(), head.clone().requires_grad_()
    on_device(h, w)

    def saved_shapes(loss_fn):
        shapes = []

        def pack(tensor):
            shapes.append(tuple(tensor.shape))
            return tensor

        with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
            loss_fn()
        return shapes

    full = saved_shapes(lambda: F.cross_entropy(h @ w.T, labels))
    chunked = saved_shapes(lambda: chunked_cross_entropy(h, w, labels, chunk=32))
    assert (n, v) in full
    assert all(shape[-1:] != (v,) for shape in chunked), chunked


@pytest.mark.parametrize("shards", [1, 2, 5, 7])
def test_vocabulary_parallel_cross_entropy_equals_the_full_one(device, on_device, shards):
    hidden, head, labels = small(device)
    loss = vocab_parallel_cross_entropy(hidden, head.chunk(shards), labels)
    on_device(loss)
    torch.testing.assert_close(loss, F.cross_entropy(hidden @ head.T, labels))
    # large logits: the shared maximum keeps the exponentials finite
    loss = vocab_parallel_cross_entropy(hidden * 100, head.chunk(shards), labels)
    torch.testing.assert_close(loss, F.cross_entropy(hidden * 100 @ head.T, labels))


def test_the_snippet_sizes_kimi_k2_from_the_facts():
    assert snippet.VOCAB == facts.value("kimi_k2", "vocab_size")
    assert snippet.HIDDEN == facts.value("kimi_k2", "hidden_size")


@pytest.mark.standalone  # reads a fresh run of the snippet
def test_the_printed_checks_hold(fresh_runs):
    done, _ = fresh_runs["theory3_output_head"]
    assert "chunked cross-entropy (chunks of 128) == full: True | gradients too: True" in (
        done.stdout
    )
    assert "vocabulary-parallel (4 shards) == full: True" in done.stdout
    assert "logits 15.26 GiB (16.4 GB)" in done.stdout
