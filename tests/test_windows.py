"""lessonlib.windows: windowing, the chronological split, two classes with labels, values per step."""

import numpy as np
import pytest

from lessonlib.signals import noisy_sine, two_sines
from lessonlib.windows import split_and_windowize, stack_steps, windowize, windows_and_labels

# --- windowize ----------------------------------------------------------------------------------

def test_windowize_pairs_each_window_with_the_next_value():
    series = np.arange(10.0) ** 2
    X, y = windowize(series, 4)
    assert X.shape == (6, 4, 1) and y.shape == (6,) and X.dtype == y.dtype == float
    for i in range(6):
        np.testing.assert_array_equal(X[i, :, 0], series[i:i + 4])
        assert y[i] == series[i + 4]


def test_windowize_returns_copies_that_do_not_share_the_series_memory():
    series = np.arange(6.0)
    X, y = windowize(series, 3)
    X[0, 0, 0], y[0] = 100.0, 100.0
    assert series.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] and X[1, 0, 0] == 1.0


def test_windowize_accepts_the_longest_window_and_integers():
    X, y = windowize([1, 2, 3], 2)
    assert X.shape == (1, 2, 1) and X.dtype == float and y.tolist() == [3.0]


# --- split_and_windowize ------------------------------------------------------------------------

def test_split_matches_the_original_lessons_shapes():
    x_train, x_test, y_train, y_test = split_and_windowize(noisy_sine().noisy, 50)
    assert x_train.shape == (230, 50, 1) and x_test.shape == (170, 50, 1)
    assert y_train.shape == (230,) and y_test.shape == (170,)


def test_split_keeps_test_windows_after_every_training_target():
    index = np.arange(500.0)
    x_train, x_test, y_train, y_test = split_and_windowize(index, 50)
    assert x_test[:, :, 0].min() > y_train.max()          # no test input is a training target
    assert y_test.min() - y_train.max() == 51              # the 50 values after the cut are skipped
    assert y_test[-1] == 499 and y_train[0] == 50


def test_split_with_history_keeps_the_same_test_windows():
    plain, longer = noisy_sine(seed=1), noisy_sine(seed=1, n_history=1000)
    _, x_test, _, y_test = split_and_windowize(plain.noisy, 20)
    x_long, x_test_long, y_long, y_test_long = split_and_windowize(longer.noisy, 20, n_history=1000)
    np.testing.assert_array_equal(x_test_long, x_test)
    np.testing.assert_array_equal(y_test_long, y_test)
    assert len(x_long) == 1000 + len(split_and_windowize(plain.noisy, 20)[0])


@pytest.mark.parametrize("fraction_test, longest", [(0.3, 29), (0.5, 24)])
def test_split_leaves_a_window_on_each_side_up_to_the_longest_window_it_names(fraction_test, longest):
    for window in range(1, longest + 1):
        x_train, x_test, _, _ = split_and_windowize(np.arange(100.0), window, fraction_test)
        assert len(x_train) >= 1 and len(x_test) >= window
    with pytest.raises(ValueError, match=f"must be between 1 and {longest}. Received: window={longest + 1} "):
        split_and_windowize(np.arange(100.0), longest + 1, fraction_test)


# --- windows_and_labels -------------------------------------------------------------------------

def test_windows_and_labels_layout_matches_split_and_windowize(lesson_two_sines):
    data, (x_train, x_test, y_train, y_test) = lesson_two_sines
    a_train, a_test, _, _ = split_and_windowize(data.noisy_a, 50)
    b_train, b_test, _, _ = split_and_windowize(data.noisy_b, 50)
    assert x_train.shape == (2 * len(a_train), 50, 1) and x_test.shape == (2 * len(a_test), 50, 1)
    assert (len(a_train), len(a_test)) == (230, 170)
    np.testing.assert_array_equal(x_train[:230], a_train)
    np.testing.assert_array_equal(x_train[230:], b_train)
    np.testing.assert_array_equal(x_test[170:], b_test)
    np.testing.assert_array_equal(y_train, np.r_[np.zeros(230), np.ones(230)])
    np.testing.assert_array_equal(y_test, np.r_[np.zeros(170), np.ones(170)])
    assert y_train.dtype == float and y_test.dtype == float


def test_windows_and_labels_series_of_different_lengths():
    _, x_test, _, y_test = windows_and_labels(np.arange(20.0), np.arange(40.0), 3)
    assert x_test.shape[0] == len(y_test)
    assert int(y_test.sum()) == len(split_and_windowize(np.arange(40.0), 3)[1])


