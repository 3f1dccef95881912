"""The live explorer panel without a browser: controls, Train turning into Stop, the run on its thread,
the live pictures, Stop, errors, the tables.

Most tests drive the panel with a scripted run (``Script``) that reports progress the way
``explore.run`` does and waits at a gate the test opens, so every state of a run can be looked at
without timing; its panel is built by ``widgets.explorer`` for a task of no lesson (``SCRIPTED``).
Then every registered lesson's panel, reached as the lessons reach it (``lessonlib.<name>_explorer``),
is checked with real runs, its recipes shrunk to a few small epochs (conftest.py's ``tiny_tasks``).
What a lesson's preview and pictures say is in test_lesson_<module>.py.
"""

import functools
import threading
from typing import NamedTuple

import numpy as np
import pytest

import lessonlib
from lessonlib import widgets
from lessonlib.explore import NOISE_RANGE, TEST_SEED, Progress, Recipe, Run, Score, Task, View
from lessonlib.lessons import LESSONS
from lessonlib.live import ForegroundRun
from lessonlib.metrics import ACCURACY, MSE
from lessonlib.models import CELL_TYPES
from lessonlib.panel import Panel, run_summary
from lessonlib.widgets import Explorer

TIMEOUT = 120  # s, the most a test waits for a run's thread


class ScriptedSettings(NamedTuple):
    noise: float = 0.5
    window: int = 50
    cell: str = "LSTM"
    seed: int = 0


def _preview(settings, ax):
    ax.set_title(f"noise {settings.noise:.2f}, window {settings.window}, seed {settings.seed}")
    return ax


SCRIPTED = Task(  # a task of no lesson, for the scripted runs; only its settings, ranges and measure are used
    name="scripted", lesson=0, settings=ScriptedSettings, ranges={"window": (2, 120)}, measure=MSE,
    optimum="the optimum", recipe=Recipe(units=8, learning_rate=0.01, batch_size=64, n_train=256, passes=2,
                                         patience=3), overrides={}, prepare=None)
SPEC = Panel(row_label="method", metric="MSE", relative="x optimum", items="windows", preview=_preview,
             plot=lambda view, ax, title: ax.set_title(title))
OPTIMUM = SCRIPTED.optimum


def explorer_of(lesson):
    """The lesson's panel as a notebook reaches it: ``lessonlib.<name>_explorer``."""
    return getattr(lessonlib, f"{lesson.name}_explorer")


each_lesson = pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)


class Script:
    """A stand-in for a run function: ``epochs`` epochs of 3 batches, reported as ``explore.run``
    reports them; before each epoch it waits for ``gate`` (set by default), and it ends early when
    ``should_stop()`` says so, or raises ``error`` after ``fail_after`` epochs."""

    def __init__(self, epochs=4, *, error=None, fail_after=None, exact=False):
        self.epochs, self.error, self.fail_after, self.exact = epochs, error, fail_after, exact
        self.gate, self.waiting = threading.Event(), threading.Event()
        self.gate.set()
        self.calls, self.disabled_seen = [], []
        self.panel = None

    def __call__(self, settings, *, should_stop, on_update):
        self.calls.append(settings)
        references = {"yardstick": 0.0105, OPTIMUM: 0.0 if self.exact else 0.005}
        curve, view = [], View(np.zeros(5), np.zeros(5), t=np.arange(5.0), clean=np.zeros(5))
        on_update(Progress(0, 0, 3, None, (), references, self.epochs, None))
        if self.panel is not None:
            self.panel.drawn()
        ended, epoch = "budget", 0
        for epoch in range(self.epochs + 1):
            if epoch:
                for batch in (1, 2, 3):
                    on_update(Progress(epoch - 1, batch, 3, 0.1, tuple(curve), references, self.epochs, None))
                    if should_stop():
                        ended, epoch = "stopped", epoch - 1
                        break
                if ended == "stopped":
                    break
            if self.fail_after is not None and epoch == self.fail_after:
                raise self.error
            curve.append(0.5 / (epoch + 1))
            on_update(Progress(epoch, 0, 3, None, tuple(curve), references, self.epochs, view))
            if self.panel is not None:
                self.panel.drawn()  # no picture skipped: the counts below are exact
                self.disabled_seen.append(self._disabled())
            self.waiting.set()
            assert self.gate.wait(TIMEOUT)
            self.waiting.clear()
        optimum = Score(0.0, None, None, None) if self.exact else Score(0.005, 1.0, None, None)
        network = Score(curve[-1], None if self.exact else curve[-1] / 0.005, None, 1.0)
        return Run(SCRIPTED, settings, {f"{settings.cell} network": network, OPTIMUM: optimum},
                   tuple(curve), references, len(curve) - 1, len(curve) - 1, ended, 1.5, view)

    def _disabled(self):
        return [control.disabled for control in self.panel.controls.values()] + [self.panel.train_button.description]


