"""What a check expected and what came back, in words a student can act on.

The lesson's tests compare through these helpers. On a mismatch each raises `Mismatch`, an
AssertionError that carries the kind of mismatch and one or two lines: what was expected,
what came back, and for values the largest difference and where. The checker (check.py)
prints those lines under the failed check and picks its hint by the kind:

    type      not a tensor, or not the kind of value expected
    shape     the right values cannot be there: the shape differs
    dtype     a tensor of another dtype (torch.equal alone would not see float32 vs float64)
    device    a tensor on another device than the one checked
    values    same shape and dtype, other values
    mutated   the function changed one of its inputs in place
    error     the wrong error, or none
    message   the right error, saying something else

    expect.same(got, expected, "pooled")              exact: shape, dtype, device, every value
    expect.close(got, expected, "pooled")             the same, values within a tolerance
    expect.equal(got, expected, "seq_length")         plain Python values
    result = expect.call(masked_mean, hidden, mask)   the call; its inputs compared after it
    with expect.raises(ValueError, "both"): ...       the error and its message
    with expect.example(case): ...                    a property check names the case it tried
"""

import contextlib
import inspect
import re

import torch
from hypothesis import HealthCheck, Phase, settings

# Property checks: the same cases on every run (a grade must not depend on luck), no example
# database written into the student's folder, and the smallest failing case reported.
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    report_multiple_bugs=False,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    # on_device only checks and records: examples share no state through it
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# torch.testing.assert_close's default tolerances, per dtype: (rtol, atol)
TOLERANCE = {
    torch.float64: (1e-7, 1e-7),
    torch.float32: (1.3e-6, 1e-5),
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
}


class Mismatch(AssertionError):
    """A check's expectation, not met: `kind` says what differs, `lines` say how."""

    def __init__(self, kind: str, *lines: str):
        super().__init__("\n".join(lines))
        self.kind = kind
        self.lines = list(lines)


class WrongDevice(Mismatch):
    """A tensor on another device than the one under test."""

    def __init__(self, what: str, got: torch.device, expected: torch.device):
        super().__init__("device", f"{what}: expected on {expected}, got on {got}")
        self.got, self.expected = got, expected


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def shape_of(tensor: torch.Tensor) -> str:
    return str(tuple(tensor.shape))


def number(value: float) -> str:
    return f"{value:.4g}"


def at(flat_index: int, shape) -> str:
    """Flat index 5 in shape (2, 3) -> '[1, 2]'."""
    index = []
    for size in reversed(shape):
        index.append(flat_index % size)
        flat_index //= size
    return "[" + ", ".join(map(str, reversed(index))) + "]"


def as_tensor(got, what: str) -> torch.Tensor:
    if not isinstance(got, torch.Tensor):
        raise Mismatch("type", f"{what}: expected a tensor, got {type(got).__name__}")
    return got


def like(got, expected: torch.Tensor, what: str) -> torch.Tensor:
    """Same kind, device, shape and dtype as `expected`, or a Mismatch that says which."""
    got = as_tensor(got, what)
    if got.device.type != expected.device.type:
        raise WrongDevice(what, got.device, expected.device)
    if got.shape != expected.shape or got.dtype != expected.dtype:
        kind = "shape" if got.shape != expected.shape else "dtype"
        raise Mismatch(
            kind,
            f"{what}: expected shape {shape_of(expected)}, {dtype_name(expected.dtype)}",
            f"{' ' * len(what)}  got shape {shape_of(got)}, {dtype_name(got.dtype)}",
        )
    return got


def differences(got: torch.Tensor, expected: torch.Tensor, tolerance=None) -> list[str]:
    """[] when the values agree (NaN where NaN is expected counts as agreeing); otherwise
    how many differ, and the largest difference and where."""
    if torch.equal(got, expected):  # the common case, without copies (dtypes already match)
        return []
    g, e = got.detach().cpu().double(), expected.detach().cpu().double()
    agree = (g == e) | (g.isnan() & e.isnan())
    if tolerance is not None:
        rtol, atol = tolerance
        agree |= (g - e).abs() <= atol + rtol * e.abs()
    if bool(agree.all()):
        return []
    gap = (g - e).abs().nan_to_num(nan=float("inf")).masked_fill(agree, -1.0)
    worst = int(gap.reshape(-1).argmax())
    where = at(worst, g.shape) if g.dim() else ""
    expected_value, got_value = e.reshape(-1)[worst].item(), g.reshape(-1)[worst].item()
    allowed = " beyond rounding" if tolerance is not None else ""
    largest = gap.reshape(-1)[worst].item()
    size = f"largest difference {number(largest)} " if largest != float("inf") else ""
    return [
        f"{int((~agree).sum())} of {agree.numel()} values differ{allowed}",
        f"{size}at {where or 'the value'}: expected {number(expected_value)}, "
        f"got {number(got_value)}",
    ]


