"""How strongly a recurrent model's output depends on each input step: vanishing gradients, measured.

Backpropagation through time multiplies one Jacobian per step. When those factors are smaller than
one, the gradient of the prediction with respect to early inputs shrinks exponentially, and so does
what training can learn about them. ``input_gradients`` measures exactly that quantity.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_windows


def input_gradients(model, windows):
    """Mean absolute gradient of the model's output with respect to each input time step.

    ``model`` takes inputs of shape ``(window, 1)`` and gives one number per window; ``windows`` has
    shape (n_windows, window) or (n_windows, window, 1). Entry ``k`` of the result, of shape (window,),
    is the mean over windows of ``|d prediction / d x_k|``; the last entry belongs to the most recent
    input. The gradient is taken with ``tf.GradientTape``: on a Keras backend other than TensorFlow
    (the lessons') it raises a ``ValueError`` that says how to switch.
    """
    windows = check_windows("windows", windows)[:, :, None].astype("float32")
    import keras

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ValueError(f"`input_gradients` needs Keras's 'tensorflow' backend. Received: a model on the {backend!r} "
                         "backend. Set the environment variable KERAS_BACKEND=tensorflow before Keras is imported.")
    import tensorflow as tf

    x = tf.convert_to_tensor(windows)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(model(x, training=False))
    grads = np.asarray(tape.gradient(total, x).numpy(), dtype=float)
    return np.abs(grads[:, :, 0]).mean(axis=0)
