"""The series generator, windowing and the chronological split: values, shapes and error messages."""

import numpy as np
import pytest

import lessonlib
from lessonlib import noisy_sine, split_and_windowize, stack_steps, windowize


def test_noisy_sine_defaults_are_the_original_lessons():
    t, clean, noisy = noisy_sine()
    assert t.shape == clean.shape == noisy.shape == (500,)
    assert t[0] == 0 and t[-1] == 90
    np.testing.assert_allclose(clean, np.sin(t))
    assert np.std(noisy - clean) == pytest.approx(0.5, rel=0.1)


def test_noisy_sine_is_seeded():
    assert np.array_equal(noisy_sine(seed=3).noisy, noisy_sine(seed=3).noisy)
    assert not np.array_equal(noisy_sine(seed=3).noisy, noisy_sine(seed=4).noisy)


def test_noise_zero_gives_the_clean_signal():
    series = noisy_sine(noise=0, frequency=1.1)
    np.testing.assert_array_equal(series.noisy, series.clean)
    np.testing.assert_allclose(series.clean, np.sin(1.1 * series.t))


def test_history_prepends_points_and_keeps_the_recent_ones():
    plain, longer = noisy_sine(seed=2), noisy_sine(seed=2, n_history=300)
    assert len(longer.t) == 800
    np.testing.assert_array_equal(longer.noisy[300:], plain.noisy)
    np.testing.assert_allclose(np.diff(longer.t), 90 / 499)
    np.testing.assert_allclose(longer.clean, np.sin(longer.t))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"noise": -0.1}, ValueError, r"`noise` must be at least 0. Received: noise=-0.1"),
    ({"n_points": 1}, ValueError, r"`n_points` must be at least 2. Received: n_points=1"),
    ({"n_points": 50.0}, TypeError, r"`n_points` must be an integer. Received: n_points=50.0"),
    ({"t_max": 0}, ValueError, r"`t_max` must be greater than 0"),
    ({"noise": float("nan")}, ValueError, r"`noise` must be a finite number"),
    ({"n_history": -1}, ValueError, r"`n_history` must be at least 0"),
    ({"seed": "0"}, TypeError, r"`seed` must be an integer"),
])
def test_noisy_sine_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        noisy_sine(**kwargs)


def test_windowize_pairs_each_window_with_the_next_value():
    series = np.arange(10.0) ** 2
    X, y = windowize(series, 4)
    assert X.shape == (6, 4, 1) and y.shape == (6,)
    for i in range(6):
        np.testing.assert_array_equal(X[i, :, 0], series[i:i + 4])
        assert y[i] == series[i + 4]


def test_windowize_accepts_the_longest_window():
    X, y = windowize([1.0, 2.0, 3.0], 2)
    assert X.shape == (1, 2, 1) and y.tolist() == [3.0]


@pytest.mark.parametrize("series, window, error, message", [
    (np.arange(10.0), 0, ValueError,
     r"`window` must be between 1 and 9. Received: window=0 with len\(series\)=10"),
    (np.arange(10.0), 10, ValueError,
     r"`window` must be between 1 and 9. Received: window=10 with len\(series\)=10"),
    (np.arange(10.0), 2.5, TypeError, r"`window` must be an integer. Received: window=2.5"),
    (np.ones((10, 1)), 3, ValueError, r"`series` must be 1-D .* shape \(10, 1\)\. Flatten it"),
    (np.array([1.0, np.nan, 3.0, 4.0]), 2, ValueError,
     r"`series` must not contain NaN or infinite values. Received 1 such value\(s\), the first at index 1"),
    ([1.0], 1, ValueError, r"`series` must hold at least 2 values"),
    ("abc", 1, TypeError, r"`series` must be a 1-D array of numbers"),
])
def test_windowize_rejects_bad_arguments(series, window, error, message):
    with pytest.raises(error, match=message):
        windowize(series, window)


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


@pytest.mark.parametrize("kwargs, message", [
    ({"window": 0}, r"`window` must be between 1 and 99"),
    ({"window": 40}, r"`window` is too long for a split of this series: it leaves no training window. "
                     r"With 100 values .* `window` must be at most 29. Received: window=40"),
    ({"window": 5, "fraction_test": 0.0}, r"`fraction_test` must be in \(0, 1\). Received: fraction_test=0.0"),
    ({"window": 5, "fraction_test": 1.0}, r"`fraction_test` must be in \(0, 1\). Received: fraction_test=1.0"),
    ({"window": 5, "n_history": 99}, r"`n_history` must be between 0 and 98"),
])
def test_split_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        split_and_windowize(np.arange(100.0), **kwargs)


