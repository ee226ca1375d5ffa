"""The lesson's 1.53 GiB table, built once per process and shared by every test session in it.

Building it takes seconds, so the tests of task 1 share one table, and so do the checker's
runs of those tests (check.py runs pytest again inside the same process, one run per
student file). One table is kept per device: a new build replaces it.

A builder is also asked for a table on the meta device, which has sizes but no memory: a
right builder answers at once, and one that ignores its device argument builds a real table
on the default device instead. That table is kept as the one it would build anywhere.
"""

import gc
import hashlib
from pathlib import Path

import torch

_kept = {}  # device -> (build function and its file's hash, table, version when built)


def _version(table) -> int | None:
    """Bumped by every in-place write to the table's weight."""
    return getattr(getattr(table, "weight", None), "_version", None)


def _key(build) -> tuple:
    # The same file, seeded the same way, builds the same table: the lesson's file and a
    # student's copy of it share one, while any change to the code builds its own.
    code = getattr(build, "__code__", None)
    if code is None:  # not a plain function: nothing to compare, so it always builds
        return (id(build),)
    return code.co_qualname, hashlib.sha256(Path(code.co_filename).read_bytes()).hexdigest()


def on_meta(build):
    """build(torch.device("meta")) after torch.manual_seed(0)."""
    torch.manual_seed(0)
    table = build(torch.device("meta"))
    weight = getattr(table, "weight", None)
    if isinstance(weight, torch.Tensor) and weight.device.type != "meta":
        release(weight.device)
        # It ignored its argument: what it built is what it builds for any device.
        _kept[str(weight.device)] = (_key(build), table, _version(table))
    return table


def get(build, device: torch.device):
    """build(device) after torch.manual_seed(0), or the table an identical build already made."""
    key = _key(build)
    kept_key, table, version = _kept.get(str(device), (None, None, None))
    if kept_key == key and _version(table) == version:  # nothing wrote into it since
        return table
    del table  # so that release() can free it: one 1.53 GiB table at a time
    release(device)
    torch.manual_seed(0)
    table = build(device)
    _kept[str(device)] = (key, table, _version(table))
    return table


def release(device) -> None:
    """Forget the table kept for `device`, and free it unless a caller still holds it."""
    if _kept.pop(str(device), None) is not None:
        gc.collect()  # the pytest sessions that used it leave cycles behind
