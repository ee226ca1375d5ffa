"""The checker (kit/check.py) and the starters it is handed out with.

Every starter fails its checks as not implemented yet, every solution passes them, each known
wrong answer fails with the hint that names its mistake, each right answer written another
way passes, `all` scores a folder and writes Gradescope's results.json, a check that hangs
stops at its timeout, and bad input gets a clear error. The checker runs pytest inside this
process, so every run shares this process's table.
"""

import ast
import importlib
import json
import re
import types
from pathlib import Path

import expect
import pytest
import torch
from gradescope_spec import gradescope_problems

import check
from lessonbuild.captures import checker_outputs
from lessonbuild.core import registry
from lessonbuild.core.paths import STARTERS
from lessonbuild.kit import starters

ROOT = Path(__file__).resolve().parents[2]
WRONG_ANSWERS = Path(__file__).parent / "wrong_answers"
RIGHT_ANSWERS = Path(__file__).parent / "right_answers"
SNIPPETS = ROOT / "snippets"
# Each wrong answer: the check that must fail, what failed (a kind of tests/expect.py), and
# whose hint explains it: the check's own ("check"), the kind's ("kind"), or the hint for a
# known error message ("known").
EXPECTED = {
    "task1_padding_idx_1.py": ("test_table_has_the_lessons_sizes", "values", "check"),
    "task1_scaled_by_sqrt_d.py": ("test_the_rows_hold_draws_from_n_0_1", "values", "check"),
    "task1_ignores_device.py": (
        "test_the_table_is_built_on_the_device_it_is_given",
        "device",
        "check",
    ),
    "task2_prefers_inputs_embeds.py": ("test_both_inputs_raise_value_error", "error", "check"),
    "task2_seq_length_from_last_dim.py": (
        "test_embeds_path_reads_batch_and_length_from_its_first_two_dims",
        "values",
        "check",
    ),
    "task3_sheet_2d_index.py": (
        "test_manual_gather_equals_the_module_bit_for_bit",
        "error",
        "known",
    ),
    "task4_multiplies_by_the_mask.py": (
        "test_changing_a_pad_embedding_does_not_change_the_mean",
        "values",
        "check",
    ),
    "task4_plain_mean.py": ("test_masked_mean_averages_only_real_tokens", "values", "check"),
    "task4_float64_result.py": ("test_masked_mean_averages_only_real_tokens", "dtype", "kind"),
    "task4_masked_fill_in_place.py": (
        "test_masked_mean_averages_only_real_tokens",
        "mutated",
        "kind",
    ),
    "task4_count_from_first_row.py": (
        "test_each_row_is_divided_by_its_own_count_of_real_tokens",
        "values",
        "check",
    ),
    "advanced_sin_cos_swapped.py": ("test_position_zero_is_sin_0_cos_0", "values", "check"),
    "advanced_positions_on_pads_only.py": (
        "test_ids_path_adds_exactly_the_pe_rows",
        "values",
        "check",
    ),
}
RIGHT = sorted(path.name for path in RIGHT_ANSWERS.glob("*.py"))
SOLUTIONS = {task: SNIPPETS / f"{spec.module}.py" for task, spec in check.TASKS.items()}
# The pages a "Read:" may send a student to: the ones that teach, not the worked solutions.
TEACHING = ("Theory", "Assignment", "Advanced › The input contract")


def checks_ran_on(device, results, request):
    """Each check ran with the device under test. The checks are tests that run in an inner
    pytest session, where each one calls on_device on its own tensors."""
    devices = {result.device for result in results} - {None}
    assert devices <= {device.type}, f"checks ran on {devices}, not {device.type}"
    assert devices or all(result.device is None for result in results)  # none used a device
    request.node.device_checked = True


def by_test(results):
    return {result.test: result for result in results if result.outcome == "failed"}


def own_table(task, name, last=False):
    """A task 1 file builds its own 1.53 GiB table: run it before the lesson's table exists
    (last: after every other such test, so that the table it builds stays)."""
    marks = [pytest.mark.own_table(last=last)] if task == "task1" else []
    return pytest.param(name, marks=marks, id=Path(name).stem)


