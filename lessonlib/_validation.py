"""The argument checks of every public lessonlib function: every check lives here, none elsewhere.

Each check raises a ``ValueError`` or ``TypeError`` in one pattern (the one Keras uses):
"`name` must be <what is allowed>. Received: name=<value>." so that a student sees which
argument is wrong, what would be right, and what was passed. The module is private (its name
starts with ``_``); its checks are public within the package, so other modules import them by
their plain names (``check_series``, ``check_frequencies``, ...), never a ``_private`` helper. (What
is not an argument is checked where it is used: ``input_gradients`` raises on a backend other than
TensorFlow.)

Examples
--------
>>> check_int("window", 600, low=1, high=499, extra=" with len(series)=500")
Traceback (most recent call last):
...
ValueError: `window` must be between 1 and 499. Received: window=600 with len(series)=500.
>>> check_frequencies([1.0, 1.1])
(1.0, 1.1)
>>> check_scores_and_labels("scores", [0.2, 0.9], [1, 1], both_classes=True)
Traceback (most recent call last):
...
ValueError: `y_true` must hold only 0 and 1, with both present. Received: y_true with values [1.0].
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


def check_sequences(name, sequences):
    """Return ``sequences`` as a finite float array of shape (n, steps, features); (n, steps) gets one feature."""
    array = np.asarray(sequences, dtype=float)
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3 or 0 in array.shape:
        raise ValueError(f"`{name}` must have shape (n, steps) or (n, steps, features), none of them 0. "
                         f"Received: {name} with shape {np.shape(sequences)}.")
    _check_finite(name, array)
    return array


def check_same_length(name_a, a, name_b, b):
    """Raise a ValueError unless ``a`` and ``b`` have the same length."""
    if len(a) != len(b):
        raise ValueError(f"`{name_a}` and `{name_b}` must have the same length. "
                         f"Received: len({name_a})={len(a)}, len({name_b})={len(b)}.")


def check_same_steps(name_a, a, name_b, b):
    """Raise a ValueError unless the 2-D window arrays ``a`` and ``b`` have as many steps (columns)."""
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"`{name_a}` must have as many steps as `{name_b}`. Received: {name_a} with "
                         f"{a.shape[1]} steps, {name_b} with {b.shape[1]} steps.")


def check_split_counts(window, n_train, n_test, n_values):
    """Raise unless ``2 * window + n_train + n_test == n_values``: the layout ``split_and_windowize``
    makes (inputs only, training targets, skipped, test targets)."""
    window = check_int("window", window, low=1)
    n_train = check_int("n_train", n_train, low=1)
    n_test = check_int("n_test", n_test, low=1)
    if 2 * window + n_train + n_test != n_values:
        raise ValueError(f"`window`, `n_train` and `n_test` must account for every value: "
                         f"2 * window + n_train + n_test == len(t). Received: window={window}, "
                         f"n_train={n_train}, n_test={n_test} with len(t)={n_values}.")
    return window, n_train, n_test


def check_increasing(name, values):
    """Raise a ValueError unless the 1-D array ``values`` is strictly increasing."""
    steps = np.diff(values)
    if not (steps > 0).all():
        raise ValueError(f"`{name}` must be strictly increasing. Received: {name} with a step of "
                         f"{float(steps.min())} at index {int(np.argmin(steps))}.")


def check_bool(name, value):
    """Return ``value`` as a bool, or raise a TypeError if it is not True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False. Received: {name}={value!r}.")
    return bool(value)


def check_callback(name, value, *, arguments):
    """Return ``value`` if it is callable or None, else raise a TypeError naming its ``arguments``."""
    if value is not None and not callable(value):
        raise TypeError(f"`{name}` must be a function of {arguments}, or None. "
                        f"Received: {name}={value!r} of type {type(value).__name__}.")
    return value


def check_frequencies(frequencies):
    """Return ``frequencies`` as a tuple of two different positive floats (class 0, class 1)."""
    values = _pair(frequencies)
    if values is None or values[0] <= 0 or values[1] <= 0 or values[0] == values[1]:
        raise ValueError(f"`frequencies` must be two different positive numbers "
                         f"(class 0, class 1). Received: frequencies={frequencies!r}.")
    return values


