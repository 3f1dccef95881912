"""lessonlib.models, lessonlib.training and lessonlib.gradients: the builder, seeded training and input
gradients, on tiny data so that they run in seconds."""

import numpy as np
import pytest

import lessonlib
from lessonlib import build_rnn, fit_quietly, input_gradients


@pytest.mark.parametrize("cell", ["SimpleRNN", "LSTM", "GRU"])
def test_build_rnn_is_one_recurrent_layer_and_a_dense_head_with_adam(cell):
    model = build_rnn(cell, window=8, units=4, head="sigmoid", per_step=2)
    assert [type(layer).__name__ for layer in model.layers] == [cell, "Dense"]
    assert not model.layers[0].return_sequences and model.layers[0].units == 4
    assert model.input_shape == (None, 4, 2) and model.output_shape == (None, 1)
    assert model.layers[-1].activation.__name__ == "sigmoid"
    assert model.loss == "binary_crossentropy" and type(model.optimizer).__name__ == "Adam"
    assert build_rnn(cell, window=8, units=4).loss == "mse"


def test_build_rnn_options_the_explorers_use():
    """Cosine decay over ``decay_steps``, gradient clipping and averaging the states over time."""
    import keras

    model = build_rnn("GRU", window=9, units=3, learning_rate=0.01, decay_steps=100, clipnorm=1.5, pooling=True)
    assert model.layers[0].return_sequences
    assert isinstance(model.layers[1], keras.layers.GlobalAveragePooling1D)
    assert model.output_shape == (None, 1) and model.optimizer.clipnorm == 1.5
    rates = []
    for step in (0, 50, 100):  # the optimizer's learning rate follows its step count
        model.optimizer.iterations.assign(step)
        rates.append(float(model.optimizer.learning_rate))
    assert rates == pytest.approx([0.01, 0.005, 0.0], abs=1e-9)
    plain = build_rnn("LSTM", window=9, units=3)
    assert plain.optimizer.clipnorm is None and not plain.layers[0].return_sequences
    assert float(plain.optimizer.learning_rate) == pytest.approx(0.001)


def test_build_rnn_every_step_outputs_after_each_step():
    import numpy as np

    model = build_rnn("LSTM", window=10, units=3, per_step=5, every_step=True, seed=0)
    assert model.layers[0].return_sequences and model.output_shape == (None, 2, 1)
    x = np.random.default_rng(0).normal(size=(4, 2, 5)).astype("float32")
    first = model.predict(x[:, :1], verbose=0)  # the first step's output depends on that step alone
    np.testing.assert_allclose(model.predict(x, verbose=0)[:, :1], first, rtol=1e-5, atol=1e-6)


def test_simple_rnn_parameter_count_is_the_three_weight_sets():
    model = build_rnn("SimpleRNN", window=50, units=32)
    # W_x (32x1) + W_h (32x32) + bias (32), then W_y (32) + bias (1)
    assert model.count_params() == (32 + 32 * 32 + 32) + (32 + 1)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"cell": "Transformer"}, ValueError,
     r"`cell` must be one of 'SimpleRNN', 'LSTM', 'GRU'. Received: cell='Transformer'"),
    ({"units": 0}, ValueError, r"`units` must be between 1 and 1024. Received: units=0"),
    ({"head": "softmax"}, ValueError, r"`head` must be one of 'linear', 'sigmoid'"),
    ({"learning_rate": 0.0}, ValueError, r"`learning_rate` must be in \(0, 1\]"),
    ({"window": "50"}, TypeError, r"`window` must be an integer"),
    ({"decay_steps": 0}, ValueError, r"`decay_steps` must be at least 1. Received: decay_steps=0"),
    ({"clipnorm": -1.0}, ValueError, r"`clipnorm` must be"),
    ({"pooling": "yes"}, TypeError, r"`pooling` must be True or False"),
    ({"every_step": 1}, TypeError, r"`every_step` must be True or False"),
    ({"pooling": True, "every_step": True}, ValueError,
     r"`pooling` averages the states into one output, `every_step` outputs after every step: choose one"),
    ({"per_step": 3}, ValueError,
     r"`per_step` must divide the window length 10: one of 1, 2, 5, 10. Received: per_step=3."),
    ({"per_step": 20}, ValueError, r"`per_step` must be between 1 and 10. Received: per_step=20 with windows of 10"),
    ({"layers": 2}, TypeError, r"unexpected keyword argument 'layers'"),
    ({"optimizer": "rmsprop"}, TypeError, r"unexpected keyword argument 'optimizer'"),
])
def test_build_rnn_rejects_bad_arguments(kwargs, error, message):
    arguments = {"cell": "LSTM", "window": 10, **kwargs}
    with pytest.raises(error, match=message):
        build_rnn(**arguments)


