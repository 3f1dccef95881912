"""The lessons' network diagrams (MLP, RNN, unrolled RNN, two-layer RNN), drawn in code.

Drawing them with matplotlib keeps the images reproducible: ``make figures`` (``python tools/figures.py
img``) rewrites ``img/*.png``. A maintainer's tool: the lessons show the PNGs
(``lessonlib.show_diagram``), they never import this module.
Each ``draw_*`` function draws on ``ax`` (by default a new stand-alone Figure of its size in
``_FIGURES``) and returns the axes drawn on.
"""

from __future__ import annotations

import itertools
import pathlib
import sys

DPI = 150

# One colour per role, shared by every diagram: input weights, recurrent weights, output weights.
_BLUE, _ORANGE, _GREEN, _GREY = "#1f6fb4", "#d9590f", "#2e8b3a", "#555555"
_FILL = {"input": "#dbe9f6", "hidden": "#fde4cf", "output": "#d8f0d8"}

_NODE_FONT, _LABEL_FONT, _NOTE_FONT, _RADIUS = 18, 16, 14, 0.5


def _new_axes(ax, draw):
    """Return ``ax``, or the axes of a new stand-alone Figure sized for the diagram ``draw`` makes."""
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    size = {function: size for _, function, size in _FIGURES}[draw]
    return Figure(figsize=size, dpi=DPI, facecolor="white").add_subplot()


def _finish(ax, xlim, ylim):
    """Fix the data limits, keep circles round and hide the frame."""
    ax.set(xlim=xlim, ylim=ylim, aspect="equal")
    ax.set_axis_off()
    return ax


