"""Lesson 4 (many steps ahead): its yardsticks, data, intervals, explorer wiring, exercises and text.

The new concern functions are tested against independent computations: the Bayes h-step forecast
against Monte Carlo over the phase, Holt-Winters against statsmodels, the seasonal naive forecast
by hand, the block bootstrap by its coverage on dependent data.
"""

import functools
import pathlib
import re

import numpy as np
import pytest

import lessonlib
from lessonlib import explore
from lessonlib.exercises import lesson4
from lessonlib.lessons import LESSONS, many_steps
from lessonlib.signals import STEP

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT / "notebooks" / "04_many_steps.md"


# --- the Bayes forecast many steps ahead ---------------------------------------------------------

def _monte_carlo_forecast(window, horizon, noise, n_phases=400_000, seed=0):
    """The posterior mean of sin(t_end + horizon * step + phase) by importance sampling of uniform phases."""
    phases = np.random.default_rng(seed).uniform(0, 2 * np.pi, n_phases)
    t = STEP * np.arange(len(window))
    log_w = -((window[None, :] - np.sin(t[None, :] + phases[:, None])) ** 2).sum(axis=1) / (2 * noise**2)
    w = np.exp(log_w - log_w.max())
    return float(w @ np.sin(t[-1] + horizon * STEP + phases) / w.sum())


@pytest.mark.parametrize("horizon", [1, 7, 35, 100])
def test_forecast_bayes_many_steps_ahead_is_the_posterior_mean_by_monte_carlo(horizon):
    data = lessonlib.sine_windows_ahead(3, window=20, horizon=1, noise=1.0, seed=3)
    ours = lessonlib.forecast_bayes(data.x, step=STEP, noise=1.0, horizon=horizon)
    for window, value in zip(data.x[:, :, 0], ours, strict=True):
        assert value == pytest.approx(_monte_carlo_forecast(window, horizon, 1.0), abs=5e-3)


def test_forecast_bayes_with_several_horizons_stacks_the_single_ones():
    data = lessonlib.sine_windows_ahead(50, window=30, horizon=1, noise=0.5, seed=0)
    many = lessonlib.forecast_bayes(data.x, step=STEP, noise=0.5, horizon=[1, 5, 40])
    assert many.shape == (50, 3)
    for column, h in enumerate([1, 5, 40]):
        np.testing.assert_allclose(many[:, column], lessonlib.forecast_bayes(data.x, step=STEP, noise=0.5, horizon=h))
    np.testing.assert_array_equal(lessonlib.forecast_bayes(data.x, step=STEP, noise=0.5, horizon=1),
                                  lessonlib.forecast_bayes(data.x, step=STEP, noise=0.5))


def test_forecast_bayes_many_steps_ahead_beats_the_sine_fit_at_every_horizon():
    data = lessonlib.sine_windows_ahead(4000, window=50, horizon=40, noise=0.5, seed=5)
    bayes = lessonlib.forecast_bayes(data.x, step=STEP, noise=0.5, horizon=np.arange(1, 41))
    for h in [1, 10, 40]:
        fit = lessonlib.forecast_sine_fit(data.x, frequency=1.0, step=STEP, horizon=h)
        truth = data.y_clean[:, h - 1]
        assert np.mean((bayes[:, h - 1] - truth) ** 2) < 0.7 * np.mean((fit - truth) ** 2)


def test_forecast_bayes_rejects_a_horizon_below_one():
    with pytest.raises(ValueError, match="`horizon` must be"):
        lessonlib.forecast_bayes(np.zeros((2, 5)), step=0.1, noise=0.5, horizon=0)
    with pytest.raises(ValueError, match="`horizon` must be"):
        lessonlib.forecast_bayes(np.zeros((2, 5)), step=0.1, noise=0.5, horizon=[3, 0])


# --- data ----------------------------------------------------------------------------------------

def test_sine_windows_ahead_continue_one_sine_per_window():
    data = lessonlib.sine_windows_ahead(20, window=10, horizon=6, noise=0.0, seed=2)
    values = np.concatenate([data.x[:, :, 0], data.y_clean], axis=1)
    # a sampled sine obeys s[k + 1] + s[k - 1] = 2 cos(step) s[k]
    np.testing.assert_allclose(values[:, 2:] + values[:, :-2], 2 * np.cos(STEP) * values[:, 1:-1], atol=1e-12)
    np.testing.assert_array_equal(data.y, data.y_clean)
    noisy = lessonlib.sine_windows_ahead(20, window=10, horizon=6, noise=0.5, seed=2)
    assert noisy.y.shape == (20, 6) and 0.3 < np.std(noisy.y - noisy.y_clean) < 0.7


