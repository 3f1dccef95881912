"""lessonlib.report: the score tables, the scores on a large fresh set with their intervals, and claims."""

import numpy as np
import pytest
from conftest import load_script

from lessonlib.report import (
    RECORD_VARIABLE,
    ScoreTable,
    claim,
    forecast_table,
    interval_table,
    score_forecasts,
    score_fresh,
)
from lessonlib.uncertainty import Interval, difference_interval, mean_interval, ratio_interval


def test_score_forecasts_and_table():
    y_noisy, y_clean = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 2.0])
    scores = score_forecasts({"exact": y_clean, "off": y_clean + 1.0}, y_noisy, y_clean,
                             reference="off", seconds={"exact": 1.25})
    assert scores["exact"].mse_clean == 0.0 and scores["off"].mse_clean == 1.0
    assert scores["exact"].mse_noisy == pytest.approx(1 / 3)
    assert scores["exact"].ratio == 0.0 and scores["off"].ratio == 1.0
    assert scores["off"].seconds is None
    text = repr(forecast_table(scores)).splitlines()
    assert text[0].split() == ["method", "MSE", "vs", "noisy", "MSE", "vs", "clean", "x", "optimum", "(MSE", "ratio)",
                                "train", "s"]
    assert text[2].split() == ["exact", "0.333", "0.0000", "0.0", "1.2"]
    assert text[3].split() == ["off", "0.667", "1.0000", "1.0", "-"]
    assert "<td>exact</td>" in forecast_table(scores)._repr_html_()


def test_score_forecasts_rejects_an_unknown_reference():
    with pytest.raises(ValueError, match=r"`reference` must be one of 'a'. Received: reference='b'"):
        score_forecasts({"a": [1.0]}, [1.0], [1.0], reference="b")


def test_claim_prints_when_true_and_raises_when_false(capsys):
    claim("one is one", 1 == 1)
    assert capsys.readouterr().out == "checked: one is one\n"
    with pytest.raises(AssertionError, match="This lesson's claim no longer holds: two is one"):
        claim("two is one", 2 == 1)


def test_the_figures_benchmarks_read_are_the_ones_the_table_prints(tmp_path, monkeypatch):
    record = tmp_path / "record.jsonl"
    monkeypatch.setenv(RECORD_VARIABLE, str(record))
    scores = {"net": (Interval(0.00521, 0.00502, 0.0054), Interval(1.4712, 1.4413, 1.5021)),
              "exact": (Interval(-0.0001, -0.01, 0.01), Interval(12345.6, 12345.6, 12345.6)),
              "text": (Interval(0.9241, 0.637, 1.314).precise(), "1,234 (95% CI 1,200–1,300)"),
              "none": ("-", 3)}
    table = interval_table(scores, ["method", "MSE (10,000 fresh windows)", "x optimum"])
    interval_table({"a": (Interval(1.0, 0.9, 1.1),)}, ["method", "MSE on the training set"])  # not fresh
    claim("one is one", True)
    with pytest.raises(AssertionError):
        claim("two is one", False)

    def number(text):  # what the printed cell starts with
        first = text.split()[0].replace(",", "")
        return None if first == "-" else float(first)

    printed = {row[0]: [number(cell) for cell in row[1:]] for row in table.rows}
    assert printed == {"net": [0.0052, 1.47], "exact": [0.0, 12350.0], "text": [0.924, 1234.0], "none": [None, 3.0]}
    bench = load_script("benchmarks/bench.py")
    tables, claims = bench.read_record(record.read_text(encoding="utf-8").splitlines())
    assert tables == [{"header": table.header, "rows": printed}]
    assert claims == {"one is one": True, "two is one": False}


def test_html_escapes_names():
    table = ScoreTable(["<name>"], [["a & b"]])
    assert "&lt;name&gt;" in table._repr_html_() and "a &amp; b" in table._repr_html_()


def test_score_forecasts_with_an_exact_reference_gives_nan_ratios():
    y = np.array([1.0, 2.0])
    scores = score_forecasts({"exact": y, "off": y + 1.0}, y, y, reference="exact")
    assert np.isnan(scores["exact"].ratio) and np.isnan(scores["off"].ratio)
    assert scores["off"].mse_clean == 1.0
    assert repr(forecast_table(scores)).splitlines()[3].split()[3] == "nan"


# --- score_fresh ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def forecasts():
    """Two noisy forecasts of 5,000 targets, noise 0.1 and 0.3 (so the true ratio of MSEs is 9)."""
    rng = np.random.default_rng(3)
    truth = rng.normal(size=5000)
    return {"best": truth + rng.normal(0, 0.1, 5000), "worse": truth + rng.normal(0, 0.3, 5000)}, truth


