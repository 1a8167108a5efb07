"""A chart as text: a short description and its data as tables (WCAG 2.1 1.1.1).

Every chart the collection shows carries this text alternative with it
(:func:`helpers.plotting.figure_html` and the live explorer charts), so a
screen reader, a keyboard user, a printed page or anyone who cannot see
colour, shape or hover text gets the same information.  It is built from the
figure itself, one generic rule for every chart, never written by hand:

* the description names the kind of chart, its title, what each axis shows
  and the series (the legend);
* each table lists what the chart plots, one row per point: the series, the
  value on each axis (an error bar as its range, a bar that starts elsewhere
  as "from ... to ..."), and the words its hover label shows;
* a heat map is a table of its rows and columns;
* a chart with a menu (:func:`helpers.plotting.with_menu`) gets one table per
  menu choice, so the other views are there too;
* the labels and notes written on the chart (annotations) are listed.

Text in a figure is plotly's subset of HTML, already escaped where it came
from data; here it becomes plain text again (tags dropped, entities read),
and the template escapes it once more on the way out.
"""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SUB = re.compile(r"<br\s*/?>\s*<sup>(.*?)</sup>", re.IGNORECASE | re.DOTALL)
_FIELD = re.compile(r"%\{([^}:|]+)(?::([^}|]*))?(?:\|[^}]*)?\}")
_EXTRA = re.compile(r"<extra>.*?</extra>", re.IGNORECASE | re.DOTALL)
_KINDS = {"bar": "Bar chart", "heatmap": "Heat map", "box": "Box plot", "histogram": "Histogram",
          "pie": "Pie chart", "contour": "Contour chart", "violin": "Violin plot"}
#: More series than this and the description says how many instead of naming each.
_NAMED_SERIES = 8


@dataclass(frozen=True)
class DataTable:
    """One table of a chart's data: caption, column headers, rows of plain text."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ChartText:
    """A chart's text alternative."""

    description: str
    tables: tuple[DataTable, ...]
    notes: tuple[str, ...] = field(default=())


def plain(text: object, breaks: str = "; ") -> str:
    """Plotly text (a subset of HTML) as plain text: a subtitle after a dash, line breaks as
    ``breaks`` (a label wrapped to fit: ``" "``), tags dropped, entities read."""
    if text is None:
        return ""
    value = _SUB.sub(lambda m: " — " + m.group(1), str(text))
    value = _BREAK.sub(breaks, value)
    value = html.unescape(_TAG.sub("", value))
    return " ".join(value.split()).strip(" ;")


def number(value: float) -> str:
    """A number as a reader writes it: no float tail (14.400000001 -> 14.4)."""
    if math.isnan(value):
        return ""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(value: Any, breaks: str = "; ") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return number(float(value))
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        return _text(value.item(), breaks)
    return plain(value, breaks)


def _label(value: Any) -> str:
    """A category or series label: wrapped lines joined by spaces."""
    return _text(value, " ")


