"""Every page for a reader with a screen reader or a keyboard, in every state a reader can put
it in: axe-core in both palettes, on a laptop and on a phone, at rest, with every box open,
with each tab shown and focused, with search open on a query, with the phone's navigation
drawer open; every focus stop visible by more than colour; each box and tab worked from the
keyboard alone."""

import pytest
from reader import (
    MISSING_PAGE,
    PAGES,
    each_tab_selected,
    open_drawer,
    open_every_box,
    open_page,
    open_search,
    page_id,
)

from lessonbuild.core.paths import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # pinned in package-lock.json
CUDA_CAPTURED = any((ROOT / "docs" / "outputs" / "cuda").glob("*.txt"))
MAX_TAB_PRESSES = 800  # more than any page has focusable elements
SCREENS = ["desktop", "phone"]
PALETTES = ["light", "dark"]


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"no {AXE.relative_to(ROOT)}: run `npm ci` (nox -s browser does)")
    return AXE.read_text()


# Parts of the notebook page are drawn only when they near the screen (content-visibility in
# site.css). axe measures where each element sits to find what is behind its text, and for a
# part not drawn yet it reads boxes the browser never laid out, so it compares text with the
# wrong background. A reader sees each part drawn; so does axe, with this style.
DRAW_EVERYTHING = "* { content-visibility: visible !important; }"


