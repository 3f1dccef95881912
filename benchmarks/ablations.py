"""One-change comparisons for lessons 1 to 4: each final recipe with one of its changes undone at a time.

Lesson 1's section 10, lesson 2's section 5 and lesson 3's section 5 change several things at once, and
say so. This script trains the lesson's final recipe as its code cell has it ("nothing undone") and, next
to it, the same recipe with one change set back to the original recipe's value (leave-one-out), each arm
on the same seeds. Where one change means nothing without another (the batch size and the epochs fix
the number of gradient steps; 230 windows in batches of 256 make one step per epoch), the arm holds the
number of steps or the number of passes fixed and says which. Lesson 3's final LSTM gets its data, its
gradient steps and its target scaling undone one at a time. Lesson 4's arms start from its direct network
and change one thing: its targets (one instead of 35), feedback (its own first output fed back), or its
recurrent layer (a Dense one), each scored 35 steps ahead.

Every arm of a lesson is scored on that lesson's large fresh test set, drawn with the seed as the
lesson draws it (10,000 windows or sequences: lesson 1's and lesson 2's section 6 or 11, lesson 3's
section 6), so that for one seed every arm meets the same test cases and "nothing undone" reproduces the
figure ``make bench`` reports in benchmarks/RESULTS.md. Each figure is the lesson's own measure: x the
Bayes forecast's error (lesson 1), points below the Bayes classifier (lesson 2), x the Cramér-Rao bound
in MSE terms (lesson 3: the MSE over the bound squared, the same kind of ratio as lesson 1's); the report
gives its median over the seeds and its value per seed.

The report is printed and, when every lesson ran, written to benchmarks/ABLATIONS.md (``--out``), which
TEACHING.md quotes; it is generated, never edited by hand.

Each lesson's final recipe is read from its wiring module (``lessonlib.lessons.<name>``'s constants).

Usage: python benchmarks/ablations.py [--seeds 0 1 2 3 4] [--lessons 1 2 3] [--out PATH]
(``--lessons 3 --seeds 0``: one lesson on one seed, printed only; the report is written by a full run.)
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import statistics
import sys
import time
from typing import NamedTuple

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402 -- after the backend is chosen

import lessonlib  # noqa: E402
from lessonlib.lessons import classification, forecasting, many_steps, regression  # noqa: E402

with lessonlib.quiet_startup():
    import keras  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
N_FRESH = 10_000


class Arm(NamedTuple):
    """One row: its name, what it changes from the lesson's final recipe, and the recipe's fields it sets;
    ``cells``, the networks (or models) it applies to, if not all of the lesson's."""

    name: str
    change: str
    overrides: dict
    cells: tuple | None = None


def arms_for(lesson, cell):
    """The arms of ``lesson`` that apply to ``cell``."""
    return [arm for arm in lesson.arms if arm.cells is None or cell in arm.cells]


def _optimizer(recipe, steps):
    """``keras.optimizers.<optimizer>`` at ``learning_rate``, decaying along a cosine to ``decay_to`` of it over
    ``steps`` if ``decay``, its gradients clipped to ``clipnorm`` if given."""
    learning_rate = recipe["learning_rate"]
    if recipe["decay"]:
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps,
                                                               alpha=recipe["decay_to"])
    return getattr(keras.optimizers, recipe["optimizer"])(learning_rate, clipnorm=recipe.get("clipnorm"))


def _for_steps(x, y, steps, batch_size, seed):
    """Windows for exactly ``steps`` batches in one pass: a random part of them if there are enough, else
    all of them repeated, as lesson 3's ``train_for_steps`` does (``steps=None``: ``x`` and ``y`` as they are)."""
    if steps is None:
        return x, y
    n = steps * batch_size
    if len(x) >= n:
        keep = np.random.default_rng(seed).permutation(len(x))[:n]
        return x[keep], y[keep]
    repeats = int(np.ceil(n / len(x)))
    return np.tile(x, (repeats, 1, 1))[:n], np.tile(y, repeats)[:n]


def _windows(test, history, make):
    """The training windows ``(x, y)`` with ``history``, made by ``make(history)`` once per seed's test."""
    if history not in test["windows"]:
        test["windows"][history] = make(history)
    return test["windows"][history]


