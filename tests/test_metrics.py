"""lessonlib.metrics: mse, rmse, accuracy and roc_auc, their values and their argument checks."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

import lessonlib
from lessonlib.metrics import accuracy, mse, rmse, roc_auc


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
