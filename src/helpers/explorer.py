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
import sys
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from helpers.errors import FriendlyError

Render = Callable[..., Any]
_TAGS = re.compile(r"<[^>]+>")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _is_figure(item: Any) -> bool:
    """A plotly figure?  (Without importing plotly's figure machinery where no figure was ever built.)"""
    module = sys.modules.get("plotly.basedatatypes")
    return module is not None and isinstance(item, module.BaseFigure)


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
    if _is_figure(item):
        from helpers import plotting

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
    if _is_figure(item):
        from helpers import plotting

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
    from helpers.plotting import PLOTLY_MIME
    from helpers.render import macro

    data = display_bundle(static_face)
    if PLOTLY_MIME in data:
        face = dict(data[PLOTLY_MIME])
        layout = dict(face.get("layout") or {})
        heading = dict(layout.get("title") or {})
        heading["text"] = RUN_HINT + "<br>" + str(heading.get("text") or "")
        layout["title"] = heading
        face["layout"] = layout
        data[PLOTLY_MIME] = face
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
    items = [i for i in items if _is_figure(i)] + [i for i in items if not _is_figure(i)]
    return tuple(
        {"output_type": "display_data", "data": live_bundle(item, f"{key}-{index}"), "metadata": {}}
        for index, item in enumerate(items)
    )


class _Deferred:
    """A static face not built yet: the lesson output cache holds what it shows (:func:`deferred_face`)."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self.build = build


def deferred_face(build: Callable[[], Any]) -> Any:
    """The static face ``build()`` makes, for a live view: built now, as before, unless the lesson
    output cache (:mod:`helpers.replay`) is rebuilding this view and already holds what that face shows.

    A builder writes ``static_face=deferred_face(all_cases_html)`` where it wrote
    ``static_face=all_cases_html()``: the face is built at the same point (so
    its sources are cited in the same order), except when it is not needed.
    """
    from helpers.replay import deferring

    return _Deferred(build) if deferring() else build()


def prepare_first_change() -> None:
    """Load what a live view's first change needs, ahead of it (a replayed kernel built none of it).

    plotly's figure classes and the collection's template, plotly's handling of
    pandas columns (a small chart built and dropped: it is never displayed, so it
    numbers no figure and cites nothing), and the templates' engine.  Called by
    :func:`helpers.replay.when_idle`; the first change of a chart explorer took
    about 0.12 s without it, the next ones 0.02 s.
    """
    import pandas as pd
    import plotly.graph_objects as go

    from helpers.plotting import figure
    from helpers.render import environment

    figure(go.Scatter(x=pd.Series([0.0]), y=pd.Series([0.0])))
    environment()


class _StaticFaces:
    """The stored faces of a live view (its static face with the invitation to run the cell) and its widget."""

    widget: widgets.Widget
    title: str
    _static_face: Any
    _first_faces: tuple | None = None

    @property
    def static_face(self) -> Any:
        """What a reader without a kernel sees (a figure, a table, HTML)."""
        face = self._static_face
        if isinstance(face, _Deferred):
            from helpers.replay import quiet

            with quiet():  # built again only to be looked at: not shown, so not cited
                face = self._static_face = face.build()
        return face

    @static_face.setter
    def static_face(self, face: Any) -> None:
        self._static_face = face

    def static_bundle(self) -> dict:
        """The stored faces: everything the display shows but the live widget view."""
        return static_faces(self.static_face, self.title)

    def first_faces(self, faces: dict, before: Any, after: Any) -> None:
        """What the next display shows as its stored faces (computed or replayed by helpers.replay),
        if the kernel is then still in the state ``before`` they were made in; ``after`` is the
        state displaying them left (:func:`helpers.replay.displayed_first`)."""
        self._first_faces = (dict(faces), before, after)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        first, self._first_faces = self._first_faces, None
        if first is not None:
            from helpers.replay import displayed_first

            data = dict(first[0]) if displayed_first(first[1], first[2]) else self.static_bundle()
        else:
            data = self.static_bundle()
        data[WIDGET_MIME] = widget_view(self.widget)
        return data


def widget_view(widget: widgets.Widget) -> dict:
    """What JupyterLab needs to draw ``widget``'s live view (the widget-view MIME data, version 2.0).

    The same as ``widget._repr_mimebundle_()[WIDGET_MIME]`` without its plain-text
    face, which ipywidgets makes by repr-ing every widget in the tree: about 5 ms
    for a clinical-judgment case of 100 widgets, thrown away here.
    """
    return {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}


class Explorer(_StaticFaces):
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
        dropdown menu over the same choices) or an HTML string or DataFrame;
        a builder passes ``deferred_face(build)``.
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
        from helpers.replay import deferring, explorer_made

        if deferring():  # rebuilt by the lesson output cache, which holds what it shows first
            explorer_made(self)
        else:
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

    #: Stands for :attr:`key` (random per explorer) in a stored first view.
    KEY_MARK = "spine-explorer-KEY"

    def first_view(self) -> dict:
        """What the explorer shows now (message and outputs), its key replaced by :data:`KEY_MARK`."""
        import json

        outputs = json.dumps(list(self.output.outputs)).replace(self.key, self.KEY_MARK)
        return {"message": self.message.value, "outputs": outputs}

    def show_first_view(self, view: dict) -> None:
        """Show a view :meth:`first_view` stored (for the same control values), as :meth:`refresh` would."""
        import json

        self.message.value = view["message"]
        self.output.outputs = tuple(json.loads(view["outputs"].replace(self.KEY_MARK, self.key)))


class LiveWithStaticFace(_StaticFaces):
    """Any ready-made widget, displayed with a static face for kernel-less pages.

    Same three faces as :class:`Explorer`; use it when the widget already
    computes its own result (for example the calculators).
    """

    def __init__(self, widget: widgets.Widget, static_face: Any, title: str) -> None:
        self.widget = widget
        self.static_face = static_face
        self.title = title

    def first_view(self) -> dict | None:
        """The widget's first view, if it can store one (a calculator can: helpers.calculator_widgets)."""
        return self.widget.first_view() if hasattr(self.widget, "first_view") else None
