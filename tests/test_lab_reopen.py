"""A lesson saved in JupyterLab and reopened shows its static faces, never a widget error.

Issue 22, item 1.  JupyterLab saves each output as it holds it, so a lesson
whose explorers and calculators have run is saved with their widget views;
reopened with a new kernel, the widget renderer prints "Error displaying
widget: model not found" in their place.  ``tools/jupyterlab/
spine-notebooks.json`` (installed by ``make lab``, Binder's ``postBuild`` and
the hub image recipe) enables a server extension that drops the views when
the server saves (``helpers.saving``), as ``make notebooks`` does.

The test plays a student with JupyterLab's DEFAULT settings (autosave on,
windowed notebook): run a lesson, save it with Ctrl+S, close it (the kernel
shut down), reopen it.  It then looks at what the student sees: no widget
error, every chart of the lesson drawn, every live control's static face
shown with its one-line invitation to run the cell.  As a control, the lesson as JupyterLab would have saved it without
the server setting (its own notebook model, signed as the server signs a
saved notebook) is reopened too and must show the error: the test can fail.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.sign import NotebookNotary

from lab_harness import chromium, jupyter_lab, open_notebook, run_all_cells, shutdown_kernels

ROOT = Path(__file__).resolve().parents[1]
LESSON = "02_surgery.ipynb"  # charts, a table explorer and three calculators
SERVER_CONFIG = ROOT / "tools" / "jupyterlab" / "spine-notebooks.json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PLOTLY = "application/vnd.plotly.v1+json"
LIVE = "(interactive when the notebook runs)"

pytestmark = pytest.mark.browser

_CURRENT = "window.jupyterapp.shell.currentWidget"
# What the student sees, cell by cell.  JupyterLab's default (windowed) notebook
# renders a cell's outputs when it comes into view, so each cell is scrolled to;
# an output holding a widget view is given the time the widget renderer takes
# to give up on a missing widget (it waits 2 s) before it is read.
_LOOK = r"""async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  const phrases = ['Error displaying widget', 'model not found', 'Loading widget'];
  const seen = {errors: [], charts: 0, views: 0, hints: 0};
  const hint = '\u25b6 Run this cell';
  const cells = panel.content.widgets;
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  for (let i = 0; i < cells.length; i++) {
    await panel.content.scrollToItem(i, 'start');
    await sleep(100);
    const model = cells[i].model;
    let hasView = false;
    if (model.type === 'code') {
      for (let j = 0; j < model.outputs.length; j++) {
        if ('application/vnd.jupyter.widget-view+json' in model.outputs.get(j).data) hasView = true;
      }
    }
    if (hasView) {
      for (let t = 0; t < 60 && /^\s*(Loading widget\.\.\.)?\s*$/.test(
             (cells[i].node.querySelector('.jp-OutputArea-output') || {}).textContent || ''); t++) await sleep(100);
    }
    // the invitation to run the cell: shown in an HTML face, or leading a chart face's title
    if (model.type === 'code') {
      for (let j = 0; j < model.outputs.length; j++) {
        const chart = model.outputs.get(j).data['application/vnd.plotly.v1+json'];
        if (chart && String((chart.layout.title || {}).text || '').startsWith(hint)) seen.hints += 1;
      }
    }
    cells[i].node.querySelectorAll('.jp-OutputArea-output').forEach(out => {
      if (out.innerText.includes(hint)) seen.hints += 1;
      const text = out.textContent;
      phrases.filter(p => text.includes(p)).forEach(p => seen.errors.push(`cell ${i}: ${p}`));
      seen.views += out.querySelectorAll(':scope > .jupyter-widgets, .widget-box').length;
    });
    // JupyterLab's plotly renderer draws the chart, then shows it as a PNG snapshot until used.
    if (cells[i].node.querySelector('.jp-RenderedPlotly .main-svg, .jp-RenderedPlotly img.plot-img')) seen.charts += 1;
  }
  return seen;
}"""


def stored(path: Path) -> tuple[int, list[str]]:
    """How many cells of the built lesson show a chart, and each live control's plain-text face."""
    nb = nbformat.read(path, as_version=4)
    charts = sum(any(PLOTLY in o.get("data", {}) for o in c.get("outputs", [])) for c in nb.cells)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    return charts, [o["data"]["text/plain"] for o in outputs if LIVE in str(o.get("data", {}).get("text/plain", ""))]