def task_of(name: str) -> str:
    return name.split("_")[0]


def modules_of(task):
    """The test modules that check a task."""
    return [importlib.import_module(Path(name).stem) for name in check.TASKS[task].tests]


def hint_marks(function):
    return [mark for mark in getattr(function, "pytestmark", []) if mark.name == "hint"]


def graded_tests(task):
    """{test name: its function} for the tests the checker runs for a task."""
    tests = {}
    for module in modules_of(task):
        for name, function in vars(module).items():
            marks = {mark.name for mark in getattr(function, "pytestmark", [])}
            if name.startswith("test_") and callable(function) and "lesson" not in marks:
                tests[name] = function
    return tests


def own_hint(task, test, kind) -> check.Hint:
    """The hint a test gives for a kind of failure: its own for that kind, else its default."""
    marks = hint_marks(graded_tests(task)[test])
    hints = [(mark.kwargs.get("when", ()), mark) for mark in marks]
    chosen = next(
        (m for when, m in hints if kind in ((when,) if isinstance(when, str) else when)), None
    )
    chosen = chosen or next(m for when, m in hints if not when)
    return check.Hint(
        chosen.args[0], chosen.kwargs.get("section", ""), chosen.kwargs.get("code", "")
    )


def page_headings():
    """{nav title: the text of its page}, for the Markdown pages of mkdocs.yml's nav."""
    return {
        title: (ROOT / "docs" / page).read_text().replace("`", "")
        for title, page in registry.nav().items()
        if page.endswith(".md")
    }


def on_the_cpu_only(request):
    """For a check of the checker's printing: done once, on the CPU, when the CPU is tested."""
    if "cpu" not in (request.config.getoption("device") or ["cpu"]):
        pytest.skip("checks what the checker prints on the CPU: runs with --device cpu")


def run_main(capsys, *argv):
    with pytest.raises(SystemExit) as exit:
        check.main([str(arg) for arg in argv])
    return exit.value.code, capsys.readouterr().err


def torch_sees_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


@pytest.mark.parametrize("name", [own_table(task_of(name), name) for name in sorted(EXPECTED)])
def test_a_wrong_answer_fails_with_the_hint_that_names_its_mistake(name, device, request):
    task = task_of(name)
    test, kind, source = EXPECTED[name]
    # Only the check that names the mistake runs (the solution's, the starter's and the right
    # answers' runs check them all): task 1's other checks would build a 1.53 GiB table.
    results = check.run_checks(task, WRONG_ANSWERS / name, device.type, only=test)
    failed = by_test(results)

    checks_ran_on(device, results, request)
    assert check.exit_code(results) == 1
    assert test in failed, f"{name} passed {test}"
    assert failed[test].kind == kind, f"{failed[test].kind}: {failed[test].lines}"
    expected_hint = {
        "check": lambda: own_hint(task, test, kind),
        "kind": lambda: check.KIND_HINTS[kind],
        "known": lambda: next(h for p, h in check.KNOWN_ERRORS if re.search(p, failed[test].error)),
    }[source]()
    assert failed[test].hint == expected_hint
    assert not any(result.not_implemented for result in failed.values())
    printed = " ".join(check.report(task, WRONG_ANSWERS / name, device.type, results).split())
    assert " ".join(expected_hint.concept.split()) in printed
    assert all(line and len(line) <= 80 for line in check.explanation(failed[test], True))


@pytest.mark.parametrize("name", [own_table(task_of(name), name) for name in RIGHT])
def test_a_right_answer_written_another_way_passes(name, device, request):
    results = check.run_checks(task_of(name), RIGHT_ANSWERS / name, device.type)

    checks_ran_on(device, results, request)
    failed = [f"{r.name}: {r.kind} {r.lines} {r.error}" for r in results if r.outcome == "failed"]
    assert not failed


