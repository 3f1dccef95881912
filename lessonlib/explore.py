"""The plain functions behind the explorer panels: one run for given settings, and its scores.

A panel in ``lessonlib.widgets`` only collects a student's settings, calls a function from here
and renders what it returns; everything worth testing happens here, without widgets or plots.
Keras is imported inside the functions, so importing this module stays fast.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import check_callback, check_choice, check_float, check_int
from .baselines import forecast_last_value, forecast_linear_ar, forecast_sine_fit
from .classification import matched_filter_classify, two_sines, windows_and_labels
from .data import noisy_sine
from .metrics import accuracy, mse, rmse, roc_auc
from .models import CELL_TYPES, build_rnn
from .quiet import quiet_startup
from .regression import cramer_rao_bound, estimate_frequency, random_frequency_sequences
from .report import ForecastScore, ScoreTable
from .training import fit_quietly
from .windows import split_and_windowize

NOISE_RANGE = (0, 2)
WINDOW_RANGE = (2, 120)
N_POINTS_RANGE = (10, 100)
SINE_FIT = "sine fit (yardstick)"
MATCHED_FILTER = "matched filter (yardstick)"
ESTIMATOR = "classical estimator (yardstick)"
BOUND = "Cramér-Rao bound"
RATIO_FLOOR = 1e-6
RMSE_FLOOR = 1e-3  # the same RMS error of 0.001 as RATIO_FLOOR's MSE


class Recipe(NamedTuple):
    """How an explorer run trains its network: state size, passes, batch size, Adam's step."""

    units: int
    epochs: int
    batch_size: int
    learning_rate: float


# Lesson 1's improved recipe (section 10), trimmed so that a run is quick enough to try many
# settings in class (``make bench`` times the clicks; TEACHING.md has the figures).
N_POINTS, HISTORY = 500, 400
UNITS, EPOCHS, BATCH_SIZE, LEARNING_RATE = 16, 6, 64, 0.01
FORECAST_RECIPE = Recipe(UNITS, EPOCHS, BATCH_SIZE, LEARNING_RATE)

# Lesson 2's final recipe (section 5), trimmed: see run_classification.
CLASSIFICATION_HISTORY = 6000
CLASSIFICATION_RECIPE = Recipe(units=16, epochs=4, batch_size=512, learning_rate=0.01)

# Lesson 3's improved recipe (section 5), trimmed: see run_regression.
REGRESSION_SEQUENCES, REGRESSION_TRAIN = 1000, 2000  # split as in the lesson; trained on
FREQ_RANGE = (1.0, 5.0)
REGRESSION_RECIPE = Recipe(units=32, epochs=6, batch_size=128, learning_rate=0.01)


class ForecastSettings(NamedTuple):
    """What a student chose for one forecasting run."""

    noise: float
    window: int
    cell: str
    seed: int


class ForecastRun(NamedTuple):
    """The outcome of ``run_forecast``: settings, scores, training time and what a plot needs.

    ``scores`` maps each method's name to a ``ForecastScore`` on the same test windows: the
    network first (named after its cell, e.g. ``"LSTM network"``), then the last-value and
    linear-autoregression baselines and the sine-fit yardstick. Each ``ratio`` is the method's
    MSE against the clean signal divided by the yardstick's (floored, see ``run_forecast``).
    """

    settings: ForecastSettings
    scores: dict
    seconds: float
    t_test: np.ndarray
    predictions: np.ndarray
    y_test: np.ndarray
    y_test_clean: np.ndarray

    @property
    def ratio(self):
        """The network's MSE against the clean signal, as a multiple of the yardstick's."""
        return self.network.ratio

    @property
    def network(self):
        """The network's ``ForecastScore``: ``mse_noisy``, ``mse_clean``, ``ratio``, ``seconds``."""
        return self.scores[network_name(self.settings.cell)]

    def table(self):
        """The scores as a ScoreTable, in the order of ``scores``: network, baselines, yardstick."""
        header = ["method", "MSE vs noisy", "MSE vs clean", "x sine fit", "train s"]
        rows = [[name, f"{s.mse_noisy:.3f}", f"{s.mse_clean:.4f}", f"{s.ratio:.1f}",
                 "-" if s.seconds is None else f"{s.seconds:.1f}"]
                for name, s in self.scores.items()]
        return ScoreTable(header, rows)

    def summary(self):
        """One row for a history of runs: the settings and the network's scores, as text."""
        net, last = self.network, self.scores["last value"]
        return {"noise": f"{self.settings.noise:.2f}", "window": str(self.settings.window),
                "cell": self.settings.cell, "MSE vs clean": f"{net.mse_clean:.4f}",
                "x sine fit": f"{net.ratio:.1f}",
                "x last value": f"{net.mse_clean / last.mse_clean:.2f}",
                "train s": f"{self.seconds:.1f}"}