def axe_violations(page, axe_source, context: str = "document") -> list[dict]:
    """axe-core's violations of any impact, in the whole page or in one element (a CSS
    selector), as the page is now, every part of it drawn."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
        page.add_style_tag(content=DRAW_EVERYTHING)
    settle(page)
    return page.evaluate(
        "context => axe.run(context === 'document' ? document : document.querySelector(context),"
        " {resultTypes: ['violations']})",
        context,
    )["violations"]


def settle(page) -> None:
    """Wait for the page's transitions to end (the header's title slides in when the page
    scrolls), so axe sees the page as a reader does, not half-way through a fade."""
    page.evaluate(
        """() => Promise.race([
            Promise.all(document.getAnimations().map(a => a.finished.catch(() => null))),
            new Promise(done => setTimeout(done, 2000)),
        ])"""
    )


class Findings:
    """Violations found in the states of a page, grouped by rule, each with where and when."""

    def __init__(self):
        self.found = {}

    def add(self, state: str, violations: list[dict]) -> None:
        for violation in violations:
            key = (violation["id"], violation["impact"])
            targets = self.found.setdefault(key, {})
            for node in violation["nodes"]:
                targets.setdefault(str(node["target"]), state)

    def report(self) -> str:
        return "; ".join(
            f"{rule} ({impact}): {len(targets)} elements, e.g. "
            + ", ".join(f"{target} when {state}" for target, state in list(targets.items())[:3])
            for (rule, impact), targets in sorted(self.found.items())
        )


def focus_as_the_keyboard_does(page, selector: str, index: int) -> None:
    """Focus the index-th element matching selector so that it shows keyboard focus."""
    page.keyboard.press("Shift")  # the last input came from the keyboard: :focus-visible
    page.locator(selector).nth(index).focus()
    assert page.evaluate("document.activeElement.matches(':focus-visible')")


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("color_scheme", PALETTES)
@pytest.mark.parametrize("path", [*PAGES, MISSING_PAGE], ids=page_id)
def test_axe_finds_no_violation_at_rest_with_boxes_open_and_each_tab(
    page, base_url, axe_source, path, color_scheme, screen
):
    open_page(page, base_url, path, status=404 if path == MISSING_PAGE else 200)
    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    assert scheme == {"light": "default", "dark": "slate"}[color_scheme]
    findings = Findings()
    findings.add("at rest", axe_violations(page, axe_source))
    open_every_box(page)
    tab_sets = page.locator(".tabbed-set").count()
    for index in each_tab_selected(page):
        findings.add(f"boxes open, tab {index + 1} shown", axe_violations(page, axe_source))
        for tab_set in range(tab_sets):  # each shown tab with the keyboard's focus on it
            focus_as_the_keyboard_does(page, ".tabbed-set > input:checked", tab_set)
            findings.add(
                f"tab {index + 1} focused",
                axe_violations(page, axe_source, ".tabbed-set:has(> input:focus)"),
            )
    report = findings.report()
    assert not report, f"{page_id(path)}, {color_scheme}, {screen}: {report}"


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("color_scheme", PALETTES)
def test_axe_finds_no_violation_with_search_open(page, base_url, axe_source, color_scheme, screen):
    open_page(page, base_url, "theory/")
    findings = Findings()
    open_search(page)
    findings.add("search open, empty", axe_violations(page, axe_source))
    open_search(page, "padding_idx")  # matches in prose, headings and code
    count = page.locator(".md-search-result__meta").inner_text()
    assert "matching document" in count, count
    assert page.locator(".md-search-result mark").count() >= 3, "no highlighted matches"
    findings.add("results shown", axe_violations(page, axe_source))
    page.keyboard.press("ArrowDown")  # Material moves the focus into the results
    assert page.evaluate("!!document.activeElement.closest('.md-search-result')")
    findings.add("a result focused", axe_violations(page, axe_source))
    page.evaluate(
        "document.querySelectorAll('.md-search-result details').forEach(d => d.open = true)"
    )
    findings.add("every result expanded", axe_violations(page, axe_source))
    report = findings.report()
    assert not report, f"search, {color_scheme}, {screen}: {report}"


@pytest.mark.parametrize("screen", ["phone"])  # wider screens show the navigation beside the page
@pytest.mark.parametrize("color_scheme", PALETTES)
@pytest.mark.parametrize("path", ["", "theory/"], ids=page_id)
def test_axe_finds_no_violation_with_the_navigation_drawer_open(
    page, base_url, axe_source, path, color_scheme, screen
):
    open_page(page, base_url, path)
    open_drawer(page)
    findings = Findings()
    findings.add("drawer open", axe_violations(page, axe_source))
    report = findings.report()
    assert not report, f"{page_id(path)} drawer, {color_scheme}: {report}"


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


# What shows the focus: the focused element, or for the inputs Material hides (content tabs,
# the palette switch) the label that stands for them. Its outline, its size, whether it is on
# the screen, and the contrast of the outline against what is behind it.
FOCUS_INDICATOR = """async () => {
    const el = document.activeElement;
    if (el === document.body || window.focusedOnce.has(el)) return null;
    window.focusedOnce.add(el);
    const frame = () => new Promise(done => requestAnimationFrame(() => done()));
    for (let still = 0, y = NaN; still < 2; still = y === scrollY ? still + 1 : 0) {
        y = scrollY;  // let a smooth scroll to the new stop end
        await frame();
    }
    const running = document.getAnimations();  // and the transitions it started (a fade)
    if (running.length) await Promise.race([
        Promise.all(running.map(a => a.finished.catch(() => null))),
        new Promise(done => setTimeout(done, 2000)),
    ]);
    let shown = el;
    if (el.matches('.tabbed-set > input')) {
        const inputs = [...el.parentElement.querySelectorAll(':scope > input')];
        shown = el.parentElement.querySelector('.tabbed-labels').children[inputs.indexOf(el)];
    } else if (el.matches('input.md-option')) {
        shown = el.nextElementSibling;
    }
    const rgba = text => {
        const [r, g, b, a = 1] = text.match(/[\\d.]+/g).map(Number);
        return [r, g, b, a];
    };
    const over = (top, bottom) => top.slice(0, 3).map(
        (c, i) => c * top[3] + bottom[i] * (1 - top[3])).concat(1);
    const behind = node => {  // the colour under the element, its ancestors' backgrounds mixed
        const layers = [];
        for (let n = node; n; n = n.parentElement) {
            const colour = rgba(getComputedStyle(n).backgroundColor);
            if (colour[3] > 0) layers.push(colour);
            if (colour[3] === 1) break;
        }
        return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
    };
    // What the ring is drawn on: the element's own box for a ring drawn inside it, else
    // whatever is on the screen just outside the element's left edge.
    const underRing = (node, style, box) => {
        const offset = parseFloat(style.outlineOffset);
        if (offset < 0) return node;
        const x = Math.max(0, box.left - offset - 1);
        const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
        const seen = e => e.checkVisibility({opacityProperty: true, visibilityProperty: true});
        return document.elementsFromPoint(x, y).find(e => !node.contains(e) && seen(e))
            || node.parentElement;
    };
    const luminance = c => {
        const [r, g, b] = c.slice(0, 3).map(v => v / 255).map(
            v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const style = getComputedStyle(shown);
    // A link around a figure is a line box under the image; the ring goes round both.
    const parts = [shown, ...shown.querySelectorAll('*')].map(e => e.getBoundingClientRect())
        .filter(r => r.width && r.height);
    const box = parts.length ? {
        left: Math.min(...parts.map(r => r.left)), top: Math.min(...parts.map(r => r.top)),
        right: Math.max(...parts.map(r => r.right)), bottom: Math.max(...parts.map(r => r.bottom)),
    } : shown.getBoundingClientRect();
    box.width = box.right - box.left;
    box.height = box.bottom - box.top;
    const background = behind(underRing(shown, style, box));
    const ring = over(rgba(style.outlineColor), background);
    const [light, dark] = [luminance(ring), luminance(background)].sort((a, b) => b - a);
    const name = el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30)
        || el.getAttribute('title') || '';
    return {
        what: `<${el.tagName.toLowerCase()} class="${el.className}"> ${name}`,
        focusVisible: el.matches(':focus-visible'),
        size: [Math.round(box.width), Math.round(box.height)],
        onScreen: box.right > 0 && box.bottom > 0 && box.left < innerWidth && box.top < innerHeight,
        outline: `${style.outlineStyle} ${style.outlineWidth}`,
        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        contrast: Math.round((light + 0.05) / (dark + 0.05) * 100) / 100,
    };
}"""


@pytest.mark.parametrize(
    ("screen", "color_scheme"), [("desktop", "light"), ("phone", "dark")], ids=["desktop", "phone"]
)
@pytest.mark.parametrize("path", [*PAGES, MISSING_PAGE], ids=page_id)
def test_every_focus_stop_shows_a_ring_not_only_a_colour(
    page, base_url, path, screen, color_scheme
):
    """Tab through the whole page: each stop is on the screen, has a size, and shows a ring
    of at least 2 px with at least 3:1 contrast against what is behind it (WCAG 2.4.7 and
    1.4.11), so the focus never shows by a change of colour alone."""
    open_page(page, base_url, path, status=404 if path == MISSING_PAGE else 200)
    page.evaluate("window.focusedOnce = new Set()")
    stops, problems = 0, []
    for _ in range(MAX_TAB_PRESSES):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_INDICATOR)
        if stop is None:
            break
        stops += 1
        wrong = [
            *([] if stop["focusVisible"] else ["no :focus-visible"]),
            *([] if min(stop["size"]) >= 1 else [f"size {stop['size']}"]),
            *([] if stop["onScreen"] else ["off the screen"]),
            *([] if stop["ring"] else [f"outline {stop['outline']}"]),
            *([] if stop["contrast"] >= 3 else [f"ring contrast {stop['contrast']}:1"]),
        ]
        if wrong:
            problems.append(f"{stop['what']}: {', '.join(wrong)}")
    else:
        raise AssertionError(f"still finding new focus stops after {MAX_TAB_PRESSES} presses")
    assert stops >= 5, f"only {stops} focus stops on {page_id(path)}"
    assert not problems, f"{page_id(path)}, {screen}: {len(problems)} of {stops} stops: " + (
        "; ".join(problems[:8])
    )


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


NO_OUTPUTS = ("", "quiz/", "lesson/", "assignment/", "glossary/", "about/")  # so no tab sets


@pytest.mark.parametrize("path", [p for p in PAGES if p not in NO_OUTPUTS])
def test_every_tab_set_switches_from_the_keyboard(page, base_url, path):
    open_page(page, base_url, path)
    sets = page.locator(".tabbed-set")
    if sets.count() == 0 and not CUDA_CAPTURED:
        pytest.skip(
            "no tab sets yet: outputs show CPU and CUDA tabs once lessonbuild/gpu.py has run"
        )
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


def test_the_search_box_hands_the_focus_on_to_something_visible(page, base_url):
    """Tab from the search box closes search; the focus then lands on a visible element,
    not on the emptied result box (Material gives it tabindex="0"; overrides/ takes it away)."""
    open_page(page, base_url, "")
    open_search(page, "embedding")
    page.locator(".md-search__input").focus()
    page.keyboard.press("Tab")
    assert not page.locator("#__search").is_checked(), "Tab did not close search"
    landed = page.evaluate(
        "(() => { const r = document.activeElement.getBoundingClientRect();"
        " return [document.activeElement.className, r.width, r.height]; })()"
    )
    assert landed[1] >= 1 and landed[2] >= 1, f"the focus went to {landed}"


@pytest.mark.parametrize("screen", ["phone"])  # where the header has these two buttons
def test_the_drawer_and_search_buttons_work_from_the_keyboard(page, base_url, screen):
    open_page(page, base_url, "theory/")
    buttons = {}
    for element in focus_walk(page):
        toggle = element.evaluate("el => el.closest('label[for]')?.htmlFor || ''")
        if toggle in ("__drawer", "__search"):
            buttons[toggle] = element
    assert set(buttons) == {"__drawer", "__search"}, f"the keyboard reached {set(buttons)}"
    for button in buttons.values():
        assert button.evaluate("el => el.matches('button[aria-label]')")

    buttons["__drawer"].focus()
    assert buttons["__drawer"].get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.locator("#__drawer").is_checked(), "Enter does not open the drawer"
    assert buttons["__drawer"].get_attribute("aria-expanded") == "true"
    inside = page.evaluate("!!document.activeElement.closest('.md-sidebar--primary')")
    assert inside, "the open drawer did not take the focus"
    page.keyboard.press("Tab")  # its links are reachable, one after another
    assert page.evaluate("!!document.activeElement.closest('.md-sidebar--primary')")
    page.keyboard.press("Escape")
    assert not page.locator("#__drawer").is_checked(), "Escape does not close the drawer"
    assert page.evaluate("document.activeElement.closest('label')?.htmlFor") == "__drawer"

    page.locator("label.md-header__button[for='__drawer']").click()  # a tap still works too
    assert page.locator("#__drawer").is_checked(), "a tap does not open the drawer"
    page.keyboard.press("Escape")

    buttons["__search"].focus()
    page.keyboard.press(" ")
    page.wait_for_function("document.getElementById('__search').checked", timeout=5_000)
    page.wait_for_function("document.activeElement.matches('.md-search__input')", timeout=5_000)
