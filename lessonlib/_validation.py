"""The argument checks that lessonlib's public functions share.

Each raises a ``ValueError`` or ``TypeError`` in one pattern (the one Keras uses), "`name` must be
<what is allowed>. Received: name=<value>.", so that a student sees which argument is wrong, what
would be right, and what was passed. A check that one function alone needs stays beside it, in the
same pattern: ``classical`` (a callable ``forecast_next``, forecast ``origins``), ``plots`` (``zoom``),
``models`` (``pooling`` with ``every_step``), ``explore`` (a choice a lesson does not offer), and
``gradients`` (a backend other than TensorFlow).

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
        raise TypeError(f"`{name}` must be an integer. Received: {name}={value!r} of type {type(value).__name__}.")
    return int(_check_range(name, value, low, high, extra))


def check_float(name, value, *, low=None, high=None, low_open=False, high_open=False, extra=""):
    """Return ``value`` as a finite float in the range; ``low_open``/``high_open`` exclude the end points."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a number. Received: {name}={value!r} of type {type(value).__name__}.")
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be a finite number. Received: {name}={value!r}.")
    return float(_check_range(name, value, low, high, extra, low_open, high_open))


def _check_range(name, value, low, high, extra, low_open=False, high_open=False):
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if not (too_low or too_high):
        return value
    if low is not None and high is not None:
        allowed = (f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
                   if low_open or high_open else f"between {low} and {high}")
    elif low is not None:
        allowed = f"greater than {low}" if low_open else f"at least {low}"
    else:
        allowed = f"less than {high}" if high_open else f"at most {high}"
    raise ValueError(f"`{name}` must be {allowed}. Received: {name}={value!r}{extra}.")


def check_choice(name, value, choices):
    """Return ``value`` if it is one of ``choices``, else raise a ValueError listing them."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"`{name}` must be one of {allowed}. Received: {name}={value!r}.")
    return value


def _as_array(name, value, what):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"`{name}` must be {what} of numbers. "
                        f"Received an object of type {type(value).__name__}.") from error


def check_series(name, series, *, min_length=2):
    """Return ``series`` as a finite 1-D float array of at least ``min_length`` values."""
    array = _as_array(name, series, "a 1-D array")
    if array.ndim != 1:
        raise ValueError(f"`{name}` must be 1-D (one value per time step). Received: {name} with shape "
                         f"{array.shape}. Flatten it first, e.g. `{name}.ravel()` or `{name}[:, 0]`.")
    if len(array) < min_length:
        raise ValueError(f"`{name}` must hold at least {min_length} values. Received: len({name})={len(array)}.")
    return _check_finite(name, array)


def check_paired(name_a, a, name_b, b, *, min_length=2):
    """Return ``a`` and ``b`` as series (``check_series``) of the same length."""
    a, b = check_series(name_a, a, min_length=min_length), check_series(name_b, b, min_length=min_length)
    check_same_length(name_a, a, name_b, b)
    return a, b


def check_windows(name, windows):
    """Return ``windows`` as a finite float array of shape (n, window) or (n, window, 1)."""
    array = np.asarray(windows, dtype=float)
    array = array[:, :, 0] if array.ndim == 3 and array.shape[2] == 1 else array
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] < 2:
        raise ValueError(f"`{name}` must have shape (n_windows, window) or (n_windows, window, 1) with n_windows >= 1 "
                         f"and window >= 2. Received: {name} with shape {np.shape(windows)}.")
    return _check_finite(name, array)


def check_sequences(name, sequences):
    """Return ``sequences`` as a finite float array of shape (n, steps, features); (n, steps) gets one feature."""
    array = np.asarray(sequences, dtype=float)
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3 or 0 in array.shape:
        raise ValueError(f"`{name}` must have shape (n, steps) or (n, steps, features), none of them 0. "
                         f"Received: {name} with shape {np.shape(sequences)}.")
    return _check_finite(name, array)


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
    if (isinstance(value, (tuple, list, np.ndarray)) and len(value) == 2
            and all(isinstance(v, numbers.Real) and not isinstance(v, bool) and np.isfinite(v) for v in value)):
        return float(value[0]), float(value[1])
    return None


def check_signals(name, signals):
    """Return ``signals`` as a finite float array of shape (n_sequences, n_points), one per row
    (a trailing feature axis of size 1 is dropped)."""
    array = _as_array(name, signals, "a 2-D array")
    array = array[:, :, 0] if array.ndim == 3 and array.shape[2] == 1 else array  # Keras's feature axis
    if array.ndim != 2 or array.shape[0] == 0:
        raise ValueError(f"`{name}` must be 2-D, one sequence per row: shape (n_sequences, "
                         f"n_points) with n_sequences >= 1. Received: {name} with shape "
                         f"{array.shape}. For a single sequence pass `{name}[None, :]`.")
    return _check_finite(name, array)


def check_scores_and_labels(name, scores, y_true, *, both_classes=False):
    """Return ``scores`` and ``y_true`` as 1-D float arrays of the same length (at least 2), with
    ``y_true`` holding only 0 and 1 (and both, if ``both_classes``)."""
    scores, y_true = check_paired(name, np.ravel(scores), "y_true", np.ravel(y_true))
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


def check_inexact_reference(reference, measure, costs):
    """Raise if the reference method is exact by ``measure``'s rule (``Measure.exact``), from its items'
    ``costs``: a ratio to it must exist."""
    if measure.exact(measure.aggregate(costs)):
        raise ValueError(f"`reference` must name a method that makes some error: no ratio to an exact one "
                         f"exists. Received: reference={reference!r}, whose every error is 0.")


def check_divisor(name, value, total):
    """Return ``value`` as an int that divides ``total`` (e.g. values per step of a window), or raise
    listing the values that do."""
    value = check_int(name, value, low=1, high=total, extra=f" with windows of {total} values")
    if total % value:
        divisors = [d for d in range(1, total + 1) if total % d == 0]
        raise ValueError(f"`{name}` must divide the window length {total}: one of "
                         f"{', '.join(map(str, divisors))}. Received: {name}={value}.")
    return value


def _check_finite(name, array):
    """Return ``array``, or raise naming the first NaN or infinite value's index."""
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"`{name}` must not contain NaN or infinite values. Received {int(bad.sum())} "
                         f"such value(s), the first at index {first[0] if len(first) == 1 else first}.")
    return array