def network_name(cell):
    """The key of a network's row in ``ForecastRun.scores``.

    Examples
    --------
    >>> network_name("GRU")
    'GRU network'
    """
    return f"{cell} network"


def run_forecast(noise=0.5, window=50, cell="LSTM", *, seed=0, on_epoch=None):
    """Lesson 1 in one call: make the series, train one network, and score it against baselines.

    The series is ``noisy_sine(n_points=500, noise=noise, seed=seed, n_history=400)``, split by
    ``split_and_windowize(..., n_history=400)`` so the test windows are lesson 1's. The network
    is lesson 1's improved recipe (section 10: more data, one recurrent layer, Adam), trimmed so
    that a run is quick enough to try many settings in class:

    ====================  ==============  ====  ==============================================
    setting               lesson 1 (§10)  here  why
    ====================  ==============  ====  ==============================================
    history before t = 0  3000 points     400   5x fewer training windows (630 at window 50)
    units                 32              16    2 to 4x less work per time step
    epochs                12              6     half the passes
    batch size            512             64    10 steps per epoch on the fewer windows, not 2
    Adam learning rate    0.005           0.01  fewer steps, so larger ones
    ====================  ==============  ====  ==============================================

    The price: the networks land further from the yardstick than the full recipe's, so
    differences between cells here partly say which one learns fastest. TEACHING.md has the
    measured ratios and click times; ``make bench`` measures the times again.

    Parameters
    ----------
    noise : float, default 0.5
        Standard deviation of the noise, between 0 and 2 (the sine's amplitude is 1).
    window : int, default 50
        Past values the network sees per forecast, between 2 and 120.
    cell : {'SimpleRNN', 'LSTM', 'GRU'}, default 'LSTM'
    seed : int, default 0
        Seeds the noise, the initial weights and the shuffling: the same settings give the same run.
    on_epoch : callable, optional
        Called as ``on_epoch(epoch, epochs)`` after every epoch, ``epoch`` counting from 1 to
        ``epochs``, e.g. to move a progress bar.

    Returns
    -------
    ForecastRun
        In its ``ratio`` columns, clean MSEs below ``RATIO_FLOOR`` (1e-6, an RMS error of 0.001,
        invisible on a plot) count as 1e-6, on both sides of the division. Without the floor,
        ``noise=0`` would divide by zero: the sine fit (and the linear autoregression) are then
        exact, with an MSE of about 1e-30. With it, exact methods score 1.0 and the network
        shows how many times 1e-6 its error is.

        With very short windows the sine fit stops being a yardstick: fitting its two unknowns to
        a few noisy values follows the noise, and other methods beat it (ratios below 1).

    Raises
    ------
    ValueError, TypeError
        For a setting outside the ranges above, or an ``on_epoch`` that is not callable.
    """
    settings = _checked_settings(ForecastSettings, noise, ("window", window, WINDOW_RANGE), cell, seed)
    return _run_forecast(settings, _check_on_epoch(on_epoch))


def _checked_settings(settings_type, noise, size, cell, seed):
    """Validate what every run shares, in order: noise, a size ``(name, value, range)``, cell, seed."""
    name, value, (low, high) = size
    return settings_type(check_float("noise", noise, low=NOISE_RANGE[0], high=NOISE_RANGE[1]),
                         check_int(name, value, low=low, high=high),
                         check_choice("cell", cell, CELL_TYPES), check_int("seed", seed, low=0))


