"""The Keras builder of the explorers: one recurrent layer (SimpleRNN, LSTM or GRU) and a Dense head.

The lessons write their models out in full, since that is what they teach; this builder is for the
explorers, where one recipe is built for any cell type. Keras is imported inside the function.
"""

from __future__ import annotations

from ._validation import check_bool, check_choice, check_divisor, check_float, check_int

CELL_TYPES = ("SimpleRNN", "LSTM", "GRU")
HEADS = ("linear", "sigmoid")


def build_rnn(cell="LSTM", *, window, units=32, head="linear", learning_rate=None, decay_steps=None,
              clipnorm=None, pooling=False, every_step=False, per_step=1, seed=None):
    """A ``keras.Sequential`` compiled with Adam: one recurrent layer of ``cell`` and a Dense(1) head.

    The recurrent layer (one of ``CELL_TYPES``, with a state of 1 to 1024 ``units``) returns only its
    final state, which the Dense head turns into one number (``every_step``: one after every step).

    Parameters
    ----------
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
    every_step : bool, default False
        Output a number after every step (``return_sequences=True``, the head applied to each state):
        the output has shape ``(n, steps, 1)``, and the targets one per step. Not with ``pooling``.
    per_step : int, default 1
        Values read at each step: the input has shape ``(window // per_step, per_step)``, as
        ``stack_steps(windows, per_step)`` makes; it must divide ``window``.
    seed : int, optional
        Seeds the initial weights without touching any global random state, and names every layer
        (no Keras name counter moves): a model built on a thread then changes nothing that a lesson's
        cells see. None: Keras's global generator (``keras.utils.set_random_seed``) and names.
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
    if check_bool("every_step", every_step) and pooling:
        raise ValueError("`pooling` averages the states into one output, `every_step` outputs after every step: "
                         "choose one. Received: pooling=True, every_step=True")
    per_step = check_divisor("per_step", per_step, window)
    if seed is not None:
        seed = check_int("seed", seed, low=0, high=2**31 - 4)
    import keras

    def name(part):  # an explicit name, or Keras's counter
        return {} if seed is None else {"name": f"{cell.lower()}_{part}"}

    def own(part, offset):  # seeded initializers and an explicit name, or Keras's global ones
        if seed is None:
            return {}
        initializers = {"kernel_initializer": keras.initializers.GlorotUniform(seed + offset)}
        if offset == 0:  # the recurrent layer: its recurrent weights, and the seed of its (unused) dropout
            initializers.update(recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1), seed=seed)
        return {**name(part), **initializers}

    recurrent = getattr(keras.layers, cell)(units, return_sequences=pooling or every_step, **own("recurrent", 0))
    model = keras.Sequential([keras.Input(shape=(window // per_step, per_step), **name("input")), recurrent], name=cell)
    if pooling:
        model.add(keras.layers.GlobalAveragePooling1D(**name("pool")))
    model.add(keras.layers.Dense(1, activation=head, **own("head", 2)))
    learning_rate = 0.001 if learning_rate is None else learning_rate  # Keras's default for Adam
    if decay_steps is not None:
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=clipnorm, **name("adam")),
                  loss="binary_crossentropy" if head == "sigmoid" else "mse")
    return model
