"""Reading off a sine's frequency: the lesson's regression data, a classical estimator, its bound.

The network gets short noisy sequences ``sin(f t + phase) + noise`` and must output ``f``. The
classical answer is maximum likelihood: find the frequency whose best-fitting sine (amplitude and
phase free) leaves the smallest residual. No unbiased estimator can beat the Cramér-Rao bound, and
this one nearly reaches it, so together they show how far a network is from the best possible.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import (
    check_bool,
    check_float,
    check_freq_range,
    check_increasing,
    check_int,
    check_same_length,
    check_series,
    check_signals,
)

_GOLDEN = (np.sqrt(5.0) - 1) / 2
_MAX_GRID = 20_000


class FrequencyData(NamedTuple):
    """Shared time axis, one noisy sequence per row, and each row's true frequency and phase."""

    t: np.ndarray
    signals: np.ndarray
    frequencies: np.ndarray
    phases: np.ndarray


def random_frequency_sequences(n_sequences=1000, *, n_points=50, duration=10.0, freq_range=(1.0, 5.0),
                               noise=0.3, seed=0):
    """The lesson's regression data: many short noisy sines, each with its own frequency and phase.

    Row ``i`` is ``sin(frequencies[i] * t + phases[i])`` plus Gaussian noise, on
    ``t = np.linspace(0, duration, n_points)``. Phases are uniform on [0, 2 pi) and (angular)
    frequencies uniform on ``freq_range``, drawn in that order from ``np.random.default_rng(seed)``,
    then the noise.

    Parameters
    ----------
    n_sequences : int, default 1000
        Number of sequences (rows); at least 1.
    n_points : int, default 50
        Samples per sequence; at least 3.
    duration : float, default 10.0
        Time from the first to the last sample of each sequence; positive.
    freq_range : pair of float, default (1.0, 5.0)
        ``(low, high)`` with ``0 < low < high``, in radians per time unit.
    noise : float, default 0.3
        Standard deviation of the Gaussian noise; at least 0.
    seed : int, default 0
        Seed of the random generator. The same seed gives the same data.

    Returns
    -------
    FrequencyData
        Named tuple ``(t, signals, frequencies, phases)`` with ``t`` of shape ``(n_points,)``,
        ``signals`` of shape ``(n_sequences, n_points)``, the other two of shape ``(n_sequences,)``.

    Raises
    ------
    ValueError, TypeError
        For counts below their minimum, a non-positive ``duration``, a negative ``noise`` or ``seed``,
        or a ``freq_range`` that is not ``(low, high)`` with ``0 < low < high``.

    Examples
    --------
    >>> data = random_frequency_sequences(4, seed=0)
    >>> data.t.shape, data.signals.shape, data.frequencies.shape
    ((50,), (4, 50), (4,))
    >>> bool(((1.0 <= data.frequencies) & (data.frequencies < 5.0)).all())
    True
    >>> clean = np.sin(data.frequencies[:, None] * data.t + data.phases[:, None])
    >>> round(float(np.std(data.signals - clean)), 1)
    0.3
    """
    n_sequences = check_int("n_sequences", n_sequences, low=1)
    n_points = check_int("n_points", n_points, low=3)
    duration = check_float("duration", duration, low=0, low_open=True)
    freq_range = check_freq_range(freq_range)
    noise = check_float("noise", noise, low=0)
    seed = check_int("seed", seed, low=0)
    return _random_frequency_sequences(n_sequences, n_points, duration, freq_range, noise, seed)


def _random_frequency_sequences(n_sequences, n_points, duration, freq_range, noise, seed):
    rng = np.random.default_rng(seed)
    t = np.linspace(0, duration, n_points)
    phases = rng.uniform(0, 2 * np.pi, n_sequences)
    frequencies = rng.uniform(*freq_range, n_sequences)
    clean = np.sin(frequencies[:, None] * t + phases[:, None])
    return FrequencyData(t, clean + rng.normal(0, noise, clean.shape), frequencies, phases)