def _check_on_epoch(on_epoch):
    return check_callback("on_epoch", on_epoch, arguments="(epoch, epochs)")


def _run_forecast(settings, on_epoch):
    series = noisy_sine(N_POINTS, noise=settings.noise, seed=settings.seed, n_history=HISTORY)
    x_train, x_test, y_train, y_test = split_and_windowize(series.noisy, settings.window,
                                                           n_history=HISTORY)
    y_test_clean = split_and_windowize(series.clean, settings.window, n_history=HISTORY)[3]
    model, seconds = _fit_network(settings, x_train, y_train, on_epoch, FORECAST_RECIPE)
    predictions = _predict(model, x_test)
    forecasts = {
        network_name(settings.cell): predictions,
        "last value": forecast_last_value(x_test),
        "linear autoregression": forecast_linear_ar(x_train, y_train, x_test),
        SINE_FIT: forecast_sine_fit(x_test, frequency=1.0, step=series.t[1] - series.t[0]),
    }
    scores = _score(forecasts, y_test, y_test_clean, {network_name(settings.cell): seconds})
    return ForecastRun(settings, scores, seconds, series.t[-len(y_test):], predictions,
                       y_test, y_test_clean)


def _fit_network(settings, x_train, y_train, on_epoch, recipe, head="linear"):
    """Seed, build ``settings.cell``'s network for these windows, train it; (model, seconds)."""
    with quiet_startup():  # in case no lesson cell has imported Keras yet
        import keras

    class _Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            on_epoch(epoch + 1, recipe.epochs)

    keras.utils.set_random_seed(settings.seed)
    model = build_rnn(settings.cell, window=x_train.shape[1], units=recipe.units, head=head,
                      learning_rate=recipe.learning_rate)
    # Creating Adam's variables now, not inside fit's first step, saves TensorFlow a second
    # tracing of the training step (a noticeable share of a short run), with the same numbers.
    model.optimizer.build(model.trainable_variables)
    fit = fit_quietly(model, x_train, y_train, epochs=recipe.epochs, batch_size=recipe.batch_size,
                      callbacks=None if on_epoch is None else [_Progress()])
    return model, fit.seconds


def _predict(model, windows):
    """The model's outputs as a flat float array. Calling the model directly skips tracing the
    prediction graph that ``predict()`` would build, a noticeable share of a short run."""
    return np.asarray(model(np.asarray(windows, dtype="float32"), training=False), dtype=float)[:, 0]


def _score(forecasts, y_noisy, y_clean, seconds):
    """Like ``report.score_forecasts``, but clean MSEs are floored at RATIO_FLOOR in the ratio."""
    clean = {name: mse(pred, y_clean) for name, pred in forecasts.items()}
    bound = max(clean[SINE_FIT], RATIO_FLOOR)
    return {name: ForecastScore(mse(pred, y_noisy), clean[name],
                                max(clean[name], RATIO_FLOOR) / bound, seconds.get(name))
            for name, pred in forecasts.items()}


# ----------------------------------------------------------------------------------------------
# Lesson 2: classifying two frequencies


class ClassificationSettings(NamedTuple):
    """What a student chose for one classification run."""

    noise: float
    window: int
    cell: str
    seed: int


class ClassificationScore(NamedTuple):
    """One classifier on the test windows: accuracy at the 0.5 threshold, AUC, training time."""

    accuracy: float
    auc: float
    seconds: float | None


