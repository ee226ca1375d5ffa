"""The kit's own Python files, kit/check.py and kit/quiz_grader.py, for the build to read.

They ship as they are, to run alone in a student's folder with only the standard library,
torch and pytest, so they are not modules of this package. The build loads them from kit/ by
path, under the names the kit runs them by: a test that imports `check` (kit/ is on pytest's
pythonpath) gets the very same module. Loaded on first use (`from ... import check`), since
check.py imports torch and pytest.
"""

import importlib.util
import sys

from lessonbuild.core.paths import KIT

SHIPPED = ("check", "quiz_grader")


def __getattr__(name: str):
    if name not in SHIPPED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name == "check":
        __getattr__("quiz_grader")  # `check.py quiz` imports it as the kit's neighbour
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, KIT / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
