"""WCAG 2.1 AA on nbviewer's page, checked with axe-core (issue 22, items 14-16).

tests/test_render.py runs axe-core on nbconvert's HTML export of every
notebook (the page it already checks) and drives every chart menu from the
keyboard there.  This test does the same on each notebook as nbviewer shows
it, and fails on any serious or critical violation in the collection's own
content (the template's own findings are counted apart, in
``build/accessibility/``: tests/axe_check.py).

nbviewer renders with nbconvert's "lab" template (its ``formats.py``) inside
its own page, whose stylesheets are built from Bootstrap 3 and the classic
notebook's CSS (its ``static/less/notebook.less`` imports
``ipython.min.css``).  nbviewer itself is not reachable from the test
machines and its built CSS is not in its repository, so the nbviewer page
here is nbconvert's export with nbclassic's ``style.min.css`` (Bootstrap 3 +
the classic notebook CSS: the same sources) placed first in the head, before
the export's own styles, as nbviewer's page has them.  It is what greys table
captions to #777 (4.47:1) on nbviewer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from axe_check import axe_missing, chart_menus_work_from_the_keyboard, describe, violations
from test_render import NOTEBOOKS, export_html, open_static_page

DRAW_TIMEOUT_MS = 60_000

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    from lab_harness import chromium

    if axe_missing():
        pytest.fail(axe_missing())
    with chromium() as launched:
        yield launched


def nbviewer_page(html_file: Path) -> Path:
    """The export with nbviewer's stylesheet sources (Bootstrap 3 + classic notebook CSS) first in its head."""
    import nbclassic

    css = Path(nbclassic.__file__).parent / "static" / "style" / "style.min.css"
    page = html_file.read_text(encoding="utf-8")
    page = page.replace("<head>", f'<head>\n<link rel="stylesheet" href="{css.as_uri()}">', 1)
    target = html_file.with_name(html_file.stem + ".nbviewer.html")
    target.write_text(page, encoding="utf-8")
    return target


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_nbviewer_page_has_no_serious_or_critical_violation_in_the_collections_content(path, browser, tmp_path):
    html_file, charts = export_html(path, tmp_path)
    page, errors, _refused = open_static_page(browser, nbviewer_page(html_file))
    try:
        page.wait_for_function(f"document.querySelectorAll('.plotly-graph-div .main-svg').length >= {charts}",
                               timeout=DRAW_TIMEOUT_MS)
        # the page is styled as nbviewer's: a caption outside the lessons' outputs comes out Bootstrap grey
        assert page.evaluate("""() => { const t = document.body.appendChild(document.createElement('table'));
            const colour = getComputedStyle(t.appendChild(document.createElement('caption'))).color;
            t.remove(); return colour; }""") == "rgb(119, 119, 119)"
        own, template = violations(page, f"{path.stem}.nbviewer")
        keyboard = chart_menus_work_from_the_keyboard(page)
    finally:
        page.close()
    print(f"{path.stem} [nbviewer]: the template's own findings: {sorted({v['rule'] for v in template})}")
    assert errors == [], errors
    assert own == [], f"{path.name} on nbviewer: {describe(own)}"
    assert keyboard == [], f"{path.name} on nbviewer: {keyboard}"


def test_the_axe_lock_pins_one_version():
    import json
    import re

    root = Path(__file__).resolve().parents[1] / "tools" / "axe"
    lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))
    declared = json.loads((root / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", declared["axe-core"]), "pin axe-core to one version"
    assert lock["packages"]["node_modules/axe-core"]["version"] == declared["axe-core"]
