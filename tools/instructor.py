"""The instructor version of each notebook, built from the same sources.

    python tools/instructor.py [--out DIR] [NOTEBOOK ...]

Writes ``build/instructor/NN_slug.html`` for every notebook (or those named:
a path, a slug or the two-digit number).  Each page is:

1. the notebook as students see it (stored outputs, code hidden, plotly.js
   inlined so it works offline), with every ``<details>`` opened, so the
   knowledge-check answers show where the questions are;
2. appended, the instructor notes from ``data/instructor/NN_slug.json``
   (checked against ``data/instructor/schema.json``): timing, how to run the
   session live, on Binder, on nbviewer or projected, discussion prompts with
   suggested answers, common misconceptions, points of local policy;
3. an answer key built from ``data/quizzes/NN_slug.json``, the file the
   notebook's knowledge check is drawn from.

Nothing is written twice: the lesson length comes from
``helpers.course.LESSONS``, the answers from ``data/quizzes/``, the prompts
from ``data/instructor/``.  Students never see the instructor files: the
notebooks do not read them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from export_common import (
    BUILD_DIR,
    ROOT,
    ExportError,
    headings,
    notebook_paths,
    open_all_details,
    read_notebook,
    relative,
    relink_lessons,
    run,
    static_html,
    title_of,
)

OUT_DIR = BUILD_DIR / "instructor"
INSTRUCTOR_DIR = None  # None: instructor/ in the data folder (helpers.data.data_dir honours SPINE_DATA_DIR)

INSTRUCTOR_CSS = """
.spine-instructor { border-top: 4px solid #D55E00; margin-top: 2em; padding-top: 1em; }
.spine-instructor table { border-collapse: collapse; margin: 0.5em 0 1em 0; }
.spine-instructor th, .spine-instructor td { border: 1px solid #BBBBBB; padding: 0.3em 0.6em; vertical-align: top; text-align: left !important; }
.spine-instructor .prompt { margin: 0 0 1em 0; padding: 0.4em 0.8em; border-left: 4px solid #0072B2; }
.spine-banner.instructor { border-color: #D55E00; }
@media print { .spine-instructor { break-before: page; } }
"""


# -- sources ----------------------------------------------------------------

def instructor_dir_default() -> Path:
    """``INSTRUCTOR_DIR`` if set, else ``instructor/`` in the data folder (``SPINE_DATA_DIR`` or data/)."""
    from helpers.data import data_dir

    return Path(INSTRUCTOR_DIR) if INSTRUCTOR_DIR is not None else data_dir() / "instructor"


def load_notes(slug: str, instructor_dir: Path | None = None) -> dict:
    """The instructor notes for ``slug``, checked against the schema."""
    from helpers.data import read_checked_json
    from helpers.errors import DataError

    instructor_dir = instructor_dir or instructor_dir_default()
    path = instructor_dir / f"{slug}.json"
    shown = f"data/instructor/{path.name}"
    if not path.exists():
        raise ExportError(
            f"{shown} is missing: every notebook needs instructor notes "
            f"(copy data/instructor/00_start_here.json, edit it; data/instructor/schema.json describes it)"
        )
    try:
        notes = read_checked_json(path, instructor_dir / "schema.json", shown)
    except DataError as error:
        raise ExportError(str(error)) from None
    if notes["notebook"] != slug:
        raise ExportError(f"{shown}: 'notebook' is {notes['notebook']!r} but the file is for {slug!r}")
    for number, item in enumerate(notes["discussion_prompts"]):
        if "case_stage" in item:  # the case stage's own reflection question, written once in case_stages.csv
            from helpers import cases

            try:
                item["prompt"] = f"{item['prompt']}: {cases.reflection_question(item['case_stage'])}"
            except DataError as error:
                raise ExportError(f"{shown}: discussion_prompts/{number}/case_stage: {error}") from None
    return notes


def check_sections(notes: dict, nb, slug: str) -> None:
    """Every ``section`` the notes name must be a heading of the notebook."""
    present = {text for _level, text in headings(nb)}
    named = [item["section"] for key in ("session_plan", "discussion_prompts")
             for item in notes.get(key, []) if "section" in item]
    for section in named:
        if section not in present:
            raise ExportError(
                f"data/instructor/{slug}.json: section {section!r} is not a heading of {slug}.ipynb "
                f"(was it renamed?)"
            )


def quiz_questions(slug: str) -> tuple | None:
    """The knowledge-check questions from data/quizzes/, or None if it has none."""
    from helpers.quiz import quiz_dir

    if not (quiz_dir() / f"{slug}.json").exists():
        return None
    from helpers.errors import DataError
    from helpers.quiz import load_quiz

    try:
        return load_quiz(slug)
    except DataError as error:
        raise ExportError(str(error)) from None


def cite(source_ids: str) -> str:
    """Citations for ``source_ids`` if the data package can give them, else the ids."""
    from helpers.errors import DataError

    try:
        from helpers.data import cite as cite_sources
    except ImportError:  # the data package is optional for this page
        return source_ids.replace(";", "; ")
    try:
        return "; ".join(cite_sources(source_ids))
    except DataError as error:
        raise ExportError(str(error)) from None


# -- rendering --------------------------------------------------------------

def _view(name: str, *args) -> str:
    from helpers.render import macro

    return str(macro("instructor.html.j2", name, *args))


def _lesson(slug: str):
    from helpers import course

    try:
        return course.lesson(slug)
    except ValueError:
        return None


def render_timing(slug: str, notes: dict) -> str:
    lesson = _lesson(slug)
    planned = sum(step["minutes"] for step in notes["session_plan"])
    own = (f"{lesson.minutes} min for a student working alone (helpers.course.LESSONS)"
           if lesson else "not listed in helpers.course.LESSONS")
    steps = [{"minutes": step["minutes"], "section": step.get("section", ""), "activity": step["activity"]}
             for step in notes["session_plan"]]
    return _view("timing", own, planned, steps)


def render_delivery(slug: str, notes: dict) -> str:
    from helpers.course import binder_url, nbviewer_url

    delivery = notes.get("delivery", {})
    extra = {key: delivery.get(key, "") for key in ("live", "binder", "nbviewer", "projected")}
    return _view("delivery", slug, slug[:2], binder_url(slug), nbviewer_url(slug),
                 list(notes.get("preparation", [])), extra)


def render_prompts(notes: dict) -> str:
    items = [{"id": item["id"], "section": item["section"], "prompt": item["prompt"],
              "suggested_answer": item["suggested_answer"], "follow_up": item.get("follow_up", "")}
             for item in notes["discussion_prompts"]]
    return _view("prompts", items)


def render_misconceptions(notes: dict) -> str:
    items = [(item["misconception"], item["correction"], cite(item["source_ids"]) if item.get("source_ids") else "")
             for item in notes["misconceptions"]]
    return _view("misconceptions", items)


def render_local_policy(notes: dict) -> str:
    return _view("local_policy", list(notes.get("local_policy", [])))


def answer_text(question) -> str:
    """The answer as text: the number with its unit, or each correct letter with its option."""
    return question.answer_in_words()


def render_answer_key(questions) -> str:
    if questions is None:
        return _view("answer_key", None)
    return _view("answer_key", [(q.prompt, answer_text(q), q.feedback, cite(q.source_ids)) for q in questions])


def instructor_banner(title: str) -> str:
    return _view("banner", title)


def instructor_html(path: Path, instructor_dir: Path | None = None) -> str:
    """The instructor page for one notebook."""
    slug = path.stem
    notes = load_notes(slug, instructor_dir)
    nb = read_notebook(path)
    check_sections(notes, nb, slug)
    questions = quiz_questions(slug)
    relink_lessons(nb, ".html")
    title = title_of(nb, slug)
    from markupsafe import Markup

    sections = [Markup(part) for part in (
        render_timing(slug, notes), render_delivery(slug, notes), render_prompts(notes),
        render_misconceptions(notes), render_local_policy(notes), render_answer_key(questions))]
    appendix = _view("appendix", title, sections)
    page = static_html(nb, title=f"{title} (instructor version)", banner=instructor_banner(title),
                       appendix=appendix, extra_css=INSTRUCTOR_CSS)
    shown = page.count('class="knowledge-check"')
    if questions is not None and shown and shown != len(questions):
        print(f"note: {path.name} shows {shown} questions but data/quizzes/{slug}.json has {len(questions)}: "
              "rebuild the notebook (make notebooks)", file=sys.stderr)
    return open_all_details(page)


def timing_table() -> str:
    """The per-lesson timing table of docs/instructor-guide.md, from helpers.course.LESSONS."""
    from helpers.course import LESSONS

    rows = ["| # | Notebook | Time (min) | What it covers |", "|---|---|---|---|"]
    rows += [f"| {item.slug[:2]} | {item.title} (`{item.filename}`) | {item.minutes} | {item.summary} |"
             for item in LESSONS]
    rows.append(f"| | **Whole collection** | **{sum(item.minutes for item in LESSONS)}** | |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to export (default: all)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: build/instructor)")
    parser.add_argument("--timing-table", action="store_true",
                        help="print the timing table for docs/instructor-guide.md and stop")
    args = parser.parse_args(argv)
    if args.timing_table:
        print(timing_table())
        return 0
    paths = notebook_paths(args.notebooks)
    # Build every page before writing any, so a missing or broken notes file
    # leaves no half-updated folder behind.
    pages = []
    for path in paths:
        start = time.perf_counter()
        pages.append((path, instructor_html(path), time.perf_counter() - start))
    args.out.mkdir(parents=True, exist_ok=True)
    for path, page, seconds in pages:
        target = args.out / f"{path.stem}.html"
        target.write_text(page, encoding="utf-8")
        print(f"wrote {relative(target)} ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
