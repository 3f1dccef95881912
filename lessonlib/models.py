"""The Keras builder of the explorers: one recurrent layer (SimpleRNN, LSTM or GRU) and a Dense head.

Keras is imported inside the function, so ``import lessonlib`` stays fast and works without a
deep-learning backend loaded. The lessons write their models out in full, since that is what they
teach; this builder is for the explorers, where one recipe is built for any cell type.
"""

from __future__ import annotations

from ._validation import check_bool, check_choice, check_divisor, check_float, check_int

CELL_TYPES = ("SimpleRNN", "LSTM", "GRU")
HEADS = ("linear", "sigmoid")


def build_rnn(cell="LSTM", *, window, units=32, head="linear", learning_rate=None, decay_steps=None,
              clipnorm=None, pooling=False, per_step=1):
    """A ``keras.Sequential`` compiled with Adam: one recurrent layer of ``cell`` and a Dense(1) head.

    The recurrent layer returns only its final state, which the Dense head turns into one number
    (with ``pooling``, the average of its states over all steps instead).

    Parameters
    ----------
    cell : {'SimpleRNN', 'LSTM', 'GRU'}, default 'LSTM'
    window : int
        Values per input window (at least 1).
    units : int, default 32
        Size of the recurrent layer's state, 1 to 1024.
    head : {'linear', 'sigmoid'}, default 'linear'
        'linear' regresses a number (loss: mean squared error); 'sigmoid' outputs a probability for
        binary classification (loss: binary cross-entropy).
    learning_rate : float, optional
        Adam's learning rate, in (0, 1]; Keras's default (0.001) when None.
    decay_steps : int, optional
        If given, the learning rate decays along a cosine to 0 over this many gradient steps
        (``keras.optimizers.schedules.CosineDecay``); constant when None.
    clipnorm : float, optional
        If given, each gradient step is clipped to this norm (a guard against exploding gradients).
    pooling : bool, default False
        Average the recurrent layer's states over all time steps instead of using its last one.
    per_step : int, default 1
        Values read at each step: the input has shape ``(window // per_step, per_step)``, as
        ``stack_steps(windows, per_step)`` makes; it must divide ``window``.

    Returns
    -------
    keras.Model

    Raises
    ------
    ValueError, TypeError
        For an unknown ``cell`` or ``head``, a size, ``learning_rate``, ``decay_steps`` or ``clipnorm``
        out of range, or a ``per_step`` that does not divide ``window`` (the message lists those that do).
    """
    cell = check_choice("cell", cell, CELL_TYPES)
    window = check_int("window", window, low=1)
    units = check_int("units", units, low=1, high=1024)
    head = check_choice("head", head, HEADS)
    if learning_rate is not None:
        learning_rate = check_float("learning_rate", learning_rate, low=0, high=1, low_open=True)
    if decay_steps is not None:
        decay_steps = check_int("decay_steps", decay_steps, low=1)
    if clipnorm is not None:
        clipnorm = check_float("clipnorm", clipnorm, low=0, low_open=True)
    pooling = check_bool("pooling", pooling)
    per_step = check_divisor("per_step", per_step, window)
    return _build_rnn(cell, (window // per_step, per_step), units, head, learning_rate, decay_steps, clipnorm,
                      pooling)


def _build_rnn(cell, input_shape, units, head, learning_rate, decay_steps, clipnorm, pooling):
    import keras

    recurrent = getattr(keras.layers, cell)(units, return_sequences=pooling)
    model = keras.Sequential([keras.Input(shape=input_shape), recurrent], name=cell)
    if pooling:
        model.add(keras.layers.GlobalAveragePooling1D())
    model.add(keras.layers.Dense(1, activation=head))
    learning_rate = 0.001 if learning_rate is None else learning_rate  # Keras's default for Adam
    if decay_steps is not None:
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=clipnorm),
                  loss="binary_crossentropy" if head == "sigmoid" else "mse")
    return model
