"""Plot helpers draw what they claim on the axes they are given, and reject mismatched data."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

import lessonlib


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_plot_forecast_draws_three_labelled_lines(ax):
    t = np.arange(5.0)
    assert lessonlib.plot_forecast(t, t, t + 1, t + 2, ax=ax, title="x") is ax
    assert [line.get_label() for line in ax.lines] == ["predictions", "actual", "ideal"]
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), t + 1)


def test_plot_forecast_draws_the_optimum_dashed_when_given(ax):
    t = np.arange(5.0)
    lessonlib.plot_forecast(t, t, t + 1, t + 2, optimum=t + 3, ax=ax)
    assert ax.lines[-1].get_label() == "best possible (Bayes)" and ax.lines[-1].get_linestyle() == "--"
    np.testing.assert_array_equal(ax.lines[-1].get_ydata(), t + 3)
    with pytest.raises(ValueError, match="optimum"):
        lessonlib.plot_forecast(t, t, t, t, optimum=t[:3], ax=ax)


def test_plot_forecast_keeps_the_ideal_visible_under_the_optimum(ax):
    t = np.arange(5.0)
    lessonlib.plot_forecast(t, t, t + 1, t, optimum=t, ax=ax)  # the optimum on top of the ideal
    lines = {line.get_label(): line for line in ax.lines}
    ideal, optimum = lines["ideal"], lines["best possible (Bayes)"]
    assert ideal.get_linewidth() >= 3 * optimum.get_linewidth() and ideal.get_zorder() < optimum.get_zorder()
    assert ideal.get_color() != optimum.get_color()
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["predictions", "actual", "ideal", "best possible (Bayes)"]
    ax.figure.canvas.draw()
    boxes = [text.get_window_extent() for text in legend.get_texts()]
    rows = [box.y0 for box in boxes]  # one row: the texts side by side, in order
    assert max(rows) - min(rows) < min(box.height for box in boxes) / 2
    assert [box.x0 for box in boxes] == sorted(box.x0 for box in boxes)
    assert ax.get_ylim()[1] > max(line.get_ydata().max() for line in ax.lines)  # one row, above the lines


def test_plot_split_colours_every_value_once(ax):
    t = np.arange(20.0)
    lessonlib.plot_split(t, t, window=3, n_train=7, n_test=7, ax=ax)
    points = [line for line in ax.lines if line.get_linestyle() == "None"]
    assert sum(len(line.get_xdata()) for line in points) == 20
    assert points[1].get_label() == "training targets (7)" and points[3].get_label() == "test targets (7)"


def test_plot_split_rejects_inconsistent_counts(ax):
    with pytest.raises(ValueError, match=r"2 \* window \+ n_train \+ n_test == len\(t\)"):
        lessonlib.plot_split(np.arange(20.0), np.arange(20.0), window=3, n_train=7, n_test=6, ax=ax)


def test_plot_input_gradients_puts_the_newest_step_at_zero_on_a_linear_scale_from_zero(ax):
    lessonlib.plot_input_gradients({"a": [1e-3, 1e-2, 1e-1], "b": [0.05, 0.0006, 0.04]}, ax=ax)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [2, 1, 0])
    assert ax.get_yscale() == "linear" and ax.get_ylim()[0] == 0
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]


def test_plot_input_gradients_on_a_log_scale_when_asked(ax):
    lessonlib.plot_input_gradients({"a": [1e-3, 1e-2, 1e-1]}, log=True, ax=ax)
    assert ax.get_yscale() == "log"


def test_probability_histograms_count_each_class(ax):
    lessonlib.plot_probability_histograms([0.1, 0.2, 0.9, 0.8, 0.7], [0, 0, 1, 1, 1], ax=ax)
    heights = [sum(p.get_height() for p in container) for container in ax.containers]
    assert heights == [2, 3]


def test_confusion_matrix_counts_rows_true_columns_predicted(ax):
    assert lessonlib.plot_confusion([0, 1, 1, 1, 0], [0, 0, 1, 1, 1], ax=ax, class_names=("a", "b")) is ax
    assert [t.get_text() for t in ax.texts] == ["1", "1", "1", "2"]  # (0,0) (0,1) (1,0) (1,1)
    np.testing.assert_array_equal(ax.images[0].get_array(), [[1, 1], [1, 2]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted class", "true class")
    assert len(ax.figure.axes) == 1  # no colour bar


def test_roc_draws_each_curve_with_its_auc_and_the_chance_line(ax):
    assert lessonlib.plot_roc({"perfect": [0.1, 0.2, 0.8, 0.9], "mixed": [0.1, 0.8, 0.2, 0.9]},
                              [0, 0, 1, 1], ax=ax, title="ROC") is ax
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["perfect (AUC 1.000)", "mixed (AUC 0.750)", "chance"]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0, 0, 0, 1])  # false positive rate
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [0, 0.5, 1, 1])  # true positive rate
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [0, 0, 0.5, 0.5, 1])
    assert (ax.get_xlabel(), ax.get_title()) == ("false positive rate", "ROC")


def test_roc_draws_the_first_curve_wide_and_the_others_in_their_own_styles(ax):
    y = [0, 0, 1, 1]
    scores = {name: [0.1, 0.2, 0.8, 0.9] for name in ("best", "a", "b", "c", "d")}  # five curves on one another
    lessonlib.plot_roc(scores, y, ax=ax)
    first, *others = ax.lines[:5]
    assert first.get_linewidth() > 2 * max(line.get_linewidth() for line in others)
    assert {line.get_linestyle() for line in others} >= {"--", "-", "-."}
    assert len({to_hex(line.get_color()) for line in ax.lines[:5]}) == 5
    assert ax.get_legend().get_bbox_to_anchor().x0 > ax.get_window_extent().x1  # right of the axes
    assert ax.child_axes == []


def test_roc_zoom_magnifies_the_top_left_corner_in_an_inset(ax):
    lessonlib.plot_roc({"perfect": [0.1, 0.2, 0.8, 0.9], "mixed": [0.1, 0.8, 0.2, 0.9]}, [0, 0, 1, 1],
                       zoom=(0.1, 0.9), ax=ax)
    (inset,) = ax.child_axes
    assert inset.get_xlim()[1] == pytest.approx(0.1) and inset.get_ylim()[0] == pytest.approx(0.9)
    assert len(inset.lines) == len(ax.lines) == 3  # the two curves and chance
    for copy, line in zip(inset.lines, ax.lines, strict=True):
        np.testing.assert_array_equal(copy.get_xydata(), line.get_xydata())
        assert (copy.get_color(), copy.get_linewidth()) == (line.get_color(), line.get_linewidth())
        assert copy.get_transform() == inset.transData
    x0, y0, width, height = inset.get_position().bounds  # below the chance line, in the main axes' corner
    main = ax.get_position()
    assert x0 > main.x0 + main.width / 3 and y0 + height < main.y0 + main.height / 2
    with pytest.raises(ValueError, match=r"`zoom\[1\]` must be in \[0, 1\)"):
        lessonlib.plot_roc({"a": [0.1, 0.9]}, [0, 1], zoom=(0.1, 1.0), ax=ax)
    with pytest.raises(ValueError, match=r"`zoom` must be a pair \(fpr, tpr\)"):
        lessonlib.plot_roc({"a": [0.1, 0.9]}, [0, 1], zoom=0.1, ax=ax)


def test_true_vs_predicted_scatters_every_point_with_the_identity_and_the_rmse(ax):
    true, predicted = np.arange(1500.0), np.arange(1500.0) + np.where(np.arange(1500) % 2, 2.0, -2.0)
    assert lessonlib.plot_true_vs_predicted(true, predicted, ax=ax, title="net") is ax
    np.testing.assert_array_equal(ax.collections[0].get_offsets(), np.column_stack([true, predicted]))
    assert ax.get_title() == "net: RMSE 2.000"
    assert ax.get_legend().get_texts()[0].get_text() == "perfect (identity)"
    np.testing.assert_array_equal(ax.lines[0].get_xydata(), [[-2, -2], [1501, 1501]])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("true value", "predicted value")


def test_residuals_are_predicted_minus_true_against_the_true_value(ax):
    assert lessonlib.plot_residuals([1.0, 2.0, 3.0], [1.5, 1.0, 3.0], ax=ax) is ax
    np.testing.assert_array_equal(ax.collections[0].get_offsets(), [[1.0, 0.5], [2.0, -1.0], [3.0, 0.0]])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [0, 0])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("true value", "predicted - true")


@pytest.mark.parametrize("call, message", [
    (lambda ax: lessonlib.plot_series([1.0, 2.0, 3.0], [1.0, 2.0], ax=ax),
     r"`t` and `values` must have the same length"),
    (lambda ax: lessonlib.plot_roc({"a": [0.1, 0.2]}, [0, 2], ax=ax), r"`y_true` must hold only 0 and 1"),
    (lambda ax: lessonlib.plot_roc({"a": [0.1, 0.2]}, [1, 1], ax=ax),
     r"`y_true` must hold only 0 and 1, with both present. Received: y_true with values \[1.0\]"),
    (lambda ax: lessonlib.plot_confusion([0, 1], [0, 1, 1], ax=ax), r"`labels` and `y_true` must have the same length"),
    (lambda ax: lessonlib.plot_probability_histograms([0.2, 0.7], [0, 3], ax=ax),
     r"`y_true` must hold only 0 and 1. Received: y_true with values \[0.0, 3.0\]"),
    (lambda ax: lessonlib.plot_true_vs_predicted([1.0], [np.nan], ax=ax), r"`predicted` must not contain NaN"),
])
def test_plots_reject_bad_data(ax, call, message):
    with pytest.raises(ValueError, match=message):
        call(ax)
