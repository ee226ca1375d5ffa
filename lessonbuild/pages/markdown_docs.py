"""Run the pages' python blocks as the site renders them (pytest --markdown-docs docs).

A pytest plugin, registered by the package's entry point (pyproject.toml: pytest11), so every
environment that installs the build has it.

pytest-markdown-docs reads the raw markdown, where a block holds `--8<--` include lines and
may sit indented inside a box (`??? success`) or a tab (`===`), which CommonMark would read
as an indented code block and skip. This hook hands it a parser that first lifts the content
of every box and tab to the left margin, then expands the includes with the site's own
preprocessor, so every block a reader can open is run.
"""

import pytest


# optionalhook: the tests session runs without pytest-markdown-docs installed.
@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_markdown_docs_markdown_it():
    from lessonbuild.core.includes import markdown_it_parser  # the docs environment's Markdown

    return markdown_it_parser()
