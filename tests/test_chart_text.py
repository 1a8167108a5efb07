"""Text inside the stored charts reads like a person wrote it.

Hover labels and marker labels are what a student reads when pointing at a
chart (JupyterLab, nbviewer, HTML handouts).  Checked on every chart stored
in the built notebooks, including every option of a chart's dropdown:

- no d3 ``g`` number format without ``~`` (``%{y:g}`` showed "8.00000 Gy");
- no raw floats with long tails in the data a label shows (customdata, text);
- no "(s)" plurals ("1 fraction(s)"): say "1 fraction", "2 fractions".
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

UNTRIMMED_G = re.compile(r"%\{[^}:]+:[^}~]*g\}")
PLURAL_S = re.compile(r"\w\(s\)")


def charts(path: Path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            spec = output.get("data", {}).get("application/vnd.plotly.v1+json")
            if spec:
                yield index, spec


def _flat(value):
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flat(item)
    elif isinstance(value, dict):
        # plotly JSON may store numeric arrays typed: {"dtype": ..., "bdata": ...}; those are axis values.
        return
    else:
        yield value


def long_float(value) -> bool:
    """A float a reader would see with more than two decimals (0.30000000000000004, 8.33333)."""
    return isinstance(value, float) and value != round(value, 2)


def problems_in(spec: dict) -> list[str]:
    found = []
    for trace in spec.get("data", []):
        name = trace.get("name") or trace.get("type")
        templates = [trace.get("hovertemplate"), trace.get("texttemplate")]
        templates = [t for tpl in templates for t in (tpl if isinstance(tpl, list) else [tpl]) if t]
        for template in templates:
            if UNTRIMMED_G.search(template):
                found.append(f"{name}: number format without '~' in {template!r}")
            if PLURAL_S.search(template):
                found.append(f"{name}: '(s)' plural in {template!r}")
        for field in ("customdata", "text", "hovertext"):
            for value in _flat(trace.get(field)):
                if long_float(value):
                    found.append(f"{name}: {field} shows a raw float {value!r}")
                if isinstance(value, str) and PLURAL_S.search(value):
                    found.append(f"{name}: '(s)' plural in {field} {value!r}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_chart_labels_are_formatted_for_reading(path):
    problems = [f"cell {index}: {p}" for index, spec in charts(path) for p in problems_in(spec)]
    assert problems == [], f"{path.name}: " + "; ".join(sorted(set(problems))[:10])


def test_the_checks_catch_the_defects_they_are_for():
    bad = {"data": [{"type": "scatter", "hovertemplate": "%{x} fraction(s) of %{y:g} Gy",
                     "customdata": [[8.333333]], "text": ["2 side effect(s)"]}]}
    assert len(problems_in(bad)) == 4
    good = {"data": [{"type": "scatter", "hovertemplate": "%{x:.1f} Gy, %{y:~g}", "customdata": [["8 Gy", 2.5]],
                      "text": ["2 fractions"]}]}
    assert problems_in(good) == []
