"""Tests for lessonlib.classical: random-frequency data, the estimator, the Cramér-Rao bound."""

import numpy as np
import pytest

from lessonlib.metrics import rmse
from lessonlib.classical import cramer_rao_bound, estimate_frequency
from lessonlib.signals import random_frequency_sequences

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


@pytest.mark.parametrize("kwargs, error, message", [
    ({"noise": -0.3}, ValueError, "`noise` must be at least 0. Received: noise=-0.3."),
    ({"n_points": 2}, ValueError, "`n_points` must be at least 3. Received: n_points=2."),
    ({"n_sequences": 0}, ValueError, "`n_sequences` must be at least 1."),
    ({"n_sequences": 2.5}, TypeError, "`n_sequences` must be an integer."),
    ({"duration": -1.0}, ValueError, "`duration` must be greater than 0. Received: duration=-1.0."),
    ({"freq_range": (5.0, 1.0)}, ValueError,
     r"`freq_range` must be a pair \(low, high\) with 0 < low < high. "
     r"Received: freq_range=\(5.0, 1.0\)."),
    ({"freq_range": (0.0, 1.0)}, ValueError, "`freq_range` must be a pair"),
    ({"freq_range": (2.0, 2.0)}, ValueError, "`freq_range` must be a pair"),
    ({"freq_range": 3.0}, ValueError, "`freq_range` must be a pair"),
])
def test_random_frequency_sequences_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        random_frequency_sequences(**kwargs)


# --- estimate_frequency -------------------------------------------------------------------------

def test_estimate_frequency_is_exact_without_noise():
    data = random_frequency_sequences(500, noise=0.0, seed=3)
    estimates = estimate_frequency(data.signals, data.t)
    assert estimates.shape == (500,)
    assert np.abs(estimates - data.frequencies).max() < 1e-6


def test_estimate_frequency_with_offset_and_keras_shape():
    data = random_frequency_sequences(50, noise=0.0, seed=5)
    shifted = data.signals[:, :, None] + 2.0
    estimates = estimate_frequency(shifted, data.t, fit_offset=True)
    assert np.abs(estimates - data.frequencies).max() < 1e-6
    biased = estimate_frequency(shifted, data.t, fit_offset=False)
    assert np.abs(biased - data.frequencies).max() > 1e-3


def test_estimate_frequency_stays_in_range():
    t = np.linspace(0, 10, 50)
    estimates = estimate_frequency([np.sin(0.5 * t), np.sin(6.0 * t)], t, freq_range=(1.0, 5.0))
    assert ((1.0 <= estimates) & (estimates <= 5.0)).all()
    np.testing.assert_allclose(estimates, [1.0, 5.0], atol=1e-6)


def test_estimate_frequency_reaches_the_cramer_rao_bound():
    data = random_frequency_sequences(2000, noise=0.3, seed=0)
    error = rmse(estimate_frequency(data.signals, data.t), data.frequencies)
    bound = cramer_rao_bound(noise=0.3)
    # Measured 0.0206 against the bound 0.0204 (seeds 1 and 2: 0.99x and 1.01x). Monte Carlo
    # noise on an RMSE from 2000 draws is about 1.6 %, hence the band around 1.
    assert 0.95 <= error / bound <= 1.15
    # Against the complex-exponential bound (0.0144, the figure) the ratio is ~1.4.
    assert 1.0 <= error / (bound / np.sqrt(2)) <= 2.0


