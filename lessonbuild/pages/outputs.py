"""Captured outputs on the pages: `<!-- output: NAME -->` becomes what the snippet printed, as
CPU and CUDA tabs once both have run, and About's tables of what was captured with what."""

import re

from lessonbuild.core import captured
from lessonbuild.core.paths import OUTPUTS

CAPTURED_WITH_MARKER = "<!-- captured-with -->"  # a table: which build and device ran what
PENDING_MARKER = "<!-- pending-outputs -->"  # which outputs still wait for a GPU run
DEVICES = {"cpu": "CPU", "cuda": "CUDA"}


def output_block(match: re.Match) -> str:
    """`<!-- output: NAME -->` becomes the captured output: one tab per device that has run the
    snippet, or the CPU output alone, titled, while no GPU run has been captured."""
    indent, name = match["indent"], match["name"]
    if not (OUTPUTS / "cpu" / f"{name}.txt").exists():
        raise FileNotFoundError(f"no captured output for snippet {name!r}: run nox -s outputs")
    ran = [d for d in DEVICES if (OUTPUTS / d / f"{name}.txt").exists()]
    include = '--8<-- "docs/outputs/{}/{}.txt"'
    if ran == ["cpu"]:
        block = f'```text title="Output (CPU)"\n{include.format("cpu", name)}\n```'
    else:
        block = "\n\n".join(
            f'=== "Output on {DEVICES[d]}"\n\n    ```text\n    {include.format(d, name)}\n    ```'
            for d in ran
        )
    return "\n".join(indent + line if line else line for line in block.split("\n"))


def captured_with() -> str:
    """Which build and machine produced the snippets' outputs and the bench, per device."""
    rows = ["| captured | with |", "| --- | --- |"]
    for device, label in DEVICES.items():
        folder = OUTPUTS / device
        outputs, bench = folder / "captured-with.txt", folder / "bench.txt"
        where = outputs.read_text().strip() if outputs.exists() else "not captured yet"
        rows.append(f"| snippet outputs, {label} | {where} |")
        if bench.exists():  # its first line: "machine: torch ... on ..."
            where = bench.read_text().splitlines()[0].removeprefix("machine: ")
        else:
            where = "not measured yet"
        rows.append(f"| [bench](efficiency.md), {label} | {where} |")
    return "\n".join(rows)


def pending_outputs() -> str:
    """The snippets whose output on a GPU has not been captured yet, as a sentence."""
    missing = [
        f"`{path.stem}`"
        for path in sorted((OUTPUTS / "cpu").glob("*.txt"))
        if path.stem != "captured-with" and not (OUTPUTS / "cuda" / path.name).exists()
    ]
    if not missing:
        return "Every output has been captured on a GPU too."
    return f"Not yet captured on a GPU ({len(missing)}): {', '.join(missing)}."


def render(markdown: str) -> str:
    """A page's markers replaced: its outputs, and About's two tables."""
    markdown = markdown.replace(CAPTURED_WITH_MARKER, captured_with())
    markdown = markdown.replace(PENDING_MARKER, pending_outputs())
    return captured.OUTPUT_MARKER.sub(output_block, markdown)
