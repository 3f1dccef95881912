"""Lesson 1's wiring: its explorer forecasts the next value of a noisy sine, against the last value,
the linear autoregression, the sine fit and the Bayes forecast (the optimum)."""

from __future__ import annotations

import functools
from typing import NamedTuple

from .. import explore
from ..bayes import forecast_bayes
from ..classical import forecast_last_value, forecast_linear_ar, forecast_sine_fit
from ..explore import N_TEST, N_VALIDATION, TEST_SEED, Data, Recipe, Task, View
from ..metrics import MSE
from ..panel import Panel
from ..signals import STEP, noisy_sine, sine_windows
from ..windows import split_and_windowize
from . import run_function

NUMBER, NOTEBOOK = 1, "01_forecasting"
# --- what lesson 1's notebook sets: its exercises, tests and benchmarks read them here --------------
WINDOW = 50                # past values the networks see
NOISE = 0.5                # the noise's standard deviation
N_POINTS, T_MAX = 500, 90  # the series: 500 points over 90 time units
HISTORY = 20_000           # section 10: points of history before the series
PER_STEP = 5               # section 10: values the network reads per step
# Section 10's final recipe: one layer of UNITS, Adam with a cosine decay from LEARNING_RATE to DECAY_TO
# of it over the run, gradients clipped to norm CLIPNORM, EPOCHS of batches of BATCH.
UNITS, LEARNING_RATE, DECAY_TO, CLIPNORM, EPOCHS, BATCH = 32, 0.01, 0.05, 1.0, 6, 256
LAST_VALUE, LINEAR_AR, SINE_FIT = "last value", "linear autoregression", "sine fit"
BAYES_FORECAST = "Bayes forecast (optimum)"
__all__ = ["run_forecast", "forecast_explorer"]


class Settings(NamedTuple):
    """One run's settings in lesson 1's explorer, from its controls to its data: the defaults are the
    run function's and the panel's."""

    noise: float = 0.5
    window: int = 50  # past values the network sees
    cell: str = "LSTM"
    seed: int = 0


@run_function(Settings)
def run_forecast():
    """Lesson 1 live: train a network to forecast the next value of a noisy sine, and score it
    against the last value, the linear autoregression, the sine fit and the Bayes forecast.

    The data are ``sine_windows`` (lesson 1's sine, each window with its own phase and noise); the
    network is trained on the noisy next values and scored by its MSE against the clean ones. The
    optimum is the Bayes forecast, or the clean value itself at noise 0. ``window`` is the number of
    past values the network sees, between 2 and 120; ``explore.run`` has the other arguments.

    Examples
    --------
    >>> run = run_forecast(0.5, 20, "GRU", should_stop=lambda: True)  # stopped before training
    >>> run.epochs, run.ended, list(run.scores)[-1]
    (0, 'stopped', 'Bayes forecast (optimum)')
    """


def forecast_explorer(seed=0):
    """Lesson 1's explorer panel: noise, window and cell type; train a network live and watch its test
    error approach the optimum's. Every run uses ``seed`` (see ``run_forecast``)."""
    from ..widgets import explorer

    return explorer(TASK.name, seed=seed)


def _prepare(settings, recipe):
    noise, window = settings.noise, settings.window
    train = sine_windows(recipe.windows + N_VALIDATION, window=window, noise=noise, seed=settings.seed)
    x_train, y_train, x_val, y_val = explore.split(train.x, train.y, recipe.windows)
    x_test, truth, fixed = _test_set(noise, window)
    yardsticks = {LAST_VALUE: fixed[LAST_VALUE], LINEAR_AR: forecast_linear_ar(x_train, y_train, x_test),
                  SINE_FIT: fixed[SINE_FIT], BAYES_FORECAST: fixed[BAYES_FORECAST]}
    series = noisy_sine(N_POINTS, t_max=T_MAX, noise=noise, seed=settings.seed)  # the picture's series
    _, x_view, _, y_view = split_and_windowize(series.noisy, window)
    clean = split_and_windowize(series.clean, window)[3]
    optimum = clean if noise == 0 else forecast_bayes(x_view, step=STEP, noise=noise)
    view = View(None, y_view, t=series.t[-len(y_view):], clean=clean, optimum=optimum)
    return Data(x_train, y_train, x_val, y_val, x_test, truth, yardsticks, x_view, view)


@functools.lru_cache(maxsize=8)
def _test_set(noise, window):
    """The test windows for this noise and window, their clean targets, the yardsticks that do not
    train (the Bayes forecast partly on a thread)."""
    test = sine_windows(N_TEST, window=window, noise=noise, seed=TEST_SEED)
    bayes = test.y_clean if noise == 0 else explore.deferred(forecast_bayes, test.x, step=STEP, noise=noise)
    return test.x, test.y_clean, {LAST_VALUE: forecast_last_value(test.x),
                                  SINE_FIT: forecast_sine_fit(test.x, frequency=1.0, step=STEP),
                                  BAYES_FORECAST: bayes}


def _preview(settings, ax):
    """The noisy series for these settings, with the first test window shaded and its target."""
    from ..plots import plot_series

    series = noisy_sine(N_POINTS, t_max=T_MAX, noise=settings.noise, seed=settings.seed)
    window = settings.window
    start = len(split_and_windowize(series.noisy, window)[2]) + window  # the cut, see plot_split
    plot_series(series.t, series.noisy, clean=series.clean, ax=ax,
                title=f"noise {settings.noise:.2f}: the series the network sees (its last {N_POINTS} "
                      f"points); shaded: one input window of {window} values, star: its target")
    ax.axvspan(series.t[start], series.t[start + window - 1], color="tab:orange", alpha=0.25)
    ax.plot(series.t[start + window], series.noisy[start + window], "*", color="black", ms=12)
    return ax


def _plot(view, ax, title):
    """The network's forecasts over lesson 1's test stretch, with the noisy and clean values."""
    from ..plots import plot_forecast

    return plot_forecast(view.t, view.predictions, view.target, view.clean, optimum=view.optimum, ax=ax,
                         title=f"{title}: forecasts over the lesson's test stretch")


TASK = Task(
    name="forecast", lesson=NUMBER, settings=Settings, ranges={"window": (2, 120)}, measure=MSE,
    optimum=BAYES_FORECAST,
    # Fresh windows rather than repeated passes, and a small fast network: within 1.6x of the optimum
    # on held-out seeds in about half the old explorer's time. The LSTM and GRU read 10 values per
    # step (5 steps: cheaper, and as good); the SimpleRNN keeps 5 per step (worse at 10) and, its time
    # being the shortest to beat, two thirds of the windows; it clips its gradients.
    recipe=Recipe(units=32, learning_rate=0.02, batch_size=128, n_train=48_000, passes=2, patience=8,
                  epochs_per_pass=8, per_step=10),
    overrides={"cell": {"SimpleRNN": {"clipnorm": 1.0, "n_train": 32_000, "per_step": 5}}},
    prepare=_prepare)
PANEL = Panel(row_label="method", metric="MSE vs clean", relative=MSE.header("optimum"), items="windows",
              preview=_preview, plot=_plot)
