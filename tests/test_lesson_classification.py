"""Lesson 2's explorer (lessonlib.lessons.classification): its scores against independent computations.

Real runs with the tiny recipe of conftest.py's ``tiny_tasks``; the test windows are drawn here again
with ``two_sine_windows`` and the classifiers rerun on them. What every lesson's run does is tested in
test_explore.py and test_widgets.py.
"""

import numpy as np
import pytest
from matplotlib.figure import Figure

import lessonlib
from lessonlib.bayes import classify_bayes
from lessonlib.classical import matched_filter_classify
from lessonlib.explore import N_TEST, N_VIEW, TEST_SEED, View
from lessonlib.lessons import classification
from lessonlib.lessons.classification import BAYES_CLASSIFIER, MATCHED_FILTER, run_classification
from lessonlib.panel import run_table
from lessonlib.signals import STEP, two_sine_windows


def test_classification_gap_is_bayes_accuracy_minus_the_networks_on_fresh_windows(tiny_tasks, network_outputs):
    run = run_classification(0.5, 30, "LSTM", seed=1)
    assert list(run.scores) == ["LSTM network", MATCHED_FILTER, BAYES_CLASSIFIER]
    test = two_sine_windows(N_TEST, window=30, step=STEP, noise=0.5, seed=TEST_SEED)
    bayes = np.mean((classify_bayes(test.x, step=STEP, noise=0.5) > 0.5) == test.labels)
    matched = np.mean(matched_filter_classify(test.x, step=STEP).labels == test.labels)
    net = np.mean((network_outputs(run, test.x) > 0.5) == test.labels)
    assert run.scores[BAYES_CLASSIFIER].value == pytest.approx(bayes)
    assert run.scores[MATCHED_FILTER].value == pytest.approx(matched)
    assert run.network.value == pytest.approx(net, abs=2 / N_TEST)  # a window on the 0.5 edge at most
    assert run.network.relative == pytest.approx(100 * (bayes - net), abs=200 / N_TEST)
    assert run.scores[MATCHED_FILTER].relative == pytest.approx(100 * (bayes - matched))
    assert run.scores[BAYES_CLASSIFIER].relative == 0.0
    assert -1 < run.scores[MATCHED_FILTER].relative < 3  # the GLRT: a little below the optimum
    assert 0.65 < bayes < 0.8  # window 30: less drift between the two sines than at 50 (90 %)
    table = run_table(run, classification.PANEL)
    assert table.header == ["classifier", "test accuracy", "points below optimum", "train s"]
    assert table.rows[-1][:3] == [BAYES_CLASSIFIER, f"{bayes:.1%}", "0.00"]
    assert not run.exact
    assert np.array_equal(run.view.target, test.labels[:N_VIEW])
    assert run.view.predictions == pytest.approx(network_outputs(run, test.x[:N_VIEW]), rel=1e-4, abs=1e-6)


def test_classification_at_noise_zero_has_a_perfect_optimum(tiny_tasks):
    run = run_classification(0.0, 120, "GRU")
    assert run.scores[BAYES_CLASSIFIER].value == 1.0 and not run.exact
    assert run.network.relative == pytest.approx(100 * (1 - run.network.value))
    assert run.network.interval is not None  # a gap to a perfect optimum is still a number of points
    assert run.view.predictions.shape == run.view.target.shape == (N_VIEW,)


def test_the_preview_shows_a_window_of_each_class():
    panel = lessonlib.classification_explorer()
    title = panel.preview_figure.axes[0].get_title()
    assert "noise 0.50" in title and "window of 50 values" in title
    panel.controls["window"].value = 20
    assert "window of 20 values" in panel.preview_figure.axes[0].get_title()
    labels = [text.get_text() for text in panel.preview_figure.axes[0].get_legend().get_texts()]
    assert labels == ["class 0, sin t: what the network sees", "class 1, sin 1.1t: what the network sees"]


def test_the_predictions_are_drawn_as_histograms_of_the_test_windows():
    ax = Figure().add_subplot()
    classification.PANEL.plot(View(np.linspace(0, 1, 6), np.array([0, 0, 0, 1, 1, 1])), ax, "GRU, noise 0.50")
    assert ax.get_title() == f"GRU, noise 0.50: {N_VIEW} test windows"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["true class sin t", "true class sin 1.1t"]
