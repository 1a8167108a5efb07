"""helpers.saving: a saved lesson keeps no live-control views (issue 22, item 1).

The browser test (tests/test_lab_reopen.py) reopens a lesson saved in
JupyterLab; these check the rule itself on hand-made notebooks.
"""

from __future__ import annotations

import copy

from helpers import saving

VIEW = "application/vnd.jupyter.widget-view+json"


def notebook(widget_state: bool = False) -> dict:
    explorer = {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {
        VIEW: {"model_id": "6f1c", "version_major": 2, "version_minor": 0},
        "application/vnd.plotly.v1+json": {"data": [], "layout": {}},
        "text/html": "<div>static face</div>",
        "text/plain": "Cycle explorer (interactive when the notebook runs)"}}
    bare = {"output_type": "display_data", "metadata": {}, "data": {
        VIEW: {"model_id": "77aa", "version_major": 2, "version_minor": 0}, "text/plain": "IntSlider(value=3)"}}
    text = {"output_type": "stream", "name": "stdout", "text": "hello\n"}
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# Title"},
        {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": 3, "source": "x",
         "outputs": [explorer, bare, text]}]}
    if widget_state:
        nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}}
    return nb


def test_views_are_dropped_and_every_other_face_kept():
    nb = notebook()
    assert saving.drop_widget_views(nb) == 2
    explorer, bare, text = nb["cells"][1]["outputs"]
    assert set(explorer["data"]) == {"application/vnd.plotly.v1+json", "text/html", "text/plain"}
    assert bare["data"] == {"text/plain": "IntSlider(value=3)"}
    assert text == {"output_type": "stream", "name": "stdout", "text": "hello\n"}


def test_a_notebook_that_saves_its_widget_state_keeps_its_views():
    nb = notebook(widget_state=True)
    before = copy.deepcopy(nb)
    assert saving.drop_widget_views(nb) == 0
    assert nb == before


def test_the_hook_changes_notebooks_only():
    model = {"type": "notebook", "content": notebook()}
    saving.pre_save_hook(model=model, path="notebooks/03.ipynb", contents_manager=None)
    assert all(VIEW not in o.get("data", {}) for o in model["content"]["cells"][1]["outputs"])
    text_file = {"type": "file", "format": "text", "content": VIEW}
    saving.pre_save_hook(model=text_file, path="notes.txt", contents_manager=None)
    assert text_file["content"] == VIEW


def test_the_extension_registers_the_hook():
    registered = []

    class Contents:
        def register_pre_save_hook(self, hook):
            registered.append(hook)

    class Log:
        def info(self, *args):
            pass

    class Server:
        contents_manager = Contents()
        log = Log()

    saving._load_jupyter_server_extension(Server())
    assert registered == [saving.pre_save_hook]
