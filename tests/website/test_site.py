"""The built site (`make site`), served on 127.0.0.1: its links, every page in headless Chromium, axe-core.

Run with `make test-site` after `make site`. Each page must load everything from the site itself, show its
title, load every image (with a sentence of alt text), typeset every equation and log no console error;
axe-core (site/node_modules, from site/package-lock.json) must find no critical or serious violation, in
the light and the dark theme.
"""

from __future__ import annotations

import html.parser
import posixpath
import subprocess
import sys
from urllib.parse import unquote, urlsplit

import pytest
from test_site_sources import is_sentence

from lessonlib.lessons import LESSONS

from .conftest import PROJECT, SITE, pages

sys.path.insert(0, str(PROJECT / "site"))
import launch  # noqa: E402  (site/launch.py)

PAGES = pages()
AXE = PROJECT / "site" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


class _Page(html.parser.HTMLParser):
    """A page's ids, and every address it links to or loads: (tag, attribute, value)."""

    def __init__(self):
        super().__init__()
        self.ids, self.refs = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.refs.append((tag, name, attrs[name]))


def _parse(page):
    parser = _Page()
    parser.feed((SITE / page).read_text(encoding="utf-8"))
    return parser


def test_the_site_has_every_page():
    expected = {"index.html", "TEACHING.html", "benchmarks/RESULTS.html",
                *(f"notebooks/{lesson.notebook}.html" for lesson in LESSONS)}
    assert expected <= set(PAGES), f"missing: {sorted(expected - set(PAGES))}"


def test_no_internal_link_is_broken(site):
    """Every href and src that stays on the site names a file of the build, and its #fragment an id there;
    only links (<a>) may leave the site, nothing a page loads."""
    parsed, broken, checked = {}, [], 0
    for page in PAGES:
        for tag, attribute, value in _parse(page).refs:
            parts = urlsplit(value)
            if parts.scheme in ("http", "https", "mailto") or value.startswith("//"):
                if tag != "a":
                    broken.append(f"{page}: <{tag} {attribute}> loads {value} from another host")
                continue
            if parts.scheme:  # data:, javascript:
                continue
            checked += 1
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))) \
                if parts.path else page
            path = site / target
            if path.is_dir():
                path, target = path / "index.html", posixpath.join(target, "index.html")
            if not path.is_file():
                broken.append(f"{page}: {value} (no {target})")
            elif parts.fragment and target.endswith(".html"):
                if target not in parsed:
                    parsed[target] = _parse(target).ids
                ids = parsed[target]
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page}: {value} (no id {parts.fragment!r} in {target})")
    print(f"{checked} internal links and sources checked on {len(PAGES)} pages")
    assert checked > 100 and broken == [], "\n".join(broken)


def test_every_launch_button_opens_a_file_of_the_repository(site):
    files = set(subprocess.run(["git", "ls-files"], cwd=PROJECT, capture_output=True, text=True,
                               check=True).stdout.splitlines())
    kinds = {"Binder": "mybinder.org", "JupyterHub": "git-pull", "Colab": "colab.research.google.com"}
    for lesson in LESSONS:
        page = f"notebooks/{lesson.notebook}.html"
        links = [value for tag, _, value in _parse(page).refs if tag == "a"]
        found = {name for name, mark in kinds.items() for link in links if mark in link}
        assert found == set(kinds), f"{page}: no {sorted(set(kinds) - found)} button"
        for link in links:
            if any(mark in link for mark in kinds.values()):
                assert launch.target(link) == f"notebooks/{lesson.notebook}.ipynb", f"{page}: {link}"
                assert launch.target(link) in files
        download = f"{lesson.notebook}.ipynb"
        assert download in links, f"{page}: no download button"
        assert (site / "notebooks" / download).read_bytes() == (PROJECT / "notebooks" / download).read_bytes()


# --- in the browser ------------------------------------------------------------------------------

