"""Rewrite the table index at the top of data/README.md from datapackage.json.

    python tools/data_index.py          # rewrite the index in place
    python tools/data_index.py --check  # exit 1 if it is stale (used by a test)

The index lists every resource with its row count and description, so it
cannot drift from the package when a lesson adds a table.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "data" / "README.md"
START, END = "<!-- tables:start -->", "<!-- tables:end -->"


def index_markdown() -> str:
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    lines = ["| Table | Rows | What it holds |", "|---|---|---|"]
    for resource in package["resources"]:
        with open(ROOT / "data" / resource["path"], encoding="utf-8", newline="") as handle:
            rows = sum(1 for _ in csv.DictReader(handle))
        description = " ".join(str(resource.get("description", "")).split())
        lines.append(f"| [`{resource['name']}`](#{resource['name']}) | {rows} | {description} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"data/README.md has no {START} ... {END} block", file=sys.stderr)
        return 2
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    new = f"{head}{START}\n{index_markdown()}\n{END}{tail}"
    if args.check:
        if new != text:
            print("data/README.md table index is stale: run python tools/data_index.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
