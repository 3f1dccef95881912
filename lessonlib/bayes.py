"""The best possible forecast and classifier when everything about the sine but its phase is known.

A window is ``amplitude * sin(frequency * t + phase) + noise`` with ``t = step * arange(window)``,
Gaussian noise of known standard deviation, known amplitude and frequency, and a phase that could be
anything (uniform on [0, 2 pi)). Bayes' rule then says exactly what to believe about the phase after
seeing the window: each candidate phase is weighted by how well its sine explains the window,
``exp(-|window - candidate|**2 / (2 noise**2))``. Averaging over those weights gives

* :func:`forecast_bayes`: the posterior-mean forecast of the next clean value, the forecast with the
  smallest mean squared error of any rule that sees the window (the least-squares sine fit is only
  best when the amplitude is unknown too);
* :func:`classify_bayes`: the probability that the window came from the second of two frequencies,
  the classifier with the highest accuracy of any (the matched filter, or GLRT, fits the amplitude
  too and is slightly worse).
* :func:`estimate_frequency_bayes`: lesson 3's posterior-mean estimate of a sine's frequency, with the
  frequency uniform on a range and the phase unknown: the estimate with the smallest mean squared
  error of any, averaged over that prior.

All three weigh a fine, even grid of phases, so they are exact to rounding: the integrand is smooth and
periodic, where the trapezoid rule converges faster than any power of the grid spacing, and the grid
grows with the data's signal-to-noise ratio so that even a very sharp posterior is resolved. The
frequency estimate also weighs an even grid of frequencies, at least 4,001 and finer than a tenth of
the posterior's width. Grid values are computed in blocks of at most ``_BLOCK`` (16 MB), so memory
stays bounded whatever the number of windows.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    check_float,
    check_freq_range,
    check_frequencies,
    check_increasing,
    check_int,
    check_same_length,
    check_series,
    check_signals,
    check_windows,
)
from .signals import FREQ_RANGE, FREQUENCIES

_MIN_PHASES = 720
_MAX_PHASES = 2**16  # below a noise of about 1e-3 the grid spacing, 1e-4 radian, limits the precision
_BLOCK = 2**21  # grid values held at once (16 MB), whatever the number of windows
_MIN_FREQUENCIES = 4001
_MAX_FREQUENCIES = 2**17
_NEGLIGIBLE = 36.0  # log-weights this far below a sequence's peak (e**-36 = 2e-16) are left out


def forecast_bayes(windows, *, step, noise, frequency=1.0, amplitude=1.0, horizon=1):
    """Posterior-mean forecast of the next clean value (or the one ``horizon`` steps ahead), with only
    the phase of the sine unknown.

    Each window, of shape (window,) or (window, 1) with ``window >= 2``, is taken to be
    ``amplitude * sin(frequency * t + phase)`` plus white Gaussian noise of standard deviation ``noise``,
    with ``t = step * arange(window)`` and ``phase`` uniform on [0, 2 pi). The forecast, one ``step``
    after the last sample, is the average of ``amplitude * sin(frequency * (t[-1] + step) + phase)`` over
    the phase's posterior: it minimises the expected squared error against the next clean value.
    With ``horizon`` it forecasts the clean value ``horizon`` steps after the last sample instead (the
    best ``horizon``-step forecast); a sequence of horizons gives one column each, from one posterior.

    Examples
    --------
    A clean window with little noise: the forecast is the sine's next value.

    >>> t = 0.2 * np.arange(31)
    >>> window = np.sin(t[:30] + 1.0)
    >>> forecast_bayes([window], step=0.2, noise=0.01).round(4)
    array([0.657])
    >>> round(float(np.sin(t[30] + 1.0)), 4)
    0.657

    With much noise and a short window the phase is uncertain: the average over plausible phases
    is pulled towards 0.

    >>> forecast_bayes([window[-3:]], step=0.2, noise=2.0).round(4)
    array([0.0989])

    Several steps ahead: 1 and 10 steps after the window's last sample, ``t = 0.2 * 29``:

    >>> forecast_bayes([window], step=0.2, noise=0.01, horizon=[1, 10]).round(4)
    array([[0.657 , 0.5849]])
    >>> round(float(np.sin(0.2 * (29 + 10) + 1.0)), 4)
    0.5849
    """
    windows, step, t, noise = _check_windows(windows, step, noise)
    frequency, amplitude = _positive("frequency", frequency), _positive("amplitude", amplitude)
    horizons = [check_int("horizon", h, low=1) for h in np.ravel(horizon)]
    phases, blocks = _phase_log_likelihoods(windows, t, noise, frequency, amplitude)
    future = amplitude * np.sin(frequency * (t[-1] + step * np.asarray(horizons))[None, :] + phases[:, None])
    forecasts = np.concatenate([_posterior_mean(block, future) for block in blocks])
    return forecasts if np.ndim(horizon) else forecasts[:, 0]


def classify_bayes(windows, *, step, noise, frequencies=FREQUENCIES, amplitude=1.0):
    """Probability that each window is the sine of ``frequencies[1]`` rather than ``frequencies[0]``.

    Each class is ``amplitude * sin(frequency * t + phase)`` plus white Gaussian noise of standard
    deviation ``noise``, ``t = step * arange(window)``, with the phase unknown and uniform on
    [0, 2 pi). The likelihood of each class averages over the phase, and Bayes' rule with equal priors
    turns the two likelihoods into a probability (exactly 0 or 1 when the evidence is overwhelming).
    Labelling ``p > 0.5`` as class 1 gives the most accurate classifier possible.

    Examples
    --------
    >>> t = 0.2 * np.arange(40)
    >>> windows = [np.sin(1.0 * t + 0.5), np.sin(1.1 * t + 2.0)]
    >>> p = classify_bayes(windows, step=0.2, noise=0.5)
    >>> p.round(3)
    array([0.156, 0.936])
    >>> (p > 0.5).astype(int)
    array([0, 1])
    """
    windows, _, t, noise = _check_windows(windows, step, noise)
    frequencies, amplitude = check_frequencies(frequencies), _positive("amplitude", amplitude)
    log_evidence = []
    for frequency in frequencies:
        _, blocks = _phase_log_likelihoods(windows, t, noise, frequency, amplitude)
        log_evidence.append(np.concatenate([_log_mean_exp(block) for block in blocks]))
    log_odds = log_evidence[1] - log_evidence[0]
    return np.exp(-np.logaddexp(0.0, -log_odds))  # 1 / (1 + exp(-log_odds)), without overflow


def estimate_frequency_bayes(signals, t, *, noise, freq_range=FREQ_RANGE, amplitude=1.0):
    r"""Posterior-mean estimate of each row's angular frequency, with the phase unknown.

    Each row of ``signals``, sampled at the strictly increasing times ``t``, is taken to be
    ``amplitude * sin(frequency * t + phase)`` plus white Gaussian noise of standard deviation ``noise``,
    with the frequency uniform on ``freq_range = (low, high)`` and the phase uniform on [0, 2 pi),
    independently: lesson 3's sequences. The estimate, in ``[low, high]``, is the mean of the frequency's
    posterior, the phase integrated out,

    .. math:: \hat f = \frac{\int f\,L(f)\,df}{\int L(f)\,df}, \qquad
              L(f) = \frac{1}{2\pi}\int_0^{2\pi} e^{-\lVert x - A \sin(f t + \varphi)\rVert^2 / 2\sigma^2}\,d\varphi,

    and no estimate has a smaller mean squared error averaged over that prior (the least-squares
    estimate, ``estimate_frequency``, does not know the amplitude, the noise level or the prior). Both
    integrals are sums over even grids: frequencies by Simpson's rule, at least 4,001 of them and
    spaced under a tenth of the posterior's width; phases around the circle by the trapezoid rule, at
    least 32 and enough to resolve the sharpest phase posterior. Grid points whose weight is provably
    below ``e**-36`` of a sequence's peak (from bounds on the phase integral) are skipped, which is
    what makes it fast: the posterior is narrow, and most frequencies are never weighed. Frequencies
    above the Nyquist limit ``pi / (t[1] - t[0])`` alias, as for any estimator.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = np.linspace(0, 10, 50)
    >>> signals = np.sin(np.outer([1.7, 3.25], t) + [[0.4], [2.0]]) + rng.normal(0, 0.3, (2, 50))
    >>> estimate_frequency_bayes(signals, t, noise=0.3).round(2)
    array([1.67, 3.25])

    With much noise the data say little, and the estimate is pulled towards the prior's middle, 3:

    >>> estimate_frequency_bayes(signals[:1], t, noise=5.0).round(2)
    array([2.94])
    """
    signals = check_signals("signals", signals)
    t = check_series("t", t, min_length=2)
    check_same_length("t", t, "each row of signals", signals[0])
    check_increasing("t", t)
    noise, freq_range = _positive("noise", noise), check_freq_range(freq_range)
    amplitude = _positive("amplitude", amplitude)
    # The frequency grid: an odd number of points (for Simpson's rule) spaced under a tenth of the posterior's
    # width, the Cramer-Rao bound noise / (amplitude * sqrt(sum((t - mean t)**2) / 2)).
    low, high = freq_range
    width = noise / (amplitude * np.sqrt(0.5 * np.sum((t - t.mean()) ** 2)))
    n_intervals = int(min(max(_MIN_FREQUENCIES - 1, np.ceil(10 * (high - low) / width)), _MAX_FREQUENCIES - 1))
    grid = np.linspace(low, high, n_intervals + n_intervals % 2 + 1)
    simpson = np.ones(len(grid))  # Simpson's rule, 1 4 2 4 ... 2 4 1: exact to h**4 even at the edges
    simpson[1:-1:2], simpson[2:-1:2] = 4, 2
    log_spacing = np.log(simpson)
    projections, z = _frequency_projections(t, grid, amplitude / noise**2, amplitude**2 / (4 * noise**2))
    r2, arg_z = np.abs(z), np.angle(z)
    # With a, b = A x . (sin ft, cos ft) / sigma**2, r1 = |a, b| and theta = atan2(b, a), the log-likelihood is,
    # up to a constant per row, r1 cos(phase - theta) + r2 cos(2 phase + arg z), the second term from |sin|**2.
    # Its phase integral lies within a factor e**r2 of 2 pi I0(r1), and r1 - log(1 + 2 pi r1) / 2 <= log I0(r1)
    # <= r1: a frequency whose r1 + r2 is more than _NEGLIGIBLE below the row's largest r1 - r2, less that
    # slack, cannot matter, and only the others are integrated over the phase.
    means = []
    for rows in _blocks(len(signals), 2 * len(grid)):
        a, b = projections(signals[rows])
        r1 = np.sqrt(a * a + b * b)
        slack = 0.5 * np.log1p(2 * np.pi * r1.max(axis=1, keepdims=True))
        matters = r1 + r2 >= (r1 - r2).max(axis=1, keepdims=True) - slack - _NEGLIGIBLE
        row, column = np.nonzero(matters)
        log_weight = np.full(matters.shape, -np.inf)
        log_weight[row, column] = log_spacing[column] + _log_phase_integral(
            r1[row, column], r2[column], 2 * np.arctan2(b[row, column], a[row, column]) + arg_z[column])
        means.append(_posterior_mean(log_weight, grid))
    return np.clip(np.concatenate(means), *freq_range)


def _positive(name, value):
    return check_float(name, value, low=0, low_open=True)


def _check_windows(windows, step, noise):
    """The checked windows, step, sample times and noise of the forecast and the classifier."""
    windows = check_windows("windows", windows)
    step, noise = _positive("step", step), _positive("noise", noise)
    return windows, step, step * np.arange(windows.shape[1]), noise


def _blocks(n_rows, row_size):
    """Slices of the ``n_rows`` rows, each holding at most ``_BLOCK`` values (at least one row)."""
    rows = max(1, _BLOCK // row_size)
    return [slice(start, start + rows) for start in range(0, n_rows, rows)]


def _even_phases(n_phases, at_least):
    """``ceil(n_phases)`` even phases on [0, 2 pi), within ``[at_least, _MAX_PHASES]``."""
    n_phases = int(np.clip(np.ceil(n_phases), at_least, _MAX_PHASES))
    return 2 * np.pi * np.arange(n_phases) / n_phases


def _posterior_mean(log_weight, values):
    """The mean of ``values`` under each row's weights ``exp(log_weight)``, without overflow."""
    weight = np.exp(log_weight - log_weight.max(axis=1, keepdims=True))
    total = weight.sum(axis=1)
    return weight @ values / (total[:, None] if np.ndim(values) == 2 else total)