def test_load_co2_shows_its_missing_weeks():
    co2 = lessonlib.load_co2()
    assert len(co2.ppm) == 2284 and int(np.isnan(co2.ppm).sum()) == 59
    assert str(co2.weeks[0]) == "1958-03-29" and str(co2.weeks[-1]) == "2001-12-29"
    assert set(np.diff(co2.weeks).astype(int)) == {7}
    assert 310 < np.nanmin(co2.ppm) < np.nanmax(co2.ppm) < 380


def test_load_co2_says_what_to_install_without_statsmodels(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match="statsmodels"):
        lessonlib.load_co2()


# --- classical forecasts -------------------------------------------------------------------------

def test_seasonal_naive_is_last_season_and_drift_the_mean_seasonal_rise():
    rng = np.random.default_rng(0)
    series = np.cumsum(rng.normal(0.1, 1, 60))
    origins = np.array([20, 33, 60])
    plain = lessonlib.forecast_seasonal_naive(series, origins, season=7, horizon=10)
    drifted = lessonlib.forecast_seasonal_naive(series, origins, season=7, horizon=10, drift=True)
    for row, o in enumerate(origins):
        for h in range(1, 11):
            k = 1 if h <= 7 else 2
            assert plain[row, h - 1] == series[o + h - 1 - 7 * k]
            rise = np.mean(series[7:o] - series[:o - 7])
            assert drifted[row, h - 1] == pytest.approx(series[o + h - 1 - 7 * k] + k * rise)


def test_seasonal_naive_rejects_origins_without_a_season_of_history():
    with pytest.raises(ValueError, match="`origins` must be between 8 and len"):
        lessonlib.forecast_seasonal_naive(np.arange(30.0), [5], season=7, horizon=3)
    with pytest.raises(TypeError, match="`origins` must be a 1-D array of whole numbers"):
        lessonlib.forecast_seasonal_naive(np.arange(30.0), [10.5], season=7, horizon=3)


def _seasonal_series(n=240, season=12, seed=0):
    t = np.arange(n)
    return 10 + 0.05 * t + 2 * np.sin(2 * np.pi * t / season) + np.random.default_rng(seed).normal(0, 0.3, n)


def test_holt_winters_at_the_fits_end_is_statsmodels_forecast():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    series = _seasonal_series()
    fit = ExponentialSmoothing(series[:180], trend="add", seasonal="add", seasonal_periods=12).fit()
    ours = lessonlib.forecast_holt_winters(series, [180], params=fit.params, season=12, horizon=30)
    np.testing.assert_allclose(ours[0], fit.forecast(30), atol=1e-9)


def test_holt_winters_at_any_origin_is_statsmodels_with_the_same_fixed_parameters():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    series = _seasonal_series()
    params = dict(smoothing_level=0.3, smoothing_trend=0.1, smoothing_seasonal=0.2, initial_level=10.0,
                  initial_trend=0.04, initial_seasons=2 * np.sin(2 * np.pi * np.arange(12) / 12))
    ours = lessonlib.forecast_holt_winters(series, [50, 137, 240], params=params, season=12, horizon=20)
    for row, origin in enumerate([50, 137, 240]):
        model = ExponentialSmoothing(series[:origin], trend="add", seasonal="add", seasonal_periods=12,
                                     initialization_method="known", initial_level=params["initial_level"],
                                     initial_trend=params["initial_trend"], initial_seasonal=params["initial_seasons"])
        theirs = model.fit(smoothing_level=0.3, smoothing_trend=0.1, smoothing_seasonal=0.2, optimized=False)
        np.testing.assert_allclose(ours[row], theirs.forecast(20), atol=1e-9)


def test_forecast_recursive_feeds_back_and_rejects_a_non_callable():
    # x[t+1] = 0.5 x[t]: h steps ahead of a last value v is v / 2**h
    out = lessonlib.forecast_recursive(lambda x: 0.5 * x[:, -1, 0], [[3.0, 8.0], [1.0, -4.0]], horizon=4)
    np.testing.assert_allclose(out, [[4, 2, 1, 0.5], [-2, -1, -0.5, -0.25]])
    with pytest.raises(TypeError, match="`forecast_next` must be callable"):
        lessonlib.forecast_recursive(None, [[1.0, 2.0]], horizon=2)


