"""The plain functions behind the explorer panels: train one network live, score it against the best
possible, on a large fresh test set.

One run, in every lesson: draw training and validation data for the student's settings, train one
network of the chosen cell type with that lesson's recipe for the cell (``RECIPES``) until its
validation loss stops improving or its epoch budget is spent, score it after every epoch on the
first ``N_CURVE`` windows of a fresh test set of ``N_TEST``, and finally score it and the lesson's
yardsticks on all of them. The three lessons differ only in their data, yardsticks and names, which a
``Task`` holds; ``run_forecast``, ``run_classification`` and ``run_regression`` are one run for
lessons 1, 2 and 3, each returning a ``Run``.

A panel in ``lessonlib.widgets`` only collects a student's settings, calls a function from here on
a thread, and renders what the callbacks and the result carry; everything worth testing happens
here, without widgets or plots. Keras is imported inside the functions, so importing this module
stays fast.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from ._validation import check_callback, check_choice, check_float, check_int
from .bayes import classify_bayes, forecast_bayes
from .classical import (
    cramer_rao_bound,
    estimate_frequency,
    forecast_last_value,
    forecast_linear_ar,
    forecast_sine_fit,
    matched_filter_classify,
)
from .models import CELL_TYPES, build_rnn
from .quiet import quiet_startup
from .signals import FREQ_RANGE, FREQUENCIES, STEP, noisy_sine, random_frequency_sequences, sequence_duration
from .signals import sine_windows, two_sine_windows
from .training import fit_live
from .report import ScoreTable, accuracy_on_fresh_windows, rmse_on_fresh_sequences, score_on_fresh_windows
from .windows import split_and_windowize

NOISE_RANGE = (0, 2)
WINDOW_RANGE = (2, 120)
N_POINTS_RANGE = (10, 100)
N_TEST = 10_000  # fresh test windows (or sequences) per run: the scores in the table
N_CURVE = 2_000  # the first of them, scored after every epoch: the live curve
N_VALIDATION = 2_000  # drawn with the training data, for early stopping
N_VIEW = 500  # test items in the picture of the current predictions (lessons 2 and 3)
TEST_SEED = 2**31 - 1  # the test sets' seed; runs' seeds are below it, so never trained on
EXACT = 1e-12  # an error below this is rounding: shown as "0 (exact)"

LAST_VALUE, LINEAR_AR, SINE_FIT = "last value", "linear autoregression", "sine fit"
BAYES_FORECAST = "Bayes forecast (optimum)"
MATCHED_FILTER, BAYES_CLASSIFIER = "matched filter", "Bayes classifier (optimum)"
ESTIMATOR, BOUND = "classical estimator", "Cramér-Rao bound"


class Recipe(NamedTuple):
    """How one cell type is trained in one lesson's explorer.

    ``n_train`` independent training windows (plus ``N_VALIDATION`` for early stopping), batches of
    ``batch_size``, Adam with ``learning_rate`` (decayed along a cosine to 0 over the whole budget
    when ``schedule`` is ``"cosine"``, the default; constant when it is None; gradients clipped to
    norm ``clipnorm`` if set), at most ``passes`` passes over the training windows, each cut into
    ``epochs_per_pass`` epochs (the live curve's points), stopping once ``patience`` epochs bring no
    lower validation loss. ``pooling`` averages the layer's states over all time steps instead of
    using the last one.
    """

    units: int
    learning_rate: float
    batch_size: int
    n_train: int
    passes: int
    patience: int
    epochs_per_pass: int = 1
    clipnorm: float | None = None
    pooling: bool = False
    schedule: str | None = "cosine"

    @property
    def steps_per_epoch(self):
        """Batches per epoch: a pass over ``n_train`` windows (rounded up) cut in ``epochs_per_pass``."""
        return -(-self.n_train // (self.batch_size * self.epochs_per_pass))

    @property
    def epochs(self):
        """The budget, in epochs."""
        return self.passes * self.epochs_per_pass

    @property
    def windows(self):
        """The training windows actually drawn: ``n_train`` rounded up to whole epochs of batches."""
        return self.steps_per_epoch * self.epochs_per_pass * self.batch_size


# One table per lesson and cell type, measured to learn at the default settings within the time a
# class can wait (``make bench`` measures them again; TEACHING.md has the figures).
RECIPES = {
    "forecast": {
        "SimpleRNN": Recipe(units=32, learning_rate=0.002, batch_size=128, n_train=16_000, passes=4, patience=6,
                            epochs_per_pass=4, clipnorm=1.0),
        "LSTM": Recipe(units=32, learning_rate=0.005, batch_size=128, n_train=16_000, passes=4, patience=6,
                       epochs_per_pass=4),
        "GRU": Recipe(units=32, learning_rate=0.005, batch_size=128, n_train=16_000, passes=4, patience=6,
                      epochs_per_pass=4),
    },
    "classification": {
        "SimpleRNN": Recipe(units=64, learning_rate=0.002, batch_size=128, n_train=24_000, passes=4, patience=12,
                            epochs_per_pass=4, clipnorm=1.0),
        "LSTM": Recipe(units=32, learning_rate=0.01, batch_size=256, n_train=24_000, passes=6, patience=12,
                       epochs_per_pass=4),
        "GRU": Recipe(units=32, learning_rate=0.01, batch_size=256, n_train=24_000, passes=6, patience=12,
                      epochs_per_pass=4, pooling=True),
    },
    "regression": {
        "SimpleRNN": Recipe(units=32, learning_rate=0.002, batch_size=128, n_train=16_000, passes=8, patience=6,
                            epochs_per_pass=2, clipnorm=1.0),
        "LSTM": Recipe(units=32, learning_rate=0.01, batch_size=128, n_train=16_000, passes=6, patience=6,
                       epochs_per_pass=2),
        "GRU": Recipe(units=32, learning_rate=0.01, batch_size=128, n_train=16_000, passes=6, patience=6,
                      epochs_per_pass=2),
    },
}


class Settings(NamedTuple):
    """What a student chose for one run, in any lesson.

    ``length`` is the number of values in each input sequence: the window in lessons 1 and 2, the
    samples per sequence in lesson 3.
    """

    noise: float
    length: int
    cell: str
    seed: int


class Score(NamedTuple):
    """One method on a run's fresh test set.

    ``value`` is the lesson's measure: the MSE against the clean signal (lesson 1), the accuracy
    (lesson 2) or the RMSE (lesson 3). ``relative`` compares it with the optimum: a multiple of the
    optimum's error (lessons 1 and 3; None when the optimum is exact, at noise 0) or the points
    below its accuracy (lesson 2). ``interval`` is the 95 % interval of ``relative`` (an ``Interval``)
    or None; ``seconds`` the training time, for the network's row only.
    """

    value: float
    relative: float | None
    interval: object | None
    seconds: float | None


class View(NamedTuple):
    """The network's current predictions, as the panel's picture shows them.

    Lesson 1: forecasts over the lesson's test stretch (times ``t``, noisy ``target``, ``clean``
    signal, the Bayes forecast as ``optimum``); lesson 2: probabilities of class 1 and the true
    labels; lesson 3: predicted and true frequencies.
    """

    predictions: np.ndarray | None
    target: np.ndarray
    t: np.ndarray | None = None
    clean: np.ndarray | None = None
    optimum: np.ndarray | None = None


class Progress(NamedTuple):
    """What a run reports while it trains, to ``on_update``: after every batch and every epoch.

    ``epoch`` epochs are done (0 before training) and ``batch`` of the next one's ``batches``
    (0 right after an epoch); ``loss`` is the training loss so far in the epoch under way (None
    before the first batch); ``curve`` the test scores on the curve set after each epoch, from
    epoch 0; ``references`` the yardsticks' scores on the same set, by name; ``budget`` the
    recipe's most epochs; ``view`` the current predictions (after an epoch, else None).
    """

    epoch: int
    batch: int
    batches: int
    loss: float | None
    curve: tuple
    references: dict
    budget: int
    view: View | None


class Task(NamedTuple):
    """What one lesson's runs need beyond the shared loop: names, ranges, data, yardsticks, scores."""

    name: str
    lesson: int
    length_name: str  # the run function's argument: "window" or "n_points"
    length_label: str  # its column in the table of runs
    length_range: tuple
    row_label: str  # the first column of a run's table
    items: str  # what the test set holds: "windows" or "sequences"
    metric: str  # the column of ``Score.value``
    relative: str  # the column of ``Score.relative``
    optimum: str  # the name of the optimum's row in ``Run.scores``
    head: str  # the network's output: "linear" or "sigmoid"
    prepare: Callable  # (settings, recipe) -> _Data
    value: Callable  # (predictions, truth) -> the lesson's measure
    score: Callable  # (outputs by name, data) -> {name: Score}


