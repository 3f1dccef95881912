"""Lesson 4's explorer (lessonlib.lessons.many_steps): its scores, strategies, targets and picture
against independent computations.

Real runs with the tiny recipe of conftest.py's ``tiny_tasks``; the test windows are drawn here again
with ``sine_windows_ahead``. The functions lesson 4 brought (the Bayes forecast many steps ahead, the
classical forecasts, the data, the block bootstrap) are tested in their concern's test file.
"""

import numpy as np
import pytest

import lessonlib
from lessonlib import explore
from lessonlib.lessons import many_steps
from lessonlib.signals import STEP, noisy_sine


def test_a_run_forecasts_horizon_steps_ahead_against_the_clean_value(tiny_tasks, network_outputs):
    run = lessonlib.run_many_steps(0.5, 12, "GRU", seed=1)
    assert list(run.scores) == ["GRU network", many_steps.LAST_VALUE, many_steps.SINE_FIT, many_steps.AR_RECURSIVE,
                                many_steps.AR_DIRECT, many_steps.BAYES_FORECAST]
    assert run.model.input_shape == (None, many_steps.WINDOW // run.per_step, run.per_step) and run.per_step == 5
    test = lessonlib.sine_windows_ahead(explore.N_TEST, window=50, horizon=12, noise=0.5, seed=explore.TEST_SEED)
    bayes = lessonlib.forecast_bayes(test.x, step=STEP, noise=0.5, horizon=12)
    assert run.scores[many_steps.BAYES_FORECAST].value == pytest.approx(np.mean((bayes - test.y_clean[:, -1]) ** 2))
    network = network_outputs(run, test.x)
    assert run.network.value == pytest.approx(np.mean((network - test.y_clean[:, -1]) ** 2), rel=1e-4)


def test_the_recursive_strategy_trains_one_step_ahead_and_feeds_the_network_its_forecasts(tiny_tasks, network_outputs):
    run = lessonlib.run_many_steps(0.5, 6, "GRU", "recursive", seed=1)
    assert run.settings.strategy == "recursive" and run.model.output_shape == (None, 1)
    test = lessonlib.sine_windows_ahead(explore.N_TEST, window=50, horizon=6, noise=0.5, seed=explore.TEST_SEED)
    windows = test.x[:, :, 0].copy()
    for _ in range(6):  # by hand: forecast the next value, append it, drop the oldest
        forecast = network_outputs(run, windows[:, :, None])
        windows = np.column_stack([windows[:, 1:], forecast])
    assert run.network.value == pytest.approx(np.mean((forecast - test.y_clean[:, -1]) ** 2), rel=1e-4)
    np.testing.assert_allclose(run.predict(test.x[:50]), forecast[:50], rtol=1e-4, atol=1e-5)


def test_the_sequence_to_sequence_strategy_forecasts_after_every_step_scored_at_the_last(tiny_tasks, network_outputs):
    run = lessonlib.run_many_steps(0.5, 6, "LSTM", "sequence to sequence", seed=1)
    steps = many_steps.WINDOW // run.per_step
    assert run.model.output_shape == (None, steps, 1)
    test = lessonlib.sine_windows_ahead(explore.N_TEST, window=50, horizon=6, noise=0.5, seed=explore.TEST_SEED)
    last = network_outputs(run, test.x)[:, -1]
    assert run.network.value == pytest.approx(np.mean((last - test.y_clean[:, -1]) ** 2), rel=1e-4)


def test_each_strategy_trains_on_its_own_targets():
    recipe = many_steps.TASK.recipe_for("LSTM")._replace(n_train=64)
    windows = lessonlib.sine_windows_ahead(recipe.windows + explore.N_VALIDATION, window=many_steps.WINDOW,
                                           horizon=6, noise=0.5, seed=3)  # independently; a run's horizon
    settings = many_steps.Settings(0.5, 6, "LSTM", "direct", 3)

    def targets(choice):
        return many_steps.TASK.prepare(settings._replace(strategy=choice), recipe).y_train

    np.testing.assert_array_equal(targets("direct"), windows.y[:recipe.windows, -1])  # 6 steps after the window
    np.testing.assert_array_equal(targets("recursive"), windows.y[:recipe.windows, 0])  # the next value
    values = np.concatenate([windows.x[:recipe.windows, :, 0], windows.y[:recipe.windows]], axis=1)
    every = targets("sequence to sequence")  # 6 steps after each value of the window
    np.testing.assert_array_equal(every, values[:, 6:6 + many_steps.WINDOW])


def test_the_picture_forecasts_each_target_from_the_window_horizon_steps_earlier():
    recipe = many_steps.TASK.recipe_for("LSTM")._replace(n_train=64)
    data = many_steps.TASK.prepare(many_steps.Settings(0.5, 12, "LSTM", "direct", 2), recipe)
    noisy = noisy_sine(500, noise=0.5, seed=2).noisy  # lesson 1's series, drawn again
    assert data.x_view.shape == (many_steps.N_SHOWN, many_steps.WINDOW, 1)
    np.testing.assert_array_equal(data.view.target, noisy[-many_steps.N_SHOWN:])
    ends = np.arange(500 - many_steps.N_SHOWN, 500) - 12  # each window's last value: 12 steps before its target
    np.testing.assert_array_equal(data.x_view[:, -1, 0], noisy[ends])
    np.testing.assert_array_equal(data.x_view[:, 0, 0], noisy[ends - many_steps.WINDOW + 1])
    assert data.view.optimum == pytest.approx(lessonlib.forecast_bayes(data.x_view, step=STEP, noise=0.5,
                                                                         horizon=12))


def test_the_preview_shows_one_window_and_its_target_horizon_steps_on():
    panel = lessonlib.many_steps_explorer()
    assert "star: its target, 35 steps after the window" in panel.preview_figure.axes[0].get_title()
    panel.controls["horizon"].value = 1
    assert "its target, 1 step after the window" in panel.preview_figure.axes[0].get_title()


@pytest.mark.parametrize("strategy", ["seq2seq", 2])
def test_an_unknown_strategy_is_named_with_the_choices(strategy):
    message = (r"`strategy` must be one of 'direct', 'recursive', 'sequence to sequence'\. "
               rf"Received: strategy={strategy!r}\.")
    with pytest.raises(ValueError, match=message):
        lessonlib.run_many_steps(0.5, 6, "LSTM", strategy)


def test_the_panel_has_a_horizon_slider_and_a_strategy_choice():
    panel = lessonlib.many_steps_explorer()
    assert list(panel.controls) == ["noise", "horizon", "cell", "strategy"]
    assert (panel.controls["horizon"].min, panel.controls["horizon"].max) == many_steps.TASK.ranges["horizon"]
    assert panel.controls["strategy"].options == ("direct", "recursive", "sequence to sequence")
    assert panel.controls["strategy"].value == "direct"
