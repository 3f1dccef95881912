"""The live explorers in a real browser: click Train and watch the curve move; click Stop and see
the run end.

For each lesson, a small notebook of two cells from the lesson's text source (its first code cell,
the imports, and its explorer cell) is opened in JupyterLab and run. Then:

1. Train: the curve of the network's test score must be redrawn at least twice while the run is
   under way (the button says Stop), and the run must end by itself; screenshot
   ``<lesson>-live.png`` is taken during the run.
2. Train again, and Stop once the curve shows an epoch: the button must say Train again within
   ``STOP_SECONDS`` (2 s) of the click; screenshot ``<lesson>-stopped.png``.

Times are taken in the page (``performance.now()``) by a MutationObserver on the curve's image and
the button, and a listener on the button's clicks, so they are what a student would see.
Fixtures (the server, the browser) are in conftest.py. Run with `make test-browser`.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import nbformat
import pytest

from lessonlib.lessons import LESSONS

from .conftest import lesson_notebook
from .test_lessons_in_browser import (
    EXPLORER_CALL,
    RUN_DONE,
    SHOTS,
    TRAIN_TIMEOUT,
    _wait_until,
    diagnosed,
    error_texts,
    open_notebook,
    run_all_cells,
    screenshot,
)

PROJECT = Path(__file__).resolve().parents[2]
SOURCES = [PROJECT / "notebooks" / f"{lesson.notebook}.md" for lesson in LESSONS]  # the registry's
STOP_SECONDS = float(os.environ.get("BROWSER_STOP_SECONDS", 2))  # s, from the click on Stop to Train

WATCH = """(explorer) => {
    const log = [];
    const button = explorer.querySelector("button.lessonlib-train");
    const curve = explorer.querySelector("img.lessonlib-curve");
    const label = () => button.textContent.trim();
    new MutationObserver(() => log.push({what: "curve", t: performance.now()}))
        .observe(curve, {attributes: true, attributeFilter: ["src"]});
    new MutationObserver(() => log.push({what: "label", t: performance.now(), label: label()}))
        .observe(button, {childList: true, subtree: true, characterData: true});
    button.addEventListener("click", () => log.push({what: "click", t: performance.now(), label: label()}),
                            true);
    window.lessonlibLive = log;
}"""


def explorer_notebook(lab, source):
    """A notebook of the lesson's code cells up to the one that imports lessonlib (after Colab's install
    cell), then its explorer cell, in the server's root."""
    cells = [cell for cell in lesson_notebook(source).cells if cell.cell_type == "code"]
    explorer = [cell for cell in cells if EXPLORER_CALL.search(cell.source)]
    assert explorer, f"{source.name}: no explorer cell"
    setup = next((i for i, cell in enumerate(cells) if "import lessonlib" in cell.source), None)
    assert setup is not None, f"{source.name}: no cell imports lessonlib"
    notebook = lesson_notebook(source)
    notebook.cells = cells[:setup + 1] + [explorer[0]]
    path = f"live/{source.stem}.ipynb"
    (lab.root / "live").mkdir(exist_ok=True)
    nbformat.write(notebook, lab.root / path)
    return path, [cell.source for cell in notebook.cells]


def events(page, since=0):
    return page.evaluate("() => window.lessonlibLive")[since:]


def wait_for(page, condition, timeout, message, since=0):
    """Poll the page's event log until ``condition(events)`` holds; return the events."""
    deadline = time.monotonic() + timeout
    while True:
        log = events(page, since)
        if condition(log):
            return log
        if time.monotonic() > deadline:
            pytest.fail(f"{message}; events: {log}")
        time.sleep(0.1)


