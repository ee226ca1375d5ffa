"""Theory 1, as a picture: a (B, T) grid of ids picks rows of the table, and
the picked rows, in order, are the (B, T, D) result. The pad row is zeros. A
one-hot row times the table picks the same row.

Run alone:  python theory1_lookup_figure.py
            (writes lookup.png beside it)
"""

# --8<-- [start:setup]
import os

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:lookup]
def small_lookup(device=DEVICE):
    """A toy table (V = 6, D = 4, pad 0) and a padded batch of ids looked up."""
    torch.manual_seed(0)
    table = nn.Embedding(6, 4, padding_idx=0, device=device)
    input_ids = torch.tensor([[1, 2, 0], [3, 0, 4]], device=device)
    with torch.no_grad():
        hidden = table(input_ids)  # (B, T, D) = (2, 3, 4)
    return table.weight.detach(), input_ids, hidden
    # --8<-- [end:lookup]


# --8<-- [start:draw]
# one background colour per id; the pad, id 0, in grey
COLOURS = ["#e0e0e0", "#a6cee3", "#fdbf6f", "#b2df8a", "#cab2d6", "#fb9a99"]
plt.rc("font", size=12)  # readable on a phone, where the figure shrinks


def draw_grid(ax, cells, fills, title, row_labels):
    """Numbers in a grid, each cell on its own background colour."""
    rows, cols = len(cells), len(cells[0])
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(
                plt.Rectangle((c, -r - 1), 1, 1, fc=fills[r][c], ec="w", lw=2)
            )
            ax.text(c + 0.5, -r - 0.5, cells[r][c], ha="center", va="center")
    ax.set(xlim=(0, cols), ylim=(-rows, 0), xticks=[], title=title)
    ax.set_yticks([-r - 0.5 for r in range(rows)], row_labels)
    ax.tick_params(length=0)
    ax.set_frame_on(False)


def numbers(rows):
    return [[f"{x:.2f}" for x in row] for row in rows]


def draw_lookup(weight, input_ids, hidden):
    """Ids, table, result and a one-hot row, stacked in one column."""
    ids, (B, T, D) = input_ids.tolist(), hidden.shape
    fig, axes = plt.subplots(
        5, 1, figsize=(5.5, 9.5), height_ratios=[2, 6, 6, 1, 1]
    )
    draw_grid(
        axes[0],
        ids,
        [[COLOURS[i] for i in row] for row in ids],
        "input_ids (B, T)",
        [f"b = {b}" for b in range(B)],
    )
    draw_grid(
        axes[1],
        numbers(weight.tolist()),
        [[colour] * D for colour in COLOURS],
        "table E (V, D): one row per id",
        ["0, pad"] + [str(i) for i in range(1, len(weight))],
    )
    draw_grid(
        axes[2],
        numbers(hidden.reshape(B * T, D).tolist()),
        [[COLOURS[i]] * D for row in ids for i in row],
        "hidden (B, T, D): the picked rows",
        [f"b, t = {b}, {t}" for b in range(B) for t in range(T)],
    )
    one_hot = F.one_hot(torch.tensor(3), len(weight)).to(weight.dtype)
    draw_grid(
        axes[3],
        [one_hot.int().tolist()],
        [[COLOURS[3] if i == 3 else "#f5f5f5" for i in range(len(weight))]],
        "one_hot(3) has a 1 at id 3 ...",
        [""],
    )
    draw_grid(
        axes[4],
        numbers([(one_hot @ weight).tolist()]),
        [[COLOURS[3]] * D],
        "... and one_hot(3) @ E is row 3",
        [""],
    )
    fig.tight_layout()
    return fig
    # --8<-- [end:draw]


if __name__ == "__main__":
    # --8<-- [start:example]
    weight, input_ids, hidden = small_lookup()
    print("input_ids:", input_ids.tolist())
    print("hidden:", tuple(hidden.shape), "(B, T, D)")
    print(
        "each position is its token's row:",
        torch.equal(hidden, weight[input_ids]),
    )
    print("the pad's row is zeros:", bool((weight[0] == 0).all()))
    one_hot = F.one_hot(torch.tensor(3, device=DEVICE), 6).to(weight.dtype)
    print(
        "one_hot(3) @ E equals E[3]:", torch.equal(one_hot @ weight, weight[3])
    )
    draw_lookup(weight.cpu(), input_ids.cpu(), hidden.cpu()).savefig(
        "lookup.png", dpi=150
    )
    # --8<-- [end:example]
