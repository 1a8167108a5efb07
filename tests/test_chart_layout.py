"""Chart layout that a reader can check by eye: no empty rows, labels clear of lines.

Covers issue 12 defects 6, 7 and 9 at the level of the figure objects; the
screenshots (nbconvert HTML, JupyterLab) show the rest.
"""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from helpers import overview


def _menu_states(fig: go.Figure):
    """(label, visible trace indices, layout) for each option of a chart's dropdown, or the chart itself."""
    menus = fig.layout.updatemenus
    if not menus:
        yield "chart", list(range(len(fig.data))), fig.layout
        return
    for button in menus[0].buttons:
        restyle, relayout = button.args
        visible = [i for i, v in enumerate(restyle["visible"]) if v]
        layout = go.Layout(fig.layout)
        layout.update(relayout)
        yield button.label, visible, layout


def _categories_without_points(fig: go.Figure, axis: str):
    for label, visible, layout in _menu_states(fig):
        on_axis = list(layout[f"{axis}axis"].categoryarray or [])
        shown = {v for i in visible for v in (getattr(fig.data[i], axis) or ())}
        yield label, [c for c in on_axis if c not in shown]


@pytest.mark.parametrize("build, axis", [
    (overview.invasiveness_goals_chart, "y"),
    (overview.goals_chart, "y"),
    (overview.goals_chart, "x"),
    (overview.invasiveness_chart, "y"),
], ids=["invasiveness_goals", "goals_by_goal", "goals_by_treatment", "invasiveness"])
def test_every_category_on_an_axis_has_a_point(build, axis):
    empty = {label: cats for label, cats in _categories_without_points(build(), axis) if cats}
    assert empty == {}, f"categories on the {axis}-axis with no point: {empty}"


def test_invasiveness_goals_shows_every_goal_some_form_serves():
    fig = overview.invasiveness_goals_chart()
    _label, _visible, layout = next(_menu_states(fig))
    assert {"Diagnosis", "Pain relief", "Stabilisation"} <= set(layout.yaxis.categoryarray)


def test_goal_names_read_horizontally():
    fig = overview.goals_chart()
    # Goals (long names) on the y-axis, horizontal; treatments across the top.
    assert "Response monitoring" in fig.layout.yaxis.categoryarray
    assert fig.layout.xaxis.tickangle in (None, 0)
    levels = overview.invasiveness_chart().layout.xaxis
    assert levels.tickangle == 0 and all(len(line) <= 18 for t in levels.ticktext for line in t.split("<br>"))


@pytest.mark.parametrize("days", [0, 14, 21, 27, 28, 42, 56, 84])
def test_bevacizumab_day0_line_never_runs_through_the_plan_label(days):
    from helpers import targeted

    fig = targeted.surgery_timeline(days)
    rows = list(fig.layout.yaxis.categoryarray)
    plan_row = rows.index(targeted.PLAN_ROW)
    lines = [s for s in fig.layout.shapes if s.type == "line" and s.x0 == 0 == s.x1]
    assert len(lines) == 1, "one dashed day-0 line"
    low, high = sorted((lines[0].y0, lines[0].y1))
    assert not (low <= plan_row <= high), "the day-0 line crosses the plan's row, where its label is"
    plan = [t for t in fig.data if t.type == "scatter"][0]
    # The label sits beside the marker, on the side away from day 0 for short gaps.
    assert plan.textposition == ("middle right" if days >= 28 else "middle left")


def test_horizontal_legends_put_their_title_above_the_entries():
    """Beside the entries, a legend title pushed them to the chart's right edge (01, 04, 08)."""
    from helpers import cases, radiation, side_effects, surgery

    figures = [overview.invasiveness_goals_chart(), radiation.fraction_map(), radiation.eqd2_chart(10.0),
               cases.timeline_chart(), surgery.mis_evidence_chart(), side_effects.frequency_chart("chemotherapy"),
               side_effects.onset_days_chart()]
    for fig in figures:
        legend = fig.layout.legend
        if legend.orientation == "h" and legend.title and legend.title.text:
            assert legend.title.side == "top", f"{fig.layout.title.text}: legend title beside its entries"
