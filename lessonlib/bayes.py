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

Both weigh a fine, even grid of phases, so they are exact to rounding: the integrand is smooth and
periodic, where the trapezoid rule converges faster than any power of the grid spacing, and the grid
grows with the data's signal-to-noise ratio so that even a very sharp posterior is resolved.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_float, check_frequencies, check_windows
from .signals import FREQUENCIES

_MIN_PHASES = 720
_MAX_PHASES = 2**16  # resolves every posterior down to noise ~ 1e-3 for windows of 50 samples
_BLOCK = 2**21  # grid values held at once (16 MB), whatever the number of windows


def forecast_bayes(windows, *, step, noise, frequency=1.0, amplitude=1.0):
    """Posterior-mean forecast of the next clean value, with only the phase of the sine unknown.

    Each window is taken to be ``amplitude * sin(frequency * t + phase)`` plus white Gaussian noise
    of standard deviation ``noise``, with ``t = step * arange(window)`` and ``phase`` uniform on
    [0, 2 pi). The forecast is the average of ``amplitude * sin(frequency * (t[-1] + step) + phase)``
    over the phase's posterior, computed on an even grid of at least 720 phases with log-sum-exp
    weights. It minimises the expected squared error against the next clean value.

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

    Returns
    -------
    ndarray of shape (n_windows,)
        One forecast per window, one ``step`` after its last sample.

    Raises
    ------
    ValueError, TypeError
        For badly shaped or non-finite ``windows``, or a ``step``, ``noise``, ``frequency`` or
        ``amplitude`` that is not a positive finite number.

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
    """
    windows = check_windows("windows", windows)
    step = check_float("step", step, low=0, low_open=True)
    noise = check_float("noise", noise, low=0, low_open=True)
    frequency = check_float("frequency", frequency, low=0, low_open=True)
    amplitude = check_float("amplitude", amplitude, low=0, low_open=True)
    return _forecast_bayes(windows, step, noise, frequency, amplitude)


def _forecast_bayes(windows, step, noise, frequency, amplitude):
    t = step * np.arange(windows.shape[1])
    phases = _phase_grid(windows, t, noise, frequency, amplitude)
    next_values = amplitude * np.sin(frequency * (t[-1] + step) + phases)
    forecasts = []
    for log_likelihood in _log_likelihood_blocks(windows, t, noise, frequency, amplitude, phases):
        weights = np.exp(log_likelihood - log_likelihood.max(axis=1, keepdims=True))
        forecasts.append(weights @ next_values / weights.sum(axis=1))
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

