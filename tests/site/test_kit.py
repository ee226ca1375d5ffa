"""The assignment kit as the built site serves it (downloads/assignment-2.1.2.zip): it unpacks
in an empty folder and its checker runs there with only torch and pytest, offline."""

import html
import json
import re
import subprocess
import sys
import time
import zipfile
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from gradescope_spec import gradescope_problems
from nbclient import NotebookClient
from packaging.requirements import Requirement

import check
from lessonbuild.core import captured
from lessonbuild.core.imports import STANDARD_LIBRARY, imported
from lessonbuild.core.paths import STARTERS
from lessonbuild.kit import archive as kit_builder
from lessonbuild.kit import starters
from lessonbuild.notebook import lesson

ROOT = Path(__file__).resolve().parents[2]
ZIP = ROOT / "site" / "downloads" / "assignment-2.1.2.zip"
STARTER_FILES = [f"{task.module}.py" for task in check.TASKS.values()]
# The dependency rule for what ships: the standard library, what kit/README.md has students
# install, and the kit's own files. One import reaches into the lesson's repository, inside a
# function the kit never calls: conftest.py's fixture for the snippet runs (no kit test uses it).
KIT_NEEDS = {"torch", "pytest", "hypothesis"}
REPOSITORY_ONLY = {"conftest.py": {"lessonbuild"}}
SOLUTION_REGION = re.compile(r"\[start:solution\].*?\n(.*?)\n[ \t]*# --8<-- \[end:solution\]", re.S)


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
    """A folder holding torch, pytest, hypothesis and what they require, and nothing else: put
    on PYTHONPATH of a `python -S`, it is a Python where only those three were installed."""
    # Named site-packages, as an installed package's folder is: hypothesis looks for constants
    # in every module outside such a folder, and would read all of torch's.
    folder = tmp_path_factory.mktemp("python") / "site-packages"
    folder.mkdir()
    seen, wanted = set(), ["torch", "pytest", "hypothesis"]
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
    assert (kit / "check.py").read_text() == (ROOT / "kit" / "check.py").read_text()
    shipped = {"conftest.py", "expect.py", "shared_table.py"}
    shipped |= {name for task in check.TASKS.values() for name in task.tests}
    assert {name for name in names if name.startswith("tests/") and name.endswith(".py")} == {
        f"tests/{name}" for name in shipped
    }
    for test_file in shipped:  # the helpers from tests/, the lesson's tests from tests/lesson/
        lessons = ROOT / "tests" / "lesson" / test_file
        repository = lessons if lessons.exists() else ROOT / "tests" / test_file
        assert (kit / "tests" / test_file).read_text() == repository.read_text()
    assert "MIT License" in (kit / "LICENSE").read_text()
    assert "Attribution 4.0 International" in (kit / "LICENSE-TEXT").read_text()
    readme = (kit / "README.md").read_text()
    assert "{output:" not in readme  # every number rendered from a captured run
    assert f"| {captured.value('checker/timings', 'task1')} |" in readme


def test_the_same_lesson_builds_the_same_zip_and_notebook(tmp_path):
    """Nothing random goes in (nbformat's cell ids, dates): a rebuild changes no byte."""
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    kit_builder.write_zip(first)
    kit_builder.write_zip(second)
    assert first.read_bytes() == second.read_bytes(), "two builds of the kit differ"
    assert nbformat.writes(lesson.build()) == nbformat.writes(lesson.build())


def test_the_starters_are_the_lessons_files_with_the_solutions_left_out(kit):
    for name in STARTER_FILES:
        text = (kit / name).read_text()
        assert "--8<--" not in text
        assert text == starters.strip_sections((STARTERS / name).read_text())


def test_the_kits_python_imports_only_the_standard_library_torch_pytest_and_hypothesis(kit):
    files = sorted(kit.rglob("*.py"))
    own = {path.stem for path in files}
    outside = {
        str(path.relative_to(kit)): sorted(extra)
        for path in files
        if (
            extra := imported(path.read_text())
            - STANDARD_LIBRARY
            - KIT_NEEDS
            - own
            - REPOSITORY_ONLY.get(path.name, set())
        )
    }
    assert not outside, f"the kit's files import beyond what students install: {outside}"
    assert {"check.py", "tests/conftest.py"} <= {str(p.relative_to(kit)) for p in files}
    assert (kit / "quiz_key.txt").exists()  # so the grader never needs the repository


def test_no_file_in_the_kit_holds_a_line_of_a_solution(kit):
    texts = {
        path: path.read_text() for path in kit.rglob("*") if path.suffix in (".py", ".md", ".ipynb")
    }
    for snippet in starters.task_snippets():
        starter = starters.strip_sections(
            starters.starter(snippet.read_text(), starters.task_of(snippet))
        )
        for region in SOLUTION_REGION.findall(snippet.read_text()):
            for line in (line.strip() for line in region.splitlines()):
                if len(line) < 20 or line in starter or line.startswith("#"):
                    continue  # too short to give anything away, or in the starter anyway
                for path, text in texts.items():
                    assert line not in text, f"{path.relative_to(kit)} holds {snippet.name}: {line}"