def _train_network(x, y, x_fresh, recipe, layers, seed, seconds, activation=None):
    """The lessons' network: ``layers`` (cell names) of ``units`` reading ``per_step`` values per step, one
    Dense output with ``activation``, trained by ``recipe`` (its epochs, or exactly its ``steps`` in one pass
    over ``_for_steps``) on ``(x, y)``, the training time added to ``seconds``; its outputs on ``x_fresh``."""
    per_step = recipe["per_step"]
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(x.shape[1] // per_step, per_step)),
        *[getattr(keras.layers, cell)(recipe["units"], return_sequences=i < len(layers) - 1)
          for i, cell in enumerate(layers)],
        keras.layers.Dense(1, activation=activation),
    ])
    return _fit_and_predict(model, x, y, x_fresh, recipe, seed, seconds)


def _scores(test, outputs, truth, measure):
    """Each arm's figure: its score's ``relative`` estimate on the fresh set, as the lesson shows it."""
    optimum = "best possible (Bayes)"
    reference = test.get("bound", optimum)
    given = outputs if "bound" in test else {optimum: test["optimum"], **outputs}
    scores = lessonlib.score_fresh(given, truth, measure=measure, reference=reference)
    return {name: scores[name].relative.shown for name in outputs}


# ---------------------------------------------------------------- lesson 1 (notebooks/01_forecasting.md)

# Section 10's code cell, from lesson 1's wiring module: its history, one layer, its values per step, Adam
# with a cosine decay, gradients clipped, its batches and epochs. Beside the two recurrent networks, the
# non-recurrent rivals on the same windows: section 10's dense network (same recipe) and the linear
# autoregression (least squares: only the data arms apply).
F = forecasting
DENSE, LINEAR = "Dense", "linear autoregression"
RECURRENT = ("LSTM", "SimpleRNN")
NETWORKS = (*RECURRENT, DENSE)
FORECAST_RECIPE = {"history": F.HISTORY, "layers": 1, "units": F.UNITS, "per_step": F.PER_STEP, "optimizer": "Adam",
                   "learning_rate": F.LEARNING_RATE, "decay": True, "decay_to": F.DECAY_TO, "clipnorm": F.CLIPNORM,
                   "batch_size": F.BATCH, "epochs": F.EPOCHS, "steps": None, "loss": "mse"}
FORECAST_ARMS = [
    Arm("nothing undone", "section 10's improved recipe", {}),
    Arm("230 windows, 480 steps", "data undone: section 5's 230 training windows, repeated to fill the same "
        "480 batches of 256", {"history": 0, "steps": 480}, NETWORKS),
    Arm("230 windows", "data undone: fitted on section 5's 230 training windows, as in section 6", {"history": 0},
        (LINEAR,)),
    Arm("two layers", "depth undone: two stacked layers of 32, as section 7", {"layers": 2}, RECURRENT),
    Arm("1 value per step", "values per step undone: 50 steps of 1 value", {"per_step": 1}, RECURRENT),
    Arm("RMSprop", "optimizer undone: RMSprop, with the same learning-rate schedule", {"optimizer": "RMSprop"},
        RECURRENT),
    Arm("no clipping", "clipping undone: gradients as they come (section 8's clipnorm off)", {"clipnorm": None},
        RECURRENT),
    Arm("constant learning rate", "decay undone: 0.01 throughout", {"decay": False}, NETWORKS),
    Arm("learning rate 0.001", "rate undone: the original's 0.001 (RMSprop's and Adam's default), decaying as "
        "in section 10", {"learning_rate": 0.001}, RECURRENT),
    Arm("batches of 32, 480 steps", "batch undone at the same number of steps: one pass over 15,360 of "
        "the windows, drawn at random", {"batch_size": 32, "steps": 480}, RECURRENT),
    Arm("batches of 32, 6 epochs", "batch undone at the same passes: 6 epochs of batches of 32, about "
        "3,800 steps", {"batch_size": 32}, NETWORKS),
]


