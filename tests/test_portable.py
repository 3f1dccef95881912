"""The lessons outside `make lab`: Colab's first cell, the diagrams in the notebook, the tested versions.

What runs the lessons in those environments is tools/envs.py (`make test-env ENV=colab|oldest|latest`);
here, without installing anything: the lessons' install cell names pyproject's repository and branch,
no lesson links to a file beside it, Colab's pinned versions satisfy lessonlib's declared ones (so
installing lessonlib there changes nothing), and `show_versions` on Colab installs only what is missing.
"""

import base64
import json
import pathlib
import re
import sys
import tomllib
import types

import jupytext
import pytest
from conftest import load_script
from packaging.requirements import Requirement

from lessonlib import versions
from lessonlib.diagrams import diagram_bundle, diagram_names
from lessonlib.lessons import LESSONS

ROOT = pathlib.Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SOURCES = [ROOT / "notebooks" / f"{lesson.notebook}.md" for lesson in LESSONS]


envs = load_script("tools/envs.py")


def install_cell():
    """The first code cell every lesson must have: on Colab, lessonlib from pyproject's repository and
    branch (the same address the site's launch buttons read), without its dependencies."""
    url = PYPROJECT["project"]["urls"]["Repository"]
    branch = PYPROJECT["tool"]["rnn-lessons"]["branch"]
    return ("import sys\n\n"
            "if \"google.colab\" in sys.modules:  # on Colab: install lessonlib, these lessons' helpers "
            "(Colab's packages stay)\n"
            f"    %pip install --quiet --no-deps git+{url}@{branch}")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_each_lesson_starts_with_the_colab_install_cell_naming_pyprojects_repository(source):
    first = next(cell for cell in jupytext.read(source).cells if cell.cell_type == "code")
    assert first.source == install_cell(), (
        f"{source.name}: its first code cell should be exactly\n{install_cell()}\n(pyproject.toml's [project.urls] "
        f"Repository and [tool.rnn-lessons] branch); edit the .md, then `make notebooks NB={source.relative_to(ROOT)}`")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_no_lesson_links_to_a_file_beside_it(source):
    """Colab opens the .ipynb alone: a relative link (`../img/x.png`) is broken there."""
    for cell in jupytext.read(source).cells:
        if cell.cell_type == "markdown":
            links = re.findall(r"""(?:src=["']|\]\()(?!https?:|#|data:)([^"')]+)""", cell.source)
            assert links == [], f"{source.name}: links to files beside the notebook {links}: use lessonlib.show_diagram"


def _diagram_calls(cell):
    return re.findall(r'show_diagram\("([^"]+)".*?alt="([^"]+)"\)', cell.source, re.S)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_each_diagram_is_stored_in_the_notebook_with_its_alt_text(source):
    """The committed notebook holds each diagram's picture, so GitHub, a site and a notebook opened
    alone show it before anything runs, and its alt sentence as the output's plain-text form."""
    import nbformat

    notebook = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    in_source = sum(len(_diagram_calls(cell)) for cell in jupytext.read(source).cells)
    in_notebook = sum(len(_diagram_calls(cell)) for cell in notebook.cells)
    assert in_notebook == in_source, f"{source.name} shows {in_source} diagrams, its notebook {in_notebook}: rebuild it"
    for cell in notebook.cells:
        calls = _diagram_calls(cell) if cell.cell_type == "code" else []
        if not calls:
            continue
        (name, alt), = calls
        shown = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(shown) == 1, f"{source.name}: the cell showing {name} stores {len(shown)} pictures: rebuild it"
        assert shown[0]["data"]["text/plain"] == alt
        assert base64.b64decode(shown[0]["data"]["image/png"]).startswith(b"\x89PNG")


def test_show_diagram_knows_the_four_diagrams_and_needs_an_alt_sentence():
    assert diagram_names() == ["rnn-2-layer-unrolled.png", "rnn-unrolled-labeled.png", "rnn.png", "simple-mlp.png"]
    with pytest.raises(ValueError, match="`alt` must describe the diagram"):
        diagram_bundle("rnn.png", alt=" ")
    data, metadata = diagram_bundle("rnn.png", alt="A loop", width=340.0)
    assert metadata == {"image/png": {"width": 340}} and data["text/plain"] == "A loop"


