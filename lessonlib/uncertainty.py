"""How sure is a lesson's number? 95 % intervals for a mean, a ratio of two MSEs, an accuracy gap.

Every score a lesson states is an average over test items, so it would come out a little different on
other items. These helpers put an interval around it from the per-item values (each window's squared
error, or whether each window was classified right), with the normal approximation, which is accurate
for the large fresh test sets that lesson claims are scored on. The items must be independent, e.g.
windows with their own noise and phase, not overlapping windows of one series; each function takes at
least 2 of them, and a confidence ``level`` in (0, 1).

``residual_interval`` is of another kind: not an interval on a score, but a forecast interval for each
coming value, from a forecaster's errors on validation windows (split conformal).

On one real series the items are forecast origins, and neighbouring origins forecast overlapping
stretches: they are not independent. ``block_bootstrap_interval`` resamples whole blocks of
consecutive origins instead, so that the interval covers that dependence.

A forecast can carry an interval of its own: ``validation_coverage`` builds one from a method's
errors on validation items and checks how often it holds the truth on the test items.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import NamedTuple

import numpy as np

from ._validation import (
    check_bool,
    check_correct,
    check_errors,
    check_int,
    check_level,
    check_paired,
    check_same_length,
    check_series,
)


class Interval(NamedTuple):
    """An estimate and its confidence interval ``[low, high]`` at the given ``level``.

    ``str`` shows it as a lesson would write it, with as many decimals as the interval's
    half-width warrants.

    Examples
    --------
    >>> print(Interval(0.00521, 0.00502, 0.00540))
    0.0052 (95% CI 0.0050–0.0054)
    >>> estimate, low, high, level = Interval(0.49, 0.47, 0.51)
    >>> Interval(0.00521, 0.00502, 0.00540).shown  # the estimate as shown, as a number
    0.0052
    """

    estimate: float
    low: float
    high: float
    level: float = 0.95

    def _decimals(self, value):
        """The decimals shown: down to the half-width's first significant digit, else 4 significant."""
        half_width = (self.high - self.low) / 2
        if half_width > 0:
            return int(np.clip(-np.floor(np.log10(half_width)), 0, 12))
        return 3 - int(np.floor(np.log10(abs(value)))) if value else 0

    def precise(self, significant=3):
        """The interval as text with ``significant`` digits on every number: a ratio of two rounded
        estimates can then be read off the table.

        Examples
        --------
        >>> Interval(0.9241, 0.637, 1.314).precise()
        '0.924 (95% CI 0.637–1.31)'
        """
        def digits(value):
            return f"{value:.{significant}g}"

        return f"{digits(self.estimate)} ({self.level:.0%} CI {digits(self.low)}–{digits(self.high)})"

    @property
    def shown(self):
        """The estimate rounded as ``str`` shows it."""
        return round(float(self.estimate), self._decimals(self.estimate)) + 0.0  # no -0.0

    def __str__(self):
        if self.high > self.low:
            decimals = self._decimals(self.estimate)
            texts = [f"{value:.{decimals}f}" for value in self[:3]]
        else:
            texts = [f"{value:.4g}" for value in self[:3]]
        estimate, low, high = (text.lstrip("-") if float(text) == 0 else text for text in texts)  # no -0.0
        return f"{estimate} ({100 * self.level:g}% CI {low}–{high})"


def mean_interval(values, *, level=0.95):
    """The mean of per-item values with its confidence interval, ``mean ± z * sd / sqrt(n)``.

    Use it for a mean squared error (the values are the squared errors) or an accuracy (the values
    are 1 for a right answer, 0 for a wrong one).

    Examples
    --------
    >>> interval = mean_interval([1, 0, 1, 1, 0, 1, 1, 1, 1, 0])
    >>> print(interval)
    0.7 (95% CI 0.4–1.0)
    >>> round(interval.estimate, 2), round(interval.low, 3)
    (0.7, 0.401)
    """
    values = check_series("values", np.ravel(values))
    return _normal_interval(values.mean(), values, check_level(level))