class Run(NamedTuple):
    """The outcome of one run, in any lesson.

    ``scores`` maps the network (named after its cell, e.g. ``"LSTM network"``), then the lesson's
    yardsticks and its optimum (``task.optimum``) to a ``Score`` on ``N_TEST`` fresh test items.
    ``curve`` holds the network's score on the first ``N_CURVE`` of them after each epoch, from
    epoch 0 (untrained), and ``references`` the yardsticks' on the same items. ``epochs`` were
    trained; the network kept the weights of ``best_epoch`` (lowest validation loss); ``ended``
    says why the run ended: ``"converged"``, ``"budget"`` or ``"stopped"``. ``seconds`` is the
    whole run's wall-clock time, ``view`` the final predictions for the panel's picture, and
    ``model`` the trained Keras network, with the kept weights (its outputs are the lesson's units
    but in lesson 3, where they are ``(f - 3) / 2``).
    """

    task: Task
    settings: Settings
    scores: dict
    curve: tuple
    references: dict
    epochs: int
    best_epoch: int
    ended: str
    seconds: float
    view: View
    model: object = None

    @property
    def network(self):
        """The network's ``Score``."""
        return self.scores[network_name(self.settings.cell)]

    @property
    def ratio(self):
        """Lessons 1 and 3: the network's error as a multiple of the optimum's, on the test set;
        None at noise 0, where the optimum is exact."""
        if self.task.name == "classification":
            raise AttributeError("A classification run has `gap`, not `ratio`: the points of accuracy "
                                 "below the Bayes classifier.")
        return self.network.relative

    @property
    def gap(self):
        """Lesson 2: the Bayes classifier's test accuracy minus the network's, in points."""
        if self.task.name != "classification":
            raise AttributeError(f"A {self.task.name} run has `ratio`, not `gap`: its error as a "
                                 f"multiple of the optimum's.")
        return self.network.relative

    @property
    def exact(self):
        """True when the optimum makes no error (noise 0 in lessons 1 and 3): no ratios then."""
        return self.task.name != "classification" and self.scores[self.task.optimum].value == 0

    def table(self):
        """The scores as a ScoreTable: the network, the yardsticks, the optimum."""
        header = [self.task.row_label, self.task.metric, self.task.relative, "train s"]
        rows = [[name, _format_value(self.task, s.value), _format_relative(s),
                 "-" if s.seconds is None else f"{s.seconds:.1f}"] for name, s in self.scores.items()]
        return ScoreTable(header, rows)

    def summary(self):
        """One row for a table of runs: the settings, the network's scores, how the run went."""
        s, net = self.settings, self.network
        return {"noise": f"{s.noise:.2f}", self.task.length_label: str(s.length), "cell": s.cell,
                self.task.metric: _format_value(self.task, net.value),
                self.task.relative: _format_relative(net),
                "epochs": f"{self.epochs} (kept {self.best_epoch})", "ended": self.ended,
                "train s": f"{net.seconds:.1f}"}


