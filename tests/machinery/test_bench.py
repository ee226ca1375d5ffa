"""lessonbuild/bench.py: like-for-like comparisons, fresh inputs for every call, and the claims the
Efficiency page makes about the committed measurement (docs/outputs/cpu/bench.txt)."""

import re
from pathlib import Path

import pytest
import torch

from lessonbuild import bench

ROOT = Path(__file__).resolve().parents[2]
CAPTURE = ROOT / "docs" / "outputs" / "cpu" / "bench.txt"


def test_every_call_gets_fresh_ids_over_the_whole_table_and_a_fresh_block():
    weight = torch.arange(1000.0).unsqueeze(1)  # row i holds i
    inputs = bench.Inputs(weight, rows=50, seed=0)
    ids = torch.cat([inputs.ids() for _ in range(40)])
    assert ids.min() < 20 and ids.max() > 980  # drawn over the whole table
    blocks = [inputs.block() for _ in range(20)]
    starts = {int(block[0, 0]) for block in blocks}
    assert len(starts) > 15  # a fresh offset almost every call
    for block in blocks:  # contiguous rows of the table, never past its end
        assert block.shape == (50, 1) and torch.equal(block[:, 0], block[0, 0] + torch.arange(50.0))


def test_sorted_ids_visit_rows_in_memory_order():
    inputs = bench.Inputs(torch.zeros(1000, 1), rows=100, seed=0, ids_order="sorted")
    ids = inputs.ids()
    assert torch.equal(ids, ids.sort().values)
    contiguous = bench.Inputs(torch.zeros(1000, 1), rows=100, seed=0, ids_order="contiguous")
    ids = contiguous.ids()
    assert torch.equal(ids, ids[0] + torch.arange(100)) and ids[-1] < 1000


def test_measure_shuffles_the_order_and_draws_an_input_for_every_call():
    calls, drawn = [], []

    def variant(name):
        def make_input():
            drawn.append(name)
            return len(drawn)

        return make_input, lambda argument: calls.append((name, argument))

    fns = {name: variant(name) for name in "abc"}
    medians = bench.measure(fns, torch.device("cpu"), repeats=3, warmup=1)
    assert set(medians) == set("abc")
    assert len(calls) == len(drawn) == 12  # (1 warm-up + 3 repeats) x 3 variants
    assert len({argument for _, argument in calls}) == 12  # no input is used twice
    rounds = ["".join(name for name, _ in calls[i : i + 3]) for i in range(0, 12, 3)]
    assert all(sorted(r) == ["a", "b", "c"] for r in rounds)  # every variant once a round
    assert len(set(rounds)) > 1  # in changing order: no variant always follows the same one


def test_the_variants_compute_the_same_lookup():
    torch.manual_seed(0)
    weight = torch.randn(2000, bench.HIDDEN)
    wrapper = bench.EmbeddingForward(2000, bench.HIDDEN, device="meta")
    wrapper.embed_tokens.weight = torch.nn.Parameter(weight, requires_grad=False)
    out = torch.empty(512, bench.HIDDEN)
    fns = bench.variants(weight, wrapper, 512, out)
    ids = torch.randint(0, 2000, (512,))
    gathers = [("into a buffer", "index_select(out=)"), ("fresh output", "F.embedding")]
    gathers += [("fresh output", name) for name in ("index_select", "weight[ids]")]
    for key in gathers + [
        ("fresh output", "nn.Embedding, (B, T) ids"),
        ("fresh output", "EmbeddingForward"),
    ]:
        result = fns[key][1](ids).reshape(512, -1)
        assert torch.equal(result, weight[ids]), key


# The claims the Efficiency page makes in words, checked against the measurement it shows.


def number(label: str) -> float:
    match = re.search(re.escape(label) + r":?\s*([-+\d.,]+)", CAPTURE.read_text())
    assert match, f"{label!r} is not in {CAPTURE.name}: run nox -s bench"
    return float(match[1].replace(",", "").rstrip("x%"))


def table() -> list[dict]:
    """The report's table: one row per (dtype, rows, variant)."""
    row = re.compile(
        r"^(?P<dtype>\w+)\s+(?P<rows>\d+) (?P<group>into a buffer|fresh output|allocation)\s+"
        r"(?P<variant>.+?)\s+(?P<ms>[\d.]+)\s+(?P<gbs>[\d.]+)\s+(?P<vs>[\d.]+)$",
        re.M,
    )
    return [m.groupdict() | {"vs": float(m["vs"])} for m in row.finditer(CAPTURE.read_text())]


def test_the_table_has_every_variant_at_every_size():
    rows = table()
    assert len(rows) == 2 * 3 * 11 + 1  # 11 variants per dtype and size, one-hot once
    assert {r["rows"] for r in rows} == {"512", "4096", "16384"}


