"""A git merge driver for the data tables: merges row by row (by primary key), not line by line.

Two people adding different claims next to each other in ``data/claims.csv`` (kept sorted by id) touch
neighbouring lines, which git's line merge reports as a conflict.  This driver matches rows by the
table's primary key (from ``data/datapackage.json``; the first column if the table is not described):

* a row changed on one side only takes that side's version; a row added on one side is kept, after the
  row that precedes it on that side; a row deleted on one side and unchanged on the other is dropped;
* a row changed differently on both sides keeps "ours" and is reported as a conflict (exit 1), with both
  versions printed, so nothing is silently lost;
* a header changed on one side (a new column) is taken from that side, and rows of the other side get the
  new column empty; headers changed on both sides are a conflict.

Set up once per clone::

    git config merge.csvrows.name "data tables, merged by primary key"
    git config merge.csvrows.driver "python3 tools/authoring/csvmerge.py %O %A %B %P"
    echo "data/*.csv merge=csvrows" >> .git/info/attributes
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    text = path.read_text(encoding="utf-8") if path.exists() and path.stat().st_size else ""
    if not text:
        return [], []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def _primary_key(name: str, header: list[str]) -> list[str]:
    package = Path(__file__).resolve().parents[2] / "data" / "datapackage.json"
    try:
        resources = json.loads(package.read_text(encoding="utf-8"))["resources"]
        key = next(r["schema"].get("primaryKey") for r in resources if r["path"] == Path(name).name)
        return [key] if isinstance(key, str) else list(key)
    except (OSError, ValueError, KeyError, StopIteration, TypeError):
        return header[:1]


def merge(base, ours, theirs, key_fields):
    """Merged (header, rows) and a list of conflict descriptions."""
    (bh, br), (oh, orows), (th, trows) = base, ours, theirs
    conflicts = []
    if oh == bh:
        header = th
    elif th == bh or th == oh:
        header = oh
    else:
        header, conflicts = oh, ["both sides changed the header"]
    key = lambda row: tuple(row.get(k, "") for k in key_fields)  # noqa: E731
    b, o, t = ({key(r): r for r in rows} for rows in (br, orows, trows))
    order = [key(r) for r in orows]
    theirs_order = [key(r) for r in trows]
    for index, k in enumerate(theirs_order):
        if k in o or k in b:
            continue
        before = next((p for p in reversed(theirs_order[:index]) if p in order), None)
        order.insert(order.index(before) + 1 if before else 0, k)
    rows = []
    for k in order:
        base_row, our_row, their_row = b.get(k), o.get(k), t.get(k)
        if our_row is None:
            rows.append(their_row)
        elif their_row is None:
            if base_row is not None and our_row == base_row:
                continue
            rows.append(our_row)
        elif our_row == their_row or their_row == base_row:
            rows.append(our_row)
        elif our_row == base_row:
            rows.append(their_row)
        else:
            fields = [f for f in header if our_row.get(f) != their_row.get(f)]
            conflicts.append(f"row {'/'.join(k)}: both sides changed {', '.join(fields)}; kept ours. "
                             f"Theirs: {json.dumps({f: their_row.get(f) for f in fields}, ensure_ascii=False)}")
            rows.append(our_row)
    return header, [{f: (r.get(f) or "") for f in header} for r in rows], conflicts


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print("usage: csvmerge.py BASE OURS THEIRS [PATH]", file=sys.stderr)
        return 2
    base, ours, theirs = (Path(a) for a in argv[:3])
    name = argv[3] if len(argv) > 3 else ours.name
    sides = [_read(p) for p in (base, ours, theirs)]
    header = sides[1][0] or sides[2][0]
    header, rows, conflicts = merge(*sides, _primary_key(name, header))
    if Path(name).name == "claims.csv":  # the register is kept sorted by id (tests/test_claims.py)
        rows.sort(key=lambda row: row.get("id", ""))
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    ours.write_text(out.getvalue(), encoding="utf-8")
    for line in conflicts:
        print(f"csvmerge {name}: {line}", file=sys.stderr)
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
