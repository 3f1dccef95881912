"""`make site`: the static site, from the committed notebooks and their stored outputs (nothing executed).

1. Stage the pages in _build/site-src, at the paths they have in the repository, so that the links
   between them work as on GitHub: index.md (site/index.md, with the lesson table and an explorer's
   picture filled in), every notebooks/*.ipynb of the registry (lessonlib.lessons.LESSONS), TEACHING.md,
   benchmarks/RESULTS.md and img/. A link to any other file of the repository becomes a link to it on
   the repository's site. In each lesson, after its explorer's cell, comes a picture of that explorer
   after a real run at its defaults (site/explorers/, made by `make explorer-pictures`), one line saying
   that it trains live in a kernel, and the buttons that open the lesson there (site/launch.py).
2. Run Sphinx (MyST-NB, sphinx-book-theme; site/conf.py) on them with -W -n into _build/site.

Usage: python site/build.py [--out _build/site]
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from launch import launch_links, place  # noqa: E402

from lessonlib.lessons import LESSONS  # noqa: E402

PAGES = ["TEACHING.md", "benchmarks/RESULTS.md"]  # besides the lessons and the home page
TITLES = {  # a page's title on the site, when its file's own suits the repository rather than a teacher
    "benchmarks/RESULTS.md": ("Benchmarks: how long each lesson takes, how close each network comes to the optimum",
                              "`make bench` wrote this page's figures to benchmarks/RESULTS.md, under the title"),
}
LINK = re.compile(r"(\]\()([^)\s#]+)(#[^)\s]*)?(\))")  # a Markdown link's target


def lesson_path(lesson):
    return f"notebooks/{lesson.notebook}.ipynb"


def buttons(path, *, here):
    """The launch buttons of the repository's ``path``, as one line of HTML; ``here`` is the page's folder."""
    links = [f'<a class="launch-button" href="{url}">Open in {name}</a>' for name, url in launch_links(path).items()]
    download = Path(path).relative_to(here).as_posix()
    links.append(f'<a class="launch-button" href="{download}" download>Download the notebook</a>')
    return f'<p class="launch-buttons">{" ".join(links)}</p>'


def explorer_block(lesson, *, here):
    """Markdown for the picture of the lesson's explorer, the line under it and the launch buttons."""
    record = json.loads((HERE / "explorers" / f"{lesson.notebook}.json").read_text())
    image = Path("explorers", f"{lesson.notebook}.png").as_posix()
    up = "../" * len(Path(here).parts)
    caption = (f"The explorer after one run at its default settings, on the machine that made the site's "
               f"pictures: {record['status']}")
    return "\n".join([
        f":::{{figure}} {up}{image}", f":alt: {record['alt']}", ":figclass: explorer-picture", "",
        caption, ":::", "",
        "This picture is a still: in a running kernel the explorer trains live, with sliders, a cell choice "
        "and a Train button. Open the lesson to try it:", "",
        buttons(lesson_path(lesson), here=here), "",
        f'<div class="explorer-result">{record["result_html"]}</div>', ""])


def is_explorer_cell(cell, lesson):
    return cell.cell_type == "code" and f"{lesson.name}_explorer(" in cell.source


def stage_lesson(lesson, out):
    notebook = nbformat.read(ROOT / lesson_path(lesson), as_version=4)
    at = [i for i, cell in enumerate(notebook.cells) if is_explorer_cell(cell, lesson)]
    if len(at) != 1:
        raise SystemExit(f"{lesson_path(lesson)}: expected one cell calling {lesson.name}_explorer(, found {len(at)}")
    notebook.cells.insert(at[0] + 1, nbformat.v4.new_markdown_cell(explorer_block(lesson, here="notebooks")))
    target = out / lesson_path(lesson)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)


def retarget_links(text, page, staged, where):
    """Links to files that are not pages of the site point at the repository's copy of them."""
    folder = Path(page).parent

    def fix(match):
        open_, target, anchor, close = match.groups()
        if re.match(r"[a-z]+:", target) or target.startswith("/"):
            return match.group(0)
        repo_path = posixpath.normpath(posixpath.join(folder.as_posix(), target))
        if repo_path in staged:
            return match.group(0)
        kind = "tree" if (ROOT / repo_path).is_dir() else "blob"
        return f"{open_}{where.repository}/{kind}/{where.branch}/{repo_path}{anchor or ''}{close}"

    return LINK.sub(fix, text)


