"""What a reader on a slow line, a cheap phone or a small laptop meets: the weight of each page,
the work its browser does to show it, the search index only when search opens, code that fits
a 1280-pixel window and on a phone says that it scrolls, figures that wait until they are
needed, and a 404 page that works."""

import gzip
import io
import urllib.parse

import pytest
from PIL import Image
from reader import (
    MISSING_PAGE,
    PAGES,
    each_tab_selected,
    open_every_box,
    open_page,
    open_search,
    page_id,
)

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
    open_search(page)  # and the search index, which waits for search to open
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


@pytest.mark.parametrize("path", [p for p in PAGES if p != "glossary/"], ids=page_id)  # no code
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


def test_the_search_index_loads_when_search_opens_and_not_before(page, base_url):
    open_page(page, base_url, "theory/")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    index = [url for url in page.requested_urls if url.endswith("/search/search_index.json")]
    assert index == [], "the page fetched the search index before search was opened"
    with page.expect_request("**/search/search_index.json", timeout=10_000):
        open_search(page)
    open_search(page, "padding_idx")  # and search works once it has it
    assert "padding_idx" in page.locator(".md-search-result").inner_text()


def test_a_page_reached_from_a_search_result_highlights_its_matches(page, base_url):
    open_page(page, base_url, "tasks/?h=padding_idx")  # as a search result links to it
    marks = page.locator("article mark")
    marks.first.wait_for(timeout=10_000)
    assert "padding_idx" in marks.first.inner_text()


# Every style recalculation of the page while it loads, from Chromium's trace: how many elements
# each one styled. Counted, not timed, so a busy machine does not change the answer.
STYLE_TRACE_CATEGORIES = "devtools.timeline,disabled-by-default-devtools.timeline"
MAX_STYLINGS_PER_ELEMENT = 3.5  # measured 0.8 to 2.5 on every page; Material alone: 4.2 to 7.4


@pytest.mark.parametrize("screen", ["phone"])
@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_loading_a_page_does_not_restyle_it_over_and_over(page, base_url, path, screen):
    """A phone styles every element of a page once to show it. Material's start-up used to make
    it style the whole page five or six times more (a palette applied again, the <html> class
    changed after the first paint): on the notebook page that was most of a phone's blocking
    time. overrides/main.html and partials/before-scripts.html prevent it."""
    cdp = page.context.new_cdp_session(page)
    events, done = [], []
    cdp.on("Tracing.dataCollected", lambda message: events.extend(message["value"]))
    cdp.on("Tracing.tracingComplete", lambda _: done.append(True))
    cdp.send("Tracing.start", {"categories": STYLE_TRACE_CATEGORIES})
    open_page(page, base_url, path)
    page.wait_for_timeout(1000)  # what Material does after the load event
    cdp.send("Tracing.end")
    page.wait_for_function("() => true")
    while not done:
        page.wait_for_timeout(50)
    styled = sum(
        event["args"].get("elementCount", 0)
        for event in events
        if event.get("name") == "UpdateLayoutTree"
    )
    elements = page.evaluate("document.getElementsByTagName('*').length")
    assert styled <= MAX_STYLINGS_PER_ELEMENT * elements, (
        f"{page_id(path)}: {styled} elements styled while loading, "
        f"{styled / elements:.1f} times each of its {elements}"
    )


# The element that scrolls: <code> in Material's blocks, <pre> in the notebook's, and a display
# formula's own box. For each that scrolls sideways: can the keyboard reach it, and does it
# carry the scroll cue (site.css: covers that travel with the code, shadows fixed at the edges)?
SCROLLING_CODE = """() => [...document.querySelectorAll(
        'article pre, article div.arithmatex, article .arithmatex-display')]
    .map(block => block.querySelector(':scope > code') || block)
    .filter(code => code.checkVisibility() && code.scrollWidth > code.clientWidth)
    .map(code => {
        const style = getComputedStyle(code);
        return {
            line: code.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), ''),
            focusable: code.tabIndex === 0,
            cue: style.backgroundAttachment.split(', ').filter(a => a === 'local').length === 2
                && (style.backgroundImage.match(/gradient/g) || []).length === 4,
        };
    })"""


