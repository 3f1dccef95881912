"""Exercises for lesson 3 (regression): how the Cramér-Rao bound scales, and a periodogram."""

from __future__ import annotations

import numpy as np

from ..classical import cramer_rao_bound
from ..metrics import rmse
from ..signals import random_frequency_sequences
from ._core import Exercise, Incorrect, as_array, as_number, call_student_function

TOLERANCE = 0.02     # relative error accepted in a predicted bound
GOOD_ENOUGH = 4.0    # a student's estimator passes within this multiple of the bound (MSE ratio: an RMSE within 2x)


def _check_scaled_bound(value, expected, wrong_guesses, what):
    """Correct if ``value`` is within 2 % of ``expected``; else name the matching wrong guess."""
    if value <= 0:
        raise Incorrect(f"a bound on an RMSE is positive; you gave {value:g}.")
    if abs(value / expected - 1) <= TOLERANCE:
        return
    base = cramer_rao_bound()
    for factor, explanation in wrong_guesses:
        if abs(value / (base * factor) - 1) <= TOLERANCE:
            raise Incorrect(f"{value:.4f} is {factor:.3g}x the bound at the lesson's settings: {explanation}")
    raise Incorrect(f"{value:.4f} is {value / expected:.2f}x the right value for {what}. Look at "
                    f"how the formula in section 3 depends on it.")


# --- 1. the bound at twice the noise ---------------------------------------------------------

def _check_bound_vs_noise(answer):
    value = as_number(answer, "the bound at noise 0.6")
    expected = cramer_rao_bound(noise=0.6)
    _check_scaled_bound(value, expected, [
        (1.0, "the bound does depend on the noise; more noise makes the frequency harder to read."),
        (4.0, "you scaled by the variance. The bound on the RMSE grows like sigma; its square, the "
              "bound on the variance of the estimate, grows like sigma squared."),
        (2 ** 0.5, "you scaled by the square root of the noise ratio; the RMSE bound is proportional to sigma itself."),
        (0.5, "more noise cannot make the frequency easier to estimate."),
    ], "noise 0.6")
    return (f"{expected:.4f}, twice 0.0204: the bound is proportional to the noise's standard "
            f"deviation. Check it against the classical estimator: "
            f"lessonlib.estimate_frequency on sequences with noise=0.6 reaches about that RMSE.")


bound_vs_noise = Exercise(
    "bound_vs_noise", _check_bound_vs_noise,
    hint="Find sigma in the formula of section 3 (or in help(lessonlib.cramer_rao_bound)). Does "
         "the bound grow like sigma, like its square, or like its square root?",
    solution='''
bound_at_double_noise = 2 * bound  # the bound (section 3) is proportional to sigma
exercises.bound_vs_noise.check(bound_at_double_noise)
''')


# --- 2. the bound for a record twice as long -------------------------------------------------

def _check_bound_vs_length(answer):
    value = as_number(answer, "the bound for 100 points over 20 time units")
    expected = cramer_rao_bound(n_points=100, duration=20)
    _check_scaled_bound(value, expected, [
        (1.0, "a longer record does help: each extra cycle pins the frequency down further."),
        (0.5, "that is 1/N. The bound falls faster: a longer record adds samples *and* spreads "
              "them over a longer time, which is what makes a frequency error show."),
        (2 ** -0.5, "that is 1/sqrt(N), the rule for averaging N samples of a constant. A "
                    "frequency error builds up over time, so the bound falls faster."),
        (0.25, "that is 1/N\u00b2: too fast. Look at the N (N\u00b2 - 1) under the square root."),
    ], "100 points over 20 time units")
    return (f"{expected:.4f}, about {cramer_rao_bound() / expected:.1f}x smaller: with the time step fixed the bound "
            "falls like N^(-3/2), because the phase error a frequency error causes grows with time. Doubling the "
            "record buys far more than doubling the noise costs.")


