"""The checker (tools/check.py) and the starters it is handed out with.

Every starter fails its checks as not implemented yet, every solution passes them, each known
wrong answer fails with the hint that names its mistake, and bad input gets a clear error.
The checker runs pytest inside this process, so every run shares this process's table.
"""

import ast
import importlib
import re
from pathlib import Path

import pytest

import check
import checker_captures
import starters

ROOT = Path(__file__).resolve().parent.parent
WRONG_ANSWERS = Path(__file__).parent / "wrong_answers"
# Each wrong answer, and the check whose hint must name its mistake.
EXPECTED_HINT = {
    "task1_padding_idx_1.py": "test_pad_position_is_all_zeros_and_real_tokens_are_not",
    "task2_prefers_inputs_embeds.py": "test_both_inputs_raise_value_error",
    "task2_seq_length_from_last_dim.py": (
        "test_embeds_path_reads_batch_and_length_from_its_first_two_dims"
    ),
    "task3_sheet_2d_index.py": "test_manual_gather_equals_the_module_bit_for_bit",
    "task4_multiplies_by_the_mask.py": "test_changing_a_pad_embedding_does_not_change_the_mean",
    "task4_plain_mean.py": "test_masked_mean_averages_only_real_tokens",
    "advanced_sin_cos_swapped.py": "test_position_zero_is_sin_0_cos_0",
    "advanced_positions_on_pads_only.py": "test_ids_path_adds_exactly_the_pe_rows",
}
SOLUTIONS = {task: check.LESSON / f"{spec.module}.py" for task, spec in check.TASKS.items()}


def checks_ran_on(device, results, request):
    """Each check ran with the device under test. The checks are tests that run in an inner
    pytest session, where each one calls on_device on its own tensors."""
    devices = {result.device for result in results} - {None}
    assert devices == {device.type}, f"checks ran on {devices}, not {device.type}"
    request.node.device_checked = True


def by_test(results):
    return {result.test: result for result in results if result.outcome == "failed"}


def own_table(name):
    """A task 1 file builds its own 1.53 GiB table: run it before the lesson's table exists."""
    marks = [pytest.mark.own_table] if name.startswith("task1") else []
    return pytest.param(name, marks=marks, id=name.removesuffix(".py"))


def modules_of(task):
    """The names of the test modules that check a task."""
    return [Path(name).stem for name in check.TASKS[task].tests]


def hints_of(task):
    hints = {}
    for name in modules_of(task):
        hints |= importlib.import_module(name).HINTS
    return hints


def nav_pages():
    """{nav title: page file} from mkdocs.yml."""
    nav = re.findall(r"^  - (.+): (\S+\.md)$", (ROOT / "mkdocs.yml").read_text(), re.M)
    return dict(nav)


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


@pytest.mark.parametrize("name", [own_table(name) for name in EXPECTED_HINT])
def test_a_wrong_answer_fails_with_the_hint_that_names_its_mistake(name, device, request):
    task = name.split("_")[0]
    results = check.run_checks(task, WRONG_ANSWERS / name, device.type)
    failed = by_test(results)

    checks_ran_on(device, results, request)
    assert check.exit_code(results) == 1
    assert EXPECTED_HINT[name] in failed, f"{name} passed {EXPECTED_HINT[name]}"
    hints = hints_of(task)
    assert failed[EXPECTED_HINT[name]].hint == hints[EXPECTED_HINT[name]]
    assert not any(result.not_implemented for result in failed.values())
    printed = check.report(task, WRONG_ANSWERS / name, device.type, results)
    assert hints[EXPECTED_HINT[name]][0] in " ".join(printed.split())


@pytest.mark.parametrize("task", check.TASKS)
def test_a_starter_fails_its_checks_as_not_implemented_yet(task, device, request):
    starter = starters.STARTERS / f"{check.TASKS[task].module}.py"
    results = check.run_checks(task, starter, device.type)
    failed = by_test(results).values()

    checks_ran_on(device, results, request)
    assert check.exit_code(results) == 1 and failed
    for result in failed:  # never an unrelated error
        assert result.not_implemented, f"{result.name}: {result.error or result.hint}"
        assert re.match(r"write \w+ where its TODO says \(\w+\.py, line \d+\)", result.error)
    assert "not implemented yet" in check.report(task, starter, device.type, results)


