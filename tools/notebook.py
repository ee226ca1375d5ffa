"""Build the lesson notebook from the site's own pages.

Headings and prose become markdown cells; each python block becomes a code cell, its
`--8<--` lines expanded exactly as on the site. The quiz stays out: its answers belong in
closed boxes, not in a handout.

    python tools/notebook.py out.ipynb
"""

import hashlib
import json
import re
import sys
from pathlib import Path

import nbformat

import captures
import facts
from snippet_includes import ROOT, expand

PAGES = ["theory.md", "tasks.md", "advanced.md", "positions.md", "efficiency.md"]
INTRO = """# Lesson 2.1.2: the embedding forward pass of Kimi-K2

The whole lesson in one notebook, generated from the pages and the tested snippets of the
lesson site. Run it top to bottom in a Python with `torch`; the task 1 table needs about
2 GiB of free memory. To run on a GPU, set `LESSON_DEVICE=cuda` in the environment before
starting the kernel."""

FENCE = re.compile(r"^```\s*(\{\.python[^}]*\}|python)\s*$")
OUTPUT_MARKER = re.compile(r"^<!-- output: \S+ -->\n", re.MULTILINE)
REFERENCE = re.compile(r"^\[([^\]]+)\]: (\S+)\n", re.MULTILINE)
FIGURE = re.compile(r"^!\[[^\]]*\]\(assets/figures/[^)]+\)\n", re.MULTILINE)  # shown inline
SITE_LINK = re.compile(r"\[([^\]]+)\]\((?!https?://)[^)]*\)")  # other pages: keep the text


def page_markdown(page: str) -> str:
    """The page's markdown with reference links made inline and site-only lines removed."""
    text = (ROOT / "docs" / page).read_text()
    text = captures.render(facts.render(FIGURE.sub("", OUTPUT_MARKER.sub("", text))))
    references = dict(REFERENCE.findall(text))
    text = REFERENCE.sub("", text)
    text = re.sub(r"\[([^\]]+)\]\[([^\]]+)\]", lambda m: f"[{m[1]}]({references[m[2]]})", text)
    return SITE_LINK.sub(r"\1", text)


def page_cells(page: str) -> list:
    cells, prose = [], []

    def flush_prose():
        if text := "\n".join(prose).strip():
            cells.append(nbformat.v4.new_markdown_cell(text))
        prose.clear()

    lines = iter(page_markdown(page).splitlines())
    for line in lines:
        if fence := FENCE.match(line):
            flush_prose()
            code = expand("\n".join(iter(lambda: next(lines), "```"))).strip("\n")
            if "notest" in fence[1]:  # needs more than a notebook (torchrun): show, not run
                cells.append(nbformat.v4.new_markdown_cell(f"```python\n{code}\n```"))
            else:
                cells.append(nbformat.v4.new_code_cell(code))
        elif line.startswith("#"):
            flush_prose()
            prose.append("#" + line if line.startswith("# ") else line)  # page title -> h2
        else:
            prose.append(line)
    flush_prose()
    return cells


def build() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(INTRO)]
    for page in PAGES:
        notebook.cells += page_cells(page)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return notebook


def write(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(build(), path)


def write_executed(path: Path, reuse: bool) -> None:
    """Write the notebook with every code cell run; a cell that raises raises here.

    The outputs are kept beside it, keyed by the code cells. With reuse, a notebook whose
    code is unchanged (only prose was edited) takes the kept outputs and runs nothing.
    """
    from nbclient import NotebookClient  # only the site build needs a kernel

    notebook = build()
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    key = hashlib.sha256(json.dumps([c.source for c in code_cells]).encode()).hexdigest()[:16]
    kept = path.with_name(f"{path.stem}.outputs-{key}.ipynb")
    if reuse and kept.exists():
        ran = nbformat.read(kept, as_version=4)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        ran = nbformat.from_dict(json.loads(json.dumps(notebook)))
        # Run beside the notebook: figures it draws land there, not in docs/.
        here = {"metadata": {"path": str(path.parent)}}
        NotebookClient(ran, timeout=600, allow_errors=False, resources=here).execute()
        for old in path.parent.glob(f"{path.stem}.outputs-*.ipynb"):
            old.unlink()
        nbformat.write(ran, kept)
    ran_code = [cell for cell in ran.cells if cell.cell_type == "code"]
    for cell, done in zip(code_cells, ran_code, strict=True):
        cell.outputs, cell.execution_count = done.outputs, done.execution_count
    nbformat.write(notebook, path)


if __name__ == "__main__":
    write(Path(sys.argv[1]))
