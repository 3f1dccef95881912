"""Exercises for lesson 2 (classification): chance level, a matched filter, the AUC, a GRU, a
bidirectional LSTM."""

from __future__ import annotations

import functools
import itertools

import numpy as np

from .._validation import check_int
from ..bayes import classify_bayes
from ..classical import matched_filter_classify
from ..lessons.classification import N_POINTS, NOISE, T_MAX, WINDOW
from ..metrics import accuracy, roc_auc
from ..signals import FREQUENCIES, STEP, two_sine_windows, two_sines
from ..windows import windows_and_labels
from ._core import Exercise, Incorrect, as_array, as_number, call_student_function, recurrent_model_outputs

TARGET_GAP = 0.05  # the GRU must come within 5 points of the matched filter
BIDIRECTIONAL_GAP = 0.03  # the bidirectional LSTM, within 3 points of the Bayes classifier on fresh windows
N_FRESH = 10_000  # section 6's fresh windows


@functools.lru_cache(maxsize=4)
def _lesson_windows(seed):
    """The lesson's windows and labels for ``seed`` (computed on first use only)."""
    data = two_sines(N_POINTS, t_max=T_MAX, frequencies=FREQUENCIES, noise=NOISE, seed=seed)
    return windows_and_labels(data.noisy_a, data.noisy_b, WINDOW)


# --- 1. chance level -------------------------------------------------------------------------

def _check_chance_level(answer, *, seed=0):
    seed = check_int("seed", seed, low=0)
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Incorrect(f"give a pair (accuracy, auc), e.g. (0.7, 0.6); you gave {type(answer).__name__} {answer!r}.")
    given_accuracy, given_auc = as_number(answer[0], "the accuracy"), as_number(answer[1], "the AUC")
    *_, y_test = _lesson_windows(seed)
    always_one = np.ones_like(y_test)
    expected_accuracy, expected_auc = accuracy(always_one, y_test), roc_auc(always_one, y_test)
    if given_accuracy > 1 or given_auc > 1:
        raise Incorrect("give both as fractions between 0 and 1 (0.5, not 50).")
    if abs(given_accuracy - expected_accuracy) > 0.005:
        raise Incorrect(f"the accuracy is off by {given_accuracy - expected_accuracy:+.3f}. Saying 'class 1' is right "
                        "for exactly the class-1 test windows: what share of y_test is 1?")
    if abs(given_auc - expected_auc) > 0.005:
        raise Incorrect(f"the accuracy is right, the AUC is off by {given_auc - expected_auc:+.3f}. A constant score "
                        "ties every class-1 window with every class-0 window, and ties count half.")
    return (f"{expected_accuracy:.0%} accuracy and an AUC of {expected_auc:.1f}: the level of a "
            f"coin toss. The original recipe's 50 % accuracy is no better than this, although its "
            f"AUC, well above 0.5, shows that its scores do rank the windows.")


chance_level = Exercise(
    "chance_level", _check_chance_level,
    hint="The classifier answers 1 for every test window, with the same score for all. Accuracy: "
         "which windows does it get right? AUC: the chance that a random class-1 window scores "
         "higher than a random class-0 window, ties counting half.",
    solution='''
always_one = np.ones_like(y_test)
chance = (lessonlib.accuracy(always_one, y_test), lessonlib.roc_auc(always_one, y_test))
exercises.chance_level.check(chance, seed=SEED)
''')


# --- 2. the matched filter by hand -----------------------------------------------------------

def _clean_windows():
    """Noise-free windows of both classes at several phases and amplitudes, with their labels."""
    t = STEP * np.arange(WINDOW)
    phases, amplitudes = np.linspace(0, 2 * np.pi, 6, endpoint=False), (0.5, 1.0, 2.0)
    cases = list(itertools.product(enumerate(FREQUENCIES), phases, amplitudes))  # ((label, w), phase, amplitude)
    windows = np.array([amplitude * np.sin(w * t + phase) for (_, w), phase, amplitude in cases])
    names = [f"{amplitude:g} sin({w:g} t + {phase:.2f})" for (_, w), phase, amplitude in cases]
    return windows[:, :, None], np.array([label for (label, _), _, _ in cases]), names


