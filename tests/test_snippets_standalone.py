"""Each snippet runs alone from an empty folder, and prints what docs/outputs/ shows."""

import pytest

from outputs import REGENERATE, captured_path, drift, run_alone, snippet_paths

pytestmark = pytest.mark.standalone


@pytest.mark.parametrize("snippet", snippet_paths(), ids=lambda path: path.stem)
def test_snippet_runs_alone_and_prints_its_captured_output(snippet, device):
    done = run_alone(snippet, device.type)

    assert done.returncode == 0, f"{snippet.name} failed on its own:\n{done.stderr}"
    assert done.stderr == "", f"{snippet.name} wrote to stderr:\n{done.stderr}"
    assert captured_path(snippet, device.type).exists(), (
        f"no captured output for {snippet.name} on {device.type}; run: {REGENERATE}"
    )
    diff = drift(snippet, device.type, done.stdout)
    assert not diff, f"output of {snippet.name} drifted; if intended, run: {REGENERATE}\n{diff}"


def test_every_snippet_has_its_own_test_module():
    from pathlib import Path

    tests = {path.stem for path in Path(__file__).parent.glob("test_*.py")}
    missing = [s.name for s in snippet_paths() if f"test_{s.stem}" not in tests]
    assert not missing, f"snippets without a test module: {missing}"