def ratio_interval(errors_a, errors_b, *, level=0.95):
    """The ratio ``mean(errors_a) / mean(errors_b)`` of two MSEs on the same items, with its interval.

    ``errors_a`` and ``errors_b`` are two methods' per-item errors (e.g. squared errors) on the same
    items, in the same order: non-negative, neither all zero. The interval comes from the delta method
    on the logarithm of the ratio, with the errors paired item by item: its half-width on the log
    scale is ``z * sd(errors_a / mean(errors_a) - errors_b / mean(errors_b)) / sqrt(n)``. Working on
    the log scale keeps the interval positive and makes ``ratio_interval(b, a)`` its exact reciprocal.

    Examples
    --------
    >>> errors_b = np.array([0.2, 1.0, 0.4, 0.8, 0.6, 1.2, 0.1, 0.5])
    >>> print(ratio_interval(errors_b / 2, errors_b))
    0.5 (95% CI 0.5–0.5)
    >>> print(ratio_interval([0.1, 0.3, 0.2, 0.6, 0.2, 0.4, 0.1, 0.3], errors_b))
    0.5 (95% CI 0.3–0.6)
    """
    errors_a, errors_b = check_errors("errors_a", errors_a), check_errors("errors_b", errors_b)
    check_same_length("errors_a", errors_a, "errors_b", errors_b)
    level = check_level(level)
    relative = errors_a / errors_a.mean() - errors_b / errors_b.mean()
    log_interval = _normal_interval(np.log(errors_a.mean() / errors_b.mean()), relative, level)
    return Interval(*(float(np.exp(value)) for value in log_interval[:3]), level)


def difference_interval(correct_a, correct_b, *, level=0.95):
    """The accuracy of method a minus that of method b, in percentage points, on the same items.

    ``correct_a`` and ``correct_b`` say whether each method got each item right (booleans or 0/1,
    e.g. ``labels == y_true``), in the same order. Paired: the interval is that of the mean of the
    per-item differences, so only the items where the two methods disagree widen it.

    Examples
    --------
    >>> right_a = [1, 1, 1, 0, 1, 1, 1, 1, 0, 1]
    >>> right_b = [1, 0, 1, 0, 1, 1, 0, 1, 0, 1]
    >>> print(difference_interval(right_a, right_b))
    20 (95% CI -6–46)
    """
    correct_a, correct_b = check_correct("correct_a", correct_a), check_correct("correct_b", correct_b)
    check_same_length("correct_a", correct_a, "correct_b", correct_b)
    return mean_interval(100 * (correct_a - correct_b), level=level)