def ended(log, click=0):
    """True once the button has turned back into Train after click number ``click`` (from 0)."""
    clicks = [e["t"] for e in log if e["what"] == "click"]
    return len(clicks) > click and any(e["what"] == "label" and e["label"] == "Train" and e["t"] > clicks[click]
                                       for e in log)


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_train_shows_live_updates_and_stop_ends_the_run(lab, page, source):
    stem = source.stem
    for name in (f"{stem}-live.png", f"{stem}-stopped.png", f"{stem}-live-FAILED.png"):
        (SHOTS / name).unlink(missing_ok=True)
    path, cell_sources = explorer_notebook(lab, source)
    with diagnosed(page, lab, f"{stem}-live-FAILED.png"):
        panel = open_notebook(page, lab, path)
        run_all_cells(page, lab, panel, path, cell_sources)
        explorer = panel.locator(".lessonlib-explorer").first
        explorer.wait_for(timeout=60_000)
        assert not error_texts(panel), error_texts(panel)
        explorer.evaluate("el => el.scrollIntoView({block: 'start'})")
        explorer.evaluate(WATCH)
        train = explorer.locator("button.lessonlib-train")
        status = explorer.locator(".lessonlib-status")

        # 1. A run at the defaults: the curve moves while it trains, and it ends by itself.
        train.click()
        wait_for(page, lambda log: sum(e["what"] == "curve" for e in log) >= 3, TRAIN_TIMEOUT,
                 f"{stem}: the curve was not redrawn twice after the click")
        screenshot(explorer, f"{stem}-live.png")
        log = wait_for(page, ended, TRAIN_TIMEOUT, f"{stem}: the run did not end by itself")
        click = next(e["t"] for e in log if e["what"] == "click")
        end = next(e["t"] for e in log if e["what"] == "label" and e["label"] == "Train" and e["t"] > click)
        live = [e["t"] for e in log if e["what"] == "curve" and click < e["t"] < end]
        assert len(live) >= 2, f"{stem}: {len(live)} curve updates during the run"
        assert RUN_DONE.search(status.inner_text()), status.inner_text()
        print(f"{stem}: run 1: first picture {(live[0] - click) / 1000:.2f} s after the click, "
              f"{len(live)} curve updates, ended by itself after {(end - click) / 1000:.1f} s: "
              f"{status.inner_text()!r}")

        # 2. Another run, stopped once the curve shows an epoch: it ends within STOP_SECONDS.
        before = len(events(page))
        train.click()
        wait_for(page, lambda log: sum(e["what"] == "curve" for e in log) >= 3, TRAIN_TIMEOUT,
                 f"{stem}: the second run's curve did not move", since=before)
        time.sleep(0.6)  # a person's second click, not a double click
        train.click()  # Stop
        log = wait_for(page, lambda log: ended(log, click=1), 30, f"{stem}: the run did not end after Stop",
                       since=before)
        stop = [e for e in log if e["what"] == "click"][1]
        assert stop["label"] == "Stop", f"{stem}: the second click was on {stop['label']!r}"
        end = next(e["t"] for e in log if e["what"] == "label" and e["label"] == "Train" and e["t"] > stop["t"])
        seconds = (end - stop["t"]) / 1000
        explorer.locator(".widget-html", has_text="All runs so far").last.wait_for(timeout=30_000)
        screenshot(explorer, f"{stem}-stopped.png")
        message = status.inner_text()
        print(f"{stem}: run 2: Stop to Train {seconds:.2f} s: {message!r}")
        assert "you stopped it" in message, message
        assert seconds <= STOP_SECONDS, f"{stem}: the run took {seconds:.2f} s to end after Stop"
        rows = explorer.locator(".widget-html", has_text="All runs so far").last.locator("tbody tr")
        assert rows.count() == 2 and "stopped" in rows.last.inner_text()
        assert not error_texts(explorer), error_texts(explorer)


THREADS_PROBE = ('import threading\n'
                 'print("explorer runs:", sum(t.name == "lessonlib-explorer" for t in threading.enumerate()))')


def _run_cell(page, panel, index):
    """Run code cell ``index`` (from 0) as a student does: click into it, Shift+Enter."""
    panel.locator(".jp-CodeCell").nth(index).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def test_runs_side_by_side_and_a_rerun_cell_leaves_one_run(lab, page):
    """Lesson 1's explorer: two runs of different cells leave two labelled curves; re-running the
    explorer's cell during a run ends that run, so that with the new panel's run exactly one trains."""
    source = SOURCES[0]
    stem = source.stem
    path, cell_sources = explorer_notebook(lab, source)
    explorer_at = len(cell_sources) - 1  # the explorer's code cell; the probe comes after it
    notebook = nbformat.read(lab.root / path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(THREADS_PROBE))
    nbformat.write(notebook, lab.root / path)
    with diagnosed(page, lab, f"{stem}-side-by-side-FAILED.png"):
        panel = open_notebook(page, lab, path)
        run_all_cells(page, lab, panel, path, [*cell_sources, THREADS_PROBE])
        explorer = panel.locator(".lessonlib-explorer").first
        explorer.wait_for(timeout=60_000)
        train = explorer.locator("button.lessonlib-train")
        for cell in ("SimpleRNN", "GRU"):
            explorer.locator(".widget-toggle-button", has_text=cell).click()
            train.click()
            _wait_until(lambda: "Stop" in train.inner_text(), 30, f"{stem}: Train did not turn into Stop")
            _wait_until(lambda: "Train" in train.inner_text(), TRAIN_TIMEOUT, f"{stem}: the {cell} run did not end")
        key = explorer.locator(".lessonlib-curves").inner_text()
        print(f"{stem}: after two runs: {key!r}")
        assert "this run (GRU" in key and "run 1: SimpleRNN" in key, key
        screenshot(explorer, f"{stem}-side-by-side.png")

        train.click()  # a third run, under way while the cell is run again
        _wait_until(lambda: "Stop" in train.inner_text(), 30, f"{stem}: the third run did not start")
        time.sleep(2)
        _run_cell(page, panel, explorer_at)
        fresh = panel.locator(".lessonlib-explorer").first
        _wait_until(lambda: fresh.locator("button.lessonlib-train").inner_text().strip() == "Train", 60,
              f"{stem}: the re-run cell shows no new panel")
        fresh.locator("button.lessonlib-train").click()
        time.sleep(2)  # the old run has had a second to end; the new one trains
        _run_cell(page, panel, explorer_at + 1)
        probe = panel.locator(".jp-CodeCell").nth(explorer_at + 1).locator(".jp-OutputArea-output")
        _wait_until(lambda: "explorer runs:" in probe.inner_text(), 60, f"{stem}: the probe cell printed nothing")
        print(f"{stem}: during the new panel's run: {probe.inner_text().strip()!r}")
        assert probe.inner_text().strip() == "explorer runs: 1", probe.inner_text()
        fresh.locator("button.lessonlib-train").click()  # Stop, so that the module's server ends calmly