def _tiny_data(n=64, window=8):
    series = lessonlib.noisy_sine(n + window, t_max=30, noise=0.1, seed=0).noisy
    return lessonlib.windowize(series, window)


def _seeded_fit(X, y, seed=1):
    """As the lessons train: seed, build, then ``fit_quietly``."""
    import keras

    keras.utils.set_random_seed(seed)
    model = build_rnn("GRU", window=X.shape[1], units=8, learning_rate=0.02)
    return fit_quietly(model, X, y, epochs=30, batch_size=16)


def test_fit_quietly_after_a_seed_is_reproducible_and_learns():
    X, y = _tiny_data()
    first, again = _seeded_fit(X, y), _seeded_fit(X, y)
    assert first._fields == ("model", "seconds") and first.seconds > 0
    for a, b in zip(first.model.get_weights(), again.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    predictions = first.model.predict(X, verbose=0)[:, 0]
    assert predictions.shape == (len(X),)
    assert lessonlib.mse(predictions, y) < np.var(y) / 3


def test_fit_quietly_prints_nothing(capsys):
    X, y = _tiny_data(16)
    model = build_rnn("SimpleRNN", window=8, units=2)
    result = fit_quietly(model, X, y, epochs=2, batch_size=8)
    assert capsys.readouterr().out == ""
    assert result.model is model and result.seconds > 0


def test_fit_quietly_trains_on_several_values_per_step():
    """Windows regrouped by ``stack_steps`` (n, steps, features) train a ``build_rnn(per_step=...)``."""
    import keras

    X, y = _tiny_data(32)
    keras.utils.set_random_seed(0)
    model = build_rnn("LSTM", window=8, units=4, per_step=2)
    stacked = lessonlib.stack_steps(X, per_step=2)
    before = model.evaluate(stacked, y, verbose=0)
    fit_quietly(model, stacked, y, epochs=5, batch_size=8)
    assert model.evaluate(stacked, y, verbose=0) < before


@pytest.mark.parametrize("kwargs, error, message", [
    ({"epochs": 0}, ValueError, r"`epochs` must be between 1 and 1000. Received: epochs=0"),
    ({"batch_size": 0}, ValueError, r"`batch_size` must be between 1 and 100000"),
    ({"shuffle": False}, TypeError, r"unexpected keyword argument 'shuffle'"),
    ({"callbacks": []}, TypeError, r"unexpected keyword argument 'callbacks'"),
    ({"x_train": np.zeros((16, 8, 1, 1))}, ValueError, r"`x_train` must have shape \(n, steps\) or \(n, steps, "
     r"features\), none of them 0. Received: x_train with shape \(16, 8, 1, 1\)"),
    ({"x_train": np.zeros((0, 8, 1))}, ValueError, r"Received: x_train with shape \(0, 8, 1\)"),
    ({"x_train": np.full((16, 8, 1), np.inf)}, ValueError, r"`x_train`"),
    ({"y_train": np.zeros(15)}, ValueError, r"`x_train` and `y_train` must have the same length"),
])
def test_fit_quietly_rejects_bad_arguments(kwargs, error, message):
    x_train, y_train = _tiny_data(16)
    arguments = {"x_train": x_train, "y_train": y_train, "epochs": 1, **kwargs}
    with pytest.raises(error, match=message):
        fit_quietly(build_rnn("SimpleRNN", window=8, units=2), **arguments)


def test_input_gradients_match_a_linear_model_exactly():
    """A model that is a known weighted sum of its inputs has those weights as input gradients."""
    import keras

    weights = np.linspace(-1.0, 2.0, 6)
    model = keras.Sequential([keras.Input(shape=(6, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(1, use_bias=False)])
    model.layers[-1].set_weights([weights[:, None]])
    X = np.random.default_rng(0).normal(size=(5, 6, 1))
    np.testing.assert_allclose(input_gradients(model, X), np.abs(weights), rtol=1e-6)


def test_untrained_simple_rnn_gradient_fades_with_distance():
    import keras

    keras.utils.set_random_seed(0)
    model = build_rnn("SimpleRNN", window=50, units=32)
    X, _ = lessonlib.windowize(lessonlib.noisy_sine(seed=0).noisy[:150], 50)
    gradients = input_gradients(model, X)
    assert gradients.shape == (50,)
    assert gradients[-1] > 100 * gradients[0]


def test_input_gradients_rejects_bad_windows():
    with pytest.raises(ValueError, match=r"`windows` must have shape"):
        input_gradients(object(), np.ones(4))


def test_input_gradients_names_the_backend_it_needs(monkeypatch):
    import keras

    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(ValueError, match=r"`input_gradients` needs Keras's 'tensorflow' backend. "
                                         r"Received: a model on the 'jax' backend. Set the environment "
                                         r"variable KERAS_BACKEND=tensorflow"):
        input_gradients(object(), np.ones((2, 3)))


# --- fit_live: the explorers' training loop ---------------------------------------------------------

def _live_model():
    from lessonlib.quiet import quiet_startup

    with quiet_startup():
        import keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x = np.random.default_rng(0).normal(size=(32, 3))
    return model, x, x.sum(axis=1)


@pytest.mark.parametrize("losses, patience, expected", [
    ([1.0, 0.5, 0.7, 0.6, 0.8, 0.1], 2, (3, 1, "converged")),  # two epochs without a lower loss
    ([1.0, 0.9, 0.8, 0.7], 5, (3, 3, "budget")),
    ([1.0, 0.9, 1.1, 1.2], 1, (2, 1, "converged")),
])
def test_fit_live_stops_early_and_keeps_the_best_weights(losses, patience, expected):
    from lessonlib.training import fit_live

    model, x, y = _live_model()
    snapshots, batches = [], []

    def evaluate(epoch):
        snapshots.append(model.get_weights())
        return losses[epoch]

    fit = fit_live(model, x, y, evaluate=evaluate, epochs=len(losses) - 1, batch_size=16,
                   patience=patience, on_batch=lambda *args: batches.append(args[:3]))
    assert (fit.epochs, fit.best_epoch, fit.ended) == expected
    assert len(snapshots) == fit.epochs + 1
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), snapshots[fit.best_epoch], strict=True))
    assert not np.array_equal(snapshots[0][0], snapshots[1][0])  # it did train
    assert batches[:3] == [(1, 1, 2), (1, 2, 2), (2, 1, 2)]


def test_fit_live_without_evaluate_spends_its_budget_and_keeps_the_last_weights():
    from lessonlib.training import fit_live

    model, x, y = _live_model()
    before = model.get_weights()
    fit = fit_live(model, x, y, evaluate=None, epochs=3, batch_size=16, patience=1)  # raised TypeError before
    assert (fit.epochs, fit.best_epoch, fit.ended) == (3, 3, "budget")
    assert not np.array_equal(model.get_weights()[0], before[0])  # trained, and not reset to epoch 0's
    stopped = fit_live(model, x, y, evaluate=None, epochs=3, batch_size=16, patience=1, should_stop=lambda: True)
    assert (stopped.epochs, stopped.best_epoch, stopped.ended) == (0, 0, "stopped")


def test_fit_live_rejects_bad_arguments():
    from lessonlib.training import fit_live

    with pytest.raises(ValueError, match="`patience` must be at least 1. Received: patience=0."):
        fit_live(None, None, None, evaluate=len, epochs=3, batch_size=8, patience=0)
    with pytest.raises(TypeError, match=r"`evaluate` must be a function of \(epoch\), or None"):
        fit_live(None, None, None, evaluate=0.5, epochs=3, batch_size=8, patience=1)
