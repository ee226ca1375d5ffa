"""The pages, as written: every code block comes from a snippet, every output from a capture.

These read docs/*.md and need no build. tests/site/ checks the built site.
"""

import re
from pathlib import Path

import pytest

from lessonbuild.core import registry
from lessonbuild.core.includes import PYTHON, fences

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "docs" / page for page in registry.pages()]
INCLUDE = re.compile(r'^--8<-- "(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"$')
# Blocks that are not python: each one listed here on purpose, by page, language, first line.
ALLOWED_OTHER_BLOCKS = {
    ("index.md", "text", "token ids (B, T)"),
    ("tasks.md", "console", "python check.py task1 my_task1.py"),
    ("assignment.md", "console", "cp task3_manual_gather.py my_task3.py"),
}


def all_fences():
    return [(page.name, info, body) for page in PAGES for info, body in fences(page)]


def test_pages_have_code():
    assert sum(1 for _, info, _ in all_fences() if PYTHON.match(info)) >= 10


@pytest.mark.parametrize(
    "page, info, body", all_fences(), ids=lambda value: value if isinstance(value, str) else None
)
def test_every_python_block_is_included_from_snippets(page, info, body):
    if not PYTHON.match(info):
        first_line = next((line for line in body if line.strip()), "")
        if info == "text" and all(line.startswith('--8<-- "docs/outputs/') for line in body):
            return  # a captured output, included

        assert any(
            page == p and info == i and first_line.startswith(start)
            for p, i, start in ALLOWED_OTHER_BLOCKS
        ), f"{page}: a ```{info} block that is not on the allow-list in {__file__}"
        return
    code = [line for line in body if line.strip()]
    assert code, f"{page}: empty python block"
    for line in code:
        match = INCLUDE.match(line.strip())
        # kit/starters/ holds the snippets with their solutions left out (`... starters`)
        assert match and match["path"].startswith(("snippets/", "kit/starters/")), (
            f"{page}: python block holds code written on the page, not an include: {line!r}"
        )


def included_sections():
    for page in PAGES:
        for match in re.finditer(r'--8<-- "([^"]+)"', page.read_text()):
            yield page.name, match[1]


@pytest.mark.parametrize("page, target", list(included_sections()), ids=str)
def test_every_include_resolves(page, target):
    path, _, section = target.partition(":")
    text = (ROOT / path).read_text()
    # A section line is a comment: `# ...` in Python, `<!-- ... -->` in Markdown (README.md).
    start, end = ("<!-- ", " -->") if path.endswith(".md") else ("# ", "")
    if section:
        assert f"{start}--8<-- [start:{section}]{end}" in text, f"{page}: no {section!r} in {path}"
        assert f"{start}--8<-- [end:{section}]{end}" in text, f"{page}: {section!r} never ends"


def test_quiz_answers_are_closed_boxes_that_link_to_their_proof():
    quiz = (ROOT / "docs" / "quiz.md").read_text()
    answers = re.findall(r'^\?\?\?(\+?) question "([^"]+)"\n((?:    .*\n|\n)+)', quiz, re.M)
    assert len(answers) >= 12  # tests/lesson/test_quiz.py checks each box in full
    for number, (opened, title, body) in enumerate(answers, start=1):
        assert title == f"Answer to question {number}", f"box {number} is named {title!r}"
        assert opened == "", "an answer box is open by default (???+)"
        assert re.search(r"\]\((theory|tasks|advanced|positions|efficiency)\.md#", body)


SOURCE_LINK = re.compile(r"https://(?:github\.com|huggingface\.co)/[^\s)\]\"']+")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_source_link_is_pinned_to_a_commit(page):
    # A link to a branch moves, or dies when a file moves; a commit does not.
    for url in SOURCE_LINK.findall(page.read_text()):
        if re.match(r"https://github\.com/[^/]+/[^/]+/(issues|pull)/\d+$", url):
            continue  # a discussion, not a source
        assert re.search(r"/(blob|tree|resolve)/[0-9a-f]{40}/", url), f"{page.name}: {url}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_numbers_quoted_from_captures_resolve(page):
    from lessonbuild.core import captured

    for name, label in captured.REFERENCE.findall(page.read_text()):
        assert captured.value(name, label)  # exactly one match in the capture, or it raises


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_speak_about_the_model_not_about_how_it_was_built(page):
    words = re.compile(r"\b(issue|issues|CI|ticket|the team|our process|target)\b", re.I)
    text = re.sub(r"https?://\S+", "", page.read_text())  # URLs may say anything
    assert not words.findall(text), f"{page.name}: {words.findall(text)}"


# The page for instructors and authors may name the machinery; the student's pages do not.
STUDENT_PAGES = [page for page in PAGES if page.name != "about.md"]
MACHINERY = re.compile(r"\btest_\w+|\bnox\b|task sheet|CompositeExplicitAutograd", re.I)


@pytest.mark.parametrize("page", STUDENT_PAGES, ids=lambda p: p.name)
def test_student_pages_name_no_test_function_tool_session_or_unseen_document(page):
    text = re.sub(r"<!--.*?-->", "", page.read_text(), flags=re.DOTALL)  # the source may
    assert not MACHINERY.findall(text), f"{page.name}: {MACHINERY.findall(text)}"


@pytest.mark.parametrize(
    "capture", sorted((ROOT / "docs" / "outputs").glob("*/*.txt")), ids=lambda p: p.name
)
def test_captured_output_fits_the_sites_code_box(capture):
    # A code box shows 87 characters at a 1280-pixel window; the snippets and starters are
    # held to 80 by ruff (snippets/ruff.toml), and what they print is held to the same.
    long = [line for line in capture.read_text().splitlines() if len(line) > 80]
    assert not long, f"{capture.relative_to(ROOT)}: {len(long)} lines over 80: {long[:2]}"
