"""The facts file (docs/facts.yml) and the {fact:...} references the pages make to it."""

import re
from functools import cache

import yaml

from lessonbuild.core.paths import DOCS

REFERENCE = re.compile(r"\{fact:(\w+)\.(\w+)\}")
SIC = " [sic]"  # after a value quoted as its source wrote it, though the source is wrong


@cache
def load() -> dict:
    return yaml.safe_load((DOCS / "facts.yml").read_text())


def value(group: str, name: str):
    return load()[group][name]["value"]


def groups() -> dict:
    """Every group of facts ({name: {fact: entry}}), without the sources."""
    return {name: group for name, group in load().items() if name != "sources"}


def render(markdown: str, link: bool = True) -> str:
    """Replace each {fact:group.name} by its value, linked to its source.

    A fact with `sic` (a name its source gets wrong, quoted as written) is followed by
    " [sic]", and the link's title gives the right name."""

    def replace(match: re.Match) -> str:
        facts = load()
        entry = facts[match[1]][match[2]]  # KeyError names a fact that facts.yml lacks
        sic = SIC if "sic" in entry else ""
        if not link:
            return f"{entry['value']}{sic}"
        source = facts["sources"][entry["source"]]
        return f'[{entry["value"]}]({source["url"]} "{source["title"]}"){sic}'

    return REFERENCE.sub(replace, markdown)
