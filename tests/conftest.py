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
# Each lesson's test file, tests/test_lesson_<module>.py (<module> its wiring in lessonlib.lessons),
# defines ``exercise_variables()``: the names its notebook has defined when its exercises begin, built
# as the notebook builds them (same calls, same sizes). Nothing here names a lesson.


@pytest.fixture(scope="session")
def lesson_variables():
    """``lesson_variables(number)``: the names lesson ``number``'s notebook defines before its exercises.

    The data have the notebook's sizes (its ``HISTORY`` values of history, its per-step grouping);
    each lesson's are built once per session and shared, so copy the dict before adding to it.
    """
    import functools
    import importlib

    from lessonlib.lessons import LESSONS

    @functools.cache
    def variables(number):
        lesson = next(lesson for lesson in LESSONS if lesson.number == number)
        name = f"test_lesson_{lesson.module.rpartition('.')[2]}"
        builder = getattr(importlib.import_module(name), "exercise_variables", None)
        if builder is None:
            raise LookupError(f"tests/{name}.py defines no exercise_variables(): add one that follows the "
                              f"notebook up to its exercises")
        return builder()

    return variables


# --- every registered lesson's explorer, shrunk to a tiny recipe ---------------------------------
# For tests that train real networks through a lesson's run function or panel: both look their task up
# in the registry when called, so configuring it there is enough. Nothing here names a lesson.

from lessonlib.explore import Recipe  # noqa: E402 (numpy only, no Keras)

# 4 epochs of 2 batches for every cell type: a run takes a second or two, besides its test set.
TINY = Recipe(units=8, learning_rate=0.01, batch_size=64, n_train=256, passes=2, patience=3, epochs_per_pass=2)


@pytest.fixture
def configure_lesson():
    """``configure_lesson(name, **changes)``: lesson ``name``'s task with ``changes`` (``explore.Task``
    fields) for this test, in the registry (``lessonlib.lessons.configured``); returns that task."""
    import contextlib

    from lessonlib.lessons import configured

    with contextlib.ExitStack() as stack:
        yield lambda name, **changes: stack.enter_context(configured(name, **changes))


@pytest.fixture
def tiny_tasks(configure_lesson):
    """Every registered lesson's task with TINY for every cell (the cells' overrides gone, the lesson's
    own choices kept), by lesson name, configured for this test. The data, test sets, yardsticks and
    scores stay the real ones."""
    from lessonlib.lessons import LESSONS

    def tiny(task):
        own = {name: values for name, values in task.overrides.items() if name != "cell"}  # e.g. strategies
        return {"recipe": TINY, "overrides": own}

    return {lesson.name: configure_lesson(lesson.name, **tiny(lesson.task)) for lesson in LESSONS}
