"""Classical forecasts, the sine-fit yardstick, and the score tables and claims built on them."""

import numpy as np
import pytest

import lessonlib
from lessonlib import (
    claim,
    forecast_last_value,
    forecast_linear_ar,
    forecast_moving_average,
    forecast_sine_fit,
    forecast_table,
    mse,
    noisy_sine,
    score_forecasts,
    split_and_windowize,
)


def test_simple_forecasts_on_known_windows():
    windows = np.array([[1.0, 2.0, 3.0, 10.0], [0.0, 0.0, 4.0, 8.0]])
    np.testing.assert_array_equal(forecast_last_value(windows), [10.0, 8.0])
    np.testing.assert_array_equal(forecast_moving_average(windows, k=2), [6.5, 6.0])
    np.testing.assert_array_equal(forecast_moving_average(windows[:, :, None], k=4), [4.0, 3.0])


def test_linear_ar_recovers_an_exact_linear_recursion():
    x = np.random.default_rng(0).normal(size=(40, 3))
    y = x @ np.array([0.5, -1.0, 2.0]) + 0.25
    np.testing.assert_allclose(forecast_linear_ar(x, y, [[1.0, 1.0, 1.0]]), [1.75])


def test_sine_fit_is_exact_on_a_clean_sine_of_any_phase_and_amplitude():
    step, frequency = 0.3, 1.7
    t = step * np.arange(21)
    windows = np.array([a * np.sin(frequency * t[:20] + p) for a, p in [(1, 0), (2.5, 1.0), (0.3, 4.0)]])
    truth = [a * np.sin(frequency * t[20] + p) for a, p in [(1, 0), (2.5, 1.0), (0.3, 4.0)]]
    np.testing.assert_allclose(forecast_sine_fit(windows, frequency=frequency, step=step), truth, atol=1e-9)


def test_yardstick_on_the_original_settings_matches_the_measured_calibration():
    """The issue's calibration: about 0.010 (0.006 to 0.018) on data seeds 0, 1 and 2."""
    bounds, last_values = [], []
    for seed in range(3):
        series = noisy_sine(seed=seed)
        _, x_test, _, _ = split_and_windowize(series.noisy, 50)
        _, _, _, y_clean = split_and_windowize(series.clean, 50)
        step = series.t[1] - series.t[0]
        bounds.append(mse(forecast_sine_fit(x_test, frequency=1.0, step=step), y_clean))
        last_values.append(mse(forecast_last_value(x_test), y_clean))
    assert 0.005 < min(bounds) and max(bounds) < 0.02
    assert np.mean(bounds) == pytest.approx(0.010, abs=0.001)
    assert np.mean(last_values) / np.mean(bounds) == pytest.approx(25, rel=0.1)


@pytest.mark.parametrize("call, error, message", [
    (lambda: forecast_moving_average([[1.0, 2.0]], k=3), ValueError,
     r"`k` must be between 1 and 2. Received: k=3 with a window of 2 steps"),
    (lambda: forecast_last_value(np.ones(5)), ValueError,
     r"`windows` must have shape \(n_windows, window\) or \(n_windows, window, 1\)"),
    (lambda: forecast_sine_fit([[1.0, 2.0]], frequency=0, step=0.1), ValueError,
     r"`frequency` must be greater than 0"),
    (lambda: forecast_sine_fit([[1.0, 2.0]], frequency=1, step=-1), ValueError, r"`step` must be greater than 0"),
    (lambda: forecast_linear_ar(np.ones((3, 2)), np.ones(4), np.ones((1, 2))), ValueError,
     r"`x_train` and `y_train` must have the same length. Received: len\(x_train\)=3, len\(y_train\)=4"),
    (lambda: forecast_linear_ar(np.ones((3, 2)), np.ones(3), np.ones((1, 3))), ValueError,
     r"`windows` must have as many steps as `x_train`"),
    (lambda: forecast_last_value([[1.0, np.inf]]), ValueError, r"`windows` must not contain NaN"),
    (lambda: mse([1.0, 2.0], [1.0]), ValueError, r"`predictions` and `targets` must have the same length"),
])
def test_baselines_reject_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_score_forecasts_and_table():
    y_noisy, y_clean = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 2.0])
    scores = score_forecasts({"exact": y_clean, "off": y_clean + 1.0}, y_noisy, y_clean,
                             reference="off", seconds={"exact": 1.25})
    assert scores["exact"].mse_clean == 0.0 and scores["off"].mse_clean == 1.0
    assert scores["exact"].mse_noisy == pytest.approx(1 / 3)
    assert scores["exact"].ratio == 0.0 and scores["off"].ratio == 1.0
    assert scores["off"].seconds is None
    text = repr(forecast_table(scores)).splitlines()
    assert text[0].split() == ["method", "MSE", "vs", "noisy", "MSE", "vs", "clean", "x", "optimum", "train", "s"]
    assert text[2].split() == ["exact", "0.333", "0.0000", "0.0", "1.2"]
    assert text[3].split() == ["off", "0.667", "1.0000", "1.0", "-"]
    assert "<td>exact</td>" in forecast_table(scores)._repr_html_()


