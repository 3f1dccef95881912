"""Each lesson's explorer, run once at its defaults without a browser, as the site shows it.

`make explorer-pictures` writes, for every lesson of the registry (``lessonlib.lessons.LESSONS``),
``site/explorers/<notebook>.png``: the panel's two live pictures after the run (the test score per
epoch against the yardsticks, and the network's predictions), side by side as the panel shows them;
and ``<notebook>.json``: the settings, the panel's status line, its table of scores (HTML) and the
picture's alt text. They are committed, so that `make site` trains nothing. Only the explorers' public
API is used: ``lessonlib.<name>_explorer()``, ``start``, ``wait``, ``last_result``, ``errors`` and the
panel's ``status``, ``curve_image``, ``view_image`` and ``result_html``.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import re
import sys
from pathlib import Path

from PIL import Image

import lessonlib
from lessonlib.lessons import LESSONS

OUT = Path(__file__).resolve().parent / "explorers"
TIMEOUT = 900  # s: a run at the defaults takes well under a minute on an idle laptop


def text(markup):
    """HTML to one line of plain text."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def side_by_side(*pngs):
    images = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    joined = Image.new("RGB", (sum(i.width for i in images), max(i.height for i in images)), "white")
    x = 0
    for image in images:
        joined.paste(image, (x, 0))
        x += image.width
    buffer = io.BytesIO()
    joined.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def picture(lesson):
    panel = getattr(lessonlib, f"{lesson.name}_explorer")()
    settings = {name: value for name, value in panel.settings()._asdict().items() if name != "seed"}  # a NamedTuple
    if not panel.start():
        raise RuntimeError(f"lesson {lesson.number}: the explorer did not start a run")
    if not panel.wait(TIMEOUT):
        panel.stop()
        raise TimeoutError(f"lesson {lesson.number}: the run did not end within {TIMEOUT} s")
    if panel.errors or panel.last_result is None:
        raise RuntimeError(f"lesson {lesson.number}: the run failed: {panel.errors or text(panel.status.value)}")
    described = ", ".join(f"{name} {value:.2f}" if isinstance(value, float) else f"{name} {value}"
                          for name, value in settings.items())
    alt = (f"Lesson {lesson.number}'s explorer after one run at its default settings ({described}). "
           f"Left: the network's test score after each epoch, with a dashed line for each baseline and for "
           f"the best possible method. Right: the network's predictions on test data after the epoch it keeps.")
    (OUT / f"{lesson.notebook}.png").write_bytes(side_by_side(panel.curve_image.value, panel.view_image.value))
    record = {"lesson": lesson.number, "explorer": f"lessonlib.{lesson.name}_explorer()", "settings": settings,
              "status": text(panel.status.value), "result_html": panel.result_html.value, "alt": alt}
    (OUT / f"{lesson.notebook}.json").write_text(json.dumps(record, indent=1) + "\n")
    panel.close()
    return record


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="explorer names (e.g. forecast); all lessons by default")
    names = parser.parse_args(argv).names
    OUT.mkdir(exist_ok=True)
    for lesson in LESSONS:
        if not names or lesson.name in names:
            print(f"lesson {lesson.number}: {picture(lesson)['status']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
