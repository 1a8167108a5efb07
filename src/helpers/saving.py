"""What a lesson file keeps when it is saved: no live-control views.

A running explorer or calculator is one output with three faces (see
:mod:`helpers.explorer`): the live widget view, and the static faces (plotly
JSON, HTML).  JupyterLab saves the output as it holds it, widget view
included, and autosaves within minutes.  Widget state is not saved, so when
the lesson is reopened with a new kernel the view points at a widget that no
longer exists, and JupyterLab's widget renderer (which outranks every other
face of a trusted output) prints "Error displaying widget: model not found"
where the explorer was.  Nothing the kernel sends can prevent that: the
renderer shows the error for any view whose widget is missing, and the saved
file is written by the browser and the server, not the kernel.

:func:`drop_widget_views` removes the views, as ``make notebooks`` does when
it builds a lesson, so a reopened lesson shows each explorer's static face
(as on nbviewer) until the cell runs again.  :func:`pre_save_hook` applies it
to every notebook the Jupyter server saves: this module is also a Jupyter
server extension that registers the hook, enabled by
``tools/jupyterlab/spine-notebooks.json`` copied into the environment's
``etc/jupyter/jupyter_server_config.d/`` (``make lab``, Binder's
``postBuild``, the hub image recipe).  It works with JupyterLab's default
settings; a registered hook leaves any other pre-save hook in place.  This
module imports nothing heavy: the Jupyter server imports it when it starts.
"""

from __future__ import annotations

from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def drop_widget_views(nb: Any) -> int:
    """Remove widget views from the outputs of ``nb`` (a notebook dict); return how many.

    A notebook that saves its widget state (JupyterLab's "Save Widget State
    Automatically") keeps its views: they can be drawn from that state.
    """
    if WIDGET_STATE in ((nb.get("metadata") or {}).get("widgets") or {}):
        return 0
    dropped = 0
    for cell in nb.get("cells") or []:
        for output in cell.get("outputs") or []:
            data = output.get("data")
            if isinstance(data, dict) and data.pop(WIDGET_VIEW, None) is not None:
                dropped += 1
    return dropped


def pre_save_hook(model: dict, **_kwargs: Any) -> None:
    """Jupyter server ``ContentsManager.pre_save_hook``: drop widget views from a saved notebook."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        drop_widget_views(model["content"])


def _jupyter_server_extension_points() -> list[dict]:
    """This module is a Jupyter server extension (enabled by tools/jupyterlab/spine-notebooks.json)."""
    return [{"module": "helpers.saving"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    serverapp.contents_manager.register_pre_save_hook(pre_save_hook)
    serverapp.log.info("helpers.saving: saved notebooks keep no widget views (they reopen with static faces)")