def estimate_frequency(signals, t, *, freq_range=(1.0, 5.0), fit_offset=False):
    """Least-squares (maximum-likelihood) estimate of each row's angular frequency.

    For a trial frequency ``w``, ``a sin(w t) + b cos(w t)`` (plus a constant ``c`` if
    ``fit_offset``) is fitted to the row by linear least squares; the estimate is the ``w`` whose
    fit leaves the smallest residual: the maximum-likelihood estimate in white Gaussian noise.
    It is found in two stages, both vectorized over rows: the best ``w`` on a fine grid over
    ``freq_range`` (step at most ``(high - low) / 1000`` and ``pi / (8 * (t[-1] - t[0]))``, at most
    20,000 points), then a golden-section search between the grid neighbours of that peak.
    Frequencies above the Nyquist limit ``pi / (t[1] - t[0])`` alias and cannot be told apart.

    Parameters
    ----------
    signals : array-like of shape (n_sequences, n_points) or (n_sequences, n_points, 1)
        One finite sequence per row.
    t : array-like of shape (n_points,)
        Sample times, strictly increasing, shared by all rows; ``n_points >= 3``.
    freq_range : pair of float, default (1.0, 5.0)
        ``(low, high)`` with ``0 < low < high``: where to search; the estimates stay inside it.
    fit_offset : bool, default False
        Also fit a constant, for signals that are not centred on 0.

    Returns
    -------
    ndarray of shape (n_sequences,)
        Estimated angular frequencies, in ``[low, high]``.

    Raises
    ------
    ValueError, TypeError
        If ``signals`` is not 2-D or not finite, ``t`` is not 1-D, increasing and as long as a row,
        or ``freq_range`` is not ``(low, high)`` with ``0 < low < high``.

    Examples
    --------
    >>> t = np.linspace(0, 10, 50)
    >>> signals = [np.sin(1.7 * t + 0.4), 0.5 * np.cos(3.25 * t)]
    >>> estimate_frequency(signals, t).round(6)
    array([1.7 , 3.25])
    """
    signals = check_signals("signals", signals)
    t = check_series("t", t, min_length=3)
    check_same_length("t", t, "each row of signals", signals[0])
    check_increasing("t", t)
    freq_range = check_freq_range(freq_range)
    fit_offset = check_bool("fit_offset", fit_offset)
    return _estimate_frequency(signals, t, freq_range, fit_offset)


def _estimate_frequency(signals, t, freq_range, fit_offset):
    low, high = freq_range
    step = min((high - low) / 1000, np.pi / (8 * (t[-1] - t[0])))
    grid = np.linspace(low, high, int(min(np.ceil((high - low) / step), _MAX_GRID - 1)) + 1)
    peak = _grid_peak(signals, t, grid, fit_offset)
    spacing = grid[1] - grid[0]
    lower = np.clip(peak - spacing, low, high)
    upper = np.clip(peak + spacing, low, high)
    return _golden_section(signals, t, lower, upper, fit_offset)


def _basis(w, t, fit_offset):
    """Columns sin(w t), cos(w t) (and 1): shape (..., n_points, 2 or 3) for ``w`` of shape (...)"""
    phase = np.multiply.outer(w, t)
    columns = [np.sin(phase), np.cos(phase)] + ([np.ones_like(phase)] if fit_offset else [])
    return np.stack(columns, axis=-1)


