"""The assignment kit as the built site serves it (downloads/assignment-2.1.2.zip): it unpacks
in an empty folder and its checker runs there with only torch and pytest, offline."""

import html
import re
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from packaging.requirements import Requirement

import check
import starters

ROOT = Path(__file__).resolve().parents[2]
ZIP = ROOT / "site" / "downloads" / "assignment-2.1.2.zip"
STARTER_FILES = [f"{task.module}.py" for task in check.TASKS.values()]


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """The zip from the built site, unpacked in an empty folder."""
    if not ZIP.exists():
        pytest.fail("no kit in site/downloads/: run `nox -s docs` (it builds, then runs these)")
    folder = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(folder)
    (kit,) = folder.iterdir()
    return kit


@pytest.fixture(scope="module")
def only_torch_and_pytest(tmp_path_factory) -> Path:
    """A folder holding torch, pytest and what they require, and nothing else: put on
    PYTHONPATH of a `python -S`, it is a Python where only those two were installed."""
    folder = tmp_path_factory.mktemp("site-packages")
    seen, wanted = set(), ["torch", "pytest"]
    while wanted:
        name = wanted.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not here, so not needed here either
        if dist.name.lower() in seen:
            continue
        seen.add(dist.name.lower())
        for requirement in map(Requirement, dist.requires or []):
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                wanted.append(requirement.name)
        for top in {Path(str(file)).parts[0] for file in dist.files or []}:
            source = Path(dist.locate_file(top))
            if not top.endswith(".dist-info") and source.exists() and top not in ("..", "bin"):
                if not (folder / top).exists():
                    (folder / top).symlink_to(source)
    return folder


