"""facts.yml: every fact has a source, every page reference resolves, and no page writes a
Kimi-K2 number by hand instead of referencing the file."""

import re
from pathlib import Path

import pytest

from lessonbuild.core import facts, registry

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "docs" / page for page in registry.pages()]
# Numbers that only Kimi-K2 facts use on the pages (4096, 64, 128 ... are the lesson's too).
POLICED = {"163840", "7168", "50000", "1536", "160K", "128K", "67M", "400B", "60B"}


def prose(page: Path) -> str:
    """The page without fenced code and inline code."""
    text = re.sub(r"^(\s*)```.*?^\1```", "", page.read_text(), flags=re.M | re.S)
    return re.sub(r"`[^`]*`", "", text)


def test_every_fact_has_a_value_and_a_pinned_source():
    data = facts.load()
    assert {"kimi_k2", "deepseek_v3"} <= facts.groups().keys()
    for group, entries in facts.groups().items():
        for name, entry in entries.items():
            assert {"value", "source"} <= entry.keys(), f"{group}.{name}"
            source = data["sources"][entry["source"]]
            assert re.match(r"https://github\.com/.+/blob/[0-9a-f]{40}/", source["url"]), (
                f"{group}.{name}: cite a commit, not a moving branch"
            )


def test_sources_that_are_not_the_models_own_say_so():
    # facts.yml's rule: a copy, a dump or a re-implementation is flagged, in the link's title
    # (shown with every value) and on the pages that explain where the numbers come from.
    flagged = {"third_party": "third-party", "second_hand": "second-hand"}
    sources = facts.load()["sources"]
    assert sources["k2-provider"].get("third_party"), "Megatron-Bridge is NVIDIA's, not Moonshot's"
    for name, source in sources.items():
        for key, words in flagged.items():
            if source.get(key):
                assert words in source["title"], f"{name}: its title must say {words}"


@pytest.mark.parametrize("page", ["positions.md", "efficiency.md"])
def test_the_deep_dives_say_which_numbers_are_not_from_the_model_itself(page):
    text = (ROOT / "docs" / page).read_text()
    data = facts.load()
    for group, name in facts.REFERENCE.findall(text):
        source = data["sources"][data[group][name]["source"]]
        if source.get("third_party"):
            assert "Megatron-Bridge" in text and "third-party" in text, f"{page}: {name}"
        if source.get("second_hand"):
            assert "second-hand" in text, f"{page}: {name}"


def test_a_name_the_source_gets_wrong_is_quoted_with_sic():
    # The deploy guidance says DeepSeekV3CausalLM; no such class exists (transformers'
    # modeling_deepseek_v3.py exports DeepseekV3ForCausalLM). Quoted as written, marked.
    entry = facts.load()["kimi_k2"]["architecture"]
    assert entry["value"] == "DeepSeekV3CausalLM" and entry["sic"] == "DeepseekV3ForCausalLM"
    rendered = facts.render("the {fact:kimi_k2.architecture} architecture")
    assert rendered.endswith(") [sic] architecture")
    assert "DeepseekV3ForCausalLM" in rendered  # the link's title names the real class
    assert facts.render("{fact:kimi_k2.architecture}", link=False) == "DeepSeekV3CausalLM [sic]"
    assert "[sic]" not in facts.render("{fact:kimi_k2.hidden_size}")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_references_resolve(page):
    for group, name in facts.REFERENCE.findall(page.read_text()):
        assert name in facts.load()[group], f"{page.name} cites {group}.{name}, not in facts.yml"
    facts.render(page.read_text())  # raises on any unknown fact


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_kimi_k2_number_is_written_by_hand(page):
    for number in POLICED:
        hits = re.findall(rf"(?<![\w.{{]){re.escape(number)}(?![\w}}])", prose(page))
        assert not hits, f"{page.name} writes {number} by hand: use {{fact:kimi_k2.NAME}}"


def test_the_memory_snippet_sizes_kimi_k2_from_the_facts():
    output = (ROOT / "docs" / "outputs" / "cpu" / "theory3_table_memory.txt").read_text()
    v, d = facts.value("kimi_k2", "vocab_size"), facts.value("kimi_k2", "hidden_size")
    assert f"Kimi-K2 (V={v}, D={d})" in output
    assert f"{v * d:,} params" in output


def test_rendered_facts_link_to_their_source():
    rendered = facts.render("V = {fact:kimi_k2.vocab_size}")
    assert rendered.startswith("V = [163840](https://github.com/NVIDIA-NeMo/Megatron-Bridge/")


def test_the_rows_touched_snippet_uses_kimi_k2_facts():
    import efficiency_rows_touched as snippet

    assert snippet.VOCAB == facts.value("kimi_k2", "vocab_size")
    assert snippet.HIDDEN == facts.value("kimi_k2", "hidden_size")
    assert f"{snippet.K2_BATCH_TOKENS / 1e6:.0f}M" == facts.value("kimi_k2", "global_batch_tokens")
