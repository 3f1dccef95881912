"""What the site (`make site`, site/) needs from the lessons and the repository, checked without building it:
alt text on every figure, launch buttons that open files of the repository, an explorer picture per lesson.
The built site itself is tested by tests/website (`make test-site`)."""

import doctest
import html.parser
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lessonlib.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

import launch  # noqa: E402  (site/launch.py)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")


def tracked():
    return set(subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
               .stdout.splitlines())


def is_sentence(alt):
    return bool(alt) and len(alt.split()) >= 4 and not re.search(r"\.(png|jpe?g|svg|gif)$", alt.strip())


class _Images(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.alts = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_figure_of_a_lesson_says_what_it_shows(path):
    """Every image output carries its cell's ``mystnb: image: alt`` (what MyST-NB reads), one image per such
    cell; every picture in the prose (an <img> or Markdown image) has its alt text."""
    notebook = nbformat.read(path, as_version=4)
    missing = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            images = [o for o in cell.get("outputs", []) if any(t in o.get("data", {}) for t in IMAGE_TYPES)]
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
            if images and not is_sentence(alt):
                missing.append(f"cell {index}: {len(images)} image(s), alt text {alt!r}")
            assert len(images) <= 1 or alt is None, f"cell {index}: one alt text for {len(images)} images"
        else:
            parser = _Images()
            parser.feed(cell.source)
            alts = parser.alts + re.findall(r"!\[([^\]]*)\]\(", cell.source)
            missing += [f"cell {index}: a picture with alt text {alt!r}" for alt in alts if not is_sentence(alt)]
    assert missing == [], f"{path.name}: figures without a sentence of alt text:\n" + "\n".join(missing)


def test_alt_text_check_can_fail():
    assert not is_sentence("") and not is_sentence(None) and not is_sentence("a1b2c3.png")
    assert is_sentence("The clean sine over fourteen periods.")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_launch_buttons_open_the_lessons_notebook_in_the_repository(lesson):
    path = f"notebooks/{lesson.notebook}.ipynb"
    links = launch.launch_links(path)
    assert set(links) == {"Binder", "JupyterHub", "Colab"}
    files = tracked()
    for name, url in links.items():
        assert launch.target(url) == path, f"{name}: {url}"
        assert launch.target(url) in files
    place = launch.place()
    assert place.repository.startswith("https://github.com/") and place.branch and place.jupyterhub


def test_launch_links_doctests():
    failures, tried = doctest.testmod(launch)
    assert tried > 0 and failures == 0


def test_a_launch_address_of_another_repository_or_branch_has_no_target():
    where = launch.Place("https://github.com/o/r", "main", "https://hub.example.org")
    assert launch.target("https://colab.research.google.com/github/o/r/blob/dev/x.ipynb", where) is None
    assert launch.target("https://mybinder.org/v2/gh/o/other/main?urlpath=lab/tree/x.ipynb", where) is None


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_each_lesson_has_a_committed_picture_of_its_explorer(lesson):
    """site/explorers/<notebook>.png and .json, from `make explorer-pictures` (a real run at the defaults)."""
    picture, record = (ROOT / "site" / "explorers" / f"{lesson.notebook}{ext}" for ext in (".png", ".json"))
    files = tracked()
    assert {picture.relative_to(ROOT).as_posix(), record.relative_to(ROOT).as_posix()} <= files, \
        "run `make explorer-pictures` and commit site/explorers/"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and picture.stat().st_size < 250_000
    data = json.loads(record.read_text())
    assert data["explorer"] == f"lessonlib.{lesson.name}_explorer()" and data["status"].startswith("Run 1 done")
    assert is_sentence(data["alt"]) and "<table" in data["result_html"]
