"""The lessons' diagrams, shown as cell outputs so that they travel with the notebook.

A diagram in a Markdown cell (``<img src="../img/rnn.png">``) is a link to a file beside the notebook:
broken on Colab (which opens the ``.ipynb`` alone), in a notebook copied to an empty folder, and on
GitHub's rendering of a single file. Shown by ``show_diagram`` instead, it is a PNG in the cell's
output: stored in the committed notebook (GitHub, a site, a notebook opened alone show it before
anything runs) and drawn again from lessonlib's own copy when the cell runs. Each call carries the
diagram's alt text, which is also the output's plain-text form (what a text-only viewer shows).
The PNGs are drawn by tools/figures.py (``make figures``) into img/, shipped as the package ``lessonlib.img``.
"""

from __future__ import annotations

import base64
from importlib import resources


def diagram_names():
    """The file names of the diagrams lessonlib ships.

    Examples
    --------
    >>> diagram_names()
    ['rnn-2-layer-unrolled.png', 'rnn-unrolled-labeled.png', 'rnn.png', 'simple-mlp.png']
    """
    return sorted(entry.name for entry in resources.files("lessonlib.img").iterdir()
                  if entry.name.endswith(".png"))


def diagram_bundle(name, *, alt, width=None):
    """(data, metadata) of the output ``show_diagram`` displays: the PNG, its alt text as plain text,
    and its display width in pixels.

    Examples
    --------
    >>> data, metadata = diagram_bundle("rnn.png", alt="A recurrent network", width=340)
    >>> sorted(data), data["text/plain"], metadata
    (['image/png', 'text/plain'], 'A recurrent network', {'image/png': {'width': 340}})
    >>> diagram_bundle("rnn.gif", alt="?")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: No diagram named 'rnn.gif'. Expected one of: rnn-2-layer-unrolled.png, ...
    """
    names = diagram_names()
    if name not in names:
        raise ValueError(f"No diagram named {name!r}. Expected one of: {', '.join(names)}.")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"`alt` must describe the diagram in a sentence. Received: alt={alt!r}.")
    png = resources.files("lessonlib.img").joinpath(name).read_bytes()
    data = {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt}
    return data, ({"image/png": {"width": int(width)}} if width is not None else {})


def show_diagram(name, *, alt, width=None):
    """Display one of lessonlib's diagrams (``name``, e.g. ``"rnn.png"``) as this cell's output,
    ``width`` pixels wide, with ``alt`` (one sentence saying what it shows) as its text form."""
    from IPython.display import display

    data, metadata = diagram_bundle(name, alt=alt, width=width)
    display(data, metadata=metadata, raw=True)
