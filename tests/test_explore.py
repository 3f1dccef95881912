"""The run behind every explorer panel (``explore.run``), in every registered lesson.

Each test runs once per lesson of ``lessonlib.lessons.LESSONS`` (ids: the lessons' names), through
the lesson's run function (``lessonlib.run_<name>``) with its recipes shrunk to a few small epochs
(the ``tiny_tasks`` fixture of conftest.py), so that a run takes seconds; the data, the
10,000-item test sets, the yardsticks, the optimum and the scores are the real ones. What only one
lesson computes (its scores against its own independent yardsticks) is in test_lesson_<module>.py;
nothing here names a lesson, so a new lesson is tested by being registered.
"""

import inspect
import re

import numpy as np
import pytest

from lessonlib import explore
from lessonlib.explore import (
    N_CURVE,
    N_TEST,
    NOISE_RANGE,
    TEST_SEED,
    Progress,
    Recipe,
    Run,
    Score,
    Settings,
    Task,
    View,
)
from lessonlib.lessons import LESSONS
from lessonlib.models import CELL_TYPES
from lessonlib.uncertainty import Interval
from lessonlib.windows import stack_steps

MEASURES = ("mse", "accuracy", "rmse")


def _name(lesson):
    return lesson.name


def run_function(lesson):
    """The lesson's run function, ``lessonlib.run_<name>`` (see test_package.py)."""
    return lesson.exports[f"run_{lesson.name}"]


def _length(task, wanted=12):
    """``wanted`` values per input sequence, or the nearest length the task allows."""
    low, high = task.length_range
    return min(max(wanted, low), high)


def _outputs(run, x):
    """The trained network's outputs on ``x``, in the lesson's units: computed here with Keras's predict."""
    return np.asarray(run.model.predict(stack_steps(x, run.per_step).astype("float32"), verbose=0), dtype=float)[:, 0]


def _score(task, outputs, truth):
    """The lesson's measure, computed here: accuracy of ``outputs > 0.5``, else the MSE or its root."""
    if task.measure == "accuracy":
        return float(np.mean((outputs > 0.5) == truth))
    error = float(np.mean((outputs - truth) ** 2))
    return error if task.measure == "mse" else np.sqrt(error)


def _close(task, value):
    """``value``, to the rounding of float32 outputs (an accuracy: a window or two on the 0.5 edge)."""
    return pytest.approx(value, abs=2 / N_TEST) if task.measure == "accuracy" else pytest.approx(value, rel=1e-4)


each_lesson = pytest.mark.parametrize("lesson", LESSONS, ids=_name)


# --- a run's scores ------------------------------------------------------------------------------

@each_lesson
def test_a_run_scores_the_network_and_the_yardsticks_against_the_optimum_on_fresh_items(tiny_tasks, lesson):
    task = tiny_tasks[lesson.name]
    length = _length(task, 20)
    run = run_function(lesson)(task.noise, length, "GRU", seed=3)
    choice = next(iter(task.choices)) if task.choices else None
    assert run.task == task and run.settings == Settings(task.noise, length, "GRU", 3, choice)
    assert list(run.scores) == ["GRU network", *run.references] and list(run.scores)[-1] == task.optimum
    assert run.network is run.scores["GRU network"]
    data = task.prepare(run.settings, task.recipe_for("GRU"))  # the test set, as the lesson draws it
    assert len(data.x_test) == len(data.truth) == N_TEST >= 10_000
    net = _score(task, task.to_units(_outputs(run, data.x_test)), data.truth)
    optimum = run.scores[task.optimum]
    assert run.network.value == _close(task, net)
    if task.measure == "accuracy":  # points below the optimum
        assert run.network.relative == pytest.approx(100 * (optimum.value - net), abs=200 / N_TEST)
        assert optimum.relative == 0.0
    else:  # a multiple of the optimum's error
        assert run.network.relative == pytest.approx(net / optimum.value, rel=1e-4)
        assert optimum.relative == 1.0
    low, high = run.network.interval.low, run.network.interval.high
    assert low < run.network.relative < high
    assert optimum.interval is None
    assert [name for name, score in run.scores.items() if score.seconds is not None] == ["GRU network"]
    assert run.network.seconds > 0 and run.seconds > run.network.seconds
    # the network keeps its best epoch's weights: the curve's point there is their score on the curve set
    kept = _score(task, task.to_units(_outputs(run, data.x_test[:N_CURVE])), data.truth[:N_CURVE])
    assert run.curve[run.best_epoch] == _close(task, kept)


