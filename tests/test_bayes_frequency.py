"""Tests for lessonlib.bayes.estimate_frequency_bayes, pinned by computations that share no code with it.

The reference writes the likelihood out directly, ``-sum((x - A sin(f t + phase))**2) / (2 noise**2)``,
on a full two-dimensional grid of frequencies and phases, with no pruning, no bounds and no
trigonometric shortcuts, and takes the posterior mean by brute-force sums and scipy's Simpson rule.
The sequences are drawn here, not with lessonlib's generator. A second test checks the statistical
claim lesson 3 makes: on this prior, the posterior mean's RMSE is the Cramér-Rao bound.
"""

import numpy as np
import pytest
from scipy.integrate import simpson

from lessonlib import bayes
from lessonlib.bayes import estimate_frequency_bayes
from lessonlib.classical import cramer_rao_bound, estimate_frequency
from lessonlib.lessons.regression import DURATION, N_POINTS

T = np.linspace(0, DURATION, N_POINTS)  # lesson 3's samples


def _sequences(n, *, noise, freq_range=(1.0, 5.0), amplitude=1.0, seed=0, frequencies=None):
    rng = np.random.default_rng(seed)
    if frequencies is None:
        frequencies = rng.uniform(*freq_range, n)
    frequencies = np.asarray(frequencies, dtype=float)
    phases = rng.uniform(0, 2 * np.pi, len(frequencies))
    clean = amplitude * np.sin(np.outer(frequencies, T) + phases[:, None])
    return clean + rng.normal(0, noise, clean.shape), frequencies


def _brute_force_means(signals, *, noise, freq_range=(1.0, 5.0), amplitude=1.0, n_freq=8001, n_phase=400):
    """Posterior means of the frequency on a (frequency, phase) grid, from the exact likelihood.

    For every grid pair the candidate ``A sin(f t + phase)`` is built and its squared distance to each
    signal summed, ``|x|**2 - 2 x . c + |c|**2``; phases are averaged over an even grid, and the
    frequency integrals are scipy's Simpson rule. Both grids differ from the module's.
    """
    freqs = np.linspace(*freq_range, n_freq)
    phases = 2 * np.pi * np.arange(n_phase) / n_phase
    log_marginal = np.empty((len(signals), n_freq))
    for start in range(0, n_freq, 250):
        f = freqs[start:start + 250]
        candidates = amplitude * np.sin(f[:, None, None] * T + phases[None, :, None])  # (f, phase, t)
        distance = ((signals**2).sum(axis=1)[:, None, None] - 2 * np.einsum("st,fpt->sfp", signals, candidates)
                    + (candidates**2).sum(axis=2)[None])
        log_lik = -distance / (2 * noise**2)
        peak = log_lik.max(axis=2, keepdims=True)
        log_marginal[:, start:start + 250] = peak[:, :, 0] + np.log(np.exp(log_lik - peak).mean(axis=2))
    weights = np.exp(log_marginal - log_marginal.max(axis=1, keepdims=True))
    return simpson(weights * freqs, x=freqs, axis=1) / simpson(weights, x=freqs, axis=1)


@pytest.mark.parametrize("noise, freq_range, amplitude, frequencies, n_phase", [
    (0.3, (1.0, 5.0), 1.0, [1.3, 3.7, 1.0005, 4.999], 200),  # lesson 3's set-up; two cut by the prior's edges
    (1.5, (1.0, 5.0), 1.0, [2.0, 3.0], 64),                  # low signal-to-noise: broad, several peaks
    (0.1, (0.5, 2.0), 0.7, [0.8, 1.6], 256),                 # another range, amplitude and noise
])
def test_matches_brute_force_integration_over_frequency_and_phase(noise, freq_range, amplitude, frequencies,
                                                                  n_phase):
    signals, _ = _sequences(0, noise=noise, amplitude=amplitude, frequencies=frequencies, seed=3)
    expected = _brute_force_means(signals, noise=noise, freq_range=freq_range, amplitude=amplitude,
                                  n_phase=n_phase)
    got = estimate_frequency_bayes(signals, T, noise=noise, freq_range=freq_range, amplitude=amplitude)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-8)


