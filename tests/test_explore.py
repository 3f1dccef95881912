"""The run behind every explorer panel (``explore.run``), in every registered lesson.

Each test runs once per lesson of ``lessonlib.lessons.LESSONS`` (ids: the lessons' names), through
the lesson's run function (``lessonlib.run_<name>``) with its recipes shrunk to a few small epochs
(the ``tiny_tasks`` fixture of conftest.py), so that a run takes seconds; the data, the
10,000-item test sets, the yardsticks, the optimum and the scores are the real ones. What only one
lesson computes (its scores against its own independent yardsticks) is in test_lesson_<module>.py;
nothing here names a lesson, so a new lesson is tested by being registered.
"""

import re

import numpy as np
import pytest

from lessonlib import explore
from lessonlib.explore import N_CURVE, N_TEST, NOISE_RANGE, TEST_SEED, Progress, Recipe, Task
from lessonlib.lessons import LESSONS, by_name
from lessonlib.metrics import Measure
from lessonlib.models import CELL_TYPES
from lessonlib.panel import run_table
from lessonlib.windows import stack_steps


def _name(lesson):
    return lesson.name


def run_function(lesson):
    """The lesson's run function, ``lessonlib.run_<name>`` (see test_package.py)."""
    return lesson.exports[f"run_{lesson.name}"]


def _settings(task, wanted=12, **changes):
    """The task's default settings with ``changes``, and each integer setting ``wanted`` (or the nearest
    value its range allows)."""
    lengths = {name: min(max(wanted, low), high) for name, (low, high) in task.ranges.items()}
    return task.settings(**{**lengths, **changes})


def _run(lesson, settings, **kwargs):
    """A run of ``settings`` through the lesson's run function, whose arguments are the settings' fields."""
    return run_function(lesson)(**settings._asdict(), **kwargs)


def _outputs(run, x):
    """The trained network's forecasts for ``x``, in the lesson's units: computed here with Keras's predict."""
    def predict(inputs):
        outputs = np.asarray(run.model.predict(inputs, verbose=0), dtype=float)[..., 0]
        return outputs[:, -1] if outputs.ndim == 2 else outputs

    return run.task.forecast(predict, stack_steps(x, run.per_step).astype("float32"), run.settings)


def _score(task, outputs, truth):
    """The lesson's measure, computed here: accuracy of ``outputs > 0.5``, else the MSE or its root."""
    if task.measure.name == "accuracy":
        return float(np.mean((outputs > 0.5) == truth))
    error = float(np.mean((outputs - truth) ** 2))
    return error if task.measure.name == "mse" else np.sqrt(error)


def _close(task, value):
    """``value``, to the rounding of float32 outputs (an accuracy: a window or two on the 0.5 edge)."""
    return pytest.approx(value, abs=2 / N_TEST) if task.measure.name == "accuracy" else pytest.approx(value, rel=1e-4)


each_lesson = pytest.mark.parametrize("lesson", LESSONS, ids=_name)


# --- a run's scores ------------------------------------------------------------------------------

@each_lesson
def test_a_run_scores_the_network_and_the_yardsticks_against_the_optimum_on_fresh_items(tiny_tasks, lesson):
    task = tiny_tasks[lesson.name]
    settings = _settings(task, 20, cell="GRU", seed=3)
    run = _run(lesson, settings)
    assert run.task == task and run.settings == settings
    assert list(run.scores) == ["GRU network", *run.references] and list(run.scores)[-1] == task.optimum
    assert run.network is run.scores["GRU network"]
    data = task.prepare(settings, task.recipe_for(**settings._asdict()))  # the test set, as the lesson draws it
    # a large fresh set; a real series has the test origins it has (lesson 5: a few hundred weeks)
    assert len(data.x_test) == len(data.truth) == (N_TEST if lesson.panel.items != "origins" else len(data.x_test))
    assert len(data.truth) >= (10_000 if lesson.panel.items != "origins" else 400)
    net = _score(task, _outputs(run, data.x_test), data.truth)
    optimum = run.scores[task.optimum]
    assert run.network.value == _close(task, net)
    if task.measure.name == "accuracy":  # points below the optimum
        assert run.network.relative == pytest.approx(100 * (optimum.value - net), abs=200 / N_TEST)
        assert optimum.relative == 0.0
    else:  # a multiple of the optimum's mean squared error (an RMSE's ratio squared: one scale)
        power = 2 if task.measure.name == "rmse" else 1
        assert run.network.relative == pytest.approx((net / optimum.value) ** power, rel=1e-4)
        assert optimum.relative == 1.0
    low, high = run.network.interval.low, run.network.interval.high
    assert low < run.network.relative < high
    assert optimum.interval is None
    assert [name for name, score in run.scores.items() if score.seconds is not None] == ["GRU network"]
    assert run.network.seconds > 0 and run.seconds > run.network.seconds
    # the network keeps its best epoch's weights: the curve's point there is their score on the curve set
    kept = _score(task, _outputs(run, data.x_test[:N_CURVE]), data.truth[:N_CURVE])
    assert run.curve[run.best_epoch] == _close(task, kept)
    # forecast intervals: checked for a lesson that has them (the network's first), never empty columns
    assert list(run.coverage)[:1] == (["GRU network"] if task.coverage is not None else [])
    assert set(run.coverage) <= set(run.scores)
    assert len(run_table(run, lesson.panel).header) == (6 if run.coverage else 4)


