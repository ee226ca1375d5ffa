"""What the checker prints, captured for the Assignment page and checked for drift.

    python tools/checker_captures.py           # rewrite docs/outputs/checker/*.txt
    python tools/checker_captures.py --check   # print a diff and exit 1 if they drifted

Each capture runs the checker in this process, on the CPU, on a copy of a file named as a
student would name it, and records the command and what it printed.
"""

import argparse
import contextlib
import io
import sys
import tempfile
from pathlib import Path

import check
import starters
from outputs import diff_with_committed

ROOT = Path(__file__).resolve().parent.parent
CAPTURES_DIR = ROOT / "docs" / "outputs" / "checker"
WRONG_ANSWERS = ROOT / "tests" / "wrong_answers"
REGENERATE = "nox -s outputs"
# capture name: (task, the file checked, the name a student gives it)
CAPTURES = {
    "starter_task3": ("task3", starters.STARTERS / "task3_manual_gather.py", "my_task3.py"),
    "wrong_task4": ("task4", WRONG_ANSWERS / "task4_multiplies_by_the_mask.py", "my_task4.py"),
    "solution_task4": ("task4", check.LESSON / "task4_batch_padding.py", "my_task4.py"),
}


def capture(name: str) -> str:
    """`$ python check.py TASK FILE`, then what the checker printed, and its exit code."""
    task, source, student_name = CAPTURES[name]
    with tempfile.TemporaryDirectory() as folder:
        # The file as students get it, in the kit or the notebook: without the `--8<--`
        # lines, so that line numbers in what the checker prints match their file.
        copy = Path(folder) / student_name
        copy.write_text(starters.strip_sections(source.read_text()))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exit_code = check.main([task, str(copy)])
    command = f"$ python check.py {task} {student_name}"
    return (
        f"{command}\n{printed.getvalue().replace(str(copy), student_name)}$ echo $?\n{exit_code}\n"
    )


def drift(name: str, fresh: str) -> str:
    return diff_with_committed(CAPTURES_DIR / f"{name}.txt", fresh)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    failed = False
    for name in CAPTURES:
        fresh = capture(name)
        if args.check:
            diff = drift(name, fresh)
            print(f"{'DRIFT' if diff else 'same '} {name}\n{diff}", end="" if diff else "")
            failed |= bool(diff)
        else:
            CAPTURES_DIR.mkdir(parents=True, exist_ok=True)
            (CAPTURES_DIR / f"{name}.txt").write_text(fresh)
            print(f"wrote {(CAPTURES_DIR / f'{name}.txt').relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
