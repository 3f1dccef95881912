"""The plain functions behind the live explorers: run_forecast, run_classification, run_regression.

Real training throughout, with each lesson's recipes shrunk to a few small epochs (``tiny_recipes``)
so that a run takes seconds; the data, the 10,000-item test sets, the yardsticks, the optimum and the
scores are the real ones, and are checked against independent computations. The callbacks
(``on_epoch``, ``should_stop``, ``on_update``), early stopping and Stop are checked on real runs too.
"""


import numpy as np
import pytest

from lessonlib import (
    classify_bayes,
    cramer_rao_bound,
    estimate_frequency,
    explore,
    forecast_bayes,
    forecast_sine_fit,
    noisy_sine,
    random_frequency_sequences,
    sine_windows,
    split_and_windowize,
    two_sine_windows,
)
from lessonlib.explore import (
    BAYES_CLASSIFIER,
    BAYES_FORECAST,
    BOUND,
    ESTIMATOR,
    LAST_VALUE,
    LINEAR_AR,
    MATCHED_FILTER,
    N_CURVE,
    N_TEST,
    SINE_FIT,
    STEP,
    TEST_SEED,
    Recipe,
    Settings,
    run_classification,
    run_forecast,
    run_regression,
)
from lessonlib.models import CELL_TYPES

TINY = Recipe(units=8, learning_rate=0.01, batch_size=64, n_train=256, passes=2, patience=3, epochs_per_pass=2)


@pytest.fixture
def tiny_recipes(monkeypatch):
    """Every lesson's every cell trained by TINY: 4 epochs of 2 batches, a few seconds a run."""
    tiny = {task: dict.fromkeys(CELL_TYPES, TINY) for task in explore.RECIPES}
    monkeypatch.setattr(explore, "RECIPES", tiny)
    return tiny


def _network_outputs(run, x):
    return np.asarray(run.model.predict(np.asarray(x, dtype="float32"), verbose=0), dtype=float)[:, 0]


# --- lesson 1 -----------------------------------------------------------------------------------

def test_forecast_scores_are_the_mse_against_the_clean_value_on_fresh_windows(tiny_recipes):
    run = run_forecast(0.5, 20, "GRU", seed=3)
    assert run.settings == Settings(0.5, 20, "GRU", 3)
    assert list(run.scores) == ["GRU network", LAST_VALUE, LINEAR_AR, SINE_FIT, BAYES_FORECAST]
    test = sine_windows(N_TEST, window=20, step=STEP, noise=0.5, seed=TEST_SEED)  # independently
    assert N_TEST >= 10_000
    bayes_mse = np.mean((forecast_bayes(test.x, step=STEP, noise=0.5) - test.y_clean) ** 2)
    net_mse = np.mean((_network_outputs(run, test.x) - test.y_clean) ** 2)
    fit_mse = np.mean((forecast_sine_fit(test.x, frequency=1.0, step=STEP) - test.y_clean) ** 2)
    assert run.scores[BAYES_FORECAST].value == pytest.approx(bayes_mse, rel=1e-9)
    assert run.scores[SINE_FIT].value == pytest.approx(fit_mse, rel=1e-9)
    assert run.network.value == pytest.approx(net_mse, rel=1e-4)
    assert run.ratio == pytest.approx(net_mse / bayes_mse, rel=1e-4)
    assert run.scores[SINE_FIT].relative == pytest.approx(fit_mse / bayes_mse, rel=1e-9)
    assert 1.5 < run.scores[SINE_FIT].relative < 2.5  # NOTEBOOK_TESTING.md: about 2x at window 50
    assert run.scores[BAYES_FORECAST].relative == 1.0
    low, high = run.network.interval[1:3]
    assert low < run.ratio < high and high - low < 0.2 * run.ratio  # 10,000 paired windows: narrow
    assert run.network.seconds > 0 and run.seconds > run.network.seconds
    with pytest.raises(AttributeError, match="has `ratio`, not `gap`"):
        _ = run.gap