def run_checker(kit, python_path, *args):
    return subprocess.run(
        [sys.executable, "-S", "check.py", *args],
        cwd=kit,
        env={"PYTHONPATH": str(python_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_zip_holds_the_kit(kit):
    names = {str(path.relative_to(kit)) for path in kit.rglob("*") if path.is_file()}
    for name in ["README.md", "LICENSE", "LICENSE-TEXT", "check.py", "answers.md"]:
        assert name in names
    assert "assignment-2.1.2.ipynb" in names
    assert set(STARTER_FILES) <= names
    assert (kit / "check.py").read_text() == (ROOT / "tools" / "check.py").read_text()
    for test_file in {name for task in check.TASKS.values() for name in task.tests}:
        assert (kit / "tests" / test_file).read_text() == (ROOT / "tests" / test_file).read_text()
    assert "MIT License" in (kit / "LICENSE").read_text()
    assert "Attribution 4.0 International" in (kit / "LICENSE-TEXT").read_text()


def test_the_starters_are_the_lessons_files_with_the_solutions_left_out(kit):
    for name in STARTER_FILES:
        text = (kit / name).read_text()
        assert "--8<--" not in text
        assert text == starters.strip_sections((starters.STARTERS / name).read_text())
    for text in (path.read_text() for path in kit.rglob("*.py")):
        assert "torch.index_select(weight, 0, input_ids.reshape(-1))" not in text  # task 3
        assert "hidden.masked_fill(~keep, 0)" not in text  # task 4


def test_the_checker_fails_a_starter_and_passes_the_solution(kit, only_torch_and_pytest):
    starter = run_checker(kit, only_torch_and_pytest, "advanced", "advanced_embedding_forward.py")
    assert starter.returncode == 1, starter.stdout + starter.stderr
    assert "not implemented yet" in starter.stdout
    assert "Traceback" not in starter.stderr  # at most torch's warning that NumPy is missing

    solution = kit / "my_advanced.py"
    solution.write_text((ROOT / "snippets" / "advanced_embedding_forward.py").read_text())
    done = run_checker(kit, only_torch_and_pytest, "advanced", "my_advanced.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^All \d+ checks passed( \(1 skipped\))?\.$", done.stdout, re.M)

    bad = run_checker(kit, only_torch_and_pytest, "task3", "no_such_file.py")
    assert bad.returncode == 2 and "there is no file no_such_file.py" in bad.stderr


def test_the_checker_checks_task_3_on_the_lessons_table(kit, only_torch_and_pytest):
    (kit / "my_task3.py").write_text((ROOT / "snippets" / "task3_manual_gather.py").read_text())
    done = run_checker(kit, only_torch_and_pytest, "task3", "my_task3.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All 4 checks passed." in done.stdout


def test_the_written_answers_hold_every_question_and_no_answer(kit):
    text = (kit / "answers.md").read_text()
    quiz = (ROOT / "docs" / "quiz.md").read_text()
    quiz_headings = re.findall(r"^## (\d+\. .+)$", quiz, re.M)
    # four theory questions, then the quiz's, answered by ticking boxes
    assert len(re.findall(r"^### \d+\. ", text, re.M)) == 4 + len(quiz_headings)
    for heading in quiz_headings:
        assert f"### {heading}" in text
    assert "??? question" not in text and "Proof:" not in text
    assert text.count("Your answer:") == 4


def test_the_notebook_cells_are_the_starters_and_run_to_the_first_todo(kit):
    book = nbformat.read(kit / "assignment-2.1.2.ipynb", as_version=4)
    nbformat.validate(book)
    code = [cell.source for cell in book.cells if cell.cell_type == "code"]
    for task, name in zip(check.TASKS, STARTER_FILES, strict=True):
        assert f"%%writefile my_{task}.py\n{(kit / name).read_text().strip()}" in code
        assert f"!{{sys.executable}} check.py {task} my_{task}.py" in code

    # Run it up to task 1's check, in the unpacked kit: the file is written, stops at its
    # TODO, and the checker says so.
    first_check = code.index("!{sys.executable} check.py task1 my_task1.py")
    last_cell = [cell.source for cell in book.cells].index(code[first_check])
    book.cells = book.cells[: last_cell + 1]
    NotebookClient(book, timeout=300, resources={"metadata": {"path": str(kit)}}).execute()
    assert (kit / "my_task1.py").read_text().strip() == (kit / STARTER_FILES[0]).read_text().strip()
    ran, checked = (cell_text(cell) for cell in book.cells[-2:])
    assert "NotImplementedError: task1: build_embed_tokens is not implemented yet" in ran
    assert re.search(r"^\d+ of 5 checks passed; \d+ not implemented yet\.$", checked, re.M)


def cell_text(cell) -> str:
    """What a code cell printed, tracebacks included, without terminal colours."""
    parts = [out.get("text", "") + "\n".join(out.get("traceback", [])) for out in cell.outputs]
    return re.sub(r"\x1b\[[0-9;]*m", "", "".join(parts)).replace("\r\n", "\n")


def test_the_assignment_page_links_the_kit_and_shows_what_the_checker_prints():
    page = (ROOT / "site" / "assignment" / "index.html").read_text()
    assert 'href="../downloads/assignment-2.1.2.zip"' in page
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for capture in sorted((ROOT / "docs" / "outputs" / "checker").glob("*.txt")):
        assert capture.read_text().strip() in text, f"{capture.name} is not on the page"


def test_no_page_shows_a_solution_marker():
    for page in (ROOT / "site").rglob("*.html"):
        text = page.read_text()
        assert "[start:solution]" not in text and "[end:solution]" not in text, page
    tasks = (ROOT / "site" / "tasks" / "index.html").read_text()
    # the starters show their TODO; the worked solutions, in the boxes, do not
    boxes = re.findall(r"<details.*?</details>", tasks, re.DOTALL)
    assert "NotImplementedError" in tasks and len(boxes) >= 4
    assert not [box for box in boxes if "NotImplementedError" in box]


def test_the_licenses_are_stated_on_every_page_and_katex_keeps_its_own():
    for page in (ROOT / "site").rglob("index.html"):
        assert "CC BY 4.0" in page.read_text(), page
    katex_license = ROOT / "site" / "assets" / "katex" / "LICENSE.txt"
    assert katex_license.read_text().startswith("The MIT License")


def test_the_quiz_grader_scores_the_kits_answers_file(kit, only_torch_and_pytest):
    import quiz_source

    questions = quiz_source.questions()
    blank = run_checker(kit, only_torch_and_pytest, "quiz", "answers.md")
    assert blank.returncode == 1, blank.stdout + blank.stderr
    assert f"Score: 0 of {len(questions)} ({len(questions)} blank)." in blank.stdout
    assert "WRONG" not in blank.stdout and blank.stdout.count("  blank  ") == len(questions)

    # The same file with the right boxes ticked, as a student would tick them.
    lines, number = [], None
    for line in (kit / "answers.md").read_text().splitlines():
        if heading := re.match(r"### (\d+)\. ", line):
            number = int(heading[1])
        box = re.match(r"- \[ \] \(([a-z])\)", line)
        if box and number is not None and box[1] in questions[number - 1].right_letters:
            line = line.replace("[ ]", "[x]", 1)
        lines.append(line)
    (kit / "my_answers.md").write_text("\n".join(lines) + "\n")
    done = run_checker(kit, only_torch_and_pytest, "quiz", "my_answers.md")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Score: {len(questions)} of {len(questions)}. Every answer is right." in done.stdout
    # It graded from the kit's own key: the lesson's tools that build the key are not there.
    assert (kit / "quiz_key.txt").is_file() and not (kit / "quiz_source.py").exists()
