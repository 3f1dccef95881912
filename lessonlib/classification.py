"""Telling sin(t) from sin(1.1 t): the lesson's classification data and its classical yardstick.

The network sees noisy windows of two sines of slightly different frequencies and must say which
one each window came from. When both frequencies are known, the classical test is a matched
filter: fit each candidate sine to the window by least squares (amplitude and phase free) and pick
the one that leaves the smaller residual, the likelihood-ratio test when amplitude and phase are
unknown. It is the yardstick a network is measured against; a network that learns the amplitude
(always 1 here) can match or slightly beat it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import check_float, check_frequencies, check_int, check_series, check_windows
from .windows import split_and_windowize


class TwoSines(NamedTuple):
    """The shared time axis and, for each class, the clean and the noisy series."""

    t: np.ndarray
    clean_a: np.ndarray
    noisy_a: np.ndarray
    clean_b: np.ndarray
    noisy_b: np.ndarray


class MatchedFilterResult(NamedTuple):
    """Predicted class (0 or 1) and the score behind it, one of each per window."""

    labels: np.ndarray
    scores: np.ndarray


def two_sines(n_points=500, *, t_max=90.0, frequencies=(1.0, 1.1), noise=0.5, seed=0, n_history=0):
    """The lesson's two noisy series: class 0 is ``sin(1.0 t)``, class 1 is ``sin(1.1 t)``.

    Parameters
    ----------
    n_points : int, default 500
        Number of samples, ``t = np.linspace(0, t_max, n_points)``; at least 2.
    t_max : float, default 90.0
        End of the time axis; positive.
    frequencies : pair of float, default (1.0, 1.1)
        Angular frequencies of class 0 (series a) and class 1 (series b); positive and different.
    noise : float, default 0.5
        Standard deviation of the Gaussian noise added to each series; 0 gives clean sines.
    seed : int, default 0
        Seed of ``np.random.default_rng``; series a's noise is drawn first, then series b's.
    n_history : int, default 0
        Extra samples recorded before t = 0, as in :func:`lessonlib.noisy_sine`: their noise comes
        from a separate random stream, so the last ``n_points`` values do not change.

    Returns
    -------
    TwoSines
        Named tuple ``(t, clean_a, noisy_a, clean_b, noisy_b)`` of arrays of length
        ``n_history + n_points``.

    Raises
    ------
    ValueError, TypeError
        For a too small ``n_points``, a non-positive ``t_max``, a negative ``noise`` or ``seed``,
        or ``frequencies`` that are not two different positive numbers.

    Examples
    --------
    >>> data = two_sines(seed=0)
    >>> data.t.shape, round(float(data.t[1]), 4)
    ((500,), 0.1804)
    >>> round(float(data.clean_b[10]), 4) == round(float(np.sin(1.1 * data.t[10])), 4)
    True
    >>> round(float(np.std(data.noisy_a - data.clean_a)), 2)
    0.51
    """
    n_points = check_int("n_points", n_points, low=2)
    t_max = check_float("t_max", t_max, low=0, low_open=True)
    frequencies = check_frequencies(frequencies)
    noise = check_float("noise", noise, low=0)
    seed = check_int("seed", seed, low=0)
    n_history = check_int("n_history", n_history, low=0)
    return _two_sines(n_points, t_max, frequencies, noise, seed, n_history)


def _two_sines(n_points, t_max, frequencies, noise, seed, n_history):
    t = np.linspace(0, t_max, n_points)
    t = np.concatenate([t[1] * np.arange(-n_history, 0), t])
    rng, earlier = np.random.default_rng(seed), np.random.default_rng([seed, 1])
    noise_a = np.concatenate([earlier.normal(0, noise, n_history), rng.normal(0, noise, n_points)])
    noise_b = np.concatenate([earlier.normal(0, noise, n_history), rng.normal(0, noise, n_points)])
    clean_a, clean_b = np.sin(frequencies[0] * t), np.sin(frequencies[1] * t)
    return TwoSines(t, clean_a, clean_a + noise_a, clean_b, clean_b + noise_b)


def windows_and_labels(series_a, series_b, window, fraction_test=0.3, *, n_history=0):
    """Windows of both series, split chronologically, with label 0 for series a and 1 for series b.

    Each series goes through :func:`lessonlib.windows.split_and_windowize` on its own (the values
    that follow the windows are not needed and are dropped); the training windows of a come first,
    then those of b, and likewise for the test windows. Nothing is shuffled here, exactly as in the
    original lesson, so the network's ``fit`` must shuffle (Keras's default ``shuffle=True`` does)
    or every batch would hold a single class.

    Parameters
    ----------
    series_a, series_b : array-like of shape (n,)
        The class-0 and class-1 series, finite; they may differ in length.
    window : int
        Length of each window; see :func:`~lessonlib.windows.split_and_windowize` for its range.
    fraction_test : float, default 0.3
        In (0, 1): share of each series kept for testing.
    n_history : int, default 0
        Leading values of each series that are extra history: they add training windows only,
        and the test windows are the same as without them.

    Returns
    -------
    x_train, x_test : ndarray of shape (n_windows, window, 1)
    y_train, y_test : ndarray of shape (n_windows,)
        Float labels: 0.0 for windows of series a, 1.0 for those of series b.

    Raises
    ------
    ValueError, TypeError
        If a series is not 1-D or not finite, or ``window`` / ``fraction_test`` is out of range.

    Examples
    --------
    >>> x_train, x_test, y_train, y_test = windows_and_labels(np.arange(20), -np.arange(20), 3)
    >>> x_train.shape, x_test.shape
    ((14, 3, 1), (14, 3, 1))
    >>> y_train
    array([0., 0., 0., 0., 0., 0., 0., 1., 1., 1., 1., 1., 1., 1.])
    >>> x_test[[0, 7], :, 0]
    array([[ 10.,  11.,  12.],
           [-10., -11., -12.]])
    """
    series_a = check_series("series_a", series_a)
    series_b = check_series("series_b", series_b)
    parts_a = split_and_windowize(series_a, window, fraction_test, n_history=n_history)
    parts_b = split_and_windowize(series_b, window, fraction_test, n_history=n_history)
    return _stack_classes(parts_a[:2], parts_b[:2])


def _stack_classes(parts_a, parts_b):
    x_train, x_test = (np.concatenate([a, b]) for a, b in zip(parts_a, parts_b, strict=True))
    y_train, y_test = (np.concatenate([np.zeros(len(a)), np.ones(len(b))])
                       for a, b in zip(parts_a, parts_b, strict=True))
    return x_train, x_test, y_train, y_test


def matched_filter_classify(windows, *, frequencies=(1.0, 1.1), step):
    """Classify each window by which known sine, with free amplitude and phase, fits it better.

    For each candidate angular frequency ``w_j`` the window is fitted by least squares with
    ``a sin(w_j t) + b cos(w_j t)``, ``t = step * arange(window)``, leaving a residual sum of
    squares ``RSS_j``. The score ``RSS_0 - RSS_1`` is ``2 sigma**2`` times the generalized
    log-likelihood ratio for white Gaussian noise of standard deviation ``sigma``: higher means
    more like class 1. Label 1 means ``score > 0``. Sweeping a threshold over the scores instead of
    0 traces the ROC curve (see :func:`lessonlib.metrics.roc_auc`). Least squares is linear, so each
    fit is a fixed projection: all windows are scored with two matrix products, no loop.

    Parameters
    ----------
    windows : array-like of shape (n_windows, window) or (n_windows, window, 1)
        Finite values, ``window >= 2``; e.g. ``x_test`` from :func:`windows_and_labels`.
    frequencies : pair of float, default (1.0, 1.1)
        Angular frequencies of class 0 and class 1; positive and different.
    step : float
        Time between two samples (``t[1] - t[0]`` of the series); positive.

    Returns
    -------
    MatchedFilterResult
        Named tuple ``(labels, scores)``: int array of 0/1 and float array, one per window.

    Raises
    ------
    ValueError, TypeError
        For badly shaped or non-finite ``windows``, a non-positive ``step``, or ``frequencies``
        that are not two different positive numbers.

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
    scores = _matched_filter_scores(windows, frequencies, step)
    return MatchedFilterResult((scores > 0).astype(int), scores)


def _matched_filter_scores(windows, frequencies, step):
    """RSS_0 - RSS_1 = |Q_1^T x|^2 - |Q_0^T x|^2, with Q_j an orthonormal basis of sine j's span."""
    t = step * np.arange(windows.shape[1])
    fitted = []
    for w in frequencies:
        basis, _ = np.linalg.qr(np.column_stack([np.sin(w * t), np.cos(w * t)]))
        fitted.append(np.sum((windows @ basis) ** 2, axis=1))
    return fitted[1] - fitted[0]