bound_vs_length = Exercise(
    "bound_vs_length", _check_bound_vs_length,
    hint="Keep the time step (10/49 before, 20/99 now, nearly the same) and look at how the "
         "formula depends on N: sqrt(N (N\u00b2 - 1)) grows like N^(3/2). Compute the ratio, or "
         "call lessonlib.cramer_rao_bound with the new settings to check your reasoning.",
    solution='''
dt_before, dt_after = 10 / 49, 20 / 99
bound_for_longer_record = bound * (dt_before / dt_after) * np.sqrt(50 * (50**2 - 1) / (100 * (100**2 - 1)))
exercises.bound_vs_length.check(bound_for_longer_record)
''')


# --- 3. a periodogram estimator --------------------------------------------------------------

def _check_periodogram(function):
    data = random_frequency_sequences(300, seed=12345)  # fresh sequences at the lesson's settings
    call = "my_estimate(signals, t)"
    result = call_student_function(function, call, data.signals.copy(), data.t.copy(),
                                   returns="one frequency per row of signals")
    estimates = as_array(result, (len(data.frequencies),), f"the estimates from {call}")
    bound = cramer_rao_bound()
    error = rmse(estimates, data.frequencies)
    if error <= GOOD_ENOUGH * bound:
        return (f"on 300 fresh sequences your estimator's RMSE is {error:.4f}, {(error / bound) ** 2:.2f}x the "
                "Cramér-Rao bound (MSE ratio), with no training at all.")
    ratio = float(np.median(estimates / data.frequencies))
    if abs(ratio / (2 * np.pi) - 1) < 0.05:
        raise Incorrect("your estimates are 2 pi times too large: the frequencies here are angular (radians per time "
                        "unit), and a sine is sin(f t), so t enters as np.exp(-1j * f * t) without a 2 pi.")
    if abs(ratio * 2 * np.pi - 1) < 0.05:
        raise Incorrect("your estimates are 2 pi times too small: you found cycles per time "
                        "unit; multiply by 2 pi to get the angular frequency the lesson uses.")
    distinct = len(np.unique(np.round(estimates, 6)))
    if distinct == 1:
        raise Incorrect(f"every estimate is {estimates[0]:g}: the function must look at each "
                        f"row of signals and return that row's own frequency.")
    if distinct <= 20:
        raise Incorrect(f"your RMSE is {error:.3f} ({(error / bound) ** 2:.1f}x the bound, MSE ratio), and your "
                        f"estimates take only "
                        f"{distinct} distinct values: the grid of candidate frequencies is too coarse. Scan a fine "
                        "grid (e.g. 4,001 values from 1 to 5) or zero-pad the FFT.")
    raise Incorrect(f"your RMSE is {error:.3f}, {(error / bound) ** 2:.1f}x the bound (MSE ratio); aim for at most "
                    f"{GOOD_ENOUGH:g}x. For each candidate frequency f, the periodogram is "
                    f"|sum_k x_k exp(-i f t_k)|^2; take the f where it peaks.")


periodogram = Exercise(
    "periodogram", _check_periodogram,
    hint="Make a fine grid of candidate frequencies, grid = np.linspace(1, 5, 4001). The matrix "
         "np.exp(-1j * np.outer(t, grid)) has one column per candidate; signals @ that matrix gives "
         "every row's Fourier sum at every candidate. Take the absolute value squared and, per row, "
         "the candidate where it peaks (np.argmax along axis 1).",
    solution='''
def my_estimate(signals, t):
    """Per row, the frequency in [1, 5] where the periodogram peaks."""
    grid = np.linspace(1, 5, 4001)                         # candidate angular frequencies
    power = np.abs(np.asarray(signals) @ np.exp(-1j * np.outer(t, grid))) ** 2
    return grid[np.argmax(power, axis=1)]

exercises.periodogram.check(my_estimate)
''')

EXERCISES = (bound_vs_noise, bound_vs_length, periodogram)