def test_forecast_curve_and_callbacks_report_every_epoch(tiny_recipes):
    epochs, updates = [], []
    run = run_forecast(0.5, 10, "SimpleRNN", on_epoch=lambda e, s: epochs.append((e, s)),
                       on_update=updates.append)
    assert run.ended in ("budget", "converged") and run.epochs == TINY.epochs == 4
    assert [e for e, _ in epochs] == [0, 1, 2, 3, 4]  # 0: the untrained network
    assert tuple(s for _, s in epochs) == run.curve
    test = sine_windows(N_TEST, window=10, step=STEP, noise=0.5, seed=TEST_SEED)
    best = _network_outputs(run, test.x[:N_CURVE])  # the kept weights: the best epoch's
    assert run.curve[run.best_epoch] == pytest.approx(np.mean((best - test.y_clean[:N_CURVE]) ** 2), rel=1e-4)
    assert run.references[BAYES_FORECAST] == pytest.approx(
        np.mean((forecast_bayes(test.x[:N_CURVE], step=STEP, noise=0.5) - test.y_clean[:N_CURVE]) ** 2))
    first = updates[0]  # before any network: the yardsticks for the curve's lines
    assert first.curve == () and first.epoch == 0 and first.references == run.references
    assert first.budget == 4 and first.batches == TINY.steps_per_epoch == 2
    batches = [(u.epoch, u.batch) for u in updates if u.batch]
    assert batches == [(0, 1), (0, 2), (1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2)]
    assert all(u.loss > 0 for u in updates if u.batch)
    ends = [u for u in updates[1:] if u.batch == 0]
    assert [len(u.curve) for u in ends] == [1, 2, 3, 4, 5]
    assert all(len(u.view.predictions) == len(u.view.target) == len(u.view.t) for u in ends)
    series = noisy_sine(500, noise=0.5, seed=0)  # lesson 1's series: the picture's test stretch
    assert np.array_equal(run.view.target, split_and_windowize(series.noisy, 10)[3])
    assert len(run.view.predictions) == len(run.view.target) == 154


def test_noise_zero_shows_errors_as_values_and_no_ratio_to_an_exact_optimum(tiny_recipes):
    run = run_forecast(0.0, 10, "GRU")
    assert run.exact and run.ratio is None
    assert run.scores[BAYES_FORECAST].value == 0  # the optimum is the clean value itself
    assert run.scores[SINE_FIT].value < 1e-20  # exact too, up to rounding
    assert all(score.relative is None and score.interval is None for score in run.scores.values())
    assert run.network.value > 0
    table = run.table()
    assert table.header == ["method", "MSE vs clean", "x optimum", "train s"]
    assert table.rows[-1] == [BAYES_FORECAST, "0 (exact)", "-", "-"]
    assert table.rows[0][1] == f"{run.network.value:.3g}" and table.rows[0][2] == "-"
    assert run.summary()["x optimum"] == "-"


def test_stop_ends_a_run_within_an_epoch_and_keeps_what_it_learnt(monkeypatch):
    recipe = TINY._replace(passes=50, patience=50)  # a budget of 100 epochs
    monkeypatch.setitem(explore.RECIPES, "forecast", dict.fromkeys(CELL_TYPES, recipe))
    epochs, batches = [], []

    def should_stop():
        batches.append(len(epochs))
        return len(epochs) > 2  # after epoch 2 is scored, Stop is "clicked"

    run = run_forecast(0.5, 10, "LSTM", on_epoch=lambda e, s: epochs.append(e), should_stop=should_stop)
    assert run.ended == "stopped" and run.epochs == 2 < recipe.epochs
    assert epochs == [0, 1, 2]  # the epoch under way when Stop came is neither finished nor scored
    assert batches.count(3) == 1  # asked after every batch: the first True ends the run
    assert len(run.curve) == 3 and run.best_epoch <= 2
    assert run.network.value == pytest.approx(run.scores["LSTM network"].value) and run.ratio > 1


def test_a_stop_before_training_scores_the_untrained_network(tiny_recipes):
    run = run_classification(0.5, 10, "SimpleRNN", should_stop=lambda: True)
    assert (run.epochs, run.best_epoch, run.ended, len(run.curve)) == (0, 0, "stopped", 1)
    assert list(run.scores) == ["SimpleRNN network", MATCHED_FILTER, BAYES_CLASSIFIER]


def test_the_same_settings_give_the_same_run(tiny_recipes):
    first, again = (run_forecast(0.3, 5, "SimpleRNN", seed=2) for _ in range(2))
    assert first.curve == again.curve and np.array_equal(first.view.predictions, again.view.predictions)
    other = run_forecast(0.3, 5, "SimpleRNN", seed=4)
    assert other.curve != first.curve
    assert other.scores[BAYES_FORECAST] == first.scores[BAYES_FORECAST]  # the same test set


# --- lesson 2 -----------------------------------------------------------------------------------

