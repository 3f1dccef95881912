"""The explorer panel without a browser: controls, the Train button, progress, history and errors.

Most tests replace the network's training (``explore._fit_network``) by an instant stand-in that
forecasts the last value, so the data, baselines, scoring and the panel all run for real;
one test clicks Train with real training at the defaults. The panels are reached as the lessons
reach them, ``lessonlib.<lesson>_explorer``.
"""

import numpy as np
import pytest

import lessonlib
from lessonlib import explore
from lessonlib.explore import EPOCHS, ForecastSettings
from lessonlib.widgets import Explorer

forecast_explorer = lessonlib.forecast_explorer


class _LastValueModel:
    def __call__(self, x, training=False):
        return np.asarray(x)[:, -1, :]


@pytest.fixture
def instant_training(monkeypatch):
    """Replace training by a stand-in; it records whether Train was disabled while it ran."""
    seen = {"disabled": []}

    def train(settings, x_train, y_train, on_epoch, recipe, head="linear"):
        for epoch in range(1, recipe.epochs + 1):
            if on_epoch is not None:
                on_epoch(epoch, recipe.epochs)
            seen["disabled"].append(seen["panel"].train_button.disabled)
        return _LastValueModel(), 0.01

    monkeypatch.setattr(explore, "_fit_network", train)
    return seen


def _failing(message):
    def run(*, on_epoch, **settings):
        on_epoch(1, 3)
        raise ValueError(message)
    return run


def test_panel_starts_with_a_preview_and_an_empty_history():
    panel = forecast_explorer()
    assert panel.settings() == {"noise": 0.5, "window": 50, "cell": "LSTM"}
    assert panel.results == [] and panel.last_result is None and panel.errors == []
    assert "noise 0.50" in panel.last_figure.axes[0].get_title()
    assert panel.history_table().header == ["run"] and panel.history_table().rows == []
    assert not panel.train_button.disabled


def test_moving_a_slider_redraws_the_preview_and_clamps_out_of_range_values():
    panel = forecast_explorer()
    first = panel.last_figure
    panel.controls["noise"].value = 5.0
    panel.controls["window"].value = 500
    title = panel.last_figure.axes[0].get_title()
    assert panel.last_figure is not first
    assert "noise 2.00" in title and "window of 120 values" in title
    panel.controls["window"].value = -3
    assert panel.settings()["window"] == 2
    panel.controls["cell"].value = "GRU"
    assert panel.settings() == {"noise": 2.0, "window": 2, "cell": "GRU"}


def test_train_adds_a_run_with_the_sliders_settings(instant_training):
    panel = forecast_explorer(seed=3)
    instant_training["panel"] = panel
    panel.controls["noise"].value, panel.controls["window"].value = 0.25, 500
    panel.controls["cell"].value = "SimpleRNN"
    panel.train_button.click()
    panel.controls["window"].value = 7
    panel.train_button.click()
    assert [r.settings for r in panel.results] == [ForecastSettings(0.25, 120, "SimpleRNN", 3),
                                                   ForecastSettings(0.25, 7, "SimpleRNN", 3)]
    assert panel.last_result is panel.results[1]
    assert instant_training["disabled"] == [True] * (2 * EPOCHS)
    assert not panel.train_button.disabled
    assert panel.progress.value == panel.progress.max == EPOCHS
    assert panel.status.value == "Run 2 done." and panel.progress.bar_style == "success"
    assert "SimpleRNN, noise 0.25, window 7" in panel.last_figure.axes[0].get_title()


def test_history_table_has_one_numbered_row_per_run(instant_training):
    panel = forecast_explorer()
    instant_training["panel"] = panel
    for window in (10, 20, 30):
        panel.controls["window"].value = window
        panel.train()
    table = panel.history_table()
    assert table.header == ["run", "noise", "window", "cell", "MSE vs clean", "x sine fit",
                            "x last value", "train s"]
    assert [row[:3] for row in table.rows] == [["1", "0.50", "10"], ["2", "0.50", "20"],
                                               ["3", "0.50", "30"]]
    assert {row[6] for row in table.rows} == {"1.00"}  # the stand-in is the last-value forecast


def _shown(out):
    """The text an Output widget shows: its stream outputs, joined."""
    return "".join(output.get("text", "") for output in out.outputs)