@pytest.mark.parametrize("task", check.TASKS)
def test_a_solution_passes_every_check(task, device, request):
    results = check.run_checks(task, SOLUTIONS[task], device.type)

    checks_ran_on(device, results, request)
    failed = [
        f"{result.name}: {result.details}" for result in results if result.outcome == "failed"
    ]
    assert not failed
    assert check.exit_code(results) == 0
    skipped = [result.name for result in results if result.outcome == "skipped"]
    assert device.type == "cpu" or not skipped  # the CPU has no second device to move ids to


def test_every_task_has_a_wrong_answer_and_every_wrong_answer_is_checked():
    files = {path.name for path in WRONG_ANSWERS.glob("*.py")}
    assert files == set(EXPECTED_HINT)
    assert {name.split("_")[0] for name in files} == set(check.TASKS)


@pytest.mark.parametrize("name", sorted(EXPECTED_HINT))
def test_a_wrong_answer_differs_from_the_lesson_only_inside_its_solution_regions(name):
    lesson = SOLUTIONS[name.split("_")[0]]
    task = starters.task_of(lesson)
    wrong = (WRONG_ANSWERS / name).read_text()
    assert wrong != lesson.read_text()
    assert starters.starter(wrong, task) == starters.starter(lesson.read_text(), task)


@pytest.mark.parametrize("task", check.TASKS)
def test_every_check_has_a_hint_that_points_to_a_real_section(task):
    pages = nav_pages()
    for module_name in modules_of(task):
        tree = ast.parse((ROOT / "tests" / f"{module_name}.py").read_text())
        tests = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        tests = {name for name in tests if name.startswith("test_")}
        hints = importlib.import_module(module_name).HINTS
        assert set(hints) == tests, f"{module_name}: tests without a hint or hints without a test"
        for mistake, section in hints.values():
            assert mistake[0].isupper() or not mistake[0].isalpha(), mistake
            page, _, heading = section.partition(" › ")
            assert page in pages, f"{section}: no page {page!r} in the nav"
            if heading:
                text = (ROOT / "docs" / pages[page]).read_text().replace("`", "")
                assert f"\n## {heading}\n" in text, f"{section}: no such section"


def test_the_wrong_device_hint_points_to_a_real_page():
    assert check.WRONG_DEVICE[1] in nav_pages()


def test_details_add_pytests_own_report(capsys, request):
    on_the_cpu_only(request)
    code = check.main(["task4", str(WRONG_ANSWERS / "task4_plain_mean.py"), "--details"])
    printed = capsys.readouterr().out
    assert code == 1
    assert "def test_masked_mean_averages_only_real_tokens" in printed  # pytest's report
    assert "The mean counts the pads" in printed  # and still the hint


def test_the_captured_checker_outputs_are_what_it_prints(request):
    on_the_cpu_only(request)
    for name in checker_captures.CAPTURES:
        diff = checker_captures.drift(name, checker_captures.capture(name))
        assert not diff, f"{name} drifted; run: {checker_captures.REGENERATE}\n{diff}"


# Bad input: a clear error, exit code 2, and no check run.


def test_an_unknown_task_names_the_tasks(capsys):
    code, err = run_main(capsys, "task5", SOLUTIONS["task3"])
    assert code == 2
    assert re.search(r"invalid choice: 'task5' \(choose from .*task1.*task4.*advanced", err)


def test_a_missing_file_is_named(capsys, tmp_path):
    code, err = run_main(capsys, "task3", tmp_path / "my_task3.py")
    assert code == 2 and "there is no file" in err and "my_task3.py" in err


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


def test_cuda_without_a_gpu_is_refused_before_any_check(capsys):
    if torch_sees_cuda():
        pytest.skip("this machine has a GPU")
    code, err = run_main(capsys, "task3", SOLUTIONS["task3"], "--device", "cuda")
    assert code == 2 and "sees no CUDA GPU here" in err
