"""Exercises for lesson 4 (many steps ahead): the recursive forecast by hand, the direct least-squares
fits of section 6's linear pair, and the coverage of a forecast interval, horizon by horizon.

In the notebook: ``from lessonlib.exercises import lesson4 as exercises``, then e.g.
``exercises.direct_least_squares.check(direct_least_squares)``, ``exercises.direct_least_squares.hint()``,
``exercises.direct_least_squares.solution()``.
"""

from __future__ import annotations

import numpy as np

from ..classical import fit_linear_ar, forecast_recursive
from ..signals import sine_windows_ahead
from ._core import Exercise, Incorrect, as_array, call_student_function

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


# --- 2. the direct least-squares fits ---------------------------------------------------------

def _check_direct_least_squares(function):
    train = sine_windows_ahead(2000, window=20, horizon=8, noise=0.5, seed=1)
    test = sine_windows_ahead(200, window=20, horizon=8, noise=0.5, seed=0)
    call = "direct_least_squares(x_train, y_train, windows)"
    result = call_student_function(function, call, train.x, train.y, test.x)
    answer = as_array(result, (200, 8), f"{call}'s result")

    def fitted(design, new):
        weights, *_ = np.linalg.lstsq(design(train.x), train.y, rcond=None)
        return design(new) @ weights

    def with_ones(x):
        return np.column_stack([x[:, :, 0], np.ones(len(x))])

    expected = fitted(with_ones, test.x)
    if np.allclose(answer, fitted(lambda x: x[:, :, 0], test.x)):
        raise Incorrect("right but for the intercept: add a column of ones to the windows, so that each fit "
                        "has a constant term as well as a weight per value.")
    if np.allclose(answer, np.repeat(expected[:, :1], 8, axis=1)):
        raise Incorrect("every column is the one-step fit: fit each horizon's column of y_train, not only the "
                        "first.")
    if not np.allclose(answer, expected, atol=1e-6):
        raise Incorrect("column h - 1 should be the least-squares fit (with an intercept) of y_train[:, h - 1] "
                        "on the windows' values, applied to `windows`.")
    return ("Right: 8 least-squares fits, one per horizon, in one solve. Their first column is the one-step "
            "model that section 6 feeds back; no fit reads another's forecasts.")


direct_least_squares = Exercise(
    "direct_least_squares", _check_direct_least_squares,
    hint="Make a design matrix from x_train[:, :, 0] and a column of ones (np.column_stack), solve "
         "np.linalg.lstsq(design, y_train, rcond=None) once for all columns of y_train, and multiply the "
         "windows' design matrix by the weights.",
    solution="""
def direct_least_squares(x_train, y_train, windows):
    def with_ones(x):
        return np.column_stack([x[:, :, 0], np.ones(len(x))])

    weights, *_ = np.linalg.lstsq(with_ones(x_train), y_train, rcond=None)
    return with_ones(windows) @ weights


exercises.direct_least_squares.check(direct_least_squares)
""")



# --- 3. the coverage of an interval ----------------------------------------------------------------

def _coverage_case():
    """Forecast intervals of 1,000 windows at 6 horizons, and the values that came: the interval's
    half-width shrinks with the horizon, so its coverage falls from about 95 % to under 40 %."""
    rng = np.random.default_rng(0)
    centre = rng.normal(size=(1000, 6))
    half = 1.96 * np.linspace(1.0, 0.25, 6)
    values = centre + rng.normal(size=(1000, 6))
    return centre - half, centre + half, values


def _check_coverage(function):
    low, high, values = _coverage_case()
    call = "coverage(low, high, values)"
    result = call_student_function(function, call, low.copy(), high.copy(), values.copy())
    inside = (low <= values) & (values <= high)
    expected = inside.mean(axis=0)
    if isinstance(result, (int, float, np.number)) and not isinstance(result, bool):
        raise Incorrect(f"one number for all horizons ({float(result):.3f}): give one per column (horizon), the "
                        "mean over the rows (windows): .mean(axis=0).")
    answer = as_array(result, (6,), f"{call}'s result")
    if np.allclose(answer, 1 - expected):
        raise Incorrect("that is the share of values outside the interval: coverage is the share inside.")
    if np.allclose(answer, 100 * expected):
        raise Incorrect("those are percentages: give the coverage as a fraction between 0 and 1.")
    if not np.allclose(answer, expected):
        raise Incorrect("column h should be the share of rows with low <= value <= high in that column.")
    return (f"Right: {expected[0]:.1%} at the first horizon, {expected[-1]:.1%} at the last. A 95 % interval "
            "should cover about 95 % of fresh values at every horizon; this one is right at first, then far "
            "too narrow.")


coverage = Exercise(
    "coverage", _check_coverage,
    hint="(low <= values) & (values <= high) is True where a value fell inside its interval; the mean of "
         "True/False along axis 0 (the windows) is the share inside, one per horizon.",
    solution="""
def coverage(low, high, values):
    return ((low <= values) & (values <= high)).mean(axis=0)


exercises.coverage.check(coverage)
""")

EXERCISES = (recursive_forecast, direct_least_squares, coverage)
