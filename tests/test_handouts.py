"""Student handouts (tools/handouts.py): offline HTML and an A4 PDF.

Handouts are made for one small notebook (00_start_here) and, for charts,
for a two-chart notebook built here from the collection's own renderer
(no kernel), so the test does not wait for a lesson with charts to exist.
Every network request is refused in the browser: the handout must need none.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"
sys.path.insert(0, str(TOOLS))

import export_common  # noqa: E402
import handouts  # noqa: E402

START = ROOT / "notebooks" / "00_start_here.ipynb"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def chart_notebook(folder: Path, charts: int = 2) -> Path:
    """A tiny lesson-shaped notebook with ``charts`` stored figures and a folded answer."""
    import plotly.graph_objects as go
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from helpers import plotting

    plotting.configure()
    cells = [new_markdown_cell("# Chart demo\n\nA made-up lesson for the export tests.")]
    for number in range(1, charts + 1):
        fig = go.Figure(go.Bar(x=["Surgery", "Radiation therapy"], y=[5, number], name="level"))
        fig.update_layout(title=f"Invasiveness {number}", xaxis_title="Modality", yaxis_title="Level (1-5)")
        cell = new_code_cell(f"overview.invasiveness_chart({number})")
        bundle = {**plotting.mimebundle(fig), "text/plain": "Figure"}
        cell.outputs = [new_output("execute_result", data=bundle, execution_count=number)]
        cells += [new_markdown_cell(f"## Section {number}\n\nText."), cell,
                  new_markdown_cell("### A detail\n\nMore text."),
                  new_markdown_cell("**What to notice:** the bars differ.")]
    quiz = new_code_cell("quiz.knowledge_check('99_chart_demo')")
    quiz.outputs = [new_output("execute_result", execution_count=9, data={
        "text/html": '<div class="knowledge-check"><p>Question 1.</p><details><summary>Show the answer</summary>'
                     "<p>SECRET-ANSWER-TEXT</p></details></div>",
        "text/plain": "quiz"})]
    cells += [new_markdown_cell("## Knowledge check"), quiz]
    path = folder / "99_chart_demo.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_handout_html_is_offline_and_hides_code(tmp_path):
    before = digest(START)
    target, charts = handouts.write_html(START, tmp_path)
    page = target.read_text(encoding="utf-8")
    assert digest(START) == before, "exporting must not modify the notebook"
    assert '<script src="http' not in page and "<script src='http" not in page
    assert export_common.external_scripts(page) == []
    assert "jp-InputArea-editor" not in page.split("<body", 1)[1], "a code input is shown"
    assert "from helpers import" not in page and "setup()" not in page
    assert "<details open" not in page
    assert "Student handout" in page
    if charts == 0:
        assert "spine-plotly-inline" not in page, "plotly.js inlined for a page without charts"


def test_plotly_is_inlined_once(tmp_path):
    path = chart_notebook(tmp_path)
    target, charts = handouts.write_html(path, tmp_path / "out")
    page = target.read_text(encoding="utf-8")
    assert charts == 2
    assert page.count('id="spine-plotly-inline"') == 1
    assert page.index('id="spine-plotly-inline"') < page.index("</head>")
    assert export_common.external_scripts(page) == []
    assert "SECRET-ANSWER-TEXT" in page and "<details open" not in page


def test_links_between_lessons_point_at_handouts(tmp_path):
    nb = export_common.read_notebook(START)
    nb.cells[0].source = "[Next: Treatment overview →](01_treatment_overview.ipynb)"
    export_common.relink_lessons(nb, ".html")
    assert nb.cells[0].source.endswith("(01_treatment_overview.html)")


def run_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOLS / "handouts.py"), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_unknown_notebook_is_one_line():
    result = run_tool("--no-pdf", "--out", "/nonexistent-never-written", "42_no_such_lesson")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "unknown notebook '42_no_such_lesson'" in result.stderr


@pytest.fixture(scope="module")
def browser():
    if not Path(export_common.CHROMIUM).exists():
        pytest.fail(f"headless Chromium not found at {export_common.CHROMIUM}: run 'make browser'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = export_common.launch_chromium(playwright)
        yield launched
        launched.close()


@pytest.mark.browser
def test_pdf_of_start_here(tmp_path, browser):
    target, charts = handouts.write_html(START, tmp_path)
    pdf = tmp_path / "00_start_here.pdf"
    refused = handouts.print_pdf(browser, target, charts, pdf)
    assert refused == [], f"the handout asked the network for {refused[:3]}"
    assert pdf.read_bytes()[:4] == b"%PDF"
    assert pdf.stat().st_size > 10_000


@pytest.mark.browser
def test_charts_draw_offline_and_answers_stay_folded(tmp_path, browser):
    path = chart_notebook(tmp_path)
    target, charts = handouts.write_html(path, tmp_path / "out")
    page = browser.new_page(viewport={"width": handouts.PRINT_WIDTH_PX, "height": 1100})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    refused = export_common.block_network(page)
    page.goto(target.as_uri(), wait_until="load")
    export_common.wait_for_charts(page, charts, target.name)
    assert page.locator(".plotly-graph-div").count() == charts
    assert page.evaluate("document.querySelectorAll('details[open]').length") == 0
    page.emulate_media(media="print")
    assert not page.locator("text=SECRET-ANSWER-TEXT").is_visible(), "answer visible in print"
    page.close()
    assert refused == [] and errors == []

    pdf = tmp_path / "chart.pdf"
    assert handouts.print_pdf(browser, target, charts, pdf) == []
    assert pdf.read_bytes()[:4] == b"%PDF"


CHART_NOTEBOOKS = [p for p in NOTEBOOKS if export_common.chart_count(export_common.read_notebook(p))]


@pytest.mark.browser
@pytest.mark.skipif(not CHART_NOTEBOOKS, reason="no notebook in notebooks/ has a chart yet")
def test_a_lesson_with_charts_draws_offline(tmp_path, browser):
    path = min(CHART_NOTEBOOKS, key=lambda p: p.stat().st_size)
    target, charts = handouts.write_html(path, tmp_path)
    page = browser.new_page(viewport={"width": handouts.PRINT_WIDTH_PX, "height": 1100})
    refused = export_common.block_network(page)
    page.goto(target.as_uri(), wait_until="load")
    export_common.wait_for_charts(page, charts, target.name)
    page.close()
    assert refused == [], f"{path.name}: the handout asked the network for {refused[:3]}"
