"""Exercises for lesson 4 (many steps ahead): the recursive forecast, a seasonal naive forecast,
normalising with training statistics, and how many independent years the test holds.

In the notebook: ``from lessonlib.exercises import lesson4 as exercises``, then e.g.
``exercises.seasonal_naive.check(seasonal_naive)``, ``exercises.seasonal_naive.hint()``,
``exercises.seasonal_naive.solution()``.
"""

from __future__ import annotations

import functools

import numpy as np

from ..classical import fit_linear_ar, forecast_recursive, forecast_seasonal_naive
from ..lessons.many_steps import SEASON, TRAIN_SHARE, VALIDATION_SHARE
from ..lessons.many_steps import YEAR as HORIZON
from ..signals import load_co2, sine_windows_ahead
from ._core import Exercise, Incorrect, as_array, as_number, call_student_function


@functools.lru_cache(maxsize=1)
def _co2():
    """The lesson's filled CO2 series, its number of training weeks and its test origins."""
    co2 = load_co2()
    weeks = np.arange(len(co2.ppm))
    known = ~np.isnan(co2.ppm)
    ppm = np.interp(weeks, weeks[known], co2.ppm[known])
    n_train, n_val = int(TRAIN_SHARE * len(ppm)), int(VALIDATION_SHARE * len(ppm))
    return ppm, n_train, np.arange(n_train + n_val, len(ppm) - HORIZON + 1)


# --- 1. the recursive forecast by hand --------------------------------------------------------

def _check_recursive_forecast(function):
    test = sine_windows_ahead(200, window=20, horizon=1, noise=0.5, seed=0)
    train = sine_windows_ahead(2000, window=20, horizon=1, noise=0.5, seed=1)
    forecast_next = fit_linear_ar(train.x, train.y[:, 0])
    call = "recursive_forecast(forecast_next, windows, horizon=8)"
    result = call_student_function(function, call, forecast_next, test.x, 8)
    answer = as_array(result, (200, 8), f"{call}'s result")
    expected = forecast_recursive(forecast_next, test.x, horizon=8)
    if np.allclose(answer[:, 0], expected[:, 0]) and not np.allclose(answer, expected):
        direct = np.repeat(expected[:, :1], 8, axis=1)
        if np.allclose(answer, direct):
            raise Incorrect("every column equals the one-step forecast: append each forecast to the window "
                            "(and drop its oldest value) before forecasting the next step.")
        column = int(np.argmax(~np.isclose(answer, expected).all(axis=0)))
        raise Incorrect(f"column 0 is right, column {column} is not: after each step the window must be its "
                        f"last {test.x.shape[1] - 1} values followed by the forecast (keep its length).")
    if not np.allclose(answer, expected):
        raise Incorrect("column 0 should be forecast_next(windows), the one-step forecast; yours differs.")
    return ("Right: 8 steps ahead from 200 windows, each step reading the forecasts before it. "
            "This is lessonlib.forecast_recursive.")


recursive_forecast = Exercise(
    "recursive_forecast", _check_recursive_forecast,
    hint="Copy the windows, then loop `horizon` times: next = forecast_next(window); keep it; then "
         "window = np.concatenate([window[:, 1:], next[:, None, None]], axis=1). Stack the kept forecasts "
         "as columns (np.stack(..., axis=1)).",
    solution="""
def recursive_forecast(forecast_next, windows, horizon):
    window = np.asarray(windows, dtype=float)
    forecasts = []
    for _ in range(horizon):
        next_value = np.ravel(forecast_next(window))
        forecasts.append(next_value)
        window = np.concatenate([window[:, 1:], next_value[:, None, None]], axis=1)
    return np.stack(forecasts, axis=1)


exercises.recursive_forecast.check(recursive_forecast)
""")


# --- 2. a seasonal naive forecast -------------------------------------------------------------

