"""The quiz grader, `check.py quiz answers.md`: full marks for the right boxes, the page's own
feedback for each wrong choice, blanks counted as blank, and a clear exit 2 for a file it
cannot read. The kit's answers file and key are generated here as the kit build does."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import quiz_grader
from lessonbuild.kit import quiz_source

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = quiz_source.questions()
RIGHT = {q.number: set(q.right_letters) for q in QUESTIONS}


@pytest.fixture(scope="module")
def key_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kit") / "quiz_key.txt"
    path.write_text(quiz_source.key_text())
    return path


def blank_answers() -> str:
    """The kit's answers.md as the kit build writes it (code left as include lines)."""
    template = (ROOT / "kit" / "answers.md").read_text()
    return template.replace("<!-- quiz -->\n", quiz_source.answers_part(expand=lambda t: t))


def ticked(picks: dict[int, set[str]], text: str | None = None) -> str:
    """The answers file with the boxes of `picks` ticked, {question: letters}."""
    lines, question, in_quiz = [], None, False
    for line in (blank_answers() if text is None else text).splitlines():
        in_quiz = in_quiz or line.startswith("## Quiz")
        if in_quiz and (heading := re.match(r"### (\d+)\. ", line)):
            question = int(heading[1])
        box = re.match(r"- \[ \] \(([a-z])\)", line)
        if in_quiz and box and box[1] in picks.get(question, ()):
            line = line.replace("[ ]", "[x]", 1)
        lines.append(line)
    return "\n".join(lines) + "\n"


def grade(tmp_path, key_file, text: str, capsys) -> tuple[int, str, str]:
    answers = tmp_path / "answers.md"
    answers.write_text(text)
    try:
        code = quiz_grader.main([str(answers)], key_path=key_file)
    except SystemExit as stop:  # argparse's error: exit 2
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_key_holds_the_pages_answers_and_does_not_show_them(key_file):
    key = quiz_grader.load_key(key_file)
    assert [q["number"] for q in key["questions"]] == list(RIGHT)
    for q in key["questions"]:
        assert quiz_grader.right_letters(key, q) == RIGHT[q["number"]]
    text = key_file.read_text()
    for q in QUESTIONS:
        for option in q.options:
            assert quiz_source.plain(option.feedback)[:40] not in text
            assert quiz_source.plain(option.text) not in text or len(option.text) < 6
    assert quiz_source.key_text() == text  # the same quiz builds the same key


def test_all_right_gives_full_marks(tmp_path, key_file, capsys):
    code, out, _ = grade(tmp_path, key_file, ticked(RIGHT), capsys)
    assert code == 0, out
    assert f"Score: {len(QUESTIONS)} of {len(QUESTIONS)}. Every answer is right." in out
    assert out.count("  right  ") == len(QUESTIONS)


def test_the_blank_template_is_all_blank_not_wrong(tmp_path, key_file, capsys):
    code, out, _ = grade(tmp_path, key_file, blank_answers(), capsys)
    assert code == 1
    assert f"Score: 0 of {len(QUESTIONS)} ({len(QUESTIONS)} blank)." in out
    assert "WRONG" not in out and out.count("  blank  ") == len(QUESTIONS)


def test_one_blank_among_right_answers_is_counted_as_blank(tmp_path, key_file, capsys):
    picks = {number: letters for number, letters in RIGHT.items() if number != 4}
    code, out, _ = grade(tmp_path, key_file, ticked(picks), capsys)
    assert code == 1
    assert f"Score: {len(QUESTIONS) - 1} of {len(QUESTIONS)} (1 blank)." in out
    assert re.search(r"^  blank  4\. ", out, re.M)


@pytest.mark.parametrize(
    "number, letter",
    [(q.number, o.letter) for q in QUESTIONS for o in q.options if not o.right],
    ids=lambda value: str(value),
)
def test_each_wrong_choice_prints_its_feedback(tmp_path, key_file, capsys, number, letter):
    q = QUESTIONS[number - 1]
    option = next(o for o in q.options if o.letter == letter)
    picks = RIGHT | {number: (RIGHT[number] | {letter}) if q.multi else {letter}}
    code, out, _ = grade(tmp_path, key_file, ticked(picks), capsys)

    assert code == 1
    assert f"Score: {len(QUESTIONS) - 1} of {len(QUESTIONS)} (1 wrong)." in out
    assert re.search(rf"^  WRONG  {number}\. ", out, re.M)
    assert f"You chose ({letter}) {quiz_source.plain(option.text)}" in flat(out)
    assert f"Not right: {quiz_source.plain(option.feedback)}" in flat(out)  # the page's words
    assert f"Read: {quiz_source.section_title(q.links[0][1])}" in flat(out)
    for other in q.options:  # and no other option's feedback: the right one stays to find
        if other.letter != letter:
            assert quiz_source.plain(other.feedback) not in flat(out)


