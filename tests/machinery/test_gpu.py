"""lessonbuild/gpu.py, the one-command CUDA run: what can be proven without a GPU.

Its refusal, its arguments, its plan, and what it writes (run with stand-in steps)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lessonbuild import gpu

ROOT = Path(__file__).resolve().parents[2]


def run_script(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "lessonbuild", "gpu", *args],
        cwd=ROOT,
        env=os.environ | (env or {}),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_gpu_it_refuses_says_why_and_writes_nothing():
    before = gpu.LOG.read_bytes() if gpu.LOG.exists() else None
    done = run_script(env={"CUDA_VISIBLE_DEVICES": ""})  # no GPU is visible, even on a GPU box
    assert done.returncode == 3
    assert "refusing to run: no usable CUDA GPU here" in done.stderr
    assert "torch " in done.stderr  # names the torch build it found
    assert (gpu.LOG.read_bytes() if gpu.LOG.exists() else None) == before
    assert done.stdout == ""


def test_the_plan_runs_the_cuda_tests_outputs_and_bench():
    done = run_script("--dry-run")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("outputs: ") and "-m lessonbuild outputs --device cuda" in lines[0]
    assert "docs/outputs/cuda/*.txt" in lines[0]
    assert lines[1].startswith("tests: ") and "-m pytest --device cuda" in lines[1]
    assert lines[2].startswith("bench: ") and "-m lessonbuild bench --device cuda" in lines[2]
    assert "docs/assets/figures/bench_cuda.png" in lines[2]
    assert lines[3] == "log: docs/outputs/cuda/gpu-run.log"


def test_steps_can_be_chosen_and_ordered():
    done = run_script("--dry-run", "--steps", "bench,tests")
    assert [line.split(":")[0] for line in done.stdout.splitlines()] == ["bench", "tests", "log"]


@pytest.mark.parametrize("steps", ["bench,gpu", ",", "Tests"])
def test_unknown_steps_are_refused_with_the_choices(steps):
    done = run_script("--dry-run", "--steps", steps)
    assert done.returncode == 2
    assert "--steps: unknown" in done.stderr and "choose from outputs, tests, bench" in done.stderr


def test_a_run_logs_every_step_and_summarises(tmp_path, capsys):
    python = sys.executable
    plan = {
        "outputs": {"command": [python, "-c", "print('wrote 18 outputs')"], "timeout": 60},
        "tests": {
            "command": [python, "-c", "print('=== 3 passed, 1 skipped in 4.2s ===')"],
            "timeout": 60,
        },
        "bench": {
            "command": [
                python,
                "-c",
                "import sys; print('bench broke', file=sys.stderr); sys.exit(5)",
            ],
            "timeout": 60,
        },
        "slow": {"command": [python, "-c", "import time; time.sleep(30)"], "timeout": 1},
    }
    log = tmp_path / "gpu-run.log"
    code = gpu.run(list(plan), plan, log)

    assert code == 1  # any failed step fails the run
    printed = capsys.readouterr().out
    assert "outputs  ok" in printed and "wrote 18 outputs" in printed
    assert "3 passed, 1 skipped" in printed  # pytest's tally, not its last line
    assert "bench    FAILED (exit 5)" in printed and "bench broke" in printed
    assert "slow     FAILED (over 1 s)" in printed
    assert "2 of 4 steps ok" in printed and "failed: bench, slow" in printed
    text = log.read_text()
    for name in plan:
        assert f"=== {name}: {python} -c" in text
    assert "bench broke" in text and "=== bench: FAILED (exit 5)" in text


def test_a_run_that_passes_exits_0(tmp_path):
    plan = {
        "tests": {"command": [sys.executable, "-c", "print('1 passed in 0.1s')"], "timeout": 60}
    }
    assert gpu.run(["tests"], plan, tmp_path / "log") == 0
