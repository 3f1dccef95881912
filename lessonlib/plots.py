"""Plot helpers for the lessons. Each takes ``ax=None``, draws, and returns the axes (no ``plt.show``)."""

from __future__ import annotations

import numpy as np

from ._validation import (
    check_float,
    check_paired,
    check_same_length,
    check_scores_and_labels,
    check_series,
    check_split_counts,
)
from .metrics import rmse, roc_auc

PREDICTION, ACTUAL, IDEAL = "tab:blue", "tab:red", "tab:green"
ROC_STYLES = ["--", "-", "-.", (0, (5, 1.5, 1, 1.5, 1, 1.5))]  # the ROC curves after the first: dash-dot-dot last


def _axes(ax, figsize):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)[1]


def plot_series(t, values, *, clean=None, ax=None, title=None):
    """Dots for a sampled series against time, with the clean signal as a line if given."""
    t, values = check_paired("t", t, "values", values)
    ax = _axes(ax, (10.5, 2.8))
    ax.plot(t, values, ".", color=ACTUAL, ms=4, label="observed")
    if clean is not None:
        ax.plot(t, check_paired("t", t, "clean", clean)[1], "-", color=IDEAL, lw=1.5, label="clean signal")
        ax.legend(loc="upper right")
    ax.set(xlabel="t", ylabel="value", title=title)
    return ax


def plot_forecast(t, predictions, actual, ideal, *, optimum=None, ax=None, title=None):
    """The original lesson's picture: one-step predictions, the noisy actual values, and the ideal.

    ``optimum``, if given, is the best possible forecast from the same windows (the Bayes
    forecast): the closest any method that sees only a window can get to the ideal. It often
    coincides with the ideal, so the ideal is drawn wide and pale underneath and the optimum thin,
    dashed and black on top; the legend goes in one row above the curves, in room made for it.
    """
    t = check_series("t", t)
    curves = (("predictions", predictions), ("actual", actual), ("ideal", ideal), ("optimum", optimum))
    for name, values in curves:
        if values is not None:
            check_same_length("t", t, name, check_series(name, np.ravel(values)))
    ax = _axes(ax, (9.5, 3.2))
    ax.plot(t, np.ravel(predictions), ".-", color=PREDICTION, lw=0.5, ms=4, label="predictions", zorder=3)
    ax.plot(t, actual, ".", color=ACTUAL, label="actual", zorder=2)
    ax.plot(t, ideal, "-", color=IDEAL, lw=4, alpha=0.45, label="ideal", zorder=1)
    if optimum is not None:
        ax.plot(t, np.ravel(optimum), "--", color="black", lw=1.2, label="best possible (Bayes)", zorder=4)
    bottom, top = ax.get_ylim()
    ax.set(xlabel="t", ylabel="value", title=title, ylim=(bottom, top + 0.25 * (top - bottom)))
    ax.legend(loc="upper center", ncols=4, fontsize="small", frameon=False)
    return ax


def plot_input_gradients(gradients, *, log=False, ax=None, title=None):
    """Gradient size per input step for several models, most recent step on the right.

    ``gradients`` maps a model's name to ``input_gradients(model, windows)``. The y-axis is linear
    from 0, so that a value near zero looks small; on a log scale (``log=True``) a weight passing
    through zero, as the sine fit's do, cuts a deep notch, and draws the eye to what matters least.
    """
    ax = _axes(ax, (8, 3.2))
    for name, values in gradients.items():
        values = check_series(f"gradients[{name!r}]", values)
        ax.plot(np.arange(len(values))[::-1], values, ".-", label=name)  # x: steps back
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    ax.invert_xaxis()
    ax.set(xlabel="steps before the prediction", ylabel="mean |d prediction / d input|", title=title)
    ax.legend()
    return ax


def plot_split(t, values, *, window, n_train, n_test, ax=None, title=None):
    """Colour a series by role in ``split_and_windowize``: training targets, skipped, test targets.

    ``n_train`` and ``n_test`` are the numbers of training and test windows; the first ``window``
    values are inputs only, and the ``window`` values after the cut are never a target.
    """
    t, values = check_paired("t", t, "values", values)
    window, n_train, n_test = check_split_counts(window, n_train, n_test, len(t))
    ax = _axes(ax, (10.5, 2.8))
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


def plot_probability_histograms(probabilities, y_true, *, ax=None, title=None, class_names=("0", "1")):
    """The original lesson's picture: histograms of the predicted probability of class 1, per true class."""
    probabilities, y_true = check_scores_and_labels("probabilities", probabilities, y_true)
    ax = _axes(ax, (7, 4))
    bins = np.linspace(0, 1, 21)
    for label, name in enumerate(class_names):
        ax.hist(probabilities[y_true == label], bins=bins, alpha=0.5, label=f"true class {name}")
    ax.axvline(0.5, color="black", lw=1, ls="--")
    ax.set(xlabel="predicted probability of class 1", ylabel="windows", title=title, xlim=(0, 1))
    ax.legend()
    return ax


