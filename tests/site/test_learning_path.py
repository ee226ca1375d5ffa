"""The built site as a lesson: a short core a student reads first, answers behind closed boxes,
outputs only for devices that ran them, terms defined, and a notebook that shows its figures."""

import base64
import html
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from lessonbuild.core import png
from lessonbuild.core.paths import OUTPUTS
from lessonbuild.pages import glossary

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
FIGURES = ROOT / "docs" / "assets" / "figures"
CORE = ["index", "theory", "tasks", "quiz", "advanced", "assignment"]  # the nav's core path
MAX_CORE_WORDS = 2500  # visible on load, in all the core pages together
JARGON = ["coalesced loads", "kernel launch", "memory-bound", "head", "causal mask", "KV cache"]
JARGON += ["MLA", "RoPE", "YaRN", "device-side assert", "mean pooling"]


def built(name: str) -> BeautifulSoup:
    path = SITE / ("index.html" if name == "index" else f"{name}/index.html")
    return BeautifulSoup(path.read_text(), "html.parser")


def visible_prose(name: str) -> str:
    """The words a reader sees on load: no code, no output, no math, nothing in a closed box
    but its title."""
    article = built(name).select_one("article")
    for closed in article.select("details:not([open])"):
        for child in list(closed.children):
            if getattr(child, "name", None) != "summary":
                child.extract()
    for hidden in article.select("div.highlight, pre, .katex, .headerlink, script, style"):
        hidden.decompose()
    return article.get_text(" ")


def test_the_core_pages_show_at_most_2500_words_of_prose_on_load():
    counts = {name: len(visible_prose(name).split()) for name in CORE}
    print("visible words on load:", counts, "total", sum(counts.values()))
    assert sum(counts.values()) <= MAX_CORE_WORDS, (
        f"the core pages show {sum(counts.values())} words on load: {counts}. Move detail "
        "into closed boxes or the deep dives"
    )


@pytest.mark.parametrize("name", ["theory", "tasks"])
def test_every_question_and_task_has_its_worked_answer_in_a_closed_box(name):
    page = built(name)
    sections = page.select("article h2")
    assert len(sections) == 4, f"{name} has {len(sections)} sections, not 4"
    for heading in sections:
        boxes = []
        for sibling in heading.find_next_siblings():
            if sibling.name == "h2":
                break
            boxes += [sibling] if sibling.name == "details" else sibling.select("details")
        worked = [box for box in boxes if "Worked" in box.summary.get_text()]
        assert worked, f"{name}: {heading.get_text()!r} has no worked answer box"
        assert all(not box.has_attr("open") for box in boxes), f"{heading.get_text()}: open box"


def test_outputs_show_a_cuda_tab_only_where_a_cuda_run_was_captured():
    for page in SITE.glob("**/index.html"):
        text = page.read_text()
        assert "Not captured yet" not in text, page
        for name in set(re.findall(r'"Output on CUDA"', text)):
            pytest.fail(f"{page}: a CUDA tab, but docs/outputs/cuda holds {name}")
    if not (OUTPUTS / "cuda").exists():
        assert "Output (CPU)" in (SITE / "tasks" / "index.html").read_text()


def test_the_about_page_names_the_outputs_still_to_capture_and_the_command():
    about = built("about").select_one("article").get_text(" ")
    pending = [p.stem for p in (OUTPUTS / "cpu").glob("*.txt") if p.stem != "captured-with"]
    pending = [name for name in pending if not (OUTPUTS / "cuda" / f"{name}.txt").exists()]
    for name in pending:
        assert name in about, f"About does not list {name} as waiting for a GPU run"
    assert "python3 -m lessonbuild gpu" in about


def test_every_glossary_term_is_defined_where_it_is_used():
    terms = glossary.entries()
    for word in JARGON:
        assert word in terms, f"{word!r} is used on the core path but not in the glossary"
    shown = set()
    for page in SITE.glob("**/index.html"):
        for abbr in BeautifulSoup(page.read_text(), "html.parser").select("article abbr"):
            assert abbr["title"] in terms.values(), abbr
            assert abbr.get("tabindex") == "0", f"{page}: {abbr} cannot take the focus"
            shown.add(" ".join(abbr.get_text().lower().split()))
    unused = [t for t in terms if t.lower() not in shown and t.lower() + "s" not in shown]
    assert not unused, f"glossary terms no page uses: {unused}"


