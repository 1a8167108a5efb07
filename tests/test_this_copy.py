"""One commit, one truth: a notebook uses the helpers and data of the copy it sits in.

A copy of the repository (as a student's nbgitpuller clone or a Binder
checkout would be) changes one data value; a lesson notebook executed in the
copy, by a kernel whose Python has the ORIGINAL checkout's helpers installed
(and already imported), must show the copy's value.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from working_copy import ROOT, copy_checkout, replace_in

LESSON = "01_treatment_overview.ipynb"
OLD = "In an operating theatre under general anaesthesia"
MARKER = "COPY-ONLY-VALUE-7F3A"


def code(nb, cell_id: str) -> str:
    return next(c.source for c in nb.cells if c.get("id") == cell_id)


def outputs_text(cell) -> str:
    return json.dumps(cell.get("outputs", []))


@pytest.mark.notebooks
def test_a_notebook_uses_the_helpers_and_data_of_its_own_copy(tmp_path):
    copy = copy_checkout(tmp_path / "spine-cancer-treatment-notebooks")
    replace_in(copy / "data" / "modalities.csv", OLD, OLD.replace("theatre", f"theatre {MARKER}"))

    lesson = nbformat.read(copy / "notebooks" / LESSON, as_version=4)
    setup_cell = next(c.source for c in lesson.cells if c.cell_type == "code")
    assert setup_cell.startswith("import this_copy"), "the set-up cell no longer starts with 'import this_copy'"
    cells = [
        # the kernel has already imported the installed helpers (the original checkout's)
        "import helpers\nprint('BEFORE', helpers.__file__)",
        setup_cell,
        code(lesson, "c007"),  # the comparison table, which shows each modality's delivery
        "import helpers\nprint('AFTER', helpers.__file__)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells])
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(copy / "notebooks")}}).execute()

    before = outputs_text(nb.cells[0])
    assert "BEFORE" in before and str(copy) not in before, before
    assert MARKER in outputs_text(nb.cells[2]), "the table did not show the copy's data"
    after = outputs_text(nb.cells[3])
    assert json.dumps(str(copy / "src" / "helpers"))[1:-1] in after, after


def test_the_bootstrap_module_sits_next_to_the_notebooks():
    # every lesson imports it by name from the kernel's working folder (the notebook's)
    assert (ROOT / "notebooks" / "this_copy.py").is_file()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        first = next(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        assert first.splitlines()[0].startswith("import this_copy"), path.name
        assert len(first.splitlines()) <= 3, path.name
