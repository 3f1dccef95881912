"""Small tables of scores, and checked claims: how a lesson states how good each model really is."""

from __future__ import annotations

import html
from typing import NamedTuple

import numpy as np

from ._validation import check_choice, check_float, check_same_length
from .metrics import mse
from .uncertainty import Interval, difference_interval, mean_interval, ratio_interval


class ForecastScore(NamedTuple):
    """One row of a forecast comparison: errors against noisy and clean targets, and cost."""

    mse_noisy: float
    mse_clean: float
    ratio: float
    seconds: float | None


class ScoreTable:
    """Rows of named scores that render as a plain-text table and as HTML in a notebook.

    Examples
    --------
    >>> table = ScoreTable(["model", "accuracy"], [["chance", "0.50"], ["filter", "0.94"]])
    >>> print(table)
    model   accuracy
    ------  --------
    chance  0.50
    filter  0.94
    """

    def __init__(self, header, rows):
        self.header = [str(h) for h in header]
        self.rows = [[str(cell) for cell in row] for row in rows]

    def __repr__(self):
        widths = [max(len(r[i]) for r in [self.header, *self.rows]) for i in range(len(self.header))]
        lines = [self.header, ["-" * w for w in widths], *self.rows]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines)

    def _repr_html_(self):
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in self.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def score_forecasts(predictions, y_noisy, y_clean, *, reference, seconds=None):
    """Score each named forecast against the noisy and the clean targets of the same windows.

    Parameters
    ----------
    predictions : dict of str to array
        One forecast per test window for each method, in display order.
    y_noisy, y_clean : array of shape (n_windows,)
        The observed next values, and the noise-free signal at the same time steps.
    reference : str
        The key of the yardstick whose clean MSE divides every other one (the "x bound" column).
        If the yardstick is exact (MSE 0, e.g. without noise) every ratio is NaN.
    seconds : dict of str to float, optional
        Training time per method; methods without an entry show "-".

    Returns
    -------
    dict of str to ForecastScore
    """
    check_choice("reference", reference, list(predictions))
    seconds = seconds or {}
    clean = {name: mse(pred, y_clean) for name, pred in predictions.items()}
    scale = clean[reference] if clean[reference] > 0 else float("nan")  # an exact yardstick: no ratio
    return {name: ForecastScore(mse(pred, y_noisy), clean[name], clean[name] / scale,
                                seconds.get(name)) for name, pred in predictions.items()}


def forecast_table(scores, *, ratio_label="x optimum"):
    """A ScoreTable of ``score_forecasts``'s result, best first by error against the clean signal.

    ``ratio_label`` heads the column of ratios to ``score_forecasts``'s reference.
    """
    header = ["method", "MSE vs noisy", "MSE vs clean", ratio_label, "train s"]
    ordered = sorted(scores.items(), key=lambda item: item[1].mse_clean)
    rows = [[name, f"{s.mse_noisy:.3f}", f"{s.mse_clean:.4f}", f"{s.ratio:.1f}",
             "-" if s.seconds is None else f"{s.seconds:.1f}"] for name, s in ordered]
    return ScoreTable(header, rows)


class FreshForecastScore(NamedTuple):
    """A forecaster on a large fresh test set: its MSE against the clean signal, and that MSE as a
    multiple of the reference's on the same windows, each with its 95 % interval."""

    mse: Interval
    ratio: Interval


def score_on_fresh_windows(predictions, y_clean, *, reference):
    """Score forecasts of independent windows against the clean next values, with 95 % intervals.

    The ratio's interval uses the pairing (the same windows for every method), so it is much
    narrower than the two MSEs' intervals would suggest.

    Parameters
    ----------
    predictions : dict of str to array of shape (n,)
        Each method's forecasts, in display order.
    y_clean : array of shape (n,)
        The clean next value of each window.
    reference : str
        The key of the method every ratio is relative to, e.g. the optimal forecast.

    Returns
    -------
    dict of str to FreshForecastScore

    Examples
    --------
    >>> y = np.sin(np.arange(20_000.0))
    >>> rng = np.random.default_rng(0)
    >>> scores = score_on_fresh_windows({"good": y + rng.normal(0, 0.1, 20_000),
    ...                                  "bad": y + rng.normal(0, 0.2, 20_000)}, y, reference="good")
    >>> print(scores["bad"].ratio)
    4.1 (95% CI 4.0–4.2)
    """
    check_choice("reference", reference, list(predictions))
    y_clean = np.asarray(y_clean, dtype=float).ravel()
    predictions = {name: np.asarray(pred, dtype=float).ravel() for name, pred in predictions.items()}
    for name, pred in predictions.items():
        check_same_length(f"predictions[{name!r}]", pred, "y_clean", y_clean)
    errors = {name: (pred - y_clean) ** 2 for name, pred in predictions.items()}
    return {name: FreshForecastScore(mean_interval(error), ratio_interval(error, errors[reference]))
            for name, error in errors.items()}


