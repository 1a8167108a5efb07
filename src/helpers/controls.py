"""Layout for live controls (ipywidgets), so every label and value can be read.

With ``description_width: initial`` a long description takes the room the
box needed: a fixed-width widget squeezed its input to a few pixels and
showed "T" of "T12".  :func:`fit` sizes a control to its content (its whole
description plus a box at its natural width, or a dropdown as wide as its
longest option), never wider than the cell.  Checked in JupyterLab by
tests/test_lab_controls.py.
"""

from __future__ import annotations

import ipywidgets as widgets
import traitlets

#: Show each description at its full width (never cut to the default 80 px).
LABEL_STYLE = {"description_width": "initial"}
#: Toggle buttons as wide as their text (the default is a fixed 148 px).
TOGGLE_STYLE = {"description_width": "initial", "button_width": "auto"}


def fit(**extra: str) -> widgets.Layout:
    """A layout as wide as the control's content, at most the cell's width.

    ``extra`` adds other Layout properties (for example ``margin``).
    """
    return widgets.Layout(width="max-content", max_width="100%", **extra)


class CheckboxGroup(widgets.HBox):
    """Several choices at once, as a row of labelled checkboxes: ``value`` is the tuple chosen.

    A multiple-selection list needs Ctrl or Cmd to choose several, which a
    student learns only after a failed click, and it is five rows tall; each
    checkbox says what it is, is reached with Tab and ticked with Space, and
    the row is one line high (issue 22, items 7-8).  Behaves as a control for
    :class:`helpers.explorer.Explorer`: ``description``, ``value`` and
    ``observe(..., names="value")``.
    """

    value = traitlets.Tuple()
    description = traitlets.Unicode()

    def __init__(self, options, value=(), description: str = "") -> None:
        self._values = [v for _label, v in options]
        self._boxes = [widgets.Checkbox(value=v in tuple(value), description=str(label), indent=False,
                                        layout=fit(margin="0 12px 0 0"))
                       for label, v in options]
        label = widgets.Label(value=f"{description}:", style={"font_weight": "bold"}, layout=fit(margin="0 8px 0 0"))
        super().__init__([label, *self._boxes], layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.description = description
        self._syncing = False
        self.value = tuple(v for v in self._values if v in tuple(value))
        for box in self._boxes:
            box.observe(self._from_boxes, names="value")
        self.observe(self._to_boxes, names="value")

    def _from_boxes(self, _change: dict) -> None:
        if not self._syncing:
            self.value = tuple(v for v, box in zip(self._values, self._boxes) if box.value)

    def _to_boxes(self, change: dict) -> None:
        self._syncing = True
        try:
            for v, box in zip(self._values, self._boxes):
                box.value = v in change["new"]
        finally:
            self._syncing = False
