"""Install the locked environment into .venv: what `make venv` (and so `make lab`, `make test`) runs.

uv installs exactly what uv.lock lists (`uv sync --locked`); it is taken from PATH, or installed
into .tools/ on first use. `--pip` is the fallback without uv: a plain venv and pip, from
requirements.txt (the same lock, exported with hashes). Every failure a newcomer can meet (no
supported Python, no network, a lock out of date) ends in one sentence saying what to do.

Runs on any Python 3.8+ (the standard library only): it may be started by an unsupported python3.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
TOOLS = ROOT / ".tools"
UV_VERSION = "0.13.9"  # the uv that wrote uv.lock; any 0.5+ reads it
KERNEL_NAME = "rnn-lessons"
# JupyterLab settings for this project's server only (they go into .venv, not the user's ~/.jupyter).
LAB_OVERRIDES = ROOT / "jupyter" / "overrides.json"
NETWORK_HINTS = ("failed to fetch", "error sending request", "dns error", "connection refused",
                 "network is unreachable", "temporary failure in name resolution", "timed out",
                 "could not connect", "failed to download", "connecterror", "newconnectionerror")


class SetupError(Exception):
    """A failure with one sentence for the user; `make` prints it instead of a traceback."""


def requires_python(pyproject=ROOT / "pyproject.toml"):
    """((3, 11), (3, 14)) for `requires-python = ">=3.11,<3.14"`: lowest supported, first unsupported."""
    match = re.search(r'^requires-python\s*=\s*">=\s*(\d+)\.(\d+)\s*,\s*<\s*(\d+)\.(\d+)"',
                      Path(pyproject).read_text(), re.M)
    if match is None:
        raise SetupError(f"{pyproject}: expected requires-python = \">=3.X,<3.Y\"")
    low_major, low_minor, high_major, high_minor = map(int, match.groups())
    return (low_major, low_minor), (high_major, high_minor)


def supported_versions(bounds):
    """['3.11', '3.12', '3.13'] for bounds ((3, 11), (3, 14))."""
    (major, low), (high_major, high) = bounds
    if high_major != major:
        raise SetupError(f"requires-python must stay within Python {major}: got {bounds}")
    return [f"{major}.{minor}" for minor in range(low, high)]


def is_supported(version, bounds):
    """Whether a (major, minor[, ...]) version lies within requires-python's bounds."""
    low, high = bounds
    return low <= tuple(version[:2]) < high


def unsupported_message(version, bounds, tensorflow=None):
    """The sentence `make` prints for an interpreter TensorFlow has no wheels for."""
    names = supported_versions(bounds)
    wheels = f"TensorFlow {tensorflow}" if tensorflow else "TensorFlow"
    shown = ".".join(str(part) for part in version[:2])
    return (f"Python {shown} is not supported: {wheels} ships wheels for Python {', '.join(names[:-1])} "
            f"and {names[-1]} only. Install one of them (for example `uv python install {names[-1]}`, "
            f"your system's package manager, or python.org) and run `make PYTHON=python{names[-1]} lab`.")