def _open(browser, server, page, *, theme="light"):
    """Open a page; return it with the requests to other hosts and the console errors seen."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=theme)
    context.set_default_timeout(60_000)
    context.add_init_script(f"localStorage.setItem('theme', '{theme}'); localStorage.setItem('mode', '{theme}');")
    tab = context.new_page()
    elsewhere, errors = [], []
    host = urlsplit(server).netloc

    def route(request_route):
        if urlsplit(request_route.request.url).netloc == host or request_route.request.url.startswith("data:"):
            request_route.continue_()
        else:
            elsewhere.append(request_route.request.url)
            request_route.abort()

    tab.route("**/*", route)
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(f"{server}/{page}", wait_until="load")
    return tab, elsewhere, errors


@pytest.mark.parametrize("page", PAGES)
def test_page_shows_its_title_images_and_equations_and_loads_nothing_from_elsewhere(browser, server, page):
    tab, elsewhere, errors = _open(browser, server, page)
    try:
        assert tab.title().strip(), f"{page}: no title"
        assert tab.locator("main h1").count() >= 1, f"{page}: no heading"
        images = tab.evaluate("""async () => {
            const images = [...document.querySelectorAll('img')];
            for (const img of images) { img.loading = 'eager'; }
            await Promise.all(images.map(img => img.decode().catch(() => null)));
            return images.map(img => ({src: img.getAttribute('src'), width: img.naturalWidth,
                                       alt: img.getAttribute('alt')}));
        }""")
        assert [i["src"] for i in images if i["width"] == 0] == [], f"{page}: images that did not load"
        decorative = "_static/images/logo_"  # the theme's Binder, JupyterHub and Colab logos, beside their names
        without = [i["src"] for i in images if not is_sentence(i["alt"]) and decorative not in (i["src"] or "")]
        assert without == [], f"{page}: images without a sentence of alt text"
        maths = tab.evaluate("""async () => {
            const math = document.querySelectorAll('.math');
            if (math.length && window.MathJax && MathJax.startup) { await MathJax.startup.promise; }
            return {count: math.length,
                    typeset: [...math].filter(m => m.querySelector('mjx-container')).length,
                    errors: document.querySelectorAll('mjx-merror').length};
        }""")
        assert maths["typeset"] == maths["count"] and maths["errors"] == 0, f"{page}: {maths}"
        assert elsewhere == [], f"{page} asked other hosts for {elsewhere}"
        assert errors == [], f"{page}: console errors {errors}"
        print(f"{page}: {len(images)} images, {maths['count']} equations")
    finally:
        tab.context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_critical_or_serious_accessibility_violation(browser, server, page, theme):
    tab, _, _ = _open(browser, server, page, theme=theme)
    try:
        assert tab.evaluate("document.documentElement.dataset.theme") == theme
        tab.evaluate("async () => { const m = document.querySelectorAll('.math');"
                     " if (m.length && window.MathJax && MathJax.startup) { await MathJax.startup.promise; } }")
        tab.add_script_tag(path=str(AXE))
        result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        blocking = [f"{v['impact']}: {v['id']} ({v['help']}) on {len(v['nodes'])} element(s), e.g. "
                    f"{v['nodes'][0]['target']}" for v in result["violations"] if v["impact"] in BLOCKING]
        print(f"{page} ({theme}): " + (", ".join(f"{v['impact']} {v['id']}" for v in result["violations"])
                                       or "no violation"))
        assert blocking == [], f"{page} ({theme}):\n" + "\n".join(blocking)
    finally:
        tab.context.close()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_each_lesson_page_shows_its_explorer_after_the_explorer_cell(browser, server, lesson):
    tab, _, _ = _open(browser, server, f"notebooks/{lesson.notebook}.html")
    try:
        order = tab.evaluate("""(call) => {
            const cells = [...document.querySelectorAll('div.cell')];
            const cell = cells.find(c => c.textContent.includes(call));
            const picture = document.querySelector('figure.explorer-picture img');
            if (!cell || !picture) { return null; }
            return {after: !!(cell.compareDocumentPosition(picture) & Node.DOCUMENT_POSITION_FOLLOWING),
                    width: picture.naturalWidth, src: picture.getAttribute('src')};
        }""", f"{lesson.name}_explorer(")
        assert order is not None, "no explorer cell or no picture"
        assert order["after"] and order["width"] > 0 and order["src"].endswith(f"/{lesson.notebook}.png")
    finally:
        tab.context.close()
