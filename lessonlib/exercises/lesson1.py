"""Exercises for lesson 1 (forecasting): windowing, a leaky split, the noise floor, a GRU against the
linear autoregression trained on the same windows."""

from __future__ import annotations

import functools

import numpy as np

from .._validation import check_int
from ..classical import forecast_linear_ar, forecast_wiener
from ..lessons.forecasting import HISTORY, N_POINTS, NOISE, T_MAX, WINDOW
from ..metrics import mse
from ..signals import STEP, noisy_sine
from ..windows import split_and_windowize
from ._core import Exercise, Incorrect, as_array, as_number, call_student_function, recurrent_model_outputs

TRAIN_SHARE = 0.7    # the naive split of exercise 2


@functools.lru_cache(maxsize=4)
def _lesson_split(seed):
    """The lesson's chronological split for ``seed``, and the clean test targets (built on first use)."""
    series = noisy_sine(N_POINTS, t_max=T_MAX, noise=NOISE, seed=seed)
    x_train, x_test, y_train, y_test = split_and_windowize(series.noisy, WINDOW)
    *_, y_test_clean = split_and_windowize(series.clean, WINDOW)
    return x_train, x_test, y_train, y_test, y_test_clean


@functools.lru_cache(maxsize=4)
def _lesson_long_windows(seed):
    """Section 10's training windows for ``seed``: the series with HISTORY points of history, cut at
    the same place (the networks' training windows, which the linear autoregression is fitted on too)."""
    longer = noisy_sine(N_POINTS, t_max=T_MAX, noise=NOISE, seed=seed, n_history=HISTORY)
    x_long, _, y_long, _ = split_and_windowize(longer.noisy, WINDOW, n_history=HISTORY)
    return x_long, y_long


# --- 1. windows that look further ahead ------------------------------------------------------

_WINDOW_CASES = [(12, 3, 2), (10, 4, 1), (30, 7, 5)]  # (len(series), window, horizon)


def _check_windowize_ahead(function):
    for length, window, horizon in _WINDOW_CASES:
        call = f"windowize_ahead(np.arange({length}.0), window={window}, horizon={horizon})"
        result = call_student_function(function, call, np.arange(float(length)), window, horizon,
                                       returns="the pair (X, y)")
        _check_one_windowing(result, call, length, window, horizon)
    return ("X and y are right in all three test cases: for np.arange(12.0), window=3 and "
            "horizon=2, the first window [0, 1, 2] is paired with 4.0, and the last, [5, 6, 7], "
            "with 9.0. With horizon=1 this is the lesson's windowize.")


def _check_one_windowing(result, call, length, window, horizon):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Incorrect(f"{call} should return a pair (X, y); it returned {type(result).__name__}.")
    X, y = np.asarray(result[0], dtype=float), np.asarray(result[1], dtype=float)
    n = length - window - horizon + 1
    if X.ndim == 2 and X.shape[1] == window:
        raise Incorrect(f"{call}: X has shape {X.shape}, but Keras's recurrent layers want (windows, time steps, "
                        f"features) = ({n}, {window}, 1). Add the last axis with X[:, :, None].")
    if X.ndim != 3 or X.shape[1:] != (window, 1):
        raise Incorrect(f"{call}: X should have shape ({n}, {window}, 1); yours has {X.shape}.")
    if X.shape[0] != n:
        raise Incorrect(f"{call} made {X.shape[0]} windows, but only {n} have a target: the value "
                        f"{horizon} step(s) after a window must exist, so there are len(series) - "
                        f"window - horizon + 1 = {length} - {window} - {horizon} + 1 = {n}.")
    series = np.arange(float(length))
    for i in range(n):
        if not np.array_equal(X[i, :, 0], series[i:i + window]):
            raise Incorrect(f"{call}: X[{i}, :, 0] should be series[{i} : {i + window}] = "
                            f"{series[i:i + window].tolist()}; yours is {X[i, :, 0].tolist()}.")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (n,):
        raise Incorrect(f"{call}: y should have shape ({n},), one target per window; yours has {y.shape}.")
    expected = series[window + horizon - 1:]
    if not np.array_equal(y, expected):
        steps = y[0] - (window - 1)  # the series is np.arange, so values are indices
        raise Incorrect(f"{call}: y[0] should be {expected[0]}, the value {horizon} step(s) after the first window, "
                        f"which ends at {window - 1.0}; yours is {y[0]}, {steps:g} step(s) after it.")


