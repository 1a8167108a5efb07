"""Load and join the clinical tables in ``data/``.

Every table is a CSV file described by ``data/datapackage.json`` (a
Frictionless Data Package, v1 style). :func:`load` reads one table, checks it
against its schema and returns a typed :class:`pandas.DataFrame`:

* ``integer`` fields become ``Int64`` (blank cells are ``<NA>``), ``number``
  fields ``float64`` (blank is ``NaN``), ``boolean`` fields ``bool`` and
  plain text fields pandas ``str`` (a blank cell stays ``""``, so tables
  display cleanly: test with ``df.subtype_id == ""``);
* fields with an ``enum`` become :class:`pandas.Categorical` with the
  categories in schema order; the ordinal fields in :data:`ORDINAL_FIELDS`
  are *ordered* categoricals (so ``df.onset_phase >= "acute"`` works), using
  the order in which the schema lists them, lowest first;
  ``invasiveness_level`` is an ordered categorical of the integers 0-4.
  Key fields (primary and foreign keys) stay text.

Checks made on every load (each failure raises :class:`DataError` with one
line naming the file, the row, the field, the bad value and what is allowed):
the header matches the schema, required cells are filled, values parse as
their type, enum, minimum, maximum and pattern constraints, unique primary
keys, foreign keys, and every ``source_ids`` item exists in ``sources.csv``.
Rows are counted as a spreadsheet user counts them: row 1 is the first data
row, on line 2 of the file (line 1 is the header).

The data folder is ``data/`` at the project root, or the folder named by the
environment variable ``SPINE_DATA_DIR``. Parsed tables are cached; call
:func:`clear_cache` after changing files or the variable.

Frictionless itself is used only by the tests (it is slow to import).
"""

from __future__ import annotations

import csv
import difflib
import json
import math
import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pandas as pd

from helpers.errors import DataError

__all__ = [
    "DATA_DIR_ENV", "TEACHING_ORDER", "ORDINAL_FIELDS", "ROLE_LABELS",
    "data_dir", "names", "load", "clear_cache", "cached_join", "read_checked_json",
    "modality_overview", "scenario_plan", "side_effects_with_care", "side_effect_matrix", "anticancer_side_effects",
    "cite", "sources_in",
]

#: Environment variable that points :func:`load` at another data folder.
DATA_DIR_ENV = "SPINE_DATA_DIR"

#: The order in which the lessons present the five modalities.
TEACHING_ORDER = ("surgery", "chemotherapy", "radiation_therapy", "interventional_radiology", "targeted_therapy")

#: Fields loaded as ordered categoricals (lowest first, as listed in the schema).
ORDINAL_FIELDS = frozenset({"invasiveness_level", "onset_phase", "evidence_strength", "stage", "urgency"})

#: Readable labels for ``scenario_modalities.role``.
ROLE_LABELS = {
    "curative_or_local_control": "Cure or local control",
    "adjuvant": "Adjuvant (after the main treatment)",
    "palliative": "Palliative (symptom relief)",
    "stabilising": "Stabilising the spine",
    "supportive": "Supportive: protects the bone, not an anti-cancer drug",
    "diagnostic": "Diagnostic",
}

_PACKAGE_FILE = "datapackage.json"
_LIST_LIMIT = 12  # longer lists of allowed values are summarised, to keep messages to one readable line


# --------------------------------------------------------------------------
# Locating and describing the data
# --------------------------------------------------------------------------

