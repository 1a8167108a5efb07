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


def test_the_injected_copy_loads_with_the_markup_kept_as_data(injected, monkeypatch):
    """Markup in free text is allowed data (it must be shown as text), so the loader accepts the copy,
    and keeps every injected piece as it is: the count read back equals the count written."""
    from helpers import data

    package = json.loads((injected / "datapackage.json").read_text(encoding="utf-8"))
    written = 0
    for resource in package["resources"]:
        fields = set(free_text_fields(resource))
        with (injected / resource["path"]).open(encoding="utf-8", newline="") as fh:
            written += sum(1 for row in csv.DictReader(fh) for name in fields if row.get(name, "").endswith(MARKUP))
    monkeypatch.setenv(data.DATA_DIR_ENV, str(injected))
    data.clear_cache()
    try:
        loaded = sum(int(data.load(name).astype(str).apply(lambda col: col.str.endswith(MARKUP)).to_numpy().sum())
                     for name in data.names())
    finally:
        monkeypatch.undo()
        data.clear_cache()
    assert written > 500
    assert loaded == written, f"{written} cells carry the markup in the files, {loaded} after loading"


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


# -- the screen students use: every explorer's and calculator's LIVE view -------------------------
#
# The stored outputs above are what a page without a kernel shows.  A running
# notebook shows the live views instead, rebuilt on every change of a control:
# each one is built here, in this process, from the injected copy, and every
# control is moved through its choices (each option, both ends and the middle
# of a slider, markup typed into a text box); after every change nothing the
# view shows may carry the markup as markup.  In a live chart the figure
# travels as JSON inside a script, so that JSON is read back ("\u003c" is "<")
# before it is checked: plotly would draw a raw "<b>" as bold.

LIVE = "(interactive when the notebook runs)"
_SCRIPT_ESCAPES = {"\\u003c": "<", "\\u003e": ">", "\\u0026": "&", "\\u0027": "'"}