def test_the_diagrams_are_package_data_so_they_install_with_lessonlib():
    assert PYPROJECT["tool"]["setuptools"]["package-data"]["lessonlib.img"] == ["*.png"]
    assert sorted(p.name for p in (ROOT / "img").glob("*.png")) == diagram_names()


# --- versions -------------------------------------------------------------------------------------

RUNTIME = PYPROJECT["project"]["dependencies"]


def test_lessonlib_depends_on_what_it_imports_and_not_on_jupyterlab():
    names = {Requirement(r).name for r in RUNTIME}
    assert names == {"numpy", "scipy", "scikit-learn", "statsmodels", "matplotlib", "ipywidgets", "keras",
                     "tensorflow"}
    lab = {Requirement(r).name for r in PYPROJECT["project"]["optional-dependencies"]["lab"]}
    assert {"jupyterlab", "jupytext", "ipykernel"} <= lab


def test_every_runtime_dependency_declares_a_lower_bound_that_make_test_env_oldest_installs():
    bounds = envs.lower_bounds(RUNTIME)
    assert set(bounds) == {Requirement(r).name for r in RUNTIME}, "each dependency needs a `>=` bound"


def test_colabs_versions_satisfy_every_declared_requirement_so_installing_lessonlib_changes_none():
    pinned, python = envs.pins()
    assert python == "3.13"
    assert re.search(r"^# read from Colab's published package list on \d{4}-\d{2}", envs.COLAB.read_text(), re.M), \
        "envs/colab.txt must say when Colab's versions were read"
    for requirement in map(Requirement, RUNTIME):
        assert requirement.name in pinned, f"envs/colab.txt lacks {requirement.name}"
        assert requirement.specifier.contains(pinned[requirement.name]), (
            f"Colab has {requirement.name} {pinned[requirement.name]}, outside {requirement}: pip would change "
            f"Colab's package; lower the bound")


@pytest.mark.parametrize("requirement, installed, same", [
    ("1.26", "1.26.0", True), ("3.0", "3.0.0", True), ("7.7.1", "7.7.1", True), ("1.11", "1.11.1", False),
    ("2.16", "2.16.0rc0", False)])
def test_a_lower_bound_is_tested_only_when_exactly_it_was_installed(requirement, installed, same):
    assert envs._same_version(installed, requirement) is same


def test_show_versions_on_colab_installs_only_what_is_missing(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    ran = []
    monkeypatch.setattr(versions.subprocess, "run", lambda command, check: ran.append(command))
    monkeypatch.setattr(versions, "missing_requirements", lambda: [])
    versions.show_versions()
    assert ran == []
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[0].startswith("Python ") and "TensorFlow" in out[0]
    assert out[1].startswith("On Colab: lessonlib from ") and "(none changed)" in out[1]

    monkeypatch.setattr(versions, "missing_requirements", lambda: ["statsmodels>=0.14"])
    versions.show_versions()
    assert ran == [[sys.executable, "-m", "pip", "install", "--quiet", "statsmodels>=0.14"]]
    assert "added what was missing: statsmodels>=0.14" in capsys.readouterr().out


def test_off_colab_show_versions_compares_with_the_lock(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert not versions.on_colab()
    versions.show_versions()
    assert "On Colab" not in capsys.readouterr().out


def test_install_source_reads_pips_record_of_a_git_install(monkeypatch):
    record = {"url": "https://github.com/o/r", "vcs_info": {"vcs": "git", "requested_revision": "main",
                                                           "commit_id": "0123456789abcdef"}}

    class Distribution:
        def read_text(self, name):
            return json.dumps(record) if name == "direct_url.json" else None

    monkeypatch.setattr(versions.metadata, "distribution", lambda name: Distribution())
    assert versions.install_source() == "https://github.com/o/r@main (commit 0123456)"


def test_the_make_targets_and_ci_run_the_environments():
    makefile = (ROOT / "Makefile").read_text()
    assert "test-colab test-oldest test-latest:" in makefile and "tools/envs.py $(ENV)" in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test-colab" in ci and "make test-oldest" in ci