def test_a_failing_run_is_shown_and_recorded_and_the_button_comes_back():
    panel = Explorer(_failing("boom"), forecast_explorer().controls,
                     preview=lambda settings, ax: ax, plot=lambda result, ax: ax)
    panel.train_button.click()
    assert not panel.train_button.disabled
    assert panel.results == [] and panel.history_table().rows == []
    assert [str(e) for e in panel.errors] == ["boom"]
    assert panel.status.value == "The run failed: ValueError: boom"
    assert panel.progress.bar_style == "danger"
    shown = _shown(panel.result_out)  # the traceback, where the result would have been
    assert shown.startswith("Traceback (most recent call last)") and shown.endswith("ValueError: boom\n")
    assert [output["name"] for output in panel.result_out.outputs] == ["stderr"]
    assert _shown(panel.preview_out) == ""


def test_a_failure_while_rendering_is_shown_too(instant_training):
    panel = forecast_explorer()
    instant_training["panel"] = panel
    panel.plot = lambda result, ax: ax.plot([1, 2], [1, 2, 3])
    panel.train()
    assert not panel.train_button.disabled
    assert len(panel.errors) == 1 and panel.status.value.startswith("The run failed: ValueError: ")


def test_the_button_comes_back_even_after_an_interrupt():
    def interrupted(*, on_epoch, **settings):
        raise KeyboardInterrupt

    panel = Explorer(interrupted, forecast_explorer().controls,
                     preview=lambda settings, ax: ax, plot=lambda result, ax: ax)
    with pytest.raises(KeyboardInterrupt):
        panel.train()
    assert not panel.train_button.disabled


def test_a_failing_preview_is_shown_in_the_preview_and_does_not_break_the_panel():
    panel = forecast_explorer()
    working = panel.preview
    panel.preview = lambda settings, ax: 1 / 0
    panel.controls["window"].value = 20  # raises inside the slider's callback
    shown = _shown(panel.preview_out)  # the preview's area, not JupyterLab's log or the result's area
    assert shown.startswith("Traceback (most recent call last)")
    assert shown.endswith("ZeroDivisionError: division by zero\n")
    assert [output["name"] for output in panel.preview_out.outputs] == ["stderr"]
    assert _shown(panel.result_out) == "" and panel.errors == []
    assert panel.status.value == "Choose settings, then click Train."
    panel.preview = working
    panel.controls["window"].value = 30
    assert panel.settings()["window"] == 30
    assert "window of 30 values" in panel.last_figure.axes[0].get_title()


def test_forecast_explorer_rejects_a_bad_seed():
    with pytest.raises(ValueError, match="`seed` must be at least 0. Received: seed=-1."):
        forecast_explorer(seed=-1)


def test_a_real_click_at_the_defaults():
    panel = forecast_explorer()
    panel.train_button.click()
    assert panel.errors == []
    result = panel.last_result
    assert result.settings == ForecastSettings(0.5, 50, "LSTM", 0)
    assert panel.progress.value == panel.progress.max == EPOCHS
    assert not panel.train_button.disabled
    assert result.network.mse_clean < result.scores["last value"].mse_clean
    assert len(panel.history_table().rows) == 1


# ----------------------------------------------------------------------------------------------
# Lessons 2 and 3: the same panel around run_classification and run_regression

from lessonlib.explore import (  # noqa: E402
    CLASSIFICATION_RECIPE,
    REGRESSION_RECIPE,
    ClassificationSettings,
    RegressionSettings,
)

classification_explorer, regression_explorer = lessonlib.classification_explorer, lessonlib.regression_explorer


class _ConstantModel:
    def __call__(self, x, training=False):
        return np.full((len(x), 1), 0.5)


@pytest.fixture
def instant_fit(monkeypatch):
    """Replace every explorer's network training by an instant stand-in that outputs 0.5."""
    def fit(settings, x_train, y_train, on_epoch, recipe, head="linear"):
        for epoch in range(1, recipe.epochs + 1):
            if on_epoch is not None:
                on_epoch(epoch, recipe.epochs)
        return _ConstantModel(), 0.01

    monkeypatch.setattr(explore, "_fit_network", fit)


@pytest.mark.parametrize("make, settings, words", [
    (classification_explorer, {"noise": 0.5, "window": 50, "cell": "LSTM"},
     ["noise 0.50", "window of 50 values"]),
    (regression_explorer, {"noise": 0.3, "n_points": 50, "cell": "LSTM"},
     ["noise 0.30", "of 50 samples over 10.0 time units"]),
])
def test_lesson_panels_start_with_the_lessons_settings_and_a_preview(make, settings, words):
    panel = make()
    assert panel.settings() == settings and panel.results == []
    title = panel.last_figure.axes[0].get_title()
    assert all(word in title for word in words), title


