"""The live explorer panel without a browser: controls, Train turning into Stop, the run on its thread,
the live pictures, Stop, errors, the tables.

Most tests drive the panel with a scripted run (``Script``) that reports progress the way the real
``run_*`` functions do and waits at a gate the test opens, so every state of a run can be looked at
without timing; the real runs are exercised at the end with each lesson's recipes shrunk to a few
small epochs. The panels are reached as the lessons reach them, ``lessonlib.<lesson>_explorer``.
"""

import threading

import numpy as np
import pytest

import lessonlib
from lessonlib import explore, widgets
from lessonlib.explore import BAYES_FORECAST, FORECAST, Progress, Recipe, Run, Score, Settings, View
from lessonlib.models import CELL_TYPES
from lessonlib.widgets import Explorer

forecast_explorer = lessonlib.forecast_explorer
classification_explorer, regression_explorer = lessonlib.classification_explorer, lessonlib.regression_explorer
TIMEOUT = 120  # s, the most a test waits for a run's thread


class Script:
    """A stand-in for ``run_forecast``: ``epochs`` epochs of 3 batches, reported as the real run
    reports them; before each epoch it waits for ``gate`` (set by default), and it ends early when
    ``should_stop()`` says so, or raises ``error`` after ``fail_after`` epochs."""

    def __init__(self, epochs=4, *, error=None, fail_after=None, exact=False):
        self.epochs, self.error, self.fail_after, self.exact = epochs, error, fail_after, exact
        self.gate, self.waiting = threading.Event(), threading.Event()
        self.gate.set()
        self.calls, self.disabled_seen = [], []
        self.panel = None

    def __call__(self, *, noise, window, cell, should_stop, on_update):
        self.calls.append({"noise": noise, "window": window, "cell": cell})
        references = {"sine fit": 0.0105, BAYES_FORECAST: 0.0 if self.exact else 0.005}
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
        return Run(FORECAST, Settings(noise, window, cell, 0), {f"{cell} network": network, BAYES_FORECAST: optimum},
                   tuple(curve), references, len(curve) - 1, len(curve) - 1, ended, 1.5, view)

    def _disabled(self):
        return [control.disabled for control in self.panel.controls.values()] + [self.panel.train_button.description]


def _curve(ax, scores, references, budget, best_epoch):
    ax.plot(scores)
    ax.set_title(f"kept {best_epoch}")


def _panel(script):
    panel = Explorer(script, forecast_explorer().controls, preview=lambda settings, ax: ax,
                     plot=lambda view, ax, title: ax.set_title(title), curve=_curve)
    script.panel = panel
    return panel


def _shown(out):
    """The text an Output widget shows: its stream outputs, joined."""
    return "".join(output.get("text", "") for output in out.outputs)


def test_panel_starts_with_a_preview_and_an_empty_history():
    panel = forecast_explorer()
    assert panel.settings() == {"noise": 0.5, "window": 50, "cell": "LSTM"}
    assert panel.results == [] and panel.last_result is None and panel.errors == []
    assert "noise 0.50" in panel.preview_figure.axes[0].get_title()
    assert panel.history_table().header == ["run"] and panel.history_table().rows == []
    assert not panel.running and panel.train_button.description == "Train"
    assert panel.curve_image.value == b"" and panel.frames == 0


def test_moving_a_slider_redraws_the_preview_and_clamps_out_of_range_values():
    panel = forecast_explorer()
    first = panel.preview_figure
    panel.controls["noise"].value = 5.0
    panel.controls["window"].value = 500
    title = panel.preview_figure.axes[0].get_title()
    assert panel.preview_figure is not first
    assert "noise 2.00" in title and "window of 120 values" in title
    panel.controls["window"].value = -3
    assert panel.settings()["window"] == 2
    panel.controls["cell"].value = "GRU"
    assert panel.settings() == {"noise": 2.0, "window": 2, "cell": "GRU"}


def test_train_turns_into_stop_disables_the_controls_and_gives_them_back():
    script = Script(epochs=3)
    panel = _panel(script)
    panel.controls["window"].value = 30
    panel.train_button.click()
    assert panel.wait(TIMEOUT)
    assert script.calls == [{"noise": 0.5, "window": 30, "cell": "LSTM"}]
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
    assert panel.view_figure.axes[0].get_title() == "LSTM, noise 0.50, after epoch 0"
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
    assert panel.running and not panel._stop.is_set()
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
    assert panel.status.value.startswith(f"Run 1 done after {run.epochs} epochs")
    assert "you stopped it" in panel.status.value
    assert panel.progress.bar_style == "warning"
    assert panel.history_table().rows[0][7] == "stopped"
    assert panel.train_button.description == "Train" and not panel.controls["noise"].disabled
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
    panel.plot = lambda view, ax, title: ax.plot([1, 2], [1, 2, 3])
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
    panel = forecast_explorer()
    working = panel.preview
    panel.preview = lambda settings, ax: 1 / 0
    panel.controls["window"].value = 20  # raises inside the slider's callback
    shown = _shown(panel.preview_out)  # the preview's area, not JupyterLab's log or the error area
    assert shown.startswith("Traceback (most recent call last)")
    assert shown.endswith("ZeroDivisionError: division by zero\n")
    assert _shown(panel.error_out) == "" and panel.errors == []
    panel.preview = working
    panel.controls["window"].value = 30
    assert "window of 30 values" in panel.preview_figure.axes[0].get_title()