def data_dir() -> Path:
    """The folder holding ``datapackage.json`` and the CSV files."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parents[2] / "data"


@cache
def _package(folder: str) -> dict:
    path = Path(folder) / _PACKAGE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"Data package description not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"Cannot read {path}: {exc}") from None
    try:
        package = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise DataError(f"{path} has no 'resources' list")
    return package


def names() -> list[str]:
    """Names of the tables that :func:`load` accepts, in package order."""
    return [r["name"] for r in _package(str(data_dir()))["resources"]]


_JOINS: dict[tuple, pd.DataFrame] = {}


def cached_join(function):
    """Cache a join's result per data folder and arguments; hand out copies.

    Explorers call the joins on every value change, and each join costs tens
    of milliseconds of pandas work; the tables do not change during a session.
    """
    import functools

    @functools.wraps(function)
    def wrapper(*args):
        key = (function.__name__, str(data_dir()), *args)
        if key not in _JOINS:
            _JOINS[key] = function(*args)
        return _JOINS[key].copy()

    return wrapper


def _jsonschema():
    """Import jsonschema without its optional ``rfc3987_syntax`` format checker.

    At import, jsonschema builds rfc3987-syntax's IRI grammar when it is
    installed (JupyterLab brings it): about 1.5 s per kernel on two cores,
    paid by every lesson with a quiz.  The schemas here check no ``format``
    (and the validator is given no format checker), so nothing is lost.
    """
    import sys

    if "jsonschema" in sys.modules:
        return sys.modules["jsonschema"]
    hidden = "rfc3987_syntax" not in sys.modules
    if hidden:
        sys.modules["rfc3987_syntax"] = None  # makes "import rfc3987_syntax" fail, which jsonschema allows
    try:
        import jsonschema
    finally:
        if hidden:
            del sys.modules["rfc3987_syntax"]
    return jsonschema


def read_checked_json(path: Path, schema_path: Path, shown: str) -> object:
    """A JSON file checked against a JSON Schema (draft 2020-12).

    ``shown`` is how the file is named in messages (e.g. ``data/quizzes/x.json``).
    Invalid JSON or the first schema violation raises :class:`DataError` in
    one line naming the file and the place.  Used for the quizzes and the
    instructor notes.
    """
    jsonschema = _jsonschema()

    try:
        content = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataError(f"{shown}: not valid JSON (line {error.lineno}: {error.msg})") from None
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(content),
                    key=lambda e: list(e.absolute_path))
    if errors:
        place = "/".join(str(p) for p in errors[0].absolute_path) or "top level"
        raise DataError(f"{shown}: {place}: {errors[0].message}")
    return content


def _is_web_link(text: str) -> bool:
    from helpers.tables import is_web_link  # the one link rule (tables writes the links)

    return is_web_link(text)


def clear_cache() -> None:
    """Forget every parsed table (after editing files or changing ``SPINE_DATA_DIR``)."""
    _package.cache_clear()
    _load.cache_clear()
    _JOINS.clear()


def load(name: str) -> pd.DataFrame:
    """One validated, typed table from ``data/`` as a new DataFrame.

    ``name`` is a resource name from :func:`names` (for example
    ``"side_effects"``). The frame's columns and types follow the schema in
    ``datapackage.json``; see ``data/README.md`` for each column and its units.
    Raises :class:`DataError` (one line) for an unknown name, a missing file or
    any row that breaks the schema. The result is a copy: changing it does not
    change what the next call returns.
    """
    return _load(str(data_dir()), name).copy()


# --------------------------------------------------------------------------
# Reading and checking one table
# --------------------------------------------------------------------------

def _allowed(values: Iterable[object], where: str = "") -> str:
    values = [str(v) for v in values]
    if len(values) <= _LIST_LIMIT:
        return ", ".join(values)
    shown = ", ".join(values[:5])
    return f"one of the {len(values)} values in {where} (for example {shown})" if where else f"{shown}, ..."


def _short(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _resource(package: dict, name: str) -> dict:
    for r in package["resources"]:
        if r.get("name") == name:
            return r
    valid = [r.get("name") for r in package["resources"]]
    hint = difflib.get_close_matches(str(name), valid, n=1)
    did_you_mean = f" Did you mean {hint[0]!r}?" if hint else ""
    raise DataError(f"Unknown table {name!r}.{did_you_mean} Valid names: {', '.join(valid)}.")


class _Table:
    """Raw rows of one CSV file plus the helpers that report on them."""

    def __init__(self, path: Path, fields: list[dict]) -> None:
        self.path = path
        self.label = str(path)
        self.fields = fields
        self.rows = self._read()

    def error(self, row: int, field: str, problem: str) -> DataError:
        return DataError(f"{self.label}: row {row} (line {row + 1} of the file), field '{field}': {problem}")

    def _read(self) -> list[list[str]]:
        if not self.path.is_file():
            raise DataError(f"Data file not found: {self.path}")
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as fh:  # tolerate a spreadsheet BOM
                reader = csv.reader(fh, strict=True)
                lines = list(reader)
                physical_lines = reader.line_num
        except UnicodeDecodeError as exc:
            raise DataError(f"{self.label}: not valid UTF-8 text (byte {exc.start}): save it as UTF-8") from None
        except csv.Error as exc:
            raise DataError(f"{self.label}: not a well-formed CSV file ({exc})") from None
        if not lines:
            raise DataError(f"{self.label}: the file is empty; expected a header line")
        if physical_lines != len(lines):
            raise DataError(f"{self.label}: a quoted value spans several lines; keep every row on one line")
        expected = [f["name"] for f in self.fields]
        header = lines[0]
        if header != expected:
            missing = [n for n in expected if n not in header]
            extra = [n for n in header if n not in expected]
            parts = []
            if missing:
                parts.append(f"missing column(s) {', '.join(missing)}")
            if extra:
                parts.append(f"unexpected column(s) {', '.join(extra)}")
            if not parts:
                parts.append("columns are in the wrong order")
            raise DataError(f"{self.label}: header (line 1) does not match the schema: {'; '.join(parts)}. "
                            f"Expected columns: {', '.join(expected)}")
        rows = lines[1:]
        for number, cells in enumerate(rows, start=1):
            if len(cells) != len(expected):
                raise DataError(f"{self.label}: row {number} (line {number + 1} of the file) has {len(cells)} values "
                                f"but the header has {len(expected)} columns")
        return rows


def _parse(table: _Table, field: dict, row: int, text: str) -> object:
    """Parse one cell, checking its constraints; ``None`` for a blank cell."""
    name, kind = field["name"], field.get("type", "string")
    constraints = field.get("constraints") or {}
    if text != text.strip():
        raise table.error(row, name, f"value {_short(text)} has spaces at the start or end; remove them")
    if text == "":
        if constraints.get("required"):
            raise table.error(row, name, "value is empty but this field is required")
        return None
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise table.error(row, name, f"value {_short(text)} is not a whole number")
        value: object = int(text)
    elif kind == "number":
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise table.error(row, name, f"value {_short(text)} is not a number")
    elif kind == "boolean":
        trues, falses = field.get("trueValues", ["true"]), field.get("falseValues", ["false"])
        if text not in (*trues, *falses):
            raise table.error(row, name, f"value {_short(text)} is not allowed; allowed: {', '.join([*trues, *falses])}")
        value = text in trues
    else:
        value = text
    enum = constraints.get("enum")
    if enum is not None and value not in enum:
        raise table.error(row, name, f"value {_short(text)} is not allowed; allowed: {_allowed(enum)}")
    if "minimum" in constraints and value < constraints["minimum"]:
        raise table.error(row, name, f"value {_short(text)} is below the minimum {constraints['minimum']}")
    if "maximum" in constraints and value > constraints["maximum"]:
        raise table.error(row, name, f"value {_short(text)} is above the maximum {constraints['maximum']}")
    if field.get("format") == "uri" and not _is_web_link(text):
        # Only web links: a javascript:, data: or file: "link" would run or leak in the reader's browser.
        raise table.error(row, name, f"value {_short(text)} is not a web link; allowed: an https:// or http:// URL "
                                     "(a DOI as https://doi.org/...)")
    pattern = constraints.get("pattern")
    if pattern and not re.fullmatch(pattern, text):
        hint = "semicolon-separated ids with no spaces" if name == "source_ids" else "lower-case letters, digits and _ only"
        raise table.error(row, name, f"value {_short(text)} has the wrong form; allowed: {hint}")
    return value


def _column(field: dict, values: list[object], is_key: bool) -> pd.Series | pd.Categorical:
    """Convert parsed values to the pandas dtype described in the module docstring."""
    name, kind = field["name"], field.get("type", "string")
    constraints = field.get("constraints") or {}
    ordered = name in ORDINAL_FIELDS
    if constraints.get("enum") is not None and not is_key:
        return pd.Categorical(values, categories=list(constraints["enum"]), ordered=ordered)
    if kind == "integer" and ordered and "minimum" in constraints and "maximum" in constraints:
        levels = list(range(constraints["minimum"], constraints["maximum"] + 1))
        return pd.Categorical(values, categories=levels, ordered=True)
    if kind == "integer":
        return pd.array(values, dtype="Int64")
    if kind == "number":
        return pd.array([math.nan if v is None else v for v in values], dtype="float64")
    if kind == "boolean":
        return pd.array(values, dtype="bool" if None not in values else "boolean")
    return pd.array(["" if v is None else v for v in values], dtype="str")


@cache
def _load(folder: str, name: str) -> pd.DataFrame:
    package = _package(folder)
    resource = _resource(package, name)
    schema = resource.get("schema")
    if not isinstance(schema, dict) or not schema.get("fields"):
        raise DataError(f"{Path(folder) / _PACKAGE_FILE}: table {name!r} has no schema fields")
    fields = schema["fields"]
    table = _Table(Path(folder) / resource["path"], fields)

    columns: dict[str, list[object]] = {f["name"]: [] for f in fields}
    for number, cells in enumerate(table.rows, start=1):
        for field, text in zip(fields, cells):
            columns[field["name"]].append(_parse(table, field, number, text))

    _check_primary_key(table, schema, columns)
    _check_foreign_keys(table, folder, name, schema, columns)
    if name != "sources" and "source_ids" in columns:
        _check_source_ids(table, folder, columns["source_ids"])
    if name in _TABLE_CHECKS:
        _TABLE_CHECKS[name](table, folder, columns)

    keys = set(_as_list(schema.get("primaryKey")))
    keys.update(n for fk in schema.get("foreignKeys", []) for n in _as_list(fk["fields"]))
    frame = pd.DataFrame({f["name"]: _column(f, columns[f["name"]], f["name"] in keys) for f in fields})
    return frame


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _check_primary_key(table: _Table, schema: dict, columns: dict[str, list[object]]) -> None:
    key = _as_list(schema.get("primaryKey"))
    if not key:
        return
    seen: dict[tuple, int] = {}
    for number, values in enumerate(zip(*(columns[k] for k in key)), start=1):
        if values in seen:
            shown = ", ".join(str(v) for v in values)
            raise table.error(number, "+".join(key),
                              f"value {shown!r} repeats row {seen[values]}; the primary key must be unique")
        seen[values] = number


def _check_foreign_keys(table: _Table, folder: str, name: str, schema: dict,
                        columns: dict[str, list[object]]) -> None:
    for fk in schema.get("foreignKeys", []):
        local = _as_list(fk["fields"])
        target = fk["reference"].get("resource") or name
        remote = _as_list(fk["reference"]["fields"])
        if target == name:
            allowed = set(zip(*(columns[r] for r in remote)))
        else:
            ref = _load(folder, target)
            allowed = set(zip(*(ref[r].astype(object).tolist() for r in remote)))
        for number, values in enumerate(zip(*(columns[k] for k in local)), start=1):
            if any(v is None for v in values) or values in allowed:
                continue
            shown = ", ".join(str(v) for v in values)
            choices = sorted(str(v[0]) if len(v) == 1 else str(v) for v in allowed)
            target_file = _resource(_package(folder), target)["path"]
            raise table.error(number, "+".join(local),
                              f"value {shown!r} is not an id in {target_file}; allowed: {_allowed(choices, target_file)}")


def _check_source_ids(table: _Table, folder: str, values: list[object]) -> None:
    known = set(_load(folder, "sources")["id"])
    for number, text in enumerate(values, start=1):
        if text is None:
            continue
        for item in str(text).split(";"):
            if item not in known:
                hint = difflib.get_close_matches(item, sorted(known), n=1)
                did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise table.error(number, "source_ids",
                                  f"source id {item!r} is not in sources.csv{did_you_mean}; allowed: an id from sources.csv")


def _check_incidence_evidence(table: _Table, folder: str, columns: dict[str, list[object]]) -> None:
    """side_effect_evidence: a usable number on every row, and status and evidence agree.

    Each row gives at least one bound, low is not above high, and its side
    effect is marked ``quantified``; each ``quantified`` side effect has at
    least one evidence row (a ``not_quantified`` one has none).
    """
    lows, highs = columns["incidence_low_pct"], columns["incidence_high_pct"]
    for number, (low, high) in enumerate(zip(lows, highs), start=1):
        if low is None and high is None:
            raise table.error(number, "incidence_low_pct",
                              "both incidence_low_pct and incidence_high_pct are empty; give a number, a range, "
                              "or one open bound (percent, 0-100)")
        if low is not None and high is not None and low > high:
            raise table.error(number, "incidence_low_pct",
                              f"value {low:g} is above incidence_high_pct {high:g}; the low end must not exceed the high end")
    effects = _load(folder, "side_effects")
    status = dict(zip(effects["id"], effects["incidence_status"].astype(str)))
    for number, effect in enumerate(columns["side_effect_id"], start=1):
        if status.get(effect) != "quantified":
            raise table.error(number, "side_effect_id",
                              f"side effect {effect!r} is marked {status.get(effect)!r} in side_effects.csv; "
                              "evidence rows are allowed only for incidence_status 'quantified'")
    with_evidence = set(columns["side_effect_id"])
    effects_path = _resource(_package(folder), "side_effects")["path"]
    for number, (effect, state) in enumerate(status.items(), start=1):
        if state == "quantified" and effect not in with_evidence:
            raise DataError(f"{Path(folder) / effects_path}: row {number} (line {number + 1} of the file), "
                            f"field 'incidence_status': {effect!r} is 'quantified' but has no row in "
                            f"{table.path.name}; add its cited numbers there or mark it 'not_quantified'")


#: Checks that need more than one cell or table, run after the generic ones.
_TABLE_CHECKS = {"side_effect_evidence": _check_incidence_evidence}


# --------------------------------------------------------------------------
# Joins the notebooks use
# --------------------------------------------------------------------------

def _check_choice(value: object, valid: Iterable[str], what: str) -> None:
    valid = list(valid)
    if value not in valid:
        raise DataError(f"Unknown {what} {value!r}. Valid {what}s: {', '.join(valid)}.")


@cached_join
def modality_overview() -> pd.DataFrame:
    """One row per modality, in :data:`TEACHING_ORDER`.

    Columns: ``modality_id``, ``name``, ``short_description``, ``goals``
    (comma-separated goal labels, in goals.csv order), ``invasiveness_level``
    (int, 0-4), ``invasiveness_label``, ``delivery``, ``main_side_effects``
    (comma-separated names of up to 5 effects: those of the whole modality
    first, then sub-type or spinal-level ones, each in the order of
    side_effects.csv: many rows have no cited incidence, so the list is not
    ranked by frequency),
    ``n_side_effects`` (int, all rows for the modality), ``source_ids``.
    """
    modalities = load("modalities").set_index("id")
    goals = load("goals")
    links = load("modality_goals")
    levels = load("invasiveness_levels").set_index("id")["label"]
    effects = load("side_effects")
    effects["_order"] = range(len(effects))
    effects["_whole"] = (effects["subtype_id"] == "") & (effects["spinal_level_id"] == "")

    rows = []
    for mid in TEACHING_ORDER:
        m = modalities.loc[mid]
        linked = set(links.loc[links["modality_id"] == mid, "goal_id"])
        own = effects[effects["modality_id"] == mid].sort_values(
            ["_whole", "_order"], ascending=[False, True])
        level = int(m["invasiveness_level"])
        rows.append({
            "modality_id": mid,
            "name": m["name"],
            "short_description": m["short_description"],
            "goals": ", ".join(goals.loc[goals["id"].isin(linked), "label"]),
            "invasiveness_level": level,
            "invasiveness_label": levels.loc[level],
            "delivery": m["delivery"],
            "main_side_effects": ", ".join(own["effect"].head(5)),
            "n_side_effects": len(own),
            "source_ids": m["source_ids"],
        })
    frame = pd.DataFrame(rows)
    frame["n_side_effects"] = frame["n_side_effects"].astype("int64")
    frame["invasiveness_level"] = frame["invasiveness_level"].astype("int64")
    return frame


@cached_join
def scenario_plan(scenario_id: str) -> pd.DataFrame:
    """The modalities considered for one synthetic scenario, in sequence order.

    Columns: ``sequence`` (int), ``modality_id``, ``name`` (modality name),
    ``subtype_id`` and ``subtype_name`` (``""`` when the whole modality is
    meant), ``role`` (readable label from :data:`ROLE_LABELS`), ``role_id``,
    ``decision`` (``usual`` or ``conditional``), ``rationale``,
    ``invasiveness_level`` (int 0-4: the sub-type's level when one is given,
    else the modality's), ``source_ids``.
    Raises :class:`DataError` listing the valid ids for an unknown scenario.
    """
    scenarios = load("scenarios")
    _check_choice(scenario_id, scenarios["id"], "scenario id")
    plan = load("scenario_modalities")
    plan = plan[plan["scenario_id"] == scenario_id].sort_values("sequence")
    modalities = load("modalities").set_index("id")
    subtypes = load("modality_subtypes").set_index("id")

    rows = []
    for _, p in plan.iterrows():
        has_subtype = p["subtype_id"] != ""
        level = subtypes.loc[p["subtype_id"], "invasiveness_level"] if has_subtype \
            else modalities.loc[p["modality_id"], "invasiveness_level"]
        rows.append({
            "sequence": int(p["sequence"]),
            "modality_id": p["modality_id"],
            "name": modalities.loc[p["modality_id"], "name"],
            "subtype_id": p["subtype_id"] if has_subtype else "",
            "subtype_name": subtypes.loc[p["subtype_id"], "name"] if has_subtype else "",
            "role": ROLE_LABELS[p["role"]],
            "role_id": p["role"],
            "decision": p["decision"],
            "rationale": p["rationale"],
            "invasiveness_level": int(level),
            "source_ids": p["source_ids"],
        })
    return pd.DataFrame(rows).reset_index(drop=True)


def side_effects_with_care(modality_id: str | None = None) -> pd.DataFrame:
    """Side effects (all columns of ``side_effects``) plus linked supportive care.

    Added columns: ``modality_name``; ``supportive_care`` (comma-separated names
    of the linked supportive care, in supportive_care.csv order, or ``""``);
    ``n_supportive_care`` (int). ``modality_id`` limits the rows to one
    modality; an unknown id raises :class:`DataError` listing the valid ids.
    Rows keep the order of side_effects.csv.
    """
    effects = load("side_effects")
    if modality_id is not None:
        _check_choice(modality_id, TEACHING_ORDER, "modality id")
        effects = effects[effects["modality_id"] == modality_id]
    care = load("supportive_care")
    links = load("supportive_care_side_effects")
    order = {cid: i for i, cid in enumerate(care["id"])}
    care_names = dict(zip(care["id"], care["name"]))
    by_effect: dict[str, list[str]] = {}
    for cid, eid in sorted(zip(links["supportive_care_id"], links["side_effect_id"]), key=lambda t: order[t[0]]):
        by_effect.setdefault(eid, []).append(care_names[cid])
    modality_names = dict(zip(load("modalities")["id"], load("modalities")["name"]))

    out = effects.reset_index(drop=True)
    out.insert(2, "modality_name", pd.array([modality_names[m] for m in out["modality_id"]], dtype="str"))
    out["supportive_care"] = pd.array([", ".join(by_effect.get(e, [])) for e in out["id"]], dtype="str")
    out["n_supportive_care"] = [len(by_effect.get(e, [])) for e in out["id"]]
    out["n_supportive_care"] = out["n_supportive_care"].astype("int64")
    return out


#: Category of the bone-modifying drugs (denosumab, zoledronic acid) in modality_subtypes.csv:
#: supportive care listed under targeted therapy, not anti-cancer treatment.
BONE_MODIFYING = "supportive_bone_targeted"


def anticancer_side_effects() -> pd.DataFrame:
    """Rows of side_effects.csv that belong to anti-cancer treatment.

    The bone-modifying drugs are sub-types of targeted therapy in the data but
    are supportive care; their own rows are left out, so counts per treatment
    do not credit targeted therapy with their effects.
    """
    effects = load("side_effects")
    subtypes = load("modality_subtypes")
    bone = set(subtypes.loc[subtypes["category"].astype(str) == BONE_MODIFYING, "id"].astype(str))
    return effects[~effects["subtype_id"].astype(str).isin(bone)]


@cached_join
def side_effect_matrix() -> pd.DataFrame:
    """Counts of side effects per modality (rows) and body system (columns).

    Index: ``modality_id`` in :data:`TEACHING_ORDER`; columns: every
    ``body_system`` category in schema order (zeros included); values: int
    counts of the anti-cancer rows of side_effects.csv
    (:func:`anticancer_side_effects`: the bone-modifying drugs' own rows are
    not counted under targeted therapy). Ready for a heat map; use
    ``.stack()`` for long form.
    """
    effects = anticancer_side_effects()
    systems = list(load("side_effects")["body_system"].cat.categories)
    counts = pd.crosstab(effects["modality_id"], effects["body_system"], dropna=False)
    counts = counts.reindex(index=list(TEACHING_ORDER), columns=systems, fill_value=0).astype("int64")
    counts.index.name = "modality_id"
    counts.columns = pd.Index(systems, name="body_system")
    return counts


def cite(source_ids: str | Iterable[str]) -> list[str]:
    """Formatted references for source ids, for reference lists.

    ``source_ids`` is a ``"a;b"`` string (as in the ``source_ids`` columns) or
    an iterable of such strings. Returns one string per distinct id, in first-
    seen order: the full citation followed by the URL when there is one.
    Raises :class:`DataError` for an unknown id.
    """
    items = [source_ids] if isinstance(source_ids, str) else list(source_ids)
    ids: list[str] = []
    for item in items:
        for part in str(item).split(";"):
            part = part.strip()
            if part and part not in ids:
                ids.append(part)
    sources = load("sources").set_index("id")
    out = []
    for sid in ids:
        if sid not in sources.index:
            hint = difflib.get_close_matches(sid, list(sources.index), n=1)
            did_you_mean = f" Did you mean {hint[0]!r}?" if hint else ""
            raise DataError(f"Unknown source id {sid!r}.{did_you_mean} Valid ids are the 'id' column of data/sources.csv.")
        citation, url = sources.loc[sid, "citation"], sources.loc[sid, "url"]
        out.append(f"{citation} {url}" if url else citation)
    return out


def sources_in(frame: pd.DataFrame) -> list[str]:
    """Distinct source ids used in a frame's ``source_ids`` column, in first-seen order."""
    if "source_ids" not in frame.columns:
        raise DataError("This table has no 'source_ids' column.")
    ids: list[str] = []
    for value in frame["source_ids"].dropna():
        for part in str(value).split(";"):
            if part and part not in ids:
                ids.append(part)
    return ids
