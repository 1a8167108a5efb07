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

# Paper only (issue 22, items 10-12): a table is as wide as the page and wraps its
# cells (the screen's per-cell 28em cap made wide tables overflow the output
# area, which clips); a caption and a table's header row stay with its first
# row, and a heading with what follows it; a row may split across pages
# rather than leave half a page blank; the
# controls of the static page (a chart's menu, "the chart as text") and the
# sentences about a screen or a running notebook (classes spine-screen-only
# and spine-live-only in the lessons' text) are not printed: on paper the
# tables of the lesson carry the other choices.
HANDOUT_PRINT_CSS = """
@media print {
  .jp-OutputArea-output { overflow: visible !important; }
  .jp-OutputArea-output table { width: 100% !important; table-layout: auto !important; }
  .jp-OutputArea-output td, .jp-OutputArea-output th { max-width: none !important; overflow-wrap: anywhere; }
  .jp-OutputArea-output tr { break-inside: auto; }
  .jp-OutputArea-output thead, .jp-OutputArea-output tbody tr:first-child { break-before: avoid; break-inside: avoid; }
  caption { break-after: avoid; }
  /* a Markdown cell that ends with its heading ("## Key points") stays with the next cell; the
     lab template lays a cell out as a table, which would stop the heading's break-after at it */
  .jp-MarkdownCell .jp-InputArea, .jp-MarkdownCell .jp-RenderedMarkdown { display: block !important; }
  .jp-MarkdownCell:has(h1:last-child, h2:last-child, h3:last-child, h4:last-child) { break-after: avoid; }
  .jp-MarkdownCell:has(h1:last-child, h2:last-child, h3:last-child, h4:last-child) + .jp-Cell,
  .jp-MarkdownCell:has(h1:last-child, h2:last-child, h3:last-child, h4:last-child) + .jp-Cell .jp-OutputArea-child:first-child { break-before: avoid; }
  .spine-chart-control, .spine-chart-text, .spine-screen-only, .spine-live-only { display: none !important; }
}
"""

