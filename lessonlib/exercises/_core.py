"""What every exercise shares: a check of the student's answer, a hint, a solution, and feedback.

A check returns a :class:`Feedback` that a notebook shows as one line: correct, not yet (with what is
wrong), or not answered yet.
"""

from __future__ import annotations

import html
import traceback

import numpy as np

from .._validation import check_choice
from ..windows import stack_steps

UNANSWERED = "unanswered"
CORRECT = "correct"
INCORRECT = "incorrect"
# status: (label, mark, colour)
_SHOWN = {CORRECT: ("Correct", "\u2714", "#1a7f37"), INCORRECT: ("Not yet", "\u2718", "#b3261e"),
          UNANSWERED: ("Not answered yet", "\u25cb", "#6e7781")}


class Incorrect(Exception):
    """Raised inside a checker: the answer is wrong, and the message says what is wrong."""


class Unanswered(Exception):
    """Raised inside a checker: the answer is still the starter code's placeholder."""


class Feedback:
    """The outcome of a check: ``status`` (correct, incorrect, unanswered) and a message."""

    def __init__(self, status, message):
        self.status = check_choice("status", status, tuple(_SHOWN))
        self.message = message

    @property
    def correct(self):
        return self.status == CORRECT

    def __repr__(self):
        label, mark, _ = _SHOWN[self.status]
        return f"{mark} {label}: {self.message}"

    def _repr_html_(self):
        label, mark, colour = _SHOWN[self.status]
        return f'<p style="color:{colour}"><b>{mark} {label}:</b> {html.escape(self.message)}</p>'


class Text:
    """A hint or a solution: plain text, or code shown as a Python block in a notebook."""

    def __init__(self, kind, body, *, code=False):
        self.kind, self.body, self.code = kind, body.strip("\n"), code

    def __repr__(self):
        return f"{self.kind}:\n{self.body}" if self.code else f"{self.kind}: {self.body}"

    def _repr_markdown_(self):
        return (f"**{self.kind}:**\n\n```python\n{self.body}\n```" if self.code else f"**{self.kind}:** {self.body}")


class Exercise:
    """One exercise: ``check(answer)``, ``hint()`` and ``solution()``.

    Parameters
    ----------
    name : str
        The attribute name in its lesson module, e.g. ``"leaky_split"``; messages refer to it as
        ``exercises.<name>``, the lessons' name for their exercise module.
    checker : callable
        ``checker(answer, **context)`` returns the success message, or raises :class:`Incorrect`
        (or :class:`Unanswered`) with a message saying what is wrong.
    solution : str
        Code that answers the exercise, as the student would write it in the answer cell; it
        ends with the check. Kept as ``solution_code``, which tests run.

    Examples
    --------
    >>> def checker(answer):
    ...     if answer != 4:
    ...         raise Incorrect(f"{answer} is off by {answer - 4}.")
    ...     return "2 + 2 = 4."
    >>> two_plus_two = Exercise("two_plus_two", checker, hint="Count.", solution="4")
    >>> two_plus_two.check(...)  # doctest: +ELLIPSIS
    ○ Not answered yet: replace the ... with your answer, then run the cell again. Stuck? ...
    >>> two_plus_two.check(5)
    ✘ Not yet: 5 is off by 1. Stuck? Run `exercises.two_plus_two.hint()`.
    >>> two_plus_two.check(4).correct
    True
    """

    def __init__(self, name, checker, *, hint, solution):
        self.name, self._checker, self._hint, self.solution_code = name, checker, hint, solution

    def check(self, answer, **context):
        """Check ``answer``; return :class:`Feedback` (shown as one line in a notebook)."""
        stuck = f" Stuck? Run `exercises.{self.name}.hint()`."
        if answer is Ellipsis:
            return Feedback(UNANSWERED, "replace the ... with your answer, then run the cell again." + stuck)
        try:
            message = self._checker(answer, **context)
        except Unanswered as error:
            return Feedback(UNANSWERED, str(error) + stuck)
        except Incorrect as error:
            return Feedback(INCORRECT, str(error) + stuck)
        return Feedback(CORRECT, message)

    def hint(self):
        """A nudge towards the answer, that does not give it away."""
        return Text("Hint", self._hint)

    def solution(self):
        """One correct answer, as code to put in the answer cell."""
        return Text("Solution", self.solution_code, code=True)

    def __repr__(self):
        return f"<Exercise {self.name}: .check(answer), .hint(), .solution()>"


