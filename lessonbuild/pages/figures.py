"""Figures on the pages: sized so the page does not jump, fetched late, a tap away from full
size, and written into the site in a lighter palette."""

import base64
import hashlib
import io
import posixpath
import re
from pathlib import Path

from lessonbuild.core import png
from lessonbuild.core.paths import CACHE, FIGURES

FIGURE_CACHE = CACHE / "figures"
IMG = re.compile(r"<img\b[^>]*>")


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


def sized_lazy_imgs(html: str, page, files) -> str:
    return IMG.sub(lambda m: sized_lazy_img(m[0], page, files), html)


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


def write_lighter(site_dir: Path) -> None:
    """Write a lighter copy of each figure into the site (docs/ keeps what the snippet drew)."""
    for figure in sorted((FIGURES).glob("*.png")):
        data = figure.read_bytes()
        kept = FIGURE_CACHE / f"{hashlib.sha256(data).hexdigest()[:16]}.png"
        if not kept.exists():
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_bytes(lighter_png(data))
        (site_dir / "assets" / "figures" / figure.name).write_bytes(kept.read_bytes())
