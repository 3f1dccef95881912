"""What a lesson's panel reads (``lessonlib.panel``): a run's table and its row in the table of runs, for
every registered lesson, formatted with the lesson's measure. Nothing here names a lesson."""

import numpy as np
import pytest

from lessonlib.explore import Run, Score, View
from lessonlib.lessons import LESSONS
from lessonlib.panel import Panel, run_summary, run_table
from lessonlib.uncertainty import Interval

each_lesson = pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
FORMATTED = {"mse": ("0.0123", "0.005"), "rmse": ("0.0123", "0.005"), "accuracy": ("1.2%", "0.5%")}


def _synthetic_run(task, scores, ended="converged"):
    (name, (low, _)), *_ = task.ranges.items()
    settings = task.settings(noise=0.25, **{name: low}, cell="GRU")
    return Run(task, settings, scores, (0.5, 0.1, 0.05), {}, 2, 2, ended, 3.25, View(np.zeros(2), np.zeros(2)))


@each_lesson
def test_a_runs_table_and_summary_show_its_settings_and_scores(lesson):
    task, spec = lesson.task, lesson.panel
    run = _synthetic_run(task, {"GRU network": Score(0.0123, 2.46, Interval(2.46, 2.31, 2.62), 1.5),
                                task.optimum: Score(0.005, 1.0, None, None)})
    network, optimum = FORMATTED[task.measure.name]
    assert run_table(run, spec).header == [spec.row_label, spec.metric, spec.relative, "train s"]
    assert run_table(run, spec).rows == [["GRU network", network, "2.5 (95% CI 2.3–2.6)", "1.5"],
                                         [task.optimum, optimum, "1.00", "-"]]
    settings = {spec.label(name): f"{value:.2f}" if name == "noise" else str(value)
                for name, value in run.settings._asdict().items() if name != "seed"}
    assert run_summary(run, spec) == {**settings, spec.metric: network, spec.relative: "2.5 (95% CI 2.3–2.6)",
                                      "epochs": "2 (kept 2)", "ended": "converged", "train s": "1.5"}
    assert list(run_summary(run, spec))[:3] == ["noise", spec.label(next(iter(task.ranges))), "cell"]
    assert not run.exact


@each_lesson
def test_an_exact_optimum_shows_errors_as_values_not_multiples_of_zero(lesson):
    task, spec = lesson.task, lesson.panel
    run = _synthetic_run(task, {"GRU network": Score(0.0123, None, None, 1.5),
                                task.optimum: Score(0.0, None, None, None)})
    error_measure = not task.measure.higher_is_better  # an accuracy of 0 is no exact optimum
    assert run.exact == error_measure
    assert run_table(run, spec).rows[-1] == [task.optimum, "0 (exact)" if error_measure else "0.0%", "-", "-"]
    assert run_table(run, spec).rows[0][2] == "-" and run_summary(run, spec)[spec.relative] == "-"


@each_lesson
def test_each_lessons_panel_names_its_columns_and_draws(lesson):
    spec = lesson.panel
    assert isinstance(spec, Panel)
    assert all(isinstance(text, str) and text for text in (spec.row_label, spec.metric, spec.relative, spec.items))
    assert callable(spec.preview) and callable(spec.plot)
    assert set(spec.labels) <= set(lesson.task.settings._fields)  # labels only for settings that exist
