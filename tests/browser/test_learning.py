"""The lesson as a student meets it, at a laptop's width and a phone's: answers behind closed
boxes, nothing wider than the screen, figures whose text stays readable, and figures that
open full size."""

import urllib.parse
from pathlib import Path

import pytest
from reader import PAGES, open_every_box, open_page, page_id

from lessonbuild.captures import figure_text
from lessonbuild.core import png

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "docs" / "assets" / "figures"
WIDTHS = {"laptop": 1280, "phone": 390}
MIN_TEXT_PX = 9  # the smallest figure text a reader can make out, in CSS pixels
LESSON_PAGES = ["theory/", "tasks/", "quiz/", "advanced/"]


@pytest.fixture(params=WIDTHS, ids=str)
def screen(request, browser, base_url):
    """A page at a laptop's width or a phone's (a touch screen, three pixels per CSS px)."""
    width = WIDTHS[request.param]
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 900},
        device_scale_factor=3 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("path", LESSON_PAGES, ids=page_id)
def test_every_worked_answer_is_in_a_box_closed_on_load(screen, base_url, path):
    open_page(screen, base_url, path)
    boxes = screen.locator("article details")
    assert boxes.count() >= 4, f"{page_id(path)}: {boxes.count()} boxes"
    assert screen.locator("article details[open]").count() == 0, "a box is open on load"
    if path in ("theory/", "tasks/"):
        worked = screen.locator("article details > summary", has_text="Worked")
        assert worked.count() == 4
        for i in range(4):
            body = worked.nth(i).locator("xpath=..").locator("div.highlight").first
            assert not body.is_visible(), "a worked answer shows before its box is opened"


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_no_page_is_wider_than_the_screen(screen, base_url, path):
    open_page(screen, base_url, path)
    open_every_box(screen)
    widths = screen.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (
        f"{page_id(path)} is {widths[0]} px wide on a {widths[1]} px screen"
    )


def figures_on(page) -> list:
    return [
        img
        for img in page.locator("article img").all()
        if "assets/figures/" in (img.get_attribute("src") or "")
    ]


def smallest_text_px(img) -> float:
    """The figure's smallest text as the reader sees it: as drawn, times the display scale."""
    picture = (FIGURES / Path(img.get_attribute("src")).name).read_bytes()
    drawn = float(png.text(picture)[figure_text.SMALLEST_TEXT])
    shown = img.evaluate("img => img.getBoundingClientRect().width")
    return drawn * shown / png.size(picture)[0]


@pytest.mark.parametrize("path", ["theory/", "positions/", "efficiency/", "lesson/"], ids=page_id)
def test_every_figures_text_is_at_least_9_css_pixels(screen, base_url, path):
    open_page(screen, base_url, path)
    open_every_box(screen)
    shown = figures_on(screen)
    assert shown, f"no figure on {page_id(path)}"
    small = {}
    for img in shown:
        img.scroll_into_view_if_needed()
        if (size := smallest_text_px(img)) < MIN_TEXT_PX:
            small[Path(img.get_attribute("src")).name] = round(size, 1)
    assert not small, f"{page_id(path)}: figure text smaller than {MIN_TEXT_PX} px: {small}"


@pytest.mark.parametrize("path", ["theory/", "positions/", "efficiency/", "lesson/"], ids=page_id)
def test_every_figure_opens_full_size(screen, base_url, path):
    open_page(screen, base_url, path)
    for img in figures_on(screen):
        link = img.locator("xpath=ancestor::a[1]")
        assert link.count() == 1, f"{img.get_attribute('src')} is not a link"
        href = urllib.parse.urljoin(screen.url, link.get_attribute("href"))
        answer = screen.request.get(href)
        assert answer.ok and answer.headers["content-type"] == "image/png", href
        assert png.size(answer.body()) == png.size((FIGURES / Path(href).name).read_bytes()), (
            f"{href} is not the figure at full size"
        )
    first = figures_on(screen)[0]
    first.evaluate(  # a figure in a worked answer: the reader opens its box first
        "img => { for (let box = img.closest('details'); box; box = box.parentElement"
        ".closest('details')) box.open = true; }"
    )
    first.scroll_into_view_if_needed()
    first.click()  # a tap on a phone
    screen.wait_for_load_state()
    assert screen.url.endswith(".png"), f"a tap on a figure opened {screen.url}"