def _grid_peak(signals, t, grid, fit_offset):
    """Grid frequency whose fit explains most of each row: max of |Q_w^T x|^2, Q_w orthonormal."""
    bases, _ = np.linalg.qr(_basis(grid, t, fit_offset))
    n_columns = bases.shape[-1]
    bases = bases.transpose(1, 0, 2).reshape(len(t), -1)
    rows_per_chunk = max(1, 4_000_000 // bases.shape[1])
    peaks = []
    for start in range(0, len(signals), rows_per_chunk):
        projections = signals[start:start + rows_per_chunk] @ bases
        explained = np.sum(projections.reshape(len(projections), -1, n_columns) ** 2, axis=2)
        peaks.append(grid[np.argmax(explained, axis=1)])
    return np.concatenate(peaks)


def _explained(signals, t, w, fit_offset):
    """Squared norm of each row's least-squares fit at its own frequency ``w[i]``."""
    if not fit_offset:  # the 2 x 2 normal equations in closed form: several times faster than solve
        phase = np.multiply.outer(w, t)
        sin, cos = np.sin(phase), np.cos(phase)
        ss, cc, sc = np.sum(sin * sin, axis=1), np.sum(cos * cos, axis=1), np.sum(sin * cos, axis=1)
        sx, cx = np.sum(sin * signals, axis=1), np.sum(cos * signals, axis=1)
        return (cc * sx**2 - 2 * sc * sx * cx + ss * cx**2) / (ss * cc - sc**2)
    basis = _basis(w, t, fit_offset)
    gram = np.einsum("npk,npl->nkl", basis, basis)
    coupling = np.einsum("npk,np->nk", basis, signals)
    return np.einsum("nk,nk->n", coupling, np.linalg.solve(gram, coupling[:, :, None])[:, :, 0])


def _golden_section(signals, t, lower, upper, fit_offset, n_iterations=40):
    """Maximize ``_explained`` per row on [lower, upper] (one peak there); all rows at once."""
    inner_low = upper - _GOLDEN * (upper - lower)
    inner_high = lower + _GOLDEN * (upper - lower)
    value_low = _explained(signals, t, inner_low, fit_offset)
    value_high = _explained(signals, t, inner_high, fit_offset)
    for _ in range(n_iterations):
        go_up = value_high > value_low
        lower = np.where(go_up, inner_low, lower)
        upper = np.where(go_up, upper, inner_high)
        inner_low, inner_high = (np.where(go_up, inner_high, upper - _GOLDEN * (upper - lower)),
                                 np.where(go_up, lower + _GOLDEN * (upper - lower), inner_low))
        new_value = _explained(signals, t, np.where(go_up, inner_high, inner_low), fit_offset)
        value_low, value_high = (np.where(go_up, value_high, new_value),
                                 np.where(go_up, new_value, value_low))
    return (lower + upper) / 2


def cramer_rao_bound(*, n_points=50, duration=10.0, noise=0.3, amplitude=1.0):
    r"""Smallest possible RMSE of an unbiased estimate of a real sine's angular frequency.

    For ``x_k = amplitude * sin(w t_k + phase) + e_k``, ``t_k = k * dt`` with
    ``dt = duration / (n_points - 1)``, ``k = 0 .. N - 1``, ``e_k`` white Gaussian noise of standard
    deviation ``noise`` (sigma), and amplitude ``A`` and phase unknown (no offset), the Fisher
    information for ``w`` once the phase is accounted for is
    ``A**2 / (2 sigma**2) * sum_k (t_k - t_mean)**2 = A**2 dt**2 N (N**2 - 1) / (24 sigma**2)``,
    so

    .. math:: \mathrm{RMSE}(\hat w) \ge \frac{\sqrt{24}\,\sigma}{A\,\Delta t\,\sqrt{N (N^2 - 1)}}.

    Assumptions: the ``1/2`` is the average of ``cos**2(w t + phase)`` over many cycles (exact
    averages over phase and over the lesson's frequencies differ by under 1 %); the bound is
    asymptotic (high SNR; at low SNR the real error jumps above it); knowing sigma changes nothing.
    An unknown constant offset raises it by under 1 % for the default design. This is
    Rife & Boorstyn's (1974) bound ``12 sigma**2 / (A**2 dt**2 N (N**2 - 1))`` for a *complex*
    exponential with complex noise of variance sigma**2, times 2: a real sine carries half the
    information. Forgetting that factor gives 0.0144 instead of 0.0204 for the default design.

    Parameters
    ----------
    n_points : int, default 50
        Number of samples N; at least 3.
    duration : float, default 10.0
        Time from the first to the last sample; positive.
    noise : float, default 0.3
        Noise standard deviation sigma; at least 0.
    amplitude : float, default 1.0
        Amplitude A of the sine; positive.

    Returns
    -------
    float
        The bound on the RMSE, in radians per time unit; proportional to ``noise``.

    Raises
    ------
    ValueError, TypeError
        For ``n_points < 3``, a non-positive ``duration`` or ``amplitude``, or a negative ``noise``.

    Examples
    --------
    >>> round(cramer_rao_bound(), 4)
    0.0204
    >>> round(cramer_rao_bound() / 2**0.5, 4)  # the complex-exponential bound
    0.0144
    """
    n_points = check_int("n_points", n_points, low=3)
    duration = check_float("duration", duration, low=0, low_open=True)
    noise = check_float("noise", noise, low=0)
    amplitude = check_float("amplitude", amplitude, low=0, low_open=True)
    return _cramer_rao_bound(n_points, duration / (n_points - 1), noise, amplitude)


def _cramer_rao_bound(n_points, dt, noise, amplitude):
    return float(np.sqrt(24.0) * noise / (amplitude * dt * np.sqrt(n_points * (n_points**2 - 1))))

