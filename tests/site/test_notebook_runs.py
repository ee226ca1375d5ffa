"""The notebook page's code runs on every build, fails the build when a cell raises, and is
not run again by `mkdocs serve` while only prose changed (run by `nox -s docs`)."""

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from lessonbuild.notebook import lesson


def fake_lesson(monkeypatch, prose: str, code: str) -> None:
    cells = [nbformat.v4.new_markdown_cell(prose), nbformat.v4.new_code_cell(code)]
    book = nbformat.v4.new_notebook(cells=cells)
    book.metadata["kernelspec"] = dict(lesson.KERNELSPEC)
    monkeypatch.setattr(lesson, "build", lambda **_: nbformat.from_dict(book))


def output_of(path) -> str:
    return nbformat.read(path, as_version=4).cells[1].outputs[0]["text"]


def test_a_cell_that_raises_fails_the_build(tmp_path, monkeypatch):
    fake_lesson(monkeypatch, "# A lesson", "raise ValueError('the seed code is wrong')")
    with pytest.raises(CellExecutionError, match="the seed code is wrong"):
        lesson.write_executed(tmp_path / "lesson.ipynb", reuse=False)


def test_serve_reuses_outputs_until_the_code_changes(tmp_path, monkeypatch):
    path = tmp_path / "lesson.ipynb"
    fake_lesson(monkeypatch, "# A lesson", "import time; print(time.time_ns())")
    lesson.write_executed(path, reuse=False)
    first = output_of(path)

    fake_lesson(monkeypatch, "# A lesson, its prose edited", "import time; print(time.time_ns())")
    lesson.write_executed(path, reuse=True)  # mkdocs serve, after a prose edit
    assert output_of(path) == first, "a prose edit ran the notebook again"
    assert "its prose edited" in nbformat.read(path, as_version=4).cells[0].source

    lesson.write_executed(path, reuse=False)  # mkdocs build always runs it
    built = output_of(path)
    assert built != first

    fake_lesson(monkeypatch, "# A lesson", "import time; print(time.time_ns() + 1)")
    lesson.write_executed(path, reuse=True)  # mkdocs serve, after a code edit
    assert output_of(path) != built, "a code edit kept the old outputs"
