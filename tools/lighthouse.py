"""Score every page of the built site with Lighthouse, desktop and mobile, in Debian's Chromium.

    python tools/lighthouse.py [--runs 3] [--out lighthouse]

Serves site/ under its sub-path on 127.0.0.1, as GitHub Pages serves it, runs the Lighthouse
that package-lock.json pins, writes each report and lighthouse/summary.md, and exits 1 when a
page scores below what the site promises: accessibility, best practices and SEO 100 on desktop
and mobile, performance 95 on desktop. Performance is the median of --runs runs (the others are
the same every run). Mobile performance swings by tens of points on a shared machine: it is
reported, not gated.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

from serve_site import CHROMIUM, CHROMIUM_FLAGS, built_sub_path, serve_under_sub_path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = " ".join(["--headless=new", *CHROMIUM_FLAGS])
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
FORMS = ["desktop", "mobile"]
MINIMUM = {
    (form, category): 100 for form in FORMS for category in CATEGORIES if category != "performance"
} | {("desktop", "performance"): 95}


def site_pages() -> list[str]:
    """Every page of the built site, as its sitemap lists them, relative to the site's root."""
    locations = re.findall(r"<loc>([^<]+)</loc>", (SITE / "sitemap.xml").read_text())
    return [urllib.parse.urlsplit(loc).path.removeprefix(built_sub_path(SITE)) for loc in locations]


def run_lighthouse(url: str, form: str, report: Path) -> dict:
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
    subprocess.run(command, check=True, env=os.environ | {"CHROME_PATH": CHROMIUM})
    return json.loads(report.read_text())


def failing_audits(result: dict, category: str) -> list[str]:
    """The scored audits of a category that did not pass, by id."""
    audits = result["audits"]
    return [
        ref["id"]
        for ref in result["categories"][category]["auditRefs"]
        if ref["weight"] > 0 and audits[ref["id"]]["score"] is not None
        if audits[ref["id"]]["score"] < 1
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="desktop runs per page (median)")
    parser.add_argument("--mobile-runs", type=int, default=1, help="mobile runs per page")
    parser.add_argument("--pages", nargs="*", help="paths, e.g. lesson/ (default: every page)")
    parser.add_argument("--out", type=Path, default=ROOT / "lighthouse")
    args = parser.parse_args()
    for needed in (SITE / "index.html", LIGHTHOUSE, Path(CHROMIUM)):
        if not needed.exists():
            sys.exit(f"{needed} is missing: run `nox -s lighthouse` (it builds and installs)")
    args.out.mkdir(parents=True, exist_ok=True)
    args.pages = args.pages or site_pages()

    scores, problems = {}, []
    with tempfile.TemporaryDirectory() as folder:
        with serve_under_sub_path(SITE, Path(folder), built_sub_path(SITE)) as base:
            for page in args.pages:
                name = page.strip("/") or "home"
                for form in FORMS:
                    runs = []
                    for run in range(args.runs if form == "desktop" else args.mobile_runs):
                        report = args.out / f"{name}-{form}-{run + 1}.json"
                        runs.append(run_lighthouse(base + page, form, report))
                    for category in CATEGORIES:
                        values = [round(100 * r["categories"][category]["score"]) for r in runs]
                        score = round(statistics.median(values))
                        scores[name, form, category] = (score, values)
                        if score < MINIMUM.get((form, category), 0):
                            failed = sorted({a for r in runs for a in failing_audits(r, category)})
                            problems.append(f"{name} {form} {category} {score}: {failed}")
                    print(f"{name:10} {form:7}", *(scores[name, form, c][1] for c in CATEGORIES))

    header = "| page | " + " | ".join(f"{form} {c}" for form in FORMS for c in CATEGORIES) + " |"
    rows = [header, "|" + " --- |" * (1 + len(FORMS) * len(CATEGORIES))]
    for page in args.pages:
        name = page.strip("/") or "home"
        cells = []
        for form in FORMS:
            for category in CATEGORIES:
                score, values = scores[name, form, category]
                spread = f" ({'/'.join(map(str, values))})" if len(set(values)) > 1 else ""
                cells.append(f"{score}{spread}")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    summary = (
        f"Lighthouse, median of {args.runs} runs per page (each run in brackets where they "
        f"differ). Minimum: {', '.join(f'{f} {c} {m}' for (f, c), m in MINIMUM.items())}.\n\n"
        + "\n".join(rows)
        + "\n"
    )
    (args.out / "summary.md").write_text(summary)
    print(summary)
    for problem in problems:
        print("BELOW THE MINIMUM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