def _curve(ax, scores, references, budget, best_epoch, **_):
    ax.plot(scores)
    ax.set_title(f"kept {best_epoch}")


def _panel(script, curve=_curve, seed=0):
    panel = Explorer(script, widgets.controls(SCRIPTED, SPEC), SPEC, curve=curve,
                     settings=functools.partial(ScriptedSettings, seed=seed))
    script.panel = panel
    return panel


def _shown(out):
    """The text an Output widget shows: its stream outputs, joined."""
    return "".join(output.get("text", "") for output in out.outputs)


@each_lesson
def test_a_lessons_panel_starts_with_its_settings_a_preview_and_an_empty_history(lesson):
    task = lesson.task
    panel = explorer_of(lesson)()
    assert panel.settings() == task.settings()  # the run function's defaults (test_explore.py), seed 0
    assert list(panel.controls) == [name for name in task.settings._fields if name != "seed"]
    assert (panel.controls["noise"].min, panel.controls["noise"].max) == NOISE_RANGE
    for name, (low, high) in task.ranges.items():
        control = panel.controls[name]
        assert (control.min, control.max) == (low, high) and control.description == lesson.panel.label(name)
    assert all(panel.controls[name].options == values for name, values in task.choices.items())
    assert panel.controls["cell"].options == CELL_TYPES
    assert f"lesson {task.lesson}" in panel.children[0].value
    assert panel.results == [] and panel.last_result is None and panel.errors == []
    assert f"noise {panel.settings().noise:.2f}" in panel.preview_figure.axes[0].get_title()
    assert bytes(panel.preview_image.value).startswith(b"\x89PNG")  # drawn as the live pictures are
    assert panel.history_table().header == ["run"] and panel.history_table().rows == []
    assert not panel.running and panel.train_button.description == "Train"
    assert panel.curve_image.value == b"" and panel.frames == 0


@each_lesson
def test_moving_a_slider_redraws_the_preview_and_clamps_out_of_range_values(lesson):
    (length, (low, high)), *_ = lesson.task.ranges.items()
    panel = explorer_of(lesson)()
    first = panel.preview_figure
    panel.controls["noise"].value = NOISE_RANGE[1] + 3
    panel.controls[length].value = high + 100
    assert panel.preview_figure is not first
    assert f"noise {NOISE_RANGE[1]:.2f}" in panel.preview_figure.axes[0].get_title()
    assert getattr(panel.settings(), length) == high
    panel.controls[length].value = low - 5
    assert getattr(panel.settings(), length) == low
    panel.controls["cell"].value = "GRU"
    assert panel.settings() == lesson.task.settings(noise=NOISE_RANGE[1], **{length: low}, cell="GRU")


def test_train_turns_into_stop_disables_the_controls_and_gives_them_back():
    script = Script(epochs=3)
    panel = _panel(script)
    panel.controls["window"].value = 30
    panel.train_button.click()
    assert panel.wait(TIMEOUT)
    assert script.calls == [ScriptedSettings(0.5, 30, "LSTM", 0)]  # the settings value, as the preview got it
    assert script.disabled_seen == [[True, True, True, "Stop"]] * 4  # during every epoch
    assert [control.disabled for control in panel.controls.values()] == [False, False, False]
    assert panel.train_button.description == "Train" and not panel.running
    assert len(panel.results) == 1 and panel.errors == []
    assert panel.status.value.startswith("Run 1 done after 3 epochs (1.5 s): its epoch budget was spent")
    assert panel.progress.value == panel.progress.max == 3 and panel.progress.bar_style == "success"


