"""benchmarks/ablations.py rewrites only the sections of the lessons it ran, so lessons can be re-run one at a time."""

from pathlib import Path

from conftest import load_script

ROOT = Path(__file__).resolve().parent.parent


def _ablations():
    return load_script("benchmarks/ablations.py")


def test_a_partial_run_replaces_its_lessons_sections_and_keeps_the_others_in_order():
    ablations = _ablations()
    previous = "# old header\n\n## Lesson 1 · one\n\nold 1\n\n## Lesson 3 · three\n\nold 3\n"
    report = ablations.merged(previous, {3: "## Lesson 3 · three, new\n\nnew 3", 2: "## Lesson 2 · two\n\nnew 2"})
    assert report == (f"{ablations.HEADER}\n\n## Lesson 1 · one\n\nold 1\n\n## Lesson 2 · two\n\nnew 2\n\n"
                      "## Lesson 3 · three, new\n\nnew 3\n")
    assert ablations.merged("", {1: "## Lesson 1 · one\n\nnew"}) == f"{ablations.HEADER}\n\n## Lesson 1 · one\n\nnew\n"


def test_the_committed_report_has_one_section_per_registered_lesson():
    from lessonlib.lessons import LESSONS

    text = (ROOT / "benchmarks" / "ABLATIONS.md").read_text(encoding="utf-8")
    numbers = [int(line.split()[2]) for line in text.splitlines() if line.startswith("## Lesson ")]
    assert numbers == sorted(set(numbers)) and set(numbers) <= {lesson.number for lesson in LESSONS}
