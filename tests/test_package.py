"""The package as a whole: light import without TensorFlow, one version, and a documented public API."""

import importlib.metadata
import inspect
import pathlib
import tomllib

import pytest

import lessonlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_the_explorers_are_reached_as_lessonlib_names_and_loaded_on_first_use():
    from lessonlib import widgets

    for name in ("Explorer", "forecast_explorer", "classification_explorer", "regression_explorer"):
        assert getattr(lessonlib, name) is getattr(widgets, name)
        assert name in dir(lessonlib)
    with pytest.raises(AttributeError, match="module 'lessonlib' has no attribute 'no_such_explorer'"):
        _ = lessonlib.no_such_explorer


def test_the_version_is_pyprojects():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert lessonlib.__version__ == importlib.metadata.version("lessonlib") == project["version"]
    source = (ROOT / "lessonlib" / "__init__.py").read_text()
    assert project["version"] not in source  # no second copy of the number to keep in step


def test_every_public_function_has_a_docstring():
    public = [getattr(lessonlib, name) for name in dir(lessonlib) if not name.startswith("_")]
    functions = [f for f in public if inspect.isfunction(f) or inspect.isclass(f)]
    assert len(functions) > 20
    assert [f.__name__ for f in functions if not (f.__doc__ or "").strip()] == []


def test_quiet_startup_silences_file_descriptor_2_and_restores_it(capfd):
    import logging
    import os

    with lessonlib.quiet_startup():
        os.write(2, b"hidden\n")
    os.write(2, b"shown\n")
    assert capfd.readouterr().err == "shown\n"
    assert logging.getLogger("tensorflow").level == logging.ERROR


def test_quiet_startup_restores_stderr_after_an_error(capfd):
    import os

    with pytest.raises(KeyError, match="inside"), lessonlib.quiet_startup():
        raise KeyError("inside")
    os.write(2, b"back\n")
    assert capfd.readouterr().err == "back\n"
