"""Which versions run this kernel, compared with the locked set the stored outputs were made with.

Every lesson's first code cell calls `show_versions()`: a student whose TensorFlow, Keras or NumPy is
not the one in uv.lock is told, in one line, that their numbers may differ and how to get the locked set.
Standard library only: tools/install.py loads this file for `locked_versions` before lessonlib is installed.
"""

from __future__ import annotations

import platform
import re
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


def show_versions():
    """Print the versions of Python, TensorFlow, Keras and NumPy, and whether they are the locked set."""
    python = ".".join(platform.python_version_tuple()[:2])
    print(version_report(installed_versions(), locked_versions(), python))
