"""The clinical-judgment cases as HTML: the record, the items, the answer keys, the debrief.

Pure builders used by both faces of a case:

* the **static face** (nbviewer, paper, JupyterLab before the cell runs):
  the whole record in order and every item with its choices written out as
  text, the answer and a rationale for every choice folded in ``<details>``
  (no form control anywhere, so nothing is dead on a page without a kernel);
  a branching case shows the shared part, then each branch folded, so its
  consequences stay hidden until asked for;
* the **live view** (:mod:`helpers.judgment_widgets`) reuses the record,
  the feedback after each answer and the debrief.

Markup lives in ``templates/judgment.html.j2`` (autoescaped): every text
from ``data/judgment/`` reaches the page as text.  Points always come from
:func:`helpers.quiz.score`, the collection's one scoring entry point, so
the printed key and the live widget cannot disagree.  Lab flags (H/L) and
conventional units are computed from the synthetic laboratory's catalogue,
never typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from helpers import judgment
from helpers.judgment import Case, Entry, Item, Node
from helpers.lesson import cite
from helpers.render import Html, macro
from helpers.scoring import RULE_TEXT

LETTERS = "ABCDEFGHIJKLMNOP"
ENTRY_TITLES = {"note": "Note", "vitals": "Vital signs", "neuro": "Neurological observations",
                "labs": "Laboratory results", "orders": "Orders", "imaging": "Imaging report"}
VITAL_COLUMNS = ("temperature_c", "heart_rate_per_min", "respiratory_rate_per_min", "blood_pressure", "spo2_pct",
                 "consciousness", "pain_0_10", "urine_ml_per_h")


def _view(name: str, *args: Any) -> Markup:
    return macro("judgment.html.j2", name, *args)


def _number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


# -- the record -------------------------------------------------------------------

def lab_row(test: str, value: float, sex: str = "") -> dict[str, str]:
    """One laboratory result as shown: name, result, unit, reference range, flag, conventional units.

    ``sex`` ("female" or "male") picks the laboratory's range for that sex where it has one (haemoglobin).
    """
    spec = judgment.measures().laboratory[test]
    decimals = spec["decimals"]
    ranges = {**spec, **spec.get("reference_by_sex", {}).get(sex, {})}
    low, high = ranges.get("reference_low"), ranges.get("reference_high")
    if low is not None and high is not None:
        reference = f"{_number(low, decimals)}–{_number(high, decimals)}"
    elif high is not None:
        reference = f"below {_number(high, decimals)}" if not low else ""
    else:
        reference = f"above {_number(low, decimals)}"
    flag = "L (low)" if low is not None and value < low else "H (high)" if high is not None and value > high else ""
    conventional = ""
    if spec.get("conventional_factor"):
        converted = value * spec["conventional_factor"]
        places = spec.get("conventional_decimals", 0)
        shown = f"{converted:,.0f}" if places == 0 else _number(converted, places)
        conventional = f"{shown} {spec['conventional_unit']}"
    return {"name": spec["name"], "value": _number(value, decimals), "unit": spec["unit"], "reference": reference,
            "flag": flag, "conventional": conventional}


def _vital_cells(row: Mapping[str, Any]) -> dict[str, str]:
    cells = {}
    for column in VITAL_COLUMNS:
        if column == "blood_pressure":
            if "systolic_mm_hg" in row:
                cells[column] = f"{row['systolic_mm_hg']}/{row.get('diastolic_mm_hg', '–')}"
        elif column in row:
            value = row[column]
            cells[column] = f"{value:.1f}" if column == "temperature_c" else str(value)
    return cells


def vital_headers() -> dict[str, str]:
    signs = judgment.measures().vital_signs
    headers = {c: signs[c]["short"] for c in VITAL_COLUMNS if c in signs}
    headers["blood_pressure"] = "BP (mm Hg)"
    return headers


def entry_view(entry: Entry, new: bool = False, sex: str = "") -> dict[str, Any]:
    """One record entry as the template reads it (``sex``: the client's, for sex-specific reference ranges)."""
    view: dict[str, Any] = {"kind": entry.kind, "title": ENTRY_TITLES[entry.kind], "at": judgment.at_label(entry.at),
                            "author": entry.author, "text": entry.text, "study": entry.study, "items": list(entry.items),
                            "new": new}
    if entry.kind == "vitals":
        rows = [(judgment.at_label(r["at"]), _vital_cells(r)) for r in entry.rows]
        present = [c for c in VITAL_COLUMNS if any(c in cells for _, cells in rows)]
        headers = vital_headers()
        view["columns"] = [headers[c] for c in present]
        view["rows"] = [(at, [cells.get(c, "–") for c in present]) for at, cells in rows]
    elif entry.kind == "neuro":
        view["rows"] = [(judgment.at_label(r["at"]), [str(r["left_leg_mrc"]), str(r["right_leg_mrc"]), r["sensation"],
                                                      r["bladder_bowel"]]) for r in entry.rows]
        view["columns"] = ["Left leg (MRC 0-5)", "Right leg (MRC 0-5)", "Sensation", "Bladder and bowel"]
    elif entry.kind == "labs":
        view["rows"] = [lab_row(r["test"], r["value"], sex) for r in entry.rows]
    return view


def record_html(case: Case, path: Sequence[str], new_from: int | None = None, heading: str = "The client's record") -> Markup:
    """The record revealed along ``path``; entries of nodes from index ``new_from`` on are marked new."""
    groups = []
    for index, node_id in enumerate(path):
        node = case.node(node_id)
        new = new_from is not None and index >= new_from
        groups.append({"title": node.title, "at": judgment.at_label(node.at), "new": new,
                       "entries": [entry_view(e, new, case.client_sex) for e in node.record]})
    return _view("record", heading, groups)


# -- one item ------------------------------------------------------------------------

def _choice(letter: str, option: judgment.Option) -> dict[str, str]:
    return {"letter": letter, "text": option.text, "rationale": option.rationale}


def item_layout(item: Item) -> dict[str, Any]:
    """The item's choices as text, in its type's layout, with letters and numbers to name them."""
    kind = item.type
    layout: dict[str, Any] = {"kind": kind, "columns": list(item.columns)}
    if kind in ("multiple_choice", "select_n", "select_all"):
        layout["options"] = [_choice(LETTERS[i], o) for i, o in enumerate(item.options)]
    elif kind in ("matrix_single", "matrix_multiple"):
        layout["rows"] = [_choice(str(i + 1), o) for i, o in enumerate(item.options)]
        layout["mark"] = "○" if kind == "matrix_single" else "☐"
    elif kind in ("dropdown_cloze", "dropdown_rationale", "drag_drop_cloze", "drag_drop_rationale"):
        layout["sentence"] = sentence_parts(item)
        layout["tokens"] = layout["blanks"] = None
        if item.shared_tokens:
            layout["tokens"] = [_choice(LETTERS[i], o) for i, o in enumerate(item.groups[0])]
        else:
            layout["blanks"] = [[_choice(LETTERS[i], o) for i, o in enumerate(group)] for group in item.groups]
    elif kind == "dropdown_table":
        layout["rows"] = [{"text": label, "options": [_choice(LETTERS[i], o) for i, o in enumerate(group)]}
                          for label, group in zip(item.group_labels, item.groups)]
    elif kind == "bowtie":
        layout["zones"] = [{"label": label, "choose": count, "options": [_choice(LETTERS[i], o) for i, o in enumerate(group)]}
                           for label, count, group in zip(item.group_labels, item.zones, item.groups)]
    elif kind == "highlight_text":
        parts, number = [], 0
        for part in item.segments:
            if isinstance(part, judgment.Option):
                number += 1
                parts.append({"number": number, "text": part.text})
            else:
                parts.append({"number": None, "text": part})
        layout["segments"] = parts
    else:  # highlight_table
        number, rows = 0, []
        for row in item.table_rows:
            cells = []
            for cell in row:
                if isinstance(cell, judgment.Option):
                    number += 1
                    cells.append({"number": number, "text": cell.text})
                else:
                    cells.append({"number": None, "text": cell})
            rows.append(cells)
        layout["table"] = rows
    return layout


def sentence_parts(item: Item) -> list[dict[str, Any]]:
    """A cloze sentence as text pieces and numbered blanks, in order."""
    parts, rest = [], item.text
    for number in range(len(item.groups)):
        before, _, rest = rest.partition(f"{{{number}}}")
        if before:
            parts.append({"text": before, "blank": None})
        parts.append({"text": "", "blank": number + 1})
    if rest:
        parts.append({"text": rest, "blank": None})
    return parts


def key_rows(item: Item, response: object = None) -> list[dict[str, Any]]:
    """Every choice of the item with whether it is keyed, its rationale and, given a response, what was chosen.

    One row per option (choice and highlight items), per matrix cell that is
    keyed or chosen plus every row's rationale, per blank, per table row or
    per bowtie place.
    """
    kind = item.type
    chosen = judgment.check_response(item, response) if response is not None else None
    rows: list[dict[str, Any]] = []
    if kind in ("multiple_choice", "select_n", "select_all", "highlight_text", "highlight_table"):
        marker = (lambda i: LETTERS[i]) if kind in ("multiple_choice", "select_n", "select_all") else (lambda i: str(i + 1))
        for index, option in enumerate(item.options):
            rows.append({"label": marker(index), "text": option.text, "keyed": index in item.answer,
                         "chosen": None if chosen is None else index in chosen, "rationale": option.rationale,
                         "answer": "select" if index in item.answer else "leave"})
        return rows
    if kind in ("matrix_single", "matrix_multiple"):
        for index, option in enumerate(item.options):
            key = item.answer[index]
            keys = key if isinstance(key, list) else [key]
            picked = None
            if chosen is not None:
                value = chosen.get(index)
                picked = value if isinstance(value, list) else ([] if value is None else [value])
            rows.append({"label": str(index + 1), "text": option.text, "keyed": True,
                         "answer": ", ".join(item.columns[c] for c in keys),
                         "chosen": None if picked is None else sorted(picked) == sorted(keys),
                         "picked": None if picked is None else (", ".join(item.columns[c] for c in picked) or "nothing"),
                         "rationale": option.rationale})
        return rows
    places = _places(item)
    for place, (label, group, key) in enumerate(places):
        picked = None if chosen is None else chosen[place]
        rows.append({"label": label, "text": group[key].text, "keyed": True, "answer": group[key].text,
                     "chosen": None if chosen is None else _place_right(item, place, picked),
                     "picked": None if chosen is None else ("nothing" if picked is None else group[picked].text),
                     "rationale": group[key].rationale})
    return rows


def distractors(item: Item) -> list[dict[str, Any]]:
    """For a blank-based item: each group's choices that are not keyed, with why (empty for other types)."""
    if item.type in ("multiple_choice", "select_n", "select_all", "highlight_text", "highlight_table",
                     "matrix_single", "matrix_multiple"):
        return []
    if item.shared_tokens:
        groups = [("Other words and phrases", item.groups[0], set(item.answer))]
    elif item.type == "bowtie":
        groups, start = [], 0
        for label, count, group in zip(item.group_labels, item.zones, item.groups):
            groups.append((label, group, set(item.answer[start:start + count])))
            start += count
    else:
        labels = item.group_labels or tuple(f"Blank {n + 1}" for n in range(len(item.groups)))
        groups = [(label, group, {key}) for label, group, key in zip(labels, item.groups, item.answer)]
    return [{"label": label, "options": [{"text": o.text, "rationale": o.rationale}
                                         for i, o in enumerate(group) if i not in keys]}
            for label, group, keys in groups if len(keys) < len(group)]


def _places(item: Item) -> list[tuple[str, tuple[judgment.Option, ...], int]]:
    """(label, the choices at that place, the keyed choice) for each place of a blank-based item."""
    if item.type == "bowtie":
        out = []
        for place, (zone, slot) in enumerate(judgment.zone_slots(item)):
            label = item.group_labels[zone] + (f" ({slot + 1})" if item.zones[zone] > 1 else "")
            out.append((label, item.groups[zone], item.answer[place]))
        return out
    if item.type == "dropdown_table":
        return [(label, group, key) for label, group, key in zip(item.group_labels, item.groups, item.answer)]
    return [(f"Blank {n + 1}", group, key) for n, (group, key) in enumerate(zip(item.groups, item.answer))]


def _place_right(item: Item, place: int, picked: Any) -> bool:
    if picked is None:
        return False
    if item.type == "bowtie":
        zone, _slot = judgment.zone_slots(item)[place]
        start = sum(item.zones[:zone])
        return picked in item.answer[start:start + item.zones[zone]]
    return picked == item.answer[place]


def rule_line(item: Item) -> str:
    """The item's scoring rule and its maximum, in one sentence."""
    from helpers.quiz import score

    most = score(item.id, item.answer)[1]
    points = "point" if most == 1 else "points"
    return f"{item.type_label}: {most} {points}. {RULE_TEXT[item.rule]}"


def item_html(item: Item, number: int, with_answer: bool = True, case: Case | None = None) -> Markup:
    """One item for a static page: stem, choices as text (a trend item's readings as a table), the key and
    every rationale folded."""
    cite(item.source_ids)
    trend = Markup("")
    if item.trend is not None:
        case = case or judgment.load_case(item.case)
        trend = trend_table_html(case, path_to(case, _node_of(case, item)), item)
    return _view("item", item, number, judgment.instruction(item), item_layout(item), key_rows(item),
                 distractors(item), rule_line(item), judgment.FUNCTION_LABELS[item.function], with_answer, trend)


def feedback_html(item: Item, response: object) -> Markup:
    """What the live view shows after an answer: the points, the rule, then each choice's rationale."""
    from helpers.quiz import score

    points, most = score(item.id, response)
    cite(item.source_ids)
    return _view("feedback", item, points, most, RULE_TEXT[item.rule], key_rows(item, response), distractors(item))


# -- the whole case ---------------------------------------------------------------------

def _trunk(case: Case) -> list[str]:
    """The nodes every path shares, from the start to the first decision point (or the end)."""
    trunk, node_id = [], case.start
    while node_id is not None:
        trunk.append(node_id)
        node = case.node(node_id)
        if node.branches:
            break
        node_id = node.next
    return trunk


def _steps(case: Case, nodes: Sequence[str], first_number: int) -> tuple[list[Markup], int]:
    steps, number = [], first_number
    for node_id in nodes:
        node = case.node(node_id)
        item = case.item_at(node_id)
        parts = {"title": node.title, "at": judgment.at_label(node.at),
                 "entries": [entry_view(e, sex=case.client_sex) for e in node.record], "item": None,
                 "outcome": node.outcome}
        if item is not None:
            parts["item"] = item_html(item, number, case=case)
            number += 1
        steps.append(_view("step", parts))
    return steps, number


def _branch_nodes(case: Case, start: str) -> list[str]:
    nodes, node_id = [], start
    while node_id is not None:
        nodes.append(node_id)
        node = case.node(node_id)
        if node.branches:
            break  # one decision point per branch is what the cases use; deeper ones show from here
        node_id = node.next
    return nodes


def case_static(case_id: str) -> Html:
    """The whole case for a page without a kernel (the static face of the live case)."""
    case = judgment.load_case(case_id)
    cite(case.source_ids)
    trunk = _trunk(case)
    steps, number = _steps(case, trunk, 1)
    branches = []
    decision = case.node(trunk[-1])
    for branch in decision.branches:
        item = case.item_at(decision.id)
        chosen = ", ".join(LETTERS[o] for o in branch.options)
        branch_steps, _ = _steps(case, _branch_nodes(case, branch.next), number)
        branches.append({"label": branch.label, "options": chosen, "item": item.id if item else "",
                         "steps": branch_steps})
    markup = _view("case", case, steps, branches, debrief_static(case), path_totals(case))
    text = f"{case.title} ({case.label}): {len(case.items)} items; open the answers on the page or run the notebook"
    return Html(markup, text)


def path_totals(case: Case) -> list[dict[str, Any]]:
    """Full credit on each path (``label`` empty for a straight case): the most its items can earn on it."""
    return [{"label": "; ".join(judgment.path_labels(case, path, {})), "points": sum(judgment.path_credit(case, path))}
            for path in judgment.paths(case)]


def debrief_static(case: Case) -> Markup:
    """Which cognitive function each item practises, by path (the debrief a reader of the static page sees)."""
    groups = []
    for path in judgment.paths(case):
        labels = judgment.path_labels(case, path, {})
        rows = [{"function": judgment.FUNCTION_LABELS[i.function], "asks": judgment.FUNCTION_QUESTIONS[i.function],
                 "type": i.type_label, "rule": i.rule, "max_points": credit}
                for i, credit in zip(judgment.path_items(case, path), judgment.path_credit(case, path))]
        total = sum(r["max_points"] for r in rows)
        forgone = sum(judgment.full_credit(i) for i in judgment.path_items(case, path)) - total
        groups.append({"label": "; ".join(labels), "rows": rows, "outcome": case.node(path[-1]).outcome,
                       "total": total, "forgone": forgone})
    return _view("debrief_static", groups)


def debrief_html(case: Case, path: Sequence[str], responses: Mapping[str, object]) -> Markup:
    """The live debrief: the path taken, each item's function, type, rule and points, and the total."""
    rows = judgment.debrief_rows(case, path, responses)
    points = sum(r["points"] for r in rows)
    most = sum(r["max_points"] for r in rows)
    return _view("debrief", case, rows, points, most, judgment.path_labels(case, path, responses),
                 case.node(path[-1]).outcome)


# -- trends: the record's time series as a chart with its table -------------------------------

def path_to(case: Case, node_id: str) -> tuple[str, ...]:
    """The first path from the start that passes through ``node_id``, up to that node."""
    for path in judgment.paths(case):
        if node_id in path:
            return path[:path.index(node_id) + 1]
    raise judgment.InputError(f"case {case.id!r} has no step {node_id!r}")


def _node_of(case: Case, item: Item) -> str:
    return next(n for n, node in case.nodes.items() if node.item == item.id)


def _measure_label(measure: str) -> tuple[str, str]:
    known = judgment.measures()
    if measure in known.vital_signs:
        spec = known.vital_signs[measure]
        return spec["label"], spec["unit"]
    spec = known.laboratory[measure]
    return spec["name"], spec["unit"]


def trend_rows(case: Case, path: Sequence[str], measures: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """The readings over time as a table: a header (time, then each measure with its unit) and rows."""
    points = judgment.vital_series(case, path, measures)
    header = ["Time"] + [f"{label} ({unit})" if unit else label for label, unit in map(_measure_label, measures)]
    rows = [[judgment.at_label(p["at"])] + [str(p[m]) if m in p else "not measured" for m in measures] for p in points]
    return header, rows


def trend_table_html(case: Case, path: Sequence[str], item: Item) -> Markup:
    header, rows = trend_rows(case, path, item.trend["measures"])
    return _view("trend_table", item.trend["title"], header, rows)


def trend_figure(case: Case, path: Sequence[str], item: Item):
    """The trend item's readings over time: one panel per unit, a line and marker shape per measure."""
    
    from helpers.plotting import PALETTE, subplots
    from helpers.render import escape_figure_text

    measures = list(item.trend["measures"])
    points = judgment.vital_series(case, path, measures)
    units: dict[str, list[str]] = {}
    for measure in measures:
        units.setdefault(_measure_label(measure)[1], []).append(measure)
    fig = subplots(rows=len(units), cols=1, shared_xaxes=True, vertical_spacing=0.12)
    symbols = ("circle", "square", "diamond", "triangle-up", "x", "star")
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "solid")
    start = min(p["hours"] for p in points) if points else 0
    for panel, (unit, group) in enumerate(units.items(), start=1):
        for measure in group:
            index = measures.index(measure)
            series = [p for p in points if measure in p]
            label = _measure_label(measure)[0]
            fig.add_scatter(x=[round(p["hours"] - start, 2) for p in series], y=[p[measure] for p in series],
                            mode="lines+markers", name=label, row=panel, col=1,
                            marker=dict(symbol=symbols[index % 6], size=9, color=PALETTE[index % len(PALETTE)]),
                            line=dict(dash=dashes[index % 6], color=PALETTE[index % len(PALETTE)]),
                            customdata=[judgment.at_label(p["at"]) for p in series],
                            hovertemplate="%{customdata}: %{y}<extra>" + label.replace("<", "") + "</extra>")
        fig.update_yaxes(title_text=unit or "score", row=panel, col=1)
    first = judgment.at_label(points[0]["at"]) if points else ""
    fig.update_xaxes(title_text=f"Hours since {first}", row=len(units), col=1)
    fig.update_xaxes(title_text=f"Hours since {first}", row=1, col=1) if len(units) == 1 else None
    fig.update_layout(title=dict(text=item.trend["title"]), height=220 + 170 * len(units),
                      legend=dict(orientation="h", x=0, y=-0.25 if len(units) == 1 else -0.12, yanchor="top"),
                      margin=dict(b=110))
    if len(units) > 1:
        fig.update_layout(xaxis=dict(title=dict(text=f"Hours since {first}")))
    return escape_figure_text(fig)


def trend_parts(case: Case, path: Sequence[str], item: Item) -> list[Any]:
    """What the live runner shows for a trend item: the chart, then the same readings as a table."""
    table = Html(str(trend_table_html(case, path, item)), item.trend["title"])
    return [trend_figure(case, path, item), table]


def trend_chart(case_id: str, item_id: str):
    """The chart of a trend item for a static page (the item's table is printed with the item)."""
    case = judgment.load_case(case_id)
    item = case.items[item_id]
    if item.trend is None:
        raise judgment.InputError(f"item {item_id!r} is not a trend item")
    return trend_figure(case, path_to(case, _node_of(case, item)), item)


# -- the model and the rules, as tables -------------------------------------------------------

#: How each item type's response units are counted (NCSBN's rules, helpers.scoring).
TYPE_UNITS = {
    "multiple_choice": "one point for the keyed option",
    "select_n": "one point per keyed option chosen; no more than N can be chosen",
    "select_all": "+1 per keyed option chosen, −1 per other option chosen, never below 0",
    "matrix_single": "one point per row answered with its key",
    "matrix_multiple": "+1 per keyed cell ticked, −1 per other cell ticked, each column never below 0",
    "dropdown_cloze": "one point per drop-down",
    "dropdown_table": "one point per row's drop-down",
    "drag_drop_cloze": "one point per target filled with its key",
    "dropdown_rationale": "a pair earns its point only when both parts are right; with two reasons (a triad), one point for each right pair",
    "drag_drop_rationale": "as drop-down rationale",
    "bowtie": "one point for each of the five places: the condition, two actions, two parameters",
    "highlight_text": "+1 per keyed part highlighted, −1 per other part highlighted, never below 0",
    "highlight_table": "as highlight (text), over the table's cells",
}


def model_table():
    """The six cognitive functions of the NCSBN Clinical Judgment Measurement Model, in order."""
    import pandas as pd

    from helpers.tables import styled

    cite("dickison2019_cjmm;ncsbn_ngn_item_types")
    rows = [{"Order": n, "Cognitive function": judgment.FUNCTION_LABELS[f], "What it asks of the nurse": judgment.FUNCTION_QUESTIONS[f]}
            for n, f in enumerate(judgment.FUNCTIONS, start=1)]
    return styled(pd.DataFrame(rows), "The six cognitive functions of the NCSBN Clinical Judgment Measurement Model, in the order a case asks them")


def rules_table():
    """Every item type with NCSBN's scoring rule, how it is counted, and the cases that use it."""
    import pandas as pd

    from helpers.scoring import RULES
    from helpers.tables import styled

    cite("ncsbn_ngn_scoring;ncsbn_ngn_item_types")
    used: dict[str, list[str]] = {}
    for case in judgment.cases():
        for item in case.items.values():
            used.setdefault(item.type, [])
            if case.client_name not in used[item.type]:
                used[item.type].append(case.client_name)
    rows = [{"Item type": judgment.TYPE_LABELS[t], "NCSBN rule": RULES[t], "How points are counted": TYPE_UNITS[t],
             "Cases that use it": ", ".join(used.get(t, [])) or "none yet"} for t in RULES]
    return styled(pd.DataFrame(rows), "The item types and how NCSBN scores them")