def network_name(cell):
    """The key of a network's row in ``Run.scores``.

    Examples
    --------
    >>> network_name("GRU")
    'GRU network'
    """
    return f"{cell} network"


def _format_value(task, value):
    if task.name == "classification":
        return f"{value:.1%}"
    return "0 (exact)" if value < EXACT else f"{value:.3g}"


def _format_relative(score):
    if score.relative is None:
        return "-"
    return f"{score.relative:.2f}" if score.interval is None else str(score.interval)


# ----------------------------------------------------------------------------------------------
# The three lessons' run functions: check the settings, then the shared run

_RUN_DOC = """
    A run trains on ``Recipe.windows`` fresh random-phase training items drawn with ``seed``, stops
    early on ``N_VALIDATION`` more, and is scored on ``N_TEST`` test items drawn with
    ``TEST_SEED``, the same for every run at the same noise and length. ``RECIPES`` has the
    recipe of each cell type.

    Parameters
    ----------
    noise : float
        Standard deviation of the Gaussian noise, between 0 and 2 (the sine's amplitude is 1).
    cell : {'SimpleRNN', 'LSTM', 'GRU'}, default 'LSTM'
    seed : int, default 0
        Seeds the training data, the initial weights and the shuffling: the same settings give the
        same run. Below ``TEST_SEED``.
    on_epoch : callable, optional
        Called as ``on_epoch(epoch, score)`` before training (epoch 0) and after every epoch, with
        the network's score on the first ``N_CURVE`` test items.
    should_stop : callable, optional
        Asked with no arguments after every batch: ``True`` ends the run at once, without
        finishing or scoring the epoch under way; it then scores the network it keeps (see ``Run``).
    on_update : callable, optional
        Called as ``on_update(progress)`` with a ``Progress`` after every batch and every epoch.

    Raises
    ------
    ValueError, TypeError
        For a setting outside the ranges above, or a callback that is not callable.
"""


