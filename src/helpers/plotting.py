"""Plotly set-up shared by every notebook: renderer, template, palette.

Every figure a notebook displays must draw in three places:

* JupyterLab, before and after the notebook is run: it draws the plotly JSON
  (``application/vnd.plotly.v1+json``) with the plotly extension, offline.
* nbviewer and nbconvert's HTML export, which have no kernel: they show the
  ``text/html`` output, so that HTML must load plotly.js and draw by itself.
* Printed handouts, which are made from the same HTML export.

:func:`configure` registers a renderer (``"spine"``) that emits both, with a
div id derived from the figure and a per-kernel counter, so that rebuilding an
unchanged notebook gives identical outputs.  The HTML loads plotly.js once per
page from the CDN URL that plotly itself uses, whether or not require.js is on
the page (plotly.js 3+ sets ``window.Plotly`` and does not register with AMD).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio
from plotly.io._base_renderers import MimetypeRenderer
from plotly.offline.offline import get_plotlyjs_version

RENDERER_NAME = "spine"
TEMPLATE_NAME = "spine"
PLOTLY_CDN_URL = f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js"
DEFAULT_HEIGHT = 450

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
)
# Each modality keeps one colour AND one marker symbol everywhere, so colour
# is never the only thing that tells them apart.
MODALITY_COLOURS = dict(zip(MODALITY_ORDER, PALETTE))
MODALITY_SYMBOLS = dict(
    zip(MODALITY_ORDER, ("circle", "square", "diamond", "triangle-up", "star"))
)

_counter = itertools.count(1)


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


def figure_html(fig_dict: dict, div_id: str | None = None) -> str:
    """HTML that draws ``fig_dict`` on a page with no kernel.

    plotly.js is fetched once per page from the CDN; figures queue until it
    has loaded.  ``div_id`` defaults to a stable id built from the figure.
    """
    payload = pio.json.to_json_plotly(
        {
            "data": fig_dict.get("data", []),
            "layout": fig_dict.get("layout", {}),
            "config": {"displaylogo": False, "responsive": True},
        }
    )
    if div_id is None:
        digest = hashlib.sha1(payload.encode("utf-8")).hexdigest()[:10]
        div_id = f"spine-fig-{digest}-{next(_counter)}"
    height = fig_dict.get("layout", {}).get("height") or DEFAULT_HEIGHT
    # "</" must not appear inside an inline script.
    payload = payload.replace("</", "<\\/")
    return f"""<div id="{div_id}" class="plotly-graph-div" style="height:{height}px; width:100%;"></div>
<script type="text/javascript">
(function () {{
  var fig = {payload};
  function draw() {{ window.Plotly.newPlot("{div_id}", fig.data, fig.layout, fig.config); }}
  if (window.Plotly) {{ draw(); return; }}
  window.spinePlotlyQueue = window.spinePlotlyQueue || [];
  window.spinePlotlyQueue.push(draw);
  if (document.getElementById("spine-plotly-js")) {{ return; }}
  var s = document.createElement("script");
  s.id = "spine-plotly-js";
  s.charset = "utf-8";
  s.src = {json.dumps(PLOTLY_CDN_URL)};
  s.onload = function () {{ window.spinePlotlyQueue.splice(0).forEach(function (f) {{ f(); }}); }};
  document.head.appendChild(s);
}})();
</script>"""


class SpineRenderer(MimetypeRenderer):
    """Plotly JSON for JupyterLab plus self-drawing HTML for static pages."""

    def to_mimebundle(self, fig_dict: dict) -> dict:
        return {
            "application/vnd.plotly.v1+json": {
                "data": fig_dict.get("data", []),
                "layout": fig_dict.get("layout", {}),
                "config": {"displaylogo": False, "responsive": True},
            },
            "text/html": figure_html(fig_dict),
        }


def configure() -> None:
    """Make every plotly figure render with the collection's renderer and template.

    Safe to call more than once.
    """
    pio.templates[TEMPLATE_NAME] = _template()
    pio.templates.default = TEMPLATE_NAME
    pio.renderers[RENDERER_NAME] = SpineRenderer()
    pio.renderers.default = RENDERER_NAME


def mimebundle(fig: go.Figure) -> dict:
    """The output bundle the renderer gives ``fig`` (for composite displays)."""
    return SpineRenderer().to_mimebundle(fig.to_plotly_json())


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
    its title and axis titles come with it.
    """
    if not options:
        raise ValueError("with_menu needs at least one option")
    combined = go.Figure(layout=options[active][1].layout)
    spans = []
    for _label, fig in options:
        start = len(combined.data)
        for trace in fig.data:
            combined.add_trace(trace)
        spans.append((start, len(combined.data)))
    n = len(combined.data)
    buttons = []
    for index, ((label, fig), (start, stop)) in enumerate(zip(options, spans)):
        visible = [start <= i < stop for i in range(n)]
        layout_update = {
            "title.text": f"{title}<br><sup>{menu_label}: {label}</sup>",
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
        buttons.append(dict(label=label, method="update", args=[{"visible": visible}, layout_update]))
        for i in range(start, stop):
            combined.data[i].visible = index == active
    combined.update_layout(
        title=dict(text=f"{title}<br><sup>{menu_label}: {options[active][0]}</sup>"),
        updatemenus=[
            dict(
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
        ],
        margin=dict(t=120),
    )
    return combined
