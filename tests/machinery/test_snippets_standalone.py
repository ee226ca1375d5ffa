"""Each snippet runs alone from an empty folder, and prints what docs/outputs/ shows."""

import pytest

from lessonbuild.captures import figure_text
from lessonbuild.captures.snippet_outputs import (
    REGENERATE,
    captured_path,
    drift,
    figure_dir,
)
from lessonbuild.core import png
from lessonbuild.core.registry import SNIPPETS, snippet_paths

pytestmark = pytest.mark.standalone


@pytest.mark.parametrize("snippet", snippet_paths(), ids=lambda path: path.stem)
def test_snippet_runs_alone_and_prints_its_captured_output(snippet, device, fresh_runs):
    done, _ = fresh_runs[snippet.stem]

    assert done.returncode == 0, f"{snippet.name} failed on its own:\n{done.stderr}"
    assert done.stderr == "", f"{snippet.name} wrote to stderr:\n{done.stderr}"
    assert captured_path(snippet, device.type).exists(), (
        f"no captured output for {snippet.name} on {device.type}; run: {REGENERATE[device.type]}"
    )
    diff = drift(snippet, device.type, done.stdout)
    assert not diff, (
        f"output of {snippet.name} drifted; if intended, run: {REGENERATE[device.type]}\n{diff}"
    )


@pytest.mark.parametrize("snippet", snippet_paths(), ids=lambda path: path.stem)
def test_figures_are_committed_as_the_snippet_draws_them(snippet, device, fresh_runs):
    _, drawn = fresh_runs[snippet.stem]
    declared = SNIPPETS[snippet.stem].figures
    assert sorted(drawn) == sorted(declared), (
        f"{snippet.name} draws {sorted(drawn)}; the registry says {sorted(declared)}"
    )
    for name, picture in drawn.items():
        committed = figure_dir(device.type) / name
        assert committed.exists(), f"{snippet.name} draws {name}; run: {REGENERATE[device.type]}"
        kept = committed.read_bytes()
        assert png.size(kept) == png.size(picture), (
            f"{name} changed size; run: {REGENERATE[device.type]}"
        )
        # the smallest text as drawn, which the phone-width check reads from the committed file
        smallest = figure_text.SMALLEST_TEXT
        assert png.text(kept).get(smallest) == png.text(picture)[smallest], (
            f"{name}: its text changed size; run: {REGENERATE[device.type]}"
        )
