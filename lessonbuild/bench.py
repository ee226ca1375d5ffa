"""Why the lookup is fast, measured like for like.

    nox -s bench                  the full run (add -- --device cuda on a GPU machine)
    nox -s bench -- --quick       fewer repeats, under 2 minutes on a 2-core CPU
    python -m lessonbuild bench [--device cuda] [--quick] [--redraw]
                                  the same in this Python; --redraw only draws the figure
                                  again from the committed report

For N = B*T rows of the lesson's table (V = 100352, D = 4096), in fp32 and bf16, every gather is
timed against a copy of the same bytes that does the same allocation:

    into a buffer   buf.copy_(block)  against  torch.index_select(weight, 0, ids, out=buf),
                                               and against itself: what noise alone gives
    fresh output    block.clone()     against  F.embedding, index_select, weight[ids], the
                                               lesson's EmbeddingForward (checks on), and a
                                               one-hot matmul where its (N, V) matrix fits
    allocation      buf.fill_(0)      against  torch.empty(N, D).fill_(0): the fresh output's
                                               own cost, pages the kernel must hand out

Every call gets fresh ids drawn over the whole table, and every copy a block at a fresh random
offset, so no variant reads rows that another left in cache. Each round runs the variants in
a new random order, since what runs just before a call changes its time; the report gives
medians. On a CPU it then varies one thing at a time to show what the gap between the
buffered gather and the buffered copy is made of: threads, the order of the ids, row size,
and, in separate processes since PyTorch reads it at start-up, THP_MEM_ALLOC_ENABLE, which
puts large tensors on 2 MiB pages. On CUDA it times with CUDA events and names the card's
peak memory bandwidth. A full run writes docs/outputs/<device>/bench.txt and
docs/assets/figures/bench_<device>.png, which the site shows; --quick checks that the bench
runs and writes only .cache/bench/<device>-quick.txt.
"""

import argparse
import json
import os
import random
import re
import runpy
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from lessonbuild.captures import figure_text
from lessonbuild.captures.snippet_outputs import machine
from lessonbuild.core import png
from lessonbuild.core.paths import CACHE, FIGURES, OUTPUTS, ROOT, SNIPPET_DIR

# The lesson's own wrapper, run from its file: a snippet stands alone, it is not on the path.
LESSON = runpy.run_path(str(SNIPPET_DIR / "advanced_embedding_forward.py"))
EmbeddingForward, check_input_ids = LESSON["EmbeddingForward"], LESSON["check_input_ids"]

VOCAB, HIDDEN = 100352, 4096
ROWS = (512, 4096, 16384)
ONE_HOT_BUDGET = 256 << 20  # bytes for the (N, V) one-hot matrix: N = 512 only
BUFFER, FRESH, ALLOCATION = "into a buffer", "fresh output", "allocation"
GATHER_VS_COPY = "gather / copy"  # a page-size probe's ratio, beside its times


def calls_per_variant(quick: bool) -> int:
    """Timed calls per variant (after warm-up calls); the report gives their median."""
    return 5 if quick else 31


CHECKS = "checks"  # the wrapper's input checks, timed alone: not a lookup, not in the table


def timer(device: torch.device):
    """A function that times fn() in seconds, synchronising correctly on CUDA."""
    if device.type == "cuda":

        def time_cuda(fn):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            torch.cuda.synchronize()
            return start.elapsed_time(end) / 1000

        return time_cuda

    def time_cpu(fn):
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    return time_cpu


class Inputs:
    """Fresh ids over the whole table and a block at a fresh offset, for every call."""

    def __init__(self, weight: torch.Tensor, rows: int, seed: int, ids_order: str = "random"):
        self.weight, self.rows, self.ids_order = weight, rows, ids_order
        self.generator = torch.Generator().manual_seed(seed)

    def ids(self) -> torch.Tensor:
        """Random ids, the same sorted, or the ids of one contiguous block (the copy's rows)."""
        if self.ids_order == "contiguous":
            start = int(
                torch.randint(
                    0, self.weight.shape[0] - self.rows + 1, (1,), generator=self.generator
                )
            )
            return torch.arange(start, start + self.rows, device=self.weight.device)
        ids = torch.randint(0, self.weight.shape[0], (self.rows,), generator=self.generator)
        return (ids.sort().values if self.ids_order == "sorted" else ids).to(self.weight.device)

    def block(self) -> torch.Tensor:
        start = int(
            torch.randint(0, self.weight.shape[0] - self.rows + 1, (1,), generator=self.generator)
        )
        return self.weight[start : start + self.rows]


