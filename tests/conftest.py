"""Shared test setup: the device under test, the tables the tests use, and test order.

Every test that takes `device` runs once per device given on the command line:
    pytest --device cpu          (the default)
    pytest --device cuda         (the CUDA session; fails loudly if CUDA is not usable)

The same tests check a student's files in the assignment kit (check.py). Two markers say
how the checker treats a test:
    @pytest.mark.hint(concept, section=..., code=..., when=...)
        what to tell a student whose file fails it: the idea (always), the section of the
        lesson that teaches it, and a hint at the code (with --hint). A hint with `when`
        is for one kind of failure only (expect.py lists the kinds).
    @pytest.mark.lesson
        checks the lesson's own code, or torch itself, or needs the lesson's full table for
        a task other than task 1: the checker leaves it out, since it would grade nothing
        the student wrote.
    @pytest.mark.skip_on_cpu(reason)
        needs a device besides the CPU: skipped, with that reason, when the device is the CPU.
"""

import importlib
import os
from concurrent.futures import ThreadPoolExecutor

import expect
import pytest
import shared_table
import torch
import torch.nn as nn

# Snippet functions take their device from the caller; LESSON_DEVICE is only the default of a
# snippet run alone. While the test modules import the snippets it names a device no test runs
# on, so a function that falls back on it fails in the CPU session, as it would in the CUDA
# session, instead of passing by luck.
_LESSON_DEVICE = os.environ.get("LESSON_DEVICE")
os.environ["LESSON_DEVICE"] = "meta"
TABLE_MODULE = "task1_basic_forward"  # the lesson's task 1, or a student's under the checker
SMALL_VOCAB = 1000  # tasks 2 to 4: V plays no part there, so 1000 rows of D = 4096
# Lines a test asks to print at the end of the run (how long the checker took, for example).
TIMINGS: list[str] = []


def pytest_addoption(parser):
    parser.addoption(
        "--device",
        action="append",
        choices=["cpu", "cuda"],
        help="device to run the lesson's tests on; repeat for several (default: cpu)",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "hint(concept, section, code, when): see conftest.py")
    config.addinivalue_line("markers", "lesson: not run by the checker; see conftest.py")
    config.addinivalue_line("markers", "skip_on_cpu(reason): skipped when the device is the CPU")
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
    # before any test holds the lesson's: at most one table at a time. The last of them
    # (own_table(last=True)) checks the lesson's own file, whose table stays for the tests
    # that use the lesson's.
    def order(item):
        own_table = item.get_closest_marker("own_table")
        last = own_table is not None and own_table.kwargs.get("last", False)
        return item.get_closest_marker("standalone") is None, own_table is None, last

    items.sort(key=order)


@pytest.fixture
def on_device(device, request):
    """Check that tensors live on the device under test, so CUDA never passes on the CPU."""

    def check(*tensors, what="the result"):
        for tensor in tensors:
            expect.as_tensor(tensor, what)
            if tensor.device.type != device.type:
                raise expect.WrongDevice(what, tensor.device, device)
        request.node.device_checked = True

    return check


def pytest_runtest_setup(item):
    marker = item.get_closest_marker("skip_on_cpu")
    device = getattr(item, "callspec", None) and item.callspec.params.get("device")
    if marker and getattr(device, "type", None) == "cpu":
        pytest.skip(marker.args[0])


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
def tables_are_on_the_device(request):
    for name in ("lesson_table", "table"):
        if name in request.fixturenames:
            table = request.getfixturevalue(name)
            request.getfixturevalue("on_device")(table.weight, what=f"the {name}'s weight")


def build_embed_tokens():
    """Task 1's builder: the lesson's, or a student's, imported under the lesson's name."""
    return importlib.import_module(TABLE_MODULE).build_embed_tokens


@pytest.fixture(scope="session")
def lesson_table(device):
    """The lesson's 1.53 GiB table (V=100352, D=4096, pad 0), built once per process."""
    return shared_table.get(build_embed_tokens(), device)


@pytest.fixture(scope="session")
def table_device(device):
    """Where task 1's builder puts the table it is asked to build on `device`, with the meta
    device as the default device: a builder that ignores its argument is caught on any
    machine (shared_table.built_on), and a right one has built the lesson's table."""
    return shared_table.built_on(build_embed_tokens(), device)


_small_tables = {}  # device -> (table, its weight's version when built)


@pytest.fixture
def table(device):
    """The lesson's table with 1000 rows instead of 100352, seeded: V plays no part in tasks
    2 to 4. Built once per device, and again if a check wrote into it."""
    kept = _small_tables.get(device)
    if kept is None or kept[0].weight._version != kept[1]:
        torch.manual_seed(0)
        small = nn.Embedding(SMALL_VOCAB, 4096, padding_idx=0, device=device)
        kept = _small_tables[device] = (small, small.weight._version)
    return kept[0]


@pytest.fixture
def report_timing():
    """Print a line at the end of the run: how long something took, on this machine now."""
    return TIMINGS.append


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("timings (this machine, as loaded as it was)")
        load = os.getloadavg() if hasattr(os, "getloadavg") else None
        if load:
            terminalreporter.write_line(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        for line in TIMINGS:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def fresh_runs(device):
    """Run every snippet once, two at a time on this 2-core machine.

    The ones that need 2 GiB (the 1.53 GiB table) start first, so the other lane runs only
    small snippets beside them, and this process builds its own table only after all of them.
    """
    # The lesson's build, in its repository only: no kit test asks for this fixture.
    from lessonbuild.captures.snippet_outputs import run_alone
    from lessonbuild.core.registry import SNIPPETS, TWO_GIB, snippet_paths

    big_first = sorted(snippet_paths(), key=lambda s: TWO_GIB not in SNIPPETS[s.stem].needs)
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        runs = pool.map(lambda s: run_alone(s, device.type), big_first)
        return {snippet.stem: run for snippet, run in zip(big_first, runs, strict=True)}
