"""Markup in the data reaches every page as text, never as markup.

A copy of ``data/`` gets a piece of markup appended to every free-text cell
of every table (free text: a string field with no enum, no pattern, no link
format, not a key) and to every free-text field of the knowledge checks.
Every notebook is executed against that copy (``SPINE_DATA_DIR``), and no
output may carry the markup as markup: not in HTML, not in Markdown, not in
the text of a plotly figure (plotly reads its labels and hover text as a
subset of HTML).  The same markup must appear escaped, which shows the data
did reach the page.  A ``javascript:`` link in ``sources.csv`` is refused by
the loader (tests/test_data.py checks every refused form; here the copy is
checked once).

Executing the nine notebooks costs about 40 s on two cores, so the test is
marked ``notebooks``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MARKUP = "<b>INJ</b><script>alert(1)</script><img src=x onerror=alert(1)>"
#: What must never reach an HTML or Markdown output, or plotly text, unescaped.
RAW = ("<b>inj", "<script>alert", "<img src=x", "javascript:")
ESCAPED = "&lt;b&gt;INJ"
QUIZ_TEXT = ("prompt", "feedback", "unit")

pytestmark = pytest.mark.notebooks


def free_text_fields(resource: dict) -> list[str]:
    """Names of the fields of a table that hold free text (markup may be appended)."""
    schema = resource["schema"]
    keys = set(schema.get("primaryKey") or [])
    keys.update(f for fk in schema.get("foreignKeys", [])
                for f in ([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]))
    out = []
    for field in schema["fields"]:
        constraints = field.get("constraints") or {}
        if (field.get("type", "string") == "string" and "enum" not in constraints and "pattern" not in constraints
                and field.get("format") != "uri" and field["name"] not in keys
                and field["name"] != "source_ids" and not field["name"].endswith("_id")):
            out.append(field["name"])
    return out


def inject(folder: Path) -> int:
    """Append MARKUP to every non-empty free-text cell and quiz text; returns the number of cells changed."""
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    changed = 0
    for resource in package["resources"]:
        fields = set(free_text_fields(resource))
        path = folder / resource["path"]
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header = rows[0]
        for row in rows[1:]:
            for i, name in enumerate(header):
                if name in fields and row[i]:
                    row[i] += MARKUP
                    changed += 1
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    for path in (folder / "quizzes").glob("[0-9][0-9]_*.json"):
        quiz = json.loads(path.read_text(encoding="utf-8"))
        for question in quiz["questions"]:
            for key in QUIZ_TEXT:
                if question.get(key):
                    question[key] += MARKUP
                    changed += 1
            if "options" in question:
                question["options"] = [o + MARKUP for o in question["options"]]
        path.write_text(json.dumps(quiz, ensure_ascii=False), encoding="utf-8")
    return changed


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    folder = tmp_path_factory.mktemp("injected") / "data"
    shutil.copytree(DATA, folder)
    assert inject(folder) > 500
    return folder


def strings(value, where=""):
    """Every string inside a JSON value, with where it is (``data[2].customdata``)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, f"{where}[{i}]" if where in ("data", "annotations") else where)


def unescaped(text: str) -> list[str]:
    lowered = text.lower()
    return [raw for raw in RAW if raw in lowered]


def test_a_javascript_link_in_sources_is_refused(injected, tmp_path, monkeypatch):
    from helpers import data
    from helpers.errors import DataError

    copy = tmp_path / "data"
    shutil.copytree(injected, copy)
    path = copy / "sources.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("url")] = "javascript:alert(1)"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    monkeypatch.setenv(data.DATA_DIR_ENV, str(copy))
    data.clear_cache()
    try:
        with pytest.raises(DataError, match=r"sources\.csv: row 1 .*'url'"):
            data.load("sources")
    finally:
        monkeypatch.undo()
        data.clear_cache()


def test_the_injected_copy_loads(injected, monkeypatch):
    """Markup in free text is allowed data (it must be shown as text), so the loader accepts the copy."""
    from helpers import data

    monkeypatch.setenv(data.DATA_DIR_ENV, str(injected))
    data.clear_cache()
    try:
        for name in data.names():
            data.load(name)
    finally:
        monkeypatch.undo()
        data.clear_cache()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_markup_in_the_data_is_shown_as_text(path, injected, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("SPINE_DATA_DIR", str(injected))  # the kernel inherits it
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   store_widget_state=False, allow_errors=True).execute()
    problems, escaped = [], 0
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {index}: {output.get('ename')}: {output.get('evalue', '')[:120]}")
                continue
            bundle = output.get("data", {})
            for mime in ("text/html", "text/markdown"):
                text = bundle.get(mime, "")
                text = "".join(text) if isinstance(text, list) else text
                escaped += text.count(ESCAPED)
                found = unescaped(text)
                if found:
                    at = text.lower().index(found[0])
                    problems.append(f"cell {index} {mime}: {text[max(0, at - 80):at + 40]!r}")
            figure = bundle.get("application/vnd.plotly.v1+json")
            if figure:
                layout = {k: v for k, v in figure.get("layout", {}).items() if k != "template"}
                for where, text in strings({"data": figure.get("data"), "layout": layout}):
                    if unescaped(text):
                        problems.append(f"cell {index} plotly {where}: {text[:100]!r}")
    problems = list(dict.fromkeys(problems))
    assert problems == [], f"{path.name}: markup from the data reached the page as markup:\n" + "\n".join(problems[:12])
    assert escaped > 0, f"{path.name}: the injected text never reached an HTML output (is SPINE_DATA_DIR honoured?)"


def test_instructor_notes_show_markup_as_text(injected):
    """The instructor page's appendix: every free-text field of the notes, with markup appended."""
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    import instructor

    notes = json.loads((DATA / "instructor" / "03_chemotherapy.json").read_text(encoding="utf-8"))
    skip = {"$schema", "notebook", "section", "id", "source_ids", "minutes"}

    def add(value, key=""):
        if isinstance(value, str):
            return value if key in skip else value + MARKUP
        if isinstance(value, list):
            return [add(v, key) for v in value]
        if isinstance(value, dict):
            return {k: add(v, k) for k, v in value.items()}
        return value

    notes = add(notes)
    page = "".join([
        instructor.render_timing("03_chemotherapy", notes), instructor.render_delivery("03_chemotherapy", notes),
        instructor.render_prompts(notes), instructor.render_misconceptions(notes),
        instructor.render_local_policy(notes), instructor.instructor_banner("Title" + MARKUP),
    ])
    assert unescaped(page) == [] and page.count(ESCAPED) > 5
