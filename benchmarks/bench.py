"""Benchmark the lessons: wall time, peak memory, the fresh-set figures and the claims, per lesson and seed.

Each registered lesson's text source (``lessonlib.lessons.LESSONS``, notebooks/<NOTEBOOK>.md) is executed
headless in a fresh kernel once per seed (its ``SEED = 0`` line is replaced: the data, the initial
weights and the shuffling change), as `make notebooks` runs it. Wall time counts from the kernel's start
to the last cell's end; peak memory is the kernel's maximum resident set size. What the benchmark
reports is what the lesson shows: every table of scores on a large fresh test set (a header naming
"fresh") and every claim, held or failed, as numbers and booleans that lessonlib records while the
lesson runs (``lessonlib.interval_table`` and ``lessonlib.claim``, into the file ``LESSONLIB_RECORD`` names).

The original lesson (`--original`, by default ../shared/seed_notebook.ipynb beside this repository;
not part of the project) is run in the same benchmark run, interleaved with the lessons, once per
seed; each lesson's time is reported as a ratio to it (the median of the per-round ratios), since the
machine is shared and its speed drifts. Without that notebook the ratio is skipped.

The report is printed and written to benchmarks/RESULTS.md (``--out``), the file TEACHING.md and
README.md draw their timings and seed spreads from.

Usage: python benchmarks/bench.py [--seeds 0 1 2 3 4] [--original PATH] [--out PATH] [notebooks/01_forecasting.md ...]
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
ORIGINAL = ROOT.parent / "shared" / "seed_notebook.ipynb"


def run_once(path, seed):
    """Execute one notebook with ``SEED = seed`` in a fresh kernel; return timings, tables and claims."""
    import jupytext
    import nbformat

    nb = jupytext.read(path) if path.suffix == ".md" else nbformat.read(path, as_version=4)
    if path.suffix == ".md":  # a lesson (the original lesson is timed as it is, with no seed)
        seeded = [c for c in nb.cells if c.cell_type == "code" and re.search(r"^SEED = \d+", c.source, re.M)]
        if len(seeded) != 1:
            raise SystemExit(f"{path}: expected exactly one 'SEED = <int>' line, found {len(seeded)}")
        seeded[0].source = re.sub(r"^SEED = \d+", f"SEED = {seed}", seeded[0].source, flags=re.M)
    return _execute(nb, path)


def _execute(nb, path, kernel_name="python3"):
    """Run every cell, timed per section; collect the fresh-set tables and the claims the lesson records.

    ``kernel_name`` picks the kernel: tools/envs.py runs the lessons in another environment's kernel."""
    import os
    import resource
    import tempfile

    sys.path.insert(0, str(ROOT / "tools"))
    from notebook_client import NotebookClient  # nbclient's, robust to a missed wake-up

    from lessonlib.report import RECORD_VARIABLE

    client = NotebookClient(nb, timeout=900, kernel_name=kernel_name, record_timing=False, allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.reset_execution_trackers()
    sections, section, tables, claims = {}, "kernel start", [], {}
    with tempfile.TemporaryDirectory() as folder:
        record = pathlib.Path(folder) / "record.jsonl"
        record.touch()
        kernel_env = {**os.environ, RECORD_VARIABLE: str(record)}  # lessonlib writes its figures there
        start = time.perf_counter()
        with client.setup_kernel(env=kernel_env), record.open(encoding="utf-8") as recorded:  # start counts, end not
            sections[section] = time.perf_counter() - start
            for index, cell in enumerate(nb.cells):
                headings = re.findall(r"^#{1,2} (.+)$", cell.source, re.M) if cell.cell_type == "markdown" else []
                section = headings[-1].strip() if headings else section
                began = time.perf_counter()
                client.execute_cell(cell, index, execution_count=index + 1)
                sections[section] = sections.get(section, 0.0) + time.perf_counter() - began
                new_tables, new_claims = read_record(recorded.readlines())
                tables += [{"section": section, **table} for table in new_tables]
                claims.update(new_claims)
            seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_mb = peak_kb / 1024 if sys.platform != "darwin" else peak_kb / 2**20
    errors = [f"cell {i}: {o['ename']}: {o['evalue']}" for i, c in enumerate(nb.cells)
              if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    return {"seconds": seconds, "peak_mb": peak_mb, "tables": tables, "claims": claims, "errors": errors,
            "sections": sections}


def read_record(lines):
    """What lessonlib recorded (JSON lines, see ``lessonlib.report``): the tables of scores on a fresh
    test set (a header naming "fresh"), each ``{"header", "rows": {method: [figure, ...]}}``, and the
    claims, ``{statement: held}``."""
    entries = [json.loads(line) for line in lines]
    tables = [{"header": e["header"], "rows": {row[0]: row[1:] for row in e["rows"]}} for e in entries
              if "header" in e and any("fresh" in h for h in e["header"])]
    return tables, {e["claim"]: e["holds"] for e in entries if "claim" in e}


def summarize(name, runs, out):
    """One lesson's fresh-set tables (each figure's median and its value per seed) and its claims."""
    seeds = ", ".join(str(r["seed"]) for r in runs)
    out(f"\n## {name}: {len(runs)} runs (seeds {seeds})")
    for r in runs:
        for error in r["errors"]:
            out(f"ERROR with seed {r['seed']}, {error}")
    for index, table in enumerate(runs[0]["tables"]):
        columns = table["header"][1:]
        out(f"\n### {table['section']}: {table['header'][0]}; " + "; ".join(columns) + " (median, then per seed)\n")
        width = max(len(method) for method in table["rows"])
        for method in table["rows"]:
            cells = []
            for column in range(len(columns)):
                values = [r["tables"][index]["rows"].get(method, [None] * len(columns))[column] for r in runs
                          if index < len(r["tables"])]
                known = [v for v in values if v is not None]
                per_seed = ", ".join("?" if v is None else f"{v:g}" for v in values)
                cells.append(f"{statistics.median(known):g} ({per_seed})" if known else "-")
            out(f"    {method.ljust(width)}  " + "  |  ".join(cells))
    statements = list(dict.fromkeys(s for r in runs for s in r["claims"]))
    out(f"\n### Claims: on how many of the {len(runs)} seeds each held\n")
    for statement in statements:
        held = sum(r["claims"].get(statement, False) for r in runs)
        out(f"    {held}/{len(runs)}  {statement}")


def run_child(path, seed):
    """One run in a child process, so that its peak memory is this run's kernel alone."""
    out = subprocess.run([sys.executable, __file__, "--one", str(path), "--seeds", str(seed)],
                         capture_output=True, text=True, check=True).stdout
    run = {"seed": seed, **json.loads(out.strip().splitlines()[-1])}
    print(f"{path.name} seed {seed}: {run['seconds']:.1f} s", file=sys.stderr)
    return run


def summarize_times(runs, original, out):
    """Each lesson's median time, peak memory, and its time as a ratio to the original lesson's."""
    out("\n## Time and memory (each lesson in a fresh kernel; ratios to the original lesson, same round)\n")
    if original:
        seconds = [r["seconds"] for r in original]
        out(f"    original lesson: median {statistics.median(seconds):.1f} s "
              f"({', '.join(f'{s:.1f}' for s in seconds)}); peak memory {max(r['peak_mb'] for r in original):.0f} MB")
    for name, lesson in runs.items():
        seconds = [r["seconds"] for r in lesson]
        line = (f"    {name}: median {statistics.median(seconds):.1f} s ({', '.join(f'{s:.1f}' for s in seconds)}); "
                f"peak memory {max(r['peak_mb'] for r in lesson):.0f} MB")
        if original:
            ratios = [r["seconds"] / o["seconds"] for r, o in zip(lesson, original, strict=True)]
            line += (f"; x original: median {statistics.median(ratios):.2f} "
                     f"({', '.join(f'{x:.2f}' for x in ratios)})")
        out(line)
        per_section = {name: statistics.median(r["sections"][name] for r in lesson) for name in lesson[0]["sections"]}
        out("      by section (median s): " + "; ".join(f"{name} {s:.1f}" for name, s in per_section.items()))


MICRO = {  # what tests used to time (a loaded CI machine made those assertions flaky): median of 5
    "import lessonlib (fresh process)": "import lessonlib",
    "estimate_frequency on 1,000 sequences": (
        "import lessonlib; d = lessonlib.random_frequency_sequences(1000, seed=1); "
        "import time; t0 = time.perf_counter(); lessonlib.estimate_frequency(d.signals, d.t); "
        "print(time.perf_counter() - t0)"),
}


def micro_timings(out, repeats=5):
    """Median seconds of each MICRO statement, each run in a fresh Python process."""
    out("\n## Small timings (median of 5 fresh processes)\n")
    for name, code in MICRO.items():
        if "print(" not in code:
            code = f"import time; t0 = time.perf_counter(); {code}; print(time.perf_counter() - t0)"
        seconds = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                        check=True).stdout.split()[-1]) for _ in range(repeats)]
        out(f"    {name}: {statistics.median(seconds) * 1000:.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--original", type=pathlib.Path, default=ORIGINAL,
                        help="the original lesson's notebook, run in the same rounds for time ratios")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--one", type=pathlib.Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:  # child process: one run, reported as JSON on stdout
        print(json.dumps(run_once(args.one.resolve(), args.seeds[0])))
        return
    from lessonlib.lessons import LESSONS

    registered = [ROOT / "notebooks" / f"{lesson.notebook}.md" for lesson in LESSONS]
    notebooks = [p.resolve() for p in args.notebooks] or registered
    original = args.original.resolve() if args.original.is_file() else None
    lines = []

    def out(line=""):
        print(line)
        lines.append(line)

    out("# make bench: the lessons' times, fresh-set figures and claims\n")
    out(f"Written by benchmarks/bench.py on {time.strftime('%Y-%m-%d')}, seeds {', '.join(map(str, args.seeds))}"
        f"{'' if original else '; no original lesson found: time ratios skipped'}.")
    runs, original_runs = {path.stem: [] for path in notebooks}, []
    for seed in args.seeds:  # rounds: the original, then each lesson, so drifts hit them alike
        if original is not None:
            original_runs.append(run_child(original, seed))
        for path in notebooks:
            runs[path.stem].append(run_child(path, seed))
    summarize_times(runs, original_runs, out)
    for name, lesson in runs.items():
        summarize(name, lesson, out)
    micro_timings(out)
    if set(notebooks) == set(registered):  # a partial run does not overwrite the full report
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