def block_bootstrap_interval(errors, *, block, reference=None, n_resamples=2000, level=0.95, seed=0,
                             circular=False):
    """The mean of per-origin errors (or its ratio to a reference's) with a moving-block bootstrap interval.

    The errors of forecasts from consecutive origins of one series are dependent: origins less than
    a horizon apart forecast some of the same values. The bootstrap draws ``n / block`` blocks of
    ``block`` consecutive origins (any start, with replacement), recomputes the mean (or the ratio of
    the two methods' means, the same blocks for both: paired) and takes the percentile interval.
    With ``block`` at least the horizon, the dependence within a block is kept whole; between blocks
    it is assumed to fade.

    ``errors`` holds one error per origin, in time order (e.g. each origin's MSE over its horizon);
    ``reference``, another method's at the same origins, makes it the interval of
    ``mean(errors) / mean(reference)``; ``seed`` seeds the resampling. ``circular`` wraps the blocks
    around the end (a block starting near the last origin continues at the first), so that every
    origin is drawn equally often; without it the first and last origins are drawn about
    ``1 / block`` as often as the middle ones.

    Examples
    --------
    Errors that drift slowly from origin to origin: blocks of 20 see that the 200 origins hold
    only about 10 independent stretches, so the interval is wider than one that treats them as
    independent (``block=1``).

    >>> errors = 1 + np.sin(np.arange(200) / 10) ** 2
    >>> print(block_bootstrap_interval(errors, block=1), "|", block_bootstrap_interval(errors, block=20))
    1.49 (95% CI 1.44–1.54) | 1.5 (95% CI 1.4–1.6)
    >>> print(block_bootstrap_interval(errors / 2, block=20, reference=errors))
    0.5 (95% CI 0.5–0.5)
    >>> print(block_bootstrap_interval(errors, block=20, circular=True))
    1.5 (95% CI 1.4–1.6)
    """
    errors = check_errors("errors", errors)
    block = check_int("block", block, low=1, high=len(errors))
    if reference is not None:
        reference = check_errors("reference", reference)
        check_same_length("errors", errors, "reference", reference)
    n_resamples = check_int("n_resamples", n_resamples, low=100)
    level = check_level(level)
    seed = check_int("seed", seed, low=0)
    circular = check_bool("circular", circular)
    n = len(errors)
    last_start = n if circular else n - block + 1
    starts = np.random.default_rng(seed).integers(0, last_start, (n_resamples, -(-n // block)))
    rows = (starts[:, :, None] + np.arange(block)).reshape(n_resamples, -1)[:, :n] % n
    statistic = errors[rows].mean(axis=1)
    estimate = errors.mean()
    if reference is not None:
        statistic = statistic / reference[rows].mean(axis=1)
        estimate = estimate / reference.mean()
    low, high = np.quantile(statistic, [(1 - level) / 2, (1 + level) / 2])
    return Interval(float(estimate), float(low), float(high), level)


def residual_interval(forecast, validation_forecast, validation_y, *, level=0.95):
    """A ``level`` forecast interval around each forecast, from the same forecaster's errors on validation data.

    Split conformal: the errors ``validation_y - validation_forecast`` of independent validation windows,
    sorted, give the interval ``forecast + [k-th smallest error, k-th largest error]`` with
    ``k = floor((m + 1) (1 - level) / 2)`` for ``m`` validation windows. If the validation and test
    windows are drawn alike (exchangeable), a fresh value falls below it with probability at most
    ``(1 - level) / 2``, above it likewise, whatever the forecaster: coverage at least ``level`` on
    average over windows. Its width is the same for every window, so it cannot be wider where a forecast
    is less sure (coverage on average, not window by window).

    ``forecast`` has shape (n,) or (n, horizons); ``validation_forecast`` and ``validation_y`` have shape
    (m, ...) with the same columns, one per horizon, each treated on its own. ``m`` must be at least
    ``2 / (1 - level) - 1`` (39 for ``level=0.95``). Returns ``(low, high)``, each shaped as ``forecast``.

    Examples
    --------
    >>> errors = np.arange(-19, 20) / 10  # 39 validation errors, -1.9 to 1.9
    >>> low, high = residual_interval([0.0, 5.0], np.zeros(39), errors)
    >>> low, high  # forecast + [smallest error, largest error]: k = floor(40 * 0.025) = 1
    (array([-1.9,  3.1]), array([1.9, 6.9]))
    """
    level = check_level(level)
    forecast = _check_forecast_columns("forecast", forecast)
    validation_forecast = _check_forecast_columns("validation_forecast", validation_forecast)
    validation_y = _check_forecast_columns("validation_y", validation_y)
    if validation_forecast.shape != validation_y.shape:
        raise ValueError(f"`validation_forecast` and `validation_y` must have the same shape. Received: "
                         f"{validation_forecast.shape} and {validation_y.shape}.")
    if validation_y.shape[1:] != forecast.shape[1:]:
        raise ValueError(f"`validation_y` must have one column per column of `forecast` (one per horizon). "
                         f"Received: validation_y with shape {validation_y.shape}, forecast with shape "
                         f"{forecast.shape}.")
    m = len(validation_y)
    k = int(np.floor((m + 1) * (1 - level) / 2 + 1e-9))  # + 1e-9: level=0.9 makes 1 - level just under 0.1
    if k < 1:
        needed = int(np.ceil(2 / (1 - level) - 1 - 1e-9))
        raise ValueError(f"`validation_y` must hold at least {needed} windows for level={level}. "
                         f"Received: len(validation_y)={m}.")
    errors = np.sort(validation_y - validation_forecast, axis=0)
    return forecast + errors[k - 1], forecast + errors[m - k]


def _check_forecast_columns(name, values):
    """``values`` as a finite float array of shape (n,) or (n, columns), neither 0: residual_interval's check."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"`{name}` must be an array of numbers. Received an object of type "
                        f"{type(values).__name__}.") from error
    if array.ndim not in (1, 2) or array.size == 0:
        raise ValueError(f"`{name}` must have shape (n,) or (n, horizons), neither 0. "
                         f"Received: {name} with shape {array.shape}.")
    if not np.isfinite(array).all():
        raise ValueError(f"`{name}` must not contain NaN or infinite values.")
    return array


def _normal_interval(estimate, values, level):
    """``estimate ± z * sd(values) / sqrt(n)``: the normal interval, its standard error from ``values``."""
    z = NormalDist().inv_cdf((1 + level) / 2)
    estimate, standard_error = float(estimate), float(values.std(ddof=1) / np.sqrt(len(values)))
    return Interval(estimate, estimate - z * standard_error, estimate + z * standard_error, level)


# --- forecast intervals, checked by their coverage ---------------------------------------------------

class Coverage(NamedTuple):
    """A forecast interval checked on test items: each forecast plus ``[low, high]`` (in the forecast's
    units) promised to hold the truth a ``level`` share of the time; ``coverage`` is the share of the
    test items whose truth it held, an ``Interval`` (95 %).

    Examples
    --------
    >>> Coverage(Interval(0.8, 0.7, 0.9), -1.5, 2.0, 0.9).width
    3.5
    """

    coverage: Interval
    low: float
    high: float
    level: float

    @property
    def width(self):
        """The interval's width, the same at every item: ``high - low``."""
        return self.high - self.low


def validation_coverage(forecasts, truth, validation_errors, *, level=0.9, block=1, circular=False):
    """The coverage on test items of a ``level`` interval built from a method's own validation errors.

    The interval at each test item is its forecast plus the ``(1 - level) / 2`` and ``(1 + level) / 2``
    quantiles of ``validation_errors`` (truth minus forecast on items the method was not fitted on):
    it costs no training, and it works for any point forecast, a network's or a classical model's. The
    coverage is the share of ``truth`` inside (ends included); its 95 % interval is a block bootstrap
    over the test items in order (``block_bootstrap_interval``: ``block=1`` for independent items,
    ``block`` at least the horizon and ``circular`` for the origins of one series). A coverage of 0 or 1
    on every resample has a zero-width interval.

    Examples
    --------
    Validation errors spread evenly over -1 ... 1 give the interval forecast ± 0.9; three of the
    four test values fall inside it:

    >>> result = validation_coverage([0.0, 0.0, 1.0, 1.0], [0.5, 2.0, 1.0, 0.2], np.linspace(-1, 1, 201))
    >>> round(result.low, 6), round(result.high, 6), result.coverage.estimate
    (-0.9, 0.9, 0.75)
    """
    forecasts, truth = check_paired("forecasts", np.ravel(forecasts), "truth", np.ravel(truth))
    validation_errors = check_series("validation_errors", np.ravel(validation_errors))
    level = check_level(level)
    block = check_int("block", block, low=1, high=len(truth))
    circular = check_bool("circular", circular)
    low, high = (float(q) for q in np.quantile(validation_errors, [(1 - level) / 2, (1 + level) / 2]))
    inside = ((truth >= forecasts + low) & (truth <= forecasts + high)).astype(float)
    if inside.min() == inside.max():  # every item in (or out): no resample can differ
        share = Interval(float(inside[0]), float(inside[0]), float(inside[0]))
    else:
        share = block_bootstrap_interval(inside, block=block, circular=circular)
    return Coverage(share, low, high, level)
