"""The kit as a student meets it: download it, copy a starter from Tasks, read what the
checker prints."""

import io
import urllib.parse
import urllib.request
import zipfile

from reader import open_every_box, open_page

from lessonbuild.core.includes import expand
from lessonbuild.core.paths import ROOT


def test_the_download_button_gives_the_kit(page, base_url):
    open_page(page, base_url, "assignment/")
    link = page.locator("article a.md-button", has_text="Download the assignment kit")
    href = urllib.parse.urljoin(page.url, link.get_attribute("href"))
    with urllib.request.urlopen(href, timeout=10) as response:
        archive = zipfile.ZipFile(io.BytesIO(response.read()))
    names = set(archive.namelist())
    assert {"assignment-2.1.2/check.py", "assignment-2.1.2/task3_manual_gather.py"} <= names


def test_copying_a_starter_block_copies_the_starter_without_its_markers(page, base_url):
    """Tasks shows each task's starter before its worked solution; its copy button gives the
    starter as the kit ships it, TODO and all, with no solution and no include markers."""
    open_page(page, base_url, "tasks/")
    source = (ROOT / "docs" / "tasks.md").read_text()
    task3 = source.split("## Task 3")[1].split("```python\n")[1].split("```")[0]
    block = page.locator("div.highlight", has_text="def manual_gather").first
    block.hover()
    block.locator("button[data-md-type='copy']").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip("\n") == expand(task3).strip("\n")
    assert "TODO(task3)" in copied and "raise NotImplementedError" in copied
    assert "--8<--" not in copied and "index_select(weight, 0, input_ids.reshape" not in copied


def test_the_checker_output_boxes_show_a_hint_and_a_section(page, base_url):
    open_page(page, base_url, "assignment/")
    open_every_box(page)
    text = page.locator("article").inner_text()
    assert "not implemented yet: write manual_gather where its TODO says" in text
    hint = (ROOT / "docs" / "outputs" / "checker" / "hint_task4.txt").read_text()
    section = next(line.strip() for line in hint.splitlines() if "Read: " in line)
    assert section.startswith("Read: Assignment › Task 4") and section in text
