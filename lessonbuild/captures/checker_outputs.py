"""What the checker prints, captured for the Assignment page and checked for drift.

    python -m lessonbuild checker-outputs            # rewrite docs/outputs/checker/*.txt
    python -m lessonbuild checker-outputs --check    # print a diff, exit 1 if they drifted
    python -m lessonbuild checker-outputs --timings  # time check.py all: .../timings.txt

The timings, which the kit's README quotes, are measured only when asked for (best on a quiet
machine): they differ from run to run, so no test compares them.

Each capture runs the checker in this process, on the CPU, in a folder of files named as a
student would name them, and records the command and what it printed.
"""

import argparse
import contextlib
import datetime
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lessonbuild.core import committed
from lessonbuild.core.paths import OUTPUTS, ROOT, SNIPPET_DIR, STARTERS
from lessonbuild.kit import starters
from lessonbuild.kit.shipped import check

CAPTURES_DIR = OUTPUTS / "checker"
WRONG_ANSWERS = ROOT / "tests" / "machinery" / "wrong_answers"
REGENERATE = "nox -s outputs"
# capture name: (the arguments of check.py, {a file of the student's folder: its source})
CAPTURES = {
    "starter_task3": (["task3"], {"my_task3.py": STARTERS / "task3_manual_gather.py"}),
    "wrong_task4": (["task4"], {"my_task4.py": WRONG_ANSWERS / "task4_multiplies_by_the_mask.py"}),
    "hint_task4": (
        ["task4", "--hint"],
        {"my_task4.py": WRONG_ANSWERS / "task4_count_from_first_row.py"},
    ),
    "all": (
        ["all"],
        {
            "task1_basic_forward.py": STARTERS / "task1_basic_forward.py",
            "my_task2.py": SNIPPET_DIR / "task2_inputs_embeds.py",
            "my_task3.py": SNIPPET_DIR / "task3_manual_gather.py",
            "my_task4.py": WRONG_ANSWERS / "task4_count_from_first_row.py",
        },
    ),
}


def capture(name: str, folder: Path | None = None, more: tuple[str, ...] = ()) -> str:
    """`$ python check.py ARGS` in a folder of a student's files, then what the checker
    printed, and its exit code. With `folder`, the files stay there; `more` arguments run
    too but are not shown (--json writes a file and prints nothing more)."""
    args, files = CAPTURES[name]
    with contextlib.ExitStack() as stack:
        folder = folder or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        stack.enter_context(contextlib.chdir(folder))
        for student_name, source in files.items():
            # The file as students get it, in the kit or the notebook: without the `--8<--`
            # lines, so that line numbers in what the checker prints match their file.
            Path(student_name).write_text(starters.strip_sections(source.read_text()))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exit_code = check.main([*args, *more])
    text = printed.getvalue().replace(f"in {folder}", "in .").replace(str(folder) + "/", "")
    return f"$ python check.py {' '.join(args)}\n{text}$ echo $?\n{exit_code}\n"


def timings() -> str:
    """`python check.py all --times` on the lesson's solutions, each saved as my_<task>.py,
    in a fresh Python as a student runs it: the time of each task's checks, and of the whole
    command from start to exit."""
    with tempfile.TemporaryDirectory() as folder:
        for task, spec in check.TASKS.items():
            source = (SNIPPET_DIR / f"{spec.module}.py").read_text()
            (Path(folder) / f"my_{task}.py").write_text(starters.strip_sections(source))
        load = os.getloadavg()[0]
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, str(check.HERE / "check.py"), "all", "--times"],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
    if run.returncode != 0:
        raise RuntimeError(f"check.py all failed on the solutions:\n{run.stdout}{run.stderr}")
    seconds = dict(re.findall(r"^  (\w+) .* (\d+\.\d+) s$", run.stdout, re.M))
    lines = [f"{task}: {seconds[task]} s" for task in check.TASKS]
    return (
        "\n".join(
            [
                "$ python check.py all --times    # the lesson's solutions, on the CPU",
                *lines,
                f"checks of all tasks: {seconds['total']} s",
                f"whole command, start to exit: {wall:.1f} s",
                f"load average before the run: {load:.2f}, on {os.cpu_count()} CPUs",
                f"measured: {datetime.date.today().isoformat()}, torch {check.torch.__version__}",
            ]
        )
        + "\n"
    )


def drift(name: str, fresh: str) -> str:
    return committed.diff(CAPTURES_DIR / f"{name}.txt", fresh)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lessonbuild checker-outputs", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--timings", action="store_true", help="measure check.py all, only")
    args = parser.parse_args(argv)
    if args.timings:
        measured = timings()
        (CAPTURES_DIR / "timings.txt").write_text(measured)
        print(measured, end="")
        return 0
    return committed.write_or_check(
        {CAPTURES_DIR / f"{name}.txt": capture(name) for name in CAPTURES},
        check=args.check,
        what="docs/outputs/checker/",
        regenerate=REGENERATE,
    )
