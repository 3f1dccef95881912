"""The plain functions behind the explorer panels: one run for given settings, and its scores.

A panel in ``lessonlib.widgets`` only collects a student's settings, calls a function from here
and renders what it returns; everything worth testing happens here, without widgets or plots.
Keras is imported inside the functions, so importing this module stays fast.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import check_choice, check_float, check_int
from .baselines import forecast_last_value, forecast_linear_ar, forecast_sine_fit, mse
from .data import noisy_sine
from .models import CELL_TYPES, build_rnn
from .quiet import quiet_startup
from .report import ForecastScore, ScoreTable
from .training import fit_quietly
from .windows import split_and_windowize

NOISE_RANGE = (0, 2)
WINDOW_RANGE = (2, 120)
YARDSTICK = "sine fit (yardstick)"
RATIO_FLOOR = 1e-6

# Lesson 1's improved recipe (section 10), trimmed so that a run takes about 2 s in class.
N_POINTS, HISTORY = 500, 400
UNITS, EPOCHS, BATCH_SIZE, LEARNING_RATE = 16, 6, 64, 0.01


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
    that training and prediction take about 2 s on a 2-core laptop CPU, fast enough to try many
    settings in class:

    ====================  ==============  ====  ==============================================
    setting               lesson 1 (§10)  here  why
    ====================  ==============  ====  ==============================================
    history before t = 0  3000 points     400   5x fewer training windows (630 at window 50)
    units                 32              16    2 to 4x less work per time step
    epochs                12              6     half the passes
    batch size            512             64    10 steps per epoch on the fewer windows, not 2
    Adam learning rate    0.005           0.01  fewer steps, so larger ones
    ====================  ==============  ====  ==============================================

    The price: at the defaults (seeds 0 to 2) the LSTM ends up 1.2 to 2.3 times the yardstick's
    error, the GRU 1.6 to 4 and the SimpleRNN 1.6 to 9 times, where the full recipe reaches 1 to
    1.7 times; so differences between cells here partly say which one learns fastest. About 1 s
    of every run, whatever the settings, is TensorFlow tracing the training step's graph.

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
    noise = check_float("noise", noise, low=NOISE_RANGE[0], high=NOISE_RANGE[1])
    window = check_int("window", window, low=WINDOW_RANGE[0], high=WINDOW_RANGE[1])
    cell = check_choice("cell", cell, CELL_TYPES)
    seed = check_int("seed", seed, low=0)
    if on_epoch is not None and not callable(on_epoch):
        raise TypeError(f"`on_epoch` must be a function of (epoch, epochs), or None. "
                        f"Received: on_epoch={on_epoch!r} of type {type(on_epoch).__name__}.")
    return _run_forecast(ForecastSettings(noise, window, cell, seed), on_epoch)


def _run_forecast(settings, on_epoch):
    series = noisy_sine(N_POINTS, noise=settings.noise, seed=settings.seed, n_history=HISTORY)
    x_train, x_test, y_train, y_test = split_and_windowize(series.noisy, settings.window,
                                                           n_history=HISTORY)
    y_test_clean = split_and_windowize(series.clean, settings.window, n_history=HISTORY)[3]
    model, seconds = _train(settings, x_train, y_train, on_epoch)
    # Calling the model directly skips tracing a prediction graph: 0.2 s less than predict().
    predictions = np.asarray(model(x_test, training=False), dtype=float)[:, 0]
    forecasts = {
        network_name(settings.cell): predictions,
        "last value": forecast_last_value(x_test),
        "linear autoregression": forecast_linear_ar(x_train, y_train, x_test),
        YARDSTICK: forecast_sine_fit(x_test, frequency=1.0, step=series.t[1] - series.t[0]),
    }
    scores = _score(forecasts, y_test, y_test_clean, {network_name(settings.cell): seconds})
    return ForecastRun(settings, scores, seconds, series.t[-len(y_test):], predictions,
                       y_test, y_test_clean)


def _train(settings, x_train, y_train, on_epoch):
    with quiet_startup():  # in case no lesson cell has imported Keras yet
        import keras

    class _Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            on_epoch(epoch + 1, EPOCHS)

    keras.utils.set_random_seed(settings.seed)
    model = build_rnn(settings.cell, window=settings.window, units=UNITS,
                      learning_rate=LEARNING_RATE)
    # Creating Adam's variables now, not inside fit's first step, saves TensorFlow a second
    # tracing of the training step: 0.5 to 1 s per run, with the same numbers.
    model.optimizer.build(model.trainable_variables)
    fit = fit_quietly(model, x_train, y_train, epochs=EPOCHS, batch_size=BATCH_SIZE,
                      callbacks=None if on_epoch is None else [_Progress()])
    return model, fit.seconds


def _score(forecasts, y_noisy, y_clean, seconds):
    """Like ``report.score_forecasts``, but clean MSEs are floored at RATIO_FLOOR in the ratio."""
    clean = {name: mse(pred, y_clean) for name, pred in forecasts.items()}
    bound = max(clean[YARDSTICK], RATIO_FLOOR)
    return {name: ForecastScore(mse(pred, y_noisy), clean[name],
                                max(clean[name], RATIO_FLOOR) / bound, seconds.get(name))
            for name, pred in forecasts.items()}