_LABELS = "one label (0 or 1) per window"


def _as_labels(result, n, call):
    labels = as_array(result, (n,), f"the labels from {call}")
    if not np.isin(labels, (0, 1)).all():
        raise Incorrect(f"{call} should return labels 0 or 1; it returned values such as "
                        f"{labels[~np.isin(labels, (0, 1))][0]:.3g}. Compare the two residuals "
                        f"and return 1 where sin(1.1 t) fits better.")
    return labels


def _check_matched_filter(function):
    windows, truth, names = _clean_windows()
    call = "my_matched_filter(clean_windows, step)"
    labels = _as_labels(call_student_function(function, call, windows, STEP, returns=_LABELS), len(truth), call)
    if np.all(labels != truth):
        raise Incorrect("every clean window got the other class: label 1 must mean that "
                        "sin(1.1 t) fits better, i.e. leaves the smaller residual.")
    wrong = np.flatnonzero(labels != truth)
    if len(wrong):
        i = wrong[0]
        raise Incorrect(f"on the clean window {names[i]} (class {truth[i]}) your filter says {labels[i]:g}, and it "
                        f"errs on {len(wrong)} of {len(truth)} clean windows. Windows start at any phase: fit a sine "
                        "*and* a cosine at each frequency, on t = step * np.arange(window).")
    _, x_test, _, y_test = _lesson_windows(0)
    call = "my_matched_filter(x_test, step)"
    labels = _as_labels(call_student_function(function, call, x_test.copy(), STEP, returns=_LABELS), len(y_test), call)
    reference = matched_filter_classify(x_test, frequencies=FREQUENCIES, step=STEP).labels
    agree = float(np.mean(labels == reference))
    mine, theirs = accuracy(labels, y_test), accuracy(reference, y_test)
    if agree < 0.99:
        raise Incorrect("right on clean windows, but on the lesson's noisy test windows your labels agree with the "
                        f"matched filter's on only {agree:.1%} of them (accuracy {mine:.1%} against {theirs:.1%}). "
                        "Compare residual sums of squares of least-squares fits.")
    return (f"your matched filter classifies every clean window right and scores {mine:.1%} on the lesson's test "
            f"windows (lessonlib's: {theirs:.1%}). That is the yardstick the networks are measured against.")


matched_filter = Exercise(
    "matched_filter", _check_matched_filter,
    hint="Flatten the windows with windows[:, :, 0] and make t = step * np.arange(window). For each frequency w in "
         "(1.0, 1.1), fit a sin(w t) + b cos(w t) to every window with np.linalg.lstsq (one column per window works) "
         "and compute the residual sum of squares. Label 1 where the fit at 1.1 leaves the smaller residual.",
    solution='''
def my_matched_filter(windows, step):
    """Label 1 where sin(1.1 t), at any amplitude and phase, fits a window better than sin(t)."""
    windows = np.asarray(windows)[:, :, 0]
    t = step * np.arange(windows.shape[1])
    residuals = []
    for w in (1.0, 1.1):
        basis = np.column_stack([np.sin(w * t), np.cos(w * t)])
        coefficients, *_ = np.linalg.lstsq(basis, windows.T, rcond=None)
        residuals.append(((windows.T - basis @ coefficients) ** 2).sum(axis=0))
    return (residuals[1] < residuals[0]).astype(int)

exercises.matched_filter.check(my_matched_filter)
''')


# --- 3. the AUC by hand ----------------------------------------------------------------------

def _auc_cases():
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 2, 200)
    scores = np.round(rng.normal(labels * 0.8, 1.0), 1)  # rounded, so there are ties
    return [([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], "[0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]"),
            ([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1], "[0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1]"),
            (scores, labels, "200 random scores with ties, and labels")]


def _pair_shares(scores, labels):
    """Shares of (class-1, class-0) pairs in which class 1 scores higher, and in which they tie."""
    positive, negative = scores[labels == 1][:, None], scores[labels == 0][None, :]
    return float((positive > negative).mean()), float((positive == negative).mean())