FOREGROUND = 'import os\nos.environ["LESSONLIB_EXPLORER"] = "foreground"  # as on Colab, or with ipywidgets 7'
KERNEL_SETTINGS = "/lab/api/settings/@jupyterlab/apputils-extension:kernels-settings"


@pytest.fixture
def comms_on_the_main_shell(lab):
    """JupyterLab 4.4+ sends widget messages to a kernel subshell (a thread of their own); Colab's front end
    and older ones send them to the kernel's main thread, where a foreground run trains and the interrupt
    lands. This test's page does the same, then the server's setting is put back."""
    lab.api("PUT", KERNEL_SETTINGS, body={"raw": '{"commsOverSubshells": "disabled"}'})
    yield
    lab.api("PUT", KERNEL_SETTINGS, body={"raw": "{}"})


def test_a_foreground_panel_updates_the_page_and_the_kernels_interrupt_stops_it(lab, page, comms_on_the_main_shell):
    """Lesson 1's explorer in the foreground mode (what Colab gets): the page's curve still moves while a
    run trains in the kernel's own thread, Train is disabled meanwhile, and JupyterLab's interrupt
    (Kernel > Interrupt Kernel) stops the next run after its batch, scored."""
    source = SOURCES[0]
    stem = source.stem
    path, cell_sources = explorer_notebook(lab, source)
    notebook = nbformat.read(lab.root / path, as_version=4)
    notebook.cells.insert(len(cell_sources) - 1, nbformat.v4.new_code_cell(FOREGROUND))
    nbformat.write(notebook, lab.root / path)
    cell_sources = [*cell_sources[:-1], FOREGROUND, cell_sources[-1]]
    with diagnosed(page, lab, f"{stem}-foreground-FAILED.png"):
        panel = open_notebook(page, lab, path)
        run_all_cells(page, lab, panel, path, cell_sources)
        explorer = panel.locator(".lessonlib-explorer").first
        explorer.wait_for(timeout=60_000)
        assert "trains in the foreground" in explorer.inner_text()
        explorer.evaluate(WATCH)
        train = explorer.locator("button.lessonlib-train")
        status = explorer.locator(".lessonlib-status")

        train.click()  # 1. a run to its end: the curve moves while the kernel's thread trains
        log = wait_for(page, ended, TRAIN_TIMEOUT, f"{stem}: the foreground run did not end")
        click = next(e["t"] for e in log if e["what"] == "click")
        end = next(e["t"] for e in log if e["what"] == "label" and e["label"] == "Train" and e["t"] > click)
        live = [e["t"] for e in log if e["what"] == "curve" and click < e["t"] < end]
        labels = {e["label"] for e in log if e["what"] == "label" and click < e["t"] < end}
        print(f"{stem}: foreground run: {len(live)} curve updates in {(end - click) / 1000:.1f} s, labels {labels}")
        assert len(live) >= 2 and "Training..." in labels, (live, labels)
        assert RUN_DONE.search(status.inner_text()), status.inner_text()

        before = len(events(page))  # 2. another run, interrupted from the Kernel menu
        train.click()
        wait_for(page, lambda log: sum(e["what"] == "curve" for e in log) >= 3, TRAIN_TIMEOUT,
                 f"{stem}: the second foreground run's curve did not move", since=before)
        assert train.is_disabled()
        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Kernel$")).click()  # as a student interrupts
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Interrupt Kernel$")).click()
        wait_for(page, lambda log: ended(log, click=0), 60, f"{stem}: the interrupt did not end the run",
                 since=before)
        explorer.locator(".widget-html", has_text="All runs so far").last.wait_for(timeout=30_000)
        screenshot(explorer, f"{stem}-foreground-interrupted.png")
        assert "you stopped it" in status.inner_text(), status.inner_text()
        rows = explorer.locator(".widget-html", has_text="All runs so far").last.locator("tbody tr")
        assert rows.count() == 2 and "stopped" in rows.last.inner_text()
        assert not error_texts(explorer), error_texts(explorer)
