"""What a lesson's panel reads (``lessonlib.panel``): a run's table and its row in the table of runs, for
every registered lesson, formatted with the lesson's measure. Nothing here names a lesson."""

import numpy as np
import pytest

from lessonlib.explore import Run, Score, View
from lessonlib.lessons import LESSONS
from lessonlib.panel import Panel, coverage_note, run_summary, run_table
from lessonlib.uncertainty import Coverage, Interval

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
def test_a_run_that_checked_intervals_shows_their_coverage_and_width_beside_the_scores(lesson):
    task, spec = lesson.task, lesson.panel._replace(units="ppm")
    scores = {"GRU network": Score(0.0123, 2.46, Interval(2.46, 2.31, 2.62), 1.5),
              "rival": Score(0.02, 4.0, None, None), task.optimum: Score(0.005, 1.0, None, None)}
    plain = _synthetic_run(task, scores)
    assert plain.coverage == {} and coverage_note(plain, spec) == ""
    assert all(len(row) == 4 for row in run_table(plain, spec).rows)  # no empty columns without intervals
    checked = plain._replace(coverage={"GRU network": Coverage(Interval(0.8412, 0.7049, 0.9513), -1.2, 1.25, 0.9),
                                       task.optimum: Coverage(Interval(0.9, 0.9, 0.9), -2.0, 2.0, 0.9)})
    table = run_table(checked, spec)
    assert table.header[4:] == ["90% interval: coverage", "its width (ppm)"]
    assert [row[4:] for row in table.rows] == [["84% (95% CI 70–95%)", "2.45"], ["-", "-"],
                                               ["90% (95% CI 90–90%)", "4"]]
    summary = run_summary(checked, spec)
    assert summary["90% interval: coverage"] == "84% (95% CI 70–95%)" and summary["its width (ppm)"] == "2.45"
    assert list(summary).index("its width (ppm)") == list(summary).index(spec.relative) + 2
    assert "5% and 95% quantiles" in coverage_note(checked, spec) and spec.items in coverage_note(checked, spec)
    assert run_table(checked, spec._replace(units="")).header[-1] == "its width"


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
