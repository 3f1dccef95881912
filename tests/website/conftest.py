"""Fixtures for the site tests: the built site (`make site`, in _build/site) served on 127.0.0.1, and the
system's headless Chromium (as in tests/browser).

Like the browser tests, these only run when asked for: `make test-site`, `pytest tests/website`, or
RNN_LESSONS_SITE=1; `make test` leaves this folder out (`--ignore=tests/website`). The site must have been
built first; RNN_LESSONS_SITE_DIR names another build folder.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest
from browser.conftest import CHROMIUM_ARGS, INSTALL_HINT, find_chromium, only_when_asked

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
SITE = Path(os.environ.get("RNN_LESSONS_SITE_DIR", PROJECT / "_build" / "site"))
if not SITE.is_absolute():
    SITE = PROJECT / SITE


pytest_collection_modifyitems = only_when_asked(
    HERE, "RNN_LESSONS_SITE", "site tests: run `make site` then `make test-site`, or `pytest tests/website`")


def pages():
    """Every HTML page of the built site, relative to it."""
    if not (SITE / "index.html").is_file():
        return []
    return sorted(path.relative_to(SITE).as_posix() for path in SITE.rglob("*.html")
                  if not path.relative_to(SITE).parts[0].startswith("_"))


@pytest.fixture(scope="session")
def site():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site in {SITE}: run `make site` first")
    return SITE


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        """No line per request on stderr."""


@pytest.fixture(scope="session")
def server(site):
    """The site on http://127.0.0.1:<free port>/, in a thread; always shut down."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from the system, driven by Playwright for Python."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        pytest.fail(INSTALL_HINT)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