def _check_auc_by_hand(function):
    for scores, labels, shown in _auc_cases():
        call = f"my_auc({shown})"
        result = call_student_function(function, call, np.array(scores), np.array(labels),
                                       returns="a number between 0 and 1")
        value = as_number(result, f"{call}'s result")
        expected = roc_auc(scores, labels)
        if abs(value - expected) <= 1e-9:
            continue
        if abs(value - (1 - expected)) <= 1e-9:
            raise Incorrect(f"{call} returned {value:g}, which is 1 - AUC: you counted class-0 "
                            f"windows scoring above class-1 windows. Flip the comparison.")
        above, tied = _pair_shares(np.asarray(scores), np.asarray(labels))
        if tied and min(abs(value - above), abs(value - above - tied)) <= 1e-9:
            counted = "nothing" if abs(value - above) <= 1e-9 else "a whole win"
            raise Incorrect(f"{call} returned {value:g}; the AUC is {expected:g}. You counted a tie between a class-1 "
                            f"and a class-0 score as {counted}; a tie counts half.")
        raise Incorrect(f"{call} returned {value:g}; the AUC is {expected:g}. Compare every class-1 score with every "
                        "class-0 score and average: 1 if higher, 1/2 if equal, 0 if lower.")
    return ("your AUC matches lessonlib.roc_auc on all three cases, ties included: it is the "
            "chance that a random class-1 window outscores a random class-0 one.")


auc_by_hand = Exercise(
    "auc_by_hand", _check_auc_by_hand,
    hint="Split the scores into class 1 and class 0. Broadcasting positive[:, None] against negative[None, :] compares "
         "every pair at once; the mean of the comparisons is the share of pairs in which class 1 wins.",
    solution='''
def my_auc(scores, labels):
    """Chance that a random class-1 window outscores a random class-0 one; ties count half."""
    scores, labels = np.asarray(scores), np.asarray(labels)
    positive, negative = scores[labels == 1], scores[labels == 0]
    above = (positive[:, None] > negative[None, :]).mean()
    tied = (positive[:, None] == negative[None, :]).mean()
    return above + tied / 2

exercises.auc_by_hand.check(my_auc)
''')


# --- 4. a GRU within 5 points of the matched filter ------------------------------------------

def _probabilities(model, layer, x, what):
    """The student's classifier's outputs on ``x``, checked to be one probability per window."""
    outputs = as_array(recurrent_model_outputs(model, layer, x), (len(x),), what)
    if outputs.min() < 0 or outputs.max() > 1:
        raise Incorrect(f"your model's outputs run from {outputs.min():.3g} to {outputs.max():.3g}: they are not "
                        "probabilities. End it with keras.layers.Dense(1, activation=\"sigmoid\").")
    return outputs


def _within(mine, best, goal, network, where, yardstick, fix):
    """``best - mine``, if at most ``goal``; else :class:`Incorrect` saying how many points it is and ``fix``."""
    gap = best - mine
    if gap > goal:
        raise Incorrect(f"{network} scores {mine:.1%}{where}, {gap * 100:.1f} points below {yardstick}'s "
                        f"{best:.1%}; the goal is at most {goal * 100:.0f}. {fix}")
    return gap


def _check_gru_classifier(model, *, seed=0):
    seed = check_int("seed", seed, low=0)
    _, x_test, _, y_test = _lesson_windows(seed)
    outputs = _probabilities(model, "GRU", x_test, "your model's outputs on x_test")
    mine = accuracy(outputs > 0.5, y_test)
    yardstick = accuracy(matched_filter_classify(x_test, frequencies=FREQUENCIES, step=STEP).labels, y_test)
    gap = _within(mine, yardstick, TARGET_GAP, "your GRU", "", "the matched filter",
                  "Section 5's final recipe, with a GRU in place of the LSTM, gets there.")
    return (f"your GRU scores {mine:.1%} on the test windows, {abs(gap) * 100:.1f} points "
            f"{'below' if gap > 0 else 'above'} the matched filter's {yardstick:.1%}.")


