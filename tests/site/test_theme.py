"""The theme's copy of Material's search partial stays Material's, but for the changes it names.

overrides/partials/search.html replaces the installed Material's partials/search.html whole, so
an upgrade of Material that changes the partial would be silently undone here. This test reads
the installed one (run by `nox -s docs`, where Material is installed), makes our changes to it
and expects our copy.
"""

import difflib
import re
from pathlib import Path

import material

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "overrides" / "partials" / "search.html"
MATERIALS = Path(material.__file__).parent / "templates" / "partials" / "search.html"
# Each change, Material's line -> ours; the comment at the top of our copy says why.
CHANGES = {
    # the search dialog has a name
    '<div class="md-search" data-md-component="search" role="dialog">': (
        '<div class="md-search" data-md-component="search" role="dialog"'
        " aria-label=\"{{ lang.t('search') }}\">"
    ),
    # the results' scroll box takes no focus of its own
    '<div class="md-search__scrollwrap" tabindex="0" data-md-scrollfix>': (
        '<div class="md-search__scrollwrap" data-md-scrollfix>'
    ),
}
# A leading Jinja comment: Material's says the file is generated, ours what we changed and why.
LEADING_COMMENT = re.compile(r"\A\{#-.*?-#\}\n", re.DOTALL)


def test_our_search_partial_is_materials_with_only_the_named_changes():
    expected = LEADING_COMMENT.sub("", MATERIALS.read_text())
    for materials, ours in CHANGES.items():
        assert expected.count(materials) == 1, (
            f"Material's {MATERIALS.name} no longer holds, once, the line we change: {materials}"
        )
        expected = expected.replace(materials, ours)
    ours = LEADING_COMMENT.sub("", OURS.read_text())
    drift = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            ours.splitlines(keepends=True),
            f"installed Material's partials/search.html with our changes ({MATERIALS})",
            str(OURS.relative_to(ROOT)),
        )
    )
    assert not drift, (
        "our copy of the search partial drifted from the installed Material's: copy "
        f"{MATERIALS} over it again, keep its comment and make the changes in CHANGES\n{drift}"
    )
