"""Links for giving a whole class the collection.

    python tools/class_links.py --hub https://hub.example.edu
    make class-links HUB=https://hub.example.edu

Prints the nbgitpuller link that clones this repository into each student's
home folder on a JupyterHub and opens ``notebooks/00_start_here.ipynb`` (a
second click pulls updates without overwriting a student's edits), then, for
every notebook, its own hub link, its Binder link and its nbviewer link.
The repository comes from ``helpers.course.REPOSITORY``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

from export_common import ExportError, available_notebooks, run

from helpers.course import BRANCH, REPOSITORY, binder_url, nbviewer_url

HOW_TO_PASS = "no hub given: run 'make class-links HUB=https://hub.example.edu' (or tools/class_links.py --hub URL)"


def repository_url() -> str:
    return f"https://github.com/{REPOSITORY.strip()}"


def repository_name() -> str:
    return REPOSITORY.strip().split("/")[-1]


def normalise_hub(hub: str) -> str:
    """``https://hub.example.edu`` without a trailing slash; rejects anything else."""
    hub = hub.strip().rstrip("/")
    parts = urlsplit(hub)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise ExportError(f"hub address {hub!r} is not a web address like https://hub.example.edu")
    return hub


def nbgitpuller_link(hub: str, notebook: str = "00_start_here.ipynb", branch: str = BRANCH) -> str:
    """The hub link that pulls this repository and opens ``notebooks/<notebook>`` in JupyterLab."""
    repo = quote(repository_url(), safe="")
    urlpath = f"lab/tree/{repository_name()}/notebooks/{notebook}"
    return f"{normalise_hub(hub)}/hub/user-redirect/git-pull?repo={repo}&branch={quote(branch, safe='')}&urlpath={urlpath}"


def report(hub: str, notebooks: list[Path]) -> str:
    lines = [
        "JupyterHub (nbgitpuller) for the whole collection, opening 00_start_here:",
        f"  {nbgitpuller_link(hub)}",
        "",
        "Per notebook:",
    ]
    for path in notebooks:
        lines += [
            f"  {path.stem}",
            f"    hub:      {nbgitpuller_link(hub, path.name)}",
            f"    binder:   {binder_url(path.stem)}",
            f"    nbviewer: {nbviewer_url(path.stem)}",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", default="", help="the JupyterHub address, e.g. https://hub.example.edu")
    args = parser.parse_args(argv)
    if not args.hub.strip():
        raise ExportError(HOW_TO_PASS)
    print(report(args.hub, available_notebooks()))
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
