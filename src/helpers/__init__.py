"""Helpers for the spinal cancer treatment notebooks.

Notebooks import what they need from the submodules, for example::

    from helpers import setup
    setup()

Submodules are imported lazily so that ``import helpers`` stays cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"


def setup() -> None:
    """Prepare a notebook: how figures display, plotly template, pandas options.

    Call once, in the notebook's set-up cell.  Safe to call again.  Plotly's
    figure classes are not loaded here: the template is registered by the
    first chart built (:func:`helpers.plotting.configure`).
    """
    import pandas as pd

    from helpers import plotting

    plotting.configure()
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 100)
