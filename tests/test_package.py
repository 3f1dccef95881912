"""The package as a whole: fast import without TensorFlow, and a documented public API."""

import inspect
import subprocess
import sys

import lessonlib


def test_import_is_fast_and_does_not_load_a_deep_learning_backend():
    code = ("import sys, time; t = time.perf_counter(); import lessonlib; "
            "print(time.perf_counter() - t); "
            "print(sorted(m for m in ('tensorflow', 'keras', 'jax', 'torch', 'matplotlib.pyplot', "
            "'ipywidgets') if m in sys.modules))")
    seconds, loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                     check=True).stdout.splitlines()
    assert loaded == "[]"
    assert float(seconds) < 0.5


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

    import pytest

    with pytest.raises(KeyError, match="inside"), lessonlib.quiet_startup():
        raise KeyError("inside")
    os.write(2, b"back\n")
    assert capfd.readouterr().err == "back\n"