@pytest.mark.parametrize("task", [own_table(task, task) for task in check.TASKS])
def test_a_starter_fails_every_check_as_not_implemented_yet(task, device, request):
    # So every check the checker counts runs code the student writes: a check the starter
    # passed would grade the lesson's code, not theirs.
    starter = STARTERS / f"{check.TASKS[task].module}.py"
    results = check.run_checks(task, starter, device.type)

    checks_ran_on(device, results, request)
    counted = [result for result in results if result.outcome != "skipped"]
    assert counted and all(result.outcome == "failed" for result in counted)
    for result in counted:  # never an unrelated error
        assert re.match(
            r"write [\w.]+ where its TODO says \(\w+\.py, line \d+\)", result.not_implemented
        ), f"{result.name}: {result.kind} {result.lines} {result.error}"
    printed = check.report(task, starter, device.type, results)
    assert f"0 of {len(counted)} checks passed, 0/{len(counted)} points" in printed
    assert "not implemented yet: write" in printed


def test_every_kind_of_mistake_has_a_wrong_answer_and_every_file_is_checked():
    assert {path.name for path in WRONG_ANSWERS.glob("*.py")} == set(EXPECTED)
    assert {task_of(name) for name in EXPECTED} == set(check.TASKS)
    kinds = {kind for _, kind, _ in EXPECTED.values()}
    assert {"dtype", "mutated", "device", "values", "error"} <= kinds
    ways = " ".join(path.read_text() for path in RIGHT_ANSWERS.glob("*.py"))
    for way in ("weight[input_ids]", "F.embedding", "F.one_hot", "einsum", "for ", "torch.where"):
        assert way in ways, f"no right answer written with {way}"


@pytest.mark.parametrize("name", sorted(EXPECTED) + RIGHT)
def test_a_variant_differs_from_the_lesson_only_inside_its_solution_regions(name):
    lesson = SOLUTIONS[task_of(name)]
    task = starters.task_of(lesson)
    path = WRONG_ANSWERS / name if name in EXPECTED else RIGHT_ANSWERS / name
    assert path.read_text() != lesson.read_text()
    assert starters.starter(path.read_text(), task) == starters.starter(lesson.read_text(), task), (
        f"{name} is out of date with its snippet; run: python -m lessonbuild starters --variants"
    )


@pytest.mark.parametrize("task", check.TASKS)
def test_every_check_has_a_hint_that_points_to_a_section_that_teaches(task):
    pages = page_headings()
    graded = graded_tests(task)
    assert graded, task
    for test, function in graded.items():
        marks = hint_marks(function)
        assert marks, f"{test} has no hint"
        assert [m for m in marks if not m.kwargs.get("when")] or len(marks) == 1, test
        for mark in marks:
            assert mark.args[0][0].isupper() or not mark.args[0][0].isalpha(), mark.args[0]
            assert_teaches(mark.kwargs.get("section", ""), pages)
    # The checker sees the same tests: none more, none fewer.
    tree_tests = set()
    for module in modules_of(task):
        tree = ast.parse(Path(module.__file__).read_text())
        tree_tests |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert set(graded) <= tree_tests


def assert_teaches(section, pages):
    page, _, heading = section.partition(" › ")
    assert page in pages, f"{section}: no page {page!r} in the nav"
    assert section.startswith(TEACHING), f"{section}: not a section that teaches"
    text = pages[page]  # a section may sit in a box, its heading indented
    assert re.search(rf"^ *#{{2,3}} {re.escape(heading)}$", text, re.MULTILINE), (
        f"{section}: no such section"
    )


def test_the_checkers_own_hints_point_to_sections_that_teach():
    pages = page_headings()
    for hint in [*check.KIND_HINTS.values(), *(hint for _, hint in check.KNOWN_ERRORS)]:
        assert_teaches(hint.section, pages)


def test_no_test_comment_gives_an_answer_away():
    for task in check.TASKS:
        for module in modules_of(task):
            for number, line in enumerate(Path(module.__file__).read_text().splitlines(), 1):
                comment = line.partition("#")[2].lower()
                assert not re.search(r"\banswer\b", comment), f"{module.__name__}:{number}: {line}"


def test_a_file_is_found_by_the_notebooks_name_then_by_the_starters(tmp_path):
    assert check.find_file("task3", tmp_path) is None
    (tmp_path / "task3_manual_gather.py").write_text("")
    assert check.find_file("task3", tmp_path) == tmp_path / "task3_manual_gather.py"
    (tmp_path / "my_task3.py").write_text("")
    assert check.find_file("task3", tmp_path) == tmp_path / "my_task3.py"


