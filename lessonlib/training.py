"""Quiet, timed training: no progress bars in the output, and the seconds each fit took.

Keras's progress bars print timings ("12ms/step") that change on every run, which a notebook test
cannot compare. The lessons train with ``fit_quietly`` instead: ``model.fit`` with ``verbose=0``,
timed, so their tables can show the cost of each model without timing code in every cell.
"""

from __future__ import annotations

import time
from typing import NamedTuple

from ._validation import check_bool, check_int, check_same_length, check_sequences, check_series


class FitResult(NamedTuple):
    """A trained model, its per-epoch training losses, and the seconds ``fit`` took."""

    model: object
    losses: list
    seconds: float


def fit_quietly(model, x_train, y_train, *, epochs, batch_size=32, shuffle=True, callbacks=None):
    """Train a compiled Keras ``model`` without printing, and time it: ``model.fit(..., verbose=0)``.

    The lessons use it for every network they train, and the explorers for theirs, so that each
    score table can show how long training took.

    Parameters
    ----------
    model : keras.Model
        Compiled, with an input of shape ``(steps, features)``.
    x_train : array of shape (n, steps, features), or (n, steps) for one feature per step
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
        ``(model, losses, seconds)``: the model itself (trained in place), the training loss after
        each epoch, and the wall-clock seconds ``model.fit`` took.

    Raises
    ------
    ValueError, TypeError
        For windows and targets of different lengths or not finite, ``epochs`` or ``batch_size``
        out of range, or a ``shuffle`` that is not True or False.
    """
    x_train = check_sequences("x_train", x_train)
    y_train = check_series("y_train", y_train, min_length=1)
    check_same_length("x_train", x_train, "y_train", y_train)
    epochs = check_int("epochs", epochs, low=1, high=1000)
    batch_size = check_int("batch_size", batch_size, low=1, high=100_000)
    shuffle = check_bool("shuffle", shuffle)
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                        shuffle=shuffle, verbose=0, callbacks=callbacks)
    seconds = time.perf_counter() - start
    return FitResult(model, [float(v) for v in history.history["loss"]], seconds)

