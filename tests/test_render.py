"""The static-page contract, checked the way nbviewer readers see it.

Each notebook is exported with nbconvert's HTML exporter (the engine nbviewer
uses) and opened in headless Chromium (Debian's package, driven by
Playwright).  Tests run offline, so the CDN URLs the page asks for are served
from local copies: require.js and MathJax
from the nbclassic wheel.  plotly.js is the cartesian partial bundle the
figures ask for, from its npm package (``make plotlyjs``).  Every other
outside request is refused.

Contract: every chart drawn; no page error; no widget error or "model not
found"; no widget drawn (twice or at all: widget state is not stored); no
form control outside a chart, a chart's own menu or a knowledge-check answer;
no table cell that holds text in the page source renders empty (text read as
a tag, such as CTCAE's "<LLN to 1,500/mm³", vanishes in the browser).
Accessibility (issue 22): every chart is a described figure with its data as
a table; no "Share chart" button in a chart's toolbar; every chart menu works
from the keyboard; axe-core finds no serious or critical violation in the
collection's own content (tests/axe_check.py; nbviewer's page:
tests/test_accessibility.py).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter

from axe_check import chart_menus_work_from_the_keyboard, describe, violations

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DRAW_TIMEOUT_MS = 30_000
#: What a static page must not ask a reader to do (issue 22, item 12): it has no kernel, and
#: a keyboard or screen-reader user has no mouse.  Lessons word such lines for one medium
#: (classes spine-live-only, spine-static-only, spine-screen-only).
KERNEL_INSTRUCTIONS = ("Shift + Enter", "Run this cell", "Run the cell", "Run All", "Hover", "slider")


def local_assets() -> dict[str, tuple[Path, str]]:
    """URL prefix → (local file or folder, content type)."""
    import nbclassic
    from export_common import plotly_bundle_file

    from helpers.plotting import PLOTLY_CDN_URL

    plotly_js = plotly_bundle_file()
    components = Path(nbclassic.__file__).parent / "static" / "components"
    return {
        PLOTLY_CDN_URL: (plotly_js, "application/javascript"),
        "https://cdnjs.cloudflare.com/ajax/libs/require.js/": (components / "requirejs" / "require.js", "application/javascript"),
        "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js": (components / "MathJax" / "MathJax.js", "application/javascript"),
        "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/": (components / "MathJax", ""),
    }


@pytest.fixture(scope="module")
def browser():
    from axe_check import axe_missing

    if axe_missing():
        pytest.fail(axe_missing())
    if not Path(CHROMIUM).exists():
        pytest.fail(f"headless Chromium not found at {CHROMIUM}: run 'make test' (it installs it) or set CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def serve_offline(page, assets) -> list[str]:
    refused: list[str] = []

    def handle(route):
        url = route.request.url
        for prefix, (path, ctype) in assets.items():
            if url.startswith(prefix):
                target = path
                if path.is_dir():
                    target = path / url[len(prefix):].split("?")[0]
                if target.is_file():
                    return route.fulfill(
                        path=str(target),
                        content_type=ctype or ("application/javascript" if target.suffix == ".js" else None),
                        headers={"Access-Control-Allow-Origin": "*"},
                    )
        if url.startswith(("file:", "data:", "about:")):
            return route.continue_()
        refused.append(url)
        return route.abort()

    page.route("**/*", handle)
    return refused


def export_html(path: Path, out_dir: Path) -> tuple[Path, int]:
    nb = nbformat.read(path, as_version=4)
    charts = sum(
        "application/vnd.plotly.v1+json" in output.get("data", {})
        for cell in nb.cells for output in cell.get("outputs", [])
    )
    body, _ = HTMLExporter().from_notebook_node(nb)
    target = out_dir / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target, charts


def open_static_page(browser, html_file: Path):
    """``html_file`` in a new page, offline (CDN files from local copies): (page, page errors, refused URLs)."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    refused = serve_offline(page, local_assets())
    page.goto(html_file.as_uri(), wait_until="load")
    return page, errors, refused


