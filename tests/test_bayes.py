"""Tests for lessonlib.bayes: the Bayes forecast and classifier, pinned by independent computations.

The references here share no code with the module: the likelihood is written out directly as
``-sum((x - A sin(w t + phase))**2) / (2 noise**2)``, and the phase is integrated by scipy's
adaptive quadrature or by Monte Carlo over uniform phases.
"""

import warnings

import numpy as np
import pytest
from scipy.integrate import quad

import lessonlib
from lessonlib.bayes import classify_bayes, forecast_bayes
from lessonlib.classical import forecast_sine_fit, matched_filter_classify
from lessonlib.lessons.forecasting import WINDOW
from lessonlib.signals import STEP
from lessonlib.uncertainty import difference_interval, ratio_interval


def _fresh_windows(frequencies, *, noise, seed):
    """One independent window per frequency: its own uniform phase and noise, and its next clean value."""
    rng = np.random.default_rng(seed)
    frequencies = np.asarray(frequencies, dtype=float)
    phases = rng.uniform(0, 2 * np.pi, len(frequencies))
    clean = np.sin(np.outer(frequencies, STEP * np.arange(WINDOW + 1)) + phases[:, None])
    return clean[:, :WINDOW] + rng.normal(0, noise, (len(frequencies), WINDOW)), clean[:, WINDOW]


def _log_likelihood(window, phases, *, noise, frequency=1.0, amplitude=1.0, step=STEP):
    t = step * np.arange(len(window))
    candidates = amplitude * np.sin(frequency * t + np.atleast_1d(phases)[:, None])
    return -((window - candidates) ** 2).sum(axis=1) / (2 * noise**2)


def _quad_phase(function, window, *, noise, frequency=1.0, amplitude=1.0, step=STEP, shift=None):
    """Integral over one turn of function(phase) * exp(log-likelihood - shift), by adaptive quadrature.

    The turn is centred on the best phase of a dense grid and cut at a few posterior widths from it,
    so that quad cannot step over a sharp peak.
    """
    kwargs = dict(noise=noise, frequency=frequency, amplitude=amplitude, step=step)
    grid = np.linspace(0, 2 * np.pi, 20_000, endpoint=False)
    log_likelihood = _log_likelihood(window, grid, **kwargs)
    center, shift = grid[np.argmax(log_likelihood)], log_likelihood.max() if shift is None else shift
    width = min(0.3, noise / (amplitude * np.sqrt(len(window) / 2)))
    cuts = np.array([10, 3, 1]) * width
    edges = center + np.concatenate([[-np.pi], -cuts, [0], cuts[::-1], [np.pi]])

    def integrand(phase):
        return function(phase) * np.exp(_log_likelihood(window, phase, **kwargs)[0] - shift)

    return sum(quad(integrand, low, high, limit=200, epsabs=0, epsrel=1e-11)[0]
               for low, high in zip(edges[:-1], edges[1:], strict=True))


def _quad_forecast(window, *, noise, frequency=1.0, amplitude=1.0, step=STEP):
    kwargs = dict(noise=noise, frequency=frequency, amplitude=amplitude, step=step)
    t_next = step * len(window)
    numerator = _quad_phase(lambda p: amplitude * np.sin(frequency * t_next + p), window, **kwargs)
    return numerator / _quad_phase(lambda p: 1.0, window, **kwargs)


# --- forecast_bayes ------------------------------------------------------------------------------

@pytest.mark.parametrize("noise, frequency, amplitude", [(0.5, 1.0, 1.0), (0.2, 1.3, 0.7), (1.5, 0.8, 2.0)])
def test_forecast_matches_quadrature_of_the_exact_posterior(noise, frequency, amplitude):
    rng = np.random.default_rng(1)
    t = STEP * np.arange(WINDOW)
    phases = rng.uniform(0, 2 * np.pi, (3, 1))
    windows = amplitude * np.sin(frequency * t + phases) + rng.normal(0, noise, (3, WINDOW))
    expected = [_quad_forecast(w, noise=noise, frequency=frequency, amplitude=amplitude) for w in windows]
    got = forecast_bayes(windows, step=STEP, noise=noise, frequency=frequency, amplitude=amplitude)
    np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-10)


def test_forecast_matches_monte_carlo_over_uniform_phases():
    windows, _ = _fresh_windows([1.0] * 4, noise=0.5, seed=2)
    phases = np.random.default_rng(3).uniform(0, 2 * np.pi, 100_000)
    next_values = np.sin(STEP * WINDOW + phases)
    got = forecast_bayes(windows, step=STEP, noise=0.5)
    for window, forecast in zip(windows, got, strict=True):
        log_weights = _log_likelihood(window, phases, noise=0.5)
        weights = np.exp(log_weights - log_weights.max())
        weights /= weights.sum()
        estimate = weights @ next_values
        standard_error = np.sqrt(weights**2 @ (next_values - estimate) ** 2)
        assert abs(forecast - estimate) < 4 * standard_error + 1e-12


