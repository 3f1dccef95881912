"""The explorer panel: sliders, a Train button that turns into Stop, and a network that learns live.

A panel collects the settings, runs ``explore.run`` for its lesson's ``Task`` on a thread, and renders
what it reports: after every epoch the curve of the network's test score against the yardsticks (with
the last runs' curves, faded) and its current predictions; at the end the run's table and a table of
every run. The kernel stays free meanwhile, so Stop gets through. The run's thread only sets widget
values, which ipywidgets sends from any thread (never ``with output:``); the pictures are drawn on a
second thread, the painter, on figures of their own (no ``pyplot``), so that training never waits for
them. Nothing imports this module eagerly (it loads ipywidgets and matplotlib): the lessons reach their
panels as ``lessonlib.forecast_explorer()`` and its siblings. It knows nothing of any lesson.
"""

from __future__ import annotations

import functools
import io
import textwrap
import threading
import time
import traceback
import weakref
from collections import deque

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, NullFormatter

from . import explore
from ._validation import check_int
from .explore import EXACT, N_CURVE, N_TEST, NOISE_RANGE
from .models import CELL_TYPES
from .report import ScoreTable

REFRESH = 0.25  # s: the fewest seconds between two redraws of the curve (or of the status line)
REFRESH_VIEW = 1.0  # s: the same for the picture of the predictions, which costs as much again
STOP_GRACE = 0.5  # s: a click this soon after Train is the second half of a double click, not Stop
LIVE_FIGSIZE = (6.6, 3.4)
PAST_RUNS = 4  # earlier runs' curves kept, faded, in the curve picture
CELL_COLORS = {"SimpleRNN": "tab:red", "LSTM": "tab:blue", "GRU": "tab:purple"}
INTERRUPT_NOTE = "The kernel's interrupt (■) does not reach a run: Stop ends it."
_PANELS = weakref.WeakSet()  # every panel alive in this kernel: at most one of them runs


