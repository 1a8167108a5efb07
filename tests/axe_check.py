"""axe-core in a Playwright page, and the keyboard check of chart menus (issue 22, items 15-16).

Shared by tests/test_render.py (nbconvert's export, the page it already has
open) and tests/test_accessibility.py (the page styled as nbviewer styles it).

:func:`violations` injects axe-core (``tools/axe``, ``make axe``) and returns
the serious and critical violations split into the collection's own content
(what a lesson's cells render: Markdown and outputs) and the template's (input
prompts, code highlighting, the page frame), each also written to
``build/accessibility/``.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = ROOT / "build" / "accessibility"
FAILING = {"serious", "critical"}
#: The collection's own content: what the cells render.
OWN = ".jp-OutputArea-output, .jp-RenderedMarkdown, .jp-MarkdownOutput, .output_area, .text_cell_render"

_AXE_RUN = r"""async (own) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => {
      const el = document.querySelector(n.target.join(' '));
      return {target: n.target.join(' '), html: n.html.slice(0, 200), own: !!(el && el.closest(own))};
    }),
  }));
}"""


def axe_missing() -> str | None:
    return None if AXE.is_file() else f"{AXE.relative_to(ROOT)} is missing: run 'make axe' (make test does)"


def violations(page, report: str) -> tuple[list[dict], list[dict]]:
    """(own, template): the page's serious and critical violations by where their elements are.

    ``report`` names the JSON file written to build/accessibility/.
    """
    page.add_script_tag(path=str(AXE))
    own, template = [], []
    for v in page.evaluate(_AXE_RUN, OWN):
        if v["impact"] not in FAILING:
            continue
        for node in v["nodes"]:
            (own if node["own"] else template).append({"rule": v["id"], "impact": v["impact"], "help": v["help"],
                                                       "target": node["target"], "html": node["html"]})
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{report}.json").write_text(json.dumps({"own": own, "template": template}, indent=1,
                                                       ensure_ascii=False), encoding="utf-8")
    return own, template


def describe(found: list[dict]) -> str:
    return "; ".join(f"{v['rule']}: {v['html'][:120]}" for v in found[:6])


def chart_menus_work_from_the_keyboard(page) -> list[str]:
    """Every chart menu (a native control under the chart's title): Tab reaches it, an arrow
    key changes the chart.  Returns what did not work."""
    problems = []
    if page.evaluate("document.querySelectorAll('.plotly-graph-div .updatemenu-button').length"):
        problems.append("plotly's own drop-down is drawn on the static page (a mouse-only second control)")
    menus = page.locator("figure.spine-chart select")
    title = "el => el.closest('figure').querySelector('.gtitle').textContent"
    for index in range(menus.count()):
        menu = menus.nth(index).element_handle()
        if not page.evaluate("el => el.labels.length && el.labels[0].textContent.trim()", menu):
            problems.append(f"chart menu {index} has no label")
        before = page.evaluate(title, menu)
        # arrive by Tab from just before it, as a keyboard user does
        page.evaluate("el => { const b = document.createElement('button'); b.id = 'kbd-start'; el.before(b); b.focus(); }",
                      menu)
        page.keyboard.press("Tab")
        if not page.evaluate("el => document.activeElement === el", menu):
            problems.append(f"Tab does not reach chart menu {index}")
        page.keyboard.press("ArrowDown")
        try:
            page.wait_for_function(f"el => ({title})(el) !== {json.dumps(before)}", arg=menu, timeout=5_000)
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError, reported as a finding
            problems.append(f"chart menu {index}: an arrow key did not change the chart ({before!r})")
        page.evaluate("() => document.getElementById('kbd-start').remove()")
    return problems