windowize_ahead = Exercise(
    "windowize_ahead", _check_windowize_ahead,
    hint="Start from the lesson's windowize (section 4). Window i still covers series[i : i + window], but its target "
         "is now at index i + window + horizon - 1, and only the windows whose target exists count. Try your function "
         "on np.arange(12.0) and print X[:, :, 0] and y.",
    solution='''
def windowize_ahead(series, window, horizon):
    """X[i] = series[i : i + window]; y[i] = the value `horizon` steps after that window."""
    series = np.asarray(series, dtype=float)
    n_windows = len(series) - window - horizon + 1  # each window needs its target
    starts = np.arange(n_windows)[:, None]
    X = series[starts + np.arange(window)]
    y = series[window + horizon - 1:]
    return X[:, :, None], y

exercises.windowize_ahead.check(windowize_ahead)
''')


# --- 2. how many test windows a naive split leaks into -----------------------------------------

def _naive_split():
    """Windows of the whole series, first 70 % for training: (n_windows, n_train, leaking)."""
    n_windows = N_POINTS - WINDOW
    n_train = int(TRAIN_SHARE * n_windows)
    train_targets = set(range(WINDOW, n_train + WINDOW))  # window i's target is value i + WINDOW
    leaking = sum(1 for j in range(n_train, n_windows) if train_targets.intersection(range(j, j + WINDOW)))
    return n_windows, n_train, leaking


def _check_leaky_split(answer):
    value = as_number(answer, "the number of leaking test windows")
    n_windows, n_train, leaking = _naive_split()
    last_target = n_train - 1 + WINDOW
    if value != int(value) or value < 0:
        raise Incorrect(f"a number of windows is a whole number, 0 or more; you gave {answer}.")
    if value == leaking:
        return (f"test windows {n_train} to {n_train + leaking - 1} all include value {last_target}, the target of the "
                "last training window, and the earlier ones more training targets besides. A model scored on them is "
                f"partly scored on what it was trained on. split_and_windowize avoids this by dropping the {WINDOW} "
                "targets just after its cut.")
    if value == 0:
        raise Incorrect(f"0 would mean the split is clean, but test window {n_train} covers values "
                        f"{n_train} to {n_train + WINDOW - 1}, and value {last_target} was the "
                        f"target of training window {n_train - 1}.")
    if value == n_windows - n_train:
        raise Incorrect(f"not all {value:g} test windows leak: test window {last_target + 1} "
                        f"covers values {last_target + 1} to {last_target + WINDOW}, all after the "
                        f"last training target ({last_target}).")
    if abs(value - leaking) == 1:
        raise Incorrect(f"off by one: count the test windows j >= {n_train} whose first value j "
                        f"is at most {last_target}, the last training target.")
    raise Incorrect(f"{value:g} is off by {value - leaking:+g}. Window i covers values i to i + {WINDOW - 1} and its "
                    f"target is value i + {WINDOW}; the last training window is {n_train - 1}.")


leaky_split = Exercise(
    "leaky_split", _check_leaky_split,
    hint=f"Number the values 0 to {N_POINTS - 1}. Window i covers values i to i + {WINDOW - 1} and "
         f"its target is value i + {WINDOW}. Which values were training targets? Then count the "
         f"test windows whose inputs include at least one of them.",
    solution='''
n_windows = 500 - WINDOW                                    # 450 windows of the whole series
n_train = int(0.7 * n_windows)                              # 315 training windows
train_targets = set(range(WINDOW, n_train + WINDOW))        # window i's target is value i + WINDOW
leaking_windows = sum(1 for j in range(n_train, n_windows)  # test window j covers j .. j + WINDOW - 1
                      if train_targets.intersection(range(j, j + WINDOW)))
exercises.leaky_split.check(leaking_windows)
''')


# --- 3. the noise floor ----------------------------------------------------------------------

