"""Turn each task snippet into a starter file: the same file, its solution regions left to do.

A solution region is marked inside a snippet with a pair of section lines that the site never
shows (pymdownx.snippets drops every `--8<--` section line from what it includes). The comment
paragraph right under the start line says what to write; a bare `#` line or the first line of
code ends it, so the code may open with comments of its own:

    # --8<-- [start:solution]
    # look the ids up, then ...
    # ... and return them
    #
    # a comment of the lesson's code
    ...the lesson's code...
    # --8<-- [end:solution]

In the starter the region becomes a TODO with that paragraph and a `raise NotImplementedError`
that names the task and the function. Starters are generated into kit/starters/, never edited:

    python -m lessonbuild starters           # write kit/starters/*.py from snippets/
    python -m lessonbuild starters --check   # exit 1 with a diff if kit/starters/ is out of date

The checker's known wrong answers and right answers written another way
(tests/machinery/wrong_answers, tests/machinery/right_answers) are copies of a snippet that differ
only inside its solution regions. After a snippet changes outside them, bring the copies up to
date, each keeping its own code:

    python -m lessonbuild starters --variants
"""

import argparse
import re
import textwrap
from pathlib import Path

from lessonbuild.core import committed, registry
from lessonbuild.core.paths import ROOT, STARTERS

VARIANTS = [ROOT / "tests" / "machinery" / kind for kind in ("wrong_answers", "right_answers")]
REGENERATE = "python -m lessonbuild starters"
# The section-line syntax of pymdownx.snippets: the site drops every such line it includes.
SECTION_LINE = re.compile(
    r"^(?P<indent>[ \t]*)# --8<-- \[(?P<kind>start|end):(?P<name>[a-z][-_0-9a-z]*)\] ?(?P<text>.*)$"
)
# A comment line with text: a bare `#` (or `# `) ends the paragraph that says what to write.
COMMENT_TEXT = re.compile(r"^[ \t]*# (?P<text>.*\S.*)$")
DEFINITION = re.compile(r"^(?P<indent>[ \t]*)(?:def|class) (?P<name>\w+)")
WIDTH = 80  # as the snippets: the site shows starters too, and they pass lint


def task_of(path: Path) -> str:
    """task3_manual_gather.py -> task3; advanced_embedding_forward.py -> advanced."""
    return path.stem.split("_")[0]


def enclosing_name(lines: list[str], indent: str) -> str:
    """The qualified name of the def (and class) that the region at `indent` sits in."""
    names, depth = [], len(indent)
    for line in reversed(lines):
        match = DEFINITION.match(line)
        if match and len(match["indent"]) < depth:
            names.insert(0, match["name"])
            depth = len(match["indent"])
    if not names:
        raise ValueError("a solution region must sit inside a function")
    return ".".join(names)


def solution_line(lines: list[str], number: int) -> re.Match | None:
    """The match if line `number` (0-based) is a solution region's start or end line."""
    match = SECTION_LINE.match(lines[number]) if number < len(lines) else None
    return match if match and match["name"] == "solution" else None


def todo_end(lines: list[str], number: int) -> int:
    """The line after the paragraph of comments that starts at line `number` (0-based)."""
    while (
        number < len(lines)
        and COMMENT_TEXT.match(lines[number])
        and not SECTION_LINE.match(lines[number])
    ):
        number += 1
    return number


def starter(text: str, task: str, source: str = "snippet") -> str:
    """The snippet's text with every solution region replaced by a TODO and a raise."""
    lines, out, number = text.splitlines(), [], 0
    while number < len(lines):
        match = solution_line(lines, number)
        if match is None:
            out.append(lines[number])
            number += 1
            continue
        if match["kind"] == "end":
            raise ValueError(f"{source}:{number + 1}: [end:solution] without a start")
        start, indent = number + 1, match["indent"]
        if match["text"].strip():
            raise ValueError(
                f"{source}:{start}: say what to write in a comment under [start:solution], "
                "not on its line"
            )
        number = todo_end(lines, start)
        sentence = [COMMENT_TEXT.match(line)["text"].strip() for line in lines[start:number]]
        if not sentence:
            raise ValueError(f"{source}:{start}: say what to write in a comment under it")
        while number < len(lines) and not solution_line(lines, number):
            number += 1  # the lesson's code: left out of the starter
        if number == len(lines):
            raise ValueError(f"{source}:{start}: [start:solution] is never ended")
        if solution_line(lines, number)["kind"] == "start":
            raise ValueError(f"{source}:{number + 1}: a solution region starts inside another")
        number += 1  # past the end line
        try:
            name = enclosing_name(out, indent)
        except ValueError as error:
            raise ValueError(f"{source}:{start}: {error}") from None
        out += textwrap.wrap(
            " ".join(sentence),
            width=WIDTH,
            initial_indent=f"{indent}# TODO({task}): ",
            subsequent_indent=f"{indent}# ",
            break_on_hyphens=False,
        )
        message = f'"{task}: {name} is not implemented yet"'
        if len(raised := f"{indent}raise NotImplementedError({message})") <= WIDTH:
            out.append(raised)
        else:  # split as ruff format would
            out += [f"{indent}raise NotImplementedError(", f"{indent}    {message}", f"{indent})"]
    return "\n".join(out) + "\n"