class Explorer(widgets.VBox):
    """A panel: controls, a preview of the data, Train (then Stop), the live curve and predictions,
    the run's table and a table of every run so far.

    Parameters
    ----------
    run : callable
        Called on a thread as ``run(**settings, should_stop=..., on_update=...)``, ``settings`` being
        ``{name: control.value}``; it reports ``explore.Progress`` updates, asks ``should_stop()``
        after every batch and returns an ``explore.Run``.
    controls : dict of str to ipywidgets widget
        The settings' widgets, in display order.
    preview : callable
        ``preview(settings, ax)`` draws the data for the settings, whenever a control changes: cheap.
    plot : callable
        ``plot(view, ax, title)`` draws the network's predictions (an ``explore.View``).
    curve : callable
        ``curve(ax, scores, references, budget, best_epoch, cell=..., past=...)`` draws the test score
        per epoch of a run of ``cell``, and ``past``: earlier runs' ``(label, cell, scores)``.
    title : str, default ""
        HTML shown above the controls.

    A run ends with its panel: closing it, building another panel (re-running the cell) or starting
    a run in another panel stops it within a batch, unscored. Only the latest result keeps its
    network (``model``), so memory stays flat.

    Attributes
    ----------
    results, errors : list
        Every finished run's result (stopped ones included) and every failed run's exception, oldest
        first; ``last_result`` is the latest result or None.
    past : deque
        The last ``PAST_RUNS`` runs' curves, ``(label, cell, scores)``, drawn faded until ``clear_curves``.
    frames : int
        How many times the live pictures were drawn, over all runs.
    """

    def __init__(self, run, controls, *, preview, plot, curve, title=""):
        self.run, self.controls, self.preview = run, dict(controls), preview
        self.plot, self.curve = plot, curve
        self.results, self.errors, self.frames = [], [], 0
        self.preview_figure = self.curve_figure = self.view_figure = None
        self._lock = threading.Lock()
        self._thread, self._stop, self._started, self._drawn = None, threading.Event(), 0.0, 0.0
        self._settings, self._view_drawn, self._painter, self._abandoned = None, 0.0, None, False
        self.past = deque(maxlen=PAST_RUNS)
        for other in list(_PANELS):  # a new panel (the cell run again): the old ones' runs end
            other.abandon()
        _PANELS.add(self)
        self.train_button = widgets.Button(description="Train", icon="play", button_style="primary")
        self.clear_button = widgets.Button(description="Clear curves", icon="eraser",
                                           tooltip="Forget the earlier runs' curves")
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="epochs")
        self.status = widgets.HTML("Choose settings, then click Train.")
        self.preview_out, self.error_out = widgets.Output(), widgets.Output()
        self.curve_image, self.view_image = (widgets.Image(format="png", layout=widgets.Layout(max_width="50%"))
                                             for _ in range(2))  # side by side, shrunk to fit
        self.result_html, self.history_html, self.curves_html = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.train_button.on_click(self._on_click)
        self.clear_button.on_click(lambda _button: self.clear_curves())
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        super().__init__([widgets.HTML(title), widgets.HBox(list(self.controls.values()),
                                                            layout=widgets.Layout(flex_flow="row wrap")),
                          self.preview_out,
                          widgets.HBox([self.train_button, self.progress, self.clear_button]), self.status,
                          widgets.HBox([self.curve_image, self.view_image]), self.curves_html, self.error_out,
                          self.result_html, self.history_html])
        for widget, name in [(self, "explorer"), (self.train_button, "train"), (self.status, "status"),
                             (self.clear_button, "clear"), (self.curves_html, "curves"),
                             (self.curve_image, "curve"), (self.view_image, "view")]:
            widget.add_class(f"lessonlib-{name}")  # for the browser tests (and a student's CSS)
        self.draw_preview()

    @property
    def last_result(self):
        """The latest finished run's result, or None before the first one."""
        return self.results[-1] if self.results else None

    @property
    def running(self):
        """True from a click on Train until the run has ended and the controls are back."""
        return self._thread is not None

    def settings(self):
        """The controls' current values, ``{name: value}``."""
        return {name: control.value for name, control in self.controls.items()}

    def history_table(self):
        """Every finished run so far as a ScoreTable, numbered from 1, oldest first."""
        rows = [result.summary() for result in self.results]
        header = ["run", *rows[0]] if rows else ["run"]
        return ScoreTable(header, [[i, *row.values()] for i, row in enumerate(rows, start=1)])

    def draw_preview(self):
        """Redraw the data preview for the current settings (no training)."""
        self.preview_figure, ax = plt.subplots(figsize=(12, 2.8))
        try:
            self.preview(self.settings(), ax)
            with self.preview_out:
                self.preview_out.clear_output(wait=True)
                plt.show()
        finally:
            plt.close(self.preview_figure)  # shown (or failed): outside a notebook figures would pile up

    # --- a run --------------------------------------------------------------------------------

    def start(self):
        """Start a run with the current settings on a thread; False (and nothing) if one is running.

        The controls are disabled and Train turns into Stop until the run ends, whatever ends it.
        """
        with self._lock:
            if self._thread is not None:
                return False
            for other in list(_PANELS):
                if other is not self:
                    other.abandon()
            self._settings, self._abandoned = self.settings(), False
            self._stop.clear()
            self._started, self._drawn, self._view_drawn = time.perf_counter(), 0.0, 0.0
            self._thread = threading.Thread(target=self._work, args=(self._settings,), daemon=True,
                                            name="lessonlib-explorer")
            self._set_controls(running=True)
        self.progress.value, self.progress.bar_style = 0, ""
        self.error_out.outputs = ()
        self.status.value = "Preparing the data and the yardsticks..."
        self._thread.start()
        return True

    def stop(self):
        """Ask the run to end after its current batch; it then scores what it has learnt."""
        if self._thread is not None:
            self._stop.set()
            self.status.value = "Stopping..."

    def abandon(self):
        """End the run (if any) within a batch without scoring it: its panel is gone or replaced."""
        if self._thread is not None:
            self._abandoned = True
            self._stop.set()
            self.status.value = "Ended: another explorer was started or this one was closed."

    def close(self):
        """Close the panel; a run under way ends with it."""
        self.abandon()
        _PANELS.discard(self)
        super().close()

    def clear_curves(self):
        """Forget the earlier runs' curves: the next picture shows the current run alone."""
        self.past.clear()
        if self.last_result is not None and self._thread is None:
            result = self.last_result
            self._draw_curve(result.curve, result.references, self.progress.max, result.best_epoch)

    def wait(self, timeout=None):
        """Wait until the run (if any) has ended; return True if none is running any more."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._thread is None

    def _on_click(self, _button):
        if not self.start() and time.perf_counter() - self._started > STOP_GRACE:
            self.stop()

    def _on_change(self, _change):
        try:
            self.draw_preview()
        except Exception as error:  # noqa: BLE001 -- else it would only reach JupyterLab's log
            self._show_traceback(self.preview_out, error)

    def _set_controls(self, *, running):
        for control in self.controls.values():
            control.disabled = running
        button = self.train_button
        button.description, button.icon = ("Stop", "stop") if running else ("Train", "play")
        button.button_style = "danger" if running else "primary"

    def _work(self, settings):
        """The thread: run, then show the result or the error; give the controls back whatever happens."""
        self._painter = _Painter()
        try:
            result = self.run(**settings, should_stop=self._should_stop, on_update=self._on_update)
            if self.results:  # only the latest run keeps its network: memory stays flat
                self.results[-1] = self.results[-1]._replace(model=None)
            self.results.append(result)
            self._show_result(result)
        except _Abandoned:
            pass
        except Exception as error:  # noqa: BLE001 -- shown to the student and recorded below
            self.errors.append(error)
            self._show_error(error)
        finally:
            try:
                self._painter.close()
            except Exception:  # noqa: BLE001 -- a drawing error after the run's end: already shown
                pass
            self._painter = None
            with self._lock:  # a click meanwhile waits, then finds the run over
                self._set_controls(running=False)
                self._thread = None

    def _should_stop(self):
        if self._abandoned:
            raise _Abandoned
        return self._stop.is_set()

    def _on_update(self, progress):
        """On the run's thread, after batches and epochs: the status line, and the pictures after an
        epoch or when the yardsticks are known, at most every REFRESH seconds."""
        now = time.perf_counter()
        if now - self._drawn < REFRESH and progress.batch != 0:
            return
        self.progress.max, self.progress.value = progress.budget, progress.epoch
        loss = "" if progress.loss is None else f", training loss {progress.loss:.4g}"
        if progress.batch:
            doing = f"epoch {progress.epoch + 1}, batch {progress.batch} of {progress.batches}"
        elif progress.curve:
            doing = f"{progress.epoch} of at most {progress.budget} epochs done"
        else:
            doing = "building the network"
        if not self._stop.is_set():
            self.status.value = f"Training ({now - self._started:.0f} s): {doing}{loss}."
        if progress.batch == 0:
            self._painter.submit("curve", functools.partial(
                self._draw_curve, progress.curve, progress.references, progress.budget, None))
            if progress.view is not None and now - self._view_drawn >= REFRESH_VIEW:
                self._view_drawn = now
                self._painter.submit("view", functools.partial(self._draw_view, progress.view, progress.epoch))
        self._drawn = now

    def drawn(self, timeout=None):
        """Wait until the live pictures show the run's latest progress; True unless ``timeout`` ran out."""
        painter = self._painter
        return True if painter is None else painter.flush(timeout)

    def _draw_curve(self, scores, references, budget, best_epoch):
        cell, past = (self._settings or self.settings())["cell"], tuple(self.past)
        faded = "; ".join(label for label, _, _ in past)
        self.curves_html.value = (f"<small>Curves: this run ({cell}, bold)"
                                  f"{f'; faded: {faded}' if faded else ''}.</small>")
        self.curve_figure, self.curve_image.value = _render(
            lambda ax: self.curve(ax, scores, references, budget, best_epoch, cell=cell, past=past))
        self.frames += 1

    def _draw_view(self, view, epoch):
        title = f"{_describe(self._settings, self.controls)}, after epoch {epoch}"
        self.view_figure, self.view_image.value = _render(lambda ax: self.plot(view, ax, title))

    def _show_result(self, result):
        self._painter.flush()  # the live pictures first, then the final ones over them
        self._draw_curve(result.curve, result.references, self.progress.max, result.best_epoch)
        s = self._settings
        self.past.append((f"run {len(self.results)}: {_describe(s, self.controls)}", s["cell"], result.curve))
        self._draw_view(result.view, result.best_epoch)
        self.progress.value = result.epochs
        self.progress.bar_style = "warning" if result.ended == "stopped" else "success"
        why = {"converged": "its validation loss stopped improving", "budget": "its epoch budget was spent",
               "stopped": "you stopped it"}[result.ended]
        self.status.value = (f"Run {len(self.results)} done after {_epochs(result.epochs)} "
                             f"({result.seconds:.1f} s): {why}; it keeps epoch {result.best_epoch}.")
        note = ""
        if getattr(result, "exact", False):
            note = ("<p>At noise 0 the optimum is exact (no error), so the errors are shown as values, "
                    "not as multiples of zero.</p>")
        self.result_html.value = (f"<b>Run {len(self.results)}: scores on {N_TEST:,} fresh test "
                                  f"{result.task.items}</b>"
                                  f"{note}{result.table()._repr_html_()}")
        self.history_html.value = f"<b>All runs so far</b>{self.history_table()._repr_html_()}"

    def _show_error(self, error):
        self.status.value = f"The run failed: {type(error).__name__}: {error}"
        self.progress.bar_style = "danger"
        self._show_traceback(self.error_out, error)

    @staticmethod
    def _show_traceback(out, error):
        """Show the error's traceback in ``out``: setting ``outputs`` works from any thread, in a
        kernel or not (tests read what a student would see)."""
        out.outputs = ()
        out.append_stderr("".join(traceback.format_exception(error)))