@pytest.mark.parametrize("signals, t, kwargs, error, message", [
    (np.zeros(50), np.linspace(0, 10, 50), {}, ValueError,
     r"`signals` must be 2-D, one sequence per row.*Received: signals with shape \(50,\)"),
    (np.zeros((2, 3, 50)), np.linspace(0, 10, 50), {}, ValueError, "`signals` must be 2-D"),
    (np.r_[np.zeros(50), np.nan].reshape(1, 51), np.linspace(0, 10, 51), {}, ValueError,
     r"`signals` must not contain NaN or infinite values. Received 1 such value\(s\), "
     r"the first at index \(0, 50\)"),
    (np.zeros((2, 50)), np.linspace(0, 10, 40), {}, ValueError,
     "`t` and `each row of signals` must have the same length"),
    (np.zeros((2, 50)), np.zeros((50, 1)), {}, ValueError, "`t` must be 1-D"),
    (np.zeros((2, 2)), np.arange(2.0), {}, ValueError, "`t` must hold at least 3 values"),
    (np.zeros((2, 5)), np.array([0.0, 1.0, 1.0, 2.0, 3.0]), {}, ValueError,
     "`t` must be strictly increasing"),
    (np.zeros((2, 50)), np.linspace(0, 10, 50), {"freq_range": (5.0, 1.0)}, ValueError,
     "`freq_range` must be a pair"),
    (np.zeros((2, 50)), np.linspace(0, 10, 50), {"freq_range": (-1.0, 1.0)}, ValueError,
     "`freq_range` must be a pair"),
    (np.zeros((2, 50)), np.linspace(0, 10, 50), {"fit_offset": 1}, TypeError,
     "`fit_offset` must be True or False"),
    ("abc", np.linspace(0, 10, 50), {}, TypeError, "`signals` must be a 2-D array of numbers"),
])
def test_estimate_frequency_bad_input(signals, t, kwargs, error, message):
    with pytest.raises(error, match=message):
        estimate_frequency(signals, t, **kwargs)


# --- cramer_rao_bound ---------------------------------------------------------------------------

def test_cramer_rao_bound_value_for_the_lessons_design():
    bound = cramer_rao_bound(n_points=50, duration=10.0, noise=0.3, amplitude=1.0)
    assert bound == pytest.approx(0.02037, rel=0.02)
    # The 0.0144 is the complex-exponential bound, smaller by sqrt(2).
    assert bound / np.sqrt(2) == pytest.approx(0.0144, rel=0.02)


def test_cramer_rao_bound_matches_exact_fisher_information():
    t = np.linspace(0, 10, 50)
    rng = np.random.default_rng(0)
    variances = []
    for w, phase in zip(rng.uniform(1, 5, 200), rng.uniform(0, 2 * np.pi, 200), strict=True):
        jacobian = np.column_stack([np.sin(w * t + phase), t * np.cos(w * t + phase),
                                    np.cos(w * t + phase)])
        variances.append(np.linalg.inv(jacobian.T @ jacobian / 0.3**2)[1, 1])
    assert np.sqrt(np.mean(variances)) == pytest.approx(cramer_rao_bound(), rel=0.02)


def test_cramer_rao_bound_scaling():
    base = cramer_rao_bound(noise=0.3)
    assert cramer_rao_bound(noise=0.6) == pytest.approx(2 * base)
    assert cramer_rao_bound(noise=0.3, amplitude=2.0) == pytest.approx(base / 2)
    assert cramer_rao_bound(noise=0.0) == 0.0
    assert cramer_rao_bound(n_points=99, duration=20.0) == pytest.approx(
        np.sqrt(24) * 0.3 / (20 / 98 * np.sqrt(99 * (99**2 - 1))))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"noise": -0.3}, ValueError, "`noise` must be at least 0. Received: noise=-0.3."),
    ({"n_points": 2}, ValueError, "`n_points` must be at least 3. Received: n_points=2."),
    ({"duration": 0.0}, ValueError, "`duration` must be greater than 0. Received: duration=0.0."),
    ({"amplitude": 0.0}, ValueError, "`amplitude` must be greater than 0."),
    ({"noise": "0.3"}, TypeError, "`noise` must be a number."),
])
def test_cramer_rao_bound_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        cramer_rao_bound(**kwargs)


def test_cramer_rao_bound_is_keyword_only():
    with pytest.raises(TypeError):
        cramer_rao_bound(50)



def test_duration_is_a_time_and_n_points_a_count():
    """``duration`` is the time from the first to the last sample, whatever the number of samples."""
    data = random_frequency_sequences(2, n_points=11, duration=5.0, seed=0)
    assert data.t[0] == 0.0 and data.t[-1] == 5.0 and len(data.t) == 11
    assert cramer_rao_bound(n_points=11, duration=5.0) == pytest.approx(
        cramer_rao_bound(n_points=11, duration=10.0) * 2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'length'"):
        cramer_rao_bound(length=10.0)
