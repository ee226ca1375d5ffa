"""The dependency rule, read from the source with ast (lessonbuild/core/imports.py).

- A snippet imports only the standard library, torch and matplotlib: a student copies it
  alone into an empty folder and runs it with torch installed.
- The checker the kit ships (kit/check.py, kit/quiz_grader.py) imports only the standard
  library, torch, pytest and its neighbour: it runs in a student's folder.
- The build is one package, lessonbuild/, installed by nox: its modules import each other by
  absolute name (`from lessonbuild.core import registry`), never by a bare name that works
  only when a folder happens to be on sys.path, never relatively, and nothing edits sys.path.
- Its parts are layers: a part imports only from parts below it (LAYERS), never from tests/.
- One module imports MkDocs: lessonbuild/mkdocs_hook.py, the hook mkdocs.yml loads.
- Only the browser harness (tests/browser/) imports playwright: no other session installs it.

The files the kit ships are checked again where the kit is built, in tests/site/test_kit.py.
"""

import ast
from pathlib import Path

import pytest

from lessonbuild.core.imports import STANDARD_LIBRARY, imported, sys_path_edits

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = sorted((ROOT / "snippets").glob("*.py"))
SHIPPED_CHECKER = sorted((ROOT / "kit").glob("*.py"))
PACKAGE = sorted((ROOT / "lessonbuild").rglob("*.py"))
# Everything that makes, serves or checks the lesson. The checker's wrong and right answers
# are copies of snippets, not the build.
BUILD = sorted(
    path
    for path in [ROOT / "noxfile.py", *PACKAGE, *(ROOT / "tests").rglob("*.py")]
    if not path.is_relative_to(ROOT / "tests" / "machinery" / "wrong_answers")
    and not path.is_relative_to(ROOT / "tests" / "machinery" / "right_answers")
)
BROWSER_HARNESS = ROOT / "tests" / "browser"
HOOK = ROOT / "lessonbuild" / "mkdocs_hook.py"
# The parts of lessonbuild/, lowest first: each imports only from the ones before it (and
# from itself). Reading captured outputs and facts (core) serves every part; the pages are
# made before the notebook that is built from them, the notebook before the kit that ships
# one; capturing what the checker prints needs the kit's starters; the bench, the GPU run and
# the browser harness use what they need; the hook and the command line sit on top.
LAYERS = [
    {"core"},
    {"pages"},
    {"notebook"},
    {"kit"},
    {"captures"},
    {"bench", "gpu", "browser"},
    {"mkdocs_hook", "__main__"},
]
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def part_of(module: str) -> str:
    """'lessonbuild.pages.tex' -> 'pages'; 'lessonbuild.bench' -> 'bench'."""
    return module.split(".")[1]


def part_of_file(path: Path) -> str:
    """lessonbuild/pages/tex.py -> 'pages'."""
    return part_of(".".join(path.relative_to(ROOT).with_suffix("").parts))