def forecasting_test(seed):
    """Section 3's series and section 11's 10,000 fresh windows with the Bayes forecast, for ``seed``."""
    series = lessonlib.noisy_sine(n_points=F.N_POINTS, t_max=F.T_MAX, noise=F.NOISE, seed=seed)
    step = series.t[1] - series.t[0]
    fresh = lessonlib.sine_windows(N_FRESH, window=F.WINDOW, step=step, noise=F.NOISE, seed=seed)
    optimum = lessonlib.forecast_bayes(fresh.x, step=step, noise=F.NOISE)
    return {"seed": seed, "fresh": fresh, "optimum": optimum, "windows": {}}


def forecasting_arm(test, cell, recipe, seconds):
    """Section 10's ``improved_rnn(cell)``, ``dense_network()`` or linear autoregression and its training,
    with ``recipe``'s fields; the fresh forecasts."""
    def windows(history):  # section 5's training windows (history 0) or section 10's
        longer = lessonlib.noisy_sine(F.N_POINTS, t_max=F.T_MAX, noise=F.NOISE, seed=test["seed"], n_history=history)
        return lessonlib.split_and_windowize(longer.noisy, F.WINDOW, n_history=history)[::2]

    x, y = _windows(test, recipe["history"], windows)
    if cell == LINEAR:
        return lessonlib.forecast_linear_ar(x, y, test["fresh"].x)
    if cell == DENSE:
        return _train_dense(x, y, test["fresh"].x, recipe, test["seed"], seconds)
    return _train_network(x, y, test["fresh"].x, recipe, [cell] * recipe["layers"], test["seed"], seconds)


def _fit_and_predict(model, x, y, x_fresh, recipe, seed, seconds):
    """Train ``model`` by ``recipe`` (its epochs, or exactly its ``steps`` in one pass over ``_for_steps``) on
    ``(x, y)`` regrouped to ``per_step`` values per step, the time added to ``seconds``; its outputs on ``x_fresh``."""
    per_step, steps = recipe["per_step"], recipe["steps"]
    total = steps or recipe["epochs"] * int(np.ceil(len(x) / recipe["batch_size"]))
    model.compile(optimizer=_optimizer(recipe, total), loss=recipe["loss"])
    x, y = _for_steps(lessonlib.stack_steps(x, per_step), y, steps, recipe["batch_size"], seed)
    seconds.append(lessonlib.fit_quietly(model, x, y, batch_size=recipe["batch_size"],
                                         epochs=1 if steps else recipe["epochs"]).seconds)
    return model.predict(lessonlib.stack_steps(x_fresh, per_step), batch_size=1000, verbose=0)[:, 0]


def _train_dense(x, y, x_fresh, recipe, seed, seconds):
    """Section 10's ``dense_network()``: the regrouped window flattened, ``units`` tanh units, a linear output,
    trained as ``_train_network`` trains the recurrent ones; its outputs on ``x_fresh``."""
    per_step = recipe["per_step"]
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(x.shape[1] // per_step, per_step)), keras.layers.Flatten(),
                              keras.layers.Dense(recipe["units"], activation="tanh"), keras.layers.Dense(1)])
    return _fit_and_predict(model, x, y, x_fresh, recipe, seed, seconds)


def forecasting_score(test, predictions):
    """Section 11's measure: MSE against the clean signal over the Bayes forecast's, on the fresh windows."""
    return _scores(test, predictions, test["fresh"].y_clean, "mse")


# ---------------------------------------------------------------- lesson 2 (notebooks/02_classification.md)

# Section 5's last code cell, from lesson 2's wiring module: its history per class, one LSTM reading its
# values per step, Adam with a cosine decay, its batches and epochs.
C = classification
CLASSIFY_RECIPE = {"history": C.HISTORY, "layers": ("LSTM",), "units": C.UNITS, "per_step": C.PER_STEP,
                   "optimizer": "Adam", "learning_rate": C.LEARNING_RATE, "decay": True, "decay_to": C.DECAY_TO,
                   "batch_size": C.BATCH, "epochs": C.EPOCHS, "steps": None, "loss": "binary_crossentropy"}
