"""Student handouts (tools/handouts.py): offline HTML and an A4 PDF.

Handouts are made for one small notebook (00_start_here) and, for charts,
for a two-chart notebook built here from the collection's own renderer
(no kernel).  Every network request is refused in the browser: the handout
must need none.

On paper (issue 22, items 10-11), every lesson's handout is laid out as it
prints (print media, charts fitted to the paper) and measured: nothing may
stick out of the printable width or be cut by the box it sits in, no chart
text may run outside its chart; then the PDF is read back page by page
(pypdf) and no page but the last may end with a caption, heading or table
header row (what it introduces is overleaf).  A control shows the same
measurement finds the cuts on the page without the handout's print rules.
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
    assert "from helpers import" not in page and "from this_copy import" not in page and "setup()" not in page
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


# -- on paper: nothing cut at the right edge, no caption left behind (issue 22, items 10-11) ----

# What sticks out of the printed page, measured in the page as it prints:
# anything wider than the printable width or scrolled inside a box that clips
# (an output area cuts a wide table), and chart text outside its chart.
_CUT = r"""() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const where = el => { const cell = el.closest('.jp-Cell'); return cell ? cell.id : '?'; };
  document.querySelectorAll('.jp-OutputArea-output, .jp-OutputArea-output *').forEach(el => {
    if (el.closest('svg')) return;
    const r = el.getBoundingClientRect();
    if (!r.width || getComputedStyle(el).display === 'none') return;
    if (r.right > width + 1) out.push(`${where(el)}: ${el.tagName.toLowerCase()} ends at ${Math.round(r.right)} px, the page at ${width}`);
    const cs = getComputedStyle(el);
    if (/(auto|hidden|scroll|clip)/.test(cs.overflowX) && el.scrollWidth > el.clientWidth + 1)
      out.push(`${where(el)}: ${el.tagName.toLowerCase()} cuts ${el.scrollWidth - el.clientWidth} px of what it holds`);
  });
  document.querySelectorAll('.plotly-graph-div').forEach(gd => {
    const box = gd.querySelector('.main-svg').getBoundingClientRect();
    gd.querySelectorAll('.main-svg text').forEach(t => {
      const r = t.getBoundingClientRect();
      if (!r.width || !t.textContent.trim()) return;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.push(`${where(gd)}: chart text "${t.textContent.slice(0, 50)}" runs outside its chart`);
    });
  });
  return Array.from(new Set(out));
}"""

# What paper cannot do (issue 22, item 12): run, hover, point, open a menu or a folded text block.
ON_PAPER_NOT = ("Shift + Enter", "Run this cell", "Run the cell", "Run All", "Hover", "slider", "Point at",
                "menu above the chart", "The chart as text")

# The texts that must not end a page: every caption, heading and table header row.
_LABELS = r"""() => Array.from(document.querySelectorAll(
    'caption, h1, h2, h3, h4, .jp-OutputArea-output thead tr'))
  .filter(el => getComputedStyle(el).display !== 'none' && el.getClientRects().length)
  .map(el => el.innerText.replace(/\s+/g, ' ').trim()).filter(t => t.length >= 8)"""


def page_endings(pdf: Path) -> list[tuple[str, float]]:
    """Each page's last line of text and how much of the page is blank below it (0-1)."""
    from pypdf import PdfReader

    endings = []
    for page in PdfReader(pdf).pages:
        lines: dict[float, list[str]] = {}

        def visit(text, cm, tm, _font, _size):
            if text.strip():
                lines.setdefault(round(cm[5] + tm[5] * cm[3], 1), []).append(text)

        page.extract_text(visitor_text=visit)
        if not lines:
            endings.append(("", 1.0))
            continue
        lowest = min(lines)
        endings.append((" ".join(" ".join(lines[lowest]).split()), lowest / float(page.mediabox.height)))
    return endings


def stranded(endings: list[tuple[str, float]], labels: list[str]) -> list[str]:
    """Pages (but the last) that end with a caption, heading or header row: what they caption is overleaf."""
    normal = [" ".join(label.split()) for label in labels]
    found = []
    for number, (last, _blank) in enumerate(endings[:-1], start=1):
        # the whole label, or the end of one that wrapped (long enough not to be any sentence's end)
        if any(last == label or (len(last) >= 15 and (label.endswith(last) or last.endswith(label)))
               for label in normal):
            found.append(f"page {number} ends with {last!r}")
    return found


def test_a_page_that_ends_with_a_caption_or_header_row_is_stranded():
    labels = ["Every case, stage by stage", "Case Stage What is happening Decision", "Key points",
              "Side effects of surgery and the nursing care after it"]
    endings = [("the last line of text.", 0.1), ("Case Stage What is happening Decision", 0.77),
               ("and the nursing care after it", 0.5), ("Key points", 0.6), ("a sentence that ends with it", 0.2),
               ("Every case, stage by stage", 0.9)]
    # page 1 ends with text; page 2 with a header row (its rows overleaf); page 3 with the end of a
    # caption that wrapped; page 4 with a heading; page 5 with text; the last page may end with anything
    assert stranded(endings, labels) == ["page 2 ends with 'Case Stage What is happening Decision'",
                                         "page 3 ends with 'and the nursing care after it'",
                                         "page 4 ends with 'Key points'"]


def test_the_cut_check_sees_what_paper_cuts_without_the_handout_fitting(tmp_path, browser):
    """The control: the same page without the handout's print rules and chart fitting is cut."""
    path = ROOT / "notebooks" / "07_side_effects_and_supportive_care.ipynb"
    nb = export_common.read_notebook(path)
    page_html = export_common.static_html(nb, title="control")  # no HANDOUT_PRINT_CSS
    target = tmp_path / "control.html"
    target.write_text(page_html, encoding="utf-8")
    page = browser.new_page(viewport={"width": handouts.PRINT_WIDTH_PX, "height": 1100})
    try:
        export_common.block_network(page)
        page.goto(target.as_uri(), wait_until="load")
        export_common.wait_for_charts(page, export_common.chart_count(nb), target.name)
        page.emulate_media(media="print")
        cut = page.evaluate(_CUT)
    finally:
        page.close()
    assert any("runs outside its chart" in c for c in cut), cut
    assert any("cuts" in c or "ends at" in c for c in cut), cut


@pytest.mark.browser
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_printed_handout_cuts_nothing_and_strands_no_caption(path, tmp_path, browser):
    target, charts = handouts.write_html(path, tmp_path)
    page, refused = handouts.open_for_print(browser, target, charts)
    try:
        cut = page.evaluate(_CUT)
        labels = page.evaluate(_LABELS)
        text = page.inner_text("body")
        pdf = tmp_path / f"{path.stem}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True, margin=handouts.PDF_MARGIN)
    finally:
        page.close()
    assert refused == [], f"{path.name}: the handout asked the network for {refused[:3]}"
    assert cut == [], f"{path.name}: cut on paper: " + "; ".join(cut[:8])
    if path.stem != "00_start_here":  # 00 is the guide to JupyterLab itself
        asks = [p for p in ON_PAPER_NOT if p.lower() in text.lower()]
        assert asks == [], f"{path.name}: paper asks for a running notebook, a screen or a mouse: {asks}"
    endings = page_endings(pdf)
    assert stranded(endings, labels) == [], f"{path.name}: " + "; ".join(stranded(endings, labels))
    blank = [n for n, (_, b) in enumerate(endings[:-1], start=1) if b >= 0.4]
    print(f"{path.name}: {len(endings)} pages; at least 40% blank: {blank or 'none'}")