class ClassificationRun(NamedTuple):
    """The outcome of ``run_classification``: settings, scores, training time and what a plot needs.

    ``scores`` maps the network (named after its cell, e.g. ``"LSTM network"``) and then the
    matched filter to a ``ClassificationScore`` on the same test windows. ``probabilities`` are
    the network's predicted probabilities of class 1 and ``y_test`` the true labels, one per test
    window, as ``plot_probability_histograms`` takes them.
    """

    settings: ClassificationSettings
    scores: dict
    seconds: float
    probabilities: np.ndarray
    y_test: np.ndarray

    @property
    def network(self):
        """The network's ``ClassificationScore``: ``accuracy``, ``auc``, ``seconds``."""
        return self.scores[network_name(self.settings.cell)]

    @property
    def gap(self):
        """The matched filter's test accuracy minus the network's, in percentage points."""
        return 100 * (self.scores[MATCHED_FILTER].accuracy - self.network.accuracy)

    def table(self):
        """The scores as a ScoreTable: network, then matched filter."""
        rows = [[name, f"{s.accuracy:.1%}", f"{s.auc:.3f}",
                 "-" if s.seconds is None else f"{s.seconds:.1f}"]
                for name, s in self.scores.items()]
        return ScoreTable(["classifier", "test accuracy", "test AUC", "train s"], rows)

    def summary(self):
        """One row for a history of runs: the settings and the network's scores, as text."""
        net, matched = self.network, self.scores[MATCHED_FILTER]
        return {"noise": f"{self.settings.noise:.2f}", "window": str(self.settings.window),
                "cell": self.settings.cell, "accuracy": f"{net.accuracy:.1%}",
                "AUC": f"{net.auc:.3f}", "matched filter": f"{matched.accuracy:.1%}",
                "gap (points)": f"{self.gap:.1f}", "train s": f"{self.seconds:.1f}"}


def run_classification(noise=0.5, window=50, cell="LSTM", *, seed=0, on_epoch=None):
    """Lesson 2 in one call: make the two sines, train one classifier, and score it and the
    matched filter on the same test windows.

    The data are ``two_sines(n_points=500, t_max=90, noise=noise, seed=seed, n_history=6000)``,
    windowed by ``windows_and_labels(..., n_history=6000)``: the history adds training windows, and
    the test windows are lesson 2's. The network is lesson 2's final recipe (section 5: one
    recurrent layer, a sigmoid output, binary cross-entropy, Adam, 6,000 points of extra history),
    trimmed so that a click is quick enough to try many settings in class:

    ====================  ==============  ====  ==============================================
    setting               lesson 2 (§5)   here  why
    ====================  ==============  ====  ==============================================
    history before t = 0  6000 points     6000  unchanged: with less, training goes nowhere
    units                 32              16    less work per time step
    epochs                8               4     half the passes
    batch size            512             512   unchanged (25 steps per epoch)
    Adam learning rate    0.01            0.01  unchanged
    ====================  ==============  ====  ==============================================

    The price: the network ends further below the matched filter (``ClassificationRun.gap``) than
    the full recipe's. The data and the batch size are kept because cutting them instead left the
    network near a coin flip. TEACHING.md has the measured accuracies and click times.

    Parameters
    ----------
    noise : float, default 0.5
        Standard deviation of the noise on both sines, between 0 and 2 (the amplitude is 1).
    window : int, default 50
        Values per window to classify, between 2 and 120. With 2 or 3 values even the matched
        filter is barely better than a coin: a sine with free amplitude and phase fits them all.
    cell : {'SimpleRNN', 'LSTM', 'GRU'}, default 'LSTM'
    seed : int, default 0
        Seeds the noise, the initial weights and the shuffling: the same settings give the same run.
    on_epoch : callable, optional
        Called as ``on_epoch(epoch, epochs)`` after every epoch, ``epoch`` counting from 1.

    Returns
    -------
    ClassificationRun

    Raises
    ------
    ValueError, TypeError
        For a setting outside the ranges above, or an ``on_epoch`` that is not callable.
    """
    settings = _checked_settings(ClassificationSettings, noise, ("window", window, WINDOW_RANGE), cell,
                                 seed)
    return _run_classification(settings, _check_on_epoch(on_epoch))


def _run_classification(settings, on_epoch):
    data = two_sines(500, t_max=90.0, noise=settings.noise, seed=settings.seed,
                     n_history=CLASSIFICATION_HISTORY)
    x_train, x_test, y_train, y_test = windows_and_labels(
        data.noisy_a, data.noisy_b, settings.window, n_history=CLASSIFICATION_HISTORY)
    model, seconds = _fit_network(settings, x_train, y_train, on_epoch, CLASSIFICATION_RECIPE,
                                  head="sigmoid")
    probabilities = _predict(model, x_test)
    matched = matched_filter_classify(x_test, step=data.t[1] - data.t[0])
    scores = {
        network_name(settings.cell): ClassificationScore(
            accuracy(probabilities > 0.5, y_test), roc_auc(probabilities, y_test), seconds),
        MATCHED_FILTER: ClassificationScore(
            accuracy(matched.labels, y_test), roc_auc(matched.scores, y_test), None),
    }
    return ClassificationRun(settings, scores, seconds, probabilities, y_test)


