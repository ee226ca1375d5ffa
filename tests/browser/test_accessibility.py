"""Every page for a reader with a screen reader or a keyboard: axe-core in both palettes, with
every box open and every tab shown, and each box and tab worked from the keyboard alone."""

import pytest
from reader import MISSING_PAGE, PAGES, each_tab_selected, open_every_box, open_page, page_id

from snippet_includes import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # pinned in package-lock.json
# Findings of impact moderate or minor that stay, by rule id, each with its reason. Nothing of
# impact serious or critical may stay, whoever's markup it is (Material's included).
ALLOWED = {}
MAX_TAB_PRESSES = 800  # more than any page has focusable elements


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"no {AXE.relative_to(ROOT)}: run `npm ci` (nox -s browser does)")
    return AXE.read_text()


def axe_violations(page, axe_source) -> list[dict]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [*PAGES, MISSING_PAGE], ids=page_id)
def test_axe_finds_no_violation(page, base_url, axe_source, path, color_scheme):
    open_page(page, base_url, path, status=404 if path == MISSING_PAGE else 200)
    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    assert scheme == {"light": "default", "dark": "slate"}[color_scheme]
    open_every_box(page)
    found = {}
    for _ in each_tab_selected(page):
        for violation in axe_violations(page, axe_source):
            if violation["id"] in ALLOWED and violation["impact"] in ("moderate", "minor"):
                continue
            targets = found.setdefault((violation["id"], violation["impact"]), set())
            targets.update(str(node["target"]) for node in violation["nodes"])
    report = [
        f"{rule} ({impact}): {len(targets)} elements, e.g. {sorted(targets)[:3]}"
        for (rule, impact), targets in sorted(found.items())
    ]
    assert not report, f"{page_id(path)}, {color_scheme}: " + "; ".join(report)


def focus_walk(page):
    """Press Tab from the top of the page; yield each element that takes the focus, until
    the focus comes back to one it had (or leaves the page)."""
    page.evaluate("window.focusedOnce = new Set()")
    for _ in range(MAX_TAB_PRESSES):
        page.keyboard.press("Tab")
        element = page.evaluate_handle("document.activeElement")
        new = element.evaluate(
            """el => el !== document.body && !window.focusedOnce.has(el)
                && !!window.focusedOnce.add(el)"""
        )
        if not new:
            return
        yield element
    raise AssertionError(f"still finding new focus stops after {MAX_TAB_PRESSES} presses")


def test_each_quiz_box_is_named_and_opens_from_the_keyboard(page, base_url):
    open_page(page, base_url, "quiz/")
    names = page.locator("details.question > summary").all_inner_texts()
    assert len(names) >= 12 and names == [f"Answer to question {n + 1}" for n in range(len(names))]
    opened = []
    for element in focus_walk(page):
        if not element.evaluate("el => el.matches('details.question > summary')"):
            continue
        box = element.evaluate_handle("el => el.parentElement")
        assert not box.evaluate("box => box.open"), "a box is open before the reader asks"
        page.keyboard.press("Enter")
        assert box.evaluate("box => box.open"), f"Enter does not open {element.inner_text()!r}"
        assert box.evaluate("box => box.querySelector('p').checkVisibility()")
        page.keyboard.press(" ")
        assert not box.evaluate("box => box.open"), "Space does not close the box again"
        opened.append(element.inner_text())
    assert opened == names, f"the keyboard reached {opened} of {names}"


@pytest.mark.parametrize(
    "path",
    [p for p in PAGES if p not in ("", "quiz/", "lesson/", "assignment/")],  # no tabs
)
def test_every_tab_set_switches_from_the_keyboard(page, base_url, path):
    open_page(page, base_url, path)
    sets = page.locator(".tabbed-set")
    assert sets.count() >= 1, f"{path} has no tab set"
    reached = set()
    for element in focus_walk(page):
        index = element.evaluate(
            "el => el.matches('.tabbed-set > input')"
            " ? [...document.querySelectorAll('.tabbed-set')].indexOf(el.parentElement) : -1"
        )
        if index < 0 or index in reached:
            continue
        reached.add(index)
        tab_set = sets.nth(index)
        shown = tab_set.locator(".tabbed-block:visible")
        first = shown.inner_text()
        page.keyboard.press("ArrowRight")
        assert tab_set.locator(":scope > input").nth(1).is_checked(), "ArrowRight picks no tab"
        assert shown.inner_text() != first, "the shown tab did not change"
        page.keyboard.press("ArrowLeft")
        assert tab_set.locator(":scope > input").nth(0).is_checked()
    assert reached == set(range(sets.count())), f"the keyboard reached tab sets {reached}"
