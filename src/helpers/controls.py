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

#: Show each description at its full width (never cut to the default 80 px).
LABEL_STYLE = {"description_width": "initial"}
#: Toggle buttons as wide as their text (the default is a fixed 148 px).
TOGGLE_STYLE = {"description_width": "initial", "button_width": "auto"}


def fit(**extra: str) -> widgets.Layout:
    """A layout as wide as the control's content, at most the cell's width.

    ``extra`` adds other Layout properties (for example ``margin``).
    """
    return widgets.Layout(width="max-content", max_width="100%", **extra)
