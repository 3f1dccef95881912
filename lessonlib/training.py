"""Seeded, quiet, timed training: the same numbers on every run, and no progress bars in the output.

Keras's progress bars print timings ("12ms/step") that change on every run, which a notebook test
cannot compare; these helpers train with ``verbose=0`` and return what a lesson wants to show.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from ._validation import check_int, check_same_length, check_series, check_windows
from .models import build_rnn


class FitResult(NamedTuple):
    """A trained model, its per-epoch training losses, and the seconds ``fit`` took."""

    model: object
    losses: list
    seconds: float


def fit_quietly(model, x_train, y_train, *, epochs, batch_size=32, shuffle=True, callbacks=None):
    """Train a compiled Keras ``model`` without printing, and time it.

    Parameters
    ----------
    model : keras.Model
        Compiled, with an input of shape ``(window, 1)``.
    x_train : array of shape (n, window, 1) or (n, window)
    y_train : array of shape (n,)
    epochs : int
        Passes over the training windows, 1 to 1000.
    batch_size : int, default 32
        Windows per gradient step, 1 to 100000.
    shuffle : bool, default True
        Shuffle the windows before each epoch (Keras's default). The original lesson relied on it.
    callbacks : list of keras.callbacks.Callback, optional
        Passed to ``model.fit``, e.g. to report progress after each epoch (the explorers do).

    Returns
    -------
    FitResult
        ``(model, losses, seconds)``.
    """
    x_train = check_windows("x_train", x_train)[:, :, None]
    y_train = check_series("y_train", y_train, min_length=1)
    check_same_length("x_train", x_train, "y_train", y_train)
    epochs = check_int("epochs", epochs, low=1, high=1000)
    batch_size = check_int("batch_size", batch_size, low=1, high=100_000)
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                        shuffle=bool(shuffle), verbose=0, callbacks=callbacks)
    seconds = time.perf_counter() - start
    return FitResult(model, [float(v) for v in history.history["loss"]], seconds)


def train_rnn(cell, x_train, y_train, *, units=32, layers=1, head="linear", epochs=12,
              batch_size=512, learning_rate=0.005, optimizer="adam", seed=0):
    """Seed everything, build ``build_rnn(cell, ...)`` for these windows, and train it quietly.

    The defaults are lesson 1's improved recipe: one recurrent layer of 32 units, Adam with a
    learning rate of 0.005, batches of 512 windows, 12 epochs. See ``build_rnn`` and
    ``fit_quietly`` for the arguments.

    Returns
    -------
    FitResult
    """
    import keras

    x_train = check_windows("x_train", x_train)
    seed = check_int("seed", seed, low=0)
    keras.utils.set_random_seed(seed)
    model = build_rnn(cell, window=x_train.shape[1], units=units, layers=layers, head=head,
                      learning_rate=learning_rate, optimizer=optimizer)
    return fit_quietly(model, x_train, y_train, epochs=epochs, batch_size=batch_size)


def predict_quietly(model, windows):
    """The model's predictions for ``windows`` as a flat float array (one number per window)."""
    windows = check_windows("windows", windows)[:, :, None]
    return np.asarray(model.predict(windows, verbose=0), dtype=float).reshape(len(windows), -1)[:, 0]