def test_classification_panel_clamps_sliders_and_redraws_the_preview():
    panel = classification_explorer()
    panel.controls["noise"].value, panel.controls["window"].value = 9.0, 500
    title = panel.last_figure.axes[0].get_title()
    assert "noise 2.00" in title and "window of 120 values" in title
    assert len(panel.last_figure.axes[0].lines) == 4  # one clean line and one window per class
    panel.controls["window"].value = 0
    assert panel.settings() == {"noise": 2.0, "window": 2, "cell": "LSTM"}


def test_regression_panel_clamps_sliders_and_redraws_the_preview():
    panel = regression_explorer()
    panel.controls["noise"].value, panel.controls["n_points"].value = -1.0, 1000
    title = panel.last_figure.axes[0].get_title()
    assert "noise 0.00" in title and "of 100 samples over 20.2 time units" in title
    panel.controls["n_points"].value = 3
    assert panel.settings() == {"noise": 0.0, "n_points": 10, "cell": "LSTM"}
    assert "of 10 samples over 1.8 time units" in panel.last_figure.axes[0].get_title()


@pytest.mark.parametrize("make, size, recipe, settings_class, columns", [
    (classification_explorer, "window", CLASSIFICATION_RECIPE, ClassificationSettings,
     ["run", "noise", "window", "cell", "accuracy", "AUC", "matched filter", "gap (points)",
      "train s"]),
    (regression_explorer, "n_points", REGRESSION_RECIPE, RegressionSettings,
     ["run", "noise", "samples", "cell", "RMSE", "x bound", "classical x bound", "train s"]),
])
def test_lesson_panels_add_a_run_per_click(instant_fit, make, size, recipe, settings_class,
                                           columns):
    panel = make(seed=1)
    panel.controls["noise"].value, panel.controls[size].value = 0.25, 30
    panel.controls["cell"].value = "GRU"
    panel.train_button.click()
    panel.controls["cell"].value = "SimpleRNN"
    panel.train_button.click()
    assert [r.settings for r in panel.results] == [settings_class(0.25, 30, "GRU", 1),
                                                   settings_class(0.25, 30, "SimpleRNN", 1)]
    assert panel.errors == [] and not panel.train_button.disabled
    assert panel.progress.value == panel.progress.max == recipe.epochs
    assert panel.history_table().header == columns and len(panel.history_table().rows) == 2
    assert "SimpleRNN, noise 0.25" in panel.last_figure.axes[0].get_title()


@pytest.mark.parametrize("make", [classification_explorer, regression_explorer])
def test_lesson_panels_reject_a_bad_seed(make):
    with pytest.raises(TypeError, match="`seed` must be an integer. Received: seed='0'"):
        make(seed="0")


def test_a_real_click_on_the_classification_panel():
    panel = classification_explorer()
    panel.controls["window"].value = -5  # clamped to 2: the shortest, and quickest, window
    panel.controls["cell"].value = "GRU"
    panel.train_button.click()
    assert panel.errors == []
    result = panel.last_result
    assert result.settings == ClassificationSettings(0.5, 2, "GRU", 0)
    assert panel.progress.value == panel.progress.max == CLASSIFICATION_RECIPE.epochs
    assert not panel.train_button.disabled and len(panel.history_table().rows) == 1
    assert "true class sin 1.1t" in [t.get_text() for t in
                                     panel.last_figure.axes[0].get_legend().get_texts()]


def test_a_real_click_on_the_regression_panel():
    panel = regression_explorer()
    panel.controls["noise"].value, panel.controls["n_points"].value = 5.0, 0  # clamped to 2 and 10
    panel.controls["cell"].value = "SimpleRNN"
    panel.train_button.click()
    assert panel.errors == []
    result = panel.last_result
    assert result.settings == RegressionSettings(2.0, 10, "SimpleRNN", 0)
    assert panel.progress.value == panel.progress.max == REGRESSION_RECIPE.epochs
    assert not panel.train_button.disabled and len(panel.history_table().rows) == 1
    assert "Cramér-Rao bound" in panel.last_figure.axes[0].get_title()