def _decode(value: Any) -> Any:
    """A typed array as stored plotly JSON writes it (``{"dtype": "f8", "bdata": ...}``), as numbers."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        import numpy as np

        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if value.get("shape"):
            array = array.reshape(tuple(int(part) for part in str(value["shape"]).split(",")))
        return array
    return value


def _values(value: Any, n: int | None = None) -> list:
    """A trace attribute as a list (numpy arrays, typed arrays and tuples too); a single value repeated ``n`` times."""
    value = _decode(value)
    if value is None:
        return [None] * (n or 0)
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value] * (n or 1)


def _at(values: list, index: int) -> Any:
    return values[index] if index < len(values) else None


def _axis_title(layout: dict, axis: str) -> str:
    title = (layout.get(axis) or {}).get("title")
    if isinstance(title, dict):
        title = title.get("text")
    return plain(title)


def _title(layout: dict) -> str:
    title = layout.get("title")
    return plain(title.get("text") if isinstance(title, dict) else title)


def _is_number(value: Any) -> bool:
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def hover_text(trace: dict, index: int) -> str:
    """What the hover label of point ``index`` says, as plain text ('' when it says nothing more)."""
    template = trace.get("hovertemplate")
    if isinstance(template, (list, tuple)) or hasattr(template, "tolist"):
        template = _at(_values(template), index)
    if template:
        def field_value(match: re.Match) -> str:
            name = match.group(1).strip()
            if name in {"fullData.name", "data.name"}:
                return str(trace.get("name") or "")
            key, _, rest = name.partition("[")
            value = _at(_values(trace.get(key)), index) if key in trace else None
            if rest and value is not None:
                position = int(rest.rstrip("]"))
                value = _at(_values(value), position)
            return _text(value)

        return plain(_FIELD.sub(field_value, _EXTRA.sub("", str(template))))
    info = str(trace.get("hoverinfo") or "")
    for key in ("hovertext", "text"):
        value = _at(_values(trace.get(key)), index) if trace.get(key) is not None else None
        if value not in (None, "") and (key == "text" or info not in {"skip", "none"}):
            return _text(value)
    return ""


def _kind(traces: Sequence[dict]) -> str:
    kinds = []
    for trace in traces:
        kind = trace.get("type") or "scatter"
        if kind == "scatter":
            mode = str(trace.get("mode") or "markers")
            kind = "Line chart" if "lines" in mode and "markers" not in mode else (
                "Dot chart" if "markers" in mode else "Chart")
        else:
            kind = _KINDS.get(kind, "Chart")
        if kind not in kinds:
            kinds.append(kind)
    if not kinds:
        return "Chart"
    return kinds[0] if len(kinds) == 1 else "Chart"


def _series_names(traces: Sequence[dict]) -> list[str]:
    names = []
    for trace in traces:
        name = plain(trace.get("name"), " ")
        if name and trace.get("showlegend") is not False and name not in names:
            names.append(name)
    return names


def _tick_labels(layout: dict, axis: str):
    """A function reading a position on ``axis`` as the label written there (categories drawn at numbers)."""
    spec = layout.get(axis) or {}
    values, labels = _values(spec.get("tickvals")), _values(spec.get("ticktext"))
    pairs = [(float(v), plain(t, " ")) for v, t in zip(values, labels) if _is_number(v)]
    if not pairs:
        return lambda value: value
    spacing = min((abs(a[0] - b[0]) for a, b in zip(pairs, pairs[1:]) if a[0] != b[0]), default=1.0)

    def label(value):
        if not _is_number(value):
            return value
        position, text = min(pairs, key=lambda pair: abs(pair[0] - float(value)))
        return text if abs(position - float(value)) < spacing / 2 else value

    return label


def _merge_segments(rows: list[dict]) -> list[dict]:
    """Consecutive points of one line segment that differ only in one axis: one row, "first to last"."""
    merged: list[dict] = []
    for row in rows:
        last = merged[-1] if merged else None
        if (last is not None and row["segment"] is not None and last["segment"] == row["segment"]
                and last["series"] == row["series"]):
            same = {k for k in ("x", "y", "range", "details") if last[k] == row[k]}
            for axis, other in (("x", "y"), ("y", "x")):
                if same >= {other, "range", "details"} and last[axis] != row[axis]:
                    start = last.get(f"_{axis}_start", last[axis])
                    last[f"_{axis}_start"] = start
                    last[axis] = f"{start} to {row[axis]}"
                    break
            else:
                if same == {"x", "y", "range", "details"}:
                    continue  # the same point twice
                merged.append(row)
            continue
        merged.append(row)
    return merged


def _point_rows(traces: Sequence[dict], layout: dict, x_title: str, y_title: str) -> DataTable | None:
    """One row per point of every non-heat-map trace: series, both axes, range, hover words."""
    x_label, y_label = _tick_labels(layout, "xaxis"), _tick_labels(layout, "yaxis")
    rows = []
    segment = 0
    for trace in traces:
        xs, ys = _values(trace.get("x")), _values(trace.get("y"))
        n = max(len(xs), len(ys))
        if n == 0:
            continue
        name = plain(trace.get("name"), " ")
        bases = _values(trace.get("base"), n) if trace.get("base") is not None else [None] * n
        horizontal = trace.get("orientation") == "h"
        # an error bar belongs to one axis: x (a confidence interval drawn across) or y
        err_axis = next((a for a in ("x", "y") if (trace.get(f"error_{a}") or {}).get("array") is not None), None)
        error = trace.get(f"error_{err_axis}") if err_axis else {}
        plus = _values(error.get("array"), n) if err_axis else [None] * n
        minus = _values(error.get("arrayminus"), n) if err_axis and error.get("arrayminus") is not None else plus
        segment += 1
        # only the points of a line are joined into "first to last" (a cited range drawn as a segment)
        line = (trace.get("type") or "scatter") == "scatter" and "lines" in str(trace.get("mode") or "")
        for i in range(n):
            x, y = _at(xs, i), _at(ys, i)
            if x is None or y is None:  # a gap between the segments of a line
                segment += 1
                continue
            span = ""
            value = x if err_axis == "x" else y
            if err_axis and _is_number(value):
                span = f"{number(float(value) - float(_at(minus, i) or 0))} to {number(float(value) + float(_at(plus, i) or 0))}"
            base = _at(bases, i)
            if base is not None and _is_number(base):
                # a bar that starts at its base: show where it runs from and to
                if horizontal and _is_number(x):
                    x = f"from {number(float(base))} to {number(float(base) + float(x))}"
                elif not horizontal and _is_number(y):
                    y = f"from {number(float(base))} to {number(float(base) + float(y))}"
            rows.append({"series": name, "x": _label(x_label(x)), "y": _label(y_label(y)), "range": span,
                         "details": hover_text(trace, i), "horizontal": horizontal,
                         "segment": segment if line else None})
    rows = _merge_segments(rows)
    if not rows:
        return None
    for row in rows:  # hover words usually start with the row's own label: say it once
        for key in ("y", "x", "series"):
            label = row[key]
            if label and row["details"].startswith(label) and row["details"][len(label):len(label) + 2] in {"; ", ": "}:
                row["details"] = row["details"][len(label) + 2:]
                break
    category_first = all(r["horizontal"] for r in rows) or all(
        not _is_number(_at(_values(t.get("y")), 0)) and _is_number(_at(_values(t.get("x")), 0))
        for t in traces if _values(t.get("x")))
    x_head, y_head = x_title or "Across", y_title or "Up"
    columns = [("y", y_head), ("x", x_head)] if category_first else [("x", x_head), ("y", y_head)]
    if len({r["series"] for r in rows}) > 1 or any(r["series"] for r in rows) and len(traces) > 1:
        columns.insert(0, ("series", "Series"))
    if any(r["range"] for r in rows):
        columns.append(("range", "Range (error bar)"))
    # hover words that only repeat a value already in the row add nothing
    if any(r["details"] and r["details"] not in {r["x"], r["y"]} for r in rows):
        columns.append(("details", "Details (as in the hover label)"))
    # drop an axis column that says nothing (a label-only trace on an empty axis)
    columns = [c for c in columns if any(r[c[0]] for r in rows)]
    return DataTable("", tuple(head for _, head in columns),
                     tuple(tuple(r[key] for key, _ in columns) for r in rows))


def _heatmap_table(trace: dict, x_title: str, y_title: str) -> DataTable:
    """Rows and columns as drawn; each cell's words (its text, else its hover data, else its value)."""
    grid = {key: [_values(row) for row in _values(trace.get(key))]
            for key in ("z", "text", "customdata") if trace.get(key) is not None}
    z = grid.get("z", [])
    xs = _values(trace.get("x")) or list(range(max((len(r) for r in z), default=0)))
    ys = _values(trace.get("y")) or list(range(len(z)))
    rows = []
    for r, label in enumerate(ys):
        cells = []
        for c in range(len(xs)):
            shown = ""
            for key in ("text", "customdata", "z"):
                value = _at(_at(grid.get(key, []), r) or [], c)
                if value not in (None, "") and not isinstance(value, (list, dict)):
                    shown = _text(value)
                    break
            cells.append(shown)
        rows.append((_label(label), *cells))
    corner = f"{y_title} (rows), {x_title} (columns)" if x_title and y_title else (y_title or x_title or "")
    return DataTable("", (corner, *(_label(x) for x in xs)), tuple(rows))