def _documented(function):
    function.__doc__ = function.__doc__.replace("    {run}\n", _RUN_DOC)
    return function


@_documented
def run_forecast(noise=0.5, window=50, cell="LSTM", *, seed=0, on_epoch=None, should_stop=None,
                 on_update=None):
    """Lesson 1 live: train a network to forecast the next value of a noisy sine, and score it
    against the last value, the linear autoregression, the sine fit and the Bayes forecast.

    The data are ``sine_windows`` (lesson 1's sine, step 90/499, each window with its own phase and
    noise); the network is trained on the noisy next values and scored by its MSE against the clean
    next values. The optimum is the Bayes forecast (``forecast_bayes``), or the clean value itself
    at noise 0. The picture shows the forecasts over lesson 1's test stretch for this noise.

    ``window`` is the number of past values the network sees, between 2 and 120.
    {run}
    Returns
    -------
    Run
        ``ratio`` is the network's MSE as a multiple of the Bayes forecast's.

    Examples
    --------
    >>> run = run_forecast(0.5, 20, "GRU", should_stop=lambda: True)  # stopped before training
    >>> run.epochs, run.ended, list(run.scores)[-1]
    (0, 'stopped', 'Bayes forecast (optimum)')
    """
    return _run(FORECAST, noise, window, cell, seed, on_epoch, should_stop, on_update)


@_documented
def run_classification(noise=0.5, window=50, cell="LSTM", *, seed=0, on_epoch=None, should_stop=None,
                       on_update=None):
    """Lesson 2 live: train a network to tell ``sin t`` from ``sin 1.1t``, and score it against the
    matched filter and the Bayes classifier.

    The data are ``two_sine_windows`` (lesson 2's two sines, step 90/499, each window with its own
    phase and noise, the classes alternating). The optimum is the Bayes classifier
    (``classify_bayes``), exact (100 %) at noise 0. The picture shows the histograms of the predicted
    probabilities on ``N_VIEW`` test windows.

    ``window`` is the number of values per window, between 2 and 120. With 2 or 3 values even the
    optimum is barely better than a coin.
    {run}
    Returns
    -------
    Run
        ``gap`` is the Bayes classifier's test accuracy minus the network's, in points.
    """
    return _run(CLASSIFICATION, noise, window, cell, seed, on_epoch, should_stop, on_update)


