"""What a lesson's explorer panel reads: its labels, its pictures, and a run as its tables show it.

The run (``explore.Task``) knows nothing of these; the panel (``widgets``) reads a ``Panel`` and a
``explore.Run`` and formats them here, with the run's ``metrics.Measure``. Pure: no ipywidgets, no
matplotlib at import (the pictures are drawn by the lesson's functions, on axes they are given).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .report import ScoreTable


class Panel(NamedTuple):
    """One lesson's panel: ``row_label`` heads the first column of a run's table, ``metric`` the
    network's value, ``relative`` its comparison with the optimum; ``items`` says what the test set
    holds (``"windows"``, ``"sequences"``). ``preview(settings, ax)`` draws the data for a value of the
    lesson's settings type (the one the run gets), ``plot(view, ax, title)`` the network's predictions
    (an ``explore.View``). ``labels`` gives a control its label where it is not its setting's name."""

    row_label: str
    metric: str
    relative: str
    items: str
    preview: Callable
    plot: Callable
    labels: dict = {}  # noqa: RUF012 -- read only

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
    its comparison with the optimum and its training time."""
    header = [panel.row_label, panel.metric, panel.relative, "train s"]
    rows = [[name, run.task.measure.format(s.value), _relative(s), "-" if s.seconds is None else f"{s.seconds:.1f}"]
            for name, s in run.scores.items()]
    return ScoreTable(header, rows)


def run_summary(run, panel):
    """One row for a table of runs, ``{column: text}``: the settings (but the seed), the network's
    scores, how the run went."""
    net, measure = run.network, run.task.measure
    settings = {panel.label(name): _setting(value) for name, value in run.settings._asdict().items()
                if name != "seed"}
    return {**settings, panel.metric: measure.format(net.value), panel.relative: _relative(net),
            "epochs": f"{run.epochs} (kept {run.best_epoch})", "ended": run.ended, "train s": f"{net.seconds:.1f}"}


def _setting(value):
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _relative(score):
    if score.relative is None:
        return "-"
    return f"{score.relative:.2f}" if score.interval is None else str(score.interval)
