"""Time the lessons' live explorers in a real IPython kernel, clicked as JupyterLab clicks them.

A fresh kernel builds a panel; this script then clicks its Train button by sending the button's
widget model a click message over the kernel's shell channel, as the browser does, and times what
comes back on the IOPub channel, where the browser would see it:

* *first picture*: the click, to the first live curve (the yardsticks' lines);
* *first score*: the click, to the curve with the untrained network's test score (epoch 0);
* *end*: the click, to Train being back, the run over (by early stopping or its budget);
* *updates*: how many times the curve was redrawn during the run;
* *kernel*: while a run trains, how long the kernel takes to answer a tiny cell (``1 + 1``);
* *stop*: in a second run, a click on Stop after two epochs, to Train being back;
* *memory*: the kernel's resident memory after the second and after the last of ``--memory-runs``
  runs in a row (the cell types in turn): how much a class that tries many settings adds.

Per cell type: one run stopped early first (TensorFlow's start-up in a fresh kernel), then
``--repeats`` full runs and as many stopped ones at the default settings; medians are reported.
The run's own score (x optimum, or points below it) is read from the kernel afterwards.

    .venv/bin/python benchmarks/explorer_latency.py [--repeats 3] [--panel forecast ...] [--cells LSTM GRU]

``--panel`` names lessons' explorers as the registry does (``lessonlib.lessons.LESSONS``: ``forecast``,
``classification``, ...); by default every registered lesson's, each in a fresh kernel.
"""

import argparse
import json
import os
import queue
import statistics
import time

from jupyter_client.manager import start_new_kernel

from lessonlib.lessons import LESSONS
from lessonlib.models import CELL_TYPES

SETUP = """
import json
import lessonlib, lessonlib.panel, lessonlib.widgets
with lessonlib.quiet_startup():
    import keras
from IPython.display import display

panel = lessonlib.widgets.explorer({panel!r})  # as the lesson builds it
display(panel)
print("IDS " + json.dumps({{"button": panel.train_button.model_id, "curve": panel.curve_image.model_id}}))
"""
SUMMARY = """print("SUMMARY " + json.dumps({**lessonlib.panel.run_summary(panel.last_result, panel.spec),
                                         "errors": [repr(e) for e in panel.errors]}))"""


class Kernel:
    """A kernel, its client, and every IOPub message stamped with the time it arrived."""

    def __init__(self):
        env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
        self.manager, self.client = start_new_kernel(kernel_name="python3", env=env)

    def close(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)

    def run(self, code, timeout=600):
        """Execute ``code``; return its printed lines (raise on an error)."""
        lines = []

        def hook(msg):
            if msg["msg_type"] == "error":
                raise RuntimeError("\n".join(msg["content"]["traceback"]))
            if msg["msg_type"] == "stream":
                lines.extend(msg["content"]["text"].splitlines())

        self.client.execute_interactive(code, timeout=timeout, output_hook=hook)
        return lines

    def click(self, model_id):
        """Send a click to the button widget ``model_id``, as the browser does; return when."""
        content = {"comm_id": model_id, "data": {"method": "custom", "content": {"event": "click"}}}
        self.client.shell_channel.send(self.client.session.msg("comm_msg", content))
        return time.perf_counter()

    def messages(self, timeout):
        """Yield (arrival time, IOPub message) until ``timeout`` seconds pass without one."""
        while True:
            try:
                msg = self.client.get_iopub_msg(timeout=timeout)
            except queue.Empty:
                return
            yield time.perf_counter(), msg


def _update(msg, model_id):
    """The state a comm update message carries for ``model_id``, or None."""
    if msg["msg_type"] != "comm_msg" or msg["content"].get("comm_id") != model_id:
        return None
    data = msg["content"].get("data", {})
    return data.get("state", {}) if data.get("method") == "update" else None


