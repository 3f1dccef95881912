"""Plot helpers for the lessons. Each takes ``ax=None``, draws, and returns the axes (no ``plt.show``)."""

from __future__ import annotations

import numpy as np

from ._validation import check_same_length, check_series

PREDICTION, ACTUAL, IDEAL = "tab:blue", "tab:red", "tab:green"


def _axes(ax, figsize):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)[1]


def plot_series(t, values, *, clean=None, ax=None, title=None):
    """Dots for a sampled series against time, with the clean signal as a line if given."""
    t = check_series("t", t)
    values = check_series("values", values)
    check_same_length("t", t, "values", values)
    ax = _axes(ax, (14, 3))
    ax.plot(t, values, ".", color=ACTUAL, ms=4, label="observed")
    if clean is not None:
        clean = check_series("clean", clean)
        check_same_length("t", t, "clean", clean)
        ax.plot(t, clean, "-", color=IDEAL, lw=1.5, label="clean signal")
        ax.legend(loc="upper right")
    ax.set(xlabel="t", ylabel="value", title=title)
    return ax


def plot_forecast(t, predictions, actual, ideal, *, ax=None, title=None):
    """The original lesson's picture: one-step predictions, the noisy actual values, and the ideal."""
    t = check_series("t", t)
    for name, values in (("predictions", predictions), ("actual", actual), ("ideal", ideal)):
        check_same_length("t", t, name, check_series(name, np.ravel(values)))
    ax = _axes(ax, (12, 4))
    ax.plot(t, np.ravel(predictions), ".-", color=PREDICTION, lw=0.5, label="predictions")
    ax.plot(t, actual, ".", color=ACTUAL, label="actual")
    ax.plot(t, ideal, "-", color=IDEAL, label="ideal")
    ax.set(xlabel="t", ylabel="value", title=title)
    ax.legend(loc="upper right")
    return ax


def plot_input_gradients(gradients, *, ax=None, title=None):
    """Gradient size per input step for several models, on a log scale, most recent step on the right.

    ``gradients`` maps a model's name to ``input_gradients(model, windows)``.
    """
    ax = _axes(ax, (9, 4))
    for name, values in gradients.items():
        values = check_series(f"gradients[{name!r}]", values)
        steps_back = np.arange(len(values))[::-1]
        ax.semilogy(steps_back, values, ".-", label=name)
    ax.invert_xaxis()
    ax.set(xlabel="steps before the prediction", ylabel="mean |d prediction / d input|",
           title=title)
    ax.legend()
    return ax


def plot_split(t, values, *, window, n_train, n_test, ax=None, title=None):
    """Colour a series by role in ``split_and_windowize``: training targets, skipped, test targets.

    ``n_train`` and ``n_test`` are the numbers of training and test windows; the first ``window``
    values are inputs only, and the ``window`` values after the cut are never a target.
    """
    t = check_series("t", t)
    values = check_series("values", values)
    check_same_length("t", t, "values", values)
    if window + n_train + window + n_test != len(t):
        raise ValueError(f"`window`, `n_train` and `n_test` must account for every value: "
                         f"2 * window + n_train + n_test == len(t). Received: window={window}, "
                         f"n_train={n_train}, n_test={n_test} with len(t)={len(t)}.")
    ax = _axes(ax, (14, 3))
    cut = window + n_train
    roles = [(slice(0, window), "lightgray", "inputs only"),
             (slice(window, cut), "tab:blue", f"training targets ({n_train})"),
             (slice(cut, cut + window), "lightgray", None),
             (slice(cut + window, None), "tab:orange", f"test targets ({n_test})")]
    for part, color, label in roles:
        ax.plot(t[part], values[part], ".", color=color, ms=4, label=label)
    ax.axvline((t[cut - 1] + t[cut]) / 2, color="black", lw=1, ls="--", label="cut")
    ax.set(xlabel="t", ylabel="value", title=title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=5, fontsize="small", frameon=False)
    return ax