def test_fresh_mse_is_the_mean_squared_error_and_the_paired_ratio(forecasts):
    predictions, truth = forecasts
    scores = score_fresh(predictions, truth, measure="mse", reference="best")
    errors = {name: (values - truth) ** 2 for name, values in predictions.items()}
    assert list(scores) == ["best", "worse"]
    assert scores["worse"].value == mean_interval(errors["worse"])
    assert scores["worse"].relative == ratio_interval(errors["worse"], errors["best"])
    assert scores["worse"].relative.low < 9 < scores["worse"].relative.high
    assert scores["best"].relative[:3] == (1.0, 1.0, 1.0)
    assert str(scores["worse"].relative) == "8.7 (95% CI 8.3–9.2)"


def test_fresh_rmse_is_the_root_of_the_mse_relative_to_a_method_or_a_bound(forecasts):
    predictions, truth = forecasts
    mse = score_fresh(predictions, truth, measure="mse", reference="best")["worse"]
    to_method = score_fresh(predictions, truth, measure="rmse", reference="best")["worse"]
    to_bound = score_fresh(predictions, truth, measure="rmse", reference=0.15)["worse"]
    np.testing.assert_allclose(to_method.value[:3], np.sqrt(mse.value[:3]), rtol=1e-15)
    assert to_method.relative == mse.relative  # one scale: a ratio of MSEs
    assert to_bound.value == to_method.value
    np.testing.assert_allclose(to_bound.relative[:3], np.array(mse.value[:3]) / 0.15**2, rtol=1e-15)
    assert str(to_bound.relative) == "3.9 (95% CI 3.8–4.0)"


def test_fresh_rmse_divides_by_the_bound_exactly():
    truth = np.linspace(1, 5, 2000)
    estimate = truth + np.where(np.arange(2000) % 2, 0.05, -0.05)
    score = score_fresh({"net": estimate}, truth, measure="rmse", reference=0.025)["net"]
    assert score.value.estimate == pytest.approx(0.05) and score.relative.estimate == pytest.approx(4.0)
    assert interval_table({"net": score}, ["method", "RMSE", "x bound (MSE ratio)"]).rows == [
        ["net", str(score.value), str(score.relative)]]


def test_fresh_accuracy_is_in_percent_and_relative_in_points_below_the_reference():
    truth = np.arange(1000) % 2
    wrong_tenth = truth.copy()
    wrong_tenth[:100] = 1 - wrong_tenth[:100]
    scores = score_fresh({"bayes": truth == 1, "net": wrong_tenth}, truth, measure="accuracy",
                         reference="bayes")
    assert scores["net"].value.estimate == pytest.approx(90.0)
    assert scores["net"].value.low == pytest.approx(100 * mean_interval(wrong_tenth == truth).low)
    assert scores["net"].relative == difference_interval(np.ones(1000), wrong_tenth == truth)
    assert scores["net"].relative.estimate == pytest.approx(10.0)
    assert scores["bayes"].relative[:3] == (0.0, 0.0, 0.0)
    assert str(scores["net"].value) == "90 (95% CI 88–92)"


@pytest.mark.parametrize("kwargs, error, message", [
    ({"measure": "mae"}, ValueError,
     r"`measure` must be one of 'mse', 'accuracy', 'rmse'. Received: measure='mae'."),
    ({"reference": "Bayes"}, ValueError, r"`reference` must be one of 'a', 'b'. Received: reference='Bayes'."),
    ({"reference": 0.5}, ValueError, r"`reference` must be one of 'a', 'b'. Received: reference=0.5."),
    ({"measure": "rmse", "reference": 0}, ValueError, r"`reference` must be greater than 0. Received: reference=0."),
    ({"measure": "rmse", "reference": True}, TypeError, r"`reference` must be a number. Received: reference=True"),
    ({"truth": np.zeros(3)}, ValueError,
     r"`predictions\['a'\]` and `truth` must have the same length. Received: len\(predictions\['a'\]\)=4, "
     r"len\(truth\)=3."),
    ({"truth": [0.0, 1.0, np.nan, 0.0]}, ValueError, r"`truth` must not contain NaN or infinite values"),
    ({"predictions": {"a": np.zeros(4), "b": [0.0, np.inf, 0.0, 0.0]}}, ValueError,
     r"`predictions\['b'\]` must not contain NaN"),
    ({"predictions": {"a": [0.0, 1.0, 1.0, 0.0], "b": np.ones(4)}}, ValueError,  # the reference is exact
     r"`reference` must name a method that makes some error: no ratio to an exact one exists. "
     r"Received: reference='a', whose every error is 0."),
    ({"predictions": {"a": [0.0, 1.0, 1.0, 0.0]}, "measure": "rmse"}, ValueError, r"Received: reference='a', whose"),
])
def test_score_fresh_rejects_bad_arguments(kwargs, error, message):
    arguments = {"predictions": {"a": np.zeros(4), "b": np.ones(4)}, "truth": [0.0, 1.0, 1.0, 0.0],
                 "measure": "mse", "reference": "a", **kwargs}
    with pytest.raises(error, match=message):
        score_fresh(arguments.pop("predictions"), arguments.pop("truth"), **arguments)
