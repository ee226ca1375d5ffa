"""The lesson's build: everything made from snippets/ and docs/, grouped by what it makes.

Its parts are layers, lowest first; each imports only from the parts before it
(tests/machinery/test_dependencies.py):

    core/       what every part reads: paths, the registry, includes, facts, captured outputs
    pages/      what the site build does to a page
    notebook/   the lesson notebook and its page
    kit/        the starters, the quiz's key, the kit's checker loaded, the kit's zip
    captures/   what the snippets and the checker print, captured and checked for drift
    bench.py, gpu.py, browser/
    mkdocs_hook.py (the one MkDocs hook), __main__.py (python -m lessonbuild COMMAND)
"""
