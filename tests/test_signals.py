"""lessonlib.signals: every generated data set, its values, its seeding and its error messages."""

import numpy as np
import pytest

import lessonlib
from lessonlib.signals import (
    STEP,
    calendar_features,
    fill_forward,
    noisy_sine,
    random_frequency_sequences,
    sine_windows,
    two_sine_windows,
    two_sines,
)

# --- noisy_sine ---------------------------------------------------------------------------------

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


# --- two_sines ----------------------------------------------------------------------------------

def test_two_sines_shapes_and_clean_signals(lesson_two_sines):
    data, _ = lesson_two_sines
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


def test_two_sines_history_keeps_the_recent_values():
    plain, longer = two_sines(seed=4), two_sines(seed=4, n_history=200)
    assert len(longer.t) == 700
    np.testing.assert_array_equal(longer.noisy_a[200:], plain.noisy_a)
    np.testing.assert_array_equal(longer.noisy_b[200:], plain.noisy_b)
    np.testing.assert_allclose(longer.clean_b, np.sin(1.1 * longer.t))


# --- independent windows: sine_windows, two_sine_windows ----------------------------------------

def test_sine_windows_continue_each_window_by_one_step_with_fresh_phases_and_noise():
    x, y, y_clean = sine_windows(4000, window=20, step=0.2, noise=0.3, seed=5)
    assert x.shape == (4000, 20, 1) and y.shape == y_clean.shape == (4000,)
    clean = sine_windows(4000, window=20, step=0.2, noise=0.0, seed=5)
    # with no noise the window and its target are one sine: sin(a + 20 s) from the last two values
    last, before = clean.x[:, -1, 0], clean.x[:, -2, 0]
    assert np.allclose(clean.y_clean, 2 * np.cos(0.2) * last - before)
    assert np.allclose(clean.y, clean.y_clean)
    assert abs(np.std(x[:, :, 0] - clean.x[:, :, 0]) - 0.3) < 0.01  # same phases, fresh noise
    assert abs(np.std(y - y_clean) - 0.3) < 0.02
    first = clean.x[:, 0, 0]  # sin(phase) with the phase uniform: mean 0, mean square 1/2
    assert abs(first.mean()) < 0.05 and abs(np.mean(first**2) - 0.5) < 0.03


def test_sine_windows_differ_by_seed_and_repeat_with_it():
    a, b = sine_windows(10, seed=1), sine_windows(10, seed=2)
    assert np.array_equal(a.x, sine_windows(10, seed=1).x)
    assert not np.allclose(a.x, b.x)


def test_two_sine_windows_alternate_balanced_classes_at_their_frequencies():
    x, labels = two_sine_windows(1000, window=30, step=0.1, noise=0.0, frequencies=(1.0, 2.0), seed=0)
    assert x.shape == (1000, 30, 1) and labels.tolist()[:4] == [0, 1, 0, 1] and labels.sum() == 500
    # a noiseless sine satisfies x[k+1] = 2 cos(w s) x[k] - x[k-1] with its own w
    ratio = (x[:, 2:, 0] + x[:, :-2, 0]) / 2
    for label, w in ((0, 1.0), (1, 2.0)):
        rows = labels == label
        assert np.allclose(ratio[rows], np.cos(w * 0.1) * x[rows, 1:-1, 0])


# --- random_frequency_sequences -----------------------------------------------------------------

def test_random_frequency_sequences_shapes_and_ranges():
    data = random_frequency_sequences(300, n_points=40, duration=8.0, freq_range=(2.0, 3.0), seed=1)
    assert data.t.shape == (40,) and data.signals.shape == (300, 40)
    assert data.frequencies.shape == data.phases.shape == (300,)
    np.testing.assert_allclose(data.t, np.linspace(0, 8, 40))
    assert data.frequencies.min() >= 2.0 and data.frequencies.max() < 3.0
    assert data.phases.min() >= 0.0 and data.phases.max() < 2 * np.pi


