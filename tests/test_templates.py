"""The template layer: macros escape what they are given, and tables and charts show data as text."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from helpers.render import escape_figure_text, macro, plotly_lines, plotly_safe, render
from helpers.tables import NOT_STATED, Link, Strong, missing_text, safe_href, styled

EVIL = '<b>x</b><script>alert(1)</script>"'


def test_every_template_escapes_by_default():
    out = render("message.html.j2", text=EVIL, kind="warning")
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;b&gt;x" in out


def test_labelled_paragraph_escapes_label_and_text():
    out = macro("_macros.html.j2", "labelled", "Why<i>", EVIL)
    assert out.startswith("<p") and "<strong>Why&lt;i&gt;:</strong>" in out and "<script>" not in out


def test_bullets_escape_items_and_are_absent_when_empty():
    out = macro("_macros.html.j2", "bullets", ["a<b>", "c"])
    assert out.count("<li>") == 2 and "a&lt;b&gt;" in out
    assert macro("_macros.html.j2", "bullets", []) == ""


def test_citation_links_point_into_the_reference_list():
    out = macro("_macros.html.j2", "citation_links", "fisher2010_sins;nci_ctcae_v5")
    # a reader sees "Fisher 2010", never the raw key; links are underlined (issue 22, items 9 and 16)
    assert out == ('<a href="#ref-fisher2010_sins" style="text-decoration:underline">Fisher 2010</a>; '
                   '<a href="#ref-nci_ctcae_v5" style="text-decoration:underline">National Cancer Institute (CTEP) 2017</a>')
    assert "<script>" not in macro("_macros.html.j2", "citation_links", 'x"><script>')


def test_card_wraps_its_body_and_keeps_inline_styles():
    env_module = __import__("helpers.render", fromlist=["environment"]).environment()
    template = env_module.from_string(
        '{% import "_macros.html.j2" as m %}{% call m.card("status", "#4d4d4d") %}{{ body }}{% endcall %}')
    out = template.render(body=EVIL)
    assert out.startswith('<div role="status" style="border-left:4px solid #4d4d4d')
    assert "&lt;script&gt;" in out and out.endswith("</div>")


def test_table_cells_are_escaped_and_never_blank():
    frame = pd.DataFrame({"Criterion": ["<LLN to 1,500/mm³", ""], "Practice varies": ["", "yes"]})
    page = styled(frame, "CTCAE <v5.0>")._repr_html_()
    assert "&lt;LLN to 1,500/mm³" in page and "<LLN" not in page
    assert "CTCAE &lt;v5.0&gt;" in page
    assert NOT_STATED in page and missing_text("Practice varies") in page
    assert not re.search(r"<td[^>]*></td>", page)  # no empty cell


def test_links_in_tables_are_composed_from_escaped_parts():
    frame = pd.DataFrame({"Link": [Link("Go <b>", "https://example.org/?a=1&b=2"),
                                   Link("Bad", "javascript:alert(1)"),
                                   (Strong("Days 7–12."), " then")]})
    page = styled(frame, "Links")._repr_html_()
    assert '<a href="https://example.org/?a=1&amp;b=2" style="text-decoration:underline">Go &lt;b&gt;</a>' in page
    assert "javascript:" not in page and ">Bad<" in page
    assert "<strong>Days 7–12.</strong>" in page


@pytest.mark.parametrize("href,ok", [("https://x.org", True), ("http://x.org", True), ("#ref-a", True),
                                     ("javascript:alert(1)", False), ("JAVASCRIPT:x", False),
                                     ("data:text/html,x", False), ("", False), ("#", False)])
def test_safe_href(href, ok):
    assert (safe_href(href) is not None) is ok


def test_plotly_text_is_escaped_once_and_keeps_line_breaks():
    assert plotly_lines("a<b>", "c") == "a&lt;b&gt;<br>c"
    once = plotly_safe("x<b>y</b><br>z")
    assert once == "x&lt;b&gt;y&lt;/b&gt;<br>z"
    assert plotly_safe(once) == once
    assert plotly_safe(plotly_lines("<LLN")) == "&lt;LLN"


def test_figure_text_from_data_is_escaped_but_templates_are_not():
    fig = go.Figure(go.Scatter(x=["<b>a</b>"], y=[1], name="n<i>", customdata=[["<img src=x>"]],
                               hovertemplate="%{x}<br>%{customdata[0]}<extra></extra>"))
    fig.update_layout(xaxis=dict(categoryarray=["<b>a</b>"]), title="T<br><sup>s</sup>",
                      annotations=[dict(x="<b>a</b>", y=1, text="<b>note</b>")])
    escape_figure_text(fig)
    assert fig.data[0].x == ("&lt;b&gt;a&lt;/b&gt;",) and fig.layout.xaxis.categoryarray == fig.data[0].x
    assert fig.data[0].name == "n&lt;i&gt;" and "<img" not in str(fig.data[0].customdata)
    assert fig.data[0].hovertemplate == "%{x}<br>%{customdata[0]}<extra></extra>"
    assert fig.layout.title.text == "T<br><sup>s</sup>" and fig.layout.annotations[0].text == "<b>note</b>"
    assert fig.layout.annotations[0].x == "&lt;b&gt;a&lt;/b&gt;"


def test_knowledge_check_answer_looks_like_a_control():
    from helpers import quiz

    page = quiz.knowledge_check("03_chemotherapy")._repr_html_()
    summary = page.split("<summary", 1)[1].split(">", 1)[0]
    assert "display:list-item" in summary and "cursor:pointer" in summary


def test_short_citations_come_from_sources_csv():
    from helpers import calculator_widgets as cw
    from helpers.data import load

    citations = cw.SOURCE_CITATIONS
    sources = load("sources")
    assert set(citations) == set(sources["id"])
    assert citations["fisher2010_sins"] == "Fisher CG et al., 2010"
    assert citations["fowler1989_lq"] == "Fowler JF, 1989"
    assert cw.short_citation("U.S. Department of Health. CTCAE.", 2017, "NCI") == "NCI, 2017"