def same(got, expected: torch.Tensor, what: str = "the result") -> torch.Tensor:
    """Exactly `expected`: device, shape, dtype and every value."""
    got = like(got, expected, what)
    if lines := differences(got, expected):
        raise Mismatch("values", f"{what}: {lines[0]}", lines[1])
    return got


def close(got, expected: torch.Tensor, what: str = "the result", rtol=None, atol=None):
    """`expected` up to rounding: device, shape and dtype exactly, values within tolerance
    (torch.testing.assert_close's defaults for the dtype, unless given)."""
    got = like(got, expected, what)
    default_rtol, default_atol = TOLERANCE.get(expected.dtype, (0.0, 0.0))
    tolerance = (default_rtol if rtol is None else rtol, default_atol if atol is None else atol)
    if lines := differences(got, expected, tolerance):
        raise Mismatch("values", f"{what}: {lines[0]}", lines[1])
    return got


def equal(got, expected, what: str, kind: str = "values"):
    """Plain Python values, ints in a tuple included: a tensor is not an int here."""
    if isinstance(got, torch.Tensor) and not isinstance(expected, torch.Tensor):
        raise Mismatch("type", f"{what}: expected {expected!r}, got a tensor: {got!r}")
    if isinstance(got, tuple | list) and any(isinstance(item, torch.Tensor) for item in got):
        raise Mismatch("type", f"{what}: expected {expected!r}, got tensors: {got!r}")
    if got != expected:
        raise Mismatch(kind, f"{what}: expected {expected!r}, got {got!r}")
    return got


def check(condition: bool, kind: str, *lines: str) -> None:
    """A claim in words, for what the helpers above cannot say."""
    if not condition:
        raise Mismatch(kind, *lines)


def watched_inputs(function, args, kwargs) -> list[tuple[str, torch.Tensor]]:
    """Every tensor the call can reach through its arguments: tensors, and the parameters and
    buffers of modules (the function's own, if it is a module), each with a readable name."""
    try:
        named = list(inspect.signature(function).bind(*args, **kwargs).arguments.items())
    except (TypeError, ValueError):  # a changed signature: the call itself will say so
        named = [(f"argument {n + 1}", arg) for n, arg in enumerate(args)]
        named += list(kwargs.items())
    flat = []
    for name, value in named:
        flat += list(value.items()) if isinstance(value, dict) else [(name, value)]
    if isinstance(function, torch.nn.Module):
        flat.append((type(function).__name__, function))
    watched = []
    for name, value in flat:
        if isinstance(value, torch.Tensor):
            watched.append((name, value))
        elif isinstance(value, torch.nn.Module):
            for part, tensor in [*value.named_parameters(), *value.named_buffers()]:
                watched.append((f"{name}.{part}", tensor))
    return watched


def call(function, *args, **kwargs):
    """function(*args, **kwargs), then a Mismatch if it changed any input in place."""
    name = getattr(function, "__name__", type(function).__name__)
    before = [
        (arg, tensor, tensor.detach().clone(), tensor._version)
        for arg, tensor in watched_inputs(function, args, kwargs)
    ]
    result = function(*args, **kwargs)
    for arg, tensor, copy, version in before:
        if tensor.shape != copy.shape:
            raise Mismatch(
                "mutated",
                f"{name} changed the shape of its input {arg} in place:",
                f"{shape_of(copy)} before the call, {shape_of(tensor)} after it",
            )
        if lines := differences(tensor, copy):
            raise Mismatch(
                "mutated",
                f"{name} changed its input {arg} in place: {lines[0]}",
                lines[1].replace("expected", "before the call").replace("got", "after it"),
            )
        if tensor._version != version:
            raise Mismatch(
                "mutated",
                f"{name} wrote into its input {arg} in place",
                "(the values it wrote happen to equal those it found there)",
            )
    return result


def readable(pattern: str) -> str:
    r"""A regular expression as words: 'unpack \(expected 2' -> 'unpack (expected 2'."""
    return re.sub(r"\\(.)", r"\1", pattern.replace(".*", " … ")).strip()


@contextlib.contextmanager
def raises(error_type: type[Exception], match: str = ""):
    """The block must raise `error_type` with a message that `match` finds."""
    wanted = f"{error_type.__name__} saying {readable(match)!r}" if match else error_type.__name__
    try:
        yield
    except NotImplementedError:
        raise  # the starter's TODO, reported as not implemented yet
    except error_type as error:
        if match and not re.search(match, str(error)):
            raise Mismatch(
                "message", f"expected {wanted}", f"got {type(error).__name__}: {error}"
            ) from error
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise Mismatch("error", f"expected {wanted}", f"got {type(error).__name__}: {first}") from (
            error
        )
    else:
        raise Mismatch("error", f"expected {wanted}", "got no error: the call returned")


@contextlib.contextmanager
def example(case):
    """Whatever the block raises names `case`: under hypothesis, the smallest one that fails."""
    try:
        yield
    except Exception as error:
        error.example = str(case)
        raise
