"""How big a server a class needs, from what `make test-hub` measured (tests/hub): hub/SIZING.md and
hub/sizing.json, and the sizing table in TEACHING.md (between its ``hub-sizing`` markers).

The measurements: students at once, each opening lesson 1 in the hub in headless Chromium, running all its
cells and one explorer run; and one student alone doing the same, first. For each student, every process
of that student's system user (the Jupyter server, the kernel) is sampled every few seconds:
proportional set size (PSS, from /proc/PID/smaps_rollup: a shared library page counts 1/n for each of
the n processes that map it, so PSS adds up across students where resident size counts TensorFlow's
shared pages once per student), resident size (RSS), and CPU time (/proc/PID/stat).

The model, stated once here and in the files it writes:
* memory for N students = (the hub's PSS + N x the largest per-student peak PSS) x HEADROOM;
* CPU: a student's run of the lesson costs W CPU-seconds (median over the students at once), which does
  not depend on how busy the machine is. Alone on an idle machine with P cores it takes at least
  T = W / P seconds (TensorFlow spreads its work over every core it finds; the lesson cannot finish
  sooner), so P is the most one student uses. N students starting it at once on C cores take about
  max(T, N x W / C) seconds: the wait doubles past N = 2 x T x C / W = 2 x C / P students, and a class
  of N needs C = N x W / (2 x T) = N x P / 2 cores for everyone to be done within twice the time alone.
  Taking T at its lower bound makes these core counts an upper bound. The wall times measured alone
  and at once are reported beside it with the load average, not used: on a machine shared with other
  jobs they are not the lesson's.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

HEADROOM = 1.2          # the operating system, the page cache, a notebook left open: 20 % over the measured peak
CLASS_SIZES = (10, 30, 100)
ONE_SERVER = {"cores": 32, "memory_gb": 128}  # past either, a class is better spread over nodes: Zero to JupyterHub
BEGIN, END = "<!-- hub-sizing:begin -->", "<!-- hub-sizing:end -->"


# --- sampling ----------------------------------------------------------------------------------------

def memory_of(pid):
    """``{"pss": kB, "rss": kB, "private": kB}`` of a process (smaps_rollup), or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = dict(re.findall(r"^(\w+):\s+(\d+) kB", text, re.M))
    return {"pss": int(fields.get("Pss", 0)), "rss": int(fields.get("Rss", 0)),
            "private": int(fields.get("Private_Clean", 0)) + int(fields.get("Private_Dirty", 0))}


