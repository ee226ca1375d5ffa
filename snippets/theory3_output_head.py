"""Theory 3: the other end of the model, an untied output head at V >= 1M.

The input table is a lookup with no arithmetic. An untied output head is a
second (V, D) matrix, used as a matmul on every token: for N tokens the
logits, hidden @ W_head^T, cost 2 * N * V * D FLOPs forward and fill an (N, V)
tensor. Two standard fixes: split the head's rows across devices, so each holds
and computes V / P columns of the logits (Megatron-LM's vocabulary-parallel
head and cross-entropy), and compute the cross-entropy a chunk of tokens at a
time, so the whole (N, V) never exists at once.

Run alone:  python theory3_output_head.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
VOCAB, HIDDEN = 163840, 7168  # Kimi-K2's untied head has the table's shape
# --8<-- [end:setup]


# --8<-- [start:cost]
def head_cost(tokens: int, vocab_size: int, hidden_size: int, logit_bytes=4):
    """Forward FLOPs of logits = hidden @ W_head^T for `tokens` tokens, and
    the bytes of those logits (fp32 by default)."""
    return (
        2 * tokens * vocab_size * hidden_size,
        tokens * vocab_size * logit_bytes,
    )
    # --8<-- [end:cost]


# --8<-- [start:chunked]
def loss_sum(hidden, head_weight, labels):
    """Summed cross-entropy of one chunk of tokens."""
    return F.cross_entropy(hidden @ head_weight.T, labels, reduction="sum")


def chunked_cross_entropy(hidden, head_weight, labels, chunk: int):
    """Mean cross-entropy, `chunk` tokens at a time. checkpoint() keeps no
    chunk's logits for backward: it computes them again there, one chunk at a
    time, so at most (chunk, V) logits exist at once."""
    total = hidden.new_zeros(())
    for start in range(0, hidden.shape[0], chunk):
        rows = slice(start, start + chunk)
        total = total + checkpoint(
            loss_sum,
            hidden[rows],
            head_weight,
            labels[rows],
            use_reentrant=False,
        )
    return total / hidden.shape[0]
    # --8<-- [end:chunked]


# --8<-- [start:vocab-parallel]
def vocab_parallel_cross_entropy(hidden, head_shards, labels):
    """Mean cross-entropy with the head's rows split into shards, one per
    device (here all in one process). Each device makes only its own (N, V/P)
    logits; they then combine N numbers each: the largest logit (an all-reduce
    MAX), the sum of exponentials and the label's logit (all-reduce SUMs)."""
    logits, start = [], 0
    label_logit = hidden.new_zeros(labels.shape)
    for shard in head_shards:  # each iteration: what one device computes
        local = hidden @ shard.T
        mine = (labels >= start) & (labels < start + shard.shape[0])
        picked = local.gather(
            1, (labels - start).clamp(0, shard.shape[0] - 1)[:, None]
        )
        label_logit = label_logit + picked[:, 0].masked_fill(~mine, 0)
        logits.append(local)
        start += shard.shape[0]
    largest = torch.stack([local.amax(-1) for local in logits]).amax(0)
    sum_exp = sum((local - largest[:, None]).exp().sum(-1) for local in logits)
    return (largest + sum_exp.log() - label_logit).mean()
    # --8<-- [end:vocab-parallel]


if __name__ == "__main__":
    # --8<-- [start:numbers]
    tokens, GiB = 4096, 2**30
    print(f"untied head, N = {tokens:,} tokens, D = {HIDDEN:,}, fp32 logits:")
    for vocab_size in (VOCAB, 1_000_000):
        flops, logit_bytes = head_cost(tokens, vocab_size, HIDDEN)
        print(
            f"  V = {vocab_size:>9,}: {flops / 1e12:6.2f} TFLOP forward, "
            f"logits {logit_bytes / GiB:5.2f} GiB ({logit_bytes / 1e9:.1f} GB)"
        )
    print(
        f"  V = 1,000,000, forward + backward (the backward is 2x): "
        f"{3 * flops / 1e12:.2f} TFLOP"
    )
    print(
        f"the input lookup of the same tokens: 0 FLOPs, "
        f"{tokens * HIDDEN * 2 / GiB:.3f} GiB of bf16 rows"
    )
    devices, chunk = 8, 256
    print(
        f"V = 1,000,000 over {devices} devices: logits "
        f"{logit_bytes / devices / GiB:.2f} GiB each"
    )
    print(
        f"V = 1,000,000, chunks of {chunk} tokens: logits "
        f"{logit_bytes * chunk / tokens / GiB:.2f} GiB at a time"
    )
    # --8<-- [end:numbers]

    # --8<-- [start:check]
    torch.manual_seed(0)
    n, v, d = 512, 1000, 64  # small sizes, same code
    hidden = torch.randn(n, d, dtype=torch.float64, device=DEVICE)
    head = torch.randn(v, d, dtype=torch.float64, device=DEVICE)
    labels = torch.randint(0, v, (n,), device=DEVICE)
    full = F.cross_entropy(hidden @ head.T, labels)
    print(f"small check, N = {n}, V = {v}, D = {d}:")
    h, w = hidden.clone().requires_grad_(), head.clone().requires_grad_()
    chunked = chunked_cross_entropy(h, w, labels, chunk=128)
    grads = torch.autograd.grad(chunked, (h, w))
    h2, w2 = hidden.clone().requires_grad_(), head.clone().requires_grad_()
    full_grads = torch.autograd.grad(
        F.cross_entropy(h2 @ w2.T, labels), (h2, w2)
    )
    print(
        "  chunked cross-entropy (chunks of 128) == full:",
        torch.allclose(chunked, full),
        "| gradients too:",
        all(map(torch.allclose, grads, full_grads)),
    )
    shards = head.chunk(4)  # rows 0-249 on device 0, 250-499 on device 1, ...
    print(
        "  vocabulary-parallel (4 shards) == full:",
        torch.allclose(
            vocab_parallel_cross_entropy(hidden, shards, labels), full
        ),
    )
    # --8<-- [end:check]