def _log_mean_exp(values):
    """log(mean(exp(values))) along each row, without overflow: the log of the phase average."""
    peak = values.max(axis=1)
    return peak + np.log(np.exp(values - peak[:, None]).mean(axis=1))


def _phase_log_likelihoods(windows, t, noise, frequency, amplitude):
    """An even grid of phases, and log p(window | phase) up to a constant per window, in blocks of windows.

    The log-likelihood is ``-|x - A s|**2 / (2 noise**2)`` with ``s = sin(frequency t + phase)``, less the
    ``|x|**2`` term (the same for every phase and class). ``x . s`` needs only two dot products per window, as
    ``sin(wt + phase) = sin(wt) cos(phase) + cos(wt) sin(phase)``, and ``|s|**2 = sum(1 - cos(2 wt + 2 phase)) / 2``
    one sum for all phases. That is ``a cos + b sin`` of the phase plus the same of twice the phase, of curvature
    at most ``|a, b| + 4 |c, d|``; the grid spaces its phases under 0.7 of the sharpest posterior's width,
    ``1 / sqrt(curvature)``, where the trapezoid rule's relative error is ``exp(-40)``.
    """
    double = np.exp(2j * frequency * t).sum()
    linear = np.abs(windows @ np.exp(1j * frequency * t)).max()
    phases = _even_phases(9 * np.sqrt(amplitude * (linear + amplitude * np.abs(double)) / noise**2), _MIN_PHASES)
    energy = (len(t) - np.real(np.exp(2j * phases) * double)) / 2
    rotate = np.vstack([np.cos(phases), np.sin(phases)])
    projections = windows @ np.column_stack([np.sin(frequency * t), np.cos(frequency * t)])
    blocks = ((amplitude * (projections[rows] @ rotate) - 0.5 * amplitude**2 * energy) / noise**2
              for rows in _blocks(len(windows), len(phases)))
    return phases, blocks


