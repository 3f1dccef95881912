"""The run behind every explorer panel: train one network live, score it against the lesson's
yardsticks and its optimum on a large fresh test set.

What differs between lessons is split by who reads it: what a run needs and how it trains is a
``Task`` (here), with the lesson's own settings type and its ``metrics.Measure``; the panel's labels
and pictures are a ``panel.Panel``. Each lesson's module in ``lessonlib.lessons`` defines both; this
module knows nothing of any lesson. A panel (``lessonlib.widgets``) builds one settings value from its
controls and calls ``run`` with it on a thread, then renders what it reports: everything worth
testing happens here, without widgets. Keras is imported inside the functions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from ._validation import check_callback, check_choice, check_float, check_int
from .metrics import Measure
from .models import CELL_TYPES, build_rnn
from .quiet import quiet_startup
from .training import fit_live
from .windows import stack_steps

NOISE_RANGE = (0, 2)
N_TEST = 10_000  # fresh test windows (or sequences) per run: the scores in the table
N_CURVE = 2_000  # the first of them, scored after every epoch: the live curve
N_VALIDATION = 8_000  # drawn with the training data, for early stopping: its loss must resolve late gains
N_VIEW = 500  # test items in the picture of the current predictions, when it is not a stretch of series
TEST_SEED = 2**31 - 1  # the test sets' seed; runs' seeds are below it, so never trained on
MAX_SEED = 2**31 - 4  # the largest run seed: build_rnn's (its layers' initializers take seed + 0 to 3)


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
    """A run's arrays, from ``Task.prepare``: inputs ``(n, steps, 1)``, ``steps`` the network's input
    length (the window, or the samples per sequence; lesson 4's window whatever its horizon), and
    targets ``(n,)`` (or ``(n, steps)``: one after each input value, for a network that outputs after
    every step); the test inputs and their ``truth``; ``yardsticks``, name -> outputs on ``x_test``
    (``deferred`` if slow; a number for a bound), the optimum among them; the picture's inputs (None:
    the first test items) and view. ``run`` regroups every input to the recipe's values per step.
    For a lesson whose forecasts carry intervals (``Task.coverage``): ``val_truth``, the validation
    items' truth in the lesson's units, and ``val_yardsticks``, name -> the forecasts on them of the
    yardsticks that have an interval (those fitted without the validation items)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    truth: np.ndarray
    yardsticks: dict
    x_view: np.ndarray | None
    view: View
    val_truth: np.ndarray | None = None
    val_yardsticks: dict = {}  # noqa: RUF012 -- read only


def predict_directly(predict, x, settings):
    """A ``Task.forecast`` for a lesson whose network's output is its forecast: ``predict(x)``."""
    return predict(x)


class Task(NamedTuple):
    """What one lesson's explorer run needs and how it trains (the panel reads a ``panel.Panel``).

    ``settings`` is the lesson's settings type: a NamedTuple with ``noise``, its own integer settings
    (e.g. ``window``: the name the lesson gives the slider's quantity, everywhere), ``cell``, any choice
    of its own (lesson 4's ``strategy``) and ``seed``; its defaults are the run's and the panel's.
    ``ranges`` bounds each integer setting (``{"window": (2, 120)}``). ``overrides`` maps a setting to
    its values' recipe overrides, applied in order, the later winning (``{"cell": {"SimpleRNN": {...}}}``);
    a setting other than ``cell`` found there is a choice among its values. ``prepare(settings, recipe)``
    returns ``Data``; ``forecast(predict, x, settings)`` makes the network's forecasts in the lesson's
    units for the (regrouped) inputs ``x`` from ``predict``, its last-step outputs for any such inputs.
    ``coverage(forecasts, truth, validation_errors)``, if set, checks a forecast interval built from a
    method's validation errors on the test items (``uncertainty.validation_coverage`` with the lesson's
    level and bootstrap): a run then checks the network's and each of ``Data.val_yardsticks``'."""

    name: str  # e.g. "forecast": the panel's name (lessonlib.forecast_explorer)
    lesson: int
    settings: type
    ranges: dict
    measure: Measure
    optimum: str  # the optimum's name in ``Data.yardsticks``
    recipe: Recipe
    overrides: dict
    prepare: Callable
    forecast: Callable = predict_directly
    coverage: Callable | None = None

    @property
    def choices(self):
        """Each setting chosen among values, ``{name: values}``: ``cell`` and the lesson's own."""
        return {"cell": CELL_TYPES, **{name: tuple(values) for name, values in self.overrides.items()
                                       if name != "cell"}}

    def recipe_for(self, cell="LSTM", **settings):
        """The recipe of ``cell`` (with the lesson's other ``settings``, e.g. ``strategy="recursive"``):
        the base recipe with each setting's overrides, in ``overrides``' order.

        Examples
        --------
        >>> from lessonlib.lessons import by_name
        >>> by_name("many_steps").task.recipe_for("GRU", strategy="sequence to sequence").every_step
        True
        """
        chosen = {"cell": cell, **settings}
        changes = [values.get(chosen.get(name), {}) for name, values in self.overrides.items()]
        return self.recipe._replace(**{field: value for change in changes for field, value in change.items()})

    def check(self, settings):
        """``settings``, each field checked against its range or its choices (ValueError, TypeError)."""
        if not isinstance(settings, self.settings):
            raise TypeError(f"`settings` must be a {self.settings.__name__} (lessonlib.lessons."
                            f"{self.name}'s settings type). Received: settings={settings!r}")
        checked = {"noise": check_float("noise", settings.noise, low=NOISE_RANGE[0], high=NOISE_RANGE[1]),
                   "seed": check_int("seed", settings.seed, low=0, high=MAX_SEED)}
        for name, (low, high) in self.ranges.items():
            checked[name] = check_int(name, getattr(settings, name), low=low, high=high)
        for name, values in self.choices.items():
            checked[name] = check_choice(name, getattr(settings, name), values)
        return settings._replace(**checked)


