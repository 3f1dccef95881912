"""What a lesson's explorer panel reads: its labels, its pictures, and a run as its tables show it.

The run (``explore.Task``) knows nothing of these; the panel (``widgets``) reads a ``Panel`` and a
``explore.Run`` and formats them here, with the run's ``metrics.Measure``. Pure: no ipywidgets, no
matplotlib at import (the pictures are drawn by the lesson's functions, on axes they are given).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .explore import network_name
from .report import ScoreTable


class Panel(NamedTuple):
    """One lesson's panel: ``row_label`` heads the first column of a run's table, ``metric`` the
    network's value, ``relative`` its comparison with the optimum; ``items`` says what the test set
    holds (``"windows"``, ``"sequences"``). ``preview(settings, ax)`` draws the data for a value of the
    lesson's settings type (the one the run gets), ``plot(view, ax, title)`` the network's predictions
    (an ``explore.View``). ``labels`` gives a control its label where it is not its setting's name;
    ``units`` are the forecasts' (an interval's width is in them), for a lesson whose runs check
    forecast intervals (``explore.Run.coverage``)."""

    row_label: str
    metric: str
    relative: str
    items: str
    preview: Callable
    plot: Callable
    labels: dict = {}  # noqa: RUF012 -- read only
    units: str = ""

    def label(self, name):
        """The label of setting ``name``'s control and column.

        Examples
        --------
        >>> Panel("method", "MSE", "x optimum", "windows", None, None, {"n_points": "samples"}).label("n_points")
        'samples'
        """
        return self.labels.get(name, name)


def run_table(run, panel):
    """A run's scores as a ScoreTable: the network, the yardsticks, the optimum, each with its value,
    its comparison with the optimum and its training time; for a run that checked forecast intervals
    (``run.coverage``), each one's coverage and width ("-" for a method without one)."""
    header = [panel.row_label, panel.metric, panel.relative, "train s"]
    rows = [[name, run.task.measure.format(s.value), _relative(s), "-" if s.seconds is None else f"{s.seconds:.1f}"]
            for name, s in run.scores.items()]
    if run.coverage:
        header += _coverage_header(run, panel)
        rows = [[*row, *_coverage_cells(run.coverage.get(row[0]))] for row in rows]
    return ScoreTable(header, rows)


def coverage_note(run, panel):
    """What the coverage columns of ``run_table`` mean, in a sentence; "" for a run without them."""
    if not run.coverage:
        return ""
    level = next(iter(run.coverage.values())).level
    low, high = (1 - level) / 2, (1 + level) / 2
    return (f"Each {level:.0%} interval is the method's forecast plus the {low:.0%} and {high:.0%} quantiles of "
            f"its own errors on the validation {panel.items}; its coverage is the share of the test "
            f"{panel.items} it held, which should be {level:.0%}.")


def run_summary(run, panel):
    """One row for a table of runs, ``{column: text}``: the settings (but the seed), the network's
    scores (and its interval's coverage, if the run checked one), how the run went."""
    net, measure = run.network, run.task.measure
    settings = {panel.label(name): _setting(value) for name, value in run.settings._asdict().items()
                if name != "seed"}
    coverage = {}
    if run.coverage:
        network = run.coverage[network_name(run.settings.cell)]
        coverage = dict(zip(_coverage_header(run, panel), _coverage_cells(network), strict=True))
    return {**settings, panel.metric: measure.format(net.value), panel.relative: _relative(net), **coverage,
            "epochs": f"{run.epochs} (kept {run.best_epoch})", "ended": run.ended, "train s": f"{net.seconds:.1f}"}


def _coverage_header(run, panel):
    level = next(iter(run.coverage.values())).level
    return [f"{level:.0%} interval: coverage", f"its width{f' ({panel.units})' if panel.units else ''}"]


def _coverage_cells(coverage):
    """A forecast interval's coverage in percent with its interval, and its width; "-" for none."""
    if coverage is None:
        return ["-", "-"]
    share = coverage.coverage
    shown = f"{share.estimate:.0%} ({share.level:.0%} CI {100 * share.low:.0f}–{share.high:.0%})"
    return [shown, f"{coverage.width:.3g}"]


def _setting(value):
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _relative(score):
    if score.relative is None:
        return "-"
    return f"{score.relative:.2f}" if score.interval is None else str(score.interval)