def cpu_seconds_of(pid):
    """User + system CPU seconds of a process and its reaped children, or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def pids_of_uid(uid):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue
            match = re.search(r"^Uid:\s+(\d+)", status, re.M)
            if match and int(match[1]) == uid:
                pids.append(int(entry.name))
    return pids


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the model -----------------------------------------------------------------------------------------

def sizing(measured):
    """The figures for the table, from the measurements (a dict as tests/hub writes it to sizing.json)."""
    pss = max(student["peak_pss_mb"] for student in measured["together"]["students"])
    rss = max(student["peak_rss_mb"] for student in measured["together"]["students"])
    private = max(student["peak_private_mb"] for student in measured["together"]["students"])
    cpu = sorted(student["cpu_seconds"] for student in measured["together"]["students"])
    work = cpu[len(cpu) // 2]
    measured_alone = measured["alone"]["seconds"]
    together = max(student["seconds"] for student in measured["together"]["students"])
    students = len(measured["together"]["students"])
    cores_here = measured["machine"]["cores"]
    alone = work / cores_here  # T: the least time alone, with every core of the measuring machine
    hub = measured["hub_pss_mb"]

    def memory_gb(n):
        return math.ceil((hub + n * pss) * HEADROOM / 1024)

    def cores(n):
        return max(1, math.ceil(n * work / (2 * alone)))

    def at_once(c):
        return max(1, math.floor(2 * alone * c / work))

    rows = []
    for n in CLASS_SIZES:
        row = {"students": n, "memory_gb": memory_gb(n), "cores": cores(n)}
        row["at_once"] = at_once(row["cores"])
        one = row["cores"] <= ONE_SERVER["cores"] and row["memory_gb"] <= ONE_SERVER["memory_gb"]
        row["where"] = ("one server: `make hub` or The Littlest JupyterHub" if one else
                        "more than one server holds: Zero to JupyterHub on a Kubernetes cluster")
        rows.append(row)
    return {
        "per_student_pss_mb": round(pss), "per_student_rss_mb": round(rss), "per_student_private_mb": round(private),
        "hub_pss_mb": round(hub),
        "cpu_seconds": round(work, 1), "alone_seconds": round(measured_alone, 1),
        "together_seconds": round(together, 1), "least_alone_seconds": round(alone, 1),
        "students": students, "slowdown": round(together / measured_alone, 2),
        "model_slowdown": round(max(1.0, students * work / cores_here / alone), 2),
        "at_once_here": at_once(cores_here), "cores_here": cores_here, "rows": rows,
    }


def table(figures):
    """The Markdown table of class sizes (TEACHING.md shows the same one)."""
    lines = ["| students | memory | cores for all at once within 2x the time alone | can start the same cell at "
             "once before waiting doubles | what to run |", "|---|---|---|---|---|"]
    for row in figures["rows"]:
        lines.append(f"| {row['students']} | {row['memory_gb']} GB | {row['cores']} | {row['at_once']} | "
                     f"{row['where']} |")
    return "\n".join(lines)


def summary(figures, measured):
    f = figures
    return (f"Measured by `make test-hub` on {measured['date']} on a {f['cores_here']}-core machine "
            f"(load average {measured['alone']['load']} before the student alone, "
            f"{measured['together']['load']} before the {f['students']} together): each student's peak memory "
            f"was {f['per_student_pss_mb']} MB proportional (PSS; {f['per_student_private_mb']} MB of it private to "
            f"the student, {f['per_student_rss_mb']} MB resident, which counts TensorFlow's shared libraries once per "
            f"student), the hub and its proxy "
            f"{f['hub_pss_mb']} MB. Lesson 1 with one explorer run cost each student {f['cpu_seconds']} s of CPU, "
            f"so at least {f['least_alone_seconds']} s alone on this machine with both cores; measured, it took one "
            f"student alone {f['alone_seconds']} s and {f['students']} students at once up to "
            f"{f['together_seconds']} s, {f['slowdown']}x the time alone (on an idle machine the model says "
            f"{f['model_slowdown']}x: the other jobs slowed the student alone too). On this machine "
            f"{f['at_once_here']} students can start the same cell at once before the wait doubles; the table "
            f"counts cores from the CPU time, which the machine's load does not change.")


def markdown(measured):
    figures = sizing(measured)
    isolation = "\n".join(f"- {check}: {'yes' if ok else 'NO'}" for check, ok in sorted(measured["isolation"].items()))
    return f"""# make test-hub: how big a server a class needs

Written by tests/hub (hub/sizing.py) on {measured['date']}; raw measurements in hub/sizing.json.

{summary(figures, measured)}

{table(figures)}

Memory is (the hub's PSS + students x the largest per-student peak PSS) x {HEADROOM}, rounded up;
cores are students x CPU-seconds / (2 x the least time alone), rounded up (hub/sizing.py says why).
Past {ONE_SERVER['cores']} cores or {ONE_SERVER['memory_gb']} GB, spread the class over several nodes with
Zero to JupyterHub (hub/README.md).
Per-student memory limit used: {measured['mem_limit']} (enforced: {'yes' if measured['limit_enforced'] else 'no'}).
Failures: {measured['failures']}.

Checks passed in that run:
{isolation}
"""


def write(measured, hub_dir, teaching):
    """hub/sizing.json, hub/SIZING.md, and the table in TEACHING.md between its markers."""
    hub_dir = Path(hub_dir)
    (hub_dir / "sizing.json").write_text(json.dumps(measured, indent=2, sort_keys=True) + "\n")
    (hub_dir / "SIZING.md").write_text(markdown(measured))
    teaching = Path(teaching)
    text = teaching.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise ValueError(f"{teaching} has no {BEGIN} ... {END} markers for the sizing table")
    before, rest = text.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    figures = sizing(measured)
    block = f"{BEGIN}\n{summary(figures, measured)}\n\n{table(figures)}\n{END}"
    teaching.write_text(before + block + after, encoding="utf-8")
