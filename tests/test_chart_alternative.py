"""Every chart's text alternative: a description and its data as tables (issue 22, item 14).

The rule (helpers.chart_data) is checked on small hand-made figures against
what a person reading the chart would write down, then on every chart the
built notebooks store: each must carry the alternative in its HTML face, and
its table must hold as many rows as the chart has points (counted here from
the stored figure, independently of the rule).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import pytest

from helpers import plotting
from helpers.chart_data import chart_text, hover_text, plain

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PLOTLY = "application/vnd.plotly.v1+json"


def as_stored(fig: go.Figure) -> dict:
    """The figure as a notebook stores it (typed arrays encoded as base64, as plotly writes them)."""
    import json

    import plotly.io as pio

    return json.loads(pio.to_json(fig))


def test_a_bar_chart_reads_as_its_title_axes_and_values():
    fig = go.Figure(go.Bar(x=["Surgery", "Radiation therapy"], y=[4, 2.5], name="Invasiveness"))
    fig.update_layout(title="How invasive<br><sup>1 = least</sup>", xaxis_title="Treatment", yaxis_title="Level (1-5)")
    text = chart_text(as_stored(fig))
    assert text.description == ("Bar chart: How invasive — 1 = least. Across: Treatment. Up: Level (1-5). "
                                "Series: Invasiveness.")
    (table,) = text.tables
    assert table.caption == "Data of the chart: How invasive — 1 = least"
    assert table.columns == ("Treatment", "Level (1-5)")
    assert table.rows == (("Surgery", "4"), ("Radiation therapy", "2.5"))


def test_horizontal_bars_put_the_category_first_and_a_bar_from_a_base_reads_from_to():
    fig = go.Figure([
        go.Bar(y=["Stop before surgery"], x=[28], base=[-28], orientation="h", name="Label"),
        go.Bar(y=["Restart after surgery"], x=[28], base=[0], orientation="h", name="Label, restart"),
    ])
    fig.update_layout(title="Time off", xaxis_title="Days from the operation", yaxis_title="Rule")
    (table,) = chart_text(as_stored(fig)).tables
    assert table.columns == ("Series", "Rule", "Days from the operation")
    assert table.rows == (("Label", "Stop before surgery", "from -28 to 0"),
                          ("Label, restart", "Restart after surgery", "from 0 to 28"))


def test_error_bars_become_a_range_and_the_hover_words_a_column():
    fig = go.Figure(go.Scatter(
        x=[-3.08], y=["Hospital stay"], mode="markers", name="Pooled",
        error_x=dict(type="data", array=[1.42], arrayminus=[1.42]),
        customdata=[["days"]], hovertemplate="%{y}: %{x:.2f} %{customdata[0]}<extra></extra>"))
    fig.update_layout(title="MIS against open", xaxis_title="Difference (days)", yaxis_title="Outcome")
    (table,) = chart_text(as_stored(fig)).tables
    assert table.columns == ("Outcome", "Difference (days)", "Range (error bar)", "Details (as in the hover label)")
    # the hover label's own words, its leading repeat of the row label dropped
    assert table.rows == (("Hospital stay", "-3.08", "-4.5 to -1.66", "-3.08 days"),)


def test_a_heat_map_is_a_table_of_its_rows_and_columns_with_each_cells_words():
    fig = go.Figure(go.Heatmap(z=[[0, 4], [3, 1]], x=["Surgery", "Radiation<br>therapy"], y=["Blood", "Skin"],
                               text=[["0", "4"], ["3", "1"]]))
    fig.update_layout(title="Side effects by body system", xaxis_title="Treatment", yaxis_title="Body system")
    text = chart_text(as_stored(fig))
    assert text.description.startswith("Heat map: Side effects by body system.")
    (table,) = text.tables
    assert table.columns == ("Body system (rows), Treatment (columns)", "Surgery", "Radiation therapy")
    assert table.rows == (("Blood", "0", "4"), ("Skin", "3", "1"))


def test_a_line_segment_drawn_as_a_range_is_one_row():
    # how the frequency charts draw a cited range: two points and a gap
    fig = go.Figure(go.Scatter(x=[19, 68, None], y=[0, 0, None], mode="lines+markers", name="With symptoms",
                               hovertext=["Pain flare: 19-68%"] * 3, hoverinfo="text"))
    fig.update_layout(title="How often", xaxis=dict(title="Incidence (%)"),
                      yaxis=dict(title="Side effect", tickvals=[0], ticktext=["Pain flare"]))
    (table,) = chart_text(as_stored(fig)).tables
    assert table.rows == (("19 to 68", "Pain flare", "19-68%"),)


def test_a_menu_gives_one_table_per_choice_and_is_named_in_the_description():
    def option(value):
        fig = go.Figure(go.Bar(x=["SBRT"], y=[value], name="EQD2"))
        fig.update_layout(xaxis_title="Schedule", yaxis_title="EQD2 (Gy)")
        return fig

    fig = plotting.with_menu([("alpha/beta 10", option(44)), ("alpha/beta 2", option(84))], "EQD2", "α/β")
    text = chart_text(as_stored(fig))
    assert "A menu switches between 2 views" in text.description
    assert [t.caption for t in text.tables] == ["EQD2 — α/β: alpha/beta 10 (view: alpha/beta 10)",
                                                "EQD2 — α/β: alpha/beta 2 (view: alpha/beta 2)"]
    assert [t.rows for t in text.tables] == [(("SBRT", "44"),), (("SBRT", "84"),)]
    assert plotting.menu_choices(as_stored(fig)) == {"label": "α/β", "choices": ["alpha/beta 10", "alpha/beta 2"],
                                                      "active": 0}


def test_labels_written_beside_marks_are_not_data_but_notes_are_listed():
    fig = go.Figure([go.Bar(x=["A"], y=[3], name="Count"), go.Scatter(x=["A"], y=[3.2], text=["3"], mode="text")])
    fig.add_annotation(text="<i>Not quantified:</i> wound infection", x=0, y=1, showarrow=False)
    fig.update_layout(title="T", xaxis_title="X", yaxis_title="Y")
    text = chart_text(as_stored(fig))
    assert [t.rows for t in text.tables] == [(("A", "3"),)]
    assert text.notes == ("Not quantified: wound infection",)


def test_markup_from_the_data_stays_text_and_is_escaped_in_the_page():
    from helpers.render import escape_figure_text

    fig = escape_figure_text(go.Figure(go.Bar(x=["<b>INJ</b>"], y=[1], name="<img src=x>")))
    fig.update_layout(title="T", xaxis_title="X", yaxis_title="Y")
    text = chart_text(fig.to_plotly_json())
    assert text.tables[0].rows[0][0] == "<b>INJ</b>"  # plain text again ...
    page = plotting.figure_html(fig.to_plotly_json(), div_id="x")
    assert "<b>INJ" not in page and "&lt;b&gt;INJ&lt;/b&gt;" in page  # ... escaped on the way out
    assert "<img src=x" not in page


def test_plain_text_of_plotly_markup():
    assert plain("Title<br><sup>subtitle</sup>") == "Title — subtitle"
    assert plain("Fatigue<br>Starts: day 3") == "Fatigue; Starts: day 3"
    assert plain("Radiation<br>therapy", " ") == "Radiation therapy"
    assert plain("&lt;LLN to 1,500") == "<LLN to 1,500"
    assert hover_text({"x": [1], "y": [2], "hovertemplate": "%{x} and %{y:.1f}<extra>x</extra>"}, 0) == "1 and 2"


# -- every stored chart ---------------------------------------------------------

def stored_charts():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                if PLOTLY in output.get("data", {}):
                    yield pytest.param(output["data"], id=f"{path.stem}-{cell.get('id')}")


def points_drawn(figure: dict) -> int:
    """Hand count: the points of the first view's data traces (each x, y pair drawn; a heat map's rows)."""
    import numpy as np

    from helpers.chart_data import _label_only, _values, _views

    count = 0
    for trace in _views(figure)[0][1]:
        if trace.get("type") == "heatmap":
            count += len(_values(trace.get("y")))
        elif not _label_only(trace):
            xs, ys = _values(trace.get("x")), _values(trace.get("y"))
            count += sum(1 for x, y in zip(xs, ys) if x is not None and y is not None
                         and not (isinstance(x, float) and np.isnan(x)))
    return count


@pytest.mark.parametrize("bundle", list(stored_charts()))
def test_every_stored_chart_carries_its_text_alternative(bundle):
    page = "".join(bundle["text/html"])
    figure = bundle[PLOTLY]
    label = re.search(r'<figure class="spine-chart" aria-label="([^"]+)"', page)
    assert label, "the chart's HTML has no described figure"
    from helpers.explorer import RUN_HINT

    # an explorer's plotly face (JupyterLab's) leads with the invitation to run its cell
    title = plain(figure["layout"]["title"]["text"]).removeprefix(RUN_HINT).removeprefix(";").strip()
    assert html.unescape(label.group(1)).split(": ", 1)[1].startswith(title.split(" — ")[0])
    block = page[page.index('class="spine-chart-text"'):]
    body = re.search(r"<tbody>(.*?)</tbody>", block, re.S)
    rows = body.group(1).count("<tr>") if body else 0
    # one row per point drawn, or fewer where a segment (a cited range) is one row
    assert 0 < rows <= points_drawn(figure), f"{rows} rows for {points_drawn(figure)} points"


def test_a_menu_view_that_shows_part_of_an_earlier_view_is_not_repeated():
    def option(names):
        fig = go.Figure(go.Bar(x=names, y=[1] * len(names), name="Forms"))
        fig.update_layout(xaxis_title="Form", yaxis_title="Count")
        return fig

    fig = plotting.with_menu([("All", option(["Oral", "Intrathecal"])), ("Oral only", option(["Oral"]))],
                             "Forms", "Showing")
    text = chart_text(as_stored(fig))
    assert [t.rows for t in text.tables] == [(("Oral", "1"), ("Intrathecal", "1"))]
    assert "The view Oral only shows part of the table above and is not repeated." in text.description


def test_a_menu_view_lists_only_what_it_adds_to_the_views_before_it():
    def option(day):
        fig = go.Figure([go.Scatter(x=[0, 7, 14], y=[100, 40, 90], mode="lines", name="Usual course"),
                         go.Scatter(x=[day], y=[50], mode="markers", name="Chosen day")])
        fig.update_layout(xaxis_title="Day", yaxis_title="Neutrophils (%)")
        return fig

    fig = plotting.with_menu([("Day 3", option(3)), ("Day 10", option(10))], "Cycle", "Day")
    first, second = chart_text(as_stored(fig)).tables
    assert len(first.rows) == 4  # the three points of the course, and day 3
    assert second.caption.endswith("what it adds to the tables above")
    assert second.rows == (("Chosen day", "10", "50"),)
