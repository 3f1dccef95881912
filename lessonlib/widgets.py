"""Explorer panels: sliders and a Train button around a plain ``run_*`` function from ``explore``.

The panel only collects the settings, calls the run function and renders what it returns; the
computation and the tables live in plain functions that tests call directly. This module imports
ipywidgets and matplotlib, so ``lessonlib/__init__.py`` does not import it eagerly: the lessons
reach the panels as ``lessonlib.forecast_explorer()`` and its siblings, which load it on first use.
"""

from __future__ import annotations

import functools
import traceback

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import HTML, display

from ._validation import check_int
from .classification import two_sines, windows_and_labels
from .data import noisy_sine
from .explore import (
    FREQ_RANGE,
    N_POINTS_RANGE,
    NOISE_RANGE,
    WINDOW_RANGE,
    run_classification,
    run_forecast,
    run_regression,
    sequence_duration,
)
from .models import CELL_TYPES
from .plots import plot_forecast, plot_probability_histograms, plot_series, plot_true_vs_predicted
from .regression import random_frequency_sequences
from .report import ScoreTable
from .windows import split_and_windowize


class Explorer(widgets.VBox):
    """A panel: controls, a cheap preview of the data, a Train button with a progress bar, the
    last run's plot and score table, and a table of every run so far.

    Parameters
    ----------
    run : callable
        Called as ``run(**settings, on_epoch=callback)`` when Train is clicked, ``settings`` being
        ``{name: control.value}``. It returns a result with ``.table()`` (a ScoreTable of that run)
        and ``.summary()`` (a dict of column to text, one history row), and may call
        ``callback(epoch, epochs)`` after each epoch.
    controls : dict of str to ipywidgets widget
        The settings' widgets, in display order; each has a ``value``.
    preview : callable
        ``preview(settings, ax)`` draws the data for the current settings without training. It
        runs whenever a control changes, so it must be cheap.
    plot : callable
        ``plot(result, ax)`` draws a run's result.
    title : str, default ""
        HTML shown above the controls.

    Attributes
    ----------
    results : list
        Every successful run's result, oldest first; ``last_result`` is the latest or None.
    errors : list of Exception
        Every failed run's exception, oldest first.
    last_figure : matplotlib.figure.Figure or None
        The figure drawn most recently, preview or result.
    """

    def __init__(self, run, controls, *, preview, plot, title=""):
        self.run, self.controls, self.preview, self.plot = run, dict(controls), preview, plot
        self.results, self.errors, self.last_figure = [], [], None
        self.train_button = widgets.Button(description="Train", icon="play", button_style="primary")
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="epochs")
        self.status = widgets.Label("Choose settings, then click Train.")
        self.preview_out, self.result_out, self.history_out = (widgets.Output() for _ in range(3))
        self.train_button.on_click(self._on_train)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        super().__init__([widgets.HTML(title), widgets.HBox(list(self.controls.values())),
                          self.preview_out,
                          widgets.HBox([self.train_button, self.progress, self.status]),
                          self.result_out, self.history_out])
        self.draw_preview()

    @property
    def last_result(self):
        """The latest successful run's result, or None before the first one."""
        return self.results[-1] if self.results else None

    def settings(self):
        """The controls' current values, ``{name: value}``."""
        return {name: control.value for name, control in self.controls.items()}

    def history_table(self):
        """Every successful run so far as a ScoreTable, numbered from 1, oldest first."""
        rows = [result.summary() for result in self.results]
        header = ["run", *rows[0]] if rows else ["run"]
        return ScoreTable(header, [[i, *row.values()] for i, row in enumerate(rows, start=1)])

    def draw_preview(self):
        """Redraw the data preview for the current settings (no training)."""
        self._draw(self.preview_out, lambda ax: self.preview(self.settings(), ax), (12, 2.8))

    def train(self):
        """Run once with the current settings and render the result, or the error it raised.

        The Train button is disabled meanwhile and enabled again whatever happens. An error is
        shown in the panel and kept in ``errors``, not raised: a widget callback's exceptions
        would otherwise only reach JupyterLab's log console, where a student would not see them.
        """
        self.train_button.disabled = True
        self.progress.value, self.progress.bar_style = 0, ""
        self.status.value = "Training..."
        try:
            result = self.run(**self.settings(), on_epoch=self._on_epoch)
            self.results.append(result)
            self._show_result(result)
        except Exception as error:  # noqa: BLE001 -- shown to the student and recorded below
            self.errors.append(error)
            self._show_error(error)
        finally:
            self.train_button.disabled = False

    def _on_train(self, _button):
        self.train()

    def _on_change(self, _change):
        try:
            self.draw_preview()
        except Exception as error:  # noqa: BLE001 -- else it would only reach JupyterLab's log
            self._show_traceback(self.preview_out, error)

    def _on_epoch(self, epoch, epochs):
        self.progress.max = epochs
        self.progress.value = epoch
        self.status.value = f"Training... epoch {epoch} of {epochs}"

    def _show_result(self, result):
        self.status.value = f"Run {len(self.results)} done."
        self.progress.bar_style = "success"
        self._draw(self.result_out, lambda ax: self.plot(result, ax), (12, 3.5), result.table())
        with self.history_out:
            self.history_out.clear_output(wait=True)
            display(HTML("<b>All runs so far</b>"), self.history_table())

    def _show_error(self, error):
        self.status.value = f"The run failed: {type(error).__name__}: {error}"
        self.progress.bar_style = "danger"
        self._show_traceback(self.result_out, error)

    @staticmethod
    def _show_traceback(out, error):
        """Replace what ``out`` shows by the error's traceback, as standard error output.

        Setting ``outputs`` (rather than printing inside ``with out:``) works the same in a kernel
        and outside one, so tests can read what a student would see.
        """
        out.outputs = ()
        out.append_stderr("".join(traceback.format_exception(error)))

    def _draw(self, out, draw, figsize, table=None):
        """Draw a figure with ``draw(ax)``; show it and ``table`` in ``out``, replacing both."""
        if self.last_figure is not None:
            plt.close(self.last_figure)  # shown already; outside a notebook figures would pile up
        self.last_figure, ax = plt.subplots(figsize=figsize)
        try:
            draw(ax)
        except Exception:
            plt.close(self.last_figure)  # or the next plt.show() would show it too
            raise
        with out:
            out.clear_output(wait=True)
            plt.show()
            if table is not None:
                display(table)


