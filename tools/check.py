"""Check your file for one task with the lesson's own tests.

    python check.py task3 my_task3.py                  # on the CPU
    python check.py task3 my_task3.py --device cuda    # on a GPU
    nox -s check -- task3 my_task3.py                  # the same, in the lesson's repository

The tests that check the lesson's own file for the task run with your file imported in its
place. One line per check; each failure names the likely mistake and the section of the
lesson that explains it. Exit code: 0 if every check passed, 1 if one did not, 2 for bad input.
Needs only torch and pytest.
"""

import argparse
import contextlib
import importlib.util
import re
import sys
import textwrap
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

HERE = Path(__file__).resolve().parent
# In the lesson's repository this file is tools/check.py; in the kit it sits beside tests/.
ROOT = HERE if (HERE / "tests" / "conftest.py").exists() else HERE.parent
TESTS = ROOT / "tests"
# The lesson's own task 1 builds the table that tasks 2 to 4 are checked on.
LESSON = TESTS / "lesson" if (TESTS / "lesson").is_dir() else ROOT / "snippets"
TABLE_MODULE = "task1_basic_forward"


@dataclass(frozen=True)
class Task:
    module: str  # the lesson file's module name, which the tests import
    tests: tuple[str, ...]  # the test modules that check it, in tests/
    names: tuple[str, ...]  # what the tests call: your file must define each


TASKS = {
    "task1": Task(
        "task1_basic_forward",
        ("test_task1_basic_forward.py", "test_task1_pad_gradient.py"),
        ("build_embed_tokens",),
    ),
    "task2": Task("task2_inputs_embeds", ("test_task2_inputs_embeds.py",), ("embed_forward",)),
    "task3": Task(
        "task3_manual_gather", ("test_task3_manual_gather.py",), ("manual_gather", "sheet_gather")
    ),
    "task4": Task("task4_batch_padding", ("test_task4_batch_padding.py",), ("masked_mean",)),
    "advanced": Task(
        "advanced_embedding_forward",
        ("test_advanced_embedding_forward.py",),
        ("EmbeddingForward", "sinusoidal_table"),
    ),
}


class BadInput(Exception):
    """The file cannot be checked at all; the message says why and what to do."""


@dataclass
class Result:
    """One check: a test of the lesson, run on your file."""

    test: str  # the test function: "test_masked_mean_averages_only_real_tokens"
    name: str  # readable: "masked mean averages only real tokens"
    device: str | None  # the device it ran on; None for a check that uses no device
    outcome: str = "passed"  # passed, failed or skipped
    not_implemented: bool = False
    hint: tuple[str, str] | None = None  # (the likely mistake, the lesson's section)
    error: str = ""  # what your code raised, when it was not the check's own assertion
    details: str = ""  # pytest's full report, for --details


@contextlib.contextmanager
def modules_restored(names):
    """Whatever sys.modules holds under these names now, it holds again afterwards."""
    saved = {name: sys.modules.get(name) for name in names}
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def frame_in(path: Path, tb) -> traceback.FrameSummary | None:
    """The last frame of a traceback that ran in the file at `path`, if any did."""
    frames = [frame for frame in traceback.extract_tb(tb) if Path(frame.filename) == path]
    return frames[-1] if frames else None


def load(path: Path, module_name: str):
    """Import a file under the module name that the lesson's tests import."""
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # as `import` does; some code looks itself up there
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        frame = frame_in(path, error.__traceback__)
        line = frame.lineno if frame else getattr(error, "lineno", None)  # SyntaxError has one
        where = f", line {line}" if line else ""
        raise BadInput(
            f"{path.name} cannot be imported ({type(error).__name__}{where}: {error}); "
            "fix that first, then check again"
        ) from None
    return module


def load_student_file(task_name: str, path: Path):
    task = TASKS[task_name]
    if not path.exists():
        raise BadInput(
            f"there is no file {path}: give the path of your {task_name} file, "
            f"for example {task.module}.py"
        )
    if not path.is_file() or path.suffix != ".py":
        raise BadInput(f"{path} is not a .py file: give the Python file you wrote {task_name} in")
    module = load(path.resolve(), task.module)
    missing = [name for name in task.names if not hasattr(module, name)]
    if missing:
        raise BadInput(
            f"{path.name} defines no {', '.join(missing)}, which the {task_name} checks call: "
            f"keep the names of the starter file ({', '.join(task.names)})"
        )
    return module


READABLE = {r"\bone d\b": "1-D", r"\btwo d\b": "2-D", r"\bpe\b": "PE", r"\blessons\b": "lesson's"}


def readable(item) -> str:
    """test_masked_mean_averages_only_real_tokens[cpu] -> 'masked mean averages only ...'."""
    name = item.originalname.removeprefix("test_").replace("_", " ")
    for pattern, words in READABLE.items():
        name = re.sub(pattern, words, name)
    params = getattr(getattr(item, "callspec", None), "params", {})
    shown = [f"{key}={value}" for key, value in params.items() if key != "device"]
    return f"{name} ({', '.join(shown)})" if shown else name