CLASSIFY_ARMS = [
    Arm("nothing undone", "section 5's final recipe", {}),
    Arm("460 windows, 378 steps", "data undone: section 2's 460 training windows, repeated to fill the same "
        "378 batches of 512", {"history": 0, "steps": 378}),
    Arm("75 steps", "training length undone: as many gradient steps as section 4's original recipe (5 epochs of "
        "15 batches), one pass over 38,400 of the windows, drawn at random", {"steps": 75}),
    Arm("batches of 32, 378 steps", "batch undone at the same number of steps: one pass over 12,096 of "
        "the windows, drawn at random", {"batch_size": 32, "steps": 378}),
    Arm("batches of 32, 2 epochs", "batch undone at the same passes: 2 epochs of batches of 32, about "
        "6,000 steps", {"batch_size": 32}),
    Arm("constant learning rate", "decay undone: 0.01 throughout", {"decay": False}),
    Arm("learning rate 0.001", "rate undone: the original's 0.001 (RMSprop's default), decaying as in "
        "section 5", {"learning_rate": 0.001}),
    Arm("RMSprop", "optimizer undone: RMSprop, with the same learning-rate schedule", {"optimizer": "RMSprop"}),
    Arm("three layers", "depth undone: section 4's SimpleRNN, LSTM and LSTM, reading 5 values per step",
        {"layers": ("SimpleRNN", "LSTM", "LSTM")}),
    Arm("1 value per step", "values per step undone: 50 steps of 1 value", {"per_step": 1}),
]


def classification_test(seed):
    """Section 6's 10,000 fresh windows, half of each class, with the Bayes classifier's labels."""
    data = lessonlib.two_sines(n_points=C.N_POINTS, t_max=C.T_MAX, noise=C.NOISE, seed=seed)
    step = data.t[1] - data.t[0]
    fresh = lessonlib.two_sine_windows(N_FRESH, window=C.WINDOW, step=step, noise=C.NOISE, seed=seed)
    optimum = lessonlib.classify_bayes(fresh.x, step=step, noise=C.NOISE) > 0.5
    return {"seed": seed, "fresh": fresh, "optimum": optimum, "windows": {}}


def classification_arm(test, cell, recipe, seconds):
    """Section 5's ``final`` network and its training, with ``recipe``'s fields; the fresh labels."""
    def windows(history):  # section 2's training windows (history 0) or section 5's
        longer = lessonlib.two_sines(C.N_POINTS, t_max=C.T_MAX, noise=C.NOISE, seed=test["seed"], n_history=history)
        return lessonlib.windows_and_labels(longer.noisy_a, longer.noisy_b, C.WINDOW, n_history=history)[::2]

    outputs = _train_network(*_windows(test, recipe["history"], windows), test["fresh"].x, recipe,
                             recipe["layers"], test["seed"], seconds, activation="sigmoid")
    return outputs > 0.5


def classification_score(test, labels):
    """Section 6's measure: the Bayes classifier's accuracy minus the network's, in points, on the fresh windows."""
    return _scores(test, labels, test["fresh"].labels, "accuracy")


# ---------------------------------------------------------------- lesson 3 (notebooks/03_regression.md)

# Section 5's train_for_steps, from lesson 3's wiring module: one LSTM reading its values per step, Adam
# with a cosine decay over exactly its steps in its batches, on the scaled target; its final network.
R = regression
REGRESS_RECIPE = {"sequences": R.N_MORE, "steps": R.FINAL_STEPS, "scaled": True, "units": R.UNITS,
                  "per_step": R.PER_STEP, "optimizer": "Adam", "learning_rate": R.LEARNING_RATE, "decay": True,
                  "decay_to": R.DECAY_TO, "batch_size": R.BATCH, "loss": "mse"}