class FreshAccuracyScore(NamedTuple):
    """A classifier on a large fresh test set: its accuracy in percent, and the reference's accuracy
    minus its own in percentage points (the gap), each with its 95 % interval."""

    accuracy: Interval
    gap: Interval


def accuracy_on_fresh_windows(labels, y_true, *, reference):
    """Score predicted labels of independent windows, with 95 % intervals (accuracy in percent).

    Examples
    --------
    >>> y_true = np.arange(400) % 2
    >>> scores = accuracy_on_fresh_windows({"right": y_true, "coin": np.zeros(400)}, y_true,
    ...                                    reference="right")
    >>> print(scores["coin"].accuracy, "|", scores["coin"].gap)
    50 (95% CI 45–55) | 50 (95% CI 45–55)
    """
    check_choice("reference", reference, list(labels))
    y_true = np.asarray(y_true).ravel()
    labels = {name: np.asarray(pred).ravel() for name, pred in labels.items()}
    for name, pred in labels.items():
        check_same_length(f"labels[{name!r}]", pred, "y_true", y_true)
    correct = {name: (pred == y_true).astype(float) for name, pred in labels.items()}
    return {name: FreshAccuracyScore(Interval(*(100 * v for v in mean_interval(right)[:3])),
                                     difference_interval(correct[reference], right))
            for name, right in correct.items()}


class FreshRmseScore(NamedTuple):
    """An estimator on a large fresh test set: its RMSE, and that RMSE as a multiple of a bound,
    each with its 95 % interval."""

    rmse: Interval
    ratio: Interval


def rmse_on_fresh_sequences(estimates, true_values, *, bound):
    """RMSE of each estimator on independent sequences, and as a multiple of ``bound``, with intervals.

    Examples
    --------
    >>> truth = np.linspace(1, 5, 400)
    >>> rng = np.random.default_rng(0)
    >>> print(rmse_on_fresh_sequences({"net": truth + rng.normal(0, 0.04, 400)}, truth, bound=0.02)["net"].ratio)
    2.0 (95% CI 1.8–2.1)
    """
    bound = check_float("bound", bound, low=0, low_open=True)
    true_values = np.asarray(true_values, dtype=float).ravel()
    scores = {}
    for name, estimate in estimates.items():
        estimate = np.asarray(estimate, dtype=float).ravel()
        check_same_length(f"estimates[{name!r}]", estimate, "true_values", true_values)
        squared = (estimate - true_values) ** 2
        rmse = Interval(*(float(np.sqrt(max(v, 0.0))) for v in mean_interval(squared)[:3]))
        scores[name] = FreshRmseScore(rmse, Interval(*(v / bound for v in rmse[:3])))
    return scores


def interval_table(scores, header):
    """A ScoreTable with one row per method: its name, then each field of its score as text.

    Examples
    --------
    >>> print(interval_table({"a": (Interval(1.0, 0.9, 1.1),)}, ["method", "MSE"]))
    method  MSE
    ------  --------------------
    a       1.0 (95% CI 0.9–1.1)
    """
    return ScoreTable(header, [[name, *map(str, score)] for name, score in scores.items()])


def claim(statement, holds):
    """Print a checked statement, or raise ``AssertionError`` naming it if it does not hold.

    Lessons use it under their result tables, so the prose can never silently drift from the
    numbers: if a re-run stops supporting a sentence, the notebook (and its test) fails there.

    Examples
    --------
    >>> claim("2 is less than 3", 2 < 3)
    checked: 2 is less than 3
    """
    if not holds:
        raise AssertionError(f"This lesson's claim no longer holds: {statement}")
    print(f"checked: {statement}")