@each_lesson
def test_updates_report_every_batch_and_every_epoch_with_the_curve_so_far(tiny_tasks, lesson):
    task = tiny_tasks[lesson.name]
    recipe, updates = task.recipe, []
    run = run_function(lesson)(task.noise, _length(task, 10), "SimpleRNN", on_update=updates.append)
    assert run.ended in ("budget", "converged") and run.epochs == recipe.epochs == 4
    batches = recipe.steps_per_epoch
    # before any network (the yardsticks, for the curve's lines), after epoch 0 (untrained), then
    # each batch of each epoch and the epoch's end
    expected = [(0, 0), (0, 0), *[step for epoch in range(run.epochs)
                                  for step in [*((epoch, b) for b in range(1, batches + 1)), (epoch + 1, 0)]]]
    assert [(u.epoch, u.batch) for u in updates] == expected
    assert updates[0] == Progress(0, 0, batches, None, (), run.references, recipe.epochs, None)
    assert all(u.batches == batches and u.budget == recipe.epochs and u.references == run.references
               for u in updates)
    during = [u for u in updates if u.batch]
    assert all(u.loss > 0 and u.view is None for u in during)
    assert [u.curve for u in during] == [run.curve[:u.epoch + 1] for u in during]
    ends = [u for u in updates[1:] if u.batch == 0]
    assert [u.curve for u in ends] == [run.curve[:epoch + 1] for epoch in range(run.epochs + 1)]
    assert all(u.loss is None for u in ends)
    for u in ends:
        view = u.view
        assert len(view.predictions) == len(view.target) > 0
        assert all(a is None or len(a) == len(view.target) for a in (view.t, view.clean, view.optimum))
    assert np.array_equal(run.view.predictions, ends[run.best_epoch].view.predictions)  # the kept epoch's
    assert len(run.curve) == run.epochs + 1 and len(run.references) == len(run.scores) - 1


@each_lesson
def test_early_stopping_ends_a_run_once_the_validation_loss_stops_improving(tiny_tasks, set_task, lesson):
    # a budget of 80 epochs at a constant, large learning rate: the validation loss soon stops falling
    recipe = tiny_tasks[lesson.name].recipe._replace(passes=40, patience=1, learning_rate=0.05, schedule=None)
    task = set_task(lesson, tiny_tasks[lesson.name]._replace(recipe=recipe))
    run = run_function(lesson)(task.noise, _length(task), "GRU")
    assert run.ended == "converged" and run.epochs == run.best_epoch + 1 < recipe.epochs
    assert len(run.curve) == run.epochs + 1


@each_lesson
def test_stop_ends_a_run_within_an_epoch_and_keeps_what_it_learnt(tiny_tasks, set_task, lesson):
    recipe = tiny_tasks[lesson.name].recipe._replace(passes=50, patience=50)  # a budget of 100 epochs
    task = set_task(lesson, tiny_tasks[lesson.name]._replace(recipe=recipe))
    epochs, asked = [], []

    def on_update(progress):
        if progress.view is not None:  # an epoch's end
            epochs.append(progress.epoch)

    def should_stop():
        asked.append(len(epochs))
        return len(epochs) > 2  # after epoch 2 is scored, Stop is "clicked"

    run = run_function(lesson)(task.noise, _length(task), "LSTM", on_update=on_update, should_stop=should_stop)
    assert run.ended == "stopped" and run.epochs == 2 < recipe.epochs
    assert epochs == [0, 1, 2]  # the epoch under way when Stop came is neither finished nor scored
    batches = recipe.steps_per_epoch  # asked before training, then after every batch: the first True ends it
    assert asked == [1] * (1 + batches) + [2] * batches + [3]
    assert len(run.curve) == 3 and run.best_epoch <= 2
    assert run.network is run.scores["LSTM network"]
    assert run.network.relative > (0 if task.measure == "accuracy" else 1)  # 2 tiny epochs: below the optimum


