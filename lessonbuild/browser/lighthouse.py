"""Score every page of the built site with Lighthouse, desktop and mobile, in Debian's Chromium.

    python -m lessonbuild lighthouse [--runs 3] [--more-runs 4] [--pages lesson/ ...]
                                     [--out lighthouse]

Serves site/ under its sub-path on 127.0.0.1 as GitHub Pages serves it (gzipped text), runs
the Lighthouse that package-lock.json pins with its own throttling (desktop, and mobile: a
mid-range phone on a slow 4G line), writes each report and lighthouse/summary.md, and exits 1
when a page scores below what the site promises:

- accessibility, best practices and SEO: 100 on every run, desktop and mobile. These do not
  depend on the machine's speed, so every run must reach them.
- performance: the median of the runs at least 95 on desktop and 90 on mobile. Lighthouse
  scores what it times, and a machine busy with other work makes every page look slower
  (82 to 98 over three runs of one page, on a 2-core machine). So each page gets --runs runs; a page
  whose median falls below the line gets --more-runs more, after all the others, and is judged
  on the median of them all. Each run's machine load (the 1-minute load average, against the
  number of CPUs) and Lighthouse's own CPU benchmark are reported beside its score, so a
  reader can tell a slow page from a busy machine.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from lessonbuild.browser.serve import CHROMIUM, CHROMIUM_FLAGS, built_sub_path, serve_under_sub_path
from lessonbuild.core.paths import ROOT

SITE = ROOT / "site"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = " ".join(["--headless=new", *CHROMIUM_FLAGS])
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
FORMS = ["desktop", "mobile"]
EXACT = {category: 100 for category in CATEGORIES if category != "performance"}
PERFORMANCE = {"desktop": 95, "mobile": 90}  # the median of a page's runs


@dataclass
class Run:
    scores: dict[str, int]
    failing: dict[str, list[str]]  # category -> the audits that did not pass
    benchmark: float  # Lighthouse's benchmarkIndex: the CPU's speed as it found it
    load: float  # the 1-minute load average when the run started


@dataclass
class Page:
    path: str
    form: str
    runs: list[Run] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.strip("/") or "home"

    def performance(self) -> int:
        return round(statistics.median(run.scores["performance"] for run in self.runs))

    def below_the_line(self) -> bool:
        return self.performance() < PERFORMANCE[self.form]

    def failing(self, category: str) -> list[str]:
        return sorted({audit for run in self.runs for audit in run.failing[category]})

    def exact_failures(self) -> list[str]:
        return [
            f"{self.name} {self.form} {category} {run.scores[category]} (run {number}): "
            f"{run.failing[category]}"
            for number, run in enumerate(self.runs, 1)
            for category, minimum in EXACT.items()
            if run.scores[category] < minimum
        ]


def site_pages() -> list[str]:
    """Every page of the built site, as its sitemap lists them, relative to the site's root."""
    locations = re.findall(r"<loc>([^<]+)</loc>", (SITE / "sitemap.xml").read_text())
    return [urllib.parse.urlsplit(loc).path.removeprefix(built_sub_path(SITE)) for loc in locations]


def failing_audits(result: dict, category: str) -> list[str]:
    """The scored audits of a category that did not pass, by id."""
    audits = result["audits"]
    return [
        ref["id"]
        for ref in result["categories"][category]["auditRefs"]
        if ref["weight"] > 0 and audits[ref["id"]]["score"] is not None
        if audits[ref["id"]]["score"] < 1
    ]


def run_lighthouse(url: str, form: str, report: Path) -> Run:
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if form == "desktop":
        command.append("--preset=desktop")
    load = os.getloadavg()[0]
    subprocess.run(command, check=True, env=os.environ | {"CHROME_PATH": CHROMIUM})
    result = json.loads(report.read_text())
    return Run(
        scores={c: round(100 * result["categories"][c]["score"]) for c in CATEGORIES},
        failing={c: failing_audits(result, c) for c in CATEGORIES},
        benchmark=result["environment"]["benchmarkIndex"],
        load=load,
    )