@pytest.mark.browser
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_static_page_contract(path, browser, tmp_path):
    html_file, expected_charts = export_html(path, tmp_path)
    page, errors, refused = open_static_page(browser, html_file)

    # Every chart drawn: each plotly div gets its SVG once plotly.js has run.
    page.wait_for_function(
        f"document.querySelectorAll('.plotly-graph-div .main-svg').length >= {expected_charts}",
        timeout=DRAW_TIMEOUT_MS,
    )
    assert page.locator(".plotly-graph-div").count() == expected_charts
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('.plotly-graph-div')).filter(d => d.querySelector('.main-svg')).length"
    )
    assert drawn == expected_charts, f"{path.name}: {drawn} of {expected_charts} charts drawn"

    text = page.inner_text("body")
    for phrase in ("Error displaying widget", "model not found", "Loading widget", "Traceback"):
        assert phrase not in text, f"{path.name}: page shows {phrase!r}"
    if path.stem != "00_start_here":  # 00 is the guide to JupyterLab itself
        asks = [p for p in KERNEL_INSTRUCTIONS if p.lower() in text.lower()]
        assert asks == [], f"{path.name}: the static page asks for a running notebook or a mouse: {asks}"
    assert page.locator(".jupyter-widgets, .widget-area, .jp-OutputArea-output .widget-inline-hbox").count() == 0, (
        f"{path.name}: a widget is drawn on the static page"
    )
    dead_controls = page.evaluate(
        """Array.from(document.querySelectorAll('input, select, button, textarea'))
             .filter(el => !el.closest('.plotly-graph-div') && !el.closest('details')
                           && !el.closest('figure.spine-chart .spine-chart-control'))
             .map(el => el.outerHTML.slice(0, 80))"""
    )
    assert dead_controls == [], f"{path.name}: controls that do nothing without a kernel: {dead_controls}"
    assert errors == [], f"{path.name}: page errors: {errors}"
    unexpected = [u for u in refused if "fonts.googleapis" not in u]
    assert unexpected == [], f"{path.name}: the page asked for resources we do not serve: {unexpected[:5]}"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{path.stem}.png"), full_page=True)

    # every chart a described figure with its data as a table; no "Share chart" button
    undescribed = page.evaluate(
        """Array.from(document.querySelectorAll('.plotly-graph-div')).filter(d => {
             const f = d.closest('figure.spine-chart');
             return !f || !f.getAttribute('aria-label') || !f.querySelector('.spine-chart-text table tbody tr');
           }).length""")
    assert undescribed == 0, f"{path.name}: {undescribed} charts without a text alternative"
    if expected_charts:
        assert page.locator(".modebar-btn").count() > 0, "no chart toolbar drawn: the check below would be vacuous"
    assert page.locator(".modebar-btn[data-title^='Share']").count() == 0, f"{path.name}: a 'Share chart' button"
    keyboard = chart_menus_work_from_the_keyboard(page)
    assert keyboard == [], f"{path.name}: {keyboard}"
    own, template = violations(page, f"{path.stem}.nbconvert")
    print(f"{path.stem} [nbconvert]: the template's own findings: {sorted({v['rule'] for v in template})}")
    assert own == [], f"{path.name}: axe-core, serious or critical, in the collection's own content: {describe(own)}"

    vanished = cells_that_render_empty(page, html_file.read_text(encoding="utf-8"))
    assert vanished == [], f"{path.name}: table cells with text in the source render empty: {vanished[:5]}"
    page.close()


def stored_figures(path: Path) -> list[dict]:
    """The plotly JSON of every figure stored in a notebook's outputs."""
    nb = nbformat.read(path, as_version=4)
    return [
        output["data"]["application/vnd.plotly.v1+json"]
        for cell in nb.cells for output in cell.get("outputs", [])
        if "application/vnd.plotly.v1+json" in output.get("data", {})
    ]