def test_forecast_beats_the_sine_fit_by_half_on_fresh_windows():
    windows, target = _fresh_windows(np.ones(20_000), noise=0.5, seed=4)
    bayes = forecast_bayes(windows, step=STEP, noise=0.5)
    sine_fit = forecast_sine_fit(windows, frequency=1.0, step=STEP)
    ratio = ratio_interval((bayes - target) ** 2, (sine_fit - target) ** 2)
    assert 0.45 <= ratio.estimate <= 0.55
    assert 0.4 < ratio.low and ratio.high < 0.6


@pytest.mark.parametrize("noise", [1e-2, 1e-3])
def test_forecast_with_little_noise_is_the_next_clean_value(noise):
    windows, target = _fresh_windows([1.0] * 3, noise=noise, seed=5)
    got = forecast_bayes(windows, step=STEP, noise=noise)
    np.testing.assert_allclose(got, target, atol=noise)  # about 5 standard deviations
    np.testing.assert_allclose(got, [_quad_forecast(w, noise=noise) for w in windows], atol=1e-9)


def test_forecast_with_overwhelming_noise_falls_back_to_zero():
    windows, _ = _fresh_windows([1.0] * 5, noise=50.0, seed=6)
    assert np.abs(forecast_bayes(windows, step=STEP, noise=50.0)).max() < 0.05


def test_forecast_shapes_and_batch_independence():
    windows, _ = _fresh_windows([1.0] * 6, noise=0.5, seed=7)
    got = forecast_bayes(windows, step=STEP, noise=0.5)
    assert got.shape == (6,)
    np.testing.assert_array_equal(forecast_bayes(windows[:, :, None], step=STEP, noise=0.5), got)
    np.testing.assert_allclose(forecast_bayes(windows[2:3], step=STEP, noise=0.5), got[2:3], rtol=1e-12)


# --- classify_bayes ------------------------------------------------------------------------------

def _quad_probability(window, *, noise, frequencies=(1.0, 1.1)):
    grid = np.linspace(0, 2 * np.pi, 20_000)
    shift = max(_log_likelihood(window, grid, noise=noise, frequency=f).max() for f in frequencies)
    evidence = [_quad_phase(lambda p: 1.0, window, noise=noise, frequency=f, shift=shift)
                for f in frequencies]
    return evidence[1] / (evidence[0] + evidence[1])


@pytest.mark.parametrize("noise", [0.5, 1.0])
def test_classifier_matches_quadrature_of_the_exact_likelihoods(noise):
    windows, _ = _fresh_windows([1.0, 1.1, 1.0, 1.1], noise=noise, seed=8)
    expected = [_quad_probability(w, noise=noise) for w in windows]
    got = classify_bayes(windows, step=STEP, noise=noise)
    np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-12)


@pytest.fixture(scope="module")
def fresh_classes():
    """20,000 fresh windows at noise 0.5, half of each class, and the Bayes and GLRT labels."""
    y_true = np.repeat([0, 1], 10_000)
    windows, _ = _fresh_windows(np.where(y_true == 1, 1.1, 1.0), noise=0.5, seed=9)
    probabilities = classify_bayes(windows, step=STEP, noise=0.5)
    glrt = matched_filter_classify(windows, step=STEP).labels
    return y_true, probabilities, glrt


def test_classifier_is_at_least_as_accurate_as_the_matched_filter(fresh_classes):
    y_true, probabilities, glrt = fresh_classes
    bayes_right, glrt_right = (probabilities > 0.5) == y_true, glrt == y_true
    assert 0.87 < bayes_right.mean() < 0.93
    assert bayes_right.mean() >= glrt_right.mean()
    gap = difference_interval(bayes_right, glrt_right)
    assert gap.high > 0 and gap.low > -0.5


def test_classifier_probabilities_are_calibrated(fresh_classes):
    y_true, probabilities, _ = fresh_classes
    assert ((0 <= probabilities) & (probabilities <= 1)).all()
    bins = np.digitize(probabilities, np.linspace(0, 1, 11)[1:-1])
    for b in range(10):
        chosen = bins == b
        if chosen.sum() >= 500:
            assert abs(probabilities[chosen].mean() - y_true[chosen].mean()) < 0.04, b
    # calibrated probabilities predict their own accuracy
    expected_accuracy = np.maximum(probabilities, 1 - probabilities).mean()
    assert abs(expected_accuracy - ((probabilities > 0.5) == y_true).mean()) < 0.01