def test_classification_gap_is_bayes_accuracy_minus_the_networks_on_fresh_windows(tiny_recipes):
    run = run_classification(0.5, 30, "LSTM", seed=1)
    assert list(run.scores) == ["LSTM network", MATCHED_FILTER, BAYES_CLASSIFIER]
    test = two_sine_windows(N_TEST, window=30, step=STEP, noise=0.5, seed=TEST_SEED)
    bayes = np.mean((classify_bayes(test.x, step=STEP, noise=0.5) > 0.5) == test.labels)
    net = np.mean((_network_outputs(run, test.x) > 0.5) == test.labels)
    assert run.scores[BAYES_CLASSIFIER].value == pytest.approx(bayes)
    assert run.network.value == pytest.approx(net, abs=2 / N_TEST)  # a window on the 0.5 edge at most
    assert run.gap == pytest.approx(100 * (bayes - net), abs=200 / N_TEST)
    assert run.scores[BAYES_CLASSIFIER].relative == 0.0
    assert -1 < run.scores[MATCHED_FILTER].relative < 3  # the GLRT: a little below the optimum
    assert 0.65 < bayes < 0.8  # window 30: less drift between the two sines than at 50 (90 %)
    assert run.table().header == ["classifier", "test accuracy", "points below optimum", "train s"]
    assert run.table().rows[-1][:3] == [BAYES_CLASSIFIER, f"{bayes:.1%}", "0.00"]
    with pytest.raises(AttributeError, match="has `gap`, not `ratio`"):
        _ = run.ratio


def test_classification_at_noise_zero_has_a_perfect_optimum(tiny_recipes):
    run = run_classification(0.0, 120, "GRU")
    assert run.scores[BAYES_CLASSIFIER].value == 1.0 and not run.exact
    assert run.gap == pytest.approx(100 * (1 - run.network.value))
    assert run.view.predictions.shape == run.view.target.shape == (explore.N_VIEW,)


# --- lesson 3 -----------------------------------------------------------------------------------

def test_regression_ratio_is_the_rmse_over_the_cramer_rao_bound_on_fresh_sequences(tiny_recipes):
    run = run_regression(0.3, 20, "GRU")
    assert list(run.scores) == ["GRU network", ESTIMATOR, BOUND]
    design = {"n_points": 20, "duration": 10 * 19 / 49, "freq_range": (1.0, 5.0), "noise": 0.3}
    test = random_frequency_sequences(N_TEST, seed=TEST_SEED, **design)
    bound = cramer_rao_bound(n_points=20, duration=design["duration"], noise=0.3)
    net = np.sqrt(np.mean((3 + 2 * _network_outputs(run, test.signals[:, :, None]) - test.frequencies) ** 2))
    classical = np.sqrt(np.mean((estimate_frequency(test.signals, test.t) - test.frequencies) ** 2))
    assert run.scores[BOUND].value == bound and run.scores[BOUND].relative == 1.0
    assert run.ratio == pytest.approx(net / bound, rel=1e-4)
    assert run.scores[ESTIMATOR].relative == pytest.approx(classical / bound, rel=1e-9)
    assert run.network.interval.low < run.ratio < run.network.interval.high
    assert run.view.target.shape == (explore.N_VIEW,) and np.all((run.view.target >= 1) & (run.view.target <= 5))


def test_regression_at_noise_zero_shows_rmses_as_values(tiny_recipes):
    run = run_regression(0.0, 10, "SimpleRNN")
    assert run.exact and run.ratio is None and run.scores[BOUND].value == 0
    assert run.scores[ESTIMATOR].value < 1e-6 and run.network.value > 0
    assert [row[2] for row in run.table().rows] == ["-", "-", "-"]


# --- fit_live: the training loop ---------------------------------------------------------------

@pytest.mark.parametrize("losses, patience, expected", [
    ([1.0, 0.5, 0.7, 0.6, 0.8, 0.1], 2, (3, 1, "converged")),  # two epochs without a lower loss
    ([1.0, 0.9, 0.8, 0.7], 5, (3, 3, "budget")),
    ([1.0, 0.9, 1.1, 1.2], 1, (2, 1, "converged")),
])
def test_fit_live_stops_early_and_keeps_the_best_weights(losses, patience, expected):
    from lessonlib.training import fit_live
    from lessonlib.quiet import quiet_startup

    with quiet_startup():
        import keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x = np.random.default_rng(0).normal(size=(32, 3))
    snapshots, batches = [], []

    def evaluate(epoch):
        snapshots.append(model.get_weights())
        return losses[epoch]

    fit = fit_live(model, x, x.sum(axis=1), evaluate=evaluate, epochs=len(losses) - 1, batch_size=16,
                   patience=patience, on_batch=lambda *args: batches.append(args[:3]))
    assert (fit.epochs, fit.best_epoch, fit.ended) == expected
    assert len(snapshots) == fit.epochs + 1
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), snapshots[fit.best_epoch], strict=True))
    assert not np.array_equal(snapshots[0][0], snapshots[1][0])  # it did train
    assert batches[:3] == [(1, 1, 2), (1, 2, 2), (2, 1, 2)]