REGRESS_ARMS = [
    Arm("nothing undone", f"section 5's LSTM: 12,000 sequences, {R.FINAL_STEPS:,} steps", {}),
    Arm(f"750 sequences, {R.FINAL_STEPS:,} steps", "data undone at the same number of steps: section 2's 750 "
        "training sequences, repeated", {"sequences": 750}),
    Arm(f"12,000 sequences, {R.ORIGINAL_STEPS} steps", "steps undone: as many gradient steps as section 4's "
        "original recipe (20 epochs of 24 batches)", {"steps": R.ORIGINAL_STEPS}),
    Arm("1,250 steps", "the steps of the lesson before issue 23: what cutting them to save time costs",
        {"steps": 1250}),
    Arm("target not scaled", f"scaling undone: trained on the frequency itself, 12,000 sequences, "
        f"{R.FINAL_STEPS:,} steps", {"scaled": False}),
]


def regression_test(seed):
    """Section 1's sequences split as in section 2, section 5's extra ones, and section 6's fresh set."""
    from sklearn.model_selection import train_test_split

    design = {"n_points": R.N_POINTS, "duration": R.DURATION, "noise": R.NOISE}
    data = lessonlib.random_frequency_sequences(R.N_SEQUENCES, **design, seed=seed)
    x_train, _, y_train, _ = train_test_split(data.signals[:, :, None], data.frequencies, random_state=seed)
    extra = lessonlib.random_frequency_sequences(R.N_MORE, **design, seed=seed + 1000)
    fresh = lessonlib.random_frequency_sequences(N_FRESH, **design, seed=seed + 2000)
    return {"seed": seed, "fresh": fresh, "x_more": np.concatenate([x_train, extra.signals[:, :, None]]),
            "y_more": np.concatenate([y_train, extra.frequencies]), "bound": lessonlib.cramer_rao_bound(**design)}


def regression_arm(test, cell, recipe, seconds):
    """Section 5's ``train_for_steps`` on the first ``sequences`` of ``x_more``; the fresh estimates."""
    n, scaled = recipe["sequences"], recipe["scaled"]
    y = test["y_more"][:n]
    output = _train_network(test["x_more"][:n], lessonlib.scale_frequency(y) if scaled else y,
                            test["fresh"].signals[:, :, None], recipe, [cell], test["seed"], seconds)
    return lessonlib.unscale_frequency(output) if scaled else output


def regression_score(test, estimates):
    """Section 6's measure: MSE over the Cramér-Rao bound squared, on the fresh sequences."""
    return _scores(test, estimates, test["fresh"].frequencies, "rmse")


# ---------------------------------------------------------------- lesson 4 (notebooks/04_many_steps.md)

# Section 4's direct network, from lesson 4's wiring module: one LSTM reading 10 values per step, 35
# outputs, Adam with a cosine decay, its batches and epochs; scored 35 steps ahead (section 7's last column).
M = many_steps
STEPS_RECIPE = {"units": M.UNITS, "per_step": M.PER_STEP, "learning_rate": M.LEARNING_RATE, "decay_to": M.DECAY_TO,
                "batch_size": M.BATCH, "epochs": M.EPOCHS, "targets": "all", "feedback": False, "layer": "LSTM",
                "dense_layers": 2}
STEPS_ARMS = [
    Arm("nothing undone", "section 4's direct network: 35 outputs, its last one scored", {}),
    Arm("one target", "targets undone: one output, trained on the value 35 steps ahead only", {"targets": "last"}),
    Arm("first output fed back", "feedback added: the direct network's first output (1 step ahead) fed back 35 "
        "times, section 3's loop; its one-step quality is the direct network's", {"feedback": True}),
    Arm("one-step model fed back", "section 3's recursive network: one output trained on the next value, fed "
        "back (two changes: the targets and the feedback)", {"targets": "first", "feedback": True}),
    Arm("no recurrence", f"section 6's dense network: the LSTM replaced by two tanh Dense layers of {M.DENSE_UNITS} "
        "reading the flattened window", {"layer": "Dense"}),
    Arm("no recurrence, one layer", f"the dense network with one tanh Dense layer of {M.DENSE_UNITS}",
        {"layer": "Dense", "dense_layers": 1}),
]


