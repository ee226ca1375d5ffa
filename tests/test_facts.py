"""facts.yml: every fact has a source, every page reference resolves, and no page writes a
Kimi-K2 number by hand instead of referencing the file."""

import re
from pathlib import Path

import pytest

import facts

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md"))
# Numbers that only Kimi-K2 facts use on the pages (4096, 64, 128 ... are the lesson's too).
POLICED = {"163840", "7168", "50000", "1536", "160K", "128K", "67M", "400B", "60B"}


def prose(page: Path) -> str:
    """The page without fenced code and inline code."""
    text = re.sub(r"^(\s*)```.*?^\1```", "", page.read_text(), flags=re.M | re.S)
    return re.sub(r"`[^`]*`", "", text)


def test_every_fact_has_a_value_and_a_pinned_source():
    data = facts.load()
    for name, entry in data["kimi_k2"].items():
        assert {"value", "source"} <= entry.keys(), name
        source = data["sources"][entry["source"]]
        assert re.match(r"https://github\.com/.+/blob/[0-9a-f]{40}/", source["url"]), (
            f"{name}: cite a commit, not a moving branch"
        )


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
