"""reveal.js slides (tools/slides.py): slide types from headings, charts draw.

The slide page loads reveal.js, jQuery, require.js and MathJax from CDNs.
Offline, the test serves require.js, jQuery and MathJax from the nbclassic
wheel and plotly.js from the plotly wheel.  No wheel among the project's
dependencies ships reveal.js, so its URLs get a tiny AMD stub (charts drawing
does not depend on reveal.js); set REVEAL_JS_DIR to an unpacked reveal.js
4.x package (``npm pack reveal.js@4.0.2``) to run the check with the real one.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import export_common  # noqa: E402
import slides  # noqa: E402
from test_handouts import browser, chart_notebook  # noqa: E402,F401  (shared fixture)

START = ROOT / "notebooks" / "00_start_here.ipynb"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REVEAL_PREFIX = "https://unpkg.com/reveal.js@4.0.2/"


def top_level_slides(page: str) -> list:
    soup = BeautifulSoup(page, "html.parser")
    return soup.select_one("div.slides").find_all("section", recursive=False)


def section_heading(section) -> str:
    heading = section.find(["h1", "h2", "h3"])
    return heading.get_text(strip=True).rstrip("¶") if heading else ""


def test_slide_types_follow_headings():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    tagged = new_markdown_cell("Previous | Next")
    tagged.metadata["tags"] = ["navigation"]
    chart = new_code_cell("overview.chart()")
    chart.outputs = [new_output("execute_result", data={"text/plain": "x"}, execution_count=1)]
    authored = new_markdown_cell("Speaker's own choice")
    authored.metadata["slideshow"] = {"slide_type": "notes"}
    nb = new_notebook(cells=[
        tagged,
        new_markdown_cell("# Title\n\nPurpose."),
        new_code_cell("from helpers import setup\nsetup()"),
        new_markdown_cell("## Section\n\nText.\n\n### Detail\n\nMore."),
        chart,
        new_markdown_cell("**What to notice:** something."),
        authored,
    ])
    types = [(c.source.splitlines()[0] if c.source else "", c.metadata["slideshow"]["slide_type"])
             for c in slides.with_slide_types(nb).cells]
    assert types == [
        ("Previous | Next", "skip"),
        ("# Title", "slide"),
        ("from helpers import setup", "skip"),
        ("## Section", "slide"),
        ("### Detail", "subslide"),
        ("overview.chart()", "-"),
        ("**What to notice:** something.", "fragment"),
        ("Speaker's own choice", "notes"),
    ]


def test_one_slide_per_h2_and_no_code(tmp_path):
    before = hashlib.sha256(START.read_bytes()).hexdigest()
    page = slides.slides_html(START)
    assert hashlib.sha256(START.read_bytes()).hexdigest() == before, "the notebook file was changed"
    nb = export_common.read_notebook(START)
    h2 = [text for level, text in export_common.headings(nb) if level == 2]
    h1 = [text for level, text in export_common.headings(nb) if level == 1]
    sections = top_level_slides(page)
    assert len(sections) == len(h1) + len(h2)
    assert [section_heading(s) for s in sections] == h1 + h2
    assert "jp-InputArea-editor" not in page.split("<body", 1)[1]


def test_unknown_notebook_is_one_line(capsys):
    assert export_common.run(slides.main, ["--out", "/nonexistent-never-written", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown notebook 'nope'" in err


def offline_routes() -> dict:
    import nbclassic
    from export_common import plotly_bundle_file

    from helpers.plotting import PLOTLY_CDN_URL

    components = Path(nbclassic.__file__).parent / "static" / "components"
    plotly_js = plotly_bundle_file()
    reveal_dir = Path(os.environ.get("REVEAL_JS_DIR", "/nonexistent"))

    def file(path: Path, ctype: str = "application/javascript"):
        return lambda route: route.fulfill(path=str(path), content_type=ctype,
                                           headers={"Access-Control-Allow-Origin": "*"})

    def text(body: str, ctype: str):
        return lambda route: route.fulfill(body=body, content_type=ctype)

    def folder(base: Path, prefix: str):
        def handle(route):
            target = base / route.request.url[len(prefix):].split("?")[0]
            if not target.is_file():
                return route.abort()
            ctype = "text/css" if target.suffix == ".css" else "application/javascript"
            return route.fulfill(path=str(target), content_type=ctype, headers={"Access-Control-Allow-Origin": "*"})
        return handle

    def reveal_stub(route):
        url = route.request.url
        if url.endswith(".css"):
            return route.fulfill(body="", content_type="text/css")
        api = ("{initialize: function () {}, addEventListener: function () {},"
               " getCurrentSlide: function () { return document.body; }}")
        return route.fulfill(body=f"define(function () {{ return {api}; }});", content_type="application/javascript")

    reveal = folder(reveal_dir, REVEAL_PREFIX) if (reveal_dir / "dist" / "reveal.js").is_file() else reveal_stub
    return {
        PLOTLY_CDN_URL: file(plotly_js),
        "https://cdnjs.cloudflare.com/ajax/libs/require.js/": file(components / "requirejs" / "require.js"),
        "https://cdnjs.cloudflare.com/ajax/libs/jquery/": file(components / "jquery" / "jquery.min.js"),
        "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js": file(components / "MathJax" / "MathJax.js"),
        "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/": folder(components / "MathJax",
                                                                      "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/"),
        "https://cdnjs.cloudflare.com/ajax/libs/mermaid/": text("export default {initialize() {}};", "application/javascript"),
        "https://fonts.googleapis.com/": text("", "text/css"),
        REVEAL_PREFIX: reveal,
    }


def assert_charts_draw(browser, path: Path, out_dir: Path) -> None:
    target = out_dir / f"{path.stem}{slides.SUFFIX}"
    target.write_text(slides.slides_html(path), encoding="utf-8")
    charts = export_common.chart_count(export_common.read_notebook(path))
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    refused = export_common.block_network(page, offline_routes())
    page.goto(target.as_uri(), wait_until="load")
    export_common.wait_for_charts(page, charts, target.name)
    assert page.locator(".plotly-graph-div").count() == charts
    page.close()
    assert refused == [], f"{path.name}: unexpected requests {refused[:3]}"
    assert errors == [], f"{path.name}: page errors {errors}"


@pytest.mark.browser
def test_charts_draw_in_slides(tmp_path, browser):  # noqa: F811
    path = chart_notebook(tmp_path)
    page = slides.slides_html(path)
    assert len(top_level_slides(page)) == 1 + 3  # the title, two chart sections, the knowledge check
    assert_charts_draw(browser, path, tmp_path)


CHART_NOTEBOOKS = [p for p in NOTEBOOKS if export_common.chart_count(export_common.read_notebook(p))]


@pytest.mark.browser
@pytest.mark.skipif(not CHART_NOTEBOOKS, reason="no notebook in notebooks/ has a chart yet")
def test_charts_draw_in_a_lesson(tmp_path, browser):  # noqa: F811
    assert_charts_draw(browser, min(CHART_NOTEBOOKS, key=lambda p: p.stat().st_size), tmp_path)
