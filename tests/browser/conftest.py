"""The built site, served under a sub-path on 127.0.0.1, in Debian's headless Chromium."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from lessonbuild.browser.serve import CHROMIUM, CHROMIUM_FLAGS, built_sub_path, serve_under_sub_path

ROOT = Path(__file__).resolve().parents[2]


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots", default="screenshots", help="folder for one full-page screenshot per page"
    )


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    """The site served as GitHub Pages serves a project site: under its sub-path."""
    if not (ROOT / "site" / "index.html").exists():
        pytest.fail("no built site in site/: run `nox -s browser` (it builds first)")
    folder = tmp_path_factory.mktemp("served")
    with serve_under_sub_path(ROOT / "site", folder, built_sub_path(ROOT / "site")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (or set CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


# The screens a reader uses: a laptop window, and a phone (touch, no hover, 390 CSS pixels).
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture
def screen():
    """The screen the page is seen on; a test that parametrizes `screen` sees each it names.
    (Not `device`: the lesson's tests use that name for the torch device.)"""
    return "desktop"


@pytest.fixture
def color_scheme():
    """The palette the reader's system asks for; Material follows it on a first visit.
    A test that parametrizes `color_scheme` sees the page in each palette it names."""
    return "light"


@pytest.fixture
def page(browser, base_url, color_scheme, screen):
    """A fresh page that records console errors, failed requests and every host it asks."""
    context = browser.new_context(color_scheme=color_scheme, **SCREENS[screen])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    page.console_errors, page.failed_requests, page.requested_urls = [], [], []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("requestfailed", lambda r: page.failed_requests.append(r.url))
    page.on("request", lambda r: page.requested_urls.append(r.url))
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots(request):
    folder = Path(request.config.getoption("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
