"""Self-check exercises for the three lessons, in the spirit of Kaggle Learn's checkers.

Each lesson module holds its exercises as objects with ``check(answer)``, ``hint()`` and
``solution()``::

    from lessonlib.exercises import lesson1 as exercises
    exercises.leaky_split.check(leaking_windows)

The answer is always passed in, never read from the notebook; a wrong answer gets a message that
says what is wrong. Importing computes nothing: each check builds its reference data when called.
"""

from . import lesson1, lesson2, lesson3
from ._core import Exercise, Feedback

__all__ = ["Exercise", "Feedback", "lesson1", "lesson2", "lesson3"]
