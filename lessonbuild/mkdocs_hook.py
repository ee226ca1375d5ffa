"""The site build's one MkDocs hook (mkdocs.yml loads this file), and the build's only module
that imports MkDocs: each event hands the page or the files to the part that makes them.

- the pages: facts and numbers quoted from captures (lessonbuild/core/), captured outputs as
  CPU and CUDA tabs, reading times, math rendered at build time, glossary terms, figures sized
  and lighter, code blocks with fewer elements (lessonbuild/pages/); answers kept out of search
- the lesson notebook, built from the pages and run, with its page (lessonbuild/notebook/)
- the assignment kit's zip (lessonbuild/kit/)
"""

import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.structure.toc import get_toc

from lessonbuild.core import captured, facts
from lessonbuild.core.paths import CACHE
from lessonbuild.kit import archive
from lessonbuild.notebook import lesson, page_html
from lessonbuild.pages import code_blocks, figures, glossary, outputs, reading_time, tex

NOTEBOOK_PAGE = "lesson.ipynb"  # run by this hook, rendered by mkdocs-jupyter
NOTEBOOK_DOWNLOAD = "downloads/lesson-2.1.2-embeddings-forward.ipynb"  # copied as is
BUILD = CACHE / "notebook"
serving = False  # `mkdocs serve`: rebuild on every edit without running the notebook again


def on_startup(command, dirty):
    global serving
    serving = command == "serve"


def on_page_markdown(markdown, page, config, files):
    markdown = reading_time.render(markdown)
    return outputs.render(captured.render(facts.render(markdown)))


# Worked answers, solutions and the quiz's answers: closed on the page, so kept out of search
# too, where a result would show them in full.
ANSWER_BOX = re.compile(r'<details class="(?:success|question)"')
HEADING = re.compile(r'<h(?P<level>[23]) id="(?P<id>[^"]+)">(?P<html>.*?)<a class="headerlink"')


def headings_toc(html: str):
    """The table of contents of rendered HTML, its headings' code text kept (mkdocs-jupyter's
    own drops every `code` span: "Task 2: or")."""
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
        html = page_html.tidy(html)
        page.toc = headings_toc(html)
    else:
        html = ANSWER_BOX.sub(r"\g<0> data-search-exclude", tex.render_arithmatex(html))
        if page.file.src_uri != glossary.PAGE:  # there, each term stands by its definition
            html = glossary.mark_terms(html)
    page.meta["math"] = 'class="katex' in html  # overrides/main.html links KaTeX's CSS then
    # Last, once the page's HTML is written: code blocks with fewer elements.
    return code_blocks.plain_tokens_unwrapped(figures.sized_lazy_imgs(html, page, files))


@event_priority(100)  # before the search plugin indexes the page
def on_page_context(context, page, config, nav):
    if page.file.src_uri == NOTEBOOK_PAGE:
        page.meta["search"] = {"exclude": True}  # its text is the pages' text: index it once
    return context


@event_priority(100)  # before mkdocs-jupyter looks for notebooks among the files
def on_files(files, config):
    lesson.write(BUILD / NOTEBOOK_DOWNLOAD)  # the handout, to run in class
    lesson.write_executed(BUILD / NOTEBOOK_PAGE, reuse=serving)  # every build runs it
    archive.write_zip(archive.BUILD / archive.DOWNLOAD)  # the assignment kit
    for folder, name in [
        (BUILD, NOTEBOOK_PAGE),
        (BUILD, NOTEBOOK_DOWNLOAD),
        (archive.BUILD, archive.DOWNLOAD),
    ]:
        files.append(File(name, str(folder), config["site_dir"], config["use_directory_urls"]))
    return files


def on_post_build(config):
    figures.write_lighter(Path(config["site_dir"]))
