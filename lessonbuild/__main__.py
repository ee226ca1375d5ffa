"""The build's one command line: each generator, and each with `--check` where it writes files
kept in the repository (a diff and exit 1 on drift, nothing written).

    python -m lessonbuild outputs --device cpu [--check]    snippet outputs and figures
    python -m lessonbuild starters [--variants] [--check]   kit/starters/, the checker's variants
    python -m lessonbuild checker-outputs [--check]         what the checker prints, for a page
    python -m lessonbuild kit [PATH]                        the assignment kit's zip
    python -m lessonbuild notebook PATH                     the lesson notebook, not run
    python -m lessonbuild bench [--device cuda] [--quick]   the lookup timed like for like
    python -m lessonbuild gpu [--steps ...] [--dry-run]     the whole CUDA run, on a GPU machine
    python -m lessonbuild lighthouse [--runs N]             Lighthouse scores of the built site

`nox` runs each of them in an environment that has what it needs (noxfile.py).
"""

import importlib
import sys

COMMANDS = {
    "outputs": "lessonbuild.captures.snippet_outputs",
    "starters": "lessonbuild.kit.starters",
    "checker-outputs": "lessonbuild.captures.checker_outputs",
    "kit": "lessonbuild.kit.archive",
    "notebook": "lessonbuild.notebook.lesson",
    "bench": "lessonbuild.bench",
    "gpu": "lessonbuild.gpu",
    "lighthouse": "lessonbuild.browser.lighthouse",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    # Imported only when asked for: the gpu command runs before anything heavy is imported.
    return importlib.import_module(COMMANDS[argv[0]]).main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
