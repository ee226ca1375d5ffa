"""Check your files for the assignment with the lesson's own tests, and score them.

    python check.py task3                    # your task 3 file in this folder
    python check.py task3 path/to/mine.py    # a file of your choice
    python check.py all                      # every task in this folder, and the score
    python check.py all FOLDER --json results.json   # and Gradescope's results.json
    python check.py task4 -k pad             # only the checks whose names hold "pad"

Which file is a task's: my_<task>.py (my_task1.py ... my_task4.py, my_advanced.py, as the
notebook writes them) if the folder has one, else the starter's own name, edited in place
(task1_basic_forward.py ...). A task with neither scores 0.

The tests that check the lesson's own file for a task run with your file imported in its
place. One line and one point per check; a failed check says what it expected and what came
back, the idea it tests and the section of the lesson that teaches it (--hint adds a hint at
the code). Tests of the lesson's own code are left out: they would grade nothing you wrote.
Exit code: 0 if every check passed, 1 if one did not, 2 for bad input.
Needs torch, pytest and hypothesis. In the lesson's repository: nox -s check -- task3 FILE.
"""

import _thread
import argparse
import contextlib
import importlib.util
import json
import os
import re
import signal
import sys
import textwrap
import threading
import time
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import torch

HERE = Path(__file__).resolve().parent
# In the kit this file sits beside tests/, which holds the lesson's tests; in the lesson's
# repository it is kit/check.py, and they sit in tests/lesson/.
IN_KIT = (HERE / "tests" / "conftest.py").exists()
TESTS = HERE / "tests" if IN_KIT else HERE.parent / "tests" / "lesson"
TIMEOUT = 60.0  # seconds per check, table build included


@dataclass(frozen=True)
class Task:
    module: str  # the lesson file's module name, which the tests import; the starter's name
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


@dataclass(frozen=True)
class Hint:
    concept: str  # the idea the check tests: always printed
    section: str = ""  # "Page › Section" of the lesson that teaches it
    code: str = ""  # a hint at the code: printed with --hint


# What every check expects of every function; the Assignment page's section says why.
CONTRACTS = "Assignment › What every check expects"
WRONG_DEVICE = Hint(
    "A tensor ended up on another device than the one checked: each tensor a function makes "
    "belongs on the device of its input, or of its device argument, never on the default one",
    CONTRACTS,
    "device=input.device, or torch.zeros_like(input) and input.new_zeros(...)",
)
# A hint chosen by the kind of failure (tests/expect.py names the kinds), unless the check
# has a hint of its own for that kind.
KIND_HINTS = {
    "device": WRONG_DEVICE,
    "dtype": Hint(
        "The dtype is not the one expected: a function keeps the dtype it is given (float32 "
        "in, float32 out; bfloat16 in, bfloat16 out), and torch quietly promotes a result "
        "when a float64 or float32 tensor meets one of lower precision",
        CONTRACTS,
        "look for .double() or .float(), a dtype= argument, or a division by a float count",
    ),
    "mutated": Hint(
        "Your function changed a tensor it was given: the caller still holds that tensor and "
        "expects it as it was. Operations whose names end in _ (and +=, or an assignment into "
        "a slice) write into the caller's tensor",
        CONTRACTS,
        "use the out-of-place form (masked_fill, not masked_fill_), or work on a copy",
    ),
    "timeout": Hint(
        "The check did not finish in time: a loop that never ends, or work that grows far "
        "faster than the input",
        CONTRACTS,
    ),
}
# Errors that say what went wrong better than the check's own hint: (pattern, hint).
KNOWN_ERRORS = [
    (
        r"Boolean value of Tensor with more than one (value|element) is ambiguous",
        Hint(
            "`if tensor:` asks a tensor of many numbers for one truth value, which it does not "
            "have: to ask whether an argument was given, compare it with None",
            "Theory › Theory 4: why both inputs, or neither, raise ValueError",
            "`x is not None` asks whether an argument x was given",
        ),
    ),
    # torch's own error when tensors meet across devices; a check's (expect.WrongDevice) is
    # known by its kind, "device", never by its words
    (r"Expected all tensors to be on the same device", WRONG_DEVICE),
    (
        r"Index is supposed to be a vector",
        Hint(
            "index_select picks rows with a 1-D index, one row per number; the ids of a batch "
            "are 2-D, (B, T)",
            "Assignment › Task 3: the gather by hand",
            "flatten the ids for index_select, then give the rows the shape (B, T, D)",
        ),
    ),
    (
        r"view size is not compatible with input tensor's size and stride",
        Hint(
            "view only relabels numbers that lie in one run of memory; this tensor's do not",
            "Assignment › Task 3: the gather by hand",
            "reshape works on any tensor, copying only when it must",
        ),
    ),
    (
        r"expected (m1 and m2|mat1 and mat2) to have the same dtype|expected scalar type",
        Hint(
            "A matmul needs both operands in one dtype: one-hot vectors come out of F.one_hot "
            "as int64",
            "Theory › Theory 1: the lookup, as row selection and as a matmul",
            "convert the one-hot matrix to the weight's dtype before the product",
        ),
    ),
]


