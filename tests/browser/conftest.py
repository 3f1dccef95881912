"""Fixtures for the browser tests: one JupyterLab server per module, one headless Chromium.

These tests are slow (each lesson runs all its cells, 30-60 s on two cores), so they only run when
asked for: `make test-browser`, `pytest tests/browser`, or RNN_LESSONS_BROWSER=1. `make test`
leaves this folder out (`--ignore=tests/browser`); a plain `pytest` reports them as skipped.

The server is isolated from the user's Jupyter set-up and from the working tree:
- it serves temporary notebooks built from the lessons' text sources (notebooks/*.md, so the
  tests see the current sources, with no outputs), so running or saving a lesson in the browser
  never touches the committed notebooks (tests/browser/test_notebook_alone.py serves one committed
  notebook copied alone into an empty folder instead);
- it listens on 127.0.0.1 only, on a free port, with a random token (passed in the environment,
  not on the command line, so `ps` does not show it);
- its settings, workspaces, config and runtime folders are temporary too. The settings switch off
  the notebook's windowing (every cell stays in the DOM, so the tests can see every prompt and
  output) and JupyterLab's news and update checks (no requests to the internet).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lessonlib.lessons import LESSONS

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]

# Executables tried in this order; CHROMIUM=/path/to/chrome overrides them.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_MACOS = ("/Applications/Chromium.app/Contents/MacOS/Chromium",
                  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
# --no-sandbox: Chromium refuses to start as root (CI containers) without it; the pages it opens
# are our own, on 127.0.0.1. The rest keep it from trying to reach the internet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
INSTALL_HINT = ("No Chromium found. Install it (Debian/Ubuntu: `sudo apt-get install -y chromium`; "
                "macOS: `brew install --cask chromium` or Google Chrome) or set CHROMIUM=/path/to/it. "
                "`playwright install` is not needed.")

LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}
SERVER_START_TIMEOUT = 120  # s; JupyterLab starts in about 5 s on an idle machine


def find_chromium():
    """The Chromium (or Chrome) executable to drive, or None."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return next((path for path in CHROMIUM_MACOS if os.access(path, os.X_OK)), None)


# --- only when asked for ------------------------------------------------------------------------

def only_when_asked(folder, variable, reason):
    """A ``pytest_collection_modifyitems`` hook that skips the tests under ``folder`` (with ``reason``)
    unless the environment sets ``variable=1`` or the command line names that folder or a file in it:
    the browser, site and hub tests are slow and need Chromium, so ``make test`` leaves them out."""

    def asked_for(config):
        if os.environ.get(variable) == "1":
            return True
        base = Path(config.invocation_params.dir)
        paths = [(base / arg.split("::")[0]).resolve() for arg in config.args]
        return any(path == folder or folder in path.parents for path in paths)

    def pytest_collection_modifyitems(config, items):
        if asked_for(config):
            return
        skip = pytest.mark.skip(reason=reason)
        for item in items:
            if folder in Path(str(item.path)).resolve().parents:
                item.add_marker(skip)

    return pytest_collection_modifyitems


pytest_collection_modifyitems = only_when_asked(
    HERE, "RNN_LESSONS_BROWSER", "browser tests: run `make test-browser` or `pytest tests/browser`")


# --- the server ---------------------------------------------------------------------------------

