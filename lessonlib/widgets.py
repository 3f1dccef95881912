"""The explorer panel: sliders, a Train button that turns into Stop, and a network that learns live.

A panel (``Explorer``, the view) lays out one control per field of its lesson's settings type, builds
one settings value from them, previews the data for it, and hands it to its life (``live.BackgroundRun``,
or ``live.ForegroundRun`` where a thread cannot update the page), which runs ``explore.run`` and hands
back what to render: after every epoch the curve of the
network's test score against the yardsticks (with the last runs' curves, faded) and its current
predictions; at the end the run's table and a table of every run. Every picture goes the same way:
drawn on a figure of its own (``render``, no ``pyplot``: safe on any thread) into an ``Image``. Nothing
imports this module eagerly (it loads ipywidgets and matplotlib): the lessons reach their panels as
``lessonlib.forecast_explorer()`` and its siblings. It knows nothing of any lesson.
"""

from __future__ import annotations

import functools
import io
import textwrap
import time
import traceback
from collections import deque

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, NullFormatter

from . import explore
from ._validation import check_int
from .explore import N_CURVE, NOISE_RANGE
from .live import BackgroundRun, default_life
from .panel import coverage_note, run_summary, run_table
from .report import ScoreTable

STOP_GRACE = 0.5  # s: a click this soon after Train is the second half of a double click, not Stop
LIVE_FIGSIZE, PREVIEW_FIGSIZE = (6.6, 3.4), (12, 2.8)
PAST_RUNS = 4  # earlier runs' curves kept, faded, in the curve picture
CELL_COLORS = {"SimpleRNN": "tab:red", "LSTM": "tab:blue", "GRU": "tab:purple"}
EXACT_NOTE = ("<p>At noise 0 the optimum is exact (no error), so the errors are shown as values, not as multiples "
              "of zero.</p>")