def test_rmse_is_the_cramer_rao_bound_on_lesson_3s_prior():
    """On 2,000 sequences from the prior the posterior mean is at the bound (1.0x, to sampling error
    of about 1.6 %), and no worse than least squares on the same sequences."""
    signals, frequencies = _sequences(2000, noise=0.3, seed=11)
    bayes_rmse = np.sqrt(np.mean((estimate_frequency_bayes(signals, T, noise=0.3) - frequencies) ** 2))
    least_squares_rmse = np.sqrt(np.mean((estimate_frequency(signals, T) - frequencies) ** 2))
    bound = cramer_rao_bound(n_points=50, duration=10, noise=0.3, amplitude=1)
    assert 0.95 < bayes_rmse / bound < 1.05
    assert bayes_rmse < 1.01 * least_squares_rmse


def test_a_clean_sine_gives_its_frequency_and_a_noisy_one_leans_to_the_middle():
    signals = np.sin(np.outer([1.7, 4.2], T) + [[0.3], [1.9]])
    np.testing.assert_allclose(estimate_frequency_bayes(signals, T, noise=0.05), [1.7, 4.2], atol=1e-3)
    # pure noise at a huge noise level: the posterior is nearly the uniform prior, whose mean is 3
    noise_only = np.random.default_rng(0).normal(0, 1, (3, 50))
    np.testing.assert_allclose(estimate_frequency_bayes(noise_only, T, noise=100.0), 3.0, atol=0.01)


def test_blocks_do_not_change_the_result(monkeypatch):
    """Small blocks force many row blocks, grid chunks and rebuilt bases: the same estimates."""
    signals, _ = _sequences(40, noise=0.3, seed=5)
    expected = estimate_frequency_bayes(signals, T, noise=0.3)
    monkeypatch.setattr(bayes, "_BLOCK", 3_000)
    np.testing.assert_allclose(estimate_frequency_bayes(signals, T, noise=0.3), expected, rtol=0, atol=1e-12)


def test_accepts_keras_shaped_input_and_stays_in_range():
    signals, _ = _sequences(6, noise=0.8, seed=7)
    flat = estimate_frequency_bayes(signals, T, noise=0.8)
    np.testing.assert_array_equal(estimate_frequency_bayes(signals[:, :, None], T, noise=0.8), flat)
    assert flat.shape == (6,) and ((1 <= flat) & (flat <= 5)).all()


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(noise=0.0), ValueError, "`noise` must be greater than 0"),
    (dict(noise=-1.0), ValueError, "`noise` must be greater than 0"),
    (dict(noise="0.3"), TypeError, "`noise` must be a number"),
    (dict(noise=0.3, amplitude=0.0), ValueError, "`amplitude` must be greater than 0"),
    (dict(noise=0.3, freq_range=(5, 1)), ValueError, "`freq_range` must be a pair"),
    (dict(noise=0.3, t=T[:-1]), ValueError, "must have the same length"),
    (dict(noise=0.3, t=T[::-1]), ValueError, "`t` must be strictly increasing"),
    (dict(noise=0.3, signals=np.full((2, 50), np.nan)), ValueError, "must not contain NaN"),
    (dict(noise=0.3, signals=np.zeros(50)), ValueError, "`signals` must be 2-D"),
])
def test_bad_arguments_say_what_is_wrong(kwargs, error, message):
    arguments = {"signals": np.zeros((2, 50)), "t": T, **kwargs}
    with pytest.raises(error, match=message):
        estimate_frequency_bayes(arguments.pop("signals"), arguments.pop("t"), **arguments)


def test_noise_is_keyword_only():
    with pytest.raises(TypeError):
        estimate_frequency_bayes(np.zeros((1, 50)), T, 0.3)  # noise passed by position


@pytest.mark.parametrize("noise", [0.003, 0.01, 0.02])
def test_a_sharp_posterior_at_low_noise_does_not_overflow(noise):
    """At low noise the phase integrand's peak is far above exp(709): the estimate must stay finite."""
    from lessonlib.signals import random_frequency_sequences

    data = random_frequency_sequences(20, noise=noise, seed=4)
    estimates = estimate_frequency_bayes(data.signals, data.t, noise=noise)
    assert np.isfinite(estimates).all()
    assert np.abs(estimates - data.frequencies).max() < 10 * cramer_rao_bound(noise=noise)