def test_random_frequency_sequences_draw_order_and_noise():
    data = random_frequency_sequences(5, noise=0.3, seed=4)
    rng = np.random.default_rng(4)
    np.testing.assert_array_equal(data.phases, rng.uniform(0, 2 * np.pi, 5))
    np.testing.assert_array_equal(data.frequencies, rng.uniform(1.0, 5.0, 5))
    clean = np.sin(data.frequencies[:, None] * data.t + data.phases[:, None])
    np.testing.assert_allclose(data.signals - clean, rng.normal(0, 0.3, (5, 50)), atol=1e-12)


def test_random_frequency_sequences_seeding():
    first, again, other = (random_frequency_sequences(20, seed=s) for s in (0, 0, 1))
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(first.signals, other.signals)
    assert not np.allclose(first.frequencies, other.frequencies)


# --- sine_windows_ahead and load_co2 (lesson 4) --------------------------------------------------

def test_sine_windows_ahead_continue_one_sine_per_window():
    data = lessonlib.sine_windows_ahead(20, window=10, horizon=6, noise=0.0, seed=2)
    values = np.concatenate([data.x[:, :, 0], data.y_clean], axis=1)
    # a sampled sine obeys s[k + 1] + s[k - 1] = 2 cos(step) s[k]
    np.testing.assert_allclose(values[:, 2:] + values[:, :-2], 2 * np.cos(STEP) * values[:, 1:-1], atol=1e-12)
    np.testing.assert_array_equal(data.y, data.y_clean)
    noisy = lessonlib.sine_windows_ahead(20, window=10, horizon=6, noise=0.5, seed=2)
    assert noisy.y.shape == (20, 6) and 0.3 < np.std(noisy.y - noisy.y_clean) < 0.7


def test_load_co2_shows_its_missing_weeks():
    co2 = lessonlib.load_co2()
    assert len(co2.ppm) == 2284 and int(np.isnan(co2.ppm).sum()) == 59
    assert str(co2.weeks[0]) == "1958-03-29" and str(co2.weeks[-1]) == "2001-12-29"
    assert set(np.diff(co2.weeks).astype(int)) == {7}
    assert 310 < np.nanmin(co2.ppm) < np.nanmax(co2.ppm) < 380


def test_load_co2_says_what_to_install_without_statsmodels(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match="statsmodels"):
        lessonlib.load_co2()


# --- fill_forward and calendar_features (lesson 5) ------------------------------------------------

def test_fill_forward_carries_the_last_measurement_and_never_reads_a_later_one():
    values = np.array([3.0, np.nan, np.nan, 7.0, np.nan])
    np.testing.assert_array_equal(fill_forward(values), [3.0, 3.0, 3.0, 7.0, 7.0])
    later_changed = values.copy()
    later_changed[3] = 100.0  # the measurement after the gap: the filled weeks must not move
    np.testing.assert_array_equal(fill_forward(later_changed)[:3], [3.0, 3.0, 3.0])


def test_calendar_features_put_the_time_of_year_on_the_unit_circle():
    weeks = np.array(["2000-01-01", "2000-04-01", "2000-12-31"], dtype="datetime64[D]")
    features = calendar_features(weeks)
    assert features.shape == (3, 2)
    np.testing.assert_allclose(np.hypot(*features.T), 1.0)
    np.testing.assert_allclose(features[0], [0.0, 1.0], atol=1e-12)  # 1 January
    angle = 2 * np.pi * 91 / 365.25  # 1 April 2000 is day 91 of a leap year
    np.testing.assert_allclose(features[1], [np.sin(angle), np.cos(angle)])
    assert np.linalg.norm(features[2] - features[0]) < 0.05  # 31 December is 1 January's neighbour


# --- bad arguments: each generator names the argument and what it allows ------------------------

