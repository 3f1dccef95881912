"""Fixtures for the hub test: a real JupyterHub (hub/launch.py) on 127.0.0.1, and its students.

Slow (every student runs lesson 1 and an explorer run), and it needs root (the hub creates a system user
per student), so it runs only when asked for: `make test-hub`, `pytest tests/hub`, or RNN_LESSONS_HUB=1.
`make test` leaves this folder out (`--ignore=tests/hub`); a plain `pytest` reports it as skipped.

Everything it makes is temporary and named with one random tag, so that cleaning up can never touch
anything else: the shared install and the students' homes under one temporary folder, the system users
``rnnt<tag>-...`` in the group ``rnnt<tag>``, the memory cgroup ``rnn-lessons-<tag>``. Passwords and the
admin token are made at run time. Afterwards the hub is stopped, every process of those users ended,
the users, their group and the folder removed.
"""

from __future__ import annotations

import grp
import http.cookiejar
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from browser.conftest import only_when_asked

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
HUB_START_TIMEOUT = 600  # s; the first start installs the environment (about half a minute with uv's cache)


pytest_collection_modifyitems = only_when_asked(
    HERE, "RNN_LESSONS_HUB", "hub test: run `make test-hub` (as root) or `pytest tests/hub`")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(_NoRedirect)


class Browserless:
    """One person's HTTP session with the hub: cookies, the hub's XSRF token, forms."""

    def __init__(self, url):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def xsrf(self):
        return next((cookie.value for cookie in self.jar if cookie.name == "_xsrf"), "")

    def get(self, path):
        try:
            with self.opener.open(self.url + path, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()

    def post_form(self, path, fields):
        self.get(path)  # the form page sets the _xsrf cookie
        data = urllib.parse.urlencode({**fields, "_xsrf": self.xsrf()}).encode()
        request = urllib.request.Request(self.url + path, data=data, method="POST")
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()


class Hub:
    """A JupyterHub started by hub/launch.py, with an admin token for the test's own API calls."""

    def __init__(self, base, tag):
        self.base, self.tag = base, tag
        # HUB_TEST_PREFIX=/some/dir keeps the shared install between runs (while working on the test).
        self.kept = os.environ.get("HUB_TEST_PREFIX")
        self.prefix, self.home_root = Path(self.kept) if self.kept else base / "opt", base / "home"
        self.group, self.cgroup = f"rnnt{tag}", f"rnn-lessons-{tag}"
        self.teacher = f"rnnt{tag}-teacher"
        self.port, self.token = free_port(), secrets.token_hex(32)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = base / "hub.log"
        self.mem_limit = os.environ.get("HUB_MEM_LIMIT", "3G")
        self.proc = None

    def command(self):
        return [sys.executable, str(PROJECT / "hub" / "launch.py"), "--ip", "127.0.0.1", "--port", str(self.port),
                "--teacher", self.teacher, "--prefix", str(self.prefix), "--state", str(self.base / "state"),
                "--home-root", str(self.home_root),
                "--group", self.group, "--mem-limit", self.mem_limit, "--hub-api-port", str(free_port()),
                "--proxy-api-port", str(free_port()), "--cgroup", self.cgroup]

    def start(self):
        env = dict(os.environ, RNN_HUB_TEST_TOKEN=self.token)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.command(), cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + HUB_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"the hub exited ({self.proc.returncode}); its log ends with:\n{self.log_tail()}")
            try:
                self.api("GET", "/users")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(1)
        pytest.fail(f"the hub did not answer within {HUB_START_TIMEOUT} s; its log ends with:\n{self.log_tail()}")

    def api(self, method, path, body=None, token=None, timeout=60):
        """The hub's REST API (``/hub/api`` + path), as the test's admin service unless ``token`` is given."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/hub/api{path}", data=data, method=method,
                                         headers={"Authorization": f"token {token or self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read()
        return json.loads(text) if text else None

    def status_of(self, method, url_path, token, body=None):
        """The HTTP status of a request through the hub's proxy, made with ``token`` (redirects not followed:
        a redirect to the login page is a refusal too, and is reported as its 302)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + url_path, data=data, method=method,
                                         headers={"Authorization": f"token {token}"})
        try:
            with NO_REDIRECTS.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def log_tail(self, lines=60):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def users(self):
        """System users this test's hub created (in its group)."""
        try:
            gid = grp.getgrnam(self.group).gr_gid
        except KeyError:
            return []
        return [entry for entry in pwd.getpwall()
                if entry.pw_name.startswith(f"rnnt{self.tag}-") and (entry.pw_gid == gid or entry.pw_name in
                                                                       grp.getgrgid(gid).gr_mem)]

    def stop(self):
        """Stop the hub (it stops the students' servers), end whatever of ours lingers, remove the users."""
        errors = []
        family = descendants(self.proc.pid) if self.proc is not None else []
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the launcher's group: the hub and its proxy
            try:
                self.proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
                errors.append("the hub did not stop within 90 s of SIGTERM")
        from sizing import pids_of_uid  # hub/sizing.py, on sys.path via the test module

        for entry in self.users():
            for pid in pids_of_uid(entry.pw_uid):  # only this test's users' processes
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for pid in family:  # the proxy and the idle culler, if the hub left them
            if _alive(pid):
                errors.append(f"process {pid} of the hub outlived it")
                os.kill(pid, signal.SIGKILL)
        time.sleep(1)
        for entry in self.users():
            run = subprocess.run(["userdel", "--remove", entry.pw_name], capture_output=True, text=True, check=False)
            if run.returncode not in (0, 12):  # 12: the home was already gone
                errors.append(f"userdel {entry.pw_name}: {run.stderr.strip()}")
        subprocess.run(["groupdel", self.group], capture_output=True, check=False)
        from limits import own_memory_cgroup  # hub/limits.py

        version, where = own_memory_cgroup()
        if version is not None and (where / self.cgroup).is_dir():
            for child in sorted((where / self.cgroup).iterdir()):
                if child.is_dir():
                    os.rmdir(child)
            os.rmdir(where / self.cgroup)
        shutil.rmtree(self.base, ignore_errors=True)
        return errors


def descendants(pid):
    """Every process below ``pid`` (children, grandchildren...), from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (FileNotFoundError, ProcessLookupError):
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def hub():
    """A hub on 127.0.0.1 with its own temporary install, students' homes and system group; always removed."""
    if os.geteuid() != 0:
        pytest.fail("the hub test needs root: the hub creates a system user per student (run it as root, as CI does)")
    base = Path(tempfile.mkdtemp(prefix="rnnhub-"))
    os.chmod(base, 0o755)  # students must reach the shared install under it
    server = Hub(base, secrets.token_hex(3))
    try:
        server.start()
        yield server
    finally:
        problems = server.stop()
        assert not problems, "cleaning up the hub: " + "; ".join(problems)