@each_lesson
def test_a_stop_before_training_scores_the_untrained_network(tiny_tasks, lesson):
    task = tiny_tasks[lesson.name]
    run = run_function(lesson)(task.noise, _length(task), "SimpleRNN", should_stop=lambda: True)
    assert (run.epochs, run.best_epoch, run.ended, len(run.curve)) == (0, 0, "stopped", 1)
    assert list(run.scores) == ["SimpleRNN network", *run.references]


@each_lesson
def test_the_same_settings_give_the_same_run(tiny_tasks, lesson):
    task = tiny_tasks[lesson.name]
    first, again = (run_function(lesson)(task.noise, _length(task), "SimpleRNN", seed=2) for _ in range(2))
    assert first.curve == again.curve and np.array_equal(first.view.predictions, again.view.predictions)
    assert {name: score[:3] for name, score in first.scores.items()} == {  # all but the seconds
        name: score[:3] for name, score in again.scores.items()}
    other = run_function(lesson)(task.noise, _length(task), "SimpleRNN", seed=4)
    assert other.curve != first.curve
    assert other.scores[task.optimum] == first.scores[task.optimum]  # the same test set


# --- checks --------------------------------------------------------------------------------------

def _length_message(task, value):
    name, (low, high) = task.length_name, task.length_range
    return rf"`{name}` must be between {low} and {high}. Received: {name}={value}\."


BAD_ARGUMENTS = {  # case -> (task -> (keyword arguments, error, message))
    "length above": lambda t: ({t.length_name: t.length_range[1] + 1}, ValueError,
                               _length_message(t, t.length_range[1] + 1)),
    "length below": lambda t: ({t.length_name: t.length_range[0] - 1}, ValueError,
                               _length_message(t, t.length_range[0] - 1)),
    "length float": lambda t: ({t.length_name: float(t.length_range[0])}, TypeError,
                               rf"`{t.length_name}` must be an integer. Received: {t.length_name}="
                               rf"{float(t.length_range[0])}"),
    "noise below": lambda t: ({"noise": -0.1}, ValueError,
                              rf"`noise` must be between {NOISE_RANGE[0]} and {NOISE_RANGE[1]}. "
                              r"Received: noise=-0.1\."),
    "noise above": lambda t: ({"noise": NOISE_RANGE[1] + 0.5}, ValueError, r"`noise` must be between 0 and 2\."),
    "noise nan": lambda t: ({"noise": float("nan")}, ValueError, r"`noise` must be a finite number"),
    "noise None": lambda t: ({"noise": None}, TypeError, r"`noise` must be a number. Received: noise=None"),
    "cell": lambda t: ({"cell": "lstm"}, ValueError,
                       rf"`cell` must be one of {re.escape(', '.join(map(repr, CELL_TYPES)))}. "
                       r"Received: cell='lstm'\."),
    "seed negative": lambda t: ({"seed": -1}, ValueError,
                                r"`seed` must be between 0 and 2147483646. Received: seed=-1\."),
    "seed test": lambda t: ({"seed": TEST_SEED}, ValueError, rf"`seed` must be between 0 and {TEST_SEED - 1}"),
    "should_stop": lambda t: ({"should_stop": True}, TypeError,
                              r"`should_stop` must be a function of \(\), or None. Received: should_stop=True"),
    "on_update": lambda t: ({"on_update": "print"}, TypeError, r"`on_update` must be a function of \(progress\)"),
    "on_epoch": lambda t: ({"on_epoch": print}, TypeError, r"unexpected keyword argument 'on_epoch'"),  # gone
}


@pytest.mark.parametrize("case", BAD_ARGUMENTS)
@each_lesson
def test_bad_arguments_are_rejected_before_any_work(lesson, case, monkeypatch):
    kwargs, error, message = BAD_ARGUMENTS[case](lesson.task)
    monkeypatch.setattr(explore, "_train_and_score", None)  # would fail differently if reached
    with pytest.raises(error, match=message):
        run_function(lesson)(**kwargs)


