"""Minutes to read a page, for the path on Home: a page writes {reading:theory.md}, or
{reading:theory.md+tasks.md} for the sum of several.

Counted from the page's source with its code included as the site includes it, boxes and
all, so the number follows the page as it changes.
"""

import math
import re

from lessonbuild.core.includes import expand
from lessonbuild.core.paths import DOCS

REFERENCE = re.compile(r"\{reading:(?P<pages>[\w-]+\.md(?:\+[\w-]+\.md)*)\}")
WORDS_PER_MINUTE = 180  # technical prose, read with care
CODE_LINES_PER_MINUTE = 20
FENCE = re.compile(r"^\s*```.*?^\s*```\s*$", re.MULTILINE | re.DOTALL)
MARKUP = re.compile(r"<!--.*?-->|\]\([^)]*\)|^\[[^\]]+\]: \S+$|[`*#|>=?!]", re.M | re.S)


def minutes(page: str) -> int:
    """Reading time of docs/PAGE in minutes, rounded up to a multiple of 5."""
    text = expand((DOCS / page).read_text())
    code_lines = sum(
        1 for block in FENCE.findall(text) for line in block.splitlines() if line.strip()
    )
    words = len(MARKUP.sub(" ", FENCE.sub(" ", text)).split())
    spent = words / WORDS_PER_MINUTE + code_lines / CODE_LINES_PER_MINUTE
    return 5 * max(1, math.ceil(spent / 5))


def render(markdown: str) -> str:
    return REFERENCE.sub(
        lambda m: str(sum(minutes(page) for page in m["pages"].split("+"))), markdown
    )
