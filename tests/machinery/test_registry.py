"""The registry (lessonbuild/core/registry.py) against the tree: every piece every snippet
needs, each missing one reported at once, so that adding a snippet is one run of this test
away from done. The checker's known wrong answers and its hints are checked in full in
test_checker.py."""

import importlib.util
import re
import sys
from pathlib import Path

import check
from lessonbuild.core import paths, registry
from lessonbuild.core.captured import OUTPUT_MARKER
from lessonbuild.core.includes import fences
from lessonbuild.core.paths import ROOT
from lessonbuild.kit import starters

WRONG_ANSWERS = ROOT / "tests" / "machinery" / "wrong_answers"
ASSIGNMENT_TASK = re.compile(r"^ *### (.+)$", re.MULTILINE)


def where(path: Path) -> str:
    return str(path.relative_to(ROOT))


def lesson_test_module(name: str):
    """A test module of tests/lesson/ by its file name, imported once."""
    stem = Path(name).stem
    if stem not in sys.modules:
        spec = importlib.util.spec_from_file_location(stem, paths.LESSON_TESTS / name)
        sys.modules[stem] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[stem])
    return sys.modules[stem]


def checks_without_a_hint(task: str) -> list[str]:
    """The checks of a task (its tests not marked `lesson`) that carry no hint marker."""
    bare = []
    for name in check.TASKS[task].tests:
        for test, function in vars(lesson_test_module(name)).items():
            marks = {mark.name for mark in getattr(function, "pytestmark", [])}
            if test.startswith("test_") and "lesson" not in marks and "hint" not in marks:
                bare.append(test)
    return bare


def task_label(task: str) -> str:
    """The Assignment page's name for a task: "task3" -> "Task 3", "advanced" -> "Advanced"."""
    word, number = re.fullmatch(r"(\D+)(\d*)", task).groups()
    return f"{word.capitalize()} {number}".strip()


def page_pieces(name: str, snippet: registry.Snippet) -> list[str]:
    """What its page lacks: its include, its output, its figures, a notest fence if needed."""
    if snippet.page not in registry.pages():
        return [f"its page {snippet.page} is not in mkdocs.yml's nav"]
    page = ROOT / "docs" / snippet.page
    text, missing = page.read_text(), []
    if f'--8<-- "snippets/{name}.py' not in text:
        missing.append(f"{where(page)} includes none of it")
    if name not in {marker["name"] for marker in OUTPUT_MARKER.finditer(text)}:
        missing.append(f"{where(page)} has no <!-- output: {name} -->")
    for figure in snippet.figures:
        if f"assets/figures/{figure}" not in text:
            missing.append(f"{where(page)} does not show {figure}")
    shown_not_run = any(
        "notest" in info and f"snippets/{name}.py" in "\n".join(body) for info, body in fences(page)
    )
    if shown_not_run != (registry.TWO_PROCESSES in snippet.needs):
        missing.append(
            f"a {{.python notest}} block on {snippet.page} if and only if it needs "
            f"{registry.TWO_PROCESSES}"
        )
    return missing


def task_pieces(name: str, task: str) -> list[str]:
    """What a kit task lacks: its starter, its Assignment section, hints, a wrong answer."""
    missing = []
    if not (paths.STARTERS / f"{name}.py").exists():
        missing.append(f"no starter in kit/starters/: run {starters.REGENERATE}")
    if f"test_{name}.py" not in check.TASKS[task].tests:
        missing.append(f"check.TASKS[{task!r}] does not run test_{name}.py")
    sections = ASSIGNMENT_TASK.findall((ROOT / "docs" / "assignment.md").read_text())
    index = list(check.TASKS).index(task)
    if index >= len(sections) or not sections[index].startswith(task_label(task) + ":"):
        missing.append(f"docs/assignment.md has no section {index + 1}, '### {task_label(task)}:'")
    if bare := checks_without_a_hint(task):
        missing.append(f"checks without @pytest.mark.hint: {bare}")
    if not list(WRONG_ANSWERS.glob(f"{task}_*.py")):
        missing.append(f"no known wrong answer in {where(WRONG_ANSWERS)}/{task}_*.py")
    return missing


def missing_pieces(name: str, snippet: registry.Snippet) -> list[str]:
    path = paths.SNIPPET_DIR / f"{name}.py"
    if not path.exists():
        return [f"no file {where(path)}"]
    missing = []
    if not registry.tests_of(name).exists():
        missing.append(f"no test module {where(registry.tests_of(name))}")
    missing += page_pieces(name, snippet)
    if not (paths.OUTPUTS / "cpu" / f"{name}.txt").exists():
        missing.append("no captured output in docs/outputs/cpu/: run nox -s outputs")
    for figure in snippet.figures:
        if not (paths.FIGURES / figure).exists():
            missing.append(f"no {figure} in docs/assets/figures/: run nox -s outputs")
    task = starters.kit_task(name)
    if starters.has_solution_region(path) != bool(task):
        missing.append("a solution region if and only if it is a task of check.TASKS")
    if task:
        missing += task_pieces(name, task)
    return missing


def test_every_snippet_has_every_piece_it_needs():
    files = {path.stem for path in paths.SNIPPET_DIR.glob("*.py")}
    problems = {
        name: pieces
        for name, snippet in registry.SNIPPETS.items()
        if (pieces := missing_pieces(name, snippet))
    }
    problems |= {
        name: ["not in lessonbuild/core/registry.py's SNIPPETS"]
        for name in files - set(registry.SNIPPETS)
    }
    modules = {task.module for task in check.TASKS.values()}
    problems |= {
        module: ["a task of check.TASKS, not a snippet of the registry"]
        for module in modules - set(registry.SNIPPETS)
    }
    assert not problems, "missing pieces:\n" + "\n".join(
        f"  {name}: {piece}" for name, pieces in sorted(problems.items()) for piece in pieces
    )


def test_the_pages_are_the_navs_and_the_notebook_is_made_of_those_that_teach():
    on_disk = {path.name for path in (ROOT / "docs").glob("*.md")}
    assert set(registry.pages()) == on_disk, "a page that is not in mkdocs.yml's nav, or gone"
    assert "lesson.ipynb" in registry.nav().values()
    assert registry.lesson_pages() == [
        "theory.md",
        "tasks.md",
        "advanced.md",
        "positions.md",
        "efficiency.md",
    ]
    assert registry.built_page("index.md") == "index.html"
    assert registry.built_page("lesson.ipynb") == "lesson/index.html"