def call_student_function(function, description, *args, returns=None, **kwargs):
    """Call the student's ``function``; if it raises, say so as an :class:`Incorrect`; if it returns
    None (its body not written yet), as an :class:`Unanswered` asking for what it ``returns`` (or,
    without ``returns``, return the None for :func:`as_array` to say so).

    ``description`` is the call as the student would read it, e.g.
    ``"windowize_ahead(np.arange(12.0), window=3, horizon=2)"``; ``returns`` what it should return,
    e.g. ``"the pair (X, y)"``.
    """
    if not callable(function):
        raise Incorrect(f"pass the function itself (its name, without parentheses), not "
                        f"{type(function).__name__} {_short(function)}.")
    try:
        result = function(*args, **kwargs)
    except Exception as error:  # the student's code failed: report where, do not crash
        last = traceback.extract_tb(error.__traceback__)[-1]
        raise Incorrect(f"{description} raised {type(error).__name__}: {error} "
                        f"(line {last.lineno}: {last.line})") from error
    if result is None and returns is not None:
        raise Unanswered(f"{description} returned None: finish the function so that it returns {returns}.")
    return result


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def as_number(answer, what):
    """``answer`` as a float, or :class:`Incorrect` saying that ``what`` must be a number."""
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should be a number; you gave {type(answer).__name__} {_short(answer)}.") from None
    if not np.isfinite(value):
        raise Incorrect(f"{what} should be a finite number; you gave {value}.")
    return value


def as_array(values, shape, what):
    """``values`` as a float array of ``shape``, or :class:`Incorrect` saying what is wrong with it (a
    column ``(n, 1)`` passes for ``(n,)``); None, code not finished yet, is :class:`Unanswered`."""
    if values is None:
        raise Unanswered(f"{what} is None: finish the code so that it returns an array.")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should be an array of numbers; you gave {type(values).__name__}.") from None
    if len(shape) == 1 and array.shape == (*shape, 1):
        array = array[:, 0]
    if array.shape != tuple(shape):
        raise Incorrect(f"{what} should have shape {tuple(shape)}; yours has shape {array.shape}.")
    if not np.isfinite(array).all():
        raise Incorrect(f"{what} contain NaN or infinite values (did training diverge? try a smaller learning rate).")
    return array


def recurrent_model_outputs(model, cell, x):
    """Check that ``model`` is a Keras model with a ``cell`` layer that takes ``x``; predict ``x``.

    Duck-typed (``layers``, ``input_shape``, ``predict``) so that it works on every backend without
    importing Keras here.
    """
    if not hasattr(model, "predict") or not hasattr(model, "layers"):
        raise Incorrect(f"pass the trained Keras model itself (e.g. `model`), not "
                        f"{type(model).__name__} {_short(model)}.")
    kinds = [type(layer).__name__ for layer in model.layers]
    if cell not in kinds:
        raise Incorrect(f"your model has no {cell} layer; its layers are "
                        f"{', '.join(kinds) or 'none'}. Use keras.layers.{cell}(units).")
    expected = (None, *x.shape[1:])
    shape = tuple(getattr(model, "input_shape", expected))
    window = x.shape[1]
    if (shape != expected and x.shape[2:] == (1,) and len(shape) == 3 and isinstance(shape[2], int)
            and shape[1] is not None and shape[1] * shape[2] == window):
        # a model that reads several values per step (lessonlib.stack_steps): regroup x the same way
        x, expected = stack_steps(x, shape[2]), shape
    if shape != expected:
        raise Incorrect(f"your model takes inputs of shape {shape}; the test windows have shape "
                        f"{expected}. Start it with keras.Input(shape={expected[1:]}), or with "
                        f"keras.Input(shape=({window} // k, k)) to read k values per step.")
    return call_student_function(model.predict, "model.predict(x_test, verbose=0)", x, verbose=0,
                                 returns="one output per window")
