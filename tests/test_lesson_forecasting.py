"""Lesson 1's explorer (lessonlib.lessons.forecasting): its scores against independent computations.

Real runs with the tiny recipe of conftest.py's ``tiny_tasks``; the test windows are drawn here again
with ``sine_windows`` and the yardsticks recomputed on them. What every lesson's run does (callbacks,
Stop, early stopping, checks, formatting) is tested in test_explore.py and test_widgets.py.
"""

import numpy as np
import pytest
from matplotlib.figure import Figure

import lessonlib
from lessonlib.bayes import forecast_bayes
from lessonlib.classical import forecast_last_value, forecast_sine_fit
from lessonlib.explore import N_CURVE, N_TEST, TEST_SEED, View
from lessonlib.lessons import forecasting
from lessonlib.lessons.forecasting import BAYES_FORECAST, LAST_VALUE, LINEAR_AR, SINE_FIT, Settings, run_forecast
from lessonlib.panel import run_summary, run_table
from lessonlib.signals import STEP, noisy_sine, sine_windows
from lessonlib.windows import split_and_windowize


def test_forecast_scores_are_the_mse_against_the_clean_value_on_fresh_windows(tiny_tasks, network_outputs):
    run = run_forecast(0.5, 20, "GRU", seed=3)
    assert run.settings == Settings(0.5, 20, "GRU", 3)
    assert list(run.scores) == ["GRU network", LAST_VALUE, LINEAR_AR, SINE_FIT, BAYES_FORECAST]
    test = sine_windows(N_TEST, window=20, step=STEP, noise=0.5, seed=TEST_SEED)  # independently
    assert N_TEST >= 10_000
    bayes_mse = np.mean((forecast_bayes(test.x, step=STEP, noise=0.5) - test.y_clean) ** 2)
    net_mse = np.mean((network_outputs(run, test.x) - test.y_clean) ** 2)
    fit_mse = np.mean((forecast_sine_fit(test.x, frequency=1.0, step=STEP) - test.y_clean) ** 2)
    last_mse = np.mean((test.x[:, -1, 0] - test.y_clean) ** 2)
    assert run.scores[BAYES_FORECAST].value == pytest.approx(bayes_mse, rel=1e-9)
    assert run.scores[SINE_FIT].value == pytest.approx(fit_mse, rel=1e-9)
    assert run.scores[LAST_VALUE].value == pytest.approx(last_mse, rel=1e-9)
    assert run.network.value == pytest.approx(net_mse, rel=1e-4)
    assert run.network.relative == pytest.approx(net_mse / bayes_mse, rel=1e-4)
    assert run.scores[SINE_FIT].relative == pytest.approx(fit_mse / bayes_mse, rel=1e-9)
    # the sine fit knows the frequency but fits phase and amplitude to 20 noisy values: about 2x the optimum
    assert 1.5 < run.scores[SINE_FIT].relative < 2.5
    assert run.scores[BAYES_FORECAST].relative == 1.0
    low, high = run.network.interval[1:3]
    assert low < run.network.relative < high and high - low < 0.2 * run.network.relative  # 10,000 paired windows
    assert run.network.seconds > 0 and run.seconds > run.network.seconds


def test_the_curve_references_and_picture_are_lesson_1s(tiny_tasks, network_outputs):
    run = run_forecast(0.5, 10, "SimpleRNN")
    test = sine_windows(N_TEST, window=10, step=STEP, noise=0.5, seed=TEST_SEED)
    best = network_outputs(run, test.x[:N_CURVE])  # the kept weights: the best epoch's
    assert run.curve[run.best_epoch] == pytest.approx(np.mean((best - test.y_clean[:N_CURVE]) ** 2), rel=1e-4)
    head = test.x[:N_CURVE]
    assert run.references[BAYES_FORECAST] == pytest.approx(
        np.mean((forecast_bayes(head, step=STEP, noise=0.5) - test.y_clean[:N_CURVE]) ** 2))
    assert run.references[LAST_VALUE] == pytest.approx(
        np.mean((forecast_last_value(head) - test.y_clean[:N_CURVE]) ** 2))
    series = noisy_sine(500, noise=0.5, seed=0)  # lesson 1's series (the run's seed): the picture's test stretch
    _, x_view, _, y_view = split_and_windowize(series.noisy, 10)
    assert np.array_equal(run.view.target, y_view) and len(y_view) == 154
    assert np.array_equal(run.view.clean, split_and_windowize(series.clean, 10)[3])
    assert np.array_equal(run.view.t, series.t[-154:])
    assert run.view.optimum == pytest.approx(forecast_bayes(x_view, step=STEP, noise=0.5))
    assert run.view.predictions == pytest.approx(network_outputs(run, x_view), rel=1e-4, abs=1e-6)


