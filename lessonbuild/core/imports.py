"""What a Python file imports and whether it edits sys.path, read with ast (nothing runs).

The dependency rule's tests use it: tests/machinery/test_dependencies.py for the snippets and
the build, tests/site/test_kit.py for the files the kit ships.
"""

import ast
import sys

STANDARD_LIBRARY = sys.stdlib_module_names
SYS_PATH_EDITS = {"insert", "append", "extend", "remove", "pop", "clear"}


def imported(source: str) -> set[str]:
    """The top-level name of every module the source imports, anywhere in it ('.' for a
    relative import): `import torch.nn as nn` and `from torch import nn` give 'torch'."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add("." if node.level else node.module.partition(".")[0])
    return names


def is_sys_path(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def sys_path_edits(source: str) -> list[int]:
    """The lines that change sys.path: a call such as sys.path.insert(...), or an assignment
    to sys.path or to an item or slice of it."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SYS_PATH_EDITS and is_sys_path(node.func.value):
                lines.append(node.lineno)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if is_sys_path(target.value if isinstance(target, ast.Subscript) else target):
                    lines.append(node.lineno)
    return sorted(lines)
