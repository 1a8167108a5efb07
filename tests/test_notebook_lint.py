"""Static checks of the stored notebooks: what nbviewer will show.

The stored notebook IS the page for an nbviewer reader, so these checks read
the committed .ipynb files (nbval checks separately that they are current).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import pytest

from helpers.course import LESSONS, navigation_markdown
from helpers.plotting import accessibility_problems

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# 340 KiB: every chart now carries its text alternative (a description and its data as tables, WCAG 2.1 AA
# 1.1.1), which adds 15-40 KB to a chart-heavy lesson. 360 KiB since the review rounds of issue 18 gave the
# bone-modifying drugs their own tables and chart rows in 06 (352 KB); the collection as a whole stays under 3 MiB.
MAX_BYTES = 360 * 1024
MAX_TOTAL_BYTES = 3 * 1024 * 1024
MAX_CODE_LINES = 6

# Headings every lesson has (the lesson skeleton in shared/conventions.md).
LESSON_SECTIONS = (
    "Learning objectives",
    "Nursing considerations",
    "Patient teaching points",
    "Knowledge check",
    "Key points",
    "References",
)
NOTICE = re.compile(r"not medical advice", re.I)
ABSOLUTE_PATH = re.compile(r"(?<![\w/.])(/work/|/home/|/root/|/tmp/|/usr/|[A-Z]:\\\\)")


def ids(paths):
    return [p.stem for p in paths]


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def headings(nb):
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        in_fence = False
        for line in cell.source.splitlines():
            if line.startswith("```"):
                in_fence = not in_fence
            match = re.match(r"(#{1,6})\s+(.*)", line)
            if match and not in_fence:
                yield len(match[1]), match[2].strip()


def test_every_lesson_in_the_course_table_that_exists_is_checked():
    assert NOTEBOOKS, "no notebooks found"
    known = {lesson.filename for lesson in LESSONS}
    for path in NOTEBOOKS:
        assert path.name in known, f"{path.name} is not listed in helpers/course.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
class TestNotebook:
    def test_exactly_one_h1_and_headings_in_order(self, path):
        levels = [level for level, _ in headings(read(path))]
        assert levels.count(1) == 1, f"{path.name}: {levels.count(1)} H1 headings"
        assert levels[0] == 1, f"{path.name}: the first heading must be the H1 title"
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{path.name}: heading level jumps from {before} to {after}"

    def test_has_the_lesson_skeleton(self, path):
        nb = read(path)
        titles = [title for _, title in headings(nb)]
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert NOTICE.search(text), f"{path.name}: no educational-use notice ('not medical advice')"
        if path.stem == "00_start_here":
            return
        for section in LESSON_SECTIONS:
            assert any(t.lower().startswith(section.lower()) for t in titles), f"{path.name}: no '{section}' section"

    def test_navigation_cells_are_current(self, path):
        nb = read(path)
        nav = [c for c in nb.cells if "navigation" in c.metadata.get("tags", [])]
        assert len(nav) == 2, f"{path.name}: needs a navigation cell at the top and at the bottom"
        assert nb.cells.index(nav[0]) <= 1 and nb.cells.index(nav[1]) == len(nb.cells) - 1
        expected = navigation_markdown(path.stem)
        for cell in nav:
            assert cell.source == expected, f"{path.name}: navigation is stale; run make notebooks"

    def test_executed_in_order_without_errors(self, path):
        nb = read(path)
        code = [c for c in nb.cells if c.cell_type == "code"]
        counts = [c.execution_count for c in code]
        assert counts == list(range(1, len(code) + 1)), f"{path.name}: not executed top to bottom: {counts}"
        for index, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []):
                assert output.output_type != "error", f"{path.name}: cell {index} holds an error"
                assert output.get("name") != "stderr", f"{path.name}: cell {index} wrote to stderr"
        assert "widgets" not in nb.metadata, f"{path.name}: widget state is stored (static pages would show dead controls)"
        assert '"output_type": "error"' not in json.dumps(nb.metadata)

    def test_code_cells_are_short(self, path):
        for index, cell in enumerate(read(path).cells):
            if cell.cell_type == "code":
                lines = [line for line in cell.source.splitlines() if line.strip()]
                assert len(lines) <= MAX_CODE_LINES, f"{path.name}: cell {index} has {len(lines)} lines"

    def test_no_absolute_paths(self, path):
        text = path.read_text(encoding="utf-8")
        match = ABSOLUTE_PATH.search(text)
        assert not match, f"{path.name}: absolute path {text[match.start():match.start() + 40]!r}"

    def test_size(self, path):
        assert path.stat().st_size <= MAX_BYTES, f"{path.name}: {path.stat().st_size // 1024} KB"

    def test_every_chart_draws_statically_and_is_labelled(self, path):
        for index, cell in enumerate(read(path).cells):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "application/vnd.plotly.v1+json" in data:
                    assert "text/html" in data, f"{path.name}: cell {index} chart has no HTML face"
                    spec = data["application/vnd.plotly.v1+json"]
                    fig = go.Figure({"data": spec.get("data", []), "layout": spec.get("layout", {})})
                    problems = accessibility_problems(fig)
                    assert not problems, f"{path.name}: cell {index} chart: {', '.join(problems)}"


def test_collection_weight():
    total = sum(p.stat().st_size for p in NOTEBOOKS)
    assert total <= MAX_TOTAL_BYTES, f"notebooks weigh {total // 1024} KB together"