class Explorer(widgets.VBox):
    """A panel: controls, a preview of the data, Train (then Stop), the live curve and predictions,
    the run's table and a table of every run so far.

    Parameters
    ----------
    run : callable
        ``run(settings, should_stop=..., on_update=...)`` trains and returns an ``explore.Run``,
        reporting ``explore.Progress`` updates and asking ``should_stop()`` after every batch.
    controls : dict of str to ipywidgets widget
        One widget per field of the settings (but the seed), in display order.
    spec : panel.Panel
        The labels, the preview ``preview(settings, ax)`` and the picture ``plot(view, ax, title)``.
    settings : callable
        ``settings(**{name: control.value})``: the settings value the preview and the run get.
    curve : callable
        ``curve(ax, scores, references, budget, best_epoch, cell=..., past=...)`` draws the test score
        per epoch of a run of ``cell``, and ``past``: earlier runs' ``(label, cell, scores)``.
    title : str, default ""
        HTML shown above the controls.
    life : class, default live.BackgroundRun
        What runs the runs, called with the panel: ``live.BackgroundRun`` (a thread per run) or
        ``live.ForegroundRun`` (in the kernel's thread, stopped by its interrupt); see ``lessonlib.live``.

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

    def __init__(self, run, controls, spec, *, settings, curve, title="", life=BackgroundRun):
        self.run, self.controls, self.spec, self.make_settings = run, dict(controls), spec, settings
        self.curve, self.results, self.errors, self.frames = curve, [], [], 0
        self.preview_figure = self.curve_figure = self.view_figure = None
        self.past = deque(maxlen=PAST_RUNS)
        self.life = life(self)
        self.train_button = widgets.Button(description="Train", icon="play", button_style="primary")
        self.clear_button = widgets.Button(description="Clear curves", icon="eraser",
                                           tooltip="Forget the earlier runs' curves")
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="epochs")
        self.status = widgets.HTML("Choose settings, then click Train.")
        self.preview_image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.curve_image, self.view_image = (widgets.Image(format="png", layout=widgets.Layout(max_width="50%"))
                                             for _ in range(2))  # side by side, shrunk to fit
        self.preview_out, self.error_out = widgets.Output(), widgets.Output()  # tracebacks
        self.result_html, self.history_html, self.curves_html = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.train_button.on_click(self._on_click)
        self.clear_button.on_click(lambda _button: self.clear_curves())
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        super().__init__([widgets.HTML(title), widgets.HBox(list(self.controls.values()),
                                                            layout=widgets.Layout(flex_flow="row wrap")),
                          self.preview_image, self.preview_out,
                          widgets.HBox([self.train_button, self.progress, self.clear_button]), self.status,
                          widgets.HBox([self.curve_image, self.view_image]), self.curves_html, self.error_out,
                          self.result_html, self.history_html])
        for widget, name in [(self, "explorer"), (self.train_button, "train"), (self.status, "status"),
                             (self.clear_button, "clear"), (self.curves_html, "curves"),
                             (self.preview_image, "preview"), (self.curve_image, "curve"), (self.view_image, "view")]:
            widget.add_class(f"lessonlib-{name}")  # for the browser tests (and a student's CSS)
        self.draw_preview()

    @property
    def last_result(self):
        """The latest finished run's result, or None before the first one."""
        return self.results[-1] if self.results else None

    @property
    def running(self):
        """True from a click on Train until the run has ended and the controls are back."""
        return self.life.running

    def settings(self):
        """The settings value the controls show now (what the preview draws and Train runs)."""
        return self.make_settings(**{name: control.value for name, control in self.controls.items()})

    def history_table(self):
        """Every finished run so far as a ScoreTable, numbered from 1, oldest first."""
        rows = [run_summary(result, self.spec) for result in self.results]
        header = ["run", *rows[0]] if rows else ["run"]
        return ScoreTable(header, [[i, *row.values()] for i, row in enumerate(rows, start=1)])

    def draw_preview(self):
        """Redraw the data preview for the current settings (no training)."""
        settings = self.settings()
        self.preview_figure, self.preview_image.value = render(lambda ax: self.spec.preview(settings, ax),
                                                               PREVIEW_FIGSIZE, wrap=120)
        self.preview_out.outputs = ()

    def start(self):
        """Start a run with the current settings; False (and nothing) if one is running. The controls
        are disabled and Train turns into Stop until the run ends, whatever ends it."""
        return self.life.start(self.settings())

    def stop(self):
        """Ask the run to end after its current batch; it then scores what it has learnt."""
        self.life.stop()

    def abandon(self):
        """End the run (if any) within a batch without scoring it."""
        self.life.abandon()

    def wait(self, timeout=None):
        """Wait until the run (if any) has ended; return True if none is running any more."""
        return self.life.wait(timeout)

    def drawn(self, timeout=None):
        """Wait until the live pictures show the run's latest progress; True unless ``timeout`` ran out."""
        return self.life.drawn(timeout)

    def close(self):
        """Close the panel; a run under way ends with it."""
        self.life.close()
        super().close()

    def clear_curves(self):
        """Forget the earlier runs' curves: the next picture shows the current run alone."""
        self.past.clear()
        if self.last_result is not None and not self.running:
            result = self.last_result
            self.draw_curve(result.curve, result.references, self.progress.max, result.best_epoch)

    # --- what the life calls (see lessonlib.live) ------------------------------------------------

    def set_running(self, running, *, stoppable=True):
        """Disable the controls and turn Train into Stop while a run is under way, and back; a run that
        no click can reach (``stoppable=False``: in the foreground) disables the button instead."""
        for control in self.controls.values():
            control.disabled = running
        button = self.train_button
        button.description, button.icon = (("Stop", "stop") if stoppable else ("Training...", "hourglass")) \
            if running else ("Train", "play")
        button.button_style = "danger" if running else "primary"
        button.disabled = running and not stoppable
        if running:
            self.progress.value, self.progress.bar_style = 0, ""
            self.error_out.outputs = ()
            self.status.value = "Preparing the data and the yardsticks..."

    def show_status(self, text):
        self.status.value = text

    def show_progress(self, progress, seconds):
        """The epoch bar and the status line for ``progress``, ``seconds`` into the run."""
        self.progress.max, self.progress.value = progress.budget, progress.epoch
        if not self.life.stopping:
            self.status.value = f"Training ({seconds:.0f} s): {_doing(progress)}."

    def draw_curve(self, scores, references, budget, best_epoch):
        settings, past = self.life.settings or self.settings(), tuple(self.past)
        faded = "; ".join(label for label, _, _ in past)
        self.curves_html.value = (f"<small>Curves: this run ({settings.cell}, bold)"
                                  f"{f'; faded: {faded}' if faded else ''}.</small>")
        self.curve_figure, self.curve_image.value = render(
            lambda ax: self.curve(ax, scores, references, budget, best_epoch, cell=settings.cell, past=past))
        self.frames += 1

    def draw_view(self, view, epoch):
        title = f"{describe(self.life.settings, self.spec)}, after epoch {epoch}"
        self.view_figure, self.view_image.value = render(lambda ax: self.spec.plot(view, ax, title))

    def show_result(self, result):
        if self.results:  # only the latest run keeps its network: memory stays flat
            self.results[-1] = self.results[-1]._replace(model=None)
        self.results.append(result)
        n = len(self.results)
        self.draw_curve(result.curve, result.references, self.progress.max, result.best_epoch)
        self.past.append((f"run {n}: {describe(result.settings, self.spec)}", result.settings.cell, result.curve))
        self.draw_view(result.view, result.best_epoch)
        self.progress.value = result.epochs
        self.progress.bar_style = "warning" if result.ended == "stopped" else "success"
        self.status.value = _done(n, result)
        note = EXACT_NOTE if result.exact else ""
        coverage = coverage_note(result, self.spec)
        note += f"<p>{coverage}</p>" if coverage else ""
        self.result_html.value = (f"<b>Run {n}: scores on {result.n_test:,} fresh test {self.spec.items}</b>"
                                  f"{note}{run_table(result, self.spec)._repr_html_()}")
        self.history_html.value = f"<b>All runs so far</b>{self.history_table()._repr_html_()}"

    def show_error(self, error):
        self.errors.append(error)
        self.status.value = f"The run failed: {type(error).__name__}: {error}"
        self.progress.bar_style = "danger"
        _show_traceback(self.error_out, error)

    def _on_click(self, _button):
        if not self.start() and time.perf_counter() - self.life.started > STOP_GRACE:
            self.stop()

    def _on_change(self, _change):
        try:
            self.draw_preview()
        except Exception as error:  # noqa: BLE001 -- else it would only reach JupyterLab's log
            _show_traceback(self.preview_out, error)


