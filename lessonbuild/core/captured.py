"""Numbers the pages quote from captured outputs: {output:NAME:LABEL}.

A page writes `{output:positions_pe_heatmap:period of dims (62, 63)}` and the site shows the
value that follows that label in docs/outputs/cpu/positions_pe_heatmap.txt, so prose and output
cannot disagree. In a label, ` … ` stands for anything on the same line:
`{output:theory3_table_memory:lesson … fp32}` is the number after "fp32" on the lesson's line.
The label must occur exactly once in the capture; the value is the next word after it (and an
optional colon), without trailing punctuation.
"""

import re

from lessonbuild.core.paths import OUTPUTS, ROOT

REFERENCE = re.compile(r"\{output:(?P<name>[\w/]+):(?P<label>[^}]+)\}")
# Where a page shows a snippet's whole output: `<!-- output: NAME -->` on a line of its own,
# indented as deep as the box it sits in.
OUTPUT_MARKER = re.compile(r"^(?P<indent>[ ]*)<!-- output: (?P<name>\S+) -->[ ]*$", re.MULTILINE)


def capture(name: str) -> str:
    """The captured output NAME (`bench` or `cuda/bench`; the device defaults to cpu)."""
    device, _, stem = name.rpartition("/")
    path = OUTPUTS / (device or "cpu") / f"{stem}.txt"
    if not path.exists():
        raise LookupError(f"no captured output {path.relative_to(ROOT)}: run nox -s outputs")
    return path.read_text()


def value(name: str, label: str) -> str:
    pattern = r"[^\n]*?".join(re.escape(part) for part in label.split(" … "))
    hits = re.findall(pattern + r":?[ \t]*([^\s]+)", capture(name))
    if len(hits) != 1:
        raise LookupError(
            f"{{output:{name}:{label}}} matches {len(hits)} times in the capture, not once"
        )
    return hits[0].rstrip(",;:)")


def render(markdown: str) -> str:
    """Replace each {output:NAME:LABEL} by the value it names."""
    return REFERENCE.sub(lambda m: value(m["name"], m["label"]), markdown)
