"""Shared test setup: the device under test, the lesson's big table, and test order.

Every test that takes `device` runs once per device given on the command line:
    pytest --device cpu          (the default)
    pytest --device cuda         (the CUDA session; fails loudly if CUDA is not usable)
"""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import shared_table
import torch

# Snippet functions take their device from the caller; LESSON_DEVICE is only the default of a
# snippet run alone. While the test modules import the snippets it names a device no test runs
# on, so a function that falls back on it fails in the CPU session, as it would in the CUDA
# session, instead of passing by luck.
_LESSON_DEVICE = os.environ.get("LESSON_DEVICE")
os.environ["LESSON_DEVICE"] = "meta"

import task1_basic_forward  # noqa: E402  the lesson's, or a student's file under the checker


def pytest_addoption(parser):
    parser.addoption(
        "--device",
        action="append",
        choices=["cpu", "cuda"],
        help="device to run the lesson's tests on; repeat for several (default: cpu)",
    )


def pytest_configure(config):
    devices = config.getoption("device") or ["cpu"]
    if "cuda" in devices and not torch.cuda.is_available():
        raise pytest.UsageError(
            f"--device cuda was asked for, but torch {torch.__version__} sees no CUDA device "
            "(a CPU-only build, or no visible GPU); the CUDA tests cannot run here"
        )


def pytest_collection_finish(session):
    # Every snippet module is imported now. Page blocks run in the same session
    # (pytest --markdown-docs) read the real default again.
    if _LESSON_DEVICE is None:
        os.environ.pop("LESSON_DEVICE", None)
    else:
        os.environ["LESSON_DEVICE"] = _LESSON_DEVICE


def pytest_generate_tests(metafunc):
    if "device" in metafunc.fixturenames:
        devices = metafunc.config.getoption("device") or ["cpu"]
        metafunc.parametrize(
            "device", [torch.device(d) for d in devices], ids=devices, scope="session"
        )


def pytest_collection_modifyitems(items):
    # Snippets run in fresh processes first, while this process holds no big table yet:
    # the task 1 snippet builds its own 1.53 GiB table, and the two must not overlap.
    # Then the checks of a student's task 1, which build their own table in this process,
    # before any test holds the lesson's: at most one table and its gradient at a time.
    items.sort(
        key=lambda item: (
            item.get_closest_marker("standalone") is None,
            item.get_closest_marker("own_table") is None,
        )
    )


@pytest.fixture
def on_device(device, request):
    """Check that tensors live on the device under test, so CUDA never passes on the CPU."""

    def check(*tensors):
        for tensor in tensors:
            assert tensor.device.type == device.type, f"tensor on {tensor.device}, not {device}"
        request.node.device_checked = True

    return check


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_passed = report.passed  # read by every_device_test_checks_its_device
    return report


@pytest.fixture(autouse=True)
def every_device_test_checks_its_device(request):
    """A test that runs per device must check, at least once, where its tensors live."""
    yield
    if not getattr(request.node, "call_passed", False):
        return  # skipped or failed: its own report says why
    if "device" in request.fixturenames and not request.node.get_closest_marker("standalone"):
        assert getattr(request.node, "device_checked", False), (
            f"{request.node.name} never calls on_device(...): it could pass on the wrong device"
        )


@pytest.fixture(autouse=True)
def lesson_table_is_on_the_device(request):
    if "lesson_table" in request.fixturenames:
        request.getfixturevalue("on_device")(request.getfixturevalue("lesson_table").weight)


@pytest.fixture(scope="session")
def lesson_table(device):
    """The lesson's 1.53 GiB table (V=100352, D=4096, pad 0), built once per process."""
    return shared_table.get(task1_basic_forward.build_embed_tokens, device)


@pytest.fixture(scope="session")
def fresh_runs(device):
    """Run every snippet once, two at a time on this 2-core machine.

    The one that builds the 1.53 GiB table starts first, so the other lane runs only small
    snippets beside it, and this process builds its own table only after all of them.
    """
    from outputs import run_alone, snippet_paths  # tools/: not in the assignment kit

    big_first = sorted(snippet_paths(), key=lambda s: s.stem != "task1_basic_forward")
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        runs = pool.map(lambda s: run_alone(s, device.type), big_first)
        return {snippet.stem: run for snippet, run in zip(big_first, runs, strict=True)}