def test_classifier_swapping_the_classes_swaps_the_probabilities():
    windows, _ = _fresh_windows([1.0, 1.1, 1.05], noise=0.7, seed=10)
    p = classify_bayes(windows, step=STEP, noise=0.7)
    q = classify_bayes(windows[:, :, None], step=STEP, noise=0.7, frequencies=(1.1, 1.0))
    assert p.shape == (3,)
    np.testing.assert_allclose(p + q, 1.0, atol=1e-12)


def test_classifier_with_tiny_noise_is_certain_and_right():
    y_true = np.array([0, 1, 0, 1])
    windows, _ = _fresh_windows(np.where(y_true == 1, 1.1, 1.0), noise=1e-3, seed=11)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = classify_bayes(windows, step=STEP, noise=1e-3)
    np.testing.assert_array_equal(p, y_true.astype(float))


# --- validation ----------------------------------------------------------------------------------

GOOD = np.zeros((2, 5))


@pytest.mark.parametrize("function", [forecast_bayes, classify_bayes])
@pytest.mark.parametrize("kwargs, error, message", [
    ({"noise": 0}, ValueError, "`noise` must be greater than 0. Received: noise=0."),
    ({"noise": float("inf")}, ValueError, "`noise` must be a finite number. Received: noise=inf."),
    ({"step": -0.1}, ValueError, "`step` must be greater than 0. Received: step=-0.1."),
    ({"amplitude": 0.0}, ValueError, "`amplitude` must be greater than 0. Received: amplitude=0.0."),
    ({"noise": "0.5"}, TypeError, "`noise` must be a number."),
    ({"windows": np.zeros((2, 5, 2))}, ValueError, r"`windows` must have shape \(n_windows, window\)"),
    ({"windows": np.zeros(5)}, ValueError, r"`windows` must have shape \(n_windows, window\)"),
    ({"windows": [[0.0, np.nan, 1.0]]}, ValueError, "`windows` must not contain NaN"),
])
def test_validation_messages(function, kwargs, error, message):
    arguments = {"windows": GOOD, "step": 0.1, "noise": 0.5, **kwargs}
    windows = arguments.pop("windows")
    with pytest.raises(error, match=message):
        function(windows, **arguments)


OWN_ARGUMENTS = [  # (function, one of its own arguments, bad values of it, what the message says)
    (forecast_bayes, "frequency", [0.0, -1.0, float("nan")], "`frequency` must be"),
    (classify_bayes, "frequencies", [(1.0, 1.0), (1.0, -1.1), (0.0, 1.0), (1.0,), "ab"],
     r"`frequencies` must be two different positive numbers \(class 0"),
    (forecast_bayes, "horizon", [0, [3, 0]], "`horizon` must be"),
    (lessonlib.predictive_interval_bayes, "level", [0, 1, 1.5, -0.1], "level"),
]


@pytest.mark.parametrize("function, keyword, value, message", [
    (function, keyword, value, message) for function, keyword, values, message in OWN_ARGUMENTS for value in values])
def test_each_functions_own_arguments_are_checked(function, keyword, value, message):
    with pytest.raises(ValueError, match=message):
        function(GOOD, step=0.1, noise=0.5, **{keyword: value})


# --- the Bayes forecast many steps ahead (lesson 4) -----------------------------------------------

def _monte_carlo_forecast(window, horizon, noise, n_phases=400_000, seed=0):
    """The posterior mean of sin(t_end + horizon * step + phase) by importance sampling of uniform phases."""
    phases = np.random.default_rng(seed).uniform(0, 2 * np.pi, n_phases)
    t = STEP * np.arange(len(window))
    log_w = -((window[None, :] - np.sin(t[None, :] + phases[:, None])) ** 2).sum(axis=1) / (2 * noise**2)
    w = np.exp(log_w - log_w.max())
    return float(w @ np.sin(t[-1] + horizon * STEP + phases) / w.sum())


@pytest.mark.parametrize("horizon", [1, 7, 35, 100])
def test_forecast_bayes_many_steps_ahead_is_the_posterior_mean_by_monte_carlo(horizon):
    data = lessonlib.sine_windows_ahead(3, window=20, horizon=1, noise=1.0, seed=3)
    ours = lessonlib.forecast_bayes(data.x, step=STEP, noise=1.0, horizon=horizon)
    for window, value in zip(data.x[:, :, 0], ours, strict=True):
        assert value == pytest.approx(_monte_carlo_forecast(window, horizon, 1.0), abs=5e-3)


def test_forecast_bayes_with_several_horizons_stacks_the_single_ones():
    data = lessonlib.sine_windows_ahead(50, window=30, horizon=1, noise=0.5, seed=0)
    many = lessonlib.forecast_bayes(data.x, step=STEP, noise=0.5, horizon=[1, 5, 40])
    assert many.shape == (50, 3)
    for column, h in enumerate([1, 5, 40]):
        np.testing.assert_allclose(many[:, column], lessonlib.forecast_bayes(data.x, step=STEP, noise=0.5, horizon=h))
    np.testing.assert_array_equal(lessonlib.forecast_bayes(data.x, step=STEP, noise=0.5, horizon=1),
                                  lessonlib.forecast_bayes(data.x, step=STEP, noise=0.5))