def _frequency_projections(t, grid, scale, z_scale):
    """A function of rows ``x`` giving ``scale * x @ sin(f t)`` and ``scale * x @ cos(f t)`` for every grid
    frequency ``f``, and ``z_scale * sum(exp(2i f t))`` on the grid.

    The sines and cosines are built in chunks of at most ``_BLOCK`` values, and kept when they take at most four
    blocks of memory, else rebuilt for every block of rows.
    """
    chunks = [grid[columns] for columns in _blocks(len(grid), 2 * len(t))]

    def basis(chunk):
        angle = np.multiply.outer(t, chunk)
        return scale * np.hstack([np.sin(angle), np.cos(angle)])

    z = z_scale * np.concatenate([np.exp(2j * np.multiply.outer(chunk, t)).sum(axis=1) for chunk in chunks])
    kept = [basis(chunk) for chunk in chunks] if 2 * len(t) * len(grid) <= 4 * _BLOCK else None

    def projections(x):
        parts = [x @ (kept[i] if kept is not None else basis(chunk)) for i, chunk in enumerate(chunks)]
        return (np.hstack([part[:, :len(chunk)] for part, chunk in zip(parts, chunks, strict=True)]),
                np.hstack([part[:, len(chunk):] for part, chunk in zip(parts, chunks, strict=True)]))

    return projections, z


