"""The exercises: every solution passes its check, and typical wrong answers get their message.

Solutions are run as a student would run them: as code in a namespace holding what the lesson's
cells define before the exercises, computed by the notebook's own statements (conftest.py's
``lesson_variables``).
"""

import ast
import functools
import importlib
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import lessonlib
from lessonlib.exercises import Exercise, Feedback, lesson1, lesson2, lesson3, lesson4
from lessonlib.lessons import LESSONS

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULES = {lesson.number: importlib.import_module(f"lessonlib.exercises.lesson{lesson.number}") for lesson in LESSONS}
NOTEBOOKS = {lesson.number: lesson.notebook for lesson in LESSONS}
ALL = [(number, exercise) for number, module in MODULES.items() for exercise in module.EXERCISES]
# Gradient steps of the final recipe a lesson's training exercise reuses, as its notebook states them
# (01_forecasting.md section 10: "6 epochs: 480 gradient steps"; 02_classification.md section 5: 378).
RECIPE_STEPS = {1: 480, 2: 378}


def _trains(exercise):
    return ".fit(" in exercise.solution_code or "fit_quietly(" in exercise.solution_code


SOLUTIONS = [pytest.param(number, exercise, id=exercise.name, marks=pytest.mark.slow if _trains(exercise) else ())
             for number, exercise in ALL]
TRAINING = [pytest.param(number, exercise, id=exercise.name, marks=pytest.mark.slow)
            for number, exercise in ALL if _trains(exercise)]


def run_solution(exercise, variables, module):
    """Execute the solution's code in a copy of ``variables``; return (its answer, the check's Feedback).

    The solution's last line is the check, ``exercises.<name>.check(answer, ...)``.
    """
    namespace = {**variables, "exercises": module}
    *body, last = exercise.solution_code.strip().splitlines()
    exec("\n".join(body), namespace)
    answer = eval(ast.unparse(ast.parse(last, mode="eval").body.args[0]), namespace)
    return answer, eval(last, namespace)


@pytest.fixture(scope="module")
def solved(lesson_variables):
    """``solved(number, exercise)``: what :func:`run_solution` returns, each solution run once."""
    return functools.cache(lambda number, exercise: run_solution(exercise, lesson_variables(number),
                                                                 MODULES[number]))


# --- the framework ---------------------------------------------------------------------------

