"""The glossary: one page, docs/glossary.md, that also defines its terms on every other page.

Each entry of the page is a term and its definition (a Markdown definition list). On the
other pages the MkDocs hook marks a term's first use in the text, and its first use in each
box, as <abbr title="definition" tabindex="0">: the definition shows on hover and on focus
(Material's tooltips), and the Glossary page holds them all.
"""

import functools
import re

from lessonbuild.core.paths import DOCS

PAGE = "glossary.md"
ENTRY = re.compile(
    r"^(?P<term>[^\s:#<!][^\n]*)\n:   (?P<definition>.+?)(?=\n\n|\n[^ ]|\Z)", re.M | re.S
)
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# Text that is not prose: code, math, links, headings, the box titles, terms already marked.
SKIP = {"code", "pre", "a", "abbr", "h1", "h2", "h3", "h4", "summary", "script", "style"}


def plain(text: str) -> str:
    """A definition as a title attribute shows it: no links, code marks or emphasis."""
    text = LINK.sub(r"\1", " ".join(text.split()))
    return re.sub(r"[`*]", "", text)


def entries() -> dict[str, str]:
    """{term: definition}, in the order of the page."""
    text = (DOCS / PAGE).read_text()
    found = {m["term"].strip(): plain(m["definition"]) for m in ENTRY.finditer(text)}
    if not found:
        raise ValueError(f"docs/{PAGE} defines no term (term, then ':   definition')")
    return found


@functools.lru_cache(maxsize=4)  # built once per glossary, not once per page (0.15 s each)
def term_pattern(terms: tuple[str, ...]) -> re.Pattern:
    """Any term, as a whole word, its plural too, across line breaks, longest first."""
    words = sorted(terms, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, term.split())) + "s?" for term in words)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def mark_terms(html: str) -> str:
    """Mark each term's first use in the page's text and in each box."""
    from bs4 import BeautifulSoup, NavigableString

    terms = entries()
    by_key = {" ".join(term.lower().split()): term for term in terms}
    pattern = term_pattern(tuple(terms))
    soup = BeautifulSoup(html, "html.parser")
    met: dict[int, set] = {}  # the terms marked so far, per box (0: the page's own text)

    def term_of(word: str) -> str:
        key = " ".join(word.lower().split())
        return by_key.get(key) or by_key[key[:-1]]  # the plural's last letter

    for node in list(soup.find_all(string=True)):
        if not pattern.search(node):  # most text holds no term: skip the walk up its parents
            continue
        parents = list(node.parents)
        if any(p.name in SKIP or "katex" in (p.get("class") or []) for p in parents):
            continue
        box = next((p for p in parents if p.name == "details"), None)
        seen = met.setdefault(id(box) if box else 0, set())
        text, pieces, at = str(node), [], 0
        for match in pattern.finditer(text):
            term = term_of(match[0])
            if term in seen:
                continue
            seen.add(term)
            pieces += [text[at : match.start()], (match[0], terms[term])]
            at = match.end()
        if not pieces:
            continue
        pieces.append(text[at:])
        for piece in pieces:
            if isinstance(piece, str):
                node.insert_before(NavigableString(piece))
            else:
                abbr = soup.new_tag("abbr", title=piece[1], tabindex="0")
                abbr.string = piece[0]
                node.insert_before(abbr)
        node.extract()
    return str(soup)
