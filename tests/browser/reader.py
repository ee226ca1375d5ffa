"""What the browser tests share: the pages, and how to open one in every state a reader sees."""

PAGES = ["", "theory/", "tasks/", "quiz/", "advanced/", "positions/", "efficiency/", "lesson/"]
PAGES += ["assignment/"]
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
