"""Does every explorer run learn? Each registered lesson's explorer at its default settings, every cell
type, on seeds the lessons never use (100 and up): each run's score against the optimum, its epochs and
its time, then per cell the median and the worst run (the largest multiple of the optimum, or the most points below it);
for a lesson whose runs check forecast intervals (lesson 5), also the network's interval's coverage.

A one-in-three failure (a run stuck at chance) is invisible on three seeds, so the default is 10.
The runs are ``explore.run`` calls in this process, as a panel makes them, one after another. A
lesson with choices of its own (lesson 4's strategies) runs every cell with its default choice, then
the LSTM with each other choice.

    .venv/bin/python benchmarks/explorer_seeds.py [--seeds 10] [--lessons forecast ...] [--cells LSTM]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from lessonlib import explore  # noqa: E402 -- after the backend is chosen
from lessonlib.lessons import LESSONS, by_name  # noqa: E402
from lessonlib.models import CELL_TYPES  # noqa: E402

FIRST_SEED = 100  # the lessons use seeds 0 to 4 (make bench), the tests small ones


def held_out_runs(task, seeds, **settings):
    """``[(seed, relative score, epochs, seconds, coverage)]`` for runs at ``task``'s default settings but
    ``settings``; ``coverage`` is the network's forecast interval's (``explore.Run.coverage``), or None."""
    results = []
    for seed in seeds:
        run = explore.run(task, task.settings(**settings, seed=seed))
        coverage = run.coverage.get(explore.network_name(run.settings.cell))
        results.append((seed, run.network.relative, run.epochs, run.seconds, coverage))
    return results


def coverage_line(runs):
    """The network's interval's coverage over ``runs``: its level, median and lowest; "" if none was checked."""
    checked = [coverage for *_, coverage in runs if coverage is not None]
    if not checked:
        return ""
    shares = [coverage.coverage.estimate for coverage in checked]
    return (f"        the network's {checked[0].level:.0%} interval covers: median {statistics.median(shares):.0%}, "
            f"lowest {min(shares):.0%}; " + ", ".join(f"{seed}: {coverage.coverage.estimate:.0%}"
                                                      for seed, *_, coverage in runs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="how many held-out seeds, from 100 up")
    names = [lesson.name for lesson in LESSONS]
    parser.add_argument("--lessons", nargs="+", choices=names, default=names)
    parser.add_argument("--cells", nargs="+", choices=CELL_TYPES, default=list(CELL_TYPES))
    args = parser.parse_args()
    seeds = range(FIRST_SEED, FIRST_SEED + args.seeds)
    print(f"\n## Explorer runs at the default settings, seeds {seeds.start}-{seeds.stop - 1} "
          f"(never used by a lesson)\n")
    for name in args.lessons:
        lesson = by_name(name)
        task = lesson.task
        choices = {field: values for field, values in task.choices.items() if field != "cell"}
        defaults = {field: values[0] for field, values in choices.items()}
        others = [{field: value} for field, values in choices.items() for value in values[1:]]
        arms = [{"cell": cell, **defaults} for cell in args.cells] + [
            {"cell": "LSTM", **defaults, **other} for other in others if "LSTM" in args.cells]
        for arm in arms:
            began = time.perf_counter()
            runs = held_out_runs(task, seeds, **arm)
            scores = [score for _, score, _, _, _ in runs]
            seconds = [s for _, _, _, s, _ in runs]
            label = ", ".join([arm["cell"], *(f"{field} {value}" for field, value in arm.items() if field != "cell")])
            print(f"    lesson {task.lesson} {label:9s} {lesson.panel.relative}: "
                  f"median {statistics.median(scores):.2f}, "
                  f"worst {max(scores):.2f}; run time median {statistics.median(seconds):.1f} s, "
                  f"longest {max(seconds):.1f} s ({time.perf_counter() - began:.0f} s in all)")
            print("        " + ", ".join(f"{seed}: {score:.2f} ({epochs} ep, {s:.1f} s)"
                                        for seed, score, epochs, s, _ in runs), flush=True)
            if coverage_line(runs):
                print(coverage_line(runs), flush=True)


if __name__ == "__main__":
    main()
