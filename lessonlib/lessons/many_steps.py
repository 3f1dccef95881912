"""Lesson 4's wiring: its explorer forecasts a noisy sine ``horizon`` steps ahead with one of the
lesson's three strategies, against the last value, the sine fit, the linear autoregression fitted
directly to that horizon and fed its own forecasts (recursive), and the Bayes forecast (the optimum).

The panel is the shared one (``widgets.explorer``), one control per field of ``Settings``: the noise,
the horizon, the cell type and the strategy (a choice, as its recipe overrides in ``TASK.overrides``
make it). The window stays at lesson 4's 50 values whatever the horizon. The strategies are the
lesson's, for one horizon: *direct* trains on the value ``horizon`` steps after each window;
*recursive* on the next value, then feeds the network its own forecasts ``horizon`` times; *sequence
to sequence* on the value ``horizon`` steps after every step's last value, scored at the last step.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from .. import explore
from ..bayes import forecast_bayes
from ..classical import fit_linear_ar, forecast_last_value, forecast_linear_ar, forecast_recursive, forecast_sine_fit
from ..explore import N_TEST, N_VALIDATION, TEST_SEED, Data, Recipe, Task, View
from ..metrics import MSE
from ..panel import Panel
from ..signals import STEP, noisy_sine, sine_windows_ahead
from . import run_function
from .forecasting import N_POINTS, T_MAX

NUMBER, NOTEBOOK = 4, "04_many_steps"
# --- what lesson 4's notebook sets: its exercises, tests and benchmarks read them here --------------
WINDOW = 50                          # past values the network sees, whatever the horizon
H = 35                               # the notebook's longest horizon, in steps
NOISE, HISTORY = 0.5, 20_000         # section 2: lesson 1's noise and history
PER_STEP, EPOCHS, BATCH = 10, 4, 256  # sections 3-6: the networks' recipe
UNITS, LEARNING_RATE, DECAY_TO = 32, 0.01, 0.05  # sections 3-5: LSTM(32), CosineDecay(0.01, alpha=0.05)
DENSE_UNITS = 64                     # section 6: the network without recurrence, two Dense layers of 64
LAST_VALUE, SINE_FIT = "last value", "sine fit"
AR_DIRECT, AR_RECURSIVE = "linear autoregression, direct", "linear autoregression, recursive"
BAYES_FORECAST = "Bayes forecast (optimum)"
N_SHOWN = 170  # the picture's stretch: the last values of the lesson's series, as in lesson 1
DIRECT, RECURSIVE, SEQ2SEQ = "direct", "recursive", "sequence to sequence"
# Each strategy's recipe overrides. The recursive curve has half as many points (each epoch half a pass,
# not a quarter; the same gradient steps): each point feeds the network its own forecasts `horizon` times.
STRATEGIES = {DIRECT: {}, RECURSIVE: {"epochs_per_pass": 2}, SEQ2SEQ: {"every_step": True}}
__all__ = ["run_many_steps", "many_steps_explorer"]


class Settings(NamedTuple):
    """One run's settings in lesson 4's explorer, from its controls to its data: the defaults are the
    run function's and the panel's."""

    noise: float = 0.5
    horizon: int = 35  # steps from a window's last value to its target
    cell: str = "LSTM"
    strategy: str = DIRECT
    seed: int = 0


@run_function(Settings)
def run_many_steps():
    """Lesson 4 live: train a network to forecast a noisy sine ``horizon`` steps ahead from a window
    of 50 values with one ``strategy`` (``"direct"``, ``"recursive"`` or ``"sequence to sequence"``),
    and score it against the last value, the sine fit, the linear autoregression (direct and
    recursive) and the Bayes forecast.

    The data are ``sine_windows_ahead`` (each window with its own phase and noise); the network is
    trained on noisy values (which ones, the strategy says) and scored by the MSE of its forecast
    ``horizon`` steps after each window against the clean value. ``horizon`` is between 1 and 100
    steps (one period of the sine is about 35); ``explore.run`` has the other arguments.

    Examples
    --------
    >>> run = run_many_steps(0.5, 10, "GRU", "recursive", should_stop=lambda: True)  # stopped before training
    >>> run.epochs, run.ended, run.settings.strategy, list(run.scores)[-1]
    (0, 'stopped', 'recursive', 'Bayes forecast (optimum)')
    """


def many_steps_explorer(seed=0):
    """Lesson 4's explorer panel: noise, horizon, cell type and strategy; train a network live and watch
    its error at that horizon approach the optimum's. Every run uses ``seed`` (see ``run_many_steps``)."""
    from ..widgets import explorer

    return explorer(TASK.name, seed=seed)