# ----------------------------------------------------------------------------------------------
# Lesson 3: reading off a frequency


class RegressionSettings(NamedTuple):
    """What a student chose for one regression run; ``n_points`` is the samples per sequence."""

    noise: float
    n_points: int
    cell: str
    seed: int


class RegressionScore(NamedTuple):
    """One estimator on the test sequences: its RMSE, that as a multiple of the bound, its cost."""

    rmse: float
    ratio: float
    seconds: float | None


class RegressionRun(NamedTuple):
    """The outcome of ``run_regression``: settings, scores, the bound, and what a plot needs.

    ``scores`` maps the network (e.g. ``"LSTM network"``), the classical estimator and the
    Cramér-Rao bound itself to a ``RegressionScore`` on the same test sequences; ``bound`` is
    the bound for these settings. ``y_test`` are the test sequences' true frequencies and
    ``predictions`` the network's, as ``plot_true_vs_predicted`` takes them.
    """

    settings: RegressionSettings
    scores: dict
    bound: float
    seconds: float
    y_test: np.ndarray
    predictions: np.ndarray

    @property
    def network(self):
        """The network's ``RegressionScore``: ``rmse``, ``ratio``, ``seconds``."""
        return self.scores[network_name(self.settings.cell)]

    @property
    def ratio(self):
        """The network's RMSE as a multiple of the Cramér-Rao bound (floored, see run_regression)."""
        return self.network.ratio

    def table(self):
        """The scores as a ScoreTable: network, classical estimator, bound."""
        rows = [[name, f"{s.rmse:.4f}", f"{s.ratio:.1f}",
                 "-" if s.seconds is None else f"{s.seconds:.1f}"]
                for name, s in self.scores.items()]
        return ScoreTable(["estimator", "test RMSE", "x bound", "train s"], rows)

    def summary(self):
        """One row for a history of runs: the settings and the network's scores, as text."""
        net, classical = self.network, self.scores[ESTIMATOR]
        return {"noise": f"{self.settings.noise:.2f}", "samples": str(self.settings.n_points),
                "cell": self.settings.cell, "RMSE": f"{net.rmse:.4f}", "x bound": f"{net.ratio:.1f}",
                "classical x bound": f"{classical.ratio:.1f}", "train s": f"{self.seconds:.1f}"}


def sequence_duration(n_points):
    """Time from the first to the last of ``n_points`` samples, spaced as in lesson 3 (10 / 49).

    Examples
    --------
    >>> sequence_duration(50)
    10.0
    >>> round(sequence_duration(100), 2)
    20.2
    """
    n_points = check_int("n_points", n_points, low=2)
    return 10.0 * (n_points - 1) / 49