@_documented
def run_regression(noise=0.3, n_points=50, cell="LSTM", *, seed=0, on_epoch=None, should_stop=None,
                   on_update=None):
    """Lesson 3 live: train a network to read off a sine's frequency, and score it against the
    classical estimator and the Cramér-Rao bound.

    The data are ``random_frequency_sequences`` with ``n_points`` samples at lesson 3's spacing of
    10 / 49 time units (``sequence_duration``: 1.8 time units for 10 samples, 10 for 50, 20.2 for
    100) and frequencies uniform on [1, 5]; the network learns the scaled target ``(f - 3) / 2``,
    undone before scoring. The optimum is the bound ``cramer_rao_bound(n_points=n_points,
    duration=sequence_duration(n_points), noise=noise)``, 0 at noise 0. It is asymptotic: at low
    signal-to-noise (high noise, short sequences) even the classical estimator lands above it. The
    picture shows predicted against true frequencies on ``N_VIEW`` test sequences.

    ``n_points`` is the number of samples per sequence, between 10 and 100.
    {run}
    Returns
    -------
    Run
        ``ratio`` is the network's RMSE as a multiple of the bound.
    """
    return _run(REGRESSION, noise, n_points, cell, seed, on_epoch, should_stop, on_update)


def _run(task, noise, length, cell, seed, on_epoch, should_stop, on_update):
    """Validate what every run shares, in order: noise, length, cell, seed, callbacks; then run."""
    low, high = task.length_range
    settings = Settings(check_float("noise", noise, low=NOISE_RANGE[0], high=NOISE_RANGE[1]),
                        check_int(task.length_name, length, low=low, high=high),
                        check_choice("cell", cell, CELL_TYPES),
                        check_int("seed", seed, low=0, high=TEST_SEED - 1))
    check_callback("on_epoch", on_epoch, arguments="(epoch, score)")
    check_callback("should_stop", should_stop, arguments="()")
    check_callback("on_update", on_update, arguments="(progress)")
    return _train_and_score(task, settings, _Observers(on_epoch, should_stop, on_update))


class _Observers(NamedTuple):
    on_epoch: Callable | None
    should_stop: Callable | None
    on_update: Callable | None


def _train_and_score(task, settings, observers):
    """One run: data and yardsticks, then the network trained live, then every score."""
    start = time.perf_counter()
    recipe = RECIPES[task.name][settings.cell]
    data = task.prepare(settings, recipe)
    report = _Reporter(task, data, recipe, observers)
    report.update(0, None, None)  # the yardsticks are known: the curve can show them
    model = report.model = _build_network(settings, recipe, task.head)
    fit = fit_live(model, data.x_train, data.y_train, evaluate=report.evaluate, epochs=recipe.epochs,
                   batch_size=recipe.batch_size, patience=recipe.patience, steps_per_epoch=recipe.steps_per_epoch,
                   should_stop=observers.should_stop, on_batch=report.batch)
    outputs = {network_name(settings.cell): data.to_units(_predict(model, data.x_test)),
               **{name: _whole(out) for name, out in data.yardsticks.items()}}
    scores = task.score(outputs, data)
    scores[network_name(settings.cell)] = scores[network_name(settings.cell)]._replace(seconds=fit.seconds)
    return Run(task, settings, scores, tuple(report.curve), data.references, fit.epochs, fit.best_epoch,
               fit.ended, time.perf_counter() - start, report.views[fit.best_epoch], model)


class _Data(NamedTuple):
    """A run's arrays: network inputs and targets, the test set and what the yardsticks said."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    truth: np.ndarray  # per test item: the clean next value, the label, the frequency
    yardsticks: dict  # name -> outputs on x_test (lesson 3's bound: the number)
    references: dict  # name -> score on the first N_CURVE test items
    x_view: np.ndarray | None  # inputs of the picture, if not the first test items
    view: View  # the picture without predictions
    to_units: Callable  # network outputs -> the lesson's units


class _Reporter:
    """``fit_live``'s callbacks for one run: score each epoch, report batches and epochs."""

    def __init__(self, task, data, recipe, observers):
        self.task, self.data, self.recipe, self.observers = task, data, recipe, observers
        self.model = None
        parts = [data.x_val, data.x_test[:N_CURVE]] + ([] if data.x_view is None else [data.x_view])
        self.inputs = np.concatenate(parts).astype("float32")
        self.curve, self.views, self.epoch = [], [], 0

    def evaluate(self, epoch):
        """Score the network after ``epoch`` epochs; report it; return the validation loss."""
        outputs = _predict(self.model, self.inputs)
        n_val = len(self.data.x_val)
        curve_outputs = self.data.to_units(outputs[n_val:n_val + N_CURVE])
        score = float(self.task.value(curve_outputs, self.data.truth[:N_CURVE]))
        self.curve.append(score)
        self.views.append(_view(self.data, outputs))
        self.epoch = epoch
        if self.observers.on_epoch is not None:
            self.observers.on_epoch(epoch, score)
        self.update(0, None, self.views[-1])
        return _loss(self.task.head, outputs[:n_val], self.data.y_val)

    def batch(self, epoch, batch, batches, loss):
        self.update(batch, loss, None)

    def update(self, batch, loss, view):
        if self.observers.on_update is not None:
            self.observers.on_update(Progress(self.epoch, batch, self.recipe.steps_per_epoch, loss,
                                              tuple(self.curve), self.data.references, self.recipe.epochs,
                                              view))