@each_lesson
def test_updates_report_every_batch_and_every_epoch_with_the_curve_so_far(tiny_tasks, lesson):
    task = tiny_tasks[lesson.name]
    recipe, updates = task.recipe, []
    run = _run(lesson, _settings(task, 10, cell="SimpleRNN"), on_update=updates.append)
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
def test_early_stopping_ends_a_run_once_the_validation_loss_stops_improving(tiny_tasks, configure_lesson, lesson):
    # a budget of 80 epochs at a constant, large learning rate: the validation loss soon stops falling
    recipe = tiny_tasks[lesson.name].recipe._replace(passes=40, patience=1, learning_rate=0.05, schedule=None)
    task = configure_lesson(lesson.name, recipe=recipe)
    run = _run(lesson, _settings(task, cell="GRU"))
    assert run.ended == "converged" and run.epochs == run.best_epoch + 1 < recipe.epochs
    assert len(run.curve) == run.epochs + 1


@each_lesson
def test_stop_ends_a_run_within_an_epoch_and_keeps_what_it_learnt(tiny_tasks, configure_lesson, lesson):
    recipe = tiny_tasks[lesson.name].recipe._replace(passes=50, patience=50)  # a budget of 100 epochs
    task = configure_lesson(lesson.name, recipe=recipe)
    epochs, asked = [], []

    def on_update(progress):
        if progress.view is not None:  # an epoch's end
            epochs.append(progress.epoch)

    def should_stop():
        asked.append(len(epochs))
        return len(epochs) > 2  # after epoch 2 is scored, Stop is "clicked"

    run = _run(lesson, _settings(task), on_update=on_update, should_stop=should_stop)
    assert run.ended == "stopped" and run.epochs == 2 < recipe.epochs
    assert epochs == [0, 1, 2]  # the epoch under way when Stop came is neither finished nor scored
    batches = recipe.steps_per_epoch  # asked before training, then after every batch: the first True ends it
    assert asked == [1] * (1 + batches) + [2] * batches + [3]
    assert len(run.curve) == 3 and run.best_epoch <= 2
    assert run.network is run.scores["LSTM network"]
    assert run.network.relative > (0 if task.measure.name == "accuracy" else 1)  # 2 tiny epochs: below the optimum


@each_lesson
def test_a_stop_before_training_scores_the_untrained_network(tiny_tasks, lesson):
    task = tiny_tasks[lesson.name]
    run = _run(lesson, _settings(task, cell="SimpleRNN"), should_stop=lambda: True)
    assert (run.epochs, run.best_epoch, run.ended, len(run.curve)) == (0, 0, "stopped", 1)
    assert list(run.scores) == ["SimpleRNN network", *run.references]


@each_lesson
def test_the_same_settings_give_the_same_run(tiny_tasks, lesson):
    task = tiny_tasks[lesson.name]
    first, again = (_run(lesson, _settings(task, cell="SimpleRNN", seed=2)) for _ in range(2))
    assert first.curve == again.curve and np.array_equal(first.view.predictions, again.view.predictions)
    assert {name: score[:3] for name, score in first.scores.items()} == {  # all but the seconds
        name: score[:3] for name, score in again.scores.items()}
    other = _run(lesson, _settings(task, cell="SimpleRNN", seed=4))
    assert other.curve != first.curve
    assert other.scores[task.optimum] == first.scores[task.optimum]  # the same test set


