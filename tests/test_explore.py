"""run_forecast, the function behind lesson 1's explorer: real (trimmed) training at the defaults
and at the ends of every range; argument checks and the result's tables without training."""

import subprocess
import sys

import numpy as np
import pytest

from lessonlib import explore
from lessonlib.explore import EPOCHS, SINE_FIT, ForecastSettings, run_forecast
from lessonlib.report import ForecastScore

BASELINES = ["last value", "linear autoregression", SINE_FIT]


@pytest.fixture(scope="module")
def default_run():
    calls = []
    result = run_forecast(on_epoch=lambda epoch, epochs: calls.append((epoch, epochs)))
    return result, calls


def _check_finite_and_shaped(result, n_test):
    assert list(result.scores) == [f"{result.settings.cell} network", *BASELINES]
    for name, score in result.scores.items():
        assert np.isfinite([score.mse_noisy, score.mse_clean, score.ratio]).all(), name
    for array in (result.t_test, result.predictions, result.y_test, result.y_test_clean):
        assert array.shape == (n_test,) and np.isfinite(array).all()
    assert np.all(np.diff(result.t_test) > 0)
    assert result.seconds > 0 and result.network.seconds == result.seconds


def test_defaults_beat_the_last_value_and_come_near_the_yardstick(default_run):
    result, calls = default_run
    assert result.settings == ForecastSettings(noise=0.5, window=50, cell="LSTM", seed=0)
    _check_finite_and_shaped(result, n_test=170)  # lesson 1's 170 test windows
    net, scores = result.network, result.scores
    assert net.mse_clean < scores["last value"].mse_clean / 5
    assert scores[SINE_FIT].ratio == 1.0
    assert 0.5 < result.ratio < 6
    assert net.mse_noisy > 0.2  # the noise variance, 0.25, is a floor against noisy targets


def test_on_epoch_is_called_after_every_epoch_counting_from_1(default_run):
    assert default_run[1] == [(epoch, EPOCHS) for epoch in range(1, EPOCHS + 1)]


@pytest.mark.parametrize("settings, n_test", [
    ({"noise": 0.0, "cell": "SimpleRNN"}, 170),
    ({"noise": 2.0, "cell": "GRU"}, 170),
    ({"window": 2, "cell": "GRU"}, 150),
    ({"window": 120, "noise": 1.0, "cell": "SimpleRNN"}, 198),
])
def test_the_ends_of_every_range_give_finite_scores(settings, n_test):
    result = run_forecast(**settings)
    _check_finite_and_shaped(result, n_test)
    assert result.network.mse_clean < result.scores["last value"].mse_clean


def test_noise_zero_floors_the_ratio_instead_of_dividing_by_zero():
    result = run_forecast(noise=0, window=10, cell="SimpleRNN")
    yardstick = result.scores[SINE_FIT]
    assert yardstick.mse_clean < 1e-20 and yardstick.ratio == 1.0
    assert result.scores["linear autoregression"].ratio == 1.0  # exact too: both count as 1e-6
    assert result.ratio == pytest.approx(result.network.mse_clean / explore.RATIO_FLOOR)
    assert np.array_equal(result.y_test, result.y_test_clean)


