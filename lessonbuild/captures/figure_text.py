"""How small a figure's text is, as drawn: for the check that every figure reads on a phone.

While a snippet runs, matplotlib is watched: each `savefig` notes the smallest font of any
text drawn into that file, in pixels at the dpi it was saved with. snippet_outputs.py stores the
number in the PNG (png.with_text), and the browser tests scale it by how wide the page shows
the figure.
"""

import inspect

SMALLEST_TEXT = "smallest-text-px"  # the PNG's tEXt keyword
NOTED = ".figure-text.json"  # where a watched run leaves its notes, beside the figures


def note_smallest_text(noted: dict) -> None:
    """From now on, savefig(file) sets noted[file's name] to its smallest text in pixels."""
    import os

    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    drawn, draw, savefig = [], Text.draw, Figure.savefig

    def draw_noting(self, renderer):
        if self.get_visible() and self.get_text().strip():
            drawn.append(self.get_fontsize())
        return draw(self, renderer)

    def savefig_noting(fig, fname, *args, **kwargs):
        drawn.clear()
        savefig(fig, fname, *args, **kwargs)
        dpi = kwargs.get("dpi") or matplotlib.rcParams["savefig.dpi"]
        dpi = fig.dpi if dpi == "figure" else dpi
        noted[os.path.basename(str(fname))] = round(min(drawn) * dpi / 72, 2)

    Text.draw, Figure.savefig = draw_noting, savefig_noting


# `python -c WATCHED snippet.py` runs the snippet as `python snippet.py` would (same folder on
# sys.path, __name__ == "__main__"), with matplotlib watched; nothing of the build is importable.
WATCHED = f"""{inspect.getsource(note_smallest_text)}
import json, runpy, sys
noted = {{}}
note_smallest_text(noted)
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    if noted:
        with open({NOTED!r}, "w") as notes:
            json.dump(noted, notes)
"""
