"""Use the helpers and data of this copy of the collection, in any cell, in any order.

Every lesson cell starts by taking the course tool it uses from here::

    from this_copy import surgery
    surgery.aims_chart()

so a cell works whichever cell a student runs first (Shift + Enter on a
chart before the set-up cell, or after a kernel restart): the first such
import prepares the notebook (``helpers.setup()``: how charts display) once,
and later ones cost a dictionary look-up.

Importing this module puts the ``src/`` folder of the same copy (next to
``notebooks/``) first on ``sys.path``, so the helpers come from this copy
even when another (perhaps older) copy is installed in the Python
environment, as on a JupyterHub image. The helpers locate ``data/`` (tables,
quizzes, instructor notes) next to themselves, so notebooks, helpers and
data always come from one commit: a ``git pull`` (or an nbgitpuller link)
updates all three, with no reinstall. See docs/class-deployment.md.

A notebook copied out of the collection on its own falls back to the
installed helpers, if any.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def _use_this_copy() -> None:
    if not (SRC / "helpers" / "__init__.py").is_file():
        return
    src = str(SRC)
    while src in sys.path:
        sys.path.remove(src)
    sys.path.insert(0, src)
    # A kernel that already imported helpers from elsewhere forgets them, so
    # the next import reads this copy's.
    loaded = sys.modules.get("helpers")
    if loaded is not None and Path(getattr(loaded, "__file__", "") or ".").resolve().parent != SRC / "helpers":
        for name in [n for n in sys.modules if n == "helpers" or n.startswith("helpers.")]:
            del sys.modules[name]


_use_this_copy()
_prepared = False


def setup() -> None:
    """Prepare the notebook (``helpers.setup()``); safe to call again."""
    global _prepared
    import helpers

    helpers.setup()
    _prepared = True


def __getattr__(name: str):
    """``from this_copy import surgery``: the course module ``helpers.surgery``,
    with the notebook prepared first (once).

    In a notebook its functions replay what they showed in an earlier kernel
    while the collection is unchanged (``helpers.replay``); elsewhere, or with
    ``SPINE_CACHE_DIR=off``, it is the module itself.
    """
    if name.startswith("_"):
        raise AttributeError(name)
    try:
        try:
            from helpers.replay import tool
        except ImportError:  # installed helpers older than the replay: the module itself
            module = importlib.import_module(f"helpers.{name}")
        else:
            module = tool(name)
    except ModuleNotFoundError as error:
        if error.name != f"helpers.{name}":
            raise
        raise AttributeError(f"this collection has no course tool called {name!r}") from None
    if not _prepared:
        setup()
    globals()[name] = module  # the next import of the same name skips this function
    return module
