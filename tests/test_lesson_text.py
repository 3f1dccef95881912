"""Each lesson fits a 50-minute class: at most 2,500 words of prose before its explorer.

Read aloud at about 150 words a minute, 2,500 words are some 17 minutes; with the code, the plots and
the explorer, that is what one class holds. The lessons are every ``notebooks/NN_*.md`` (two digits,
an underscore), read with jupytext; a lesson's explorer cell is its first code cell that calls
``lessonlib.<something>_explorer(...)``, and its prose is every markdown cell before that cell
(the explorer's own description included, the exercises after it not).

A word is a whitespace-separated token holding at least one letter or digit, once HTML tags (the
diagrams' ``<img ...>``) are removed: "Cramér-Rao" is one word, "95 %" one ("%" alone is none),
``return_sequences=True`` one, and a formula counts its tokens, as a teacher reads it out.
"""

import re
from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.md"))
MAX_WORDS = 2500
EXPLORER_CALL = re.compile(r"\blessonlib\.\w+_explorer\s*\(")
HTML_TAG = re.compile(r"<[^>]*>")
WORD = re.compile(r"[^\W_]")  # a letter or a digit, in any script


def count_words(markdown):
    """The words of a markdown text, by the rule in this module's docstring."""
    return sum(1 for token in HTML_TAG.sub(" ", markdown).split() if WORD.search(token))


def prose_before_explorer(path):
    """The markdown cells of a lesson before its explorer cell; fails the test if there is none."""
    cells = jupytext.read(path).cells
    explorer = next((i for i, cell in enumerate(cells)
                     if cell.cell_type == "code" and EXPLORER_CALL.search(cell.source)), None)
    if explorer is None:
        pytest.fail(f"{path.name}: no code cell calls lessonlib.*_explorer(), so the prose before the "
                    f"explorer cannot be counted")
    return [cell.source for cell in cells[:explorer] if cell.cell_type == "markdown"]


def test_the_lessons_are_found():
    assert LESSONS, f"no lesson sources notebooks/[0-9][0-9]_*.md under {NOTEBOOKS}"


def test_the_word_rule():
    assert count_words("The Cramér-Rao bound, 95 % of `return_sequences=True`.") == 6
    assert count_words('<img src="x.png" alt="a diagram"> two words') == 2
    assert count_words("$$h_t = \\tanh(W_x x_t)$$") == 3


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_prose_before_the_explorer_fits_a_class(lesson):
    words = sum(count_words(source) for source in prose_before_explorer(lesson))
    assert words <= MAX_WORDS, (f"{lesson.name} has {words:,} words of prose before its explorer cell, "
                                f"more than {MAX_WORDS:,}: cut {words - MAX_WORDS:,}")


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_the_lesson_is_seeded_uses_keras_3_idioms_and_downloads_nothing(lesson):
    code = [cell.source for cell in jupytext.read(lesson).cells if cell.cell_type == "code"]
    source = "\n".join(code)
    assert len(re.findall(r"^SEED = 0\b", source, flags=re.M)) == 1, f"{lesson.name}: one `SEED = 0`"
    assert "keras.utils.set_random_seed(SEED)" in source, f"{lesson.name} never seeds Keras"
    assert "input_shape=" not in source, f"{lesson.name}: use keras.Input(shape=...), not input_shape="
    # The first cell installs lessonlib on Colab only; nothing else reaches the network at run time.
    assert code[0].startswith('import sys\n\nif "google.colab" in sys.modules:'), f"{lesson.name}: first cell"
    assert "http" not in "\n".join(code[1:]), f"{lesson.name} downloads something at run time"