def _log_phase_integral(r1, r2, delta):
    """``log(mean over phases psi of exp(r1 cos(psi) + r2 cos(2 psi + delta)))`` per entry, by the trapezoid
    rule on an even grid of phases measured from each entry's peak phase ``theta`` (a shifted even grid is as
    exact), with ``r1`` and each entry's largest value taken out of the exponent against overflow.

    Phases where ``r1 (1 - cos psi) > 2 r2 + _NEGLIGIBLE`` lie below ``e**-_NEGLIGIBLE`` of the value at
    ``psi = 0`` and are left out; the rest number ``7 sqrt(r1 + 4 r2)`` at least (smooth in the frequency).
    """
    psi = _even_phases(7 * np.sqrt((r1 + 4 * r2).max()), 32)
    n_phases = len(psi)
    reach = min(2.0, (2 * r2.max() + _NEGLIGIBLE) / max(r1.min(), 1e-300))
    psi = np.where(psi > np.pi, psi - 2 * np.pi, psi)
    psi = psi[1 - np.cos(psi) <= reach]
    trig = np.vstack([np.cos(psi) - 1, np.cos(2 * psi), -np.sin(2 * psi)])
    coefficients = np.column_stack([r1, r2 * np.cos(delta), r2 * np.sin(delta)])
    logs = np.empty(len(r1))
    for rows in _blocks(len(r1), len(psi)):
        values = coefficients[rows] @ trig
        peak = values.max(axis=1)  # taken out of the exponent: no overflow, however sharp the posterior
        values -= peak[:, None]
        logs[rows] = peak + np.log(np.exp(values, out=values).sum(axis=1) / n_phases)
    return r1 + logs


