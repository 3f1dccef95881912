"""Run every lesson in an environment other than the locked one: what `make test-env ENV=...` runs.

Three environments, each built afresh in .envs/<name> with uv, then every registered lesson's notebook
(notebooks/<NOTEBOOK>.ipynb, copied alone into an empty folder, as Colab opens it) is run to its end in a
kernel of that environment, and every `checked:` claim must hold. This is a claims run, not nbval's
text comparison: numbers may differ from the stored outputs, the lesson's claims may not.

- ``colab``: Google Colab's preinstalled versions (envs/colab.txt, with the date they were read) on
  Python 3.13, lessonlib installed as a lesson's first cell installs it on Colab (``--no-deps``). It
  also checks that ``pip install`` of lessonlib with its dependencies would change none of Colab's packages,
  and runs the panels' tests there (tests/test_foreground.py, tests/test_panel.py), where the explorers
  train in the foreground (ipywidgets 7).
- ``oldest``: the lowest versions pyproject.toml declares for lessonlib's dependencies (uv's
  ``--resolution lowest-direct``) on the oldest supported Python (3.11). It fails when a declared
  lower bound cannot be installed as such: the declared bounds are the tested ones.
- ``latest``: the newest releases, unlocked, on the newest supported Python (3.13). A failure here is
  news about a new release (what to adapt before `make upgrade`), not a broken build.

The kernel runs in the environment; this script and the notebook client run in the project's .venv.
Usage: python tools/envs.py {colab,oldest,latest}   (exit status 1 when a lesson fails or a claim breaks)
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENVS = ROOT / ".envs"
COLAB = ROOT / "envs" / "colab.txt"
UV = Path(sys.executable).with_name("uv")
# The packages a report names first: those whose versions change a lesson's numbers or break it.
KEY_PACKAGES = ("tensorflow", "keras", "numpy", "scipy", "scikit-learn", "statsmodels", "matplotlib",
                "ipywidgets", "ipykernel", "ipython")


class EnvError(Exception):
    """A failure to build an environment, with one sentence saying what to do."""


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def runtime_requirements():
    """lessonlib's dependencies, as pyproject.toml declares them (['numpy>=1.26', ...])."""
    return list(_project()["dependencies"])


def kernel_requirement():
    """The lab extra's ipykernel requirement: the one package a kernel needs beyond lessonlib's."""
    return next(r for r in _project()["optional-dependencies"]["lab"] if r.startswith("ipykernel"))


def lower_bounds(requirements):
    """{name: lowest version} of requirements such as 'numpy>=1.26' ('1.26').

    >>> lower_bounds(["numpy>=1.26", "ipywidgets>=7.7.1", "keras"])
    {'numpy': '1.26', 'ipywidgets': '7.7.1'}
    """
    bounds = {}
    for requirement in requirements:
        match = re.match(r"^([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)", requirement)
        if match:
            bounds[match[1].lower()] = match[2]
    return bounds


def pins(path=COLAB):
    """({name: version} of a pin file's `name==version` lines, its `# python: X.Y`)."""
    text = Path(path).read_text()
    python = re.search(r"^# python: (\d+\.\d+)$", text, re.M)
    if python is None:
        raise EnvError(f"{path}: expected a '# python: 3.X' line naming the environment's Python")
    found = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", text, re.M))
    return {name.lower(): version for name, version in found.items()}, python[1]


def _same_version(installed, wanted):
    """'1.26.0' is '1.26'; '3.0.0' is '3.0'."""
    pad = lambda v: [int(p) for p in v.split(".")] + [0] * (4 - len(v.split(".")))  # noqa: E731
    return re.fullmatch(r"[0-9.]+", installed) is not None and pad(installed) == pad(wanted)


