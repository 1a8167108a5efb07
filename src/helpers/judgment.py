"""Unfolding clinical-judgment cases: the data model, its checks and the pure logic.

The NCSBN Clinical Judgment Measurement Model (CJMM; Dickison, Haerling and
Lasater, J Nurs Educ 2019;58(2):72-78) names six cognitive functions, in
order: recognize cues, analyze cues, prioritize hypotheses, generate
solutions, take action, evaluate outcomes.  The Next Generation NCLEX asks
them as a case study of six items about one client whose record unfolds as
the items go, with the item types NCSBN describes ("Next Generation NCLEX:
item types", nclex.com, and the NCLEX candidate help centre), scored by
NCSBN's rules (:mod:`helpers.scoring`).

A case is one JSON file in ``data/judgment/`` (schema
``data/judgment/schema.json``).  It is a small graph: each **node** adds
entries to the client's record (nurse's notes, vital signs, neurological
observations, laboratory values, orders, imaging) and may ask one **item**;
it goes on to ``next`` (``null``: the case ends and the debrief follows) or,
at a decision point, to the node its ``branches`` name for the option the
student chose.  A case without branches is a straight line.

Loading checks, beyond the schema, everything a schema cannot: each item's
answer has the shape its type's responses take and every index points at an
option; every node is reachable from the start, none is a dead end, there is
no cycle; a decision point asks a multiple-choice item and names every
option once; every path from the start to an end asks six items, one per
cognitive function, in the CJMM order.  A broken file raises
:class:`~helpers.errors.DataError` in one line naming the file and the place.

Everything here is pure (no widgets): :mod:`helpers.judgment_widgets` runs
the cases live, :mod:`helpers.judgment_static` draws them for nbviewer and
paper, :mod:`helpers.judgment_xapi` writes a path as xAPI statements, and
:func:`helpers.quiz.score` scores a response to any item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from helpers import scoring
from helpers.errors import DataError, InputError

__all__ = [
    "FUNCTIONS", "FUNCTION_LABELS", "FUNCTION_QUESTIONS", "TYPE_LABELS",
    "Option", "Item", "Entry", "Branch", "Node", "Case", "Measures",
    "judgment_dir", "case_ids", "load_case", "cases", "find_item", "measures",
    "hours", "at_label", "instruction", "check_response", "item_score", "full_credit",
    "next_node", "paths", "record_until", "path_items", "path_credit", "vital_series", "debrief_rows",
]

#: The six cognitive functions of the CJMM, in the order a case asks them.
FUNCTIONS = ("recognize_cues", "analyze_cues", "prioritize_hypotheses", "generate_solutions", "take_action",
             "evaluate_outcomes")
FUNCTION_LABELS = {
    "recognize_cues": "Recognize cues",
    "analyze_cues": "Analyze cues",
    "prioritize_hypotheses": "Prioritize hypotheses",
    "generate_solutions": "Generate solutions",
    "take_action": "Take action",
    "evaluate_outcomes": "Evaluate outcomes",
}
#: What each function asks of the nurse (the CJMM's layer 3, in plain words), for the debrief.
FUNCTION_QUESTIONS = {
    "recognize_cues": "Which information in the record matters most now?",
    "analyze_cues": "What do those cues mean together, and what could explain them?",
    "prioritize_hypotheses": "Which explanation is most likely, and which needs action first?",
    "generate_solutions": "What outcomes are wanted, and which actions could reach them?",
    "take_action": "Which action comes first, and how is it carried out?",
    "evaluate_outcomes": "Did the actions work: what has improved, stayed the same or got worse?",
}
#: Item types, as students see them named.
TYPE_LABELS = {
    "multiple_choice": "Multiple choice",
    "select_n": "Multiple response (select N)",
    "select_all": "Multiple response (select all that apply)",
    "matrix_single": "Matrix (one choice per row)",
    "matrix_multiple": "Matrix (several choices per row)",
    "dropdown_cloze": "Drop-down cloze",
    "dropdown_table": "Drop-down table",
    "drag_drop_cloze": "Drag-and-drop cloze",
    "dropdown_rationale": "Drop-down rationale",
    "drag_drop_rationale": "Drag-and-drop rationale",
    "bowtie": "Bowtie",
    "highlight_text": "Highlight (text)",
    "highlight_table": "Highlight (table)",
}
#: Zone order of a bowtie in the data and in a response (helpers.scoring.bowtie's default zones).
BOWTIE_ZONES = ("condition", "actions", "parameters")
_BLANK = re.compile(r"\{(\d+)\}")
_AT = re.compile(r"^D(\d{1,2}) (\d{2}):(\d{2})$")
_SCHEMA = "schema.json"
_MEASURES = Path("reference") / "measures.json"


# -- the model -----------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    """A choice the student can make, with why it is right or wrong."""

    text: str
    rationale: str


@dataclass(frozen=True)
class Item:
    """One NGN item.  ``answer`` has the shape of a response (see :mod:`helpers.scoring`).

    ``groups`` holds the choices in the item's own layout: for choice and
    highlight items one group (the options, or the highlightable parts in
    reading order); for a matrix one group of rows (``columns`` names the
    columns); for blank-based items one group per blank (a drop-down's
    options, or the token bank of a drag-and-drop target); for a bowtie the
    three zones (condition, actions, parameters).
    """

    id: str
    case: str
    function: str
    type: str
    stem: str
    answer: Any
    source_ids: str
    groups: tuple[tuple[Option, ...], ...]
    columns: tuple[str, ...] = ()
    group_labels: tuple[str, ...] = ()
    limit: int | None = None
    zones: tuple[int, ...] | None = None
    text: str = ""
    segments: tuple[Any, ...] = ()
    table_rows: tuple[tuple[Any, ...], ...] = ()
    shared_tokens: bool = False
    explanation: str = ""
    trend: Mapping[str, Any] | None = None

    @property
    def options(self) -> tuple[Option, ...]:
        """The options of a choice or highlight item (its one group)."""
        return self.groups[0]

    @property
    def rule(self) -> str:
        return scoring.rule_of(self.type)

    @property
    def function_label(self) -> str:
        return FUNCTION_LABELS[self.function]

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]


@dataclass(frozen=True)
class Entry:
    """One entry of the client's record: a note, a table of readings, orders or a report."""

    kind: str
    at: str
    author: str = ""
    text: str = ""
    study: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class Branch:
    options: tuple[int, ...]
    next: str
    label: str


