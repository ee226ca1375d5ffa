"""The whole CUDA run in one command, for a machine with an NVIDIA GPU.

    python3 -m lessonbuild gpu                  outputs, tests and bench (a few minutes)
    python3 -m lessonbuild gpu --steps tests    only some steps, in the order given
    python3 -m lessonbuild gpu --dry-run        print what it would run and write
    nox -s gpu --no-venv                        the same, through nox, in this Python

The Python that runs it needs a CUDA build of torch and pytest, hypothesis, matplotlib and
pyyaml; it installs nothing and needs no network. The steps:

    outputs   what every snippet prints on CUDA, and the figures it draws -> docs/outputs/cuda/
    tests     every test with --device cuda; each one checks its tensors live on CUDA
    bench     the lookup against a device-to-device copy -> docs/outputs/cuda/bench.txt and
              docs/assets/figures/bench_cuda.png

Everything the steps print goes to one log, docs/outputs/cuda/gpu-run.log, and a summary ends
the run. It exits 0 only if every step succeeded. Without a usable CUDA device it refuses, says
why, and writes nothing. Commit docs/outputs/cuda/ and the bench figure afterwards.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from lessonbuild.core.cuda_probe import cuda_problem
from lessonbuild.core.paths import OUTPUTS, ROOT

CUDA_OUTPUTS = OUTPUTS / "cuda"
LOG = CUDA_OUTPUTS / "gpu-run.log"
# A GPU machine's Python may have no install of this package: its steps find it in this
# checkout, as `python3 -m lessonbuild gpu` itself did.
ENV = {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)}


def steps(python: str = sys.executable) -> dict[str, dict]:
    """Each step: the command, the time it may take, and what it writes."""
    return {
        "outputs": {
            "command": [python, "-m", "lessonbuild", "outputs", "--device", "cuda"],
            "timeout": 300,
            "writes": ["docs/outputs/cuda/*.txt", "docs/outputs/cuda/*.png"],
        },
        "tests": {
            "command": [python, "-m", "pytest", "--device", "cuda", "-p", "no:cacheprovider", "-q"],
            "timeout": 300,
            "writes": [],
        },
        "bench": {
            "command": [python, "-m", "lessonbuild", "bench", "--device", "cuda"],
            "timeout": 180,
            "writes": ["docs/outputs/cuda/bench.txt", "docs/assets/figures/bench_cuda.png"],
        },
    }


def summary_of(name: str, output: str) -> str:
    """One line about a finished step: pytest's own tally, or the last line it printed."""
    if name == "tests":
        tallies = re.findall(r"^=*\s*(\d+ (?:passed|failed|error).*?) in [\d.]+s", output, re.M)
        if tallies:
            return tallies[-1]
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1][:100] if lines else "(no output)"


def run(chosen: list[str], plan: dict[str, dict], log_path: Path) -> int:
    """Run the chosen steps in order, logging everything; print a summary; return the exit code."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    results = []
    with log_path.open("w") as log:
        for name in chosen:
            step = plan[name]
            log.write(f"=== {name}: {' '.join(step['command'])}\n")
            log.flush()
            started = time.monotonic()
            try:
                done = subprocess.run(
                    step["command"],
                    cwd=ROOT,
                    env=os.environ | ENV,
                    capture_output=True,
                    text=True,
                    timeout=step["timeout"],
                )
                output, ok = done.stdout + done.stderr, done.returncode == 0
                status = "ok" if ok else f"FAILED (exit {done.returncode})"
            except subprocess.TimeoutExpired as timeout:
                output = (timeout.stdout or b"").decode() + (timeout.stderr or b"").decode()
                ok, status = False, f"FAILED (over {step['timeout']} s)"
            seconds = time.monotonic() - started
            log.write(output + f"\n=== {name}: {status} in {seconds:.0f} s\n\n")
            log.flush()
            results.append((name, status, seconds, summary_of(name, output)))
            print(f"{name:<8} {status:<22} {seconds:>5.0f} s  {results[-1][3]}", flush=True)
    failed = [name for name, status, _, _ in results if status != "ok"]
    total = sum(seconds for _, _, seconds, _ in results)
    print(
        f"{len(results) - len(failed)} of {len(results)} steps ok in {total:.0f} s; log: {log_path}"
    )
    if failed:
        print(f"failed: {', '.join(failed)}: see the log for what they printed")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    plan = steps()
    parser = argparse.ArgumentParser(
        prog="python -m lessonbuild gpu",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--steps",
        default=",".join(plan),
        help=f"comma-separated, run in this order (default: {','.join(plan)})",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan, run nothing")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in plan]
    if unknown or not chosen:
        parser.error(f"--steps: unknown {unknown or 'empty list'}; choose from {', '.join(plan)}")

    if args.dry_run:
        for name in chosen:
            step = plan[name]
            writes = ", ".join(step["writes"]) or "nothing"
            limit = f"at most {step['timeout']} s"
            print(f"{name}: {' '.join(step['command'])}  ({limit}; writes {writes})")
        print(f"log: {LOG.relative_to(ROOT)}")
        return 0
    if problem := cuda_problem():
        print(f"refusing to run: no usable CUDA GPU here. {problem}.", file=sys.stderr)
        print(
            "Run this on a machine with an NVIDIA GPU and a CUDA build of torch.", file=sys.stderr
        )
        return 3
    return run(chosen, plan, LOG)
