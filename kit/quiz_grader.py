"""Score the quiz part of your answers.md, offline:

    python check.py quiz answers.md

Tick one box per question with an x, `- [x] (b) ...` (every box that applies where a question
says "Choose every"), and leave the others `[ ]`. The grader prints your score and, for each
wrong choice, why that choice is wrong, in the words of the lesson's Quiz page. A question
with no box ticked counts as blank, not as wrong. Where a question takes several answers and
you missed some, it says how many, not which. Exit code: 0 if every answer is right, 1 if
one is wrong or blank, 2 if the file cannot be read as the quiz (the message says why).

The key, quiz_key.txt beside this file, is generated from the lesson's Quiz page when the kit
is built. It is encoded so that it does not show at a glance, not hidden: this is a self-check.
Needs only Python's standard library.
"""

import argparse
import base64
import hashlib
import json
import re
import sys
import textwrap
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEY = HERE / "quiz_key.txt"  # written into the kit when it is built
KEY_FORMAT = 1
KEY_HEADER = (
    "# The key of the quiz, for `python check.py quiz answers.md`. Generated from the lesson's\n"
    "# Quiz page; encoded so that it does not show at a glance. A self-check, not a secret.\n"
)
QUIZ_HEADING = re.compile(r"^## Quiz\s*$", re.MULTILINE)
QUESTION = re.compile(r"^###\s+(\d+)\.\s+(.*?)\s*$")
CHOICE = re.compile(r"^\s*[-*+]\s*\[([^\]]*)\]\s*\(([a-z])\)")
TICKS = {"x", "X"}
WIDTH = 80


class BadAnswers(Exception):
    """The answers file cannot be read as the quiz; the message says why and what to do."""


def option_key(salt: str, number: int, letter: str, right: bool) -> str:
    """What the key stores for one option: a hash that only says 'right' to this grader."""
    verdict = "right" if right else "wrong"
    return hashlib.sha256(f"{salt}:{number}:{letter}:{verdict}".encode()).hexdigest()[:20]


def encode_key(data: dict) -> str:
    blob = base64.b64encode(zlib.compress(json.dumps(data, sort_keys=True).encode(), 9))
    return KEY_HEADER + "\n".join(textwrap.wrap(blob.decode(), 76)) + "\n"


def decode_key(text: str) -> dict:
    blob = "".join(line for line in text.splitlines() if not line.startswith("#"))
    data = json.loads(zlib.decompress(base64.b64decode(blob)))
    if data.get("format") != KEY_FORMAT:
        raise ValueError(f"quiz key format {data.get('format')}, this grader reads {KEY_FORMAT}")
    return data


def load_key(path: Path | None = None) -> dict:
    if path is not None:
        return decode_key(path.read_text())
    if not KEY.exists():
        raise FileNotFoundError(
            f"there is no quiz key, {KEY.name}, beside {Path(__file__).name}: run the check.py "
            "of the assignment kit, which ships with its key"
        )
    return decode_key(KEY.read_text())


def right_letters(key: dict, question: dict) -> set[str]:
    return {
        option["letter"]
        for option in question["options"]
        if option["key"] == option_key(key["salt"], question["number"], option["letter"], True)
    }