@dataclass(frozen=True)
class Node:
    id: str
    title: str
    at: str
    record: tuple[Entry, ...]
    item: str | None = None
    next: str | None = None
    branches: tuple[Branch, ...] = ()
    outcome: str = ""

    @property
    def is_end(self) -> bool:
        return not self.branches and self.next is None


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    client_name: str
    client_age: int
    client_summary: str
    setting: str
    summary: str
    source_ids: str
    start: str
    nodes: Mapping[str, Node]
    items: Mapping[str, Item]
    node_order: tuple[str, ...] = field(default=())
    #: "female", "male" or "" (not stated): picks a laboratory's sex-specific reference range.
    client_sex: str = ""

    @property
    def label(self) -> str:
        return f"{self.client_name}, {self.client_age}"

    @property
    def branching(self) -> bool:
        return any(node.branches for node in self.nodes.values())

    def node(self, node_id: str) -> Node:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise InputError(f"case {self.id!r} has no step {node_id!r}") from None

    def item_at(self, node_id: str) -> Item | None:
        node = self.node(node_id)
        return self.items[node.item] if node.item else None


@dataclass(frozen=True)
class Measures:
    """Names and units of the vital signs, and the synthetic laboratory's catalogue."""

    vital_signs: Mapping[str, Mapping[str, str]]
    laboratory: Mapping[str, Mapping[str, Any]]


# -- where the files are -------------------------------------------------------

def judgment_dir() -> Path:
    """``judgment/`` in the data folder (:func:`helpers.data.data_dir`, which honours ``SPINE_DATA_DIR``)."""
    from helpers.data import data_dir

    return data_dir() / "judgment"


def case_ids() -> list[str]:
    """The ids of every case file, in the order the notebook teaches them (file names sort by number)."""
    folder = judgment_dir()
    return [p.stem for p in sorted(folder.glob("*.json"), key=_case_order) if p.name != _SCHEMA]


def _case_order(path: Path) -> tuple[int, str]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        return int(content.get("sequence", 99)), path.stem
    except (ValueError, AttributeError, OSError):
        return 99, path.stem