def regions(lines: list[str]) -> list[tuple[int, int]]:
    """(first code line, end line) of each solution region, 0-based: its code lies between,
    after the paragraph that says what to write."""
    found, number = [], 0
    while number < len(lines):
        match = solution_line(lines, number)
        if match and match["kind"] == "start":
            number = code = todo_end(lines, number + 1)
            while number < len(lines) and not solution_line(lines, number):
                number += 1
            found.append((code, number))
        number += 1
    return found


def with_code_of(variant: str, snippet: str) -> str:
    """The snippet, each of its solution regions holding the variant's code for it."""
    ours, theirs = snippet.splitlines(), variant.splitlines()
    mine, yours = regions(ours), regions(theirs)
    if len(mine) != len(yours):
        raise ValueError(f"{len(yours)} solution regions, where the snippet has {len(mine)}")
    out, done = [], 0
    for (code, end), (their_code, their_end) in zip(mine, yours, strict=True):
        out += ours[done:code] + theirs[their_code:their_end]
        done = end
    return "\n".join(out + ours[done:]) + "\n"


def variants() -> dict[Path, str]:
    """{variant path: its text brought up to date with its snippet}."""
    snippets = {task_of(path): path for path in task_snippets()}
    return {
        path: with_code_of(path.read_text(), snippets[task_of(path)].read_text())
        for folder in VARIANTS
        for path in sorted(folder.glob("*.py"))
    }


def strip_sections(text: str) -> str:
    """The text without any `--8<--` section line, as the site shows it (for downloads)."""
    kept = [line for line in text.splitlines() if not SECTION_LINE.match(line)]
    return "\n".join(kept) + "\n"


def kit_task(name: str) -> str | None:
    """The checker's task whose file is this snippet ("task3"), or None. The kit's checker
    keeps its own table (check.TASKS): it ships without this package."""
    from lessonbuild.kit.shipped import check  # torch and pytest, only when asked

    return next((task for task, spec in check.TASKS.items() if spec.module == name), None)


def task_snippets() -> list[Path]:
    """The snippets that are the checker's tasks (the registry): those with a solution region,
    which test_registry.py checks."""
    return [path for path in registry.snippet_paths() if kit_task(path.stem)]


def has_solution_region(path: Path) -> bool:
    lines = path.read_text().splitlines()
    return any(solution_line(lines, number) for number in range(len(lines)))


def generated() -> dict[Path, str]:
    """{starter path: text} for every task snippet."""
    return {
        STARTERS / path.name: starter(path.read_text(), task_of(path), path.name)
        for path in task_snippets()
    }


def drift() -> str:
    """A unified diff between kit/starters/ and what the snippets make now ('' when equal)."""
    return committed.drift(generated(), STARTERS.glob("*.py"), "generated from snippets/")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lessonbuild starters", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument(
        "--variants",
        action="store_true",
        help="bring the checker's wrong and right answers up to date",
    )
    args = parser.parse_args(argv)
    if args.variants:
        return committed.write_or_check(
            variants(),
            check=args.check,
            what="tests/machinery/wrong_answers/ and tests/machinery/right_answers/",
            regenerate=f"{REGENERATE} --variants",
            fresh_label="brought up to date with its snippet",
        )
    return committed.write_or_check(
        generated(),
        check=args.check,
        what="kit/starters/",
        regenerate=REGENERATE,
        stale=STARTERS.glob("*.py"),
        fresh_label="generated from snippets/",
    )
