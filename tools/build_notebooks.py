"""Build each lesson notebook from its text source: what `make notebooks` runs.

notebooks/X.md (MyST Markdown, the file people edit and review) -> notebooks/X.ipynb: the cells come
from the text source, the outputs from executing them in a fresh kernel. Then what does not belong in
the repository is stripped: the stored widget state (`metadata.widgets`) and the widget views that
point into it, the interpreter's exact version, and every cell metadata but tags and `mystnb` (a figure's
alt text, which the site reads). Stored figures are re-encoded with a 64-colour palette: the same picture
on screen (line plots use a handful of colours) at about a third of the bytes, so a lesson stays small
enough to review and to open on GitHub.

Usage: python tools/build_notebooks.py [notebooks/01_forecasting.md ...]   (default: every lesson)
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from notebook_client import NotebookClient  # nbclient's, robust to a missed wake-up
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PAIRING = "ipynb,md:myst"
MAX_BYTES = 400_000  # a committed notebook's ceiling (tests/test_notebook_sources.py checks it too)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KEPT_CELL_METADATA = ("tags", "mystnb")  # mystnb: the alt text of a cell's figure, which the site shows
PALETTE_COLOURS = 64


def compress_png(encoded):
    """A base64 PNG re-encoded with a palette of PALETTE_COLOURS colours, without dithering."""
    image = Image.open(io.BytesIO(base64.b64decode(encoded))).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT,
                   dither=Image.Dither.NONE).save(buffer, "PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def strip(notebook):
    """Remove stored widget state, widget views and volatile metadata, in place; return the notebook."""
    notebook.metadata.pop("widgets", None)
    notebook.metadata["jupytext"] = {"formats": PAIRING}  # the pairing only, not jupytext's version
    language = notebook.metadata.get("language_info", {})
    notebook.metadata["language_info"] = {key: language[key] for key in ("name",) if key in language}
    for cell in notebook.cells:
        cell.metadata = {key: cell.metadata[key] for key in KEPT_CELL_METADATA if key in cell.metadata}
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs
                            if WIDGET_VIEW not in output.get("data", {})]
            for output in cell.outputs:
                if "image/png" in output.get("data", {}):
                    output["data"]["image/png"] = compress_png(output["data"]["image/png"])
    return notebook


def build(source, *, timeout=900):
    """Execute `source` (a .md lesson) in a fresh kernel and write its paired .ipynb; return its path."""
    source = Path(source).resolve()
    if source.suffix != ".md":
        raise SystemExit(f"{source}: expected a lesson's text source (notebooks/*.md)")
    target = source.with_suffix(".ipynb")
    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                       "name": "python3"}
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(source.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(strip(notebook), target)
    # jupytext refuses to open a pair whose text file looks older than its notebook: keep the source newest.
    os.utime(source)
    size = target.stat().st_size
    flag = "" if size <= MAX_BYTES else f"  OVER the {MAX_BYTES // 1000} KB ceiling: shrink its figures"
    print(f"{target.relative_to(ROOT)}: executed in {seconds:.0f} s, {size / 1000:.0f} KB{flag}", flush=True)
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path,
                        default=sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md")))
    args = parser.parse_args(argv)
    oversized = [target for target in map(build, args.sources) if target.stat().st_size > MAX_BYTES]
    return 1 if oversized else 0


if __name__ == "__main__":
    sys.exit(main())