def check_freq_range(freq_range):
    """Return ``freq_range`` as ``(low, high)`` floats with ``0 < low < high``."""
    values = _pair(freq_range)
    if values is None or not 0 < values[0] < values[1]:
        raise ValueError(f"`freq_range` must be a pair (low, high) with 0 < low < high. "
                         f"Received: freq_range={freq_range!r}.")
    return values


def _pair(value):
    """``value`` as two finite floats if it is a tuple, list or array of two real numbers, else None."""
    if not isinstance(value, (tuple, list, np.ndarray)) or len(value) != 2:
        return None
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) and np.isfinite(v) for v in value):
        return None
    return float(value[0]), float(value[1])


def check_signals(name, signals):
    """Return ``signals`` as a finite float array of shape (n_sequences, n_points), one per row.

    A trailing feature axis of size 1, as Keras's recurrent layers take, is dropped.
    """
    try:
        array = np.asarray(signals, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"`{name}` must be a 2-D array of numbers. "
                        f"Received an object of type {type(signals).__name__}.") from error
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim != 2 or array.shape[0] == 0:
        raise ValueError(f"`{name}` must be 2-D, one sequence per row: shape (n_sequences, "
                         f"n_points) with n_sequences >= 1. Received: {name} with shape "
                         f"{array.shape}. For a single sequence pass `{name}[None, :]`.")
    _check_finite(name, array)
    return array


def check_scores_and_labels(name, scores, y_true, *, both_classes=False):
    """Return ``scores`` and ``y_true`` as 1-D float arrays of the same length (at least 2), with
    ``y_true`` holding only 0 and 1 (and both, if ``both_classes``)."""
    scores = check_series(name, np.ravel(scores), min_length=2)
    y_true = check_series("y_true", np.ravel(y_true), min_length=2)
    check_same_length(name, scores, "y_true", y_true)
    present = np.unique(y_true)
    if not np.isin(present, (0, 1)).all() or (both_classes and len(present) != 2):
        raise ValueError(f"`y_true` must hold only 0 and 1{', with both present' if both_classes else ''}. "
                         f"Received: y_true with values {present[:5].tolist()}.")
    return scores, y_true


def check_level(level):
    """Return ``level`` as a float in (0, 1): the confidence level of an interval."""
    return check_float("level", level, low=0, high=1, low_open=True, high_open=True)


def check_errors(name, errors):
    """Return ``errors`` as a finite 1-D float array of non-negative per-item errors, not all zero."""
    errors = check_series(name, np.ravel(errors))
    if (errors < 0).any() or errors.mean() == 0:
        raise ValueError(f"`{name}` must be non-negative errors (e.g. squared errors), not all zero. "
                         f"Received: {name} with min={errors.min():g}, mean={errors.mean():g}.")
    return errors


def check_correct(name, correct):
    """Return ``correct`` as a 1-D float array of 0s and 1s: whether each item was classified right."""
    correct = check_series(name, np.ravel(np.asarray(correct, dtype=float)))
    if not np.isin(correct, (0, 1)).all():
        raise ValueError(f"`{name}` must hold only 0 and 1 (or False and True): whether each item "
                         f"was classified right, e.g. `labels == y_true`. Received: {name} with "
                         f"values {np.unique(correct)[:5].tolist()}.")
    return correct


def check_divisor(name, value, total):
    """Return ``value`` as an int that divides ``total`` (e.g. values per step of a window), or raise
    listing the values that do."""
    value = check_int(name, value, low=1, high=total, extra=f" with windows of {total} values")
    if total % value:
        divisors = [d for d in range(1, total + 1) if total % d == 0]
        raise ValueError(f"`{name}` must divide the window length {total}: one of "
                         f"{', '.join(map(str, divisors))}. Received: {name}={value}.")
    return value


def check_split_window(window, longest, *, n_values, fraction_test):
    """Raise unless ``window`` is at most ``longest``, the longest window that leaves a training window
    when ``n_values`` values are split at ``fraction_test``."""
    if window > longest:
        raise ValueError(f"`window` is too long for a split of this series: it leaves no training "
                         f"window. With {n_values} values (after any history) and fraction_test="
                         f"{fraction_test}, `window` must be at most {longest}. Received: window={window}.")


def _check_finite(name, array):
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        index = first[0] if len(first) == 1 else first
        raise ValueError(f"`{name}` must not contain NaN or infinite values. Received "
                         f"{int(bad.sum())} such value(s), the first at index {index}.")
