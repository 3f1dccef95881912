"""How good a forecast, a classifier or an estimator is: the plain scores, one number each.

Networks and classical methods are scored with the same functions; ``report.score_fresh`` puts 95 %
intervals around them on a large fresh test set. A lesson's measure as a whole (its per-item cost,
its comparison with the optimum, its network head, its formatting) is a ``Measure``: ``MSE``, ``RMSE``
or ``ACCURACY``.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_paired, check_scores_and_labels
from .uncertainty import Interval, difference_interval, mean_interval, ratio_interval


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


# --- a lesson's measure, as one object --------------------------------------------------------------

EXACT = 1e-12  # an error below this is rounding: the optimum is exact ("0 (exact)"), and no ratio to it exists


class Measure:
    """How a lesson scores a method, in one place: what each item costs, how the costs add up, how a
    method compares with the optimum, what the network outputs and learns from, how a value reads.

    ``explore`` (a run's scores and live curve), ``report.score_fresh`` (intervals on a fresh test set)
    and ``widgets`` (the curve's axis, the tables) read these attributes and methods; none of them asks
    which measure it holds. The three lessons' measures are ``MSE``, ``RMSE`` and ``ACCURACY``
    (``MEASURES`` by name); this base class is an error measure, the mean squared error.

    Attributes
    ----------
    name : str
        The name ``report.score_fresh`` takes (``"mse"``, ``"rmse"``, ``"accuracy"``).
    head : str
        The network's output layer for it (``models.build_rnn``'s ``head``).
    higher_is_better : bool
        True for an accuracy; an error measure is lower-is-better, and its optimum may be exact.
    shown : float
        The factor from a value to how it is shown: 100 for an accuracy (in percent), else 1.
    log_axis : bool
        Whether a curve of it reads best on a log scale (errors span decades; an accuracy does not).
    relative_name : str
        What ``relative`` measures: "ratio" (a multiple of the optimum's mean squared error) or "points"
        below it. Every ratio in the collection is a ratio of MSEs, also for the RMSE (``header`` says so).
    takes_bound : bool
        Whether the optimum may be a number (a bound in the measure's units) instead of a method.
    chance : float or None
        The value of a guess (a coin's accuracy on two balanced classes), or None.

    Examples
    --------
    >>> MSE.score([1.0, 2.0], [1.0, 4.0]), RMSE.score([0.0, 0.0], [3.0, 4.0])
    (2.0, 3.5355339059327378)
    >>> ACCURACY.score([0.2, 0.9, 0.7], [0, 1, 0]), ACCURACY.format(0.75), MSE.format(0.0)
    (0.6666666666666666, '75.0%', '0 (exact)')
    >>> MSE.relative(0.02, 0.01), RMSE.relative(0.3, 0.1), ACCURACY.relative(0.85, 0.9)
    (2.0, 8.999999999999998, 5.000000000000004)
    >>> MSE.header("optimum"), RMSE.header("bound"), ACCURACY.header("optimum")
    ('x optimum (MSE ratio)', 'x bound (MSE ratio)', 'points below optimum')
    """

    name, head, higher_is_better, shown, log_axis = "mse", "linear", False, 1, True
    relative_name, takes_bound, chance = "ratio", False, None

    def __repr__(self):
        return f"<measure {self.name}>"

    def decide(self, outputs):
        """A method's predictions from its outputs: the outputs themselves (a classifier thresholds them)."""
        return np.asarray(outputs, dtype=float)

    def per_item(self, predictions, truth):
        """Each item's cost: its squared error."""
        return (np.asarray(predictions, dtype=float) - truth) ** 2

    def aggregate(self, per_item):
        """The value of a method from its items' costs: their mean."""
        return float(np.mean(per_item))

    def score(self, outputs, truth):
        """The measure of ``outputs`` against ``truth``: the live curve's points and a run's final values."""
        return self.aggregate(self.per_item(self.decide(np.ravel(outputs)), np.ravel(truth)))

    def loss(self, outputs, targets):
        """The training loss (what the network's ``head`` is fitted with), on held-out items: the MSE."""
        return float(np.mean((np.asarray(outputs) - targets) ** 2))

    def exact(self, value):
        """True when ``value``, the optimum's, is no error at all (to rounding): then no ratio exists.
        The one rule for an exact optimum, here and in ``report``; an accuracy's optimum never is."""
        return not self.higher_is_better and value < EXACT

    def relative(self, value, optimum):
        """How ``value`` compares with the ``optimum``'s value: the ratio of their MSEs (points below it, for
        an accuracy)."""
        return value / optimum

    def header(self, reference="optimum"):
        """The column header (and axis label) of ``relative`` against ``reference``: it names the scale, so
        that "x optimum" in one lesson and "x bound" in another read as the same kind of ratio."""
        if not isinstance(reference, str) or not reference.strip():
            raise TypeError(f"reference must be a non-empty string naming the yardstick, got {reference!r}")
        if self.relative_name == "ratio":
            return f"x {reference} (MSE ratio)"
        return f"{self.relative_name} below {reference}"

    def intervals(self, items, reference):
        """``(value, relative)`` as 95 % ``Interval``s from the items' costs and the reference's (paired)."""
        return mean_interval(items), ratio_interval(items, reference)

    def format(self, value):
        """A value as a table shows it."""
        return "0 (exact)" if self.exact(value) else f"{value:.3g}"


class _RootMeanSquaredError(Measure):
    """The root of the MSE, in the targets' units (what a student reads, e.g. in radians per time unit);
    the optimum may be a bound (the Cramér-Rao bound). Its ``relative`` is still a ratio of MSEs, the
    square of the RMSEs' ratio, so that "x bound" reads on the same scale as another lesson's "x optimum"."""

    name, takes_bound = "rmse", True

    def aggregate(self, per_item):
        return float(np.sqrt(np.mean(per_item)))

    def relative(self, value, optimum):
        return (value / optimum) ** 2

    def intervals(self, items, reference):
        mean = mean_interval(items)
        if np.ndim(reference) == 0:  # a bound, a number in the measure's units: the MSE over its square
            return _mapped(mean, _root), _mapped(mean, lambda v: v / reference**2)
        return _mapped(mean, _root), ratio_interval(items, reference)


class _Accuracy(Measure):
    """The share of items labelled right; a classifier's outputs are probabilities of class 1."""

    name, head, higher_is_better, shown, log_axis, relative_name = "accuracy", "sigmoid", True, 100, False, "points"
    chance = 0.5  # the lessons' two classes are balanced

    def decide(self, outputs):
        return (np.asarray(outputs) > 0.5).astype(float)

    def per_item(self, predictions, truth):
        return (np.asarray(predictions) == truth).astype(float)

    def loss(self, outputs, targets):
        p = np.clip(outputs, 1e-7, 1 - 1e-7)
        return float(-np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p)))  # binary cross-entropy

    def relative(self, value, optimum):
        return 100 * (optimum - value)

    def intervals(self, items, reference):
        return _mapped(mean_interval(items), lambda v: 100 * v), difference_interval(reference, items)

    def format(self, value):
        return f"{value:.1%}"


MSE, RMSE, ACCURACY = Measure(), _RootMeanSquaredError(), _Accuracy()
MEASURES = {measure.name: measure for measure in (MSE, ACCURACY, RMSE)}


def _root(value):
    return float(np.sqrt(max(value, 0.0)))


def _mapped(interval, function):
    return Interval(*(function(v) for v in interval[:3]), interval.level)