def test_importing_the_exercises_computes_nothing():
    """The package loads no lesson; a lesson, imported by name, fills no cache and loads no heavy library."""
    code = f"""
import importlib, json, sys
import lessonlib.exercises
loaded = sorted(m for m in sys.modules if m.startswith("lessonlib.exercises.lesson"))
modules = [importlib.import_module(name) for name in {[module.__name__ for module in MODULES.values()]!r}]
cached = sorted(m.__name__ + "." + name for m in modules for name, f in vars(m).items()
                if hasattr(f, "cache_info") and f.cache_info().currsize)
heavy = sorted(m for m in sys.modules
               if m.split(".")[0] in ("keras", "tensorflow", "matplotlib", "ipywidgets", "scipy", "statsmodels",
                                      "pandas"))
print(json.dumps({{"lessons loaded by the package": loaded, "caches filled": cached, "heavy imports": heavy}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found = json.loads(out.stdout)
    assert found == {name: [] for name in found}, found


def test_each_lesson_has_three_to_five_exercises_with_unique_names():
    for module in MODULES.values():
        names = [exercise.name for exercise in module.EXERCISES]
        assert 3 <= len(names) <= 5, f"{module.__name__} has {len(names)} exercises"
        duplicates = sorted({name for name in names if names.count(name) > 1})
        assert duplicates == [], f"{module.__name__}: {duplicates} name more than one exercise"
        assert all(getattr(module, name) is exercise
                   for name, exercise in zip(names, module.EXERCISES, strict=True))
    every = [exercise.name for _, exercise in ALL]
    assert len(set(every)) == len(every), "an exercise name is reused across lessons"


def test_feedback_shows_status_and_message_as_text_and_html():
    feedback = lesson1.noise_floor.check(0.25)
    assert isinstance(feedback, Feedback) and feedback.correct
    assert repr(feedback).startswith("\u2714 Correct: the noise's variance")
    assert "<b>\u2714 Correct:</b>" in feedback._repr_html_()
    with pytest.raises(ValueError, match="`status` must be one of"):
        Feedback("maybe", "")


def test_an_unanswered_placeholder_is_not_an_error():
    for _, exercise in ALL:
        feedback = exercise.check(...)
        assert feedback.status == "unanswered" and not feedback.correct
        assert f"Run `exercises.{exercise.name}.hint()`" in feedback.message
        assert exercise.hint().body


def test_hint_and_solution_render_as_text_and_markdown():
    hint, solution = lesson1.leaky_split.hint(), lesson1.leaky_split.solution()
    assert repr(hint).startswith("Hint: Number the values")
    assert solution._repr_markdown_().startswith("**Solution:**\n\n```python\nn_windows = 500")
    assert "exercises.leaky_split.check(leaking_windows)" in repr(solution)


def test_a_bad_seed_is_a_clear_value_error():
    with pytest.raises(ValueError, match="`seed` must be at least 0. Received: seed=-1"):
        lesson1.noise_floor.check(0.25, seed=-1)


# --- every solution passes, on the lesson's own data -------------------------------------------

@pytest.mark.parametrize("number, exercise", SOLUTIONS)
def test_the_solution_passes_its_check(number, exercise, solved):
    _, feedback = solved(number, exercise)
    assert feedback.correct, feedback
    assert feedback.message.endswith(".")


@pytest.mark.parametrize("number, exercise", TRAINING)
def test_a_training_solution_trains_as_long_as_its_lessons_recipe(number, exercise, solved):
    """It runs in a student's notebook: no more gradient steps than the recipe the lesson trains with."""
    assert number in RECIPE_STEPS, f"lesson {number}: add its final recipe's gradient steps to RECIPE_STEPS"
    model, _ = solved(number, exercise)
    steps, recipe = int(model.optimizer.iterations), RECIPE_STEPS[number]
    assert steps <= 1.1 * recipe, (f"{exercise.name}'s solution trains for {steps} gradient steps, "
                                   f"{steps / recipe:.1f}x its lesson's final recipe ({recipe})")


# --- typical wrong answers get their specific message -----------------------------------------

def _windowize(horizon_shift=0, extra_windows=0, last_axis=True):
    def windowize_ahead(series, window, horizon):
        n = len(series) - window - horizon + 1 + extra_windows
        X = np.array([series[i:i + window] for i in range(n)])
        y = np.array([series[min(i + window + horizon - 1 + horizon_shift, len(series) - 1)]
                      for i in range(n)])
        return (X[:, :, None] if last_axis else X), y
    return windowize_ahead


def _body_not_written(series, window, horizon):
    ...


def _tiny_model(cell, activation=None, window=50, per_step=1):
    """An untrained one-layer network with 4 units (built in milliseconds)."""
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape=(window // per_step, per_step)), getattr(keras.layers, cell)(4),
                             keras.layers.Dense(1, activation=activation)])


def test_model_checks_name_what_is_wrong():
    assert "has no GRU layer; its layers are LSTM, Dense" in lesson1.gru_forecast.check(
        _tiny_model("LSTM")).message
    assert "takes inputs of shape (None, 20, 1); the test windows have shape (None, 50, 1)" in (
        lesson1.gru_forecast.check(_tiny_model("GRU", window=20)).message)
    assert "pass the trained Keras model itself" in lesson1.gru_forecast.check(
        np.zeros(135)).message


