"""Yardsticks that need no training, classical: simple forecasts, the linear autoregression, the sine
fit, the matched filter, the least-squares frequency estimator and the Cramér-Rao bound (lessons 1-3);
the recursive strategy, the seasonal naive forecast and Holt-Winters (lesson 4).

The Bayes forecast and classifier, optimal when the signal's form and noise level are known, are in
``bayes``. The window forecasts take windows shaped like ``windowize``'s ``X`` and return one prediction
per window (``forecast_sine_fit`` at any ``horizon``), or ``(n, horizon)`` for ``forecast_recursive``,
so networks and yardsticks are scored on exactly the same test windows. ``forecast_seasonal_naive`` and
``forecast_holt_winters`` take a series and forecast origins instead, ``(len(origins), horizon)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import (
    check_bool,
    check_float,
    check_freq_range,
    check_frequencies,
    check_increasing,
    check_int,
    check_same_length,
    check_same_steps,
    check_series,
    check_signals,
    check_windows,
)
from .signals import FREQ_RANGE, FREQUENCIES

_GOLDEN = (np.sqrt(5.0) - 1) / 2
_MAX_GRID = 20_000


def forecast_last_value(windows):
    """Predict that the next value equals the last one seen (the "persistence" forecast).

    Examples
    --------
    >>> forecast_last_value([[1.0, 2.0, 3.0], [2.0, 3.0, 5.0]])
    array([3., 5.])
    """
    return check_windows("windows", windows)[:, -1].copy()


def forecast_moving_average(windows, *, k=5):
    """Predict the mean of the last ``k`` values of each window.

    Examples
    --------
    >>> forecast_moving_average([[1.0, 2.0, 3.0, 4.0]], k=2)
    array([3.5])
    """
    windows = check_windows("windows", windows)
    k = check_int("k", k, low=1, high=windows.shape[1], extra=f" with a window of {windows.shape[1]} steps")
    return windows[:, -k:].mean(axis=1)


def forecast_linear_ar(x_train, y_train, windows):
    """Linear autoregression: least squares of the next value on the window's values plus a constant.

    Fitted on the training windows ``(x_train, y_train)``, then applied to ``windows``. It is the
    network's closest classical cousin: a single linear layer with no recurrence.

    Examples
    --------
    >>> x = np.array([[0.0, 1.0], [1.0, 2.0], [2.0, 4.0], [4.0, 7.0]])
    >>> y = 2 * x[:, 1] - x[:, 0] + 1.0
    >>> forecast_linear_ar(x, y, [[10.0, 11.0]]).round(6)
    array([13.])
    """
    return fit_linear_ar(x_train, y_train)(windows)


def fit_linear_ar(x_train, y_train):
    """The linear autoregression of ``forecast_linear_ar`` fitted once: a function of windows, to feed
    its own forecasts back with ``forecast_recursive`` without refitting at every step.

    Examples
    --------
    >>> x = np.array([[0.0, 1.0], [1.0, 2.0], [2.0, 4.0], [4.0, 7.0]])
    >>> forecast_recursive(fit_linear_ar(x, 2 * x[:, 1] - x[:, 0] + 1.0), [[10.0, 11.0]], horizon=2).round(6)
    array([[13., 16.]])
    """
    x_train = check_windows("x_train", x_train)
    y_train = check_series("y_train", y_train, min_length=1)
    check_same_length("x_train", x_train, "y_train", y_train)
    design = np.column_stack([x_train, np.ones(len(x_train))])
    coef, *_ = np.linalg.lstsq(design, y_train, rcond=None)

    def forecast_next(windows):
        windows = check_windows("windows", windows)
        check_same_steps("windows", windows, "x_train", x_train)
        return windows @ coef[:-1] + coef[-1]

    return forecast_next


def forecast_sine_fit(windows, *, frequency, step, horizon=1):
    """The least-squares sine fit: the forecast, ``horizon`` steps ahead, of a sine whose frequency is
    known but whose amplitude and phase are not.

    Fits ``a sin(frequency t) + b cos(frequency t)`` to the window by least squares and
    extrapolates it ``horizon`` steps of ``step`` past the window's last sample (one by default): the
    maximum-likelihood forecast when the amplitude is free.
    When the amplitude is known too (it is 1 in the lessons), the Bayes forecast
    (``bayes.forecast_bayes``) does better; lesson 1 measures by how much. ``frequency`` is angular
    (``sin(frequency * t)``) and ``step`` the time between two samples, both positive; ``horizon`` is
    at least 1.

    Examples
    --------
    >>> t = 0.1 * np.arange(11)
    >>> forecast_sine_fit([np.sin(2.0 * t[:10] + 0.3)], frequency=2.0, step=0.1).round(6)
    array([0.745705])
    >>> round(float(np.sin(2.0 * t[10] + 0.3)), 6)
    0.745705
    >>> forecast_sine_fit([np.sin(2.0 * t[:10] + 0.3)], frequency=2.0, step=0.1, horizon=5).round(6)
    array([0.041581])
    >>> round(float(np.sin(2.0 * 0.1 * 14 + 0.3)), 6)
    0.041581
    """
    windows = check_windows("windows", windows)
    frequency = check_float("frequency", frequency, low=0, low_open=True)
    step = check_float("step", step, low=0, low_open=True)
    horizon = check_int("horizon", horizon, low=1)
    phase = frequency * step * np.append(np.arange(windows.shape[1]), windows.shape[1] - 1 + horizon)
    basis = np.column_stack([np.sin(phase), np.cos(phase)])
    return windows @ (basis[-1] @ np.linalg.pinv(basis[:-1]))  # least squares is linear: one filter


def forecast_recursive(forecast_next, windows, *, horizon):
    """Feed a one-step forecaster its own forecasts: the recursive strategy, ``horizon`` steps ahead.

    ``forecast_next(windows)`` forecasts the value after each window. For each step the forecast is
    appended to the window, its oldest value dropped, and the forecaster is asked again; so from the
    second step on it reads some of its own forecasts instead of measurements.

    Parameters
    ----------
    forecast_next : callable
        Maps windows of shape (n, window, 1) to n forecasts (shape (n,) or (n, 1)).
    windows : array-like of shape (n, window) or (n, window, 1)
    horizon : int
        Steps ahead, at least 1.

    Returns
    -------
    ndarray of shape (n, horizon)
        Column ``h - 1`` is the forecast ``h`` steps past each window's end.

    Examples
    --------
    A forecaster that continues a straight line through the last two values continues it exactly:

    >>> forecast_recursive(lambda x: 2 * x[:, -1, 0] - x[:, -2, 0], [[1.0, 2.0, 3.0]], horizon=3)
    array([[4., 5., 6.]])
    """
    if not callable(forecast_next):
        raise TypeError(f"`forecast_next` must be callable, e.g. a function of the windows. "
                        f"Received: {type(forecast_next).__name__}")
    window = check_windows("windows", windows)[:, :, None]
    horizon = check_int("horizon", horizon, low=1)
    forecasts = []
    for _ in range(horizon):
        forecasts.append(np.reshape(np.asarray(forecast_next(window), dtype=float), len(window)))
        window = np.concatenate([window[:, 1:], forecasts[-1][:, None, None]], axis=1)
    return np.stack(forecasts, axis=1)


class MatchedFilterResult(NamedTuple):
    """Predicted class (0 or 1) and the score behind it, one of each per window."""

    labels: np.ndarray
    scores: np.ndarray


def matched_filter_classify(windows, *, frequencies=FREQUENCIES, step):
    """Classify each window by which known sine, with free amplitude and phase, fits it better.

    For each candidate angular frequency ``w_j`` the window is fitted by least squares with
    ``a sin(w_j t) + b cos(w_j t)``, ``t = step * arange(window)``, leaving a residual sum of
    squares ``RSS_j``. The score ``RSS_0 - RSS_1`` is ``2 sigma**2`` times the generalized
    log-likelihood ratio for white Gaussian noise of standard deviation ``sigma``: higher means
    more like class 1. Label 1 means ``score > 0``. Sweeping a threshold over the scores instead of
    0 traces the ROC curve (see :func:`lessonlib.metrics.roc_auc`). Least squares is linear, so each
    fit is a fixed projection: all windows are scored with two matrix products, no loop.
    ``frequencies`` are those of class 0 and class 1; ``step`` is ``t[1] - t[0]`` of the series.
    Returns a ``MatchedFilterResult`` ``(labels, scores)``: int array of 0/1 and float array, one per window.

    Examples
    --------
    >>> t = 0.2 * np.arange(40)
    >>> windows = [np.sin(1.0 * t + 0.5), 2 * np.cos(1.1 * t)]
    >>> result = matched_filter_classify(windows, step=0.2)
    >>> result.labels
    array([0, 1])
    >>> bool(result.scores[0] < 0 < result.scores[1])
    True
    """
    windows = check_windows("windows", windows)
    frequencies = check_frequencies(frequencies)
    step = check_float("step", step, low=0, low_open=True)
    t = step * np.arange(windows.shape[1])
    fitted = []  # |Q_j^T x|^2, with Q_j an orthonormal basis of sine j's span: RSS_0 - RSS_1 = fitted_1 - fitted_0
    for w in frequencies:
        basis, _ = np.linalg.qr(np.column_stack([np.sin(w * t), np.cos(w * t)]))
        fitted.append(np.sum((windows @ basis) ** 2, axis=1))
    scores = fitted[1] - fitted[0]
    return MatchedFilterResult((scores > 0).astype(int), scores)


def estimate_frequency(signals, t, *, freq_range=FREQ_RANGE):
    """Least-squares (maximum-likelihood) estimate of each row's angular frequency.

    For a trial frequency ``w``, ``a sin(w t) + b cos(w t)`` is fitted to the row by linear least
    squares; the estimate is the ``w`` whose fit leaves the smallest residual: the maximum-likelihood
    estimate in white Gaussian noise (the sine has no offset).
    It is found in two stages, both vectorized over rows: the best ``w`` on a fine grid over
    ``freq_range`` (step at most ``(high - low) / 1000`` and ``pi / (8 * (t[-1] - t[0]))``, at most
    20,000 points), then a golden-section search between the grid neighbours of that peak.
    Frequencies above the Nyquist limit ``pi / (t[1] - t[0])`` alias and cannot be told apart.

    ``signals`` holds one sequence per row, of shape (n_sequences, n_points) or (n_sequences,
    n_points, 1); ``t`` the sample times, strictly increasing, shared by all rows (``n_points >= 3``).
    The estimates, one per row, stay inside ``freq_range``.

    Examples
    --------
    >>> t = np.linspace(0, 10, 50)
    >>> signals = [np.sin(1.7 * t + 0.4), 0.5 * np.cos(3.25 * t)]
    >>> estimate_frequency(signals, t).round(6)
    array([1.7 , 3.25])
    """
    signals = check_signals("signals", signals)
    t = check_series("t", t, min_length=3)
    check_same_length("t", t, "each row of signals", signals[0])
    check_increasing("t", t)
    low, high = check_freq_range(freq_range)
    step = min((high - low) / 1000, np.pi / (8 * (t[-1] - t[0])))
    grid = np.linspace(low, high, int(min(np.ceil((high - low) / step), _MAX_GRID - 1)) + 1)
    peak, spacing = _grid_peak(signals, t, grid), grid[1] - grid[0]
    return _golden_section(signals, t, np.clip(peak - spacing, low, high), np.clip(peak + spacing, low, high))


def _grid_peak(signals, t, grid):
    """Grid frequency whose fit explains most of each row: max of |Q_w^T x|^2, Q_w orthonormal."""
    phase = np.multiply.outer(grid, t)
    bases, _ = np.linalg.qr(np.stack([np.sin(phase), np.cos(phase)], axis=-1))  # (grid, n_points, 2)
    n_columns = bases.shape[-1]
    bases = bases.transpose(1, 0, 2).reshape(len(t), -1)
    rows_per_chunk = max(1, 4_000_000 // bases.shape[1])
    peaks = []
    for start in range(0, len(signals), rows_per_chunk):
        projections = signals[start:start + rows_per_chunk] @ bases
        explained = np.sum(projections.reshape(len(projections), -1, n_columns) ** 2, axis=2)
        peaks.append(grid[np.argmax(explained, axis=1)])
    return np.concatenate(peaks)


def _explained(signals, t, w):
    """Squared norm of each row's least-squares fit at its own frequency ``w[i]``: the 2 x 2 normal
    equations in closed form, several times faster than a solve."""
    phase = np.multiply.outer(w, t)
    sin, cos = np.sin(phase), np.cos(phase)
    ss, cc, sc = np.sum(sin * sin, axis=1), np.sum(cos * cos, axis=1), np.sum(sin * cos, axis=1)
    sx, cx = np.sum(sin * signals, axis=1), np.sum(cos * signals, axis=1)
    return (cc * sx**2 - 2 * sc * sx * cx + ss * cx**2) / (ss * cc - sc**2)


def _golden_section(signals, t, lower, upper, n_iterations=40):
    """Maximize ``_explained`` per row on [lower, upper] (one peak there); all rows at once."""
    inner_low = upper - _GOLDEN * (upper - lower)
    inner_high = lower + _GOLDEN * (upper - lower)
    value_low = _explained(signals, t, inner_low)
    value_high = _explained(signals, t, inner_high)
    for _ in range(n_iterations):
        go_up = value_high > value_low
        lower = np.where(go_up, inner_low, lower)
        upper = np.where(go_up, upper, inner_high)
        inner_low, inner_high = (np.where(go_up, inner_high, upper - _GOLDEN * (upper - lower)),
                                 np.where(go_up, lower + _GOLDEN * (upper - lower), inner_low))
        new_value = _explained(signals, t, np.where(go_up, inner_high, inner_low))
        value_low, value_high = (np.where(go_up, value_high, new_value), np.where(go_up, new_value, value_low))
    return (lower + upper) / 2


def cramer_rao_bound(*, n_points=50, duration=10.0, noise=0.3, amplitude=1.0):
    r"""Smallest possible RMSE of an unbiased estimate of a real sine's angular frequency.

    For ``x_k = amplitude * sin(w t_k + phase) + e_k``, ``t_k = k * dt`` with
    ``dt = duration / (n_points - 1)``, ``k = 0 .. N - 1``, ``e_k`` white Gaussian noise of standard
    deviation ``noise`` (sigma), and amplitude ``A`` and phase unknown (no offset), the Fisher
    information for ``w`` once the phase is accounted for is
    ``A**2 / (2 sigma**2) * sum_k (t_k - t_mean)**2 = A**2 dt**2 N (N**2 - 1) / (24 sigma**2)``,
    so

    .. math:: \mathrm{RMSE}(\hat w) \ge \frac{\sqrt{24}\,\sigma}{A\,\Delta t\,\sqrt{N (N^2 - 1)}}.

    Assumptions: the ``1/2`` is the average of ``cos**2(w t + phase)`` over many cycles (exact
    averages over phase and over the lesson's frequencies differ by under 1 %); the bound is
    asymptotic (high SNR; at low SNR the real error jumps above it); knowing sigma changes nothing.
    An unknown constant offset raises it by under 1 % for the default design. This is
    Rife & Boorstyn's (1974) bound ``12 sigma**2 / (A**2 dt**2 N (N**2 - 1))`` for a *complex*
    exponential with complex noise of variance sigma**2, times 2: a real sine carries half the
    information (forgetting that factor gives the second example's value).

    ``n_points`` is N (at least 3), ``noise`` is sigma and ``amplitude`` is A. The bound is in
    radians per time unit, proportional to ``noise``.

    Examples
    --------
    >>> round(cramer_rao_bound(), 4)
    0.0204
    >>> round(cramer_rao_bound() / 2**0.5, 4)  # the complex-exponential bound
    0.0144
    """
    n_points = check_int("n_points", n_points, low=3)
    duration = check_float("duration", duration, low=0, low_open=True)
    noise = check_float("noise", noise, low=0)
    amplitude = check_float("amplitude", amplitude, low=0, low_open=True)
    dt = duration / (n_points - 1)
    return float(np.sqrt(24.0) * noise / (amplitude * dt * np.sqrt(n_points * (n_points**2 - 1))))



def forecast_seasonal_naive(series, origins, *, season, horizon, drift=False):
    """The same weeks one season earlier, optionally plus the average rise from one season to the next.

    From each origin ``o`` (the first value to forecast; ``series[:o]`` is known) it forecasts
    ``series[o + h - 1]`` for ``h = 1 ... horizon`` as the last observed value at the same point of
    the season, ``series[o + h - 1 - k * season]`` with the smallest ``k >= 1`` that is in the past.
    With ``drift`` it adds ``k`` times the mean of ``series[t] - series[t - season]`` over everything
    known at the origin: the "seasonal naive with drift" forecast.

    Parameters
    ----------
    series : array-like of shape (n,)
        Finite values, evenly spaced in time (fill missing values first).
    origins : array-like of int
        Where each forecast starts, each in ``[season + 1, n]`` (with ``drift``: at least ``season + 1``
        values are known, so one seasonal difference exists).
    season : int
        The season's length in steps (52 for weekly data with a yearly cycle); at least 1.
    horizon : int
        How many steps ahead to forecast from each origin; at least 1.
    drift : bool, default False

    Returns
    -------
    ndarray of shape (len(origins), horizon)
        Row ``i`` forecasts ``series[origins[i] : origins[i] + horizon]``.

    Examples
    --------
    Two seasons of 3 values, rising by 10 per season:

    >>> series = np.array([1.0, 5.0, 3.0, 11.0, 15.0, 13.0])
    >>> forecast_seasonal_naive(series, [6], season=3, horizon=4)
    array([[11., 15., 13., 11.]])
    >>> forecast_seasonal_naive(series, [6], season=3, horizon=4, drift=True)
    array([[21., 25., 23., 31.]])
    """
    series = check_series("series", series)
    season = check_int("season", season, low=1)
    horizon = check_int("horizon", horizon, low=1)
    origins = _check_origins(origins, low=season + 1, n=len(series))
    drift = check_bool("drift", drift)
    h = np.arange(horizon)
    k = h // season + 1  # seasons back to the latest known value at the same point of the season
    forecasts = series[origins[:, None] + h - k * season]
    if drift:
        rises = np.concatenate([[0.0], np.cumsum(series[season:] - series[:-season])])
        mean_rise = rises[origins - season] / (origins - season)  # over series[season:o]
        forecasts = forecasts + k * mean_rise[:, None]
    return forecasts


def forecast_holt_winters(series, origins, *, params, season, horizon):
    """Additive Holt-Winters forecasts from many origins, with parameters fitted once.

    Runs the additive trend and season recursions (statsmodels' ``ExponentialSmoothing(trend="add",
    seasonal="add")``, undamped, no Box-Cox) over ``series`` once, with the smoothing parameters and
    initial states in ``params``, and forecasts ``horizon`` steps from each origin with the states
    reached there: ``level + h * trend + the season's value h steps on``. Each forecast uses only
    ``series[:origin]``; only the parameters come from the fit. Refitting at every origin would cost a
    fit (about 0.7 s for 1,800 weekly values) per origin. The forecasts are statsmodels' (its
    ``forecast``), which at horizons that are whole seasons uses the season's value from before its
    latest update (a textbook variant uses the updated one; the two agree when
    ``smoothing_seasonal`` is 0).

    Parameters
    ----------
    series : array-like of shape (n,)
        Finite values, evenly spaced (fill missing values first); it starts where the fit's data did.
    origins : array-like of int
        Where each forecast starts, each in ``[1, n]``: ``series[:origin]`` is known.
    params : mapping
        ``smoothing_level``, ``smoothing_trend``, ``smoothing_seasonal``, ``initial_level``,
        ``initial_trend`` and ``initial_seasons`` (``season`` values): a fitted model's ``params``.
    season : int
        The season's length in steps; at least 2.
    horizon : int
        Steps ahead; at least 1.

    Returns
    -------
    ndarray of shape (len(origins), horizon)

    Examples
    --------
    A pure trend and season, and parameters that know them, forecast it exactly:

    >>> t = np.arange(12.0)
    >>> series = 0.5 * t + np.tile([1.0, -1.0, 0.0], 4)
    >>> params = dict(smoothing_level=0.5, smoothing_trend=0.1, smoothing_seasonal=0.1, initial_level=-0.5,
    ...               initial_trend=0.5, initial_seasons=[1.0, -1.0, 0.0])
    >>> forecast_holt_winters(series, [12], params=params, season=3, horizon=3).round(6)
    array([[7. , 5.5, 7. ]])
    >>> 0.5 * np.arange(12, 15) + [1.0, -1.0, 0.0]
    array([7. , 5.5, 7. ])
    """
    series = check_series("series", series)
    season = check_int("season", season, low=2)
    horizon = check_int("horizon", horizon, low=1)
    origins = _check_origins(origins, low=1, n=len(series))
    alpha, beta, gamma = (check_float(name, params[name], low=0, high=1)
                          for name in ("smoothing_level", "smoothing_trend", "smoothing_seasonal"))
    seasons = check_series("params['initial_seasons']", params["initial_seasons"])
    check_same_length("params['initial_seasons']", seasons, "a season", np.empty(season))
    levels, trends, seasonal = _holt_winters_states(series, alpha, beta, gamma, float(params["initial_level"]),
                                                    float(params["initial_trend"]), seasons)
    h = np.arange(1, horizon + 1)
    last = origins[:, None] - 1  # the last known value's index
    return levels[last] + h * trends[last] + seasonal[last + h % season]  # seasonal[j]: the season's value for time j


def season_slip(series, season_values, years, *, every, max_shift=10):
    """How far a frozen seasonal pattern has slipped against the series, stretch by stretch.

    ``season_values`` (one season, e.g. Holt-Winters' fitted ``initial_seasons`` with a seasonal weight of
    0) gives value ``t`` of the series the season's value ``t % len(season_values)``. For each stretch of
    ``every`` values it returns the shift ``s`` (within ``max_shift`` steps) for which the season's value
    ``(t - s) % season`` best matches the series minus its centred one-season moving average (least
    squares): positive, the frozen season's features come ``s`` steps before the series' own. A
    diagnosis of a fit, not a forecast: the centred average reads values on both sides.

    Returns
    -------
    list of str
        One ``"<year>: <shift>"`` per stretch, the year from ``years`` at its start (e.g. ``"1960: -2"``).

    Examples
    --------
    A season of 4 values, and a series whose own season comes one step later from its 24th value on (the
    frozen season is then one step early):

    >>> season = np.array([1.0, 0.0, -1.0, 0.0])
    >>> series = np.concatenate([np.tile(season, 6), np.tile(np.roll(season, 1), 6)])
    >>> season_slip(series, season, np.arange(48.0), every=12, max_shift=2)
    ['2: 0', '14: 0', '26: +1']
    """
    series = check_series("series", series)
    season_values = check_series("season_values", season_values)
    years = check_series("years", years)
    check_same_length("series", series, "years", years)
    period = len(season_values)
    every = check_int("every", every, low=period, high=len(series) - period)
    max_shift = check_int("max_shift", max_shift, low=0, high=period - 1)
    level = np.convolve(series, np.ones(period) / period, mode="same")
    detrended = series - level
    shifts = np.arange(-max_shift, max_shift + 1)
    slips = []
    for start in range(period // 2, len(series) - period // 2 - every + 1, every):  # the centred average is whole
        t = np.arange(start, start + every)
        misfit = [np.mean((detrended[t] - season_values[(t - shift) % period]) ** 2) for shift in shifts]
        slips.append(f"{years[start]:.0f}: {int(shifts[np.argmin(misfit)]):+d}".replace("+0", "0"))
    return slips


def _holt_winters_states(series, alpha, beta, gamma, level, trend, seasons):
    """Level and trend after each value, and the season values (the first ``season`` are the initial ones)."""
    n, season = len(series), len(seasons)
    levels, trends, seasonal = np.empty(n), np.empty(n), np.concatenate([seasons, np.empty(n)])
    for i, value in enumerate(series):
        new_level = alpha * (value - seasonal[i]) + (1 - alpha) * (level + trend)
        seasonal[i + season] = gamma * (value - level - trend) + (1 - gamma) * seasonal[i]
        trend = beta * (new_level - level) + (1 - beta) * trend
        level = levels[i] = new_level
        trends[i] = trend
    return levels, trends, seasonal


def _check_origins(origins, *, low, n):
    values = np.asarray(origins)
    if values.ndim != 1 or len(values) == 0 or not np.issubdtype(values.dtype, np.integer):
        raise TypeError(f"`origins` must be a 1-D array of whole numbers. Received: {values!r:.80}")
    if values.min() < low or values.max() > n:
        raise ValueError(f"`origins` must be between {low} and len(series) = {n}. "
                         f"Received: origins from {values.min()} to {values.max()}.")
    return values.astype(int)


def forecast_wiener(windows, *, frequency, step, noise, amplitude=1.0):
    """The best linear forecast of the next clean value: the Wiener filter of a sine with a random phase.

    For ``amplitude * sin(frequency * t + phase)``, the phase uniform, plus white noise of standard
    deviation ``noise``, the values' covariances are known: ``amplitude**2 / 2 * cos(frequency * lag)``
    between two clean values, plus ``noise**2`` on the diagonal for the window's noisy ones. Of all the
    forecasts that are a fixed weighted sum of the window, the one with weights ``C⁻¹c`` (``C`` the
    window's covariance, ``c`` its covariance with the next value) has the smallest mean squared error.
    It knows the amplitude's size on average, which the sine fit (``forecast_sine_fit``) does not: it is
    the sine fit shrunk a little towards 0. A forecast that beats it is not linear in the window.

    Examples
    --------
    >>> step = 0.1
    >>> t = step * np.arange(21)
    >>> forecast = forecast_wiener([np.sin(t[:20] + 0.3)], frequency=1.0, step=step, noise=0.5)
    >>> round(float(forecast[0]), 3), round(float(np.sin(t[20] + 0.3)), 3)  # shrunk towards 0
    (0.707, 0.746)
    >>> forecast_wiener([np.sin(t[:20] + 0.3)], frequency=1.0, step=step, noise=0.0).round(3)  # exact
    array([0.746])
    """
    windows = check_windows("windows", windows)
    frequency = check_float("frequency", frequency, low=0, low_open=True)
    step = check_float("step", step, low=0, low_open=True)
    noise = check_float("noise", noise, low=0)
    amplitude = check_float("amplitude", amplitude, low=0, low_open=True)
    return windows @ _wiener_weights(windows.shape[1], frequency * step, noise, amplitude)


def _wiener_weights(n, phase_step, noise, amplitude):
    """``C⁻¹c`` for a window of ``n`` values and the value after it (see ``forecast_wiener``)."""
    lags = np.arange(n + 1)
    covariance = amplitude ** 2 / 2 * np.cos(phase_step * (lags[:, None] - lags[None, :]))
    return np.linalg.lstsq(covariance[:n, :n] + noise ** 2 * np.eye(n), covariance[:n, n], rcond=None)[0]
