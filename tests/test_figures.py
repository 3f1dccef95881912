"""Tests for tools/figures.py: the four diagrams are written, readable, reproducible and labelled."""

import pathlib
import subprocess
import sys

import matplotlib.image
import numpy as np
import pytest
from conftest import load_script
from matplotlib.figure import Figure

TOOL = pathlib.Path(__file__).resolve().parent.parent / "tools" / "figures.py"
figures = load_script("tools/figures.py")

EXPECTED = ["simple-mlp.png", "rnn.png", "rnn-unrolled-labeled.png", "rnn-2-layer-unrolled.png"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return figures.save_all(tmp_path_factory.mktemp("img"))


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_save_all_writes_the_four_files(written):
    assert [p.name for p in written] == EXPECTED
    assert all(p.is_file() for p in written)


def test_save_all_creates_missing_folder(tmp_path):
    paths = figures.save_all(tmp_path / "a" / "b")
    assert [p.parent for p in paths] == [tmp_path / "a" / "b"] * 4


@pytest.mark.parametrize("name", EXPECTED)
def test_each_file_is_a_nonblank_png(written, name):
    path = next(p for p in written if p.name == name)
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    pixels = matplotlib.image.imread(path)
    height, width = pixels.shape[:2]
    assert height > 300 and width > 300
    non_white = np.any(pixels[..., :3] < 0.95, axis=-1)
    assert non_white.mean() > 0.01
    # White background: the corners are white.
    for corner in (pixels[0, 0], pixels[0, -1], pixels[-1, 0], pixels[-1, -1]):
        assert np.allclose(corner[:3], 1.0)


def test_save_all_is_byte_reproducible(written, tmp_path):
    again = figures.save_all(tmp_path)
    for first, second in zip(written, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


@pytest.mark.parametrize("draw, expected", [
    (figures.draw_simple_mlp, ["$x_1$", "$h_1$", r"$\hat{y}$", "input layer", "hidden layer",
                               "output layer"]),
    (figures.draw_rnn, ["$x_t$", "$h_t$", r"$\hat{y}_t$", "$W_x$", "$W_y$"]),
    (figures.draw_rnn_unrolled, ["$x_0$", "$x_3$", "$h_0$", "$h_3$", r"$\hat{x}_4$", "$W_x$",
                                 "$W_h$", "$W_y$",
                                 "the same three weight sets are reused at every step"]),
    (figures.draw_rnn_two_layer, ["$x_0$", "$h^1_0$", "$h^2_3$", r"$\hat{x}_4$",
                                  "return_sequences=True", "return_sequences=False"]),
])
def test_draw_returns_given_axes_with_labels(draw, expected):
    ax = Figure().add_subplot()
    assert draw(ax) is ax
    texts = _texts(ax)
    missing = [e for e in expected if e not in texts]
    assert not missing, f"{draw.__name__} lacks {missing}; has {texts}"


def test_rnn_loop_is_labelled_as_recurrent():
    texts = " ".join(_texts(figures.draw_rnn(Figure().add_subplot())))
    assert "$W_h$" in texts and "recurrent" in texts


def test_unrolled_weights_are_labelled_at_every_step():
    texts = _texts(figures.draw_rnn_unrolled(Figure().add_subplot()))
    assert texts.count("$W_x$") == 4
    assert texts.count("$W_h$") == 3
    assert texts.count("$W_y$") == 1


def test_unrolled_weight_labels_are_colour_coded():
    colours = {}
    for t in figures.draw_rnn_unrolled(Figure().add_subplot()).texts:
        if t.get_text() in ("$W_x$", "$W_h$", "$W_y$"):
            colours.setdefault(t.get_text(), set()).add(t.get_color())
    assert all(len(c) == 1 for c in colours.values())  # one colour per weight set ...
    assert len(set.union(*colours.values())) == 3  # ... and three different colours


@pytest.mark.parametrize("draw", [figures.draw_simple_mlp, figures.draw_rnn,
                                  figures.draw_rnn_unrolled, figures.draw_rnn_two_layer])
def test_draw_without_axes_makes_its_own(draw):
    ax = draw()
    assert ax.figure is not None and ax.texts


def test_command_line_writes_to_given_folder(tmp_path):
    out = subprocess.run([sys.executable, str(TOOL), str(tmp_path / "out")],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(tmp_path / "out" / name) for name in EXPECTED]
