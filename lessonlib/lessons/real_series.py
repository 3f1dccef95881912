"""Lesson 5's wiring: its explorer forecasts the weekly Mauna Loa CO2 series ``horizon`` weeks ahead
from the last ``history`` weeks, at every origin of the lesson's test years, against the last value,
the seasonal naive forecast with drift (the reference of its ratios), Holt-Winters fitted on the ten
years before the test, and the linear direct model on the network's own inputs.

The framing is the lesson's: each window is measured from its last value and divided by the training
windows' spread of changes (``scale``); the targets are the change ``horizon`` weeks on. With the
calendar on, every week brings three values, its change and the sine and cosine of its time of year,
interleaved, so the network reads 13 weeks (39 values) per step; off, 13 values per step. Scores are
in ppm² (the change's error is the level's); their intervals are circular block bootstraps over the
test origins with blocks of a year, since origins a week apart share most of their future. The
explorer's ``noise`` adds measurement noise (ppm) to every value the methods read; the truth stays the
measured series.

The networks train point forecasts; each run also checks a 90 % interval per method at no training
cost: the forecast plus the 5 % and 95 % quantiles of the method's own errors on the validation
origins (section 9's classical construction), its coverage at the test origins with the same
bootstrap. The network, the last value, the seasonal naive forecast and the linear model get one;
Holt-Winters does not, as its fit saw the validation years.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from ..classical import fit_linear_ar, forecast_holt_winters, forecast_seasonal_naive
from ..explore import Data, Recipe, Task, View
from ..metrics import Measure
from ..panel import Panel
from ..signals import calendar_features, fill_forward, load_co2
from ..uncertainty import block_bootstrap_interval, validation_coverage
from . import run_function

NUMBER, NOTEBOOK = 5, "05_real_series"
# --- what lesson 5's notebook sets: its exercises, tests and benchmarks read them here --------------
SEASON = YEAR = 52                        # weeks in the season of the model, and the notebook's horizon
TRAIN_SHARE, VALIDATION_SHARE = 0.6, 0.2  # the chronological split
WINDOW = 104                              # weeks the notebook's models read: two years
PER_STEP = 26                             # weeks the notebook's network reads per step
FIT_YEARS = 10                            # Holt-Winters' fit window that fixes it, in years before the test
BLOCK = 52                                # origins per bootstrap block: a year
LEVEL = 0.9                               # the explorer's forecast intervals: 90 %
LAST_VALUE, SEASONAL_NAIVE = "last value", "seasonal naive with drift"
HOLT_WINTERS, LINEAR = "Holt-Winters (last 10 years)", "linear direct model, same inputs"
WEEKS_PER_STEP = 13  # the explorer's network: a quarter of a year per step
CALENDAR = {"off": {"per_step": WEEKS_PER_STEP}, "on": {"per_step": 3 * WEEKS_PER_STEP}}
HORIZONS = {52: {}, 26: {}, 13: {}, 1: {}}  # the explorer's horizons, in weeks: a choice, the same recipe
__all__ = ["run_real_series", "real_series_explorer"]


class Settings(NamedTuple):
    """One run's settings in lesson 5's explorer, from its controls to its data: the defaults are the
    run function's and the panel's."""

    noise: float = 0.0  # ppm of measurement noise added to what the methods read
    history: int = 104  # weeks the network and the linear model read (a multiple of 13 is read whole)
    cell: str = "LSTM"
    horizon: int = 52  # weeks from the origin to the forecast week: one of HORIZONS
    calendar: str = "off"
    seed: int = 0


class _BlockMSE(Measure):
    """The MSE, with intervals from a circular block bootstrap over the origins (blocks of a year):
    origins a week apart share most of their future, so they are not independent items."""

    def intervals(self, items, reference):
        return (block_bootstrap_interval(items, block=BLOCK, circular=True),
                block_bootstrap_interval(items, block=BLOCK, reference=reference, circular=True))


MSE_BY_YEARS = _BlockMSE()


@run_function(Settings)
def run_real_series():
    """Lesson 5 live: train a network to forecast weekly CO2 ``horizon`` weeks (52, 26, 13 or 1) after each
    origin from the last ``history`` weeks (26 to 156; read in whole quarters of 13 weeks, the oldest
    left over dropped), the week of the year as a second input if ``calendar`` is ``"on"``, and score
    it at every test origin against the last value, the seasonal naive forecast with drift,
    Holt-Winters and the linear direct model on the same inputs. ``noise`` (0 to 2 ppm) is added to
    every value the methods read. ``explore.run`` has the other arguments.

    Examples
    --------
    >>> run = run_real_series(horizon=26, calendar="on", should_stop=lambda: True)  # stopped before training
    >>> run.epochs, run.ended, run.settings.calendar, list(run.scores)[-1]
    (0, 'stopped', 'on', 'seasonal naive with drift')
    """


def real_series_explorer(seed=0):
    """Lesson 5's explorer panel: history, horizon, cell type and the calendar input; train a network
    live on the CO2 series and watch its error at the test origins beside the rivals'."""
    from ..widgets import explorer

    return explorer(TASK.name, seed=seed)