def test_a_right_option_left_out_is_counted_not_named(tmp_path, key_file, capsys):
    (multi,) = [q for q in QUESTIONS if q.multi][:1]
    left_out = sorted(RIGHT[multi.number])[0]
    picks = RIGHT | {multi.number: RIGHT[multi.number] - {left_out}}
    code, out, _ = grade(tmp_path, key_file, ticked(picks), capsys)
    assert code == 1 and "1 more option applies, which you did not tick." in out
    assert quiz_source.plain(multi.options[ord(left_out) - ord("a")].feedback) not in flat(out)


def bad_file(tmp_path, key_file, capsys, text) -> str:
    code, out, err = grade(tmp_path, key_file, text, capsys)
    assert code == 2, out + err
    assert out == "" and err.startswith("usage: check.py quiz")
    return flat(err.split("error: ", 1)[1])


def test_a_file_without_the_quiz_is_refused(tmp_path, key_file, capsys):
    message = bad_file(tmp_path, key_file, capsys, "# My answers\n\nb, a, a\n")
    assert message.startswith("answers.md has no '## Quiz' heading")


def test_a_mark_that_is_not_a_tick_is_refused_with_its_line(tmp_path, key_file, capsys):
    text = ticked({}).replace("- [ ] (b)", "- [v] (b)", 1)
    line = text.splitlines().index(next(x for x in text.splitlines() if "[v]" in x)) + 1
    message = bad_file(tmp_path, key_file, capsys, text)
    assert message.startswith(f"answers.md, line {line}: [v] is not a tick")


def test_two_ticks_on_a_one_answer_question_are_refused(tmp_path, key_file, capsys):
    message = bad_file(tmp_path, key_file, capsys, ticked({1: {"a", "c"}}))
    assert (
        message == "answers.md, question 1 takes one answer, and (a) and (c) are ticked: keep one"
    )


def test_a_missing_question_is_refused(tmp_path, key_file, capsys):
    text = re.sub(r"^### 7\. .*?(?=^### 8\. )", "", ticked({}), flags=re.M | re.S)
    message = bad_file(tmp_path, key_file, capsys, text)
    assert message.startswith("answers.md has no question 7 (Which line fails?)")


def test_a_missing_option_line_is_refused(tmp_path, key_file, capsys):
    text = "\n".join(line for line in ticked({}).splitlines() if not line.startswith("- [ ] (c) "))
    message = bad_file(tmp_path, key_file, capsys, text)
    assert "has boxes for (a), (b), but its options are (a), (b), (c)" in message


def test_an_answers_file_of_another_quiz_is_refused(tmp_path, key_file, capsys):
    text = ticked({}).replace("### 2. Positions in this forward", "### 2. Something else")
    message = bad_file(tmp_path, key_file, capsys, text)
    assert "question 2 is 'Something else' here" in message
    assert "use the answers.md of this kit" in message


def test_no_such_file_is_refused(tmp_path, key_file, capsys):
    with pytest.raises(SystemExit) as stop:
        quiz_grader.main([str(tmp_path / "nope.md")], key_path=key_file)
    assert stop.value.code == 2
    assert "there is no file" in capsys.readouterr().err


def test_check_py_hands_quiz_to_the_grader(tmp_path):
    # As the kit ships them: the checker, the grader and the key side by side.
    for name in ("check.py", "quiz_grader.py"):
        shutil.copy(ROOT / "kit" / name, tmp_path / name)
    (tmp_path / "quiz_key.txt").write_text(quiz_source.key_text())
    (tmp_path / "answers.md").write_text(ticked(RIGHT))
    (tmp_path / "bad.md").write_text("no quiz here\n")
    check = [sys.executable, str(tmp_path / "check.py"), "quiz"]
    done = subprocess.run([*check, "answers.md"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Score: {len(QUESTIONS)} of {len(QUESTIONS)}." in done.stdout
    bad = subprocess.run([*check, "bad.md"], cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode == 2 and "has no '## Quiz' heading" in bad.stderr


def test_without_its_key_the_grader_says_where_to_get_one(tmp_path):
    shutil.copy(ROOT / "kit" / "quiz_grader.py", tmp_path / "quiz_grader.py")
    (tmp_path / "answers.md").write_text(ticked(RIGHT))
    grader = [sys.executable, str(tmp_path / "quiz_grader.py"), "answers.md"]
    done = subprocess.run(grader, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 2 and "there is no quiz key, quiz_key.txt" in done.stderr
