"""MkDocs hooks: facts from facts.yml, numbers and outputs from the captures (outputs as
CPU/CUDA tabs), the notebook built from the pages and run, and figures that carry their size
and weigh little."""

import base64
import hashlib
import io
import posixpath
import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

# MkDocs puts a hook's own folder on sys.path while it loads the hook: tools/ is found.
import captures
import facts
import glossary
import notebook
import notebook_html
import png
import reading_time
import tex

ROOT = Path(__file__).resolve().parent.parent
CAPTURED_WITH_MARKER = "<!-- captured-with -->"  # a table: which build and device ran what
PENDING_MARKER = "<!-- pending-outputs -->"  # which outputs still wait for a GPU run
NOTEBOOK_PAGE = "lesson.ipynb"  # run by this hook, rendered by mkdocs-jupyter
NOTEBOOK_DOWNLOAD = "downloads/lesson-2.1.2-embeddings-forward.ipynb"  # copied as is
BUILD = ROOT / ".cache" / "notebook"
FIGURE_CACHE = ROOT / ".cache" / "figures"
DEVICES = {"cpu": "CPU", "cuda": "CUDA"}
IMG = re.compile(r"<img\b[^>]*>")
serving = False  # `mkdocs serve`: rebuild on every edit without running the notebook again


def on_startup(command, dirty):
    global serving
    serving = command == "serve"


def output_block(match: re.Match) -> str:
    """`<!-- output: NAME -->` becomes the captured output: one tab per device that has run the
    snippet, or the CPU output alone, titled, while no GPU run has been captured."""
    indent, name = match["indent"], match["name"]
    if not (captures.OUTPUTS / "cpu" / f"{name}.txt").exists():
        raise FileNotFoundError(f"no captured output for snippet {name!r}: run nox -s outputs")
    ran = [d for d in DEVICES if (captures.OUTPUTS / d / f"{name}.txt").exists()]
    include = '--8<-- "docs/outputs/{}/{}.txt"'
    if ran == ["cpu"]:
        block = f'```text title="Output (CPU)"\n{include.format("cpu", name)}\n```'
    else:
        block = "\n\n".join(
            f'=== "Output on {DEVICES[d]}"\n\n    ```text\n    {include.format(d, name)}\n    ```'
            for d in ran
        )
    return "\n".join(indent + line if line else line for line in block.split("\n"))


def captured_with() -> str:
    """Which build and machine produced the snippets' outputs and the bench, per device."""
    rows = ["| captured | with |", "| --- | --- |"]
    for device, label in DEVICES.items():
        folder = captures.OUTPUTS / device
        outputs, bench = folder / "captured-with.txt", folder / "bench.txt"
        where = outputs.read_text().strip() if outputs.exists() else "not captured yet"
        rows.append(f"| snippet outputs, {label} | {where} |")
        if bench.exists():  # its first line: "machine: torch ... on ..."
            where = bench.read_text().splitlines()[0].removeprefix("machine: ")
        else:
            where = "not measured yet"
        rows.append(f"| [bench](efficiency.md), {label} | {where} |")
    return "\n".join(rows)


def pending_outputs() -> str:
    """The snippets whose output on a GPU has not been captured yet, as a sentence."""
    missing = [
        f"`{path.stem}`"
        for path in sorted((captures.OUTPUTS / "cpu").glob("*.txt"))
        if path.stem != "captured-with" and not (captures.OUTPUTS / "cuda" / path.name).exists()
    ]
    if not missing:
        return "Every output has been captured on a GPU too."
    return f"Not yet captured on a GPU ({len(missing)}): {', '.join(missing)}."


def on_page_markdown(markdown, page, config, files):
    markdown = markdown.replace(CAPTURED_WITH_MARKER, captured_with())
    markdown = markdown.replace(PENDING_MARKER, pending_outputs())
    markdown = reading_time.render(markdown)
    return captures.OUTPUT_MARKER.sub(output_block, captures.render(facts.render(markdown)))