def _view(data, outputs):
    """The picture's predictions from the outputs on ``_Reporter.inputs``, in the lesson's units."""
    if data.x_view is not None:
        return data.view._replace(predictions=data.to_units(outputs[-len(data.x_view):]))
    start = len(data.x_val)
    return data.view._replace(predictions=data.to_units(outputs[start:start + len(data.view.target)]))


def _loss(head, outputs, targets):
    """The training loss on the validation items: binary cross-entropy or mean squared error."""
    if head == "sigmoid":
        p = np.clip(outputs, 1e-7, 1 - 1e-7)
        return float(-np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p)))
    return float(np.mean((outputs - targets) ** 2))


def _build_network(settings, recipe, head):
    """Seed, then a compiled one-layer network of ``settings.cell`` for ``recipe``, Adam ready."""
    with quiet_startup():  # in case no lesson cell has imported Keras yet
        import keras

    keras.utils.set_random_seed(settings.seed)
    decay_steps = recipe.epochs * recipe.steps_per_epoch if recipe.schedule == "cosine" else None
    model = build_rnn(settings.cell, window=settings.length, units=recipe.units, head=head,
                      learning_rate=recipe.learning_rate, decay_steps=decay_steps, clipnorm=recipe.clipnorm,
                      pooling=recipe.pooling)
    # Creating Adam's variables now, not inside fit's first step, saves TensorFlow a second
    # tracing of the training step (a noticeable share of a short run), with the same numbers.
    model.optimizer.build(model.trainable_variables)
    return model


def _predict(model, inputs):
    """The model's outputs as a flat float array, in one batch (one traced function per model)."""
    return np.asarray(model.predict_on_batch(np.asarray(inputs, dtype="float32")), dtype=float)[:, 0]


def _split(x, y, n_train):
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def _references(task, yardsticks, truth):
    """The yardsticks' scores on the first N_CURVE test items (lesson 3's bound: the number itself)."""
    return {name: float(task.value(_head(out), truth[:N_CURVE])) if np.ndim(_head(out)) else out
            for name, out in yardsticks.items()}


class _Deferred(NamedTuple):
    """A yardstick's outputs on the test set: the first N_CURVE now, the rest being computed on a
    thread, so that the live curve can show the yardstick at once."""

    head: np.ndarray
    rest: Future


_YARDSTICKS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lessonlib-yardsticks")


def _deferred(function, x, *args, **kwargs):
    """``function(x, ...)`` on the first N_CURVE items now and on the others on a thread."""
    return _Deferred(function(x[:N_CURVE], *args, **kwargs),
                     _YARDSTICKS.submit(function, x[N_CURVE:], *args, **kwargs))


def _head(outputs):
    return outputs.head if isinstance(outputs, _Deferred) else outputs[:N_CURVE] if np.ndim(outputs) else outputs


def _whole(outputs):
    """All of a yardstick's outputs, waiting for the thread if need be (it raises what it raised)."""
    return np.concatenate([outputs.head, outputs.rest.result()]) if isinstance(outputs, _Deferred) else outputs


# ----------------------------------------------------------------------------------------------
# Lesson 1: forecasting a noisy sine


