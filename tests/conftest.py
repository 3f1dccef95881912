"""Test set-up: the TensorFlow backend, quietly, before anything imports Keras; shared test data."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import importlib  # noqa: E402
import importlib.util  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib  # noqa: E402
import pytest  # noqa: E402

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parent.parent


def load_script(relative):
    """The project's script at ``relative`` (``tools/envs.py``, ``hub/limits.py``, ...) as a module, named
    after its folder and file (``tools_envs``): scripts are run, not installed, so tests load them by path."""
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(f"{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def lesson_two_sines():
    """Lesson 2's series (seed 0) and their chronological windows of 50: ``(data, (x_train, x_test,
    y_train, y_test))``, for the windowing and for the matched filter."""
    from lessonlib.signals import two_sines
    from lessonlib.windows import windows_and_labels

    data = two_sines(seed=0)
    return data, windows_and_labels(data.noisy_a, data.noisy_b, 50)


# --- what each lesson's notebook has defined when its exercises begin ---------------------------
# Read from the lesson itself: the top-level statements of its text source (notebooks/<NOTEBOOK>.md)
# before the cell that imports its exercises, sliced down to those that define the names asked for
# (and what those need), then run. Nothing here names a lesson or restates one of its cells.


def _base(node):
    """The name an attribute, item or method chain starts from (``model`` in ``model.layers[0].x``)."""
    import ast

    while isinstance(node, (ast.Subscript, ast.Attribute, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _loads(tree):
    import ast

    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _binds(tree, modules=frozenset()):
    """The names ``tree`` binds or changes: assignment, loop and ``with`` targets, imports, definitions,
    arguments, the bases of item and attribute stores and of method calls (``values.append(...)``), a
    module's name only when imported (``lessonlib.claim(...)`` changes nothing)."""
    import ast

    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, ast.Store):
            names.add(_base(node))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func,
                                                                                            ast.Attribute):
            names.add(_base(node.value)) if _base(node.value) not in modules else None
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names - {None}


def lesson_statements(lesson, names):
    """The top-level statements of ``lesson``'s cells before its exercises that ``names`` need, in order."""
    import ast
    import pathlib

    import jupytext
    from IPython.core.inputtransformer2 import TransformerManager

    path = pathlib.Path(__file__).resolve().parent.parent / "notebooks" / f"{lesson.notebook}.md"
    cells = [cell.source for cell in jupytext.read(path).cells if cell.cell_type == "code"]
    package, _, module = lesson.exercises.rpartition(".")
    imports = (f"import {lesson.exercises}", f"from {package} import {module}")
    first = next(i for i, source in enumerate(cells) if any(text in source for text in imports))
    # IPython syntax (Colab's `%pip install` cell) becomes plain Python first, as the kernel would run it.
    python = TransformerManager().transform_cell
    statements = [statement for source in cells[:first] for statement in ast.parse(python(source)).body]
    modules = {(node.asname or node.name).split(".")[0] for node in ast.walk(ast.Module(statements, []))
               if isinstance(node, ast.alias)}
    needed, kept = set(names), []
    for statement in reversed(statements):
        if _binds(statement, modules) & needed:
            kept.insert(0, statement)
            needed |= _loads(statement)
    return path, kept


def free_names(code):
    """The names ``code`` uses without binding them (what it needs from the notebook)."""
    import ast
    import builtins

    tree = ast.parse(code)
    return _loads(tree) - _binds(tree, modules=_loads(tree)) - set(dir(builtins))


@pytest.fixture(scope="session")
def lesson_variables():
    """``lesson_variables(number, *names, solutions=True)``: what lesson ``number``'s notebook has defined
    when its exercises begin that its solutions (unless ``solutions=False``) and ``names`` use, computed
    by its own statements; LookupError if it defines no such name.

    Each lesson's are built once per session (per worker) and shared: copy the dict before adding to it.
    """
    import ast
    import functools

    from lessonlib.lessons import LESSONS

    @functools.cache
    def variables(number, *names, solutions=True):
        lesson = next(lesson for lesson in LESSONS if lesson.number == number)
        exercises = importlib.import_module(lesson.exercises).EXERCISES if solutions else ()
        wanted = set(names).union(*(free_names(e.solution_code) for e in exercises)) - {"exercises"}
        path, statements = lesson_statements(lesson, wanted)
        namespace = {}
        exec(compile(ast.Module(statements, type_ignores=[]), str(path), "exec"), namespace)
        missing = sorted(wanted - namespace.keys())
        if missing:
            raise LookupError(f"{path.name} defines no {missing} before its exercises")
        return namespace

    return variables


# --- every registered lesson's explorer, shrunk to a tiny recipe ---------------------------------
# For tests that train real networks through a lesson's run function or panel: both look their task up
# in the registry when called, so configuring it there is enough. Nothing here names a lesson.

from lessonlib.explore import Recipe  # noqa: E402 (numpy only, no Keras)

# 4 epochs of 2 batches for every cell type: a run takes a second or two, besides its test set.
TINY = Recipe(units=8, learning_rate=0.01, batch_size=64, n_train=256, passes=2, patience=3, epochs_per_pass=2)


@pytest.fixture
def configure_lesson():
    """``configure_lesson(name, **changes)``: lesson ``name``'s task with ``changes`` (``explore.Task``
    fields) for this test, in the registry (``lessonlib.lessons.configured``); returns that task."""
    import contextlib

    from lessonlib.lessons import configured

    with contextlib.ExitStack() as stack:
        yield lambda name, **changes: stack.enter_context(configured(name, **changes))


@pytest.fixture
def tiny_tasks(configure_lesson):
    """Every registered lesson's task with TINY for every cell (the cells' overrides gone, the lesson's
    own choices kept), by lesson name, configured for this test. The data, test sets, yardsticks and
    scores stay the real ones."""
    from lessonlib.lessons import LESSONS

    def tiny(task):
        own = {name: values for name, values in task.overrides.items() if name != "cell"}  # e.g. strategies
        return {"recipe": TINY, "overrides": own}

    return {lesson.name: configure_lesson(lesson.name, **tiny(lesson.task)) for lesson in LESSONS}


@pytest.fixture(scope="session")
def network_outputs():
    """``network_outputs(run, x)``: the outputs of ``run``'s network on the items ``x`` (regrouped to its values
    per step), as float, without the last axis: one per item, or one per step and item."""
    import numpy as np

    from lessonlib.windows import stack_steps

    def outputs(run, x):
        x = stack_steps(x, run.per_step).astype("float32")
        return np.asarray(run.model.predict(x, verbose=0), dtype=float)[..., 0]

    return outputs