def test_the_pictures_are_redrawn_live_after_the_yardsticks_and_every_epoch():
    script = Script(epochs=3)
    panel = _panel(script)
    pictures = []
    panel.curve_image.observe(lambda change: pictures.append(change["new"]), names="value")
    script.gate.clear()
    panel.start()
    assert script.waiting.wait(TIMEOUT)  # epoch 0 is scored; the run waits at the gate
    assert len(pictures) == 2 and bytes(pictures[0]).startswith(b"\x89PNG")  # the lines, then epoch 0
    assert panel.curve_figure.axes[0].lines[0].get_ydata().tolist() == [0.5]
    assert panel.view_figure.axes[0].get_title() == "LSTM, noise 0.50, window 50, after epoch 0"
    script.gate.set()
    assert panel.wait(TIMEOUT)
    assert len(pictures) == 6 and panel.frames == 6  # + epochs 1 to 3 + the final picture
    assert panel.curve_figure.axes[0].lines[0].get_ydata().tolist() == [0.5, 0.25, 0.5 / 3, 0.125]
    assert "Run 1: scores on 10,000 fresh test windows" in panel.result_html.value
    assert "<b>All runs so far</b>" in panel.history_html.value and "<td>LSTM</td>" in panel.history_html.value


def test_a_second_click_or_start_during_a_run_starts_nothing(monkeypatch):
    monkeypatch.setattr(widgets, "STOP_GRACE", 600)  # however slow the machine, a double click
    script = Script(epochs=2)
    panel = _panel(script)
    script.gate.clear()
    panel.train_button.click()
    assert script.waiting.wait(TIMEOUT)
    panel.train_button.click()  # a double click: within STOP_GRACE of the first, ignored
    assert panel.start() is False  # nor can code start a second run
    assert panel.running and not panel.life.stopping
    script.gate.set()
    assert panel.wait(TIMEOUT)
    assert len(script.calls) == 1 and len(panel.results) == 1 and panel.results[0].ended == "budget"


def test_stop_ends_the_run_within_an_epoch_and_keeps_it_in_the_table(monkeypatch):
    monkeypatch.setattr(widgets, "STOP_GRACE", 0)
    script = Script(epochs=50)
    panel = _panel(script)
    script.gate.clear()
    panel.start()
    assert script.waiting.wait(TIMEOUT)
    script.gate.set()
    panel.train_button.click()  # Stop
    assert panel.wait(TIMEOUT)
    run = panel.last_result
    assert run.ended == "stopped" and run.epochs <= 1 < 50
    assert panel.status.value.startswith(f"Run 1 done after {run.epochs} epoch")  # 1 epoch, or 0 epochs
    assert "you stopped it" in panel.status.value
    assert panel.progress.bar_style == "warning"
    assert panel.history_table().rows[0][7] == "stopped"
    assert panel.train_button.description == "Train" and not panel.controls["noise"].disabled
    script.epochs = 3  # a short second run: a loaded machine draws 50 epochs' pictures slowly
    panel.train_button.click()  # and Train works again, without the old stop request
    assert panel.wait(TIMEOUT) and panel.last_result.ended == "budget" and len(panel.results) == 2


def test_an_error_ends_the_run_with_a_message_and_gives_the_controls_back():
    script = Script(epochs=5, error=ValueError("boom"), fail_after=2)
    panel = _panel(script)
    panel.start()
    assert panel.wait(TIMEOUT)
    assert [str(e) for e in panel.errors] == ["boom"] and panel.results == []
    assert panel.status.value == "The run failed: ValueError: boom" and panel.progress.bar_style == "danger"
    shown = _shown(panel.error_out)
    assert shown.startswith("Traceback (most recent call last)") and shown.endswith("ValueError: boom\n")
    assert [control.disabled for control in panel.controls.values()] == [False, False, False]
    assert panel.train_button.description == "Train" and not panel.running
    script.fail_after = None
    panel.start()  # the next run clears the message
    assert panel.wait(TIMEOUT) and _shown(panel.error_out) == "" and len(panel.results) == 1