def first_paragraph(lesson):
    notebook = nbformat.read(ROOT / lesson_path(lesson), as_version=4)
    title, *rest = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"][0].split("\n\n")
    return title.lstrip("# ").strip(), " ".join(rest[0].split()) if rest else ""


def lesson_rows():
    """One row per lesson: its title (linked), what it teaches (the README's row for it, else the lesson's
    first paragraph) and its median run time from benchmarks/RESULTS.md."""
    readme = (ROOT / "README.md").read_text()
    results = (ROOT / "benchmarks" / "RESULTS.md").read_text()
    rows = ["| Lesson | What it teaches | Runs in (median, `make bench`) |", "|---|---|---|"]
    for lesson in LESSONS:
        title, intro = first_paragraph(lesson)
        row = re.search(rf"^\| \[[^\]]*\]\({re.escape(lesson_path(lesson))}\) \| (.*) \|$", readme, re.M)
        seconds = re.search(rf"^\s+{re.escape(lesson.notebook)}: median ([\d.]+) s.*?x original: median ([\d.]+)",
                            results, re.M)
        timing = f"{seconds[1]} s ({seconds[2]}x the original lesson's time)" if seconds else "not measured yet"
        rows.append(f"| [{title}]({lesson_path(lesson)}) | {row[1] if row else intro} | {timing} |")
    return "\n".join(rows)


def stage(out):
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    missing = [lesson.notebook for lesson in LESSONS if not (HERE / "explorers" / f"{lesson.notebook}.json").is_file()]
    if missing:
        raise SystemExit(f"site/explorers/ has no picture of the explorer of {', '.join(missing)}: "
                         f"run `make explorer-pictures` (it trains each explorer once) and commit them")
    where = place()
    staged = {lesson_path(lesson) for lesson in LESSONS} | set(PAGES) | {"index.md"}
    for lesson in LESSONS:
        stage_lesson(lesson, out)
    for page in PAGES:
        (out / page).parent.mkdir(parents=True, exist_ok=True)
        text = (ROOT / page).read_text()
        if page in TITLES:
            title, said = TITLES[page]
            first, _, rest = text.partition("\n")
            text = f"# {title}\n\n{said} \"{first.lstrip('# ')}\".\n{rest}"
        (out / page).write_text(retarget_links(text, page, staged, where))
    shutil.copytree(ROOT / "img", out / "img")
    shutil.copytree(HERE / "explorers", out / "explorers", ignore=shutil.ignore_patterns("*.json"))
    first = LESSONS[0]
    record = json.loads((HERE / "explorers" / f"{first.notebook}.json").read_text())
    home = (HERE / "index.md").read_text()
    home = home.replace("{{ lessons }}", lesson_rows())
    home = home.replace("{{ explorer }}", "\n".join([
        f":::{{figure}} explorers/{first.notebook}.png", f":alt: {record['alt']}", ":figclass: explorer-picture", "",
        f"Lesson {first.number}'s explorer after one run at its defaults. [Lesson {first.number}]"
        f"({lesson_path(first)}) shows it where it stands, with the buttons that open the lesson in a kernel, "
        f"where it trains live.", ":::"]))
    home = home.replace("{{ repository }}", where.repository)
    (out / "index.md").write_text(retarget_links(home, "index.md", staged, where))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "_build" / "site"))
    parser.add_argument("--src", default=str(ROOT / "_build" / "site-src"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stage(Path(args.src))
    command = [sys.executable, "-m", "sphinx", "-W", "-n", "--keep-going", "-q", "-b", "html", "-c", str(HERE),
               args.src, args.out]
    run = subprocess.run(command, cwd=ROOT)
    if run.returncode:
        return run.returncode
    for lesson in LESSONS:  # the download buttons' targets: each notebook as committed, beside its page
        shutil.copy(ROOT / lesson_path(lesson), Path(args.out) / lesson_path(lesson))
    pages = len(list(Path(args.out).rglob("*.html"))) - len(list(Path(args.out).glob("_*/**/*.html")))
    print(f"site: {pages} pages in {args.out}, built in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
