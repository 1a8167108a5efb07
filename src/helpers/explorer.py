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
other exception propagates to the kernel.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
from IPython.core.formatters import format_display_data

from helpers.errors import FriendlyError

Render = Callable[..., Any]


def message_html(text: str, kind: str = "warning") -> str:
    """A one-line message box; the prefix word carries the meaning, not colour."""
    prefix = {"warning": "Check the input:", "info": "Note:"}[kind]
    border = {"warning": "#D55E00", "info": "#0072B2"}[kind]
    return (
        f'<div role="status" style="border-left:4px solid {border};padding:4px 8px;margin:4px 0">'
        f"<strong>{prefix}</strong> {html.escape(text)}</div>"
    )


def _output_items(shown: Any) -> tuple[dict, ...]:
    items = shown if isinstance(shown, (list, tuple)) else [shown]
    outputs = []
    for item in items:
        if isinstance(item, str):
            data: dict = {"text/html": item, "text/plain": "(see the HTML view)"}
        else:
            data, _metadata = format_display_data(item)
        outputs.append({"output_type": "display_data", "data": data, "metadata": {}})
    return tuple(outputs)


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
        self.output.outputs = _output_items(shown)

    def _on_change(self, _change: dict) -> None:
        self.refresh()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        data, _metadata = format_display_data(self.static_face)
        data = dict(data)
        data["text/plain"] = f"{self.title} (interactive when the notebook runs)"
        widget_bundle = self.widget._repr_mimebundle_()
        data["application/vnd.jupyter.widget-view+json"] = widget_bundle[
            "application/vnd.jupyter.widget-view+json"
        ]
        return data
