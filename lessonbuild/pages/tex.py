"""Render TeX at build time with the site's vendored KaTeX, run in V8 (mini-racer).

The reader gets finished math: no KaTeX script to download (75 KB gzipped), nothing that
shifts when a script rewrites the page, and math that shows without JavaScript. The page needs
only KaTeX's stylesheet and the fonts its symbols use.
"""

import html
import re
from functools import cache

from lessonbuild.core.paths import DOCS

KATEX = DOCS / "assets" / "katex" / "katex.min.js"
# pymdownx.arithmatex (generic) leaves \( \) around inline math and \[ \] around display math.
ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.DOTALL)
# The notebook's markdown cells keep the pages' $...$ and $$...$$.
DOLLARS = re.compile(r"\$\$(.+?)\$\$|\$([^$\s](?:[^$]*[^$\s])?)\$", re.DOTALL)


@cache
def _katex():
    from py_mini_racer import MiniRacer

    engine = MiniRacer()
    engine.eval(KATEX.read_text())
    return engine


@cache
def render(tex: str, display: bool) -> str:
    """KaTeX's HTML (and MathML, for screen readers); a TeX error fails the build."""
    options = {"displayMode": display, "throwOnError": True, "output": "htmlAndMathml"}
    return _katex().call("katex.renderToString", tex.strip(), options)


def _arithmatex(match: re.Match) -> str:
    tag, body = match[1], html.unescape(match[2]).strip()
    display = body.startswith("\\[")
    if not (body[:2] in ("\\(", "\\[") and body[-2:] == ("\\]" if display else "\\)")):
        raise ValueError(f"arithmatex left math in an unexpected form: {body[:60]!r}")
    return f'<{tag} class="arithmatex">{render(body[2:-2], display)}</{tag}>'


def render_arithmatex(page_html: str) -> str:
    return ARITHMATEX.sub(_arithmatex, page_html)


def render_dollars(text: str) -> str:
    """Plain text with $...$ and $$...$$ in it -> HTML with the math rendered. Display math
    sits in a paragraph here (a notebook's markdown cell), so it gets a box of its own that
    scrolls sideways when the formula is wider than the page (site.css), as the pages'
    display math does: otherwise a wide formula makes the whole page pan on a phone."""
    parts, end = [], 0
    for match in DOLLARS.finditer(text):
        parts.append(html.escape(text[end : match.start()], quote=False))
        if match[1] is not None:
            parts.append(f'<span class="arithmatex-display">{render(match[1], True)}</span>')
        else:
            parts.append(render(match[2], False))
        end = match.end()
    return "".join(parts) + html.escape(text[end:], quote=False)
