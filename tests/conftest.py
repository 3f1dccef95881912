"""Test set-up: the TensorFlow backend, quietly, before anything imports Keras."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")


# --- what each lesson's notebook has defined when its exercises begin ---------------------------
# Built as the notebooks build them (same calls, same sizes), for tests that run lesson code.

import functools  # noqa: E402

import pytest  # noqa: E402


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

    @functools.cache
    def variables(number):
        if number not in _LESSON_VARIABLES:
            raise LookupError(f"tests/conftest.py builds no variables for lesson {number}: add a builder "
                              f"that follows its notebook up to its exercises")
        return _LESSON_VARIABLES[number]()

    return variables
