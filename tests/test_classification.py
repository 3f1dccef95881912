"""Tests for lessonlib.classical: the two-sine data, its windows and the matched filter."""

import numpy as np
import pytest

from lessonlib.classical import matched_filter_classify
from lessonlib.signals import two_sines
from lessonlib.windows import windows_and_labels
from lessonlib.metrics import accuracy, roc_auc
from lessonlib.windows import split_and_windowize


def _seed_test_windows(seed, noise=0.5):
    data = two_sines(seed=seed, noise=noise)
    _, x_test, _, y_test = windows_and_labels(data.noisy_a, data.noisy_b, 50)
    return x_test, y_test, data.t[1] - data.t[0]


# --- two_sines ----------------------------------------------------------------------------------

def test_two_sines_shapes_and_clean_signals():
    data = two_sines(seed=0)
    assert all(array.shape == (500,) for array in data)
    np.testing.assert_allclose(data.t, np.linspace(0, 90, 500))
    np.testing.assert_allclose(data.clean_a, np.sin(data.t))
    np.testing.assert_allclose(data.clean_b, np.sin(1.1 * data.t))


def test_two_sines_noise_order_matches_default_rng():
    data = two_sines(n_points=100, noise=0.5, seed=7)
    rng = np.random.default_rng(7)
    np.testing.assert_allclose(data.noisy_a - data.clean_a, rng.normal(0, 0.5, 100), atol=1e-12)
    np.testing.assert_allclose(data.noisy_b - data.clean_b, rng.normal(0, 0.5, 100), atol=1e-12)


def test_two_sines_seeding():
    first, again, other = two_sines(seed=0), two_sines(seed=0), two_sines(seed=1)
    np.testing.assert_array_equal(first.noisy_a, again.noisy_a)
    np.testing.assert_array_equal(first.noisy_b, again.noisy_b)
    assert not np.allclose(first.noisy_a, other.noisy_a)
    assert not np.allclose(first.noisy_a - first.clean_a, first.noisy_b - first.clean_b)


def test_two_sines_noise_zero_is_clean():
    data = two_sines(noise=0.0)
    np.testing.assert_array_equal(data.noisy_a, data.clean_a)
    np.testing.assert_array_equal(data.noisy_b, data.clean_b)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"noise": -0.1}, ValueError, "`noise` must be at least 0. Received: noise=-0.1."),
    ({"n_points": 1}, ValueError, "`n_points` must be at least 2. Received: n_points=1."),
    ({"n_points": 10.0}, TypeError, "`n_points` must be an integer."),
    ({"t_max": 0}, ValueError, "`t_max` must be greater than 0."),
    ({"seed": -1}, ValueError, "`seed` must be at least 0."),
    ({"frequencies": (1.0, 1.0)}, ValueError, "`frequencies` must be two different positive"),
    ({"frequencies": (1.0, -1.1)}, ValueError, "`frequencies` must be two different positive"),
    ({"frequencies": 1.0}, ValueError, r"Received: frequencies=1.0\."),
])
def test_two_sines_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        two_sines(**kwargs)


# --- windows_and_labels -------------------------------------------------------------------------

def test_windows_and_labels_layout_matches_split_and_windowize():
    data = two_sines(seed=0)
    x_train, x_test, y_train, y_test = windows_and_labels(data.noisy_a, data.noisy_b, 50)
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


@pytest.mark.parametrize("args, error, message", [
    ((np.zeros(100), np.zeros(100), 0), ValueError, "`window` must be between 1 and 99"),
    ((np.zeros(100), np.zeros(100), 50), ValueError, "`window` is too long"),
    ((np.zeros((100, 2)), np.zeros(100), 5), ValueError, r"`series_a` must be 1-D"),
    ((np.zeros(100), np.r_[np.zeros(99), np.nan], 5), ValueError,
     "`series_b` must not contain NaN or infinite values. Received 1 such value"),
    ((np.zeros(100), np.zeros(100), 5, 1.5), ValueError, r"`fraction_test` must be in \(0, 1\)"),
])
def test_windows_and_labels_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        windows_and_labels(*args)


# --- matched_filter_classify --------------------------------------------------------------------