# Run in the page, emulated for print, before it is printed: fits every chart's
# text inside the chart at the printed width.  A chart laid out for a wide
# screen and drawn 657 px wide runs its long notes, axis titles, legend and bar
# labels past its edges, where paper cuts them.  Each round: a note
# (annotation) wider than the chart is re-wrapped onto more lines, and one that
# sticks out is shifted back in; a title wider than the chart gets a smaller
# font; what else sticks out (tick and bar labels, the legend) makes that
# margin grow, and the chart's height grows with its top and bottom margins,
# so the plot keeps its size.  Where wider side margins would leave the plot
# less than half the chart (or plotly caps them), every text of the chart
# becomes a little smaller instead, round by round.
FIT_CHARTS_JS = r"""async () => {
  const titleSize = {'xtitle': 'xaxis.title.font.size', 'ytitle': 'yaxis.title.font.size', 'gtitle': 'title.font.size',
                     'legendtext': 'legend.font.size'};
  const wrap = (text, chars) => text.split(/<br\s*\/?>/i).map(line => {
    const out = []; let current = '';
    for (const word of line.split(' ')) {
      const plain = (current + ' ' + word).replace(/<[^>]+>/g, '');
      if (current && plain.length > chars) { out.push(current); current = word; } else { current = current ? current + ' ' + word : word; }
    }
    out.push(current); return out.join('<br>');
  }).join('<br>');
  const charts = Array.from(document.querySelectorAll('.plotly-graph-div'));
  for (const gd of charts) {
    await window.Plotly.Plots.resize(gd);
    for (let round = 0; round < 12; round++) {
      const box = gd.querySelector('.main-svg').getBoundingClientRect();
      const full = gd._fullLayout;
      const update = {};
      let left = 0, right = 0, top = 0, bottom = 0;
      gd.querySelectorAll('.main-svg text').forEach(t => {
        const r = t.getBoundingClientRect();
        if (!r.width || !t.textContent.trim()) return;
        const cls = (t.getAttribute('class') || '').split(' ')[0];
        const out = {left: box.left - r.left, right: r.right - box.right};
        const note = cls === 'annotation-text' && t.closest('.annotation');
        if (note) {
          const i = note.getAttribute('data-index');
          const spec = gd.layout.annotations[i];
          if (r.width > box.width - 16) {
            // the box is as wide as the longest line: characters per line that fit
            const longest = Math.max(...(spec.text || '').split(/<br\s*\/?>/i).map(l => l.replace(/<[^>]+>/g, '').length));
            const chars = Math.max(12, Math.floor(longest * (box.width - 24) / r.width));
            const wrapped = wrap(spec.text || '', chars);
            if (wrapped !== spec.text) {
              update[`annotations[${i}].text`] = wrapped;
              update[`annotations[${i}].xshift`] = 0;  // placed afresh once wrapped
            } else {  // a line that cannot wrap: a smaller font
              const size = parseFloat(getComputedStyle(t).fontSize) || 12;
              update[`annotations[${i}].font.size`] = Math.max(8, Math.floor(size * (box.width - 16) / r.width));
            }
          } else if (out.right > 0.5 || out.left > 0.5) {
            update[`annotations[${i}].xshift`] = (spec.xshift || 0) + (out.left > 0.5 ? Math.ceil(out.left) + 2 : -Math.ceil(out.right) - 2);
          }
          top = Math.max(top, box.top - r.top);
          bottom = Math.max(bottom, r.bottom - box.bottom);
          return;
        }
        if (cls in titleSize && (r.width > box.width - 8 || (cls === 'legendtext' && out.right > 0.5))) {
          const size = parseFloat(getComputedStyle(t).fontSize) || 12;
          update[titleSize[cls]] = Math.max(8, Math.floor(size * Math.min(0.92, (box.width - 8) / r.width)));
          return;
        }
        left = Math.max(left, out.left);
        right = Math.max(right, out.right);
        top = Math.max(top, box.top - r.top);
        bottom = Math.max(bottom, r.bottom - box.bottom);
      });
      const over = v => v > 0.5;
      if (!Object.keys(update).length && ![left, right, top, bottom].some(over)) break;
      // what sticks out may be placed by the plot's size (ticks) or the page's (a legend at
      // x = 1.02): grow the margin by more than the overflow, so both come in
      const grow = v => Math.ceil(v * 1.5) + 4;
      const m = full._size;  // the margins as drawn (automargin may have widened them)
      const l = over(left) ? m.l + grow(left) : m.l, rr = over(right) ? m.r + grow(right) : m.r;
      if (round >= 6 || l + rr > 0.55 * box.width) {
        // margins would leave too small a plot (or plotly caps them): every text a little smaller
        update['font.size'] = Math.max(9, Math.floor((full.font.size || 14) * 0.9));
      } else {
        if (over(left)) update['margin.l'] = l;
        if (over(right)) update['margin.r'] = rr;
      }
      if (over(top)) update['margin.t'] = m.t + grow(top);
      if (over(bottom)) update['margin.b'] = m.b + grow(bottom);
      if (over(top) || over(bottom)) {
        update['height'] = full.height + (over(top) ? grow(top) : 0) + (over(bottom) ? grow(bottom) : 0);
        gd.style.height = update['height'] + 'px';
      }
      await window.Plotly.relayout(gd, update);
    }
  }
  return charts.length;
}"""


def handout_banner(title: str, source: str) -> str:
    from helpers.render import macro

    return str(macro("instructor.html.j2", "handout_banner", title, source))


def handout_html(path: Path) -> tuple[str, int]:
    """The handout page for one notebook, and the number of charts in it."""
    nb = read_notebook(path)
    relink_lessons(nb, ".html")
    title = title_of(nb, path.stem)
    page = static_html(nb, title=title, banner=handout_banner(title, f"notebooks/{path.name}"),
                       extra_css=HANDOUT_PRINT_CSS)
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


def open_for_print(browser, html_file: Path, charts: int):
    """``html_file`` in a page laid out as it prints: print media, charts fitted to the paper.

    Returns (page, refused network requests).  The caller closes the page.
    """
    page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1100})
    refused = block_network(page)
    page.goto(html_file.as_uri(), wait_until="load")
    wait_for_charts(page, charts, html_file.name)
    page.evaluate("document.fonts.ready")
    page.emulate_media(media="print")
    # Knowledge-check answers stay folded on paper, whatever the page did.
    page.evaluate("document.querySelectorAll('.knowledge-check details[open]').forEach(d => d.removeAttribute('open'))")
    page.evaluate(FIT_CHARTS_JS)
    return page, refused


def print_pdf(browser, html_file: Path, charts: int, pdf_file: Path) -> list[str]:
    """Print ``html_file`` to an A4 PDF; return any network request it made."""
    page, refused = open_for_print(browser, html_file, charts)
    try:
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
