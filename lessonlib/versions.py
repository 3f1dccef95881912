"""Which versions run this kernel, compared with the locked set the stored outputs were made with.

Every lesson's first code cell calls `show_versions()`: a student whose TensorFlow, Keras or NumPy is
not the one in uv.lock is told, in one line, that their numbers may differ and how to get the locked set.
On Colab, where that cell has just installed lessonlib from the repository without its dependencies
(Colab's preinstalled packages stay as they are), it installs whichever of lessonlib's dependencies
are missing, none on Colab today, and says in one line what was installed from where.
Standard library only: tools/install.py loads this file for `locked_versions` before lessonlib is installed.
"""

from __future__ import annotations

import json
import platform
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

# Shown name -> distribution name: the packages whose versions change a lesson's numbers.
PACKAGES = {"TensorFlow": "tensorflow", "Keras": "keras", "NumPy": "numpy"}
LOCK = Path(__file__).resolve().parent.parent / "uv.lock"


def locked_versions(lock=LOCK):
    """{distribution: version} from uv.lock (the first entry of each package); {} without a lock.

    Examples
    --------
    >>> locked_versions("no/such/uv.lock")
    {}
    """
    path = Path(lock)
    if not path.is_file():
        return {}
    versions = {}
    for name, version in re.findall(r'^\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"',
                                    path.read_text(encoding="utf-8"), re.M):
        versions.setdefault(name, version)
    return versions


def installed_versions():
    """{shown name: version} of the packages in PACKAGES installed here ("missing" if one is not)."""
    versions = {}
    for shown, distribution in PACKAGES.items():
        try:
            versions[shown] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            versions[shown] = "missing"
    return versions


def version_report(installed, locked, python):
    """The lines `show_versions` prints: the versions, then whether they are the locked set.

    Examples
    --------
    >>> print(version_report({"NumPy": "2.4.6"}, {"numpy": "2.4.6"}, "3.11"))
    Python 3.11 · NumPy 2.4.6: the locked versions that made the stored outputs.
    >>> print(version_report({"NumPy": "2.5.0"}, {"numpy": "2.4.6"}, "3.12"))  # doctest: +NORMALIZE_WHITESPACE
    Python 3.12 · NumPy 2.5.0
    Not the locked set (NumPy 2.4.6): numbers may differ from the stored outputs.
    `make venv` installs the locked versions.
    """
    line = " · ".join([f"Python {python}"] + [f"{name} {version}" for name, version in installed.items()])
    if not locked:
        return line + "\nNo uv.lock found beside lessonlib, so these cannot be compared with the locked set."
    expected = {name: locked.get(PACKAGES.get(name, name.lower()), "not locked") for name in installed}
    differ = [f"{name} {expected[name]}" for name in installed if installed[name] != expected[name]]
    if not differ:
        return line + ": the locked versions that made the stored outputs."
    return (f"{line}\nNot the locked set ({', '.join(differ)}): numbers may differ from the stored outputs. "
            "`make venv` installs the locked versions.")


def on_colab():
    """Whether this kernel is Colab's: Colab's kernel imports `google.colab` at start-up (the lessons'
    first cell tests the same, before lessonlib is installed)."""
    return "google.colab" in sys.modules


def _distribution_name(requirement):
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0]


def missing_requirements(requirements=None):
    """lessonlib's runtime requirements (its metadata's, extras left out) whose package is not installed.

    Examples
    --------
    >>> missing_requirements(["numpy>=1.26", "no-such-package>=1", "jupyterlab>=4; extra == 'lab'"])
    ['no-such-package>=1']
    """
    if requirements is None:
        requirements = metadata.requires("lessonlib") or []
    missing = []
    for requirement in requirements:
        if "extra ==" in requirement:
            continue
        try:
            metadata.version(_distribution_name(requirement))
        except metadata.PackageNotFoundError:
            missing.append(requirement)
    return missing


def install_source():
    """Where pip installed lessonlib from (its PEP 610 record): 'URL@revision (commit abcdef1)', or None."""
    try:
        record = metadata.distribution("lessonlib").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not record:
        return None
    origin = json.loads(record)
    vcs = origin.get("vcs_info", {})
    where = origin["url"] + (f"@{vcs['requested_revision']}" if vcs.get("requested_revision") else "")
    return where + (f" (commit {vcs['commit_id'][:7]})" if vcs.get("commit_id") else "")


def colab_report(installed_now, source):
    """The line `show_versions` adds on Colab.

    Examples
    --------
    >>> print(colab_report([], "https://github.com/o/r@main (commit 0123456)"))  # doctest: +NORMALIZE_WHITESPACE
    On Colab: lessonlib from https://github.com/o/r@main (commit 0123456), with Colab's own packages (none
    changed), so numbers may differ a little from the stored outputs.
    """
    added = f"; added what was missing: {', '.join(installed_now)}" if installed_now else " (none changed)"
    return (f"On Colab: lessonlib from {source or 'an unrecorded source'}, with Colab's own packages{added}, "
            "so numbers may differ a little from the stored outputs.")


def show_versions():
    """Print the versions of Python, TensorFlow, Keras and NumPy, and whether they are the locked set.

    On Colab, first install whichever of lessonlib's dependencies are missing (and nothing else)."""
    python = ".".join(platform.python_version_tuple()[:2])
    if on_colab():
        missing = missing_requirements()
        if missing:
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)
        print(" · ".join([f"Python {python}"] + [f"{n} {v}" for n, v in installed_versions().items()]))
        print(colab_report(missing, install_source()))
        return
    print(version_report(installed_versions(), locked_versions(), python))