# --- checks --------------------------------------------------------------------------------------

def _integer(task):
    """The task's first integer setting (its slider's quantity) and its range."""
    return next(iter(task.ranges.items()))


def _length_message(task, value):
    name, (low, high) = _integer(task)
    return rf"`{name}` must be between {low} and {high}. Received: {name}={value}\."


BAD_ARGUMENTS = {  # case -> (task -> (keyword arguments, error, message))
    "length above": lambda t: ({_integer(t)[0]: _integer(t)[1][1] + 1}, ValueError,
                               _length_message(t, _integer(t)[1][1] + 1)),
    "length below": lambda t: ({_integer(t)[0]: _integer(t)[1][0] - 1}, ValueError,
                               _length_message(t, _integer(t)[1][0] - 1)),
    "length float": lambda t: ({_integer(t)[0]: float(_integer(t)[1][0])}, TypeError,
                               rf"`{_integer(t)[0]}` must be an integer. Received: {_integer(t)[0]}="
                               rf"{float(_integer(t)[1][0])}"),
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
                                r"`seed` must be between 0 and 2147483644. Received: seed=-1\."),
    # build_rnn seeds its layers with seed + 0 to 3: a run's seed above 2**31 - 4 failed after the data
    "seed beyond build_rnn": lambda t: ({"seed": 2**31 - 3}, ValueError,
                                        r"`seed` must be between 0 and 2147483644. Received: seed=2147483645\."),
    "seed test": lambda t: ({"seed": TEST_SEED}, ValueError, r"`seed` must be between 0 and 2147483644"),
    "should_stop": lambda t: ({"should_stop": True}, TypeError,
                              r"`should_stop` must be a function of \(\), or None. Received: should_stop=True"),
    "on_update": lambda t: ({"on_update": "print"}, TypeError, r"`on_update` must be a function of \(progress\)"),
    "on_epoch": lambda t: ({"on_epoch": print}, TypeError,  # gone: the message says what a run takes
                           rf"unexpected keyword argument 'on_epoch'; it takes {', '.join(t.settings._fields)}, "
                           r"should_stop, on_update\."),
}


@pytest.mark.parametrize("case", BAD_ARGUMENTS)
@each_lesson
def test_bad_arguments_are_rejected_before_any_work(lesson, case, monkeypatch):
    kwargs, error, message = BAD_ARGUMENTS[case](lesson.task)
    monkeypatch.setattr(explore, "_train_and_score", None)  # would fail differently if reached
    with pytest.raises(error, match=message):
        run_function(lesson)(**kwargs)


def test_every_seed_a_run_accepts_builds_its_network():
    from lessonlib.models import build_rnn

    assert explore.MAX_SEED == 2**31 - 4 < TEST_SEED
    model = build_rnn("LSTM", window=4, units=2, seed=explore.MAX_SEED)  # the largest a run accepts
    assert model.output_shape == (None, 1)


@each_lesson
def test_a_run_takes_only_its_lessons_settings_type(lesson, monkeypatch):
    monkeypatch.setattr(explore, "_train_and_score", None)
    task = lesson.task
    with pytest.raises(TypeError, match=rf"`settings` must be a Settings \(lessonlib.lessons.{lesson.name}'s"):
        explore.run(task, tuple(task.settings()))
    choices = {name: values for name, values in task.choices.items() if name != "cell"}
    for name, values in choices.items():  # a lesson's own choice (lesson 4's strategy) is checked by its name
        with pytest.raises(ValueError, match=rf"`{name}` must be one of {re.escape(repr(values[0]))}"):
            explore.run(task, task.settings(**{name: "nothing"}))


@each_lesson
def test_the_run_function_takes_its_settings_fields_positionally_and_the_seed_by_name(lesson, monkeypatch):
    monkeypatch.setattr(explore, "_train_and_score", lambda task, settings, *callbacks: (task, settings))
    task, run = lesson.task, run_function(lesson)
    assert run() == (task, task.settings())  # the defaults are the settings type's
    fields = _settings(task, 20, cell="GRU", seed=3)
    assert run(*fields[:-1], seed=3) == (task, fields)
    with pytest.raises(TypeError, match=rf"run_{lesson.name}\(\): too many positional arguments; it takes "
                                        rf"{', '.join(task.settings._fields)}, should_stop, on_update\."):
        run(*fields)