def forecast_explorer(seed=0):
    """Lesson 1's explorer: noise, window and cell type, then train a trimmed network and compare.

    Lessons call it as ``lessonlib.forecast_explorer()``.

    Each click on Train calls ``lessonlib.explore.run_forecast`` (see there what is trimmed
    relative to the lesson's recipe, and why) and adds a row to the table of runs.

    Parameters
    ----------
    seed : int, default 0
        Seed of every run: the same settings give the same numbers.

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError, TypeError
        If ``seed`` is not a non-negative integer.
    """
    return _lesson_explorer(1, run_forecast, _preview_forecast, _plot_forecast_run, seed=seed,
                            noise=0.5, size=("window", 50, WINDOW_RANGE, "window"))


def _lesson_explorer(lesson, run, preview, plot, *, seed, noise, size):
    """An Explorer whose runs and previews all use ``seed``, with lesson ``lesson``'s controls."""
    seed = check_int("seed", seed, low=0)
    return Explorer(functools.partial(run, seed=seed), _controls(noise=noise, size=size),
                    preview=functools.partial(preview, seed=seed), plot=plot,
                    title=f"<b>Explore lesson {lesson}</b>: move the sliders, pick a cell, click Train.")


def _controls(*, noise, size):
    """Sliders for the noise and a size (``(name, value, (low, high), label)``), and the cell."""
    style = {"description_width": "initial"}
    name, value, (low, high), label = size
    return {
        "noise": widgets.FloatSlider(value=noise, min=NOISE_RANGE[0], max=NOISE_RANGE[1],
                                     step=0.05, description="noise (std)",
                                     continuous_update=False, style=style),
        name: widgets.IntSlider(value=value, min=low, max=high, description=label,
                                continuous_update=False, style=style),
        "cell": widgets.ToggleButtons(options=CELL_TYPES, value="LSTM", description="cell",
                                      style=style),
    }


def _preview_forecast(settings, ax, *, seed):
    """The noisy series for these settings, with the first test window shaded and its target."""
    series = noisy_sine(500, noise=settings["noise"], seed=seed)
    window = settings["window"]
    start = len(split_and_windowize(series.noisy, window)[2]) + window  # the cut, see plot_split
    plot_series(series.t, series.noisy, clean=series.clean, ax=ax,
                title=f"noise {settings['noise']:.2f}: the series the network sees (its last 500 "
                      f"points); shaded: one input window of {window} values, star: its target")
    ax.axvspan(series.t[start], series.t[start + window - 1], color="tab:orange", alpha=0.25)
    ax.plot(series.t[start + window], series.noisy[start + window], "*", color="black", ms=12)
    return ax


def _plot_forecast_run(result, ax):
    """A run's test predictions, noisy targets and clean signal, as in the lesson."""
    s = result.settings
    title = (f"{s.cell}, noise {s.noise:.2f}, window {s.window}: test predictions "
             f"({result.ratio:.1f}x the sine fit's error)")
    return plot_forecast(result.t_test, result.predictions, result.y_test, result.y_test_clean,
                         ax=ax, title=title)


