"""Benchmark the lessons: wall time, peak memory and quality figures, per notebook, over data seeds.

Each lesson's text source (notebooks/*.md) is executed headless in a fresh kernel once per data seed
(its ``SEED = 0`` line is replaced), as `make notebooks` runs it. Wall time counts from the kernel's start to the last
lesson cell's end; peak memory is the kernel's maximum resident set size. After the run, one extra cell
reads the lesson's scores on its 10,000 fresh test cases from the kernel. Quality is reported as in the
lessons' tables: each method's mean error over the seeds divided by the optimum's (or the bound's).

The original lesson (`--original`, by default ../shared/seed_notebook.ipynb beside this repository;
not part of the project) is run in the same benchmark run, interleaved with the lessons, once per
seed; each lesson's time is reported as a ratio to it (the median of the per-round ratios), since the
machine is shared and its speed drifts. Without that notebook the ratio is skipped.

Usage: python benchmarks/bench.py [--seeds 0 1 2] [--original PATH] [notebooks/01_forecasting.md ...]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Per notebook: the expression, evaluated in the kernel after a run, that gives {method: figure} on the
# lesson's large fresh test set; the optimum's (or bound's) name; the figure's name; and how a method is
# compared with it: "ratio" (an error divided by the optimum's) or "points" (the optimum's accuracy
# minus the method's, x 100).
EXTRACT = {
    "01_forecasting": (
        "{name: s.mse.estimate for name, s in fresh_scores.items()}", "best possible (Bayes)",
        "MSE vs clean (fresh windows)", "ratio"),
    "02_classification": (
        "{name: s.accuracy.estimate / 100 for name, s in fresh_scores.items()}", "best possible (Bayes)",
        "accuracy (fresh windows)", "points"),
    "03_regression": (
        "{**{name: s.rmse.estimate for name, s in fresh_scores.items()}, 'Cramer-Rao bound': bound}",
        "Cramer-Rao bound", "RMSE (fresh sequences)", "ratio"),
}


ORIGINAL = ROOT.parent / "shared" / "seed_notebook.ipynb"


def run_once(path, seed):
    """Execute one notebook with ``SEED = seed`` in a fresh kernel; return timings and scores."""
    import jupytext
    import nbformat

    nb = jupytext.read(path) if path.suffix == ".md" else nbformat.read(path, as_version=4)
    if path.stem not in EXTRACT:  # the original lesson: timed as it is, no seed, no scores
        nb.cells.append(nbformat.v4.new_code_cell("print('{}')"))
        return _execute(nb, path)
    seeded = [c for c in nb.cells if c.cell_type == "code" and re.search(r"^SEED = \d+", c.source, re.M)]
    if len(seeded) != 1:
        raise SystemExit(f"{path}: expected exactly one 'SEED = <int>' line, found {len(seeded)}")
    seeded[0].source = re.sub(r"^SEED = \d+", f"SEED = {seed}", seeded[0].source, flags=re.M)
    expression = EXTRACT[path.stem][0]
    nb.cells.append(nbformat.v4.new_code_cell(f"import json; print(json.dumps({expression}))"))
    return _execute(nb, path)


def _execute(nb, path):
    """Run every cell but the last (timed), then the last (it prints the scores as JSON)."""
    import resource

    sys.path.insert(0, str(ROOT / "tools"))
    from notebook_client import NotebookClient  # nbclient's, robust to a missed wake-up

    client = NotebookClient(nb, timeout=900, kernel_name="python3", record_timing=False, allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.reset_execution_trackers()
    sections, section = {}, "kernel start"
    start = time.perf_counter()
    with client.setup_kernel():  # kernel start-up counts, its shutdown does not
        sections[section] = time.perf_counter() - start
        for index, cell in enumerate(nb.cells[:-1]):
            headings = re.findall(r"^#{1,2} (.+)$", cell.source, re.M) if cell.cell_type == "markdown" else []
            section = headings[-1].strip() if headings else section
            began = time.perf_counter()
            client.execute_cell(cell, index, execution_count=index + 1)
            sections[section] = sections.get(section, 0.0) + time.perf_counter() - began
        seconds = time.perf_counter() - start
        client.execute_cell(nb.cells[-1], len(nb.cells) - 1, execution_count=len(nb.cells))
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_mb = peak_kb / 1024 if sys.platform != "darwin" else peak_kb / 2**20
    errors = [f"cell {i}: {o['ename']}: {o['evalue']}" for i, c in enumerate(nb.cells[:-1])
              if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    scores = json.loads("".join(o["text"] for o in nb.cells[-1].outputs if o.get("name") == "stdout"))
    return {"seconds": seconds, "peak_mb": peak_mb, "scores": scores, "errors": errors, "sections": sections}


def summarize(name, runs):
    """Print one notebook's table: wall time and memory, then each method's quality ratio."""
    _, yardstick, metric, mode = EXTRACT[name]
    seconds = [r["seconds"] for r in runs]
    print(f"\n## {name}: {len(runs)} runs (seeds {', '.join(str(r['seed']) for r in runs)})")
    print(f"wall time: median {statistics.median(seconds):.1f} s (min {min(seconds):.1f}, "
          f"max {max(seconds):.1f}); peak memory {max(r['peak_mb'] for r in runs):.0f} MB")
    for r in runs:
        for error in r["errors"]:
            print(f"ERROR with seed {r['seed']}, {error}")
    methods = list(runs[0]["scores"])
    mean = {m: statistics.mean(r["scores"][m] for r in runs) for m in methods}
    if mode == "ratio":
        compare, heading = (lambda a, b: a / b), f"x {yardstick}"
    else:
        compare, heading = (lambda a, b: 100 * (b - a)), f"points below {yardstick}"
    width = max(len(m) for m in methods)
    print(f"{'method'.ljust(width)}  {('mean ' + metric):<20}  {heading}  (per seed)")
    for m in sorted(methods, key=lambda m: compare(mean[m], mean[yardstick])):
        per_seed = " ".join(f"{compare(r['scores'][m], r['scores'][yardstick]):.2f}" for r in runs)
        print(f"{m.ljust(width)}  {mean[m]:<20.4f}  {compare(mean[m], mean[yardstick]):<{len(heading)}.2f}"
              f"  ({per_seed})")


def run_child(path, seed):
    """One run in a child process, so that its peak memory is this run's kernel alone."""
    out = subprocess.run([sys.executable, __file__, "--one", str(path), "--seeds", str(seed)],
                         capture_output=True, text=True, check=True).stdout
    run = {"seed": seed, **json.loads(out.strip().splitlines()[-1])}
    print(f"{path.name} seed {seed}: {run['seconds']:.1f} s", file=sys.stderr)
    return run


