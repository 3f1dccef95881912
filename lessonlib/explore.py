"""The run behind every explorer panel: train one network live, score it against the lesson's
yardsticks and its optimum on a large fresh test set.

What differs between lessons (data, yardsticks, names, recipes, pictures) is a ``Task``, which each
lesson's module in ``lessonlib.lessons`` defines; this module knows nothing of any lesson. A panel
(``lessonlib.widgets``) calls ``run`` on a thread and renders what it reports: everything worth
testing happens here, without widgets. Keras is imported inside the functions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from ._validation import check_callback, check_choice, check_float, check_int
from .metrics import accuracy, mse, rmse
from .models import CELL_TYPES, build_rnn
from .quiet import quiet_startup
from .report import ScoreTable, score_fresh
from .training import fit_live
from .windows import stack_steps

NOISE_RANGE = (0, 2)
N_TEST = 10_000  # fresh test windows (or sequences) per run: the scores in the table
N_CURVE = 2_000  # the first of them, scored after every epoch: the live curve
N_VALIDATION = 8_000  # drawn with the training data, for early stopping: its loss must resolve late gains
N_VIEW = 500  # test items in the picture of the current predictions, when it is not a stretch of series
TEST_SEED = 2**31 - 1  # the test sets' seed; runs' seeds are below it, so never trained on
EXACT = 1e-12  # an error below this is rounding: shown as "0 (exact)"


class Recipe(NamedTuple):
    """How one cell type is trained in one lesson's explorer: ``n_train`` training items (and
    ``N_VALIDATION`` for early stopping) in batches of ``batch_size``; Adam at ``learning_rate``,
    decayed along a cosine to 0 over the budget (``schedule=None``: constant), gradients clipped to
    ``clipnorm`` if set; at most ``passes`` passes, each cut into ``epochs_per_pass`` epochs (the
    curve's points), ending once ``patience`` epochs bring no lower validation loss. ``pooling``
    averages the states over all steps; ``every_step`` makes the network output after every step (a
    target per step, scored at the last). The network reads ``per_step`` values per step, or the
    largest divisor of the length below it: a recurrent step costs about the same whatever it reads."""

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
    per_step: int = 5
    every_step: bool = False

    @property
    def steps_per_epoch(self):
        """Batches per epoch: a pass over ``n_train`` items (rounded up) cut in ``epochs_per_pass``."""
        return -(-self.n_train // (self.batch_size * self.epochs_per_pass))

    @property
    def epochs(self):
        """The budget, in epochs."""
        return self.passes * self.epochs_per_pass

    @property
    def windows(self):
        """The training items actually drawn: ``n_train`` rounded up to whole epochs of batches."""
        return self.steps_per_epoch * self.epochs_per_pass * self.batch_size


class Settings(NamedTuple):
    """What a student chose for one run: ``length`` is the number of values in each input
    sequence (the window in lessons 1 and 2, the samples per sequence in lesson 3; lesson 4's
    horizon); ``choice`` one of ``Task.choices`` (lesson 4's strategy), or None."""

    noise: float
    length: int
    cell: str
    seed: int
    choice: str | None = None


class Score(NamedTuple):
    """One method on a run's fresh test set: ``value`` in the lesson's measure; ``relative`` a multiple
    of the optimum's error (None when the optimum is exact) or, for accuracies, the points below it;
    ``interval`` its 95 % ``Interval`` or None; ``seconds`` the network's training time."""

    value: float
    relative: float | None
    interval: object | None
    seconds: float | None


class View(NamedTuple):
    """The network's current predictions (``predictions``) against the truth (``target``), as the
    lesson's picture shows them; ``t``, ``clean`` and ``optimum`` for a picture along a series."""

    predictions: np.ndarray | None
    target: np.ndarray
    t: np.ndarray | None = None
    clean: np.ndarray | None = None
    optimum: np.ndarray | None = None


class Progress(NamedTuple):
    """What a run reports to ``on_update`` after every batch and epoch: ``epoch`` epochs done and
    ``batch`` of the next one's ``batches`` (0 right after an epoch); ``loss`` the training loss so far
    in the epoch (None before a batch); ``curve`` the curve set's scores from epoch 0; ``references``
    the yardsticks' on it; ``budget`` the most epochs; ``view`` the predictions after an epoch, or None."""

    epoch: int
    batch: int
    batches: int
    loss: float | None
    curve: tuple
    references: dict
    budget: int
    view: View | None


class Data(NamedTuple):
    """A run's arrays, from ``Task.prepare``: inputs ``(n, length, 1)`` and targets (``(n, length)``:
    one after each input value, for a network that outputs after every step); the test inputs
    and their ``truth``; ``yardsticks``, name -> outputs on ``x_test`` (``deferred`` if slow; a number
    for a bound), the optimum among them; the picture's inputs (None: the first test items) and view."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    truth: np.ndarray
    yardsticks: dict
    x_view: np.ndarray | None
    view: View


class Task(NamedTuple):
    """One lesson's explorer. ``measure`` is ``"mse"``, ``"accuracy"`` (a sigmoid output) or ``"rmse"``
    (``report.score_fresh``); ``recipe`` serves every cell but for ``overrides[cell]``;
    ``prepare(settings, recipe)`` returns ``Data``; ``preview(settings, ax, seed=...)`` draws the data,
    ``plot(view, ax, title)`` the predictions; ``to_units`` maps outputs to the lesson's units.
    ``choices`` (a name, e.g. a strategy, to its recipe overrides; the first is the default) adds a
    control named ``choice_name``; ``forecast(predict, x, settings)``, if given, makes the network's
    forecasts for the inputs ``x`` from ``predict``, its outputs for any such inputs (e.g. fed back)."""

    name: str  # e.g. "forecast": the panel's name (lessonlib.forecast_explorer)
    lesson: int
    row_label: str  # the first column of a run's table
    metric: str  # the column of ``Score.value``
    relative: str  # the column of ``Score.relative``
    optimum: str  # the optimum's name in ``Data.yardsticks``
    measure: str
    recipe: Recipe
    overrides: dict
    prepare: Callable
    preview: Callable
    plot: Callable
    length_name: str = "window"  # the run function's argument, e.g. "window" or "n_points"
    length_label: str = "window"  # its slider and its column in the table of runs
    length_range: tuple = (2, 120)
    length: int = 50  # the run function's default length, where the panel's slider starts
    noise: float = 0.5  # the default noise
    items: str = "windows"  # what the test set holds, e.g. "windows" or "sequences"
    to_units: Callable = np.asarray
    window: int | None = None  # the network's input length when the slider sets another (lesson 4: the horizon)
    choices: dict | None = None
    choice_name: str = "strategy"
    forecast: Callable | None = None

    def recipe_for(self, cell, choice=None):
        """The recipe of ``cell``: the lesson's base recipe with the choice's, then the cell's, overrides."""
        return self.recipe._replace(**{**(self.choices or {}).get(choice, {}), **self.overrides.get(cell, {})})


class Run(NamedTuple):
    """The outcome of one run. ``scores``: the network (``"LSTM network"``), the yardsticks and the
    optimum, each a ``Score`` on ``N_TEST`` fresh items; ``curve`` the network's on the first
    ``N_CURVE`` after each epoch from 0 (untrained), ``references`` the yardsticks'; the network keeps
    ``best_epoch``'s weights (lowest validation loss); ``ended``: ``"converged"``, ``"budget"`` or
    ``"stopped"``; ``model`` reads ``per_step`` values per step (``predict`` feeds it)."""

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
    per_step: int = 1

    def predict(self, x):
        """The network's forecasts for inputs ``x`` of shape ``(n, length, 1)``, in the lesson's units."""
        return _forecasts(self.task, self.model, stack_steps(np.asarray(x, dtype="float32"), self.per_step),
                          self.settings)

    @property
    def network(self):
        """The network's ``Score``."""
        return self.scores[network_name(self.settings.cell)]

    @property
    def exact(self):
        """True when the optimum makes no error (noise 0, for an error measure): no ratios then."""
        return self.task.measure != "accuracy" and self.scores[self.task.optimum].value < EXACT

    def table(self):
        """The scores as a ScoreTable: the network, the yardsticks, the optimum."""
        header = [self.task.row_label, self.task.metric, self.task.relative, "train s"]
        rows = [[name, _format_value(self.task, s.value), _format_relative(s),
                 "-" if s.seconds is None else f"{s.seconds:.1f}"] for name, s in self.scores.items()]
        return ScoreTable(header, rows)

    def summary(self):
        """One row for a table of runs: the settings, the network's scores, how the run went."""
        s, net = self.settings, self.network
        choice = {} if s.choice is None else {self.task.choice_name: s.choice}
        return {"noise": f"{s.noise:.2f}", self.task.length_label: str(s.length), "cell": s.cell, **choice,
                self.task.metric: _format_value(self.task, net.value), self.task.relative: _format_relative(net),
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
    if task.measure == "accuracy":
        return f"{value:.1%}"
    return "0 (exact)" if value < EXACT else f"{value:.3g}"


def _format_relative(score):
    if score.relative is None:
        return "-"
    return f"{score.relative:.2f}" if score.interval is None else str(score.interval)


def run(task, noise, length, cell="LSTM", *, seed=0, should_stop=None, on_update=None, choice=None):
    """Train a network of ``cell`` live on ``task``'s data and score it: one explorer run.

    It trains on ``Recipe.windows`` fresh items drawn with ``seed``, stops early on ``N_VALIDATION``
    more, and is scored on ``N_TEST`` items drawn with ``TEST_SEED``, the same for every run at the
    same noise and length. Each lesson's module calls it with its ``Task`` (``lessonlib.run_forecast``...).

    Parameters
    ----------
    noise : float
        Standard deviation of the Gaussian noise, between 0 and 2 (the sine's amplitude is 1).
    length : int
        Values per input sequence, in ``task.length_range``.
    seed : int, default 0
        Seeds the data, the initial weights and the shuffling, with generators of the run's own (no
        global random state moves): the same settings give the same run. Below ``TEST_SEED``.
    should_stop : callable, optional
        Asked after every batch: ``True`` ends the run at once, without scoring the epoch under way;
        the network it keeps is then scored (see ``Run``).
    on_update : callable, optional
        Called as ``on_update(progress)`` with a ``Progress`` after every batch and every epoch.
    choice : str, optional
        One of ``task.choices`` (default: its first); only for a task that has choices.

    Raises
    ------
    ValueError, TypeError
        For a setting outside the ranges above, or a callback that is not callable, before any work.
    """
    low, high = task.length_range
    if task.choices:
        choice = next(iter(task.choices)) if choice is None else check_choice(task.choice_name, choice,
                                                                                tuple(task.choices))
    elif choice is not None:
        raise ValueError(f"Lesson {task.lesson}'s explorer has no choice of {task.choice_name}: leave `choice` "
                         f"as None. Received: {choice!r}")
    settings = Settings(check_float("noise", noise, low=NOISE_RANGE[0], high=NOISE_RANGE[1]),
                        check_int(task.length_name, length, low=low, high=high),
                        check_choice("cell", cell, CELL_TYPES),
                        check_int("seed", seed, low=0, high=TEST_SEED - 1), choice)
    check_callback("should_stop", should_stop, arguments="()")
    check_callback("on_update", on_update, arguments="(progress)")
    return _train_and_score(task, settings, should_stop, on_update)


def _train_and_score(task, settings, should_stop, on_update):
    """One run: data and yardsticks, then the network trained live, then every score."""
    start = time.perf_counter()
    recipe = task.recipe_for(settings.cell, settings.choice)
    window = task.window or settings.length  # the network's input length
    per_step = max(d for d in range(1, recipe.per_step + 1) if window % d == 0)
    data = _stacked(task.prepare(settings, recipe), per_step)
    references = {name: _measure(task, _head(out), data.truth[:N_CURVE]) for name, out in data.yardsticks.items()}
    report = _Reporter(task, settings, data, references, recipe, on_update)
    report.update(0, None, None)  # the yardsticks are known: the curve can show them
    model = report.model = _build_network(task, settings, recipe, window, per_step)
    rng = np.random.default_rng([settings.seed, 7])  # the run's own: no global random state moves
    order = np.concatenate([rng.permutation(len(data.x_train)) for _ in range(recipe.passes)])
    fit = fit_live(model, data.x_train[order], data.y_train[order], evaluate=report.evaluate, epochs=recipe.epochs,
                   batch_size=recipe.batch_size, patience=recipe.patience, steps_per_epoch=recipe.steps_per_epoch,
                   should_stop=should_stop, on_batch=report.batch)
    name = network_name(settings.cell)
    outputs = {name: _forecasts(task, model, data.x_test, settings),
               **{yardstick: _whole(out) for yardstick, out in data.yardsticks.items()}}
    scores = _scores(task, outputs, data.truth)
    scores[name] = scores[name]._replace(seconds=fit.seconds)
    return Run(task, settings, scores, tuple(report.curve), references, fit.epochs, fit.best_epoch,
               fit.ended, time.perf_counter() - start, report.views[fit.best_epoch], model, per_step)


def _stacked(data, per_step):
    """``data`` with every input regrouped to ``per_step`` values per step, as float32, and targets
    given after every input value kept after every step's last value."""
    def stack(x):
        return None if x is None else stack_steps(x, per_step).astype("float32")

    def per_step_targets(y):
        return y[:, per_step - 1::per_step] if np.ndim(y) == 2 else y

    return data._replace(x_train=stack(data.x_train), x_val=stack(data.x_val), x_test=stack(data.x_test),
                         x_view=stack(data.x_view), y_train=per_step_targets(data.y_train),
                         y_val=per_step_targets(data.y_val))


def _forecasts(task, model, x, settings):
    """The network's forecasts for the (regrouped) inputs ``x``, in the lesson's units: its output, at
    the last step if it outputs after every step, or ``task.forecast``'s."""
    def predict(inputs):
        return _last_step(_predict(model, inputs))

    return task.to_units(predict(x) if task.forecast is None else task.forecast(predict, x, settings))


def _last_step(outputs):
    """A network's forecasts from its outputs: those of its last step if it outputs after every step."""
    return outputs[:, -1] if outputs.ndim == 2 else outputs


def _measure(task, outputs, truth):
    """The lesson's measure of ``outputs`` (probabilities, for accuracies), or a bound as it is."""
    if np.ndim(outputs) == 0:
        return float(outputs)
    if task.measure == "accuracy":
        return accuracy(np.asarray(outputs) > 0.5, truth)
    return (mse if task.measure == "mse" else rmse)(outputs, truth)


def _scores(task, outputs, truth):
    """Every method's ``Score`` on the whole test set; relative to the optimum unless it is exact."""
    bounds = {name: float(out) for name, out in outputs.items() if np.ndim(out) == 0}
    predictions = {name: out for name, out in outputs.items() if name not in bounds}
    if task.measure == "accuracy":
        predictions = {name: (np.asarray(out) > 0.5).astype(int) for name, out in predictions.items()}
    reference = bounds.get(task.optimum, task.optimum)
    if task.measure != "accuracy" and _measure(task, outputs[task.optimum], truth) < EXACT:
        plain = {name: Score(_measure(task, out, truth), None, None, None) for name, out in predictions.items()}
        return {**plain, **{name: Score(value, None, None, None) for name, value in bounds.items()}}
    fresh = score_fresh(predictions, truth, measure=task.measure, reference=reference)
    scale = 0.01 if task.measure == "accuracy" else 1  # accuracies as fractions, like metrics.accuracy
    scores = {name: Score(s.value.estimate * scale, s.relative.estimate,
                          None if name == task.optimum else s.relative, None) for name, s in fresh.items()}
    return {**scores, **{name: Score(value, 1.0, None, None) for name, value in bounds.items()}}


class _Reporter:
    """``fit_live``'s callbacks for one run: score each epoch, report batches and epochs."""

    def __init__(self, task, settings, data, references, recipe, on_update):
        self.task, self.settings, self.data, self.references = task, settings, data, references
        self.recipe, self.on_update = recipe, on_update
        self.model = None
        parts = [data.x_val, data.x_test[:N_CURVE]] + ([] if data.x_view is None else [data.x_view])
        self.inputs = np.concatenate(parts).astype("float32")
        self.curve, self.views, self.epoch = [], [], 0

    def evaluate(self, epoch):
        """Score the network after ``epoch`` epochs; report it; return the validation loss."""
        n_val = len(self.data.x_val)
        if self.task.forecast is None:  # one batch for everything (one traced function per model)
            outputs = _predict(self.model, self.inputs)
            loss = _loss(self.task, outputs[:n_val], self.data.y_val)
            forecasts = self.task.to_units(_last_step(outputs[n_val:]))
        else:
            loss = _loss(self.task, _predict(self.model, self.inputs[:n_val]), self.data.y_val)
            forecasts = _forecasts(self.task, self.model, self.inputs[n_val:], self.settings)
        self.curve.append(_measure(self.task, forecasts[:N_CURVE], self.data.truth[:N_CURVE]))
        self.views.append(self._view(forecasts))
        self.epoch = epoch
        self.update(0, None, self.views[-1])
        return loss

    def batch(self, epoch, batch, batches, loss):
        self.update(batch, loss, None)

    def update(self, batch, loss, view):
        if self.on_update is not None:
            self.on_update(Progress(self.epoch, batch, self.recipe.steps_per_epoch, loss, tuple(self.curve),
                                    self.references, self.recipe.epochs, view))

    def _view(self, forecasts):
        """The picture's predictions from the forecasts for the curve's and the picture's inputs."""
        data = self.data
        if data.x_view is not None:
            return data.view._replace(predictions=forecasts[-len(data.x_view):])
        return data.view._replace(predictions=forecasts[:len(data.view.target)])


def _loss(task, outputs, targets):
    """The training loss on the validation items: binary cross-entropy or mean squared error."""
    if task.measure == "accuracy":
        p = np.clip(outputs, 1e-7, 1 - 1e-7)
        return float(-np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p)))
    return float(np.mean((outputs - targets) ** 2))


def _build_network(task, settings, recipe, window, per_step):
    """A compiled one-layer network of ``settings.cell`` for ``recipe``, seeded by the run's seed
    without touching Keras's global random state, Adam ready."""
    with quiet_startup():  # in case no lesson cell has imported Keras yet
        import keras  # noqa: F401 -- loaded here, quietly, before build_rnn does

    decay_steps = recipe.epochs * recipe.steps_per_epoch if recipe.schedule == "cosine" else None
    model = build_rnn(settings.cell, window=window, units=recipe.units,
                      head="sigmoid" if task.measure == "accuracy" else "linear",
                      learning_rate=recipe.learning_rate, decay_steps=decay_steps, clipnorm=recipe.clipnorm,
                      pooling=recipe.pooling, every_step=recipe.every_step, per_step=per_step, seed=settings.seed)
    # Creating Adam's variables now, not inside fit's first step, saves TensorFlow a second
    # tracing of the training step (a noticeable share of a short run), with the same numbers.
    model.optimizer.build(model.trainable_variables)
    return model


def _predict(model, inputs):
    """The model's outputs as a float array, ``(n,)`` or ``(n, steps)`` for a network that outputs after
    every step, in one batch (one traced function per model)."""
    return np.asarray(model.predict_on_batch(np.asarray(inputs, dtype="float32")), dtype=float)[..., 0]


def split(x, y, n_train):
    """``(x_train, y_train, x_val, y_val)``: the first ``n_train`` items for training, the rest to validate."""
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


class _Deferred(NamedTuple):
    """A yardstick's outputs: the first N_CURVE now, the rest on a thread (the curve shows it at once)."""

    head: np.ndarray
    rest: Future


_YARDSTICKS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lessonlib-yardsticks")


def deferred(function, x, *args, **kwargs):
    """``function(x, ...)`` on the first N_CURVE items now and on the others on a thread: for a slow
    yardstick in ``Data.yardsticks``."""
    return _Deferred(function(x[:N_CURVE], *args, **kwargs),
                     _YARDSTICKS.submit(function, x[N_CURVE:], *args, **kwargs))


def _head(outputs):
    return outputs.head if isinstance(outputs, _Deferred) else outputs[:N_CURVE] if np.ndim(outputs) else outputs


def _whole(outputs):
    """All of a yardstick's outputs, waiting for the thread if need be (it raises what it raised)."""
    return np.concatenate([outputs.head, outputs.rest.result()]) if isinstance(outputs, _Deferred) else outputs
