"""The best possible forecast and classifier when everything about the sine but its phase is known.

A window is ``amplitude * sin(frequency * t + phase) + noise`` with ``t = step * arange(window)``,
Gaussian noise of known standard deviation, known amplitude and frequency, and a phase that could be
anything (uniform on [0, 2 pi)). Bayes' rule then says exactly what to believe about the phase after
seeing the window: each candidate phase is weighted by how well its sine explains the window,
``exp(-|window - candidate|**2 / (2 noise**2))``. Averaging over those weights gives

* :func:`forecast_bayes`: the posterior-mean forecast of the next clean value, the forecast with the
  smallest mean squared error of any rule that sees the window (the least-squares sine fit is only
  best when the amplitude is unknown too);
* :func:`classify_bayes`: the probability that the window came from the second of two frequencies,
  the classifier with the highest accuracy of any (the matched filter, or GLRT, fits the amplitude
  too and is slightly worse).
* :func:`estimate_frequency_bayes`: lesson 3's posterior-mean estimate of a sine's frequency, with the
  frequency uniform on a range and the phase unknown: the estimate with the smallest mean squared
  error of any, averaged over that prior.

All three weigh a fine, even grid of phases, so they are exact to rounding: the integrand is smooth and
periodic, where the trapezoid rule converges faster than any power of the grid spacing, and the grid
grows with the data's signal-to-noise ratio so that even a very sharp posterior is resolved. The
frequency estimate also weighs an even grid of frequencies, at least 4,001 and finer than a tenth of
the posterior's width.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    check_float,
    check_freq_range,
    check_frequencies,
    check_increasing,
    check_int,
    check_same_length,
    check_series,
    check_signals,
    check_windows,
)
from .signals import FREQ_RANGE, FREQUENCIES

_MIN_PHASES = 720
_MAX_PHASES = 2**16  # resolves every posterior down to noise ~ 1e-3 for windows of 50 samples
_BLOCK = 2**21  # grid values held at once (16 MB), whatever the number of windows
_MIN_FREQUENCIES = 4001
_MAX_FREQUENCIES = 2**17
_NEGLIGIBLE = 36.0  # log-weights this far below a sequence's peak (e**-36 = 2e-16) are left out


def forecast_bayes(windows, *, step, noise, frequency=1.0, amplitude=1.0, horizon=1):
    """Posterior-mean forecast of the next clean value (or the one ``horizon`` steps ahead), with only
    the phase of the sine unknown.

    Each window is taken to be ``amplitude * sin(frequency * t + phase)`` plus white Gaussian noise
    of standard deviation ``noise``, with ``t = step * arange(window)`` and ``phase`` uniform on
    [0, 2 pi). The forecast is the average of ``amplitude * sin(frequency * (t[-1] + step) + phase)``
    over the phase's posterior, computed on an even grid of at least 720 phases with log-sum-exp
    weights. It minimises the expected squared error against the next clean value. With ``horizon``
    it forecasts ``amplitude * sin(frequency * (t[-1] + horizon * step) + phase)`` instead, the clean
    value ``horizon`` steps after the window's last sample: the best ``horizon``-step forecast.

    Parameters
    ----------
    windows : array-like of shape (n_windows, window) or (n_windows, window, 1)
        Finite values, ``window >= 2``; the last value of each window is the latest.
    step : float
        Time between two samples; positive.
    noise : float
        Standard deviation of the Gaussian noise; positive.
    frequency : float, default 1.0
        Angular frequency of the sine; positive.
    amplitude : float, default 1.0
        Amplitude of the sine; positive.
    horizon : int or sequence of int, default 1
        How many steps after the window's last sample to forecast, at least 1; a sequence of them
        gives one column per horizon (the phase's posterior is computed once for all).

    Returns
    -------
    ndarray of shape (n_windows,), or (n_windows, len(horizon)) for a sequence of horizons
        One forecast per window, ``horizon`` steps after its last sample.

    Raises
    ------
    ValueError, TypeError
        For badly shaped or non-finite ``windows``, a ``step``, ``noise``, ``frequency`` or
        ``amplitude`` that is not a positive finite number, or a ``horizon`` below 1.

    Notes
    -----
    The grid has ``9 * sqrt(curvature)`` phases (at least 720) where ``curvature`` bounds how sharply
    the log-posterior peaks, at most 65,536: below a noise of about 1e-3 (windows of 50) the grid
    spacing, 1e-4 radian, is what limits the precision.

    Examples
    --------
    A clean window with little noise: the forecast is the sine's next value.

    >>> t = 0.2 * np.arange(31)
    >>> window = np.sin(t[:30] + 1.0)
    >>> forecast_bayes([window], step=0.2, noise=0.01).round(4)
    array([0.657])
    >>> round(float(np.sin(t[30] + 1.0)), 4)
    0.657

    With much noise and a short window the phase is uncertain: the average over plausible phases
    is pulled towards 0.

    >>> forecast_bayes([window[-3:]], step=0.2, noise=2.0).round(4)
    array([0.0989])

    Several steps ahead: 1 and 10 steps after the window's last sample, ``t = 0.2 * 29``:

    >>> forecast_bayes([window], step=0.2, noise=0.01, horizon=[1, 10]).round(4)
    array([[0.657 , 0.5849]])
    >>> round(float(np.sin(0.2 * (29 + 10) + 1.0)), 4)
    0.5849
    """
    windows = check_windows("windows", windows)
    step = check_float("step", step, low=0, low_open=True)
    noise = check_float("noise", noise, low=0, low_open=True)
    frequency = check_float("frequency", frequency, low=0, low_open=True)
    amplitude = check_float("amplitude", amplitude, low=0, low_open=True)
    horizons = [check_int("horizon", h, low=1) for h in np.ravel(horizon)] if np.ndim(horizon) else None
    forecasts = _forecast_bayes(windows, step, noise, frequency, amplitude,
                                [check_int("horizon", horizon, low=1)] if horizons is None else horizons)
    return forecasts[:, 0] if horizons is None else forecasts


def _forecast_bayes(windows, step, noise, frequency, amplitude, horizons):
    t = step * np.arange(windows.shape[1])
    phases = _phase_grid(windows, t, noise, frequency, amplitude)
    future = amplitude * np.sin(frequency * (t[-1] + step * np.asarray(horizons))[None, :] + phases[:, None])
    forecasts = []
    for log_likelihood in _log_likelihood_blocks(windows, t, noise, frequency, amplitude, phases):
        weights = np.exp(log_likelihood - log_likelihood.max(axis=1, keepdims=True))
        forecasts.append(weights @ future / weights.sum(axis=1, keepdims=True))
    return np.concatenate(forecasts)


def classify_bayes(windows, *, step, noise, frequencies=FREQUENCIES, amplitude=1.0):
    """Probability that each window is the sine of ``frequencies[1]`` rather than ``frequencies[0]``.

    Each class is ``amplitude * sin(frequency * t + phase)`` plus white Gaussian noise of standard
    deviation ``noise``, ``t = step * arange(window)``, with the phase unknown and uniform on
    [0, 2 pi). The likelihood of each class averages over the phase (on an even grid of at least
    720 phases, in logarithms), and Bayes' rule with equal priors turns the two likelihoods into a
    probability. Labelling ``p > 0.5`` as class 1 gives the most accurate classifier possible.

    Parameters
    ----------
    windows : array-like of shape (n_windows, window) or (n_windows, window, 1)
        Finite values, ``window >= 2``.
    step : float
        Time between two samples; positive.
    noise : float
        Standard deviation of the Gaussian noise; positive.
    frequencies : pair of float, default (1.0, 1.1)
        Angular frequencies of class 0 and class 1; positive and different.
    amplitude : float, default 1.0
        Amplitude of both sines; positive.

    Returns
    -------
    ndarray of shape (n_windows,)
        Probabilities of class 1, in [0, 1] (exactly 0 or 1 when the evidence is overwhelming).

    Raises
    ------
    ValueError, TypeError
        For badly shaped or non-finite ``windows``, a ``step``, ``noise`` or ``amplitude`` that is
        not a positive finite number, or ``frequencies`` that are not two different positive numbers.

    Examples
    --------
    >>> t = 0.2 * np.arange(40)
    >>> windows = [np.sin(1.0 * t + 0.5), np.sin(1.1 * t + 2.0)]
    >>> p = classify_bayes(windows, step=0.2, noise=0.5)
    >>> p.round(3)
    array([0.156, 0.936])
    >>> (p > 0.5).astype(int)
    array([0, 1])
    """
    windows = check_windows("windows", windows)
    step = check_float("step", step, low=0, low_open=True)
    noise = check_float("noise", noise, low=0, low_open=True)
    frequencies = check_frequencies(frequencies)
    amplitude = check_float("amplitude", amplitude, low=0, low_open=True)
    return _classify_bayes(windows, step, noise, frequencies, amplitude)


def _classify_bayes(windows, step, noise, frequencies, amplitude):
    t = step * np.arange(windows.shape[1])
    log_evidence = []
    for frequency in frequencies:
        phases = _phase_grid(windows, t, noise, frequency, amplitude)
        blocks = _log_likelihood_blocks(windows, t, noise, frequency, amplitude, phases)
        log_evidence.append(np.concatenate([_log_mean_exp(block) for block in blocks]))
    log_odds = log_evidence[1] - log_evidence[0]
    return np.exp(-np.logaddexp(0.0, -log_odds))  # 1 / (1 + exp(-log_odds)), without overflow


def _phase_grid(windows, t, noise, frequency, amplitude):
    """Even phases on [0, 2 pi), spaced under 0.7 of the sharpest posterior's width.

    The log-likelihood in the phase is ``a cos + b sin`` of the phase plus the same of twice the
    phase; its curvature is at most ``|a, b| + 4 |c, d|``, and the posterior's width about
    ``1 / sqrt(curvature)``. At that spacing the trapezoid rule's relative error is ``exp(-40)``.
    """
    linear = np.abs(windows @ np.exp(1j * frequency * t)).max()
    quadratic = amplitude * np.abs(np.exp(2j * frequency * t).sum())
    curvature = amplitude * (linear + quadratic) / noise**2
    n_phases = int(np.clip(np.ceil(9 * np.sqrt(curvature)), _MIN_PHASES, _MAX_PHASES))
    return 2 * np.pi * np.arange(n_phases) / n_phases


def _log_likelihood_blocks(windows, t, noise, frequency, amplitude, phases):
    """Yield log p(window | phase), up to a constant per window, for blocks of windows x all phases.

    ``-|x - A s|**2 / (2 noise**2)`` with ``s = sin(frequency t + phase)``; the ``|x|**2`` term is
    the same for every phase (and class) and is dropped. ``x . s`` needs only two dot products per
    window, as ``sin(wt + phase) = sin(wt) cos(phase) + cos(wt) sin(phase)``, and
    ``|s|**2 = sum(1 - cos(2 wt + 2 phase)) / 2`` one sum for all phases.
    """
    energy = (len(t) - np.real(np.exp(2j * phases) * np.exp(2j * frequency * t).sum())) / 2
    rotate = np.vstack([np.cos(phases), np.sin(phases)])
    projections = windows @ np.column_stack([np.sin(frequency * t), np.cos(frequency * t)])
    rows = max(1, _BLOCK // len(phases))
    for start in range(0, len(windows), rows):
        cross = projections[start:start + rows] @ rotate
        yield (amplitude * cross - 0.5 * amplitude**2 * energy) / noise**2


def _log_mean_exp(values):
    """log(mean(exp(values))) along each row, without overflow: the log of the phase average."""
    peak = values.max(axis=1)
    return peak + np.log(np.exp(values - peak[:, None]).mean(axis=1))



def estimate_frequency_bayes(signals, t, *, noise, freq_range=FREQ_RANGE, amplitude=1.0):
    r"""Posterior-mean estimate of each row's angular frequency, with the phase unknown.

    Each row is taken to be ``amplitude * sin(frequency * t + phase)`` plus white Gaussian noise of
    standard deviation ``noise``, with the frequency uniform on ``freq_range`` and the phase uniform
    on [0, 2 pi), independently: lesson 3's sequences. The estimate is the mean of the frequency's
    posterior, the phase integrated out,

    .. math:: \hat f = \frac{\int f\,L(f)\,df}{\int L(f)\,df}, \qquad
              L(f) = \frac{1}{2\pi}\int_0^{2\pi} e^{-\lVert x - A \sin(f t + \varphi)\rVert^2 / 2\sigma^2}\,d\varphi,

    and no estimate has a smaller mean squared error averaged over that prior (the least-squares
    estimate, ``estimate_frequency``, does not know the amplitude, the noise level or the prior). Both
    integrals are sums over even grids: frequencies with the trapezoid rule, at least 4,001 of them
    and spaced under a tenth of the posterior's width; phases around the circle, at least 32 and
    enough to resolve the sharpest phase posterior. Grid points whose weight is provably below
    ``e**-36`` of a sequence's peak (from ``I0(r) e**-r`` bounds on the phase integral) are skipped,
    which is what makes it fast: the posterior is narrow, and most frequencies are never weighed.

    Parameters
    ----------
    signals : array-like of shape (n_sequences, n_points) or (n_sequences, n_points, 1)
        One finite sequence per row.
    t : array-like of shape (n_points,)
        Sample times, strictly increasing, shared by all rows; ``n_points >= 2``.
    noise : float
        Standard deviation of the Gaussian noise; positive.
    freq_range : pair of float, default (1.0, 5.0)
        ``(low, high)`` with ``0 < low < high``: the prior's range; the estimates stay inside it.
    amplitude : float, default 1.0
        Amplitude of the sine; positive.

    Returns
    -------
    ndarray of shape (n_sequences,)
        Posterior-mean angular frequencies, in ``[low, high]``.

    Raises
    ------
    ValueError, TypeError
        If ``signals`` is not 2-D or not finite, ``t`` is not 1-D, increasing and as long as a row,
        ``noise`` or ``amplitude`` is not a positive finite number, or ``freq_range`` is not
        ``(low, high)`` with ``0 < low < high``.

    Notes
    -----
    Memory stays bounded (about 16 MB of grid values at once) whatever the number of rows. The
    frequency grid is capped at 131,073 points, which limits the precision only below a noise of about
    1e-3 (50 samples over 10 time units). Frequencies above the Nyquist limit ``pi / (t[1] - t[0])``
    alias, as for any estimator.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = np.linspace(0, 10, 50)
    >>> signals = np.sin(np.outer([1.7, 3.25], t) + [[0.4], [2.0]]) + rng.normal(0, 0.3, (2, 50))
    >>> estimate_frequency_bayes(signals, t, noise=0.3).round(2)
    array([1.71, 3.24])

    With much noise the data say little, and the estimate is pulled towards the prior's middle, 3:

    >>> estimate_frequency_bayes(signals[:1], t, noise=5.0).round(2)
    array([2.59])
    """
    signals = check_signals("signals", signals)
    t = check_series("t", t, min_length=2)
    check_same_length("t", t, "each row of signals", signals[0])
    check_increasing("t", t)
    noise = check_float("noise", noise, low=0, low_open=True)
    freq_range = check_freq_range(freq_range)
    amplitude = check_float("amplitude", amplitude, low=0, low_open=True)
    return _estimate_frequency_bayes(signals, t, noise, freq_range, amplitude)


def _estimate_frequency_bayes(signals, t, noise, freq_range, amplitude):
    """The posterior means, for blocks of rows x every grid frequency (at most ``_BLOCK`` values).

    With ``a, b = A x . (sin ft, cos ft) / sigma**2``, ``r1 = |a, b|`` and ``theta = atan2(b, a)``, the
    log-likelihood is, up to a constant per row, ``r1 cos(phase - theta) + r2 cos(2 phase + arg z)``,
    where ``z = A**2 / (4 sigma**2) sum exp(2i f t)`` and ``r2 = |z|`` come from ``|sin|**2``. The phase
    integral of its exponential lies within a factor ``e**r2`` of ``2 pi I0(r1)``, and
    ``r1 - log(1 + 2 pi r1) / 2 <= log I0(r1) <= r1``: so a frequency whose ``r1 + r2`` is more than
    ``_NEGLIGIBLE`` below the row's largest ``r1 - r2``, less that slack, cannot matter, and only the
    others are integrated over the phase.
    """
    grid = _frequency_grid(t, noise, freq_range, amplitude)
    log_spacing = np.full(len(grid), np.log(grid[1] - grid[0]))
    log_spacing[[0, -1]] -= np.log(2)  # the trapezoid rule's half weights at the ends
    projections, z = _frequency_projections(t, grid, amplitude / noise**2, amplitude**2 / (4 * noise**2))
    r2, arg_z = np.abs(z), np.angle(z)
    rows = max(1, _BLOCK // (2 * len(grid)))
    means = []
    for start in range(0, len(signals), rows):
        ab = projections(signals[start:start + rows])
        a, b = ab[:, :len(grid)], ab[:, len(grid):]
        r1 = np.sqrt(a * a + b * b)
        slack = 0.5 * np.log1p(2 * np.pi * r1.max(axis=1, keepdims=True))
        matters = r1 + r2 >= (r1 - r2).max(axis=1, keepdims=True) - slack - _NEGLIGIBLE
        row, column = np.nonzero(matters)
        log_weight = np.full(matters.shape, -np.inf)
        log_weight[row, column] = (_log_phase_integral(r1[row, column], r2[column],
                                                       2 * np.arctan2(b[row, column], a[row, column])
                                                       + arg_z[column])
                                   + log_spacing[column])
        weight = np.exp(log_weight - log_weight.max(axis=1, keepdims=True))
        means.append(weight @ grid / weight.sum(axis=1))
    return np.clip(np.concatenate(means), *freq_range)


def _frequency_grid(t, noise, freq_range, amplitude):
    """Even frequencies on ``freq_range``: at least 4,001, spaced under a tenth of the posterior's width.

    The width is the Fisher information's, ``noise / (amplitude * sqrt(sum((t - mean t)**2) / 2))``,
    the Cramér-Rao bound for these sample times (0.0204 for lesson 3's).
    """
    low, high = freq_range
    width = noise / (amplitude * np.sqrt(0.5 * np.sum((t - t.mean()) ** 2)))
    n_intervals = max(_MIN_FREQUENCIES - 1, np.ceil(10 * (high - low) / width))
    return np.linspace(low, high, int(min(n_intervals, _MAX_FREQUENCIES - 1)) + 1)


def _frequency_projections(t, grid, scale, z_scale):
    """``z`` on the grid, and a function giving ``scale * x @ [sin(f t), cos(f t)]`` for every ``f``.

    The sines and cosines are kept when they take at most four blocks of memory, else remade per call.
    """
    columns = max(1, _BLOCK // (2 * len(t)))
    chunks = [grid[start:start + columns] for start in range(0, len(grid), columns)]

    def basis(chunk):
        angle = np.multiply.outer(t, chunk)
        return scale * np.hstack([np.sin(angle), np.cos(angle)])

    z = z_scale * np.concatenate([np.exp(2j * np.multiply.outer(chunk, t)).sum(axis=1) for chunk in chunks])
    kept = [basis(chunk) for chunk in chunks] if 2 * len(t) * len(grid) <= 4 * _BLOCK else None

    def projections(x):
        parts = [x @ (kept[i] if kept is not None else basis(chunk)) for i, chunk in enumerate(chunks)]
        n = [len(chunk) for chunk in chunks]
        sines = np.hstack([part[:, :k] for part, k in zip(parts, n, strict=True)])
        cosines = np.hstack([part[:, k:] for part, k in zip(parts, n, strict=True)])
        return np.hstack([sines, cosines])

    return projections, z


def _log_phase_integral(r1, r2, delta):
    """``log(mean over phases of exp(r1 cos(psi) + r2 cos(2 psi + delta)))`` per entry, by the trapezoid
    rule on an even grid of phases measured from each entry's ``theta`` (any shift of an even grid is
    as exact), less ``r1``... then added back.

    Phases where ``r1 (1 - cos psi) > 2 r2 + _NEGLIGIBLE`` lie below ``e**-_NEGLIGIBLE`` of the value at
    ``psi = 0`` and are left out; the rest number ``7 sqrt(r1 + 4 r2)`` at least (relative error about
    ``e**-24``, smooth in the frequency).
    """
    n_phases = int(np.clip(np.ceil(7 * np.sqrt((r1 + 4 * r2).max())), 32, _MAX_PHASES))
    reach = min(2.0, (2 * r2.max() + _NEGLIGIBLE) / max(r1.min(), 1e-300))
    psi = 2 * np.pi * np.arange(n_phases) / n_phases
    psi = np.where(psi > np.pi, psi - 2 * np.pi, psi)
    psi = psi[1 - np.cos(psi) <= reach]
    trig = np.vstack([np.cos(psi) - 1, np.cos(2 * psi), -np.sin(2 * psi)])
    coefficients = np.column_stack([r1, r2 * np.cos(delta), r2 * np.sin(delta)])
    sums = np.empty(len(r1))
    rows = max(1, _BLOCK // len(psi))
    for start in range(0, len(r1), rows):
        values = coefficients[start:start + rows] @ trig  # at most r2: no overflow
        sums[start:start + rows] = np.exp(values, out=values).sum(axis=1)
    return r1 + np.log(sums / n_phases)
