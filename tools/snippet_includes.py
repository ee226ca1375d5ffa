"""Expand `--8<--` include lines exactly as the site does.

The site includes snippet sections with pymdownx.snippets. The notebook builder and the
page tests (pytest-markdown-docs) use this same preprocessor, configured from mkdocs.yml,
so the code they run is byte for byte the code a reader sees.
"""

from functools import cache
from pathlib import Path

import markdown
import yaml

ROOT = Path(__file__).resolve().parent.parent


class _IgnoreTags(yaml.SafeLoader):
    """Read mkdocs.yml without importing what its `!!python/...` tags name."""


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)


@cache
def snippets_config() -> dict:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_IgnoreTags)
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            return entry["pymdownx.snippets"]
    raise LookupError("mkdocs.yml configures no pymdownx.snippets")


def expand(text: str) -> str:
    """Return text with every include line replaced by what it includes."""
    config = dict(snippets_config())
    config["base_path"] = [str(ROOT / path) for path in config["base_path"]]
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": config}
    )
    return "\n".join(md.preprocessors["snippet"].run(text.split("\n")))
