"""One-change comparisons for lessons 1 to 3: each final recipe with one of its changes undone at a time.

Lesson 1's section 10, lesson 2's section 5 and lesson 3's section 5 change several things at once, and
say so. This script trains the lesson's final recipe as its code cell has it ("nothing undone") and, next
to it, the same recipe with one change set back to the original recipe's value (leave-one-out), each arm
on the same seeds. Where one change means nothing without another (the batch size and the epochs fix
the number of gradient steps; 230 windows in batches of 256 make one step per epoch), the arm holds the
number of steps or the number of passes fixed and says which. Lesson 3 gets the run its learning curve
lacks (750 sequences for 1,250 steps) and its final recipe without the target scaling.

Every arm of a lesson is scored on that lesson's large fresh test set, drawn with the seed as the
lesson draws it (10,000 windows or sequences: lesson 1's and lesson 2's section 6 or 11, lesson 3's
section 6), so that for one seed every arm meets the same test cases and "nothing undone" reproduces the
figure ``make bench`` reports in benchmarks/RESULTS.md. Each figure is the lesson's own measure: x the
Bayes forecast's error (lesson 1), points below the Bayes classifier (lesson 2), x the Cramér-Rao bound
(lesson 3); the report gives its median over the seeds and its value per seed.

The report is printed and, when every lesson ran, written to benchmarks/ABLATIONS.md (``--out``), which
TEACHING.md quotes; it is generated, never edited by hand.

Usage: python benchmarks/ablations.py [--seeds 0 1 2 3 4] [--lessons 1 2 3] [--out PATH]
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

with lessonlib.quiet_startup():
    import keras  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
WINDOW, PER_STEP, N_FRESH = 50, 5, 10_000


class Arm(NamedTuple):
    """One row: its name, what it changes from the lesson's final recipe, and the recipe's fields it sets."""

    name: str
    change: str
    overrides: dict


def _train(model, x, y, *, batch_size, epochs, seconds):
    """Fit quietly (the lessons' ``lessonlib.fit_quietly``), adding the training time to ``seconds``."""
    seconds.append(lessonlib.fit_quietly(model, x, y, batch_size=batch_size, epochs=epochs).seconds)
    return model


def _optimizer(name, learning_rate, decay, steps, alpha, clipnorm=None):
    """``keras.optimizers.<name>`` at ``learning_rate``, decaying along a cosine over ``steps`` if ``decay``,
    its gradients clipped to ``clipnorm`` if given."""
    if decay:
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps, alpha=alpha)
    return getattr(keras.optimizers, name)(learning_rate, clipnorm=clipnorm)


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


def _steps(n_windows, recipe):
    """The number of gradient steps ``recipe`` trains for: its ``steps``, or its epochs of its batches."""
    return recipe["steps"] or recipe["epochs"] * int(np.ceil(n_windows / recipe["batch_size"]))


def _fit_recipe(model, x, y, recipe, seed, seconds):
    """Train ``model`` for ``recipe``'s epochs, or for exactly its ``steps`` in one pass over ``_for_steps``."""
    x, y = _for_steps(x, y, recipe["steps"], recipe["batch_size"], seed)
    epochs = 1 if recipe["steps"] else recipe["epochs"]
    _train(model, x, y, batch_size=recipe["batch_size"], epochs=epochs, seconds=seconds)


# ---------------------------------------------------------------- lesson 1 (notebooks/01_forecasting.md)

# Section 10's code cell: 20,000 points of history, one layer of 32, 5 values per step, Adam, a cosine
# decay from 0.01 to 5 % over the run, gradients clipped to norm 1, batches of 256, 6 epochs (480 steps).
FORECAST_RECIPE = {"history": 20_000, "layers": 1, "per_step": PER_STEP, "optimizer": "Adam",
                   "learning_rate": 0.01, "decay": True, "clipnorm": 1.0, "batch_size": 256, "epochs": 6,
                   "steps": None}
