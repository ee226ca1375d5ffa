"""The dependency rule, read from the source with ast (tools/imports.py).

- A snippet imports only the standard library, torch and matplotlib: a student copies it
  alone into an empty folder and runs it with torch installed.
- No build module edits sys.path: the modules of tools/ find each other because they sit on
  the path already (pytest's pythonpath, a script's own folder, MkDocs loading a hook).
- Only the browser harness (tests/browser/) imports playwright: no other session installs it.

The files the kit ships are checked where the kit is built, in tests/site/test_kit.py.
"""

from pathlib import Path

import pytest

from imports import STANDARD_LIBRARY, imported, sys_path_edits

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = sorted((ROOT / "snippets").glob("*.py"))
# The build: everything that makes, serves or checks the lesson. The checker's wrong and right
# answers are copies of snippets, not the build.
BUILD = sorted(
    path
    for path in [ROOT / "noxfile.py", ROOT / "conftest.py", *ROOT.glob("tools/*.py")]
    + sorted((ROOT / "tests").rglob("*.py"))
    if not path.is_relative_to(ROOT / "tests" / "machinery" / "wrong_answers")
    and not path.is_relative_to(ROOT / "tests" / "machinery" / "right_answers")
)
# Shipped in the kit, where they run alone, in a folder of their own: they may set up their
# own path (they do not today).
RUN_ALONE = {ROOT / "tools" / "check.py", ROOT / "tools" / "quiz_grader.py"}
BROWSER_HARNESS = ROOT / "tests" / "browser"


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_rules_see_the_files():
    assert len(SNIPPETS) >= 15 and len(BUILD) >= 40
    assert {ROOT / "tools" / "kit.py", ROOT / "tests" / "browser" / "conftest.py"} <= set(BUILD)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=name)
def test_a_snippet_imports_only_the_standard_library_torch_and_matplotlib(snippet):
    outside = {
        module
        for module in imported(snippet.read_text())
        if module not in STANDARD_LIBRARY | {"torch", "matplotlib"}
    }
    assert not outside, f"{name(snippet)} imports {sorted(outside)}: a student has only torch"


def test_no_build_module_edits_sys_path():
    edits = {
        name(path): lines
        for path in set(BUILD) - RUN_ALONE
        if (lines := sys_path_edits(path.read_text()))
    }
    assert not edits, f"sys.path edited at (file: lines) {edits}; import what is on the path"


def test_only_the_browser_harness_imports_playwright():
    importers = [
        name(path)
        for path in BUILD + SNIPPETS
        if "playwright" in imported(path.read_text()) and not path.is_relative_to(BROWSER_HARNESS)
    ]
    assert not importers, f"{importers} import playwright, which only nox -s browser installs"
    harness = [path for path in BUILD if path.is_relative_to(BROWSER_HARNESS)]
    assert any("playwright" in imported(path.read_text()) for path in harness)
