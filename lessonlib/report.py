"""Scores on the same test items (on a large fresh set with 95 % intervals), the tables that show them,
and checked claims: how a lesson states how good each model really is."""

from __future__ import annotations

import html
import json
import os
from typing import NamedTuple

import numpy as np

from ._validation import check_choice, check_float, check_inexact_reference, check_paired, check_series
from .metrics import MEASURES, MSE, Measure, mse
from .uncertainty import Interval

RECORD_VARIABLE = "LESSONLIB_RECORD"  # a file's path: tables and claims are also written there as data


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
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def score_forecasts(predictions, y_noisy, y_clean, *, reference, seconds=None):
    """Score each named forecast (one per test window, in display order) against the noisy and the clean
    (noise-free) targets of the same windows: a dict of name to ``ForecastScore``.

    ``reference`` is the key of the yardstick whose clean MSE divides every other one (the "x optimum"
    column); if it is exact (``metrics.MSE.exact``, e.g. without noise) every ratio is NaN. ``seconds`` maps a method
    to its training time; methods without an entry show "-".
    """
    check_choice("reference", reference, list(predictions))
    clean = {name: mse(pred, y_clean) for name, pred in predictions.items()}
    scale = float("nan") if MSE.exact(clean[reference]) else clean[reference]  # an exact yardstick: no ratio
    return {name: ForecastScore(mse(pred, y_noisy), clean[name], clean[name] / scale, (seconds or {}).get(name))
            for name, pred in predictions.items()}


def forecast_table(scores):
    """A ScoreTable of ``score_forecasts``'s result, best first by error against the clean signal."""
    header = ["method", "MSE vs noisy", "MSE vs clean", MSE.header("optimum"), "train s"]
    ordered = sorted(scores.items(), key=lambda item: item[1].mse_clean)
    rows = [[name, f"{s.mse_noisy:.3f}", f"{s.mse_clean:.4f}", f"{s.ratio:.1f}",
             "-" if s.seconds is None else f"{s.seconds:.1f}"] for name, s in ordered]
    return ScoreTable(header, rows)


class FreshScore(NamedTuple):
    """A method on a large fresh test set: its score and that score relative to a reference, each an
    ``Interval`` (95 %)."""

    value: Interval
    relative: Interval


def score_fresh(predictions, truth, *, measure, reference):
    """Score each method on the same independent windows or sequences, with 95 % intervals: a dict of
    name to ``FreshScore``.

    ``predictions`` maps each method, in display order, to its predictions (labels, for 'accuracy'), one
    per item of ``truth``. Intervals relative to a reference method use the pairing (the same items for
    every method), so they are much narrower than the two methods' own intervals would suggest.

    Parameters
    ----------
    measure : {'mse', 'accuracy', 'rmse'} or metrics.Measure
        'mse': ``value`` is the mean squared error, ``relative`` the ratio of MSEs to the reference's.
        'accuracy': ``value`` is the accuracy in percent, ``relative`` the reference's accuracy minus
        this one's, in points. 'rmse': ``value`` is the root of the MSE, ``relative`` still the ratio of
        MSEs to the reference's, or to the square of ``reference`` itself if it is a number (one scale).
    reference : str or float
        The key of the method every ``relative`` is measured against (it must make some error, or no
        ratio to it exists); for 'rmse' also a positive number, a bound in the measure's units (e.g.
        the Cramér-Rao bound).

    Examples
    --------
    >>> truth = np.arange(400) % 2
    >>> scores = score_fresh({"right": truth, "coin": np.zeros(400)}, truth, measure="accuracy",
    ...                      reference="right")
    >>> print(scores["coin"].value, "|", scores["coin"].relative)
    50 (95% CI 45–55) | 50 (95% CI 45–55)
    >>> truth = np.linspace(1, 5, 400)
    >>> noisy = truth + np.random.default_rng(0).normal(0, 0.04, 400)
    >>> print(score_fresh({"net": noisy}, truth, measure="rmse", reference=0.02)["net"].relative)
    4.0 (95% CI 3.4–4.6)
    """
    measure = _measure(measure)
    if measure.takes_bound and not isinstance(reference, str):
        reference = check_float("reference", reference, low=0, low_open=True)
    else:
        check_choice("reference", reference, list(predictions))
    truth = check_series("truth", np.ravel(truth))
    per_item = {name: measure.per_item(check_paired(f"predictions[{name!r}]", np.ravel(values), "truth", truth)[0],
                                       truth) for name, values in predictions.items()}
    if isinstance(reference, str):
        check_inexact_reference(reference, measure, per_item[reference])
        reference = per_item[reference]
    return {name: FreshScore(*measure.intervals(items, reference)) for name, items in per_item.items()}


def _measure(measure):
    """A ``Measure`` from itself or its name."""
    return measure if isinstance(measure, Measure) else MEASURES[check_choice("measure", measure, tuple(MEASURES))]


def interval_table(scores, header):
    """A ScoreTable with one row per method: its name, then each field of its score as text. With
    ``LESSONLIB_RECORD`` set, each row's figures are also recorded as shown (for benchmarks/bench.py).

    Examples
    --------
    >>> print(interval_table({"a": (Interval(1.0, 0.9, 1.1),)}, ["method", "MSE"]))
    method  MSE
    ------  --------------------
    a       1.0 (95% CI 0.9–1.1)
    """
    header = [str(h) for h in header]
    _record({"header": header, "rows": [[str(name), *map(_number_shown, score)] for name, score in scores.items()]})
    return ScoreTable(header, [[name, *map(str, score)] for name, score in scores.items()])


def _number_shown(field):
    """A table field's number as the table shows it: an ``Interval``'s estimate as rounded, a number as
    is, or the number a text the lesson formatted itself starts with (None if none)."""
    if isinstance(field, Interval):
        return field.shown
    if isinstance(field, (int, float, np.number)):
        return float(field)
    try:
        return float(str(field).split(maxsplit=1)[0].replace(",", ""))
    except (ValueError, IndexError):  # a text that does not start with a number: no figure
        return None


def _record(entry):
    """Append ``entry`` as a JSON line to the file ``LESSONLIB_RECORD`` names, if it names one:
    benchmarks/bench.py reads a lesson's tables and claims there as data, not from its outputs."""
    path = os.environ.get(RECORD_VARIABLE)
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(json.dumps(entry) + "\n")


def claim(statement, holds):
    """Print a checked statement, or raise ``AssertionError`` naming it if it does not hold (with
    ``LESSONLIB_RECORD`` set, also record whether it held, for benchmarks/bench.py).

    Lessons use it under their result tables, so the prose can never silently drift from the
    numbers: if a re-run stops supporting a sentence, the notebook (and its test) fails there.

    Examples
    --------
    >>> claim("2 is less than 3", 2 < 3)
    checked: 2 is less than 3
    """
    _record({"claim": statement, "holds": bool(holds)})
    if not holds:
        raise AssertionError(f"This lesson's claim no longer holds: {statement}")
    print(f"checked: {statement}")
