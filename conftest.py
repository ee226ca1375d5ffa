"""Run the pages' python blocks as the site renders them (pytest --markdown-docs docs).

pytest-markdown-docs reads the raw markdown, where a block holds `--8<--` include lines.
This hook hands it a parser that first expands them with the site's own preprocessor.
"""

import pytest


# optionalhook: the tests session runs without pytest-markdown-docs installed.
@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_markdown_docs_markdown_it():
    from markdown_it import MarkdownIt

    from snippet_includes import expand

    def expand_includes(state):
        for token in state.tokens:
            if token.type == "fence" and "--8<--" in token.content:
                token.content = expand(token.content) + "\n"

    parser = MarkdownIt("commonmark")
    parser.core.ruler.push("expand_snippet_includes", expand_includes)
    return parser