@functools.lru_cache(maxsize=1)
def co2_split():
    """The lesson's series, filled forward: ``(ppm, weeks, n_train, test_start)``, with the first
    ``n_train`` weeks to train, the next ones up to ``test_start`` to validate, the rest to test."""
    co2 = load_co2()
    ppm = fill_forward(co2.ppm)
    n_train = int(TRAIN_SHARE * len(ppm))
    return ppm, co2.weeks, n_train, n_train + int(VALIDATION_SHARE * len(ppm))


@functools.lru_cache(maxsize=1)
def holt_winters_params():
    """Holt-Winters' parameters, fitted once on the ``FIT_YEARS`` years before the test (measured series)."""
    from ..quiet import quiet_startup

    with quiet_startup():
        from statsmodels.tsa.holtwinters import ExponentialSmoothing
    ppm, _, _, test_start = co2_split()
    first = test_start - FIT_YEARS * YEAR
    fit = ExponentialSmoothing(ppm[first:test_start], trend="add", seasonal="add", seasonal_periods=SEASON).fit()
    return first, dict(fit.params)


def _weeks_read(history):
    """The weeks the network reads: ``history`` rounded down to whole quarters (13 weeks)."""
    return max(WEEKS_PER_STEP, history // WEEKS_PER_STEP * WEEKS_PER_STEP)


@functools.lru_cache(maxsize=16)
def _scale(history, horizon):
    """The training windows' spread of the change ``horizon`` weeks after their last week (measured series)."""
    ppm, _, n_train, _ = co2_split()
    origins = np.arange(history, n_train - horizon + 1)
    return float((ppm[origins + horizon - 1] - ppm[origins - 1]).std())


def _inputs(series, calendar, origins, weeks_read, scale, with_calendar):
    """Each origin's last ``weeks_read`` weeks measured from the last one, over ``scale``; with the
    calendar, each week followed by its sine and cosine: ``(n, weeks_read * channels, 1)``."""
    rows = origins[:, None] - weeks_read + np.arange(weeks_read)
    changes = (series[rows] - series[origins - 1][:, None]) / scale
    if with_calendar:
        changes = np.stack([changes, calendar[rows, 0], calendar[rows, 1]], axis=2).reshape(len(origins), -1)
    return changes[:, :, None]


def _prepare(settings, recipe):
    ppm, weeks, n_train, test_start = co2_split()
    series = ppm + settings.noise * np.random.default_rng([settings.seed, 5]).standard_normal(len(ppm))
    weeks_read, h = _weeks_read(settings.history), settings.horizon
    scale, on = _scale(weeks_read, h), settings.calendar == "on"
    calendar = calendar_features(weeks)
    parts = [np.arange(weeks_read, n_train - h + 1), np.arange(n_train, test_start - h + 1),
             np.arange(test_start, len(ppm) - h + 1)]
    x_train, x_val, x_test = (_inputs(series, calendar, o, weeks_read, scale, on) for o in parts)
    y_train, y_val = ((series[o + h - 1] - series[o - 1]) / scale for o in parts[:2])
    validation, test = parts[1:]
    last = series[test - 1]
    truth = ppm[test + h - 1] - last  # the measured change: its error is the level's error
    first, params = holt_winters_params()
    linear = fit_linear_ar(x_train[:, :, 0], y_train)
    val_yardsticks = {  # the rivals fitted without the validation origins, forecasting them: their intervals
        LAST_VALUE: np.zeros(len(validation)),
        LINEAR: linear(x_val[:, :, 0]) * scale,
        SEASONAL_NAIVE: forecast_seasonal_naive(series, validation, season=SEASON, horizon=h, drift=True)[:, -1]
        - series[validation - 1],
    }
    yardsticks = {
        LAST_VALUE: np.zeros(len(test)),
        HOLT_WINTERS: forecast_holt_winters(series[first:], test - first, params=params, season=SEASON,
                                            horizon=h)[:, -1] - last,
        LINEAR: linear(x_test[:, :, 0]) * scale,
        SEASONAL_NAIVE: forecast_seasonal_naive(series, test, season=SEASON, horizon=h, drift=True)[:, -1] - last,
    }
    year = 1958 + (weeks - np.datetime64("1958-01-01")).astype(float) / 365.25
    view = View(None, truth, t=year[test + h - 1])
    val_truth = ppm[validation + h - 1] - series[validation - 1]  # measured, as the test's truth
    return Data(x_train, y_train, x_val, y_val, x_test, truth, yardsticks, None, view, val_truth, val_yardsticks)


def _forecast(predict, x, settings):
    """The network's forecast of the change ``horizon`` weeks on, in ppm."""
    return predict(x) * _scale(_weeks_read(settings.history), settings.horizon)


def _preview(settings, ax):
    """The CO2 series, the split, one input window shaded and its target ``horizon`` weeks on."""
    ppm, weeks, n_train, test_start = co2_split()
    year = 1958 + (weeks - np.datetime64("1958-01-01")).astype(float) / 365.25
    weeks_read, h = _weeks_read(settings.history), settings.horizon
    origin = test_start
    ax.plot(year, ppm, lw=0.7, color="tab:blue")
    for cut, label in [(n_train, "validation"), (test_start, "test")]:
        ax.axvline(year[cut], color="gray", ls=":")
        ax.text(year[cut], ppm.max(), f" {label}", va="top", fontsize="small")
    ax.axvspan(year[origin - weeks_read], year[origin - 1], color="tab:orange", alpha=0.3)
    ax.plot(year[origin + h - 1], ppm[origin + h - 1], "*", color="black", ms=12)
    ax.set(xlabel="year", ylabel="CO2 (ppm)",
           title=f"noise {settings.noise:.2f} ppm; shaded: the {weeks_read} weeks read at the first test origin"
                 f"{' (+ week of the year)' if settings.calendar == 'on' else ''}; star: {h} weeks on")
    return ax


def _plot(view, ax, title):
    """The measured change ``horizon`` weeks after each test origin, and the network's forecast of it."""
    ax.plot(view.t, view.target, color="black", lw=1, label="measured")
    if view.predictions is not None:
        ax.plot(view.t, view.predictions, color="tab:orange", lw=1, label="network")
    ax.set(xlabel="year of the forecast week", ylabel="change from the origin (ppm)",
           title=f"{title}: the rise forecast at each test origin")
    ax.legend(fontsize="small")
    return ax


TASK = Task(
    name="real_series", lesson=NUMBER, settings=Settings, ranges={"history": (26, 156)},
    measure=MSE_BY_YEARS, optimum=SEASONAL_NAIVE,
    recipe=Recipe(units=32, learning_rate=0.01, batch_size=128, n_train=1024, passes=60, patience=6,
                  schedule=None, per_step=WEEKS_PER_STEP),
    overrides={"horizon": HORIZONS, "calendar": CALENDAR,
               "cell": {"SimpleRNN": {"learning_rate": 0.005, "clipnorm": 1.0}}},
    prepare=_prepare, forecast=_forecast,
    coverage=functools.partial(validation_coverage, level=LEVEL, block=BLOCK, circular=True))
PANEL = Panel(row_label="method", metric="MSE (ppm²), test origins", relative=f"x {SEASONAL_NAIVE} (MSE ratio)",
              items="origins", preview=_preview, plot=_plot, units="ppm",
              labels={"history": "weeks", "horizon": "h"})  # short: a run's title must fit one line
