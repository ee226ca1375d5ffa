"""Generated files kept in the repository: write them, or check them for drift.

Each generator (`python -m lessonbuild outputs`, `starters`, `checker-outputs`) works out the
text its files should hold and hands it to `write_or_check`, which writes the files or, with
--check, writes nothing and prints a diff of each that drifted and the command that
regenerates them. Standard library only.
"""

import difflib
from collections.abc import Iterable
from pathlib import Path

from lessonbuild.core.paths import ROOT


def diff(path: Path, fresh: str, fresh_label: str = "fresh run") -> str:
    """A unified diff between a committed file (absent: empty) and fresh text ('' when equal)."""
    committed = path.read_text() if path.exists() else ""
    lines = difflib.unified_diff(
        committed.splitlines(keepends=True),
        fresh.splitlines(keepends=True),
        f"committed {path.relative_to(ROOT)}",
        fresh_label,
    )
    return "".join(lines)


def drift(wanted: dict[Path, str], stale: Iterable[Path] = (), fresh_label="fresh run") -> str:
    """The diff of every wanted file, and of every stale one against nothing ('' when none)."""
    return "".join(
        diff(path, wanted.get(path, ""), fresh_label) for path in sorted(set(wanted) | set(stale))
    )


def write_or_check(
    wanted: dict[Path, str],
    *,
    check: bool,
    what: str,
    regenerate: str,
    stale: Iterable[Path] = (),
    fresh_label: str = "fresh run",
) -> int:
    """Write every wanted file and remove the stale ones (files that nothing makes any more);
    with `check`, change nothing: print the drift and the command that regenerates `what`.
    Returns the exit status: 1 when `check` found drift."""
    stale = set(stale) - set(wanted)
    if check:
        if found := drift(wanted, stale, fresh_label):
            print(f"{found}out of date: {what}; run: {regenerate}")
            return 1
        print(f"up to date: {what}")
        return 0
    for path in sorted(stale):
        path.unlink()
        print(f"removed {path.relative_to(ROOT)}")
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0