FORECAST_ARMS = [
    Arm("nothing undone", "section 10's improved recipe", {}),
    Arm("230 windows, 480 steps", "data undone: section 5's 230 training windows, repeated to fill the same "
        "480 batches of 256", {"history": 0, "steps": 480}),
    Arm("two layers", "depth undone: two stacked layers of 32, as section 7", {"layers": 2}),
    Arm("1 value per step", "values per step undone: 50 steps of 1 value", {"per_step": 1}),
    Arm("RMSprop", "optimizer undone: RMSprop, with the same learning-rate schedule", {"optimizer": "RMSprop"}),
    Arm("no clipping", "clipping undone: gradients as they come (section 8's clipnorm off)", {"clipnorm": None}),
    Arm("constant learning rate", "decay undone: 0.01 throughout", {"decay": False}),
    Arm("learning rate 0.001", "rate undone: the original's 0.001 (RMSprop's and Adam's default), decaying as "
        "in section 10", {"learning_rate": 0.001}),
    Arm("batches of 32, 480 steps", "batch undone at the same number of steps: one pass over 15,360 of "
        "the windows, drawn at random", {"batch_size": 32, "steps": 480}),
    Arm("batches of 32, 6 epochs", "batch undone at the same passes: 6 epochs of batches of 32, about "
        "3,800 steps", {"batch_size": 32}),
]


def forecasting_test(seed):
    """Section 3's series and section 11's 10,000 fresh windows with the Bayes forecast, for ``seed``."""
    series = lessonlib.noisy_sine(n_points=500, t_max=90, noise=0.5, seed=seed)
    step = series.t[1] - series.t[0]
    fresh = lessonlib.sine_windows(N_FRESH, window=WINDOW, step=step, noise=0.5, seed=seed)
    optimum = lessonlib.forecast_bayes(fresh.x, step=step, noise=0.5)
    return {"seed": seed, "fresh": fresh, "optimum": optimum, "windows": {}}


def forecasting_windows(test, history):
    """Section 5's training windows (``history=0``) or section 10's, with 20,000 points of history."""
    if history not in test["windows"]:
        longer = lessonlib.noisy_sine(n_points=500, t_max=90, noise=0.5, seed=test["seed"], n_history=history)
        x, _, y, _ = lessonlib.split_and_windowize(longer.noisy, WINDOW, n_history=history)
        test["windows"][history] = x, y
    return test["windows"][history]