class BadInput(Exception):
    """The file cannot be checked at all; the message says why and what to do."""


class CheckTimedOut(BaseException):
    """Raised in a check that ran past its time. Not an Exception, so that no `except
    Exception` in the code under check, or in a test, can swallow it."""


class NoFile(NotImplementedError):
    """What the stand-in for a task without a usable file raises in every check."""


@dataclass
class Result:
    """One check: a test of the lesson, run on your file."""

    task: str
    test: str  # the test function: "test_masked_mean_averages_only_real_tokens"
    name: str  # readable: "masked mean averages only real tokens"
    device: str | None  # the device it ran on; None for a check that uses no device
    outcome: str = "passed"  # passed, failed or skipped
    not_implemented: str = ""  # what to write, when the check stopped at a TODO
    kind: str = ""  # what failed: a kind of tests/expect.py, "error" or "timeout"
    lines: list[str] = field(default_factory=list)  # what was expected, what came back
    example: str = ""  # for a property check: the smallest case that fails
    hint: Hint | None = None
    error: str = ""  # what your code raised, where: only when your file raised it
    reason: str = ""  # why a check was skipped
    details: str = ""  # pytest's full report, for --details

    @property
    def points(self) -> int:
        return int(self.outcome == "passed")

    @property
    def max_points(self) -> int:
        return int(self.outcome != "skipped")


@dataclass
class TaskRun:
    """Every check of one task, on one file."""

    task: str
    path: Path | None  # the file checked; None when there was none to check
    results: list[Result]
    problem: str = ""  # why the task could not be checked (no file, no import)
    seconds: float = 0.0

    @property
    def points(self) -> int:
        return sum(result.points for result in self.results)

    @property
    def max_points(self) -> int:
        return sum(result.max_points for result in self.results)


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


@contextlib.contextmanager
def lesson_device(value: str):
    """LESSON_DEVICE set while a file is imported: its DEVICE default, which the checks never
    run on, so code that falls back on it instead of its argument fails on any machine."""
    saved = os.environ.get("LESSON_DEVICE")
    os.environ["LESSON_DEVICE"] = value
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("LESSON_DEVICE", None)
        else:
            os.environ["LESSON_DEVICE"] = saved


def frames_in(path: Path, error: BaseException) -> list[traceback.FrameSummary]:
    """The frames of an error's traceback (and of the errors it came from) in `path`."""
    frames, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        frames += [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == path]
        error = error.__cause__ or error.__context__
    return frames


def load(path: Path, module_name: str):
    """Import a file under the module name that the lesson's tests import."""
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # as `import` does; some code looks itself up there
    try:
        with lesson_device("meta"):
            spec.loader.exec_module(module)
    except Exception as error:
        frames = frames_in(path, error)
        line = frames[-1].lineno if frames else getattr(error, "lineno", None)  # SyntaxError
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
            f"for example my_{task_name}.py"
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


def stand_in(task_name: str, problem: str):
    """A module with the task's names, each raising NoFile, in place of a file that is missing
    or cannot be imported: the tests import it, and their checks are counted, not run."""
    task = TASKS[task_name]
    module = types.ModuleType(task.module)

    def missing(*args, **kwargs):
        raise NoFile(problem)

    for name in task.names:
        if name[:1].isupper():  # a class: building it fails
            setattr(module, name, type(name, (), {"__init__": missing}))
        else:
            setattr(module, name, missing)
    sys.modules[task.module] = module
    return module


