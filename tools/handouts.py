"""Student handouts: one self-contained HTML page and one A4 PDF per notebook.

    python tools/handouts.py [--out DIR] [--no-pdf] [NOTEBOOK ...]

NOTEBOOK is a path, a slug (``01_treatment_overview``) or its number
(``01``); with none, every ``notebooks/NN_*.ipynb`` is exported.  Output goes
to ``build/handouts/`` (``NN_slug.html`` and ``NN_slug.pdf``).

* Code is hidden; the stored outputs are used (nothing is executed).
* plotly.js is inlined once in the page head, and the page loads no script
  from a CDN, so the HTML opens offline and can be e-mailed or put on a VLE.
* Knowledge-check answers stay folded (``<details>`` closed), on screen and
  in print.  The instructor version (``tools/instructor.py``) opens them.
* The PDF is printed by headless Chromium after every chart has drawn, with
  every network request refused.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from export_common import (
    BUILD_DIR,
    ExportError,
    block_network,
    chart_count,
    external_scripts,
    has_math,
    launch_chromium,
    notebook_paths,
    read_notebook,
    relative,
    relink_lessons,
    run,
    static_html,
    title_of,
    wait_for_charts,
)

OUT_DIR = BUILD_DIR / "handouts"
# A4 is 210 mm wide; with 12 mm side margins the printable width is 186 mm,
# i.e. 703 CSS px.  Laying the page out at that width means charts are drawn
# at the size they print at (plotly does not redraw for print media).
PDF_MARGIN = {"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"}
PRINT_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)


def handout_banner(title: str, source: str) -> str:
    from helpers.render import macro

    return str(macro("instructor.html.j2", "handout_banner", title, source))


def handout_html(path: Path) -> tuple[str, int]:
    """The handout page for one notebook, and the number of charts in it."""
    nb = read_notebook(path)
    relink_lessons(nb, ".html")
    title = title_of(nb, path.stem)
    page = static_html(nb, title=title, banner=handout_banner(title, f"notebooks/{path.name}"))
    leaks = external_scripts(page)
    if leaks:  # would mean a new CDN dependency crept into the template
        raise ExportError(f"{path.name}: handout would load {leaks[0]} from the network")
    return page, chart_count(nb)


def write_html(path: Path, out_dir: Path) -> tuple[Path, int]:
    page, charts = handout_html(path)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{path.stem}.html"
    target.write_text(page, encoding="utf-8")
    if has_math(read_notebook(path)):
        print(f"note: {path.name} contains TeX; the offline handout shows it as typed (no MathJax)", file=sys.stderr)
    return target, charts


def print_pdf(browser, html_file: Path, charts: int, pdf_file: Path) -> list[str]:
    """Print ``html_file`` to an A4 PDF; return any network request it made."""
    page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1100})
    try:
        refused = block_network(page)
        page.goto(html_file.as_uri(), wait_until="load")
        wait_for_charts(page, charts, html_file.name)
        page.evaluate("document.fonts.ready")
        # Knowledge-check answers stay folded on paper, whatever the page did.
        page.evaluate("document.querySelectorAll('.knowledge-check details[open]').forEach(d => d.removeAttribute('open'))")
        page.pdf(path=str(pdf_file), format="A4", print_background=True, margin=PDF_MARGIN)
    finally:
        page.close()
    return refused


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to export (default: all)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: build/handouts)")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML only (no Chromium needed)")
    args = parser.parse_args(argv)
    paths = notebook_paths(args.notebooks)

    pages = []
    for path in paths:
        start = time.perf_counter()
        target, charts = write_html(path, args.out)
        pages.append((target, charts))
        print(f"wrote {relative(target)} ({charts} charts, {time.perf_counter() - start:.1f} s)")
    if args.no_pdf:
        return 0

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for target, charts in pages:
                start = time.perf_counter()
                pdf = target.with_suffix(".pdf")
                refused = print_pdf(browser, target, charts, pdf)
                if refused:
                    raise ExportError(f"{target.name}: the page asked the network for {refused[0]}")
                print(f"wrote {relative(pdf)} ({time.perf_counter() - start:.1f} s)")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
