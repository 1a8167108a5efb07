"""Plotly set-up shared by every notebook: display, template, palette.

Every figure a notebook displays must draw in three places:

* JupyterLab, before and after the notebook is run: it draws the plotly JSON
  (``application/vnd.plotly.v1+json``) with the plotly extension, offline.
* nbviewer and nbconvert's HTML export, which have no kernel: they show the
  ``text/html`` output, so that HTML must load plotly.js and draw by itself.
* Printed handouts, which are made from the same HTML export.

:func:`configure` tells IPython how to display a plotly figure: it builds
both faces itself (:func:`mimebundle`) and never goes through
``plotly.io.renderers``.  Touching plotly's renderer registry imports
nbformat -> jsonschema -> rfc3987-syntax, which builds a grammar at import:
1.5-2 s per kernel on two cores, for nothing a lesson needs.  A student's own
``fig.show()`` still uses plotly's renderers and works as plotly documents.

:func:`configure` registers that by the figure class's name, without
importing plotly's figure classes: a lesson whose outputs are replayed
(``helpers.replay``) builds no figure, and loading those classes and
registering the collection's template cost each such kernel about 50 ms.
The helpers build every figure with :func:`figure` or :func:`subplots`,
which register the template first (:func:`use_template`).

The HTML (``templates/figure.html.j2``) loads the *cartesian partial bundle*
of the plotly.js version this plotly ships (1.5 MB instead of 4.8 MB: it has
every trace type the lessons use; a test checks), once per page, from
plotly's CDN, whether or not require.js is on the page (plotly.js 3+ sets
``window.Plotly`` and does not register with AMD).  Div ids come from the
figure and a per-kernel counter, so rebuilding an unchanged notebook gives
identical outputs.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go  # a lazy module: the figure classes load when first used
import plotly.io as pio
from markupsafe import Markup
from plotly.offline._plotlyjs_version import __plotlyjs_version__

from helpers.replay import next_figure_number  # a per-kernel counter, kept there (lesson outputs are replayed)

if TYPE_CHECKING:
    from plotly.basedatatypes import BaseFigure

TEMPLATE_NAME = "spine"
PLOTLYJS_VERSION = __plotlyjs_version__
# npm package with the same files cdn.plot.ly serves as plotly-cartesian-<v>.min.js
PLOTLY_BUNDLE_NPM = "plotly.js-cartesian-dist-min"
PLOTLY_CDN_URL = f"https://cdn.plot.ly/plotly-cartesian-{PLOTLYJS_VERSION}.min.js"
# Trace types the cartesian bundle contains (its package README; a browser
# test reads the list from the bundle itself and compares).
BUNDLE_TRACE_TYPES = frozenset({
    "bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
    "image", "pie", "scatter", "scatterternary", "violin",
})
DEFAULT_HEIGHT = 450
PLOTLY_MIME = "application/vnd.plotly.v1+json"
# No plotly logo, and no "Share chart" button (plotly.js 4 shows one by default;
# it would upload the chart to Plotly Cloud, and does nothing here).
CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False}

# Okabe & Ito (2008) colour-blind-safe palette, in a fixed order.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermilion
    "#F0E442",  # yellow
    "#000000",  # black
)
# Sequential scale for heat maps: perceptually uniform and colour-blind safe.
SEQUENTIAL = "cividis"

MODALITY_ORDER = (
    "surgery",
    "chemotherapy",
    "radiation_therapy",
    "interventional_radiology",
    "targeted_therapy",
    # Supportive care, not an anti-cancer treatment: its own group after the five (modalities.csv purpose).
    "bone_modifying_agents",
)
# Each modality keeps one colour AND one marker symbol everywhere, so colour
# is never the only thing that tells them apart.
MODALITY_COLOURS = dict(zip(MODALITY_ORDER, PALETTE))
MODALITY_SYMBOLS = dict(
    zip(MODALITY_ORDER, ("circle", "square", "diamond", "triangle-up", "star", "hexagon"))
)

# JSON may hold these only inside strings, where the \u escapes mean the
# same; escaped, no "</script>" or "<!--" in data can end the inline script.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})


def _template() -> go.layout.Template:
    # Deliberately small: plotly embeds the whole template in every stored
    # figure, and plotly's own templates weigh ~10 KB each.
    axis = dict(
        gridcolor="#E5E5E5",
        linecolor="#444444",
        zerolinecolor="#BBBBBB",
        title=dict(standoff=8),
        automargin=True,
    )
    return go.layout.Template(
        layout=dict(
            font=dict(family="Arial, Helvetica, sans-serif", size=14, color="#222222"),
            title=dict(x=0.0, xanchor="left", font=dict(size=18)),
            colorway=list(PALETTE),
            paper_bgcolor="white",
            plot_bgcolor="white",
            xaxis=axis,
            yaxis=axis,
            legend=dict(title=dict(font=dict(size=13))),
            margin=dict(l=60, r=30, t=70, b=60),
            hoverlabel=dict(font=dict(size=13)),
        )
    )


def script_json(obj: object) -> Markup:
    """``obj`` as JSON (plotly's encoder: numpy, pandas, dates) that is safe
    to place inside an inline ``<script>``.

    Always the standard-library engine: plotly's default ("auto") switches to
    orjson whenever that package happens to be installed (the test tools pull
    it in), which writes different bytes and would change stored outputs.
    """
    return Markup(pio.json.to_json_plotly(obj, engine="json").translate(_SCRIPT_SAFE))


def menu_choices(fig_dict: dict) -> dict | None:
    """The chart's menu (:func:`with_menu`) as a keyboard control needs it, or None.

    ``label``: what the menu chooses; ``choices``: the text of each option;
    ``active``: the one shown first.  Plotly's own drop-down cannot be reached
    from the keyboard, so a page with no kernel gets a native ``<select>``
    that makes the same changes (templates/figure.html.j2).
    """
    from helpers.chart_data import plain

    menus = (fig_dict.get("layout") or {}).get("updatemenus") or []
    if not menus or not menus[0].get("buttons"):
        return None
    menu = menus[0]
    return {"label": plain(menu.get("name"), " ") or "Show",
            "choices": [plain(button.get("label"), " ") for button in menu["buttons"]],
            "active": int(menu.get("active") or 0)}


def figure_html(fig_dict: dict, div_id: str | None = None) -> str:
    """HTML that draws ``fig_dict`` on a page with no kernel, with its text alternative.

    The cartesian plotly.js bundle is fetched once per page from the CDN;
    figures queue until it has loaded.  ``div_id`` defaults to a stable id
    built from the figure.  Under the chart: its description and data as a
    table (:func:`helpers.chart_data.chart_text`), folded.  A chart with a
    menu is switched by a labelled ``<select>`` (keyboard and screen reader)
    instead of plotly's drop-down, which stays in the plotly JSON that
    JupyterLab draws.
    """
    from helpers.chart_data import chart_text
    from helpers.render import render

    layout = dict(fig_dict.get("layout", {}))
    menu = menu_choices(fig_dict)
    if menu:
        layout["updatemenus"] = [{**layout["updatemenus"][0], "visible": False}, *layout["updatemenus"][1:]]
    figure = {"data": fig_dict.get("data", []), "layout": layout, "config": CONFIG}
    payload = script_json(figure)
    if div_id is None:
        digest = hashlib.sha1(str(payload).encode("utf-8")).hexdigest()[:10]
        div_id = f"spine-fig-{digest}-{next_figure_number()}"
    height = layout.get("height") or DEFAULT_HEIGHT
    return str(render("figure.html.j2", div_id=div_id, height=height, figure=payload, bundle_url=PLOTLY_CDN_URL,
                      alt=chart_text(fig_dict), menu=menu))


def mimebundle(fig: BaseFigure) -> dict:
    """Both faces of ``fig``: plotly JSON for JupyterLab, self-drawing HTML.

    Built with ``to_plotly_json`` and plotly's JSON encoder only, so it never
    imports plotly's renderer machinery.
    """
    fig_dict = fig.to_plotly_json()
    return {
        PLOTLY_MIME: {"data": fig_dict.get("data", []), "layout": fig_dict.get("layout", {}), "config": dict(CONFIG)},
        "text/html": figure_html(fig_dict),
    }


def live_bundle(fig: BaseFigure, chart_key: str) -> dict:
    """What an explorer's Output widget shows for ``fig`` in a running notebook.

    HTML whose script updates the explorer's existing chart in place with
    ``Plotly.react`` (``chart_key`` names that chart; one per explorer and
    position), instead of the plotly JSON JupyterLab would rebuild from
    scratch on every change.  Never stored: see ``templates/live_figure.html.j2``.
    """
    from helpers.render import render

    fig_dict = fig.to_plotly_json()
    figure = {"data": fig_dict.get("data", []), "layout": fig_dict.get("layout", {}), "config": CONFIG}
    height = fig_dict.get("layout", {}).get("height") or DEFAULT_HEIGHT
    from helpers.chart_data import chart_text

    html = render("live_figure.html.j2", chart_key=chart_key, height=height, figure=script_json(figure),
                  bundle_url=PLOTLY_CDN_URL, alt=chart_text(fig_dict))
    return {"text/html": str(html)}


def _display_figure(fig: BaseFigure) -> None:
    from IPython.display import display

    display(mimebundle(fig), raw=True)


def use_template() -> None:
    """Make the collection's template plotly's default, if it is not (cheap when it is)."""
    if TEMPLATE_NAME not in pio.templates:
        pio.templates[TEMPLATE_NAME] = _template()
    if pio.templates.default != TEMPLATE_NAME:
        pio.templates.default = TEMPLATE_NAME


def figure(*args, **kwargs) -> go.Figure:
    """A new ``go.Figure`` (same arguments) drawn with the collection's template."""
    use_template()
    return go.Figure(*args, **kwargs)


def subplots(**kwargs) -> go.Figure:
    """``plotly.subplots.make_subplots`` (same arguments) drawn with the collection's template."""
    use_template()
    from plotly.subplots import make_subplots

    return make_subplots(**kwargs)


def configure() -> None:
    """Let IPython display every figure through :func:`mimebundle` (a bare
    ``fig`` or ``display(fig)``), and use the collection's template.

    IPython asks its ``ipython_display_formatter`` before any ``_repr_*_``
    method, and plotly's ``_ipython_display_`` would load the renderers, so
    the formatter is registered there, by the class's name: plotly's figure
    classes are not imported for it.  The template is registered now if they
    are loaded already, else by the first :func:`figure` or :func:`subplots`.
    Safe to call more than once, and outside IPython (then only the template).
    """
    loaded = sys.modules.get("plotly.basedatatypes")
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        get_ipython = lambda: None  # noqa: E731
    shell = get_ipython()
    if loaded is not None or shell is None:
        use_template()
    if shell is None:
        return
    formatter = shell.display_formatter.ipython_display_formatter
    if loaded is not None:
        formatter.for_type(loaded.BaseFigure, _display_figure)
    else:
        formatter.for_type_by_name("plotly.basedatatypes", "BaseFigure", _display_figure)


def trace_types(fig_json: dict) -> set[str]:
    """The plotly.js trace types a figure (its JSON) uses; ``scatter`` is the default."""
    return {trace.get("type", "scatter") for trace in fig_json.get("data", [])}


def accessibility_problems(fig: go.Figure) -> list[str]:
    """What a figure lacks for a reader who cannot see colour or hover.

    Checks a title and, for cartesian figures, both axis titles.  Used by the
    tests on every figure the helpers build.
    """
    problems = []
    layout = fig.layout
    if not (layout.title and layout.title.text):
        problems.append("no title")
    cartesian = any(
        getattr(trace, "xaxis", None) is not None or trace.type in {"bar", "scatter", "heatmap", "box"}
        for trace in fig.data
    )
    if cartesian:
        for name in ("xaxis", "yaxis"):
            axis = layout[name]
            if not (axis.title and axis.title.text):
                problems.append(f"no {name[0]}-axis title")
    return problems


def with_menu(
    options: Sequence[tuple[str, go.Figure]],
    title: str,
    menu_label: str,
    active: int = 0,
) -> go.Figure:
    """One figure whose dropdown switches between ``options``.

    This is the static face of an explorer: the dropdown runs in the browser,
    so it works on nbviewer with no kernel.  Each option is a complete figure
    (same kind of axes); its traces show only when the option is chosen, and
    its title and axis titles come with it.  Plotly reads titles and menu
    labels as a subset of HTML, so the labels (often text from data) are
    escaped here, once, for every caller.
    """
    from helpers.render import plotly_safe

    def heading(label: str) -> str:
        return plotly_safe(title) + "<br><sup>" + plotly_safe(f"{menu_label}: {label}") + "</sup>"

    if not options:
        raise ValueError("with_menu needs at least one option")
    # The options' traces and layout were checked by plotly's validators when
    # their figures were built; copying them into the combined figure skips a
    # second check (``_validate=False``), which cost the explorers' static faces
    # as much as building them.  The menu itself is checked below.
    combined = figure(layout=options[active][1].layout, _validate=False)
    spans = []
    for _label, fig in options:
        start = len(combined.data)
        combined.add_traces([trace.to_plotly_json() for trace in fig.data])
        spans.append((start, len(combined.data)))
    n = len(combined.data)
    buttons = []
    for index, ((label, fig), (start, stop)) in enumerate(zip(options, spans)):
        visible = [start <= i < stop for i in range(n)]
        layout_update = {
            "title.text": heading(label),
            "xaxis.title.text": fig.layout.xaxis.title.text,
            "yaxis.title.text": fig.layout.yaxis.title.text,
        }
        if fig.layout.annotations:
            layout_update["annotations"] = [a.to_plotly_json() for a in fig.layout.annotations]
        for axis in ("xaxis", "yaxis"):
            if fig.layout[axis].range is not None:
                layout_update[f"{axis}.range"] = list(fig.layout[axis].range)
            if fig.layout[axis].categoryarray is not None:
                layout_update[f"{axis}.categoryarray"] = list(fig.layout[axis].categoryarray)
        buttons.append(dict(label=plotly_safe(label), method="update", args=[{"visible": visible}, layout_update]))
        for i in range(start, stop):
            combined.data[i].visible = index == active
    menu = go.layout.Updatemenu(
        name=menu_label,  # not drawn: the label of the keyboard control on static pages
        type="dropdown",
        buttons=buttons,
        active=active,
        x=1.0,
        xanchor="right",
        y=1.02,
        yanchor="bottom",
        pad=dict(t=4, b=4),
        showactive=True,
    )
    combined.update_layout(
        title=dict(text=heading(options[active][0])),
        updatemenus=[menu.to_plotly_json()],
        margin=dict(t=120),
    )
    return combined
