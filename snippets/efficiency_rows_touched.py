"""Efficiency 2: how many rows of the table one training batch touches.

A sparse gradient is small only if a batch looks up few of the V rows. Model the
token stream with Zipf's law, the k-th most frequent token drawn with
probability proportional to 1 / k^s. A batch of N tokens then touches each row k
with probability 1 - (1 - p_k)^N, so the expected share of rows it touches is
the mean of that over the vocabulary: exact, no sampling needed. Here for
Kimi-K2's vocabulary, from one device's micro-batch up to the 67M tokens of
one Kimi-K2 training step (tech report, arXiv 2507.20534, section 2.5). No
single backward sees 67M tokens: each micro-batch touches a share of the rows,
and the step's gradient, reduced over all micro-batches on all ranks, touches
their union.

Run alone:  python efficiency_rows_touched.py
            (writes rows_touched.png beside it)
"""

# --8<-- [start:setup]
import os

import matplotlib.pyplot as plt
import torch

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
VOCAB, HIDDEN = 163840, 7168  # Kimi-K2's table
K2_BATCH_TOKENS = (
    67_000_000  # "67M tokens" per step, as the tech report rounds it
)
# One micro-batch on one device: four 4096-token sequences. An assumption: the
# report does not give it.
MICRO_BATCH_TOKENS = 16_384
# --8<-- [end:setup]


# --8<-- [start:model]
def zipf_probabilities(
    vocab_size: int, exponent: float = 1.0, device=DEVICE
) -> torch.Tensor:
    """p_k proportional to 1 / k^exponent for ranks k = 1 .. vocab_size, in
    float64."""
    ranks = torch.arange(1, vocab_size + 1, dtype=torch.float64, device=device)
    weights = ranks**-exponent
    return weights / weights.sum()


def expected_share_touched(probabilities: torch.Tensor, tokens: int) -> float:
    """Expected share of rows that at least one of `tokens` independent draws
    looks up."""
    # 1 - (1 - p)^N, written with log1p and expm1 so that tiny p keep their
    # precision
    return (-torch.expm1(tokens * torch.log1p(-probabilities))).mean().item()


def sampled_share_touched(
    probabilities: torch.Tensor, tokens: int, generator
) -> float:
    """The same share, counted in one sampled batch."""
    ids = torch.multinomial(
        probabilities, tokens, replacement=True, generator=generator
    )
    return ids.unique().numel() / probabilities.numel()
    # --8<-- [end:model]


if __name__ == "__main__":
    # --8<-- [start:table]
    batches = [4096, MICRO_BATCH_TOKENS, 65_536, 1_048_576, K2_BATCH_TOKENS]
    exponents = (1.0, 1.2)
    zipf = {s: zipf_probabilities(VOCAB, s) for s in exponents}
    print(f"share of Kimi-K2's {VOCAB:,} rows N tokens touch, by Zipf s:")
    print(f"{'tokens N':>18}  {'s = 1.0':>8}  {'s = 1.2':>8}")
    for tokens in batches:
        shares = [expected_share_touched(zipf[s], tokens) for s in exponents]
        print(f"{tokens:>18,}  {shares[0]:>8.2%}  {shares[1]:>8.2%}")

    generator = torch.Generator(DEVICE).manual_seed(0)
    sampled = sampled_share_touched(zipf[1.0], 65_536, generator)
    print(
        f"one sampled batch of 65,536 tokens (s = 1.0): {sampled:.2%} of rows"
    )
    # --8<-- [end:table]

    # --8<-- [start:bytes]
    # A sparse bf16 gradient stores each row it holds (D numbers) and its int64
    # index; the dense one stores every row.
    row_bytes, dense_bytes = HIDDEN * 2 + 8, VOCAB * HIDDEN * 2
    micro = expected_share_touched(zipf[1.0], MICRO_BATCH_TOKENS) * VOCAB
    print(
        f"one micro-batch of {MICRO_BATCH_TOKENS:,} tokens (s = 1.0): "
        f"{micro / VOCAB:.2%} of rows"
    )
    print(
        f"  sparse / dense gradient bytes, coalesced: "
        f"{micro * row_bytes / dense_bytes:.3f}"
    )
    print(
        f"  one row per token, as backward returns it: "
        f"{MICRO_BATCH_TOKENS * row_bytes / dense_bytes:.3f}"
    )
    # The step sums the gradients of all its micro-batches, on every rank.
    step = expected_share_touched(zipf[1.0], K2_BATCH_TOKENS) * VOCAB
    print(
        f"one step, {K2_BATCH_TOKENS / MICRO_BATCH_TOKENS:,.0f} micro-batches "
        f"reduced (s = 1.0): {step / VOCAB:.2%} of rows"
    )
    print(
        f"  summed, sparse / dense gradient bytes: "
        f"{step * row_bytes / dense_bytes:.3f}"
    )
    print(
        f"  gathered unsummed, one row per token: "
        f"{K2_BATCH_TOKENS * row_bytes / dense_bytes:,.0f}x the dense bytes"
    )
    print(
        "a recommender table of 10,000,000 ids, 65,536 lookups: at most "
        f"{65_536 / 1e7:.2%} of rows"
    )
    # --8<-- [end:bytes]

    # --8<-- [start:figure]
    plt.rcParams["font.size"] = 12  # readable on a phone
    tokens = torch.logspace(3, 8, 60).round().long().tolist()
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for s in exponents:
        ax.semilogx(
            tokens,
            [100 * expected_share_touched(zipf[s], n) for n in tokens],
            label=f"Zipf s = {s}",
        )
    marks = {MICRO_BATCH_TOKENS: "micro-batch", K2_BATCH_TOKENS: "step"}
    for n, text in marks.items():
        ax.axvline(n, color="gray", lw=0.8)
        ax.text(n * 0.8, 45, text, color="dimgray", ha="right")
    ax.set(
        xlabel="tokens N",
        ylabel="rows touched (%)",
        title="Rows touched by N tokens",
    )
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig("rows_touched.png", dpi=150)
    # --8<-- [end:figure]
