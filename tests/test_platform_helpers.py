"""Unit tests of the platform helpers: plotting, explorers, tables, course, quiz."""

from __future__ import annotations

import json
import re

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from helpers import course, plotting, setup
from helpers.errors import DataError, FriendlyError, InputError
from helpers.explorer import Explorer, message_html
from helpers.tables import styled


@pytest.fixture(autouse=True)
def configured():
    setup()


def bar(title="Doses", x_title="Schedule", y_title="Dose (Gy)"):
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title)
    return fig


class TestFigureDisplay:
    def test_every_figure_carries_plotly_json_and_self_drawing_html(self):
        bundle = plotting.mimebundle(bar())
        assert set(bundle) == {"application/vnd.plotly.v1+json", "text/html"}
        assert bundle["application/vnd.plotly.v1+json"]["layout"]["title"]["text"] == "Doses"
        html = bundle["text/html"]
        assert plotting.PLOTLY_CDN_URL in html
        assert "Plotly.newPlot" in html

    def test_static_html_loads_the_cartesian_bundle_of_plotlys_own_plotlyjs(self):
        from plotly.offline import get_plotlyjs_version

        assert plotting.PLOTLY_CDN_URL == f"https://cdn.plot.ly/plotly-cartesian-{get_plotlyjs_version()}.min.js"
        html = plotting.figure_html(bar().to_plotly_json(), div_id="x")
        assert html.count(plotting.PLOTLY_CDN_URL) == 1
        assert 'getElementById("spine-plotly-js")' in html  # loaded once per page

    def test_html_is_the_same_for_the_same_figure_in_a_fresh_session(self):
        first = plotting.figure_html(bar().to_plotly_json(), div_id="x")
        second = plotting.figure_html(bar().to_plotly_json(), div_id="x")
        assert first == second

    def test_two_displays_of_one_figure_get_different_div_ids(self):
        ids = [re.search(r'id="([^"]+)"', plotting.mimebundle(bar())["text/html"])[1] for _ in range(2)]
        assert ids[0] != ids[1]

    def test_closing_script_tags_in_data_cannot_break_the_page(self):
        fig = bar(title="</script><script>alert(1)</script><!--")
        html = plotting.figure_html(fig.to_plotly_json(), div_id="x")
        assert html.count("</script>") == 1
        assert "<!--" not in html and "<script>alert" not in html
        payload = re.search(r"var fig = (.*);\n", html)[1]
        assert json.loads(payload)["layout"]["title"]["text"] == "</script><script>alert(1)</script><!--"

    def test_div_id_reaches_the_page_escaped(self):
        html = plotting.figure_html(bar().to_plotly_json(), div_id='a"b')
        assert 'id="a&#34;b"' in html and 'newPlot("a\\"b"' in html

    def test_template_is_small_and_colour_blind_safe(self):
        template = pio.templates[plotting.TEMPLATE_NAME]
        assert len(json.dumps(template.to_plotly_json())) < 2000
        assert list(template.layout.colorway) == list(plotting.PALETTE)

    def test_each_modality_has_its_own_colour_and_symbol(self):
        # The five treatments and the supportive bone-modifying drugs: six groups (modalities.csv).
        assert len(set(plotting.MODALITY_COLOURS.values())) == 6
        assert len(set(plotting.MODALITY_SYMBOLS.values())) == 6