# --- tasks and recipes ---------------------------------------------------------------------------

@each_lesson
def test_each_lessons_task_is_complete(lesson):
    task, defaults = lesson.task, lesson.task.settings._field_defaults
    assert isinstance(task, Task) and task.lesson == lesson.number and isinstance(task.measure, Measure)
    assert list(defaults)[:1] == ["noise"] and {"cell", "seed"} <= set(defaults)
    assert set(task.ranges) | set(task.choices) | {"noise", "seed"} == set(task.settings._fields)
    for name, (low, high) in task.ranges.items():
        assert isinstance(low, int) and isinstance(high, int) and 1 <= low <= defaults[name] <= high
    assert NOISE_RANGE[0] <= defaults["noise"] <= NOISE_RANGE[1] and defaults["seed"] == 0
    assert all(defaults[name] == values[0] or name == "cell" for name, values in task.choices.items())
    assert task.check(task.settings()) == task.settings()
    assert callable(task.prepare) and callable(task.forecast)


@each_lesson
def test_recipes_cover_every_choice_and_fit_a_class(lesson):
    task = lesson.task
    assert set(task.overrides) <= set(task.settings._fields)
    assert set(task.overrides.get("cell", {})) <= set(CELL_TYPES)
    assert all(set(fields) <= set(Recipe._fields) for values in task.overrides.values() for fields in values.values())
    others = [{name: value} for name, values in task.choices.items() if name != "cell" for value in values]
    for cell in CELL_TYPES:
        for other in others or [{}]:
            recipe = task.recipe_for(cell, **other)
            assert isinstance(recipe, Recipe), (cell, other)
            assert recipe.windows >= recipe.n_train and recipe.windows % recipe.batch_size == 0, (cell, other)
            assert 1 <= recipe.patience <= recipe.epochs <= 200, (cell, other)
            assert recipe.schedule in (None, "cosine"), (cell, other)


def test_a_recipe_is_the_base_recipe_with_each_settings_overrides_the_later_winning():
    base = Recipe(units=8, learning_rate=0.01, batch_size=64, n_train=256, passes=2, patience=3)
    task = LESSONS[0].task._replace(recipe=base, overrides={"cell": {"GRU": {"units": 4, "clipnorm": 1.0}}})
    assert task.recipe_for("GRU") == base._replace(units=4, clipnorm=1.0)
    assert task.recipe_for("LSTM") == task.recipe_for() == base
    assert task.recipe_for(**task.settings(cell="GRU", window=20)._asdict()) == task.recipe_for("GRU")
    chosen = task._replace(overrides={"size": {"plain": {}, "wide": {"units": 16, "passes": 3}}, **task.overrides})
    assert chosen.choices == {"cell": CELL_TYPES, "size": ("plain", "wide")}
    assert chosen.recipe_for("LSTM", size="wide") == base._replace(units=16, passes=3)
    assert chosen.recipe_for("GRU", size="wide") == base._replace(units=4, passes=3, clipnorm=1.0)  # the cell's last
    assert chosen.recipe_for("GRU", size="plain") == task.recipe_for("GRU")


def test_recipe_epochs_cut_passes_into_whole_batches():
    recipe = Recipe(units=8, learning_rate=0.01, batch_size=100, n_train=1050, passes=3, patience=2,
                    epochs_per_pass=4)
    assert (recipe.steps_per_epoch, recipe.epochs, recipe.windows) == (3, 12, 1200)


def test_the_registry_configures_a_lesson_for_a_block_and_gives_it_back():
    from lessonlib.lessons import configured

    lesson = LESSONS[0]
    with configured(lesson.name, optimum="sine fit") as changed:
        assert by_name(lesson.name).task is changed and changed.optimum == "sine fit"
        with configured(lesson.name, recipe=None) as inner:  # nested: each block gives back what it found
            assert inner.optimum == "sine fit" and inner.recipe is None
        assert by_name(lesson.name).task is changed
    assert by_name(lesson.name) is lesson and LESSONS[0] is lesson  # the definition, read once, unchanged


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
    _run(lesson, _settings(tiny_tasks[lesson.name], 10, cell="GRU", seed=5))
    again = draws()
    assert again[:3] == expected[:3]
    number = lambda name: int(name.rpartition("_")[2] or 0) if name[-1].isdigit() else 0  # noqa: E731
    assert number(again[3]) == number(expected[3]) + 1  # the one Dense layer built in between