def variants(weight, wrapper, rows, out):
    """(group, name) -> (make the call's inputs, the call); each group's first is its baseline."""
    inputs = Inputs(weight, rows, seed=rows)
    fns = {
        (BUFFER, "copy_ (baseline)"): (inputs.block, lambda block: out.copy_(block)),
        # The same copy timed again: how far from 1.00 chance alone moves a ratio.
        (BUFFER, "copy_ (again)"): (inputs.block, lambda block: out.copy_(block)),
        (BUFFER, "index_select(out=)"): (
            inputs.ids,
            lambda ids: torch.index_select(weight, 0, ids, out=out),
        ),
        (FRESH, "clone (baseline)"): (inputs.block, lambda block: block.clone()),
        (FRESH, "F.embedding"): (inputs.ids, lambda ids: F.embedding(ids, weight)),
        (FRESH, "index_select"): (inputs.ids, lambda ids: torch.index_select(weight, 0, ids)),
        (FRESH, "weight[ids]"): (inputs.ids, lambda ids: weight[ids]),
        # The wrapper takes (batch, seq_len) ids: compare it with the module it wraps, called
        # on the same 2-D ids, so that only the checks differ.
        (FRESH, "nn.Embedding, (B, T) ids"): (
            inputs.ids,
            lambda ids: wrapper.embed_tokens(ids.view(-1, 512)),
        ),
        (FRESH, "EmbeddingForward"): (inputs.ids, lambda ids: wrapper(input_ids=ids.view(-1, 512))),
    }
    # 2*N*V*D FLOPs: seconds per call even at N = 512. On a CPU only fp32: without bf16
    # matrix units the bf16 one runs for minutes per call.
    fits = rows * VOCAB * weight.element_size() <= ONE_HOT_BUDGET
    if fits and (weight.device.type == "cuda" or weight.dtype == torch.float32):
        fns[FRESH, "one-hot matmul"] = (
            inputs.ids,
            lambda ids: F.one_hot(ids, VOCAB).to(weight.dtype) @ weight,
        )
    fresh_pages = lambda _: torch.empty(rows, HIDDEN, dtype=weight.dtype, device=weight.device)  # noqa: E731
    fns[ALLOCATION, "fill_ buffer (baseline)"] = (lambda: None, lambda _: out.fill_(0))
    fns[ALLOCATION, "empty + fill_"] = (lambda: None, lambda _: fresh_pages(_).fill_(0))
    return fns


def measure(fns, device, repeats, warmup=2) -> dict:
    """Seconds per call of each variant, one list per variant: `repeats` rounds, each in a new
    random order (what runs just before a call affects it, so no variant may always follow the
    same one), a fresh input for every call. Round i of every list was timed close together."""
    time_it, samples = timer(device), {key: [] for key in fns}
    slow = {key for key in fns if "one-hot" in str(key)}
    order, shuffle = list(fns), random.Random(0).shuffle
    with torch.no_grad():
        for r in range(-warmup, repeats):
            shuffle(order)
            for key in order:
                if key in slow and len(samples[key]) >= (1 if repeats <= 5 else 3):
                    continue  # seconds per call: a few samples make the point
                make_input, fn = fns[key]
                argument = make_input()
                seconds = time_it(lambda: fn(argument))  # noqa: B023  called at once
                if r >= 0:
                    samples[key].append(seconds)
    return samples


def speed_ratio(baseline: list, other: list) -> float:
    """How fast `other` runs as a fraction of `baseline`: the median of the round-by-round
    ratios, so that a slow spell of the machine, which hits both, cancels out."""
    # strict=False: the one-hot matmul runs only the first rounds
    return statistics.median(b / o for b, o in zip(baseline, other, strict=False))


def build_table(device) -> torch.Tensor:
    torch.manual_seed(0)
    return torch.nn.Embedding(VOCAB, HIDDEN, device=device).weight.detach()