def one_run(kernel, ids, *, stop_after=None, probe=False, timeout=600):
    """Click Train; optionally click Stop after ``stop_after`` curve updates; time what comes back."""
    clicked = kernel.click(ids["button"])
    curve, stopped_at, probe_id, probe_seconds, end = [], None, None, None, None
    for arrived, msg in kernel.messages(timeout):
        if _update(msg, ids["curve"]) is not None:
            curve.append(arrived - clicked)
            if probe and probe_id is None and len(curve) == 3:  # the network is training
                probe_id, probe_sent = kernel.client.execute("1 + 1", silent=True), time.perf_counter()
            if stop_after is not None and stopped_at is None and len(curve) >= stop_after:
                time.sleep(0.6)  # past the double-click grace, as a person would be
                stopped_at = kernel.click(ids["button"])
        if (probe_id is not None and probe_seconds is None and msg["msg_type"] == "status"
                and msg["parent_header"].get("msg_id") == probe_id
                and msg["content"]["execution_state"] == "idle"):
            probe_seconds = arrived - probe_sent
        state = _update(msg, ids["button"])
        if state is not None and state.get("description") == "Train":
            end = arrived
            break
    if end is None:
        raise RuntimeError(f"The run did not end within {timeout} s of silence.")
    summary = json.loads(next(line for line in kernel.run(SUMMARY) if line.startswith("SUMMARY "))[8:])
    return {"first picture": curve[0] if curve else None, "first score": curve[1] if len(curve) > 1 else None,
            "end": end - clicked, "updates": len(curve), "stop": None if stopped_at is None else end - stopped_at,
            "summary": summary, "kernel": probe_seconds}


def measure(panel, cells, repeats):
    kernel = Kernel()
    try:
        ids = json.loads(next(line for line in kernel.run(SETUP.format(panel=panel)) if line.startswith("IDS "))[4:])
        results = {}
        for cell in cells:
            kernel.run(f"panel.controls['cell'].value = {cell!r}")
            one_run(kernel, ids, stop_after=3)  # warm-up: TensorFlow's first use of this cell
            results[cell] = {"full": [one_run(kernel, ids, probe=True) for _ in range(repeats)],
                             "stopped": [one_run(kernel, ids, stop_after=4) for _ in range(repeats)]}
        return results
    finally:
        kernel.close()


MEMORY = """import gc, resource, sys
gc.collect()
try:  # the current resident set on Linux; elsewhere the peak
    print('RSS', next(int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmRSS')))
except OSError:
    print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (1 if sys.platform != 'darwin' else 1024))
"""


def memory(panel, runs):
    """The kernel's resident memory in MB (after a garbage collection) after the second and the last of ``runs``."""
    kernel = Kernel()
    try:
        ids = json.loads(next(line for line in kernel.run(SETUP.format(panel=panel)) if line.startswith("IDS "))[4:])
        peaks = []
        for index in range(runs):
            kernel.run(f"panel.controls['cell'].value = {CELL_TYPES[index % len(CELL_TYPES)]!r}")
            one_run(kernel, ids)
            peaks.append(int(next(line for line in kernel.run(MEMORY) if line.startswith("RSS "))[4:]) / 1024)
        return peaks[1], peaks[-1]
    finally:
        kernel.close()


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    names = [lesson.name for lesson in LESSONS]
    parser.add_argument("--panel", nargs="+", choices=names, default=names)
    parser.add_argument("--cells", nargs="+", choices=CELL_TYPES, default=list(CELL_TYPES))
    parser.add_argument("--memory-runs", type=int, default=20, help="runs in a row for the memory figure (0: none)")
    args = parser.parse_args()
    for panel in args.panel:
        report(panel, args.cells, args.repeats)
        if args.memory_runs >= 2:
            second, last = memory(panel, args.memory_runs)
            print(f"{panel} explorer, memory: resident {second:.0f} MB after run 2, {last:.0f} MB after run "
                  f"{args.memory_runs}: {last - second:+.0f} MB over {args.memory_runs - 2} runs", flush=True)


def report(panel, cells, repeats):
    """Measure one lesson's explorer and print its table."""
    load = os.getloadavg()[0]
    results = measure(panel, cells, repeats)
    print(f"\n{panel} explorer, default settings, {repeats} full and {repeats} stopped run(s) "
          f"per cell type; load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
          f"on {os.cpu_count()} CPUs (medians, seconds)")
    print(f"{'cell':10s} {'first picture':>13s} {'first score':>11s} {'end':>6s} {'updates':>7s} "
          f"{'kernel':>6s} {'stop':>5s}  epochs, score")
    for cell, runs in results.items():
        full, stopped = runs["full"], runs["stopped"]
        last = full[-1]["summary"]
        score = {k: v for k, v in last.items() if k.startswith(("x ", "points"))}
        print(f"{cell:10s} {_median(r['first picture'] for r in full):13.2f} "
              f"{_median(r['first score'] for r in full):11.2f} {_median(r['end'] for r in full):6.1f} "
              f"{_median(r['updates'] for r in full):7.0f} {_median(r['kernel'] for r in full):6.2f} "
              f"{_median(r['stop'] for r in stopped):5.2f}  {last['epochs']}, {last['ended']}, {score}")
    print("RESULTS " + json.dumps(results))


if __name__ == "__main__":
    main()
