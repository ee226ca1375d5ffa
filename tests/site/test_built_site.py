"""The built site (run after `mkdocs build`, by `nox -s docs`): offline, sub-path safe,
showing the captured outputs, with an executed notebook and its download."""

import html
import re
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest

from serve_site import serve_under_sub_path
from snippet_includes import expand

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
PAGES = [
    "index.html",
    "theory/index.html",
    "tasks/index.html",
    "quiz/index.html",
    "advanced/index.html",
    "positions/index.html",
    "efficiency/index.html",
    "assignment/index.html",
    "lesson/index.html",
]
LOADED = re.compile(
    r"""<(?:script|img|iframe|source)\b[^>]*\bsrc=["']([^"']+)["']"""
    r"""|<link\b[^>]*\bhref=["']([^"']+)["']"""
)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']""")
OUTPUT_MARKER = re.compile(r"^<!-- output: (\S+) -->$", re.MULTILINE)


@pytest.fixture(scope="module", autouse=True)
def built_site():
    if not (SITE / "index.html").exists():
        pytest.fail("no built site in site/: run `nox -s docs` (it builds, then runs these)")


def loaded_urls(page: Path) -> list[str]:
    """What the browser fetches for a page: scripts, styles, images, and the CSS they pull."""
    text = page.read_text()
    urls = [a or b for a, b in LOADED.findall(text) + CSS_URL.findall(text)]
    return [url for url in urls if not url.startswith(("data:", "#"))]  # inline, not fetched


def test_every_page_exists():
    for page in PAGES:
        assert (SITE / page).exists(), page


@pytest.mark.parametrize("page", PAGES)
def test_no_resource_comes_from_another_host_or_the_server_root(page):
    for url in loaded_urls(SITE / page):
        assert not re.match(r"^(https?:)?//", url), f"{page} loads {url} from another host"
        assert not url.startswith("/"), f"{page} loads {url} from the root: breaks a sub-path"


def test_stylesheets_pull_nothing_from_another_host():
    for css in SITE.rglob("*.css"):
        for a, b in CSS_URL.findall(css.read_text()):
            url = a or b
            assert not re.match(r"^(https?:)?//", url), f"{css.name} pulls {url}"


@pytest.mark.parametrize(
    "page", ["theory.md", "tasks.md", "advanced.md", "positions.md", "efficiency.md"]
)
def test_pages_show_the_captured_outputs(page):
    built = html.unescape(
        re.sub(r"<[^>]+>", "", (SITE / page.replace(".md", "/index.html")).read_text())
    )
    for name in OUTPUT_MARKER.findall((ROOT / "docs" / page).read_text()):
        captured = (ROOT / "docs" / "outputs" / "cpu" / f"{name}.txt").read_text()
        assert captured.strip() in built, f"the output of {name} is not on {page} as captured"


def test_math_is_left_for_the_vendored_katex():
    theory = (SITE / "theory" / "index.html").read_text()
    assert 'class="arithmatex"' in theory
    assert "assets/katex/katex.min.js" in theory
    assert (SITE / "assets" / "katex" / "fonts" / "KaTeX_Main-Regular.woff2").exists()


def test_notebook_page_shows_executed_outputs():
    page = html.unescape((SITE / "lesson" / "index.html").read_text())
    assert "torch.Size([1, 4, 4096])" in page  # task 1, run at build time
    assert "seed's code -&gt;" in page or "seed's code ->" in page  # task 3's real error
    assert "cdnjs" not in page


def test_notebook_download_is_the_lesson_built_from_the_pages():
    path = SITE / "downloads" / "lesson-2.1.2-embeddings-forward.ipynb"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    tasks_page = (ROOT / "docs" / "tasks.md").read_text()
    first_block = tasks_page.split("```python\n")[1].split("```")[0]
    assert expand(first_block).strip("\n") in code  # task 1's block, as on the page
    assert not any("--8<--" in source for source in code)
    assert "??? question" not in "".join(cell.source for cell in notebook.cells)  # no quiz


def test_site_works_from_a_sub_path(tmp_path):
    """Serve the site under /lesson-site/, as GitHub Pages serves a project, and fetch every
    page and everything it loads."""
    with serve_under_sub_path(SITE, tmp_path, "lesson-site") as base:
        for page in PAGES:
            page_url = base + page.removesuffix("index.html")
            assert urllib.request.urlopen(page_url, timeout=10).status == 200
            for url in loaded_urls(SITE / page):
                target = urllib.parse.urljoin(page_url, url)
                assert urllib.request.urlopen(target, timeout=10).status == 200, target