def plot_roc(scores, y_true, *, zoom=None, ax=None, title=None):
    """ROC curves (scikit-learn's ``RocCurveDisplay``), one per named score array, with the area under
    each curve in the legend, which goes to the right of the axes.

    The first curve (the one to reach) is drawn wide and pale, the others thin in their own colour and
    line style on top, so that curves on top of each other stay apart.
    ``zoom=(fpr, tpr)``, if given, adds an inset over the empty corner below the chance line that
    magnifies the top left, false positive rates 0 to ``fpr`` and true positive rates ``tpr`` to 1,
    where the curves of good classifiers crowd together.
    """
    from sklearn.metrics import RocCurveDisplay

    if zoom is not None:
        if np.shape(zoom) != (2,):
            raise ValueError(f"`zoom` must be a pair (fpr, tpr). Received: zoom={zoom!r}.")
        zoom = (check_float("zoom[0]", zoom[0], low=0, high=1, low_open=True),
                check_float("zoom[1]", zoom[1], low=0, high=1, high_open=True))
    ax = _axes(ax, (7.5, 4.5))
    for i, (name, values) in enumerate(scores.items()):
        values, labels = check_scores_and_labels(f"scores[{name!r}]", values, y_true, both_classes=True)
        style = {"lw": 3.5, "alpha": 0.5} if i == 0 else {"lw": 1.6, "ls": ROC_STYLES[(i - 1) % len(ROC_STYLES)]}
        # The style goes on the drawn line: scikit-learn 1.7 renamed the argument that passes it (`**kwargs`
        # became `curve_kwargs`), and setting it afterwards draws the same with every version since 1.3.
        curve = RocCurveDisplay.from_predictions(labels, values, ax=ax).line_
        curve.set(**style)
        curve.set_label(f"{name} (AUC {roc_auc(values, labels):.3f})")
    ax.plot([0, 1], [0, 1], color="gray", lw=1, ls=":", label="chance")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title=title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.03, 1), fontsize="small", frameon=False)
    if zoom is not None:
        _roc_inset(ax, *zoom)
    return ax


def _roc_inset(ax, fpr, tpr):
    """Redraw the axes' lines in an inset at the lower right, limited to the top-left corner."""
    from matplotlib.lines import Line2D

    inset = ax.inset_axes([0.47, 0.06, 0.5, 0.42], xlim=(-0.005 * fpr, fpr), ylim=(tpr, 1 + 0.005 * (1 - tpr)))
    for line in ax.lines:
        copy = Line2D(line.get_xdata(), line.get_ydata())
        copy.update_from(line)  # colour, style, width, and the transform and clipping, set anew below
        copy.set_transform(inset.transData)
        copy.set_clip_path(inset.patch)
        inset.add_line(copy)
    inset.tick_params(labelsize="x-small")
    inset.set_title("top left, magnified", fontsize="small")
    indicator = ax.indicate_inset_zoom(inset, edgecolor="black")
    # matplotlib 3.10 returns an InsetIndicator; 3.8 and 3.9 a pair (frame, connectors).
    connectors = indicator.connectors if hasattr(indicator, "connectors") else indicator[1]
    for connector in connectors:
        connector.set_visible(False)  # they would cross the curves; the frame marks the corner
    return inset


def plot_confusion(labels, y_true, *, ax=None, title=None, class_names=("0", "1")):
    """A 2 x 2 confusion matrix with counts (scikit-learn's ``ConfusionMatrixDisplay``): rows are the
    true class, columns the predicted one."""
    from sklearn.metrics import ConfusionMatrixDisplay

    labels, y_true = check_scores_and_labels("labels", labels, y_true)
    ax = _axes(ax, (4, 4))
    ConfusionMatrixDisplay.from_predictions(y_true, labels, labels=[0, 1], display_labels=class_names, ax=ax,
                                            cmap="Blues", colorbar=False, values_format="d",
                                            text_kw={"fontsize": 16})
    ax.set(xlabel="predicted class", ylabel="true class", title=title)
    return ax


def plot_true_vs_predicted(true, predicted, *, ax=None, title=None):
    """Scatter of predicted against true values with the identity line; the RMSE goes in the title."""
    from matplotlib.ticker import AutoLocator

    true, predicted = check_paired("true", np.ravel(true), "predicted", np.ravel(predicted), min_length=1)

    ax = _prediction_error(true, predicted, "actual_vs_predicted", ax, (5, 5))
    ax.lines[-1].set_label("perfect (identity)")
    for axis in (ax.xaxis, ax.yaxis):  # round ticks instead of the display's five at min to max
        axis.set_major_locator(AutoLocator())
    ax.set(xlabel="true value", ylabel="predicted value",
           title=f"{title + ': ' if title else ''}RMSE {rmse(predicted, true):.3f}")
    ax.legend(loc="upper left")
    return ax


def plot_residuals(true, predicted, *, ax=None, title=None):
    """Residuals (predicted minus true) against the true value, with the zero line."""
    true, predicted = check_paired("true", np.ravel(true), "predicted", np.ravel(predicted), min_length=1)
    ax = _prediction_error(true, predicted, "residual_vs_predicted", ax, (7, 3.5))
    ax.set(xlabel="true value", ylabel="predicted - true", title=title)
    return ax


def _prediction_error(true, predicted, kind, ax, figsize):
    """scikit-learn's ``PredictionErrorDisplay`` of every point, the true values on the x-axis (it puts its
    ``y_pred`` there and plots ``y_true - y_pred``, hence the swap)."""
    from sklearn.metrics import PredictionErrorDisplay

    ax = _axes(ax, figsize)
    PredictionErrorDisplay.from_predictions(predicted, true, kind=kind, subsample=None, ax=ax,
                                            scatter_kwargs={"s": 8, "alpha": 0.6},
                                            line_kwargs={"color": "black", "lw": 1, "linestyle": "-"})
    return ax
