"""No measured figure in TEACHING.md, README.md or a lesson's prose is typed by hand: the project computes each.

Every *figure* quoted in those files (of a lesson's text source, ``notebooks/NN_*.md``, its markdown
cells: code cells are skipped) must appear, written the same way, among the numbers of the
notebooks' stored text outputs (``notebooks/*.ipynb``: streams and ``text/plain`` results) or of
the reports ``make bench`` writes: ``benchmarks/RESULTS.md`` (timings, memory, seed spreads) and
``benchmarks/ABLATIONS.md`` (the one-change comparisons of ``benchmarks/ablations.py``), or of the
one ``make test-hub`` writes: ``hub/SIZING.md`` (a class on one server: memory, cores, times). When a
notebook is rebuilt or the benchmark rerun and a number changes, the test names every figure of the
documents that no longer matches, so the prose is fixed where it drifted.

The token grammar, applied to the Markdown text:

* A **figure** is a number with a decimal point (``0.0204``, ``1.44``, ``4.2e-07``), or any number
  followed by a unit of measurement: ``x`` right after it (a ratio: ``1.44x``, ``18x``), ``%``
  (``77.6 %``, ``52%``), a duration (``s``, ``ms``, ``min``, ``minutes``, ``seconds``) or a size
  (``KB``, ``MB``, ``GB``): ``9.8 s``, ``905 MB``. Whole numbers without one of these units (counts
  and sizes of the set-up: ``230 windows``, ``480 steps``, ``2 points``) are not figures, and neither
  is a number glued to a letter other than the ratio's ``x`` (``sin 1.1t``).
* Not figures, and skipped: anything in code (inline ```...``` spans and fenced blocks: a setting
  is written as code, e.g. ``noise=0.5``); link targets and HTML tags; a number right after ``=``
  (a setting stated, ``σ = 0.3``); dotted numbers with three or more parts (``127.0.0.1``); and a
  plain number (no unit) within 40 characters after a product name (Python, python3, TensorFlow,
  Keras, NumPy, in code or not): a version, as in "Python 3.11, 3.12 or 3.13".
* Matching: a figure's number, thousands separators removed, must equal a number token of the
  outputs character for character (``1.4x`` does not match an output's ``1.44``: quote what the
  lesson prints). The unit is not compared, so ``77.6 %`` matches an output's ``77.6%`` and
  ``1.44x`` an output's ``1.44 (95% CI ...)``; but a duration or a size (a timing, a memory figure)
  must come from a ``make bench`` or ``make test-hub`` report: the "train s" seconds the notebooks print are one
  machine's, on one run.

Until ``benchmarks/RESULTS.md`` exists, the timings TEACHING.md quotes from it are accepted from the
allow-list below; once the file is there the allow-list is ignored and those figures must be in it.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md"))  # a lesson's prose: its markdown cells
DOCUMENTS = [ROOT / "TEACHING.md", ROOT / "README.md", *LESSONS]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
ABLATIONS = ROOT / "benchmarks" / "ABLATIONS.md"  # benchmarks/ablations.py, also run by make bench
SIZING = ROOT / "hub" / "SIZING.md"  # make test-hub (tests/hub, hub/sizing.py): a class on one server

# from benchmarks/RESULTS.md (make bench): accepted only while that file does not exist yet.
UNTIL_BENCH_WRITES_RESULTS = set()

FENCED_CODE = re.compile(r"^```.*?^```", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
HTML_TAG = re.compile(r"<[^>]*>")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:e[-+]?\d+)?"
UNIT = r"x(?![A-Za-z])|\s?%|\s(?:ms|s|min|minutes|seconds|KB|MB|GB)\b"
FIGURE = re.compile(rf"(?<![\w.=])(?P<number>{NUMBER})(?![\w.]*\.\d)(?P<unit>{UNIT})?")
MEASURED_BY_BENCH = re.compile(r"\s(?:ms|s|min|minutes|seconds|KB|MB|GB)$")  # timings and memory
PRODUCT = re.compile(r"\b(?:Python|python3|TensorFlow|Keras|NumPy)\b")
SETTING = re.compile(r"=\s*$")
OUTPUT_NUMBER = re.compile(rf"(?<![\w.])(?:{NUMBER})(?![A-Za-wyz0-9_])")  # "210x more data" counts


def _normalize(number):
    return number.replace(",", "")


def prose(markdown):
    """The text in which figures are looked for: code, link targets and HTML tags blanked out."""
    for pattern in (FENCED_CODE, INLINE_CODE, LINK_TARGET, HTML_TAG):
        markdown = pattern.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), markdown)  # lines kept
    return markdown


def quoted_figures(markdown):
    """``[(figure as written, its number normalized, line number)]`` for every figure in the text."""
    text = prose(markdown)
    figures = []
    after_product = [match.end() for match in PRODUCT.finditer(markdown)]  # names in code count too
    for match in FIGURE.finditer(text):
        number, unit = match.group("number"), match.group("unit")
        start = match.start()
        if "." not in number and not unit:
            continue  # a whole number without a unit: a count, not a measurement
        if not unit and re.match(r"[A-Za-z]", text[match.end():match.end() + 1]):
            continue  # glued to a letter, part of a name or formula: "sin 1.1t"
        if re.match(r"\d+(?:\.\d+){2,}", text[start:]):
            continue  # a dotted address or a full version (127.0.0.1, 2.21.0)
        if SETTING.search(text[max(0, start - 3):start]):
            continue  # a setting stated: "σ = 0.3"
        if not unit and any(0 <= start - end <= 40 for end in after_product):
            continue  # a version: "Python 3.11, 3.12 or 3.13", "`python3` is not 3.11–3.13"
        line = text.count("\n", 0, start) + 1
        figures.append((match.group().strip(), _normalize(number), line))
    return figures


def _numbers(text):
    return {_normalize(token) for token in OUTPUT_NUMBER.findall(ANSI.sub("", text))}


def output_numbers():
    """The numbers the project computes and stores: ``(in the notebooks' text outputs, in make bench's reports)``."""
    texts = []
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    texts.append("".join(output["text"]))
                elif "text/plain" in output.get("data", {}):
                    texts.append("".join(output["data"]["text/plain"]))
    results = [path.read_text(encoding="utf-8") for path in (RESULTS, ABLATIONS, SIZING) if path.is_file()]
    return _numbers("\n".join(texts)), _numbers("\n".join(results))


def uncomputed(markdown, in_notebooks, in_results, allowed=frozenset()):
    """``[(figure, line)]`` for every figure of ``markdown`` that is not among the computed numbers."""
    missing = []
    for figure, number, line in quoted_figures(markdown):
        computed = in_results if MEASURED_BY_BENCH.search(figure) else in_notebooks | in_results
        if number not in computed and figure not in allowed:
            missing.append((figure, line))
    return missing


def test_the_grammar():
    text = ("LSTM 1.44x (1.40-1.48), 77.6 % fresh, 17.0 points, MSE 0.0051, 9.8 s, 905 MB, 52% of it, "
            "230 windows, 480 steps, `noise=0.5`, σ = 0.3, Python 3.11, 3.12 or 3.13, 127.0.0.1, "
            "[a link](https://example.org/v1.2), 4.2e-07, 12,000 sequences, 2x, 2 points, 16 times, "
            "sin 1.1t, `python3` is not 3.11–3.13")
    assert [figure for figure, _, _ in quoted_figures(text)] == [
        "1.44x", "1.40", "1.48", "77.6 %", "17.0", "0.0051", "9.8 s", "905 MB", "52%", "4.2e-07", "2x"]


@pytest.mark.parametrize("document", DOCUMENTS, ids=[path.name for path in DOCUMENTS])
def test_every_quoted_figure_is_computed_by_the_project(document):
    in_notebooks, in_results = output_numbers()
    allowed = set() if RESULTS.is_file() else UNTIL_BENCH_WRITES_RESULTS
    missing = uncomputed(document.read_text(encoding="utf-8"), in_notebooks, in_results, allowed)
    listing = "\n".join(f"  line {line}: {figure}" for figure, line in missing)
    absent = "" if RESULTS.is_file() else ", which does not exist yet: run make bench"
    assert not missing, (f"{document.name} quotes {len(missing)} figure(s) the project does not compute: not "
                         f"among the numbers of the notebooks' stored outputs or of benchmarks/RESULTS.md and "
                         f"benchmarks/ABLATIONS.md, or hub/SIZING.md (for a timing or a memory figure, of those "
                         f"alone{absent}). Quote the number as the project prints it, drop it, or write a setting as "
                         f"code:\n{listing}")


@pytest.mark.skipif(not ABLATIONS.is_file(), reason="benchmarks/ABLATIONS.md not written yet: run make bench")
def test_a_figure_planted_in_a_lesson_fails():
    """A lesson's sentence quoting a number no output prints is caught; the same sentence with a printed one is not."""
    in_notebooks, in_results = output_numbers()
    lesson = LESSONS[0].read_text(encoding="utf-8")
    planted = 1.01
    while _normalize(f"{planted:.2f}") in in_notebooks | in_results:
        planted += 0.01
    figure = f"{planted:.2f}x"
    lines = lesson.count("\n") + 2  # the line after a blank one
    assert uncomputed(lesson + f"\nThe LSTM comes within {figure} of the optimum.\n", in_notebooks, in_results) == [
        *uncomputed(lesson, in_notebooks, in_results), (figure, lines)]
    as_code = f"Within `{figure}` as code, or as a setting: noise = {figure[:-1]}."
    assert uncomputed(as_code, in_notebooks, in_results) == []