def test_forecast_bayes_many_steps_ahead_beats_the_sine_fit_at_every_horizon():
    data = lessonlib.sine_windows_ahead(4000, window=50, horizon=40, noise=0.5, seed=5)
    bayes = lessonlib.forecast_bayes(data.x, step=STEP, noise=0.5, horizon=np.arange(1, 41))
    for h in [1, 10, 40]:
        fit = lessonlib.forecast_sine_fit(data.x, frequency=1.0, step=STEP, horizon=h)
        truth = data.y_clean[:, h - 1]
        assert np.mean((bayes[:, h - 1] - truth) ** 2) < 0.7 * np.mean((fit - truth) ** 2)


# --- the exact predictive interval of the next measured values (lesson 4) ----------------------------

def _posterior_samples(window, *, noise, step, horizons, n_samples, seed):
    """Measured values ``horizons`` steps after ``window``, drawn from the exact posterior predictive by
    Monte Carlo: phases drawn uniformly and kept with probability likelihood / its maximum (rejection
    sampling: no grid, no code shared with the module), then the clean value plus fresh noise."""
    rng = np.random.default_rng(seed)
    t = step * np.arange(len(window))
    kept = []
    while sum(len(k) for k in kept) < n_samples:
        phase = rng.uniform(0, 2 * np.pi, 200_000)
        log_likelihood = -((window[None, :] - np.sin(phase[:, None] + t)) ** 2).sum(axis=1) / (2 * noise**2)
        kept.append(phase[np.log(rng.uniform(size=len(phase))) < log_likelihood - log_likelihood.max() - 1e-9])
    phase = np.concatenate(kept)[:n_samples]
    clean = np.sin(phase[:, None] + t[-1] + step * np.asarray(horizons)[None, :])
    return clean + rng.normal(0, noise, clean.shape)


@pytest.mark.parametrize("window_length, noise", [(50, 0.5), (6, 0.8)])
def test_predictive_interval_is_the_quantiles_of_posterior_samples(window_length, noise):
    x, _ = _fresh_windows([1.0], noise=noise, seed=window_length)
    window = x[0, -window_length:]
    samples = _posterior_samples(window, noise=noise, step=STEP, horizons=[1, 20], n_samples=100_000, seed=3)
    low, high = lessonlib.predictive_interval_bayes([window], step=STEP, noise=noise, horizon=[1, 20])
    assert low.shape == high.shape == (1, 2)
    # 100,000 samples: a 2.5 % quantile's Monte Carlo error is about 0.005 noise units
    np.testing.assert_allclose(low[0], np.quantile(samples, 0.025, axis=0), atol=0.02 * noise)
    np.testing.assert_allclose(high[0], np.quantile(samples, 0.975, axis=0), atol=0.02 * noise)


def test_predictive_interval_covers_its_level_of_fresh_measured_values():
    fresh = lessonlib.sine_windows_ahead(20_000, window=50, horizon=3, noise=0.6, seed=5)
    low, high = lessonlib.predictive_interval_bayes(fresh.x, step=STEP, noise=0.6, horizon=[1, 2, 3], level=0.8)
    coverage = ((low <= fresh.y) & (fresh.y <= high)).mean(axis=0)
    np.testing.assert_allclose(coverage, 0.8, atol=0.012)  # 4 binomial standard deviations of 20,000 draws
    low1, high1 = lessonlib.predictive_interval_bayes(fresh.x[:5], step=STEP, noise=0.6, horizon=2, level=0.8)
    assert low1.shape == (5,)
    np.testing.assert_allclose(low1, low[:5, 1], rtol=1e-9)
    np.testing.assert_allclose(high1, high[:5, 1], rtol=1e-9)


def test_predictive_interval_with_little_noise_is_centred_on_the_clean_value_and_a_little_wider_than_the_noise():
    t = STEP * np.arange(40)
    low, high = lessonlib.predictive_interval_bayes([np.sin(t + 1.0)], step=STEP, noise=0.01, horizon=3)
    assert (low[0] + high[0]) / 2 == pytest.approx(np.sin(STEP * 42 + 1.0), abs=1e-3)
    # the noise's own 95 % (2 * 1.96 * 0.01), widened a little by the phase's uncertainty (about sqrt(2 / 40))
    assert 2 * 1.959964 * 0.01 < high[0] - low[0] < 2 * 1.959964 * 0.01 * np.sqrt(1 + 2 * 2 / 40)