def write_folder(folder: Path, files: dict[str, Path]):
    """A student's folder: each file under the name a student gives it, without the lines
    that mark the page sections, as in the kit."""
    for name, source in files.items():
        (folder / name).write_text(starters.strip_sections(source.read_text()))


@pytest.mark.own_table  # its task 1 is the starter's: no table, and it drops the one kept
def test_all_scores_every_task_and_writes_gradescopes_results(tmp_path, request):
    # The folder of the Assignment page's capture: task 1 untouched, tasks 2 and 3 right,
    # task 4 wrong (the count of the first row for every row), no file for the advanced task.
    on_the_cpu_only(request)
    printed = checker_outputs.capture("all", tmp_path, ("--json", "out/results.json"))
    diff = checker_outputs.drift("all", printed)
    assert not diff, f"all drifted; run: {checker_outputs.REGENERATE}\n{diff}"

    assert printed.endswith("$ echo $?\n1\n")
    score = dict(re.findall(r"^  (task\d|advanced|total) .*?(\d+/\d+)", printed, re.M))
    assert score["task1"] == "0/6" and score["task2"] == "9/9" and score["task3"] == "3/3"
    assert score["task4"] == "4/6" and score["advanced"].startswith("0/")
    total = sum(int(points.split("/")[1]) for task, points in score.items() if task != "total")
    assert score["total"] == f"{9 + 3 + 4}/{total}"
    assert "no file: no my_advanced.py or advanced_embedding_forward.py" in printed

    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert gradescope_problems(results) == []
    assert results["score"] == 16
    assert sum(test["max_score"] for test in results["tests"]) == total
    names = [test["name"] for test in results["tests"]]
    assert "task4: each row is divided by its own count of real tokens" in names
    failed = {test["name"]: test for test in results["tests"] if test["status"] == "failed"}
    output = failed["task4: masked mean for random pads and dtypes"]["output"]
    assert "smallest failing case:" in output and "largest difference" in output
    assert all(test["output"] for test in failed.values())


def test_the_gradescope_check_finds_what_gradescope_would_not_read():
    good = {"score": 1, "tests": [{"name": "a", "score": 1, "max_score": 1, "number": "1.1"}]}
    assert gradescope_problems(good) == []
    assert gradescope_problems({**good, "grade": 1}) == ["unknown top-level field grade"]
    bad = {"score": 2, "tests": [{"name": "a", "score": 2, "max_score": 1, "visibility": "all"}]}
    assert len(gradescope_problems(bad)) == 2


def test_a_file_that_cannot_be_imported_scores_zero_in_all_and_the_others_still_run(
    tmp_path, capsys, monkeypatch, request
):
    on_the_cpu_only(request)
    monkeypatch.setattr(check, "TASKS", {task: check.TASKS[task] for task in ("task3", "task4")})
    (tmp_path / "my_task4.py").write_text("import torch\n\ndef masked_mean(hidden, mask)\n")
    write_folder(tmp_path, {"my_task3.py": SOLUTIONS["task3"]})
    check.main(["all", str(tmp_path)])
    printed = capsys.readouterr().out
    assert "my_task4.py cannot be imported (SyntaxError, line 3" in printed
    assert re.search(r"^  task3 .* 3/3$", printed, re.M)
    assert re.search(r"^  task4 .* 0/6  cannot be checked$", printed, re.M)


# The interrupt may land in a garbage-collector callback, which Python reports and ignores;
# the watchdog interrupts again a second later.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_check_that_hangs_stops_at_its_timeout_with_a_clear_line(tmp_path, device, request):
    hangs = tmp_path / "my_task4.py"
    hangs.write_text(
        SOLUTIONS["task4"]
        .read_text()
        .replace(
            "    keep = attention_mask.bool()",
            "    while True:\n        pass\n    keep = attention_mask.bool()",
        )
    )
    # two checks: one plain, one property check, whose examples run inside hypothesis
    only = "averages_only_real_tokens or random_pads"
    results = check.run_checks("task4", hangs, device.type, timeout=0.1, only=only)

    request.node.device_checked = True  # stopped before any tensor came back
    assert len(results) == 2 and all(result.kind == "timeout" for result in results)
    assert all(result.hint == check.KIND_HINTS["timeout"] for result in results)
    printed = check.report("task4", hangs, device.type, results)
    assert "stopped after 0.1 s (--timeout; the default is 60 s)" in printed


