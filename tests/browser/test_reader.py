"""The site as a student sees it: every page in headless Chromium, offline, under a sub-path."""

import json
import re
import urllib.parse
import urllib.request
from collections import defaultdict

import pytest
from playwright.sync_api import Error as PlaywrightError
from reader import PAGES, open_page, page_id

from lessonbuild.core.includes import expand
from lessonbuild.core.paths import ROOT


def save_screenshot(page, path) -> None:
    """The whole page; Chromium refuses some very tall pages in one piece, so then its top
    16,000 pixels."""
    try:
        page.screenshot(path=path, full_page=True)
    except PlaywrightError:
        width = page.viewport_size["width"]
        height = min(page.evaluate("document.documentElement.scrollHeight"), 16_000)
        clip = {"x": 0, "y": 0, "width": width, "height": height}
        page.screenshot(path=path, full_page=True, clip=clip)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_page_loads_clean_offline_with_math_rendered(page, base_url, screenshots, path, screen):
    open_page(page, base_url, path)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy figures, too
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    suffix = "" if screen == "desktop" else f"-{screen}"
    save_screenshot(page, screenshots / f"{page_id(path)}{suffix}.png")

    assert page.console_errors == [], f"console errors: {page.console_errors}"
    assert page.failed_requests == [], f"failed requests: {page.failed_requests}"
    hosts = {
        urllib.parse.urlsplit(url).hostname
        for url in page.requested_urls
        if not url.startswith("data:")
    }
    assert hosts == {"127.0.0.1"}, f"requests to other hosts: {hosts - {'127.0.0.1'}}"

    text = page.locator("article").inner_text()
    assert "$$" not in text and "\\(" not in text and "\\[" not in text, "raw TeX on the page"
    for math in page.locator(".arithmatex").all():
        assert math.locator(".katex").count() == 1, f"math left unrendered: {math.inner_text()}"


def test_pages_with_math_have_it(page, base_url):
    for path in ("theory/", "advanced/", "positions/"):
        open_page(page, base_url, path)
        assert page.locator(".arithmatex .katex").count() >= 3, path


def test_quiz_answers_are_closed_then_open_on_click(page, base_url):
    open_page(page, base_url, "quiz/")
    answers = page.locator("details.question")
    assert answers.count() >= 12
    for i in range(answers.count()):
        answer = answers.nth(i)
        body = answer.locator("p").nth(0)
        assert answer.locator("summary").inner_text() == f"Answer to question {i + 1}"
        assert answer.get_attribute("open") is None, f"answer {i + 1} is open on load"
        assert not body.is_visible(), f"answer {i + 1} is visible before a click"
        answer.locator("summary").click()
        assert answer.get_attribute("open") is not None
        assert body.is_visible() and body.inner_text().strip()


def test_copy_button_copies_exactly_the_snippet_sections(page, base_url):
    open_page(page, base_url, "tasks/")
    tasks = (ROOT / "docs" / "tasks.md").read_text()
    first_block = tasks.split("```python\n")[1].split("```")[0]
    block = page.locator("div.highlight", has_text="import torch").first
    block.hover()
    block.locator("button[data-md-type='copy']").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip("\n") == expand(first_block).strip("\n")


def test_notebook_shows_outputs_and_its_download_works(page, base_url):
    open_page(page, base_url, "lesson/")
    outputs = page.locator(".jp-OutputArea-output")
    assert outputs.count() >= 10
    assert "torch.Size([1, 4, 4096])" in page.locator(".jupyter-wrapper").inner_text()

    open_page(page, base_url, "")
    link = page.get_by_role("link", name=re.compile(r"Download .*\.ipynb"))
    href = urllib.parse.urljoin(page.url, link.get_attribute("href"))
    with urllib.request.urlopen(href, timeout=10) as response:
        notebook = json.load(response)
    assert notebook["nbformat"] == 4 and len(notebook["cells"]) > 20


def test_search_finds_padding_idx_on_the_tasks_page(page, base_url):
    open_page(page, base_url, "")
    page.locator(".md-search__input").click()
    page.keyboard.type("padding_idx")  # Material searches on key events
    result = page.locator(".md-search-result__item a").first
    result.wait_for(timeout=10_000)
    result.click()
    page.wait_for_load_state("networkidle")
    assert "/tasks/" in page.url, f"the first result for padding_idx is {page.url}"
    assert "padding_idx" in page.locator("article").inner_text()


def test_light_dark_toggle(page, base_url):
    open_page(page, base_url, "")
    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    assert page.locator("body").get_attribute("data-md-color-scheme") != scheme


def test_every_internal_link_and_anchor_resolves(page, base_url):
    targets = set()
    for path in PAGES:
        open_page(page, base_url, path)
        for href in page.eval_on_selector_all("article a[href]", "els => els.map(e => e.href)"):
            if href.startswith(base_url):
                targets.add(href)
    anchors = defaultdict(set)
    for href in targets:
        url, _, anchor = href.partition("#")
        anchors[url].add(anchor)
    for url, wanted in sorted(anchors.items()):
        if url.endswith((".ipynb", ".png", ".zip")):  # files, not pages: the browser would download
            assert urllib.request.urlopen(url, timeout=10).status == 200, url
            continue
        open_page(page, url, "")
        for anchor in wanted - {""}:
            found = page.locator(f"[id='{urllib.parse.unquote(anchor)}']").count()
            assert found, f"{url}#{anchor}: no element with that id"
    assert len(targets) >= 15
