"""Every live control readable in JupyterLab, and no error shown, after running each notebook.

The notebooks are copied to a temporary server root (nothing is written into
the checkout), opened in JupyterLab in headless Chromium (tests/lab_harness.py)
and run cell by cell like a student would with "Run all".  Then, for every
ipywidgets control on the page:

- each label (a control's description, a checkbox's text) and each value (a
  text/number box, every option of a dropdown, a toggle button, a slider
  readout) must fit the width it is drawn in: the text's rendered width
  (measured with the element's own font) is at most the element's inner width,
  and the element does not scroll or clip its content;
- every live widget the notebook shows is drawn, with a size (as many as the
  built notebook has "(interactive when the notebook runs)" outputs), and no
  output shows "Error displaying widget", "model not found", an error or a
  traceback.

- every explorer whose live view draws a chart keeps its controls and that
  chart in one view at 1366 x 768: from the top of the controls to the bottom
  of the chart fits in the notebook's visible height, so moving a control
  shows its effect without scrolling.

Screenshots of each page and each live control go to build/screenshots/lab/.
Before the fixes of issue 12 this test failed on 02/05 (SINS location box
43 px wide), 03 (CTCAE lower-limit box 10 px, ANC unit toggle cut) and on the
06/07 explorer menus whose options were cut.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from lab_harness import chromium, jupyter_lab, open_notebook, run_all_cells

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SCREENSHOTS = ROOT / "build" / "screenshots" / "lab"
# A common student laptop screen (issue 22, item 7: control and chart in one view).
VIEWPORT = {"width": 1366, "height": 768}

pytestmark = pytest.mark.browser

# Measures every control's texts; returns the ones that do not fit.
_MEASURE = r"""() => {
  const root = window.jupyterapp.shell.currentWidget.content.node;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  const textWidth = (el, text) => {
    const cs = getComputedStyle(el);
    ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    return ctx.measureText(text).width;
  };
  const inline = el => getComputedStyle(el).display === 'inline';
  const inner = el => {
    const cs = getComputedStyle(el);
    // Inline boxes have no clientWidth: they are as wide as their text.
    const width = inline(el) ? el.getBoundingClientRect().width : el.clientWidth;
    return width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  };
  const where = el => {
    const cell = el.closest('.jp-Cell');
    const cells = Array.from(root.querySelectorAll('.jp-Cell'));
    return cell ? cells.indexOf(cell) : -1;
  };
  const visible = el => el.offsetParent !== null && el.getClientRects().length > 0;
  const problems = [];
  const check = (el, kind, text, reserved = 0) => {
    if (!visible(el) || !text.trim()) return;
    // Sub-pixel layout: allow 1.5 px of rounding.
    const need = Math.round(textWidth(el, text));
    const have = Math.round(inner(el) - reserved);
    const clipped = !inline(el) && el.scrollWidth > el.clientWidth + 1;
    if (need > have + 1.5 || clipped) {
      problems.push({cell: where(el), kind, text: text.trim().slice(0, 80), need, have,
                     scroll: el.scrollWidth, client: el.clientWidth});
    }
  };
  // Descriptions and other widget labels.
  root.querySelectorAll('.jupyter-widgets .widget-label, .jupyter-widgets .widget-label-basic').forEach(
    el => check(el, 'label', el.textContent));
  // Text and number boxes (Text, FloatText, IntText, Combobox...): their value.
  root.querySelectorAll('.jupyter-widgets input[type=text], .jupyter-widgets input[type=number], .jupyter-widgets input:not([type])').forEach(
    // A box with a list of suggestions (Combobox) keeps ~20 px for its picker arrow.
    el => check(el, 'input value', el.value || el.placeholder || '', el.hasAttribute('list') ? 20 : 0));
  // Dropdowns: every option (a student may choose any), the arrow kept inside the padding.
  root.querySelectorAll('.jupyter-widgets select:not([multiple])').forEach(el => {
    Array.from(el.options).forEach(opt => check(el, 'dropdown option', opt.textContent));
  });
  // Multiple selects: every option must be readable.
  root.querySelectorAll('.jupyter-widgets select[multiple]').forEach(el => {
    Array.from(el.options).forEach(opt => {
      const need = Math.ceil(textWidth(el, opt.textContent));
      const have = Math.floor(inner(el)) - 4;
      if (visible(el) && need > have) problems.push({cell: where(el), kind: 'select option',
          text: opt.textContent.slice(0, 80), need, have});
    });
  });
  // Toggle buttons and buttons: their text.
  root.querySelectorAll('.jupyter-widgets button').forEach(el => check(el, 'button', el.textContent));
  // Checkbox labels and slider readouts.
  root.querySelectorAll('.jupyter-widgets.widget-checkbox label, .jupyter-widgets .widget-readout').forEach(
    el => check(el, 'checkbox/readout', el.textContent));
  return problems;
}"""

_ERRORS = r"""() => {
  const root = window.jupyterapp.shell.currentWidget.content.node;
  const out = [];
  root.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').forEach(
    el => out.push('stderr: ' + el.textContent.trim().slice(0, 300)));
  root.querySelectorAll('.jp-OutputArea-output').forEach(el => {
    const text = el.textContent;
    for (const phrase of ['Error displaying widget', 'model not found', 'Traceback']) {
      if (text.includes(phrase)) out.push(phrase + ': ' + text.trim().slice(0, 200));
    }
  });
  // Every live widget view has a size.
  root.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').forEach(view => {
    if (view.getBoundingClientRect().height < 5) out.push('blank widget output: ' + view.textContent.slice(0, 120));
  });
  return out;
}"""


# Each live view with a chart: how tall its controls plus chart are, against the notebook's visible height.
_IN_VIEW = r"""() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const scroller = panel.content.node.closest('.jp-WindowedPanel-outer') || panel.content.node;
  const visible = scroller.clientHeight;
  const cells = Array.from(panel.content.node.querySelectorAll('.jp-Cell'));
  const out = [];
  panel.content.node.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').forEach(view => {
    const chart = view.querySelector('.js-plotly-plot');
    const controls = view.querySelector('.widget-hbox, .widget-box');
    if (!chart || !controls) return;
    const top = controls.getBoundingClientRect().top, bottom = chart.getBoundingClientRect().bottom;
    out.push({cell: cells.indexOf(view.closest('.jp-Cell')), need: Math.round(bottom - top), visible});
  });
  return out;
}"""


def stored_widget_outputs(path: Path) -> int:
    """How many outputs of the built notebook become a live widget when run.

    The build drops the widget view from stored outputs; the static face's
    plain text says "(interactive when the notebook runs)" (helpers.explorer).
    """
    nb = nbformat.read(path, as_version=4)
    return sum(
        "(interactive when the notebook runs)" in str(output.get("data", {}).get("text/plain", ""))
        for cell in nb.cells for output in cell.get("outputs", [])
    )


@pytest.fixture(scope="module")
def lab_and_browser(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-root")
    (root / "notebooks").mkdir()
    for path in NOTEBOOKS:
        shutil.copy(path, root / "notebooks" / path.name)
    # The set-up cell's `import this_copy` finds the helpers (and through them data/) of
    # this checkout: the copy gets the module and a link to src/.
    shutil.copy(ROOT / "notebooks" / "this_copy.py", root / "notebooks" / "this_copy.py")
    (root / "src").symlink_to(ROOT / "src", target_is_directory=True)
    with jupyter_lab(root, log=root / "jupyter-lab.log") as lab, chromium() as browser:
        yield lab, browser


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_live_controls_readable_and_no_errors(path, lab_and_browser):
    lab, browser = lab_and_browser
    page = browser.new_page(viewport=VIEWPORT)
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    try:
        open_notebook(page, lab, f"notebooks/{path.name}")
        run_all_cells(page)
        page.wait_for_timeout(1500)  # widget views and charts finish drawing
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{path.stem}.png"))
        views = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output > .jupyter-widgets")
        for index in range(views.count()):  # each live control as the student sees it
            views.nth(index).scroll_into_view_if_needed()
            views.nth(index).screenshot(path=str(SCREENSHOTS / f"{path.stem}_widget{index}.png"))
        problems = page.evaluate(_MEASURE)
        errors = page.evaluate(_ERRORS)
        in_view = page.evaluate(_IN_VIEW)
        widget_outputs = page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.content.node"
            ".querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length"
        )
        # Shut the kernel down so the next notebook has the cores.
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
    finally:
        page.close()
    assert errors == [], f"{path.name}: outputs show errors: {errors}"
    assert problems == [], f"{path.name}: controls too narrow for their text: " + "; ".join(
        f"cell {p['cell']} {p['kind']} {p['text']!r} needs {p['need']} px, has {p['have']} px"
        f" (scrollWidth {p.get('scroll')}, clientWidth {p.get('client')})" for p in problems
    )
    assert page_errors == [], f"{path.name}: page errors: {page_errors}"
    too_tall = [v for v in in_view if v["need"] > v["visible"]]
    assert too_tall == [], f"{path.name}: controls and their chart do not fit one view at 1366 x 768: " + "; ".join(
        f"cell {v['cell']} needs {v['need']} px, the notebook shows {v['visible']} px" for v in too_tall)
    expected = stored_widget_outputs(path)
    assert widget_outputs == expected, f"{path.name}: {widget_outputs} live widgets drawn, {expected} expected"