def test_your_code_raised_is_said_only_when_your_file_raised(tmp_path, capsys, request):
    on_the_cpu_only(request)
    mine = tmp_path / "my_task3.py"
    mine.write_text(
        SOLUTIONS["task3"]
        .read_text()
        .replace(
            "    rows = torch.index_select",
            "    raise TypeError('mine')\n    rows = torch.index_select",
        )
    )
    check.main(["task3", str(mine), "-k", "bit_for_bit"])
    printed = " ".join(capsys.readouterr().out.split())
    assert re.search(r"Your code raised TypeError \(my_task3.py, line \d+\): mine", printed)

    mine.write_text(
        SOLUTIONS["task3"]
        .read_text()
        .replace("    return rows.view(", "    return [rows] or rows.view(")
    )
    check.main(["task3", str(mine), "-k", "bit_for_bit"])
    printed = capsys.readouterr().out
    assert "expected a tensor, got list" in printed and "Your code raised" not in printed


def test_a_tensor_asked_for_one_truth_value_gets_the_hint_for_that(tmp_path, capsys, request):
    on_the_cpu_only(request)
    mine = tmp_path / "my_task2.py"
    mine.write_text(
        SOLUTIONS["task2"]
        .read_text()
        .replace(
            "if input_ids is not None and inputs_embeds is not None:",
            "if input_ids and inputs_embeds:",
        )
    )
    check.main(["task2", str(mine), "-k", "both_inputs"])
    printed = " ".join(capsys.readouterr().out.split())
    assert "Your code raised RuntimeError (my_task2.py, line" in printed
    assert "compare it with None" in printed


def test_the_code_hint_comes_with_hint_only(capsys, request):
    on_the_cpu_only(request)
    wrong = WRONG_ANSWERS / "task4_count_from_first_row.py"
    code = check.main(["task4", str(wrong), "-k", "each_row"])
    plain = capsys.readouterr().out
    check.main(["task4", str(wrong), "--hint", "-k", "each_row"])
    with_hint = capsys.readouterr().out
    assert code == 1
    assert "Hint: " not in plain and "--hint adds a hint at the code" in plain
    assert "Hint: count the real tokens per row" in " ".join(with_hint.split())


def test_details_add_pytests_own_report(capsys, request):
    on_the_cpu_only(request)
    plain_mean = str(WRONG_ANSWERS / "task4_plain_mean.py")
    code = check.main(["task4", plain_mean, "--details", "-k", "averages_only"])
    printed = capsys.readouterr().out
    assert code == 1
    assert "def test_masked_mean_averages_only_real_tokens" in printed  # pytest's report
    assert "The mean of a row must count its real tokens only" in " ".join(printed.split())


def test_the_captured_checker_outputs_are_what_it_prints(request):
    on_the_cpu_only(request)
    for name in set(checker_outputs.CAPTURES) - {"all"}:  # all: checked with the score above
        diff = checker_outputs.drift(name, checker_outputs.capture(name))
        assert not diff, f"{name} drifted; run: {checker_outputs.REGENERATE}\n{diff}"


@pytest.mark.parametrize("task", [own_table(task, task, last=True) for task in check.TASKS])
def test_a_solution_passes_every_check(task, device, request):
    results = check.run_checks(task, SOLUTIONS[task], device.type)

    checks_ran_on(device, results, request)
    failed = [f"{r.name}: {r.kind} {r.lines} {r.error}" for r in results if r.outcome == "failed"]
    assert not failed
    assert check.exit_code(results) == 0
    skipped = [result for result in results if result.outcome == "skipped"]
    assert device.type == "cpu" or not skipped  # the CPU has no second device to move ids to
    assert all(result.reason for result in skipped)  # each skip says why


# Bad input: a clear error, exit code 2, and no check run.


