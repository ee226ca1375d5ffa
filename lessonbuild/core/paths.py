"""Where the lesson's sources and the files made from them live: named once, for every part."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
SNIPPET_DIR = ROOT / "snippets"
DOCS = ROOT / "docs"  # the pages, MkDocs' docs_dir
OUTPUTS = DOCS / "outputs"  # what the snippets print, per device; the checker's in checker/
FIGURES = DOCS / "assets" / "figures"  # what the snippets draw
KIT = ROOT / "kit"  # what the assignment kit ships as it is
STARTERS = KIT / "starters"  # the task snippets, their solution regions left to do
LESSON_TESTS = ROOT / "tests" / "lesson"  # one test module per snippet
CACHE = ROOT / ".cache"  # what the site build makes and nothing commits
