"""Efficiency 2: how many rows of the table one training batch touches.

A sparse gradient is small only if a batch looks up few of the V rows. Model the
token stream with Zipf's law, the k-th most frequent token drawn with
probability proportional to 1 / k^s. A batch of N tokens then touches each row k
with probability 1 - (1 - p_k)^N, so the expected share of rows it touches is
the mean of that over the vocabulary: exact, no sampling needed. Here for
Kimi-K2's vocabulary, from a 4096-token batch up to the 67M tokens of one
Kimi-K2 training step (tech report, arXiv 2507.20534, section 2.5).

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
    batches = [4096, 65_536, 1_048_576, 8_388_608, K2_BATCH_TOKENS]
    exponents = (1.0, 1.2)
    zipf = {s: zipf_probabilities(VOCAB, s) for s in exponents}
    print(f"share of Kimi-K2's {VOCAB:,} rows one batch touches, by Zipf s:")
    print(f"{'tokens per batch':>18}  {'s = 1.0':>8}  {'s = 1.2':>8}")
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
    # index.
    row_bytes, dense_bytes = HIDDEN * 2 + 8, VOCAB * HIDDEN * 2
    touched = expected_share_touched(zipf[1.0], K2_BATCH_TOKENS) * VOCAB
    print(
        f"at 67M tokens (s = 1.0), sparse / dense gradient bytes, coalesced: "
        f"{touched * row_bytes / dense_bytes:.3f}"
    )
    # As backward returns it, before coalescing, it holds one row per token,
    # repeats included.
    print(
        f"  as backward returns it, one row per token: "
        f"{K2_BATCH_TOKENS * row_bytes / dense_bytes:,.0f}x the dense bytes"
    )
    print(
        "a recommender table of 10,000,000 ids, 65,536 lookups: at most "
        f"{65_536 / 1e7:.2%} of rows"
    )
    # --8<-- [end:bytes]

    # --8<-- [start:figure]
    tokens = torch.logspace(3, 8, 60).round().long().tolist()
    fig, ax = plt.subplots(figsize=(8, 4))
    for s in exponents:
        ax.semilogx(
            tokens,
            [100 * expected_share_touched(zipf[s], n) for n in tokens],
            label=f"Zipf s = {s}",
        )
    ax.axvline(K2_BATCH_TOKENS, color="gray", lw=0.8)
    ax.text(
        K2_BATCH_TOKENS * 0.8, 5, "one Kimi-K2 step", color="gray", ha="right"
    )
    ax.set(
        xlabel="tokens per batch",
        ylabel="rows touched (% of 163,840)",
        title="At LLM batch sizes a batch touches almost every row",
    )
    ax.legend()
    fig.tight_layout()
    fig.savefig("rows_touched.png", dpi=110)
    # --8<-- [end:figure]
