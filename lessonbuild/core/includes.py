"""Expand `--8<--` include lines exactly as the site does.

The site includes snippet sections with pymdownx.snippets. The notebook builder and the
page tests (pytest-markdown-docs) use this same preprocessor, configured from mkdocs.yml,
so the code they run is byte for byte the code a reader sees.
"""

import re
from functools import cache
from pathlib import Path

import yaml

from lessonbuild.core.paths import ROOT

FENCE_OPEN = re.compile(r"^(?P<indent>\s*)```\s*(?P<info>.*)$")
PYTHON = re.compile(r"^(python|py|python3|pycon)\b|^\{\s*\.(python|py)\b")  # a fence's info


class _IgnoreTags(yaml.SafeLoader):
    """Read mkdocs.yml without importing what its `!!python/...` tags name."""


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)


@cache
def mkdocs_config() -> dict:
    """mkdocs.yml as data, its `!!python/...` tags read as None."""
    return yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_IgnoreTags)


def snippets_config() -> dict:
    for entry in mkdocs_config()["markdown_extensions"]:
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            return entry["pymdownx.snippets"]
    raise LookupError("mkdocs.yml configures no pymdownx.snippets")


def expand(text: str) -> str:
    """Return text with every include line replaced by what it includes."""
    import markdown  # the site's own Markdown, in the docs environment

    config = dict(snippets_config())
    config["base_path"] = [str(ROOT / path) for path in config["base_path"]]
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": config}
    )
    return "\n".join(md.preprocessors["snippet"].run(text.split("\n")))


def markdown_it_parser():
    """A CommonMark parser that reads a page as the site renders it, for the page tests
    (pytest-markdown-docs): the content of every box and tab lifted to the margin, where
    CommonMark sees its code blocks, and every include expanded."""
    from markdown_it import MarkdownIt

    from lessonbuild.core.boxes import unboxed

    def unbox(state):
        state.src = unboxed(state.src)

    def expand_includes(state):
        for token in state.tokens:
            if token.type == "fence" and "--8<--" in token.content:
                token.content = expand(token.content) + "\n"

    parser = MarkdownIt("commonmark")
    parser.core.ruler.before("block", "unbox", unbox)
    parser.core.ruler.push("expand_snippet_includes", expand_includes)
    return parser


def fences(page: Path):
    """(info, lines) of every fence of a page as written, those indented in boxes and tabs too.

    Read line by line, independently of any Markdown parser, so that a check can compare
    what a parser finds with what the page holds."""
    lines = iter(page.read_text().splitlines())
    for line in lines:
        if match := FENCE_OPEN.match(line):
            indent, body = match["indent"], []
            for inner in lines:
                if inner.strip() == "```":
                    break
                body.append(inner.removeprefix(indent))
            yield match["info"].strip(), body
