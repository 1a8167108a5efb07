"""The reviewer's view of the claims register: every claim once, and every place it appears.

:func:`places` finds each reference (``{{id}}`` in data text, ``<!-- claim:id -->`` in notebook
markdown) and names the place as a reader meets it (notebook and section, table and row, quiz
question, flashcard, LMS export).  :func:`document` writes ``docs/claims.md`` (``make claims``), which
an independent review reads instead of hunting for copies.

:func:`fingerprints` ties each checked row (a claim, a cited number in ``side_effect_evidence``) to the
date it was checked: ``data/claims_checked.json`` holds, per row, the date and a fingerprint of what was
checked.  A row whose content changes without a new ``checked_on`` date fails a test, so a changed
number or wording cannot reach students unchecked.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from helpers.claims import MARKER, PLACEHOLDER, Reference, references_in

__all__ = ["CHECKED_TABLES", "places", "fingerprint", "fingerprints", "stale_rows", "document"]

ROOT = Path(__file__).resolve().parents[2]
#: Tables whose every row carries a ``checked_on`` date tied to its content by the lock file.
CHECKED_TABLES = ("claims", "side_effect_evidence")
LOCK_FILE = "claims_checked.json"
#: Tables whose rows become flashcards (tools/flashcards.py), so a reference there also reaches a card.
_ON_FLASHCARDS = {"glossary": "its glossary flashcard", "side_effects": "its side-effect flashcards",
                  "emergency_signs": "its red-flag flashcard", "teaching_points": "red-flag flashcards (red_flags rows)"}
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)


def _key_of(resource: dict, row: dict) -> str:
    key = resource.get("schema", {}).get("primaryKey") or ["id"]
    key = [key] if isinstance(key, str) else key
    return "/".join(row.get(k, "?") for k in key)


def _json_refs(value: object, path: tuple = ()):
    if isinstance(value, str):
        for ref in references_in(value):
            yield path, ref
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_refs(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _json_refs(item, (*path, key))


def places(root: Path | None = None) -> dict[str, list[str]]:
    """Reference key (``"mscc_neuro_escalation"``, ``"tier:immediately"``) -> where it appears, in reading order."""
    root = Path(root or ROOT)
    data_dir = root / "data"
    found: dict[str, list[str]] = defaultdict(list)

    def add(ref: Reference, where: str) -> None:
        if where not in found[ref.key]:
            found[ref.key].append(where)

    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource["name"] == "claims":
            continue  # a claim's references to vocabulary are listed below, as "claim <id>"
        with open(data_dir / resource["path"], encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for field, text in row.items():
                    for ref in references_in(text or ""):
                        where = f"table {resource['name']}, row {_key_of(resource, row)} ({field})"
                        if resource["name"] in _ON_FLASHCARDS:
                            where += f"; also {_ON_FLASHCARDS[resource['name']]}"
                        add(ref, where)
    for folder, label in (("quizzes", "knowledge check"), ("instructor", "instructor notes"),
                          ("judgment", "clinical-judgment case")):
        directory = data_dir / folder
        for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
            if "schema" in path.name:
                continue
            content = json.loads(path.read_text(encoding="utf-8"))
            for where, ref in _json_refs(content):
                item = where[1] if len(where) > 1 and where[0] == "questions" else None
                if folder == "quizzes" and item is not None:
                    qid = content["questions"][item].get("id", item)
                    text = f"{label} {path.stem}, question {qid}; also its LMS export (QTI, Moodle XML)"
                else:
                    text = f"{label} {path.stem}, {'/'.join(str(p) for p in where)}"
                add(ref, text)
    for path in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        section = "(top)"
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "markdown":
                continue
            source = "".join(cell.get("source", ""))
            headings = _HEADING.findall(source)
            for match in MARKER.finditer(source):
                found_ref = PLACEHOLDER.fullmatch("{{" + match.group(1) + "}}")
                if found_ref:
                    before = _HEADING.findall(source[:match.start()])
                    here = before[-1][1] if before else section
                    add(references_in("{{" + match.group(1) + "}}")[0], f"notebook {path.stem}, section '{here}'")
            if headings:
                section = headings[-1][1]
    claims_path = data_dir / "claims.csv"
    with open(claims_path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for ref in references_in(row["text"]):
                add(ref, f"claim {row['id']}")
    return dict(found)


def fingerprint(row: dict) -> str:
    """A short hash of what was checked in a row: every field except ``checked_on`` and ``note``."""
    content = json.dumps({k: v for k, v in sorted(row.items()) if k not in ("checked_on", "note")},
                         ensure_ascii=False)
    return hashlib.sha1(content.encode("utf-8")).hexdigest()[:12]


def _rows(data_dir: Path, table: str) -> list[dict]:
    with open(data_dir / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def fingerprints(root: Path | None = None) -> dict[str, dict[str, dict[str, str]]]:
    """table -> row id -> {"checked_on", "fingerprint"} for the current data."""
    data_dir = Path(root or ROOT) / "data"
    return {table: {row["id"]: {"checked_on": row["checked_on"], "fingerprint": fingerprint(row)}
                    for row in _rows(data_dir, table)} for table in CHECKED_TABLES}


def read_lock(root: Path | None = None) -> dict:
    path = Path(root or ROOT) / "data" / LOCK_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def stale_rows(root: Path | None = None) -> list[str]:
    """One line per row changed since it was checked without a new ``checked_on`` (empty when all are current)."""
    lock = read_lock(root)
    out = []
    for table, rows in fingerprints(root).items():
        for row_id, now in rows.items():
            then = lock.get(table, {}).get(row_id)
            if then is None:
                out.append(f"data/{table}.csv: row {row_id!r} is new: run 'make claims' to record its check")
            elif then["fingerprint"] != now["fingerprint"] and then["checked_on"] >= now["checked_on"]:
                out.append(f"data/{table}.csv: row {row_id!r} changed since it was checked on {then['checked_on']}: "
                           "check it against its source, set checked_on to the date you did, then run 'make claims'"
                           + (f" (re-checked again on that day: make claims RECHECKED=\"{row_id}\")"
                              if then["checked_on"] == now["checked_on"] else ""))
            elif then["fingerprint"] != now["fingerprint"] or then["checked_on"] != now["checked_on"]:
                out.append(f"data/{table}.csv: row {row_id!r} was re-checked on {now['checked_on']}: "
                           "run 'make claims' to record it")
    return out


def _rechecked_problems(named: Iterable[str], lock: dict, current: dict, today: str) -> list[str]:
    """Why a name given as re-checked does not qualify (empty when every name does).

    A name qualifies only as a row of a checked table that changed since it was recorded and whose
    ``checked_on`` is ``today``: naming it is the act of the person who re-checked that change against
    the source.  Anything else (an unknown id, an unchanged or new row, an older date) is refused, so a
    list of every id, or a name left over from an earlier day, records nothing.
    """
    problems = []
    for name in sorted(set(named)):
        found = [(table, rows[name]) for table, rows in current.items() if name in rows]
        if not found:
            problems.append(f"--rechecked {name!r}: no row of that id in "
                            + " or ".join(f"data/{t}.csv" for t in CHECKED_TABLES))
        for table, now in found:
            then = lock.get(table, {}).get(name)
            if then is None or then["fingerprint"] == now["fingerprint"]:
                problems.append(f"--rechecked {name!r}: data/{table}.csv has no change to record for it; "
                                "name only the rows you changed again and re-checked today")
            elif now["checked_on"] != today:
                problems.append(f"--rechecked {name!r}: its checked_on is {now['checked_on']}, not today "
                                f"({today}); set the date you re-checked it")
    return problems


def update_lock(root: Path | None = None, rechecked: Iterable[str] = (), today: str | None = None) -> list[str]:
    """Record the current rows in the lock file, refusing rows changed without a new date; returns refusals.

    ``rechecked`` names rows checked again today although their ``checked_on`` already says today (a second
    change on the day of the first check), given by hand by the person who re-checked them
    (``make claims RECHECKED="id ..."``); nothing passes it for them.  Each name must be a changed row
    whose ``checked_on`` is ``today`` (ISO date, default the system date); if any name is not, the names
    are refused and none is recorded.  Without its name such a row is refused like any row changed
    without a new date.
    """
    import datetime

    root = Path(root or ROOT)
    today = today or datetime.date.today().isoformat()
    lock = read_lock(root)
    current = fingerprints(root)
    refused = _rechecked_problems(rechecked, lock, current, today)
    again = set() if refused else set(rechecked)
    new_lock: dict = {}
    for table, rows in current.items():
        new_lock[table] = {}
        for row_id, now in rows.items():
            then = lock.get(table, {}).get(row_id)
            if row_id in again:
                new_lock[table][row_id] = now
            elif then and then["fingerprint"] != now["fingerprint"] and then["checked_on"] >= now["checked_on"]:
                refused.append(f"data/{table}.csv: row {row_id!r} changed but its checked_on is still "
                               f"{now['checked_on']}: check it against its source and give the date you did"
                               + (f" (changed again on its check day: once re-checked, make claims "
                                  f"RECHECKED=\"{row_id}\")" if now["checked_on"] == today else ""))
                new_lock[table][row_id] = then
            else:
                new_lock[table][row_id] = now
    (root / "data" / LOCK_FILE).write_text(json.dumps(new_lock, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return refused


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def document(root: Path | None = None) -> str:
    """``docs/claims.md``: every claim once, with its wording, context, sources, locator, date and places."""
    import sys

    root = Path(root or ROOT)
    sys.path.insert(0, str(root / "src"))
    from helpers import claims, data

    register = claims.register()
    sources = data.load("sources").set_index("id")
    tiers = data.load("escalation_tiers").sort_values("rank")
    strengths = data.load("recommendation_strengths")
    where = places(root)
    lines = [
        "# Claims register: every clinical claim once, and where it appears",
        "",
        "Generated by `make claims` from `data/claims.csv`, `data/escalation_tiers.csv`,",
        "`data/recommendation_strengths.csv` and the references to them; do not edit by hand (a test fails when",
        "it is stale). Each claim is written once; every place listed shows its wording, rendered from the",
        "register, so a correction made here reaches all of them. Cited numbers of side effects are in",
        "`data/side_effect_evidence.csv` (see `data/README.md`), dated like the claims.",
        "",
        f"{len(register)} claims, {len(tiers)} escalation tiers, {len(strengths)} recommendation strengths.",
        "",
        "## Escalation tiers",
        "",
        "| Tier | Wording | Meaning | Sources | Used in |",
        "|---|---|---|---|---|",
    ]
    for row in tiers.itertuples():
        used = where.get(f"tier:{row.id}", [])
        lines.append(f"| `{row.id}` | {_md(row.wording)} | {_md(row.meaning)} | {_md(row.source_ids)} | "
                     f"{len(used)} place(s) |")
    lines += ["", "## Recommendation strengths", "", "| Strength | Guideline | Wording | Meaning | Used in |",
              "|---|---|---|---|---|"]
    for row in strengths.itertuples():
        used = where.get(f"strength:{row.id}", [])
        lines.append(f"| `{row.id}` | {_md(row.guideline_family)} | {_md(row.wording)} | {_md(row.meaning)} | "
                     f"{len(used)} place(s) |")
    lines += ["", "## Claims", ""]
    for kind in claims.KINDS:
        part = register[register["kind"].astype(str) == kind]
        if part.empty:
            continue
        lines += [f"### {kind.capitalize()} ({len(part)})", ""]
        for row in part.sort_values("id").itertuples():
            cited = "; ".join(f"{sid} ({sources.loc[sid, 'citation'][:80]}{'…' if len(sources.loc[sid, 'citation']) > 80 else ''})"
                              for sid in row.source_ids.split(";"))
            lines += [f"#### `{row.id}`", "",
                      f"- **Wording:** {_md(row.wording)}",
                      f"- **Holds for:** {_md(row.context)}",
                      f"- **Sources:** {_md(cited)}",
                      f"- **Where in the source:** {_md(row.locator)}",
                      f"- **Checked on:** {row.checked_on}"]
            if row.note:
                lines.append(f"- **Reviewer's note:** {_md(row.note)}")
            used = where.get(row.id, [])
            lines.append(f"- **Appears in ({len(used)}):**" + ("" if used else " nowhere yet"))
            lines += [f"  - {_md(p)}" for p in used]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