def _doing(progress):
    """What a run is doing, for its status line."""
    loss = "" if progress.loss is None else f", training loss {progress.loss:.4g}"
    if progress.batch:
        return f"epoch {progress.epoch + 1}, batch {progress.batch} of {progress.batches}{loss}"
    if progress.curve:
        return f"{progress.epoch} of at most {progress.budget} epochs done{loss}"
    return f"building the network{loss}"


def _done(n, result):
    """How run ``n`` ended, for its status line."""
    why = {"converged": "its validation loss stopped improving", "budget": "its epoch budget was spent",
           "stopped": "you stopped it"}[result.ended]
    return (f"Run {n} done after {result.epochs} epoch{'' if result.epochs == 1 else 's'} "
            f"({result.seconds:.1f} s): {why}; it keeps epoch {result.best_epoch}.")


def _show_traceback(out, error):
    """Show the error's traceback in ``out``: setting ``outputs`` works from any thread, in a kernel or
    not (tests read what a student would see)."""
    out.outputs = ()
    out.append_stderr("".join(traceback.format_exception(error)))


def render(draw, figsize=LIVE_FIGSIZE, *, wrap=62):
    """Draw with ``draw(ax)`` on a new figure of its own (no pyplot: safe on any thread); return the
    figure and its PNG bytes: every picture of a panel goes this way. A title longer than ``wrap``
    characters is wrapped, so that a narrow panel cuts none of it."""
    figure = Figure(figsize=figsize)
    left = 0.12 if figsize == LIVE_FIGSIZE else 0.06  # fixed margins: a layout engine costs as much as the drawing
    figure.subplots_adjust(left=left, right=0.97, bottom=0.15, top=0.84)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    draw(ax)
    if wrap:
        ax.set_title(textwrap.fill(ax.get_title(), wrap), fontsize="medium")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    return figure, buffer.getvalue()


def describe(settings, spec):
    """A run's settings in a few words: its cell, noise and the other settings by their labels (not
    its seed).

    Examples
    --------
    >>> from lessonlib.lessons import by_name
    >>> lesson = by_name("regression")
    >>> describe(lesson.task.settings(cell="GRU"), lesson.panel)
    'GRU, noise 0.30, samples 50'
    """
    others = "".join(f", {spec.label(name)} {value}" for name, value in settings._asdict().items()
                     if name not in ("noise", "cell", "seed"))
    return f"{settings.cell}, noise {settings.noise:.2f}{others}"