def predictive_interval_bayes(windows, *, step, noise, horizon=1, level=0.95, frequency=1.0, amplitude=1.0):
    """The exact central ``level`` interval of the next *measured* value (the clean sine plus its noise)
    ``horizon`` steps after each window: the Bayes posterior predictive, with only the phase unknown.

    The model is :func:`forecast_bayes`'s. Given the window, the value ``h`` steps on is a mixture over
    the phase's posterior of normal laws ``N(amplitude sin(frequency t_h + phase), noise**2)``; the interval
    runs from its ``(1 - level) / 2`` quantile to its ``(1 + level) / 2`` quantile, so that 95 % of fresh
    values fall inside (for ``level=0.95``), neither more nor less. A forecaster's interval can be checked
    against it. Each quantile is found by Newton's method on the mixture's distribution function, written
    as a series in the central moments of the clean value (exact to about 1e-9 when the noise is wide
    against the clean value's spread; else the whole mixture is summed, by bisection).

    Returns ``(low, high)``, each of shape (n,) or, for a sequence of horizons, (n, len(horizon)).

    Examples
    --------
    >>> t = 0.2 * np.arange(40)
    >>> low, high = predictive_interval_bayes([np.sin(t + 1.0)], step=0.2, noise=0.01, horizon=[1, 5])
    >>> ((low + high) / 2).round(4), (high - low).round(4)  # about the clean values; a bit over 2 * 1.96 * 0.01
    (array([[ 0.4121, -0.3665]]), array([[0.0401, 0.0401]]))
    >>> round(float(np.sin(0.2 * 40 + 1.0)), 4), round(float(np.sin(0.2 * 44 + 1.0)), 4)
    (0.4121, -0.3665)
    """
    from scipy.special import ndtri

    windows, step, t, noise = _check_windows(windows, step, noise)
    frequency, amplitude = _positive("frequency", frequency), _positive("amplitude", amplitude)
    level = check_float("level", level, low=0, high=1, low_open=True, high_open=True)
    horizons = [check_int("horizon", h, low=1) for h in np.ravel(horizon)]
    phases, blocks = _phase_log_likelihoods(windows, t, noise, frequency, amplitude)
    angle = frequency * (t[-1] + step * np.asarray(horizons))  # the clean value h steps on: A sin(angle + phase)
    bounds = []
    for block in blocks:
        weight = np.exp(block - block.max(axis=1, keepdims=True))
        weight /= weight.sum(axis=1, keepdims=True)
        moments = _clean_moments(weight, phases, angle, amplitude)
        bounds.append([_mixture_quantile(moments, noise, q, ndtri(q), weight, phases, angle, amplitude)
                       for q in ((1 - level) / 2, (1 + level) / 2)])
    low, high = (np.concatenate([b[i] for b in bounds]) for i in (0, 1))
    return (low, high) if np.ndim(horizon) else (low[:, 0], high[:, 0])


_SERIES_ORDER = 10  # central moments of the clean value kept in the predictive's series
_SERIES_TAIL = 1e-6  # the series' last term may be at most this (its error is far smaller), else the mixture is summed


