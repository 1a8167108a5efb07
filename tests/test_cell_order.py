"""Whatever cell a student runs first works (issue 22, item 2).

Every lesson cell takes the course tool it uses from ``this_copy``
(``from this_copy import surgery``), so Shift + Enter on any cell, before the
set-up cell or after a kernel restart, shows the same output as Run All,
never a NameError traceback.

* Statically: every name a code cell reads is imported in that cell (or is a
  Python builtin), so no cell depends on another having run.
* Live: each lesson runs in a fresh kernel with its cells in REVERSE order and
  the set-up cell left out; every cell must run without an error and show
  what the built notebook stores for it.  The reference list is the one
  output that depends on order by design (the sources shown SO FAR): run
  first it lists fewer sources, each of them one the built list has.
"""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PLOTLY = "application/vnd.plotly.v1+json"
# Figure HTML ids end in a per-kernel counter: the only part that depends on order.
_FIG_ID = re.compile(r"spine-fig-([0-9a-f]{10})-\d+")
_REF_ID = re.compile(r'<li id="ref-([^"]+)"')


def code_cells(path: Path) -> list:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def unbound_names(source: str) -> set[str]:
    """Names the cell reads that the cell itself does not bind (nor Python's builtins)."""
    tree = ast.parse(source)
    bound = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)} - bound


def test_unbound_names_sees_a_cell_that_needs_the_set_up_cell():
    # the check itself: the old form of a lesson cell fails it, the new one passes
    assert unbound_names("surgery.aims_chart()") == {"surgery"}
    assert unbound_names("from this_copy import surgery\nsurgery.aims_chart()") == set()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_cell_imports_what_it_uses(path):
    for index, cell in enumerate(code_cells(path)):
        missing = unbound_names(cell.source)
        assert not missing, f"{path.name}: code cell {index} uses {sorted(missing)} without importing them"
        if index:  # lesson cells take their tools from this copy, like the set-up cell
            assert "from this_copy import" in cell.source.splitlines()[0], f"{path.name}: code cell {index}"


def comparable(output: dict) -> object:
    """What a student sees of an output: its chart, else its HTML, else its text."""
    data = output.get("data", {})
    if PLOTLY in data:
        return data[PLOTLY]
    if "text/html" in data:
        text = data["text/html"]
        return _FIG_ID.sub(r"spine-fig-\1", "".join(text) if isinstance(text, list) else text)
    return output.get("text") or data.get("text/plain")


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_cells_run_backwards_without_the_set_up_cell(path):
    from nbclient import NotebookClient

    stored = code_cells(path)[1:]  # every lesson cell, the set-up cell left out
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.source) for c in reversed(stored)])
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}, store_widget_state=False).execute()
    for fresh, built in zip(nb.cells, reversed(stored)):
        name = built.source.splitlines()[-1]
        errors = [o for o in fresh.outputs if o.output_type == "error" or o.get("name") == "stderr"]
        assert not errors, f"{path.name}: {name!r} run early: " + (
            f"{errors[0].get('ename')}: {errors[0].get('evalue')}" if errors[0].output_type == "error"
            else errors[0].get("text", "")[:300])
        if "references_for" in name:
            shown, listed = (_REF_ID.findall(str(comparable(c.outputs[0]))) for c in (fresh, built))
            assert shown and set(shown) <= set(listed), f"{path.name}: references run first: {shown}"
            continue
        assert [comparable(o) for o in fresh.outputs] == [comparable(o) for o in built.outputs], (
            f"{path.name}: {name!r} run before the set-up cell shows something else"
        )
