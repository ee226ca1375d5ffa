"""The picture of the pipeline (README.md, shown on the About page too) names only what exists:
every file and folder on an arrow, every nox session, the one MkDocs hook. And README.md's layout
table says why each entry of the top level is there."""

import ast
import re
import subprocess
from pathlib import Path

import pytest

from lessonbuild.core import paths
from lessonbuild.core.includes import mkdocs_config

ROOT = Path(__file__).resolve().parents[2]
SECTION = re.compile(
    r"^<!-- --8<-- \[start:pipeline\] -->\n(?P<picture>.*?)^<!-- --8<-- \[end:pipeline\] -->$",
    re.MULTILINE | re.DOTALL,
)
# A path in the repository: `<device>` and `<snippet>` stand for any name.
PATH = re.compile(r"\b(?:snippets|tests|lessonbuild|docs|kit)/[\w<>*./-]*")
SESSION = re.compile(r"\bnox -s (\w+)")


def picture() -> str:
    (match,) = SECTION.finditer((ROOT / "README.md").read_text())
    return match["picture"]


def nox_sessions() -> set[str]:
    """The functions of noxfile.py decorated with @nox.session (with arguments or not)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("nox.session" in ast.unparse(decorator) for decorator in node.decorator_list)
    }


def test_the_about_page_shows_the_readmes_picture():
    assert '--8<-- "README.md:pipeline"' in (ROOT / "docs" / "about.md").read_text()
    assert picture().startswith("```text\n") and picture().endswith("```\n")


def test_every_path_in_the_picture_exists():
    paths = PATH.findall(picture())
    assert len(paths) >= 10
    missing = [
        path for path in paths if not list(ROOT.glob(re.sub(r"<\w+>", "*", path).rstrip("/")))
    ]
    assert not missing, f"the pipeline picture in README.md names what is not there: {missing}"


def test_every_command_in_the_picture_is_a_nox_session():
    named = set(SESSION.findall(picture()))
    assert {"tests", "outputs", "docs"} <= named
    assert named <= nox_sessions(), f"no such nox session: {named - nox_sessions()}"


def test_the_arrows_go_where_the_code_writes():
    text = picture()
    assert mkdocs_config()["hooks"] == ["lessonbuild/mkdocs_hook.py"]  # the site build's one
    assert "lessonbuild/mkdocs_hook.py" in text
    hook = (ROOT / "lessonbuild" / "mkdocs_hook.py").read_text()
    for part in ("pages", "notebook", "kit"):  # what the picture says the hook hands on
        assert f"from lessonbuild.{part} import" in hook
    assert "archive.write_zip" in hook and "lessonbuild/kit/archive.py" in text
    assert paths.STARTERS == ROOT / "kit" / "starters"
    assert paths.OUTPUTS == ROOT / "docs" / "outputs"
    assert paths.FIGURES == ROOT / "docs" / "assets" / "figures"


def test_the_layout_table_gives_every_top_level_entry_its_reason():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True
    ).stdout.splitlines()
    if not tracked:
        pytest.skip("not a git checkout: no list of tracked files")
    top = {path.split("/")[0] + ("/" if "/" in path else "") for path in tracked}
    layout = (ROOT / "README.md").read_text().split("\n## Layout\n", 1)[1]
    table = layout.split("\n\n|", 1)[1].split("\n\n", 1)[0]  # the first table
    rows = [row for row in table.splitlines() if row.startswith("| `")]
    named = {name for row in rows for name in re.findall(r"`([^`]+)`", row.split(" | ")[0])}
    unexplained = [row for row in rows if row.count(" | ") != 2 or row.endswith("|  |")]
    assert not unexplained, f"rows that do not say why (entry | holds | why): {unexplained}"
    assert top == named, f"in the tree, not in the table: {sorted(top - named)}; " + (
        f"in the table, not in the tree: {sorted(named - top)}"
    )