def test_a_failure_while_drawing_is_an_error_of_the_run_too():
    script = Script(epochs=1)
    panel = _panel(script)
    panel.spec = panel.spec._replace(plot=lambda view, ax, title: ax.plot([1, 2], [1, 2, 3]))
    panel.start()
    assert panel.wait(TIMEOUT)
    assert len(panel.errors) == 1 and panel.status.value.startswith("The run failed: ValueError: ")
    assert not panel.running and not panel.controls["cell"].disabled


def test_noise_zero_says_the_optimum_is_exact():
    panel = _panel(Script(epochs=1, exact=True))
    panel.start()
    assert panel.wait(TIMEOUT)
    assert "the optimum is exact" in panel.result_html.value
    assert "<td>0 (exact)</td>" in panel.result_html.value
    assert panel.history_table().rows[0][5] == "-"  # no multiple of zero


def test_a_failing_preview_is_shown_in_the_preview_and_does_not_break_the_panel():
    panel = _panel(Script(), seed=7)
    working = panel.spec
    panel.spec = panel.spec._replace(preview=lambda settings, ax: 1 / 0)
    panel.controls["window"].value = 20  # raises inside the slider's callback
    shown = _shown(panel.preview_out)  # the preview's area, not JupyterLab's log or the error area
    assert shown.startswith("Traceback (most recent call last)")
    assert shown.endswith("ZeroDivisionError: division by zero\n")
    assert _shown(panel.error_out) == "" and panel.errors == []
    panel.spec = working
    panel.controls["window"].value = 30
    assert panel.preview_figure.axes[0].get_title() == "noise 0.50, window 30, seed 7"  # the panel's seed


@pytest.mark.parametrize("seed, error, message", [
    (-1, ValueError, r"`seed` must be between 0 and 2147483644. Received: seed=-1\."),
    (2**31 - 3, ValueError, r"`seed` must be between 0 and 2147483644. Received: seed=2147483645\."),  # build_rnn's
    (TEST_SEED, ValueError, rf"`seed` must be between 0 and 2147483644. Received: seed={TEST_SEED}\."),
    (1.5, TypeError, r"`seed` must be an integer"),
])
@each_lesson
def test_lesson_panels_reject_a_bad_seed(lesson, seed, error, message):
    with pytest.raises(error, match=message):
        explorer_of(lesson)(seed=seed)


# --- real runs, with tiny recipes ---------------------------------------------------------------

@each_lesson
def test_real_runs_in_every_lesson(tiny_tasks, lesson):
    task = tiny_tasks[lesson.name]
    (name, (low, high)), *_ = task.ranges.items()
    length = min(max(12, low), high)
    panel = explorer_of(lesson)(seed=1)
    panel.controls["noise"].value, panel.controls[name].value = 0.25, length
    panel.controls["cell"].value = "GRU"
    frames = []
    panel.curve_image.observe(lambda change: frames.append(panel.running), names="value")
    assert panel.start()
    assert panel.wait(TIMEOUT)
    assert panel.errors == [], panel.errors
    run = panel.last_result
    assert run.task == task and run.settings == task.settings(noise=0.25, **{name: length}, cell="GRU", seed=1)
    assert run.epochs == task.recipe.epochs  # the panel runs the lesson as configured when it was built
    assert frames.count(True) >= 3  # live (the lines, then epochs as fast as they are drawn), and the final one
    curve = panel.curve_figure.axes[0]
    legend = [t.get_text() for t in curve.get_legend().get_texts()]
    assert lesson.panel.metric in curve.get_ylabel() and f"kept: epoch {run.best_epoch}" in legend
    assert all(any(text.startswith(f"{name}: ") for text in legend) for name in run.references), legend
    choices = "".join(f", {lesson.panel.label(field)} {getattr(run.settings, field)}" for field in task.choices
                      if field != "cell")
    assert panel.view_figure.axes[0].get_title().startswith(
        f"GRU, noise 0.25, {lesson.panel.label(name)} {length}{choices}, after epoch {run.best_epoch}")
    assert f"Run 1: scores on {run.n_test:,} fresh test {lesson.panel.items}" in panel.result_html.value
    assert len(panel.history_table().rows) == 1 and panel.history_table().rows[0][3] == "GRU"
    assert panel.history_table().header == ["run", *run_summary(run, lesson.panel)]