def score_runs(pages: list[Page], runs: int, base: str, out: Path) -> None:
    for page in pages:
        for _ in range(runs):
            number = len(page.runs) + 1
            report = out / f"{page.name}-{page.form}-{number}.json"
            page.runs.append(run_lighthouse(base + page.path, page.form, report))
            run = page.runs[-1]
            print(
                f"{page.name:11} {page.form:7} run {number}:",
                " ".join(f"{c} {run.scores[c]:3}" for c in CATEGORIES),
                f"| CPU benchmark {run.benchmark:.0f},",
                f"load {run.load:.1f} on {os.cpu_count()} CPUs",
                flush=True,
            )


def summary(pages: list[Page], runs: int, more_runs: int, minutes: float) -> str:
    every = [run for page in pages for run in page.runs]
    loads = [run.load for run in every]
    benchmarks = [run.benchmark for run in every]
    lines = [
        f"Lighthouse, {' and '.join(sorted({p.form for p in pages}))}, on "
        f"{len({p.path for p in pages})} pages: {len(every)} runs in "
        f"{minutes:.0f} min. Performance: the median of {runs} runs per page and form, "
        f"{runs + more_runs} for a page whose first {runs} fell below the line; every run in "
        "brackets. The other categories: the lowest of the runs.",
        "",
        f"Minimum: performance {', '.join(f'{f} {m}' for f, m in PERFORMANCE.items())} "
        f"(median); {', '.join(f'{c} {m}' for c, m in EXACT.items())} (every run).",
        "",
        f"Machine: {os.cpu_count()} CPUs; 1-minute load average {min(loads):.1f} to "
        f"{max(loads):.1f} (median {statistics.median(loads):.1f}) at the start of a run; "
        f"Lighthouse's CPU benchmark {min(benchmarks):.0f} to {max(benchmarks):.0f} "
        f"(median {statistics.median(benchmarks):.0f}; the busier the machine, the lower).",
        "",
        "| page | form | performance | accessibility | best practices | SEO | "
        "CPU benchmark | load |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for page in pages:
        performance = [run.scores["performance"] for run in page.runs]
        cells = [f"{page.performance()} ({'/'.join(map(str, performance))})"]
        cells += [str(min(run.scores[c] for run in page.runs)) for c in EXACT]
        cells.append(f"{statistics.median(run.benchmark for run in page.runs):.0f}")
        cells.append(f"{statistics.median(run.load for run in page.runs):.1f}")
        lines.append(f"| {page.name} | {page.form} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lessonbuild lighthouse", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per page and form")
    parser.add_argument(
        "--more-runs", type=int, default=4, help="more runs for a page below the line"
    )
    parser.add_argument("--pages", nargs="*", help="paths, e.g. lesson/ (default: every page)")
    parser.add_argument("--forms", nargs="*", choices=FORMS, default=FORMS)
    parser.add_argument("--out", type=Path, default=ROOT / "lighthouse")
    args = parser.parse_args(argv)
    for needed in (SITE / "index.html", LIGHTHOUSE, Path(CHROMIUM)):
        if not needed.exists():
            sys.exit(f"{needed} is missing: run `nox -s lighthouse` (it builds and installs)")
    args.out.mkdir(parents=True, exist_ok=True)
    pages = [Page(path, form) for path in (args.pages or site_pages()) for form in args.forms]

    start = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        with serve_under_sub_path(SITE, Path(folder), built_sub_path(SITE)) as base:
            score_runs(pages, args.runs, base, args.out)
            again = [page for page in pages if page.below_the_line()]
            if again and args.more_runs:
                names = ", ".join(f"{page.name} {page.form}" for page in again)
                print(f"below the line after {args.runs} runs: {names}; {args.more_runs} more")
                score_runs(again, args.more_runs, base, args.out)

    text = summary(pages, args.runs, args.more_runs, (time.monotonic() - start) / 60)
    (args.out / "summary.md").write_text(text)
    print(text)
    problems = [failure for page in pages for failure in page.exact_failures()]
    problems += [
        f"{page.name} {page.form} performance {page.performance()} "
        f"(runs {[run.scores['performance'] for run in page.runs]}, minimum "
        f"{PERFORMANCE[page.form]}): audits below 1: {page.failing('performance')}"
        for page in pages
        if page.below_the_line()
    ]
    for problem in problems:
        print("BELOW THE MINIMUM:", problem)
    return 1 if problems else 0
