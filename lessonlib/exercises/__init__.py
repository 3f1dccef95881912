"""Self-check exercises for the lessons, in the spirit of Kaggle Learn's checkers.

Each lesson N has a module ``lessonN`` here, imported by name, whose exercises are objects with
``check(answer)``, ``hint()`` and ``solution()``::

    from lessonlib.exercises import lesson1 as exercises
    exercises.leaky_split.check(leaking_windows)

A new lesson needs only its module: nothing here lists the lessons. The answer is always passed in,
never read from the notebook; a wrong answer gets a message that says what is wrong. Importing
computes nothing: each check builds its reference data when called.
"""

from ._core import Exercise, Feedback

__all__ = ["Exercise", "Feedback"]