class Run(NamedTuple):
    """The outcome of one run. ``scores``: the network (``"LSTM network"``), the yardsticks and the
    optimum, each a ``Score`` on ``N_TEST`` fresh items; ``curve`` the network's on the first
    ``N_CURVE`` after each epoch from 0 (untrained), ``references`` the yardsticks'; the network keeps
    ``best_epoch``'s weights (lowest validation loss); ``ended``: ``"converged"``, ``"budget"`` or
    ``"stopped"``; ``model`` reads ``per_step`` values per step (``predict`` feeds it). ``coverage``:
    for a lesson with ``Task.coverage``, the network's and the yardsticks' forecast intervals checked on
    the test items, name -> ``uncertainty.Coverage`` (the network first); else empty."""

    task: Task
    settings: tuple
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
    n_test: int = N_TEST  # the fresh test items scored (a real series has fewer: its test origins)
    coverage: dict = {}  # noqa: RUF012 -- read only

    def predict(self, x):
        """The network's forecasts for inputs ``x`` shaped as the test items, ``(n, steps, 1)`` (lesson 4:
        windows of 50 values, forecast ``horizon`` steps on), in the lesson's units."""
        return _forecasts(self.task, self.model, stack_steps(np.asarray(x, dtype="float32"), self.per_step),
                          self.settings)

    @property
    def network(self):
        """The network's ``Score``."""
        return self.scores[network_name(self.settings.cell)]

    @property
    def exact(self):
        """True when the optimum makes no error (noise 0, for an error measure): no ratios then."""
        return self.task.measure.exact(self.scores[self.task.optimum].value)


def network_name(cell):
    """The key of a network's row in ``Run.scores``.

    Examples
    --------
    >>> network_name("GRU")
    'GRU network'
    """
    return f"{cell} network"


def run(task, settings, *, should_stop=None, on_update=None):
    """Train a network of ``settings.cell`` live on ``task``'s data and score it: one explorer run.

    It trains on ``Recipe.windows`` fresh items drawn with ``settings.seed``, stops early on
    ``N_VALIDATION`` more, and is scored on ``N_TEST`` items drawn with ``TEST_SEED``, the same for
    every run at the same noise and length. Each lesson's run function (``lessonlib.run_forecast``...)
    and panel call it with the lesson's ``Task`` and a value of its settings type.

    Parameters
    ----------
    task : Task
    settings : task.settings
        The noise (between 0 and 2: the sine's amplitude is 1), the lesson's integer settings (in
        ``task.ranges``), the cell (``models.CELL_TYPES``), the lesson's choices, and the seed (0 to
        ``MAX_SEED``), which seeds the data, the initial weights and the shuffling with generators of
        the run's own (no global random state moves): the same settings give the same run.
    should_stop : callable, optional
        Asked after every batch: ``True`` ends the run at once, without scoring the epoch under way;
        the network it keeps is then scored (see ``Run``).
    on_update : callable, optional
        Called as ``on_update(progress)`` with a ``Progress`` after every batch and every epoch.

    Raises
    ------
    ValueError, TypeError
        For a setting outside the ranges above, or a callback that is not callable, before any work.
    """
    settings = task.check(settings)
    check_callback("should_stop", should_stop, arguments="()")
    check_callback("on_update", on_update, arguments="(progress)")
    return _train_and_score(task, settings, should_stop, on_update)