def test_a_figure_of_the_ablations_counts_and_a_drifted_one_does_not():
    in_notebooks, in_results = output_numbers()
    row = next(line for line in ABLATIONS.read_text(encoding="utf-8").splitlines()
               if line.startswith("| ") and "| nothing undone |" in line)
    median = row.split("|")[4].strip()  # | network | arm | what it changes | median | ...
    assert uncomputed(f"the final recipe reaches {median}x", in_notebooks, in_results) == []
    decimals = len(median.partition(".")[2])
    drifted = float(median)
    while _normalize(f"{drifted:.{decimals}f}") in in_notebooks | in_results:
        drifted += 10 ** -decimals  # the nearest figure the project does not print
    assert uncomputed(f"the final recipe reaches {drifted:.{decimals}f}x", in_notebooks, in_results) == [
        (f"{drifted:.{decimals}f}x", 1)]


@pytest.mark.skipif(not SIZING.is_file(), reason="hub/SIZING.md not written yet: run make test-hub")
def test_the_hub_sizing_counts_and_a_drifted_memory_figure_does_not():
    """TEACHING.md's sizing table is rewritten by make test-hub; a figure typed over it would not match."""
    in_notebooks, in_results = output_numbers()
    measured = __import__("json").loads((ROOT / "hub" / "sizing.json").read_text())
    peak = max(student["peak_pss_mb"] for student in measured["together"]["students"])
    quoted = f"{round(peak)} MB"
    assert quoted in SIZING.read_text() and uncomputed(f"each student needs {quoted}", in_notebooks, in_results) == []
    drifted = round(peak) + 1
    while str(drifted) in in_notebooks | in_results:
        drifted += 1
    assert uncomputed(f"each student needs {drifted} MB", in_notebooks, in_results) == [(f"{drifted} MB", 1)]