def read_answers(text: str, key: dict, name: str = "answers.md") -> dict[int, set[str]]:
    """{question number: the letters ticked}, for every question of the key; raises BadAnswers
    for anything that cannot be read as the quiz."""
    heading = QUIZ_HEADING.search(text)
    if heading is None:
        raise BadAnswers(
            f"{name} has no '## Quiz' heading: keep the headings of the kit's answers.md, "
            "and tick your choices under them"
        )
    expected = {q["number"]: q for q in key["questions"]}
    first_line = text[: heading.end()].count("\n") + 1
    ticked: dict[int, set[str]] = {}
    seen: dict[int, list[str]] = {}
    current, in_code = None, False
    for number, line in enumerate(text[heading.end() :].splitlines(), start=first_line):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue  # a question's code: its comments are not headings
        if re.match(r"^#{1,2}\s", line):
            break  # the quiz part ends at the next heading of its level or above
        if match := QUESTION.match(line):
            current = int(match[1])
            if current not in expected:
                raise BadAnswers(
                    f"{name}, line {number}: there is no question {current} in this quiz "
                    f"(it has 1 to {len(expected)}); use the answers.md of this kit"
                )
            if current in seen:
                raise BadAnswers(f"{name}, line {number}: question {current} appears twice")
            title = " ".join(expected[current]["title"].replace("`", "").split())
            if " ".join(match[2].replace("`", "").split()) != title:
                raise BadAnswers(
                    f"{name}, line {number}: question {current} is {match[2]!r} here but "
                    f"{expected[current]['title']!r} in this quiz; use the answers.md of this kit"
                )
            seen[current], ticked[current] = [], set()
            continue
        if (match := CHOICE.match(line)) is None:
            continue
        if current is None:
            raise BadAnswers(f"{name}, line {number}: a box before the first question's heading")
        mark, letter = match[1].strip(), match[2]
        if letter in seen[current]:
            raise BadAnswers(
                f"{name}, line {number}: question {current} has two boxes for ({letter})"
            )
        seen[current].append(letter)
        if mark in TICKS:
            ticked[current].add(letter)
        elif mark:
            raise BadAnswers(
                f"{name}, line {number}: [{match[1]}] is not a tick; put x in the box you "
                "choose, [x], and leave the others empty, [ ]"
            )
    for question in key["questions"]:
        number, letters = question["number"], [o["letter"] for o in question["options"]]
        if number not in seen:
            raise BadAnswers(
                f"{name} has no question {number} ({question['title']}) under '## Quiz': "
                "copy it back from the kit's answers.md"
            )
        if sorted(seen[number]) != letters:
            have = ", ".join(f"({letter})" for letter in sorted(seen[number])) or "none"
            raise BadAnswers(
                f"{name}, question {number} has boxes for {have}, but its options are "
                + ", ".join(f"({letter})" for letter in letters)
                + ": keep one '- [ ] (x)' line per option, as the kit's answers.md has them"
            )
        if not question["multi"] and len(ticked[number]) > 1:
            both = " and ".join(f"({letter})" for letter in sorted(ticked[number]))
            raise BadAnswers(
                f"{name}, question {number} takes one answer, and {both} are ticked: keep one"
            )
    return ticked


def wrapped(text: str, indent: str = "         ") -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent,
        break_on_hyphens=False,  # "one-hot" and "wrap-around" stay whole
        break_long_words=False,  # and so does code
    )


def report(key: dict, ticked: dict[int, set[str]], name: str = "answers.md") -> tuple[str, int]:
    """The printed report, and the score."""
    lines = [f"Checking the quiz in {name}:", ""]
    score, wrong, blank = 0, 0, 0
    for question in key["questions"]:
        number, chosen = question["number"], ticked[question["number"]]
        right = right_letters(key, question)
        head = f"{number}. {question['title']}"
        if not chosen:
            blank += 1
            lines.append(f"  blank  {head}")
            continue
        if chosen == right:
            score += 1
            lines.append(f"  right  {head}")
            continue
        wrong += 1
        lines.append(f"  WRONG  {head}")
        for option in question["options"]:
            if option["letter"] in chosen - right:
                lines += wrapped(f"You chose ({option['letter']}) {option['text']}")
                lines += wrapped(f"Not right: {option['feedback']}", "           ")
        if missed := len(right - chosen) if question["multi"] else 0:
            # Which ones stays for the student to find: the quiz is meant to be tried again.
            lines += wrapped(
                f"{missed} more option{'s apply' if missed > 1 else ' applies'}, "
                "which you did not tick."
            )
        lines += wrapped(f"Read: {question['read']}")
    total = len(key["questions"])
    summary = f"Score: {score} of {total}"
    details = [f"{n} {what}" for n, what in ((wrong, "wrong"), (blank, "blank")) if n]
    summary += f" ({', '.join(details)})." if details else ". Every answer is right."
    return "\n".join([*lines, "", summary]) + "\n", score


def main(argv: list[str] | None = None, key_path: Path | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="check.py quiz",
        description="Score the quiz part of your answers.md, offline.",
        epilog="Exit code: 0 if every answer is right, 1 if one is wrong or blank, "
        "2 if the file cannot be read as the quiz.",
    )
    parser.add_argument("answers", type=Path, help="your answers.md, its quiz boxes ticked")
    args = parser.parse_args(argv)
    if not args.answers.is_file():
        parser.error(f"there is no file {args.answers}: give the path of your answers.md")
    try:
        text = args.answers.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        parser.error(f"{args.answers} is not a text file: give the path of your answers.md")
    try:
        key = load_key(key_path)
    except FileNotFoundError as error:
        parser.error(str(error))
    try:
        ticked = read_answers(text, key, args.answers.name)
    except BadAnswers as error:
        parser.error(str(error))
    printed, score = report(key, ticked, args.answers.name)
    print(printed, end="")
    return 0 if score == len(key["questions"]) else 1


if __name__ == "__main__":
    sys.exit(main())