def classification_explorer(seed=0):
    """Lesson 2's explorer: noise, window and cell type, then train a trimmed classifier and
    compare it with the matched filter.

    Lessons call it as ``lessonlib.classification_explorer()``.

    Each click on Train calls ``lessonlib.explore.run_classification`` (see there what is trimmed
    relative to the lesson's recipe, and why) and adds a row to the table of runs.

    Parameters
    ----------
    seed : int, default 0
        Seed of every run: the same settings give the same numbers.

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError, TypeError
        If ``seed`` is not a non-negative integer.
    """
    return _lesson_explorer(2, run_classification, _preview_classification, _plot_classification_run,
                            seed=seed, noise=0.5, size=("window", 50, WINDOW_RANGE, "window"))


def _preview_classification(settings, ax, *, seed):
    """The first test window of each class at these settings, noisy values over clean sines."""
    data = two_sines(500, t_max=90.0, noise=settings["noise"], seed=seed)
    window = settings["window"]
    x_test = windows_and_labels(data.noisy_a, data.noisy_b, window)[1]
    start = len(split_and_windowize(data.noisy_a, window)[0]) + window  # see plot_split
    t = data.t[start:start + window]
    for name, values, clean, color in [("class 0, sin t", x_test[0, :, 0], data.clean_a, "tab:blue"),
                                       ("class 1, sin 1.1t", x_test[len(x_test) // 2, :, 0],
                                        data.clean_b, "tab:orange")]:
        ax.plot(t, clean[start:start + window], color=color, lw=1.5, alpha=0.6)
        ax.plot(t, values, ".", color=color, ms=7, label=f"{name}: what the network sees")
    ax.set(xlabel="t", ylabel="value",
           title=f"noise {settings['noise']:.2f}: the first test window of {window} values of each "
                 f"class (dots), over the clean sines (lines)")
    ax.legend(loc="upper right", fontsize="small")
    return ax


def _plot_classification_run(result, ax):
    """A run's predicted probabilities on the test windows, one histogram per true class."""
    s, net = result.settings, result.network
    title = (f"{s.cell}, noise {s.noise:.2f}, window {s.window}: test accuracy {net.accuracy:.1%} "
             f"({result.gap:.1f} points below the matched filter)")
    return plot_probability_histograms(result.probabilities, result.y_test, ax=ax, title=title,
                                       class_names=("sin t", "sin 1.1t"))


def regression_explorer(seed=0):
    """Lesson 3's explorer: noise, samples per sequence and cell type, then train a trimmed network
    to read off frequencies and compare it with the classical estimator and the Cramér-Rao bound.

    Lessons call it as ``lessonlib.regression_explorer()``. Each click on Train calls
    ``lessonlib.explore.run_regression`` (see there what is trimmed relative to the lesson's
    recipe, and how the number of samples sets the duration) and adds a row to the table of runs.

    Parameters
    ----------
    seed : int, default 0
        Seed of every run: the same settings give the same numbers.

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError, TypeError
        If ``seed`` is not a non-negative integer.
    """
    return _lesson_explorer(3, run_regression, _preview_regression, _plot_regression_run, seed=seed,
                            noise=0.3, size=("n_points", 50, N_POINTS_RANGE, "length (samples)"))


def _preview_regression(settings, ax, *, seed, n_shown=3):
    """A few sequences at these settings, stacked, each labelled with its true frequency."""
    n_points = settings["n_points"]
    data = random_frequency_sequences(n_shown, n_points=n_points, duration=sequence_duration(n_points),
                                      freq_range=FREQ_RANGE, noise=settings["noise"], seed=seed)
    for i, (signal, frequency) in enumerate(zip(data.signals, data.frequencies, strict=True)):
        offset = 3.5 * (n_shown - 1 - i)
        ax.plot(data.t, signal + offset, ".-", lw=0.5, label=f"f = {frequency:.2f}")
    ax.set(xlabel="t", yticks=[],
           title=f"noise {settings['noise']:.2f}: {n_shown} sequences of {n_points} samples over "
                 f"{data.t[-1]:.1f} time units; the network must read off each one's f")
    ax.legend(loc="upper right", fontsize="small")
    return ax


def _plot_regression_run(result, ax):
    """A run's predicted against true frequencies on the test sequences."""
    s = result.settings
    title = (f"{s.cell}, noise {s.noise:.2f}, {s.n_points} samples: {result.ratio:.1f}x the "
             f"Cramér-Rao bound")
    return plot_true_vs_predicted(result.y_test, result.predictions, ax=ax, title=title)
