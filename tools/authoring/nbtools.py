"""Tiny helpers for writing a new notebook skeleton from a script.

Used once to create a notebook; afterwards the .ipynb is the source (edit it
in JupyterLab, then `make notebooks`).
"""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def md(text: str, tags=None):
    cell = new_markdown_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def code(text: str, tags=None):
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def nav():
    return md("(navigation: filled in by make notebooks)", tags=["navigation"])


def write(path, cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    # Stable cell ids, so rebuilding does not churn them.
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"c{index:03d}"
    nbformat.write(nb, path)