LESSON = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
published = []
shell.display_pub.publish = lambda data, metadata=None, **kw: published.append(data)
shell.run_cell("from helpers import setup, quiz; setup()", store_history=True)
shell.run_cell("import plotly.graph_objects as go; fig = go.Figure(go.Bar(x=[1], y=[2]))")
shell.run_cell("fig", store_history=True)
shell.run_cell("display(fig)", store_history=True)
shell.run_cell("quiz.knowledge_check('01_treatment_overview')", store_history=True)
print(json.dumps([sorted(p) for p in published[:2]]))
print(sorted(m for m in sys.modules if m.startswith(("plotly.io._renderers", "rfc3987_syntax", "nbformat"))))
"""


def test_a_lesson_displays_figures_without_plotlys_renderers_or_their_imports():
    """A bare figure and display(fig) get both faces; nothing imports plotly.io's
    renderers (nbformat -> jsonschema -> rfc3987-syntax: ~1.5 s per kernel)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", LESSON], capture_output=True, text=True, check=True)
    faces, modules = result.stdout.strip().splitlines()[-2:]
    assert json.loads(faces) == [["application/vnd.plotly.v1+json", "text/html"]] * 2
    assert modules == "[]", f"imported at lesson time: {modules}"


SET_UP_ONLY = """
import sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_cell("from helpers import setup; setup()")
before = "plotly.basedatatypes" in sys.modules
shell.run_cell("from helpers import overview; fig = overview.invasiveness_chart()")
fig = shell.user_ns["fig"]
print(before, list(fig.layout.template.layout.colorway), fig.layout.template.layout.font.family)
"""


