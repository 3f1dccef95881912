"""The locked set-up: tools/install.py's decisions and messages, the lock, and its pip export.

Nothing here installs anything: the install itself is what `make venv` does on every CI run.
"""

import pathlib
import re
import subprocess
import sys
import tomllib

import pytest
from conftest import load_script

from lessonlib.versions import locked_versions, version_report

ROOT = pathlib.Path(__file__).resolve().parent.parent
UV = pathlib.Path(sys.executable).with_name("uv")


install = load_script("tools/install.py")
BOUNDS = install.requires_python()


def test_requires_python_is_read_from_pyproject_and_names_each_supported_version():
    assert BOUNDS == ((3, 11), (3, 14))
    assert install.supported_versions(BOUNDS) == ["3.11", "3.12", "3.13"]


def test_requires_python_must_have_both_bounds(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nrequires-python = ">=3.11"\n')
    with pytest.raises(install.SetupError, match="expected requires-python"):
        install.requires_python(pyproject)


@pytest.mark.parametrize("version, supported", [
    ((3, 10, 14), False), ((3, 11, 0), True), ((3, 12, 7), True), ((3, 13, 1), True), ((3, 14, 0), False),
    ((2, 7, 18), False), ((4, 0, 0), False)])
def test_is_supported_follows_the_bounds(version, supported):
    assert install.is_supported(version, BOUNDS) is supported


def test_the_unsupported_python_message_says_what_is_wrong_and_what_to_do():
    message = install.unsupported_message((3, 14, 0), BOUNDS, "2.21.0")
    assert message.startswith("Python 3.14 is not supported: TensorFlow 2.21.0 ships wheels for "
                              "Python 3.11, 3.12 and 3.13 only.")
    assert "make PYTHON=python3.13 lab" in message
    assert "\n" not in message


def test_an_interpreter_that_does_not_run_gets_one_sentence():
    with pytest.raises(install.SetupError, match=r"`no-such-python3` does not run: set PYTHON"):
        install.choose_python("uv", "no-such-python3", BOUNDS)


def test_an_unsupported_requested_interpreter_is_refused_before_anything_installs(monkeypatch):
    monkeypatch.setattr(install, "interpreter_version", lambda python: (3, 14, 0))
    with pytest.raises(install.SetupError, match=r"^Python 3\.14 is not supported"):
        install.choose_python("uv", "python3.14", BOUNDS)


def test_this_interpreter_is_accepted_when_requested():
    assert install.choose_python("uv", sys.executable, BOUNDS) == sys.executable


@pytest.mark.parametrize("stderr, start", [
    ("error: Failed to fetch: `https://pypi.org/simple/numpy/`\n  Caused by: dns error", "Could not download"),
    ("error: Request failed after 3 retries\n  Caused by: error sending request for url", "Could not download"),
    ("error: The lockfile at `uv.lock` needs to be updated, but `--locked` was provided.", "uv.lock does not match"),
    ("error: something else entirely\nhint: a hint", "Installing the environment failed; uv said:"),
])
def test_uv_failures_become_one_sentence(stderr, start):
    message = install.explain_uv_failure(stderr)
    assert message.startswith(start)
    if start == "Installing the environment failed; uv said:":
        assert "something else entirely" in message and "a hint" in message


def test_the_installer_reads_the_lock_with_the_standard_library_alone():
    """install.py runs before anything is installed: with no site-packages it must still read uv.lock
    (through lessonlib/versions.py, loaded by path) without importing NumPy or lessonlib."""
    code = ("import sys; sys.path.insert(0, 'tools'); import install; "
            "print(install.locked_versions()['tensorflow'], "
            "sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'lessonlib')))")
    out = subprocess.run([sys.executable, "-I", "-S", "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split(" ", 1) == [locked_versions(ROOT / "uv.lock")["tensorflow"], "[]\n"]


def test_the_installer_pins_the_uv_that_the_lock_installs():
    assert locked_versions(ROOT / "uv.lock")["uv"] == install.UV_VERSION


def test_every_dependency_of_pyproject_is_in_the_lock_with_the_same_requirement():
    """A dependency added to pyproject without relocking fails here (and `uv sync --locked` refuses it)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    asked = {(re.split(r"[<>=!~; ]", r, maxsplit=1)[0], extra) for extra, requirements in
             [(None, project["dependencies"]), *project["optional-dependencies"].items()] for r in requirements}
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    root = next(p for p in lock["package"] if p["name"] == "lessonlib")
    locked = {(r["name"], re.search(r"extra == '(\w+)'", r["marker"])[1] if "marker" in r else None)
              for r in root["metadata"]["requires-dist"]}
    assert asked == locked, f"relock (`make lock`): pyproject only {sorted(asked - locked, key=str)}, " \
                            f"lock only {sorted(locked - asked, key=str)}"
    versions = {p["name"] for p in lock["package"]}
    assert {name for name, _ in asked} <= versions


def test_uv_agrees_that_the_lock_is_up_to_date():
    run = subprocess.run([UV, "lock", "--check", "--offline"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_requirements_txt_is_the_lock_exported_for_pip():
    run = subprocess.run([UV, "export", "--locked", "--offline", "--all-extras", "--no-emit-project",
                          "--quiet"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    committed = (ROOT / "requirements.txt").read_text()
    body = lambda text: [line for line in text.splitlines() if not line.startswith("#")]  # noqa: E731
    assert body(run.stdout) == body(committed), "requirements.txt is stale: run `make lock`"
    assert "tensorflow==2.21.0" in committed and "--hash=sha256:" in committed


def test_version_report_names_the_locked_set_or_says_how_to_get_it():
    locked = {"tensorflow": "2.21.0", "keras": "3.15.1", "numpy": "2.4.6"}
    same = {"TensorFlow": "2.21.0", "Keras": "3.15.1", "NumPy": "2.4.6"}
    assert version_report(same, locked, "3.11") == (
        "Python 3.11 · TensorFlow 2.21.0 · Keras 3.15.1 · NumPy 2.4.6: the locked versions that made the "
        "stored outputs.")
    newer = {**same, "Keras": "3.16.0"}
    first, second = version_report(newer, locked, "3.12").splitlines()
    assert first == "Python 3.12 · TensorFlow 2.21.0 · Keras 3.16.0 · NumPy 2.4.6"
    assert second.startswith("Not the locked set (Keras 3.15.1): numbers may differ")
    assert "`make venv`" in second
    assert "No uv.lock found" in version_report(same, {}, "3.11")


def test_this_environment_is_the_locked_set(capsys):
    from lessonlib import versions

    versions.show_versions()
    assert capsys.readouterr().out.endswith(": the locked versions that made the stored outputs.\n")


def test_jupyterlab_settings_switch_off_news_and_update_checks():
    import json

    settings = json.loads((ROOT / "jupyter" / "overrides.json").read_text())
    assert settings == {"@jupyterlab/apputils-extension:notification":
                        {"fetchNews": "false", "checkForUpdates": False}}
    installed = pathlib.Path(sys.prefix) / "share/jupyter/lab/settings/overrides.d/rnn-lessons.json"
    if (pathlib.Path(sys.prefix) / "conda-meta").is_dir() or sys.prefix != str(ROOT / ".venv"):
        pytest.skip("not the project's .venv: postBuild installs the settings into conda environments")
    assert json.loads(installed.read_text()) == settings
