"""Argument checks shared by every public lessonlib function.

Each check raises a ``ValueError`` or ``TypeError`` in one pattern (the one Keras uses):
"`name` must be <what is allowed>. Received: name=<value>." so that a student sees which
argument is wrong, what would be right, and what was passed.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_int(name, value, *, low=None, high=None, extra=""):
    """Return ``value`` as an int, or raise if it is not an integer in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer. Received: {name}={value!r} "
                        f"of type {type(value).__name__}.")
    return int(_check_range(name, value, low, high, extra))


def check_float(name, value, *, low=None, high=None, low_open=False, high_open=False, extra=""):
    """Return ``value`` as a float, or raise if it is not a finite number in the range.

    ``low_open``/``high_open`` exclude the end points, e.g. ``fraction_test`` in (0, 1).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a number. Received: {name}={value!r} "
                        f"of type {type(value).__name__}.")
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be a finite number. Received: {name}={value!r}.")
    return float(_check_range(name, value, low, high, extra, low_open, high_open))


def _check_range(name, value, low, high, extra, low_open=False, high_open=False):
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"`{name}` must be {_describe_range(low, high, low_open, high_open)}. "
                         f"Received: {name}={value!r}{extra}.")
    return value


def _describe_range(low, high, low_open, high_open):
    if low is not None and high is not None:
        if low_open or high_open:
            left, right = "(" if low_open else "[", ")" if high_open else "]"
            return f"in {left}{low}, {high}{right}"
        return f"between {low} and {high}"
    if low is not None:
        return f"greater than {low}" if low_open else f"at least {low}"
    return f"less than {high}" if high_open else f"at most {high}"


def check_choice(name, value, choices):
    """Return ``value`` if it is one of ``choices``, else raise a ValueError listing them."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"`{name}` must be one of {allowed}. Received: {name}={value!r}.")
    return value


def check_series(name, series, *, min_length=2):
    """Return ``series`` as a finite 1-D float array of at least ``min_length`` values."""
    try:
        array = np.asarray(series, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"`{name}` must be a 1-D array of numbers. "
                        f"Received an object of type {type(series).__name__}.") from error
    if array.ndim != 1:
        raise ValueError(f"`{name}` must be 1-D (one value per time step). Received: "
                         f"{name} with shape {array.shape}. Flatten it first, e.g. "
                         f"`{name}.ravel()` or `{name}[:, 0]`.")
    if len(array) < min_length:
        raise ValueError(f"`{name}` must hold at least {min_length} values. "
                         f"Received: len({name})={len(array)}.")
    _check_finite(name, array)
    return array


def check_windows(name, windows):
    """Return ``windows`` as a finite float array of shape (n, window) or (n, window, 1)."""
    array = np.asarray(windows, dtype=float)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] < 2:
        raise ValueError(f"`{name}` must have shape (n_windows, window) or (n_windows, window, 1) "
                         f"with n_windows >= 1 and window >= 2. Received: {name} with shape "
                         f"{np.shape(windows)}.")
    _check_finite(name, array)
    return array


def check_same_length(name_a, a, name_b, b):
    """Raise a ValueError unless ``a`` and ``b`` have the same length."""
    if len(a) != len(b):
        raise ValueError(f"`{name_a}` and `{name_b}` must have the same length. "
                         f"Received: len({name_a})={len(a)}, len({name_b})={len(b)}.")


def _check_finite(name, array):
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        index = first[0] if len(first) == 1 else first
        raise ValueError(f"`{name}` must not contain NaN or infinite values. Received "
                         f"{int(bad.sum())} such value(s), the first at index {index}.")
