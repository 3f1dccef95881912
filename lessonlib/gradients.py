"""How strongly a recurrent model's output depends on each input step: vanishing gradients, measured.

Backpropagation through time multiplies one Jacobian per step. When those factors are smaller than
one, the gradient of the prediction with respect to early inputs shrinks exponentially, and so does
what training can learn about them. ``input_gradients`` measures exactly that quantity.

It takes the gradient with TensorFlow's ``GradientTape``, so it works on Keras's TensorFlow backend
only (the lessons'); on any other backend it raises a ``ValueError`` that says how to switch.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_windows


def input_gradients(model, windows):
    """Mean absolute gradient of the model's output with respect to each input time step.

    Parameters
    ----------
    model : keras.Model
        A model on Keras's TensorFlow backend (the lessons'), whose input is ``(window, 1)`` and
        whose output is one number per window.
    windows : array of shape (n_windows, window) or (n_windows, window, 1)

    Returns
    -------
    ndarray of shape (window,)
        Entry ``k`` is the mean over windows of ``|d prediction / d x_k|``; the last entry belongs
        to the most recent input.

    Raises
    ------
    ValueError
        For badly shaped or non-finite ``windows``, or if Keras runs on another backend than
        TensorFlow (the gradient is taken with ``tf.GradientTape``).
    """
    windows = check_windows("windows", windows)[:, :, None].astype("float32")
    import keras

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ValueError(f"`input_gradients` needs Keras's 'tensorflow' backend. Received: a model on "
                         f"the {backend!r} backend. Set the environment variable "
                         f"KERAS_BACKEND=tensorflow before Keras is imported.")
    grads = _gradients_tensorflow(model, windows)
    return np.abs(grads[:, :, 0]).mean(axis=0)


def _gradients_tensorflow(model, windows):
    import tensorflow as tf

    x = tf.convert_to_tensor(windows)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(model(x, training=False))
    return np.asarray(tape.gradient(total, x).numpy(), dtype=float)