def _prepare(settings, recipe):
    noise, horizon = settings.noise, settings.horizon
    train = sine_windows_ahead(recipe.windows + N_VALIDATION, window=WINDOW, horizon=horizon, noise=noise,
                               seed=settings.seed)
    x_train, y_train, x_val, y_val = explore.split(train.x, _targets(train, settings), recipe.windows)
    x_test, truth, fixed = _test_set(noise, horizon)
    one_step = fit_linear_ar(x_train, train.y[:recipe.windows, 0])  # fitted once, fed back
    yardsticks = {LAST_VALUE: fixed[LAST_VALUE], SINE_FIT: fixed[SINE_FIT],
                  AR_RECURSIVE: forecast_recursive(one_step, x_test, horizon=horizon)[:, -1],
                  AR_DIRECT: forecast_linear_ar(x_train, train.y[:recipe.windows, -1], x_test),
                  BAYES_FORECAST: fixed[BAYES_FORECAST]}
    series = noisy_sine(N_POINTS, t_max=T_MAX, noise=noise, seed=settings.seed)  # the picture: lesson 1's series
    x_view = _view_windows(series.noisy, horizon)
    clean = series.clean[-N_SHOWN:]
    optimum = clean if noise == 0 else forecast_bayes(x_view, step=STEP, noise=noise, horizon=horizon)
    view = View(None, series.noisy[-N_SHOWN:], t=series.t[-N_SHOWN:], clean=clean, optimum=optimum)
    return Data(x_train, y_train, x_val, y_val, x_test, truth, yardsticks, x_view, view)


def _targets(windows, settings):
    """The network's training targets for ``settings.strategy``: the value ``horizon`` steps after each
    window (direct), the next one (recursive), or the value ``horizon`` steps after each input value
    (sequence to sequence: ``explore`` keeps those after each step's last value)."""
    if settings.strategy == RECURSIVE:
        return windows.y[:, 0]
    if settings.strategy == SEQ2SEQ:
        values = np.concatenate([windows.x[:, :, 0], windows.y], axis=1)  # each window, then its future
        return values[:, settings.horizon:settings.horizon + WINDOW]  # column j: horizon steps after value j
    return windows.y[:, -1]


def _forecast(predict, x, settings):
    """The network's forecasts ``horizon`` steps after each of the (regrouped) windows ``x``: fed its own
    forecasts for the recursive strategy, as it outputs them otherwise."""
    if settings.strategy != RECURSIVE:
        return predict(x)
    return forecast_recursive(lambda windows: predict(windows.reshape(x.shape)), x.reshape(len(x), -1),
                              horizon=settings.horizon)[:, -1]


def _view_windows(noisy, horizon):
    """For each of the last ``N_SHOWN`` values, the window that ends ``horizon`` steps before it."""
    ends = np.arange(len(noisy) - N_SHOWN, len(noisy)) - horizon + 1  # one past each window's last value
    return noisy[ends[:, None] - WINDOW + np.arange(WINDOW)][:, :, None]


@functools.lru_cache(maxsize=8)
def _test_set(noise, horizon):
    """The test windows for this noise and horizon, their clean targets, the yardsticks that do not
    train (the Bayes forecast partly on a thread)."""
    test = sine_windows_ahead(N_TEST, window=WINDOW, horizon=horizon, noise=noise, seed=TEST_SEED)
    truth = test.y_clean[:, -1]
    bayes = truth if noise == 0 else explore.deferred(forecast_bayes, test.x, step=STEP, noise=noise,
                                                       horizon=horizon)
    return test.x, truth, {LAST_VALUE: forecast_last_value(test.x),
                           SINE_FIT: forecast_sine_fit(test.x, frequency=1.0, step=STEP, horizon=horizon),
                           BAYES_FORECAST: bayes}


def _preview(settings, ax):
    """The noisy series for these settings, one input window shaded, and its target ``horizon`` on."""
    from ..plots import plot_series

    series = noisy_sine(N_POINTS, t_max=T_MAX, noise=settings.noise, seed=settings.seed)
    horizon = settings.horizon
    target = len(series.t) - N_SHOWN  # the picture's first forecast
    start = target - horizon + 1 - WINDOW
    plot_series(series.t, series.noisy, clean=series.clean, ax=ax,
                title=f"noise {settings.noise:.2f}: shaded, one input window of {WINDOW} values; "
                      f"star: its target, {horizon} step{'s' if horizon > 1 else ''} after the window")
    ax.axvspan(series.t[start], series.t[start + WINDOW - 1], color="tab:orange", alpha=0.25)
    ax.plot(series.t[target], series.noisy[target], "*", color="black", ms=12)
    return ax


def _plot(view, ax, title):
    """The network's forecasts over the last stretch of lesson 1's series, each made ``horizon`` steps
    before its target, with the noisy and clean values."""
    from ..plots import plot_forecast

    return plot_forecast(view.t, view.predictions, view.target, view.clean, optimum=view.optimum, ax=ax,
                         title=f"{title}: forecasts, horizon steps ahead")


TASK = Task(
    name="many_steps", lesson=NUMBER, settings=Settings, ranges={"horizon": (1, 100)}, measure=MSE,
    optimum=BAYES_FORECAST,
    recipe=Recipe(units=64, learning_rate=0.01, batch_size=128, n_train=16_000, passes=4, patience=6,
                  epochs_per_pass=4),
    overrides={"strategy": STRATEGIES, "cell": {"SimpleRNN": {"learning_rate": 0.005, "clipnorm": 1.0}}},
    prepare=_prepare, forecast=_forecast)
PANEL = Panel(row_label="method", metric="MSE vs clean", relative=MSE.header("optimum"), items="windows",
              preview=_preview, plot=_plot)
