"""NCSBN's scoring rules for clinical-judgment items, as pure functions.

The Next Generation NCLEX (NGN, since April 2023) scores its item types with
three rules, published by the National Council of State Boards of Nursing
(NCSBN, "Next Generation NCLEX: NGN item types and scoring rules", and the
NCLEX candidate help centre article "How is the NGN scored?"):

* **0/1** (one point per correct response unit, nothing taken off):
  multiple choice (one point), select N (a point per keyed option chosen),
  matrix with one choice per row (a point per row), drop-down cloze and
  drop-down table (a point per drop-down), drag-and-drop cloze (a point per
  target), bowtie (a point per element: the condition, each action, each
  parameter to monitor);
* **+/−** (plus one for each keyed option chosen, minus one for each other
  option chosen; the item never scores below zero): select all that apply
  (extended multiple response), matrix with several choices per row, and
  highlighting in a text or a table.  In a matrix each column is its own
  "select all that apply" over the rows: its tally is floored at zero, then
  the columns are added (so a wrong tick in one column cannot take away a
  point earned in another).  NCSBN's public pages say only that the item
  never scores below zero; the per-column floor is how the platforms built
  for NCLEX-style items score it (Learnosity's "Choice matrix – NCLEX
  scoring", ``nclexScoringByColumn``; ExamSoft's "How plus/minus scoring is
  calculated for matrix questions"), and every test below spells it out;
* **rationale** (pairs of information): a dyad ("X because of Y") earns its
  one point only when both parts are right; a triad ("X because of Y and Z")
  earns one point for each correct pair, X with Y and X with Z (0 to 2).

The collection uses these rules everywhere a question is scored: the live
widgets, the printed answer keys and every export (the knowledge checks'
"choose all that apply" questions follow the +/− rule, the rule students
meet on the licensing exam).

Responses have the shape of the item's ``answer``:

* choice and highlight items: a list of option indices (the order does not
  matter);
* matrices: a dict from row index to a column index (one choice per row) or
  to a list of column indices (several per row);
* drop-downs, drag-and-drop targets, rationale parts and bowtie elements: a
  list with one chosen index per blank, ``None`` where nothing was chosen.

Every function returns ``(points, max_points)``.  A response of the wrong
shape raises :class:`helpers.errors.InputError` with one line saying what
was expected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from helpers.errors import InputError

__all__ = [
    "RULES", "RULE_TEXT", "rule_of", "score_response",
    "zero_one_single", "zero_one_choices", "zero_one_blanks", "zero_one_rows", "plus_minus", "plus_minus_rows",
    "rationale", "bowtie",
]

#: The scoring rule of each item type.
RULES = {
    "multiple_choice": "0/1",
    "select_n": "0/1",
    "select_all": "+/-",
    "matrix_single": "0/1",
    "matrix_multiple": "+/-",
    "dropdown_cloze": "0/1",
    "dropdown_table": "0/1",
    "drag_drop_cloze": "0/1",
    "dropdown_rationale": "rationale",
    "drag_drop_rationale": "rationale",
    "bowtie": "0/1",
    "highlight_text": "+/-",
    "highlight_table": "+/-",
}

#: One sentence per rule, for answer keys, instructor guides and export descriptions.
RULE_TEXT = {
    "0/1": "0/1 scoring: one point for each correct response, nothing taken off for a wrong one.",
    "+/-": ("+/− scoring: plus one point for each correct option chosen, minus one for each incorrect option "
            "chosen; the item never scores below zero."),
    "rationale": ("Rationale scoring: a pair (\"X because of Y\") earns its point only when both parts are right; "
                  "with two reasons, each correct pair earns a point."),
}


def rule_of(item_type: str) -> str:
    """The NCSBN rule (``"0/1"``, ``"+/-"`` or ``"rationale"``) for an item type."""
    try:
        return RULES[item_type]
    except KeyError:
        raise InputError(f"unknown item type {item_type!r}; known types: {', '.join(RULES)}") from None


def _indices(response: object, what: str) -> set[int]:
    if response is None:
        return set()
    if isinstance(response, (str, bytes, Mapping)) or not isinstance(response, Sequence | set | frozenset):
        raise InputError(f"{what}: the response is a list of option numbers, not {type(response).__name__}")
    chosen = set()
    for value in response:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"{what}: every chosen option is an option number (0, 1, 2, ...), not {value!r}")
        chosen.add(value)
    return chosen


def zero_one_single(answer: int, response: object) -> tuple[int, int]:
    """Multiple choice: one point when the one option chosen is the key.

    ``response`` is a list holding the chosen option (or empty); choosing
    more than one option earns nothing.
    """
    chosen = _indices(response, "multiple choice")
    return (1 if chosen == {answer} else 0), 1


def zero_one_choices(answer: Sequence[int], response: object, limit: int | None = None) -> tuple[int, int]:
    """Select N: one point for each keyed option chosen, nothing taken off.

    ``limit`` is N, the number of options the student is asked to choose; a
    response with more than N options is refused (the exam does not let a
    candidate choose more), so ticking everything cannot collect the points.
    """
    chosen = _indices(response, "select N")
    limit = len(answer) if limit is None else limit
    if len(chosen) > limit:
        raise InputError(f"select N: choose at most {limit} options; {len(chosen)} were chosen")
    keys = set(answer)
    return len(chosen & keys), len(keys)


def plus_minus(answer: Sequence[int], response: object) -> tuple[int, int]:
    """Select all that apply and highlighting: +1 per keyed option chosen, −1 per other option chosen, floor 0."""
    chosen = _indices(response, "select all that apply")
    keys = set(answer)
    return max(0, len(chosen & keys) - len(chosen - keys)), len(keys)


def _blanks(answer: Sequence[object], response: object, what: str) -> list[object]:
    if response is None:
        return [None] * len(answer)
    if isinstance(response, (str, bytes, Mapping)) or not isinstance(response, Sequence):
        raise InputError(f"{what}: the response is a list with one choice per blank, not {type(response).__name__}")
    if len(response) != len(answer):
        raise InputError(f"{what}: the response has {len(response)} choices but the item has {len(answer)} blanks")
    for value in response:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InputError(f"{what}: each blank holds an option number or nothing (None), not {value!r}")
    return list(response)


def zero_one_blanks(answer: Sequence[int], response: object) -> tuple[int, int]:
    """Drop-down cloze or table, drag-and-drop cloze: one point per blank filled with its key."""
    chosen = _blanks(answer, response, "drop-down or drag-and-drop")
    return sum(1 for key, value in zip(answer, chosen) if value == key), len(answer)


def _rows(response: object, what: str) -> dict[int, object]:
    if response is None:
        return {}
    if not isinstance(response, Mapping):
        raise InputError(f"{what}: the response is a mapping from row number to the chosen column(s)")
    rows = {}
    for row, value in response.items():
        if isinstance(row, bool) or not isinstance(row, int):
            raise InputError(f"{what}: rows are numbered 0, 1, 2, ...; {row!r} is not a row number")
        rows[row] = value
    return rows


def zero_one_rows(answer: Mapping[int, int], response: object) -> tuple[int, int]:
    """Matrix with one choice per row: one point per row answered with its key."""
    rows = _rows(response, "matrix (one choice per row)")
    for value in rows.values():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InputError(f"matrix (one choice per row): each row holds one column number, not {value!r}")
    return sum(1 for row, key in answer.items() if rows.get(row) == key), len(answer)


def plus_minus_rows(answer: Mapping[int, Sequence[int]], response: object) -> tuple[int, int]:
    """Matrix with several choices per row: +/− within each column, each column floored at 0, columns added.

    A cell is (row, column).  For each column: +1 per keyed cell chosen in it,
    −1 per other cell chosen in it, never below 0; the item's points are the
    sum over the columns, its maximum the number of keyed cells.
    """
    rows = _rows(response, "matrix (several choices per row)")
    keyed = {(row, column) for row, columns in answer.items() for column in columns}
    chosen = set()
    for row, value in rows.items():
        chosen.update((row, column) for column in _indices(value, "matrix (several choices per row)"))
    tally: dict[int, int] = {}
    for row, column in chosen:
        tally[column] = tally.get(column, 0) + (1 if (row, column) in keyed else -1)
    return sum(max(0, points) for points in tally.values()), len(keyed)


def rationale(answer: Sequence[int], response: object) -> tuple[int, int]:
    """Drop-down or drag-and-drop rationale.

    A dyad (two parts) earns one point only when both parts are right.  A
    triad (three parts: X because of Y and Z) earns one point for X with Y and
    one for X with Z, each only when both members of the pair are right.
    """
    if len(answer) not in (2, 3):
        raise InputError("rationale: an item has two parts (a dyad) or three (a triad)")
    chosen = _blanks(answer, response, "rationale")
    right = [value == key for key, value in zip(answer, chosen)]
    if len(answer) == 2:
        return (1 if all(right) else 0), 1
    return int(right[0] and right[1]) + int(right[0] and right[2]), 2


def bowtie(answer: Sequence[int], response: object, zones: Sequence[int] = (1, 2, 2)) -> tuple[int, int]:
    """Bowtie: one point per element right, nothing taken off.

    ``answer`` and ``response`` list the elements zone by zone: by default the
    condition (1), the actions to take (2) and the parameters to monitor (2),
    each an index into that zone's own options.  Within a zone the order does
    not matter and an option counts once.
    """
    if sum(zones) != len(answer):
        raise InputError(f"bowtie: the zones hold {sum(zones)} elements but the key has {len(answer)}")
    chosen = _blanks(answer, response, "bowtie")
    points = start = 0
    for size in zones:
        keys = set(answer[start:start + size])
        picked = {v for v in chosen[start:start + size] if v is not None}
        points += len(picked & keys)
        start += size
    return points, len(answer)


def score_response(item_type: str, answer: object, response: object, *, limit: int | None = None,
                   zones: Sequence[int] | None = None) -> tuple[int, int]:
    """Score ``response`` against ``answer`` by the NCSBN rule of ``item_type``: ``(points, max_points)``.

    ``limit`` is N for ``select_n``; ``zones`` the sizes of a bowtie's zones.
    """
    rule_of(item_type)
    if item_type == "multiple_choice":
        key = answer[0] if isinstance(answer, Sequence) and not isinstance(answer, str) else answer
        return zero_one_single(key, response)
    if item_type == "select_n":
        return zero_one_choices(answer, response, limit)
    if item_type in ("select_all", "highlight_text", "highlight_table"):
        return plus_minus(answer, response)
    if item_type == "matrix_single":
        return zero_one_rows(_int_keys(answer), _int_keys(response))
    if item_type == "matrix_multiple":
        return plus_minus_rows(_int_keys(answer), _int_keys(response))
    if item_type in ("dropdown_cloze", "dropdown_table", "drag_drop_cloze"):
        return zero_one_blanks(answer, response)
    if item_type in ("dropdown_rationale", "drag_drop_rationale"):
        return rationale(answer, response)
    return bowtie(answer, response, zones or (1, 2, 2))


def _int_keys(mapping: object) -> object:
    """Rows keyed by ``"0"`` (as JSON stores them) or by ``0`` both become ``0``."""
    if isinstance(mapping, Mapping):
        out = {}
        for key, value in mapping.items():
            if isinstance(key, str) and key.isdigit():
                key = int(key)
            out[key] = value
        return out
    return mapping
