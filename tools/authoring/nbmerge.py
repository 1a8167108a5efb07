"""A git merge driver for notebooks: merges cell by cell (by cell id), not line by line.

Stored outputs differ on both sides of almost every merge (each branch rebuilt its
notebooks), so git's line merge conflicts on them even when the authors changed
different cells.  This driver merges what people write and leaves outputs to the
build:

* cells are matched by their ``id``; a cell added on one side is kept, after the
  cell that precedes it on that side; a cell deleted on one side and unchanged on
  the other is dropped;
* each cell's source is merged three ways (``git merge-file``), so edits to
  different lines of one cell both survive; overlapping edits leave conflict
  markers in that cell's source and the driver reports a conflict;
* metadata and cell type come from the side that changed them (ours when both did);
* outputs come from "ours" (or from the side that has the cell): rebuild with
  ``make notebooks FORCE=1`` after the merge; nbval fails until you do.

Set up once per clone (nothing is committed to your git configuration)::

    git config merge.nbcells.name "notebooks, merged by cell id"
    git config merge.nbcells.driver "python3 tools/authoring/nbmerge.py %O %A %B"
    echo "*.ipynb merge=nbcells" >> .git/info/attributes
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _merge_text(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    if ours == theirs or theirs == base:
        return ours, False
    if ours == base:
        return theirs, False
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(tmp) / name
            path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
            paths.append(str(path))
        result = subprocess.run(["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs", *paths],
                                capture_output=True, text=True)
    merged = result.stdout
    if not (ours.endswith("\n") or theirs.endswith("\n")):
        merged = merged[:-1] if merged.endswith("\n") else merged
    return merged, result.returncode != 0


def _pick(base: object, ours: object, theirs: object) -> object:
    return theirs if ours == base else ours


def merge(base: dict, ours: dict, theirs: dict) -> tuple[dict, list[str]]:
    """The merged notebook and the ids of cells whose sources conflicted."""
    by_id = {name: {c["id"]: c for c in nb.get("cells", []) if "id" in c}
             for name, nb in (("base", base), ("ours", ours), ("theirs", theirs))}
    order = [c["id"] for c in ours.get("cells", [])]
    theirs_order = [c["id"] for c in theirs.get("cells", [])]
    for index, cell_id in enumerate(theirs_order):
        if cell_id in order or cell_id in by_id["base"]:
            continue  # present on our side, or deleted by us
        before = next((p for p in reversed(theirs_order[:index]) if p in order), None)
        order.insert(order.index(before) + 1 if before else 0, cell_id)

    cells, conflicts = [], []
    for cell_id in order:
        b, o, t = (by_id[k].get(cell_id) for k in ("base", "ours", "theirs"))
        if o is None:  # added by theirs
            cells.append(t)
            continue
        if t is None:
            if b is not None and _source(o) == _source(b):
                continue  # deleted by theirs, untouched by us
            cells.append(o)
            continue
        b = b or {"source": "", "metadata": {}, "cell_type": o["cell_type"]}
        text, conflicted = _merge_text(_source(b), _source(o), _source(t))
        if conflicted:
            conflicts.append(cell_id)
        cell = dict(o)
        cell["source"] = _lines(text)
        cell["metadata"] = _pick(b.get("metadata"), o.get("metadata"), t.get("metadata"))
        cell["cell_type"] = _pick(b.get("cell_type"), o.get("cell_type"), t.get("cell_type"))
        if cell["cell_type"] == "code":
            cell.setdefault("outputs", t.get("outputs", []))
            cell.setdefault("execution_count", t.get("execution_count"))
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
        cells.append(cell)
    merged = dict(ours)
    merged["cells"] = cells
    return merged, conflicts


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: nbmerge.py BASE OURS THEIRS (git merge driver %O %A %B; writes OURS)", file=sys.stderr)
        return 2
    base_path, ours_path, theirs_path = (Path(a) for a in argv)
    try:
        notebooks = [json.loads(p.read_text(encoding="utf-8")) if p.stat().st_size else {"cells": []}
                     for p in (base_path, ours_path, theirs_path)]
    except (OSError, json.JSONDecodeError) as error:
        print(f"nbmerge: cannot read a notebook ({error}); falling back to a conflict", file=sys.stderr)
        return 1
    merged, conflicts = merge(*notebooks)
    ours_path.write_text(json.dumps(merged, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    if conflicts:
        print(f"nbmerge: conflicting edits in cell(s) {', '.join(conflicts)}: resolve the markers in their source",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