def test_the_same_settings_give_the_same_run():
    first, again = (run_forecast(0.3, 5, "SimpleRNN", seed=2) for _ in range(2))
    assert np.array_equal(first.predictions, again.predictions)
    assert [s[:3] for s in first.scores.values()] == [s[:3] for s in again.scores.values()]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"window": 200}, ValueError, r"`window` must be between 2 and 120. Received: window=200\."),
    ({"window": 1}, ValueError, r"`window` must be between 2 and 120. Received: window=1\."),
    ({"window": 50.0}, TypeError, r"`window` must be an integer. Received: window=50.0"),
    ({"noise": -0.1}, ValueError, r"`noise` must be between 0 and 2. Received: noise=-0.1\."),
    ({"noise": 2.5}, ValueError, r"`noise` must be between 0 and 2. Received: noise=2.5\."),
    ({"noise": float("nan")}, ValueError, r"`noise` must be a finite number"),
    ({"noise": "0.5"}, TypeError, r"`noise` must be a number"),
    ({"cell": "lstm"}, ValueError, r"`cell` must be one of 'SimpleRNN', 'LSTM', 'GRU'. "
                                   r"Received: cell='lstm'\."),
    ({"seed": -1}, ValueError, r"`seed` must be at least 0"),
    ({"on_epoch": 3}, TypeError, r"`on_epoch` must be a function of \(epoch, epochs\), or None. "
                                 r"Received: on_epoch=3 of type int\."),
])
def test_bad_arguments_are_rejected_before_any_training(kwargs, error, message, monkeypatch):
    monkeypatch.setattr(explore, "_fit_network", None)  # would fail with a different error if reached
    with pytest.raises(error, match=message):
        run_forecast(**kwargs)


def _synthetic_run():
    scores = {"GRU network": ForecastScore(0.31, 0.0123, 2.46, 1.5),
              "last value": ForecastScore(0.58, 0.28, 56.0, None),
              "linear autoregression": ForecastScore(0.29, 0.021, 4.2, None),
              SINE_FIT: ForecastScore(0.276, 0.005, 1.0, None)}
    arrays = [np.zeros(3)] * 4
    return explore.ForecastRun(ForecastSettings(0.25, 30, "GRU", 0), scores, 1.5, *arrays)


def test_table_and_summary_format_a_run():
    run = _synthetic_run()
    assert repr(run.table()).splitlines()[2].split() == ["GRU", "network", "0.310", "0.0123",
                                                        "2.5", "1.5"]
    assert run.table().rows[1][-1] == "-"
    assert run.summary() == {"noise": "0.25", "window": "30", "cell": "GRU",
                             "MSE vs clean": "0.0123", "x sine fit": "2.5",
                             "x last value": "0.04", "train s": "1.5"}


