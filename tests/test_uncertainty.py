"""Tests for lessonlib.uncertainty: interval formulas, their coverage by simulation, their checks."""

import numpy as np
import pytest
from scipy.stats import norm

import lessonlib
from lessonlib.uncertainty import (
    Interval,
    block_bootstrap_interval,
    difference_interval,
    mean_interval,
    ratio_interval,
    validation_coverage,
)

REPEATS = 400


def _coverage(make_sample, interval, truth, *, seed):
    """Share of REPEATS seeded samples whose interval covers ``truth``."""
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(REPEATS):
        result = interval(*make_sample(rng))
        hits += result.low <= truth <= result.high
    return hits / REPEATS


# --- Interval ------------------------------------------------------------------------------------

@pytest.mark.parametrize("interval, text", [
    (Interval(0.00521, 0.00502, 0.0054), "0.0052 (95% CI 0.0050–0.0054)"),
    (Interval(0.4917, 0.4812, 0.5024), "0.49 (95% CI 0.48–0.50)"),
    (Interval(0.31, 0.12, 0.50), "0.3 (95% CI 0.1–0.5)"),
    (Interval(12.3, -8.4, 33.0, 0.9), "12 (90% CI -8–33)"),
    (Interval(2.0, 2.0, 2.0), "2 (95% CI 2–2)"),
    (Interval(-0.004, -0.2, 0.19), "0.0 (95% CI -0.2–0.2)"),
])
def test_interval_text(interval, text):
    assert str(interval) == text


# --- mean_interval -------------------------------------------------------------------------------

def test_mean_interval_is_mean_plus_minus_z_standard_errors():
    values = np.random.default_rng(0).exponential(2.0, 1000)
    for level in (0.95, 0.8):
        result = mean_interval(values, level=level)
        half_width = norm.ppf((1 + level) / 2) * np.std(values, ddof=1) / np.sqrt(len(values))
        np.testing.assert_allclose(result[:3], [values.mean(), values.mean() - half_width,
                                                values.mean() + half_width], rtol=1e-12)
        assert result.level == level


def test_mean_interval_covers_the_true_mean_of_skewed_squared_errors():
    def sample(rng):
        return (0.1 * rng.normal(size=500)) ** 2,  # chi-square errors, true mean 0.01

    assert 0.90 <= _coverage(sample, mean_interval, 0.01, seed=1) <= 0.99


# --- ratio_interval ------------------------------------------------------------------------------

def _paired_errors(rng, n=1000):
    """Squared errors of two forecasts of the same items; mean 0.58 and 1, so the true ratio is 0.58."""
    shared, own = rng.normal(size=n), rng.normal(size=n)
    return (0.7 * shared + 0.3 * own) ** 2, shared**2


def test_ratio_interval_covers_the_true_ratio():
    assert 0.90 <= _coverage(_paired_errors, ratio_interval, 0.58, seed=2) <= 0.99


def test_ratio_interval_agrees_with_a_paired_bootstrap():
    errors_a, errors_b = _paired_errors(np.random.default_rng(3), n=5000)
    result = ratio_interval(errors_a, errors_b)
    resamples = np.random.default_rng(4).integers(0, 5000, (2000, 5000))
    ratios = errors_a[resamples].mean(axis=1) / errors_b[resamples].mean(axis=1)
    low, high = np.quantile(ratios, [0.025, 0.975])
    assert result.estimate == pytest.approx(errors_a.mean() / errors_b.mean(), rel=1e-12)
    width = result.high - result.low
    assert abs(result.low - low) < 0.1 * width and abs(result.high - high) < 0.1 * width


def test_ratio_interval_uses_the_pairing_and_is_symmetric_in_logs():
    errors_a, errors_b = _paired_errors(np.random.default_rng(5))
    paired = ratio_interval(errors_a, errors_b)
    unpaired = ratio_interval(errors_a, np.random.default_rng(6).permutation(errors_b))
    assert paired.high - paired.low < 0.6 * (unpaired.high - unpaired.low)
    flipped = ratio_interval(errors_b, errors_a)
    reciprocal = [1 / flipped.estimate, 1 / flipped.high, 1 / flipped.low]
    np.testing.assert_allclose(reciprocal, paired[:3], rtol=1e-12)