def _check_seasonal_naive(function):
    ppm, _, origins = _co2()
    call = "seasonal_naive(ppm, origins)"
    result = call_student_function(function, call, ppm, origins)
    answer = as_array(result, (len(origins), HORIZON), f"{call}'s result")
    expected = forecast_seasonal_naive(ppm, origins, season=SEASON, horizon=HORIZON)
    for shift in (-1, 1):
        if np.allclose(answer, np.stack([ppm[o - SEASON + shift:o - SEASON + shift + HORIZON] for o in origins])):
            raise Incorrect(f"your forecasts are the values {SEASON - shift} weeks before each target, not "
                            f"{SEASON}: week o + h - 1 should get ppm[o + h - 1 - 52].")
    if not np.allclose(answer, expected):
        raise Incorrect("row i should be ppm[origins[i] - 52 : origins[i]], the 52 weeks one year before the "
                        "year it forecasts.")
    return ("Right: the year before each origin, as the forecast of the year after it. Adding the average "
            "yearly rise gives section 9's seasonal naive with drift.")


seasonal_naive = Exercise(
    "seasonal_naive", _check_seasonal_naive,
    hint="For h = 1 ... 52 the target is week o + h - 1 and its value a year earlier is series[o + h - 1 - 52]: "
         "so the whole row is one slice of the series, the 52 weeks before the origin.",
    solution="""
def seasonal_naive(series, origins):
    return np.stack([series[o - 52:o] for o in origins])


exercises.seasonal_naive.check(seasonal_naive)
""")


# --- 3. normalising with the right statistics -------------------------------------------------

def _check_training_statistics(scaled):
    ppm, n_train, _ = _co2()
    answer = as_array(scaled, ppm.shape, "scaled_right")
    if np.allclose(answer, (ppm - ppm.mean()) / ppm.std()):
        raise Incorrect("you used the whole series' mean and standard deviation: they include the validation "
                        "and test weeks, the future. Use ppm[:n_train] only.")
    if np.allclose(answer[:n_train], (ppm[:n_train] - ppm[:n_train].mean()) / ppm[:n_train].std()):
        if not np.allclose(answer, (ppm - ppm[:n_train].mean()) / ppm[:n_train].std()):
            raise Incorrect("the training weeks are right, but the other weeks must be scaled with the same "
                            "training statistics, not their own.")
    expected = (ppm - ppm[:n_train].mean()) / ppm[:n_train].std()
    if not np.allclose(answer, expected, atol=1e-3):
        raise Incorrect("scaled_right should be (ppm - mean) / std with mean = ppm[:n_train].mean() and "
                        "std = ppm[:n_train].std().")
    return (f"Right: the test weeks reach {expected[-1]:.1f} training standard deviations above the training "
            f"mean, beyond every training value ({expected[:n_train].max():.1f} at most).")


training_statistics = Exercise(
    "training_statistics", _check_training_statistics,
    hint="Compute mean and std from ppm[:n_train], then apply them to all of ppm.",
    solution="""
mean, std = ppm[:n_train].mean(), ppm[:n_train].std()
scaled_right = (ppm - mean) / std
exercises.training_statistics.check(scaled_right)
""")


# --- 4. independent years in the test -----------------------------------------------------------

def _check_independent_origins(answer):
    _, _, origins = _co2()
    value = as_number(answer, "independent_origins")
    expected = -(-len(origins) // HORIZON)  # the first origin, then one every 52 weeks
    if value == len(origins) // HORIZON:
        raise Incorrect(f"{value:g} leaves room for one more: origins 0, 52, ..., {52 * (expected - 1)} are "
                        f"{expected} origins, and the last is still among the {len(origins)}.")
    if value != expected:
        raise Incorrect(f"{value:g} is not it: pick the first origin, then one every 52 weeks, as long as you "
                        f"stay among the {len(origins)} origins.")
    return (f"Right: {expected}. The {len(origins)} origins' errors carry about as much independent information as "
            f"{expected} years, which is why the lesson's intervals resample blocks of 52 origins.")


independent_origins = Exercise(
    "independent_origins", _check_independent_origins,
    hint="Take the first origin, then the ones 52, 104, ... weeks later: how many of these are among the test origins?",
    solution="""
independent_origins = int(np.ceil(len(origins) / 52))
exercises.independent_origins.check(independent_origins)
""")

EXERCISES = (recursive_forecast, seasonal_naive, training_statistics, independent_origins)