@pytest.mark.parametrize("screen", ["phone"])
@pytest.mark.parametrize("path", [p for p in PAGES if p != "quiz/"], ids=page_id)
def test_code_that_scrolls_on_a_phone_shows_it_and_takes_the_keyboard(page, base_url, path, screen):
    open_page(page, base_url, path)
    open_every_box(page)
    page.wait_for_timeout(100)  # site.js marks blocks when their size is known
    wrong = []
    for _ in each_tab_selected(page):
        page.wait_for_timeout(100)
        for block in page.evaluate(SCROLLING_CODE):
            problems = [
                *([] if block["focusable"] else ["not focusable"]),
                *([] if block["cue"] else ["no scroll cue"]),
            ]
            if problems:
                wrong.append(f"{block['line'].strip()[:40]!r}: {', '.join(problems)}")
    assert not wrong, f"{len(wrong)} blocks on {page_id(path)}: {wrong[:5]}"


def edge_shades(page, code) -> tuple[float, float]:
    """How much darker (light palette) the block is at its left and its right edge than in its
    middle, in the top padding where no code is drawn: a shadow there is the scroll cue."""
    shot = Image.open(io.BytesIO(code.screenshot())).convert("L")
    width = shot.width
    row = [shot.getpixel((x, 3)) for x in range(width)]
    middle = row[width // 2]
    return middle - min(row[:6]), middle - min(row[-6:])


@pytest.mark.parametrize("screen", ["phone"])
def test_the_scroll_cue_shows_where_more_code_hides(page, base_url, screen):
    open_page(page, base_url, "positions/")
    code = page.locator("article pre > code").first
    code.scroll_into_view_if_needed()
    assert code.evaluate("c => c.scrollWidth - c.clientWidth") > 50, "the first block fits"
    left, right = edge_shades(page, code)
    assert right >= 12 and left <= 2, f"at rest: shade left {left}, right {right}"
    code.evaluate("c => { c.scrollLeft = c.scrollWidth; }")
    left, right = edge_shades(page, code)
    assert left >= 12 and right <= 2, f"scrolled to the end: shade left {left}, right {right}"
    code.evaluate("c => { c.scrollLeft = (c.scrollWidth - c.clientWidth) / 2; }")
    left, right = edge_shades(page, code)
    assert left >= 12 and right >= 12, f"half way: shade left {left}, right {right}"


@pytest.mark.parametrize("screen", ["phone"])
@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_no_page_pans_sideways_on_a_phone(page, base_url, path, screen):
    """Wide code, formulas and tables scroll inside their own boxes; the page itself stays
    as wide as the phone, every box open."""
    open_page(page, base_url, path)
    open_every_box(page)
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], (
        f"{page_id(path)} is {widths[0]} px wide on a {widths[1]} px phone"
    )


@pytest.mark.parametrize("screen", ["phone"])
def test_a_formula_that_scrolls_once_its_fonts_arrive_takes_the_keyboard(page, base_url, screen):
    """On a slow line KaTeX's fonts come after the first layout, and a formula that fitted in
    the fallback font may then scroll: the keyboard must still reach it."""

    def slow_font(route):
        page.wait_for_timeout(1500)
        route.continue_()

    page.route("**/*.woff2", slow_font)
    open_page(page, base_url, "efficiency/")
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(200)
    formulas = page.evaluate(
        """() => [...document.querySelectorAll('article div.arithmatex')]
            .filter(f => f.scrollWidth > f.clientWidth).map(f => f.tabIndex)"""
    )
    assert formulas, "no formula on Efficiency scrolls on a phone: pick a page where one does"
    assert all(index == 0 for index in formulas), f"tabindex of the scrolling formulas: {formulas}"
