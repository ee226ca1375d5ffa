"""Run every snippet alone, the way a student would, and capture what it prints.

    python -m lessonbuild outputs --device cpu          # rewrite docs/outputs/cpu/, figures
    python -m lessonbuild outputs --device cuda         # docs/outputs/cuda/*.txt and *.png
    python -m lessonbuild outputs --device cpu --check  # compare, print a diff, exit 1 on drift

Each snippet is copied into an empty temporary folder and run there with a clean
environment, so a hidden import of another project file fails here as it would for a student.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lessonbuild.captures import figure_text
from lessonbuild.core import committed, png
from lessonbuild.core.paths import FIGURES, OUTPUTS, ROOT
from lessonbuild.core.registry import snippet_paths


def figure_dir(device: str) -> Path:
    """Where a run's figures go: the site's figures come from the CPU run, the rest are kept."""
    return FIGURES if device == "cpu" else OUTPUTS / device


# The command that rewrites the committed outputs of each device.
REGENERATE = {"cpu": "nox -s outputs", "cuda": "python3 -m lessonbuild gpu --steps outputs"}


def run_alone(snippet: Path, device: str, timeout: float = 180):
    """Run one snippet from a copy in an empty folder.

    Returns the finished process and the figures it saved there, {file name: PNG bytes}; each
    PNG carries its smallest text, in pixels, as the snippet drew it (figure_text.py).
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env |= {"LESSON_DEVICE": device, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
    draws = "matplotlib" in snippet.read_text()  # only then is there anything to watch
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(shutil.copy(snippet, folder))
        command = [sys.executable, "-c", figure_text.WATCHED] if draws else [sys.executable]
        done = subprocess.run(
            [*command, copy.name],
            cwd=folder,
            env=env,
            timeout=timeout,
            capture_output=True,
            text=True,
        )
        notes = Path(folder) / figure_text.NOTED
        smallest = json.loads(notes.read_text()) if notes.exists() else {}
        return done, {
            pngfile.name: png.with_text(
                pngfile.read_bytes(), figure_text.SMALLEST_TEXT, str(smallest[pngfile.name])
            )
            for pngfile in Path(folder).glob("*.png")
        }


def captured_path(snippet: Path, device: str) -> Path:
    return OUTPUTS / device / f"{snippet.stem}.txt"


def drift(snippet: Path, device: str, fresh: str) -> str:
    """A unified diff between the committed output and a fresh one ('' when equal)."""
    return committed.diff(captured_path(snippet, device), fresh)


def machine(device: str) -> str:
    """What ran the snippets: the torch build and the processor or GPU."""
    import torch

    if device == "cuda":
        return f"torch {torch.__version__} on {torch.cuda.get_device_name()}"
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    for line in cpuinfo.read_text().splitlines() if cpuinfo.exists() else ():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"torch {torch.__version__} on {cpu}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lessonbuild outputs", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)

    failed, wanted = False, {}
    if not args.check:  # the site says which build and device produced these outputs
        (OUTPUTS / args.device).mkdir(parents=True, exist_ok=True)
        (OUTPUTS / args.device / "captured-with.txt").write_text(machine(args.device) + "\n")
    for snippet in snippet_paths():
        done, drawn = run_alone(snippet, args.device)
        if done.returncode != 0 or done.stderr:
            print(f"FAIL {snippet.name} (exit {done.returncode}):\n{done.stderr}")
            failed = True
            continue
        wanted[captured_path(snippet, args.device)] = done.stdout
        if not args.check:  # figures: the tests compare them (test_snippets_standalone.py)
            for name, picture in drawn.items():
                figure = figure_dir(args.device) / name
                figure.parent.mkdir(parents=True, exist_ok=True)
                figure.write_bytes(picture)
                print(f"wrote {figure.relative_to(ROOT)}")
    status = committed.write_or_check(
        wanted,
        check=args.check,
        what=f"docs/outputs/{args.device}/",
        regenerate=REGENERATE[args.device],
    )
    return 1 if failed else status
