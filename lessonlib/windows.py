"""Windowing a series into (inputs, next value) pairs, the chronological train/test split (of one series,
or of two classes with their labels), and regrouping windows to several values per step."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validation import check_divisor, check_float, check_int, check_series, check_windows


def windowize(series, window):
    """Every run of ``window`` consecutive values as an input, and the value right after it as target.

    Returns
    -------
    X : ndarray of shape (n - window, window, 1)
        ``X[i]`` holds ``series[i : i + window]``; the trailing axis of size 1 is the single feature
        that Keras's recurrent layers expect.
    y : ndarray of shape (n - window,)
        ``y[i] = series[i + window]``, the value that follows window ``i``.

    Examples
    --------
    >>> X, y = windowize(np.arange(6), window=3)
    >>> X.shape, y.shape
    ((3, 3, 1), (3,))
    >>> X[:, :, 0]
    array([[0., 1., 2.],
           [1., 2., 3.],
           [2., 3., 4.]])
    >>> y
    array([3., 4., 5.])
    """
    series = check_series("series", series)
    window = check_int("window", window, low=1, high=len(series) - 1, extra=f" with len(series)={len(series)}")
    return _windowize(series, window)


def _windowize(series, window):
    X = sliding_window_view(series[:-1], window)  # a read-only view of the series, hence the copy
    return X[:, :, None].copy(), series[window:].copy()


def split_and_windowize(series, window, fraction_test=0.3, *, n_history=0):
    """Cut ``series`` in two chronologically, then windowize each part on its own.

    The cut falls at ``n_train = m - int(fraction_test * m)`` with ``m = len(series) - 2 * window``
    (the original lesson's rule). Training windows come from ``series[:n_train]`` and test windows
    from ``series[n_train:]``, so every test input and target lies after every training target:
    the model is scored on a stretch of the series it never saw, as it would be in use.

    What it throws away: the ``window`` targets just after the cut. Their windows would straddle
    the cut, mixing training values into test inputs. In forecasting that would even be
    legitimate (the past is known), but keeping the two sets fully apart makes the test score
    easy to trust, and costs only ``window`` of the ``len(series) - window`` possible windows.

    Parameters
    ----------
    fraction_test : float, default 0.3
        In (0, 1); a larger value moves the cut earlier.
    n_history : int, default 0
        Leading values that are extra history (see ``noisy_sine(n_history=...)``). The cut is placed
        as if they were absent and they only add training windows, so the test windows are the
        same with or without them.

    Examples
    --------
    >>> x_train, x_test, y_train, y_test = split_and_windowize(np.arange(20), 3)
    >>> x_train.shape, x_test.shape
    ((7, 3, 1), (7, 3, 1))
    >>> int(y_train[-1]), int(x_test[0, 0, 0]), int(y_test[0])
    (9, 10, 13)

    Values 10, 11 and 12 are never a target: they would be predicted by windows that straddle
    the cut between 9 and 10. With 100 values of history in front, the test windows stay the same:

    >>> longer = np.concatenate([np.arange(-100, 0), np.arange(20)])
    >>> x_train, x_test, y_train, y_test = split_and_windowize(longer, 3, n_history=100)
    >>> x_train.shape, int(y_train[-1]), int(y_test[0])
    ((107, 3, 1), 9, 13)
    """
    series = check_series("series", series)
    fraction_test = check_float("fraction_test", fraction_test, low=0, high=1, low_open=True, high_open=True)
    n_history = check_int("n_history", n_history, low=0, high=len(series) - 2, extra=f" with len(series)={len(series)}")
    recent = len(series) - n_history
    longest = next((w for w in range(recent - 1, 0, -1) if _cut_index(recent, w, fraction_test) - w >= 1), 0)
    window = check_int("window", window, low=1, high=longest, extra=f" with {recent} values (after any history) "
                       f"and fraction_test={fraction_test}: a longer one leaves no training window")
    n_train = _cut_index(recent, window, fraction_test)
    x_train, y_train = _windowize(series[:n_history + n_train], window)
    x_test, y_test = _windowize(series[n_history + n_train:], window)
    return x_train, x_test, y_train, y_test


def _cut_index(n, window, fraction_test):
    usable = n - 2 * window
    return usable - int(fraction_test * usable)


def stack_steps(windows, per_step):
    """Regroup each window so that a recurrent network reads ``per_step`` consecutive values per step.

    A recurrent layer runs its steps one after another, so on a CPU its cost grows with the number of
    steps far more than with the values read at each step. Regrouping a window of 50 values as 10
    steps of 5 keeps every value and its order, but shortens the loop (and the path a gradient must
    travel back through it) fivefold. ``windows`` has shape (n, window) or (n, window, 1), and
    ``per_step`` must divide ``window``.

    Returns
    -------
    ndarray of shape (n, window // per_step, per_step)
        Step ``j`` of window ``i`` holds ``windows[i, j * per_step : (j + 1) * per_step]``.

    Examples
    --------
    >>> stack_steps(np.arange(10.0).reshape(1, 10), per_step=5)
    array([[[0., 1., 2., 3., 4.],
            [5., 6., 7., 8., 9.]]])
    """
    windows = check_windows("windows", windows)
    n, window = windows.shape
    per_step = check_divisor("per_step", per_step, window)
    return windows.reshape(n, window // per_step, per_step)


def windows_and_labels(series_a, series_b, window, fraction_test=0.3, *, n_history=0):
    """Windows of both series, split chronologically, with float label 0.0 for series a and 1.0 for series b.

    Each series goes through :func:`split_and_windowize` on its own (the values that follow the
    windows are not needed and are dropped); the training windows of a come first,
    then those of b, and likewise for the test windows. Nothing is shuffled here, exactly as in the
    original lesson, so the network's ``fit`` must shuffle (Keras's default ``shuffle=True`` does)
    or every batch would hold a single class. The two series may differ in length; ``window``,
    ``fraction_test`` and ``n_history`` are as in :func:`split_and_windowize`.

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
    x_train, x_test = (np.concatenate([a, b]) for a, b in zip(parts_a[:2], parts_b[:2], strict=True))
    y_train, y_test = (np.concatenate([np.zeros(len(a)), np.ones(len(b))])
                       for a, b in zip(parts_a[:2], parts_b[:2], strict=True))
    return x_train, x_test, y_train, y_test

