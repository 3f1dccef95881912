"""Classical one-step forecasts to measure the networks against, and the best possible one.

Every forecast here takes windows shaped like ``windowize``'s ``X`` and returns one prediction per
window, so networks and baselines are scored on exactly the same test windows.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_float, check_int, check_same_length, check_same_steps, check_series, check_windows


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
    k = check_int("k", k, low=1, high=windows.shape[1],
                  extra=f" with a window of {windows.shape[1]} steps")
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
    x_train = check_windows("x_train", x_train)
    y_train = check_series("y_train", y_train, min_length=1)
    check_same_length("x_train", x_train, "y_train", y_train)
    windows = check_windows("windows", windows)
    check_same_steps("windows", windows, "x_train", x_train)
    design = np.column_stack([x_train, np.ones(len(x_train))])
    coef, *_ = np.linalg.lstsq(design, y_train, rcond=None)
    return windows @ coef[:-1] + coef[-1]


def forecast_sine_fit(windows, *, frequency, step):
    """The best one-step forecast from a single window when the signal's frequency is known.

    Fits ``a sin(frequency t) + b cos(frequency t)`` to the window by least squares and
    extrapolates it one ``step`` ahead. For a sine in white Gaussian noise this is the
    maximum-likelihood forecast: no model that sees only the window can do better on average,
    so its error is the bound the lessons compare every network with.

    Parameters
    ----------
    windows : array-like of shape (n_windows, window) or (n_windows, window, 1)
    frequency : float
        Angular frequency of the signal, ``sin(frequency * t)``; must be positive.
    step : float
        Time between two samples; must be positive.

    Examples
    --------
    >>> t = 0.1 * np.arange(11)
    >>> forecast_sine_fit([np.sin(2.0 * t[:10] + 0.3)], frequency=2.0, step=0.1).round(6)
    array([0.745705])
    >>> round(float(np.sin(2.0 * t[10] + 0.3)), 6)
    0.745705
    """
    windows = check_windows("windows", windows)
    frequency = check_float("frequency", frequency, low=0, low_open=True)
    step = check_float("step", step, low=0, low_open=True)
    return windows @ _sine_fit_weights(windows.shape[1], frequency, step)


def _sine_fit_weights(window, frequency, step):
    """The linear filter that maps a window to its sine-fit forecast (least squares is linear)."""
    phase = frequency * step * np.arange(window + 1)
    basis = np.column_stack([np.sin(phase), np.cos(phase)])
    return basis[-1] @ np.linalg.pinv(basis[:-1])

