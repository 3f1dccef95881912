"""The registry of lessons: one module per lesson holds its wiring, read once, here; everything else
reads the registry.

A lesson's module (``lessonlib/lessons/<name>.py``) defines ``NUMBER`` (its place in the course),
``NOTEBOOK`` (the stem of ``notebooks/<NOTEBOOK>.md`` and ``.ipynb``), ``TASK`` (what its explorer's
runs need: an ``explore.Task``), ``PANEL`` (what its panel shows: a ``panel.Panel``) and in ``__all__``
the functions the lessons reach as ``lessonlib.<name>`` (its run function and its explorer). Its
exercises are ``lessonlib.exercises.lesson<NUMBER>``. Discovery checks that contract once and keeps
each lesson as a ``Lesson``; the run functions and the panels then look their task up here (``by_name``)
when they are called, so a lesson configured with ``configured`` (the tests' tiny recipes) is the one
they run. The explorers, the tests and the benchmarks iterate ``LESSONS``; the Makefile finds the
notebooks by their file names (``notebooks/*.md``), which this registry names too. Importing it loads
numpy only.

Examples
--------
>>> [(lesson.number, lesson.notebook, lesson.task.name) for lesson in LESSONS]  # doctest: +NORMALIZE_WHITESPACE
[(1, '01_forecasting', 'forecast'), (2, '02_classification', 'classification'),
 (3, '03_regression', 'regression'), (4, '04_many_steps', 'many_steps'),
 (5, '05_real_series', 'real_series')]
>>> by_name("forecast").exercises, by_name("forecast").module
('lessonlib.exercises.lesson1', 'lessonlib.lessons.forecasting')
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
from typing import NamedTuple

from .._validation import check_choice

_CONTRACT = ("NUMBER", "NOTEBOOK", "TASK", "PANEL", "__all__")


class Lesson(NamedTuple):
    """One lesson: its number, its notebook's stem, its explorer's run (``task``) and panel (``panel``),
    what it exports and the module that defines them (``lessonlib.lessons.<name>``)."""

    number: int
    notebook: str
    task: object
    panel: object
    exports: dict  # name -> object, reached as lessonlib.<name>
    module: str

    @property
    def name(self):
        """The explorer's name, e.g. ``"forecast"``: ``lessonlib.forecast_explorer``."""
        return self.task.name

    @property
    def exercises(self):
        """The module of the lesson's exercises."""
        return f"{__package__.rpartition('.')[0]}.exercises.lesson{self.number}"


def _read(module):
    """The ``Lesson`` a module defines, once its contract is checked."""
    missing = [name for name in _CONTRACT if not hasattr(module, name)]
    if missing:
        raise TypeError(f"{module.__name__} must define {', '.join(_CONTRACT)} to be a lesson; it lacks "
                        f"{', '.join(missing)}.")
    if module.TASK.lesson != module.NUMBER:
        raise ValueError(f"{module.__name__}: TASK.lesson must be NUMBER. Received: TASK.lesson="
                         f"{module.TASK.lesson}, NUMBER={module.NUMBER}.")
    exports = {name: getattr(module, name) for name in module.__all__}
    return Lesson(module.NUMBER, module.NOTEBOOK, module.TASK, module.PANEL, exports, module.__name__)


def _discover():
    modules = (importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__))
    return tuple(sorted((_read(module) for module in modules), key=lambda lesson: lesson.number))


LESSONS = _discover()
_CURRENT = {lesson.name: lesson for lesson in LESSONS}  # as configured now: LESSONS's, unless a test changed one


def by_name(name):
    """The lesson whose explorer is called ``name`` (``"forecast"``, ...), as configured now."""
    check_choice("name", name, list(_CURRENT))
    return _CURRENT[name]


@contextlib.contextmanager
def configured(name, **changes):
    """Within the block, lesson ``name``'s task has ``changes`` (e.g. ``recipe=..., overrides={}``): its
    run function and any panel built meanwhile use it. For tests and benchmarks; yields the task.

    Examples
    --------
    >>> with configured("forecast", optimum="sine fit") as task:
    ...     by_name("forecast").task.optimum
    'sine fit'
    >>> by_name("forecast").task.optimum
    'Bayes forecast (optimum)'
    """
    lesson = by_name(name)
    _CURRENT[name] = lesson._replace(task=lesson.task._replace(**changes))
    try:
        yield _CURRENT[name].task
    finally:
        _CURRENT[name] = lesson


def exports():
    """Every name the lessons' modules export, ``{name: object}``: ``lessonlib.<name>``."""
    return {name: value for lesson in LESSONS for name, value in lesson.exports.items()}
