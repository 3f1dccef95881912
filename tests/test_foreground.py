"""Explorers in the foreground (``live.ForegroundRun``): where a background thread cannot update the page.

A real lesson's panel, with a tiny recipe, runs in the caller's thread: it trains, redraws its curve
between epochs, scores exactly what the threaded panel scores with the same settings, and a real
interrupt signal stops it after its batch, scored. `make test-colab` runs this file in Colab's versions
(ipywidgets 7), where ``default_life`` picks the foreground on its own.
"""

import os
import signal
import sys
import threading

import pytest

from lessonlib import explore, live, widgets
from lessonlib.lessons import LESSONS

TIMEOUT = 300  # s, the most the background run is waited for
RUN_THREADS = ("lessonlib-explorer", "lessonlib-painter")  # the background life's threads
each_lesson = pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)


def _scores(result):
    return {name: (score.value, score.relative) for name, score in result.scores.items()}


def _foreground_run(lesson):
    """A foreground run of ``lesson``'s panel, checked as it goes; the panel."""
    foreground = widgets.explorer(lesson.name, seed=3, life=live.ForegroundRun)
    curves = []
    foreground.curve_image.observe(lambda change: curves.append(foreground.progress.value), names="value")
    assert foreground.start() and not foreground.running  # the run has ended when start returns
    assert not [thread.name for thread in threading.enumerate() if thread.name in RUN_THREADS]
    result = foreground.last_result
    assert foreground.errors == [] and result.ended in ("converged", "budget") and result.epochs >= 2
    # drawn with the yardsticks, then after the untrained score (epoch 0) and each epoch, then at the end
    assert curves == [0, *range(result.epochs + 1), result.epochs]
    assert foreground.status.value.startswith("Run 1 done after")
    # the count it was scored on: 10,000 generated items, or a real series' test origins (fewer)
    real = lesson.panel.items == "origins"
    assert 0 < result.n_test < explore.N_TEST if real else result.n_test == explore.N_TEST
    assert f"<b>Run 1: scores on {result.n_test:,} fresh test {lesson.panel.items}" in foreground.result_html.value
    return foreground


@each_lesson
def test_each_lessons_panel_trains_in_the_foreground_and_redraws_between_epochs(lesson, tiny_tasks):
    _foreground_run(lesson)


def test_a_foreground_run_scores_what_a_threaded_run_with_the_same_settings_scores(tiny_tasks):
    result = _foreground_run(LESSONS[-1]).last_result
    background = widgets.explorer(LESSONS[-1].name, seed=3, life=live.BackgroundRun)
    assert background.start() and background.wait(TIMEOUT) and background.errors == []
    assert _scores(background.last_result) == _scores(result) and background.last_result.curve == result.curve


def _interrupted_panel(task, times):
    """Lesson 1's foreground panel, whose run gets the kernel's interrupt ``times`` times at once, in epoch 1;
    the panel and the batches at which it was sent."""
    sent = []

    def run(settings, *, should_stop, on_update):
        def update(progress):
            if progress.epoch == 1 and progress.batch == 1 and not sent:
                sent.append(progress.batch)
                for _ in range(times):
                    os.kill(os.getpid(), signal.SIGINT)  # what the kernel's interrupt button sends
            on_update(progress)
        return explore.run(task, settings, should_stop=should_stop, on_update=update)

    panel = widgets.explorer(LESSONS[0].name, life=live.ForegroundRun)
    panel.run = run
    return panel, sent


def test_the_interrupt_stops_a_foreground_run_after_its_batch_scored_and_is_given_back(tiny_tasks):
    panel, sent = _interrupted_panel(tiny_tasks[LESSONS[0].name], times=1)
    before = signal.getsignal(signal.SIGINT)
    assert panel.start()
    assert sent and panel.errors == [] and panel.last_result.ended == "stopped"
    assert panel.last_result.epochs <= 2 and panel.last_result.scores  # scored on what it learnt
    assert signal.getsignal(signal.SIGINT) is before and not panel.running
    assert panel.status.value.startswith("Run 1 done after") and "you stopped it" in panel.status.value


def test_a_second_interrupt_abandons_the_run_unscored(tiny_tasks):
    panel, _ = _interrupted_panel(tiny_tasks[LESSONS[0].name], times=2)  # "stop now", before the batch ends
    assert panel.start() and panel.results == [] and panel.errors == [] and not panel.running
    assert panel.status.value.startswith("Ended unscored")
    assert panel.train_button.description == "Train" and not panel.train_button.disabled


@pytest.mark.parametrize(("variable", "colab", "expected"), [
    ("", False, "the installed ipywidgets'"), ("", True, live.ForegroundRun),
    ("foreground", False, live.ForegroundRun), ("Background", True, live.BackgroundRun)])
def test_the_default_life_is_the_foreground_on_colab_or_with_ipywidgets_7(monkeypatch, variable, colab, expected):
    import ipywidgets

    monkeypatch.setenv(live.MODE_VARIABLE, variable)
    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    if expected == "the installed ipywidgets'":
        expected = live.ForegroundRun if ipywidgets.__version__.startswith("7.") else live.BackgroundRun
    assert live.default_life() is expected


def test_an_unknown_mode_is_refused_by_name(monkeypatch):
    monkeypatch.setenv(live.MODE_VARIABLE, "sideways")
    with pytest.raises(ValueError, match="LESSONLIB_EXPLORER must be 'foreground' or 'background', not 'sideways'"):
        live.default_life()
