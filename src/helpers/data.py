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
    "REGISTER_TABLES", "data_dir", "data_fingerprint", "names", "load", "text_fields", "clear_cache", "cached_join",
    "read_checked_json",
    "modality_overview", "scenario_plan", "side_effects_with_care", "side_effect_matrix",
    "cite", "sources_in", "superseded_without_reason",
]

#: Environment variable that points :func:`load` at another data folder.
DATA_DIR_ENV = "SPINE_DATA_DIR"

#: The order in which the lessons present the five modalities and the supportive bone-modifying drugs.
TEACHING_ORDER = ("surgery", "chemotherapy", "radiation_therapy", "interventional_radiology", "targeted_therapy",
                  "bone_modifying_agents")  # the five treatments, then the supportive bone-modifying drugs

#: Fields loaded as ordered categoricals (lowest first, as listed in the schema).
ORDINAL_FIELDS = frozenset({"invasiveness_level", "onset_phase", "evidence_strength", "stage", "urgency"})

#: Readable labels for ``scenario_modalities.role``.
ROLE_LABELS = {
    "curative_or_local_control": "Cure or local control",
    "systemic_control": "Controls the cancer throughout the body",
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
    return _resolve_json(content, shown, ())


def _resolve_json(value: object, shown: str, path: tuple) -> object:
    """Every string in a JSON value with its claim placeholders replaced (see :mod:`helpers.claims`)."""
    if isinstance(value, str):
        if "{{" not in value:
            return value
        from helpers.claims import resolve

        return resolve(value, lambda: f"{shown}: {'/'.join(str(p) for p in path) or 'top level'}")
    if isinstance(value, list):
        return [_resolve_json(v, shown, (*path, i)) for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {k: _resolve_json(v, shown, (*path, k)) for k, v in value.items()}
        if isinstance(value.get("source_ids"), str):  # an item that shows a claim cites the claim's sources too
            from helpers.claims import references_in, sources_of

            refs = [ref for text in _strings(value) for ref in references_in(text)]
            own = value["source_ids"]
            extra = [s for s in sources_of(refs) if s not in own.split(";")] if refs else []
            if extra:
                out["source_ids"] = ";".join([own, *extra]) if own else ";".join(extra)
        return out
    return value


def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _is_web_link(text: str) -> bool:
    from helpers.tables import is_web_link  # the one link rule (tables writes the links)

    return is_web_link(text)


def clear_cache() -> None:
    """Forget every parsed table (after editing files or changing ``SPINE_DATA_DIR``)."""
    _package.cache_clear()
    _load.cache_clear()
    _load_resolved.cache_clear()
    _checked_load.cache_clear()
    _snapshots.clear()
    _fingerprints.clear()
    _JOINS.clear()
    import sys

    if "helpers.claims" in sys.modules:
        sys.modules["helpers.claims"].clear_cache()
    if "helpers.replay" in sys.modules:
        sys.modules["helpers.replay"].clear()


def load(name: str) -> pd.DataFrame:
    """One validated, typed table from ``data/`` as a new DataFrame.

    ``name`` is a resource name from :func:`names` (for example
    ``"side_effects"``). The frame's columns and types follow the schema in
    ``datapackage.json``; see ``data/README.md`` for each column and its units.
    Raises :class:`DataError` (one line) for an unknown name, a missing file or
    any row that breaks the schema. The result is a copy: changing it does not
    change what the next call returns.
    """
    return _load_resolved(str(data_dir()), name).copy()


#: The tables that are the claims register and its vocabularies: their text is canonical wording, never a
#: reference to it (``helpers.claims``).  Every other table's free text may hold ``{{claim_id}}`` placeholders.
REGISTER_TABLES = frozenset({"sources", "claims", "escalation_tiers", "recommendation_strengths",
                             "side_effect_evidence"})


def text_fields(name: str) -> list[str]:
    """The free-text fields of a table: strings that are not keys, ids, enums or ``source_ids``."""
    resource = _resource(_package(str(data_dir())), name)
    return _text_fields(resource)


def _text_fields(resource: dict) -> list[str]:
    schema = resource.get("schema") or {}
    keys = set(_as_list(schema.get("primaryKey")))
    keys.update(n for fk in schema.get("foreignKeys", []) for n in _as_list(fk["fields"]))
    return [f["name"] for f in schema.get("fields", [])
            if f.get("type", "string") == "string" and not (f.get("constraints") or {}).get("enum")
            and f["name"] not in keys and f["name"] != "source_ids" and not f["name"].endswith("_id")
            and f.get("format") != "uri"]


@cache
def _load_resolved(folder: str, name: str) -> pd.DataFrame:
    """:func:`_load` with the claim placeholders in its free text replaced by the claims' wording."""
    frame = _load(folder, name)
    if name in REGISTER_TABLES:
        return frame
    resource = _resource(_package(folder), name)
    fields = [f for f in _text_fields(resource) if frame[f].str.contains("{{", regex=False).any()]
    if not fields:
        return frame
    from helpers.claims import resolve

    label = Path(folder) / resource["path"]
    frame = frame.copy()
    if "source_ids" in frame.columns:  # a row that shows a claim cites the claim's sources too
        from helpers.claims import references_in, sources_of

        cited = []
        for row in frame[fields + ["source_ids"]].itertuples(index=False):
            own = str(row[-1])
            refs = [ref for text in row[:-1] for ref in references_in(str(text))]
            extra = [s for s in sources_of(refs, folder) if s not in own.split(";")] if refs else []
            cited.append(";".join([own] + extra) if extra and own else ";".join(extra) or own)
        frame["source_ids"] = pd.array(cited, dtype="str")
    for field in fields:
        frame[field] = pd.array(
            [resolve(text, lambda n=number: f"{label}: row {n} (line {n + 1} of the file), field '{field}'", folder)
             for number, text in enumerate(frame[field].tolist(), start=1)], dtype="str")
    return frame


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
        _check_source_ids(table, folder, columns["source_ids"], record=name in _RECORD_TABLES)
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


#: Tables that record what was read on a date (a review's sources stay as they were, superseded or not).
_RECORD_TABLES = frozenset({"review_log"})


def _check_source_ids(table: _Table, folder: str, values: list[object], *, record: bool = False) -> None:
    sources = _load(folder, "sources")
    known = set(sources["id"])
    unexplained = superseded_without_reason(sources)
    for number, text in enumerate(values, start=1):
        if text is None:
            continue
        for item in str(text).split(";"):
            if item not in known:
                hint = difflib.get_close_matches(item, sorted(known), n=1)
                did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise table.error(number, "source_ids",
                                  f"source id {item!r} is not in sources.csv{did_you_mean}; allowed: an id from sources.csv")
            if item in unexplained and not record:
                raise table.error(number, "source_ids",
                                  f"source {item!r} is superseded by {unexplained[item]!r}: cite the newer source, or "
                                  f"say in sources.csv (kept_because of {item!r}) why the older text is kept")


def superseded_without_reason(sources: pd.DataFrame) -> dict[str, str]:
    """Superseded sources whose ``kept_because`` is empty (id -> the source that replaces it).

    Such a source stays in ``sources.csv`` as the record of what replaced it, but nothing may cite it: a
    table row, a claim or a quiz item that cites it fails (``helpers.data`` for tables, the register's
    tests for the JSON files).
    """
    return {str(i): str(s) for i, s, k in zip(sources["id"], sources["superseded_by"], sources["kept_because"])
            if s and not k}


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


def _check_claims(table: _Table, folder: str, columns: dict[str, list[object]]) -> None:
    """claims: an escalation names its tier and shows it, a recommendation its strength; every reference resolves.

    The wording of an escalation claim must contain ``{{tier:<its tier>}}`` and that of a recommendation
    ``{{strength:<its strength>}}``, so the controlled word is rendered from its vocabulary, never typed;
    other kinds leave both blank.  A claim may refer to vocabulary but not to another claim.
    """
    from helpers.claims import PLACEHOLDER, _resolve_text

    for number, (kind, text, tier, strength) in enumerate(
            zip(columns["kind"], columns["text"], columns["tier"], columns["strength"]), start=1):
        for field, value, wanted, vocabulary in (("tier", tier, "escalation", "tier"),
                                                  ("strength", strength, "recommendation", "strength")):
            if kind == wanted and value is None:
                raise table.error(number, field, f"a claim of kind {wanted!r} names its {field}; "
                                                 f"allowed: an id from the {vocabulary} vocabulary")
            if kind != wanted and value is not None:
                raise table.error(number, field, f"only a claim of kind {wanted!r} has a {field}; leave it blank")
            if value is not None and "{{" + f"{vocabulary}:{value}" + "}}" not in text:
                raise table.error(number, "text", f"the wording must show its {field} as {{{{{vocabulary}:{value}}}}} "
                                                  "instead of typing it")
        if any(m.group(1) is None for m in PLACEHOLDER.finditer(text)):
            raise table.error(number, "text", "a claim's wording may not refer to another claim; allowed: "
                                              "{{tier:id}}, {{strength:id}}, {{band:id}}, {{freq:id}}, {{evidence:id}}, {{outcome:id}}")
        try:
            _resolve_text(folder, text, inside_claim=True)
        except DataError as error:
            raise table.error(number, "text", str(error)) from None


def _check_sources(table: _Table, folder: str, columns: dict[str, list[object]]) -> None:
    """sources: a reason to keep a source belongs to a superseded one; a drug label names its drug.

    A superseded source with no ``kept_because`` is a record only: whatever cites it fails
    (:func:`_check_source_ids`), so the reason is asked for where the older text is used.
    """
    for number, (superseded, kept, kind, drug) in enumerate(
            zip(columns["superseded_by"], columns["kept_because"], columns["type"], columns["drug"]), start=1):
        if superseded is None and kept is not None:
            raise table.error(number, "kept_because", "only a superseded source says why it is kept; "
                                                      "name what replaces it in superseded_by, or leave this blank")
        if kind == "drug_label" and drug is None:
            raise table.error(number, "drug", "a drug label names the drug it is about (generic name)")


#: Checks that need more than one cell or table, run after the generic ones.
_TABLE_CHECKS = {"side_effect_evidence": _check_incidence_evidence, "claims": _check_claims,
                 "sources": _check_sources}


# --------------------------------------------------------------------------
# Validated snapshot: every table checked once per change of the data folder
# --------------------------------------------------------------------------
#
# Checking the tables is the same work in every kernel while the data folder
# is unchanged.  The first kernel that loads from a folder hashes all of its
# files (every file, so a table, schema or claims file added later counts),
# the helpers' code and the library versions; on a miss it checks every table
# with the loader above and, only if all pass, stores them (each table
# pickled) in the cache folder of :mod:`helpers.cache`.  The next kernels
# unpickle just the tables they use.  A folder with a broken table gets no
# snapshot, so each table is then checked as it is loaded, with the same
# one-line errors as before.  :func:`clear_cache` forgets which snapshot a
# folder has.

_SNAPSHOTS_KEPT = 8
_snapshots: dict[str, dict[str, bytes] | None] = {}
_checked_load = _load  # the loader above: reads and checks one table


_fingerprints: dict[str, str] = {}


def data_fingerprint(folder: str) -> str:
    """A hash of every file of the data folder (:func:`helpers.cache.tree_fingerprint`), once per folder.

    Worked out once per process, like the tables themselves: what a kernel
    shows comes from the files as they were when it first loaded them, until
    :func:`clear_cache`.
    """
    if folder not in _fingerprints:
        from helpers.cache import tree_fingerprint

        _fingerprints[folder] = tree_fingerprint(folder)
    return _fingerprints[folder]


def _snapshot_key(folder: str) -> str:
    import hashlib
    import sys

    import numpy as np

    from helpers.cache import code_fingerprint

    digest = hashlib.sha1(f"{code_fingerprint()} pandas {pd.__version__} numpy {np.__version__} "
                          f"pickle {sys.version_info[:2]}".encode())
    digest.update(data_fingerprint(folder).encode())
    return digest.hexdigest()


def _snapshot(folder: str) -> dict[str, bytes] | None:
    """Each table of ``folder`` pickled, all checked; ``None`` when there is none (a broken table, no cache)."""
    if folder in _snapshots:
        return _snapshots[folder]
    import os
    import pickle

    from helpers import cache

    _snapshots[folder] = tables = None  # while checking, tables referred to are checked directly
    store = cache.cache_dir("data")
    try:
        key = _snapshot_key(folder) if store is not None else None
    except OSError:
        key = None
    if key is not None:
        path = store / f"{key}.pickle"
        tables = cache.read_pickle(path)
        if isinstance(tables, dict):
            try:
                os.utime(path)  # most recently used: kept when older snapshots are pruned
            except OSError:
                pass
        else:
            try:
                tables = {name: pickle.dumps(_checked_load(folder, name), protocol=pickle.HIGHEST_PROTOCOL)
                          for name in _names_in(folder)}
            except Exception:  # a broken table: no snapshot; each load reports its own error
                tables = None
            else:
                cache.write_pickle(path, tables)
                cache.prune(store, "*.pickle", _SNAPSHOTS_KEPT)
    _snapshots[folder] = tables
    return tables


def _names_in(folder: str) -> list[str]:
    """Names of the tables in the data package at ``folder``."""
    return [r["name"] for r in _package(folder)["resources"]]


@cache
def _load(folder: str, name: str) -> pd.DataFrame:  # noqa: F811 - the snapshot in front of the checked loader
    tables = _snapshot(folder)
    if tables is not None and name in tables:
        import pickle

        return pickle.loads(tables[name])
    return _checked_load(folder, name)  # unknown names and folders without a snapshot: the usual checks and errors


_JSON_CHECKS_KEPT = 200
_checked_json = read_checked_json  # the reader above: parses and checks one JSON file


def read_checked_json(path: Path, schema_path: Path, shown: str) -> object:  # noqa: F811 - cached in front
    """A JSON file checked against a JSON Schema (see the reader above), checked once per change.

    Importing jsonschema alone cost every lesson with a quiz about 0.15 s.  When
    the file, its schema and the helpers' code are byte for byte those of an
    earlier successful check, the file is only parsed; anything else goes to
    the full check, with its errors.
    """
    import hashlib

    from helpers import cache

    store = cache.cache_dir("json-checked")
    try:
        content, schema = Path(path).read_bytes(), Path(schema_path).read_bytes()
        text = content.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        store = None
    if store is None:
        return _checked_json(path, schema_path, shown)
    key = hashlib.sha1(b"\0".join([cache.code_fingerprint().encode(), shown.encode(), schema, content])).hexdigest()
    marker = store / key
    if marker.exists():
        try:
            # checked before: parse, then replace the claim placeholders (the claims may have changed since)
            return _resolve_json(json.loads(text), shown, ())
        except json.JSONDecodeError:
            pass  # cannot happen for checked bytes; the full check reports it
    checked = _checked_json(path, schema_path, shown)
    try:
        marker.touch()
    except OSError:
        pass
    cache.prune(store, "*", _JSON_CHECKS_KEPT)
    return checked


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

    Columns: ``modality_id``, ``name``, ``purpose`` (``anti_cancer`` or
    ``supportive_care``), ``short_description``, ``goals``
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
            "purpose": m["purpose"],
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


@cached_join
def side_effect_matrix() -> pd.DataFrame:
    """Counts of side effects per modality (rows) and body system (columns).

    Index: ``modality_id`` in :data:`TEACHING_ORDER` (the supportive
    bone-modifying drugs are their own row, not part of targeted therapy);
    columns: every ``body_system`` category in schema order (zeros included);
    values: int counts of the rows of side_effects.csv. Ready for a heat map;
    use ``.stack()`` for long form.
    """
    effects = load("side_effects")
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