def bench(fp32: torch.Tensor, quick: bool) -> list[dict]:
    device, results = fp32.device, []
    for dtype in (torch.float32, torch.bfloat16):
        weight = fp32 if dtype == torch.float32 else fp32.to(dtype)
        weight.sum()  # touch every page of the table before any timing
        wrapper = EmbeddingForward(VOCAB, HIDDEN, device="meta")
        wrapper.embed_tokens.weight = torch.nn.Parameter(weight, requires_grad=False)
        for rows in ROWS:
            out = torch.empty(rows, HIDDEN, dtype=dtype, device=device)
            fns = variants(weight, wrapper, rows, out)
            ids = Inputs(weight, rows, seed=1).ids()
            assert torch.equal(wrapper(input_ids=ids.view(-1, 512)).view(rows, -1), weight[ids])
            samples = measure(fns, device, repeats=calls_per_variant(quick))
            medians = {key: statistics.median(s) for key, s in samples.items()}
            for (group, name), seconds in medians.items():
                baseline = next(s for (g, _), s in samples.items() if g == group)
                moved = rows * HIDDEN * weight.element_size() * (1 if group == ALLOCATION else 2)
                results.append(
                    {
                        "dtype": str(dtype).removeprefix("torch."),
                        "rows": rows,
                        "group": group,
                        "variant": name,
                        "seconds": seconds,
                        "GB/s": moved / seconds / 1e9,
                        "vs baseline": speed_ratio(baseline, samples[group, name]),
                        "samples": samples[group, name],
                    }
                )
            # What the wrapper adds to F.embedding, timed on its own: the lookups around it vary
            # more from call to call than the checks take.
            inputs = Inputs(weight, rows, seed=2)
            checks = (
                inputs.ids,
                lambda ids, table=weight: check_input_ids(ids.view(-1, 512), table),
            )
            checked = measure({"checks": checks}, device, repeats=calls_per_variant(quick))
            seconds = statistics.median(checked["checks"])
            results.append(
                {
                    "dtype": str(dtype).removeprefix("torch."),
                    "rows": rows,
                    "group": CHECKS,
                    "variant": "input checks alone",
                    "seconds": seconds,
                    "of the lookup": seconds / medians[FRESH, "nn.Embedding, (B, T) ids"],
                }
            )
            del out
        del weight, wrapper
    return results