def _check_noise_floor(answer, *, seed=0):
    value = as_number(answer, "the expected MSE")
    seed = check_int("seed", seed, low=0)
    expected = NOISE ** 2
    *_, y_test, y_test_clean = _lesson_split(seed)
    measured = mse(y_test_clean, y_test)
    if abs(value - expected) <= 1e-3:
        return (f"the noise's variance, {NOISE}\u00b2 = {expected}. Against noisy targets no "
                f"forecast does better on average; the lesson's table measured {measured:.4f} on "
                f"its {len(y_test)} test targets, one draw around that average.")
    if abs(value - NOISE) <= 1e-3:
        raise Incorrect(f"{NOISE} is the noise's standard deviation. MSE averages *squared* "
                        f"errors, so its unit is the square of the signal's.")
    if value == 0:
        raise Incorrect("0 is the perfect forecast's MSE against the clean signal. Against the "
                        "noisy targets it is off by the noise at every step.")
    if abs(value - measured) <= 0.05:
        raise Incorrect(f"close: {value:g} is like the table's {measured:.4f}, a value measured on "
                        f"{len(y_test)} targets. The average over many noise draws follows from "
                        f"the noise level ({NOISE}) alone.")
    raise Incorrect(f"{value:g} is {value / expected:.2g}x the right value. The perfect forecast's "
                    f"error at each step is exactly the noise added there.")


noise_floor = Exercise(
    "noise_floor", _check_noise_floor,
    hint="The perfect forecast is the clean signal, so its error at each step is exactly the noise drawn there, a "
         "Gaussian with mean 0 and standard deviation 0.5. What is the mean of the square of such a number?",
    solution='''
noise_floor = 0.5 ** 2  # E[noise**2] = variance = standard deviation squared
exercises.noise_floor.check(noise_floor)
''')


# --- 4. a GRU that beats the linear autoregression on the same windows --------------------------

def _check_gru_forecast(model, *, seed=0):
    seed = check_int("seed", seed, low=0)
    _, x_test, _, y_test, y_test_clean = _lesson_split(seed)
    x_long, y_long = _lesson_long_windows(seed)
    predictions = as_array(recurrent_model_outputs(model, "GRU", x_test), (len(y_test),),
                            "your model's predictions on x_test")
    linear = mse(forecast_linear_ar(x_long, y_long, x_test), y_test_clean)
    best_linear = mse(forecast_wiener(x_test, frequency=1.0, step=STEP, noise=NOISE), y_test_clean)
    error = mse(predictions, y_test_clean)
    if error >= linear:
        raise Incorrect(f"your GRU's MSE against the clean signal is {error:.4f}, "
                        f"{error / linear:.2f}x the linear autoregression's {linear:.4f}, fitted on the "
                        f"{len(x_long):,} windows of section 10 (x_long, y_long). Section 10's recipe, with a "
                        f"GRU in place of the LSTM, trained on those windows, gets there.")
    beyond = ("below it too: your GRU has learnt something no weighted sum of the window can, that the amplitude "
              "is always 1" if error < best_linear else "not below that one: section 11's 10,000 fresh windows, "
              "not these overlapping ones, would tell whether it learnt more than a linear forecast can")
    return (f"your GRU's MSE against the clean signal is {error:.4f}, {error / linear:.2f}x that of the linear "
            f"autoregression ({linear:.4f}) fitted on the same {len(x_long):,} windows, and "
            f"{error / best_linear:.2f}x the best linear forecast's ({best_linear:.4f}): {beyond}. These are the "
            f"lesson's {len(y_test)} test windows.")


gru_forecast = Exercise(
    "gru_forecast", _check_gru_forecast,
    hint="The bar is the linear autoregression fitted on section 10's windows, the ones your GRU trains on. "
         "Write section 10's improved_rnn again with keras.layers.GRU(32) and keep its recipe: "
         "PER_STEP values per step, Adam on the cosine schedule from 0.01 with clipnorm=1.0, trained on "
         "(x_long_steps, y_long) in batches of BATCH for EPOCHS epochs. Pass the trained model to "
         "the check (seed=SEED): it predicts x_test itself, regrouped like your inputs.",
    solution='''
steps = EPOCHS * int(np.ceil(len(x_long) / BATCH))
learning_rate = keras.optimizers.schedules.CosineDecay(0.01, decay_steps=steps, alpha=0.05)
keras.utils.set_random_seed(SEED)
gru = keras.Sequential([
    keras.Input(shape=(WINDOW // PER_STEP, PER_STEP)),  # PER_STEP values per step, as in section 10
    keras.layers.GRU(32),
    keras.layers.Dense(1),
])
gru.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=1.0), loss="mse")
gru.fit(x_long_steps, y_long, batch_size=BATCH, epochs=EPOCHS, verbose=0)
exercises.gru_forecast.check(gru, seed=SEED)
''')

EXERCISES = (windowize_ahead, leaky_split, noise_floor, gru_forecast)