def find_python(version):
    """An interpreter of `version` ('3.13'): on PATH, under pyenv, or one uv knows; else say how to get one."""
    home = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = [shutil.which(f"python{version}"),
                  *sorted(glob.glob(str(home / "versions" / f"{version}.*" / "bin" / f"python{version}")))]
    for candidate in filter(None, candidates):
        run = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True)
        if run.returncode == 0 and run.stdout.strip() == version:
            return candidate
    found = subprocess.run([UV, "python", "find", version], capture_output=True, text=True)
    if found.returncode == 0:
        return found.stdout.strip()
    raise EnvError(f"No Python {version} found: install one (`uv python install {version}`, pyenv, or "
                   f"python.org) and run this again.")


def _uv(*args, python):
    run = subprocess.run([UV, *args, "--python", str(python)], capture_output=True, text=True, cwd=ROOT)
    if run.returncode != 0:
        raise EnvError(f"`uv {' '.join(map(str, args))}` failed:\n{run.stderr.strip()}")
    return run.stdout


def freeze(env):
    """{name: version} of everything installed in `env`."""
    listed = json.loads(_uv("pip", "list", "--format", "json", python=env / "bin" / "python"))
    return {package["name"].lower().replace("_", "-"): package["version"] for package in listed}


def build(name):
    """Create .envs/<name> afresh; return (its path, the problems found while building it)."""
    env = ENVS / name
    shutil.rmtree(env, ignore_errors=True)
    ENVS.mkdir(exist_ok=True)
    problems = []
    if name == "colab":
        wanted, python_version = pins()
        subprocess.run([UV, "venv", "--quiet", "--seed", "--python", find_python(python_version), env], check=True)
        python = env / "bin" / "python"
        _uv("pip", "install", "-r", COLAB, python=python)
        before = freeze(env)
        problems += [f"{package} is {before.get(package, 'missing')}, envs/colab.txt says {version}"
                     for package, version in wanted.items() if before.get(package) != version]
        # What a lesson's first cell does on Colab: lessonlib alone, none of its dependencies.
        _uv("pip", "install", "--no-deps", ROOT, python=python)
        # What `pip install lessonlib` (with its dependencies) would do to Colab's set: nothing.
        pip = subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", ROOT],
                             capture_output=True, text=True)
        if pip.returncode != 0:
            problems.append(f"pip install of lessonlib into Colab's set failed:\n{pip.stderr.strip()}")
        after = freeze(env)
        changed = sorted(f"{p} {before.get(p, 'absent')} -> {after.get(p, 'removed')}"
                         for p in set(before) | set(after) if p != "lessonlib" and before.get(p) != after.get(p))
        if changed:
            problems.append("pip install of lessonlib changed Colab's packages (lower a bound in pyproject.toml): "
                            + "; ".join(changed))
    else:
        oldest = name == "oldest"
        from install import requires_python, supported_versions  # tools/install.py: pyproject's Python range

        versions = supported_versions(requires_python())
        python_version = versions[0] if oldest else versions[-1]
        subprocess.run([UV, "venv", "--quiet", "--python", find_python(python_version), env], check=True)
        python = env / "bin" / "python"
        resolution = ["--resolution", "lowest-direct"] if oldest else ["--upgrade"]
        _uv("pip", "install", *resolution, *runtime_requirements(), kernel_requirement(), python=python)
        _uv("pip", "install", "--no-deps", ROOT, python=python)
        if oldest:  # each declared lower bound is what got installed, or it is an untested promise
            installed = freeze(env)
            problems += [f"{package}>={bound} is declared but {installed.get(package, 'nothing')} was installed: "
                         f"raise the bound in pyproject.toml to the version that installs"
                         for package, bound in lower_bounds(runtime_requirements()).items()
                         if not _same_version(installed.get(package, ""), bound)]
    subprocess.run([python, "-m", "ipykernel", "install", "--prefix", env, "--name", f"rnn-env-{name}",
                    "--display-name", f"rnn-lessons {name}"], check=True, capture_output=True)
    return env, problems