def _train_and_score(task, settings, should_stop, on_update):
    """One run: data and yardsticks, then the network trained live, then every score."""
    start = time.perf_counter()
    recipe = task.recipe_for(**settings._asdict())
    data = task.prepare(settings, recipe)
    window = data.x_train.shape[1]  # the network's input length
    per_step = max(d for d in range(1, recipe.per_step + 1) if window % d == 0)
    data = _stacked(data, per_step)
    references = {name: _score_of(task.measure, _head(out), data.truth[:N_CURVE])
                  for name, out in data.yardsticks.items()}
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
    coverage = _coverage(task, data, outputs, name, lambda: _forecasts(task, model, data.x_val, settings))
    return Run(task, settings, scores, tuple(report.curve), references, fit.epochs, fit.best_epoch,
               fit.ended, time.perf_counter() - start, report.views[fit.best_epoch], model, per_step,
               len(data.truth), coverage)


def _coverage(task, data, outputs, network, forecast_validation):
    """Each method's forecast interval from its validation errors, checked on the test items
    (``Task.coverage``): the ``network``'s (its validation forecasts from ``forecast_validation()``,
    called only when needed) and the yardsticks' in ``Data.val_yardsticks``; {} for a lesson without."""
    if task.coverage is None or data.val_truth is None:
        return {}
    validation = {network: forecast_validation(), **data.val_yardsticks}
    return {name: task.coverage(outputs[name], data.truth, data.val_truth - forecasts)
            for name, forecasts in validation.items()}


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


def _forecasts(task, model, x, settings, outputs=None):
    """The network's forecasts for the (regrouped) inputs ``x``, in the lesson's units (``task.forecast``
    from its last-step outputs); ``outputs``, if given, are the model's outputs on ``x`` itself, already
    computed."""
    def predict(inputs):
        return _last_step(outputs if outputs is not None and inputs is x else _predict(model, inputs))

    return task.forecast(predict, x, settings)


def _last_step(outputs):
    """A network's forecasts from its outputs: those of its last step if it outputs after every step."""
    return outputs[:, -1] if outputs.ndim == 2 else outputs


def _score_of(measure, outputs, truth):
    """The measure of ``outputs`` against ``truth``, or a bound (a number) as it is."""
    return float(outputs) if np.ndim(outputs) == 0 else measure.score(outputs, truth)


def _scores(task, outputs, truth):
    """Every method's ``Score`` on the whole test set; relative to the optimum unless it is exact."""
    measure = task.measure
    bounds = {name: float(out) for name, out in outputs.items() if np.ndim(out) == 0}
    costs = {name: measure.per_item(measure.decide(out), truth) for name, out in outputs.items() if name not in bounds}
    values = {**{name: measure.aggregate(items) for name, items in costs.items()}, **bounds}
    if measure.exact(values[task.optimum]):
        return {name: Score(value, None, None, None) for name, value in values.items()}
    reference = costs.get(task.optimum, values[task.optimum])  # the optimum's costs, or a bound
    scores = {}
    for name, items in costs.items():
        relative = measure.intervals(items, reference)[1]
        scores[name] = Score(values[name], relative.estimate, None if name == task.optimum else relative, None)
    return {**scores, **{name: Score(value, measure.relative(value, value), None, None)
                         for name, value in bounds.items()}}


class _Reporter:
    """``fit_live``'s callbacks for one run: score each epoch, report batches and epochs."""

    def __init__(self, task, settings, data, references, recipe, on_update):
        self.task, self.settings, self.data, self.references = task, settings, data, references
        self.recipe, self.on_update = recipe, on_update
        self.model = None
        parts = [data.x_val, data.x_test[:N_CURVE]] + ([] if data.x_view is None else [data.x_view])
        self.inputs = np.concatenate(parts).astype("float32")
        self.rest = self.inputs[len(data.x_val):]  # the curve's and the picture's inputs
        self.curve, self.views, self.epoch = [], [], 0

    def evaluate(self, epoch):
        """Score the network after ``epoch`` epochs; report it; return the validation loss."""
        n_val = len(self.data.x_val)
        outputs = _predict(self.model, self.inputs)  # one batch for everything: one traced function per model
        loss = self.task.measure.loss(outputs[:n_val], self.data.y_val)
        forecasts = _forecasts(self.task, self.model, self.rest, self.settings, outputs[n_val:])
        self.curve.append(self.task.measure.score(forecasts[:N_CURVE], self.data.truth[:N_CURVE]))
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


def _build_network(task, settings, recipe, window, per_step):
    """A compiled one-layer network of ``settings.cell`` for ``recipe``, seeded by the run's seed
    without touching Keras's global random state, Adam ready."""
    with quiet_startup():  # in case no lesson cell has imported Keras yet
        import keras  # noqa: F401 -- loaded here, quietly, before build_rnn does

    decay_steps = recipe.epochs * recipe.steps_per_epoch if recipe.schedule == "cosine" else None
    model = build_rnn(settings.cell, window=window, units=recipe.units,
                      head=task.measure.head,
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