def _clean_moments(weight, phases, angle, amplitude):
    """The posterior mean and central moments (orders 0 to ``_SERIES_ORDER``) of ``A sin(angle + phase)`` for
    each row (window) and angle (horizon), from the phase's circular moments ``E[exp(i k phase)]``: with
    ``sin u = (e^{iu} - e^{-iu}) / 2i``, ``E[sin^n u] = (2i)^-n sum_j C(n, j) (-1)^(n-j) e^{i(2j-n) angle} c_{2j-n}``.
    """
    from math import comb

    n = _SERIES_ORDER
    circular = weight @ np.exp(1j * np.outer(phases, np.arange(n + 1)))  # c_k, k = 0..n, (rows, n + 1)
    turn = np.exp(1j * np.outer(np.arange(-n, n + 1), angle))  # e^{i k angle}, k = -n..n, (2n + 1, horizons)

    def c(k):  # E[e^{ik phase}] for k of either sign, (rows, 1)
        return (circular[:, k] if k >= 0 else np.conj(circular[:, -k]))[:, None]

    raw = [np.ones((len(weight), len(angle)))]
    for order in range(1, n + 1):
        total = sum(comb(order, j) * (-1) ** (order - j) * turn[2 * j - order + n] * c(2 * j - order)
                    for j in range(order + 1))
        raw.append(np.real(total / (2j) ** order) * amplitude**order)
    mean = raw[1]
    shifted = [np.ones_like(mean)]
    for _ in range(n):
        shifted.append(shifted[-1] * -mean)
    central = [sum(comb(order, j) * raw[j] * shifted[order - j] for j in range(order + 1)) for order in range(n + 1)]
    return mean, central


def _mixture_quantile(moments, noise, q, z_q, weight, phases, angle, amplitude):
    """The ``q`` quantile of ``sum_k weight[i, k] N(A sin(angle[j] + phases[k]), noise**2)`` for each row i and
    column j, from the clean value's posterior mean ``m`` and central moments ``mu_n`` (``moments``).

    With ``z = (y - m) / noise`` the distribution function is ``Phi(z) - phi(z) sum_{n >= 2} mu_n He_{n-1}(z) /
    (n! noise**n)`` (a Taylor series of ``Phi((y - s) / noise)`` about ``s = m``; He the Hermite polynomials)
    and its density ``phi(z) / noise (1 + sum_{n >= 2} mu_n He_n(z) / (n! noise**n))``. Newton's method from
    the normal law with the same variance converges in a few steps; entries whose series is not negligible at
    its last term are solved on the whole mixture, by bisection.
    """
    from math import factorial

    from scipy.special import ndtr

    mean, central = moments
    coefficient = [central[n] / (factorial(n) * noise**n) for n in range(_SERIES_ORDER + 1)]
    y = mean + z_q * np.sqrt(noise**2 + np.maximum(central[2], 0))
    for _ in range(6):
        z = (y - mean) / noise
        hermite = [np.ones_like(z), z]
        for k in range(1, _SERIES_ORDER):
            hermite.append(z * hermite[k] - k * hermite[k - 1])
        density = np.exp(-z**2 / 2) / np.sqrt(2 * np.pi)
        cdf = ndtr(z) - density * sum(coefficient[n] * hermite[n - 1] for n in range(2, _SERIES_ORDER + 1))
        pdf = density / noise * (1 + sum(coefficient[n] * hermite[n] for n in range(2, _SERIES_ORDER + 1)))
        y = y - (cdf - q) / np.maximum(pdf, 1e-12 / noise)
    tail = np.abs(coefficient[_SERIES_ORDER]) * factorial(_SERIES_ORDER) ** 0.5 * 4  # |He_n phi| < sqrt(n!)
    rows, columns = np.nonzero(~(tail < _SERIES_TAIL) | ~np.isfinite(y))
    if len(rows):
        future = amplitude * np.sin(angle[columns][:, None] + phases[None, :])
        y[rows, columns] = _mixture_quantile_summed(weight[rows], future, noise, q)
    return y


def _mixture_quantile_summed(weight, future, noise, q, iterations=45):
    """The ``q`` quantile of ``sum_k weight[i, k] N(future[i, k], noise**2)`` for each row i, by bisection
    on the whole mixture: between the smallest and the largest component's own quantile."""
    from scipy.special import ndtr, ndtri

    low = future.min(axis=1) + noise * ndtri(q)
    high = future.max(axis=1) + noise * ndtri(q)
    for _ in range(iterations):
        middle = (low + high) / 2
        below = np.sum(weight * ndtr((middle[:, None] - future) / noise), axis=1) < q
        low, high = np.where(below, middle, low), np.where(below, high, middle)
    return (low + high) / 2