def test_windows_and_labels_with_history_keep_the_test_windows(lesson_two_sines):
    _, (_, x_test, _, y_test) = lesson_two_sines
    longer = two_sines(seed=0, n_history=200)
    x_long, x_test_long, y_long, y_test_long = windows_and_labels(longer.noisy_a, longer.noisy_b, 50,
                                                                  n_history=200)
    np.testing.assert_array_equal(x_test_long, x_test)
    np.testing.assert_array_equal(y_test_long, y_test)
    assert len(x_long) == 460 + 400 and y_long.mean() == 0.5


# --- stack_steps --------------------------------------------------------------------------------

def test_stack_steps_keeps_every_value_in_order():
    windows = np.arange(2 * 50, dtype=float).reshape(2, 50, 1)
    stacked = stack_steps(windows, per_step=5)
    assert stacked.shape == (2, 10, 5)
    assert stacked[1, 3].tolist() == [65.0, 66.0, 67.0, 68.0, 69.0]
    np.testing.assert_array_equal(stacked.reshape(2, 50), windows[:, :, 0])
    assert stack_steps(windows[:, :, 0], per_step=1).shape == (2, 50, 1)


# --- bad arguments: each function names the argument and what it allows ------------------------

SERIES, ZEROS = np.arange(100.0), np.zeros(100)


@pytest.mark.parametrize("call, error, message", [
    (lambda: windowize(np.arange(10.0), 0), ValueError,
     r"`window` must be between 1 and 9. Received: window=0 with len\(series\)=10"),
    (lambda: windowize(np.arange(10.0), 10), ValueError,
     r"`window` must be between 1 and 9. Received: window=10 with len\(series\)=10"),
    (lambda: windowize(np.arange(10.0), 2.5), TypeError, r"`window` must be an integer. Received: window=2.5"),
    (lambda: windowize(np.ones((10, 1)), 3), ValueError, r"`series` must be 1-D .* shape \(10, 1\)\. Flatten it"),
    (lambda: windowize(np.array([1.0, np.nan, 3.0, 4.0]), 2), ValueError,
     r"`series` must not contain NaN or infinite values. Received 1 such value\(s\), the first at index 1"),
    (lambda: windowize([1.0], 1), ValueError, r"`series` must hold at least 2 values"),
    (lambda: windowize("abc", 1), TypeError, r"`series` must be a 1-D array of numbers"),
    (lambda: split_and_windowize(SERIES, window=0), ValueError,
     r"`window` must be between 1 and 29. Received: window=0 with 100 values"),
    (lambda: split_and_windowize(SERIES, window=40), ValueError, r"`window` must be between 1 and 29. Received: "
     r"window=40 with 100 values \(after any history\) and fraction_test=0.3: a longer one leaves no training window."),
    (lambda: split_and_windowize(SERIES, window=30, fraction_test=0.5), ValueError,
     r"`window` must be between 1 and 24. Received: window=30"),
    (lambda: split_and_windowize(SERIES, window=5, fraction_test=0.0), ValueError,
     r"`fraction_test` must be in \(0, 1\). Received: fraction_test=0.0"),
    (lambda: split_and_windowize(SERIES, window=5, fraction_test=1.0), ValueError,
     r"`fraction_test` must be in \(0, 1\). Received: fraction_test=1.0"),
    (lambda: split_and_windowize(SERIES, window=5, n_history=99), ValueError, r"`n_history` must be between 0 and 98"),
    (lambda: windows_and_labels(ZEROS, ZEROS, 0), ValueError, "`window` must be between 1 and 29"),
    (lambda: windows_and_labels(ZEROS, ZEROS, 50), ValueError, "a longer one leaves no training window"),
    (lambda: windows_and_labels(np.zeros((100, 2)), ZEROS, 5), ValueError, r"`series_a` must be 1-D"),
    (lambda: windows_and_labels(ZEROS, np.r_[np.zeros(99), np.nan], 5), ValueError,
     "`series_b` must not contain NaN or infinite values. Received 1 such value"),
    (lambda: windows_and_labels(ZEROS, ZEROS, 5, 1.5), ValueError, r"`fraction_test` must be in \(0, 1\)"),
    (lambda: stack_steps(np.zeros((3, 50)), 7), ValueError,
     r"`per_step` must divide the window length 50: one of 1, 2, 5, 10, 25, 50. Received: per_step=7"),
    (lambda: stack_steps(np.zeros((3, 50)), 0), ValueError,
     r"`per_step` must be between 1 and 50. Received: per_step=0 with windows of 50 values"),
    (lambda: stack_steps(np.zeros((3, 50)), 2.5), TypeError, r"`per_step` must be an integer"),
    (lambda: stack_steps(np.zeros((3, 10, 5)), 5), ValueError, r"`windows` must have shape \(n_windows, window\)"),
    (lambda: stack_steps(np.full((3, 10), np.nan), 5), ValueError, r"`windows` must not contain NaN"),
])
def test_bad_arguments_are_named_with_what_is_allowed(call, error, message):
    with pytest.raises(error, match=message):
        call()
