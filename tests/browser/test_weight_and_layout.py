"""What a reader on a slow line or a small laptop meets: the weight of each page, code that fits
a 1280-pixel window, figures that wait until they are needed, and a 404 page that works."""

import gzip
import urllib.parse

import pytest
from reader import MISSING_PAGE, PAGES, each_tab_selected, open_every_box, open_page, page_id

MAX_PAGE_KIB = 300  # gzipped, everything the page loads
ALREADY_COMPRESSED = (".png", ".woff2", ".jpg", ".webp", ".gz")


def transfer_size(url: str, body: bytes) -> int:
    """What the page costs on the wire from GitHub Pages, which gzips text."""
    if urllib.parse.urlsplit(url).path.endswith(ALREADY_COMPRESSED):
        return len(body)
    return len(gzip.compress(body, compresslevel=6))


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_page_with_all_it_loads_weighs_at_most_300_kib_gzipped(page, base_url, path):
    responses = []
    page.context.on("response", lambda r: responses.append(r))  # the page's and its worker's
    open_page(page, base_url, path)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy figures load too
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    sizes = {r.url: transfer_size(r.url, r.body()) for r in responses if r.status == 200}
    assert any(url.endswith("search_index.json") for url in sizes), "search index not counted"
    total = sum(sizes.values())
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:5]
    assert total <= MAX_PAGE_KIB * 1024, (
        f"{page_id(path)} weighs {total / 1024:.0f} KiB gzipped; the largest: "
        + ", ".join(f"{url.removeprefix(base_url)} {size / 1024:.0f} KiB" for url, size in largest)
    )


def test_figures_carry_their_size_and_load_lazily(page, base_url):
    open_page(page, base_url, "positions/")
    figures = page.locator("article img").all()
    assert len(figures) >= 3
    sources = [figure.evaluate("img => img.src") for figure in figures]
    assert sources[-1] not in page.requested_urls, "the last figure loaded before it was needed"
    for figure in figures:
        assert figure.get_attribute("loading") == "lazy"
        figure.scroll_into_view_if_needed()
        figure.evaluate("img => img.decode()")
        natural = figure.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert [int(figure.get_attribute("width")), int(figure.get_attribute("height"))] == natural


# The element that scrolls: <code> in Material's blocks, <pre> in the notebook's.
CODE_WIDTHS = """() => [...document.querySelectorAll('article pre')]
    .map(pre => pre.querySelector(':scope > code') || pre)
    .filter(code => code.checkVisibility())
    .map(code => ({
        scrolls: code.scrollWidth > code.clientWidth,
        longest: code.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), ''),
        where: code.closest('details') ? 'box' : code.closest('.tabbed-set') ? 'tab' : 'page',
    }))"""


@pytest.mark.parametrize("path", [p for p in PAGES if p != "quiz/"], ids=page_id)  # quiz: no code
def test_no_code_block_scrolls_sideways_at_1280_pixels(page, base_url, path):
    assert page.viewport_size == {"width": 1280, "height": 900}
    open_page(page, base_url, path)
    open_every_box(page)
    measured, wide = 0, []
    for _ in each_tab_selected(page):
        for block in page.evaluate(CODE_WIDTHS):
            measured += 1
            if block["scrolls"]:
                wide.append(f"{block['where']}: {block['longest'].strip()[:60]!r}...")
    assert measured, f"no code block measured on {page_id(path)}"
    assert not wide, f"{len(wide)} blocks on {page_id(path)} scroll sideways: {wide[:5]}"


def test_a_stale_link_gets_the_styled_404_page(page, base_url):
    open_page(page, base_url, MISSING_PAGE, status=404)
    assert "404" in page.locator("article").inner_text()
    assert page.failed_requests == [], f"the 404 page failed to load {page.failed_requests}"
    loaded = [url for url in page.requested_urls if not url.startswith("data:")]
    assert len(loaded) >= 5 and all(url.startswith(base_url) for url in loaded), loaded
    header = page.locator(".md-header").evaluate(
        "el => [getComputedStyle(el).position, el.getBoundingClientRect().height]"
    )
    assert header[0] == "sticky" and header[1] < 100, f"the page is unstyled: {header}"
