"""Theory 1's figure: what it draws is the lookup, and the one-hot row picks the same row."""

import matplotlib
import torch
import torch.nn.functional as F

from theory1_lookup_figure import draw_lookup, small_lookup

matplotlib.use("Agg")


def test_the_lookup_picks_each_tokens_row_and_the_pad_row_is_zero(device, on_device):
    weight, input_ids, hidden = small_lookup(device)

    on_device(weight, input_ids, hidden)
    assert hidden.shape == (2, 3, 4)
    assert torch.equal(hidden, weight[input_ids])
    assert torch.equal(weight[0], torch.zeros(4, device=device))
    assert (weight[1:] != 0).all()
    assert input_ids[1, 1] == 0, "the batch has a pad in the middle of a row"


def test_the_figure_shows_the_picked_rows_in_order_and_the_one_hot_row(device, on_device):
    weight, input_ids, hidden = small_lookup(device)
    on_device(hidden)
    fig = draw_lookup(weight.cpu(), input_ids.cpu(), hidden.cpu())
    ids_panel, table_panel, hidden_panel, one_hot_panel, product_panel = fig.axes

    def shown(ax):
        return [text.get_text() for text in ax.texts]

    def formatted(rows):
        return [f"{x:.2f}" for row in rows for x in row]

    assert shown(ids_panel) == [str(i) for row in input_ids.tolist() for i in row]
    assert shown(table_panel) == formatted(weight.tolist())
    assert shown(hidden_panel) == formatted(weight[input_ids].reshape(6, 4).tolist())
    assert shown(one_hot_panel) == ["0", "0", "0", "1", "0", "0"]
    one_hot = F.one_hot(torch.tensor(3, device=device), 6).to(weight.dtype)
    assert shown(product_panel) == formatted([(one_hot @ weight).tolist()])
    assert shown(product_panel) == formatted([weight[3].tolist()])
