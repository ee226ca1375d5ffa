"""Make the notebook page, as mkdocs-jupyter renders it, read like the other pages.

mkdocs-jupyter wraps each cell in about ten nested JupyterLab elements and inlines 570 KB of
JupyterLab CSS. This keeps what a reader sees: the markdown cells as plain page content, with
their math rendered; each code cell as a block in the site's code colours; each output as a
block below it. site.css styles them in both palettes.

The blocks are <pre> without <code>, so Material's script leaves them alone: it gives each
`pre > code` a copy button, one layout of the whole page per block, and on this page (every
block of the lesson) that cost 10 points of Lighthouse performance. The notebook download is
there for copying; site.js makes a block that scrolls sideways reachable by keyboard.
"""

import re

from bs4 import BeautifulSoup, NavigableString

from lessonbuild.pages import tex

_PARSER = "html.parser"
# mkdocs-jupyter inlines JupyterLab's stylesheets (about 600 KB) before the notebook: dropped
# before parsing, as the page does not use them. (Each rebuild of `nox -s serve` runs this.)
_STYLES = re.compile(r"<style\b.*?</style>", re.DOTALL)
# Names, punctuation, operators and whitespace in the plain code colour: they are 5,700 of the
# page's 10,800 elements, and every element costs the reader's browser time to style and lay
# out. Keywords, strings, numbers and comments keep their colours.
_CODE_CELL = re.compile(
    r'<div class="highlight language-python nb-input"><pre>.*?</pre>', re.DOTALL
)
_PLAIN_TOKEN = re.compile(r'<span class="(?:n|p|o|w)">([^<]*)</span>')
# Rendered math waits outside the tree as a numbered mark, and takes its place in the final
# HTML: parsing KaTeX's output back into the tree took half the time of a rebuild.
_MATH_MARK = "\ue000{}\ue001"
_MATH_MARKS = re.compile("\ue000(\\d+)\ue001")


def _render_math(markdown, rendered: list[str]) -> None:
    """The $...$ of a markdown cell's text, rendered; code keeps its dollar signs."""
    for text in markdown.find_all(string=lambda s: "$" in s):
        if not isinstance(text, NavigableString) or text.find_parent(["code", "pre"]):
            continue
        rendered.append(tex.render_dollars(str(text)))
        text.replace_with(_MATH_MARK.format(len(rendered) - 1))


def _code_block(soup: BeautifulSoup, pre, classes: str):
    """<div class="highlight ..."><pre>...</pre></div> around pre's content."""
    block = soup.new_tag("div", attrs={"class": f"highlight {classes}"})
    new_pre = soup.new_tag("pre")
    for child in list(pre.contents):
        new_pre.append(child.extract())
    block.append(new_pre)
    return block


def tidy(html: str) -> str:
    soup = BeautifulSoup(_STYLES.sub("", html), _PARSER)
    rendered_math: list[str] = []
    notebook = soup.select_one(".jp-Notebook")
    if notebook is None:
        raise ValueError("no .jp-Notebook in the notebook page: mkdocs-jupyter changed its HTML")
    page = soup.new_tag("div", attrs={"class": "jupyter-wrapper"})
    for cell in notebook.select("[id^='cell-id=']"):
        classes = cell.get("class", [])
        if "jp-MarkdownCell" in classes:
            markdown = cell.select_one(".jp-RenderedMarkdown")
            _render_math(markdown, rendered_math)
            for link in markdown.select("a.anchor-link"):  # the theme's own permalink style
                link["class"] = "headerlink"
                link["title"] = "Permanent link"
            for child in list(markdown.contents):
                page.append(child.extract())
        elif "jp-CodeCell" in classes:
            source = cell.select_one(".jp-InputArea-editor pre")
            for empty in source.find_all("span", recursive=False, limit=1):
                if not empty.contents:  # Pygments opens every block with an empty span
                    empty.decompose()
            page.append(_code_block(soup, source, "language-python nb-input"))
            for output in cell.select(".jp-OutputArea-output"):
                stderr = output.get("data-mime-type") == "application/vnd.jupyter.stderr"
                kind = "nb-stderr" if stderr else "nb-stdout"
                if (pre := output.find("pre")) is not None:
                    page.append(_code_block(soup, pre, f"jp-OutputArea-output {kind}"))
                else:  # an image or rich output: keep it as rendered
                    output["class"] = "jp-OutputArea-output"
                    page.append(output.extract())
    html = _CODE_CELL.sub(lambda cell: _PLAIN_TOKEN.sub(r"\1", cell[0]), str(page))
    return _MATH_MARKS.sub(lambda mark: rendered_math[int(mark[1])], html)