def plot_curve(ax, scores, references, budget, best_epoch, *, cell="LSTM", past=(), measure, metric, items):
    """The network's test score after each epoch (``scores``), the earlier runs' faded (``past``), a
    horizontal line per yardstick (``references``), on ``measure``'s axis (``metrics.Measure``: its
    scale, shown in percent for an accuracy); an exact yardstick is named in the legend, not drawn."""
    shown, percent = measure.shown, "%" if measure.shown == 100 else ""
    colors = iter(["tab:gray", "tab:orange", "tab:brown", "tab:olive"])
    for name, value in references.items():
        color = "tab:green" if "optimum" in name or "bound" in name else next(colors)
        if measure.exact(value):  # exact (at noise 0): no line at 0 on a log scale
            ax.plot([], [], ls="none", label=f"{name}: {measure.format(value)}")
            continue
        ax.axhline(shown * value, color=color, lw=1.5, ls="--", label=f"{name}: {shown * value:.3g}{percent}")
    for label, past_cell, past_scores in past:
        ax.plot(shown * np.asarray(past_scores), "-", color=CELL_COLORS[past_cell], lw=1, alpha=0.4, label=label)
    if scores:
        ax.plot(shown * np.asarray(scores), "o-", color=CELL_COLORS[cell], ms=4, label=f"this run: {cell}")
        if best_epoch is not None:
            ax.plot(best_epoch, shown * scores[best_epoch], "o", ms=11, mfc="none", mec="black",
                    label=f"kept: epoch {best_epoch}")
    if measure.log_axis:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))  # plain numbers: no slow mathtext
        ax.yaxis.set_minor_formatter(NullFormatter())
        if scores:  # a yardstick far below the network (at noise 0) would squash its curve: off the axis
            ax.set_ylim(bottom=max(ax.get_ylim()[0], min(scores) / 10))
    if measure.chance is not None:  # a classifier's floor
        ax.axhline(shown * measure.chance, color="black", lw=0.8, ls=":",
                   label=f"chance: {shown * measure.chance:g}{percent}")
    ax.set_xlim(-0.5, max([budget, *(len(p) - 1 for _, _, p in past)]) + 0.5)
    ylabel = f"{metric} (%)" if percent else metric
    ax.set(xlabel="epoch", ylabel=ylabel, title=f"{ylabel} per epoch on the first {N_CURVE:,} fresh "
                                                f"test {items} (or all, if fewer)")
    ax.legend(fontsize="x-small" if past else "small",
              loc="lower right" if measure.higher_is_better else "upper right")
    return ax


def explorer(name, *, seed=0, life=None):
    """The explorer panel of lesson ``name`` (``"forecast"``, ...; ``lessonlib.lessons``): one control
    per field of its settings type (the noise and its integer settings as sliders, the cell and its
    choices as buttons), Train (then Stop); every run and preview uses ``seed``. ``life`` runs the runs
    (``live.BackgroundRun`` or ``live.ForegroundRun``); by default ``live.default_life()`` picks one.

    Lessons reach it through their module in ``lessonlib.lessons``, e.g. ``lessonlib.forecast_explorer()``.

    Raises
    ------
    ValueError, TypeError
        If ``seed`` is not an integer between 0 and ``explore.MAX_SEED``.
    """
    from .lessons import by_name

    seed = check_int("seed", seed, low=0, high=explore.MAX_SEED)
    lesson = by_name(name)
    task, spec = lesson.task, lesson.panel
    curve = functools.partial(plot_curve, measure=task.measure, metric=spec.metric, items=spec.items)
    life = default_life() if life is None else life
    title = (f"<b>Explore lesson {task.lesson}</b>: move the sliders, pick a cell, click Train; "
             f"watch the network learn, and stop it whenever you like. {life.NOTE}")
    return Explorer(functools.partial(explore.run, task), controls(task, spec), spec, curve=curve, title=title,
                    settings=functools.partial(task.settings, seed=seed), life=life)


def controls(task, spec):
    """One widget per field of ``task``'s settings type but the seed, keyed by the field, at its default:
    the noise and each of ``task.ranges`` as a slider, each of ``task.choices`` as buttons."""
    return {name: _control(task, spec, name, default) for name, default in task.settings._field_defaults.items()
            if name != "seed"}


def _control(task, spec, name, default):
    """The widget of setting ``name``: a slider over its range, or buttons for its choices."""
    style = {"description_width": "initial"}
    if name == "noise":
        return widgets.FloatSlider(value=default, min=NOISE_RANGE[0], max=NOISE_RANGE[1], step=0.05,
                                   description="noise (std)", continuous_update=False, style=style)
    if name in task.ranges:
        low, high = task.ranges[name]
        return widgets.IntSlider(value=default, min=low, max=high, description=spec.label(name),
                                 continuous_update=False, style=style)
    width = "96px" if name == "cell" else "180px"  # 180 px shows "sequence to sequence" whole
    return widgets.ToggleButtons(options=task.choices[name], value=default, description=spec.label(name),
                                 style={**style, "button_width": width})
