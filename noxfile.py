"""Sessions for the lesson. `nox -s tests` runs the same tests on the CPU and on CUDA.

nox -s tests                 both device sessions; CUDA skips itself without a GPU
nox -s "tests(device='cuda')" --no-venv
                             the CUDA tests inside an existing GPU environment
nox -s outputs               re-capture what each snippet prints (docs/outputs/)
nox -s gpu --no-venv         the whole CUDA run in one go (lessonbuild/gpu.py), on a GPU machine
nox -s serve                 serve the site with live reload, for reading and writing it
nox -s docs                  build the site strictly and check it (what CI runs)
nox -s browser               the built site in headless Chromium, axe-core included
nox -s lighthouse            Lighthouse scores of every page, desktop and mobile
nox -s check -- task3 my_task3.py
                             check a student's file with the lesson's tests (--device cuda too);
                             -- all FOLDER [--json results.json]: every task, and the score
nox -s lint                  ruff
"""

import importlib.util
import os
import sys
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "venv"
nox.options.sessions = ["lint", "tests"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
CONSTRAINTS = "constraints.txt"  # every version, pinned: the same tools on every machine
TEST_ENV = {"MPLBACKEND": "Agg"}  # figures go to files, no window
# The bench reports its runs with large CPU tensors on transparent huge pages; the tests run
# without them, as students do (on 2 cores they made the whole test phase slower, 61 s vs 55 s).
BENCH_ENV = TEST_ENV | {"THP_MEM_ALLOC_ENABLE": "1"}
DOCS_ENV = TEST_ENV | {
    "NO_MKDOCS_2_WARNING": "1",  # silence Material's notice about MkDocs 2
    "JUPYTER_PLATFORM_DIRS": "1",  # jupyter's future path layout, and no warning about it
}


def install(session: nox.Session, *groups: str, build: bool = True) -> None:
    """Install dependency groups from pyproject.toml, pinned by constraints.txt, and the build
    (lessonbuild/, editable: an edit needs no reinstall) unless build=False.

    With --no-venv (an existing environment, such as a GPU box that already has a CUDA
    torch) nothing is installed: the environment must already hold the packages.
    """
    if session.venv_backend == "none":
        session.log("no venv: using the packages this Python already has")
        return
    packages = [p for g in groups for p in nox.project.dependency_groups(PYPROJECT, g)]
    # No .pyc for all of torch up front (about 30 s): Python compiles what it imports.
    session.install("--no-compile", "-c", CONSTRAINTS, *packages, *(["-e", "."] if build else []))


def install_js_tools(session: nox.Session) -> None:
    """Node (pinned on PyPI, into the venv) and package-lock.json's tools into node_modules/."""
    install(session, "node", build=False)
    session.run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")


def cuda_probe():
    """The build's one CUDA probe, lessonbuild/core/cuda_probe.py: standard library only, so
    nox loads it by its path, before any session has installed the build."""
    path = Path(__file__).parent / "lessonbuild" / "core" / "cuda_probe.py"
    spec = importlib.util.spec_from_file_location("cuda_probe", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cuda_gpu_missing = cuda_probe().gpu_missing


@nox.session
@nox.parametrize("device", ["cpu", "cuda"])
def tests(session: nox.Session, device: str) -> None:
    """Run every test on one device; the CUDA session checks tensors really live on CUDA."""
    if device == "cuda" and (reason := cuda_gpu_missing()):
        session.skip(f"no CUDA GPU here: {reason}. The CUDA tests are still owed on a GPU machine")
    install(session, "test")
    session.run("python", "-m", "pytest", f"--device={device}", *session.posargs, env=TEST_ENV)


@nox.session
@nox.parametrize("device", ["cpu", "cuda"])
def outputs(session: nox.Session, device: str) -> None:
    """Run each snippet alone and write what it prints to docs/outputs/<device>/."""
    if device == "cuda" and (reason := cuda_gpu_missing()):
        session.skip(f"no CUDA GPU here: {reason}")
    install(session, "test")
    build = ("python", "-m", "lessonbuild")
    session.run(*build, "outputs", f"--device={device}", *session.posargs, env=TEST_ENV)
    if device == "cpu":  # the starters, and what the checker prints for the Assignment page
        session.run(*build, "starters")
        session.run(*build, "checker-outputs", env=TEST_ENV)


@nox.session
def check(session: nox.Session) -> None:
    """Check a student's file for one task with the lesson's own tests, or every task of a
    folder and its score: nox -s check -- task3 path/to/my_task3.py [--device cuda], or
    nox -s check -- all FOLDER [--json results.json] (Gradescope's results.json)."""
    install(session, "test")
    session.run("python", "kit/check.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Time the lookup like for like (`-- --device cuda` on a GPU). A full run writes
    docs/outputs/<device>/bench.txt and docs/assets/figures/bench_<device>.png; `-- --quick`
    only checks that the bench runs. Large CPU tensors on 2 MiB pages."""
    install(session, "test")
    session.run("python", "-m", "lessonbuild", "bench", *session.posargs, env=BENCH_ENV)


@nox.session
def gpu(session: nox.Session) -> None:
    """Outputs, tests and bench on CUDA in one go: lessonbuild/gpu.py, which runs without nox
    too (python3 -m lessonbuild gpu). With --no-venv it uses this Python's CUDA torch and
    installs nothing."""
    if reason := cuda_gpu_missing():
        session.error(f"no CUDA GPU here: {reason}. Run this on a machine with an NVIDIA GPU")
    install(session, "test")
    session.run("python", "-m", "lessonbuild", "gpu", *session.posargs, env=TEST_ENV)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into site/ (any warning fails), run every page's python blocks as
    rendered, and check the built site: offline, sub-path safe, outputs as captured."""
    install(session, "docs")
    session.run("mkdocs", "build", "--strict", env=DOCS_ENV)
    session.run(
        "python",
        "-m",
        "pytest",
        "--markdown-docs",
        "--markdown-docs-syntax=superfences",
        "docs",
        "tests/site",
        *session.posargs,
        env=DOCS_ENV,
    )


@nox.session
def browser(session: nox.Session) -> None:
    """Build the site, serve it under a sub-path on 127.0.0.1, and check every page in
    Debian's headless Chromium (apt install chromium), axe-core included; screenshots go to
    screenshots/."""
    install(session, "docs", "browser")
    install_js_tools(session)
    session.run("mkdocs", "build", "--strict", env=DOCS_ENV)
    session.run(
        "python",
        "-m",
        "pytest",
        "tests/browser",
        "--screenshots=screenshots",
        "--durations=8",  # the slowest checks, for whoever makes the session quicker
        *session.posargs,
        env=DOCS_ENV,
    )


@nox.session
def lighthouse(session: nox.Session) -> None:
    """Build the site and score every page with Lighthouse, desktop and mobile, in Debian's
    Chromium; writes lighthouse/summary.md and fails below the scores the site promises.
    Performance is judged on the median of several runs, with more runs for a page below the
    line, and each run's machine load is reported (lessonbuild/browser/lighthouse.py)."""
    install(session, "docs")
    install_js_tools(session)
    session.run("mkdocs", "build", "--strict", env=DOCS_ENV)
    session.run("python", "-m", "lessonbuild", "lighthouse", *session.posargs, env=DOCS_ENV)


@nox.session(venv_backend="none")
def serve(session: nox.Session) -> None:
    """Serve the site at http://127.0.0.1:8000/kimi-k2-lesson/ and rebuild it on every change:
    for reading and writing. It skips the strict build and the page tests (`nox -s docs` runs
    them, and CI), and runs the notebook again only when its code changes.

    It serves from the docs session's environment, one install of torch and Jupyter for both:
    the first run creates it (`nox -s docs --install-only`), later runs use it as it is."""
    docs_bin = session.env_dir.parent / "docs" / "bin"
    if not all((docs_bin / tool).exists() for tool in ("mkdocs", "lessonbuild")):
        session.run(
            sys.executable, "-m", "nox", "-s", "docs", "--install-only", "-R", external=True
        )
    path = f"{docs_bin}{os.pathsep}{os.environ.get('PATH', '')}"
    session.run(
        docs_bin / "mkdocs",
        "serve",
        "--dirty",  # an edit rebuilds its page and the notebook only, not all eleven
        *session.posargs,
        env=DOCS_ENV | {"PATH": path, "VIRTUAL_ENV": str(docs_bin.parent)},
        external=True,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint rules and formatting), and actionlint on the GitHub workflows."""
    install(session, "lint", build=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("actionlint")