def _node(ax, xy, label, color, *, shape="circle", size=(2 * _RADIUS, 2 * _RADIUS)):
    """Draw one unit (circle) or one layer (rounded box) at ``xy`` with ``label`` in it; return the patch,
    which ``_arrow`` accepts as a start or end so arrows stop at its edge."""
    from matplotlib.patches import Circle, FancyBboxPatch

    (x, y), (w, h) = xy, size
    style = dict(facecolor=_FILL[color], edgecolor="#333333", linewidth=2.5, zorder=2)
    patch = (Circle(xy, w / 2, **style) if shape == "circle" else
             FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.2", **style))
    ax.add_patch(patch)
    ax.text(x, y, label, ha="center", va="center", fontsize=_NODE_FONT, zorder=3)
    return patch


def _center(end):
    """The centre of a patch made by ``_node``, or ``end`` itself if it is already a point."""
    if hasattr(end, "center"):  # Circle
        return tuple(end.center)
    if hasattr(end, "get_x"):  # FancyBboxPatch
        return (end.get_x() + end.get_width() / 2, end.get_y() + end.get_height() / 2)
    return tuple(end)


def _arrow(ax, start, end, color, label=None, *, offset=(0.0, 0.0), ha="center", va="center", lw=3.0, head=24):
    """Draw a thick arrow from ``start`` to ``end`` (points or node patches), optionally labelled.

    The label sits at the arrow's midpoint moved by ``offset`` (data units), in the arrow's colour,
    on a white patch so crossing lines never run through the text.
    """
    from matplotlib.patches import FancyArrowPatch

    a, b = _center(start), _center(end)
    ax.add_patch(FancyArrowPatch(a, b, patchA=None if isinstance(start, tuple) else start,
                                 patchB=None if isinstance(end, tuple) else end, arrowstyle="-|>",
                                 mutation_scale=head, linewidth=lw, color=color, shrinkA=3, shrinkB=3, zorder=1))
    if label:
        mid = ((a[0] + b[0]) / 2 + offset[0], (a[1] + b[1]) / 2 + offset[1])
        _text(ax, mid, label, color, ha=ha, va=va)


def _text(ax, xy, text, color="black", *, size=_LABEL_FONT, ha="center", va="center", **kw):
    """Text on a white rounded patch (for labels that sit on or next to lines)."""
    ax.text(*xy, text, color=color, fontsize=size, ha=ha, va=va, zorder=4,
            bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"), **kw)


def _weight_legend(ax, loc):
    """A legend tying each arrow colour to its weight set."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=c, linewidth=4) for c in (_BLUE, _ORANGE, _GREEN)]
    names = [r"$W_x$  input weights", r"$W_h$  recurrent weights", r"$W_y$  output weights"]
    ax.legend(handles, names, loc=loc, fontsize=_NOTE_FONT, frameon=False, handlelength=1.8)


def draw_simple_mlp(ax=None):
    """Draw a feed-forward network: 3 inputs, 4 hidden units, 1 output, arrows left to right."""
    ax = _new_axes(ax, draw_simple_mlp)
    xs = {"input": 0.0, "hidden": 3.5, "output": 7.0}
    inputs = [_node(ax, (xs["input"], y), f"$x_{i + 1}$", "input") for i, y in enumerate((1.6, 0.0, -1.6))]
    hidden = [_node(ax, (xs["hidden"], y), f"$h_{i + 1}$", "hidden") for i, y in enumerate((2.4, 0.8, -0.8, -2.4))]
    output = _node(ax, (xs["output"], 0.0), r"$\hat{y}$", "output")
    for i in inputs:
        for h in hidden:
            _arrow(ax, i, h, _BLUE, lw=2.0, head=16)
    for h in hidden:
        _arrow(ax, h, output, _GREEN, lw=2.0, head=18)
    for name, x in xs.items():
        _text(ax, (x, -3.5), f"{name} layer", size=_LABEL_FONT)
    return _finish(ax, (-1.2, 8.2), (-4.0, 3.1))


def draw_rnn(ax=None):
    """Draw a recurrent network in compact form: input, hidden layer with a loop, output.

    The loop on the hidden layer is the recurrence: the state ``h(t-1)`` is fed back in when
    computing ``h(t)``.
    """
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path

    ax = _new_axes(ax, draw_rnn)
    box = (2.2, 1.0)
    x_in = _node(ax, (0.0, 0.0), "$x_t$", "input", shape="box", size=box)
    h = _node(ax, (0.0, 2.6), "$h_t$", "hidden", shape="box", size=box)
    y_out = _node(ax, (0.0, 5.2), r"$\hat{y}_t$", "output", shape="box", size=box)
    _arrow(ax, x_in, h, _BLUE, "$W_x$", offset=(0.2, 0.0), ha="left")
    _arrow(ax, h, y_out, _GREEN, "$W_y$", offset=(0.2, 0.0), ha="left")

    # Self-loop: leaves the right edge near the top, comes back in near the bottom.
    right = box[0] / 2
    loop = Path([(right, 2.85), (right + 2.2, 3.9), (right + 2.2, 1.3), (right, 2.35)],
                [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4])
    ax.add_patch(FancyArrowPatch(path=loop, arrowstyle="-|>", mutation_scale=24, linewidth=3, color=_ORANGE, zorder=1))
    _text(ax, (right + 1.95, 2.6), "$W_h$\nrecurrent weights\n" r"$h_{t-1} \rightarrow h_t$",
          _ORANGE, ha="left", linespacing=1.4)

    for name, y in (("input", 0.0), ("hidden\n(recurrent)", 2.6), ("output", 5.2)):
        _text(ax, (-box[0] / 2 - 0.3, y), name, _GREY, ha="right")
    return _finish(ax, (-3.5, 5.6), (-0.7, 5.9))


def draw_rnn_unrolled(ax=None):
    """Draw a recurrent network unrolled over four steps, with its three weight sets labelled.

    Inputs ``x_0..x_3`` feed hidden states ``h_0..h_3`` through ``W_x`` (blue); each state
    feeds the next through ``W_h`` (orange); the last state gives the forecast ``x̂_4`` through
    ``W_y`` (green). The same three weight sets are reused at every step.
    """
    ax = _new_axes(ax, draw_rnn_unrolled)
    step = 2.6
    xs = [_node(ax, (t * step, 0.0), f"$x_{t}$", "input") for t in range(4)]
    hs = [_node(ax, (t * step, 2.5), f"$h_{t}$", "hidden") for t in range(4)]
    out = _node(ax, (3 * step, 5.0), r"$\hat{x}_4$", "output")
    for x, h in zip(xs, hs, strict=True):
        _arrow(ax, x, h, _BLUE, "$W_x$", offset=(0.12, 0.0), ha="left")
    for a, b in itertools.pairwise(hs):
        _arrow(ax, a, b, _ORANGE, "$W_h$", offset=(0.0, 0.5))
    _arrow(ax, hs[-1], out, _GREEN, "$W_y$", offset=(0.12, 0.0), ha="left")
    _text(ax, (3 * step + 0.75, 5.0), "forecast of\nthe next value", _GREY, size=_NOTE_FONT, ha="left")
    _weight_legend(ax, "upper left")
    _text(ax, (1.5 * step, -1.2), "the same three weight sets are reused at every step", _GREY, size=_NOTE_FONT,
          style="italic")
    return _finish(ax, (-0.9, 3 * step + 2.6), (-1.6, 5.7))


def draw_rnn_two_layer(ax=None):
    """Draw two stacked recurrent layers unrolled over four steps.

    The first layer hands its state at every step up to the second (``return_sequences=True``); only
    the second layer's last state reaches the output (``return_sequences=False``).
    """
    ax = _new_axes(ax, draw_rnn_two_layer)
    step, rows = 2.2, (0.0, 2.2, 4.4, 6.6)
    xs = [_node(ax, (t * step, rows[0]), f"$x_{t}$", "input") for t in range(4)]
    h1 = [_node(ax, (t * step, rows[1]), f"$h^1_{t}$", "hidden") for t in range(4)]
    h2 = [_node(ax, (t * step, rows[2]), f"$h^2_{t}$", "hidden") for t in range(4)]
    out = _node(ax, (3 * step, rows[3]), r"$\hat{x}_4$", "output")
    for a, b in [*zip(xs, h1, strict=True), *zip(h1, h2, strict=True)]:
        _arrow(ax, a, b, _BLUE)
    for a, b in [*itertools.pairwise(h1), *itertools.pairwise(h2)]:
        _arrow(ax, a, b, _ORANGE)
    _arrow(ax, h2[-1], out, _GREEN)

    note_x = 3 * step + 0.85
    notes = ((rows[1], "layer 1", "return_sequences=True", "every step goes up"),
             (rows[2], "layer 2", "return_sequences=False", "only the last step goes on"))
    for y, name, setting, meaning in notes:
        _text(ax, (note_x, y + 0.5), name, ha="left", size=_LABEL_FONT, weight="bold")
        _text(ax, (note_x, y), setting, _ORANGE, ha="left", size=_NOTE_FONT, family="monospace")
        _text(ax, (note_x, y - 0.5), meaning, _GREY, ha="left", size=_NOTE_FONT)
    _text(ax, (note_x, rows[3]), "output", _GREY, ha="left")
    _text(ax, (-0.85, rows[0]), "input", _GREY, ha="right")
    _weight_legend(ax, "upper left")
    _text(ax, (1.5 * step, -1.2), "each layer has its own $W_x$ and $W_h$, reused at every step", _GREY,
          size=_NOTE_FONT, style="italic")
    return _finish(ax, (-2.4, note_x + 4.6), (-1.6, 8.4))


# Every diagram: its file in img/, the function that draws it, its figure size in inches.
_FIGURES = (
    ("simple-mlp.png", draw_simple_mlp, (8.0, 5.0)),
    ("rnn.png", draw_rnn, (7.0, 6.0)),
    ("rnn-unrolled-labeled.png", draw_rnn_unrolled, (9.0, 5.5)),
    ("rnn-2-layer-unrolled.png", draw_rnn_two_layer, (9.0, 7.0)),
)


def save_all(folder="img"):
    """Draw every diagram into its own Figure and save it as a PNG in ``folder`` (created if needed);
    return the paths written, in a fixed order.

    Files are written at a fixed dpi without a "Software" stamp, so running this twice gives
    byte-identical files (tests/test_figures.py checks both).
    """
    from matplotlib.figure import Figure

    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for filename, draw, size in _FIGURES:
        fig = Figure(figsize=size, dpi=DPI, facecolor="white")
        ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
        draw(ax)
        path = folder / filename
        fig.savefig(path, dpi=DPI, facecolor="white", bbox_inches="tight", pad_inches=0.25, metadata={"Software": None})
        fig.clear()  # not registered with pyplot, so nothing else holds on to it
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in save_all(sys.argv[1] if len(sys.argv) > 1 else "img"):
        print(written)
