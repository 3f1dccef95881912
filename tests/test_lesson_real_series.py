"""Lesson 5 (the real CO2 series): its data preparation, explorer wiring and exercises, against
independent computations.

Explorer runs use the tiny recipe of conftest.py's ``tiny_tasks``; the windows, the targets and the
rivals are rebuilt here by hand from the measured series, week by week.
"""

import numpy as np
import pytest

import lessonlib
from lessonlib.exercises import lesson5
from lessonlib.lessons import LESSONS, real_series
from lessonlib.panel import coverage_note, run_summary, run_table
from lessonlib.uncertainty import Coverage

# --- the data, without the future ---------------------------------------------------------------

def test_the_lessons_series_is_filled_forward_and_split_in_time():
    ppm, weeks, n_train, test_start = real_series.co2_split()
    raw = lessonlib.load_co2().ppm
    gaps = np.flatnonzero(np.isnan(raw))
    assert len(gaps) == 59 and not np.isnan(ppm).any()
    for week in gaps:  # by hand: the last measured week before the gap
        before = week - 1
        while np.isnan(raw[before]):
            before -= 1
        assert ppm[week] == raw[before]
    assert (n_train, test_start) == (int(0.6 * 2284), int(0.6 * 2284) + int(0.2 * 2284))
    assert not np.isnan(raw[test_start:]).any()  # the test weeks were all measured


# --- the explorer's wiring ---------------------------------------------------------------------------

@pytest.mark.parametrize("calendar", ["off", "on"])
def test_prepare_frames_the_windows_as_the_lesson_does(calendar):
    settings = real_series.Settings(history=52, horizon=13, calendar=calendar)
    data = real_series.TASK.prepare(settings, real_series.TASK.recipe_for(calendar=calendar))
    ppm, weeks, n_train, test_start = real_series.co2_split()
    origins = np.arange(test_start, len(ppm) - 13 + 1)
    channels = 3 if calendar == "on" else 1
    assert data.x_test.shape == (len(origins), 52 * channels, 1) and len(data.truth) == len(origins)
    np.testing.assert_allclose(data.truth, ppm[origins + 12] - ppm[origins - 1])  # the measured change
    scale = np.std([ppm[o + 12] - ppm[o - 1] for o in range(52, n_train - 13 + 1)])  # training windows only
    first = data.x_test[0, ::channels, 0] * scale + ppm[origins[0] - 1]
    np.testing.assert_allclose(first, ppm[origins[0] - 52:origins[0]])
    assert data.x_train.shape[0] == n_train - 13 - 52 + 1
    assert data.x_val.shape[0] == test_start - 13 - n_train + 1
    naive = [ppm[o + 12 - 52] + np.mean(ppm[52:o] - ppm[:o - 52]) - ppm[o - 1] for o in origins[:5]]
    np.testing.assert_allclose(data.yardsticks[real_series.SEASONAL_NAIVE][:5], naive)
    # the linear model: least squares on the same training inputs, here with numpy alone
    design = np.column_stack([data.x_train[:, :, 0], np.ones(len(data.x_train))])
    coef = np.linalg.lstsq(design, data.y_train, rcond=None)[0]
    np.testing.assert_allclose(data.yardsticks[real_series.LINEAR],
                               (data.x_test[:, :, 0] @ coef[:-1] + coef[-1]) * scale, rtol=1e-6, atol=1e-9)


def test_a_run_scores_the_network_on_every_test_origin(tiny_tasks, network_outputs):
    run = lessonlib.run_real_series(history=26, horizon=52, cell="GRU", seed=1)
    assert list(run.scores) == ["GRU network", real_series.LAST_VALUE, real_series.HOLT_WINTERS, real_series.LINEAR,
                                real_series.SEASONAL_NAIVE]
    ppm, _, _, test_start = real_series.co2_split()
    origins = np.arange(test_start, len(ppm) - 52 + 1)
    data = real_series.TASK.prepare(run.settings, run.task.recipe_for(cell="GRU"))
    assert run.per_step == 13 and run.model.input_shape == (None, 2, 13)
    forecast = network_outputs(run, data.x_test) * np.std(
        [ppm[o + 51] - ppm[o - 1] for o in range(26, real_series.co2_split()[2] - 52 + 1)])
    truth = ppm[origins + 51] - ppm[origins - 1]
    assert run.network.value == pytest.approx(np.mean((forecast - truth) ** 2), rel=1e-4)
    naive = run.scores[real_series.SEASONAL_NAIVE].value
    assert run.network.relative == pytest.approx(run.network.value / naive)
    assert run.scores[real_series.LAST_VALUE].value == pytest.approx(np.mean(truth ** 2))


