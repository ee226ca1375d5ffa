"""What the lesson is made of, written once: the pages come from mkdocs.yml's nav, and each
snippet's entry in SNIPPETS says what it produces. Every other module and test reads them here
(the folders they live in: lessonbuild/core/paths.py).

Adding a snippet touches: the file in snippets/, its test module tests/lesson/test_<name>.py,
its include and `<!-- output: <name> -->` on its page, and its entry below; then
`nox -s outputs` captures its output (and draws its figures). A task snippet (one with a
solution region) is also a task of the checker, which ships alone in the kit and so keeps its
own table (check.TASKS), with a section on the Assignment page and a hint on every check.
tests/machinery/test_registry.py lists every missing piece of every snippet at once.
"""

from dataclasses import dataclass
from pathlib import Path

from lessonbuild.core.includes import mkdocs_config
from lessonbuild.core.paths import LESSON_TESTS, SNIPPET_DIR

# What a snippet may need beyond torch, one process and well under 1 GiB.
TWO_GIB = "2 GiB of free memory"  # the lesson's full table, 1.53 GiB in fp32
TWO_PROCESSES = "two processes (torchrun)"  # shown on its page, not run there (notest)


@dataclass(frozen=True)
class Snippet:
    page: str  # the page that shows it and its output, in docs/
    figures: tuple[str, ...] = ()  # the PNGs it draws, shown from docs/assets/figures/
    needs: tuple[str, ...] = ()  # TWO_GIB, TWO_PROCESSES


SNIPPETS = {
    "theory1_one_hot_lookup": Snippet("theory.md"),
    "theory1_lookup_figure": Snippet("theory.md", figures=("lookup.png",)),
    "theory3_table_memory": Snippet("theory.md"),
    "theory3_lookup_cost": Snippet("theory.md"),
    "theory3_output_head": Snippet("efficiency.md"),
    "task1_basic_forward": Snippet("tasks.md", needs=(TWO_GIB,)),
    "task1_pad_gradient": Snippet("tasks.md"),
    "task2_inputs_embeds": Snippet("tasks.md"),
    "task3_manual_gather": Snippet("tasks.md"),
    "task4_batch_padding": Snippet("tasks.md"),
    "advanced_embedding_forward": Snippet("advanced.md"),
    "positions_absolute_mixes": Snippet("positions.md"),
    "positions_pe_heatmap": Snippet("positions.md", figures=("pe_heatmap.png",)),
    "positions_rope_relative": Snippet("positions.md", figures=("rope_vs_absolute.png",)),
    "positions_yarn": Snippet("positions.md", figures=("yarn_frequencies.png",)),
    "positions_mla_decoupled": Snippet("positions.md"),
    "efficiency_rows_touched": Snippet("efficiency.md", figures=("rows_touched.png",)),
    "efficiency_sparse_grad": Snippet("efficiency.md"),
    "efficiency_hashing": Snippet("efficiency.md"),
    "efficiency_vocab_parallel": Snippet("efficiency.md", needs=(TWO_PROCESSES,)),
}


def snippet_paths() -> list[Path]:
    """Every snippet's file, by name."""
    return [SNIPPET_DIR / f"{name}.py" for name in sorted(SNIPPETS)]


def tests_of(name: str) -> Path:
    """The lesson's claims about a snippet: one test module each."""
    return LESSON_TESTS / f"test_{name}.py"


def nav() -> dict[str, str]:
    """{title: page} of every page of mkdocs.yml's nav, in its order, sections flattened."""

    def entries(items):
        for item in items:
            ((title, value),) = item.items()
            yield from entries(value) if isinstance(value, list) else [(title, value)]

    return dict(entries(mkdocs_config()["nav"]))


def pages() -> list[str]:
    """The pages written in Markdown, in the nav's order: "index.md", "theory.md", ..."""
    return [page for page in nav().values() if page.endswith(".md")]


def built_page(page: str) -> str:
    """Where the built site serves a page: "index.md" -> "index.html", "theory.md" and
    "lesson.ipynb" -> "theory/index.html" and "lesson/index.html"."""
    stem = page.rsplit(".", 1)[0]
    return "index.html" if stem == "index" else f"{stem}/index.html"


def lesson_pages() -> list[str]:
    """The pages that teach with snippets, in the nav's order: the lesson notebook's pages."""
    shown = {snippet.page for snippet in SNIPPETS.values()}
    return [page for page in nav().values() if page in shown]
