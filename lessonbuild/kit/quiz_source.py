"""The quiz, read from its one source, docs/quiz.md: questions, options, right choices and
the feedback on every option.

The site renders the page as it is (overrides/javascripts/quiz.js makes the options clickable); the
kit's answers file, the grader's key and the tests are all generated from what this module
reads, never written twice. Each question on the page looks like this:

    ## 4. A title

    <!-- objective: 1
         proof: tests/lesson/test_quiz.py::test_a_claim tests/lesson/test_x.py::test_y -->

    The question, any markdown (code blocks included).

    - (a) an option
    - (b) another

    ??? question "Answer to question 4"
        **Right answer: (b)** why, in a sentence or two.

        - **(a) Not right.** why a student might pick it, and why it is wrong.
        - **(b) Right.** why it is right.

        In the lesson: [Task 1](tasks.md#task-1-the-basic-forward), ...

A question that asks for every case that applies says "Choose every" and starts its answer
with **Right answers: (a), (c)**. The comment holds what students never read: which learning
objective the question covers and the tests that prove its answer.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from lessonbuild.core import captured, facts, registry
from lessonbuild.core.paths import DOCS, ROOT
from lessonbuild.kit.shipped import quiz_grader

PAGE = DOCS / "quiz.md"

HEADING = re.compile(r"^## (\d+)\. (.+)$")
COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
OPTION = re.compile(r"^- \(([a-z])\) (.+)$")
BOX = re.compile(r'^(\?\?\?\+?) question "(.+)"$')
SUMMARY = re.compile(r"^\*\*Right (answer|answers): (.+?)\*\*")
FEEDBACK = re.compile(r"^- \*\*\(([a-z])\) (Right|Not right)\.\*\* (.+)$")
LINK = re.compile(r"\[([^\]]+)\]\(([a-z]+\.md)(#[^)\s]+)?\)")
LETTERS = re.compile(r"\(([a-z])\)")


class QuizSourceError(ValueError):
    """docs/quiz.md does not have the shape this module reads; the message says where."""


@dataclass(frozen=True)
class Option:
    letter: str
    text: str  # markdown, as on the page ({output:...} and {fact:...} not yet rendered)
    right: bool
    feedback: str  # markdown, without its "(a) Not right." lead


@dataclass(frozen=True)
class Question:
    number: int
    title: str  # markdown: "The shape of `hidden_states`"
    objective: int
    proofs: tuple[str, ...]  # pytest node ids: "tests/lesson/test_quiz.py::test_..."
    stem: str  # markdown, code blocks as include lines
    options: tuple[Option, ...]
    multi: bool  # "choose every case that applies"
    summary: str  # the answer's first paragraph
    links: tuple[tuple[str, str], ...]  # (text, "tasks.md#anchor") of its "In the lesson" line
    box_title: str
    box_open: bool  # ???+ would show the answer before the student asks

    @property
    def right_letters(self) -> tuple[str, ...]:
        return tuple(option.letter for option in self.options if option.right)


def indented_block(lines: list[str], start: int) -> tuple[list[str], int]:
    """The lines indented by 4 from `start` (blank lines inside kept), dedented; and the
    index of the first line after them."""
    body, end = [], start
    while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
        body.append(lines[end][4:])
        end += 1
    while body and not body[-1].strip():
        body.pop()
    return body, end


def paragraphs(lines: list[str]) -> list[list[str]]:
    """Blank-line separated blocks."""
    blocks, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    return blocks


def list_items(block: list[str]) -> list[str]:
    """The items of a '- ' list, each joined into one line (continuations are indented)."""
    items = []
    for line in block:
        if line.startswith("- "):
            items.append(line)
        elif items and line.startswith("  "):
            items[-1] += " " + line.strip()
        else:
            raise QuizSourceError(f"expected a list item, got {line!r}")
    return items


def joined(block: list[str]) -> str:
    return " ".join(line.strip() for line in block)


def parse_question(number: int, title: str, lines: list[str]) -> Question:
    def fail(message: str):
        raise QuizSourceError(f"{PAGE.name}, question {number} ({title}): {message}")

    text = "\n".join(lines)
    comment = COMMENT.search(text)
    if comment is None:
        fail("no <!-- objective: N  proof: NODE_ID ... --> comment under the heading")
    meta = comment[1]
    objective = re.search(r"objective:\s*(\d+)", meta)
    proofs = re.search(r"proof:\s*(.+)", meta, re.DOTALL)
    if objective is None or proofs is None:
        fail("its comment needs 'objective: N' and 'proof: NODE_ID ...'")
    proofs = tuple(proofs[1].split())
    lines = text[comment.end() :].split("\n")

    boxes = [
        i for i, line in enumerate(lines) if line.startswith("??? ") or line.startswith("???+")
    ]
    if len(boxes) != 1:
        fail(f"{len(boxes)} answer boxes, not one")
    box_line = BOX.match(lines[boxes[0]])
    if box_line is None:
        fail(f'the box must be written ??? question "Answer to question {number}"')
    body, end = indented_block(lines, boxes[0] + 1)
    if any(line.strip() for line in lines[end:]):
        fail("something follows the answer box: the box ends the question")

    # The options: the list right before the box, one line each.
    before = lines[: boxes[0]]
    while before and not before[-1].strip():
        before.pop()
    first_option = len(before)
    while first_option and OPTION.match(before[first_option - 1]):
        first_option -= 1
    options = [OPTION.match(line) for line in before[first_option:]]
    stem = "\n".join(before[:first_option]).strip()
    if len(options) < 2:
        fail("fewer than two options '- (a) ...' right before the answer box")
    letters = [option[1] for option in options]
    if letters != [chr(ord("a") + i) for i in range(len(letters))]:
        fail(f"the options are lettered {letters}, not a, b, c, ... in order")
    if not stem:
        fail("no question text above the options")

    blocks = paragraphs(body)
    if len(blocks) != 3:
        fail(
            "the box must hold three parts: the right answer, a list of feedback on every "
            f"option, and an 'In the lesson:' line; it holds {len(blocks)} blocks"
        )
    summary, feedback_block, link_block = joined(blocks[0]), blocks[1], joined(blocks[2])
    head = SUMMARY.match(summary)
    if head is None:
        fail("the box must start with **Right answer: (x)** or **Right answers: (x), (y)**")
    multi = head[1] == "answers"
    said_right = LETTERS.findall(head[2])

    feedback = {}
    for item in list_items(feedback_block):
        match = FEEDBACK.match(item)
        if match is None:
            fail(
                f"feedback must read '- **(x) Right.** ...' or '- **(x) Not right.** ...': {item!r}"
            )
        if match[1] in feedback:
            fail(f"two feedback items for ({match[1]})")
        feedback[match[1]] = (match[2] == "Right", match[3])
    if list(feedback) != letters:
        fail(f"feedback for {list(feedback)}, options {letters}: one item per option, in order")
    right = [letter for letter, (is_right, _) in feedback.items() if is_right]
    if right != said_right:
        fail(f"the answer says {said_right} are right, the feedback says {right}")
    if not multi and len(right) != 1:
        fail(f"a one-answer question with {len(right)} right options")
    if multi != ("Choose every" in stem):
        fail("a question with several right answers says 'Choose every', and only such one")
    if not link_block.startswith("In the lesson:"):
        fail("the box must end with an 'In the lesson:' line of links")
    links = tuple((m[1], m[2] + (m[3] or "")) for m in LINK.finditer(link_block))
    if not links:
        fail("its 'In the lesson:' line links to no page of the lesson")

    return Question(
        number=number,
        title=title,
        objective=int(objective[1]),
        proofs=proofs,
        stem=stem,
        options=tuple(
            Option(m[1], m[2].strip(), feedback[m[1]][0], feedback[m[1]][1]) for m in options
        ),
        multi=multi,
        summary=summary,
        links=links,
        box_title=box_line[2],
        box_open=box_line[1] == "???+",
    )


def questions(text: str | None = None) -> list[Question]:
    """Every question of docs/quiz.md (or of `text`), in order, checked for shape."""
    text = PAGE.read_text() if text is None else text
    sections = re.split(r"^(?=## )", text, flags=re.MULTILINE)[1:]
    found = []
    for expected, section in enumerate(sections, start=1):
        heading, _, rest = section.partition("\n")
        match = HEADING.match(heading)
        if match is None or int(match[1]) != expected:
            raise QuizSourceError(f"{PAGE.name}: heading {heading!r} is not '## {expected}. ...'")
        found.append(parse_question(expected, match[2].strip(), rest.split("\n")))
    if not found:
        raise QuizSourceError(f"{PAGE.name} has no '## 1. ...' question")
    return found


# What the kit shows: the page's markdown with every number rendered, as plain as a terminal
# and a text editor want it.


def rendered(markdown: str) -> str:
    """{output:...} and {fact:...} replaced by their values, as on the site (facts unlinked)."""
    return facts.render(captured.render(markdown), link=False)


def plain(markdown: str) -> str:
    """Inline markdown as terminal text: links keep their text, emphasis goes, code keeps
    its backticks, numbers are rendered."""
    text = rendered(markdown)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def slug(heading: str) -> str:
    """The anchor MkDocs gives a heading (Python-Markdown's toc slugify), from its markdown."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def nav_title(page: str) -> str:
    """The page's name in the site's navigation (mkdocs.yml), else its own # title."""
    titles = {nav_page: title for title, nav_page in registry.nav().items()}
    if page in titles:
        return titles[page]
    title = re.search(r"^# (.+)$", (DOCS / page).read_text(), re.MULTILINE)
    if title is None:
        raise QuizSourceError(f"{page} is not in mkdocs.yml's nav and has no '# title' line")
    return plain(title[1])


def section_title(target: str) -> str:
    """'tasks.md#task-1-the-basic-forward' -> 'Tasks › Task 1: the basic forward'."""
    page, _, anchor = target.partition("#")
    text = (DOCS / page).read_text()
    page_title = nav_title(page)
    if not anchor:
        return page_title
    for heading in re.findall(r"^#{2,3} (.+)$", text, re.MULTILINE):
        if slug(heading) == anchor:
            return f"{page_title} › {plain(heading).replace('`', '')}"
    raise QuizSourceError(f"the quiz links to {target}, but {page} has no such heading")


def salt(text: str | None = None) -> str:
    """Fixed for a given quiz, so that the same lesson builds the same kit."""
    text = PAGE.read_text() if text is None else text
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def key_data(found: list[Question] | None = None, text: str | None = None) -> dict:
    """What the grader needs: per option its plain text, its feedback and a hash that says
    whether it is right, for a question's number and title."""
    text = PAGE.read_text() if text is None else text
    found = questions(text) if found is None else found
    pepper = salt(text)
    return {
        "format": quiz_grader.KEY_FORMAT,
        "salt": pepper,
        "questions": [
            {
                "number": q.number,
                "title": plain(q.title),
                "multi": q.multi,
                "read": section_title(q.links[0][1]),
                "options": [
                    {
                        "letter": o.letter,
                        "text": plain(o.text),
                        "feedback": plain(o.feedback),
                        "key": quiz_grader.option_key(pepper, q.number, o.letter, o.right),
                    }
                    for o in q.options
                ],
            }
            for q in found
        ],
    }


def key_text() -> str:
    """The kit's quiz_key.txt."""
    return quiz_grader.encode_key(key_data())


SOLUTION_CODE = re.compile(r"^```python\n(?P<includes>(?:.*\n)*?)```$", re.MULTILINE)
INCLUDE = re.compile(r'--8<-- "(?P<path>[^":]+):(?P<section>[\w-]+)"')


def without_solutions(block: re.Match) -> str:
    """A code block, unless it shows a task's solution: the kit hands out no solution, so
    there the student's own file stands in for it."""
    for include in INCLUDE.finditer(block["includes"]):
        text = (ROOT / include["path"]).read_text()
        start = text.index(f"# --8<-- [start:{include['section']}]")
        end = text.index(f"# --8<-- [end:{include['section']}]")
        if "[start:solution]" in text[start:end]:
            name = Path(include["path"]).stem
            return (
                f"(The Quiz page shows here the lesson's `{name}.py`, section "
                f"`{include['section']}`: read your own file, which does the same.)"
            )
    return block[0]


def answers_part(expand) -> str:
    """The quiz part of the kit's answers.md: each question with a box to tick per option.

    `expand` turns include lines into the code they include (lessonbuild/core/includes.py's,
    which needs the docs' Python-Markdown)."""
    parts = []
    for q in questions():
        stem = SOLUTION_CODE.sub(without_solutions, rendered(q.stem))
        if "--8<--" in stem:
            stem = expand(stem)
        stem = re.sub(r"\[([^\]]+)\]\([a-z]+\.md[^)]*\)", r"\1", stem)  # no site-relative links
        boxes = "\n".join(f"- [ ] ({o.letter}) {rendered(o.text)}" for o in q.options)
        parts.append(f"### {q.number}. {q.title}\n\n{stem}\n\n{boxes}\n")
    return "\n".join(parts)