def absolute_imports(source: str) -> set[str]:
    """Every module an import statement names, in full: `from lessonbuild.core import png`
    and `from lessonbuild.core.png import size` give 'lessonbuild.core.png', and
    `from lessonbuild import bench` gives 'lessonbuild.bench'."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "lessonbuild" or (
                node.module.count(".") == 1 and node.module.startswith("lessonbuild.")
            ):
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
            else:
                names.add(node.module)
    return names


def layer_breaks(path: Path, source: str) -> list[str]:
    """The imports of a lessonbuild module that reach a part above its own, or tests/."""
    own = part_of_file(path)
    broken = []
    for module in sorted(absolute_imports(source)):
        if module.split(".")[0] == "tests":
            broken.append(module)
        elif module.startswith("lessonbuild.") and (part := part_of(module)) != own:
            if RANK[part] >= RANK[own]:
                broken.append(module)
    return broken


def test_the_rules_see_the_files():
    assert len(SNIPPETS) >= 15 and len(PACKAGE) >= 30 and len(BUILD) >= 70
    assert {ROOT / "kit" / "check.py", ROOT / "kit" / "quiz_grader.py"} == set(SHIPPED_CHECKER)
    assert HOOK in PACKAGE and ROOT / "tests" / "browser" / "conftest.py" in BUILD
    parts = {part_of_file(path) for path in PACKAGE}
    assert parts - {"__init__"} == set(RANK), "a part of lessonbuild/ missing from LAYERS"


@pytest.mark.parametrize("snippet", SNIPPETS, ids=name)
def test_a_snippet_imports_only_the_standard_library_torch_and_matplotlib(snippet):
    outside = {
        module
        for module in imported(snippet.read_text())
        if module not in STANDARD_LIBRARY | {"torch", "matplotlib"}
    }
    assert not outside, f"{name(snippet)} imports {sorted(outside)}: a student has only torch"


@pytest.mark.parametrize("shipped", SHIPPED_CHECKER, ids=name)
def test_the_shipped_checker_imports_only_the_standard_library_torch_and_pytest(shipped):
    neighbours = {path.stem for path in SHIPPED_CHECKER}
    outside = imported(shipped.read_text()) - STANDARD_LIBRARY - {"torch", "pytest"} - neighbours
    assert not outside, f"{name(shipped)} imports {sorted(outside)}, which the kit lacks"


def test_no_build_module_edits_sys_path():
    edits = {name(path): lines for path in BUILD if (lines := sys_path_edits(path.read_text()))}
    assert not edits, f"sys.path edited at (file: lines) {edits}; import lessonbuild.<part>"


def test_the_build_imports_its_modules_by_absolute_name():
    # A bare `import registry` works only while some folder is first on sys.path.
    stems = {path.stem for path in PACKAGE} - {"__init__", "__main__"}
    bare = {
        name(path): sorted(found)
        for path in BUILD
        if (found := imported(path.read_text()) & (stems | {"."}))
    }
    assert not bare, f"bare-name or relative imports (file: names) {bare}; write lessonbuild.<part>"


def test_each_part_of_the_build_imports_only_parts_below_it():
    broken = {
        name(path): found for path in PACKAGE if (found := layer_breaks(path, path.read_text()))
    }
    assert not broken, f"imports of a higher layer (file: modules) {broken}; LAYERS: {LAYERS}"


def test_the_layer_rule_catches_an_import_upwards():
    core = ROOT / "lessonbuild" / "core" / "registry.py"
    assert layer_breaks(core, "from lessonbuild.pages import glossary\n") == [
        "lessonbuild.pages.glossary"
    ]
    assert layer_breaks(core, "from lessonbuild.kit.starters import drift\n") == [
        "lessonbuild.kit.starters"
    ]
    assert layer_breaks(core, "from lessonbuild import mkdocs_hook\n") == [
        "lessonbuild.mkdocs_hook"
    ]
    assert layer_breaks(core, "import tests.expect\n") == ["tests.expect"]
    kit = ROOT / "lessonbuild" / "kit" / "archive.py"
    assert layer_breaks(kit, "from lessonbuild.notebook import lesson\n") == []


def test_only_the_hook_imports_mkdocs():
    importers = [name(path) for path in PACKAGE if "mkdocs" in imported(path.read_text())]
    assert importers == [name(HOOK)], f"{importers} import MkDocs: only the hook may"


def test_only_the_browser_harness_imports_playwright():
    importers = [
        name(path)
        for path in BUILD + SNIPPETS
        if "playwright" in imported(path.read_text()) and not path.is_relative_to(BROWSER_HARNESS)
    ]
    assert not importers, f"{importers} import playwright, which only nox -s browser installs"
    harness = [path for path in BUILD if path.is_relative_to(BROWSER_HARNESS)]
    assert any("playwright" in imported(path.read_text()) for path in harness)
