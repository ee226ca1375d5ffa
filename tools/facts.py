"""The facts file (facts.yml) and the {fact:...} references the pages make to it."""

import re
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = re.compile(r"\{fact:(\w+)\.(\w+)\}")


@cache
def load() -> dict:
    return yaml.safe_load((ROOT / "facts.yml").read_text())


def value(group: str, name: str):
    return load()[group][name]["value"]


def render(markdown: str, link: bool = True) -> str:
    """Replace each {fact:group.name} by its value, linked to its source."""

    def replace(match: re.Match) -> str:
        facts = load()
        entry = facts[match[1]][match[2]]  # KeyError names a fact that facts.yml lacks
        if not link:
            return str(entry["value"])
        source = facts["sources"][entry["source"]]
        return f'[{entry["value"]}]({source["url"]} "{source["title"]}")'

    return REFERENCE.sub(replace, markdown)