def test_sine_fit_many_steps_ahead_extrapolates_the_fitted_sine():
    t = STEP * np.arange(60)
    window = 0.7 * np.sin(t[:40] + 1.2)
    for h in [1, 5, 20]:
        assert lessonlib.forecast_sine_fit([window], frequency=1.0, step=STEP, horizon=h)[0] == pytest.approx(
            0.7 * np.sin(t[39 + h] + 1.2))


# --- the block bootstrap -----------------------------------------------------------------------

def test_block_bootstrap_covers_the_mean_of_dependent_errors_where_an_independent_one_does_not():
    """Errors that are moving sums over 52 steps (like a year's forecasts from consecutive origins)."""
    rng = np.random.default_rng(1)
    covered = {1: 0, 52: 0}
    for _ in range(100):
        shocks = rng.exponential(1.0, 400 + 51)
        errors = np.convolve(shocks, np.ones(52) / 52, mode="valid")  # true mean 1
        for block in covered:
            interval = lessonlib.block_bootstrap_interval(errors, block=block, n_resamples=300, seed=0)
            covered[block] += interval.low <= 1.0 <= interval.high
    assert covered[52] >= 75 and covered[1] <= 50, covered


def test_block_bootstrap_ratio_is_paired_and_reproducible():
    rng = np.random.default_rng(0)
    reference = rng.exponential(1.0, 300)
    errors = 0.5 * reference * rng.uniform(0.9, 1.1, 300)
    interval = lessonlib.block_bootstrap_interval(errors, block=30, reference=reference)
    assert interval.estimate == pytest.approx(errors.mean() / reference.mean())
    assert 0.48 < interval.low < interval.estimate < interval.high < 0.52  # paired: narrow
    assert interval == lessonlib.block_bootstrap_interval(errors, block=30, reference=reference)


def test_block_bootstrap_rejects_bad_arguments():
    with pytest.raises(ValueError, match="`block` must be between 1 and 10"):
        lessonlib.block_bootstrap_interval(np.ones(10), block=11)
    with pytest.raises(ValueError, match="must have the same length"):
        lessonlib.block_bootstrap_interval(np.ones(10), block=2, reference=np.ones(9))
    with pytest.raises(ValueError, match="non-negative"):
        lessonlib.block_bootstrap_interval(-np.ones(10), block=2)


# --- the lesson's wiring and explorer ---------------------------------------------------------------

TINY = explore.Recipe(units=8, learning_rate=0.01, batch_size=64, n_train=256, passes=1, patience=1)


def test_lesson_4_is_registered_and_reached_as_lessonlib_names():
    lesson = next(lesson for lesson in LESSONS if lesson.number == 4)
    assert lesson.notebook == "04_many_steps" and lesson.name == "many_steps"
    assert lesson.exercises == "lessonlib.exercises.lesson4"
    assert lessonlib.run_many_steps is many_steps.run_many_steps
    assert (ROOT / "notebooks" / f"{lesson.notebook}.md").exists()


def _tiny(configure_lesson):
    """Lesson 4 with TINY for every cell, its strategies kept."""
    configure_lesson("many_steps", recipe=TINY, overrides={"strategy": many_steps.STRATEGIES})


