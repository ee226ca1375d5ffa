"""The starter files: generated from the snippets' solution regions, runnable up to a TODO."""

import runpy

import pytest

import check
from lessonbuild.core.paths import STARTERS
from lessonbuild.kit import starters

SNIPPET = """import torch


def gather(weight, ids):
    \"\"\"Pick rows.\"\"\"
    # --8<-- [start:solution]
    # pick the rows of weight
    # for every id.
    rows = weight[ids]
    return rows
    # --8<-- [end:solution]
"""


def test_a_region_becomes_a_todo_and_a_raise_that_names_the_task():
    assert starters.starter(SNIPPET, "task9") == (
        "import torch\n\n\n"
        "def gather(weight, ids):\n"
        '    """Pick rows."""\n'
        "    # TODO(task9): pick the rows of weight for every id.\n"
        '    raise NotImplementedError("task9: gather is not implemented yet")\n'
    )


@pytest.mark.parametrize(
    "broken, error",
    [
        (SNIPPET.replace("    # --8<-- [end:solution]\n", ""), r"x.py:6: .* is never ended"),
        (
            SNIPPET.replace(
                "    rows = weight[ids]\n", "    rows = 1\n    # --8<-- [start:solution]\n    # b\n"
            ),
            r"x.py:10: a solution region starts inside another",
        ),
        (SNIPPET.replace("    return rows\n", "    # --8<-- [end:solution]\n"), "without a start"),
        (
            SNIPPET.replace("    # pick the rows of weight\n    # for every id.\n", ""),
            "x.py:6: say what",
        ),
        (SNIPPET.replace("[start:solution]\n", "[start:solution] pick\n"), "x.py:6: say what"),
        (SNIPPET.replace("def gather", "if True:  # gather"), r"x.py:6: .*inside a function"),
    ],
)
def test_a_broken_region_is_refused_with_its_line(broken, error):
    with pytest.raises(ValueError, match=error):
        starters.starter(broken, "task9", "x.py")


def test_a_bare_hash_line_ends_what_to_write_so_the_code_may_open_with_a_comment():
    commented = SNIPPET.replace("    rows =", "    #\n    # ours\n    rows =")
    assert starters.starter(commented, "task9") == starters.starter(SNIPPET, "task9")
    # without the bare line, the comment is part of what to write
    joined = starters.starter(commented.replace("    #\n", ""), "task9")
    assert "# TODO(task9): pick the rows of weight for every id. ours" in joined


def test_every_section_line_is_stripped_for_downloads():
    text = "a = 1\n# --8<-- [start:setup]\nb = 2\n    # --8<-- [end:setup] trailing\n"
    assert starters.strip_sections(text) == "a = 1\nb = 2\n"


def test_the_task_snippets_are_the_checkers_tasks():
    assert {starters.task_of(path) for path in starters.task_snippets()} == set(check.TASKS)
    for task, spec in check.TASKS.items():
        assert (STARTERS / f"{spec.module}.py").exists(), task


def test_starters_are_generated_from_the_snippets():
    diff = starters.drift()
    assert not diff, f"starters/ is out of date; run: {starters.REGENERATE}\n{diff}"


@pytest.mark.parametrize("task", check.TASKS)
def test_a_starter_runs_as_far_as_its_first_todo(task, capsys):
    starter = STARTERS / f"{check.TASKS[task].module}.py"
    with pytest.raises(NotImplementedError, match=rf"^{task}: [\w.]+ is not implemented yet$"):
        runpy.run_path(str(starter), run_name="__main__")
    source = starter.read_text()
    assert f"# TODO({task}): " in source and "[start:solution]" not in source
    assert "--8<-- [start:" in source  # the page sections stay: the Assignment page shows them


def test_a_variant_takes_the_snippets_new_lines_and_keeps_its_own_code():
    variant = SNIPPET.replace(
        "    rows = weight[ids]\n", "    rows = weight.index_select(0, ids)\n"
    )
    snippet = SNIPPET.replace("import torch\n", "import torch  # changed outside the region\n")
    refreshed = starters.with_code_of(variant, snippet)
    assert "# changed outside the region" in refreshed and "index_select" in refreshed
    assert starters.starter(refreshed, "task9") == starters.starter(snippet, "task9")


def test_the_checkers_wrong_and_right_answers_are_up_to_date_with_their_snippets():
    stale = [p.name for p, text in starters.variants().items() if p.read_text() != text]
    assert not stale, (
        f"out of date with their snippets: {stale}; run: python -m lessonbuild starters --variants"
    )