def test_split_always_leaves_at_least_one_window_per_side():
    for window in range(1, 30):
        x_train, x_test, _, _ = split_and_windowize(np.arange(100.0), window)
        assert len(x_train) >= 1 and len(x_test) >= window


def test_sine_windows_continue_each_window_by_one_step_with_fresh_phases_and_noise():
    x, y, y_clean = lessonlib.sine_windows(4000, window=20, step=0.2, noise=0.3, seed=5)
    assert x.shape == (4000, 20, 1) and y.shape == y_clean.shape == (4000,)
    clean = lessonlib.sine_windows(4000, window=20, step=0.2, noise=0.0, seed=5)
    # with no noise the window and its target are one sine: sin(a + 20 s) from the last two values
    last, before = clean.x[:, -1, 0], clean.x[:, -2, 0]
    assert np.allclose(clean.y_clean, 2 * np.cos(0.2) * last - before)
    assert np.allclose(clean.y, clean.y_clean)
    assert abs(np.std(x[:, :, 0] - clean.x[:, :, 0]) - 0.3) < 0.01  # same phases, fresh noise
    assert abs(np.std(y - y_clean) - 0.3) < 0.02
    first = clean.x[:, 0, 0]  # sin(phase) with the phase uniform: mean 0, mean square 1/2
    assert abs(first.mean()) < 0.05 and abs(np.mean(first**2) - 0.5) < 0.03


def test_sine_windows_differ_by_seed_and_repeat_with_it():
    a, b = lessonlib.sine_windows(10, seed=1), lessonlib.sine_windows(10, seed=2)
    assert np.array_equal(a.x, lessonlib.sine_windows(10, seed=1).x)
    assert not np.allclose(a.x, b.x)


def test_two_sine_windows_alternate_balanced_classes_at_their_frequencies():
    x, labels = lessonlib.two_sine_windows(1000, window=30, step=0.1, noise=0.0, frequencies=(1.0, 2.0), seed=0)
    assert x.shape == (1000, 30, 1) and labels.tolist()[:4] == [0, 1, 0, 1] and labels.sum() == 500
    # a noiseless sine satisfies x[k+1] = 2 cos(w s) x[k] - x[k-1] with its own w
    ratio = (x[:, 2:, 0] + x[:, :-2, 0]) / 2
    for label, w in ((0, 1.0), (1, 2.0)):
        rows = labels == label
        assert np.allclose(ratio[rows], np.cos(w * 0.1) * x[rows, 1:-1, 0])


@pytest.mark.parametrize("call, message", [
    (lambda: lessonlib.sine_windows(0), "`n_windows` must be"),
    (lambda: lessonlib.sine_windows(5, step=0), "`step` must be"),
    (lambda: lessonlib.sine_windows(5, noise=-1), "`noise` must be"),
    (lambda: lessonlib.two_sine_windows(5, frequencies=(1.0, 1.0)), "`frequencies` must be two different"),
    (lambda: lessonlib.two_sine_windows(5, window=0), "`window` must be"),
])
def test_fresh_window_generators_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_stack_steps_keeps_every_value_in_order():
    windows = np.arange(2 * 50, dtype=float).reshape(2, 50, 1)
    stacked = stack_steps(windows, per_step=5)
    assert stacked.shape == (2, 10, 5)
    assert stacked[1, 3].tolist() == [65.0, 66.0, 67.0, 68.0, 69.0]
    np.testing.assert_array_equal(stacked.reshape(2, 50), windows[:, :, 0])
    assert stack_steps(windows[:, :, 0], per_step=1).shape == (2, 50, 1)


@pytest.mark.parametrize("windows, per_step, error, message", [
    (np.zeros((3, 50)), 7, ValueError,
     r"`per_step` must divide the window length 50: one of 1, 2, 5, 10, 25, 50. Received: per_step=7"),
    (np.zeros((3, 50)), 0, ValueError, r"`per_step` must be between 1 and 50. Received: per_step=0"),
    (np.zeros((3, 50)), 2.5, TypeError, r"`per_step` must be an integer"),
    (np.zeros((3, 10, 5)), 5, ValueError, r"`windows` must have shape \(n_windows, window\)"),
    (np.full((3, 10), np.nan), 5, ValueError, r"`windows`"),
])
def test_stack_steps_rejects_bad_arguments(windows, per_step, error, message):
    with pytest.raises(error, match=message):
        stack_steps(windows, per_step)
