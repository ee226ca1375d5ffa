"""What the browser tests share: the pages, and how to open one in every state a reader sees."""

from lessonbuild.core.registry import built_page, nav

# Every page of the nav, as the site serves it: "", "theory/", ..., "lesson/".
PAGES = [built_page(page).removesuffix("index.html") for page in nav().values()]
MISSING_PAGE = "no/such/page/"  # a stale link: GitHub Pages answers with the site's 404.html


def page_id(path: str) -> str:
    return path.strip("/").replace("/", "-") or "home"


def open_page(page, base_url, path, status=200):
    response = page.goto(base_url + path, wait_until="networkidle")
    assert response.status == status, f"{page_id(path)}: HTTP {response.status}"
    return response


def open_every_box(page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(box => { box.open = true; })")


def each_tab_selected(page):
    """Select the first tab of every tab set, then the second, ...; yield the index each time."""
    count = page.evaluate(
        """Math.max(1, ...[...document.querySelectorAll('.tabbed-set')]
            .map(set => set.querySelectorAll(':scope > input').length))"""
    )
    for index in range(count):
        page.evaluate(
            """index => document.querySelectorAll('.tabbed-set').forEach(set => {
                const tab = set.querySelectorAll(':scope > input')[index];
                if (tab) tab.click();
            })""",
            index,
        )
        yield index


def open_search(page, query: str = "") -> None:
    """Open search as a reader does (the box in the header, or the magnifier on a phone) and
    type a query; wait until its results show."""
    magnifier = page.locator("label.md-header__button[for='__search']")  # only on a phone
    if page.locator("#__search").is_checked():
        page.locator(".md-search__input").focus()
    elif magnifier.is_visible():
        magnifier.click()
    else:
        page.locator(".md-search__input").click()
    page.wait_for_function("document.getElementById('__search').checked", timeout=5_000)
    if query:
        page.keyboard.type(query)  # Material searches on key events
        page.locator(".md-search-result__item").first.wait_for(timeout=15_000)


def open_drawer(page) -> None:
    """Open the navigation drawer with its button in the header (phones and tablets)."""
    page.locator("label.md-header__button[for='__drawer']").click()
    page.locator(".md-sidebar--primary").evaluate(
        "el => new Promise(done => el.getAnimations({subtree: true}).length"
        " ? Promise.all(el.getAnimations({subtree: true}).map(a => a.finished)).then(done)"
        " : done())"
    )
    assert page.locator("#__drawer").is_checked(), "the drawer did not open"
