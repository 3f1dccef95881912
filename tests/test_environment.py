"""The conda/Binder environment asks for everything pyproject asks for (lessonlib's dependencies, the lab
and test extras), and postBuild installs lessonlib.

The repo2docker tests run `jupyter-repo2docker --no-build --debug`, which prints the Dockerfile that
Binder/JupyterHub would build without contacting Docker or the network, and check that it builds the
conda environment from environment.yml and then runs postBuild.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Packages of pyproject's `test` extra that students never need, so environment.yml (what Binder and
# `conda env create` install for them) leaves them out on purpose.
MAINTAINER_ONLY = {
    "jupyter-repo2docker",  # builds the Binder image from environment.yml; not used inside it
    "ruff",  # lints the code in `make test`; a student running the notebooks never needs it
    "uv",  # installs .venv from uv.lock; conda is the installer here
}
# Packages of pyproject's `hub` extra that the students' image needs (a hub built from this repository by
# repo2docker, hub/z2jh.py): the rest of that extra runs the hub itself, not inside a student's server.
IN_THE_STUDENTS_IMAGE = {
    "nbgitpuller",  # the links that pull the lessons into a student's home and open one (hub/README.md)
}
# Deliberate differences from conda-forge: these come from PyPI, through environment.yml's pip section.
FROM_PYPI = {
    "tensorflow": "conda-forge's TensorFlow trails PyPI's by several releases (its 2.20 update was "
                  "still open in February 2026); the lessons' outputs were made with PyPI's wheel",
    "keras": "goes with TensorFlow: the Keras that TensorFlow's PyPI wheel was released with",
}

# Lines of the Dockerfile that repo2docker writes (the same from 2023.6 to at least 2026.4).
CONDA_ENV_UPDATE = re.compile(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "?environment\.yml')
COPY_REPO = re.compile(r"^COPY --chown=\S+ src/ \$\{REPO_DIR\}/$", re.M)
RUN_POSTBUILD = re.compile(r"^RUN \./postBuild$", re.M)
# What repo2docker's Python build pack (its choice for a pyproject.toml without environment.yml) adds.
PIP_INSTALL_REPO = re.compile(r"pip install --no-cache-dir \.$", re.M)


def _names(requirements):
    """Lower-case distribution names of requirement strings such as 'numpy>=1.26'."""
    return {re.split(r"[<>=!~;\[ ]", r.strip(), maxsplit=1)[0].lower().replace("_", "-")
            for r in requirements}


def _environment_pins():
    """({name: version} of environment.yml's conda packages, {name: version} of its pip section)."""
    conda, pip = {}, {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if match := re.match(r"^  - ([A-Za-z][\w.-]*)=([^=\s]+)$", line):
            conda[match[1].lower()] = match[2]
        elif match := re.match(r"^      - ([A-Za-z][\w.-]*)==(\S+)", line):
            pip[match[1].lower()] = match[2]
    return conda, pip


def _locked():
    """{name: version} of uv.lock's packages."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return {package["name"]: package["version"] for package in lock["package"]}


def test_environment_yml_pins_every_runtime_and_test_package_at_the_locked_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    test_extra = _names(project["optional-dependencies"]["test"])
    lab_extra = _names(project["optional-dependencies"]["lab"])  # JupyterLab, jupytext, the kernel
    stale = MAINTAINER_ONLY - test_extra
    assert stale == set(), f"MAINTAINER_ONLY names packages not in pyproject's test extra: {sorted(stale)}"
    conda, pip = _environment_pins()
    assert conda.pop("python") == "3.11", "environment.yml's python should be the one that made the outputs"
    hub_extra = _names(project["optional-dependencies"]["hub"])
    assert IN_THE_STUDENTS_IMAGE <= hub_extra, f"not in pyproject's hub extra: {sorted(IN_THE_STUDENTS_IMAGE - hub_extra)}"
    wanted = (_names(project["dependencies"]) | lab_extra | test_extra) - MAINTAINER_ONLY | IN_THE_STUDENTS_IMAGE
    assert set(conda) | set(pip) == wanted, (
        f"environment.yml lacks {sorted(wanted - set(conda) - set(pip))}, "
        f"has extra {sorted(set(conda) | set(pip) - wanted)}")
    assert set(pip) == set(FROM_PYPI), f"from PyPI without a stated reason: {sorted(set(pip) - set(FROM_PYPI))}"
    locked = _locked()
    differ = {name: (version, locked[name]) for name, version in {**conda, **pip}.items()
              if version != locked[name]}
    assert differ == {}, f"environment.yml (left) and uv.lock (right) disagree: {differ}"


def test_environment_yml_uses_conda_forge_only():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"channels:\n  - conda-forge\n(?!  -)", text)


def test_postbuild_is_executable_and_installs_this_package():
    postbuild = ROOT / "postBuild"
    assert os.access(postbuild, os.X_OK)
    text = postbuild.read_text()
    assert "pip install --no-deps --editable ." in text
    assert "cp jupyter/overrides.json" in text and "sys.prefix" in text, "postBuild should install the lab settings"


def _repo2docker(repo, workdir):
    """(Dockerfile, log) that `jupyter-repo2docker --no-build --debug repo` prints.

    Runs in `workdir`, since repo2docker reads a repo2docker_config.py from its working directory.
    """
    exe = pathlib.Path(sys.executable).with_name("jupyter-repo2docker")
    if not exe.exists():
        if (pathlib.Path(sys.prefix) / "conda-meta").is_dir():  # environment.yml leaves it out
            pytest.skip("jupyter-repo2docker is not installed (pip install jupyter-repo2docker)")
        pytest.fail(f"{exe} is missing: `pip install -e '.[test]'` installs jupyter-repo2docker")
    run = subprocess.run([exe, "--no-build", "--debug", str(repo)], cwd=workdir,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, f"repo2docker failed:\n{run.stderr}"
    return run.stdout, run.stderr


def _copy_without(tmp_path, left_out):
    """The files repo2docker reads from this repository, copied to a folder, less `left_out`."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in {"environment.yml", "postBuild", "pyproject.toml"} - {left_out}:
        shutil.copy2(ROOT / name, repo / name)
    return repo


def test_repo2docker_builds_the_conda_environment_then_runs_postbuild(tmp_path):
    before = sorted(os.listdir(ROOT))
    dockerfile, log = _repo2docker(ROOT, tmp_path)
    assert sorted(os.listdir(ROOT)) == before, "repo2docker --no-build wrote into the repository"

    env_update = CONDA_ENV_UPDATE.search(dockerfile)
    assert env_update, f"repo2docker did not pick its conda build pack (no env update from environment.yml):\n{dockerfile}"
    python = re.search(r"^  - python=(\d+\.\d+)$", (ROOT / "environment.yml").read_text(), re.M)[1]
    assert f"Building conda environment for python={python}" in log, \
        f"repo2docker did not take python={python} from environment.yml:\n{log}"
    assert not PIP_INSTALL_REPO.search(dockerfile), \
        "repo2docker installs pyproject.toml itself (Python build pack?); postBuild should install lessonlib"

    copy_repo, postbuild = COPY_REPO.search(dockerfile), RUN_POSTBUILD.search(dockerfile)
    assert postbuild, f"the Dockerfile does not run postBuild (no 'RUN ./postBuild'):\n{dockerfile}"
    assert copy_repo, f"the Dockerfile does not copy the repository (no 'COPY ... src/ ${{REPO_DIR}}/'):\n{dockerfile}"
    assert env_update.start() < copy_repo.start() < postbuild.start(), \
        "postBuild must run after the conda environment is built and the repository is copied in"


def test_without_environment_yml_repo2docker_would_not_build_the_conda_environment(tmp_path):
    dockerfile, _ = _repo2docker(_copy_without(tmp_path, "environment.yml"), tmp_path)
    assert not CONDA_ENV_UPDATE.search(dockerfile), "env update from environment.yml without an environment.yml"
    assert PIP_INSTALL_REPO.search(dockerfile), "without environment.yml repo2docker should fall back to its Python build pack"
    assert RUN_POSTBUILD.search(dockerfile), "postBuild should still run without environment.yml"


def test_without_postbuild_repo2docker_would_not_run_it(tmp_path):
    dockerfile, _ = _repo2docker(_copy_without(tmp_path, "postBuild"), tmp_path)
    assert CONDA_ENV_UPDATE.search(dockerfile), "environment.yml should still pick the conda build pack"
    assert not RUN_POSTBUILD.search(dockerfile), "a postBuild step without a postBuild file"
