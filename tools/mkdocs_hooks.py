"""MkDocs hooks: facts from facts.yml, numbers and outputs from the captures (outputs as
CPU/CUDA tabs), and the notebook built from the pages."""

import re
import sys
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).parent))  # hooks load by path; find the modules beside
import captures  # noqa: E402
import facts  # noqa: E402
import notebook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_MARKER = re.compile(r"^<!-- output: (\S+) -->$", re.MULTILINE)
CAPTURED_WITH_MARKER = "<!-- captured-with -->"  # a table: which build and device ran what
NOTEBOOK_PAGE = "lesson.ipynb"  # rendered and executed by mkdocs-jupyter
NOTEBOOK_DOWNLOAD = "downloads/lesson-2.1.2-embeddings-forward.ipynb"  # copied as is
BUILD = ROOT / ".cache" / "notebook"
DEVICES = {"cpu": "CPU", "cuda": "CUDA"}
# The notebook template loads MathJax and mermaid from a CDN. The site renders math with its
# vendored KaTeX and the notebook has no diagrams, so both loaders go.
CDN_LOADERS = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->"
    r"|<script type=\"module\">\s*document\.addEventListener\(\"DOMContentLoaded\""
    r"[^<]*?jp-Mermaid.*?</script>",
    re.DOTALL,
)


def output_tabs(match: re.Match) -> str:
    """`<!-- output: NAME -->` becomes one tab per device, each including its capture."""
    name, tabs = match[1], []
    if not (ROOT / "docs" / "outputs" / "cpu" / f"{name}.txt").exists():
        raise FileNotFoundError(f"no captured output for snippet {name!r}: run nox -s outputs")
    for device, label in DEVICES.items():
        if (ROOT / "docs" / "outputs" / device / f"{name}.txt").exists():
            body = f'    ```text\n    --8<-- "docs/outputs/{device}/{name}.txt"\n    ```'
        else:
            body = (
                "    Not captured yet: this output comes from a run on a GPU machine,\n"
                "    `python3 tools/gpu.py`."
            )
        tabs.append(f'=== "Output on {label}"\n\n{body}\n')
    return "\n".join(tabs)


def captured_with() -> str:
    """Which build and machine produced the snippets' outputs and the bench, per device."""
    rows = ["| captured | with |", "| --- | --- |"]
    for device, label in DEVICES.items():
        folder = ROOT / "docs" / "outputs" / device
        outputs, bench = folder / "captured-with.txt", folder / "bench.txt"
        where = outputs.read_text().strip() if outputs.exists() else "not captured yet"
        rows.append(f"| snippet outputs, {label} | {where} |")
        if bench.exists():  # its first line: "machine: torch ... on ..."
            where = bench.read_text().splitlines()[0].removeprefix("machine: ")
        else:
            where = "not measured yet"
        rows.append(f"| [bench](efficiency.md), {label} | {where} |")
    return "\n".join(rows)


def on_page_markdown(markdown, page, config, files):
    markdown = markdown.replace(CAPTURED_WITH_MARKER, captured_with())
    return OUTPUT_MARKER.sub(output_tabs, captures.render(facts.render(markdown)))


def on_post_page(output, page, config):
    if page.file.src_uri != NOTEBOOK_PAGE:
        return output
    output = CDN_LOADERS.sub("", output)
    if "cdnjs" in output:
        raise RuntimeError("the notebook page still loads from a CDN: update CDN_LOADERS")
    return output


@event_priority(100)  # before the search plugin indexes the page
def on_page_context(context, page, config, nav):
    if page.file.src_uri == NOTEBOOK_PAGE:
        page.meta["search"] = {"exclude": True}  # its text is the pages' text: index it once
    return context


@event_priority(100)  # before mkdocs-jupyter looks for notebooks among the files
def on_files(files, config):
    for name in (NOTEBOOK_PAGE, NOTEBOOK_DOWNLOAD):
        notebook.write(BUILD / name)
        files.append(File(name, str(BUILD), config["site_dir"], config["use_directory_urls"]))
    return files