@pytest.mark.browser
def test_the_partial_bundle_has_every_trace_type_the_notebooks_use_and_plotlys_version(browser):
    """The bundle itself says which trace types and which version it has."""
    from export_common import plotly_bundle_file

    from helpers import plotting

    page = browser.new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(path=str(plotly_bundle_file()))
    version = page.evaluate("window.Plotly.version")
    bundled = set(page.evaluate("Object.keys(window.Plotly.PlotSchema.get().traces)"))
    page.close()
    assert version == plotting.PLOTLYJS_VERSION, (
        f"the npm bundle is plotly.js {version}, plotly ships {plotting.PLOTLYJS_VERSION}: "
        "update tools/plotlyjs/package.json and run 'npm install' there"
    )
    assert bundled == set(plotting.BUNDLE_TRACE_TYPES)
    used = {t for path in NOTEBOOKS for fig in stored_figures(path) for t in plotting.trace_types(fig)}
    assert used, "no stored figure found: are the notebooks built?"
    assert used <= bundled, f"trace types missing from the cartesian bundle: {sorted(used - bundled)}"


_TD = re.compile(r"<td\b[^>]*>(.*?)</td>", re.DOTALL | re.IGNORECASE)


def cells_that_render_empty(page, source: str) -> list[str]:
    """Source of every ``<td>`` that has text in the page source but none on screen.

    Cells are matched by position: the page source's ``<td>`` elements in
    order, and the browser's.  A different count is reported too (markup
    inside a cell that swallowed or added cells).
    """
    raw = _TD.findall(source)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    shown = page.evaluate("Array.from(document.querySelectorAll('td')).map(td => td.innerText.trim())")
    if len(raw) != len(shown):
        return [f"{len(raw)} <td> in the source but {len(shown)} in the browser"]
    return [cell.strip()[:80] for cell, text in zip(raw, shown) if cell.strip() and not text]


_HREF = re.compile(r"""href=["']([^"']+)["']""")
_MD_LINK = re.compile(r"\]\(([^)\s]+)\)")


def notebook_links(path: Path) -> list[str]:
    """Every link target of a notebook: in its markdown and in its stored HTML outputs."""
    nb = nbformat.read(path, as_version=4)
    links = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            links += _MD_LINK.findall(cell.source) + _HREF.findall(cell.source)
        for output in cell.get("outputs", []):
            links += _HREF.findall(str(output.get("data", {}).get("text/html", "")))
    return links


def where_a_link_goes(href: str) -> str | None:
    """Why ``href`` would not open the same thing on nbviewer, on a hub and in JupyterLab (None: it does).

    Those three resolve a relative link against different addresses (nbviewer's is
    /github/OWNER/REPO/blob/BRANCH/notebooks/), so only three forms are safe: an
    in-page anchor, a sibling notebook, and an absolute http(s) address; a link to one
    of the collection's own files must be its GitHub page, and that file must exist.
    """
    from helpers.course import BRANCH, REPOSITORY

    if href.startswith("#"):
        return None
    if re.fullmatch(r"\d\d_[A-Za-z0-9_]+\.ipynb(#[\w-]*)?", href):
        return None if (ROOT / "notebooks" / href.split("#")[0]).is_file() else "no such notebook"
    own = f"https://github.com/{REPOSITORY}/blob/{BRANCH}/"
    if href.startswith(own):
        return None if (ROOT / href[len(own):].split("#")[0]).exists() else "no such file in the repository"
    if href.startswith(("https://", "http://")):
        return None
    return "a relative link outside notebooks/ (404 on nbviewer)"


def test_where_a_link_goes_refuses_the_link_that_broke():
    assert where_a_link_goes("../docs/clinical-review.md")
    assert where_a_link_goes("https://github.com/spine-oncology-nursing/spine-cancer-treatment-notebooks/blob/main/docs/nope.md")
    assert where_a_link_goes("99_missing.ipynb")
    assert where_a_link_goes(
        "https://github.com/spine-oncology-nursing/spine-cancer-treatment-notebooks/blob/main/docs/clinical-review.md") is None
    assert where_a_link_goes("01_treatment_overview.ipynb") is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_link_opens_on_nbviewer_a_hub_and_jupyterlab(path):
    broken = [(href, why) for href in notebook_links(path) if (why := where_a_link_goes(href))]
    assert broken == [], f"{path.name}: {broken[:5]}"