def test_home_shows_reading_times_and_every_placeholder_is_rendered():
    for page in SITE.glob("**/index.html"):
        text = page.read_text()
        for placeholder in ("{reading:", "{fact:", "{output:", "<!-- pending-outputs -->"):
            assert placeholder not in text, f"{page}: {placeholder} left unrendered"
    path = built("index").select_one("h2#your-path").find_next("ol").get_text(" ")
    steps = re.findall(r"Read (\d+) min, do (\d+) min", " ".join(path.split()))
    assert len(steps) == 5 and all(int(r) > 0 and int(d) > 0 for r, d in steps), steps
    home = " ".join(built("index").select_one("article").get_text(" ").split())
    reading, doing = map(
        int, re.search(r"about (\d+) minutes of reading and (\d+) of", home).groups()
    )
    assert reading == sum(int(r) for r, _ in steps), "the total reading time is not the sum"
    assert doing == sum(int(d) for _, d in steps), "the total doing time is not the sum"


def figure_names() -> list[str]:
    return sorted(path.name for path in FIGURES.glob("*.png"))


def test_the_notebook_page_shows_every_figure():
    shown = {Path(img["src"]).name for img in built("lesson").select("article img")}
    assert set(figure_names()) <= shown, f"missing: {set(figure_names()) - shown}"


def test_the_downloaded_notebook_carries_every_figure_inside_it():
    book = json.loads((SITE / "downloads" / "lesson-2.1.2-embeddings-forward.ipynb").read_text())
    carried = {}
    for cell in book["cells"]:
        for name, data in cell.get("attachments", {}).items():
            carried[name] = base64.b64decode(data["image/png"])
            assert f"attachment:{name}" in "".join(cell["source"])
    assert set(carried) == set(figure_names())
    for name, picture in carried.items():
        assert png.size(picture) == png.size((FIGURES / name).read_bytes()), name


def test_the_notebook_contents_keep_the_code_in_headings():
    nav = built("lesson").select_one("nav.md-nav--secondary")
    entries = [link.get_text(" ", strip=True) for link in nav.select("a.md-nav__link")]
    assert "Task 2: input_ids or inputs_embeds" in entries, entries[:12]


@pytest.mark.parametrize("page", sorted((ROOT / "docs").glob("*.md")), ids=lambda p: p.name)
def test_the_page_tests_run_every_python_block_those_in_boxes_included(page):
    from pytest_markdown_docs.plugin import FenceSyntax, extract_fence_tests

    from lessonbuild.core.includes import PYTHON, fences, markdown_it_parser

    written = [info for info, _ in fences(page) if PYTHON.match(info) and "notest" not in info]
    run = list(
        extract_fence_tests(
            markdown_it_parser(),
            page.read_text(),
            0,
            page,
            fence_syntax=FenceSyntax.superfences,
        )
    )
    assert len(run) == len(written), f"{page.name}: {len(written)} python blocks, {len(run)} run"


def test_search_does_not_show_what_the_closed_answer_boxes_hide():
    """A line of code that only a closed answer box shows is not in the search index."""
    index = json.loads((SITE / "search" / "search_index.json").read_text())
    indexed = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", d["text"])) for d in index["docs"])
    indexed = " ".join(indexed.split())
    visible, boxed = [], set()
    for path in SITE.glob("**/index.html"):
        if path.parent.name == "lesson":
            continue  # the notebook page: kept out of search whole
        article = BeautifulSoup(path.read_text(), "html.parser").select_one("article")
        for box in article.select("details.success, details.question"):
            for pre in box.select("pre"):
                boxed |= {" ".join(line.split()) for line in pre.get_text().splitlines()}
            box.decompose()
        for pre in article.select("pre"):  # code as written, not split at its spans
            visible += [" ".join(line.split()) for line in pre.get_text().splitlines()]
        visible.append(" ".join(article.get_text(" ").split()))
    visible = " ".join(visible)
    hidden = [line for line in boxed if len(line) >= 25 and line not in visible]
    assert len(hidden) >= 20, "too few lines to tell"
    leaked = [line for line in hidden if line in indexed]
    assert not leaked, f"search shows {len(leaked)} lines of closed answers: {leaked[:3]}"
