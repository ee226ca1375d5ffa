"""The picture of the pipeline (README.md, shown on the About page too) names only what exists:
every file and folder on an arrow, every nox session, every MkDocs hook."""

import ast
import re
from pathlib import Path

import outputs
import starters
from snippet_includes import mkdocs_config

ROOT = Path(__file__).resolve().parents[2]
SECTION = re.compile(
    r"^<!-- --8<-- \[start:pipeline\] -->\n(?P<picture>.*?)^<!-- --8<-- \[end:pipeline\] -->$",
    re.MULTILINE | re.DOTALL,
)
# A path in the repository: `<device>` and `<snippet>` stand for any name.
PATH = re.compile(r"\b(?:snippets|tests|tools|docs|kit)/[\w<>*./-]*")
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
    for hook in ("tools/mkdocs_hooks.py", "tools/kit.py"):  # run by the site build
        assert hook in text and hook in mkdocs_config()["hooks"]
    assert starters.STARTERS == ROOT / "kit" / "starters"
    assert outputs.OUTPUTS == ROOT / "docs" / "outputs"
    assert outputs.FIGURES == ROOT / "docs" / "assets" / "figures"
