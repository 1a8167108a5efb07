"""Execute notebooks in place, from a fresh kernel, top to bottom.

    python tools/build_notebooks.py [--force] [notebooks/NN_slug.ipynb ...]

* Refreshes the generated navigation cells (tagged ``navigation``) first, and
  the wording between every claim marker pair in markdown
  (``<!-- claim:id -->...<!-- /claim -->``, from ``data/claims.csv``).
* Refuses to touch a notebook with uncommitted edits unless ``--force``.
* Stores no widget state (static pages then show each explorer's static
  face instead of frozen controls) and no timing metadata, so rebuilding an
  unchanged notebook gives the same bytes.
* A failing cell stops the build with the notebook and cell named.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "src"))

from helpers.claims import fill_markdown  # noqa: E402
from helpers.course import navigation_markdown  # noqa: E402
from helpers.saving import drop_widget_views  # noqa: E402

NAV_TAG = "navigation"
TIMEOUT_S = 300
#: How long a kernel may take to exit once it has answered the shutdown request.  ipykernel 7.4
#: sometimes does not exit by itself (here about 1 kernel in 25, a bare-import kernel as often as a
#: lesson's), and jupyter_client waits half of ``shutdown_wait_time`` (5 s by default) before it sends
#: SIGTERM.  Every output has arrived by then, so the builds (and the benchmark, which times kernels the
#: same way) wait 0.5 s instead of 2.5 s; a normal shutdown takes about 0.2 s.
KERNEL_CONFIG = Config({"KernelManager": {"shutdown_wait_time": 1.0}})


def uncommitted(path: Path) -> bool:
    """True when git knows the file differs from HEAD (or is untracked)."""
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain", "--", path.name],
            cwd=path.parent, capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return False  # not a git checkout: nothing to protect against
    return bool(out.strip())


def refresh_navigation(nb: nbformat.NotebookNode, slug: str) -> None:
    """Rewrite every markdown cell tagged ``navigation`` with the current links."""
    cells = [c for c in nb.cells if c.cell_type == "markdown" and NAV_TAG in c.metadata.get("tags", [])]
    if cells:
        text = navigation_markdown(slug)
        for cell in cells:
            cell.source = text


def refresh_claims(nb: nbformat.NotebookNode, slug: str) -> None:
    """Write each claim's current wording between its markers in every markdown cell."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and "<!--" in cell.source:
            cell.source = fill_markdown(cell.source, f"notebooks/{slug}.ipynb: cell {index} ({cell.get('id', '?')})")


def clean(nb: nbformat.NotebookNode) -> None:
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)


def find_errors(nb: nbformat.NotebookNode) -> list[str]:
    """Error outputs anywhere, including inside Output-widget state."""
    problems = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
    if '"output_type": "error"' in json.dumps(nb.metadata.get("widgets", {})):
        problems.append("error output inside saved widget state")
    return problems


def build(path: Path, force: bool) -> bool:
    rel = Path(os.path.relpath(path, ROOT))
    if not force and uncommitted(path):
        print(
            f"{rel}: has uncommitted edits, not overwritten. Commit them, or keep a copy "
            f"(cp {rel} {rel.with_suffix('.mine.ipynb')}), then run 'make notebooks FORCE=1'.",
            file=sys.stderr,
        )
        return False
    nb = nbformat.read(path, as_version=4)
    refresh_navigation(nb, path.stem)
    try:
        refresh_claims(nb, path.stem)
    except ValueError as error:  # a DataError: an unknown claim, named with its cell
        print(f"{rel}: {error}", file=sys.stderr)
        return False
    clean(nb)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        store_widget_state=False,
        record_timing=False,
        config=KERNEL_CONFIG,
    )
    try:
        client.execute()
    except CellExecutionError as error:
        index = next(
            (i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("outputs")
             and any(o.get("output_type") == "error" for o in c.outputs)),
            "?",
        )
        first = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        print(f"{rel}: cell {index} failed: {first}", file=sys.stderr)
        return False
    problems = find_errors(nb)
    if problems:
        print(f"{rel}: " + "; ".join(problems), file=sys.stderr)
        return False
    nb.metadata.pop("widgets", None)
    drop_widget_views(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    print(f"built {rel}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--force", action="store_true", help="overwrite notebooks with uncommitted edits")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"no such notebook: {missing[0]}", file=sys.stderr)
        return 2
    ok = all([build(p, args.force) for p in paths])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
