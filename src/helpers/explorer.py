"""Live widget explorers that still teach on a static page.

An :class:`Explorer` is a set of labelled ipywidgets controls plus a pure
function that turns their values into what the reader sees (a figure, a
table, HTML).  It displays as ONE output with three faces:

* ``application/vnd.jupyter.widget-view+json``: the live controls, used by
  JupyterLab once the cell has run;
* ``application/vnd.plotly.v1+json`` (when the static face is a figure): what
  JupyterLab draws for a stored notebook before it is run;
* ``text/html``: the static face nbviewer shows, a figure whose dropdown
  covers the same choices, or a table of every choice.

Notebooks are built with widget state NOT stored, so static renderers drop
the widget view and show the static face: no frozen, dead controls.

The live view never uses ``with output:`` capture.  Results are written into
the ``Output`` widget's ``outputs`` trait directly, so nothing is swallowed:
a :class:`~helpers.errors.FriendlyError` becomes a one-line message and any
other exception propagates to the kernel.  A figure result is written as HTML
that updates the explorer's chart in place with ``Plotly.react``
(:func:`helpers.plotting.live_bundle`): in JupyterLab a new plotly-JSON output
costs a whole new chart, a redraw and a PNG snapshot on every change.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
from plotly.basedatatypes import BaseFigure

from helpers import plotting
from helpers.errors import FriendlyError

Render = Callable[..., Any]
_TAGS = re.compile(r"<[^>]+>")


def message_html(text: str, kind: str = "warning") -> str:
    """A one-line message box; the prefix word carries the meaning, not colour."""
    from helpers.render import render

    return str(render("message.html.j2", text=text, kind=kind))


def display_bundle(item: Any) -> dict:
    """The output bundle for a figure, table, HTML string or other object.

    Independent of IPython's display machinery, so the same bundle is built
    in a kernel, in tests and by the explorer callbacks.
    """
    if isinstance(item, str):
        return {"text/html": item, "text/plain": html.unescape(_TAGS.sub(" ", item)).strip()}
    if isinstance(item, BaseFigure):
        # Never item._repr_mimebundle_(): it would load plotly's renderers.
        title = item.layout.title.text or "untitled"
        return {**plotting.mimebundle(item), "text/plain": f"Chart: {_TAGS.sub(' ', title)}"}
    if hasattr(item, "_repr_mimebundle_"):
        data = item._repr_mimebundle_()
        data = data[0] if isinstance(data, tuple) else data
        return {"text/plain": repr(item), **data}
    if hasattr(item, "_repr_html_"):
        return {"text/html": item._repr_html_(), "text/plain": repr(item)}
    return {"text/plain": repr(item)}


def live_bundle(item: Any, chart_key: str) -> dict:
    """Like :func:`display_bundle`, but a figure updates the explorer's chart
    in place (``chart_key``) instead of being rebuilt by the browser."""
    if isinstance(item, BaseFigure):
        title = item.layout.title.text or "untitled"
        return {**plotting.live_bundle(item, chart_key), "text/plain": f"Chart: {_TAGS.sub(' ', title)}"}
    return display_bundle(item)


#: What a stored explorer says in JupyterLab before its cell has run (issue 22, item 4).
RUN_HINT = "▶ Run this cell (Shift + Enter) for the live controls"


def static_faces(static_face: Any, title: str) -> dict:
    """The stored faces of a live view: its static face, with a one-line invitation to run the
    cell where only JupyterLab shows it.

    JupyterLab draws the plotly JSON face of a chart, so the invitation leads
    its title; an HTML face starts with it in an element of the class
    ``spine-live-only``, which the collection's page style hides on static
    pages (nbviewer, nbconvert, handouts: ``templates/review_status.html.j2``)
    and JupyterLab, which drops that style from a stored output, shows.
    """
    from helpers.render import macro

    data = display_bundle(static_face)
    if plotting.PLOTLY_MIME in data:
        face = dict(data[plotting.PLOTLY_MIME])
        layout = dict(face.get("layout") or {})
        heading = dict(layout.get("title") or {})
        heading["text"] = RUN_HINT + "<br>" + str(heading.get("text") or "")
        layout["title"] = heading
        face["layout"] = layout
        data[plotting.PLOTLY_MIME] = face
    if "text/html" in data:
        # both are markup: joined as strings (Markup + str would escape the str)
        data["text/html"] = str(macro("_macros.html.j2", "live_only_hint", RUN_HINT)) + str(data["text/html"])
    data["text/plain"] = f"{title} (interactive when the notebook runs)"
    return data


def _output_items(shown: Any, key: str) -> tuple[dict, ...]:
    items = list(shown) if isinstance(shown, (list, tuple)) else [shown]
    # The chart a control drives sits right under the controls, so a change is seen where
    # it is made (at 1366 x 768 a summary or table above it pushed it a screen down);
    # what explains it follows.  The order is otherwise kept.
    items = [i for i in items if isinstance(i, BaseFigure)] + [i for i in items if not isinstance(i, BaseFigure)]
    return tuple(
        {"output_type": "display_data", "data": live_bundle(item, f"{key}-{index}"), "metadata": {}}
        for index, item in enumerate(items)
    )


class Explorer:
    """Controls + a pure render function + a static face.

    Parameters
    ----------
    controls:
        Named ipywidgets controls, each with a ``description`` label.
    render:
        Pure function called as ``render(**{name: control.value})``.  Returns
        a figure, a DataFrame, an HTML string, or a list of these.
    static_face:
        What a reader without a kernel sees: a plotly figure (ideally with a
        dropdown menu over the same choices) or an HTML string or DataFrame.
    title:
        Short plain-text name, used as the text/plain face.
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.Widget],
        render: Render,
        static_face: Any,
        title: str,
    ) -> None:
        for name, control in controls.items():
            if not getattr(control, "description", ""):
                raise ValueError(f"control {name!r} needs a description (its visible label)")
        self.controls = dict(controls)
        self.render = render
        self.static_face = static_face
        self.title = title
        # Names its live charts in the page; random, because several kernels
        # (notebooks) share one JupyterLab page.  Live outputs are never stored.
        self.key = f"spine-explorer-{uuid.uuid4().hex[:12]}"
        self.message = widgets.HTML(value="")
        self.output = widgets.Output()
        self.widget = widgets.VBox(
            [widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
             self.message,
             self.output]
        )
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    @property
    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> None:
        """Recompute what the explorer shows from the current control values."""
        try:
            shown = self.render(**self.values)
        except FriendlyError as error:
            self.message.value = message_html(str(error))
            self.output.outputs = ()
            return
        self.message.value = ""
        self.output.outputs = _output_items(shown, self.key)

    def _on_change(self, _change: dict) -> None:
        self.refresh()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        data = static_faces(self.static_face, self.title)
        widget_bundle = self.widget._repr_mimebundle_()
        data["application/vnd.jupyter.widget-view+json"] = widget_bundle[
            "application/vnd.jupyter.widget-view+json"
        ]
        return data


class LiveWithStaticFace:
    """Any ready-made widget, displayed with a static face for kernel-less pages.

    Same three faces as :class:`Explorer`; use it when the widget already
    computes its own result (for example the calculators).
    """

    def __init__(self, widget: widgets.Widget, static_face: Any, title: str) -> None:
        self.widget = widget
        self.static_face = static_face
        self.title = title

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        data = static_faces(self.static_face, self.title)
        data["application/vnd.jupyter.widget-view+json"] = self.widget._repr_mimebundle_()[
            "application/vnd.jupyter.widget-view+json"
        ]
        return data
