"""No block of six or more lines stands in two of the build's modules: logic written twice
drifts apart. What two modules share belongs in one of them, or in lessonbuild/core/.

Lines are compared stripped of indentation; blank lines, comments, imports and lone brackets
are passed over, as they say nothing of the logic."""

import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = 6
MODULES = sorted(
    [ROOT / "noxfile.py", *(ROOT / "lessonbuild").rglob("*.py"), *ROOT.glob("kit/*.py")]
)
SKIPPED = re.compile(r"^(?:#.*|(?:import|from) \S+.*|[()\[\]{},:]*)$")


def logic_lines(text: str) -> list[tuple[int, str]]:
    """(line number, stripped line) of each line that carries logic."""
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1)]
    return [(number, line) for number, line in lines if not SKIPPED.match(line)]


def repeats(texts: dict[str, str]) -> list[str]:
    """'a.py:10 ~ b.py:40' for each run of BLOCK logic lines that two files share."""
    places = defaultdict(set)
    for name, text in texts.items():
        lines = logic_lines(text)
        for start in range(len(lines) - BLOCK + 1):
            block = tuple(line for _, line in lines[start : start + BLOCK])
            places[block].add((name, lines[start][0]))
    found = set()
    for where in places.values():
        if len({name for name, _ in where}) > 1:
            first, *others = sorted(where)
            found |= {f"{first[0]}:{first[1]} ~ {name}:{line}" for name, line in others}
    return sorted(found)


def test_the_check_reads_the_build():
    assert len(MODULES) >= 35 and ROOT / "lessonbuild" / "mkdocs_hook.py" in MODULES


def test_no_block_of_six_lines_repeats_between_modules():
    texts = {str(path.relative_to(ROOT)): path.read_text() for path in MODULES}
    found = repeats(texts)
    assert not found, f"{BLOCK} or more lines written twice (file:line ~ file:line): {found}"


def test_the_check_finds_a_copied_block_however_indented():
    block = "\n".join(f"total += {n}  # step {n}" for n in range(BLOCK))
    indented = "def f():\n" + "\n".join("    " + line for line in block.splitlines())
    assert repeats({"a.py": block, "b.py": indented}) == ["a.py:1 ~ b.py:2"]
    shorter = "\n".join(block.splitlines()[:-1])
    assert repeats({"a.py": block, "b.py": shorter}) == []
