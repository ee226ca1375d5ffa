"""Why the lookup is fast, measured: gather variants against a plain copy of the same bytes.

    nox -s bench                 the full run (CPU; add -- --device cuda on a GPU machine)
    nox -s bench -- --quick      fewer repeats, under 2 minutes on a 2-core CPU

For N = B*T rows of the lesson's table (V = 100352, D = 4096), in fp32 and bf16, it times
F.embedding, index_select, weight[ids], the lesson's EmbeddingForward wrapper (input checks
on), a one-hot matmul where its (N, V) matrix fits 256 MiB, and a copy of N rows
(read N*D numbers, write N*D numbers: what the memory system allows). Each variant gets
warm-up calls, then repeats in rotating order; the median is reported. On CUDA the timing
uses CUDA events. Results go to docs/outputs/<device>/bench.txt and a figure.
"""

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "snippets"))
from advanced_embedding_forward import EmbeddingForward  # noqa: E402  the lesson's wrapper

VOCAB, HIDDEN = 100352, 4096
ROWS = (512, 4096, 16384)
ONE_HOT_BUDGET = 256 << 20  # bytes for the (N, V) one-hot matrix: N = 512 only


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


def variants(weight: torch.Tensor, wrapper: EmbeddingForward, rows: int, generator, quick):
    """name -> zero-argument function, each producing the (rows, D) lookup of the same ids."""
    ids = torch.randint(0, VOCAB, (rows,), generator=generator).to(weight.device)
    ids_2d = ids.view(-1, 512)  # the wrapper takes (batch, seq_len)
    source = weight[:rows].contiguous()  # the same number of bytes, read in one sweep
    out = torch.empty_like(source)
    fns = {
        "copy (baseline)": lambda: out.copy_(source),
        "F.embedding": lambda: F.embedding(ids, weight),
        "index_select": lambda: torch.index_select(weight, 0, ids),
        "weight[ids]": lambda: weight[ids],
        "EmbeddingForward": lambda: wrapper(input_ids=ids_2d),
    }
    # 2*N*V*D FLOPs: seconds per call even at N = 512. On a CPU only fp32: without bf16
    # matrix units the bf16 one ran for minutes per call here.
    fits = rows * VOCAB * weight.element_size() <= ONE_HOT_BUDGET
    if fits and (weight.device.type == "cuda" or weight.dtype == torch.float32):
        fns["one-hot matmul"] = lambda: F.one_hot(ids, VOCAB).to(weight.dtype) @ weight
    return fns


def bench(device: torch.device, quick: bool) -> list[dict]:
    generator = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    fp32 = torch.nn.Embedding(VOCAB, HIDDEN, device=device).weight.detach()
    results, time_it = [], timer(device)
    for dtype in (torch.float32, torch.bfloat16):
        weight = fp32 if dtype == torch.float32 else fp32.to(dtype)
        weight.sum()  # touch every page of the table before any timing
        wrapper = EmbeddingForward(VOCAB, HIDDEN, device="meta")
        wrapper.embed_tokens.weight = torch.nn.Parameter(weight, requires_grad=False)
        for rows in ROWS:
            fns = variants(weight, wrapper, rows, generator, quick)
            torch.testing.assert_close(
                fns["EmbeddingForward"]().view(rows, -1), fns["F.embedding"](), rtol=0, atol=0
            )
            repeats = 5 if quick else 15
            times = {name: [] for name in fns}
            with torch.no_grad():
                for name, fn in fns.items():  # warm-up
                    for _ in range(1 if name == "one-hot matmul" else 2):
                        fn()
                order = list(fns)
                for r in range(repeats):
                    for name in order[r % len(order) :] + order[: r % len(order)]:  # rotate
                        if name == "one-hot matmul" and len(times[name]) >= (1 if quick else 3):
                            continue  # seconds per call: a few samples make the point
                        times[name].append(time_it(fns[name]))
            moved = 2 * rows * HIDDEN * weight.element_size()  # read rows + write output
            copy = statistics.median(times["copy (baseline)"])
            for name, samples in times.items():
                median = statistics.median(samples)
                results.append(
                    {
                        "dtype": str(dtype).removeprefix("torch."),
                        "rows": rows,
                        "variant": name,
                        "seconds": median,
                        "GB/s": moved / median / 1e9,
                        "vs copy": copy / median,
                    }
                )
        del weight, wrapper
    return results


def machine(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)}, torch {torch.__version__}"
    cpu = platform.processor() or platform.machine()
    for line in (
        Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    ):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {torch.get_num_threads()} threads, torch {torch.__version__}"


def report(results: list[dict], device: torch.device, quick: bool) -> str:
    lines = [
        f"machine: {machine(device)}",
        f"mode: {'quick' if quick else 'full'}; median of repeats; GB/s counts bytes "
        "read + written",
        "",
    ]
    lines.append(
        f"{'dtype':<9}{'rows':>6}  {'variant':<18}{'median ms':>10}{'GB/s':>8}{'vs copy':>9}"
    )
    for r in results:
        lines.append(
            f"{r['dtype']:<9}{r['rows']:>6}  {r['variant']:<18}"
            f"{r['seconds'] * 1e3:>10.3f}{r['GB/s']:>8.2f}{r['vs copy']:>9.2f}"
        )
    lines.append("")

    def raw(r):  # the F.embedding row measured beside r
        return next(
            g
            for g in results
            if g["variant"] == "F.embedding" and (g["rows"], g["dtype"]) == (r["rows"], r["dtype"])
        )

    lines += [
        f"one-hot matmul is {r['seconds'] / raw(r)['seconds']:,.0f}x slower than "
        f"F.embedding ({r['dtype']}, {r['rows']} rows)"
        for r in results
        if r["variant"] == "one-hot matmul"
    ]
    lines += [
        f"EmbeddingForward (checks on) vs F.embedding, {r['dtype']}, {r['rows']} rows: "
        f"{r['seconds'] / raw(r)['seconds'] - 1:+.1%}"
        for r in results
        if r["variant"] == "EmbeddingForward"
    ]
    return "\n".join(lines) + "\n"


def figure(results: list[dict], path: Path) -> None:
    import matplotlib.pyplot as plt

    names = [n for n in dict.fromkeys(r["variant"] for r in results) if n != "one-hot matmul"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, dtype in zip(axes, ("float32", "bfloat16"), strict=True):
        width = 0.8 / len(names)
        for i, name in enumerate(names):
            values = [
                next(
                    r["GB/s"]
                    for r in results
                    if r["variant"] == name and r["rows"] == rows and r["dtype"] == dtype
                )
                for rows in ROWS
            ]
            ax.bar([x + i * width for x in range(len(ROWS))], values, width, label=name)
        ax.set_xticks([x + 0.4 - width / 2 for x in range(len(ROWS))], [str(r) for r in ROWS])
        ax.set(title=dtype, xlabel="rows looked up (B x T), D = 4096")
    axes[0].set_ylabel("GB/s (read + written)")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (CI, under 2 min)")
    args = parser.parse_args()
    device = torch.device(args.device)
    results = bench(device, args.quick)
    text = report(results, device, args.quick)
    print(text, end="")
    out = ROOT / "docs" / "outputs" / args.device / "bench.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    figure(results, ROOT / "docs" / "assets" / "figures" / f"bench_{args.device}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