def find_file(task_name: str, folder: Path) -> Path | None:
    """my_<task>.py in the folder, else the starter's own name there, else None."""
    for name in (f"my_{task_name}.py", f"{TASKS[task_name].module}.py"):
        if (folder / name).is_file():
            return folder / name
    return None


READABLE = {
    r"\bone d\b": "1-D",
    r"\btwo d\b": "2-D",
    r"\bpe\b": "PE",
    r"\blessons\b": "lesson's",
    r"\bn 0 1\b": "N(0, 1)",
}


def readable(item) -> str:
    """test_masked_mean_averages_only_real_tokens[cpu] -> 'masked mean averages only ...'."""
    name = item.originalname.removeprefix("test_").replace("_", " ")
    for pattern, words in READABLE.items():
        name = re.sub(pattern, words, name)
    params = getattr(getattr(item, "callspec", None), "params", {})
    shown = [
        f"{key}={str(value).removeprefix('torch.')}"
        for key, value in params.items()
        if key != "device"
    ]
    return f"{name} ({', '.join(shown)})" if shown else name


class Watchdog:
    """Stops a check that runs past its time: a timer interrupts the main thread, and this
    SIGINT handler turns the interrupt into CheckTimedOut inside the check (a real Ctrl-C
    still stops the run). Python code is stopped at once, a torch call when it returns. The
    interrupt comes again each second until the check ends, in case code that swallows
    errors (a garbage-collector callback, say) caught it."""

    REPEAT = 1.0  # seconds between interrupts once the time is up

    def __init__(self, seconds: float | None):
        self.seconds = seconds if seconds and seconds > 0 else None
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()
        self.checking = False  # inside a check, with a timer running
        self.fired = False  # the time is up for the check that runs now
        self.previous = None

    def install(self):
        if self.seconds and threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self.on_sigint)
        return self

    def uninstall(self):
        self.disarm()
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
            self.previous = None

    def on_sigint(self, signum, frame):
        if not self.fired:
            raise KeyboardInterrupt  # a real Ctrl-C
        if self.checking:
            raise CheckTimedOut(f"stopped after {self.seconds:g} s")
        # the time ran out as the check ended: nothing left to stop

    def start_timer(self, seconds: float):
        self.timer = threading.Timer(seconds, self.fire)
        self.timer.daemon = True
        self.timer.start()

    def fire(self):
        with self.lock:
            if not self.checking:
                return
            self.fired = True
            self.start_timer(self.REPEAT)
        _thread.interrupt_main(signal.SIGINT)

    @contextlib.contextmanager
    def armed(self):
        if self.previous is None:
            yield
            return
        with self.lock:
            self.checking, self.fired = True, False
            self.start_timer(self.seconds)
        try:
            yield
        finally:
            self.disarm()

    def disarm(self):
        with self.lock:
            self.checking = False
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None


