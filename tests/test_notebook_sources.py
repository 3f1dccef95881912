"""Each lesson's text source (notebooks/*.md) and its committed notebook hold the same cells.

The .md file is what people edit and review; `make notebooks` rebuilds the .ipynb from it, with
outputs. These tests catch a notebook edited by hand, a source edited without rebuilding, stored
widget state, and a notebook too heavy to review or download.
"""

import importlib
import json
import pathlib

import jupytext
import pytest

from lessonlib.lessons import LESSONS

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md"))
MAX_BYTES = 400_000
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def first_difference(source_cells, notebook_cells):
    """None if both lists hold the same cells (type and source), else a sentence naming the first difference."""
    for index, (a, b) in enumerate(zip(source_cells, notebook_cells, strict=False)):
        if (a.cell_type, a.source.strip()) != (b.cell_type, b.source.strip()):
            first_line = (a.source.strip().splitlines() or [""])[0][:70]
            return (f"cell {index} differs: the source has a {a.cell_type} cell starting {first_line!r}, "
                    f"the notebook a {b.cell_type} cell starting "
                    f"{(b.source.strip().splitlines() or [''])[0][:70]!r}")
    if len(source_cells) != len(notebook_cells):
        return f"the source has {len(source_cells)} cells, the notebook {len(notebook_cells)}"
    return None


def test_every_lesson_has_a_text_source_and_a_notebook():
    registered = sorted(lesson.notebook for lesson in LESSONS)  # lessonlib.lessons's registry
    assert registered, "no lesson is registered"
    assert [p.stem for p in SOURCES] == registered  # and every numbered source is a registered lesson
    assert all(lesson.notebook.startswith(f"{lesson.number:02d}_") for lesson in LESSONS)
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks == [f"{stem}.ipynb" for stem in registered]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_notebook_has_the_cells_of_its_text_source(source):
    difference = first_difference(jupytext.read(source).cells, jupytext.read(source.with_suffix(".ipynb")).cells)
    assert difference is None, f"{source.stem}: {difference}. Run `make notebooks NB=notebooks/{source.name}`."


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_source_and_notebook_are_paired_for_jupytext(source):
    assert "formats: ipynb,md:myst" in source.read_text()
    notebook = json.loads(source.with_suffix(".ipynb").read_text())
    assert notebook["metadata"]["jupytext"] == {"formats": "ipynb,md:myst"}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_notebook_stores_no_widget_state_and_is_light(source):
    path = source.with_suffix(".ipynb")
    notebook = json.loads(path.read_text())
    assert "widgets" not in notebook["metadata"]
    views = [i for i, cell in enumerate(notebook["cells"]) for output in cell.get("outputs", [])
             if WIDGET_VIEW in output.get("data", {})]
    assert views == [], f"{path.name}: widget views in cells {views} point to state that is not stored"
    assert set(notebook["metadata"].get("language_info", {})) <= {"name"}, "the interpreter's exact version"
    assert path.stat().st_size <= MAX_BYTES, f"{path.name}: {path.stat().st_size} bytes"
    outputs = [output for cell in notebook["cells"] for output in cell.get("outputs", [])]
    assert outputs, f"{path.name} is committed without outputs"


def test_a_changed_cell_is_named():
    cells = jupytext.reads("# A\n\n```{code-cell} ipython3\nx = 1\n```\n", fmt="md:myst").cells
    edited = jupytext.reads("# A\n\n```{code-cell} ipython3\nx = 2\n```\n", fmt="md:myst").cells
    assert first_difference(cells, cells) is None
    assert first_difference(cells, edited) == ("cell 1 differs: the source has a code cell starting 'x = 1', "
                                               "the notebook a code cell starting 'x = 2'")
    assert first_difference(cells, cells[:1]) == "the source has 2 cells, the notebook 1"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.notebook)
def test_the_notebook_sets_the_constants_its_wiring_module_holds(lesson, lesson_variables):
    """Each number the wiring module's constants block and the notebook both name is the same in both."""
    module = importlib.import_module(lesson.module)
    constants = {name: value for name, value in vars(module).items()
                 if name.isupper() and type(value) in (int, float) and name != "NUMBER"}
    shared = {}
    for name, value in constants.items():
        try:
            shared[name] = (lesson_variables(lesson.number, name, solutions=False)[name], value)
        except LookupError:  # a constant the notebook does not name (a test's size, a share)
            continue
    assert {"PER_STEP"} <= shared.keys(), f"{lesson.notebook} names none of {sorted(constants)}"
    assert {name: notebook for name, (notebook, _) in shared.items()} == pytest.approx(
        {name: module_value for name, (_, module_value) in shared.items()}, rel=1e-12)