@each_lesson
def test_a_real_run_stopped_from_the_panel(tiny_tasks, configure_lesson, lesson):
    endless = tiny_tasks[lesson.name].recipe._replace(passes=200, patience=400)
    task = configure_lesson(lesson.name, recipe=endless)
    (name, (low, high)), *_ = task.ranges.items()
    panel = explorer_of(lesson)(seed=2)
    panel.controls["noise"].value = 0.25  # and the length of the real runs above: their test set, cached
    panel.controls[name].value = min(max(12, low), high)

    def stop_after_two_epochs(change):  # on the run's thread, as soon as the bar shows epoch 2 done
        if change["new"] == 2:
            panel.stop()  # what a click on Stop does

    panel.progress.observe(stop_after_two_epochs, names="value")
    panel.start()
    assert panel.wait(TIMEOUT)
    run = panel.last_result
    assert run.ended == "stopped" and run.epochs == 2  # of 400: within the epoch under way
    assert panel.status.value.startswith("Run 1 done after 2 epochs") and "you stopped it" in panel.status.value
    assert panel.progress.bar_style == "warning" and panel.frames >= 2  # the final pictures at least
    assert isinstance(run.network.relative, float) and panel.errors == []


def test_the_curve_shows_an_exact_optimum_in_its_legend_not_as_a_line_at_zero():
    from lessonlib.widgets import plot_curve, render

    references = {"last value": 0.016, "sine fit": 1e-31, OPTIMUM: 0.0}
    figure, png = render(lambda ax: plot_curve(ax, (0.4, 3e-3, 2e-5), references, 16, 2, measure=MSE, metric="MSE",
                                               items="windows"))
    ax = figure.axes[0]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["last value: 0.016", "sine fit: 0 (exact)", f"{OPTIMUM}: 0 (exact)", "this run: LSTM",
                      "kept: epoch 2"]
    assert [line.get_ydata()[0] for line in ax.lines if line.get_linestyle() == "--"] == [0.016]
    assert ax.get_ylim()[0] >= 2e-6 and png.startswith(b"\x89PNG") and ax.get_yscale() == "log"


def test_the_curve_of_an_accuracy_is_in_percent_with_chance_marked():
    from lessonlib.widgets import plot_curve, render

    figure, _ = render(lambda ax: plot_curve(ax, (0.5, 0.75), {"matched filter": 0.8, OPTIMUM: 0.9}, 4, None,
                                             measure=ACCURACY, metric="accuracy", items="windows"))
    ax = figure.axes[0]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["matched filter: 80%", f"{OPTIMUM}: 90%", "this run: LSTM", "chance: 50%"]
    assert ax.lines[2].get_ydata().tolist() == [50, 75] and ax.get_yscale() == "linear"
    assert ax.get_ylabel() == "accuracy (%)"
    assert ax.get_title() == "accuracy (%) per epoch on the first 2,000 fresh test windows\n(or all, if fewer)"


# --- a run ends with its panel; earlier runs' curves; only the latest network kept --------------

def _scripted_panel(script):
    """A panel with the real curve picture (``plot_curve``), driven by ``script``."""
    return _panel(script, curve=functools.partial(widgets.plot_curve, measure=MSE, metric="MSE", items="windows"))


def _legend(panel):
    return [text.get_text() for text in panel.curve_figure.axes[0].get_legend().get_texts()]


def test_earlier_runs_curves_stay_labelled_beside_the_current_one_until_cleared():
    panel = _scripted_panel(Script(epochs=2))
    for cell in ("SimpleRNN", "GRU", "LSTM"):
        panel.controls["cell"].value = cell
        assert panel.start() and panel.wait(TIMEOUT)
    labels = _legend(panel)
    assert "run 1: SimpleRNN, noise 0.50, window 50" in labels and "run 2: GRU, noise 0.50, window 50" in labels
    assert "this run: LSTM" in labels and "run 3: LSTM, noise 0.50, window 50" not in labels  # itself: bold
    faded = [line for line in panel.curve_figure.axes[0].lines if line.get_alpha() == 0.4]
    assert [line.get_color() for line in faded] == [widgets.CELL_COLORS["SimpleRNN"], widgets.CELL_COLORS["GRU"]]
    assert [label for label, _, _ in panel.past] == [f"run {i}: {c}, noise 0.50, window 50"
                                                     for i, c in enumerate(("SimpleRNN", "GRU", "LSTM"), start=1)]
    panel.clear_button.click()
    assert len(panel.past) == 0 and not any(label.startswith("run ") for label in _legend(panel))
    panel.run = script = Script(epochs=0)  # quick runs: how many curves are kept
    script.panel = panel
    for _ in range(widgets.PAST_RUNS + 2):
        assert panel.start() and panel.wait(TIMEOUT)
    assert len(panel.past) == widgets.PAST_RUNS  # the last few only