def test_fit_live_rejects_bad_arguments():
    from lessonlib.training import fit_live

    with pytest.raises(ValueError, match="`patience` must be at least 1. Received: patience=0."):
        fit_live(None, None, None, evaluate=len, epochs=3, batch_size=8, patience=0)
    with pytest.raises(TypeError, match=r"`evaluate` must be a function of \(epoch\), or None"):
        fit_live(None, None, None, evaluate=0.5, epochs=3, batch_size=8, patience=1)


# --- checks, formatting, recipes ----------------------------------------------------------------

@pytest.mark.parametrize("function, kwargs, error, message", [
    (run_forecast, {"window": 200}, ValueError, r"`window` must be between 2 and 120. Received: window=200\."),
    (run_forecast, {"window": 50.0}, TypeError, r"`window` must be an integer. Received: window=50.0"),
    (run_forecast, {"noise": -0.1}, ValueError, r"`noise` must be between 0 and 2. Received: noise=-0.1\."),
    (run_forecast, {"noise": float("nan")}, ValueError, r"`noise` must be a finite number"),
    (run_classification, {"noise": None}, TypeError, r"`noise` must be a number. Received: noise=None"),
    (run_classification, {"cell": "lstm"}, ValueError,
     r"`cell` must be one of 'SimpleRNN', 'LSTM', 'GRU'. Received: cell='lstm'\."),
    (run_regression, {"n_points": 9}, ValueError, r"`n_points` must be between 10 and 100. Received: n_points=9\."),
    (run_regression, {"seed": -1}, ValueError, r"`seed` must be between 0 and 2147483646. Received: seed=-1\."),
    (run_regression, {"seed": TEST_SEED}, ValueError, r"`seed` must be between 0 and 2147483646"),
    (run_forecast, {"on_epoch": 3}, TypeError,
     r"`on_epoch` must be a function of \(epoch, score\), or None. Received: on_epoch=3 of type int\."),
    (run_classification, {"should_stop": True}, TypeError, r"`should_stop` must be a function of \(\)"),
    (run_regression, {"on_update": "print"}, TypeError, r"`on_update` must be a function of \(progress\)"),
])
def test_bad_arguments_are_rejected_before_any_work(function, kwargs, error, message, monkeypatch):
    monkeypatch.setattr(explore, "_train_and_score", None)  # would fail differently if reached
    with pytest.raises(error, match=message):
        function(**kwargs)


def _synthetic_run(task, scores, ended="converged"):
    settings = Settings(0.25, 30, "GRU", 0)
    return explore.Run(task, settings, scores, (0.5, 0.1, 0.05), {}, 2, 2, ended, 3.25,
                       explore.View(np.zeros(2), np.zeros(2)))


def test_table_and_summary_format_a_run():
    from lessonlib.uncertainty import Interval

    run = _synthetic_run(explore.FORECAST, {
        "GRU network": explore.Score(0.0123, 2.46, Interval(2.46, 2.31, 2.62), 1.5),
        BAYES_FORECAST: explore.Score(0.005, 1.0, None, None)})
    assert run.table().rows == [["GRU network", "0.0123", "2.5 (95% CI 2.3–2.6)", "1.5"],
                                [BAYES_FORECAST, "0.005", "1.00", "-"]]
    assert run.summary() == {"noise": "0.25", "window": "30", "cell": "GRU", "MSE vs clean": "0.0123",
                             "x optimum": "2.5 (95% CI 2.3–2.6)", "epochs": "2 (kept 2)",
                             "ended": "converged", "train s": "1.5"}
    regression = _synthetic_run(explore.REGRESSION, {"GRU network": explore.Score(0.08, 4.0, None, 2.0),
                                                     BOUND: explore.Score(0.02, 1.0, None, None)})
    assert list(regression.summary())[:2] == ["noise", "samples"]


def test_recipes_cover_every_lesson_and_cell_and_fit_a_class():
    assert set(explore.RECIPES) == set(explore.TASKS) == {"forecast", "classification", "regression"}
    for task, recipes in explore.RECIPES.items():
        assert set(recipes) == set(CELL_TYPES), task
        for cell, recipe in recipes.items():
            assert recipe.windows >= recipe.n_train and recipe.windows % recipe.batch_size == 0, (task, cell)
            assert 1 <= recipe.patience <= recipe.epochs <= 200, (task, cell)
            assert recipe.schedule in (None, "cosine"), (task, cell)


def test_recipe_epochs_cut_passes_into_whole_batches():
    recipe = Recipe(units=8, learning_rate=0.01, batch_size=100, n_train=1050, passes=3, patience=2,
                    epochs_per_pass=4)
    assert (recipe.steps_per_epoch, recipe.epochs, recipe.windows) == (3, 12, 1200)