def live_cells() -> list:
    """(notebook, cell id, source) of every cell whose output becomes a live view when run."""
    found = []
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if any(LIVE in str(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", [])):
                found.append(pytest.param(path, cell.source, id=f"{path.stem}-{cell.get('id')}"))
    return found


def shown(widget) -> list[str]:
    """Everything a live view shows as HTML: its HTML widgets, descriptions drawn as HTML, and its
    Output widgets' outputs.  (Option labels, labels and plain descriptions are drawn as text.)"""
    import ipywidgets as widgets

    texts = []
    if isinstance(widget, (widgets.HTML, widgets.HTMLMath)):
        texts.append(str(widget.value))
    if getattr(widget, "description_allow_html", False):
        texts.append(str(widget.description))
    if isinstance(widget, widgets.Output):
        for output in widget.outputs:
            for mime in ("text/html", "text/markdown"):
                text = output.get("data", {}).get(mime, "")
                for escape, char in _SCRIPT_ESCAPES.items():
                    text = text.replace(escape, char)
                texts.append(text)
    for child in getattr(widget, "children", ()):
        texts += shown(child)
    return texts


def controls(widget) -> list:
    import ipywidgets as widgets

    found = []
    if isinstance(widget, (widgets.widgets.widget_selection._Selection, widgets.widgets.widget_selection._MultipleSelection,
                           widgets.widgets.widget_int._Int, widgets.widgets.widget_float._Float,
                           widgets.widgets.widget_bool._Bool, widgets.Text)) and not getattr(widget, "disabled", False):
        found.append(widget)
    for child in getattr(widget, "children", ()):
        found += controls(child)
    return found


def choices(control) -> list:
    """The values a student can give ``control``: each option, the ends and middle of a range, markup typed in."""
    import ipywidgets as widgets

    if isinstance(control, widgets.widgets.widget_selection._MultipleSelection):
        values = list(control._options_values)
        return [(v,) for v in values] + [tuple(values)]
    if isinstance(control, widgets.widgets.widget_selection._Selection):
        return list(control._options_values)
    if isinstance(control, widgets.widgets.widget_bool._Bool):
        return [True, False]
    if isinstance(control, widgets.Text):
        return [MARKUP, "12" + MARKUP]
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if low is not None and high is not None:
        middle = (low + high) / 2
        return [low, high, type(control.value)(middle)]
    kind = type(control.value)  # a number box: its value doubled, zero and a negative number (messages too)
    return [kind(control.value * 2 + 1), kind(0), kind(-1)]


@pytest.fixture(scope="module")
def live_data(injected):
    """The injected copy for views built in this process, with the notebooks' own import of the tools."""
    import sys

    from helpers import data

    patch = pytest.MonkeyPatch()
    patch.setenv(data.DATA_DIR_ENV, str(injected))
    patch.syspath_prepend(str(ROOT / "notebooks"))
    data.clear_cache()
    yield injected
    patch.undo()
    data.clear_cache()
    sys.modules.pop("this_copy", None)


@pytest.mark.parametrize("path, source", live_cells())
def test_every_live_view_shows_markup_from_the_data_as_text(path, source, live_data):
    from helpers.explorer import Explorer, LiveWithStaticFace

    namespace: dict = {}
    *body, last = source.strip().splitlines()
    exec("\n".join(body), namespace)  # noqa: S102 - the notebook's own cell: its import line
    view = eval(last, namespace)  # noqa: S307 - and its one call
    assert isinstance(view, (Explorer, LiveWithStaticFace)), type(view)
    problems, escaped, changes = [], 0, 0

    def look(after: str) -> None:
        nonlocal escaped
        for text in shown(view.widget):
            escaped += text.count(ESCAPED)
            for raw in unescaped(text):
                at = text.lower().index(raw)
                problems.append(f"{after}: {text[max(0, at - 60):at + 40]!r}")

    look("as first shown")
    for control in controls(view.widget):
        start = control.value
        for value in choices(control):
            try:
                control.value = value
            except Exception as error:  # noqa: BLE001 - a value the control itself refuses is not shown
                if "trait" in type(error).__name__.lower() or isinstance(error, (ValueError, TypeError)):
                    continue
                raise
            changes += 1
            look(f"{control.description or type(control).__name__} = {str(value)[:40]!r}")
        control.value = start
    problems = list(dict.fromkeys(problems))
    assert problems == [], f"{path.name}: markup from the data reached the live view as markup:\n" + "\n".join(problems[:8])
    assert changes, "no control was moved: the live view was not exercised"
    # an explorer shows text from the data; a calculator may show only its own words
    assert escaped > 0 or not isinstance(view, Explorer), (
        f"{path.name}: {last!r}: the injected text never reached the live view (is SPINE_DATA_DIR honoured?)")


# -- the link rule, tested as a rule (tables.safe_href and the loader share tables.WEB_LINK) ----------

NOT_LINKS = [
    "file:///etc/passwd", "FILE:///etc/passwd", "file://localhost/etc/passwd",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\tjavascript:alert(1)",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "\x01javascript:alert(1)", "javascript&colon;alert(1)",
    "data:text/html,<script>alert(1)</script>", "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)", "VbScRiPt:msgbox(1)",
    "//evil.example/x", "\\\\evil.example\\x", "/\\evil.example", "https:evil.example", "http:/evil.example",
    "https://", "https:// evil.example", "https:///evil.example", "https://\\evil.example",
    "ftp://example.org/file", "mailto:someone@example.org", "about:blank", "blob:https://example.org/1",
    "https://example.org/\x00", "https://example.org/a\tb", "https://example.org/\"onmouseover=alert(1)",
    "https://example.org/<script>", "https://example.org/'x", "", "#", "# ref",
]
LINKS = [
    "https://doi.org/10.1097/BRS.0b013e3181e16ae2", "http://example.org", "HTTPS://EXAMPLE.ORG/PATH",
    "HtTpS://example.org/a?b=1&c=2#d", "https://www.cancer.gov/types/brain/hp/adult-brain-treatment-pdq",
]


@pytest.mark.parametrize("href", NOT_LINKS)
def test_what_is_not_a_web_link_is_never_a_link(href):
    from helpers.tables import Link, safe_href, styled

    import pandas as pd

    assert safe_href(href) is None
    page = styled(pd.DataFrame({"Source": [Link("Go", href)]}), "Links")._repr_html_()
    assert "<a " not in page and ">Go<" in page  # shown as its text, not as a link


@pytest.mark.parametrize("href", LINKS)
def test_a_web_link_is_a_link(href):
    from helpers.tables import safe_href

    assert safe_href(href) == href
    assert safe_href(f"  {href}  ") == href  # the spaces around it are not part of it


def test_in_page_anchors_are_links_and_nothing_else_that_starts_with_a_hash():
    from helpers.tables import safe_href

    assert safe_href("#ref-fisher2010_sins") == "#ref-fisher2010_sins"
    assert safe_href("#x onmouseover=alert(1)") is None and safe_href('#x"') is None


def _load_with_url(folder: Path, url: str):
    from helpers import data

    path = folder / "sources.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("url")] = url
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    data.clear_cache()
    return data.load("sources")


def test_the_loader_refuses_every_form_that_is_not_a_web_link_and_accepts_web_links(tmp_path, monkeypatch):
    from helpers import data
    from helpers.errors import DataError

    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setenv(data.DATA_DIR_ENV, str(copy))
    try:
        # a link that is not a web link is refused with one line naming file, row and field
        # (an empty url is allowed data: a source with no public page; the loader reads it as no link)
        for url in [u for u in NOT_LINKS if u.strip() and u not in {"#", "# ref"}]:
            # a line break inside a cell is refused earlier, as a row that spans lines
            where = r"spans several lines" if "\n" in url else r"sources\.csv: row 1 .*'url'"
            with pytest.raises(DataError, match=where):
                _load_with_url(copy, url)
        for url in LINKS:
            assert _load_with_url(copy, url)["url"].iloc[0] == url
    finally:
        monkeypatch.undo()
        data.clear_cache()
