"""The registry of lessons: one module per lesson holds its wiring, and everything else iterates ``LESSONS``.

A lesson's module (``lessonlib/lessons/<name>.py``) defines ``NUMBER`` (its place in the course),
``NOTEBOOK`` (the stem of ``notebooks/<NOTEBOOK>.md`` and ``.ipynb``), ``TASK`` (its explorer: an
``explore.Task``) and in ``__all__`` the functions the lessons reach as ``lessonlib.<name>`` (its
run function and its explorer). Its exercises are ``lessonlib.exercises.lesson<NUMBER>``. The
explorers, the tests, ``make bench``, the explorer benchmark and the browser tests read this
registry; none of them lists the lessons. Importing it loads numpy only.

Examples
--------
>>> [(lesson.number, lesson.notebook, lesson.task.name) for lesson in LESSONS]  # doctest: +NORMALIZE_WHITESPACE
[(1, '01_forecasting', 'forecast'), (2, '02_classification', 'classification'),
 (3, '03_regression', 'regression'), (4, '04_many_steps', 'many_steps')]
>>> by_name("forecast").exercises, by_name("forecast").module
('lessonlib.exercises.lesson1', 'lessonlib.lessons.forecasting')
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import NamedTuple

from .._validation import check_choice


class Lesson(NamedTuple):
    """One lesson: its number, its notebook's stem, its explorer's task, what it exports and the module
    that defines them (``lessonlib.lessons.<name>``, whose ``TASK`` a run reads when it starts)."""

    number: int
    notebook: str
    task: object
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


def _discover():
    lessons = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        exports = {name: getattr(module, name) for name in module.__all__}
        lessons.append(Lesson(module.NUMBER, module.NOTEBOOK, module.TASK, exports, module.__name__))
    return tuple(sorted(lessons))


LESSONS = _discover()


def by_name(name):
    """The lesson whose explorer is called ``name`` (``"forecast"``, ...)."""
    check_choice("name", name, [lesson.name for lesson in LESSONS])
    return next(lesson for lesson in LESSONS if lesson.name == name)


def exports():
    """Every name the lessons' modules export, ``{name: object}``: ``lessonlib.<name>``."""
    return {name: value for lesson in LESSONS for name, value in lesson.exports.items()}
