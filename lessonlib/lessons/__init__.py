"""The registry of lessons: one module per lesson holds its wiring, read once, here; everything else
reads the registry.

A lesson's module (``lessonlib/lessons/<name>.py``) defines ``NUMBER`` (its place in the course),
``NOTEBOOK`` (the stem of ``notebooks/<NOTEBOOK>.md`` and ``.ipynb``), ``TASK`` (what its explorer's
runs need: an ``explore.Task``), ``PANEL`` (what its panel shows: a ``panel.Panel``) and in ``__all__``
the functions the lessons reach as ``lessonlib.<name>`` (its run function, made by ``run_function``
from its settings type, and its explorer). Its
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
import functools
import importlib
import inspect
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


def run_function(settings):
    """Make a lesson's documented stub its run function (``lessonlib.run_<name>``): it takes the fields of
    the lesson's ``settings`` type, with its defaults (``seed`` by name only), and ``should_stop`` and
    ``on_update``, and runs ``explore.run`` on its module's task as configured now (see ``configured``).

    Examples
    --------
    >>> print(inspect.signature(by_name("forecast").exports["run_forecast"]))
    (noise=0.5, window=50, cell='LSTM', *, seed=0, should_stop=None, on_update=None)
    """
    positional, keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY
    signature = inspect.Signature([
        *(inspect.Parameter(name, keyword if name == "seed" else positional, default=default)
          for name, default in settings._field_defaults.items()),
        *(inspect.Parameter(name, keyword, default=None) for name in ("should_stop", "on_update"))])

    def decorate(stub):
        @functools.wraps(stub)
        def run(*args, **kwargs):
            try:
                arguments = signature.bind(*args, **kwargs).arguments
            except TypeError as error:  # an unknown or surplus argument: say which ones it takes
                raise TypeError(f"{stub.__name__}(): {error}; it takes {', '.join(signature.parameters)}.") from None
            callbacks = {name: arguments.pop(name) for name in ("should_stop", "on_update") if name in arguments}
            from .. import explore

            task = next(lesson.task for lesson in _CURRENT.values() if lesson.module == stub.__module__)
            return explore.run(task, settings(**arguments), **callbacks)

        run.__signature__ = signature
        return run

    return decorate


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