def load_case(case_id: str) -> Case:
    """One case, checked against the schema and every rule in the module docstring."""
    known = case_ids()
    if case_id not in known:
        raise InputError(f"unknown case {case_id!r}; the cases are {', '.join(known)}")
    return _load_case(str(judgment_dir()), case_id)


def cases() -> list[Case]:
    """Every case, in teaching order."""
    return [load_case(case_id) for case_id in case_ids()]


def clear_cache() -> None:
    _load_case.cache_clear()
    _measures.cache_clear()
    _item_index.cache_clear()


def measures() -> Measures:
    """The vital-sign names and units and the laboratory catalogue (``data/judgment/reference/measures.json``)."""
    return _measures(str(judgment_dir()))


@cache
def _measures(folder: str) -> Measures:
    from helpers.data import read_checked_json

    path = Path(folder) / _MEASURES
    raw = read_checked_json(path, path.with_name("measures.schema.json"), f"data/judgment/{_MEASURES.as_posix()}")
    return Measures(raw["vital_signs"], raw["laboratory"])


def find_item(item_id: str) -> Item:
    """The item with this id, in whichever case it is."""
    index = _item_index(str(judgment_dir()))
    if item_id not in index:
        raise InputError(f"unknown item {item_id!r}; item ids are listed in the cases in data/judgment/")
    return load_case(index[item_id]).items[item_id]


