"""Time the lessons' explorers from a click on Train to the result rendered, in a real IPython kernel.

Inside a kernel the panel's Output widgets capture for real and matplotlib's inline backend renders
each figure to PNG, as in JupyterLab; only the browser's drawing is left out. One click per cell
type first warms TensorFlow up (a first click also imports it if no cell has), then each cell type
is clicked ``--repeats`` times at the default noise and window, and the median is reported.

    .venv/bin/python benchmarks/explorer_latency.py [--repeats 5] [--panel forecast]

``--panel`` is ``forecast`` (lesson 1, the default), ``classification`` (lesson 2) or
``regression`` (lesson 3).
"""

import argparse
import json
import os

from jupyter_client.manager import start_new_kernel

KERNEL_CODE = """
import json, statistics, time
import lessonlib
with lessonlib.quiet_startup():
    import keras
import matplotlib.pyplot as plt
from IPython.display import display

panel = lessonlib.{panel}_explorer()
display(panel)
times, fits = {{}}, {{}}
for cell in ["SimpleRNN", "LSTM", "GRU"]:
    panel.controls["cell"].value = cell
    panel.train_button.click()  # warm-up
    times[cell], fits[cell] = [], []
    for _ in range({repeats}):
        start = time.perf_counter()
        panel.train_button.click()
        times[cell].append(time.perf_counter() - start)
        fits[cell].append(panel.last_result.seconds)
assert panel.errors == [], panel.errors
print("RESULT " + json.dumps({{"times": times, "fits": fits}}))
"""


def measure(repeats, panel="forecast"):
    """Run the clicks in a fresh kernel and return its per-cell lists of seconds."""
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
    manager, client = start_new_kernel(kernel_name="python3", env=env)
    lines = []
    try:
        client.execute_interactive(KERNEL_CODE.format(repeats=repeats, panel=panel), timeout=900,
                                   output_hook=lambda msg: lines.append(msg))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    for msg in lines:
        if msg["msg_type"] == "error":
            raise RuntimeError("\n".join(msg["content"]["traceback"]))
        text = msg["content"].get("text", "") if msg["msg_type"] == "stream" else ""
        for line in text.splitlines():
            if line.startswith("RESULT "):
                return json.loads(line[len("RESULT "):])
    raise RuntimeError("The kernel printed no result.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--panel", choices=["forecast", "classification", "regression"],
                        default="forecast")
    args = parser.parse_args()
    result = measure(args.repeats, args.panel)
    print(f"{args.panel} explorer, default settings, {args.repeats} clicks per cell type")
    print(f"{'cell':10s} {'click to render (median)':>25s} {'training (median)':>18s}  all clicks")
    for cell, times in result["times"].items():
        fits = sorted(result["fits"][cell])
        print(f"{cell:10s} {sorted(times)[len(times) // 2]:24.2f}s {fits[len(fits) // 2]:17.2f}s  "
              + " ".join(f"{t:.2f}" for t in times))


if __name__ == "__main__":
    main()
