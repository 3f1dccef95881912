"""Lesson 3's explorer (lessonlib.lessons.regression): its scores against independent computations, and
the scaling of its target.

Real runs with the tiny recipe of conftest.py's ``tiny_tasks``; the test sequences are drawn here again
with ``random_frequency_sequences`` (lesson 3's design written out) and the estimator and the bound
recomputed. What every lesson's run does is tested in test_explore.py and test_widgets.py.
"""

import numpy as np
import pytest
from matplotlib.figure import Figure

import lessonlib
from lessonlib.classical import cramer_rao_bound, estimate_frequency
from lessonlib.explore import N_TEST, N_VALIDATION, N_VIEW, TEST_SEED, View
from lessonlib.lessons import regression
from lessonlib.lessons.regression import BOUND, ESTIMATOR, Settings, run_regression, scale_frequency, unscale_frequency
from lessonlib.panel import run_table
from lessonlib.signals import FREQ_RANGE, random_frequency_sequences, sequence_duration

DESIGN_20 = {"n_points": 20, "duration": 10 * 19 / 49, "freq_range": (1.0, 5.0), "noise": 0.3}  # lesson 3's



def test_the_network_learns_the_frequency_scaled_onto_minus_one_to_one():
    assert FREQ_RANGE == (1.0, 5.0)
    frequencies = np.array([1.0, 2.5, 3.0, 4.9, 5.0])
    assert scale_frequency(frequencies) == pytest.approx((frequencies - 3) / 2)
    assert unscale_frequency(np.array([-1.0, 0.25, 1.0])) == pytest.approx([1.0, 3.5, 5.0])
    assert unscale_frequency(scale_frequency(frequencies)) == pytest.approx(frequencies)
    recipe = regression.TASK.recipe_for("GRU")._replace(n_train=256, batch_size=64, epochs_per_pass=1)
    data = regression.TASK.prepare(Settings(0.3, 20, "GRU", 5), recipe)
    train = random_frequency_sequences(recipe.windows + N_VALIDATION, seed=5, **DESIGN_20)  # independently
    assert data.x_train == pytest.approx(train.signals[:recipe.windows, :, None])
    assert data.y_train == pytest.approx((train.frequencies[:recipe.windows] - 3) / 2)
    assert data.y_val == pytest.approx((train.frequencies[recipe.windows:] - 3) / 2)
    assert np.all(np.abs(data.y_train) <= 1)
    assert regression.TASK.forecast(lambda x: x, np.array([-1.0, 1.0]), None) == pytest.approx([1.0, 5.0])


def test_regression_ratio_is_the_mse_over_the_cramer_rao_bound_squared_on_fresh_sequences(tiny_tasks, network_outputs):
    run = run_regression(0.3, 20, "GRU")
    assert list(run.scores) == ["GRU network", ESTIMATOR, BOUND]
    assert sequence_duration(20) == pytest.approx(DESIGN_20["duration"])
    test = random_frequency_sequences(N_TEST, seed=TEST_SEED, **DESIGN_20)
    bound = cramer_rao_bound(n_points=20, duration=DESIGN_20["duration"], noise=0.3)
    net = np.sqrt(np.mean((unscale_frequency(network_outputs(run, test.signals[:, :, None])) - test.frequencies) ** 2))
    classical = np.sqrt(np.mean((estimate_frequency(test.signals, test.t) - test.frequencies) ** 2))
    assert run.scores[BOUND].value == bound and run.scores[BOUND].relative == 1.0
    assert run.scores[BOUND].interval is None
    assert run.network.value == pytest.approx(net, rel=1e-4)
    assert run.network.relative == pytest.approx((net / bound) ** 2, rel=1e-4)  # a ratio of MSEs
    assert run.scores[ESTIMATOR].value == pytest.approx(classical, rel=1e-9)
    assert run.scores[ESTIMATOR].relative == pytest.approx((classical / bound) ** 2, rel=1e-9)
    assert run.network.interval.low < run.network.relative < run.network.interval.high
    assert regression.PANEL.relative == "x bound (MSE ratio)"  # the table's header names the scale
    assert run.references[BOUND] == bound
    assert run.view.target.shape == (N_VIEW,) and np.all((run.view.target >= 1) & (run.view.target <= 5))
    assert np.array_equal(run.view.target, test.frequencies[:N_VIEW])
    shown = unscale_frequency(network_outputs(run, test.signals[:N_VIEW, :, None]))
    assert run.view.predictions == pytest.approx(shown, rel=1e-4)


def test_regression_at_noise_zero_shows_rmses_as_values(tiny_tasks):
    run = run_regression(0.0, 10, "SimpleRNN")
    assert run.exact and run.network.relative is None and run.scores[BOUND].value == 0
    assert run.scores[ESTIMATOR].value < 1e-6 and run.network.value > 0
    table = run_table(run, regression.PANEL)
    assert [row[2] for row in table.rows] == ["-", "-", "-"]
    assert table.rows[-1][:2] == [BOUND, "0 (exact)"]


def test_the_preview_shows_sequences_of_the_chosen_length():
    panel = lessonlib.regression_explorer()
    title = panel.preview_figure.axes[0].get_title()
    assert "noise 0.30" in title and "of 50 samples over 10.0 time units" in title
    panel.controls["n_points"].value = 20
    assert f"of 20 samples over {10 * 19 / 49:.1f} time units" in panel.preview_figure.axes[0].get_title()


def test_the_predictions_are_drawn_against_the_true_frequencies():
    ax = Figure().add_subplot()
    regression.PANEL.plot(View(np.array([1.0, 2.0, 4.0]), np.array([1.0, 2.0, 3.0])), ax, "GRU, noise 0.30")
    assert ax.get_title() == f"GRU, noise 0.30, {N_VIEW} sequences: RMSE {np.sqrt(1 / 3):.3f}"
