"""Keras builders for stacks of recurrent layers (SimpleRNN, LSTM, GRU) with one output.

Keras is imported inside the functions, so ``import lessonlib`` stays fast and works without a
deep-learning backend loaded. The lessons write their models out in full, since that is what they
teach; this builder is for the explorers, where one recipe is built for any cell type.
"""

from __future__ import annotations

from ._validation import check_bool, check_choice, check_float, check_int

CELL_TYPES = ("SimpleRNN", "LSTM", "GRU")
HEADS = ("linear", "sigmoid")


def build_rnn(cell="LSTM", *, window, units=32, layers=1, head="linear", learning_rate=None,
              optimizer="adam", decay_steps=None, clipnorm=None, pooling=False):
    """A compiled ``keras.Sequential``: ``layers`` recurrent layers of ``cell`` and a Dense(1) head.

    Every recurrent layer but the last returns its whole sequence (``return_sequences=True``), so
    the next layer gets one input per time step; the last returns only its final state, which the
    Dense head turns into one number.

    Parameters
    ----------
    cell : {'SimpleRNN', 'LSTM', 'GRU'}, default 'LSTM'
    window : int
        Time steps per input sequence (at least 1). Each step carries one feature.
    units : int, default 32
        Size of each recurrent layer's state, 1 to 1024.
    layers : int, default 1
        Number of stacked recurrent layers, 1 to 8.
    head : {'linear', 'sigmoid'}, default 'linear'
        'linear' regresses a number (loss: mean squared error); 'sigmoid' outputs a probability for
        binary classification (loss: binary cross-entropy).
    learning_rate : float, optional
        Passed to the optimizer; its Keras default when None.
    optimizer : {'adam', 'rmsprop'}, default 'adam'
        'rmsprop' is the original lesson's choice.
    decay_steps : int, optional
        If given, the learning rate decays along a cosine to 0 over this many gradient steps
        (``keras.optimizers.schedules.CosineDecay``); constant when None.
    clipnorm : float, optional
        If given, each gradient step is clipped to this norm (a guard against exploding gradients).
    pooling : bool, default False
        Average the last recurrent layer's states over all time steps instead of using its last one.

    Returns
    -------
    keras.Model

    Raises
    ------
    ValueError, TypeError
        For an unknown ``cell``, ``head`` or ``optimizer``, or a size, ``decay_steps`` or
        ``clipnorm`` out of range.
    """
    cell = check_choice("cell", cell, CELL_TYPES)
    window = check_int("window", window, low=1)
    units = check_int("units", units, low=1, high=1024)
    layers = check_int("layers", layers, low=1, high=8)
    head = check_choice("head", head, HEADS)
    optimizer = check_choice("optimizer", optimizer, ("adam", "rmsprop"))
    if learning_rate is not None:
        learning_rate = check_float("learning_rate", learning_rate, low=0, high=1, low_open=True)
    if decay_steps is not None:
        decay_steps = check_int("decay_steps", decay_steps, low=1)
    if clipnorm is not None:
        clipnorm = check_float("clipnorm", clipnorm, low=0, low_open=True)
    pooling = check_bool("pooling", pooling)
    return _build_rnn(cell, window, units, layers, head, learning_rate, optimizer, decay_steps, clipnorm, pooling)


def _build_rnn(cell, window, units, layers, head, learning_rate, optimizer, decay_steps, clipnorm, pooling):
    import keras

    recurrent = getattr(keras.layers, cell)
    model = keras.Sequential([keras.Input(shape=(window, 1))], name=f"{cell}x{layers}")
    for i in range(layers):
        model.add(recurrent(units, return_sequences=i < layers - 1 or pooling))
    if pooling:
        model.add(keras.layers.GlobalAveragePooling1D())
    model.add(keras.layers.Dense(1, activation=head))
    optimizer_class = keras.optimizers.Adam if optimizer == "adam" else keras.optimizers.RMSprop
    if decay_steps is not None:
        start = 0.001 if learning_rate is None else learning_rate  # Keras's default for Adam and RMSprop
        learning_rate = keras.optimizers.schedules.CosineDecay(start, decay_steps)
    options = {} if learning_rate is None else {"learning_rate": learning_rate}
    model.compile(optimizer=optimizer_class(**options, clipnorm=clipnorm),
                  loss="binary_crossentropy" if head == "sigmoid" else "mse")
    return model