class Lab:
    """A running JupyterLab server: its URL, token, root folder, log, and a small REST client."""

    def __init__(self, root, log_path):
        self.root, self.log_path = root, log_path
        self.token = secrets.token_urlsafe(32)
        self.port = None
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def lab_url(self, path):
        """The address that opens ``path`` (relative to the root) in a fresh workspace."""
        return f"{self.url}/lab/tree/{path}?token={self.token}&reset"

    def api(self, method, path, timeout=10, body=None):
        """Call the server's REST API; ``body`` (JSON-able) is sent as JSON."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, method=method, data=data,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def session(self, path):
        """The session of the notebook at ``path`` (relative to the root), or None."""
        return next((s for s in self.api("GET", "/api/sessions") if s["path"] == path), None)

    def shut_down_sessions(self):
        for session in self.api("GET", "/api/sessions"):
            try:
                self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)
            except urllib.error.HTTPError:
                pass

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def start(self, env):
        for _attempt in range(3):  # another program may grab the free port before the server does
            self.port = _free_port()
            command = [sys.executable, "-m", "jupyterlab", "--no-browser",
                       "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                       "--ServerApp.port_retries=0", f"--ServerApp.root_dir={self.root}"]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                command.append("--allow-root")
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(command, cwd=self.root, env=env, stdout=log,
                                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                             start_new_session=True)
            if self._wait_ready():
                return
            self.stop()
        pytest.fail(f"JupyterLab did not start; its log ends with:\n{self.log_tail()}")

    def _wait_ready(self):
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                self.api("GET", "/api/status", timeout=5)
                return True
            except (OSError, urllib.error.URLError):
                time.sleep(0.5)
        return False

    def stop(self):
        """Shut down the kernels and the server; kill the server's process group if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.shut_down_sessions()
            for kernel in self.api("GET", "/api/kernels"):
                self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=30)
            self.api("POST", "/api/shutdown", timeout=30)
            self.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 -- fall through to the signals below
            pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.proc.poll() is not None:
                break
            try:
                os.killpg(self.proc.pid, sig)  # the group started with the server, nothing else
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lesson_notebook(source):
    """The notebook of a lesson's text source (notebooks/X.md), as jupytext reads it: no outputs,
    no widget state, so every output seen in the browser is from this run."""
    import jupytext

    notebook = jupytext.read(source)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.metadata.pop("widgets", None)
    notebook.metadata.pop("jupytext", None)  # a plain notebook: no pairing with a file beside it
    return notebook


LESSON_SOURCES = [PROJECT / "notebooks" / f"{lesson.notebook}.md" for lesson in LESSONS]  # the registry's


def _copy_lessons(root):
    """notebooks/*.ipynb built from the current text sources (notebooks/*.md), not the committed
    notebooks. Nothing else: the diagrams are cell outputs (lessonlib.show_diagram)."""
    import nbformat

    (root / "notebooks").mkdir(parents=True)
    for source in LESSON_SOURCES:
        nbformat.write(lesson_notebook(source), root / "notebooks" / f"{source.stem}.ipynb")


@contextlib.contextmanager
def serving(base, populate):
    """A JupyterLab server on 127.0.0.1 serving the folder ``base/root`` that ``populate(root)`` fills,
    with temporary settings, workspaces, config and runtime folders; always shut down."""
    root = base / "root"
    root.mkdir(parents=True)
    populate(root)
    for name, values in LAB_SETTINGS.items():
        path = base / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    server = Lab(root, base / "jupyterlab.log")
    env = dict(os.environ,
               JUPYTER_TOKEN=server.token,
               JUPYTERLAB_SETTINGS_DIR=str(base / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
               JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"))
    env.setdefault("KERAS_BACKEND", "tensorflow")   # as `make` sets them for nbval
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.pop("MPLBACKEND", None)  # the kernel must draw inline, as for a student
    try:
        server.start(env)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a copy of the lessons; always shut down."""
    with serving(tmp_path_factory.mktemp("jupyterlab"), _copy_lessons) as server:
        yield server


# --- the browser --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from the system, driven by Playwright for Python."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: .venv/bin/python -m pip install -e '.[browser]' "
                    "(or `make test-browser`, which does it)")
    executable = find_chromium()
    if executable is None:
        pytest.fail(INSTALL_HINT)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(lab, browser):
    """A fresh browser context and page; afterwards the kernels it started are shut down.

    The window is tall enough for the whole explorer panel (controls, two plots, two tables).
    """
    context = browser.new_context(viewport={"width": 1400, "height": 2000})
    context.set_default_timeout(60_000)
    try:
        yield context.new_page()
    finally:
        context.close()
        lab.shut_down_sessions()  # the next lesson gets the CPU and memory to itself


if __name__ == "__main__":  # `python tests/browser/conftest.py`: which Chromium would be used
    found = find_chromium()
    print(found or INSTALL_HINT)
    sys.exit(0 if found else 1)
