"""Lesson 3's wiring: its explorer trains a network to read off a sine's frequency, against the
classical estimator and the Cramér-Rao bound (the optimum), and defines the scaling of its target."""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from .. import explore
from ..classical import cramer_rao_bound, estimate_frequency
from ..explore import N_TEST, N_VALIDATION, N_VIEW, TEST_SEED, Data, Recipe, Task, View
from ..metrics import RMSE
from ..panel import Panel
from ..signals import FREQ_RANGE, random_frequency_sequences, sequence_duration
from . import run_function

NUMBER, NOTEBOOK = 3, "03_regression"
# --- what lesson 3's notebook sets: its exercises, tests and benchmarks read them here --------------
NOISE = 0.3                       # the noise's standard deviation
N_POINTS, DURATION = 50, 10.0     # samples per sequence, over this many time units
N_SEQUENCES = 1000                # section 1's sequences (a quarter of them for testing)
PER_STEP = 5                      # section 5: values the network reads per step
# Section 5's train_for_steps: one LSTM of UNITS (and its rival, two Dense layers of RIVAL_UNITS), Adam with
# a cosine decay from LEARNING_RATE to DECAY_TO of it over exactly FINAL_STEPS steps, in batches of BATCH,
# on the scaled target, on N_MORE sequences. ORIGINAL_STEPS: section 4's 20 epochs of 24 batches of 32.
UNITS, RIVAL_UNITS, LEARNING_RATE, DECAY_TO, BATCH = 32, 64, 0.01, 0.02, 128
N_MORE, FINAL_STEPS, ORIGINAL_STEPS = 12_000, 1000, 480
ESTIMATOR, BOUND = "classical estimator", "Cramér-Rao bound"
__all__ = ["run_regression", "regression_explorer", "scale_frequency", "unscale_frequency"]


class Settings(NamedTuple):
    """One run's settings in lesson 3's explorer, from its controls to its data: the defaults are the
    run function's and the panel's."""

    noise: float = 0.3
    n_points: int = 50  # samples per sequence
    cell: str = "LSTM"
    seed: int = 0


def scale_frequency(frequency):
    """The network's target: a frequency on ``FREQ_RANGE`` mapped onto [-1, 1].

    Examples
    --------
    >>> scale_frequency(np.array([1.0, 3.0, 5.0]))
    array([-1.,  0.,  1.])
    """
    low, high = FREQ_RANGE
    return (np.asarray(frequency) - (low + high) / 2) / ((high - low) / 2)


def unscale_frequency(output):
    """A network's output back in radians per time unit: the inverse of ``scale_frequency``.

    Examples
    --------
    >>> unscale_frequency(scale_frequency(np.array([1.5, 4.25])))
    array([1.5 , 4.25])
    """
    low, high = FREQ_RANGE
    return (low + high) / 2 + (high - low) / 2 * np.asarray(output)


@run_function(Settings)
def run_regression():
    """Lesson 3 live: train a network to read off a sine's frequency, and score it against the
    classical estimator and the Cramér-Rao bound.

    The data are ``random_frequency_sequences`` with ``n_points`` samples (between 10 and 100) at
    lesson 3's spacing (``sequence_duration``) and frequencies uniform on ``FREQ_RANGE``; the network
    learns ``scale_frequency(f)``, undone before scoring. The optimum is the bound for these settings,
    0 at noise 0. It is asymptotic: at low signal-to-noise (high noise, short sequences) even the
    classical estimator lands above it. ``explore.run`` has the other arguments.
    """


def regression_explorer(seed=0):
    """Lesson 3's explorer panel: noise, samples per sequence and cell type; train a network live and
    watch its test RMSE approach the Cramér-Rao bound. Every run uses ``seed`` (see ``run_regression``)."""
    from ..widgets import explorer

    return explorer(TASK.name, seed=seed)


def _prepare(settings, recipe):
    train = random_frequency_sequences(recipe.windows + N_VALIDATION, seed=settings.seed,
                                       **_design(settings.noise, settings.n_points))
    x_train, y_train, x_val, y_val = explore.split(train.signals[:, :, None], scale_frequency(train.frequencies),
                                                   recipe.windows)
    x_test, truth, yardsticks = _test_set(settings.noise, settings.n_points)
    return Data(x_train, y_train, x_val, y_val, x_test, truth, yardsticks, None, View(None, truth[:N_VIEW]))


def _design(noise, n_points):
    return {"n_points": n_points, "duration": sequence_duration(n_points), "noise": noise}


@functools.lru_cache(maxsize=8)
def _test_set(noise, n_points):
    """The test sequences and frequencies for this noise and length, the estimator, the bound."""
    design = _design(noise, n_points)
    test = random_frequency_sequences(N_TEST, seed=TEST_SEED, **design)
    bound = cramer_rao_bound(**design)
    classical = explore.deferred(estimate_frequency, test.signals, test.t)
    return test.signals[:, :, None], test.frequencies, {ESTIMATOR: classical, BOUND: bound}


def _preview(settings, ax, *, n_shown=3):
    """A few sequences at these settings, stacked, each labelled with its true frequency."""
    n_points = settings.n_points
    data = random_frequency_sequences(n_shown, seed=settings.seed, **_design(settings.noise, n_points))
    for i, (signal, frequency) in enumerate(zip(data.signals, data.frequencies, strict=True)):
        ax.plot(data.t, signal + 3.5 * (n_shown - 1 - i), ".-", lw=0.5, label=f"f = {frequency:.2f}")
    ax.set(xlabel="t", yticks=[],
           title=f"noise {settings.noise:.2f}: {n_shown} sequences of {n_points} samples over "
                 f"{data.t[-1]:.1f} time units; the network must read off each one's f")
    ax.legend(loc="upper right", fontsize="small")
    return ax


def _plot(view, ax, title):
    """The network's predicted against the true frequencies of N_VIEW test sequences."""
    from ..plots import plot_true_vs_predicted

    return plot_true_vs_predicted(view.target, view.predictions, ax=ax, title=f"{title}, {N_VIEW} sequences")


def _forecast(predict, x, settings):
    """The network's frequencies, in radians per time unit: its outputs unscaled."""
    return unscale_frequency(predict(x))


TASK = Task(
    name="regression", lesson=NUMBER, settings=Settings, ranges={"n_points": (10, 100)}, measure=RMSE,
    optimum=BOUND,
    recipe=Recipe(units=64, learning_rate=0.01, batch_size=128, n_train=16_000, passes=6, patience=6,
                  epochs_per_pass=2),
    overrides={"cell": {"SimpleRNN": {"clipnorm": 1.0}}},
    prepare=_prepare, forecast=_forecast)
PANEL = Panel(row_label="estimator", metric="test RMSE", relative=RMSE.header("bound"), items="sequences",
              preview=_preview, plot=_plot, labels={"n_points": "samples"})