def _load_lessonlib_versions():
    """lessonlib/versions.py loaded on its own: it needs only the standard library, and lessonlib
    itself (which needs NumPy) is not installed yet when this script runs."""
    spec = importlib.util.spec_from_file_location("_lessonlib_versions", ROOT / "lessonlib" / "versions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


locked_versions = _load_lessonlib_versions().locked_versions  # {name: version} of every package in uv.lock


def explain_uv_failure(stderr):
    """One sentence for a failed `uv sync` / `uv python find`, from what uv printed."""
    text = stderr.lower()
    if "lockfile" in text and ("needs to be updated" in text or "out of date" in text):
        return ("uv.lock does not match pyproject.toml: a dependency changed without relocking. "
                "Run `make upgrade` (relock to the newest versions) or `uv lock`, then commit uv.lock.")
    if any(hint in text for hint in NETWORK_HINTS):
        return ("Could not download packages: this machine cannot reach PyPI (https://pypi.org). "
                "Check the network connection or proxy settings, then run `make venv` again.")
    last = [line for line in stderr.strip().splitlines() if line.strip()][-3:]
    return "Installing the environment failed; uv said:\n  " + "\n  ".join(last)


def find_uv(bootstrap_python=sys.executable):
    """Path of a uv executable: on PATH, in .tools/, or installed there now with pip."""
    for candidate in (shutil.which("uv"), TOOLS / "bin" / "uv"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    print(f"uv is not installed: installing uv {UV_VERSION} into {TOOLS.name}/ (once)", flush=True)
    venv.create(TOOLS, with_pip=True)
    pip = subprocess.run([str(TOOLS / "bin" / "python"), "-m", "pip", "install", "--quiet",
                          f"uv=={UV_VERSION}"], capture_output=True, text=True)
    if pip.returncode != 0:
        shutil.rmtree(TOOLS, ignore_errors=True)
        raise SetupError(explain_uv_failure(pip.stderr) + "\n(Without uv: `make INSTALLER=pip venv`.)")
    return str(TOOLS / "bin" / "uv")


def interpreter_version(python):
    """(major, minor, micro) of an interpreter given by name or path, or None if it does not run."""
    exe = shutil.which(python) or python
    try:
        run = subprocess.run([exe, "-c", "import sys, json; print(json.dumps(sys.version_info[:3]))"],
                             capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    return tuple(json.loads(run.stdout)) if run.returncode == 0 else None


def choose_python(uv, requested, bounds):
    """The interpreter to build .venv with: `requested` if supported, else one uv finds or installs."""
    tensorflow = locked_versions().get("tensorflow")
    if requested:
        version = interpreter_version(requested)
        if version is None:
            raise SetupError(f"`{requested}` does not run: set PYTHON to a Python "
                             f"{' / '.join(supported_versions(bounds))} interpreter, "
                             f"e.g. `make PYTHON=python3.12 lab`.")
        if not is_supported(version, bounds):
            raise SetupError(unsupported_message(version, bounds, tensorflow))
        return shutil.which(requested) or requested
    spec = f">={bounds[0][0]}.{bounds[0][1]},<{bounds[1][0]}.{bounds[1][1]}"
    found = subprocess.run([uv, "python", "find", spec], capture_output=True, text=True)
    if found.returncode == 0:
        return found.stdout.strip()
    newest = supported_versions(bounds)[-1]
    print(f"No Python {spec} found: asking uv to install Python {newest}", flush=True)
    installed = subprocess.run([uv, "python", "install", newest], capture_output=True, text=True)
    if installed.returncode != 0:
        raise SetupError(unsupported_message(interpreter_version("python3") or sys.version_info,
                                             bounds, tensorflow))
    return newest


def sync_with_uv(uv, python):
    """`uv sync --locked` into .venv: exactly the lock's versions (all extras), nothing else."""
    command = [uv, "sync", "--locked", "--all-extras", "--python", python]
    run = subprocess.run(command, cwd=ROOT, stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(VENV)})
    if run.returncode != 0:
        raise SetupError(explain_uv_failure(run.stderr))
    summary = [line for line in run.stderr.splitlines() if line.startswith(("Resolved", "Installed", "Audited"))]
    print("\n".join(summary), flush=True)


def sync_with_pip(python):
    """The fallback without uv: venv + pip from requirements.txt (hash-checked), then lessonlib."""
    if not (VENV / "bin" / "python").exists():
        subprocess.run([python, "-m", "venv", str(VENV)], check=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    for step in (["-r", str(ROOT / "requirements.txt")], ["--no-deps", "--editable", str(ROOT)]):
        run = subprocess.run(pip + step, stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            raise SetupError(explain_uv_failure(run.stderr))


def finish():
    """Register the Jupyter kernel and install this project's JupyterLab settings into .venv."""
    python = str(VENV / "bin" / "python")
    subprocess.run([python, "-m", "ipykernel", "install", "--user", "--name", KERNEL_NAME,
                    "--display-name", "Python (rnn-lessons)"], check=True, capture_output=True)
    settings = VENV / "share" / "jupyter" / "lab" / "settings" / "overrides.d"
    settings.mkdir(parents=True, exist_ok=True)
    shutil.copy2(LAB_OVERRIDES, settings / "rnn-lessons.json")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=os.environ.get("PYTHON") or None,
                        help="interpreter for .venv (default: one uv finds within requires-python)")
    parser.add_argument("--pip", action="store_true", help="install with venv + pip instead of uv")
    args = parser.parse_args(argv)
    try:
        bounds = requires_python()
        if args.pip:
            python = args.python or "python3"
            version = interpreter_version(python)
            if version is None or not is_supported(version, bounds):
                raise SetupError(unsupported_message(version or (0, 0), bounds,
                                                     locked_versions().get("tensorflow")))
            sync_with_pip(python)
        else:
            uv = find_uv()
            sync_with_uv(uv, choose_python(uv, args.python, bounds))
        finish()
    except SetupError as error:
        print(f"\nmake: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
