"""lessonlib.metrics: mse, rmse, accuracy and roc_auc, their values and their argument checks."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

import lessonlib
from lessonlib.metrics import ACCURACY, EXACT, MEASURES, MSE, RMSE, accuracy, mse, rmse, roc_auc
from lessonlib.uncertainty import difference_interval, mean_interval, ratio_interval


def test_the_lessons_reach_every_metric_as_lessonlib_name():
    assert (lessonlib.mse, lessonlib.rmse, lessonlib.accuracy, lessonlib.roc_auc) == (
        mse, rmse, accuracy, roc_auc)


def test_mse_and_rmse_values():
    assert mse([1.0, 2.0], [1.0, 4.0]) == 2.0
    assert rmse([0.0, 0.0], [3.0, 4.0]) == pytest.approx(np.sqrt(12.5))
    assert mse(np.ones((3, 1)), np.zeros(3)) == 1.0  # a Keras-shaped (n, 1) output is flattened


def test_accuracy_value():
    assert accuracy(np.array([0, 1, 1, 1]), np.array([0.0, 1.0, 0.0, 0.0])) == 0.5
    assert accuracy([True, False], [1, 0]) == 1.0


def test_roc_auc_matches_pairwise_definition_with_ties():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 5, 60).astype(float)
    y_true = rng.integers(0, 2, 60)
    pos, neg = scores[y_true == 1], scores[y_true == 0]
    pairs = (pos[:, None] > neg).mean() + 0.5 * (pos[:, None] == neg).mean()
    assert roc_auc(scores, y_true) == pytest.approx(pairs)


@pytest.mark.parametrize("seed", range(5))
def test_roc_auc_equals_scikit_learns_ties_included(seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, 200)
    y_true[:2] = [0, 1]  # both classes present
    scores = np.round(rng.normal(0.8 * y_true, 1.0), 1)  # rounded to one decimal: many ties
    assert len(np.unique(scores)) < len(scores)
    assert roc_auc(scores, y_true) == pytest.approx(roc_auc_score(y_true, scores), abs=1e-12)


@pytest.mark.parametrize("scores, y_true", [
    ([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]),  # all tied: 0.5
    ([1.0, 1.0, 2.0, 0.0], [0, 1, 1, 0]),
    ([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]),
])
def test_roc_auc_equals_scikit_learns_on_small_cases(scores, y_true):
    assert roc_auc(scores, y_true) == pytest.approx(roc_auc_score(y_true, scores), abs=1e-12)


def test_roc_auc_extremes():
    assert roc_auc([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1]) == 1.0
    assert roc_auc([4.0, 3.0, 2.0, 1.0], [0, 0, 1, 1]) == 0.0


@pytest.mark.parametrize("func, args, error, message", [
    (mse, ([1.0, 2.0], [1.0]), ValueError, r"`predictions` and `targets` must have the same length"),
    (rmse, ([1.0], [1.0, 2.0]), ValueError, r"`predictions` and `targets` must have the same length"),
    (rmse, ([1.0], [np.nan]), ValueError, r"`targets` must not contain NaN"),
    (mse, ([], []), ValueError, r"`predictions` must hold at least 1 values"),
    (mse, ("abc", [1.0]), TypeError, r"`predictions` must be a 1-D array of numbers"),
    (accuracy, ([0, 1], [0, 1, 1]), ValueError, r"`labels` and `y_true` must have the same length"),
    (roc_auc, ([0.1, 0.2], [1, 1]), ValueError, r"`y_true` must hold only 0 and 1, with both present"),
    (roc_auc, ([0.1, 0.2], [0, 2]), ValueError, r"Received: y_true with values \[0.0, 2.0\]"),
    (roc_auc, ([0.1, np.nan], [0, 1]), ValueError, r"`scores` must not contain NaN"),
    (roc_auc, ([0.1, 0.2, 0.3], [0, 1]), ValueError, r"`scores` and `y_true` must have the same length"),
])
def test_metrics_reject_bad_arguments(func, args, error, message):
    with pytest.raises(error, match=message):
        func(*args)


# --- Measure: a lesson's measure as one object ------------------------------------------------------

def test_each_measure_scores_as_its_plain_metric():
    rng = np.random.default_rng(1)
    truth, outputs = rng.normal(size=200), rng.normal(size=200)
    assert MSE.score(outputs, truth) == mse(outputs, truth)
    assert RMSE.score(outputs, truth) == pytest.approx(rmse(outputs, truth), rel=1e-15)
    labels, probabilities = rng.integers(0, 2, 200), rng.uniform(size=200)
    assert ACCURACY.score(probabilities, labels) == accuracy(probabilities > 0.5, labels)
    assert ACCURACY.score(probabilities[:, None], labels) == ACCURACY.score(probabilities, labels)  # Keras's (n, 1)
    assert list(MEASURES) == ["mse", "accuracy", "rmse"] and all(MEASURES[m].name == m for m in MEASURES)


def test_a_measure_compares_with_the_optimum_as_a_ratio_or_in_points():
    assert MSE.relative(0.03, 0.01) == pytest.approx(3.0)
    assert RMSE.relative(0.3, 0.1) == pytest.approx(9.0)  # one scale: a ratio of MSEs, not of RMSEs
    assert ACCURACY.relative(0.85, 0.90) == pytest.approx(5.0)  # points below the optimum
    costs, reference = np.array([0.1, 0.4, 0.2, 0.3]), np.array([0.05, 0.1, 0.1, 0.15])
    assert MSE.intervals(costs, reference) == (mean_interval(costs), ratio_interval(costs, reference))
    value, relative = RMSE.intervals(costs, reference)  # to a method: the same MSE ratio as MSE's
    assert value.estimate == pytest.approx(np.sqrt(0.25)) and relative == ratio_interval(costs, reference)
    value, relative = RMSE.intervals(costs, 0.2)  # to a bound, a number: the MSE over the bound squared
    assert value.estimate == pytest.approx(np.sqrt(0.25)) and relative.estimate == pytest.approx(0.25 / 0.04)
    assert relative.low == pytest.approx(mean_interval(costs).low / 0.04)
    assert relative.estimate == pytest.approx(RMSE.relative(value.estimate, 0.2))


def test_a_ratio_header_names_its_scale():
    assert MSE.header() == "x optimum (MSE ratio)" and RMSE.header("bound") == "x bound (MSE ratio)"
    assert ACCURACY.header("optimum") == "points below optimum"
    with pytest.raises(TypeError, match="non-empty string"):
        RMSE.header("")
    with pytest.raises(TypeError, match="non-empty string"):
        MSE.header(0.02)
    right, wrong = np.array([1.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    value, relative = ACCURACY.intervals(wrong, right)
    assert value.estimate == 50 and relative == difference_interval(right, wrong)  # percent, and points


def test_one_rule_says_when_an_optimum_is_exact():
    assert MSE.exact(0.0) and MSE.exact(EXACT / 2) and not MSE.exact(EXACT)
    assert RMSE.exact(0.0) and not RMSE.exact(1e-3)
    assert not ACCURACY.exact(0.0) and not ACCURACY.exact(1.0)  # an accuracy's optimum is never "exact"
    assert MSE.format(1e-31) == "0 (exact)" and MSE.format(0.01234) == "0.0123" and ACCURACY.format(0.9) == "90.0%"


def test_a_measure_gives_the_networks_head_loss_and_axis():
    assert (MSE.head, RMSE.head, ACCURACY.head) == ("linear", "linear", "sigmoid")
    assert MSE.loss(np.array([1.0, 2.0]), np.array([1.0, 4.0])) == 2.0
    p, y = np.array([0.9, 0.2]), np.array([1.0, 0.0])
    assert ACCURACY.loss(p, y) == pytest.approx(-np.mean(np.log([0.9, 0.8])))  # binary cross-entropy
    assert (MSE.log_axis, ACCURACY.log_axis, MSE.shown, ACCURACY.shown) == (True, False, 1, 100)
    assert (MSE.chance, ACCURACY.chance) == (None, 0.5)
