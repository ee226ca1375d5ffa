"""Positions 5: where RoPE lives in MLA. A shape walk-through on toy sizes.

Multi-head Latent Attention (introduced in DeepSeek-V2, arXiv 2405.04434,
section 2.1; used by DeepSeek-V3 and Kimi-K2) caches one small latent per
token instead of every head's keys and values. RoPE is "decoupled" (section
2.1.3): it rotates only a small extra part of each query and one small key
shared by all heads; the latent is never rotated, and the matrix that expands
it into keys can be folded into the query.

What that does and does not explain: with ordinary RoPE on the rebuilt keys,
the fold would cost one folded query per key, as much work as rebuilding the
keys, so decoding would either recompute the prefix's keys or cache them
expanded and give up the small cache; an absolute position vector added to the
input would change nothing about it.

Run alone:  python positions_mla_decoupled.py
            (LESSON_DEVICE=cuda runs it on a GPU)
"""

# --8<-- [start:setup]
import os

import torch
import torch.nn as nn

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# Kimi-K2's MLA sizes (July 2025 checkpoints, as NVIDIA's Megatron-Bridge
# re-implements them in its KimiK2Provider), for the cache arithmetic below.
KIMI_K2 = dict(heads=64, nope_dim=128, rope_dim=64, v_dim=128, kv_rank=512)
# --8<-- [end:setup]


# --8<-- [start:rope]
def apply_rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0):
    """Rotate the pair (x[i], x[i + D/2]) of the last dim by angle position *
    base^(-2i/D)."""
    half = x.shape[-1] // 2
    inv_freq = base ** (
        -torch.arange(half, device=x.device, dtype=x.dtype) * 2 / x.shape[-1]
    )
    angles = positions.to(x.dtype).unsqueeze(-1) * inv_freq
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat(
        [
            x1 * angles.cos() - x2 * angles.sin(),
            x1 * angles.sin() + x2 * angles.cos(),
        ],
        dim=-1,
    )
    # --8<-- [end:rope]


# --8<-- [start:mla]
class ToyMLA(nn.Module):
    """The projections of MLA with decoupled RoPE (no softmax, no output
    projection)."""

    def __init__(
        self, hidden=64, heads=4, nope_dim=8, rope_dim=4, v_dim=8, kv_rank=16
    ):
        super().__init__()
        self.heads, self.nope_dim, self.rope_dim, self.v_dim = (
            heads,
            nope_dim,
            rope_dim,
            v_dim,
        )
        self.kv_rank = kv_rank
        self.q_proj = nn.Linear(
            hidden, heads * (nope_dim + rope_dim), bias=False
        )
        # what gets cached
        self.kv_down = nn.Linear(hidden, kv_rank + rope_dim, bias=False)
        self.kv_up = nn.Linear(kv_rank, heads * (nope_dim + v_dim), bias=False)

    def cache_entry(self, x, positions):
        """Per token: the latent (no position) and one rotary key shared by all
        heads."""
        latent, k_pe = self.kv_down(x).split(
            [self.kv_rank, self.rope_dim], dim=-1
        )
        return latent, apply_rope(k_pe, positions)

    def scores(self, x, positions):
        """Attention logits (B, heads, T, T), built the plain way: expand the
        latent to keys."""
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.heads, self.nope_dim + self.rope_dim)
        q_nope, q_pe = q.split([self.nope_dim, self.rope_dim], dim=-1)
        # the same angle for every head
        q_pe = apply_rope(q_pe, positions.unsqueeze(-1))
        latent, k_pe = self.cache_entry(x, positions)
        k_nope, _ = (
            self.kv_up(latent)
            .view(B, T, self.heads, -1)
            .split([self.nope_dim, self.v_dim], dim=-1)
        )
        content = torch.einsum("bthd,bshd->bhts", q_nope, k_nope)
        position = torch.einsum("bthd,bsd->bhts", q_pe, k_pe)  # one shared key
        return content + position

    def scores_from_cache(self, x, positions):
        """The same logits from the cache alone: the key up-projection folds
        into the query."""
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.heads, self.nope_dim + self.rope_dim)
        q_nope, q_pe = q.split([self.nope_dim, self.rope_dim], dim=-1)
        q_pe = apply_rope(q_pe, positions.unsqueeze(-1))
        w_uk = self.kv_up.weight.view(
            self.heads, self.nope_dim + self.v_dim, self.kv_rank
        )
        q_latent = torch.einsum(
            "bthd,hdr->bthr", q_nope, w_uk[:, : self.nope_dim]
        )
        latent, k_pe = self.cache_entry(x, positions)
        return torch.einsum("bthr,bsr->bhts", q_latent, latent) + torch.einsum(
            "bthd,bsd->bhts", q_pe, k_pe
        )

    # --8<-- [end:mla]


# --8<-- [start:scope]
def sinusoidal_pe(length: int, dim: int, device=DEVICE) -> torch.Tensor:
    """Vaswani et al.'s (length, dim) table, to add to the input: position
    enters h_t."""
    position = torch.arange(
        length, dtype=torch.float64, device=device
    ).unsqueeze(1)
    inv_freq = 10000.0 ** (
        -torch.arange(0, dim, 2, dtype=torch.float64, device=device) / dim
    )
    return torch.stack(
        [torch.sin(position * inv_freq), torch.cos(position * inv_freq)], -1
    ).flatten(-2)