def test_a_model_reading_several_values_per_step_gets_regrouped_windows():
    """Section 10's networks read 5 values per step; the check regroups x_test the same way."""
    feedback = lesson1.gru_forecast.check(_tiny_model("GRU", per_step=5))
    assert feedback.status == "incorrect" and "x the linear autoregression's" in feedback.message, feedback
    wrong = lesson1.gru_forecast.check(_tiny_model("GRU", window=35, per_step=5))
    assert "takes inputs of shape (None, 7, 5); the test windows have shape (None, 50, 1)" in wrong.message


def test_an_untrained_gru_does_not_beat_the_linear_baseline():
    feedback = lesson1.gru_forecast.check(_tiny_model("GRU"))
    assert feedback.status == "incorrect"
    assert "x the linear autoregression's" in feedback.message


def test_a_classifier_without_a_sigmoid_is_told_so():
    model = _tiny_model("GRU")  # a linear output with large weights: outputs far outside [0, 1]
    model.layers[-1].set_weights([np.full((4, 1), 10.0), np.array([0.5])])
    feedback = lesson2.gru_classifier.check(model)
    assert feedback.status == "incorrect" and "they are not probabilities" in feedback.message, feedback


def test_the_bidirectional_check_wants_a_bidirectional_layer_near_the_optimum():
    import keras

    assert "has no Bidirectional layer; its layers are LSTM, Dense" in lesson2.bidirectional.check(
        _tiny_model("LSTM", activation="sigmoid")).message
    keras.utils.set_random_seed(0)
    untrained = keras.Sequential([keras.Input(shape=(10, 5)), keras.layers.Bidirectional(keras.layers.LSTM(4)),
                                  keras.layers.Dense(1, activation="sigmoid")])
    feedback = lesson2.bidirectional.check(untrained)
    assert feedback.status == "incorrect", feedback
    assert "on 10,000 fresh windows" in feedback.message and "points below the Bayes classifier's" in feedback.message


def test_an_untrained_gru_classifier_is_too_far_from_the_matched_filter():
    feedback = lesson2.gru_classifier.check(_tiny_model("GRU", activation="sigmoid"))
    assert feedback.status == "incorrect" and "points below the matched filter's" in feedback.message


def _filter_with_sines_only(windows, step):
    windows = np.asarray(windows)[:, :, 0]
    t = step * np.arange(windows.shape[1])
    fits = [(windows @ np.sin(w * t)) ** 2 / (np.sin(w * t) @ np.sin(w * t)) for w in (1.0, 1.1)]
    return (fits[1] > fits[0]).astype(int)


def _reference_labels(windows, step):
    return lessonlib.matched_filter_classify(windows, step=step).labels


def test_a_matched_filter_that_is_right_on_clean_windows_only_is_caught():
    def clean_only(windows, step):
        labels = _reference_labels(windows, step)
        return labels if len(windows) < 100 else np.zeros_like(labels)
    feedback = lesson2.matched_filter.check(clean_only)
    assert "right on clean windows, but on the lesson's noisy test windows" in feedback.message


def _auc_without_ties(scores, labels):
    scores, labels = np.asarray(scores), np.asarray(labels)
    return (scores[labels == 1][:, None] > scores[labels == 0][None, :]).mean()


def _periodogram(scale=1.0, n_grid=4001):
    def my_estimate(signals, t):
        grid = np.linspace(1, 5, n_grid)
        power = np.abs(signals @ np.exp(-1j * np.outer(t, grid))) ** 2
        return scale * grid[np.argmax(power, axis=1)]
    return my_estimate


def _raw_fft(signals, t):
    spectrum = np.abs(np.fft.rfft(signals, axis=1))
    return 2 * np.pi * np.fft.rfftfreq(signals.shape[1], t[1] - t[0])[spectrum.argmax(axis=1)]