def test_noise_zero_shows_errors_as_values_and_no_ratio_to_an_exact_optimum(tiny_tasks):
    run = run_forecast(0.0, 10, "GRU")
    assert run.exact and run.network.relative is None
    assert run.scores[BAYES_FORECAST].value == 0  # the optimum is the clean value itself
    assert run.scores[SINE_FIT].value < 1e-20  # exact too, up to rounding
    assert all(score.relative is None and score.interval is None for score in run.scores.values())
    assert run.network.value > 0
    table = run_table(run, forecasting.PANEL)
    assert table.header == ["method", "MSE vs clean", "x optimum (MSE ratio)", "train s"]
    assert table.rows[-1] == [BAYES_FORECAST, "0 (exact)", "-", "-"]
    assert table.rows[0][1] == f"{run.network.value:.3g}" and table.rows[0][2] == "-"
    assert run_summary(run, forecasting.PANEL)["x optimum (MSE ratio)"] == "-"
    assert np.array_equal(run.view.optimum, run.view.clean)


def test_the_preview_shows_the_series_and_one_input_window():
    panel = lessonlib.forecast_explorer()
    title = panel.preview_figure.axes[0].get_title()
    assert "noise 0.50" in title and "window of 50 values" in title
    panel.controls["noise"].value, panel.controls["window"].value = 5.0, 500  # clamped to 2 and 120
    title = panel.preview_figure.axes[0].get_title()
    assert "noise 2.00" in title and "window of 120 values" in title


def test_the_predictions_are_drawn_over_the_lessons_test_stretch():
    view = View(np.zeros(5), np.ones(5), t=np.arange(5.0), clean=np.zeros(5), optimum=np.zeros(5))
    ax = Figure().add_subplot()
    forecasting.PANEL.plot(view, ax, "GRU, noise 0.50, after epoch 3")
    assert ax.get_title() == "GRU, noise 0.50, after epoch 3: forecasts over the lesson's test stretch"


def test_a_lesson_without_choices_has_no_such_setting():
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'strategy'"):
        forecasting.TASK.settings(strategy="direct")


def test_exercise_4s_bar_is_the_linear_autoregression_on_the_networks_own_windows():
    """Issue 23: fitted on the 230 windows of section 5 the linear autoregression overfits; on section 10's
    20,230, the ones the networks and the exercise's GRU train on, it comes near the best linear forecast."""
    from lessonlib.classical import forecast_linear_ar, forecast_wiener
    from lessonlib.exercises import lesson1

    x_long, y_long = lesson1._lesson_long_windows(0)
    x_train, _, y_train, _, _ = lesson1._lesson_split(0)
    assert x_long.shape == (20_230, 50, 1) and len(x_train) == 230
    assert np.array_equal(x_long[-len(x_train):], x_train)  # the lesson's series is the history's end
    test = sine_windows(N_TEST, window=50, step=STEP, noise=0.5, seed=TEST_SEED)
    best_linear = np.mean((forecast_wiener(test.x, frequency=1.0, step=STEP, noise=0.5) - test.y_clean) ** 2)
    on_long = np.mean((forecast_linear_ar(x_long, y_long, test.x) - test.y_clean) ** 2)
    on_short = np.mean((forecast_linear_ar(x_train, y_train, test.x) - test.y_clean) ** 2)
    assert best_linear < on_long < 1.15 * best_linear < 5 * best_linear < on_short