def forecasting_arm(test, cell, recipe, seconds):
    """Section 10's ``improved_rnn(cell)`` and its training, with ``recipe``'s fields; the fresh forecasts."""
    x, y = forecasting_windows(test, recipe["history"])
    per_step, layers = recipe["per_step"], recipe["layers"]
    keras.utils.set_random_seed(test["seed"])
    model = keras.Sequential([
        keras.Input(shape=(WINDOW // per_step, per_step)),
        *[getattr(keras.layers, cell)(32, return_sequences=i < layers - 1) for i in range(layers)],  # section 7
        keras.layers.Dense(1),
    ])
    steps = _steps(len(x), recipe)  # section 10: EPOCHS * int(np.ceil(len(x_long) / BATCH))
    model.compile(optimizer=_optimizer(recipe["optimizer"], recipe["learning_rate"], recipe["decay"], steps, 0.05,
                                       recipe["clipnorm"]), loss="mse")
    _fit_recipe(model, lessonlib.stack_steps(x, per_step), y, recipe, test["seed"], seconds)
    return model.predict(lessonlib.stack_steps(test["fresh"].x, per_step), batch_size=1000, verbose=0)[:, 0]


def forecasting_score(test, predictions):
    """Section 11's measure: MSE against the clean signal over the Bayes forecast's, on the fresh windows."""
    optimum = "best possible (Bayes)"
    scores = lessonlib.score_fresh({optimum: test["optimum"], **predictions}, test["fresh"].y_clean,
                                   measure="mse", reference=optimum)
    return {name: scores[name].relative for name in predictions}


# ---------------------------------------------------------------- lesson 2 (notebooks/02_classification.md)

# Section 5's last code cell: 48,000 points of history per class, one LSTM of 32 reading 5 values per
# step, Adam with a cosine decay from 0.01 to 5 %, batches of 512, 2 epochs (378 gradient steps).
CLASSIFY_RECIPE = {"history": 48_000, "layers": ("LSTM",), "per_step": PER_STEP, "optimizer": "Adam",
                   "learning_rate": 0.01, "decay": True, "batch_size": 512, "epochs": 2, "steps": None}
CLASSIFY_ARMS = [
    Arm("nothing undone", "section 5's final recipe", {}),
    Arm("460 windows, 378 steps", "data undone: section 2's 460 training windows, repeated to fill the same "
        "378 batches of 512", {"history": 0, "steps": 378}),
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
    data = lessonlib.two_sines(n_points=500, t_max=90, frequencies=(1.0, 1.1), noise=0.5, seed=seed)
    step = data.t[1] - data.t[0]
    fresh = lessonlib.two_sine_windows(N_FRESH, window=WINDOW, step=step, noise=0.5, seed=seed)
    optimum = lessonlib.classify_bayes(fresh.x, step=step, noise=0.5) > 0.5
    return {"seed": seed, "fresh": fresh, "optimum": optimum, "windows": {}}


def classification_windows(test, history):
    """Section 2's training windows (``history=0``) or section 5's, with 48,000 points of history."""
    if history not in test["windows"]:
        longer = lessonlib.two_sines(n_points=500, t_max=90, frequencies=(1.0, 1.1), noise=0.5, seed=test["seed"],
                                     n_history=history)
        x, _, y, _ = lessonlib.windows_and_labels(longer.noisy_a, longer.noisy_b, WINDOW, n_history=history)
        test["windows"][history] = x, y
    return test["windows"][history]


def classification_arm(test, cell, recipe, seconds):
    """Section 5's ``final`` network and its training, with ``recipe``'s fields; the fresh labels."""
    x, y = classification_windows(test, recipe["history"])
    per_step, layers = recipe["per_step"], recipe["layers"]
    keras.utils.set_random_seed(test["seed"])
    model = keras.Sequential([
        keras.Input(shape=(WINDOW // per_step, per_step)),
        *[getattr(keras.layers, name)(32, return_sequences=i < len(layers) - 1) for i, name in enumerate(layers)],
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    steps = _steps(len(x), recipe)  # section 5: 2 * int(np.ceil(len(x_long) / 512))
    model.compile(optimizer=_optimizer(recipe["optimizer"], recipe["learning_rate"], recipe["decay"], steps, 0.05),
                  loss="binary_crossentropy")
    _fit_recipe(model, lessonlib.stack_steps(x, per_step), y, recipe, test["seed"], seconds)
    outputs = model.predict(lessonlib.stack_steps(test["fresh"].x, per_step), batch_size=1000, verbose=0)[:, 0]
    return outputs > 0.5


def classification_score(test, labels):
    """Section 6's measure: the Bayes classifier's accuracy minus the network's, in points, on the fresh windows."""
    optimum = "best possible (Bayes)"
    scores = lessonlib.score_fresh({optimum: test["optimum"], **labels}, test["fresh"].labels, measure="accuracy",
                                   reference=optimum)
    return {name: scores[name].relative for name in labels}


# ---------------------------------------------------------------- lesson 3 (notebooks/03_regression.md)

# Section 5's train_for_steps: one LSTM of 32 reading 5 values per step, Adam with a cosine decay from
# 0.01 to 2 % over exactly `steps` steps in batches of 128, on the scaled target; the final network has
# 12,000 sequences and 1,250 steps.
REGRESS_RECIPE = {"sequences": 12_000, "steps": 1250, "scaled": True}
REGRESS_ARMS = [
    Arm("nothing undone", "section 5's final network: 12,000 sequences, 1,250 steps", {}),
    Arm("750 sequences, 1,250 steps", "data undone at the final number of steps: the run section 5's "
        "learning curve lacks", {"sequences": 750}),
    Arm("12,000 sequences, 200 steps", "section 5's learning curve, its large size", {"steps": 200}),
    Arm("750 sequences, 200 steps", "section 5's learning curve, its small size", {"sequences": 750, "steps": 200}),
    Arm("target not scaled", "scaling undone: trained on the frequency itself, 12,000 sequences, 1,250 steps",
        {"scaled": False}),
]


def regression_test(seed):
    """Section 1's sequences split as in section 2, section 5's extra ones, and section 6's fresh set."""
    from sklearn.model_selection import train_test_split

    settings = {"n_points": 50, "duration": 10, "freq_range": (1, 5), "noise": 0.3}
    data = lessonlib.random_frequency_sequences(1000, **settings, seed=seed)
    x_train, _, y_train, _ = train_test_split(data.signals[:, :, None], data.frequencies, random_state=seed)
    extra = lessonlib.random_frequency_sequences(12_000, **settings, seed=seed + 1000)
    fresh = lessonlib.random_frequency_sequences(N_FRESH, **settings, seed=seed + 2000)
    return {"seed": seed, "fresh": fresh, "x_more": np.concatenate([x_train, extra.signals[:, :, None]]),
            "y_more": np.concatenate([y_train, extra.frequencies]),
            "bound": lessonlib.cramer_rao_bound(n_points=50, duration=10, noise=0.3, amplitude=1)}


def regression_arm(test, cell, recipe, seconds):
    """Section 5's ``train_for_steps`` on the first ``sequences`` of ``x_more``; the fresh estimates."""
    n, steps, batch_size = recipe["sequences"], recipe["steps"], 128
    x, y = test["x_more"][:n], test["y_more"][:n]
    repeats = int(np.ceil(steps * batch_size / len(x)))
    x = np.tile(lessonlib.stack_steps(x, PER_STEP), (repeats, 1, 1))[:steps * batch_size]
    y = np.tile(y, repeats)[:steps * batch_size]
    keras.utils.set_random_seed(test["seed"])
    model = keras.Sequential([keras.Input(shape=(50 // PER_STEP, PER_STEP)), getattr(keras.layers, cell)(32),
                              keras.layers.Dense(1)])
    model.compile(optimizer=_optimizer("Adam", 0.01, True, steps, 0.02), loss="mse")
    target = lessonlib.scale_frequency(y) if recipe["scaled"] else y
    _train(model, x, target, batch_size=batch_size, epochs=1, seconds=seconds)
    output = model.predict(lessonlib.stack_steps(test["fresh"].signals, PER_STEP), batch_size=1000, verbose=0)[:, 0]
    return lessonlib.unscale_frequency(output) if recipe["scaled"] else output


def regression_score(test, estimates):
    """Section 6's measure: RMSE over the Cramér-Rao bound, on the fresh sequences."""
    scores = lessonlib.score_fresh(estimates, test["fresh"].frequencies, measure="rmse", reference=test["bound"])
    return {name: scores[name].relative for name in estimates}


class Lesson(NamedTuple):
    number: int
    notebook: str
    title: str
    measure: str
    better: str  # "lower": a smaller figure is better (every measure here)
    cells: tuple
    recipe: dict
    arms: list
    test: object
    arm: object
    score: object
    reference_rows: dict  # cell -> the row of benchmarks/RESULTS.md that "nothing undone" reproduces


LESSONS = [
    Lesson(1, "01_forecasting", "Lesson 1 · section 10's improved recipe, one change undone at a time",
           "x optimum (MSE against the clean signal over the Bayes forecast's, 10,000 fresh windows)", "lower",
           ("LSTM", "SimpleRNN"), FORECAST_RECIPE, FORECAST_ARMS, forecasting_test, forecasting_arm,
           forecasting_score, {"LSTM": "LSTM (more data, Adam)", "SimpleRNN": "SimpleRNN (more data, Adam)"}),
    Lesson(2, "02_classification", "Lesson 2 · section 5's final recipe, one change undone at a time",
           "points below the optimum (the Bayes classifier's accuracy minus the network's, 10,000 fresh windows)",
           "lower", ("LSTM",), CLASSIFY_RECIPE, CLASSIFY_ARMS, classification_test, classification_arm,
           classification_score, {"LSTM": "... and 210x more data"}),
    Lesson(3, "03_regression", "Lesson 3 · section 5's learning curve completed, and the target scaling undone",
           "x bound (RMSE over the Cramér-Rao bound, 10,000 fresh sequences)", "lower", ("LSTM",),
           REGRESS_RECIPE, REGRESS_ARMS, regression_test, regression_arm, regression_score,
           {"LSTM": "12,000 sequences, 1,250 steps"}),
]
# Lesson 3's other rows that its notebook also trains, for the comparison with benchmarks/RESULTS.md.
ALSO_IN_RESULTS = {"12,000 sequences, 200 steps": "12,000 sequences, 200 steps",
                   "750 sequences, 200 steps": "750 sequences, 200 steps"}


def run_lesson(lesson, seeds):
    """``{(cell, arm name): [(figure, seconds) per seed]}``: every arm trained and scored on every seed."""
    results = {}
    for seed in seeds:
        began = time.perf_counter()
        test = lesson.test(seed)
        for cell in lesson.cells:
            outputs, seconds = {}, {}
            for arm in lesson.arms:
                spent = []
                outputs[arm.name] = lesson.arm(test, cell, {**lesson.recipe, **arm.overrides}, spent)
                seconds[arm.name] = sum(spent)
            scores = lesson.score(test, outputs)
            for arm in lesson.arms:
                figure = _leading(str(scores[arm.name]))
                results.setdefault((cell, arm.name), []).append((figure, seconds[arm.name]))
                print(f"lesson {lesson.number} seed {seed} {cell} {arm.name}: {figure:g} "
                      f"({seconds[arm.name]:.1f} s)", file=sys.stderr, flush=True)
        print(f"lesson {lesson.number} seed {seed}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    return results


def _leading(text):
    """The estimate as the lesson prints it (``str(Interval)``'s first number), as a float."""
    return float(re.match(r"-?\d+(?:\.\d+)?", text).group())


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


def report(lesson, results, seeds, out):
    """One lesson's table: each arm's median and per-seed figure, how often it is worse than nothing undone."""
    out(f"\n## {lesson.title}\n")
    out(f"Measure: {lesson.measure}; lower is better. Each arm changes one thing from the recipe "
        f"(notebooks/{lesson.notebook}.md), on seeds {', '.join(map(str, seeds))}.\n")
    out(f"| network | arm | what it changes | median | per seed ({', '.join(map(str, seeds))}) "
        f"| worse than nothing undone | train s (median) |")
    out("|---|---|---|---|---|---|---|")
    for cell in lesson.cells:
        base = [figure for figure, _ in results[(cell, "nothing undone")]]
        for arm in lesson.arms:
            figures = [figure for figure, _ in results[(cell, arm.name)]]
            seconds = statistics.median(s for _, s in results[(cell, arm.name)])
            worse = "-" if arm.name == "nothing undone" else \
                f"{sum(f > b for f, b in zip(figures, base, strict=True))} of {len(seeds)} seeds"
            out(f"| {cell} | {arm.name} | {arm.change} | {statistics.median(figures):g} | "
                f"{', '.join(f'{f:g}' for f in figures)} | {worse} | {seconds:.1f} |")
    out("\n\"Nothing undone\" against the lesson itself, as `make bench` ran it (benchmarks/RESULTS.md, "
        "median (per seed)):\n")
    pairs = [(cell, "nothing undone", row) for cell, row in lesson.reference_rows.items()]
    if lesson.number == 3:
        pairs += [("LSTM", arm, row) for arm, row in ALSO_IN_RESULTS.items()]
    for cell, arm, row in pairs:
        figures = [figure for figure, _ in results[(cell, arm)]]
        here = f"{statistics.median(figures):g} ({', '.join(f'{f:g}' for f in figures)})"
        there = results_row(lesson.notebook, row) or "not in benchmarks/RESULTS.md"
        out(f"* {row}: here {here}; in RESULTS.md {there}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--lessons", nargs="+", type=int, choices=[1, 2, 3], default=[1, 2, 3])
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "benchmarks" / "ABLATIONS.md")
    args = parser.parse_args()
    lines = []

    def out(line=""):
        print(line, flush=True)
        lines.append(line)

    began = time.perf_counter()
    out("# make bench: one change at a time\n")
    out(f"Written by benchmarks/ablations.py on {time.strftime('%Y-%m-%d')}, seeds {', '.join(map(str, args.seeds))}; "
        "never edited by hand (`make bench` rewrites it). Each lesson's final recipe, as its code cell has it "
        "(\"nothing undone\"), next to the same recipe with one change set back to the original recipe's value, "
        "trained on each seed and scored on the lesson's 10,000 fresh test cases for that seed: the same test "
        "cases for every arm of a seed. \"worse than nothing undone\" counts the seeds on which the arm's figure "
        "is higher than the final recipe's; \"train s\" is the training time on this machine.")
    for lesson in LESSONS:
        if lesson.number in args.lessons:
            report(lesson, run_lesson(lesson, args.seeds), args.seeds, out)
    minutes = (time.perf_counter() - began) / 60
    out(f"\nThe whole run took {minutes:.0f} min.")
    if args.lessons == [1, 2, 3]:  # a partial run does not overwrite the full report
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
