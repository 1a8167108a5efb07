"""Use the helpers and data of this copy of the collection.

Every lesson's set-up cell starts with ``import this_copy``. It puts the
``src/`` folder of the same copy (next to ``notebooks/``) first on
``sys.path``, so ``from helpers import ...`` finds this copy's helpers even
when another (perhaps older) copy is installed in the Python environment, as
on a JupyterHub image. The helpers locate ``data/`` (tables, quizzes,
instructor notes) next to themselves, so notebooks, helpers and data always
come from one commit: a ``git pull`` (or an nbgitpuller link) updates all
three, with no reinstall. See docs/class-deployment.md.

A notebook copied out of the collection on its own falls back to the
installed helpers, if any.
"""

from __future__ import annotations

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
