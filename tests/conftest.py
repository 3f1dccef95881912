"""Test set-up: the TensorFlow backend, quietly, before anything imports Keras; shared test data."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402
import pytest  # noqa: E402

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def lesson_two_sines():
    """Lesson 2's series (seed 0) and their chronological windows of 50: ``(data, (x_train, x_test,
    y_train, y_test))``, for the windowing and for the matched filter."""
    from lessonlib.signals import two_sines
    from lessonlib.windows import windows_and_labels

    data = two_sines(seed=0)
    return data, windows_and_labels(data.noisy_a, data.noisy_b, 50)


# --- what each lesson's notebook has defined when its exercises begin ---------------------------
# Built as the notebooks build them (same calls, same sizes), for tests that run lesson code.

def _forecasting_variables():
    """notebooks/01_forecasting.md at its exercises: sections 3 and 5's split, section 10's data and recipe."""
    import numpy as np  # noqa: F401 (returned with locals())

    import lessonlib

    with lessonlib.quiet_startup():
        import keras  # noqa: F401
    SEED, WINDOW = 0, 50
    series = lessonlib.noisy_sine(n_points=500, t_max=90, noise=0.5, seed=SEED)
    x_train, x_test, y_train, y_test = lessonlib.split_and_windowize(series.noisy, WINDOW, fraction_test=0.3)
    _, _, _, y_test_clean = lessonlib.split_and_windowize(series.clean, WINDOW, fraction_test=0.3)
    HISTORY = 20_000
    longer = lessonlib.noisy_sine(n_points=500, t_max=90, noise=0.5, seed=SEED, n_history=HISTORY)
    x_long, x_test_long, y_long, _ = lessonlib.split_and_windowize(longer.noisy, WINDOW, n_history=HISTORY)
    PER_STEP = 5
    x_long_steps, x_test_steps = lessonlib.stack_steps(x_long, PER_STEP), lessonlib.stack_steps(x_test, PER_STEP)
    EPOCHS, BATCH = 6, 256
    return dict(locals())


def _classification_variables():
    """notebooks/02_classification.md at its exercises: section 2's windows, section 5's data and schedule."""
    import numpy as np

    import lessonlib

    with lessonlib.quiet_startup():
        import keras  # noqa: F401
    SEED, WINDOW = 0, 50
    data = lessonlib.two_sines(n_points=500, t_max=90, frequencies=(1.0, 1.1), noise=0.5, seed=SEED)
    x_train, x_test, y_train, y_test = lessonlib.windows_and_labels(data.noisy_a, data.noisy_b, WINDOW)
    step, NOISE = data.t[1] - data.t[0], 0.5
    PER_STEP, HISTORY = 5, 48000
    longer = lessonlib.two_sines(n_points=500, t_max=90, frequencies=(1.0, 1.1), noise=0.5, seed=SEED,
                                 n_history=HISTORY)
    x_long, x_test_long, y_long, _ = lessonlib.windows_and_labels(longer.noisy_a, longer.noisy_b, WINDOW,
                                                                  n_history=HISTORY)
    steps = 2 * int(np.ceil(len(x_long) / 512))
    return dict(locals())


def _regression_variables():
    """notebooks/03_regression.md at its exercises: section 3's Cramér-Rao bound."""
    import numpy as np  # noqa: F401

    import lessonlib

    SEED = 0
    bound = lessonlib.cramer_rao_bound(n_points=50, duration=10, noise=0.3, amplitude=1)
    return dict(locals())


_LESSON_VARIABLES = {1: _forecasting_variables, 2: _classification_variables, 3: _regression_variables}


@pytest.fixture(scope="session")
def lesson_variables():
    """``lesson_variables(number)``: the names lesson ``number``'s notebook defines before its exercises.

    The data have the notebook's sizes (its ``HISTORY`` values of history, its per-step grouping);
    each lesson's are built once per session and shared, so copy the dict before adding to it.
    """
    import functools

    @functools.cache
    def variables(number):
        if number not in _LESSON_VARIABLES:
            raise LookupError(f"tests/conftest.py builds no variables for lesson {number}: add a builder "
                              f"that follows its notebook up to its exercises")
        return _LESSON_VARIABLES[number]()

    return variables


# --- every registered lesson's explorer, shrunk to a tiny recipe ---------------------------------
# For tests that train real networks through a lesson's run function or panel: both read their
# module's TASK when called, so replacing it is enough. Nothing here names a lesson.

from lessonlib.explore import Recipe  # noqa: E402 (numpy only, no Keras)

# 4 epochs of 2 batches for every cell type: a run takes a second or two, besides its test set.
TINY = Recipe(units=8, learning_rate=0.01, batch_size=64, n_train=256, passes=2, patience=3, epochs_per_pass=2)


def lesson_module(lesson):
    """The module of ``lessonlib.lessons`` that defines ``lesson`` (the one with its NUMBER)."""
    import importlib
    import pkgutil

    import lessonlib.lessons as package

    names = [f"{package.__name__}.{info.name}" for info in pkgutil.iter_modules(package.__path__)]
    found = [module for module in map(importlib.import_module, names)
             if getattr(module, "NUMBER", None) == lesson.number]
    assert len(found) == 1, f"lesson {lesson.number} is defined by {len(found)} modules of {package.__name__}"
    return found[0]


@pytest.fixture
def set_task(monkeypatch):
    """``set_task(lesson, task)``: make ``task`` the TASK of ``lesson``'s module for this test (its run
    function and its panel use it); returns ``task``."""

    def set_task(lesson, task):
        monkeypatch.setattr(lesson_module(lesson), "TASK", task)
        return task

    return set_task


@pytest.fixture
def tiny_tasks(set_task):
    """Every registered lesson's task with TINY for every cell (no overrides), by lesson name, installed
    as its module's TASK for this test. The data, test sets, yardsticks and scores stay the real ones."""
    from lessonlib.lessons import LESSONS

    return {lesson.name: set_task(lesson, lesson.task._replace(recipe=TINY, overrides={})) for lesson in LESSONS}
