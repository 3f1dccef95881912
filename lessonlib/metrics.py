"""How good a forecast, a classifier or an estimator is: the plain scores, one number each.

Networks and classical methods are scored with the same functions; ``report.score_fresh`` puts 95 %
intervals around them on a large fresh test set.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_paired, check_scores_and_labels


def mse(predictions, targets):
    """Mean squared error between two equally long sequences of finite numbers (flattened).

    Examples
    --------
    >>> mse([1.0, 2.0], [1.0, 4.0])
    2.0
    """
    predictions, targets = check_paired("predictions", np.ravel(predictions), "targets", np.ravel(targets),
                                        min_length=1)
    return float(np.mean((predictions - targets) ** 2))


def rmse(predictions, targets):
    """Root mean squared error: ``sqrt(mse(predictions, targets))``, with the same arguments and errors.

    In the unit of the targets (e.g. radians per time unit for a frequency), which is why lesson 3
    compares it with the Cramér-Rao bound on the same scale.

    Examples
    --------
    >>> rmse([1.0, 2.0], [1.0, 4.0])
    1.4142135623730951
    """
    return float(np.sqrt(mse(predictions, targets)))


def accuracy(labels, y_true):
    """Share of windows whose predicted label equals the true one (any numbers, compared for equality).

    Examples
    --------
    >>> accuracy([0, 1, 1, 0], [0.0, 1.0, 0.0, 0.0])
    0.75
    """
    labels, y_true = check_paired("labels", np.ravel(labels), "y_true", np.ravel(y_true), min_length=1)
    return float(np.mean(labels == y_true))


def roc_auc(scores, y_true):
    """Area under the ROC curve: the chance that a random class-1 window outscores a class-0 one.

    Unlike accuracy it needs no threshold: it says how well the scores (higher: more like class 1)
    *rank* the windows; 0.5 is chance, 1.0 a perfect ranking. Computed from ranks (the Mann-Whitney U
    statistic divided by ``n_0 * n_1``), ties counting half, so it equals
    ``sklearn.metrics.roc_auc_score(y_true, scores)``. ``y_true`` must hold 0 and 1, both present.

    Examples
    --------
    Of the four (class 1, class 0) pairs, class 1 scores higher in three:

    >>> roc_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    0.75

    A tie counts half:

    >>> roc_auc([0.5, 0.5], [0, 1])
    0.5
    """
    from scipy.stats import rankdata  # here, not at import: scipy.stats is slow to import

    scores, y_true = check_scores_and_labels("scores", scores, y_true, both_classes=True)
    positive, ranks = y_true == 1, rankdata(scores)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    u_statistic = ranks[positive].sum() - n_pos * (n_pos + 1) / 2
    return float(u_statistic / (n_pos * n_neg))
