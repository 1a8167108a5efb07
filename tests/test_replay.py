"""Lesson outputs replayed from the cache (helpers.replay) are exactly what computing them gives.

Each test runs the same cells in real kernels three ways: with caching off
(``SPINE_CACHE_DIR=off``, the reference: everything computed), with an empty
cache folder (cold: computed and stored) and again with the same folder
(warm: replayed).  The expectation is the caching-off run, never the replay
checked against itself: the outputs (bytes), the reference list (which the
builders' ``cite`` side effects make), figures a cell looks into, live
widgets that still answer their controls, and a broken data row's one-line
error.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(NOTEBOOKS))

SETUP = "import this_copy\nfrom this_copy import setup, surgery, calculator_widgets, lesson, quiz\nsetup()"
PROBE = "PROBE"  # cells whose printed text differs by design (what was imported): compared separately
LESSON_CELLS = [
    SETUP,
    "from this_copy import surgery\nsurgery.aims_chart()",
    "from this_copy import surgery\nsurgery.approach_comparison_table()",
    # replayed calls import nothing: the course module is not even loaded
    f"import sys\nprint('{PROBE}', 'helpers.surgery' in sys.modules)",
    # a figure built but not shown numbers no figure id: the next chart's id is as without the cache
    "from this_copy import surgery\nunshown = surgery.mis_evidence_chart()",
    "from this_copy import surgery\nsurgery.noms_decision_table()",
    "from this_copy import surgery\nsurgery.mis_evidence_chart()",
    # a cell that looks into a figure gets the real plotly object
    "from this_copy import surgery\nfig = surgery.aims_chart()\n"
    "print(type(fig.data[0]).__name__, len(fig.data), fig.layout.title.text)",
    "fig.update_layout(title_text='Changed by the student')\nfig",
    "from this_copy import surgery\nsurgery.situation_explorer()",
    "from this_copy import calculator_widgets\ncalculator_widgets.calculator('sins')",
    # a calculator's first title and result come from the entry, and its controls still compute
    "from this_copy import calculator_widgets\nimport hashlib\nbox = calculator_widgets.calculator('anc').widget\n"
    "print('CALC', hashlib.sha1((box.heading.value + box.note.value + box.result.value).encode()).hexdigest(), "
    "'ANC' in box.heading.value, 'segmented' in box.note.value, '2,475 cells' in box.result.value)\n"
    "before = box.result.value\nbox.controls['wbc'].value = 1000.0\nprint('CALCLIVE', box.result.value != before)",
    # a live explorer is real: its controls change what it shows
    "from this_copy import surgery\nimport hashlib, ipywidgets, json\nexplorer = surgery.situation_explorer()\n"
    "first = json.dumps(list(explorer.output.outputs)).replace(explorer.key, 'KEY')\n"
    "print('FIRST', len(explorer.output.outputs), hashlib.sha1(first.encode()).hexdigest(), explorer.message.value)\n"
    "before = explorer.output.outputs[0]['data']['text/html']\n"
    "explorer.controls['situation'].value = surgery.situation_choices()[1][1]\n"
    "print('LIVE', isinstance(explorer.widget, ipywidgets.Widget), "
    "explorer.output.outputs[0]['data']['text/html'] != before)",
    "from this_copy import quiz\nquiz.knowledge_check('02_surgery')",
    "from this_copy import lesson\nlesson.references_for('02_surgery')",
]
MODEL_ID = re.compile(r'"model_id": "[0-9a-f]+"')


@pytest.fixture
def kernel_env(monkeypatch):
    """Set an environment variable for the kernels started next."""
    return monkeypatch.setenv


def run(cells: list[str], allow_errors: bool = False) -> list:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells])
    NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return [cell.outputs for cell in nb.cells]


def _merged(cell: list) -> list:
    """A cell's outputs with consecutive text of one stream joined (the kernel sends it in pieces as it likes)."""
    merged: list = []
    for output in cell:
        if (output.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                and merged[-1]["name"] == output["name"]):
            merged[-1] = {**merged[-1], "text": merged[-1]["text"] + output["text"]}
        else:
            merged.append(dict(output))
    return merged


def comparable(outputs: list) -> list[str]:
    """Each cell's outputs as JSON, widget model ids (random in every kernel) blanked."""
    return [MODEL_ID.sub('"model_id": "?"', json.dumps(_merged(o), sort_keys=True)) for o in outputs]


def printed(outputs: list, prefix: str) -> str:
    text = "".join(o.get("text", "") for cell in outputs for o in cell if o.get("output_type") == "stream")
    return next(line for line in text.splitlines() if line.startswith(prefix))