# --- difference_interval -------------------------------------------------------------------------

def _paired_correct(rng, n=2000):
    """Right/wrong of two classifiers on the same items: accuracies 0.90 and 0.88, often agreeing."""
    shared, own = rng.uniform(size=n), rng.uniform(size=n)
    other = np.where(rng.uniform(size=n) < 0.8, shared, own)
    return shared < 0.90, other < 0.88


def test_difference_interval_covers_the_true_gap_in_points():
    assert 0.90 <= _coverage(_paired_correct, difference_interval, 2.0, seed=7) <= 0.99


def test_difference_interval_is_in_points_and_paired():
    correct_a, correct_b = _paired_correct(np.random.default_rng(8))
    result = difference_interval(correct_a, correct_b)
    assert result.estimate == pytest.approx(100 * (correct_a.mean() - correct_b.mean()), rel=1e-12)
    separate = [mean_interval(100 * c.astype(float)) for c in (correct_a, correct_b)]
    unpaired_half_width = np.hypot(*[(s.high - s.low) / 2 for s in separate])
    assert (result.high - result.low) / 2 < 0.7 * unpaired_half_width
    assert difference_interval(correct_a.astype(int), correct_b.astype(float)) == result


# --- validation ----------------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: mean_interval([1.0]), r"`values` must hold at least 2 values. Received: len\(values\)=1."),
    (lambda: mean_interval([1.0, np.nan]), "`values` must not contain NaN"),
    (lambda: mean_interval([1.0, 2.0], level=1.0), r"`level` must be in \(0, 1\). Received: level=1.0."),
    (lambda: mean_interval([1.0, 2.0], level=0), r"`level` must be in \(0, 1\). Received: level=0."),
    (lambda: ratio_interval([1.0, 2.0], [1.0, 2.0, 3.0]),
     r"`errors_a` and `errors_b` must have the same length. Received: len\(errors_a\)=2, len\(errors_b\)=3."),
    (lambda: ratio_interval([1.0, -2.0], [1.0, 2.0]), "`errors_a` must be non-negative errors"),
    (lambda: ratio_interval([1.0, 2.0], [0.0, 0.0]), "`errors_b` must be non-negative errors .*not all zero"),
    (lambda: ratio_interval([1.0, 2.0], [1.0, 2.0], level=95), r"`level` must be in \(0, 1\)"),
    (lambda: difference_interval([1, 0, 1], [1, 0]), "`correct_a` and `correct_b` must have the same length"),
    (lambda: difference_interval([1, 0], [1, 2]), "`correct_b` must hold only 0 and 1"),
    (lambda: difference_interval([1], [0]), "`correct_a` must hold at least 2 values"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_level_must_be_a_number():
    with pytest.raises(TypeError, match="`level` must be a number"):
        mean_interval([1.0, 2.0], level="95%")


# --- the block bootstrap (lesson 4) --------------------------------------------------------------

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


@pytest.mark.parametrize("interval", [Interval(0.00521, 0.00502, 0.0054), Interval(12.3, -8.4, 33.0, 0.9),
                                      Interval(-0.004, -0.2, 0.19), Interval(2.0, 2.0, 2.0),
                                      Interval(1234.5678, 1234.5678, 1234.5678), Interval(1.4649, 1.42, 1.51)])
def test_shown_is_the_estimate_str_shows(interval):
    assert interval.shown == float(str(interval).split(" ")[0])


# --- residual_interval (lesson 4's forecast intervals) ---------------------------------------------

def test_residual_interval_is_the_forecast_plus_order_statistics_of_the_validation_errors_per_column():
    rng = np.random.default_rng(0)
    validation_forecast, validation_y = rng.normal(size=(199, 3)), rng.normal(size=(199, 3))
    forecast = rng.normal(size=(7, 3))
    low, high = lessonlib.residual_interval(forecast, validation_forecast, validation_y, level=0.9)
    errors = np.sort(validation_y - validation_forecast, axis=0)  # k = floor(200 * 0.05) = 10
    np.testing.assert_allclose(low, forecast + errors[9], rtol=0, atol=1e-12)
    np.testing.assert_allclose(high, forecast + errors[-10], rtol=0, atol=1e-12)
    assert low.shape == high.shape == (7, 3)
    one_low, one_high = lessonlib.residual_interval(forecast[:, 1], validation_forecast[:, 1], validation_y[:, 1],
                                                    level=0.9)
    np.testing.assert_array_equal(one_low, low[:, 1])
    np.testing.assert_array_equal(one_high, high[:, 1])


def test_residual_interval_covers_fresh_values_at_the_level_even_for_skewed_errors_and_a_biased_forecast():
    rng = np.random.default_rng(1)
    per_tail = np.zeros(2)
    for _ in range(REPEATS):  # a forecast 0.3 too low, errors exponential: neither symmetric nor centred
        validation_errors, fresh_errors = 0.3 + rng.exponential(1.0, 99), 0.3 + rng.exponential(1.0, 1000)
        low, high = lessonlib.residual_interval(np.zeros(1000), np.zeros(99), validation_errors)
        per_tail += (fresh_errors < low).mean(), (fresh_errors > high).mean()
    below, above = per_tail / REPEATS
    assert 0.015 < below <= 0.0255 and 0.015 < above <= 0.0255, (below, above)  # k = 2 of 100: 2 % a side


def test_residual_interval_needs_enough_validation_windows_for_its_level():
    zeros = np.zeros(39)
    low, high = lessonlib.residual_interval([1.0], zeros, np.arange(39.0))  # k = 1: the extreme errors
    assert (low[0], high[0]) == (1.0, 39.0)
    with pytest.raises(ValueError, match=r"`validation_y` must hold at least 39 windows for level=0.95. "
                                         r"Received: len\(validation_y\)=38."):
        lessonlib.residual_interval([1.0], zeros[:38], zeros[:38])
    with pytest.raises(ValueError, match=r"at least 199 windows for level=0.99"):
        lessonlib.residual_interval([1.0], zeros, zeros, level=0.99)


@pytest.mark.parametrize("call, error, message", [
    (lambda: lessonlib.residual_interval(np.zeros((5, 3)), np.zeros((50, 2)), np.zeros((50, 2))), ValueError,
     r"`validation_y` must have one column per column of `forecast` \(one per horizon\). Received: "
     r"validation_y with shape \(50, 2\), forecast with shape \(5, 3\)."),
    (lambda: lessonlib.residual_interval(np.zeros(5), np.zeros(50), np.zeros(49)), ValueError,
     r"`validation_forecast` and `validation_y` must have the same shape. Received: \(50,\) and \(49,\)."),
    (lambda: lessonlib.residual_interval(np.zeros((5, 2, 1)), np.zeros(50), np.zeros(50)), ValueError,
     r"`forecast` must have shape \(n,\) or \(n, horizons\), neither 0. Received: forecast with shape \(5, 2, 1\)."),
    (lambda: lessonlib.residual_interval([], np.zeros(50), np.zeros(50)), ValueError, r"shape \(0,\)"),
    (lambda: lessonlib.residual_interval(np.zeros(5), np.full(50, np.nan), np.zeros(50)), ValueError,
     "`validation_forecast` must not contain NaN or infinite values."),
    (lambda: lessonlib.residual_interval(np.zeros(5), np.zeros(50), np.zeros(50), level=95), ValueError,
     r"`level` must be in \(0, 1\). Received: level=95."),
    (lambda: lessonlib.residual_interval("low", np.zeros(50), np.zeros(50)), TypeError,
     "`forecast` must be an array of numbers. Received an object of type str."),
])
def test_residual_interval_rejects_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- lesson 5: the circular block bootstrap, precise figures, validation_coverage -----------------

def test_the_circular_block_bootstrap_draws_the_first_origin_as_often_as_a_middle_one():
    def upper_end(where, circular):
        spike = np.full(100, 1.0)
        spike[where] = 100.0
        return block_bootstrap_interval(spike, block=20, circular=circular).high

    assert upper_end(0, circular=True) == pytest.approx(upper_end(50, circular=True), rel=0.1)
    assert upper_end(0, circular=False) < 0.9 * upper_end(50, circular=False)  # moving blocks: the ends are rarer


def test_a_circular_bootstrap_of_a_ratio_is_paired():
    errors = 1 + np.sin(np.arange(300) / 7) ** 2
    interval = block_bootstrap_interval(errors / 3, block=52, reference=errors, circular=True)
    assert interval.estimate == pytest.approx(1 / 3) and interval.high - interval.low < 1e-12


def test_precise_shows_enough_digits_for_the_ratios():
    assert Interval(0.92406, 0.637, 1.3141).precise() == "0.924 (95% CI 0.637–1.31)"
    assert Interval(11.02, 7.1, 18.4).precise(2) == "11 (95% CI 7.1–18)"


def test_a_validation_interval_covers_what_its_quantiles_say():
    errors = np.arange(-50, 51) / 10  # -5 ... 5: the 5 % and 95 % quantiles are -4.5 and 4.5
    forecasts = np.array([0.0, 0.0, 0.0, 10.0, 10.0, 10.0, 10.0, 10.0])
    truth = np.array([4.5, -4.5, 4.6, 10.0, 14.0, 5.4, 20.0, 5.5])  # the ends count as inside
    result = validation_coverage(forecasts, truth, errors, level=0.9)
    assert (result.low, result.high, result.level) == (pytest.approx(-4.5), pytest.approx(4.5), 0.9)
    assert result.width == pytest.approx(9.0)
    inside = np.array([1, 1, 0, 1, 1, 0, 0, 1], dtype=float)
    assert result.coverage == block_bootstrap_interval(inside, block=1)  # 5 of 8, resampled item by item
    assert result.coverage.estimate == 5 / 8 and result.coverage.low < 5 / 8 < result.coverage.high
    half = validation_coverage(forecasts, truth, errors, level=0.5)  # quartiles: -2.5 and 2.5
    assert half.coverage.estimate == 1 / 8 and half.width == pytest.approx(5.0)  # only the forecast hit on the nose
    in_blocks = validation_coverage(forecasts, truth, errors, block=4, circular=True)
    assert in_blocks.coverage == block_bootstrap_interval(inside, block=4, circular=True)


def test_a_validation_interval_that_holds_every_item_has_a_zero_width_coverage_interval():
    result = validation_coverage(np.zeros(6), np.ones(6), np.linspace(-2, 2, 50), block=3, circular=True)
    assert result.coverage == Interval(1.0, 1.0, 1.0)
    assert validation_coverage(np.zeros(6), np.ones(6), np.linspace(-0.5, 0.5, 50)).coverage == Interval(0, 0, 0)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"level": 1.0}, ValueError, "level"),
    ({"block": 9}, ValueError, "block"),
    ({"truth": np.ones(7)}, ValueError, "forecasts.*truth|truth.*forecasts"),
    ({"validation_errors": [np.nan, 1.0]}, ValueError, "validation_errors"),
    ({"circular": "yes"}, TypeError, "circular"),
])
def test_validation_coverage_rejects_bad_arguments(kwargs, error, message):
    arguments = {"forecasts": np.zeros(8), "truth": np.ones(8), "validation_errors": np.linspace(-2, 2, 20), **kwargs}
    with pytest.raises(error, match=message):
        validation_coverage(**arguments)