class Recorder:
    """A pytest plugin that keeps one Result per check of the student's file."""

    def __init__(self, task, path: Path | None, watchdog: Watchdog, problem="", details=False):
        self.task = task
        self.details = details
        self.path = path.resolve() if path else None
        self.problem = problem  # why there is no file to check, if there is none
        self.watchdog = watchdog
        self.results: dict[str, Result] = {}
        self.order: dict[str, int] = {}
        self.collect_errors: list[str] = []

    def pytest_configure(self, config):
        # pytest's own report of a failure shows the source of every frame, which takes
        # time to write: Python's plain traceback will do unless --details asks for it.
        config.option.tbstyle = "long" if self.details else "native"

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(report.longreprtext)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items):
        # pytest runs the checks grouped by device; they are reported in the tests' order.
        self.order = {item.nodeid: n for n, item in enumerate(items)}

    def pytest_collection_finish(self, session):
        """With nothing to check (no file, or one that cannot be imported), each check is
        failed as collected, not run: it would only raise NoFile."""
        if self.problem:
            for item in session.items:
                device = getattr(item, "callspec", None) and item.callspec.params.get("device")
                device = getattr(device, "type", None)
                result = Result(self.task, item.originalname, readable(item), device)
                skip = item.get_closest_marker("skip_on_cpu")
                if skip and device == "cpu":  # as conftest.py would skip it
                    result.outcome, result.reason = "skipped", skip.args[0]
                else:
                    result.outcome, result.not_implemented = "failed", self.problem
                self.results[item.nodeid] = result

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item):
        with self.watchdog.armed():
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        with self.watchdog.armed():
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        device = getattr(item, "callspec", None) and item.callspec.params.get("device")
        result = self.results.setdefault(
            item.nodeid,
            Result(self.task, item.originalname, readable(item), getattr(device, "type", None)),
        )
        if report.skipped and result.outcome == "passed":
            result.outcome = "skipped"
            result.reason = getattr(call.excinfo.value, "msg", str(call.excinfo.value))
        elif report.failed and result.outcome != "failed":
            result.outcome, result.details = "failed", report.longreprtext
            self.explain(result, item, call.excinfo.value)
        return report

    def explain(self, result: Result, item, error: BaseException) -> None:
        if isinstance(error, NoFile):
            result.not_implemented = str(error)
            return
        frames = frames_in(self.path, error) if self.path else []
        last = traceback.extract_tb(error.__traceback__)[-1:]
        raised_here = bool(frames) and bool(last) and Path(last[0].filename) == self.path
        said = str(error).strip()
        if isinstance(error, NotImplementedError) and raised_here:
            if not said or "not implemented" in said:  # a TODO of the starter's, not torch's
                result.not_implemented = (
                    f"write {last[0].name} where its TODO says "
                    f"({self.path.name}, line {last[0].lineno})"
                )
                return
        result.example = getattr(error, "example", "")
        if isinstance(error, CheckTimedOut):
            result.kind = "timeout"
            result.lines = [f"{error} (--timeout; the default is {TIMEOUT:g} s)"]
        elif hasattr(error, "kind") and hasattr(error, "lines"):  # tests/expect.py's Mismatch
            result.kind, result.lines = error.kind, list(error.lines)
        elif isinstance(error, AssertionError):
            result.kind = "values"
            result.lines = [line for line in said.splitlines() if line.strip()][:2]
        else:
            result.kind = "error"
            if not frames:  # the check's own code stopped, on what your code returned
                first = said.splitlines()[0] if said else ""
                result.lines = [f"the check could not use the result: {type(error).__name__}"]
                result.lines[0] += f": {first}" if first else ""
        if frames and result.kind == "error":  # your file raised it, or a call it made
            raised = error.__cause__ if error.__cause__ is not None else error
            text = str(raised).strip()
            line = (frames_in(self.path, raised) or frames)[-1].lineno
            result.error = f"{type(raised).__name__} ({self.path.name}, line {line})"
            result.error += f": {text.splitlines()[0]}" if text else ""
        result.hint = choose_hint(item, result, error)


def marker_hints(item) -> list[tuple[tuple[str, ...], Hint]]:
    """(kinds, hint) for each hint marker of a test: the kinds of failure it is for (`when`),
    none for the test's default hint."""
    hints = []
    for mark in item.iter_markers("hint"):
        when = mark.kwargs.get("when", ())
        kinds = (when,) if isinstance(when, str) else tuple(when)
        hint = Hint(mark.args[0], mark.kwargs.get("section", ""), mark.kwargs.get("code", ""))
        hints.append((kinds, hint))
    return hints


def choose_hint(item, result: Result, error: BaseException) -> Hint | None:
    """The hint for what failed: the check's own for that kind of failure, else a known
    error's, else the kind's (dtype, mutated, device, timeout), else the check's default."""
    hints = marker_hints(item)
    for kinds, hint in hints:
        if result.kind in kinds:
            return hint
    if result.kind in ("error", "message", "timeout"):
        raised = error.__cause__ if error.__cause__ is not None else error
        for pattern, hint in KNOWN_ERRORS:
            if re.search(pattern, str(raised)):
                return hint
    if result.kind in KIND_HINTS:
        return KIND_HINTS[result.kind]
    defaults = [hint for kinds, hint in hints if not kinds] or [hint for _, hint in hints]
    return defaults[0] if defaults else None


# Only the checks, printed our way: no terminal report, no cache folder, the repository's own
# pytest options left out, and none of the plugins that cost time on every run.
PYTEST_OPTIONS = ["-o", "addopts=", "-p", "no:terminal", "-p", "no:cacheprovider"]
PYTEST_OPTIONS += ["-p", "no:unraisableexception", "-p", "no:threadexception", "-m", "not lesson"]
LAST_FAILURE = ("last_type", "last_value", "last_traceback", "last_exc")


