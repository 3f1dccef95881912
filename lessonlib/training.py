"""Training Keras networks: quietly and timed for the lessons, live and stoppable for the explorers.

Keras's progress bars print timings ("12ms/step") that change on every run, which a notebook test
cannot compare; ``fit_quietly`` trains without them and times the run, so the lessons' tables can show
each model's cost without timing code in every cell. Keras is imported inside the functions.
"""

from __future__ import annotations

import time
from typing import NamedTuple

from ._validation import check_callback, check_int, check_same_length, check_sequences, check_series


class FitResult(NamedTuple):
    """A trained model and the seconds ``fit`` took."""

    model: object
    seconds: float


def fit_quietly(model, x_train, y_train, *, epochs, batch_size=32):
    """Train a compiled Keras ``model`` without printing, and time it: ``model.fit(..., verbose=0)``.

    ``x_train`` has shape (n, steps, features), or (n, steps) for one feature per step, and ``y_train``
    shape (n,). Each of the ``epochs`` (1 to 1000) passes over the training windows shuffles them first
    (Keras's default, which the original lesson relied on); ``batch_size`` is 1 to 100000. Returns a
    ``FitResult``: the model itself (trained in place) and the wall-clock seconds ``model.fit`` took.
    """
    x_train = check_sequences("x_train", x_train)
    y_train = check_series("y_train", y_train, min_length=1)
    check_same_length("x_train", x_train, "y_train", y_train)
    epochs = check_int("epochs", epochs, low=1, high=1000)
    batch_size = check_int("batch_size", batch_size, low=1, high=100_000)
    start = time.perf_counter()
    model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0)
    return FitResult(model, time.perf_counter() - start)


class LiveFit(NamedTuple):
    """How a ``fit_live`` run went.

    ``epochs`` counts the epochs trained and scored (not a stopped partial one); ``best_epoch`` is the
    epoch whose weights the model holds at the end (0: the untrained weights); ``ended`` is
    ``"converged"`` (no better validation loss for ``patience`` epochs), ``"budget"`` (all epochs
    ran) or ``"stopped"`` (``should_stop()`` returned True); ``seconds`` is the wall-clock time.
    """

    epochs: int
    best_epoch: int
    ended: str
    seconds: float


def fit_live(model, x, y, *, evaluate, epochs, batch_size, patience, steps_per_epoch=None, should_stop=None,
             on_batch=None):
    """Train a compiled ``model`` in place with Keras's ``fit``, stoppable after any batch, for the explorers.

    One callback reports every batch and epoch, stops when asked or when the validation loss stops
    improving, and leaves the model with the best epoch's weights; a ``LiveFit`` says how the run went.

    Parameters
    ----------
    x, y : arrays
        Training inputs and targets, as ``model.fit`` takes them, read in their order (not shuffled:
        the caller shuffles, with a generator of its own, so that no global random state moves).
    evaluate : callable or None
        ``evaluate(epoch)`` returns the validation loss (lower is better). It is called with 0
        before training and with ``epoch`` after each whole epoch, and is the place to score and
        report the network. A stopped epoch is not evaluated: Stop should end a run at once. None:
        nothing is scored, so nothing stops early: the run spends its budget (unless stopped) and the
        model keeps its last weights (``best_epoch`` is the last epoch).
    epochs : int
        The budget: at most this many epochs.
    patience : int
        Stop once this many epochs in a row bring no lower validation loss.
    steps_per_epoch : int, optional
        Batches per epoch; by default one pass over ``(x, y)``. With fewer, an epoch is a part of a
        pass and the next one carries on where it ended (Keras's ``steps_per_epoch``).
    should_stop : callable, optional
        Asked after every batch, and once before training: ``True`` ends the run; the partial epoch
        under way is dropped from the count (its training stays in the weights unless an earlier
        epoch was better).
    on_batch : callable, optional
        Called as ``on_batch(epoch, batch, batches, loss)`` after every batch: the epoch under
        way (from 1), the batches done in it, the batches per epoch, the mean training loss so far
        in this epoch.

    Raises
    ------
    Exception
        Whatever ``evaluate``, ``should_stop`` or ``on_batch`` raise ends the run and propagates.
    """
    epochs = check_int("epochs", epochs, low=1, high=10_000)
    batch_size = check_int("batch_size", batch_size, low=1, high=100_000)
    patience = check_int("patience", patience, low=1)
    if steps_per_epoch is not None:
        steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch, low=1)
    check_callback("evaluate", evaluate, arguments="(epoch)")
    should_stop = check_callback("should_stop", should_stop, arguments="()") or (lambda: False)
    check_callback("on_batch", on_batch, arguments="(epoch, batch, batches, loss)")
    start = time.perf_counter()
    watch = _Watch(model, evaluate, patience, should_stop, on_batch,
                   batches=steps_per_epoch or -(-len(x) // batch_size))
    watch.score(0)
    if should_stop():
        watch.stopped = True
    else:
        model.fit(x, y, epochs=epochs, batch_size=batch_size, steps_per_epoch=steps_per_epoch, shuffle=False,
                  verbose=0, callbacks=[watch.callback()])
    if watch.best_weights is not None:  # else the model holds the weights it ends with
        model.set_weights(watch.best_weights)
    ended = "stopped" if watch.stopped else "converged" if watch.converged else "budget"
    return LiveFit(watch.epoch, watch.best_epoch, ended, time.perf_counter() - start)


class _Watch:
    """The state ``fit_live``'s callback keeps: epochs done, best weights, why it stopped."""

    def __init__(self, model, evaluate, patience, should_stop, on_batch, batches):
        self.model, self.evaluate, self.patience = model, evaluate, patience
        self.should_stop, self.on_batch, self.batches = should_stop, on_batch, batches
        self.epoch, self.best_epoch, self.best_loss, self.best_weights = 0, 0, None, None
        self.stopped = self.converged = False

    def score(self, epoch):
        """Evaluate after ``epoch`` epochs; keep the weights if they are the best so far."""
        self.epoch = epoch
        if self.evaluate is None:  # no validation loss: the latest weights are the ones kept
            self.best_epoch = epoch
            return False
        loss = float(self.evaluate(epoch))
        if self.best_loss is None or loss < self.best_loss:
            self.best_epoch, self.best_loss = epoch, loss
            self.best_weights = self.model.get_weights()
        self.converged = epoch - self.best_epoch >= self.patience
        return self.converged

    def callback(self):
        import keras

        watch = self

        class _Callback(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                if watch.on_batch is not None:
                    watch.on_batch(watch.epoch + 1, batch + 1, watch.batches, float(logs["loss"]))
                if watch.should_stop():
                    watch.stopped = self.model.stop_training = True

            def on_epoch_end(self, epoch, logs=None):
                if not watch.stopped and watch.score(epoch + 1):  # a stopped epoch is not scored
                    self.model.stop_training = True

        return _Callback()
