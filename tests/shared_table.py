"""The lesson's 1.53 GiB table, built once per process and shared by every test session in it.

Building it takes seconds, so the tests of task 1 share one table, and so do the checker's
runs of those tests (check.py runs pytest again inside the same process, one run per
student file). One table is kept per device: a new build replaces it.

The first build runs with the meta device as PyTorch's default device. The meta device has
shapes but no memory, so a builder that uses its device argument builds the real table as
always (and that table is kept), while one that ignores its argument builds a meta table at
once: caught on any machine, as a GPU would catch it, at no cost.
"""

import gc
import hashlib
from pathlib import Path

import torch

_kept = {}  # device -> (build function and its file's hash, table, version when built)
_ignored = {}  # key of a build that ignored its device argument -> the device it used


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


def _weight_device(table) -> torch.device | None:
    weight = getattr(table, "weight", None)
    return weight.device if isinstance(weight, torch.Tensor) else None


def built_on(build, device: torch.device) -> torch.device | None:
    """The device of build(device)'s table when the default device is meta: `device` for a
    builder that uses its argument, meta for one that ignores it. A table built on `device`
    is kept for get(), so asking costs no build of its own."""
    key, device = _key(build), torch.device(device)
    kept_key, table, version = _kept.get(str(device), (None, None, None))
    if kept_key == key and _version(table) == version:
        return _weight_device(table)
    del table
    if key in _ignored:
        return _ignored[key]
    release(device)
    torch.manual_seed(0)
    try:
        with torch.device("meta"):
            table = build(device)
    except Exception:
        table = None  # it needed the default device for something: get() builds it as usual
    if table is not None and _weight_device(table) == torch.device("meta") != device:
        _ignored[key] = torch.device("meta")
        return _ignored[key]
    if table is None or _weight_device(table) != device:
        table = get(build, device)
    else:
        _kept[str(device)] = (key, table, _version(table))
    return _weight_device(table)


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