def run_lessons(name, env, jobs=2):
    """Run each registered lesson's notebook, copied alone into an empty folder, in the env's kernel;
    ``jobs`` notebooks at a time, each in a kernel of its own (a lesson's small networks keep about one
    core busy, so two at a time take about half as long on two cores). Reported in the registry's order."""
    from concurrent.futures import ThreadPoolExecutor

    from lessonlib.lessons import LESSONS

    # The kernel's debugger (ipykernel's) warns about frozen modules on every start: not news here.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    os.environ["JUPYTER_PATH"] = os.pathsep.join([str(env / "share" / "jupyter"), os.environ.get("JUPYTER_PATH", "")])
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        runs = list(pool.map(lambda lesson: _run_alone(lesson, name), LESSONS))
    results = {}
    for lesson, run in zip(LESSONS, runs, strict=True):
        failed = [statement for statement, held in run["claims"].items() if not held]
        print(f"{lesson.notebook}: {run['seconds']:.0f} s, {sum(run['claims'].values())}/{len(run['claims'])} "
              f"claims held" + "".join(f"\n    ERROR {error}" for error in run["errors"])
              + "".join(f"\n    CLAIM FAILED {statement}" for statement in failed), flush=True)
        results[lesson.notebook] = run
    return results


def _run_alone(lesson, name):
    """One lesson's notebook, copied alone into an empty folder, run in the env's kernel."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import nbformat
    from bench import _execute

    with tempfile.TemporaryDirectory(prefix=f"rnn-{name}-") as folder:
        copy = Path(shutil.copy2(ROOT / "notebooks" / f"{lesson.notebook}.ipynb", folder))
        nb = nbformat.read(copy, as_version=4)
        return _execute(nb, copy, kernel_name=f"rnn-env-{name}")


PANEL_TESTS = ["tests/test_foreground.py", "tests/test_panel.py"]


def run_panel_tests(env):
    """Run the panels' tests with the env's Python (pytest added: a test tool, not one of the pins); True if
    they pass. In Colab's versions a panel trains in the foreground, as it does on Colab."""
    python = env / "bin" / "python"
    _uv("pip", "install", "pytest", python=python)
    began = time.perf_counter()
    run = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *PANEL_TESTS],
                         cwd=ROOT, capture_output=True, text=True)
    summary = (run.stdout.strip().splitlines() or ["no output"])[-1]
    print(f"panels' tests ({', '.join(PANEL_TESTS)}): {summary} ({time.perf_counter() - began:.0f} s)", flush=True)
    if run.returncode != 0:
        print(run.stdout[-6000:], run.stderr[-2000:], sep="\n", flush=True)
    return run.returncode == 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("env", choices=["colab", "oldest", "latest"])
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tools"))
    start = time.perf_counter()
    try:
        env, problems = build(args.env)
    except EnvError as error:
        print(f"\n{args.env}: could not build the environment: {error}", file=sys.stderr)
        return 1
    built = time.perf_counter() - start
    installed = freeze(env)
    python = subprocess.run([env / "bin" / "python", "-c", "import platform; print(platform.python_version())"],
                            capture_output=True, text=True, check=True).stdout.strip()
    print(f"{args.env}: built in {built:.0f} s: Python {python} · "
          + " · ".join(f"{p} {installed[p]}" for p in KEY_PACKAGES if p in installed), flush=True)
    results = run_lessons(args.env, env)
    if args.env == "colab" and not run_panel_tests(env):
        problems.append("the panels' tests failed in Colab's versions (above)")
    broken = [f"{notebook}: {len(r['errors'])} error(s), {sum(not h for h in r['claims'].values())} claim(s) failed"
              for notebook, r in results.items() if r["errors"] or not all(r["claims"].values())
              or not r["claims"]]
    minutes = (time.perf_counter() - start) / 60
    if not problems and not broken:
        print(f"{args.env}: PASSED in {minutes:.1f} min: every lesson ran to its end with every claim holding.")
        return 0
    print(f"\n{args.env}: FAILED after {minutes:.1f} min:", *problems, *broken, sep="\n  ")
    if args.env == "latest":
        print("This is news, not a broken build: the newest releases break the lines above. Fix the lessons (or "
              "lessonlib) for them before `make upgrade`, or cap the release in pyproject.toml and say why.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
