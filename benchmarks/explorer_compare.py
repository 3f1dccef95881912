"""Old explorer against new, side by side: each lesson's explorer at its default settings, every cell
type, on held-out seeds (100 and up), run by the code before issue 18's changes (``--old``, a checkout
of it) and by this tree's, alternately, and the median run time of each with their ratio.

Timings on a shared machine drift with whatever else runs, so the two versions take turns run by run:
two worker processes, one per version, each warm (TensorFlow started, the test set's yardsticks
computed by one stopped run at the same settings before the first timed one), are sent the same
``(lesson, cell, seed)`` one after the other, the first of each pair alternating. A run's time is
``Run.seconds``, the whole run as a panel makes it (data, training, final scores).

    .venv/bin/python benchmarks/explorer_compare.py --old ../old [--seeds 3] [--lessons forecast ...] [--cells LSTM]

The old tree's API: ``lessonlib.run_forecast(noise, window, cell, seed=...)``,
``run_classification(...)``, ``run_regression(noise, n_points, cell, seed=...)``, whose result has
``.ratio`` (lessons 1 and 3) or ``.gap`` (lesson 2) and ``.seconds``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_SEED = 100  # as explorer_seeds.py: seeds no lesson uses
LESSONS = {"forecast": ("run_forecast", 0.5), "classification": ("run_classification", 0.5),
           "regression": ("run_regression", 0.3)}
CELLS = ("SimpleRNN", "LSTM", "GRU")
LENGTH = 50

# One worker: reads "lesson cell seed" lines, answers one JSON line per run.
WORKER = r"""
import json, os, sys
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import lessonlib
VERSION = sys.argv[1]
LESSONS = json.loads(sys.argv[2])
warm = set()

def run(lesson, cell, seed, **kwargs):
    function, noise = LESSONS[lesson]
    if VERSION == "new":
        from lessonlib import explore
        from lessonlib.lessons import by_name
        task = by_name(lesson).task
        return explore.run(task, noise, %d, cell, seed=seed, **kwargs)
    return getattr(lessonlib, function)(noise, %d, cell, seed=seed, **kwargs)

def figure(lesson, result):
    if VERSION == "new":
        return result.network.relative
    return result.gap if lesson == "classification" else result.ratio

print("READY", flush=True)
for line in sys.stdin:
    lesson, cell, seed = line.split()
    if (lesson, cell) not in warm:  # start-up and this test set's yardsticks, not timed
        run(lesson, cell, 99, should_stop=lambda: True)
        warm.add((lesson, cell))
    result = run(lesson, cell, int(seed))
    print(json.dumps({"figure": figure(lesson, result), "seconds": result.seconds, "epochs": result.epochs}),
          flush=True)
""" % (LENGTH, LENGTH)


class Worker:
    """One version's warm worker process."""

    def __init__(self, version, tree):
        env = {**os.environ, "PYTHONPATH": str(tree), "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
        self.version = version
        self.process = subprocess.Popen([sys.executable, "-c", WORKER, version, json.dumps(LESSONS)], cwd=tree,
                                        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self._read("READY")

    def _read(self, expected=None):
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"the {self.version} worker ended (exit {self.process.wait()})")
            if expected is None and line.startswith("{"):
                return json.loads(line)
            if expected is not None and line.startswith(expected):
                return line

    def run(self, lesson, cell, seed):
        self.process.stdin.write(f"{lesson} {cell} {seed}\n")
        self.process.stdin.flush()
        return self._read()

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="a checkout of the code before the changes")
    parser.add_argument("--seeds", type=int, default=3, help="how many held-out seeds, from 100 up")
    parser.add_argument("--lessons", nargs="+", choices=list(LESSONS), default=list(LESSONS))
    parser.add_argument("--cells", nargs="+", choices=CELLS, default=list(CELLS))
    args = parser.parse_args()
    seeds = range(FIRST_SEED, FIRST_SEED + args.seeds)
    workers = {"old": Worker("old", args.old.resolve()), "new": Worker("new", ROOT)}
    print(f"\n## Old explorer against new at the default settings (length {LENGTH}), seeds "
          f"{seeds.start}-{seeds.stop - 1}, taking turns run by run\n")
    ratios, turn = [], 0
    try:
        for lesson in args.lessons:
            for cell in args.cells:
                results = {"old": [], "new": []}
                for seed in seeds:
                    order = ("old", "new") if turn % 2 == 0 else ("new", "old")
                    turn += 1
                    for version in order:
                        results[version].append((seed, workers[version].run(lesson, cell, seed)))
                medians = {v: statistics.median(r["seconds"] for _, r in runs) for v, runs in results.items()}
                ratios.append(medians["new"] / medians["old"])
                print(f"    {lesson:14s} {cell:9s} median run old {medians['old']:5.1f} s, new {medians['new']:5.1f} s,"
                      f" new/old {ratios[-1]:.2f}; longest new {max(r['seconds'] for _, r in results['new']):.1f} s")
                for version, runs in results.items():
                    print(f"        {version}: " + ", ".join(f"{seed}: {r['figure']:.2f} ({r['epochs']} ep, "
                                                       f"{r['seconds']:.1f} s)" for seed, r in runs), flush=True)
    finally:
        for worker in workers.values():
            worker.close()
    print(f"\n    new/old per lesson and cell: median {statistics.median(ratios):.2f}, largest {max(ratios):.2f}")


if __name__ == "__main__":
    main()
