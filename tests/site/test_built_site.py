"""The built site (run after `mkdocs build`, by `nox -s docs`): offline, sub-path safe,
showing the captured outputs, with an executed notebook and its download."""

import html
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

from lessonbuild.browser.serve import built_site_url, serve_under_sub_path
from lessonbuild.core import png, registry
from lessonbuild.core.captured import OUTPUT_MARKER
from lessonbuild.core.includes import expand

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
PAGES = [registry.built_page(page) for page in registry.nav().values()]
LOADED = re.compile(
    r"""<(?:script|img|iframe|source)\b[^>]*\bsrc=["']([^"']+)["']"""
    r"""|<link\b(?![^>]*\brel="canonical")[^>]*\bhref=["']([^"']+)["']"""  # a name, not a load
)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']""")


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


@pytest.mark.parametrize("page", registry.lesson_pages())
def test_pages_show_the_captured_outputs(page):
    built = html.unescape(
        re.sub(r"<[^>]+>", "", (SITE / page.replace(".md", "/index.html")).read_text())
    )
    for marker in OUTPUT_MARKER.finditer((ROOT / "docs" / page).read_text()):
        name = marker["name"]
        captured = (ROOT / "docs" / "outputs" / "cpu" / f"{name}.txt").read_text()
        assert captured.strip() in built, f"the output of {name} is not on {page} as captured"


def test_math_is_rendered_at_build_time_by_the_vendored_katex():
    theory = (SITE / "theory" / "index.html").read_text()
    assert theory.count('<span class="arithmatex"><span class="katex">') >= 10
    assert '<div class="arithmatex"><span class="katex-display">' in theory
    assert "\\(" not in theory and "\\[" not in theory, "TeX left for the reader's browser"
    assert (SITE / "assets" / "katex" / "fonts" / "KaTeX_Main-Regular.woff2").exists()


@pytest.mark.parametrize("page", PAGES)
def test_katex_css_only_where_there_is_math_and_no_math_script_anywhere(page):
    text = (SITE / page).read_text()
    assert not re.search(r"<script\b[^>]*(katex|auto-render)", text), f"{page} loads a math script"
    links_css = "assets/katex/katex.min.css" in text
    assert links_css == ('class="katex"' in text), f"{page}: KaTeX's CSS where there is no math"


def test_sitemap_lists_every_page_and_each_page_names_its_canonical_url():
    urls = {built_site_url(SITE) + page.removesuffix("index.html") for page in PAGES}
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sitemap = ET.parse(SITE / "sitemap.xml").getroot()
    assert {loc.text for loc in sitemap.findall("s:url/s:loc", namespace)} == urls
    for page in PAGES:
        canonical = re.findall(r'<link rel="canonical" href="([^"]+)"', (SITE / page).read_text())
        assert canonical == [built_site_url(SITE) + page.removesuffix("index.html")], page


def test_404_page_loads_everything_from_a_missing_path_under_the_sub_path(tmp_path):
    """A stale link deep in the site gets 404.html, whose assets must resolve from there."""
    sub_path = urllib.parse.urlsplit(built_site_url(SITE)).path
    with serve_under_sub_path(SITE, tmp_path, sub_path) as base:
        missing = base + "no/such/page/"
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(missing, timeout=10)
        assert answer.value.code == 404 and b"404" in answer.value.read()
        urls = loaded_urls(SITE / "404.html")
        assert len(urls) >= 5
        for url in urls:
            target = urllib.parse.urljoin(missing, url)
            assert urllib.request.urlopen(target, timeout=10).status == 200, target


def test_figures_carry_their_size_load_lazily_and_are_lighter_in_the_site():
    shown = 0
    for page in PAGES:
        for tag in re.findall(r"<img\b[^>]*>", (SITE / page).read_text()):
            src = re.search(r'src="([^"]+)"', tag)[1]
            if src.startswith("data:"):
                continue
            drawn = ROOT / "docs" / Path(page).parent / src  # what the snippet drew
            width, height = png.size(drawn.resolve().read_bytes())
            assert f'width="{width}"' in tag and f'height="{height}"' in tag, tag
            assert 'loading="lazy"' in tag, tag
            served = (SITE / Path(page).parent / src).resolve()
            assert png.size(served.read_bytes()) == (width, height), (
                f"{src}: the site's copy was resized"
            )
            assert served.stat().st_size < 0.7 * drawn.resolve().stat().st_size, src
            shown += 1
    assert shown >= 4


def test_notebook_page_shows_executed_outputs():
    page = html.unescape((SITE / "lesson" / "index.html").read_text())
    assert "torch.Size([1, 4, 4096])" in page  # task 1, run at build time
    assert (
        "the exercise's code -&gt;" in page or "the exercise's code ->" in page
    )  # task 3's real error
    assert "cdnjs" not in page


def test_notebook_page_uses_the_site_styles_not_jupyterlab_css():
    page = (SITE / "lesson" / "index.html").read_text()
    article = page[page.index("<article") : page.index("</article>")]
    assert "<style" not in article and "jp-Cell" not in article
    assert len(re.findall(r'<div class="highlight language-python nb-input">', article)) >= 20


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