def gap_factors(weight: torch.Tensor, quick: bool) -> list[tuple[str, float]]:
    """The buffered gather's speed as a fraction of the buffered copy's, fp32, N = 4096, with
    one thing changed at a time. Same table, other views of it for other row sizes."""
    repeats, rows = calls_per_variant(quick), 4096

    def ratio(table, n, ids_order="random") -> float:
        inputs, out = Inputs(table, n, seed=7, ids_order=ids_order), torch.empty(n, table.shape[1])
        fns = {
            "copy": (inputs.block, lambda block: out.copy_(block)),
            "gather": (inputs.ids, lambda ids: torch.index_select(table, 0, ids, out=out)),
        }
        samples = measure(fns, torch.device("cpu"), repeats)
        return speed_ratio(samples["copy"], samples["gather"])

    threads = torch.get_num_threads()
    factors = [
        (
            f"the table's setup, measured again ({threads} threads, 16 KiB rows, random ids)",
            ratio(weight, rows),
        ),
    ]
    torch.set_num_threads(1)
    factors.append(("1 thread", ratio(weight, rows)))
    torch.set_num_threads(threads)
    factors.append(("ids sorted (rows visited in memory order)", ratio(weight, rows, "sorted")))
    # The copy's own memory pattern, gathered: what is left is index_select's code path.
    factors.append(
        ("ids of one contiguous block, like the copy", ratio(weight, rows, "contiguous"))
    )
    for row_floats in (1024, 16384):  # same bytes moved, rows of 4 KiB and 64 KiB
        table = weight.view(-1, row_floats)
        factors.append(
            (f"rows of {row_floats * 4 // 1024} KiB", ratio(table, rows * HIDDEN // row_floats))
        )
    return factors


def page_size_probe(quick: bool) -> dict:
    """Run in a child process: the same measurements under its own THP_MEM_ALLOC_ENABLE."""
    weight, rows, device = build_table(torch.device("cpu")), 4096, torch.device("cpu")
    weight.sum()
    wrapper = EmbeddingForward(VOCAB, HIDDEN, device="meta")
    out = torch.empty(rows, HIDDEN)
    fns = variants(weight, wrapper, rows, out)
    keep = {
        "copy_ (baseline)",
        "index_select(out=)",
        "clone (baseline)",
        "F.embedding",
        "empty + fill_",
    }
    samples = measure(
        {k: v for k, v in fns.items() if k[1] in keep}, device, calls_per_variant(quick)
    )
    probe = {name: statistics.median(s) for (_, name), s in samples.items()}
    probe[GATHER_VS_COPY] = speed_ratio(
        samples[BUFFER, "copy_ (baseline)"], samples[BUFFER, "index_select(out=)"]
    )
    return probe


def page_sizes(quick: bool) -> dict:
    """THP_MEM_ALLOC_ENABLE off and on, each in a fresh process (PyTorch reads it at start-up)."""
    probes = {}
    for setting in ("0", "1"):
        env = os.environ | {"THP_MEM_ALLOC_ENABLE": setting}
        command = [sys.executable, "-m", "lessonbuild", "bench", "--page-size-probe"]
        command += ["--quick"] if quick else []
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        probes[setting] = json.loads(done.stdout.splitlines()[-1])
    return probes


def huge_pages() -> str:
    """Whether large CPU tensors asked for 2 MiB pages here, and whether the kernel grants them."""
    asked = os.environ.get("THP_MEM_ALLOC_ENABLE", "0") == "1"
    setting = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    kernel = re.search(r"\[(\w+)\]", setting.read_text())[1] if setting.exists() else "unknown"
    return f"huge pages: THP_MEM_ALLOC_ENABLE={int(asked)}, kernel THP setting: {kernel}"


def peak_bandwidth(device: torch.device) -> str:
    """The card's theoretical memory bandwidth, from its clock and bus width, where torch says."""
    props = torch.cuda.get_device_properties(device)
    clock_khz, bus_bits = (
        getattr(props, a, None) for a in ("memory_clock_rate", "memory_bus_width")
    )
    if not (clock_khz and bus_bits):
        return "peak memory bandwidth: not reported by this torch build"
    peak = 2 * clock_khz * 1e3 * bus_bits / 8 / 1e9  # double data rate
    return f"peak memory bandwidth: {peak:,.0f} GB/s (memory clock x bus width x 2)"


def report(results, device, quick, factors=None, probes=None) -> str:
    """The bench's report: the setup, the table, what the table shows, and the extra runs."""
    lines = setup_lines(device, quick) + table_lines(results) + [""]
    lines += noise_lines(results) + comparison_lines(results)
    if factors:
        lines += factor_lines(factors)
    if probes:
        lines += page_size_lines(probes)
    return "\n".join(lines) + "\n"


def setup_lines(device, quick) -> list[str]:
    """What ran, how often, and how to read the table."""
    threads = f", {torch.get_num_threads()} threads" if device.type == "cpu" else ""
    lines = [f"machine: {machine(device.type)}{threads}"]
    if device.type == "cpu":
        lines.append(huge_pages())
    if device.type == "cuda":
        lines.append(peak_bandwidth(device))
    return lines + [
        f"mode: {'quick' if quick else 'full'}, {calls_per_variant(quick)} rounds, "
        "fresh ids and a fresh block for every call",
        "ms: median over the rounds; vs: speed against the group's baseline, the",
        "median of the round-by-round ratios; GB/s: bytes read + written",
        "(allocation: written)",
        "",
        f"{'dtype':<9}{'rows':>6} {'group':<14}{'variant':<24}{'ms':>9}{'GB/s':>7}{'vs':>6}",
    ]


def table_lines(results) -> list[str]:
    """One row per timed variant (the checks alone are reported below the table)."""
    return [
        f"{r['dtype']:<9}{r['rows']:>6} {r['group']:<14}{r['variant']:<24}"
        f"{r['seconds'] * 1e3:>9.3f}{r['GB/s']:>7.2f}{r['vs baseline']:>6.2f}"
        for r in results
        if r["group"] != CHECKS
    ]


def noise_lines(results) -> list[str]:
    """How far chance alone moves a ratio: the copy against itself, and calls that do the same
    work. Only a full table has them (the copy timed again)."""
    again = [r["vs baseline"] for r in results if r["variant"] == "copy_ (again)"]
    gathers = [r["vs baseline"] for r in results if r["variant"] == "index_select(out=)"]
    if not again:
        return []
    # F.embedding, index_select and nn.Embedding do the same work: how far apart they land
    # shows what separates two allocating calls by chance.
    same_work = ("F.embedding", "index_select", "nn.Embedding, (B, T) ids")
    spread = max(
        max(speeds) / min(speeds) - 1
        for size in {(r["dtype"], r["rows"]) for r in results}
        for speeds in [
            [
                r["vs baseline"]
                for r in results
                if (r["dtype"], r["rows"]) == size and r["variant"] in same_work
            ]
        ]
    )
    return [
        f"the copy against itself, every size: {min(again):.2f} to {max(again):.2f}",
        f"buffered gather, every size: {min(gathers):.2f} to {max(gathers):.2f}",
        f"fresh outputs that do the same work differ by up to {spread:.0%}",
    ]


def comparison_lines(results) -> list[str]:
    """The comparisons the Efficiency page quotes, one line per variant and size."""

    def times(r, variant):  # how many times r's time is the other's, round by round
        beside = next(
            g
            for g in results
            if (g["variant"], g["rows"], g["dtype"]) == (variant, r["rows"], r["dtype"])
        )
        return speed_ratio(r["samples"], beside["samples"])

    lines = []
    for r in results:
        where = f"{r['dtype']}, {r['rows']} rows"
        if r["variant"] == "index_select(out=)":
            lines.append(f"buffered gather vs buffered copy, {where}: {r['vs baseline']:.2f}")
        if r["variant"] == "clone (baseline)":
            lines.append(
                f"a fresh output costs, {where}: clone takes "
                f"{times(r, 'copy_ (baseline)'):.1f}x the time of copy_"
            )
        if r["variant"] == "F.embedding":
            lines.append(f"F.embedding vs clone, {where}: {r['vs baseline']:.2f}")
        if r["variant"] == "EmbeddingForward":
            lines.append(
                f"EmbeddingForward (checks on) vs nn.Embedding, {where}: "
                f"{times(r, 'nn.Embedding, (B, T) ids') - 1:+.1%}"
            )
        if r["group"] == CHECKS:
            lines.append(
                f"the wrapper's checks alone, {where}: {r['seconds'] * 1e3:.3f} ms, "
                f"{r['of the lookup']:.1%} of the lookup"
            )
        if r["variant"] == "one-hot matmul":
            lines.append(
                f"one-hot matmul vs F.embedding, {where}: {times(r, 'F.embedding'):,.0f}x slower"
            )
    return lines


def factor_lines(factors) -> list[str]:
    """The buffered gather against the copy with one thing changed at a time (gap_factors)."""
    lines = ["", "one change at a time, float32, 4096 rows (buffered gather / buffered copy):"]
    return lines + [f"  {name}: {value:.2f}" for name, value in factors]


def page_size_lines(probes) -> list[str]:
    """The same calls with 4 KiB and with 2 MiB pages, each in its own process (page_sizes)."""
    off, on = probes["0"], probes["1"]
    lines = ["", "THP_MEM_ALLOC_ENABLE, each in its own process, float32, 4096 rows (ms):"]
    lines.append(f"  {'variant':<24}{'off (4 KiB pages)':>18}{'on (2 MiB pages)':>18}")
    for name in off:
        if name != GATHER_VS_COPY:
            lines.append(f"  {name:<24}{off[name] * 1e3:>18.2f}{on[name] * 1e3:>18.2f}")
    lines.append(
        f"  buffered gather vs buffered copy: {off[GATHER_VS_COPY]:.2f} off, "
        f"{on[GATHER_VS_COPY]:.2f} on"
    )
    for name in ("clone (baseline)", "F.embedding", "empty + fill_"):
        lines.append(f"  2 MiB pages make {name.split(' (')[0]} {off[name] / on[name]:.1f}x faster")
    return lines


TABLE_ROW = re.compile(
    r"^(?P<dtype>\w+) +(?P<rows>\d+) (?P<group>into a buffer|fresh output|allocation) +"
    r"(?P<variant>.+?) +[\d.]+ +(?P<gbs>[\d.]+) +[\d.]+$",
    re.MULTILINE,
)


def results_in(report_text: str) -> list[dict]:
    """The table of a report, as the rows the figure needs: the figure is drawn from it."""
    return [
        {
            "dtype": m["dtype"],
            "rows": int(m["rows"]),
            "group": m["group"],
            "variant": m["variant"],
            "GB/s": float(m["gbs"]),
        }
        for m in TABLE_ROW.finditer(report_text)
    ]


def figure(results: list[dict], path: Path) -> None:
    """GB/s of each lookup, one panel per dtype, stacked; readable on a phone (11 pt or more)."""
    import matplotlib.pyplot as plt

    shown = [(g, v) for g, v in dict.fromkeys((r["group"], r["variant"]) for r in results)]
    shown = [
        (g, v)
        for g, v in shown
        if g in (BUFFER, FRESH) and v not in ("one-hot matmul", "copy_ (again)")
    ]
    gbs = {(r["group"], r["variant"], r["rows"], r["dtype"]): r["GB/s"] for r in results}
    noted: dict = {}
    figure_text.note_smallest_text(noted)
    with plt.rc_context({"font.size": 12}):
        fig, axes = plt.subplots(2, 1, figsize=(6, 9), sharex=True)
        width = 0.8 / len(shown)
        for ax, dtype in zip(axes, ("float32", "bfloat16"), strict=True):
            for i, (group, name) in enumerate(shown):
                values = [gbs[group, name, rows, dtype] for rows in ROWS]
                hatch = "" if group == BUFFER else "//"
                where = [x + i * width for x in range(len(ROWS))]
                ax.bar(where, values, width, label=name, hatch=hatch)
            ax.set(title=dtype, ylabel="GB/s (read + written)")
        axes[1].set_xticks([x + 0.4 - width / 2 for x in range(len(ROWS))], map(str, ROWS))
        axes[1].set_xlabel("rows looked up (B x T), D = 4096")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="lower center",
            ncol=2,
            frameon=False,
            title="plain: into a buffer; hatched: fresh output",
        )
        fig.tight_layout(rect=(0, 0.17, 1, 1))  # room for the legend below the plots
        fig.savefig(path, dpi=150)
    plt.close(fig)
    picture = png.with_text(path.read_bytes(), figure_text.SMALLEST_TEXT, str(noted[path.name]))
    path.write_bytes(picture)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lessonbuild bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument(
        "--quick", action="store_true", help="fewer rounds: checks that it runs, in under 2 min"
    )
    parser.add_argument("--page-size-probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--redraw", action="store_true", help="only draw the figure again from the committed report"
    )
    args = parser.parse_args(argv)
    if args.redraw:
        report_text = (OUTPUTS / args.device / "bench.txt").read_text()
        drawing = FIGURES / f"bench_{args.device}.png"
        figure(results_in(report_text), drawing)
        print(f"wrote {drawing.relative_to(ROOT)}")
        return 0
    if args.page_size_probe:  # a child of page_sizes()
        print(json.dumps(page_size_probe(args.quick)))
        return 0
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error(f"--device cuda, but torch {torch.__version__} sees no CUDA device")
    device = torch.device(args.device)
    table = build_table(device)
    results = bench(table, args.quick)
    factors = probes = None
    if device.type == "cpu":  # on CUDA the caching allocator hands out memory it already has
        factors, probes = gap_factors(table, args.quick), page_sizes(args.quick)
    text = report(results, device, args.quick, factors, probes)
    print(text, end="")
    if args.quick:  # a check that the bench runs; the site shows only full runs
        out, drawing = CACHE / "bench" / f"{args.device}-quick.txt", None
    else:
        out = OUTPUTS / args.device / "bench.txt"
        drawing = FIGURES / f"bench_{args.device}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    if drawing:
        figure(results_in(text), drawing)  # drawn from the report, as --redraw does
    print(
        f"wrote {out.relative_to(ROOT)}" + (f" and {drawing.relative_to(ROOT)}" if drawing else "")
    )
    return 0
