"""Make the notebook page, as mkdocs-jupyter renders it, read like the other pages.

mkdocs-jupyter wraps each cell in about ten nested JupyterLab elements and inlines 570 KB of
JupyterLab CSS. This keeps what a reader sees: the markdown cells as plain page content, each
code cell as a site code block (same colours, copy button and keyboard scrolling as elsewhere)
and each output as a block below it. site.css styles them in both palettes.
"""

from bs4 import BeautifulSoup, NavigableString

import tex

_PARSER = "html.parser"


def _render_math(soup: BeautifulSoup, markdown) -> None:
    """The $...$ of a markdown cell's text, rendered; code keeps its dollar signs."""
    for text in markdown.find_all(string=lambda s: "$" in s):
        if not isinstance(text, NavigableString) or text.find_parent(["code", "pre"]):
            continue
        text.replace_with(BeautifulSoup(tex.render_dollars(str(text)), _PARSER))


def _code_block(soup: BeautifulSoup, pre, classes: str):
    """<div class="highlight ..."><pre><code>...</code></pre></div> around pre's content."""
    block = soup.new_tag("div", attrs={"class": f"highlight {classes}"})
    new_pre, code = soup.new_tag("pre"), soup.new_tag("code")
    for child in list(pre.contents):
        code.append(child.extract())
    new_pre.append(code)
    block.append(new_pre)
    return block


def tidy(html: str) -> str:
    soup = BeautifulSoup(html, _PARSER)
    notebook = soup.select_one(".jp-Notebook")
    if notebook is None:
        raise ValueError("no .jp-Notebook in the notebook page: mkdocs-jupyter changed its HTML")
    page = soup.new_tag("div", attrs={"class": "jupyter-wrapper"})
    for cell in notebook.select("[id^='cell-id=']"):
        classes = cell.get("class", [])
        if "jp-MarkdownCell" in classes:
            markdown = cell.select_one(".jp-RenderedMarkdown")
            _render_math(soup, markdown)
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
    for pre_index, pre in enumerate(page.select("pre")):
        pre["id"] = f"__nb_code_{pre_index}"  # the copy button targets its block by id
    return str(page)