def _forecast_data(settings, recipe):
    noise, window = settings.noise, settings.length
    train = sine_windows(recipe.windows + N_VALIDATION, window=window, step=STEP, noise=noise,
                         seed=settings.seed)
    x_train, y_train, x_val, y_val = _split(train.x, train.y, recipe.windows)
    x_test, truth, fixed = _forecast_test_set(noise, window)
    yardsticks = {LAST_VALUE: fixed[LAST_VALUE],
                  LINEAR_AR: forecast_linear_ar(x_train, y_train, x_test),
                  SINE_FIT: fixed[SINE_FIT], BAYES_FORECAST: fixed[BAYES_FORECAST]}
    series = noisy_sine(500, noise=noise, seed=settings.seed)  # lesson 1's series, for the picture
    _, x_view, _, y_view = split_and_windowize(series.noisy, window)
    clean = split_and_windowize(series.clean, window)[3]
    optimum = clean if noise == 0 else forecast_bayes(x_view, step=STEP, noise=noise)
    view = View(None, y_view, t=series.t[-len(y_view):], clean=clean, optimum=optimum)
    return _Data(x_train, y_train, x_val, y_val, x_test, truth, yardsticks,
                 _references(FORECAST, yardsticks, truth), x_view, view, _identity)


@functools.lru_cache(maxsize=8)
def _forecast_test_set(noise, window):
    """Lesson 1's test windows for this noise and window, their clean targets, the yardsticks that do
    not train (the Bayes forecast partly on a thread, see ``_deferred``)."""
    test = sine_windows(N_TEST, window=window, step=STEP, noise=noise, seed=TEST_SEED)
    bayes = test.y_clean if noise == 0 else _deferred(forecast_bayes, test.x, step=STEP, noise=noise)
    return test.x, test.y_clean, {LAST_VALUE: forecast_last_value(test.x),
                                  SINE_FIT: forecast_sine_fit(test.x, frequency=1.0, step=STEP),
                                  BAYES_FORECAST: bayes}


def _mse(predictions, truth):
    return float(np.mean((np.asarray(predictions) - truth) ** 2))


def _forecast_scores(outputs, data):
    if _mse(outputs[BAYES_FORECAST], data.truth) == 0:  # noise 0: the optimum is exact, no ratio to it
        return {name: Score(_mse(out, data.truth), None, None, None) for name, out in outputs.items()}
    fresh = score_on_fresh_windows(outputs, data.truth, reference=BAYES_FORECAST)
    return {name: Score(s.mse.estimate, s.ratio.estimate, None if name == BAYES_FORECAST else s.ratio, None)
            for name, s in fresh.items()}


def _identity(outputs):
    return outputs


# ----------------------------------------------------------------------------------------------
# Lesson 2: telling two frequencies apart


def _classification_data(settings, recipe):
    noise, window = settings.noise, settings.length
    train = two_sine_windows(recipe.windows + N_VALIDATION, window=window, step=STEP, noise=noise,
                             frequencies=FREQUENCIES, seed=settings.seed)
    x_train, y_train, x_val, y_val = _split(train.x, train.labels.astype(float), recipe.windows)
    x_test, truth, yardsticks = _classification_test_set(noise, window)
    return _Data(x_train, y_train, x_val, y_val, x_test, truth, yardsticks,
                 _references(CLASSIFICATION, yardsticks, truth), None, View(None, truth[:N_VIEW]),
                 _identity)


@functools.lru_cache(maxsize=8)
def _classification_test_set(noise, window):
    """Lesson 2's test windows and labels for this noise and window, and the yardsticks' outputs."""
    test = two_sine_windows(N_TEST, window=window, step=STEP, noise=noise, frequencies=FREQUENCIES,
                            seed=TEST_SEED)
    bayes = (test.labels.astype(float) if noise == 0 else
             _deferred(classify_bayes, test.x, step=STEP, noise=noise, frequencies=FREQUENCIES))
    matched = matched_filter_classify(test.x, frequencies=FREQUENCIES, step=STEP).labels
    return test.x, test.labels, {MATCHED_FILTER: matched.astype(float), BAYES_CLASSIFIER: bayes}


