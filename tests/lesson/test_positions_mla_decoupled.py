"""Positions 5: in MLA only the decoupled rotary part carries position."""

import math

import torch

from lessonbuild.core import facts
from positions_mla_decoupled import KIMI_K2, ToyMLA, rope_on_rebuilt_keys, sinusoidal_pe


def make(device):
    torch.manual_seed(0)
    return ToyMLA().to(device).double()


def test_the_latent_is_position_free_the_rotary_key_is_not(device, on_device):
    mla = make(device)
    token = torch.randn(1, 1, 64, dtype=torch.float64, device=device).expand(1, 3, 64)
    latent, k_pe = mla.cache_entry(token, torch.tensor([0, 7, 100_000], device=device))
    on_device(latent, k_pe)
    assert torch.equal(latent[0, 0], latent[0, 1]) and torch.equal(latent[0, 0], latent[0, 2])
    assert not torch.allclose(k_pe[0, 0], k_pe[0, 1])
    torch.testing.assert_close(k_pe.norm(dim=-1), k_pe[:, :1].norm(dim=-1).expand(1, 3))


def test_shapes_of_the_walk_through(device, on_device):
    mla = make(device)
    x = torch.randn(2, 5, 64, dtype=torch.float64, device=device)
    latent, k_pe = mla.cache_entry(x, torch.arange(5, device=device))
    scores = mla.scores(x, torch.arange(5, device=device))
    on_device(latent, k_pe, scores)
    assert latent.shape == (2, 5, 16) and k_pe.shape == (2, 5, 4)
    assert scores.shape == (2, 4, 5, 5)


def test_scores_from_the_cache_equal_the_expanded_scores(device, on_device):
    mla = make(device)
    x = torch.randn(2, 6, 64, dtype=torch.float64, device=device)
    positions = torch.arange(10, 16, device=device)
    expanded, folded = mla.scores(x, positions), mla.scores_from_cache(x, positions)
    on_device(expanded, folded)
    torch.testing.assert_close(folded, expanded, rtol=0, atol=1e-10)


def test_relative_positions_survive_in_mla(device, on_device):
    mla = make(device)
    x = torch.randn(1, 4, 64, dtype=torch.float64, device=device)
    near = mla.scores(x, torch.arange(4, device=device))
    far = mla.scores(x, torch.arange(4, device=device) + 50_000)
    on_device(near, far)
    torch.testing.assert_close(far, near, rtol=0, atol=1e-8)


def test_absolute_pe_added_to_the_input_keeps_the_fold_exact(device, on_device):
    # An input-side position vector only changes h_t; the fold is linear algebra on h_t.
    mla = make(device)
    x = torch.randn(2, 6, 64, dtype=torch.float64, device=device) + sinusoidal_pe(6, 64, device)
    positions = torch.arange(6, device=device)
    expanded, folded = mla.scores(x, positions), mla.scores_from_cache(x, positions)
    on_device(expanded, folded)
    torch.testing.assert_close(folded, expanded, rtol=0, atol=1e-10)


def test_sinusoidal_pe_is_the_papers_formula(device, on_device):
    pe = sinusoidal_pe(50, 64, device)
    on_device(pe)
    for pos, dim in [(0, 0), (0, 1), (7, 12), (49, 63)]:
        angle = pos / 10000 ** ((dim - dim % 2) / 64)
        expected = math.sin(angle) if dim % 2 == 0 else math.cos(angle)
        assert abs(pe[pos, dim].item() - expected) < 1e-12


def test_rope_on_the_rebuilt_keys_needs_one_folded_query_per_key(device, on_device):
    mla = make(device)
    x = torch.randn(2, 6, 64, dtype=torch.float64, device=device)
    expanded, folded, queries = rope_on_rebuilt_keys(mla, x, torch.arange(6, device=device))
    on_device(expanded, folded, queries)
    torch.testing.assert_close(folded, expanded, rtol=0, atol=1e-10)  # exact, pair by pair
    assert queries.shape == (2, 6, 6, 4, 16)  # (B, query, key, head, latent): T x T of them
    for m in range(1, 6):  # each query needs a different folded vector for each key offset
        assert not torch.allclose(queries[:, m, 0], queries[:, m, 1])
    # With every token at one position the rotation is the identity: one folded query per
    # query serves all keys again, as in decoupled RoPE. The rotation is what multiplies them.
    _, _, queries = rope_on_rebuilt_keys(mla, x, torch.zeros(6, dtype=torch.long, device=device))
    torch.testing.assert_close(queries, queries[:, :, :1].expand_as(queries), rtol=0, atol=0)


def test_kimi_k2_sizes_match_the_facts_file():
    assert KIMI_K2 == {
        "heads": facts.value("kimi_k2", "num_attention_heads"),
        "nope_dim": facts.value("kimi_k2", "qk_nope_head_dim"),
        "rope_dim": facts.value("kimi_k2", "qk_rope_head_dim"),
        "v_dim": facts.value("kimi_k2", "v_head_dim"),
        "kv_rank": facts.value("kimi_k2", "kv_lora_rank"),
    }