@pytest.mark.parametrize("function, kwargs, error, message", [
    (noisy_sine, {"noise": -0.1}, ValueError, r"`noise` must be at least 0. Received: noise=-0.1"),
    (noisy_sine, {"n_points": 1}, ValueError, r"`n_points` must be at least 2. Received: n_points=1"),
    (noisy_sine, {"n_points": 50.0}, TypeError, r"`n_points` must be an integer. Received: n_points=50.0"),
    (noisy_sine, {"t_max": 0}, ValueError, r"`t_max` must be greater than 0"),
    (noisy_sine, {"noise": float("nan")}, ValueError, r"`noise` must be a finite number"),
    (noisy_sine, {"n_history": -1}, ValueError, r"`n_history` must be at least 0"),
    (noisy_sine, {"seed": "0"}, TypeError, r"`seed` must be an integer"),
    (two_sines, {"noise": -0.1}, ValueError, "`noise` must be at least 0. Received: noise=-0.1."),
    (two_sines, {"n_points": 1}, ValueError, "`n_points` must be at least 2. Received: n_points=1."),
    (two_sines, {"n_points": 10.0}, TypeError, "`n_points` must be an integer."),
    (two_sines, {"t_max": 0}, ValueError, "`t_max` must be greater than 0."),
    (two_sines, {"seed": -1}, ValueError, "`seed` must be at least 0."),
    (two_sines, {"frequencies": (1.0, 1.0)}, ValueError, "`frequencies` must be two different positive"),
    (two_sines, {"frequencies": (1.0, -1.1)}, ValueError, "`frequencies` must be two different positive"),
    (two_sines, {"frequencies": 1.0}, ValueError, r"Received: frequencies=1.0\."),
    (random_frequency_sequences, {"noise": -0.3}, ValueError, "`noise` must be at least 0. Received: noise=-0.3."),
    (random_frequency_sequences, {"n_points": 2}, ValueError, "`n_points` must be at least 3. Received: n_points=2."),
    (random_frequency_sequences, {"n_sequences": 0}, ValueError, "`n_sequences` must be at least 1."),
    (random_frequency_sequences, {"n_sequences": 2.5}, TypeError, "`n_sequences` must be an integer."),
    (random_frequency_sequences, {"duration": -1.0}, ValueError,
     "`duration` must be greater than 0. Received: duration=-1.0."),
    (random_frequency_sequences, {"freq_range": (5.0, 1.0)}, ValueError,
     r"`freq_range` must be a pair \(low, high\) with 0 < low < high. "
     r"Received: freq_range=\(5.0, 1.0\)."),
    (random_frequency_sequences, {"freq_range": (0.0, 1.0)}, ValueError, "`freq_range` must be a pair"),
    (random_frequency_sequences, {"freq_range": (2.0, 2.0)}, ValueError, "`freq_range` must be a pair"),
    (random_frequency_sequences, {"freq_range": 3.0}, ValueError, "`freq_range` must be a pair"),
    (sine_windows, {"n_windows": 0}, ValueError, "`n_windows` must be at least 1. Received: n_windows=0."),
    (sine_windows, {"n_windows": 5, "step": 0}, ValueError, "`step` must be greater than 0. Received: step=0."),
    (sine_windows, {"n_windows": 5, "noise": -1}, ValueError, "`noise` must be at least 0. Received: noise=-1."),
    (two_sine_windows, {"n_windows": 5, "frequencies": (1.0, 1.0)}, ValueError, "`frequencies` must be two different"),
    (two_sine_windows, {"n_windows": 5, "window": 0}, ValueError, "`window` must be at least 1. Received: window=0."),
    (fill_forward, {"values": [np.nan, 1.0]}, ValueError, "start with a measured value"),
    (fill_forward, {"values": [[1.0, 2.0]]}, ValueError, "1-D"),
    (calendar_features, {"weeks": np.arange(3.0)}, TypeError, "datetime64"),
])
def test_bad_arguments_are_named_with_what_is_allowed(function, kwargs, error, message):
    with pytest.raises(error, match=message):
        function(**kwargs)