def summarize_times(runs, original):
    """Each lesson's median time, peak memory, and its time as a ratio to the original lesson's."""
    print("\n## Time and memory (each lesson in a fresh kernel; ratios to the original lesson, same round)")
    if original:
        seconds = [r["seconds"] for r in original]
        print(f"original lesson: median {statistics.median(seconds):.1f} s "
              f"({', '.join(f'{s:.1f}' for s in seconds)}); peak memory {max(r['peak_mb'] for r in original):.0f} MB")
    for name, lesson in runs.items():
        seconds = [r["seconds"] for r in lesson]
        line = (f"{name}: median {statistics.median(seconds):.1f} s ({', '.join(f'{s:.1f}' for s in seconds)}); "
                f"peak memory {max(r['peak_mb'] for r in lesson):.0f} MB")
        if original:
            ratios = [r["seconds"] / o["seconds"] for r, o in zip(lesson, original, strict=True)]
            line += (f"; x original: median {statistics.median(ratios):.2f} "
                     f"({', '.join(f'{x:.2f}' for x in ratios)})")
        print(line)
        per_section = {name: statistics.median(r["sections"][name] for r in lesson) for name in lesson[0]["sections"]}
        print("  by section (median s): " + "; ".join(f"{name} {s:.1f}" for name, s in per_section.items()))


MICRO = {  # what tests used to time (a loaded CI machine made those assertions flaky): median of 5
    "import lessonlib (fresh process)": "import lessonlib",
    "import lessonlib.figures (fresh process)": "import lessonlib.figures",
    "estimate_frequency on 1,000 sequences": (
        "import lessonlib; d = lessonlib.random_frequency_sequences(1000, seed=1); "
        "import time; t0 = time.perf_counter(); lessonlib.estimate_frequency(d.signals, d.t); "
        "print(time.perf_counter() - t0)"),
}


def micro_timings(repeats=5):
    """Median seconds of each MICRO statement, each run in a fresh Python process."""
    print("\n## Small timings (median of 5 fresh processes)")
    for name, code in MICRO.items():
        if "print(" not in code:
            code = f"import time; t0 = time.perf_counter(); {code}; print(time.perf_counter() - t0)"
        seconds = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                        check=True).stdout.split()[-1]) for _ in range(repeats)]
        print(f"{name}: {statistics.median(seconds) * 1000:.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--original", type=pathlib.Path, default=ORIGINAL,
                        help="the original lesson's notebook, run in the same rounds for time ratios")
    parser.add_argument("--one", type=pathlib.Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:  # child process: one run, reported as JSON on stdout
        print(json.dumps(run_once(args.one.resolve(), args.seeds[0])))
        return
    notebooks = [p.resolve() for p in (args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md")))]
    unknown = [p.name for p in notebooks if p.stem not in EXTRACT]
    if unknown:
        raise SystemExit(f"no quality figures defined in benchmarks/bench.py for {unknown}")
    original = args.original.resolve() if args.original.is_file() else None
    if original is None:
        print(f"(no original lesson at {args.original}: time ratios skipped)")
    runs, original_runs = {path.stem: [] for path in notebooks}, []
    for seed in args.seeds:  # rounds: the original, then each lesson, so drifts hit them alike
        if original is not None:
            original_runs.append(run_child(original, seed))
        for path in notebooks:
            runs[path.stem].append(run_child(path, seed))
    summarize_times(runs, original_runs)
    for name, lesson in runs.items():
        summarize(name, lesson)
    micro_timings()


if __name__ == "__main__":
    main()
