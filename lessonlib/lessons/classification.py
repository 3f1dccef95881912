"""Lesson 2's wiring: its explorer trains a classifier to tell ``sin t`` from ``sin 1.1t``, against the
matched filter and the Bayes classifier (the optimum)."""

from __future__ import annotations

import functools
from typing import NamedTuple

from .. import explore
from ..bayes import classify_bayes
from ..classical import matched_filter_classify
from ..explore import N_TEST, N_VALIDATION, N_VIEW, TEST_SEED, Data, Recipe, Task, View
from ..metrics import ACCURACY
from ..panel import Panel
from ..signals import STEP, two_sine_windows, two_sines
from ..windows import split_and_windowize, windows_and_labels
from . import run_function

NUMBER, NOTEBOOK = 2, "02_classification"
# --- what lesson 2's notebook sets: its exercises, tests and benchmarks read them here --------------
WINDOW = 50                # values per window
NOISE = 0.5                # the noise's standard deviation
N_POINTS, T_MAX = 500, 90  # each class's series: 500 points over 90 time units
HISTORY = 48_000           # section 5: points of history before each series
PER_STEP = 5               # section 5: values the network reads per step
# Section 5's final recipe: one LSTM of UNITS, Adam with a cosine decay from LEARNING_RATE to DECAY_TO of
# it over the run, EPOCHS of batches of BATCH.
UNITS, LEARNING_RATE, DECAY_TO, EPOCHS, BATCH = 32, 0.01, 0.05, 2, 512
MATCHED_FILTER, BAYES_CLASSIFIER = "matched filter", "Bayes classifier (optimum)"
CLASS_NAMES = ("sin t", "sin 1.1t")  # the classes of signals.FREQUENCIES
__all__ = ["run_classification", "classification_explorer"]


class Settings(NamedTuple):
    """One run's settings in lesson 2's explorer, from its controls to its data: the defaults are the
    run function's and the panel's."""

    noise: float = 0.5
    window: int = 50  # values per window
    cell: str = "LSTM"
    seed: int = 0


@run_function(Settings)
def run_classification():
    """Lesson 2 live: train a network to tell ``sin t`` from ``sin 1.1t``, and score its accuracy
    against the matched filter and the Bayes classifier.

    The data are ``two_sine_windows`` (each window with its own phase and noise, the classes
    alternating). The optimum is the Bayes classifier, exact (100 %) at noise 0. ``window`` is the
    number of values per window, between 2 and 120 (with 2 or 3 even the optimum is barely better than
    a coin); ``explore.run`` has the other arguments. ``Score.relative`` is in points below the optimum.
    """


def classification_explorer(seed=0):
    """Lesson 2's explorer panel: noise, window and cell type; train a classifier live and watch its
    test accuracy approach the optimum's. Every run uses ``seed`` (see ``run_classification``)."""
    from ..widgets import explorer

    return explorer(TASK.name, seed=seed)


def _prepare(settings, recipe):
    noise, window = settings.noise, settings.window
    train = two_sine_windows(recipe.windows + N_VALIDATION, window=window, noise=noise, seed=settings.seed)
    x_train, y_train, x_val, y_val = explore.split(train.x, train.labels.astype(float), recipe.windows)
    x_test, truth, yardsticks = _test_set(noise, window)
    return Data(x_train, y_train, x_val, y_val, x_test, truth, yardsticks, None, View(None, truth[:N_VIEW]))


@functools.lru_cache(maxsize=8)
def _test_set(noise, window):
    """The test windows and labels for this noise and window, and the yardsticks' outputs."""
    test = two_sine_windows(N_TEST, window=window, noise=noise, seed=TEST_SEED)
    bayes = (test.labels.astype(float) if noise == 0 else
             explore.deferred(classify_bayes, test.x, step=STEP, noise=noise))
    matched = matched_filter_classify(test.x, step=STEP).labels
    return test.x, test.labels, {MATCHED_FILTER: matched.astype(float), BAYES_CLASSIFIER: bayes}


def _preview(settings, ax):
    """The first test window of each class at these settings, noisy values over clean sines."""
    data = two_sines(N_POINTS, t_max=T_MAX, noise=settings.noise, seed=settings.seed)
    window = settings.window
    x_test = windows_and_labels(data.noisy_a, data.noisy_b, window)[1]
    start = len(split_and_windowize(data.noisy_a, window)[0]) + window  # see plot_split
    t = data.t[start:start + window]
    for label, values, clean, color in [(0, x_test[0, :, 0], data.clean_a, "tab:blue"),
                                        (1, x_test[len(x_test) // 2, :, 0], data.clean_b, "tab:orange")]:
        ax.plot(t, clean[start:start + window], color=color, lw=1.5, alpha=0.6)
        ax.plot(t, values, ".", color=color, ms=7, label=f"class {label}, {CLASS_NAMES[label]}: what the network sees")
    ax.set(xlabel="t", ylabel="value",
           title=f"noise {settings.noise:.2f}: the first test window of {window} values of each "
                 f"class (dots), over the clean sines (lines)")
    ax.legend(loc="upper right", fontsize="small")
    return ax


def _plot(view, ax, title):
    """The network's predicted probabilities on N_VIEW test windows, one histogram per true class."""
    from ..plots import plot_probability_histograms

    return plot_probability_histograms(view.predictions, view.target, ax=ax, class_names=CLASS_NAMES,
                                       title=f"{title}: {N_VIEW} test windows")


TASK = Task(
    name="classification", lesson=NUMBER, settings=Settings, ranges={"window": (2, 120)}, measure=ACCURACY,
    optimum=BAYES_CLASSIFIER,
    recipe=Recipe(units=32, learning_rate=0.01, batch_size=256, n_train=24_000, passes=6, patience=12,
                  epochs_per_pass=4),
    overrides={"cell": {"SimpleRNN": {"units": 64, "learning_rate": 0.002, "batch_size": 128, "passes": 4,
                                      "clipnorm": 1.0},
                        "GRU": {"pooling": True}}},
    prepare=_prepare)
PANEL = Panel(row_label="classifier", metric="test accuracy", relative="points below optimum", items="windows",
              preview=_preview, plot=_plot)
