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

    Parameters
    ----------
    model : keras.Model
        A model whose input is ``(window, 1)`` and whose output is one number per window.
    windows : array of shape (n_windows, window) or (n_windows, window, 1)

    Returns
    -------
    ndarray of shape (window,)
        Entry ``k`` is the mean over windows of ``|d prediction / d x_k|``; the last entry belongs
        to the most recent input. Works with the TensorFlow, JAX and PyTorch backends of Keras.
    """
    windows = check_windows("windows", windows)[:, :, None].astype("float32")
    import keras

    backend = keras.backend.backend()
    compute = {"tensorflow": _gradients_tensorflow, "jax": _gradients_jax,
               "torch": _gradients_torch}.get(backend)
    if compute is None:
        raise ValueError(f"input_gradients supports the 'tensorflow', 'jax' and 'torch' backends. "
                         f"Received: a model on the '{backend}' backend.")
    grads = np.asarray(compute(model, windows), dtype=float)
    return np.abs(grads[:, :, 0]).mean(axis=0)


def _gradients_tensorflow(model, windows):
    import tensorflow as tf

    x = tf.convert_to_tensor(windows)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(model(x, training=False))
    return tape.gradient(total, x).numpy()


def _gradients_jax(model, windows):
    import jax
    import jax.numpy as jnp

    def total(x):
        return jnp.sum(model(x, training=False))

    return jax.grad(total)(jnp.asarray(windows))


def _gradients_torch(model, windows):
    import torch

    x = torch.tensor(windows, requires_grad=True)
    model(x, training=False).sum().backward()
    return x.grad.detach().cpu().numpy()