@each_lesson
def test_the_run_function_takes_its_tasks_length_and_defaults(lesson):
    task = lesson.task
    parameters = inspect.signature(run_function(lesson)).parameters
    choice = [task.choice_name] if task.choices else []  # lesson 4's strategy
    assert list(parameters) == ["noise", task.length_name, "cell", *choice, "seed", "should_stop", "on_update"]
    assert parameters["noise"].default == task.noise and parameters["cell"].default == "LSTM"
    assert all(parameters[name].default == next(iter(task.choices)) for name in choice)
    low, high = task.length_range
    assert low <= parameters[task.length_name].default <= high
    assert all(parameters[name].kind is inspect.Parameter.KEYWORD_ONLY for name in ("seed", "should_stop", "on_update"))


# --- formatting ----------------------------------------------------------------------------------

def _synthetic_run(task, scores, ended="converged"):
    settings = Settings(0.25, task.length_range[0], "GRU", 0)
    return Run(task, settings, scores, (0.5, 0.1, 0.05), {}, 2, 2, ended, 3.25, View(np.zeros(2), np.zeros(2)))


FORMATTED = {"mse": ("0.0123", "0.005"), "rmse": ("0.0123", "0.005"), "accuracy": ("1.2%", "0.5%")}


@each_lesson
def test_table_and_summary_format_a_run(lesson):
    task = lesson.task
    run = _synthetic_run(task, {"GRU network": Score(0.0123, 2.46, Interval(2.46, 2.31, 2.62), 1.5),
                                task.optimum: Score(0.005, 1.0, None, None)})
    network, optimum = FORMATTED[task.measure]
    assert run.table().header == [task.row_label, task.metric, task.relative, "train s"]
    assert run.table().rows == [["GRU network", network, "2.5 (95% CI 2.3–2.6)", "1.5"],
                                [task.optimum, optimum, "1.00", "-"]]
    assert run.summary() == {"noise": "0.25", task.length_label: str(task.length_range[0]), "cell": "GRU",
                             task.metric: network, task.relative: "2.5 (95% CI 2.3–2.6)",
                             "epochs": "2 (kept 2)", "ended": "converged", "train s": "1.5"}
    assert not run.exact


@each_lesson
def test_an_exact_optimum_shows_errors_as_values_not_multiples_of_zero(lesson):
    task = lesson.task
    run = _synthetic_run(task, {"GRU network": Score(0.0123, None, None, 1.5),
                                task.optimum: Score(0.0, None, None, None)})
    error_measure = task.measure != "accuracy"  # an accuracy of 0 is no exact optimum
    assert run.exact == error_measure
    assert run.table().rows[-1] == [task.optimum, "0 (exact)" if error_measure else "0.0%", "-", "-"]
    assert run.table().rows[0][2] == "-" and run.summary()[task.relative] == "-"


# --- tasks and recipes ---------------------------------------------------------------------------

@each_lesson
def test_each_lessons_task_is_complete(lesson):
    task = lesson.task
    assert isinstance(task, Task) and task.lesson == lesson.number
    assert task.measure in MEASURES
    low, high = task.length_range
    assert isinstance(low, int) and isinstance(high, int) and 1 <= low < high
    assert NOISE_RANGE[0] <= task.noise <= NOISE_RANGE[1]
    assert all(callable(f) for f in (task.prepare, task.preview, task.plot))
    assert task.optimum and task.metric and task.relative and task.items and task.row_label and task.length_label


@each_lesson
def test_recipes_cover_every_cell_and_fit_a_class(lesson):
    task = lesson.task
    assert set(task.overrides) <= set(CELL_TYPES)
    assert all(set(fields) <= set(Recipe._fields) for fields in task.overrides.values())
    for cell in CELL_TYPES:
        recipe = task.recipe_for(cell)
        assert isinstance(recipe, Recipe), cell
        assert recipe.windows >= recipe.n_train and recipe.windows % recipe.batch_size == 0, cell
        assert 1 <= recipe.patience <= recipe.epochs <= 200, cell
        assert recipe.schedule in (None, "cosine"), cell


