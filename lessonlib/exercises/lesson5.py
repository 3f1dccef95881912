"""Exercises for lesson 5 (a real series): the seasonal naive forecast with drift by hand, normalising
with training statistics, the coverage of an interval, and how many disjoint years the test holds.

In the notebook: ``from lessonlib.exercises import lesson5 as exercises``, then e.g.
``exercises.coverage_of.check(coverage_of)``, ``exercises.coverage_of.hint()``,
``exercises.coverage_of.solution()``.
"""

from __future__ import annotations

import numpy as np

from ..classical import forecast_seasonal_naive
from ..lessons.real_series import SEASON, co2_split
from ..lessons.real_series import YEAR as HORIZON
from ._core import Exercise, Incorrect, as_array, as_number, call_student_function


def _co2():
    """The lesson's filled CO2 series, its number of training weeks and its test origins."""
    ppm, _, n_train, test_start = co2_split()
    return ppm, n_train, np.arange(test_start, len(ppm) - HORIZON + 1)


# --- 1. seasonal naive with drift, by hand ------------------------------------------------------

def _check_seasonal_naive_drift(function):
    ppm, _, origins = _co2()
    call = "seasonal_naive_drift(ppm, origins)"
    answer = as_array(call_student_function(function, call, ppm, origins), (len(origins), HORIZON),
                      f"{call}'s result")
    expected = forecast_seasonal_naive(ppm, origins, season=SEASON, horizon=HORIZON, drift=True)
    no_drift = forecast_seasonal_naive(ppm, origins, season=SEASON, horizon=HORIZON)
    if np.allclose(answer, no_drift):
        raise Incorrect("these are the values a year earlier, without the drift: add the average of "
                        "series[t] - series[t - 52] over the weeks t before each origin.")
    if np.allclose(answer - no_drift, (answer - no_drift)[:1]):
        raise Incorrect("every origin gets the same drift: it must be the average rise known at that "
                        "origin, over series[52:o] - series[:o - 52], not over the whole series.")
    if not np.allclose(answer, expected):
        raise Incorrect("row i should be ppm[o - 52 : o] + the mean of ppm[52:o] - ppm[:o - 52], "
                        "with o = origins[i].")
    return ("Right: the year before each origin, raised by the average yearly rise known then. This is "
            "lessonlib.forecast_seasonal_naive(..., drift=True).")


seasonal_naive_drift = Exercise(
    "seasonal_naive_drift", _check_seasonal_naive_drift,
    hint="For origin o the year a year earlier is series[o - 52:o]; the drift is "
         "(series[52:o] - series[:o - 52]).mean(). Stack one row per origin.",
    solution="""
def seasonal_naive_drift(series, origins):
    return np.stack([series[o - 52:o] + (series[52:o] - series[:o - 52]).mean() for o in origins])


exercises.seasonal_naive_drift.check(seasonal_naive_drift)
""")


# --- 2. normalising with the right statistics -------------------------------------------------

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


# --- 3. the coverage of an interval --------------------------------------------------------------

def _check_coverage_of(function):
    rng = np.random.default_rng(5)
    truth = rng.standard_normal((40, HORIZON))
    lower, upper = np.full_like(truth, -1.0), np.full_like(truth, 1.0)
    upper[:, 0] = truth[:, 0]  # values on an end count as inside
    expected = float(((truth >= lower) & (truth <= upper)).mean())
    call = "coverage_of(lower, upper, truth)"
    value = as_number(call_student_function(function, call, lower, upper, truth, returns="a share between 0 and 1"),
                      f"{call}'s result")
    strict = float(((truth > lower) & (truth < upper)).mean())
    if np.isclose(value, 100 * expected):
        raise Incorrect(f"{value:g} is a percentage: return the share, between 0 and 1.")
    if np.isclose(value, strict) and not np.isclose(strict, expected):
        raise Incorrect("values equal to an end of the interval are inside: use >= and <=.")
    if np.isclose(value, 1 - expected):
        raise Incorrect("that is the share outside the interval.")
    if not np.isclose(value, expected):
        raise Incorrect(f"{value:g} is not it: the share of truth values with lower <= truth <= upper, over all "
                        f"origins and weeks ({expected:.3f} here).")
    return (f"Right: {expected:.3f} of these values lie in [-1, 1] (a standard normal's share is about 0.68). "
            "A 90 % interval should give about 0.9 on data it was not tuned on.")


coverage_of = Exercise(
    "coverage_of", _check_coverage_of,
    hint="((truth >= lower) & (truth <= upper)) is True where a value is inside; its mean is the share.",
    solution="""
def coverage_of(lower, upper, truth):
    return float(((truth >= lower) & (truth <= upper)).mean())


exercises.coverage_of.check(coverage_of)
""")


# --- 4. disjoint years in the test ----------------------------------------------------------------

def _check_disjoint_years(answer):
    _, _, origins = _co2()
    value = as_number(answer, "disjoint_years")
    expected = -(-len(origins) // HORIZON)  # the first origin, then one every 52 weeks
    if value == len(origins) // HORIZON:
        raise Incorrect(f"{value:g} leaves room for one more: origins 0, 52, ..., {52 * (expected - 1)} are "
                        f"{expected} origins, and the last is still among the {len(origins)}.")
    if value != expected:
        raise Incorrect(f"{value:g} is not it: pick the first origin, then one every 52 weeks, as long as you "
                        f"stay among the {len(origins)} origins.")
    return (f"Right: {expected}. The {len(origins)} origins carry about as much independent information as "
            f"{expected} years, which is why the intervals resample blocks of 52 origins, and why they are rough.")


disjoint_years = Exercise(
    "disjoint_years", _check_disjoint_years,
    hint="Take the first origin, then the ones 52, 104, ... weeks later: how many of these are among the test "
         "origins?",
    solution="""
disjoint_years = int(np.ceil(len(origins) / 52))
exercises.disjoint_years.check(disjoint_years)
""")

EXERCISES = (seasonal_naive_drift, training_statistics, coverage_of, disjoint_years)