class _Abandoned(Exception):
    """Raised in a run's thread, at its next batch, when its panel was closed or replaced."""


class _Painter:
    """Draws a run's live pictures on a thread of its own, skipping one that a newer picture of its
    kind replaced; an error while drawing is raised in the run's thread at its next hand-over (or at
    ``close``), so that it ends the run like any other."""

    def __init__(self):
        self._pending, self._busy, self._closed, self._error = {}, False, False, None
        self._ready = threading.Condition()
        self._thread = threading.Thread(target=self._paint, daemon=True, name="lessonlib-painter")
        self._thread.start()

    def submit(self, kind, draw):
        """Draw ``draw()`` soon, unless another ``kind`` picture comes first."""
        with self._ready:
            self._raise()
            self._pending[kind] = draw
            self._ready.notify_all()

    def flush(self, timeout=None):
        """Wait until everything handed over is drawn; True unless ``timeout`` ran out."""
        with self._ready:
            done = self._ready.wait_for(lambda: not self._pending and not self._busy, timeout)
            self._raise()
            return done

    def close(self):
        """Draw what is pending, then end the thread."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()
        self._thread.join()
        with self._ready:
            self._raise()

    def _raise(self):
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _paint(self):
        while True:
            with self._ready:
                self._ready.wait_for(lambda: self._pending or self._closed)
                if not self._pending:
                    return
                draw = self._pending.pop(next(iter(self._pending)))
                self._busy = True
            try:
                draw()
            except Exception as error:  # noqa: BLE001 -- raised in the run's thread, see submit
                self._error = error
            finally:
                with self._ready:
                    self._busy = False
                    self._ready.notify_all()


def _epochs(n):
    return f"{n} epoch{'' if n == 1 else 's'}"


def _render(draw, figsize=LIVE_FIGSIZE):
    """Draw with ``draw(ax)`` on a new figure of its own (no pyplot: safe on any thread); return the
    figure and its PNG bytes. A long title is wrapped, so that a narrow panel cuts none of it."""
    figure = Figure(figsize=figsize)
    figure.subplots_adjust(left=0.12, right=0.97, bottom=0.15, top=0.84)  # fixed: a layout engine costs
    FigureCanvasAgg(figure)                                                 # as much as the drawing
    ax = figure.add_subplot()
    draw(ax)
    ax.set_title(textwrap.fill(ax.get_title(), 62), fontsize="medium")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    return figure, buffer.getvalue()


def _describe(settings, controls):
    """A run's settings in a few words: its cell, noise and the other controls' values, by their labels.

    Examples
    --------
    >>> _describe({"noise": 0.5, "n_points": 50, "cell": "GRU"}, {"n_points": widgets.IntSlider(description="length")})
    'GRU, noise 0.50, length 50'
    """
    others = "".join(f", {controls[name].description} {value}" for name, value in settings.items()
                     if name not in ("noise", "cell"))
    return f"{settings['cell']}, noise {settings['noise']:.2f}{others}"


def _plot_curve(ax, scores, references, budget, best_epoch, *, cell="LSTM", past=(), metric, log, percent,
                items):
    """The network's test score after each epoch, the earlier runs' faded, a horizontal line per yardstick."""
    scale = 100 if percent else 1
    colors = iter(["tab:gray", "tab:orange", "tab:brown", "tab:olive"])
    for name, value in references.items():
        color = "tab:green" if "optimum" in name or "bound" in name else next(colors)
        if not percent and value < EXACT:  # exact (at noise 0): no line at 0 on a log scale
            ax.plot([], [], ls="none", label=f"{name}: 0 (exact)")
            continue
        ax.axhline(scale * value, color=color, lw=1.5, ls="--",
                   label=f"{name}: {scale * value:.3g}{'%' if percent else ''}")
    for label, past_cell, past_scores in past:
        ax.plot(scale * np.asarray(past_scores), "-", color=CELL_COLORS[past_cell], lw=1, alpha=0.4, label=label)
    if scores:
        ax.plot(scale * np.asarray(scores), "o-", color=CELL_COLORS[cell], ms=4, label=f"this run: {cell}")
        if best_epoch is not None:
            ax.plot(best_epoch, scale * scores[best_epoch], "o", ms=11, mfc="none", mec="black",
                    label=f"kept: epoch {best_epoch}")
    if log:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))  # plain numbers: no slow mathtext
        ax.yaxis.set_minor_formatter(NullFormatter())
        if scores:  # a yardstick far below the network (at noise 0) would squash its curve: off the axis
            ax.set_ylim(bottom=max(ax.get_ylim()[0], min(scores) / 10))
    if percent:
        ax.axhline(50, color="black", lw=0.8, ls=":", label="chance: 50%")
    ax.set_xlim(-0.5, max([budget, *(len(p) - 1 for _, _, p in past)]) + 0.5)
    ax.set(xlabel="epoch", ylabel=metric,
           title=f"{metric} per epoch on {N_CURVE:,} of the {N_TEST:,} fresh test {items}")
    ax.legend(fontsize="x-small" if past else "small", loc="lower right" if percent else "upper right")
    return ax


def explorer(task, *, seed=0):
    """The explorer panel of a lesson's ``task`` (an ``explore.Task``): sliders for the noise and the
    length, a choice of cell type (and of ``task.choices``, if any), Train (then Stop); every run and
    preview uses ``seed``.

    Lessons reach it through their module in ``lessonlib.lessons``, e.g. ``lessonlib.forecast_explorer()``.

    Raises
    ------
    ValueError, TypeError
        If ``seed`` is not a non-negative integer below ``explore.TEST_SEED``.
    """
    seed = check_int("seed", seed, low=0, high=explore.TEST_SEED - 1)
    style = {"description_width": "initial"}
    low, high = task.length_range
    controls = {
        "noise": widgets.FloatSlider(value=task.noise, min=NOISE_RANGE[0], max=NOISE_RANGE[1], step=0.05,
                                     description="noise (std)", continuous_update=False, style=style),
        task.length_name: widgets.IntSlider(value=task.length, min=low, max=high, description=task.length_label,
                                            continuous_update=False, style=style),
        "cell": widgets.ToggleButtons(options=CELL_TYPES, value="LSTM", description="cell",
                                      style={**style, "button_width": "96px"}),
    }
    if task.choices:  # e.g. lesson 4's strategy; 180 px shows "sequence to sequence" whole
        controls[task.choice_name] = widgets.ToggleButtons(options=tuple(task.choices), description=task.choice_name,
                                                           style={**style, "button_width": "180px"})
    accuracy = task.measure == "accuracy"
    curve = functools.partial(_plot_curve, metric=f"{task.metric}{' (%)' if accuracy else ''}", log=not accuracy,
                              percent=accuracy, items=task.items)
    title = (f"<b>Explore lesson {task.lesson}</b>: move the sliders, pick a cell, click Train; "
             f"watch the network learn, and Stop it whenever you like. {INTERRUPT_NOTE}")

    def run(*, noise, cell, should_stop, on_update, **others):
        return explore.run(task, noise, others[task.length_name], cell, seed=seed, should_stop=should_stop,
                           on_update=on_update, choice=others.get(task.choice_name))

    return Explorer(run, controls,
                    preview=functools.partial(task.preview, seed=seed), plot=task.plot, curve=curve, title=title)