def _accuracy(probabilities, labels):
    return float(np.mean((np.asarray(probabilities) > 0.5) == labels))


def _classification_scores(outputs, data):
    labels = {name: (out > 0.5).astype(int) for name, out in outputs.items()}
    fresh = accuracy_on_fresh_windows(labels, data.truth, reference=BAYES_CLASSIFIER)
    return {name: Score(s.accuracy.estimate / 100, s.gap.estimate,
                        None if name == BAYES_CLASSIFIER else s.gap, None) for name, s in fresh.items()}


# ----------------------------------------------------------------------------------------------
# Lesson 3: reading off a frequency


def _regression_data(settings, recipe):
    design = _design(settings.noise, settings.length)
    train = random_frequency_sequences(recipe.windows + N_VALIDATION, seed=settings.seed, **design)
    scaled = (train.frequencies - 3) / 2  # the network learns (f - 3) / 2: about -1 to 1
    x_train, y_train, x_val, y_val = _split(train.signals[:, :, None], scaled, recipe.windows)
    x_test, truth, yardsticks = _regression_test_set(settings.noise, settings.length)
    return _Data(x_train, y_train, x_val, y_val, x_test, truth, yardsticks,
                 _references(REGRESSION, yardsticks, truth), None, View(None, truth[:N_VIEW]),
                 _unscale)


def _design(noise, n_points):
    return {"n_points": n_points, "duration": sequence_duration(n_points), "freq_range": FREQ_RANGE,
            "noise": noise}


@functools.lru_cache(maxsize=8)
def _regression_test_set(noise, n_points):
    """Lesson 3's test sequences and frequencies for this noise and length, the estimator, the bound."""
    design = _design(noise, n_points)
    test = random_frequency_sequences(N_TEST, seed=TEST_SEED, **design)
    bound = cramer_rao_bound(n_points=n_points, duration=design["duration"], noise=noise)
    classical = _deferred(estimate_frequency, test.signals, test.t, freq_range=FREQ_RANGE)
    return test.signals[:, :, None], test.frequencies, {ESTIMATOR: classical, BOUND: bound}


def _rmse(predictions, truth):
    return float(np.sqrt(np.mean((np.asarray(predictions) - truth) ** 2)))


def _regression_scores(outputs, data):
    estimates = {name: out for name, out in outputs.items() if name != BOUND}
    bound = outputs[BOUND]
    if bound == 0:  # noise 0: the bound is 0 and no ratio to it means anything
        scores = {name: Score(_rmse(out, data.truth), None, None, None) for name, out in estimates.items()}
        return {**scores, BOUND: Score(0.0, None, None, None)}
    fresh = rmse_on_fresh_sequences(estimates, data.truth, bound=bound)
    scores = {name: Score(s.rmse.estimate, s.ratio.estimate, s.ratio, None) for name, s in fresh.items()}
    return {**scores, BOUND: Score(bound, 1.0, None, None)}


def _unscale(outputs):
    return 3 + 2 * np.asarray(outputs)


# ----------------------------------------------------------------------------------------------

FORECAST = Task(name="forecast", lesson=1, length_name="window", length_label="window",
                length_range=WINDOW_RANGE, row_label="method", items="windows", metric="MSE vs clean",
                relative="x optimum", optimum=BAYES_FORECAST, head="linear", prepare=_forecast_data,
                value=_mse, score=_forecast_scores)
CLASSIFICATION = Task(name="classification", lesson=2, length_name="window", length_label="window",
                      length_range=WINDOW_RANGE, row_label="classifier", items="windows",
                      metric="test accuracy", relative="points below optimum", optimum=BAYES_CLASSIFIER,
                      head="sigmoid", prepare=_classification_data, value=_accuracy,
                      score=_classification_scores)
REGRESSION = Task(name="regression", lesson=3, length_name="n_points", length_label="samples",
                  length_range=N_POINTS_RANGE, row_label="estimator", items="sequences", metric="test RMSE",
                  relative="x bound", optimum=BOUND, head="linear", prepare=_regression_data, value=_rmse,
                  score=_regression_scores)
TASKS = {task.name: task for task in (FORECAST, CLASSIFICATION, REGRESSION)}
