"""MkDocs hooks: facts from facts.yml, numbers and outputs from the captures (outputs as
CPU/CUDA tabs), the notebook built from the pages and run, and figures that carry their size
and weigh little."""

import base64
import hashlib
import io
import posixpath
import re
import struct
import sys
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).parent))  # hooks load by path; find the modules beside
import captures  # noqa: E402
import facts  # noqa: E402
import notebook  # noqa: E402
import notebook_html  # noqa: E402
import tex  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_MARKER = re.compile(r"^<!-- output: (\S+) -->$", re.MULTILINE)
CAPTURED_WITH_MARKER = "<!-- captured-with -->"  # a table: which build and device ran what
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


def output_tabs(match: re.Match) -> str:
    """`<!-- output: NAME -->` becomes one tab per device, each including its capture."""
    name, tabs = match[1], []
    if not (captures.OUTPUTS / "cpu" / f"{name}.txt").exists():
        raise FileNotFoundError(f"no captured output for snippet {name!r}: run nox -s outputs")
    for device, label in DEVICES.items():
        if (captures.OUTPUTS / device / f"{name}.txt").exists():
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


def on_page_markdown(markdown, page, config, files):
    markdown = markdown.replace(CAPTURED_WITH_MARKER, captured_with())
    return OUTPUT_MARKER.sub(output_tabs, captures.render(facts.render(markdown)))


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def sized_lazy_img(tag: str, page, files) -> str:
    """Give an <img> its pixel size, read from the PNG, so the page does not jump when it
    arrives, and let the browser fetch it only when it nears the screen."""
    src = re.search(r'\bsrc="([^"]+)"', tag)[1]
    if src.startswith("data:image/png;base64,"):
        head = base64.b64decode(src.split(",", 1)[1][:64])
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page.file.dest_uri), src))
        head = Path(files.get_file_from_path(target).abs_src_path).read_bytes()[:24]
    width, height = png_size(head)
    extra = f' width="{width}" height="{height}" loading="lazy" decoding="async"'
    return tag[: -2 if tag.endswith("/>") else -1].rstrip() + extra + ">"


def on_page_content(html, page, config, files):
    if page.file.src_uri == NOTEBOOK_PAGE:
        html = notebook_html.tidy(html)
    else:
        html = tex.render_arithmatex(html)
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
