"""The conda/Binder environment asks for everything pyproject asks for, and postBuild installs lessonlib."""

import os
import pathlib
import re
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _names(requirements):
    """Lower-case distribution names of requirement strings such as 'numpy>=1.26'."""
    return {re.split(r"[<>=!~;\[ ]", r.strip(), maxsplit=1)[0].lower().replace("_", "-")
            for r in requirements}


def _conda_dependencies():
    text = (ROOT / "environment.yml").read_text()
    block = text.split("dependencies:", 1)[1]
    return [line.strip()[2:] for line in block.splitlines() if re.match(r"^  - [A-Za-z]", line)]


def test_environment_yml_lists_every_runtime_and_test_package_of_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(project["dependencies"]) | _names(project["optional-dependencies"]["test"])
    missing = wanted - _names(_conda_dependencies())
    assert missing == set(), f"add to environment.yml: {sorted(missing)}"


def test_environment_yml_uses_conda_forge_only():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"channels:\n  - conda-forge\n(?!  -)", text)


def test_postbuild_is_executable_and_installs_this_package():
    postbuild = ROOT / "postBuild"
    assert os.access(postbuild, os.X_OK)
    assert "pip install --no-deps --editable ." in postbuild.read_text()
