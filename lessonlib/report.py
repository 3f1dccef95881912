"""Small tables of scores, and checked claims: how a lesson states how good each model really is."""

from __future__ import annotations

import html
from typing import NamedTuple

from ._validation import check_choice
from .metrics import mse


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


def forecast_table(scores):
    """A ScoreTable of ``score_forecasts``'s result, best first by error against the clean signal."""
    header = ["method", "MSE vs noisy", "MSE vs clean", "x sine fit", "train s"]
    ordered = sorted(scores.items(), key=lambda item: item[1].mse_clean)
    rows = [[name, f"{s.mse_noisy:.3f}", f"{s.mse_clean:.4f}", f"{s.ratio:.1f}",
             "-" if s.seconds is None else f"{s.seconds:.1f}"] for name, s in ordered]
    return ScoreTable(header, rows)


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