WRONG_ANSWERS = [  # (exercise, [(answer, what its message says)]): a function that returns None is unanswered
    (lesson1.windowize_ahead, [
        (_body_not_written, "returned None: finish the function"),
        (_windowize(last_axis=False), "X has shape (8, 3), but Keras's recurrent layers"),
        (_windowize(extra_windows=1), "made 9 windows, but only 8 have a target"),
        (_windowize(horizon_shift=-1), "y[0] should be 4.0, the value 2 step(s) after the first window, which "
                                       "ends at 2.0; yours is 3.0, 1 step(s) after it"),
        (lambda series, window, horizon: series[0], "should return a pair (X, y)"),
        (lambda series, window: None, "raised TypeError"),
        (np.zeros(3), "pass the function itself"),
    ]),
    (lesson1.leaky_split, [
        (0, "0 would mean the split is clean"),
        (135, "not all 135 test windows leak"),
        (49, "off by one"),
        (51, "off by one"),
        (60, "60 is off by +10"),
        (2.5, "a whole number"),
        ("fifty", "should be a number; you gave str"),
    ]),
    (lesson1.noise_floor, [
        (0.5, "0.5 is the noise's standard deviation"),
        (0.0, "against the clean signal"),
        (0.2436, "close:"),
        (1.0, "is 4x the right value"),
    ]),
    (lesson2.chance_level, [
        ((1.0, 0.5), "the accuracy is off by +0.500"),
        ((0.5, 0.0), "the accuracy is right, the AUC is off by -0.500"),
        ((50, 50), "as fractions between 0 and 1"),
        (0.5, "give a pair (accuracy, auc)"),
    ]),
    (lesson2.matched_filter, [
        (lambda windows, step: None, "returned None"),
        (lambda windows, step: 1 - _reference_labels(windows, step), "every clean window got the other class"),
        (_filter_with_sines_only, "fit a sine *and* a cosine"),
        (lambda windows, step: np.full(len(windows), 0.3), "labels 0 or 1"),
        (lambda windows, step: np.zeros((len(windows), 2)), "should have shape"),
    ]),
    (lesson2.auc_by_hand, [
        (lambda s, y: 1 - lessonlib.roc_auc(s, y), "which is 1 - AUC"),
        (_auc_without_ties, "You counted a tie between a class-1 and a class-0 score as nothing"),
        (lambda s, y: _auc_without_ties(s, y) + 0.25 * (np.asarray(s)[0] == 0.5), "as a whole win"),
        (lambda s, y: np.asarray(s)[np.asarray(y) == 1].mean(), "Compare every class-1 score"),
        (lambda s, y: None, "returned None"),
    ]),
    (lesson3.bound_vs_noise, [
        (4 * 0.0204, "you scaled by the variance"),
        (0.0204, "the bound does depend on the noise"),
        (0.0204 * 2 ** 0.5, "square root of the noise ratio"),
        (0.0102, "more noise cannot make"),
        (0.03, "0.0300 is 0.74x the right value for noise 0.6"),
        (-1, "a bound on an RMSE is positive"),
    ]),
    (lesson3.bound_vs_length, [
        (0.0102, "that is 1/N."),
        (0.0204 / 2 ** 0.5, "that is 1/sqrt(N)"),
        (0.0204, "a longer record does help"),
        (0.0051, "that is 1/N\u00b2"),
    ]),
    (lesson3.periodogram, [
        (_periodogram(scale=2 * np.pi), "2 pi times too large"),
        (_periodogram(scale=1 / (2 * np.pi)), "2 pi times too small"),
        (_raw_fft, "take only"),
        (_periodogram(n_grid=11), "the grid of candidate frequencies is too coarse"),
        (lambda signals, t: np.full(len(signals), 3.0), "every estimate is 3"),
        (lambda signals, t: 3 + 0.5 * np.sin(np.arange(len(signals))), "aim for at most 4x"),
        (lambda signals, t: None, "returned None"),
    ]),
]