def run_checks(
    task_name: str,
    path: Path | None,
    device: str = "cpu",
    timeout: float | None = TIMEOUT,
    only: str = "",
) -> list[Result]:
    """Run the lesson's tests for one task with the file at `path` in place of the lesson's
    (or, with path None, with a stand-in that fails every check)."""
    return run_task(task_name, path, device, timeout, only=only).results


def run_task(
    task_name: str,
    path: Path | None,
    device: str = "cpu",
    timeout: float | None = TIMEOUT,
    problem: str = "",
    only: str = "",
    details: bool = False,
) -> TaskRun:
    """`only`: run just the checks whose names pytest's -k expression selects; `details`:
    keep pytest's own report of each failure."""
    task = TASKS[task_name]
    test_modules = [Path(name).stem for name in task.tests]
    watchdog = Watchdog(timeout)
    if path is None:
        problem = problem or f"no file for {task_name}"
    recorder = Recorder(task_name, path, watchdog, problem, details)
    # pytest keeps the last failure's traceback in sys.last_* for post-mortem debugging; its
    # frames would keep the student's tensors (and a table) alive after the run.
    last = {name: getattr(sys, name, None) for name in LAST_FAILURE}
    started = time.perf_counter()
    with modules_restored({task.module, "conftest", *test_modules}):
        for name in test_modules:
            sys.modules.pop(name, None)  # so they import the file under check afresh
        if path is None:
            stand_in(task_name, problem)  # so that the tests import; none of them runs
        else:
            load_student_file(task_name, path)
        args = [*(str(TESTS / name) for name in task.tests), f"--device={device}", *PYTEST_OPTIONS]
        args += ["-k", only] if only else []
        args += ["--collect-only"] if path is None else []
        watchdog.install()
        try:
            exit_code = pytest.main(args, plugins=[recorder])
        finally:
            watchdog.uninstall()
    for name, value in last.items():
        setattr(sys, name, value)
    if only and exit_code == 5:  # pytest's "no tests ran"
        raise BadInput(f"-k {only!r} selects none of the {task_name} checks")
    if recorder.collect_errors or exit_code not in (0, 1) or not recorder.results:
        raise RuntimeError(
            f"pytest could not run the {task_name} checks (exit code {exit_code}):\n"
            + "\n".join(recorder.collect_errors)
        )
    seconds = time.perf_counter() - started
    ordered = sorted(recorder.results.items(), key=lambda kept: recorder.order.get(kept[0], 0))
    return TaskRun(task_name, path, [result for _, result in ordered], problem, seconds)


def run_all(
    folder: Path, device: str = "cpu", timeout: float | None = TIMEOUT, details: bool = False
) -> list[TaskRun]:
    """Every task, on its file in `folder`; a task whose file is missing or cannot be
    imported is run on a stand-in, so that it scores 0 of its points."""
    runs = []
    for task_name, task in TASKS.items():
        path = find_file(task_name, folder)
        if path is None:
            looked = f"my_{task_name}.py or {task.module}.py"
            runs.append(run_task(task_name, None, device, timeout, f"no file: no {looked}"))
            continue
        try:
            runs.append(run_task(task_name, path, device, timeout, details=details))
        except BadInput as error:
            runs.append(run_task(task_name, None, device, timeout, str(error)))
    return runs


def exit_code(results: list[Result]) -> int:
    """0 if every check passed (a skipped one is not a failure), else 1."""
    return 1 if any(result.outcome == "failed" for result in results) else 0