def many_steps_test(seed):
    """Section 1's training windows and futures, section 2's fresh windows with the Bayes forecast 35 steps ahead."""
    recording = lessonlib.noisy_sine(n_points=500, noise=M.NOISE, seed=seed, n_history=M.HISTORY)
    rows = np.lib.stride_tricks.sliding_window_view(recording.noisy, M.WINDOW + M.H)
    fresh = lessonlib.sine_windows_ahead(N_FRESH, window=M.WINDOW, horizon=M.H, noise=M.NOISE, seed=seed)
    optimum = lessonlib.forecast_bayes(fresh.x, step=M.STEP, noise=M.NOISE, horizon=M.H)
    return {"seed": seed, "fresh": fresh, "optimum": optimum, "x": rows[:, :M.WINDOW, None], "y": rows[:, M.WINDOW:]}


def many_steps_arm(test, cell, recipe, seconds):
    """Sections 3-6's networks with ``recipe``'s fields; their forecasts 35 steps after each fresh window."""
    per_step, horizon = recipe["per_step"], M.H
    y = {"all": test["y"], "last": test["y"][:, -1:], "first": test["y"][:, :1]}[recipe["targets"]]
    keras.utils.set_random_seed(test["seed"])  # before the layers are made, as the notebook's cells do
    layers = ([keras.layers.Flatten(), *[keras.layers.Dense(M.DENSE_UNITS, activation="tanh")
                                         for _ in range(recipe["dense_layers"])]]
              if recipe["layer"] == "Dense" else [getattr(keras.layers, cell)(recipe["units"])])
    model = keras.Sequential([keras.Input(shape=(M.WINDOW // per_step, per_step)), *layers,
                              keras.layers.Dense(y.shape[1])])
    steps = recipe["epochs"] * int(np.ceil(len(y) / recipe["batch_size"]))
    model.compile(optimizer=_optimizer({**recipe, "optimizer": "Adam", "decay": True}, steps), loss="mse")
    began = time.perf_counter()  # fit_quietly takes one target per window; these networks have up to 35
    model.fit(lessonlib.stack_steps(test["x"], per_step), y, batch_size=recipe["batch_size"], epochs=recipe["epochs"],
              verbose=0)
    seconds.append(time.perf_counter() - began)
    if not recipe["feedback"]:
        return model.predict(lessonlib.stack_steps(test["fresh"].x, per_step), batch_size=2000, verbose=0)[:, -1]
    window = test["fresh"].x[:, :, 0]
    for _ in range(horizon):  # section 3's loop: forecast, append, drop the oldest
        next_value = model.predict_on_batch(lessonlib.stack_steps(window[:, :, None], per_step))[:, 0]
        window = np.concatenate([window[:, 1:], next_value[:, None]], axis=1)
    return next_value


def many_steps_score(test, forecasts):
    """Section 7's measure 35 steps ahead: MSE against the clean value over the Bayes forecast's."""
    return _scores(test, forecasts, test["fresh"].y_clean[:, -1], "mse")


class Lesson(NamedTuple):
    number: int
    notebook: str
    title: str
    measure: str
    cells: tuple
    recipe: dict
    arms: list
    test: object
    arm: object
    score: object
    reference_rows: list  # (cell, arm, row of benchmarks/RESULTS.md that the arm reproduces)


LESSONS = [
    Lesson(F.NUMBER, F.NOTEBOOK, "Lesson 1 · section 10's recipe, one change undone at a time, and its rivals "
           "without a loop on the same windows",
           "x optimum (MSE ratio: MSE against the clean signal over the Bayes forecast's, 10,000 fresh windows)",
           (*NETWORKS, LINEAR), FORECAST_RECIPE, FORECAST_ARMS, forecasting_test, forecasting_arm,
           forecasting_score, [("LSTM", "nothing undone", "LSTM (more data, new recipe)"),
                               ("SimpleRNN", "nothing undone", "SimpleRNN (more data, new recipe)"),
                               (DENSE, "nothing undone", "dense, no loop (more data, new recipe)"),
                               (LINEAR, "nothing undone", "linear autoregression (more data)"),
                               (LINEAR, "230 windows", "linear autoregression (230 windows)")]),
    Lesson(C.NUMBER, C.NOTEBOOK, "Lesson 2 · section 5's final recipe, one change undone at a time",
           "points below the optimum (the Bayes classifier's accuracy minus the network's, 10,000 fresh windows)",
           ("LSTM",), CLASSIFY_RECIPE, CLASSIFY_ARMS, classification_test, classification_arm,
           classification_score, [("LSTM", "nothing undone", "one LSTM, 210x more data")]),
    Lesson(R.NUMBER, R.NOTEBOOK, "Lesson 3 · section 5's final LSTM, its data, its steps and its scaling undone",
           "x bound (MSE ratio: the MSE over the Cramér-Rao bound squared, 10,000 fresh sequences)", ("LSTM",),
           REGRESS_RECIPE, REGRESS_ARMS, regression_test, regression_arm, regression_score,
           [("LSTM", "nothing undone", f"LSTM, 12,000 sequences, {R.FINAL_STEPS:,} steps")]),
    Lesson(M.NUMBER, M.NOTEBOOK, "Lesson 4 · the direct network 35 steps ahead: its targets, feedback and "
           "recurrence, one change at a time",
           "x optimum at h = 35 (MSE against the clean value over the Bayes forecast's, a ratio of MSEs, 10,000 "
           "fresh windows)", ("LSTM",), STEPS_RECIPE, STEPS_ARMS, many_steps_test, many_steps_arm, many_steps_score,
           [("LSTM", "nothing undone", "direct"), ("LSTM", "one-step model fed back", "recursive"),
            ("LSTM", "no recurrence", "dense, direct (no recurrence)")]),
]


def run_lesson(lesson, seeds, cells=None):
    """``{(cell, arm name): [(figure, seconds) per seed]}``: every arm trained and scored on every seed, for
    ``cells`` of the lesson's (all of them if None)."""
    results = {}
    for seed in seeds:
        began = time.perf_counter()
        test = lesson.test(seed)
        for cell in [cell for cell in lesson.cells if cells is None or cell in cells]:
            outputs, seconds = {}, {}
            for arm in arms_for(lesson, cell):
                spent = []
                outputs[arm.name] = lesson.arm(test, cell, {**lesson.recipe, **arm.overrides}, spent)
                seconds[arm.name] = sum(spent)
            scores = lesson.score(test, outputs)
            for arm in arms_for(lesson, cell):
                results.setdefault((cell, arm.name), []).append((scores[arm.name], seconds[arm.name]))
                print(f"lesson {lesson.number} seed {seed} {cell} {arm.name}: {scores[arm.name]:g} "
                      f"({seconds[arm.name]:.1f} s)", file=sys.stderr, flush=True)
        print(f"lesson {lesson.number} seed {seed}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    return results


def results_row(notebook, row):
    """A row's last column in benchmarks/RESULTS.md ('median (per seed)'), or None if it is not there."""
    if not RESULTS.is_file():
        return None
    sections = re.split(r"^## ", RESULTS.read_text(encoding="utf-8"), flags=re.M)
    for section in sections:
        if section.startswith(notebook):
            for line in section.splitlines():
                if line.startswith(f"    {row}  "):
                    return line.rsplit("|", 1)[-1].strip()
    return None


def report(lesson, results, seeds, out, kept=""):
    """One lesson's table: each arm's median and per-seed figure, how often it is worse than nothing undone.

    A cell that did not run (``--cells``) keeps its rows, and its reference lines, from ``kept``, the
    lesson's section as it was."""
    out(f"\n## {lesson.title}\n")
    out(f"Measure: {lesson.measure}; lower is better. Each arm changes one thing from the recipe "
        f"(notebooks/{lesson.notebook}.md), on seeds {', '.join(map(str, seeds))}.\n")
    out(f"| network | arm | what it changes | median | per seed ({', '.join(map(str, seeds))}) "
        f"| worse than nothing undone | train s (median) |")
    out("|---|---|---|---|---|---|---|")
    for cell in lesson.cells:
        if (cell, "nothing undone") not in results:
            for line in kept.splitlines():
                if line.startswith(f"| {cell} | "):
                    out(line)
            continue
        base = [figure for figure, _ in results[(cell, "nothing undone")]]
        for arm in arms_for(lesson, cell):
            figures = [figure for figure, _ in results[(cell, arm.name)]]
            seconds = statistics.median(s for _, s in results[(cell, arm.name)])
            worse = "-" if arm.name == "nothing undone" else \
                f"{sum(f > b for f, b in zip(figures, base, strict=True))} of {len(seeds)} seeds"
            out(f"| {cell} | {arm.name} | {arm.change} | {statistics.median(figures):g} | "
                f"{', '.join(f'{f:g}' for f in figures)} | {worse} | {seconds:.1f} |")
    out("\n\"Nothing undone\" against the lesson itself, as `make bench` ran it (benchmarks/RESULTS.md, "
        "median (per seed)):\n")
    for cell, arm, row in lesson.reference_rows:
        if (cell, arm) in results:
            figures = [figure for figure, _ in results[(cell, arm)]]
            here = f"{statistics.median(figures):g} ({', '.join(f'{f:g}' for f in figures)})"
        else:  # a kept row: its median and per-seed figures
            kept_row = next((line.split(" | ") for line in kept.splitlines()
                             if line.startswith(f"| {cell} | {arm} | ")), None)
            here = f"{kept_row[3]} ({kept_row[4]})" if kept_row else "not run"
        there = results_row(lesson.notebook, row) or "not in benchmarks/RESULTS.md"
        out(f"* {row}: here {here}; in RESULTS.md {there}")


def merged(previous, sections):
    """The report with ``sections`` ({lesson number: its text}) in place of those lessons' old ones, in order.

    A run of some lessons (``--lessons 2``) rewrites their sections only: each section says when and on
    which seeds it was run, so a report can hold sections of different runs."""
    kept = {}
    for chunk in re.split(r"(?m)^(?=## Lesson \d+ )", previous)[1:]:
        kept[int(re.match(r"## Lesson (\d+) ", chunk).group(1))] = chunk.rstrip("\n")
    kept.update(sections)
    return "\n\n".join([HEADER, *(kept[number] for number in sorted(kept))]) + "\n"


HEADER = ("# make bench: one change at a time\n\nWritten by benchmarks/ablations.py; never edited by hand (`make "
          "bench` rewrites it, `--lessons N` rewrites lesson N's section). Each lesson's final recipe, as its code "
          "cell has it (\"nothing undone\"), next to the same recipe with one change set back to the original "
          "recipe's value, trained on each seed and scored on the lesson's 10,000 fresh test cases for that seed: "
          "the same test cases for every arm of a seed. \"worse than nothing undone\" counts the seeds on which the "
          "arm's figure is higher than the final recipe's; \"train s\" is the training time on this machine.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    numbers = [lesson.number for lesson in LESSONS]
    parser.add_argument("--lessons", nargs="+", type=int, choices=numbers, default=numbers)
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "benchmarks" / "ABLATIONS.md")
    parser.add_argument("--cells", nargs="+", help="run only these cells (networks) of the lessons; the "
                        "others keep their rows from the report as it is (run on the same seeds)")
    args = parser.parse_args()
    print(HEADER, flush=True)
    previous = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
    old_sections = {int(re.match(r"## Lesson (\d+) ", chunk).group(1)): chunk
                    for chunk in re.split(r"(?m)^(?=## Lesson \d+ )", previous)[1:]}
    sections = {}
    for lesson in LESSONS:
        if lesson.number in args.lessons:
            lines = []

            def out(line="", lines=lines):
                print(line, flush=True)
                lines.append(line)

            began = time.perf_counter()
            report(lesson, run_lesson(lesson, args.seeds, args.cells), args.seeds, out,
                   kept=old_sections.get(lesson.number, ""))
            ran = [cell for cell in lesson.cells if args.cells is None or cell in args.cells]
            some = "" if len(ran) == len(lesson.cells) else (
                f" ({', '.join(ran)} only; the other rows are kept from the section's run before)")
            out(f"\nRun on {time.strftime('%Y-%m-%d')}, seeds {', '.join(map(str, args.seeds))}, in "
                f"{(time.perf_counter() - began) / 60:.0f} min{some}.")
            sections[lesson.number] = "\n".join(lines).strip("\n")
    args.out.write_text(merged(previous, sections), encoding="utf-8")


if __name__ == "__main__":
    main()