@pytest.mark.parametrize("exercise, answer, message", [
    pytest.param(exercise, answer, message, id=f"{exercise.name}-{i}")
    for exercise, cases in WRONG_ANSWERS for i, (answer, message) in enumerate(cases)])
def test_typical_wrong_answers_get_their_message(exercise, answer, message):
    feedback = exercise.check(answer)
    assert feedback.status == ("unanswered" if "returned None" in message else "incorrect"), feedback
    assert message in feedback.message, feedback


def test_many_steps_wrong_answers():
    def no_feedback(forecast_next, windows, horizon):
        return np.repeat(np.ravel(forecast_next(windows))[:, None], horizon, axis=1)

    assert "append each forecast" in lesson4.recursive_forecast.check(no_feedback).message
    assert lesson4.recursive_forecast.check(lambda f, w, h: None).status == "unanswered"

    def fits(x_train, y_train, windows, *, ones=True, columns=None):
        design = [x_train[:, :, 0], np.ones(len(x_train))] if ones else [x_train[:, :, 0]]
        weights, *_ = np.linalg.lstsq(np.column_stack(design), y_train[:, columns or slice(None)], rcond=None)
        out = np.column_stack([windows[:, :, 0], np.ones(len(windows))] if ones else [windows[:, :, 0]]) @ weights
        return np.repeat(out, y_train.shape[1], axis=1) if columns else out

    assert "intercept" in lesson4.direct_least_squares.check(lambda *a: fits(*a, ones=False)).message
    assert "one-step fit" in lesson4.direct_least_squares.check(lambda *a: fits(*a, columns=[0])).message
    assert lesson4.direct_least_squares.check(fits).correct
    assert not lesson4.direct_least_squares.check(lambda x, y, w: np.zeros((len(w), y.shape[1]))).correct

    def inside(low, high, values):
        return (low <= values) & (values <= high)

    assert "outside" in lesson4.coverage.check(lambda *a: 1 - inside(*a).mean(axis=0)).message
    assert "one per column" in lesson4.coverage.check(lambda *a: inside(*a).mean()).message
    assert "percentages" in lesson4.coverage.check(lambda *a: 100 * inside(*a).mean(axis=0)).message
    assert "shape" in lesson4.coverage.check(lambda *a: inside(*a).mean(axis=1)).message
    assert lesson4.coverage.check(lambda *a: None).status == "unanswered"


def test_a_function_that_edits_its_input_in_place_cannot_spoil_later_checks():
    def careless(windows, step):
        labels = _reference_labels(windows, step)
        windows *= 0  # an in-place edit must not reach the cached test windows
        return labels

    assert lesson2.matched_filter.check(careless).correct
    assert lesson2.matched_filter.check(_reference_labels).correct


# --- the notebooks ship the exercises unanswered -----------------------------------------------

@pytest.mark.parametrize("number", MODULES, ids=NOTEBOOKS.get)
def test_each_notebook_poses_every_exercise_unanswered(number):
    notebook, module = NOTEBOOKS[number], MODULES[number]
    cells = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text())["cells"]
    code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    for exercise in module.EXERCISES:
        posing = [c for c in code if f"exercises.{exercise.name}.check(" in c]
        assert len(posing) == 1, f"{notebook}: no single cell checks {exercise.name}"
        outputs = [cell for cell in cells if "".join(cell["source"]) == posing[0]][0]["outputs"]
        shown = "".join("".join(o.get("data", {}).get("text/plain", "")) for o in outputs)
        assert shown.startswith("\u25cb Not answered yet"), (notebook, exercise.name, shown)


def test_exercise_objects_describe_themselves():
    assert repr(lesson1.leaky_split) == "<Exercise leaky_split: .check(answer), .hint(), .solution()>"
    assert isinstance(lesson3.periodogram, Exercise)
    assert lesson3.periodogram.check(lambda signals, t: np.zeros(len(signals))).status == "incorrect"