def indented(text: str, indent: str = " " * 14) -> list[str]:
    """Wrapped for an 80-column terminal, and for the code boxes of the site."""
    return textwrap.wrap(
        text, width=80, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


def sentence(text: str) -> str:
    return text if text.endswith(("?", ".", "!")) else f"{text}."


def explanation(result: Result, hint_code: bool) -> list[str]:
    """What is printed under a failed check (not one that is merely not implemented)."""
    lines = []
    if result.example:
        lines += indented(f"smallest failing case: {result.example}")
    for line in result.lines[:2]:
        lines += indented(line)
    if result.error:
        lines += indented(f"Your code raised {result.error}")
    hint = result.hint or Hint("This check has no hint yet: run with --details")
    lines += indented(sentence(hint.concept))
    if hint_code and hint.code:
        lines += indented(f"Hint: {hint.code}")
    if hint.section:
        lines += indented(f"Read: {hint.section}")
    return lines


def check_lines(run: TaskRun, hint_code=False, details=False) -> list[str]:
    """One line per check, what failed under it; a run of checks that stopped at the same
    TODO says what to write once, after the last of them."""
    lines, results = [], run.results
    for n, result in enumerate(results):
        mark = {"passed": "pass", "failed": "FAIL", "skipped": "skip"}[result.outcome]
        points = f"{result.points}/{result.max_points}" if result.max_points else " - "
        lines += textwrap.wrap(
            f"  {mark}  {points:>4}  {result.name}", width=80, subsequent_indent=" " * 14
        )
        if result.outcome == "skipped":
            lines += indented(result.reason)
        elif result.not_implemented:
            following = results[n + 1] if n + 1 < len(results) else None
            if following is None or following.not_implemented != result.not_implemented:
                lines += indented(f"not implemented yet: {result.not_implemented}")
        elif result.outcome == "failed":
            lines += explanation(result, hint_code)
        if details and result.details:
            lines += ["", *("        " + line for line in result.details.splitlines()), ""]
    return lines


def summary(results: list[Result]) -> str:
    failed = [result for result in results if result.outcome == "failed"]
    counted = [result for result in results if result.outcome != "skipped"]
    todo = sum(bool(result.not_implemented) for result in failed)
    points = f"{sum(r.points for r in results)}/{sum(r.max_points for r in results)} points"
    if not failed:
        text = f"All {len(counted)} checks passed, {points}"
    else:
        text = f"{len(counted) - len(failed)} of {len(counted)} checks passed, {points}"
        text += f"; {todo} not implemented yet" if todo else ""
    skipped = [result for result in results if result.outcome == "skipped"]
    return text + (f" ({len(skipped)} skipped)." if skipped else ".")


def advice(results: list[Result], hint_code: bool) -> list[str]:
    if not any(r.outcome == "failed" and not r.not_implemented for r in results):
        return []
    if hint_code:
        return ["Stuck? --details adds pytest's own report of each failure."]
    return ["Stuck? --hint adds a hint at the code; --details, pytest's own report."]


def report(task_name, path, device, results, details=False, hint_code=False) -> str:
    """What `check.py TASK FILE` prints."""
    run = TaskRun(task_name, path, results)
    lines = [f"Checking {path.name} as {task_name}, with the lesson's tests, on {device}:", ""]
    lines += check_lines(run, hint_code, details)
    lines += ["", summary(results), *advice(results, hint_code)]
    return "\n".join(lines) + "\n"


def score_table(runs: list[TaskRun], times=False) -> list[str]:
    lines = ["Score, one point per check:", ""]
    for run in runs:
        name = run.path.name if run.path else "-"
        note = ""
        if run.problem:
            note = "no file" if run.problem.startswith("no file") else "cannot be checked"
        elif (
            run.results
            and all(r.not_implemented for r in run.results if r.outcome == "failed")
            and any(r.outcome == "failed" for r in run.results)
        ):
            note = "not implemented yet"
        took = f"{run.seconds:6.2f} s" if times else ""
        points = f"{run.points}/{run.max_points}"
        lines.append(f"  {run.task:<9} {name:<32} {points:>7}  {took}{note}".rstrip())
    total = f"{sum(r.points for r in runs)}/{sum(r.max_points for r in runs)}"
    took = f"{sum(r.seconds for r in runs):6.2f} s" if times else ""
    lines.append(f"  {'total':<9} {'':<32} {total:>7}  {took}".rstrip())
    return lines


def report_all(folder, device, runs, details=False, hint_code=False, times=False) -> str:
    """What `check.py all` prints: each task's checks, then the score table."""
    lines = [f"Checking every task in {folder}, with the lesson's tests, on {device}:"]
    for run in runs:
        lines += ["", f"{run.task}: {run.path.name if run.path else '-'}"]
        if run.problem:
            lines += indented(f"0 of {run.max_points} checks: {run.problem}", "  ")
            continue
        lines += check_lines(run, hint_code, details)
    results = [result for run in runs for result in run.results]
    lines += ["", *score_table(runs, times), "", summary(results), *advice(results, hint_code)]
    return "\n".join(lines) + "\n"


def gradescope(runs: list[TaskRun], seconds: float) -> dict:
    """Gradescope's results.json: one test per check, its score, and what check.py prints
    under it as its output."""
    tests = []
    for number, run in enumerate(runs, start=1):
        for index, result in enumerate(run.results, start=1):
            if run.problem:
                output = run.problem
            elif result.outcome == "skipped":
                output = f"skipped: {result.reason}"
            elif result.not_implemented:
                output = f"not implemented yet: {result.not_implemented}"
            elif result.outcome == "failed":
                output = "\n".join(line.strip() for line in explanation(result, False))
            else:
                output = ""
            tests.append(
                {
                    "name": f"{run.task}: {result.name}",
                    "number": f"{number}.{index}",
                    "score": result.points,
                    "max_score": result.max_points,
                    "status": "failed" if result.outcome == "failed" else "passed",
                    "output": output,
                    "visibility": "visible",
                }
            )
    table = "\n".join(line.strip() for line in score_table(runs))
    return {
        "score": sum(run.points for run in runs),
        "execution_time": round(seconds),
        "output": f"{table}\n\nThe written answers (answers.md) are not part of this score.",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="check.py",
        description="Check your files for the assignment with the lesson's own tests.",
        epilog="A task's file: my_<task>.py, else the starter's name. "
        "Exit code: 0 if every check passed, 1 if one did not, 2 for bad input.",
    )
    parser.add_argument("task", choices=[*TASKS, "all"], help="which task, or all of them")
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="your file for that task (default: found in this folder); "
        "for all: the folder (default: this one)",
    )
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="default: cpu")
    parser.add_argument("--hint", action="store_true", help="add a hint at the code")
    parser.add_argument("--details", action="store_true", help="add pytest's report of failures")
    parser.add_argument(
        "--timeout", type=float, default=TIMEOUT, help=f"seconds per check (default {TIMEOUT:g})"
    )
    parser.add_argument(
        "-k",
        dest="only",
        default="",
        metavar="WORDS",
        help="only the checks whose names match, as pytest's -k (e.g. -k 'pad and not nan')",
    )
    parser.add_argument("--times", action="store_true", help="say how long each task took")
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help="with all: write Gradescope's results.json"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Subcommands other than checks go here, before the checks' own arguments are read.
    if argv[:1] == ["quiz"]:  # `check.py quiz answers.md`: the quiz has its own grader
        import quiz_grader

        return quiz_grader.main(argv[1:])
    cli = parser()
    args = cli.parse_args(argv)
    if importlib.util.find_spec("hypothesis") is None:
        cli.error("the checks need hypothesis as well as torch and pytest: pip install hypothesis")
    if args.device == "cuda" and not torch.cuda.is_available():
        cli.error(
            f"--device cuda: torch {torch.__version__} sees no CUDA GPU here; "
            "check on the CPU, or on a machine with a GPU and a CUDA build of torch"
        )
    if args.json and args.task != "all":
        cli.error("--json goes with all: python check.py all --json results.json")
    if args.only and args.task == "all":
        cli.error("-k goes with one task: python check.py task4 -k 'pad'")
    if args.task == "all":
        return main_all(cli, args)
    path = args.path
    if path is None:
        path = find_file(args.task, Path.cwd())
        if path is None:
            cli.error(
                f"no file for {args.task} here: neither my_{args.task}.py nor "
                f"{TASKS[args.task].module}.py; give its path: python check.py {args.task} FILE"
            )
    try:
        run = run_task(
            args.task, path, args.device, args.timeout, only=args.only, details=args.details
        )
    except BadInput as error:
        cli.error(str(error))
    printed = report(args.task, path, args.device, run.results, args.details, args.hint)
    if args.times:
        printed += f"Checked in {run.seconds:.2f} s.\n"
    print(printed, end="")
    return exit_code(run.results)


def main_all(cli, args) -> int:
    folder = args.path or Path.cwd()
    if not folder.is_dir():
        cli.error(f"{folder} is not a folder: give the folder that holds your files")
    started = time.perf_counter()
    runs = run_all(folder, args.device, args.timeout, args.details)
    seconds = time.perf_counter() - started
    print(report_all(folder, args.device, runs, args.details, args.hint, args.times), end="")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(gradescope(runs, seconds), indent=2) + "\n")
    return exit_code([result for run in runs for result in run.results])


if __name__ == "__main__":
    sys.exit(main())
