"""Lesson 1's seeded series: a noisy sine. No data set in rnn-lessons is downloaded; each is generated.

The other lessons' generators live with their yardsticks: ``two_sines`` in ``classification``
(lesson 2) and ``random_frequency_sequences`` in ``regression`` (lesson 3). All three are
``lessonlib.<name>``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import check_float, check_int


class SineSeries(NamedTuple):
    """A sampled sine: the time axis, the clean signal and the signal plus noise."""

    t: np.ndarray
    clean: np.ndarray
    noisy: np.ndarray


def noisy_sine(n_points=500, *, t_max=90.0, frequency=1.0, noise=0.5, seed=0, n_history=0):
    """A sine ``sin(frequency * t)`` on ``t`` in [0, t_max], plus Gaussian noise: the lessons' series.

    The defaults are the original lesson's: 500 points on [0, 90], noise standard deviation 0.5.

    Parameters
    ----------
    n_points : int, default 500
        Number of samples on [0, t_max], evenly spaced (``np.linspace(0, t_max, n_points)``).
    t_max : float, default 90.0
        End of the time axis.
    frequency : float, default 1.0
        Angular frequency in radians per time unit: the signal is ``sin(frequency * t)``.
    noise : float, default 0.5
        Standard deviation of the additive Gaussian noise; 0 gives the clean sine.
    seed : int, default 0
        Seed of the noise. The same seed gives the same series.
    n_history : int, default 0
        Extra samples recorded *before* t = 0, at the same spacing ("the same signal, observed for
        longer"). Their noise comes from a separate random stream, so the last ``n_points`` values are
        exactly those of ``noisy_sine(n_points, ...)`` without history.

    Returns
    -------
    SineSeries
        Named tuple ``(t, clean, noisy)`` of three arrays of length ``n_history + n_points``.

    Raises
    ------
    ValueError, TypeError
        For a non-integer or too small ``n_points``, a negative ``noise`` or ``n_history``, or a
        non-positive ``t_max``.

    Examples
    --------
    >>> t, clean, noisy = noisy_sine(seed=0)
    >>> t.shape, round(float(t[1] - t[0]), 4)
    ((500,), 0.1804)
    >>> round(float(np.std(noisy - clean)), 2)
    0.51
    >>> longer = noisy_sine(seed=0, n_history=1000)
    >>> bool(np.array_equal(longer.noisy[1000:], noisy)), round(float(longer.t[0]), 1)
    (True, -180.4)
    """
    n_points = check_int("n_points", n_points, low=2)
    t_max = check_float("t_max", t_max, low=0, low_open=True)
    frequency = check_float("frequency", frequency)
    noise = check_float("noise", noise, low=0)
    seed = check_int("seed", seed, low=0)
    n_history = check_int("n_history", n_history, low=0)
    return _noisy_sine(n_points, t_max, frequency, noise, seed, n_history)


def _noisy_sine(n_points, t_max, frequency, noise, seed, n_history):
    step = t_max / (n_points - 1)
    t = np.linspace(0, t_max, n_points)
    if n_history:
        t = np.concatenate([step * np.arange(-n_history, 0), t])
    recent = np.random.default_rng(seed).normal(0, noise, n_points)
    earlier = np.random.default_rng([seed, 1]).normal(0, noise, n_history)
    clean = np.sin(frequency * t)
    return SineSeries(t, clean, clean + np.concatenate([earlier, recent]))