gru_classifier = Exercise(
    "gru_classifier", _check_gru_classifier,
    hint="Take section 5's final model and replace keras.layers.LSTM(32) by keras.layers.GRU(32); keep the rest of its "
         "recipe: PER_STEP values per step, Adam on the cosine schedule from 0.01, trained on "
         "(lessonlib.stack_steps(x_long, PER_STEP), y_long) in batches of 512 for 2 epochs. Pass the trained model to "
         "the check (seed=SEED): it predicts x_test itself, regrouped like your inputs.",
    solution='''
keras.utils.set_random_seed(SEED)
gru = keras.Sequential([
    keras.Input(shape=(WINDOW // PER_STEP, PER_STEP)),  # PER_STEP values per step, as in section 5
    keras.layers.GRU(32),
    keras.layers.Dense(1, activation="sigmoid"),
])
steps = 2 * int(np.ceil(len(x_long) / 512))  # two epochs of batches of 512
gru.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(0.01, steps, alpha=0.05)),
            loss="binary_crossentropy")
gru.fit(lessonlib.stack_steps(x_long, PER_STEP), y_long, batch_size=512, epochs=2, verbose=0)
exercises.gru_classifier.check(gru, seed=SEED)
''')


# --- 5. a bidirectional LSTM ----------------------------------------------------------------------

@functools.lru_cache(maxsize=2)
def _fresh_windows(seed):
    """Section 6's 10,000 fresh windows for ``seed`` and the Bayes classifier's labels on them."""
    fresh = two_sine_windows(N_FRESH, window=WINDOW, step=STEP, noise=NOISE, seed=seed)
    return fresh, classify_bayes(fresh.x, step=STEP, noise=NOISE) > 0.5


def _check_bidirectional(model, *, seed=0):
    seed = check_int("seed", seed, low=0)
    fresh, bayes = _fresh_windows(seed)
    outputs = _probabilities(model, "Bidirectional", fresh.x, "your model's outputs on the fresh windows")
    mine, best = accuracy(outputs > 0.5, fresh.labels), accuracy(bayes, fresh.labels)
    gap = _within(mine, best, BIDIRECTIONAL_GAP, "your bidirectional network", f" on {N_FRESH:,} fresh windows",
                  "the Bayes classifier", "Section 5's final recipe, with the LSTM wrapped, gets there.")
    return (f"your bidirectional network scores {mine:.1%} on {N_FRESH:,} fresh windows, {gap * 100:.1f} points "
            f"below the Bayes classifier's {best:.1%}. Compare it with section 6's final LSTM, and its "
            f"training time with that LSTM's.")


bidirectional = Exercise(
    "bidirectional", _check_bidirectional,
    hint="Take section 5's final model and wrap its recurrent layer: "
         "keras.layers.Bidirectional(keras.layers.LSTM(32)); keep the rest of its recipe (PER_STEP values per step, "
         "Adam on the cosine schedule from 0.01, (lessonlib.stack_steps(x_long, PER_STEP), y_long) in batches of 512 "
         "for 2 epochs). Pass the trained model to the check (seed=SEED): it predicts section 6's fresh windows "
         "itself.",
    solution='''
keras.utils.set_random_seed(SEED)
both_ways = keras.Sequential([
    keras.Input(shape=(WINDOW // PER_STEP, PER_STEP)),
    keras.layers.Bidirectional(keras.layers.LSTM(32)),  # one LSTM forwards, one backwards, states joined
    keras.layers.Dense(1, activation="sigmoid"),
])
steps = 2 * int(np.ceil(len(x_long) / 512))  # two epochs of batches of 512
both_ways.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(0.01, steps, alpha=0.05)),
                  loss="binary_crossentropy")
fit = lessonlib.fit_quietly(both_ways, lessonlib.stack_steps(x_long, PER_STEP), y_long, batch_size=512, epochs=2)
print(f"trained in {fit.seconds:.1f} s")
exercises.bidirectional.check(both_ways, seed=SEED)
''')

EXERCISES = (chance_level, matched_filter, auc_by_hand, gru_classifier, bidirectional)
