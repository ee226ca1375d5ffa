"""Material's boxes (`??? success "Title"`, `!!! note`) and tabs (`=== "Label"`), lifted out.

A box's content is indented under its title line. Outside MkDocs (the page tests' Markdown
parser, the notebook) that indentation would turn its code blocks into plain indented text,
so these readers lift every box's content to the left margin first.
"""

import re

BOX = re.compile(r"^(?P<indent> *)(?P<kind>\?\?\?\+?|!!!|===)[ \t]+(?P<rest>.*)$")
TITLE = re.compile(r'"([^"]*)"')


def unboxed(markdown: str, title=lambda kind, title: "", end=None) -> str:
    """The markdown with each box's or tab's content dedented, and its title line replaced by
    title(kind, its quoted title or ""), by default an empty line, so lines keep their numbers.
    With `end`, the line end(kind) follows the last line of each box (lines then move).
    """
    lines, depths = [], []  # depths: (the content indent, the kind) of each box still open
    for line in markdown.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        while depths and line.strip() and indent < depths[-1][0]:
            _, kind = depths.pop()
            if end:
                lines.append(end(kind))
        cut = 4 * len(depths)
        if box := BOX.match(line):
            depths.append((len(box["indent"]) + 4, box["kind"]))
            quoted = TITLE.search(box["rest"])
            lines.append(title(box["kind"], quoted[1] if quoted else ""))
            continue
        lines.append(line[cut:] if not line[:cut].strip() else line.lstrip(" "))
    if end:
        lines += [end(kind) for _, kind in reversed(depths)]
    return "\n".join(lines)
