"""Build the lesson notebook from the site's own pages.

Headings and prose become markdown cells; each python block becomes a code cell, its
`--8<--` lines expanded exactly as on the site. The quiz stays out: its answers belong in
closed boxes, not in a handout.

    python -m lessonbuild notebook out.ipynb
"""

import argparse
import base64
import hashlib
import json
import re
from pathlib import Path

import nbformat

from lessonbuild.core import captured, facts, registry
from lessonbuild.core.boxes import unboxed
from lessonbuild.core.includes import expand
from lessonbuild.core.paths import DOCS, FIGURES

INTRO = """# Lesson 2.1.2: the embedding forward pass of Kimi-K2

The whole lesson in one notebook, generated from the pages and the tested snippets of the
lesson site. Run it top to bottom in a Python with `torch`; the task 1 table needs about
2 GiB of free memory. To run on a GPU, set `LESSON_DEVICE=cuda` in the environment before
starting the kernel."""

# The kernel every notebook made here names: the lesson's and the kit's.
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
FENCE = re.compile(r"^```\s*(\{\.python[^}]*\}|python)\s*$")
REFERENCE = re.compile(r"^\[([^\]]+)\]: (\S+)\n", re.MULTILINE)
FIGURE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(assets/figures/(?P<name>[^)]+\.png)\)")
SITE_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((?!https?://)[^)]*\)")  # other pages: the text


# A closed box of the site (a worked answer, a solution) stays closed in the notebook: its prose
# in <details>, its code cells collapsed. An open one (!!!) keeps only its title, in bold.
CLOSED_BOX = re.compile(r"^<!-- box: (?P<title>.*) -->$")
CLOSED_BOX_END = "<!-- /box -->"
ATTR_LIST = re.compile(r"(?<=\))\{[^}\n]*\}")  # `{ .figure-tall }` after an image: site only


def box_title(kind: str, title: str) -> str:
    if kind.startswith("???"):
        return f"<!-- box: {title} -->"
    return f"**{title}**" if title and kind != "===" else ""


def box_end(kind: str) -> str:
    return CLOSED_BOX_END if kind.startswith("???") else ""


def page_markdown(page: str) -> str:
    """The page's markdown with reference links made inline and site-only lines removed."""
    text = unboxed((DOCS / page).read_text(), box_title, box_end)
    text = ATTR_LIST.sub("", text)
    text = captured.render(facts.render(captured.OUTPUT_MARKER.sub("", text)))
    references = dict(REFERENCE.findall(text))
    text = REFERENCE.sub("", text)
    text = re.sub(r"\[([^\]]+)\]\[([^\]]+)\]", lambda m: f"[{m[1]}]({references[m[2]]})", text)
    return SITE_LINK.sub(r"\1", text)


def markdown_cell(text: str, embed_figures: bool):
    """A markdown cell; its figures point at the site's copies, or travel inside the cell."""
    if not embed_figures:  # the notebook page sits one folder below the site's root
        text = FIGURE.sub(r"![\g<alt>](../assets/figures/\g<name>)", text)
        return nbformat.v4.new_markdown_cell(text)
    attachments = {
        m["name"]: {"image/png": base64.b64encode((FIGURES / m["name"]).read_bytes()).decode()}
        for m in FIGURE.finditer(text)
    }
    text = FIGURE.sub(r"![\g<alt>](attachment:\g<name>)", text)
    if not attachments:
        return nbformat.v4.new_markdown_cell(text)
    return nbformat.v4.new_markdown_cell(text, attachments=attachments)


def page_cells(page: str, embed_figures: bool = True) -> list:
    cells, prose, boxes = [], [], []  # boxes: the titles of the closed boxes we are in

    def flush_prose():
        if text := "\n".join(prose).strip():
            if boxes:  # closed, as on the site: a reader opens it after trying
                text = f"<details><summary>{boxes[-1]}</summary>\n\n{text}\n\n</details>"
            cells.append(markdown_cell(text, embed_figures))
        prose.clear()

    lines = iter(page_markdown(page).splitlines())
    for line in lines:
        if box := CLOSED_BOX.match(line):
            flush_prose()
            boxes.append(box["title"])
        elif line == CLOSED_BOX_END:
            flush_prose()
            boxes.pop()
        elif fence := FENCE.match(line):
            flush_prose()
            code = expand("\n".join(iter(lambda: next(lines), "```"))).strip("\n")
            if "notest" in fence[1]:  # needs more than a notebook (torchrun): show, not run
                cells.append(nbformat.v4.new_markdown_cell(f"```python\n{code}\n```"))
            else:
                cells.append(nbformat.v4.new_code_cell(code))
                if boxes:  # JupyterLab shows it collapsed, to open with a click
                    cells[-1].metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
        elif line.startswith("#"):
            flush_prose()
            prose.append("#" + line if line.startswith("# ") else line)  # page title -> h2
        else:
            prose.append(line)
    flush_prose()
    return cells


def numbered(book: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Each cell's id from its place, not nbformat's random one: the same lesson writes the
    same bytes (the kit's zip, the site's notebooks)."""
    for index, cell in enumerate(book.cells):
        cell.id = f"cell-{index}"
    return book


def build(embed_figures: bool = True) -> nbformat.NotebookNode:
    """The lesson as a notebook. Its figures travel inside it, or, for the site's notebook
    page, point at the site's own copies."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(INTRO)]
    for page in registry.lesson_pages():  # the pages that teach with snippets
        notebook.cells += page_cells(page, embed_figures)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    return numbered(notebook)


def write(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(build(), path)


def write_executed(path: Path, reuse: bool) -> None:
    """Write the notebook with every code cell run; a cell that raises raises here.

    The outputs are kept beside it, keyed by the code cells. With reuse, a notebook whose
    code is unchanged (only prose was edited) takes the kept outputs and runs nothing.
    """
    from nbclient import NotebookClient  # only the site build needs a kernel

    notebook = build(embed_figures=False)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lessonbuild notebook",
        description="Write the lesson notebook, built from the pages (not run).",
    )
    parser.add_argument("path", type=Path, help="the .ipynb to write")
    write(parser.parse_args(argv).path)
    return 0
