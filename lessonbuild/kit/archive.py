"""The assignment kit: starters, checker, tests, written questions and a student notebook.

Built from the snippets, the tests and the pages by the site build (lessonbuild/mkdocs_hook.py),
or alone:

    python -m lessonbuild kit kit.zip

Everything inside comes from a file of the lesson, never a second copy: the starters from
snippets/ (solution regions left to do, kept in kit/starters/), the README and the answers
template from kit/, the checker and its tests as they are, the quiz questions and the quiz
grader's key from docs/quiz.md, each task's statement from docs/assignment.md. No solution
goes in: the checks of tasks 2 to 4 build their own small table, and task 1's is the student's.
"""

import argparse
import re
import zipfile
from pathlib import Path

import nbformat

from lessonbuild.core import captured
from lessonbuild.core.includes import expand
from lessonbuild.core.paths import CACHE, KIT, ROOT
from lessonbuild.kit import quiz_source, starters
from lessonbuild.kit.shipped import check
from lessonbuild.notebook import lesson

NAME = "assignment-2.1.2"
DOWNLOAD = f"downloads/{NAME}.zip"  # where the site serves it
BUILD = CACHE / "kit"
# The kit's tests/, one flat folder: {name: the file in the lesson's repository}. The helpers
# sit in tests/, the lesson's tests in tests/lesson/ (check.TESTS).
HELPERS = ["conftest.py", "expect.py", "shared_table.py"]
LESSON_TESTS = sorted({name for task in check.TASKS.values() for name in task.tests})
TEST_FILES = {name: ROOT / "tests" / name for name in HELPERS}
TEST_FILES |= {name: check.TESTS / name for name in LESSON_TESTS}
PYTEST_INI = """[pytest]
# The kit's own settings, so that no pytest configuration above this folder applies.
# Run these tests through check.py, which puts your file in place of the lesson's.
"""


def starter_files() -> dict[str, str]:
    """{file name: starter}, with every section line stripped, as students get them."""
    if drift := starters.drift():
        raise RuntimeError(f"kit/starters/ is out of date; run: {starters.REGENERATE}\n{drift}")
    return {path.name: starters.strip_sections(text) for path, text in starters.generated().items()}


def answers() -> str:
    """kit/answers.md, its quiz part filled with the questions of docs/quiz.md, each option
    with a box to tick (quiz_source.py reads the page; check.py quiz grades the boxes)."""
    template = (KIT / "answers.md").read_text()
    if "<!-- quiz -->" not in template:
        raise ValueError("kit/answers.md has no <!-- quiz --> line for the quiz questions")
    return template.replace("<!-- quiz -->\n", quiz_source.answers_part(expand))


def task_statements() -> dict[str, str]:
    """{task: its section of docs/assignment.md, without the code}, for the notebook."""
    page = lesson.page_markdown("assignment.md")
    tasks_part = page.split("\n## The tasks\n", 1)[1].split("\n## ", 1)[0]
    sections = re.split(r"^(?=### )", tasks_part, flags=re.MULTILINE)[1:]
    if len(sections) != len(check.TASKS):
        raise ValueError(
            f"docs/assignment.md has {len(sections)} task sections, not {len(check.TASKS)}"
        )
    fences = re.compile(r"^```.*?^```\n", re.MULTILINE | re.DOTALL)
    cleaned = [re.sub(r"\n{3,}", "\n\n", fences.sub("", section)).strip() for section in sections]
    cleaned = [section.replace("### ", "## ", 1) for section in cleaned]  # under the # title
    return dict(zip(check.TASKS, cleaned, strict=True))


def notebook_file(text: str, task: str, module: str) -> str:
    """A starter as the notebook writes it, to my_<task>.py: its docstring names that file."""
    return text.replace(f"python {module}.py", f"python my_{task}.py")


def student_notebook() -> nbformat.NotebookNode:
    """Per task: its statement, a cell that writes the starter to my_<task>.py, one that runs
    it, and one that checks it; at the end, the score."""
    files = starter_files()
    table_gib = captured.value("theory3_table_memory", "lesson … fp32")
    book = nbformat.v4.new_notebook()
    book.cells = [
        nbformat.v4.new_markdown_cell(
            "# Lesson 2.1.2: the assignment\n\n"
            "Keep this notebook beside `check.py` and `tests/`, as the kit unpacks it. For each "
            "task, write your code in the first cell (running it saves your file), run the "
            "file with the second, and check it with the lesson's tests with the third. Your "
            "written answers go in `answers.md`.\n\n"
            "Your files run, and are checked, in processes of their own, so nothing they build "
            "stays in this notebook's memory. Task 1 builds the lesson's table, "
            f"{table_gib} GiB in float32, once to run your file and once to check it: "
            "leave about 2 GiB free. The other tasks need far less."
        ),
        nbformat.v4.new_code_cell("import sys  # your files run with this notebook's Python"),
    ]
    for (task, statement), spec in zip(
        task_statements().items(), check.TASKS.values(), strict=True
    ):
        mine = f"my_{task}.py"
        text = notebook_file(files[spec.module + ".py"], task, spec.module)
        book.cells += [
            nbformat.v4.new_markdown_cell(statement),
            nbformat.v4.new_code_cell(f"%%writefile {mine}\n{text}".strip()),
            nbformat.v4.new_code_cell(f"!{{sys.executable}} {mine}"),
            nbformat.v4.new_code_cell(f"!{{sys.executable}} check.py {task} {mine}"),
        ]
    book.cells += [
        nbformat.v4.new_markdown_cell("## The score\n\nEvery task at once, one point per check."),
        nbformat.v4.new_code_cell("!{sys.executable} check.py all"),
    ]
    book.metadata["kernelspec"] = dict(lesson.KERNELSPEC)
    return lesson.numbered(book)


def kit_files() -> dict[str, str]:
    """{path inside the kit: text}."""
    files = {
        # {output:...} references: numbers from captured runs (lessonbuild/core/captured.py)
        "README.md": captured.render((KIT / "README.md").read_text()),
        "LICENSE": (ROOT / "LICENSE").read_text(),
        "LICENSE-TEXT": (ROOT / "LICENSE-TEXT").read_text(),
        "check.py": (KIT / "check.py").read_text(),
        # check.py quiz: the grader, and its key generated from docs/quiz.md
        "quiz_grader.py": (KIT / "quiz_grader.py").read_text(),
        "quiz_key.txt": quiz_source.key_text(),
        "answers.md": answers(),
        f"{NAME}.ipynb": nbformat.writes(student_notebook()) + "\n",
        "tests/pytest.ini": PYTEST_INI,
    }
    files |= starter_files()
    files |= {f"tests/{name}": path.read_text() for name, path in TEST_FILES.items()}
    return files


def write_zip(path: Path) -> None:
    """The kit as a zip with one top folder; fixed dates, so the same lesson gives the same zip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(kit_files().items()):
            info = zipfile.ZipInfo(f"{NAME}/{name}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lessonbuild kit", description="Write the assignment kit's zip."
    )
    parser.add_argument(
        "path", type=Path, nargs="?", default=BUILD / DOWNLOAD, help="the zip to write"
    )
    write_zip(parser.parse_args(argv).path)
    return 0
