"""Benchmarks for the collection: prints one table of measurements and targets.

    python benchmarks/bench.py [--skip-tests] [--repeat N]

Measures (targets from the performance issue):

1. collection execution / floor: time to execute every notebook, divided by
   the time for as many fresh kernels each running only that notebook's set-up
   cell (target <= 1.5);
2. interaction latency: for every explorer and calculator a notebook shows,
   the Python-side time from a control's value change to everything it shows
   being recomputed, median and 95th percentile (targets <= 50 ms, <= 100 ms);
3. import cost of the helpers beyond ``import pandas, plotly, ipywidgets``
   (target <= 0.2 s);
4. page weight: each stored notebook and its HTML export (target <= 300 KB);
5. static render: headless Chromium, navigation to every chart drawn (<= 2 s);
6. test suite: ``pytest`` wall time as ``make test`` runs it (<= 10 min).

Timings are printed, never asserted: sizes are enforced by tests instead.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
sys.path.insert(0, str(ROOT / "tests"))

# Appended to a copy of each notebook: finds the explorers and calculators the
# notebook displayed (IPython keeps each cell's result in Out) and times value
# changes on every control, cycling through that control's choices.
PROBE = r'''
import json as _json, time as _time, itertools as _it
import ipywidgets as _w
from helpers.explorer import Explorer as _E, LiveWithStaticFace as _L

def _choices(c):
    if isinstance(c, _w.SelectMultiple):
        opts = [v for _, v in c.options] if c.options and isinstance(c.options[0], tuple) else list(c.options)
        return [tuple(x) for x in (_it.combinations(opts, 2))] + [tuple(opts)]
    if hasattr(c, "options") and c.options:
        return [o[1] if isinstance(o, tuple) else o for o in c.options]
    if isinstance(c, (_w.IntSlider, _w.FloatSlider)):
        step = (c.max - c.min) / 8
        return [c.min + step * i for i in range(9)]
    if isinstance(c, (_w.IntText, _w.FloatText, _w.BoundedIntText, _w.BoundedFloatText)):
        return [c.value * f for f in (0.5, 0.8, 1.0, 1.25, 1.5)] if c.value else [0, 1, 2]
    return []

def _controls(obj):
    if isinstance(obj, _E):
        return obj.controls
    if isinstance(obj, _L) and hasattr(obj.widget, "controls"):
        return obj.widget.controls
    return {}

_times = {}
for _n, _obj in sorted(Out.items()):
    for _name, _c in _controls(_obj).items():
        _orig = _c.value
        _vals = [v for v in _choices(_c) if v != _orig][:12]
        _label = f"{getattr(_obj, 'title', type(_obj).__name__)} / {_name}"
        for _rep in range(3):
            for _v in _vals + [_orig]:
                _t = _time.perf_counter()
                try:
                    _c.value = _v
                except Exception:
                    continue
                _times.setdefault(_label, []).append(_time.perf_counter() - _t)
print("BENCH" + _json.dumps(_times))
'''


def execute(nb: nbformat.NotebookNode) -> float:
    client = NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def setup_only(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    nb.cells = [first]
    return nb


def measure_execution_and_latency() -> tuple[float, float, dict[str, list[float]]]:
    full, floor, latencies = 0.0, 0.0, {}
    execute(setup_only(NOTEBOOKS[0]))  # warm-up: disk caches, byte-compiled modules
    for path in NOTEBOOKS:
        floor += execute(setup_only(path))
        nb = nbformat.read(path, as_version=4)
        full += execute(nb)
        probe = nbformat.read(path, as_version=4)
        probe.cells.append(nbformat.v4.new_code_cell(PROBE))
        execute(probe)
        for output in probe.cells[-1].outputs:
            text = output.get("text", "")
            if text.startswith("BENCH"):
                for label, values in json.loads(text[5:]).items():
                    latencies[f"{path.stem[:2]} {label}"] = values
    return full, floor, latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure_import(repeat: int) -> tuple[float, float, float]:
    """Median seconds: importing every helpers module; setup(); and, in a
    separate process, importing plotly.io's renderer module alone (which
    imports nbformat and, through jsonschema, builds rfc3987-syntax's grammar:
    a cost any notebook that displays a plotly figure pays)."""
    modules = sorted(p.stem for p in (ROOT / "src" / "helpers").glob("*.py") if p.stem != "__init__")
    code = (
        "import time, pandas, plotly.graph_objects, plotly.express, ipywidgets\n"
        "t = time.perf_counter()\n"
        f"import helpers, {', '.join('helpers.' + m for m in modules)}\n"
        "t1 = time.perf_counter()\n"
        "helpers.setup()\n"
        "print(t1 - t, time.perf_counter() - t1)\n"
    )
    baseline = (
        "import time, pandas, plotly.graph_objects, plotly.express, ipywidgets\n"
        "t = time.perf_counter()\n"
        "import plotly.io._renderers\n"
        "print(time.perf_counter() - t)\n"
    )
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(repeat)]
    renderers = [float(subprocess.run([sys.executable, "-c", baseline], capture_output=True, text=True,
                                      check=True).stdout) for _ in range(repeat)]
    return (statistics.median(float(r[0]) for r in runs), statistics.median(float(r[1]) for r in runs),
            statistics.median(renderers))


def measure_pages() -> list[tuple[str, int, int, float | None]]:
    """Per notebook: .ipynb size, HTML export size, render time.

    Two floor rows come first: an empty notebook's HTML export (nbconvert's
    template and CSS alone) and the time to load plotly.js into a blank page.
    """
    from test_render import CHROMIUM, CHROMIUM_ARGS, export_html, local_assets, serve_offline

    from helpers.plotting import PLOTLY_CDN_URL

    out = ROOT / "build" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    empty = out / "empty.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), empty)
    blank = out / "plotly_only.html"
    blank.write_text(f'<html><body><script src="{PLOTLY_CDN_URL}"></script></body></html>')
    rows = []
    have_browser = Path(CHROMIUM).exists()
    browser = playwright = None
    if have_browser:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    empty_html, _ = export_html(empty, out)
    floor_render = None
    if browser is not None:
        times = []
        for _ in range(3):
            page = browser.new_page()
            serve_offline(page, local_assets())
            start = time.perf_counter()
            page.goto(blank.as_uri(), wait_until="load")
            page.wait_for_function("window.Plotly !== undefined", timeout=60_000)
            times.append(time.perf_counter() - start)
            page.close()
        floor_render = statistics.median(times)
    rows.append(("floor: empty notebook / plotly.js alone", 0, empty_html.stat().st_size, floor_render))
    for path in NOTEBOOKS:
        html, charts = export_html(path, out)
        render = None
        if browser is not None:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            serve_offline(page, local_assets())
            start = time.perf_counter()
            page.goto(html.as_uri(), wait_until="load")
            page.wait_for_function(
                f"document.querySelectorAll('.plotly-graph-div .main-svg').length >= {charts}", timeout=60_000)
            render = time.perf_counter() - start
            page.close()
        rows.append((path.stem, path.stat().st_size, html.stat().st_size, render))
    if browser is not None:
        browser.close()
        playwright.stop()
    return rows


def measure_tests() -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadfile", "-p", "no:cacheprovider",
         "--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "tests", "notebooks"],
        cwd=ROOT, capture_output=True, check=False,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument("--repeat", type=int, default=5, help="import-time repetitions")
    args = parser.parse_args()
    os.environ.setdefault("IPYTHONDIR", str(ROOT / "tests" / "offline_ipython"))

    rows: list[tuple[str, str, str, str]] = []

    def add(what: str, value: str, target: str, ok: bool | None) -> None:
        rows.append((what, value, target, "" if ok is None else ("ok" if ok else "MISSED")))

    full, floor, latencies = measure_execution_and_latency()
    add("collection execution (s)", f"{full:.1f}", "", None)
    add(f"floor: {len(NOTEBOOKS)} set-up cells (s)", f"{floor:.1f}", "", None)
    add("execution / floor", f"{full / floor:.2f}", "<= 1.5", full / floor <= 1.5)
    for label, values in sorted(latencies.items()):
        med, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
        add(f"latency {label} (ms, n={len(values)})", f"{med:.1f} / {p95:.1f}", "<= 50 / <= 100",
            med <= 50 and p95 <= 100)
    imp, setup_s, renderers_s = measure_import(args.repeat)
    add("helpers import beyond pandas+plotly+ipywidgets (s)", f"{imp:.3f}", "<= 0.2", imp <= 0.2)
    add("helpers.setup() (s)", f"{setup_s:.3f}", "", None)
    add("  of which plotly.io renderers import (s)", f"{renderers_s:.3f}", "", None)
    for stem, ipynb, html, render in measure_pages():
        if stem.startswith("floor"):
            add("floor: HTML export of an empty notebook (KB)", f"{html / 1024:.0f}", "", None)
            if render is not None:
                add("floor: loading plotly.js into a blank page (s)", f"{render:.2f}", "", None)
            continue
        add(f"{stem}.ipynb (KB)", f"{ipynb / 1024:.0f}", "<= 300", ipynb <= 300 * 1024)
        add(f"{stem}.html export (KB)", f"{html / 1024:.0f}", "<= 300", html <= 300 * 1024)
        if render is not None:
            add(f"{stem} static render (s)", f"{render:.2f}", "<= 2", render <= 2)
    if not args.skip_tests:
        suite = measure_tests()
        add("test suite wall time (s)", f"{suite:.0f}", "<= 600", suite <= 600)

    width = max(len(r[0]) for r in rows)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    print(f"{'measurement':<{width}}  {'value':>15}  {'target':>15}  result")
    for what, value, target, result in rows:
        print(f"{what:<{width}}  {value:>15}  {target:>15}  {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