def test_set_up_leaves_plotlys_figure_classes_for_the_first_chart_which_still_gets_the_template():
    """A replayed lesson builds no figure, so set-up must not load plotly's figure classes (about 50 ms a
    kernel); the first chart a helper builds afterwards still wears the collection's template."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", SET_UP_ONLY], capture_output=True, text=True, check=True)
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("False "), f"set-up loaded plotly's figure classes: {line}"
    # The Okabe & Ito palette, in the collection's order, and the template's font (plotting._template).
    assert "['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000']" in line
    assert line.endswith("Arial, Helvetica, sans-serif")


def test_helpers_build_figures_only_through_plottings_builders():
    """plotting.figure and plotting.subplots register the template first; a bare go.Figure( or
    make_subplots( in a helper module would draw that chart in plotly's own style when it is the
    kernel's first."""
    from pathlib import Path

    folder = Path(plotting.__file__).parent
    offenders = [f"{path.relative_to(folder)}:{number}"
                 for path in sorted(folder.rglob("*.py")) if path.name != "plotting.py"
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if re.search(r"\bgo\.Figure\(|make_subplots\(", line)]
    assert offenders == []


def test_stored_figures_use_only_trace_types_of_the_cartesian_bundle():
    from pathlib import Path

    notebooks = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    used = set()
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                fig = output.get("data", {}).get(plotting.PLOTLY_MIME)
                if fig:
                    used |= plotting.trace_types(fig)
    assert used, "no stored figure found"
    assert used <= plotting.BUNDLE_TRACE_TYPES, f"not in the cartesian bundle: {sorted(used - plotting.BUNDLE_TRACE_TYPES)}"


class TestAccessibility:
    def test_labelled_figure_passes(self):
        assert plotting.accessibility_problems(bar()) == []

    def test_missing_titles_are_reported(self):
        assert plotting.accessibility_problems(bar(title="", y_title="")) == ["no title", "no y-axis title"]


class TestWithMenu:
    def test_dropdown_shows_one_option_at_a_time(self):
        fig = plotting.with_menu([("A", bar()), ("B", bar())], title="Doses", menu_label="Schedule")
        assert [t.visible for t in fig.data] == [True, False]
        buttons = fig.layout.updatemenus[0].buttons
        assert [b.label for b in buttons] == ["A", "B"]
        assert buttons[1].args[0]["visible"] == [False, True]
        assert plotting.accessibility_problems(fig) == []

    def test_labels_from_data_are_escaped_in_titles_and_buttons(self):
        fig = plotting.with_menu([("<b>x</b> 1", bar()), ("2 & <i>y</i>", bar())], title="Doses<br>per day",
                                 menu_label="Schedule <u>")
        texts = [fig.layout.title.text, *(b.label for b in fig.layout.updatemenus[0].buttons),
                 *(b.args[1]["title.text"] for b in fig.layout.updatemenus[0].buttons)]
        assert all("<b>x" not in t and "<i>" not in t and "<u>" not in t for t in texts), texts
        assert fig.layout.title.text == "Doses<br>per day<br><sup>Schedule &lt;u&gt;: &lt;b&gt;x&lt;/b&gt; 1</sup>"

    def test_needs_options(self):
        with pytest.raises(ValueError):
            plotting.with_menu([], title="t", menu_label="m")


def square(number):
    if number < 0:
        raise InputError("number must be 0 or more; you gave a negative number")
    return f"<p>{number * number}</p>"


class TestExplorer:
    def make(self):
        control = widgets.IntText(value=3, description="Number")
        return Explorer({"number": control}, square, static_face="<p>static</p>", title="Squares")

    def test_shows_the_render_result_without_output_capture(self):
        explorer = self.make()
        assert explorer.output.outputs[0]["data"]["text/html"] == "<p>9</p>"
        explorer.controls["number"].value = 4
        assert explorer.output.outputs[0]["data"]["text/html"] == "<p>16</p>"

    def test_bad_input_becomes_one_line_message(self):
        explorer = self.make()
        explorer.controls["number"].value = -1
        assert "Check the input:" in explorer.message.value
        assert "negative" in explorer.message.value
        assert explorer.output.outputs == ()
        explorer.controls["number"].value = 2
        assert explorer.message.value == ""

    def test_unexpected_errors_are_not_swallowed(self):
        control = widgets.IntText(value=1, description="Number")
        with pytest.raises(ZeroDivisionError):
            Explorer({"n": control}, lambda n: 1 / 0, static_face="<p>s</p>", title="t")

    def test_display_has_widget_view_and_static_face(self):
        bundle = self.make()._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle
        # the static face, after a line for JupyterLab only (static pages hide class spine-live-only)
        assert bundle["text/html"] == ('<p class="spine-live-only" style="margin:0.2em 0;font-weight:bold;color:#0072B2">'
                                       '▶ Run this cell (Shift + Enter) for the live controls</p><p>static</p>')
        assert bundle["text/plain"] == "Squares (interactive when the notebook runs)"

    def test_live_view_is_the_one_ipywidgets_itself_offers(self):
        explorer = self.make()
        own = explorer.widget._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"]
        assert explorer._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"] == own
        assert own["model_id"] == explorer.widget.model_id and own["version_major"] == 2

    def test_figure_static_face_keeps_plotly_json(self):
        control = widgets.IntText(value=1, description="Number")
        explorer = Explorer({"n": control}, lambda n: bar(), static_face=bar(), title="t")
        bundle = explorer._repr_mimebundle_()
        assert "application/vnd.plotly.v1+json" in bundle and "text/html" in bundle
        # JupyterLab draws the plotly face before the cell runs: its title invites the student to run it;
        # the static pages' face carries the same line only in an element they hide
        title = bundle["application/vnd.plotly.v1+json"]["layout"]["title"]["text"]
        assert title.startswith("▶ Run this cell (Shift + Enter) for the live controls<br>")
        assert bundle["text/html"].startswith('<p class="spine-live-only"')
        assert "Run this cell" not in bundle["text/html"].split("</p>", 1)[1]

    def test_live_figure_updates_one_chart_in_place(self):
        """A figure result is HTML that hands the new figure to Plotly.react on the
        explorer's own chart, not plotly JSON that JupyterLab would rebuild."""
        control = widgets.IntText(value=1, description="Number")
        explorer = Explorer({"n": control}, lambda n: bar(title=f"Dose {n}"), static_face=bar(), title="t")
        other = Explorer({"n": widgets.IntText(value=1, description="Number")}, lambda n: bar(),
                         static_face=bar(), title="u")

        def shown():
            (output,) = explorer.output.outputs
            return output["data"]

        first = shown()
        control.value = 2
        second = shown()
        assert "application/vnd.plotly.v1+json" not in second
        assert second["text/plain"] == "Chart: Dose 2"
        assert "Plotly.react" in second["text/html"] and "Dose 2" in second["text/html"]
        keys = [re.findall(r'charts\[("[^"]+")\]', data["text/html"]) for data in (first, second)]
        assert keys[0] and set(keys[0]) == set(keys[1]) and len(set(keys[0])) == 1
        other_key = re.findall(r'charts\[("[^"]+")\]', other.output.outputs[0]["data"]["text/html"])[0]
        assert other_key != keys[0][0]

    def test_live_figure_script_cannot_be_broken_by_data(self):
        control = widgets.IntText(value=1, description="Number")
        explorer = Explorer({"n": control}, lambda n: bar(title="</script><!--x"), static_face="<p>s</p>", title="t")
        html = explorer.output.outputs[0]["data"]["text/html"]
        assert html.count("</script>") == 1 and "<!--x" not in html

    def test_controls_need_labels(self):
        with pytest.raises(ValueError, match="description"):
            Explorer({"n": widgets.IntText(value=1)}, square, static_face="", title="t")

    def test_message_is_escaped_and_not_colour_only(self):
        html = message_html("<b>x</b>")
        assert "&lt;b&gt;" in html and "Check the input:" in html


class TestTables:
    def test_caption_and_stable_html(self):
        df = pd.DataFrame({"a": [1], "b": ["x"]})
        first, second = styled(df, "Caption"), styled(df, "Caption")
        assert first._repr_html_() == second._repr_html_()
        assert "Caption" in first._repr_html_()
        assert " at 0x" not in repr(first)

    def test_caption_required(self):
        with pytest.raises(ValueError):
            styled(pd.DataFrame({"a": [1]}), "")


class TestCourse:
    def test_lessons_are_numbered_in_order(self):
        numbers = [int(item.slug[:2]) for item in course.LESSONS]
        assert numbers == list(range(len(course.LESSONS)))

    def test_unknown_lesson_lists_valid_ones(self):
        with pytest.raises(ValueError, match="00_start_here"):
            course.lesson("99_nope")

    def test_navigation_links_point_to_existing_neighbours(self):
        text = course.navigation_markdown("00_start_here")
        for target in re.findall(r"\(([^)]+\.ipynb)\)", text):
            assert (course.NOTEBOOK_DIR / target).exists()

    def test_binder_link_opens_the_notebook(self):
        assert course.binder_url("02_surgery").endswith("?labpath=notebooks%2F02_surgery.ipynb")


class TestErrors:
    def test_friendly_errors_render_as_one_line_in_ipython(self):
        error = DataError("data/x.csv, row 3, field 'y': bad")
        assert error._render_traceback_() == ["DataError: data/x.csv, row 3, field 'y': bad"]
        assert isinstance(error, (FriendlyError, ValueError))


def test_table_plain_text_is_one_line_per_row_without_padding():
    table = styled(pd.DataFrame({"A": [["x", "y"], "a & b"], "B": ["1", "2"]}), "Caption")
    assert repr(table).splitlines() == ["Caption", "A | B", "x; y | 1", "a & b | 2"]


def test_npm_lock_pins_the_plotlyjs_version_plotly_ships():
    """tools/plotlyjs is what the render test serves and handouts inline; the
    browser test also reads the version from the bundle itself."""
    from pathlib import Path

    lock = json.loads((Path(__file__).resolve().parents[1] / "tools" / "plotlyjs" / "package-lock.json").read_text())
    pinned = lock["packages"][f"node_modules/{plotting.PLOTLY_BUNDLE_NPM}"]["version"]
    assert pinned == plotting.PLOTLYJS_VERSION, (
        f"tools/plotlyjs pins {plotting.PLOTLY_BUNDLE_NPM}@{pinned}, plotly ships plotly.js "
        f"{plotting.PLOTLYJS_VERSION}: change package.json there and run 'npm install'"
    )
    assert plotting.PLOTLY_CDN_URL.endswith(f"/plotly-cartesian-{pinned}.min.js")