def _label_only(trace: dict) -> bool:
    """An unnamed trace of text only: labels written beside other marks (their values), not data."""
    return (trace.get("type") or "scatter") == "scatter" and str(trace.get("mode") or "") == "text" \
        and not plain(trace.get("name"))


def _tables(traces: Sequence[dict], layout: dict, caption: str) -> list[DataTable]:
    x_title, y_title = _axis_title(layout, "xaxis"), _axis_title(layout, "yaxis")
    tables = []
    for trace in traces:
        if (trace.get("type") or "scatter") == "heatmap":
            table = _heatmap_table(trace, x_title, y_title)
            tables.append(DataTable(caption, table.columns, table.rows))
    marks = [t for t in traces if (t.get("type") or "scatter") != "heatmap" and not _label_only(t)]
    points = _point_rows(marks, layout, x_title, y_title)
    if points is not None:
        tables.append(DataTable(caption, points.columns, points.rows))
    return tables


def _views(fig: dict) -> list[tuple[str, list[dict], dict]]:
    """(choice label, traces shown, layout) for each choice of the chart's menu, or the chart itself."""
    data = list(fig.get("data") or [])
    layout = dict(fig.get("layout") or {})
    menus = layout.get("updatemenus") or []
    buttons = (menus[0].get("buttons") if menus else None) or []
    if not buttons:
        return [("", [t for t in data if t.get("visible", True) is not False], layout)]
    views = []
    for button in buttons:
        args = list(button.get("args") or [])
        restyle = args[0] if args else {}
        relayout = args[1] if len(args) > 1 else {}
        visible = _values(restyle.get("visible"), len(data)) if "visible" in restyle else [True] * len(data)
        view_layout = {**layout}
        for key, value in relayout.items():  # "xaxis.title.text": ..., "title.text": ...
            parts = key.split(".")
            target = view_layout
            for part in parts[:-1]:
                target[part] = dict(target.get(part) or {})
                target = target[part]
            target[parts[-1]] = value
        shown = [t for t, v in zip(data, visible) if v is not False]
        views.append((plain(button.get("label"), " "), shown, view_layout))
    return views