def test_a_cells_recipe_is_the_base_recipe_with_its_overrides():
    base = Recipe(units=8, learning_rate=0.01, batch_size=64, n_train=256, passes=2, patience=3)
    task = LESSONS[0].task._replace(recipe=base, overrides={"GRU": {"units": 4, "clipnorm": 1.0}})
    assert task.recipe_for("GRU") == base._replace(units=4, clipnorm=1.0)
    assert task.recipe_for("LSTM") == base
    chosen = task._replace(choices={"plain": {}, "wide": {"units": 16, "passes": 3}})
    assert chosen.recipe_for("LSTM", "wide") == base._replace(units=16, passes=3)
    assert chosen.recipe_for("GRU", "wide") == base._replace(units=4, passes=3, clipnorm=1.0)  # the cell's last
    assert chosen.recipe_for("GRU", "plain") == task.recipe_for("GRU")


def test_recipe_epochs_cut_passes_into_whole_batches():
    recipe = Recipe(units=8, learning_rate=0.01, batch_size=100, n_train=1050, passes=3, patience=2,
                    epochs_per_pass=4)
    assert (recipe.steps_per_epoch, recipe.epochs, recipe.windows) == (3, 12, 1200)


# --- fit_live: the training loop ---------------------------------------------------------------

@pytest.mark.parametrize("losses, patience, expected", [
    ([1.0, 0.5, 0.7, 0.6, 0.8, 0.1], 2, (3, 1, "converged")),  # two epochs without a lower loss
    ([1.0, 0.9, 0.8, 0.7], 5, (3, 3, "budget")),
    ([1.0, 0.9, 1.1, 1.2], 1, (2, 1, "converged")),
])
def test_fit_live_stops_early_and_keeps_the_best_weights(losses, patience, expected):
    from lessonlib.quiet import quiet_startup
    from lessonlib.training import fit_live

    with quiet_startup():
        import keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x = np.random.default_rng(0).normal(size=(32, 3))
    snapshots, batches = [], []

    def evaluate(epoch):
        snapshots.append(model.get_weights())
        return losses[epoch]

    fit = fit_live(model, x, x.sum(axis=1), evaluate=evaluate, epochs=len(losses) - 1, batch_size=16,
                   patience=patience, on_batch=lambda *args: batches.append(args[:3]))
    assert (fit.epochs, fit.best_epoch, fit.ended) == expected
    assert len(snapshots) == fit.epochs + 1
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), snapshots[fit.best_epoch], strict=True))
    assert not np.array_equal(snapshots[0][0], snapshots[1][0])  # it did train
    assert batches[:3] == [(1, 1, 2), (1, 2, 2), (2, 1, 2)]


def test_fit_live_rejects_bad_arguments():
    from lessonlib.training import fit_live

    with pytest.raises(ValueError, match="`patience` must be at least 1. Received: patience=0."):
        fit_live(None, None, None, evaluate=len, epochs=3, batch_size=8, patience=0)
    with pytest.raises(TypeError, match=r"`evaluate` must be a function of \(epoch\), or None"):
        fit_live(None, None, None, evaluate=0.5, epochs=3, batch_size=8, patience=1)


@each_lesson
def test_a_run_moves_no_global_random_state_and_no_keras_name_counter(tiny_tasks, lesson):
    """A lesson cell gives the same numbers whether or not an explorer run happened meanwhile."""
    import random

    import keras

    def draws():
        layer = keras.layers.Dense(1)  # its automatic name: a counter that a run must not move
        return (random.random(), np.random.random(), float(keras.random.uniform(())), layer.name)

    keras.utils.set_random_seed(123)
    expected = draws()
    keras.utils.set_random_seed(123)
    task = tiny_tasks[lesson.name]
    run_function(lesson)(task.noise, _length(task, 10), "GRU", seed=5)
    again = draws()
    assert again[:3] == expected[:3]
    number = lambda name: int(name.rpartition("_")[2] or 0) if name[-1].isdigit() else 0  # noqa: E731
    assert number(again[3]) == number(expected[3]) + 1  # the one Dense layer built in between
