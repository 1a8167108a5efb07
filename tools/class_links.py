"""Links for giving a whole class the collection.

    python tools/class_links.py --hub https://hub.example.edu
    make class-links HUB=https://hub.example.edu

Prints the nbgitpuller link that clones this repository into each student's
home folder on a JupyterHub and opens ``notebooks/00_start_here.ipynb`` (a
second click pulls updates without overwriting a student's edits), then, for
every notebook, its own hub link, its Binder link and its nbviewer link.
The repository comes from ``helpers.course.REPOSITORY``; ``--repo URL`` (make
class-links REPO=URL) points the hub links at another git repository, such as
a fork or a local clone (``file:///path/to/repo``, as the hub test does).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

from export_common import ExportError, available_notebooks, run

from helpers.course import BRANCH, REPOSITORY, binder_url, nbviewer_url

HOW_TO_PASS = "no hub given: run 'make class-links HUB=https://hub.example.edu' (or tools/class_links.py --hub URL)"


def repository_url(repo: str | None = None) -> str:
    """The git address students pull: ``repo`` if given, else this repository on GitHub."""
    if repo is None or not repo.strip():
        return f"https://github.com/{REPOSITORY.strip()}"
    repo = repo.strip().rstrip("/")
    parts = urlsplit(repo)
    if parts.scheme not in ("https", "http", "file") or not parts.path.strip("/") or parts.query or parts.fragment:
        raise ExportError(f"repository address {repo!r} is not a git address like "
                          "https://github.com/owner/name or file:///path/to/clone")
    return repo


def repository_name(repo: str | None = None) -> str:
    """The folder nbgitpuller clones into: the last part of the address, as it is
    (nbgitpuller keeps a ``.git`` ending)."""
    return repository_url(repo).rsplit("/", 1)[-1]


def normalise_hub(hub: str) -> str:
    """``https://hub.example.edu`` without a trailing slash; rejects anything else."""
    hub = hub.strip().rstrip("/")
    parts = urlsplit(hub)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise ExportError(f"hub address {hub!r} is not a web address like https://hub.example.edu")
    return hub


def nbgitpuller_link(hub: str, notebook: str = "00_start_here.ipynb", branch: str = BRANCH,
                     repo: str | None = None) -> str:
    """The hub link that pulls the repository and opens ``notebooks/<notebook>`` in JupyterLab."""
    encoded = quote(repository_url(repo), safe="")
    urlpath = f"lab/tree/{repository_name(repo)}/notebooks/{notebook}"
    return (f"{normalise_hub(hub)}/hub/user-redirect/git-pull?repo={encoded}"
            f"&branch={quote(branch, safe='')}&urlpath={urlpath}")


def report(hub: str, notebooks: list[Path], repo: str | None = None) -> str:
    lines = [
        "JupyterHub (nbgitpuller) for the whole collection, opening 00_start_here:",
        f"  {nbgitpuller_link(hub, repo=repo)}",
        "",
        "Per notebook:",
    ]
    for path in notebooks:
        lines += [
            f"  {path.stem}",
            f"    hub:      {nbgitpuller_link(hub, path.name, repo=repo)}",
            f"    binder:   {binder_url(path.stem)}",
            f"    nbviewer: {nbviewer_url(path.stem)}",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", default="", help="the JupyterHub address, e.g. https://hub.example.edu")
    parser.add_argument("--repo", default="",
                        help="git address for the hub links instead of the GitHub repository, "
                             "e.g. a fork or file:///path/to/clone")
    args = parser.parse_args(argv)
    if not args.hub.strip():
        raise ExportError(HOW_TO_PASS)
    print(report(args.hub, available_notebooks(), args.repo or None))
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