def entries(folder: Path) -> list[Path]:
    return sorted((folder / "outputs").glob("*/*.pickle"))


@pytest.mark.notebooks
def test_replayed_lesson_outputs_are_the_computed_ones_byte_for_byte(tmp_path, kernel_env):
    kernel_env("SPINE_CACHE_DIR", "off")
    computed = run(LESSON_CELLS)
    assert not (tmp_path / "cache").exists()
    kernel_env("SPINE_CACHE_DIR", str(tmp_path / "cache"))
    cold = run(LESSON_CELLS)
    stored = entries(tmp_path / "cache")
    assert len([p for p in stored if not p.name.startswith("functions-")]) >= 8, stored
    warm = run(LESSON_CELLS)

    probe = next(i for i, cell in enumerate(LESSON_CELLS) if PROBE in cell)
    assert printed([computed[probe]], PROBE) == f"{PROBE} True"
    assert printed([warm[probe]], PROBE) == f"{PROBE} False", "the warm kernel computed instead of replaying"
    for name, outputs in (("cold", cold), ("warm", warm)):
        for index, (mine, reference) in enumerate(zip(comparable(outputs), comparable(computed))):
            if index != probe:
                assert mine == reference, f"{name} run, cell {index}: {LESSON_CELLS[index]!r}"
    # the stand-ins change nothing a reader or a test sees: these are the real objects' answers
    assert printed(warm, "Scatter") == printed(computed, "Scatter")
    assert "Changed by the student" in comparable(warm)[LESSON_CELLS.index(
        "fig.update_layout(title_text='Changed by the student')\nfig")]
    assert printed(warm, "LIVE") == "LIVE True True"
    assert printed(warm, "FIRST") == printed(computed, "FIRST")  # what the live view shows first
    assert printed(computed, "FIRST").startswith("FIRST 2 ")
    assert printed(warm, "CALC") == printed(computed, "CALC") and printed(computed, "CALC").endswith(" True True True")
    assert printed(warm, "CALCLIVE") == "CALCLIVE True"


@pytest.mark.notebooks
def test_the_reference_list_follows_the_cells_actually_run(tmp_path, kernel_env):
    # the same call after different cells is a different entry: its reference list names what those showed
    some = [SETUP, "from this_copy import calculator_widgets\ncalculator_widgets.calculator('sins')",
            "from this_copy import lesson\nlesson.references_for('02_surgery')"]
    kernel_env("SPINE_CACHE_DIR", "off")
    computed_all, computed_some = run(LESSON_CELLS)[-1], run(some)[-1]
    assert comparable([computed_all]) != comparable([computed_some]), "the test needs two different lists"
    kernel_env("SPINE_CACHE_DIR", str(tmp_path / "cache"))
    run(LESSON_CELLS)
    assert comparable([run(some)[-1]]) == comparable([computed_some])  # cold for this order
    assert comparable([run(some)[-1]]) == comparable([computed_some])  # warm
    assert comparable([run(LESSON_CELLS)[-1]]) == comparable([computed_all])


@pytest.mark.notebooks
def test_a_row_broken_after_outputs_were_stored_still_raises_its_one_line_error(tmp_path, kernel_env):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    kernel_env("SPINE_DATA_DIR", str(copy))
    kernel_env("SPINE_CACHE_DIR", str(tmp_path / "cache"))
    cells = [SETUP, "from this_copy import surgery\nsurgery.aims_chart()"]
    run(cells)
    run(cells)  # stored and replayed while the data are sound
    path = copy / "surgical_situations.csv"
    text = path.read_text(encoding="utf-8")
    assert ",1,Primary bone tumour" in text
    path.write_text(text.replace(",1,Primary bone tumour", ",1, Primary bone tumour", 1), encoding="utf-8")

    cached = run(cells, allow_errors=True)[-1]
    kernel_env("SPINE_CACHE_DIR", "off")
    computed = run(cells, allow_errors=True)[-1]
    errors = [o for o in computed if o.get("output_type") == "error"]
    assert errors and errors[0]["ename"] == "DataError" and "surgical_situations" in errors[0]["evalue"], computed
    assert comparable([cached]) == comparable([computed])


@pytest.mark.notebooks
def test_with_caching_off_every_course_tool_is_the_module_itself(tmp_path, kernel_env):
    kernel_env("SPINE_CACHE_DIR", "off")
    off = run([SETUP, "print('TOOL', type(surgery).__name__, surgery.aims_chart.__module__)"])
    assert printed(off, "TOOL") == "TOOL module helpers.surgery"
    kernel_env("SPINE_CACHE_DIR", str(tmp_path / "cache"))
    on = run([SETUP, "print('TOOL', type(surgery).__name__)"])
    assert printed(on, "TOOL") == "TOOL _Tool"