def run_regression(noise=0.3, n_points=50, cell="LSTM", *, seed=0, on_epoch=None):
    """Lesson 3 in one call: make the sequences, train one network to read off their frequency,
    and score it and the classical estimator against the Cramér-Rao bound.

    ``n_points`` is the number of samples per sequence. They keep lesson 3's spacing of 10 / 49
    time units, so the duration grows with them (``sequence_duration``: 1.8 time units for 10
    samples, 10 for 50, 20.2 for 100): a longer sequence is a longer recording, as for a
    recurrent network reading more time steps. (Keeping 10 time units instead would space 10
    samples 1.1 apart, too far for frequencies up to 5: they would alias above 2.8.) The bound is
    ``cramer_rao_bound(n_points=n_points, duration=sequence_duration(n_points), noise=noise)``.

    As in lesson 3, 1,000 sequences ``random_frequency_sequences(1000, ..., seed=seed)`` are split
    by ``train_test_split(..., random_state=seed)``: the 250 test sequences are the lesson's at
    the defaults. The network trains on the 750 others and 1,250 fresh ones (drawn with seed
    ``seed + 1000``, as in the lesson's learning curve), on the scaled target ``(f - 3) / 2``,
    undone after predicting. The recipe is lesson 3's improved one (section 5: one recurrent layer,
    Adam), trimmed so that a click is quick enough to try many settings in class:

    ====================  ==============  ====  ==============================================
    setting               lesson 3 (§5)   here  why
    ====================  ==============  ====  ==============================================
    training sequences    8000            2000  4x fewer
    units                 64              32    2 to 4x less work per time step
    epochs                10              6     fewer passes (16 steps each)
    batch size            128             128   unchanged
    Adam learning rate    0.003           0.01  fewer steps, so larger ones
    ====================  ==============  ====  ==============================================

    The price: the network lands further from the bound than the lesson's full recipe. TEACHING.md
    has the measured ratios and click times.

    Parameters
    ----------
    noise : float, default 0.3
        Standard deviation of the noise, between 0 and 2 (the sine's amplitude is 1).
    n_points : int, default 50
        Samples per sequence, between 10 and 100.
    cell : {'SimpleRNN', 'LSTM', 'GRU'}, default 'LSTM'
    seed : int, default 0
        Seeds the sequences, the split, the initial weights and the shuffling.
    on_epoch : callable, optional
        Called as ``on_epoch(epoch, epochs)`` after every epoch, ``epoch`` counting from 1.

    Returns
    -------
    RegressionRun
        In its ``ratio`` columns, RMSEs below ``RMSE_FLOOR`` (0.001) count as 0.001, on both
        sides of the division: at ``noise=0`` the bound is 0 and the classical estimator exact.
        The bound is asymptotic: at low signal-to-noise (high noise, short sequences) even the
        classical estimator lands well above it, as the lesson's estimator would.

    Raises
    ------
    ValueError, TypeError
        For a setting outside the ranges above, or an ``on_epoch`` that is not callable.
    """
    settings = _checked_settings(RegressionSettings, noise, ("n_points", n_points, N_POINTS_RANGE), cell,
                                 seed)
    return _run_regression(settings, _check_on_epoch(on_epoch))


def _run_regression(settings, on_epoch):
    x_train, x_test, y_train, y_test, t = _frequency_data(settings)
    model, seconds = _fit_network(settings, x_train, (y_train - 3) / 2, on_epoch,
                                  REGRESSION_RECIPE)
    predictions = 3 + 2 * _predict(model, x_test)  # undo the scaling
    classical = estimate_frequency(x_test, t, freq_range=FREQ_RANGE)
    bound = cramer_rao_bound(n_points=settings.n_points, duration=sequence_duration(settings.n_points),
                             noise=settings.noise)
    errors = {network_name(settings.cell): rmse(predictions, y_test),
              ESTIMATOR: rmse(classical, y_test), BOUND: bound}
    scores = {name: RegressionScore(value, max(value, RMSE_FLOOR) / max(bound, RMSE_FLOOR),
                                    seconds if name == network_name(settings.cell) else None)
              for name, value in errors.items()}
    return RegressionRun(settings, scores, bound, seconds, y_test, predictions)


def _frequency_data(settings):
    """Lesson 3's split of 1,000 sequences, plus fresh training sequences: x as (n, n_points)."""
    from sklearn.model_selection import train_test_split  # slow to import: only when needed

    design = {"n_points": settings.n_points, "duration": sequence_duration(settings.n_points),
              "freq_range": FREQ_RANGE, "noise": settings.noise}
    data = random_frequency_sequences(REGRESSION_SEQUENCES, seed=settings.seed, **design)
    x_train, x_test, y_train, y_test = train_test_split(data.signals, data.frequencies,
                                                        random_state=settings.seed)
    extra = random_frequency_sequences(REGRESSION_TRAIN - len(x_train), seed=settings.seed + 1000,
                                       **design)
    return (np.concatenate([x_train, extra.signals]), x_test,
            np.concatenate([y_train, extra.frequencies]), y_test, data.t)
