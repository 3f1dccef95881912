"""A committed lesson notebook copied alone into an empty folder, as Colab (or a download) opens it.

JupyterLab serves that folder and nothing else: no img/, no lessonlib source beside it. Opened (not
run), the notebook must show every diagram, since the diagrams are stored cell outputs
(``lessonlib.show_diagram``), not links to files beside the notebook: each diagram cell's picture
has loaded (``naturalWidth > 0``), and no image anywhere in the notebook is broken.

Fixtures (the server class, the browser) are in conftest.py. Run with `make test-browser`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lessonlib.lessons import LESSONS

from .conftest import serving
from .test_lessons_in_browser import diagnosed, open_notebook, screenshot

PROJECT = Path(__file__).resolve().parents[2]


def diagram_cells(path):
    """Indices (among all cells) of the code cells that show a diagram."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [i for i, cell in enumerate(cells)
            if cell["cell_type"] == "code" and "show_diagram(" in "".join(cell["source"])]


WITH_DIAGRAMS = [lesson.notebook for lesson in LESSONS
                 if diagram_cells(PROJECT / "notebooks" / f"{lesson.notebook}.ipynb")]


def test_some_lesson_has_diagrams():
    assert WITH_DIAGRAMS, "no lesson calls lessonlib.show_diagram: this module would test nothing"


@pytest.mark.parametrize("notebook", WITH_DIAGRAMS)
def test_a_notebook_alone_in_an_empty_folder_shows_every_diagram(notebook, browser, tmp_path):
    source = PROJECT / "notebooks" / f"{notebook}.ipynb"
    expected = diagram_cells(source)

    def copy_alone(root):
        shutil.copy2(source, root / source.name)

    with serving(tmp_path, copy_alone) as lab:
        assert sorted(p.name for p in lab.root.iterdir()) == [source.name]
        context = browser.new_context(viewport={"width": 1400, "height": 2000})
        context.set_default_timeout(60_000)
        try:
            page = context.new_page()
            with diagnosed(page, lab, f"{notebook}-alone-FAILED.png"):
                panel = open_notebook(page, lab, source.name)
                cells = panel.locator(".jp-Cell")
                assert cells.count() == len(json.loads(source.read_text())["cells"])
                for index in expected:
                    image = cells.nth(index).locator(".jp-OutputArea-output img")
                    assert image.count() == 1, f"{notebook}: cell {index} shows {image.count()} images, not 1"
                    image.scroll_into_view_if_needed()
                    page.wait_for_function("img => img.complete", arg=image.element_handle())
                    width = image.evaluate("img => img.naturalWidth")
                    assert width > 0, f"{notebook}: the diagram of cell {index} did not load"
                broken = panel.locator("img").evaluate_all(
                    "images => images.filter(img => img.complete && img.naturalWidth === 0)"
                    ".map(img => img.src.slice(0, 80))")
                assert broken == [], f"{notebook}: broken images when opened alone: {broken}"
                screenshot(page, f"{notebook}-alone.png")
        finally:
            context.close()
            lab.shut_down_sessions()