def test_outside_a_notebook_the_course_tools_are_the_modules_and_return_real_figures(monkeypatch, tmp_path):
    import plotly.graph_objects as go

    from helpers import replay, surgery

    monkeypatch.setenv("SPINE_CACHE_DIR", str(tmp_path / "cache"))
    assert replay.tool("surgery") is surgery
    assert isinstance(replay.tool("surgery").aims_chart(), go.Figure)
    with pytest.raises(ModuleNotFoundError):
        replay.tool("no_such_tool")


def test_a_failing_cell_stops_a_build_the_same_way_with_the_cache(tmp_path, kernel_env):
    # an unknown argument is the student's error, in one line, cached or not (errors are never stored)
    cells = [SETUP, "from this_copy import surgery\nsurgery.aims_chart(highlight='nope')"]
    kernel_env("SPINE_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(CellExecutionError) as cached:
        run(cells)
    with pytest.raises(CellExecutionError) as again:
        run(cells)
    assert "InputError" in str(cached.value) and str(cached.value) == str(again.value)


def test_a_copy_prunes_only_its_own_old_generations(tmp_path, monkeypatch):
    import os

    from helpers import replay

    outputs = tmp_path / "outputs"
    mine = [outputs / f"aaaaaaaa-{n}" for n in range(6)]
    theirs = outputs / "bbbbbbbb-0"
    for age, folder in enumerate([theirs, *mine]):  # theirs is the oldest of all
        folder.mkdir(parents=True)
        (folder / "entry.pickle").write_bytes(b"x")
        os.utime(folder, (1_000_000 + age, 1_000_000 + age))
    monkeypatch.setattr(replay, "_pruned", [False])
    replay._store(mine[-1] / "new.pickle", {"kind": "shown"})
    kept = sorted(p.name for p in outputs.iterdir())
    # four generations per copy (the newest four of mine), and another copy's folder untouched
    assert kept == ["aaaaaaaa-2", "aaaaaaaa-3", "aaaaaaaa-4", "aaaaaaaa-5", "bbbbbbbb-0"]
    assert (mine[-1] / "new.pickle").is_file()


KEY_BEFORE_AND_AFTER_IMPORTS = """
import importlib, importlib.metadata, json
from helpers import replay
before = [replay._library_version(name) for name in replay._LIBRARIES]
for name in replay._LIBRARIES:
    importlib.import_module(name)
replay._versions.clear()
after = [replay._library_version(name) for name in replay._LIBRARIES]
installed = [f"{name} {importlib.metadata.version(name)}" for name in replay._LIBRARIES]
print(json.dumps([before, after, installed]))
"""


def test_the_key_names_each_librarys_installed_version_whatever_was_imported_first():
    """A set-up cell that imports ipywidgets (09) and one that does not (01) must share one generation
    of entries; the versions are the installed ones (importlib.metadata, read independently)."""
    import subprocess

    result = subprocess.run([sys.executable, "-c", KEY_BEFORE_AND_AFTER_IMPORTS], capture_output=True, text=True,
                            check=True)
    before, after, installed = json.loads(result.stdout.strip().splitlines()[-1])
    assert before == after == installed


IDLE_CELLS = [
    "import this_copy\nfrom this_copy import setup\nsetup()",
    "from this_copy import chemotherapy\nchemotherapy.cycle_explorer()",
    *["import time\ntime.sleep(0.4)"] * 3,  # the rest of a lesson: cells for longer than the idle second
    "import sys\nprint('LOADED', 'plotly.basedatatypes' in sys.modules, 'jinja2' in sys.modules)",
]


def _run_pausing(pause_s: float) -> str:
    """The cells in one kernel, the client waiting ``pause_s`` before the last; what the last printed."""
    import time

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in IDLE_CELLS])
    client = NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if index == len(nb.cells) - 1:
                time.sleep(pause_s)
            client.execute_cell(cell, index)
    return printed([nb.cells[-1].outputs], "LOADED")


@pytest.mark.notebooks
def test_a_replayed_chart_explorer_loads_plotly_while_the_kernel_is_idle_not_while_cells_run(tmp_path, kernel_env):
    """The first change of a replayed explorer draws a chart: plotly's figure classes and Jinja2 load in
    the first idle second (helpers.replay.when_idle), never between cells run one after another."""
    kernel_env("SPINE_CACHE_DIR", str(tmp_path / "cache"))
    run(IDLE_CELLS)  # cold: computed and stored (this kernel built the chart itself)
    assert _run_pausing(0) == "LOADED False False"
    assert _run_pausing(1.6) == "LOADED True True"  # a student reading for 1.6 s after the last cell
