"""reveal.js slides for projecting a notebook in class.

    python tools/slides.py [--out DIR] [NOTEBOOK ...]

Writes ``build/slides/NN_slug.slides.html`` for every notebook (or the ones
named: a path, a slug or the two-digit number) with nbconvert's
SlidesExporter, from the stored outputs (nothing is executed).

The notebooks carry no slide metadata, so the slide type of each cell is
derived from the headings at export time, on an in-memory copy (the notebook
files are never changed):

(a markdown cell with a heading in the middle is first split in two there)

* a markdown cell that opens with an H1 or H2   -> new slide ("slide")
* a markdown cell that opens with an H3         -> sub-slide below it ("subslide")
* a "**What to notice:**" paragraph             -> fragment (appears on the next
  click, so the class can predict before the answer shows)
* a code cell with no output, navigation cells  -> skipped
* everything else                               -> continues the current slide ("-")

A cell that already has ``metadata.slideshow.slide_type`` keeps it, so an
author can override the rule for one cell in JupyterLab (Property Inspector,
"Slide Type").  Code is hidden and outputs are shown.  Tall slides scroll.

reveal.js, require.js and jQuery load from their CDNs when the slides are
shown (projecting needs the network, as nbviewer does); charts load plotly.js
from its CDN through the collection's figure loader.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import time
from pathlib import Path

import nbformat

from export_common import (
    BUILD_DIR,
    first_heading,
    notebook_paths,
    read_notebook,
    relative,
    relink_lessons,
    run,
    title_of,
)

OUT_DIR = BUILD_DIR / "slides"
SUFFIX = ".slides.html"
NAV_TAG = "navigation"


def derived_slide_type(cell) -> str:
    """The slide type for one cell by the heading rule (see module docstring)."""
    if NAV_TAG in cell.metadata.get("tags", []):
        return "skip"
    if cell.cell_type == "code":
        return "-" if cell.get("outputs") else "skip"
    if cell.cell_type != "markdown":
        return "skip"
    heading = first_heading(cell)
    if heading is not None:
        level = heading[0]
        if level <= 2:
            return "slide"
        if level == 3:
            return "subslide"
        return "-"
    if cell.source.lstrip().lower().startswith("**what to notice"):
        return "fragment"
    return "-"


def split_at_headings(nb: nbformat.NotebookNode) -> None:
    """Split markdown cells so that every H1-H3 heading opens a cell (in place).

    A heading in the middle of a cell then still starts its own slide.
    """
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "slideshow" in cell.metadata:
            cells.append(cell)
            continue
        pieces: list[list[str]] = [[]]
        in_fence = False
        for line in cell.source.splitlines():
            if line.lstrip().startswith("```"):
                in_fence = not in_fence
            if not in_fence and re.match(r"^#{1,3}\s", line) and any(l.strip() for l in pieces[-1]):
                pieces.append([])
            pieces[-1].append(line)
        for index, piece in enumerate(pieces):
            part = copy.deepcopy(cell)
            part.source = "\n".join(piece).strip("\n")
            if index and "id" in cell:
                part["id"] = f"{cell['id']}-{index}"[:64]
            cells.append(part)
    nb.cells = cells


def with_slide_types(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Fill in ``metadata.slideshow.slide_type`` where a cell has none (in place)."""
    split_at_headings(nb)
    for cell in nb.cells:
        slideshow = cell.metadata.setdefault("slideshow", {})
        slideshow.setdefault("slide_type", derived_slide_type(cell))
    # The first shown cell must open a slide, whatever it is.
    for cell in nb.cells:
        if cell.metadata.slideshow["slide_type"] != "skip":
            if cell.metadata.slideshow["slide_type"] in ("-", "fragment", "notes"):
                cell.metadata.slideshow["slide_type"] = "slide"
            break
    return nb


def slides_html(path: Path) -> str:
    """The reveal.js page for one notebook."""
    from nbconvert import SlidesExporter

    nb = with_slide_types(read_notebook(path))
    relink_lessons(nb, SUFFIX)
    exporter = SlidesExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        reveal_scroll=True,
        reveal_number="c/t",
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title_of(nb, path.stem)}})
    return body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to export (default: all)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: build/slides)")
    args = parser.parse_args(argv)
    paths = notebook_paths(args.notebooks)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        start = time.perf_counter()
        target = args.out / f"{path.stem}{SUFFIX}"
        target.write_text(slides_html(path), encoding="utf-8")
        print(f"wrote {relative(target)} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