def _running(script):
    panel = _scripted_panel(script)
    script.gate.clear()  # the run waits after epoch 0
    assert panel.start() and script.waiting.wait(TIMEOUT)
    return panel


@pytest.mark.parametrize("end", ["close", "new panel", "run in another panel"])
def test_a_run_ends_with_its_panel_within_a_batch_and_is_not_scored(end):
    import time

    script = Script(epochs=50)
    panel = _running(script)
    if end == "close":
        panel.close()
    elif end == "new panel":
        _scripted_panel(Script())  # the explorer's cell, run again
    else:
        other = _scripted_panel(Script(epochs=1))
        assert other.start() and other.wait(TIMEOUT)
    began = time.perf_counter()  # the old run's next batch: from here it must end within a second
    script.gate.set()
    assert panel.wait(1.0) and time.perf_counter() - began < 1.0
    assert panel.results == [] and panel.errors == [] and not panel.running
    assert "another explorer was started or this one was closed" in panel.status.value


def test_only_the_latest_result_keeps_its_network():
    class WithModel(Script):
        def __call__(self, settings, **kwargs):
            return super().__call__(settings, **kwargs)._replace(model=object())

    panel = _scripted_panel(WithModel(epochs=1))
    for _ in range(3):
        assert panel.start() and panel.wait(TIMEOUT)
    assert [result.model is None for result in panel.results] == [True, True, False] and panel.errors == []


def test_the_panel_says_how_its_runs_are_stopped(monkeypatch):
    monkeypatch.setenv("LESSONLIB_EXPLORER", "background")
    assert "does not reach a run: Stop ends it" in explorer_of(LESSONS[0])().children[0].value
    monkeypatch.setenv("LESSONLIB_EXPLORER", "foreground")
    panel = explorer_of(LESSONS[0])()
    assert isinstance(panel.life, ForegroundRun) and "interrupt (■" in panel.children[0].value


def test_the_curves_key_names_the_runs_the_picture_shows():
    panel = _scripted_panel(Script(epochs=1))
    panel.controls["cell"].value = "GRU"
    assert panel.start() and panel.wait(TIMEOUT)
    panel.controls["cell"].value = "SimpleRNN"
    assert panel.start() and panel.wait(TIMEOUT)
    assert panel.curves_html.value == ("<small>Curves: this run (SimpleRNN, bold); faded: "
                                       "run 1: GRU, noise 0.50, window 50.</small>")


def test_a_life_in_the_foreground_drives_the_same_view_without_a_thread():
    script = Script(epochs=2)
    panel = Explorer(script, widgets.controls(SCRIPTED, SPEC), SPEC, curve=_curve, settings=ScriptedSettings,
                     life=ForegroundRun)
    script.panel = panel
    threads = {thread.name for thread in threading.enumerate()}
    assert panel.start()  # returns once the run has ended: no thread of its own
    assert {thread.name for thread in threading.enumerate()} <= threads
    assert len(panel.results) == 1 and panel.errors == [] and not panel.running
    # no click reaches a run in the foreground: the button is disabled, not turned into Stop
    assert script.disabled_seen == [[True, True, True, "Training..."]] * 3
    assert panel.train_button.description == "Train" and not panel.train_button.disabled
    assert panel.frames == 5  # the yardsticks' lines, epochs 0, 1 and 2, and the final picture
    assert panel.status.value.startswith("Run 1 done after 2 epochs")
    assert "<td>LSTM</td>" in panel.history_html.value
