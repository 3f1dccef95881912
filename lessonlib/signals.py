"""Every generated data set of the lessons: the noisy sine, the two sines, the random-frequency sequences.

No data set in rnn-lessons is downloaded; each is generated, seeded, and the same seed gives the same
data. The lessons walk through one seeded series and its chronological split (``noisy_sine``,
``two_sines``); a claim about how good a method is, though, is decided on a large set of *independent*
windows or sequences from the same process (``sine_windows``, ``two_sine_windows``,
``random_frequency_sequences``): a few hundred overlapping windows are only a few independent trials.
Frequencies are angular, in radians per time unit.
Lesson 4 adds one real series, weekly CO2 at Mauna Loa (``load_co2``), read from the copy that ships
inside statsmodels' wheel: nothing is downloaded there either.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import check_float, check_freq_range, check_frequencies, check_int

STEP = 90 / 499  # lessons 1 and 2: 500 samples on [0, 90]
FREQUENCIES = (1.0, 1.1)  # lesson 2's two classes: sin t and sin 1.1t
FREQ_RANGE = (1.0, 5.0)  # lesson 3's angular frequencies, drawn uniformly
SAMPLE_SPACING = 10 / 49  # lesson 3: 50 samples over 10 time units


class SineSeries(NamedTuple):
    """A sampled sine: the time axis, the clean signal and the signal plus noise."""

    t: np.ndarray
    clean: np.ndarray
    noisy: np.ndarray


def _noisy_series(n_points, t_max, noise, seed, n_history, n_series):
    """The checked time axis, history first, and ``n_series`` noise arrays along it.

    The recent values' noise is drawn from ``default_rng(seed)``, series after series, the history's
    from a separate stream, so the last ``n_points`` values do not depend on ``n_history``.
    """
    n_points = check_int("n_points", n_points, low=2)
    t_max = check_float("t_max", t_max, low=0, low_open=True)
    noise = check_float("noise", noise, low=0)
    seed = check_int("seed", seed, low=0)
    n_history = check_int("n_history", n_history, low=0)
    t = np.linspace(0, t_max, n_points)
    t = np.concatenate([t[1] * np.arange(-n_history, 0), t])
    rng, earlier = np.random.default_rng(seed), np.random.default_rng([seed, 1])
    return t, [np.concatenate([earlier.normal(0, noise, n_history), rng.normal(0, noise, n_points)])
               for _ in range(n_series)]


def noisy_sine(n_points=500, *, t_max=90.0, frequency=1.0, noise=0.5, seed=0, n_history=0):
    """A sine ``sin(frequency * t)`` on ``t = np.linspace(0, t_max, n_points)``, plus Gaussian noise of
    standard deviation ``noise``: the lessons' series (the defaults are the original lesson's).

    ``n_history`` extra samples are recorded *before* t = 0, at the same spacing ("the same signal,
    observed for longer"). Their noise comes from a separate random stream, so the last ``n_points``
    values are exactly those of ``noisy_sine(n_points, ...)`` without history. Returns a ``SineSeries``
    ``(t, clean, noisy)`` of three arrays of length ``n_history + n_points``.

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
    frequency = check_float("frequency", frequency)
    t, (noise,) = _noisy_series(n_points, t_max, noise, seed, n_history, 1)
    clean = np.sin(frequency * t)
    return SineSeries(t, clean, clean + noise)


class SineWindows(NamedTuple):
    """Independent windows of a noisy sine: inputs, the next noisy value and the next clean value."""

    x: np.ndarray
    y: np.ndarray
    y_clean: np.ndarray


def _phased_windows(n_windows, window, step, noise, frequencies, seed, *, stream, extra=0):
    """Labels cycling through ``frequencies``, and windows of ``window + extra`` values of
    ``sin(frequencies[label] * t + phase)``, clean and noisy: each its own uniform phase and fresh noise."""
    n_windows = check_int("n_windows", n_windows, low=1)
    window = check_int("window", window, low=1)
    step = check_float("step", step, low=0, low_open=True)
    noise = check_float("noise", noise, low=0)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng([seed, stream])
    labels = np.arange(n_windows) % len(frequencies)
    phase = rng.uniform(0, 2 * np.pi, (n_windows, 1))
    clean = np.sin(np.asarray(frequencies)[labels][:, None] * step * np.arange(window + extra) + phase)
    return labels, clean, clean + rng.normal(0, noise, clean.shape)


def sine_windows(n_windows=10_000, *, window=50, step=STEP, noise=0.5, frequency=1.0, seed=1):
    """Independent windows of ``sin(frequency * t + phase)`` plus noise, each with a random phase.

    Lesson 1's process (step 90/499, noise 0.5), cut into windows that share nothing: each has its
    own uniform phase and fresh noise. A large set of them is the fair test of a forecaster, since
    the lesson's 170 overlapping test windows hold only a few independent trials. ``step`` is the time
    between samples, ``noise`` the standard deviation of the noise on every value, the target included.
    The lessons' own series use other random streams, so the windows never repeat their data. Returns
    ``SineWindows``: ``x`` of shape (n_windows, window, 1), ``y`` (the next noisy value, one ``step``
    after the window's last) and ``y_clean`` (the next clean value), both of shape (n_windows,).

    Examples
    --------
    >>> x, y, y_clean = sine_windows(4, window=3, noise=0.0, seed=0)
    >>> x.shape, y.shape
    ((4, 3, 1), (4,))
    >>> bool(np.allclose(y, y_clean)), bool(np.all(np.abs(x) <= 1))
    (True, True)
    """
    frequency = check_float("frequency", frequency)
    _, clean, noisy = _phased_windows(n_windows, window, step, noise, (frequency,), seed, stream=2, extra=1)
    return SineWindows(noisy[:, :-1, None], noisy[:, -1], clean[:, -1])


def sine_windows_ahead(n_windows=10_000, *, window=50, horizon=1, step=STEP, noise=0.5, frequency=1.0, seed=1):
    """Independent windows of a noisy sine, as ``sine_windows``, with the next ``horizon`` values.

    Lesson 4's fresh test set: each window has its own uniform phase and fresh noise, and its
    targets are the ``horizon`` values after it, noisy and clean.

    Parameters
    ----------
    n_windows, window, step, noise, frequency, seed
        As for ``sine_windows``.
    horizon : int, default 1
        How many values after each window are its targets, at least 1.

    Returns
    -------
    SineWindows
        ``x`` of shape (n_windows, window, 1); ``y`` (the next noisy values) and ``y_clean`` (the
        next clean values), both of shape (n_windows, horizon): column ``h - 1`` is ``h`` steps ahead.

    Examples
    --------
    >>> x, y, y_clean = sine_windows_ahead(4, window=3, horizon=2, noise=0.0, seed=0)
    >>> x.shape, y.shape, bool(np.allclose(y, y_clean))
    ((4, 3, 1), (4, 2), True)
    """
    horizon = check_int("horizon", horizon, low=1)
    frequency = check_float("frequency", frequency)
    _, clean, noisy = _phased_windows(n_windows, window, step, noise, (frequency,), seed, stream=4, extra=horizon)
    return SineWindows(noisy[:, :-horizon, None], noisy[:, -horizon:], clean[:, -horizon:])


class CO2Series(NamedTuple):
    """Weekly CO2 at Mauna Loa: the week each value belongs to and the value in ppm (NaN: missing)."""

    weeks: np.ndarray
    ppm: np.ndarray


def load_co2():
    """Weekly mean CO2 at Mauna Loa, 1958-03-29 to 2001-12-29, in ppm, with its missing weeks as NaN.

    The series statsmodels ships as ``statsmodels.datasets.co2`` (public domain; Scripps flask and in
    situ records, via CDIAC), read from the CSV file inside its wheel: nothing is downloaded, and
    neither statsmodels nor pandas is imported. 2,284 weeks, 59 of them without a measurement.

    Returns
    -------
    CO2Series
        ``weeks``: ``datetime64[D]`` dates, 7 days apart; ``ppm``: float values, NaN where missing.

    Raises
    ------
    ModuleNotFoundError
        If statsmodels is not installed (it is one of lessonlib's dependencies).

    Examples
    --------
    >>> co2 = load_co2()
    >>> len(co2.ppm), int(np.isnan(co2.ppm).sum()), str(co2.weeks[0]), float(co2.ppm[0])
    (2284, 59, '1958-03-29', 316.1)
    >>> {int(days) for days in np.diff(co2.weeks).astype(int)}
    {7}
    """
    import csv
    import importlib.util
    import pathlib

    spec = importlib.util.find_spec("statsmodels")  # finds the package without importing it
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("load_co2 reads the CO2 series shipped with statsmodels, which is not installed. "
                                  "Install the locked environment with `make venv` (or `pip install statsmodels`).")
    path = pathlib.Path(spec.origin).parent / "datasets" / "co2" / "co2.csv"
    with path.open(newline="") as file:
        rows = list(csv.DictReader(file))
    weeks = np.array([f"{r['date'][:4]}-{r['date'][4:6]}-{r['date'][6:8]}" for r in rows], dtype="datetime64[D]")
    ppm = np.array([float(r["co2"]) if r["co2"].strip() else np.nan for r in rows])
    return CO2Series(weeks, ppm)


def fill_forward(values):
    """``values`` with each NaN replaced by the last value before it: a gap filled with what was known
    then, never with a later measurement (interpolating would read the week after the gap).

    Raises
    ------
    ValueError
        If ``values`` is not 1-D or starts with a NaN (nothing is known before it to carry forward).

    Examples
    --------
    >>> fill_forward([1.0, np.nan, np.nan, 4.0, np.nan])
    array([1., 1., 1., 4., 4.])
    """
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or len(array) == 0:
        raise ValueError(f"`values` must be a non-empty 1-D array. Received: shape {array.shape}.")
    missing = np.isnan(array)
    if missing[0]:
        raise ValueError("`values` must start with a measured value: a leading NaN has nothing before it to "
                         "carry forward. Received: values[0]=nan.")
    last_known = np.maximum.accumulate(np.where(missing, 0, np.arange(len(array))))
    return array[last_known]


def calendar_features(weeks):
    """The time of year of each date as a point on a circle, ``(n, 2)``: the sine and cosine of
    ``2 pi * day of the year / 365.25``, so that 31 December and 1 January are neighbours.

    Examples
    --------
    >>> calendar_features(np.array(["2001-01-01", "2001-07-02"], dtype="datetime64[D]")).round(2)
    array([[ 0.  ,  1.  ],
           [ 0.01, -1.  ]])
    """
    weeks = np.asarray(weeks)
    if not np.issubdtype(weeks.dtype, np.datetime64) or weeks.ndim != 1:
        raise TypeError(f"`weeks` must be a 1-D array of datetime64 dates (load_co2().weeks). Received: "
                        f"{weeks.dtype} with shape {weeks.shape}.")
    days = weeks.astype("datetime64[D]")
    day_of_year = (days - days.astype("datetime64[Y]")).astype(float)
    angle = 2 * np.pi * day_of_year / 365.25
    return np.column_stack([np.sin(angle), np.cos(angle)])


class TwoSines(NamedTuple):
    """The shared time axis and, for each class, the clean and the noisy series."""

    t: np.ndarray
    clean_a: np.ndarray
    noisy_a: np.ndarray
    clean_b: np.ndarray
    noisy_b: np.ndarray


def two_sines(n_points=500, *, t_max=90.0, frequencies=FREQUENCIES, noise=0.5, seed=0, n_history=0):
    """The lesson's two noisy series: class 0 is ``sin(1.0 t)``, class 1 is ``sin(1.1 t)``.

    As :func:`noisy_sine`, with ``frequencies`` (two different positive numbers) for class 0 (series a)
    and class 1 (series b); series a's noise is drawn first, then series b's. Returns a ``TwoSines``
    ``(t, clean_a, noisy_a, clean_b, noisy_b)`` of arrays of length ``n_history + n_points``.

    Examples
    --------
    >>> data = two_sines(seed=0)
    >>> data.t.shape, round(float(data.t[1]), 4)
    ((500,), 0.1804)
    >>> round(float(data.clean_b[10]), 4) == round(float(np.sin(1.1 * data.t[10])), 4)
    True
    >>> round(float(np.std(data.noisy_a - data.clean_a)), 2)
    0.51
    """
    frequencies = check_frequencies(frequencies)
    t, (noise_a, noise_b) = _noisy_series(n_points, t_max, noise, seed, n_history, 2)
    clean_a, clean_b = np.sin(frequencies[0] * t), np.sin(frequencies[1] * t)
    return TwoSines(t, clean_a, clean_a + noise_a, clean_b, clean_b + noise_b)


class LabelledWindows(NamedTuple):
    """Independent windows of two classes, with their labels (0 or 1)."""

    x: np.ndarray
    labels: np.ndarray


def two_sine_windows(n_windows=10_000, *, window=50, step=STEP, noise=0.5, frequencies=FREQUENCIES, seed=1):
    """Independent windows of ``sin(frequencies[label] * t + phase)`` plus noise, half of each class.

    Lesson 2's process, for a large fair test set, as :func:`sine_windows`: every window has its own
    uniform phase and fresh noise; the classes alternate (label 0, 1, 0, 1, ...), so the two are
    exactly balanced for an even ``n_windows``. Returns ``LabelledWindows``: ``x`` of shape
    (n_windows, window, 1) and ``labels`` of shape (n_windows,), 0 or 1.

    Examples
    --------
    >>> x, labels = two_sine_windows(4, window=3, seed=0)
    >>> x.shape, labels.tolist()
    ((4, 3, 1), [0, 1, 0, 1])
    """
    frequencies = check_frequencies(frequencies)
    labels, _, noisy = _phased_windows(n_windows, window, step, noise, frequencies, seed, stream=3)
    return LabelledWindows(noisy[:, :, None], labels)


class FrequencyData(NamedTuple):
    """Shared time axis, one noisy sequence per row, and each row's true frequency and phase."""

    t: np.ndarray
    signals: np.ndarray
    frequencies: np.ndarray
    phases: np.ndarray


def random_frequency_sequences(n_sequences=1000, *, n_points=50, duration=10.0, freq_range=FREQ_RANGE,
                               noise=0.3, seed=0):
    """The lesson's regression data: many short noisy sines, each with its own frequency and phase.

    Row ``i`` is ``sin(frequencies[i] * t + phases[i])`` plus Gaussian noise of standard deviation
    ``noise``, on ``t = np.linspace(0, duration, n_points)`` (``n_points >= 3``). Phases are uniform on
    [0, 2 pi) and frequencies uniform on ``freq_range = (low, high)``, drawn in that order from
    ``np.random.default_rng(seed)``, then the noise. Returns a ``FrequencyData`` ``(t, signals,
    frequencies, phases)`` with ``t`` of shape ``(n_points,)``, ``signals`` of shape ``(n_sequences,
    n_points)``, the other two of shape ``(n_sequences,)``.

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
    rng = np.random.default_rng(seed)
    t = np.linspace(0, duration, n_points)
    phases = rng.uniform(0, 2 * np.pi, n_sequences)
    frequencies = rng.uniform(*freq_range, n_sequences)
    clean = np.sin(frequencies[:, None] * t + phases[:, None])
    return FrequencyData(t, clean + rng.normal(0, noise, clean.shape), frequencies, phases)


def sequence_duration(n_points):
    """Time from the first to the last of ``n_points`` samples, spaced as in lesson 3 (10 / 49).

    Examples
    --------
    >>> sequence_duration(50)
    10.0
    >>> round(sequence_duration(100), 2)
    20.2
    """
    return SAMPLE_SPACING * (check_int("n_points", n_points, low=2) - 1)