class Recorder:
    """A pytest plugin that keeps one Result per check of the student's file."""

    def __init__(self, path: Path):
        self.path = path.resolve()
        self.results: dict[str, Result] = {}
        self.collect_errors: list[str] = []

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(report.longreprtext)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        device = getattr(item, "callspec", None) and item.callspec.params.get("device")
        result = self.results.setdefault(
            item.nodeid, Result(item.originalname, readable(item), getattr(device, "type", None))
        )
        if report.skipped and result.outcome == "passed":
            result.outcome, result.error = "skipped", str(call.excinfo.value)
        elif report.failed and result.outcome != "failed":
            result.outcome, result.details = "failed", report.longreprtext
            self.explain(result, item, call.excinfo)
        return report

    def explain(self, result: Result, item, excinfo) -> None:
        error, frame = excinfo.value, frame_in(self.path, excinfo.tb)
        where = f" ({self.path.name}, line {frame.lineno})" if frame else ""
        if isinstance(error, NotImplementedError):
            result.not_implemented = True
            what = frame.name if frame else "your code"
            result.error = f"write {what} where its TODO says{where}"
            return
        if str(error).startswith("tensor on "):  # conftest's on_device: the wrong device
            result.hint = WRONG_DEVICE
        else:
            result.hint = getattr(item.module, "HINTS", {}).get(item.originalname)
        if not isinstance(error, AssertionError | pytest.fail.Exception):
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            result.error = f"{type(error).__name__}{where}: {first_line}"


WRONG_DEVICE = (
    "A tensor ended up on another device than the one checked: make each tensor on the device "
    "of the table or of the input (device=...), never on the default one",
    "Tasks",
)


LAST_FAILURE = ("last_type", "last_value", "last_traceback", "last_exc")
# Only the checks, printed our way: no terminal report, no cache folder, the repository's own
# pytest options left out, and none of the plugins that cost time on every run.
PYTEST_OPTIONS = ["-o", "addopts=", "-p", "no:terminal", "-p", "no:cacheprovider"]
PYTEST_OPTIONS += ["-p", "no:unraisableexception", "-p", "no:threadexception"]


def run_checks(task_name: str, path: Path, device: str = "cpu") -> list[Result]:
    """Run the lesson's tests for one task with the file at `path` in place of the lesson's."""
    task = TASKS[task_name]
    test_modules = [Path(name).stem for name in task.tests]
    recorder = Recorder(path)
    # pytest keeps the last failure's traceback in sys.last_* for post-mortem debugging; its
    # frames would keep the student's tensors (and a table) alive after the run.
    last = {name: getattr(sys, name, None) for name in LAST_FAILURE}
    with modules_restored({task.module, TABLE_MODULE, "conftest", *test_modules}):
        for name in test_modules:
            sys.modules.pop(name, None)  # so they import the file under check afresh
        if task.module != TABLE_MODULE:
            load(LESSON / f"{TABLE_MODULE}.py", TABLE_MODULE)
        load_student_file(task_name, path)
        args = [*(str(TESTS / name) for name in task.tests), f"--device={device}", *PYTEST_OPTIONS]
        exit_code = pytest.main(args, plugins=[recorder])
    for name, value in last.items():
        setattr(sys, name, value)
    if recorder.collect_errors or exit_code not in (0, 1) or not recorder.results:
        raise RuntimeError(
            f"pytest could not run the {task_name} checks (exit code {exit_code}):\n"
            + "\n".join(recorder.collect_errors)
        )
    return list(recorder.results.values())


def exit_code(results: list[Result]) -> int:
    """0 if every check passed (a skipped one is not a failure), else 1."""
    return 1 if any(result.outcome == "failed" for result in results) else 0


def indented(text: str, indent: str = "        ") -> list[str]:
    """Wrapped for an 80-column terminal, and for the code boxes of the site."""
    return textwrap.wrap(text, width=80, initial_indent=indent, subsequent_indent=indent)


def report(task_name: str, path: Path, device: str, results: list[Result], details=False) -> str:
    lines = [f"Checking {path.name} as {task_name}, with the lesson's tests, on {device}:", ""]
    for result in results:
        mark = {"passed": "pass", "failed": "FAIL", "skipped": "skip"}[result.outcome]
        lines.append(f"  {mark}  {result.name}")
        if result.outcome == "skipped":
            lines += indented(result.error)
        elif result.outcome == "failed" and result.not_implemented:
            lines += indented(f"not implemented yet: {result.error}")
        elif result.outcome == "failed":
            mistake, section = result.hint or ("this check has no hint yet: run with --details", "")
            lines += indented(mistake if mistake.endswith(("?", ".")) else f"{mistake}.")
            lines += indented(f"Read: {section}") if section else []
            if result.error:
                lines += indented(f"Your code raised {result.error}")
        if details and result.details:
            lines += ["", *("        " + line for line in result.details.splitlines()), ""]
    failed = [result for result in results if result.outcome == "failed"]
    todo = sum(result.not_implemented for result in failed)
    counted = [result for result in results if result.outcome != "skipped"]
    if not failed:
        summary = f"All {len(counted)} checks passed"
    else:
        summary = f"{len(counted) - len(failed)} of {len(counted)} checks passed"
        summary += f"; {todo} not implemented yet" if todo else ""
    skipped = len(results) - len(counted)
    summary += f" ({skipped} skipped)." if skipped else "."
    return "\n".join([*lines, "", summary]) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["quiz"]:  # `check.py quiz answers.md`: the quiz has its own grader
        import quiz_grader

        return quiz_grader.main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="check.py",
        description="Check your file for one task with the lesson's own tests.",
        epilog="Exit code: 0 if every check passed, 1 if one did not, 2 for bad input.",
    )
    parser.add_argument("task", choices=TASKS, help="which task the file solves")
    parser.add_argument("file", type=Path, help="your .py file for that task")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="default: cpu")
    parser.add_argument(
        "--details", action="store_true", help="also print pytest's full report of each failure"
    )
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error(
            f"--device cuda: torch {torch.__version__} sees no CUDA GPU here; "
            "check on the CPU, or on a machine with a GPU and a CUDA build of torch"
        )
    try:
        results = run_checks(args.task, args.file, args.device)
    except BadInput as error:
        parser.error(str(error))
    print(report(args.task, args.file, args.device, results, args.details), end="")
    return exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