def test_score_forecasts_rejects_an_unknown_reference():
    with pytest.raises(ValueError, match=r"`reference` must be one of 'a'. Received: reference='b'"):
        score_forecasts({"a": [1.0]}, [1.0], [1.0], reference="b")


def test_claim_prints_when_true_and_raises_when_false(capsys):
    claim("one is one", 1 == 1)
    assert capsys.readouterr().out == "checked: one is one\n"
    with pytest.raises(AssertionError, match="This lesson's claim no longer holds: two is one"):
        claim("two is one", 2 == 1)


def test_html_escapes_names():
    table = lessonlib.ScoreTable(["<name>"], [["a & b"]])
    assert "&lt;name&gt;" in table._repr_html_() and "a &amp; b" in table._repr_html_()


def test_score_forecasts_with_an_exact_reference_gives_nan_ratios():
    y = np.array([1.0, 2.0])
    scores = score_forecasts({"exact": y, "off": y + 1.0}, y, y, reference="exact")
    assert np.isnan(scores["exact"].ratio) and np.isnan(scores["off"].ratio)
    assert scores["off"].mse_clean == 1.0
    assert repr(forecast_table(scores)).splitlines()[3].split()[3] == "nan"


def test_fresh_forecast_scores_are_the_mse_and_the_paired_ratio_with_intervals():
    rng = np.random.default_rng(3)
    y_clean = rng.normal(size=5000)
    best, worse = y_clean + rng.normal(0, 0.1, 5000), y_clean + rng.normal(0, 0.3, 5000)
    scores = lessonlib.score_on_fresh_windows({"best": best, "worse": worse}, y_clean, reference="best")
    mse_worse = np.mean((worse - y_clean) ** 2)
    assert scores["worse"].mse.estimate == pytest.approx(mse_worse)
    assert scores["worse"].ratio.estimate == pytest.approx(mse_worse / np.mean((best - y_clean) ** 2))
    assert scores["worse"].ratio.low < 9 < scores["worse"].ratio.high  # 0.3^2 / 0.1^2
    assert scores["best"].ratio[:3] == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="`reference` must be one of"):
        lessonlib.score_on_fresh_windows({"best": best}, y_clean, reference="Bayes")
    with pytest.raises(ValueError, match=r"predictions\['short'\]"):
        lessonlib.score_on_fresh_windows({"best": best, "short": best[:10]}, y_clean, reference="best")


def test_fresh_accuracy_scores_are_percent_and_the_gap_in_points():
    y_true = np.arange(1000) % 2
    wrong_tenth = y_true.copy()
    wrong_tenth[:100] = 1 - wrong_tenth[:100]
    scores = lessonlib.accuracy_on_fresh_windows({"bayes": y_true, "net": wrong_tenth}, y_true, reference="bayes")
    assert scores["net"].accuracy.estimate == pytest.approx(90.0)
    assert scores["net"].gap.estimate == pytest.approx(10.0)
    assert scores["net"].gap.low < 10 < scores["net"].gap.high
    assert scores["bayes"].gap[:3] == (0.0, 0.0, 0.0)


def test_fresh_rmse_scores_divide_by_the_bound():
    truth = np.linspace(1, 5, 2000)
    estimate = truth + np.where(np.arange(2000) % 2, 0.05, -0.05)
    scores = lessonlib.rmse_on_fresh_sequences({"net": estimate}, truth, bound=0.025)
    assert scores["net"].rmse.estimate == pytest.approx(0.05)
    assert scores["net"].ratio.estimate == pytest.approx(2.0)
    with pytest.raises(ValueError, match="`bound` must be"):
        lessonlib.rmse_on_fresh_sequences({"net": estimate}, truth, bound=0)
    table = lessonlib.interval_table(scores, ["method", "RMSE", "x bound"])
    assert table.rows == [["net", str(scores["net"].rmse), str(scores["net"].ratio)]]