def total(printed: str) -> tuple[int, int]:
    points, most = re.search(r"^  total +(\d+)/(\d+)", printed, re.M).groups()
    return int(points), int(most)


def test_check_all_scores_the_starters_0_and_the_solutions_full(
    kit, only_torch_and_pytest, report_timing
):
    starters_only = run_checker(kit, only_torch_and_pytest, "all")
    assert starters_only.returncode == 1, starters_only.stdout + starters_only.stderr
    assert "Traceback" not in starters_only.stderr  # at most torch's warning about NumPy
    points, most = total(starters_only.stdout)
    assert points == 0 and most > 40
    assert "not implemented yet" in starters_only.stdout

    # The solutions come from the lesson's snippets, never from the kit.
    for task, spec in check.TASKS.items():
        source = (ROOT / "snippets" / f"{spec.module}.py").read_text()
        (kit / f"my_{task}.py").write_text(starters.strip_sections(source))
    started = time.perf_counter()
    done = run_checker(kit, only_torch_and_pytest, "all", "--json", "results.json", "--times")
    wall = time.perf_counter() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert total(done.stdout) == (most, most)
    assert re.search(
        r"^All \d+ checks passed, (\d+)/\1 points( \(1 skipped\))?\.$", done.stdout, re.M
    )
    results = json.loads((kit / "results.json").read_text())
    assert gradescope_problems(results) == []
    assert results["score"] == most == sum(test["max_score"] for test in results["tests"])

    times = dict(re.findall(r"^  (\w+) .* (\d+\.\d+) s$", done.stdout, re.M))
    report_timing(
        "check.py all on the lesson's solutions, unpacked kit: "
        + ", ".join(f"{task} {seconds} s" for task, seconds in times.items())
        + f"; whole command {wall:.1f} s"
    )
    for task in check.TASKS:
        (kit / f"my_{task}.py").unlink()
    (kit / "results.json").unlink()


def test_one_task_is_found_by_name_and_bad_input_is_refused(kit, only_torch_and_pytest):
    (kit / "my_task3.py").write_text((ROOT / "snippets" / "task3_manual_gather.py").read_text())
    done = run_checker(kit, only_torch_and_pytest, "task3")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Checking my_task3.py as task3" in done.stdout and "All 3 checks passed" in done.stdout
    (kit / "my_task3.py").unlink()

    starter = run_checker(kit, only_torch_and_pytest, "advanced")
    assert starter.returncode == 1 and "Checking advanced_embedding_forward.py" in starter.stdout

    bad = run_checker(kit, only_torch_and_pytest, "task3", "no_such_file.py")
    assert bad.returncode == 2 and "there is no file no_such_file.py" in bad.stderr


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
        written = (kit / name).read_text().strip().replace(f"python {name}", f"python my_{task}.py")
        assert f"%%writefile my_{task}.py\n{written}" in code
        assert f"!{{sys.executable}} my_{task}.py" in code
        assert f"!{{sys.executable}} check.py {task} my_{task}.py" in code
    assert code[-1] == "!{sys.executable} check.py all"
    prose = [cell.source for cell in book.cells if cell.cell_type == "markdown"]
    for text in prose:
        assert not text.rstrip().endswith(":"), f"a sentence that leads nowhere: {text[-80:]!r}"
    gib = captured.value("theory3_table_memory", "lesson … fp32")
    assert f"{gib} GiB" in prose[0] and "processes of their own" in prose[0]

    # Run it up to task 1's check, in the unpacked kit: the file is written, stops at its
    # TODO, and the checker says so.
    first_check = code.index("!{sys.executable} check.py task1 my_task1.py")
    last_cell = [cell.source for cell in book.cells].index(code[first_check])
    book.cells = book.cells[: last_cell + 1]
    NotebookClient(book, timeout=300, resources={"metadata": {"path": str(kit)}}).execute()
    written = (kit / "my_task1.py").read_text().strip()
    assert written == (kit / STARTER_FILES[0]).read_text().strip().replace(
        "python task1_basic_forward.py", "python my_task1.py"
    )
    ran, checked = (cell_text(cell) for cell in book.cells[-2:])
    assert "NotImplementedError: task1: build_embed_tokens is not implemented yet" in ran
    assert re.search(
        r"^0 of (\d+) checks passed, 0/\1 points; \1 not implemented yet\.$", checked, re.M
    )
    (kit / "my_task1.py").unlink()


def cell_text(cell) -> str:
    """What a code cell printed, tracebacks included, without terminal colours."""
    parts = [out.get("text", "") + "\n".join(out.get("traceback", [])) for out in cell.outputs]
    return re.sub(r"\x1b\[[0-9;]*m", "", "".join(parts)).replace("\r\n", "\n")


def test_the_assignment_page_links_the_kit_and_shows_what_the_checker_prints():
    page = (ROOT / "site" / "assignment" / "index.html").read_text()
    assert 'href="../downloads/assignment-2.1.2.zip"' in page
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for capture in sorted((ROOT / "docs" / "outputs" / "checker").glob("*.txt")):
        if capture.name != "timings.txt":  # the kit's README quotes that one
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
    from lessonbuild.kit import quiz_source

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