@cache
def _item_index(folder: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for case_id in case_ids():
        for item_id in _load_case(folder, case_id).items:
            if item_id in index:
                raise DataError(f"data/judgment/{case_id}.json: item id {item_id!r} is also used in "
                                f"data/judgment/{index[item_id]}.json; item ids must be unique")
            index[item_id] = case_id
    return index


# -- loading and checking ----------------------------------------------------------

@cache
def _load_case(folder: str, case_id: str) -> Case:
    from helpers.data import cite, read_checked_json

    path = Path(folder) / f"{case_id}.json"
    shown = f"data/judgment/{path.name}"
    raw = read_checked_json(path, Path(folder) / _SCHEMA, shown)
    if raw["case"] != case_id:
        raise DataError(f"{shown}: 'case' is {raw['case']!r} but the file is named {case_id!r}")
    lab = _measures(folder).laboratory
    items: dict[str, Item] = {}
    for number, spec in enumerate(raw["items"], start=1):
        where = f"{shown}: item {number} ({spec['id']})"
        if spec["case"] != case_id:
            raise DataError(f"{where}: 'case' is {spec['case']!r}, not {case_id!r}")
        if spec["id"] in items:
            raise DataError(f"{where}: the id is used twice")
        items[spec["id"]] = _item(spec, where)
        _check_trend(items[spec["id"]], where, _measures(folder))
    nodes: dict[str, Node] = {}
    for number, spec in enumerate(raw["nodes"], start=1):
        where = f"{shown}: node {number} ({spec['id']})"
        if spec["id"] in nodes:
            raise DataError(f"{where}: the id is used twice")
        nodes[spec["id"]] = _node(spec, where, lab)
    case = Case(raw["case"], raw["title"], raw["client"]["name"], raw["client"]["age"], raw["client"]["summary"],
                raw["setting"], raw["summary"], raw["source_ids"], raw["start"], nodes, items,
                tuple(spec["id"] for spec in raw["nodes"]), raw["client"].get("sex", ""))
    _check_graph(case, shown)
    for owner, source_ids in [("the case", case.source_ids), *((f"item {i.id}", i.source_ids) for i in items.values())]:
        try:
            cite(source_ids)  # every id resolves in data/sources.csv
        except DataError as error:
            raise DataError(f"{shown}: {owner}: {error}") from None
    return case


def _options(raw: Sequence[Mapping[str, str]]) -> tuple[Option, ...]:
    return tuple(Option(o["text"], o["rationale"]) for o in raw)


def _blank_count(text: str, where: str) -> int:
    numbers = [int(n) for n in _BLANK.findall(text)]
    if numbers != list(range(len(numbers))) or not numbers:
        raise DataError(f"{where}: the text marks its blanks {{0}}, {{1}}, ... once each and in order; found {numbers}")
    return len(numbers)


def _item(spec: Mapping[str, Any], where: str) -> Item:
    kind = spec["type"]
    common = dict(id=spec["id"], case=spec["case"], function=spec["function"], type=kind, stem=spec["stem"],
                  source_ids=spec["source_ids"], explanation=spec.get("explanation", ""), trend=spec.get("trend"))
    required = {
        "multiple_choice": ("options",), "select_n": ("options", "limit"), "select_all": ("options",),
        "matrix_single": ("rows", "columns"), "matrix_multiple": ("rows", "columns"),
        "dropdown_cloze": ("text", "blanks"), "dropdown_rationale": ("text", "blanks"),
        "drag_drop_cloze": ("text", "tokens"), "drag_drop_rationale": ("text", "tokens"),
        "dropdown_table": ("rows", "columns"), "bowtie": ("zones",), "highlight_text": ("segments",),
        "highlight_table": ("rows", "columns"),
    }[kind]
    allowed = set(required) | {"id", "case", "function", "type", "stem", "answer", "source_ids", "explanation", "trend"}
    extra = sorted(set(spec) - allowed)
    if extra:
        raise DataError(f"{where}: a {kind} item has no field {extra[0]!r}")
    answer = spec["answer"]
    if kind in ("multiple_choice", "select_n", "select_all"):
        item = Item(**common, answer=list(answer), groups=(_options(spec["options"]),), limit=spec.get("limit"))
    elif kind in ("matrix_single", "matrix_multiple"):
        answer = _matrix_answer(answer, kind, where)
        item = Item(**common, answer=answer, groups=(_options(spec["rows"]),), columns=tuple(spec["columns"]))
    elif kind in ("dropdown_cloze", "dropdown_rationale"):
        count = _blank_count(spec["text"], where)
        if count != len(spec["blanks"]):
            raise DataError(f"{where}: the text has {count} blanks but {len(spec['blanks'])} are described")
        item = Item(**common, answer=list(answer), groups=tuple(_options(b["options"]) for b in spec["blanks"]),
                    text=spec["text"])
    elif kind in ("drag_drop_cloze", "drag_drop_rationale"):
        count = _blank_count(spec["text"], where)
        tokens = _options(spec["tokens"])
        item = Item(**common, answer=list(answer), groups=(tokens,) * count, text=spec["text"], shared_tokens=True)
    elif kind == "dropdown_table":
        item = Item(**common, answer=list(answer), groups=tuple(_options(r["options"]) for r in spec["rows"]),
                    columns=tuple(spec["columns"]), group_labels=tuple(r["text"] for r in spec["rows"]))
    elif kind == "bowtie":
        zones = spec["zones"]
        item = Item(**common, answer=list(answer), groups=tuple(_options(z["options"]) for z in zones),
                    group_labels=tuple(z["label"] for z in zones), zones=tuple(z["choose"] for z in zones))
    elif kind == "highlight_text":
        parts = [_option_or_text(s) for s in spec["segments"]]
        item = Item(**common, answer=list(answer), groups=(tuple(p for p in parts if isinstance(p, Option)),),
                    segments=tuple(parts))
    else:  # highlight_table
        rows = tuple(tuple(_option_or_text(c) for c in row["cells"]) for row in spec["rows"])
        width = {len(row) for row in rows}
        if width != {len(spec["columns"])}:
            raise DataError(f"{where}: every row has one cell per column ({len(spec['columns'])})")
        options = tuple(c for row in rows for c in row if isinstance(c, Option))
        item = Item(**common, answer=list(answer), groups=(options,), columns=tuple(spec["columns"]), table_rows=rows)
    _check_answer(item, where)
    return item


def _option_or_text(part: Any) -> Any:
    return Option(part["text"], part["rationale"]) if isinstance(part, Mapping) else part


def _matrix_answer(answer: Any, kind: str, where: str) -> dict[int, Any]:
    if not isinstance(answer, Mapping):
        raise DataError(f"{where}: a matrix answer maps each row number (\"0\", \"1\", ...) to its column(s)")
    out = {}
    for key, value in answer.items():
        if not str(key).isdigit():
            raise DataError(f"{where}: answer key {key!r} is not a row number")
        out[int(key)] = list(value) if isinstance(value, list) else value
    return dict(sorted(out.items()))


def _check_index(value: Any, size: int, where: str, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
        raise DataError(f"{where}: {what} {value!r} is not one of 0..{size - 1}")


def _check_answer(item: Item, where: str) -> None:
    """The key has the shape of a response and every index points at a choice."""
    kind, answer = item.type, item.answer
    if kind in ("multiple_choice", "select_n", "select_all", "highlight_text", "highlight_table"):
        size = len(item.options)
        if len(item.options) < 2:
            raise DataError(f"{where}: a {kind} item needs at least two options")
        for value in answer:
            _check_index(value, size, where, "answer option")
        if len(set(answer)) != len(answer) or not answer:
            raise DataError(f"{where}: the answer lists each keyed option once, and at least one")
        if kind == "multiple_choice" and len(answer) != 1:
            raise DataError(f"{where}: a multiple-choice answer is one option, as a list: [2]")
        if kind == "select_n" and item.limit != len(answer):
            raise DataError(f"{where}: a select-N item's limit ({item.limit}) equals the number of keyed options "
                            f"({len(answer)})")
        if kind == "select_all" and len(answer) == size:
            raise DataError(f"{where}: a select-all item with every option keyed tests nothing")
        return
    if kind in ("matrix_single", "matrix_multiple"):
        rows, columns = len(item.options), len(item.columns)
        if set(answer) != set(range(rows)):
            raise DataError(f"{where}: the answer gives every row (0..{rows - 1}) its column(s)")
        for row, value in answer.items():
            values = value if kind == "matrix_multiple" else [value]
            if kind == "matrix_multiple" and not isinstance(value, list):
                raise DataError(f"{where}: row {row} of a several-choices matrix keys a list of columns")
            for column in values:
                _check_index(column, columns, where, f"row {row}: column")
        return
    if kind != "bowtie" and len(answer) != len(item.groups):
        raise DataError(f"{where}: the answer has {len(answer)} choices for {len(item.groups)} blanks")
    if kind == "bowtie":
        if sum(item.zones or ()) != len(answer) or tuple(item.zones or ()) != (1, 2, 2):
            raise DataError(f"{where}: a bowtie has 1 condition, 2 actions and 2 parameters (choose 1, 2, 2)")
        sizes = [len(group) for group, count in zip(item.groups, item.zones) for _ in range(count)]
        for value, size in zip(answer, sizes):
            _check_index(value, size, where, "answer option")
        start = 0
        for count in item.zones:
            zone = answer[start:start + count]
            if len(set(zone)) != len(zone):
                raise DataError(f"{where}: a bowtie zone keys different options")
            start += count
        return
    if kind in ("dropdown_rationale", "drag_drop_rationale") and len(answer) not in (2, 3):
        raise DataError(f"{where}: a rationale item has two parts (a dyad) or three (a triad)")
    if item.shared_tokens and len(set(answer)) != len(answer):
        raise DataError(f"{where}: a drag-and-drop key uses each token once")
    for value, group in zip(answer, item.groups):
        _check_index(value, len(group), where, "answer option")


def _check_trend(item: Item, where: str, known: Measures) -> None:
    if item.trend is None:
        return
    for measure in item.trend["measures"]:
        if measure not in known.vital_signs and measure not in known.laboratory:
            raise DataError(f"{where}: trend measure {measure!r} is not a vital sign or laboratory test in "
                            "data/judgment/reference/measures.json")


def _entry(spec: Mapping[str, Any], at: str, where: str, lab: Mapping[str, Any]) -> Entry:
    kind = spec["kind"]
    if kind in ("vitals", "neuro"):
        rows = tuple(dict(row) for row in spec["rows"])
        return Entry(kind, rows[0]["at"], rows=rows)
    if kind == "labs":
        for row in spec["rows"]:
            if row["test"] not in lab:
                raise DataError(f"{where}: laboratory test {row['test']!r} is not in "
                                "data/judgment/reference/measures.json")
        return Entry(kind, spec["at"], rows=tuple(dict(row) for row in spec["rows"]))
    if kind == "orders":
        return Entry(kind, spec["at"], author=spec["author"], items=tuple(spec["items"]))
    if kind == "imaging":
        return Entry(kind, spec["at"], study=spec["study"], text=spec["text"])
    return Entry(kind, spec["at"], author=spec["author"], text=spec["text"])


def _node(spec: Mapping[str, Any], where: str, lab: Mapping[str, Any]) -> Node:
    record = tuple(_entry(e, spec["at"], where, lab) for e in spec["record"])
    branches = tuple(Branch(tuple(b["options"]), b["next"], b["label"]) for b in spec.get("branches", ()))
    if "branches" in spec and "next" in spec:
        raise DataError(f"{where}: a node has 'next' or 'branches', not both")
    return Node(spec["id"], spec["title"], spec["at"], record, spec.get("item"), spec.get("next"), branches,
                spec.get("outcome", ""))


def _successors(node: Node) -> list[str]:
    return [b.next for b in node.branches] if node.branches else ([node.next] if node.next else [])


def _check_graph(case: Case, shown: str) -> None:
    """References resolve; every node reachable, none a dead end, no cycle; six items in CJMM order on every path."""
    used: dict[str, str] = {}
    if case.start not in case.nodes:
        raise DataError(f"{shown}: 'start' names {case.start!r}, which is not a node")
    for node in case.nodes.values():
        where = f"{shown}: node {node.id!r}"
        for target in _successors(node):
            if target not in case.nodes:
                raise DataError(f"{where}: goes on to {target!r}, which is not a node")
        if node.item is not None:
            if node.item not in case.items:
                raise DataError(f"{where}: asks item {node.item!r}, which is not in 'items'")
            if node.item in used:
                raise DataError(f"{where}: asks item {node.item!r}, already asked at node {used[node.item]!r}")
            used[node.item] = node.id
        if node.branches:
            item = case.items.get(node.item or "")
            if item is None or item.type != "multiple_choice":
                raise DataError(f"{where}: a decision point asks a multiple-choice item (its option picks the branch)")
            chosen = sorted(o for b in node.branches for o in b.options)
            if chosen != list(range(len(item.options))):
                raise DataError(f"{where}: the branches name every option of {item.id!r} exactly once "
                                f"(0..{len(item.options) - 1}); they name {chosen}")
        if node.is_end and not node.outcome:
            raise DataError(f"{where}: an end node says what became of the client ('outcome')")
    unused = sorted(set(case.items) - set(used))
    if unused:
        raise DataError(f"{shown}: item {unused[0]!r} is asked at no node")
    # Depth-first from the start: a node on the current path seen again is a cycle.
    reached: set[str] = set()

    def visit(node_id: str, trail: tuple[str, ...]) -> None:
        if node_id in trail:
            raise DataError(f"{shown}: the path {' -> '.join((*trail, node_id))} goes round in a circle")
        reached.add(node_id)
        for target in _successors(case.nodes[node_id]):
            visit(target, (*trail, node_id))

    visit(case.start, ())
    missing = [n for n in case.node_order if n not in reached]
    if missing:
        raise DataError(f"{shown}: node {missing[0]!r} cannot be reached from the start")
    for path in paths(case):
        functions = [case.items[case.nodes[n].item].function for n in path if case.nodes[n].item]
        if functions != list(FUNCTIONS):
            shown_path = " -> ".join(path)
            raise DataError(f"{shown}: the path {shown_path} asks {', '.join(functions) or 'no items'}; every path asks "
                            f"six items, one per cognitive function, in the order {', '.join(FUNCTIONS)}")


# -- the record --------------------------------------------------------------------

def hours(at: str) -> float:
    """``"D2 06:30"`` as hours from the start of day 1 (30.5)."""
    match = _AT.match(at)
    if not match:
        raise InputError(f"time {at!r} is not written as 'D<day> HH:MM'")
    day, hour, minute = (int(g) for g in match.groups())
    return (day - 1) * 24 + hour + minute / 60


def at_label(at: str) -> str:
    """``"D2 06:30"`` as ``"Day 2, 06:30"``."""
    match = _AT.match(at)
    if not match:
        raise InputError(f"time {at!r} is not written as 'D<day> HH:MM'")
    return f"Day {int(match[1])}, {match[2]}:{match[3]}"


def paths(case: Case) -> list[tuple[str, ...]]:
    """Every path from the start to an end, as node ids (the graph has no cycle)."""
    out: list[tuple[str, ...]] = []

    def walk(node_id: str, trail: tuple[str, ...]) -> None:
        trail = (*trail, node_id)
        following = _successors(case.nodes[node_id])
        if not following:
            out.append(trail)
        for target in following:
            walk(target, trail)

    walk(case.start, ())
    return out


def next_node(case: Case, node_id: str, response: object = None) -> str | None:
    """The node after ``node_id`` given the student's response there (None: the case has ended).

    At a decision point the response must name one option (a list with one
    index); anything else raises :class:`InputError` saying so.
    """
    node = case.node(node_id)
    if not node.branches:
        return node.next
    item = case.items[node.item]
    chosen = check_response(item, response)
    if not chosen or len(chosen) != 1:
        raise InputError("choose one option to go on: what the nurse does now decides what happens next")
    for branch in node.branches:
        if chosen[0] in branch.options:
            return branch.next
    raise InputError(f"option {chosen[0]} does not exist")  # unreachable: the branches cover every option


def branch_taken(case: Case, node_id: str, response: object) -> Branch | None:
    """The branch a decision-point response follows (None at a node without branches)."""
    node = case.node(node_id)
    target = next_node(case, node_id, response) if node.branches else None
    return next((b for b in node.branches if b.next == target), None)


def record_until(case: Case, path: Sequence[str]) -> list[tuple[Node, Entry]]:
    """Every record entry revealed along ``path`` so far, oldest first, with the node that revealed it."""
    return [(case.node(n), entry) for n in path for entry in case.node(n).record]


def path_items(case: Case, path: Sequence[str]) -> list[Item]:
    """The items asked along ``path``, in order."""
    return [case.items[case.node(n).item] for n in path if case.node(n).item]


def vital_series(case: Case, path: Sequence[str], measures_wanted: Sequence[str]) -> list[dict[str, Any]]:
    """The time series of vital signs, neurological observations and laboratory values along ``path``.

    One dict per time point, oldest first: ``at``, ``hours`` (from the start
    of day 1) and each wanted measure that was recorded then.
    """
    points: dict[str, dict[str, Any]] = {}
    for _node, entry in record_until(case, path):
        if entry.kind in ("vitals", "neuro"):
            for row in entry.rows:
                found = {m: row[m] for m in measures_wanted if m in row}
                if found:
                    points.setdefault(row["at"], {"at": row["at"], "hours": hours(row["at"])}).update(found)
        elif entry.kind == "labs":
            found = {r["test"]: r["value"] for r in entry.rows if r["test"] in measures_wanted}
            if found:
                points.setdefault(entry.at, {"at": entry.at, "hours": hours(entry.at)}).update(found)
    return sorted(points.values(), key=lambda p: p["hours"])


# -- responses and scores ----------------------------------------------------------------

def instruction(item: Item) -> str:
    """What the student is asked to do, in the words of the item type."""
    kind = item.type
    if kind == "multiple_choice":
        return "Choose one option."
    if kind == "select_n":
        return f"Choose {item.limit} options."
    if kind == "select_all":
        return "Select all that apply."
    if kind == "matrix_single":
        return "For each row, choose one column."
    if kind == "matrix_multiple":
        return "For each row, choose every column that applies (a row may have one or more)."
    if kind in ("dropdown_cloze", "dropdown_rationale"):
        return "Complete the sentence: choose the most likely option for each blank."
    if kind in ("drag_drop_cloze", "drag_drop_rationale"):
        return "Complete the sentence: move the best word or phrase into each blank (here: choose it from the list)."
    if kind == "dropdown_table":
        return "For each row of the table, choose the best option."
    if kind == "bowtie":
        return "Complete the bowtie: the condition the client is most likely experiencing, two actions to take and two parameters to monitor."
    return "Highlight every part that applies (here: tick it)."


def _fail(item: Item, text: str) -> InputError:
    return InputError(f"item {item.id}: {text}")


def check_response(item: Item, response: object) -> Any:
    """``response`` checked against the item's layout; returns it normalised (matrix rows as int keys).

    A response of the wrong shape or naming a choice that does not exist
    raises :class:`InputError` with one line saying what is allowed.
    """
    kind = item.type
    if kind in ("multiple_choice", "select_n", "select_all", "highlight_text", "highlight_table"):
        chosen = scoring._indices(response, TYPE_LABELS[kind])
        size = len(item.options)
        bad = sorted(i for i in chosen if not 0 <= i < size)
        if bad:
            raise _fail(item, f"option {bad[0]} does not exist; the options are numbered 0 to {size - 1}")
        if kind == "multiple_choice" and len(chosen) > 1:
            raise _fail(item, "choose one option only")
        if kind == "select_n" and len(chosen) > (item.limit or size):
            raise _fail(item, f"choose at most {item.limit} options; {len(chosen)} are chosen")
        return sorted(chosen)
    if kind in ("matrix_single", "matrix_multiple"):
        rows = scoring._rows(scoring._int_keys(response), TYPE_LABELS[kind])
        out: dict[int, Any] = {}
        for row, value in rows.items():
            if not 0 <= row < len(item.options):
                raise _fail(item, f"row {row} does not exist; the rows are numbered 0 to {len(item.options) - 1}")
            if kind == "matrix_single":
                if value is not None:
                    _column_ok(item, value)
                out[row] = value
            else:
                columns = sorted(scoring._indices(value, TYPE_LABELS[kind]))
                for column in columns:
                    _column_ok(item, column)
                out[row] = columns
        return out
    blanks = scoring._blanks(item.answer, response, TYPE_LABELS[kind])
    sizes = _blank_sizes(item)
    for number, (value, size) in enumerate(zip(blanks, sizes), start=1):
        if value is not None and not 0 <= value < size:
            raise _fail(item, f"choice {number} names option {value}; it has options 0 to {size - 1}")
    if item.shared_tokens:
        placed = [v for v in blanks if v is not None]
        if len(set(placed)) != len(placed):
            raise _fail(item, "a word or phrase can fill one blank only; choose a different one for each blank")
    if kind == "bowtie":
        start = 0
        for label, count in zip(item.group_labels, item.zones):
            zone = [v for v in blanks[start:start + count] if v is not None]
            if len(set(zone)) != len(zone):
                raise _fail(item, f"'{label}' holds the same option twice; choose {count} different ones")
            start += count
    return blanks


def _column_ok(item: Item, column: Any) -> None:
    if isinstance(column, bool) or not isinstance(column, int) or not 0 <= column < len(item.columns):
        raise _fail(item, f"column {column!r} does not exist; the columns are numbered 0 to {len(item.columns) - 1}")


def _blank_sizes(item: Item) -> list[int]:
    if item.type == "bowtie":
        return [len(group) for group, count in zip(item.groups, item.zones) for _ in range(count)]
    return [len(group) for group in item.groups]


def item_score(item: Item, response: object) -> tuple[int, int]:
    """``(points, max_points)`` for ``response`` by the item type's NCSBN rule (:mod:`helpers.scoring`)."""
    return scoring.score_response(item.type, item.answer, check_response(item, response), limit=item.limit,
                                  zones=item.zones)


def full_credit(item: Item) -> int:
    """The item's maximum points: what its own key scores."""
    return item_score(item, item.answer)[1]


def path_credit(case: Case, path: Sequence[str]) -> list[int]:
    """The points each item on ``path`` can still earn on that path, in order.

    An item's full credit, except at a decision point: there only the options
    that lead down ``path`` are possible, so the item can earn at most what the
    best of them scores (nothing, on a path reached by a wrong choice).
    """
    credit = []
    for node_id, following in zip(path, (*path[1:], None)):
        node = case.node(node_id)
        if not node.item:
            continue
        item = case.items[node.item]
        chosen = [b.options for b in node.branches if b.next == following]
        if chosen:
            credit.append(max(item_score(item, [option])[0] for option in chosen[0]))
        else:
            credit.append(full_credit(item))
    return credit


def zone_slots(item: Item) -> list[tuple[int, int]]:
    """For a bowtie: (zone index, slot within the zone) of each place in a response, in response order."""
    return [(zone, slot) for zone, count in enumerate(item.zones or ()) for slot in range(count)]


# -- the debrief --------------------------------------------------------------------

def debrief_rows(case: Case, path: Sequence[str], responses: Mapping[str, object]) -> list[dict[str, Any]]:
    """One row per item asked on ``path``: the function behind it, its type and rule, the points earned.

    ``responses`` maps item ids to the student's responses (an item not
    answered scores 0).
    """
    rows = []
    for item in path_items(case, path):
        points, most = item_score(item, responses.get(item.id))
        rows.append({"item": item, "function": item.function_label, "asks": FUNCTION_QUESTIONS[item.function],
                     "type": item.type_label, "rule": item.rule, "points": points, "max_points": most})
    return rows


def path_labels(case: Case, path: Sequence[str], responses: Mapping[str, object]) -> list[str]:
    """The name of each branch taken along ``path`` (empty for a straight case)."""
    labels = []
    for node_id, following in zip(path, path[1:]):
        node = case.node(node_id)
        for branch in node.branches:
            if branch.next == following:
                labels.append(branch.label)
    return labels