def test_an_unknown_task_names_the_tasks(capsys):
    code, err = run_main(capsys, "task5", SOLUTIONS["task3"])
    assert code == 2
    assert re.search(r"invalid choice: 'task5' \(choose from .*task1.*advanced.*all", err)


def test_a_missing_file_is_named(capsys, tmp_path):
    code, err = run_main(capsys, "task3", tmp_path / "my_task3.py")
    assert code == 2 and "there is no file" in err and "my_task3.py" in err


def test_a_task_without_a_file_here_says_which_names_were_looked_for(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, err = run_main(capsys, "task3")
    assert code == 2 and "neither my_task3.py nor task3_manual_gather.py" in err


def test_a_folder_or_a_non_python_file_is_refused(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("def manual_gather(): pass\n")
    for path in (tmp_path, tmp_path / "notes.txt"):
        code, err = run_main(capsys, "task3", path)
        assert code == 2 and "is not a .py file" in err


def test_a_file_without_the_function_says_which_names_to_keep(capsys, tmp_path):
    (tmp_path / "my_task3.py").write_text("def gather(weight, ids):\n    return weight[ids]\n")
    code, err = run_main(capsys, "task3", tmp_path / "my_task3.py")
    assert code == 2
    assert "my_task3.py defines no manual_gather, sheet_gather, which the task3 checks call" in err


def test_a_file_that_cannot_be_imported_says_where(capsys, tmp_path):
    (tmp_path / "my_task4.py").write_text("import torch\n\ndef masked_mean(hidden, mask)\n")
    code, err = run_main(capsys, "task4", tmp_path / "my_task4.py")
    assert code == 2 and "my_task4.py cannot be imported (SyntaxError, line 3" in err
    (tmp_path / "my_task4.py").write_text("import torch\n\nmask = torch.ones(2) @ undefined\n")
    code, err = run_main(capsys, "task4", tmp_path / "my_task4.py")
    assert code == 2 and "cannot be imported (NameError, line 3: name 'undefined'" in err


def test_k_runs_only_the_checks_it_names(capsys, request):
    on_the_cpu_only(request)
    code = check.main(
        ["task4", str(WRONG_ANSWERS / "task4_count_from_first_row.py"), "-k", "each_row"]
    )
    printed = capsys.readouterr().out
    assert code == 1 and "0 of 1 checks passed" in printed
    code, err = run_main(capsys, "task4", SOLUTIONS["task4"], "-k", "no_such_check")
    assert code == 2 and "selects none of the task4 checks" in err


def test_json_goes_with_all_only(capsys, tmp_path):
    code, err = run_main(capsys, "task3", SOLUTIONS["task3"], "--json", tmp_path / "r.json")
    assert code == 2 and "--json goes with all" in err


def test_without_hypothesis_the_checker_says_what_to_install(capsys, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "hypothesis" else real(name, *a),
    )
    code, err = run_main(capsys, "task3", SOLUTIONS["task3"])
    assert code == 2 and "pip install hypothesis" in err


def test_cuda_without_a_gpu_is_refused_before_any_check(capsys):
    if torch_sees_cuda():
        pytest.skip("this machine has a GPU")
    code, err = run_main(capsys, "task3", SOLUTIONS["task3"], "--device", "cuda")
    assert code == 2 and "sees no CUDA GPU here" in err


def test_a_wrong_device_is_known_by_its_kind_never_by_its_words():
    """conftest.py's on_device raises expect.WrongDevice, a Mismatch of kind "device": the
    checker picks the device hint by that kind; an error that only says so in words gets
    none (torch's own "same device" error aside, which has no kind to read)."""
    no_hints = types.SimpleNamespace(iter_markers=lambda name: [])
    wrong = expect.WrongDevice("the mean", torch.device("meta"), torch.device("cpu"))
    by_kind = check.Result("task4", "test_x", "x", "cpu", kind=wrong.kind)
    assert check.choose_hint(no_hints, by_kind, wrong) == check.WRONG_DEVICE
    in_words = RuntimeError("the mean is not on the expected device")
    by_words = check.Result("task4", "test_x", "x", "cpu", kind="error")
    assert check.choose_hint(no_hints, by_words, in_words) is None