def rope_on_rebuilt_keys(mla: ToyMLA, x, positions):
    """Ordinary RoPE instead of decoupled: rotate the content query and the
    rebuilt keys.

    Returns the expanded scores, the same scores from the cache with W_UK folded
    into the query, and those folded queries:
        (R_m q)^T (R_n W_UK c_n) = (W_UK^T R_(m-n) q)^T c_n,
    so there is one folded query per (query, key) pair, not one per query.
    """
    B, T, _ = x.shape
    q_nope, _ = (
        mla.q_proj(x)
        .view(B, T, mla.heads, -1)
        .split([mla.nope_dim, mla.rope_dim], -1)
    )
    latent, _ = mla.cache_entry(x, positions)
    k_nope, _ = (
        mla.kv_up(latent)
        .view(B, T, mla.heads, -1)
        .split([mla.nope_dim, mla.v_dim], -1)
    )
    q_rot = apply_rope(q_nope, positions.unsqueeze(-1))  # R_m q
    k_rot = apply_rope(k_nope, positions.unsqueeze(-1))  # R_n W_UK c_n
    expanded = torch.einsum("bthd,bshd->bhts", q_rot, k_rot)

    # (T, T, 1): m - n
    offsets = (positions[:, None] - positions[None, :]).unsqueeze(-1)
    pairwise = apply_rope(
        q_nope.unsqueeze(2).expand(B, T, T, mla.heads, -1), offsets
    )
    w_uk = mla.kv_up.weight.view(
        mla.heads, mla.nope_dim + mla.v_dim, mla.kv_rank
    )
    folded_queries = torch.einsum(
        "btshd,hdr->btshr", pairwise, w_uk[:, : mla.nope_dim]
    )
    folded = torch.einsum("btshr,bsr->bhts", folded_queries, latent)
    return expanded, folded, folded_queries
    # --8<-- [end:scope]


if __name__ == "__main__":
    # --8<-- [start:walk]
    torch.manual_seed(0)
    mla = ToyMLA().to(DEVICE).double()
    # (B, T, hidden)
    x = torch.randn(1, 5, 64, dtype=torch.float64, device=DEVICE)
    positions = torch.arange(5, device=DEVICE)

    latent, k_pe = mla.cache_entry(x, positions)
    print(
        "cached per token: latent",
        tuple(latent.shape[2:]),
        "+ rotary key",
        tuple(k_pe.shape[2:]),
        "=",
        latent.shape[-1] + k_pe.shape[-1],
        "numbers",
    )
    full = mla.heads * (mla.nope_dim + mla.rope_dim + mla.v_dim)
    print("expanded keys and values would be", full, "numbers per token")

    same_token = x[:, :1].expand(1, 2, 64)  # one token, at positions 0 and 1000
    latent2, k_pe2 = mla.cache_entry(
        same_token, torch.tensor([0, 1000], device=DEVICE)
    )
    print(
        "one token at positions 0 and 1000, same latent:",
        torch.equal(latent2[0, 0], latent2[0, 1]),
        " rotary key differs:",
        not torch.allclose(k_pe2[0, 0], k_pe2[0, 1]),
    )
    print(
        "scores from the cache equal the expanded ones:",
        torch.allclose(
            mla.scores(x, positions), mla.scores_from_cache(x, positions)
        ),
    )
    # --8<-- [end:walk]

    # --8<-- [start:inputs-vs-keys]
    # absolute PE added to the input, as in Vaswani et al.
    x_pe = x + sinusoidal_pe(5, 64)
    print(
        "absolute PE at the input, cache scores equal the expanded ones:",
        torch.allclose(
            mla.scores(x_pe, positions), mla.scores_from_cache(x_pe, positions)
        ),
    )
    expanded, folded, folded_queries = rope_on_rebuilt_keys(mla, x, positions)
    print(
        "ordinary RoPE on the rebuilt keys, folded equal expanded:",
        torch.allclose(folded, expanded),
    )
    # the folded query of query 4, for key 0 and for key 1
    same = torch.allclose(folded_queries[0, 4, 0], folded_queries[0, 4, 1])
    print("  one folded query serves keys 0 and 1 of query 4:", same)
    # --8<-- [end:inputs-vs-keys]

    # --8<-- [start:kimi]
    heads, nope, rope, v, rank = (
        KIMI_K2[k]
        for k in ("heads", "nope_dim", "rope_dim", "v_dim", "kv_rank")
    )
    qk = nope + rope
    print(f"Kimi-K2 query/key dims per head: {qk}, of which rotary: {rope}")
    print(
        f"rotary key: one {rope}-dim vector per token, shared by {heads} heads"
    )
    latent_cache, expanded_cache = rank + rope, heads * (nope + rope + v)
    print(f"per token and layer, MLA-aware inference caches: {latent_cache}")
    print(f"per token and layer, expanded keys and values: {expanded_cache:,}")
    print(f"ratio: {expanded_cache / latent_cache:.1f}x")
    # --8<-- [end:kimi]
