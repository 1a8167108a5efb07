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
import html
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
LETTERS = "ABCDEFGHIJ"

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

def _e(text: str) -> str:
    return html.escape(str(text))


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
    rows = "".join(
        f"<tr><td>{step['minutes']}</td><td>{_e(step.get('section', ''))}</td><td>{_e(step['activity'])}</td></tr>"
        for step in notes["session_plan"]
    )
    return (
        "<h2>Timing</h2>"
        f"<p>Lesson length: {own}. Class session below: {planned} min.</p>"
        "<table><caption>Session plan</caption><thead><tr><th>Minutes</th><th>Section</th><th>Activity</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def render_delivery(slug: str, notes: dict) -> str:
    from helpers.course import binder_url, nbviewer_url

    delivery = notes.get("delivery", {})
    number = slug[:2]
    ways = [
        ("live", "Live in JupyterLab (class hub or own computer)",
         f"Open <code>notebooks/{_e(slug)}.ipynb</code> and run the cells from the top (Run &gt; Run All Cells)."),
        ("binder", "On Binder",
         f'<a href="{_e(binder_url(slug))}">Open {_e(slug)} on Binder</a>; launch it once before class, and remind '
         "students that work is lost when the session ends."),
        ("nbviewer", "From nbviewer (no kernel)",
         f'<a href="{_e(nbviewer_url(slug))}">Read {_e(slug)} on nbviewer</a>; add <code>?flush_cache=true</code> '
         "after a rebuild. Charts and their menus work; live explorers show their static face."),
        ("projected", "Projected",
         f"Slides: <code>make slides NB={number}</code> (build/slides/). Handouts: <code>make handouts NB={number}</code> "
         "(build/handouts/, HTML and PDF)."),
    ]
    items = "".join(
        f"<li><strong>{title}.</strong> {generic}"
        + (f" <em>For this notebook:</em> {_e(delivery[key])}" if key in delivery else "")
        + "</li>"
        for key, title, generic in ways
    )
    preparation = "".join(f"<li>{_e(step)}</li>" for step in notes.get("preparation", []))
    return (
        "<h2>Running the session</h2>"
        + (f"<h3>Before class</h3><ul>{preparation}</ul>" if preparation else "")
        + f"<h3>Ways to run it</h3><ul>{items}</ul>"
        + "<p>More in <code>docs/instructor-guide.md</code> and <code>docs/class-deployment.md</code>.</p>"
    )


def render_prompts(notes: dict) -> str:
    parts = ["<h2>Discussion prompts</h2>"]
    for number, item in enumerate(notes["discussion_prompts"], start=1):
        follow = f"<p><strong>Follow-up:</strong> {_e(item['follow_up'])}</p>" if item.get("follow_up") else ""
        parts.append(
            f'<div class="prompt spine-keep" id="prompt-{_e(item["id"])}">'
            f"<p><strong>Prompt {number}</strong> (section <em>{_e(item['section'])}</em>). {_e(item['prompt'])}</p>"
            f"<p><strong>Suggested answer:</strong> {_e(item['suggested_answer'])}</p>{follow}</div>"
        )
    return "".join(parts)


def render_misconceptions(notes: dict) -> str:
    rows = "".join(
        f"<tr><td>{_e(item['misconception'])}</td><td>{_e(item['correction'])}"
        + (f"<br><small>Source: {_e(cite(item['source_ids']))}</small>" if item.get("source_ids") else "")
        + "</td></tr>"
        for item in notes["misconceptions"]
    )
    return (
        "<h2>Common misconceptions</h2>"
        "<table><thead><tr><th>Students may think</th><th>Correction</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def render_local_policy(notes: dict) -> str:
    points = "".join(f"<li>{_e(point)}</li>" for point in notes.get("local_policy", []))
    return (
        "<h2>Adapting to local policy</h2>"
        "<p>Practice varies by institution. Tell students to follow local policy and say what yours is for:</p>"
        f"<ul>{points}</ul>" if points else ""
    )


def answer_text(question) -> str:
    if question.type == "numeric":
        return _e(question.answer_text())
    answers = question.answer if isinstance(question.answer, list) else [question.answer]
    return "; ".join(f"{LETTERS[i]}. {_e(question.options[i])}" for i in answers)


def render_answer_key(questions) -> str:
    if questions is None:
        return "<h2>Answer key</h2><p>This notebook has no knowledge check.</p>"
    rows = "".join(
        f"<tr><td>{number}</td><td>{_e(q.prompt)}</td><td><strong>{answer_text(q)}</strong></td>"
        f"<td>{_e(q.feedback)}<br><small>Source: {_e(cite(q.source_ids))}</small></td></tr>"
        for number, q in enumerate(questions, start=1)
    )
    return (
        "<h2>Answer key</h2><p>From the notebook's knowledge check (data/quizzes/); "
        "the answers are also shown opened under each question above.</p>"
        "<table><thead><tr><th>#</th><th>Question</th><th>Answer</th><th>Why</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def instructor_banner(title: str) -> str:
    return (
        '<div class="spine-banner instructor spine-keep" role="note">'
        f"<p><strong>Instructor version: not for students.</strong> {_e(title)}</p>"
        "<p>Knowledge-check answers are shown opened. Timing, discussion prompts with suggested answers, common "
        'misconceptions and an answer key follow the lesson: <a href="#instructor-notes">go to the instructor notes</a>.</p>'
        "</div>"
    )


def instructor_html(path: Path, instructor_dir: Path | None = None) -> str:
    """The instructor page for one notebook."""
    slug = path.stem
    notes = load_notes(slug, instructor_dir)
    nb = read_notebook(path)
    check_sections(notes, nb, slug)
    questions = quiz_questions(slug)
    relink_lessons(nb, ".html")
    title = title_of(nb, slug)
    appendix = (
        '<section id="instructor-notes" class="spine-instructor jp-RenderedHTMLCommon">'
        f"<h1>Instructor notes: {_e(title)}</h1>"
        + render_timing(slug, notes)
        + render_delivery(slug, notes)
        + render_prompts(notes)
        + render_misconceptions(notes)
        + render_local_policy(notes)
        + render_answer_key(questions)
        + "</section>"
    )
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