def reopen(browser, lab, path: str) -> dict:
    """Open ``path`` in a new tab, look at every cell, close the tab and its kernel."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        open_notebook(page, lab, path)
        return page.evaluate(_LOOK)
    finally:
        page.close()
        shutdown_kernels(lab)


def save_with_keyboard(page, path: Path) -> None:
    before = path.stat().st_mtime_ns
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.click()
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if path.stat().st_mtime_ns != before and not page.evaluate(f"{_CURRENT}.context.model.dirty"):
            return
        page.wait_for_timeout(200)
    raise TimeoutError("Ctrl+S did not save the lesson within 30 s")


def test_a_saved_lesson_reopens_with_its_static_faces(tmp_path):
    root = tmp_path / "root"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / LESSON, root / "notebooks" / LESSON)
    shutil.copy(ROOT / "notebooks" / "this_copy.py", root / "notebooks" / "this_copy.py")
    (root / "src").symlink_to(ROOT / "src", target_is_directory=True)
    saved = root / "notebooks" / LESSON
    charts, faces = stored(saved)
    assert charts and faces, "the lesson has no chart or live control to reopen"

    with jupyter_lab(root, settings=None, server_config=SERVER_CONFIG, log=tmp_path / "lab.log") as lab, \
            chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        open_notebook(page, lab, f"notebooks/{LESSON}")
        run_all_cells(page)
        page.wait_for_timeout(1500)
        # What the browser holds, and would save without the server setting: the live views.
        held = page.evaluate(f"{_CURRENT}.context.model.toJSON()")
        views_held = sum(WIDGET_VIEW in o.get("data", {}) for c in held["cells"] for o in c.get("outputs", []))
        assert views_held == len(faces), f"{views_held} live views held, {len(faces)} expected"
        save_with_keyboard(page, saved)
        page.close()
        shutdown_kernels(lab)

        on_disk = nbformat.read(saved, as_version=4)
        outputs = [o for c in on_disk.cells for o in c.get("outputs", [])]
        assert not any(WIDGET_VIEW in o.get("data", {}) for o in outputs), "the saved lesson keeps widget views"
        assert sum(o.get("execution_count") is not None for o in outputs if "execution_count" in o), "not saved after running"
        notary = NotebookNotary(data_dir=str(lab.data_dir))
        assert notary.check_signature(on_disk), "the server did not sign the saved lesson (it would reopen untrusted)"

        # The control: JupyterLab's own model saved as is, signed like the server signs a save.
        for cell in held["cells"]:
            if cell.get("attachments") is None:
                cell.pop("attachments", None)  # the model says None where the file format says absent
        control = root / "notebooks" / "control.ipynb"
        nbformat.write(nbformat.from_dict(held), control)
        notary.sign(nbformat.read(control, as_version=4))  # the file as the server will read it

        seen = reopen(browser, lab, f"notebooks/{LESSON}")
        seen_control = reopen(browser, lab, "notebooks/control.ipynb")

    assert len([e for e in seen_control["errors"] if "model not found" in e]) == len(faces), (
        f"the control (views saved) shows {seen_control['errors']}: the test could not fail")
    assert seen["errors"] == [], f"reopened lesson shows {seen['errors']}"
    assert seen["views"] == 0
    # each live control's static face invites the student to run its cell (issue 22, item 4)
    assert seen["hints"] == len(faces), f"{seen['hints']} invitations to run the cell for {len(faces)} live controls"
    assert seen["charts"] == charts, f"reopened lesson draws charts in {seen['charts']} of its {charts} chart cells"
    for face in faces:
        name = face.split(" (interactive")[0]
        assert name in json.dumps(on_disk.dict()), f"the saved lesson lost the static face of {name!r}"
