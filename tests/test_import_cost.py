"""What importing each part of lessonlib loads: a lesson's first cell must not wait for TensorFlow.

Each import runs in a fresh interpreter. Keras (with its backend), matplotlib, ipywidgets, SciPy and
scikit-learn are imported inside the functions that need them; only the explorer panels
(``lessonlib.widgets``) load ipywidgets and matplotlib, and nothing loads Keras before a model is built.
"""

import ast
import subprocess
import sys

import pytest

BACKENDS = ("tensorflow", "keras", "jax", "torch")
HEAVY = (*BACKENDS, "matplotlib", "ipywidgets", "scipy", "sklearn", "lessonlib.widgets")


@pytest.mark.parametrize("module, loads, never", [
    ("lessonlib", (), HEAVY),  # imports every concern module (signals, windows, classical, report, ...)
    ("lessonlib.explore", (), HEAVY),
    ("lessonlib.lessons", (), HEAVY),
    ("lessonlib.exercises", (), HEAVY),
    ("lessonlib.panel", (), HEAVY),
    ("lessonlib.live", (), HEAVY),
    ("lessonlib.widgets", ("ipywidgets", "matplotlib"), (*BACKENDS, "scipy", "sklearn")),  # figures, no pyplot
])
def test_importing_loads_only_what_it_needs(module, loads, never):
    probe = (*loads, *never, module)
    code = (f"import sys, {module}; "
            f"print(sorted(m for m in {probe!r} if any(k == m or k.startswith(m + '.') for k in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert ast.literal_eval(out.stdout) == sorted([*loads, module]), f"importing {module} loads too much"
