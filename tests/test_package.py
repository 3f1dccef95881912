"""The package as a whole: one version, every subpackage packaged, the lessons' names as lessonlib's,
and a documented public API. (What importing it loads: test_import_cost.py.)"""

import importlib
import importlib.metadata
import inspect
import pathlib
import subprocess
import sys
import tomllib

import pytest

import lessonlib
from lessonlib.lessons import LESSONS

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_each_lesson_is_registered_from_its_module_and_exported_as_lessonlib_names(lesson):
    module = importlib.import_module(lesson.module)
    assert (lesson.number, lesson.notebook, lesson.task) == (module.NUMBER, module.NOTEBOOK, module.TASK)
    assert lesson.notebook.startswith(f"{lesson.number:02d}_") and lesson.task.lesson == lesson.number
    assert (ROOT / "notebooks" / f"{lesson.notebook}.md").exists()
    assert lesson.exports == {name: getattr(module, name) for name in module.__all__}
    assert {f"run_{lesson.name}", f"{lesson.name}_explorer"} <= set(lesson.exports)  # its run and its panel
    for name, value in lesson.exports.items():
        assert getattr(lessonlib, name) is value, name
        assert name in dir(lessonlib) and name in lessonlib.__all__, name
    importlib.import_module(lesson.exercises)


def test_no_lesson_exports_a_name_twice_or_hides_one_of_lessonlibs():
    names = [name for lesson in LESSONS for name in lesson.exports]
    assert len(names) == len(set(names))
    assert len(lessonlib.__all__) == len(set(lessonlib.__all__))  # lessonlib's own names, then the lessons'
    assert sorted(lessonlib.__all__) == sorted(set(lessonlib.__all__) & set(dir(lessonlib)))


def test_the_explorer_class_is_a_lessonlib_name_loaded_on_first_use():
    from lessonlib import widgets

    assert lessonlib.Explorer is widgets.Explorer and "Explorer" in dir(lessonlib)
    with pytest.raises(AttributeError, match="module 'lessonlib' has no attribute 'no_such_explorer'"):
        _ = lessonlib.no_such_explorer
    code = ("import sys, lessonlib; from lessonlib.lessons import exports; "
            "[getattr(lessonlib, name) for name in exports()]; loaded = ['lessonlib.widgets' in sys.modules]; "
            "explorer = lessonlib.Explorer; widgets = sys.modules.get('lessonlib.widgets'); "
            "print(loaded + [widgets is not None, explorer is getattr(widgets, 'Explorer', None)])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[False, True, True]"  # the lessons' panels too load it only when called


def test_every_subpackage_is_in_the_distribution():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = [".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "lessonlib").rglob("__init__.py")]
    mapped = setuptools["package-dir"]  # packages kept elsewhere in the tree: the diagrams in img/
    assert {name: (ROOT / path / "__init__.py").is_file() for name, path in mapped.items()} == {"lessonlib.img": True}
    assert sorted(setuptools["packages"]) == sorted(found + list(mapped)), "a wheel would lack the others"


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
