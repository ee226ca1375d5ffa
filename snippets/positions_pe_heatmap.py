"""Positions 1: the sinusoidal position table as a picture (positions x
dimensions).

    PE[pos, 2i]   = sin(pos / 10000^(2i/D))
    PE[pos, 2i+1] = cos(pos / 10000^(2i/D))

Run alone:  python positions_pe_heatmap.py
            (writes pe_heatmap.png beside it)
"""

# --8<-- [start:setup]
import os

import matplotlib.pyplot as plt
import torch

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
# --8<-- [end:setup]


# --8<-- [start:table]
def sinusoidal_table(
    max_positions: int, dim: int, base: float = 10000.0, device=DEVICE
):
    """(max_positions, dim): sin in the even dimensions, cos in the odd ones."""
    position = torch.arange(
        max_positions, dtype=torch.float64, device=device
    ).unsqueeze(1)
    inv_freq = base ** (
        -torch.arange(0, dim, 2, dtype=torch.float64, device=device) / dim
    )
    table = torch.empty(max_positions, dim, dtype=torch.float64, device=device)
    table[:, 0::2] = torch.sin(position * inv_freq)
    table[:, 1::2] = torch.cos(position * inv_freq)
    return table.float()
    # --8<-- [end:table]


if __name__ == "__main__":
    # --8<-- [start:draw]
    table = sinusoidal_table(128, 64)  # 128 positions of a 64-dimensional model
    print(table.shape, table.device)
    print("period of dims (0, 1):", round(2 * torch.pi, 2), "positions")
    # Pair i turns once every 2*pi * 10000^(2i/D) positions: for D = 64 the last
    # pair, i = 31, has period 2*pi * 10000^(62/64), not the 2*pi * 10000 that a
    # very large D approaches.
    print(
        "period of dims (62, 63):",
        f"{2 * torch.pi * 10000 ** (62 / 64):,.0f} positions",
    )

    plt.rcParams["font.size"] = 12  # readable on a phone
    fig, ax = plt.subplots(figsize=(6, 4.5))
    image = ax.imshow(
        table.cpu().T.numpy(), aspect="auto", cmap="RdBu", vmin=-1, vmax=1
    )
    ax.set(
        xlabel="position",
        ylabel="dimension",
        title="Fast waves at the top, slow at the bottom",
    )
    fig.colorbar(image, ax=ax, label="PE value")
    fig.tight_layout()
    fig.savefig("pe_heatmap.png", dpi=150)
    # --8<-- [end:draw]