def test_importing_explore_does_not_load_keras_or_plots():
    code = ("import sys, lessonlib.explore; print(sorted(m for m in ('tensorflow', 'keras', "
            "'matplotlib.pyplot', 'ipywidgets') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"


# ----------------------------------------------------------------------------------------------
# run_classification, the function behind lesson 2's explorer

from lessonlib.explore import (  # noqa: E402
    BOUND,
    CLASSIFICATION_RECIPE,
    ESTIMATOR,
    MATCHED_FILTER,
    REGRESSION_RECIPE,
    RMSE_FLOOR,
    ClassificationScore,
    ClassificationSettings,
    RegressionScore,
    RegressionSettings,
    run_classification,
    run_regression,
)


@pytest.fixture(scope="module")
def default_classification():
    calls = []
    result = run_classification(on_epoch=lambda epoch, epochs: calls.append((epoch, epochs)))
    return result, calls


def _check_classification(result, n_test):
    assert list(result.scores) == [f"{result.settings.cell} network", MATCHED_FILTER]
    for name, score in result.scores.items():
        assert 0 <= score.accuracy <= 1 and 0 <= score.auc <= 1, name
    assert result.probabilities.shape == result.y_test.shape == (n_test,)
    assert np.all((result.probabilities >= 0) & (result.probabilities <= 1))
    assert result.y_test.mean() == 0.5
    assert result.seconds > 0 and result.network.seconds == result.seconds
    assert np.isfinite(result.gap)


def test_classification_defaults_beat_chance_clearly(default_classification):
    result, calls = default_classification
    assert result.settings == ClassificationSettings(noise=0.5, window=50, cell="LSTM", seed=0)
    _check_classification(result, n_test=340)  # lesson 2's 340 test windows
    assert result.network.accuracy > 0.7 and result.network.auc > 0.8
    assert result.scores[MATCHED_FILTER].accuracy > 0.9  # lesson 2's yardstick: 94 %
    assert result.gap < 25
    epochs = CLASSIFICATION_RECIPE.epochs
    assert calls == [(epoch, epochs) for epoch in range(1, epochs + 1)]


@pytest.mark.parametrize("settings, n_test", [
    ({"noise": 0.0, "window": 120, "cell": "GRU"}, 396),
    ({"noise": 2.0, "window": 2, "cell": "SimpleRNN"}, 300),
])
def test_classification_at_the_ends_of_every_range(settings, n_test):
    result = run_classification(**settings)
    _check_classification(result, n_test)
    if settings["noise"] == 0:
        assert result.scores[MATCHED_FILTER].accuracy == 1.0


@pytest.mark.parametrize("kwargs, error, message", [
    ({"window": 121}, ValueError, r"`window` must be between 2 and 120. Received: window=121\."),
    ({"window": 1}, ValueError, r"`window` must be between 2 and 120. Received: window=1\."),
    ({"noise": 3}, ValueError, r"`noise` must be between 0 and 2. Received: noise=3\."),
    ({"noise": None}, TypeError, r"`noise` must be a number. Received: noise=None"),
    ({"cell": "RNN"}, ValueError, r"`cell` must be one of 'SimpleRNN', 'LSTM', 'GRU'. "
                                  r"Received: cell='RNN'\."),
    ({"seed": 1.5}, TypeError, r"`seed` must be an integer"),
    ({"on_epoch": "print"}, TypeError, r"`on_epoch` must be a function of \(epoch, epochs\)"),
])
def test_classification_rejects_bad_arguments_before_any_training(kwargs, error, message,
                                                                  monkeypatch):
    monkeypatch.setattr(explore, "_fit_network", None)
    with pytest.raises(error, match=message):
        run_classification(**kwargs)


def test_classification_table_and_summary_format_a_run():
    scores = {"GRU network": ClassificationScore(0.8771, 0.9123, 2.25),
              MATCHED_FILTER: ClassificationScore(0.9412, 0.9934, None)}
    run = explore.ClassificationRun(ClassificationSettings(0.25, 30, "GRU", 0), scores, 2.25,
                                    np.zeros(2), np.array([0.0, 1.0]))
    assert run.gap == pytest.approx(6.41)
    assert run.table().header == ["classifier", "test accuracy", "test AUC", "train s"]
    assert run.table().rows == [["GRU network", "87.7%", "0.912", "2.2"],
                                [MATCHED_FILTER, "94.1%", "0.993", "-"]]
    assert run.summary() == {"noise": "0.25", "window": "30", "cell": "GRU", "accuracy": "87.7%",
                             "AUC": "0.912", "matched filter": "94.1%", "gap (points)": "6.4",
                             "train s": "2.2"}


# ----------------------------------------------------------------------------------------------
# run_regression, the function behind lesson 3's explorer


@pytest.fixture(scope="module")
def default_regression():
    calls = []
    result = run_regression(on_epoch=lambda epoch, epochs: calls.append((epoch, epochs)))
    return result, calls


def _check_regression(result):
    assert list(result.scores) == [f"{result.settings.cell} network", ESTIMATOR, BOUND]
    for name, score in result.scores.items():
        assert np.isfinite([score.rmse, score.ratio]).all(), name
    assert result.predictions.shape == result.y_test.shape == (250,)  # lesson 3's test sequences
    assert np.isfinite(result.predictions).all()
    assert np.all((result.y_test >= 1) & (result.y_test <= 5))
    assert result.seconds > 0 and result.network.seconds == result.seconds


def test_regression_defaults_beat_a_constant_and_sit_within_reach_of_the_bound(default_regression):
    result, calls = default_regression
    assert result.settings == RegressionSettings(noise=0.3, n_points=50, cell="LSTM", seed=0)
    _check_regression(result)
    assert result.bound == pytest.approx(0.0204, abs=1e-4)  # lesson 3's design
    assert result.scores[BOUND] == RegressionScore(result.bound, 1.0, None)
    assert result.scores[ESTIMATOR].ratio < 1.3
    constant = np.sqrt(np.mean((result.y_test - 3) ** 2))  # predicting the middle: about 1.15
    assert result.network.rmse < constant / 3
    assert 1 < result.ratio < 30
    epochs = REGRESSION_RECIPE.epochs
    assert calls == [(epoch, epochs) for epoch in range(1, epochs + 1)]


def test_regression_n_points_sets_samples_at_the_lessons_spacing():
    assert explore.sequence_duration(50) == 10.0
    assert explore.sequence_duration(10) == pytest.approx(9 * 10 / 49)
    with pytest.raises(ValueError, match="`n_points` must be at least 2. Received: n_points=1."):
        explore.sequence_duration(1)


def test_regression_at_noise_zero_and_the_fewest_samples_floors_the_ratio():
    result = run_regression(noise=0, n_points=10, cell="SimpleRNN")
    _check_regression(result)
    assert result.bound == 0.0 and result.scores[BOUND].ratio == 1.0
    assert result.scores[ESTIMATOR].rmse < 1e-6 and result.scores[ESTIMATOR].ratio == 1.0
    assert result.ratio == pytest.approx(max(result.network.rmse, RMSE_FLOOR) / RMSE_FLOOR)


def test_regression_at_the_highest_noise_and_the_most_samples():
    result = run_regression(noise=2, n_points=100, cell="GRU")
    _check_regression(result)
    assert result.bound == pytest.approx(explore.cramer_rao_bound(
        n_points=100, duration=explore.sequence_duration(100), noise=2))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"n_points": 9}, ValueError, r"`n_points` must be between 10 and 100. Received: n_points=9\."),
    ({"n_points": 101}, ValueError, r"`n_points` must be between 10 and 100. Received: n_points=101\."),
    ({"n_points": 50.0}, TypeError, r"`n_points` must be an integer. Received: n_points=50.0"),
    ({"noise": -0.5}, ValueError, r"`noise` must be between 0 and 2. Received: noise=-0.5\."),
    ({"noise": float("inf")}, ValueError, r"`noise` must be a finite number"),
    ({"cell": "gru"}, ValueError, r"`cell` must be one of 'SimpleRNN', 'LSTM', 'GRU'. "
                                  r"Received: cell='gru'\."),
    ({"seed": -2}, ValueError, r"`seed` must be at least 0. Received: seed=-2\."),
    ({"on_epoch": 1}, TypeError, r"`on_epoch` must be a function of \(epoch, epochs\), or None"),
])
def test_regression_rejects_bad_arguments_before_any_training(kwargs, error, message,
                                                              monkeypatch):
    monkeypatch.setattr(explore, "_fit_network", None)
    with pytest.raises(error, match=message):
        run_regression(**kwargs)


def test_regression_table_and_summary_format_a_run():
    scores = {"LSTM network": RegressionScore(0.0812, 3.98, 2.5),
              ESTIMATOR: RegressionScore(0.0207, 1.01, None),
              BOUND: RegressionScore(0.0204, 1.0, None)}
    run = explore.RegressionRun(RegressionSettings(0.3, 50, "LSTM", 0), scores, 0.0204, 2.5,
                                np.zeros(2), np.zeros(2))
    assert run.ratio == 3.98
    assert run.table().rows == [["LSTM network", "0.0812", "4.0", "2.5"],
                                [ESTIMATOR, "0.0207", "1.0", "-"], [BOUND, "0.0204", "1.0", "-"]]
    assert run.summary() == {"noise": "0.30", "samples": "50", "cell": "LSTM", "RMSE": "0.0812",
                             "x bound": "4.0", "classical x bound": "1.0", "train s": "2.5"}
