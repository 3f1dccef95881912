"""run_forecast, the function behind lesson 1's explorer: real (trimmed) training at the defaults
and at the ends of every range; argument checks and the result's tables without training."""

import subprocess
import sys

import numpy as np
import pytest

from lessonlib import explore
from lessonlib.explore import EPOCHS, YARDSTICK, ForecastSettings, run_forecast
from lessonlib.report import ForecastScore

BASELINES = ["last value", "linear autoregression", YARDSTICK]


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
    assert scores[YARDSTICK].ratio == 1.0
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
    yardstick = result.scores[YARDSTICK]
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
    monkeypatch.setattr(explore, "_train", None)  # would fail with a different error if reached
    with pytest.raises(error, match=message):
        run_forecast(**kwargs)


def _synthetic_run():
    scores = {"GRU network": ForecastScore(0.31, 0.0123, 2.46, 1.5),
              "last value": ForecastScore(0.58, 0.28, 56.0, None),
              "linear autoregression": ForecastScore(0.29, 0.021, 4.2, None),
              YARDSTICK: ForecastScore(0.276, 0.005, 1.0, None)}
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