def test_a_run_forecasts_horizon_steps_ahead_against_the_clean_value(configure_lesson):
    _tiny(configure_lesson)
    run = lessonlib.run_many_steps(0.5, 12, "GRU", seed=1)
    assert list(run.scores) == ["GRU network", many_steps.LAST_VALUE, many_steps.SINE_FIT, many_steps.AR_RECURSIVE,
                                many_steps.AR_DIRECT, many_steps.BAYES_FORECAST]
    assert run.model.input_shape == (None, many_steps.WINDOW // run.per_step, run.per_step) and run.per_step == 5
    test = lessonlib.sine_windows_ahead(explore.N_TEST, window=50, horizon=12, noise=0.5, seed=explore.TEST_SEED)
    bayes = lessonlib.forecast_bayes(test.x, step=STEP, noise=0.5, horizon=12)
    assert run.scores[many_steps.BAYES_FORECAST].value == pytest.approx(np.mean((bayes - test.y_clean[:, -1]) ** 2))
    network = run.model.predict(lessonlib.stack_steps(test.x, run.per_step), verbose=0)[:, 0]
    assert run.network.value == pytest.approx(np.mean((network - test.y_clean[:, -1]) ** 2), rel=1e-4)


def test_the_recursive_strategy_trains_one_step_ahead_and_feeds_the_network_its_forecasts(configure_lesson):
    _tiny(configure_lesson)
    run = lessonlib.run_many_steps(0.5, 6, "GRU", "recursive", seed=1)
    assert run.settings.strategy == "recursive" and run.model.output_shape == (None, 1)
    test = lessonlib.sine_windows_ahead(explore.N_TEST, window=50, horizon=6, noise=0.5, seed=explore.TEST_SEED)
    windows = test.x[:, :, 0].copy()
    for _ in range(6):  # by hand: forecast the next value, append it, drop the oldest
        forecast = run.model.predict(lessonlib.stack_steps(windows[:, :, None], run.per_step), verbose=0)[:, 0]
        windows = np.column_stack([windows[:, 1:], forecast])
    assert run.network.value == pytest.approx(np.mean((forecast - test.y_clean[:, -1]) ** 2), rel=1e-4)
    np.testing.assert_allclose(run.predict(test.x[:50]), forecast[:50], rtol=1e-4, atol=1e-5)


def test_the_sequence_to_sequence_strategy_forecasts_after_every_step_and_is_scored_at_the_last(configure_lesson):
    _tiny(configure_lesson)
    run = lessonlib.run_many_steps(0.5, 6, "LSTM", "sequence to sequence", seed=1)
    steps = many_steps.WINDOW // run.per_step
    assert run.model.output_shape == (None, steps, 1)
    test = lessonlib.sine_windows_ahead(explore.N_TEST, window=50, horizon=6, noise=0.5, seed=explore.TEST_SEED)
    last = run.model.predict(lessonlib.stack_steps(test.x, run.per_step), verbose=0)[:, -1, 0]
    assert run.network.value == pytest.approx(np.mean((last - test.y_clean[:, -1]) ** 2), rel=1e-4)


def test_each_strategy_trains_on_its_own_targets():
    values = np.arange(60.0)  # one window of 50 values, then its 10 next ones
    windows = lessonlib.signals.SineWindows(values[None, :50, None], values[None, 50:], values[None, 50:])
    settings = many_steps.Settings(0.5, 10, "LSTM", "direct", 0)
    assert many_steps._targets(windows, settings).tolist() == [59.0]  # 10 steps after the window
    assert many_steps._targets(windows, settings._replace(strategy="recursive")).tolist() == [50.0]  # the next one
    every = many_steps._targets(windows, settings._replace(strategy="sequence to sequence"))
    assert every.tolist() == [list(np.arange(10.0, 60.0))]  # 10 steps after each value of the window


@pytest.mark.parametrize("strategy", ["seq2seq", 2])
def test_an_unknown_strategy_is_named_with_the_choices(strategy):
    message = (r"`strategy` must be one of 'direct', 'recursive', 'sequence to sequence'\. "
               rf"Received: strategy={strategy!r}\.")
    with pytest.raises(ValueError, match=message):
        lessonlib.run_many_steps(0.5, 6, "LSTM", strategy)


def test_a_lesson_without_choices_has_no_such_setting():
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'strategy'"):
        lessonlib.lessons.by_name("forecast").task.settings(strategy="direct")


def test_the_recursive_yardstick_fits_the_linear_autoregression_once_and_feeds_it_back():
    train = lessonlib.sine_windows_ahead(500, window=50, horizon=1, noise=0.5, seed=0)
    test = lessonlib.sine_windows_ahead(40, window=50, horizon=1, noise=0.5, seed=1)
    refitted = functools.partial(lessonlib.forecast_linear_ar, train.x, train.y[:, 0])
    np.testing.assert_allclose(lessonlib.forecast_recursive(many_steps._linear_ar(train.x, train.y[:, 0]), test.x,
                                                            horizon=6),
                               lessonlib.forecast_recursive(refitted, test.x, horizon=6), atol=1e-9)


def test_the_picture_forecasts_each_target_from_the_window_horizon_steps_earlier():
    noisy = np.arange(500.0)
    windows = many_steps._view_windows(noisy, 7)
    assert windows.shape == (many_steps.N_SHOWN, many_steps.WINDOW, 1)
    targets = noisy[-many_steps.N_SHOWN:]
    np.testing.assert_array_equal(windows[:, -1, 0] + 7, targets)


def test_the_preview_draws_the_series_and_the_target():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    many_steps.PANEL.preview(many_steps.Settings(0.5, 35), ax)
    assert "35 steps after the window" in ax.get_title()
    plt.close(fig)


def test_the_panel_has_a_horizon_slider_and_a_strategy_choice():
    panel = lessonlib.many_steps_explorer()
    assert list(panel.controls) == ["noise", "horizon", "cell", "strategy"]
    assert (panel.controls["horizon"].min, panel.controls["horizon"].max) == many_steps.TASK.ranges["horizon"]
    assert panel.controls["strategy"].options == ("direct", "recursive", "sequence to sequence")
    assert panel.controls["strategy"].value == "direct"


# --- the exercises, on the lesson's own data ---------------------------------------------------------

def exercise_variables():
    """What the notebook defines before its exercises, for the exercises' solutions (conftest.py's
    lesson_variables)."""
    co2 = lessonlib.load_co2()
    missing = np.isnan(co2.ppm)
    weeks = np.arange(len(co2.ppm))
    ppm = np.interp(weeks, weeks[~missing], co2.ppm[~missing])
    n_train, n_val = int(0.6 * len(ppm)), int(0.2 * len(ppm))
    origins = np.arange(n_train + n_val, len(ppm) - 52 + 1)
    return dict(np=np, lessonlib=lessonlib, exercises=lesson4, ppm=ppm, n_train=n_train, origins=origins)


@pytest.mark.parametrize("exercise", lesson4.EXERCISES, ids=lambda exercise: exercise.name)
def test_each_solution_passes_its_check_on_the_lessons_data(exercise):
    namespace = exercise_variables()
    *body, last = exercise.solution_code.strip().splitlines()
    exec("\n".join(body), namespace)
    feedback = eval(last, namespace)
    assert feedback.correct, feedback.message
    assert exercise.hint().body and exercise.check(...).status == "unanswered"


def test_typical_wrong_answers_get_their_message():
    ns = exercise_variables()
    ppm, n_train, origins = ns["ppm"], ns["n_train"], ns["origins"]

    def no_feedback(forecast_next, windows, horizon):
        return np.repeat(np.ravel(forecast_next(windows))[:, None], horizon, axis=1)

    assert "append each forecast" in lesson4.recursive_forecast.check(no_feedback).message
    assert lesson4.recursive_forecast.check(lambda f, w, h: None).status == "unanswered"
    one_week_off = lambda series, origins_: np.stack([series[o - 51:o + 1] for o in origins_])  # noqa: E731
    assert "51 weeks before" in lesson4.seasonal_naive.check(one_week_off).message
    whole = (ppm - ppm.mean()) / ppm.std()
    assert "whole series" in lesson4.training_statistics.check(whole).message
    own = np.concatenate([(ppm[:n_train] - ppm[:n_train].mean()) / ppm[:n_train].std(),
                          (ppm[n_train:] - ppm[n_train:].mean()) / ppm[n_train:].std()])
    assert "same training statistics" in lesson4.training_statistics.check(own).message
    assert "one more" in lesson4.independent_origins.check(len(origins) // 52).message
    assert not lesson4.independent_origins.check(len(origins)).correct


def test_importing_the_exercises_computes_nothing():
    import subprocess
    import sys

    code = ("import sys, lessonlib.exercises.lesson4 as e; assert e._co2.cache_info().currsize == 0; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('keras', 'tensorflow', 'statsmodels', "
            "'pandas', 'matplotlib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the text ------------------------------------------------------------------------------------------

def _source_parts():
    text = SOURCE.read_text()
    code = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, flags=re.S)
    prose = re.sub(r"```\{code-cell\}.*?```", "", text.split("---", 2)[2], flags=re.S)
    return code, prose


def test_at_most_2500_words_of_prose_before_the_explorer():
    _, prose = _source_parts()
    before = prose.split("## 13 · Explore")[0]
    assert len(re.findall(r"\S+", before)) <= 2500


def test_the_lesson_is_seeded_quiet_and_writes_its_models_out():
    code, _ = _source_parts()
    source = "\n".join(code)
    assert len(re.findall(r"^SEED = 0\b", source, flags=re.M)) == 1
    assert source.count("keras.utils.set_random_seed(SEED)") >= 4
    assert "input_shape" not in source and source.count("keras.Input(shape=") >= 4
    keras_fits = [source[match.end():].split(")\n", 1)[0] for match in re.finditer(r"\w\.fit\(", source)]
    assert len(keras_fits) == 4 and all("verbose=0" in call for call in keras_fits)  # statsmodels' is ").fit()"
    assert "EarlyStopping" in source and "restore_best_weights=True" in source
    assert "return_sequences=True" in source
    assert "http" not in source  # nothing downloaded at run time