def sized_lazy_img(tag: str, page, files) -> str:
    """Give an <img> its pixel size, read from the PNG, so the page does not jump when it
    arrives, and let the browser fetch it only when it nears the screen. A figure becomes a
    link to itself: a tap or click opens it full size, where a phone can zoom it."""
    src = re.search(r'\bsrc="([^"]+)"', tag)[1]
    if src.startswith("data:image/png;base64,"):
        head = base64.b64decode(src.split(",", 1)[1][:64])
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page.file.dest_uri), src))
        head = Path(files.get_file_from_path(target).abs_src_path).read_bytes()[:24]
    width, height = png.size(head)
    extra = f' width="{width}" height="{height}" loading="lazy" decoding="async"'
    sized = tag[: -2 if tag.endswith("/>") else -1].rstrip() + extra + ">"
    if "assets/figures/" not in src:
        return sized
    return f'<a class="figure-link" href="{src}" title="Open the figure full size">{sized}</a>'


# Worked answers, solutions and the quiz's answers: closed on the page, so kept out of search
# too, where a result would show them in full.
ANSWER_BOX = re.compile(r'<details class="(?:success|question)"')
HEADING = re.compile(r'<h(?P<level>[23]) id="(?P<id>[^"]+)">(?P<html>.*?)<a class="headerlink"')


def headings_toc(html: str):
    """The table of contents of rendered HTML, its headings' code text kept (mkdocs-jupyter's
    own drops every `code` span: "Task 2: or")."""
    from mkdocs.structure.toc import get_toc

    tokens, parents = [], {}
    for m in HEADING.finditer(html):
        level = int(m["level"])
        name = re.sub(r"<[^>]+>", "", m["html"]).strip()
        token = {"level": level, "id": m["id"], "name": name, "children": []}
        (parents[2]["children"] if level == 3 and 2 in parents else tokens).append(token)
        parents[level] = token
    return get_toc(tokens)


def on_page_content(html, page, config, files):
    if page.file.src_uri == NOTEBOOK_PAGE:
        html = notebook_html.tidy(html)
        page.toc = headings_toc(html)
    else:
        html = ANSWER_BOX.sub(r"\g<0> data-search-exclude", tex.render_arithmatex(html))
        if page.file.src_uri != glossary.PAGE:  # there, each term stands by its definition
            html = glossary.mark_terms(html)
    page.meta["math"] = 'class="katex' in html  # overrides/main.html links KaTeX's CSS then
    return IMG.sub(lambda m: sized_lazy_img(m[0], page, files), html)


@event_priority(100)  # before the search plugin indexes the page
def on_page_context(context, page, config, nav):
    if page.file.src_uri == NOTEBOOK_PAGE:
        page.meta["search"] = {"exclude": True}  # its text is the pages' text: index it once
    return context


@event_priority(100)  # before mkdocs-jupyter looks for notebooks among the files
def on_files(files, config):
    notebook.write(BUILD / NOTEBOOK_DOWNLOAD)  # the handout, to run in class
    notebook.write_executed(BUILD / NOTEBOOK_PAGE, reuse=serving)  # every build runs it
    for name in (NOTEBOOK_PAGE, NOTEBOOK_DOWNLOAD):
        files.append(File(name, str(BUILD), config["site_dir"], config["use_directory_urls"]))
    return files


def lighter_png(data: bytes) -> bytes:
    """The same picture in a 256-colour palette: plots have few colours, so it looks the same
    at about 40% of the bytes. Its pixel size does not change."""
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    if image.mode == "RGBA" and image.getextrema()[3][0] < 255:
        return data  # see-through pixels: keep the figure as drawn
    palette = image.convert("RGB").quantize(
        256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    palette.save(out, "PNG", optimize=True)
    return min(out.getvalue(), data, key=len)


def on_post_build(config):
    """Write a lighter copy of each figure into the site (docs/ keeps what the snippet drew)."""
    for figure in sorted((ROOT / "docs" / "assets" / "figures").glob("*.png")):
        data = figure.read_bytes()
        kept = FIGURE_CACHE / f"{hashlib.sha256(data).hexdigest()[:16]}.png"
        if not kept.exists():
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_bytes(lighter_png(data))
        (Path(config["site_dir"]) / "assets" / "figures" / figure.name).write_bytes(
            kept.read_bytes()
        )
