"""The Quiz page in Chromium: choosing an option marks it and shows that option's feedback,
from the keyboard too, heard through a live region; axe finds nothing with feedback shown, in
both palettes; and without JavaScript the page still holds every question and every box."""

import re

import pytest
import test_accessibility
from reader import open_page
from test_accessibility import axe_violations

from lessonbuild.kit import quiz_source

QUESTIONS = quiz_source.questions()
axe_source = test_accessibility.axe_source  # the fixture, shared


def flat(text: str) -> str:
    return " ".join(text.split())


def expected_feedback(page, number: int, letter: str) -> str:
    """The feedback item for this option, as the closed box on the page holds it."""
    box = page.locator("details.question").nth(number - 1)
    items = box.locator(":scope > ul > li").all()
    (item,) = [i for i in items if i.text_content().strip().startswith(f"({letter}) ")]
    return flat(item.text_content())


def choices(page, number: int):
    return page.locator("fieldset.quiz-choices").nth(number - 1)


def test_every_question_becomes_a_group_of_choices(page, base_url):
    open_page(page, base_url, "quiz/")
    assert page.locator("fieldset.quiz-choices").count() == len(QUESTIONS)
    assert page.locator("details.question").count() == len(QUESTIONS)  # the boxes stay
    for q in QUESTIONS:
        group = choices(page, q.number)
        kind = "checkbox" if q.multi else "radio"
        assert group.locator(f"input[type={kind}]").count() == len(q.options)
        assert group.get_attribute("aria-label").startswith(f"Question {q.number}. ")
        labels = [flat(label) for label in group.locator("label").all_text_contents()]
        assert [label[:4] for label in labels] == [f"({o.letter}) " for o in q.options]
        assert group.locator(".quiz-feedback:visible").count() == 0  # nothing shown yet
        assert group.locator("input[aria-describedby]").count() == 0  # nor heard
    assert page.console_errors == []


def test_choosing_each_option_shows_its_feedback_and_marks_it(page, base_url):
    open_page(page, base_url, "quiz/")
    for q in QUESTIONS:
        group = choices(page, q.number)
        status = page.locator(".quiz-status").nth(q.number - 1)
        for option in q.options:
            wanted = expected_feedback(page, q.number, option.letter)
            verdict = "Right." if option.right else "Not right."
            assert wanted.startswith(f"({option.letter}) {verdict}")
            group.locator(f"label[for=quiz-{q.number}-{option.letter}]").click()
            row = group.locator(f".quiz-option[data-letter={option.letter}]")
            shown = row.locator(".quiz-feedback")
            assert shown.is_visible(), f"question {q.number} ({option.letter}): no feedback"
            assert flat(shown.inner_text()) == wanted
            assert "quiz-chosen" in row.get_attribute("class")
            described = row.locator("input").get_attribute("aria-describedby")
            assert described == f"quiz-{q.number}-{option.letter}-feedback"
            mark = "quiz-is-right" if option.right else "quiz-is-wrong"
            assert mark in row.get_attribute("class")
            assert flat(status.text_content()) == wanted  # what a screen reader hears
            if q.multi:
                row.locator("label").click()  # untick: its feedback goes
                assert not shown.is_visible() and status.text_content() == ""
            else:  # one answer: only the chosen option's feedback shows
                assert group.locator(".quiz-feedback:visible").count() == 1
        box = page.locator("details.question").nth(q.number - 1)
        assert box.get_attribute("open") is None, "choosing opened the answer box"


def test_the_keyboard_alone_chooses_and_changes_an_answer(page, base_url):
    open_page(page, base_url, "quiz/")
    one = next(q for q in QUESTIONS if not q.multi and len(q.options) >= 3)
    first = page.locator(f"#quiz-{one.number}-a")
    # From the question's heading link, Tab on as a keyboard user does, into the group.
    heading = page.locator("article h2").filter(has_text=re.compile(rf"^{one.number}\. "))
    heading.locator("a.headerlink").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == f"quiz-{one.number}":
            break
    assert first.evaluate("el => el === document.activeElement"), "Tab does not reach (a)"
    page.keyboard.press("Space")
    assert first.is_checked()
    assert flat(page.locator(f"#quiz-{one.number}-a-feedback").inner_text()) == (
        expected_feedback(page, one.number, "a")
    )
    page.keyboard.press("ArrowDown")
    second = page.locator(f"#quiz-{one.number}-b")
    assert second.is_checked() and not first.is_checked()
    assert page.locator(f"#quiz-{one.number}-b-feedback").is_visible()
    assert not page.locator(f"#quiz-{one.number}-a-feedback").is_visible()

    many = next(q for q in QUESTIONS if q.multi)
    page.locator(f"#quiz-{many.number}-a").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.locator(f"#quiz-{many.number}-a").is_checked()
    assert page.locator(f"#quiz-{many.number}-b").is_checked()
    assert page.locator(f"#quiz-{many.number}-b-feedback").is_visible()
    outline = page.locator(f"#quiz-{many.number}-b").evaluate(
        "el => getComputedStyle(el.closest('.quiz-option')).outlineStyle"
    )
    assert outline != "none", "the focused option shows no outline"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_nothing_with_feedback_shown(page, base_url, axe_source, color_scheme):
    open_page(page, base_url, "quiz/")
    for q in QUESTIONS:  # a wrong choice where there is one, and a right one
        wrong = next((o for o in q.options if not o.right), None)
        right = next(o for o in q.options if o.right)
        for option in [wrong, right] if q.multi else [wrong or right]:
            if option is not None:
                page.locator(f"label[for=quiz-{q.number}-{option.letter}]").click()
    assert page.locator(".quiz-feedback:visible").count() >= len(QUESTIONS)
    page.evaluate("document.querySelectorAll('details').forEach(box => { box.open = true; })")
    found = [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']][:3]}"
        for v in axe_violations(page, axe_source)
    ]
    assert not found, f"quiz, {color_scheme}, feedback shown: " + "; ".join(found)


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def test_without_javascript_every_question_keeps_its_options_and_its_box(
    page_without_javascript, base_url
):
    page = page_without_javascript
    open_page(page, base_url, "quiz/")
    assert page.locator("fieldset.quiz-choices").count() == 0
    boxes = page.locator("details.question")
    assert boxes.count() == len(QUESTIONS)
    for q in QUESTIONS:
        box = boxes.nth(q.number - 1)
        assert box.locator("summary").inner_text() == f"Answer to question {q.number}"
        options = box.evaluate("box => box.previousElementSibling.innerText")
        letters = re.findall(r"^\(([a-z])\) ", options, re.M)
        assert letters == [o.letter for o in q.options]
        box.locator("summary").click()  # <details> opens without any script
        feedback = box.locator(":scope > ul > li").all_inner_texts()
        assert len(feedback) == len(q.options) and box.locator("a").count() >= 1


@pytest.mark.parametrize("width", [390, 1280])
def test_feedback_fits_a_phone_and_a_laptop(page, base_url, screenshots, width):
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    open_page(page, base_url, "quiz/")
    for q in QUESTIONS:  # the wrong choice a student is likeliest to make: the first one
        option = next((o for o in q.options if not o.right), q.options[0])
        page.locator(f"label[for=quiz-{q.number}-{option.letter}]").click()
    page.screenshot(path=screenshots / f"quiz-feedback-{width}.png", full_page=True)
    wide = page.evaluate("document.scrollingElement.scrollWidth")
    assert wide <= width, f"at {width} px the page scrolls sideways ({wide} px wide)"