def band(label: str) -> tuple[float, float]:
    """`LABEL: low to high` in the report."""
    match = re.search(re.escape(label) + r": ([\d.]+) to ([\d.]+)", CAPTURE.read_text())
    assert match, f"{label!r} is not in {CAPTURE.name}: run nox -s bench"
    return float(match[1]), float(match[2])


@pytest.mark.parametrize("rows", [4096, 16384])
def test_like_for_like_a_gather_is_nearly_a_copy(rows):
    # The target: into a buffer, at least 90% of the copy's speed from 4096 rows in fp32.
    assert number(f"buffered gather vs buffered copy, float32, {rows} rows") >= 0.9
    low, high = band("buffered gather, every size")
    assert low >= 0.85  # every size and dtype: nearly a copy


def test_no_gather_beats_the_copy_by_more_than_the_copy_beats_itself():
    gathers = [r["vs"] for r in table() if r["variant"] == "index_select(out=)"]
    noise = [r["vs"] for r in table() if r["variant"] == "copy_ (again)"]
    assert band("buffered gather, every size") == (min(gathers), max(gathers))
    assert band("the copy against itself, every size") == (min(noise), max(noise))
    assert max(gathers) <= max(noise) + 0.05


@pytest.mark.parametrize("rows", [4096, 16384])
def test_a_fresh_output_costs_more_than_the_scattered_reads(rows):
    clone_over_copy = number(f"a fresh output costs, float32, {rows} rows: clone takes")
    gather_over_copy = 1 / number(f"buffered gather vs buffered copy, float32, {rows} rows")
    assert clone_over_copy > 1.5 and clone_over_copy > gather_over_copy
    assert 0.85 <= number(f"F.embedding vs clone, float32, {rows} rows") <= 1.15  # pays it too


def test_a_small_output_escapes_the_cost():
    assert number("a fresh output costs, bfloat16, 512 rows: clone takes") < 1.3


def test_huge_pages_make_fresh_outputs_cheaper_and_matter_less_to_the_gather():
    assert number("2 MiB pages make clone") > 1.5
    assert number("2 MiB pages make F.embedding") > 1.5
    off, on = re.search(
        r"buffered gather vs buffered copy: ([\d.]+) off, ([\d.]+) on", CAPTURE.read_text()
    ).groups()
    assert abs(float(on) - float(off)) <= 0.15  # "about as large as this bench's noise"


def test_the_report_says_how_huge_pages_were_set():
    assert re.search(
        r"^huge pages: THP_MEM_ALLOC_ENABLE=1, kernel THP setting: \w+$", CAPTURE.read_text(), re.M
    )


def test_no_single_change_moves_the_gather_far_from_the_copy():
    text = CAPTURE.read_text().split("one change at a time")[1].split("THP_MEM_ALLOC_ENABLE")[0]
    ratios = [float(x) for x in re.findall(r": ([\d.]+)$", text, re.M)]
    assert len(ratios) == 6 and all(0.8 <= r <= 1.25 for r in ratios)


def test_short_rows_cost_the_gather_a_little():
    assert number("rows of 4 KiB") < band("the copy against itself, every size")[0]


def test_weight_ids_is_the_slowest_gather_at_every_size():
    rows = table()
    for dtype, size in {(r["dtype"], r["rows"]) for r in rows}:
        fresh = {r["variant"]: r["vs"] for r in rows if (r["dtype"], r["rows"]) == (dtype, size)}
        gathers = ("F.embedding", "index_select", "nn.Embedding, (B, T) ids", "EmbeddingForward")
        assert all(fresh["weight[ids]"] < fresh[g] for g in gathers), (dtype, size)


def test_the_wrappers_checks_are_cheap():
    shares = re.findall(
        r"the wrapper's checks alone, .*, ([\d.]+)% of the lookup", CAPTURE.read_text()
    )
    assert len(shares) == 6 and all(float(share) < 5 for share in shares)


def test_the_whole_wrapper_differs_from_the_module_no_more_than_same_work_calls_do():
    spread = number("fresh outputs that do the same work differ by up to") / 100
    pattern = r"EmbeddingForward \(checks on\) vs nn.Embedding, \w+, (\d+) rows: ([-+\d.]+)%"
    overheads = [
        float(v) / 100 for rows, v in re.findall(pattern, CAPTURE.read_text()) if rows != "512"
    ]
    assert len(overheads) == 4 and all(abs(v) <= spread + 0.05 for v in overheads)


def test_one_hot_is_hopeless():
    assert number("one-hot matmul vs F.embedding, float32, 512 rows") > 100