def test_a_run_checks_each_methods_90_percent_interval_at_the_test_origins(tiny_tasks, network_outputs):
    run = lessonlib.run_real_series(history=52, horizon=13, calendar="on", seed=2)
    assert list(run.coverage) == ["LSTM network", real_series.LAST_VALUE, real_series.LINEAR,
                                  real_series.SEASONAL_NAIVE]  # Holt-Winters' fit saw the validation years
    ppm, _, n_train, test_start = real_series.co2_split()
    validation, test = np.arange(n_train, test_start - 13 + 1), np.arange(test_start, len(ppm) - 13 + 1)
    val_truth, truth = ppm[validation + 12] - ppm[validation - 1], ppm[test + 12] - ppm[test - 1]
    data = real_series.TASK.prepare(run.settings, run.task.recipe_for(calendar="on"))
    scale = np.std([ppm[o + 12] - ppm[o - 1] for o in range(52, n_train - 13 + 1)])
    design = np.column_stack([data.x_train[:, :, 0], np.ones(len(data.x_train))])  # the changes and the calendar
    coef = np.linalg.lstsq(design, data.y_train, rcond=None)[0]

    def linear(x):
        return (x[:, :, 0] @ coef[:-1] + coef[-1]) * scale

    methods = {"LSTM network": (network_outputs(run, data.x_val) * scale, network_outputs(run, data.x_test) * scale),
               real_series.LINEAR: (linear(data.x_val), linear(data.x_test)),
               real_series.LAST_VALUE: (0.0, 0.0)}
    for name, (val_forecasts, forecasts) in methods.items():
        low, high = np.quantile(val_truth - val_forecasts, [0.05, 0.95])
        inside = (truth >= forecasts + low) & (truth <= forecasts + high)
        checked = run.coverage[name]
        assert isinstance(checked, Coverage) and checked.level == 0.9
        assert (checked.low, checked.high) == (pytest.approx(low, rel=1e-4), pytest.approx(high, rel=1e-4))
        assert checked.coverage.estimate == pytest.approx(inside.mean(), abs=1.5 / len(truth))  # float32: an edge
        assert checked.coverage.low <= checked.coverage.estimate <= checked.coverage.high
        assert checked.coverage.high - checked.coverage.low > 0.05  # about 8 independent years: a wide interval
    table = run_table(run, real_series.PANEL)
    assert table.header[-2:] == ["90% interval: coverage", "its width (ppm)"]
    rows = {row[0]: row[-2:] for row in table.rows}
    network = run.coverage["LSTM network"]
    assert rows["LSTM network"] == [f"{network.coverage.estimate:.0%} (95% CI {100 * network.coverage.low:.0f}–"
                                    f"{network.coverage.high:.0%})", f"{network.width:.3g}"]
    assert rows[real_series.HOLT_WINTERS] == ["-", "-"]
    assert run_summary(run, real_series.PANEL)["90% interval: coverage"] == rows["LSTM network"][0]
    assert "5% and 95% quantiles" in coverage_note(run, real_series.PANEL)


def test_only_the_real_series_checks_forecast_intervals():
    assert [lesson.name for lesson in LESSONS if lesson.task.coverage is not None] == ["real_series"]


def test_a_history_that_is_not_whole_quarters_is_read_in_whole_quarters():
    settings = real_series.Settings(history=60, horizon=1)
    data = real_series.TASK.prepare(settings, real_series.TASK.recipe_for())
    assert data.x_train.shape[1] == 52


# --- exercises: typical wrong answers ------------------------------------------------------------

def _says(feedback, message):
    """The feedback is a wrong answer's, and says ``message``."""
    return not feedback.correct and message in feedback.message


def test_seasonal_naive_drift_wrong_answers():
    exercise = lesson5.seasonal_naive_drift
    assert _says(exercise.check(lambda series, origins: np.stack([series[o - 52:o] for o in origins])),
                 "without the drift")
    whole = lambda series, origins: np.stack([series[o - 52:o] + (series[52:] - series[:-52]).mean()  # noqa: E731
                                              for o in origins])
    assert _says(exercise.check(whole), "same drift")


@pytest.mark.parametrize("answer, message", [
    (lambda lower, upper, truth: 100 * float(((truth >= lower) & (truth <= upper)).mean()), "percentage"),
    (lambda lower, upper, truth: float(((truth > lower) & (truth < upper)).mean()), ">= and <="),
    (lambda lower, upper, truth: float(((truth < lower) | (truth > upper)).mean()), "outside"),
])
def test_coverage_wrong_answers(answer, message):
    assert _says(lesson5.coverage_of.check(answer), message)


def test_training_statistics_and_disjoint_years_wrong_answers():
    ppm, _, _, test_start = real_series.co2_split()
    assert _says(lesson5.training_statistics.check((ppm - ppm.mean()) / ppm.std()), "whole series")
    n_origins = len(ppm) - 52 + 1 - test_start
    assert _says(lesson5.disjoint_years.check(n_origins // 52), "room for one more")