def chart_text(fig: dict) -> ChartText:
    """The text alternative of a figure given as a dict (``fig.to_plotly_json()`` or stored JSON)."""
    layout = fig.get("layout") or {}
    views = _views(fig)
    title = _title(layout) or "Untitled chart"
    first_traces = views[0][1]
    kind = _kind(first_traces)
    parts = [f"{kind}: {title}."]
    x_title, y_title = _axis_title(layout, "xaxis"), _axis_title(layout, "yaxis")
    if x_title:
        parts.append(f"Across: {x_title}.")
    if y_title:
        parts.append(f"Up: {y_title}.")
    names = _series_names([t for _, traces, _ in views for t in traces])
    if names:
        listed = ", ".join(names) if len(names) <= _NAMED_SERIES else f"{len(names)} of them"
        parts.append(f"Series: {listed}.")
    menu = (layout.get("updatemenus") or [{}])[0] if layout.get("updatemenus") else None
    tables: list[DataTable] = []
    if menu and len(views) > 1:
        parts.append(f"A menu switches between {len(views)} views; the tables list each.")
        within: list[str] = []
        for label, traces, view_layout in views:
            for table in _tables(traces, view_layout, f"{_title(view_layout) or title} (view: {label})"):
                # a view that shows part of an earlier table ("all treatments", then each one) is not repeated
                # (a view of one series has no "Series" column: compared without it)
                def bare(t: DataTable) -> tuple[tuple, set]:
                    keep = [i for i, c in enumerate(t.columns) if c != "Series"]
                    return tuple(t.columns[i] for i in keep), {tuple(r[i] for i in keep) for r in t.rows}

                columns, rows = bare(table)
                earlier = {row for t in tables if bare(t)[0] == columns for row in bare(t)[1]}
                if tables and rows <= earlier:
                    within.append(label)
                    continue
                if earlier & rows:  # only what this view adds (the rest is in a table above)
                    keep = [i for i, c in enumerate(table.columns) if c != "Series"]
                    new_rows = tuple(r for r in table.rows if tuple(r[i] for i in keep) not in earlier)
                    table = DataTable(f"{table.caption}, what it adds to the tables above", table.columns, new_rows)
                tables.append(table)
        if within:
            parts.append(f"The views {', '.join(within)} show parts of the tables above and are not repeated."
                         if len(within) > 1 else f"The view {within[0]} shows part of the table above and is not repeated.")
    else:
        tables = _tables(first_traces, layout, f"Data of the chart: {title}")
    notes = []
    for annotation in layout.get("annotations") or []:
        text = plain(annotation.get("text"))
        if text and text not in notes:
            notes.append(text)
    return ChartText(" ".join(parts), tuple(tables), tuple(notes))