def test_matched_filter_is_perfect_without_noise():
    x_test, y_test, step = _seed_test_windows(seed=0, noise=0.0)
    result = matched_filter_classify(x_test, step=step)
    assert accuracy(result.labels, y_test) == 1.0
    assert roc_auc(result.scores, y_test) == 1.0


@pytest.mark.parametrize("seed, expected", [(0, 0.941), (1, 0.962), (2, 0.876)])
def test_matched_filter_accuracy_on_the_lessons_data(seed, expected):
    x_test, y_test, step = _seed_test_windows(seed)
    result = matched_filter_classify(x_test, step=step)
    score = accuracy(result.labels, y_test)
    assert 0.85 <= score <= 0.98
    assert score == pytest.approx(expected, abs=0.002)
    assert roc_auc(result.scores, y_test) > 0.96


def test_matched_filter_labels_follow_score_sign_and_shapes():
    x_test, _, step = _seed_test_windows(seed=0)
    result = matched_filter_classify(x_test, step=step)
    assert result.labels.shape == result.scores.shape == (len(x_test),)
    assert result.labels.dtype.kind == "i" and set(np.unique(result.labels)) <= {0, 1}
    np.testing.assert_array_equal(result.labels, (result.scores > 0).astype(int))


def test_matched_filter_score_is_rss_difference():
    rng = np.random.default_rng(3)
    windows = rng.normal(size=(4, 30))
    t = 0.25 * np.arange(30)
    rss = []
    for w in (1.0, 1.1):
        design = np.column_stack([np.sin(w * t), np.cos(w * t)])
        residual = windows.T - design @ np.linalg.lstsq(design, windows.T, rcond=None)[0]
        rss.append(np.sum(residual**2, axis=0))
    result = matched_filter_classify(windows[:, :, None], step=0.25)
    np.testing.assert_allclose(result.scores, rss[0] - rss[1], rtol=1e-10, atol=1e-10)


def test_matched_filter_swapping_frequencies_flips_scores():
    x_test, _, step = _seed_test_windows(seed=0)
    forward = matched_filter_classify(x_test, step=step)
    swapped = matched_filter_classify(x_test, frequencies=(1.1, 1.0), step=step)
    np.testing.assert_allclose(swapped.scores, -forward.scores)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"windows": np.zeros(10), "step": 0.1}, ValueError, "`windows` must have shape"),
    ({"windows": np.zeros((3, 10, 2)), "step": 0.1}, ValueError, "`windows` must have shape"),
    ({"windows": np.full((3, 10), np.nan), "step": 0.1}, ValueError,
     "`windows` must not contain NaN"),
    ({"windows": np.zeros((3, 10)), "step": 0.0}, ValueError, "`step` must be greater than 0"),
    ({"windows": np.zeros((3, 10)), "step": "0.1"}, TypeError, "`step` must be a number"),
    ({"windows": np.zeros((3, 10)), "step": 0.1, "frequencies": (1.0, 1.1, 1.2)}, ValueError,
     "`frequencies` must be two different positive numbers"),
])
def test_matched_filter_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        matched_filter_classify(**kwargs)


def test_matched_filter_step_is_required():
    with pytest.raises(TypeError, match="step"):
        matched_filter_classify(np.zeros((3, 10)))


def test_two_sines_history_keeps_the_recent_values_and_test_windows():
    plain, longer = two_sines(seed=4), two_sines(seed=4, n_history=200)
    assert len(longer.t) == 700
    np.testing.assert_array_equal(longer.noisy_a[200:], plain.noisy_a)
    np.testing.assert_array_equal(longer.noisy_b[200:], plain.noisy_b)
    np.testing.assert_allclose(longer.clean_b, np.sin(1.1 * longer.t))
    _, x_test, _, y_test = windows_and_labels(plain.noisy_a, plain.noisy_b, 50)
    x_long, x_test_long, y_long, y_test_long = windows_and_labels(longer.noisy_a, longer.noisy_b, 50,
                                                                  n_history=200)
    np.testing.assert_array_equal(x_test_long, x_test)
    np.testing.assert_array_equal(y_test_long, y_test)
    assert len(x_long) == 460 + 400 and y_long.mean() == 0.5