@pytest.mark.parametrize("make", [forecast_explorer, classification_explorer, regression_explorer])
def test_lesson_panels_reject_a_bad_seed(make):
    with pytest.raises(ValueError, match="`seed` must be between 0 and 2147483646. Received: seed=-1."):
        make(seed=-1)


@pytest.mark.parametrize("make, settings, words", [
    (classification_explorer, {"noise": 0.5, "window": 50, "cell": "LSTM"}, ["noise 0.50", "window of 50 values"]),
    (regression_explorer, {"noise": 0.3, "n_points": 50, "cell": "LSTM"},
     ["noise 0.30", "of 50 samples over 10.0 time units"]),
])
def test_lesson_panels_start_with_the_lessons_settings_and_a_preview(make, settings, words):
    panel = make()
    assert panel.settings() == settings and panel.results == []
    title = panel.preview_figure.axes[0].get_title()
    assert all(word in title for word in words), title


# --- real runs, with tiny recipes ---------------------------------------------------------------

TINY = Recipe(units=8, learning_rate=0.01, batch_size=64, n_train=256, passes=2, patience=3, epochs_per_pass=2)


@pytest.fixture
def tiny_recipes(monkeypatch):
    monkeypatch.setattr(explore, "RECIPES", {task: dict.fromkeys(CELL_TYPES, TINY) for task in explore.RECIPES})


@pytest.mark.parametrize("make, size, words", [
    (forecast_explorer, "window", ["forecasts over the lesson's test stretch", "MSE vs clean", "Bayes forecast"]),
    (classification_explorer, "window", ["test windows", "test accuracy (%)", "Bayes classifier"]),
    (regression_explorer, "n_points", ["sequences", "test RMSE", "Cramér-Rao bound"]),
])
def test_real_runs_in_every_lesson(tiny_recipes, make, size, words):
    panel = make(seed=1)
    panel.controls["noise"].value, panel.controls[size].value = 0.25, 12
    panel.controls["cell"].value = "GRU"
    frames = []
    panel.curve_image.observe(lambda change: frames.append(panel.running), names="value")
    assert panel.start()
    assert panel.wait(TIMEOUT)
    assert panel.errors == [], panel.errors
    run = panel.last_result
    assert run.settings == Settings(0.25, 12, "GRU", 1) and run.epochs == TINY.epochs
    assert frames.count(True) >= 3  # live (the lines, then epochs as fast as they are drawn), and the final one
    texts = [panel.view_figure.axes[0].get_title(), panel.curve_figure.axes[0].get_ylabel(),
             *[t.get_text() for t in panel.curve_figure.axes[0].get_legend().get_texts()]]
    assert all(any(word in text for text in texts) for word in words), texts
    assert f"kept: epoch {run.best_epoch}" in texts
    assert len(panel.history_table().rows) == 1 and panel.history_table().rows[0][3] == "GRU"


def test_a_real_run_stopped_from_the_panel(monkeypatch):
    endless = TINY._replace(passes=200, patience=400)
    monkeypatch.setitem(explore.RECIPES, "classification", dict.fromkeys(CELL_TYPES, endless))
    panel = classification_explorer()
    stopped = threading.Event()

    def stop_after_two_epochs(change):
        if panel.frames >= 4 and not stopped.is_set():  # the lines, epochs 0, 1 and 2
            stopped.set()
            panel.stop()

    panel.curve_image.observe(stop_after_two_epochs, names="value")
    panel.start()
    assert panel.wait(TIMEOUT)
    run = panel.last_result
    assert run.ended == "stopped" and 2 <= run.epochs < 20  # of 400: soon after the observer asked
    assert isinstance(run.gap, float) and panel.errors == []


def test_the_curve_shows_an_exact_optimum_in_its_legend_not_as_a_line_at_zero():
    from lessonlib.widgets import _plot_curve, _render

    references = {"last value": 0.016, "sine fit": 1e-31, BAYES_FORECAST: 0.0}
    figure, png = _render(lambda ax: _plot_curve(ax, (0.4, 3e-3, 2e-5), references, 16, 2, metric="MSE",
                                                 log=True, percent=False, items="windows"))
    ax = figure.axes[0]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["last value: 0.016", "sine fit: 0 (exact)", f"{BAYES_FORECAST}: 0 (exact)", "network",
                      "kept: epoch 2"]
    assert [line.get_ydata()[0] for line in ax.lines if line.get_linestyle() == "--"] == [0.016]
    assert ax.get_ylim()[0] >= 2e-6 and png.startswith(b"\x89PNG")
