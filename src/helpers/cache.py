"""Where the helpers keep work between kernels: validated data, compiled templates, lesson outputs.

Every lesson kernel used to validate the same tables, compile the same
Jinja2 templates and build the same charts and tables again.  These results
depend only on bytes that can be hashed (the data folder's files, the
template sources) and on the code that made them, so they are stored once in
a cache folder and reused by the next kernel while those bytes are
unchanged (the outputs: :mod:`helpers.replay`).  A change to any file makes a new key, so a
stale entry is never read; entries are small, and old ones are pruned.

The folder is ``$SPINE_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME`` (or
``~/.cache``) ``/spine-cancer-notebooks``.  ``SPINE_CACHE_DIR=off`` turns the
cache off.  A folder that cannot be written is not an error: the helpers
then do the work in every kernel, as before.  Nothing here is needed for a
correct result, only for a fast one.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

__all__ = ["CACHE_DIR_ENV", "cache_dir", "code_fingerprint", "tree_fingerprint", "read_pickle", "write_pickle",
           "prune"]

#: Environment variable naming the cache folder (``off`` disables caching).
CACHE_DIR_ENV = "SPINE_CACHE_DIR"
_APP = "spine-cancer-notebooks"


def cache_dir(*parts: str) -> Path | None:
    """The cache folder (or a sub-folder of it), created if needed; ``None`` if off or not writable."""
    override = os.environ.get(CACHE_DIR_ENV, "").strip()
    if override.lower() == "off":
        return None
    if override:
        root = Path(override).expanduser()
    else:
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
        root = Path(base) / _APP
    folder = root.joinpath(*parts)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


@functools.cache
def code_fingerprint(*modules: str) -> str:
    """A short hash of the Python version and the source of helper modules.

    ``modules`` names modules of this package (``"render"``); with none, every
    ``.py`` file of the package counts.  Part of every cache key, so a change to
    the code that produced an entry (a new check, a new column type) makes the
    old entry unreachable.  Computed once per process: the code that runs is
    the code that was imported, even if the files change afterwards.
    """
    digest = hashlib.sha1(sys.version.encode())
    here = Path(__file__).resolve().parent
    files = [here / f"{name}.py" for name in modules] if modules else sorted(here.rglob("*.py"))
    for path in files:
        digest.update(str(path.relative_to(here)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def tree_fingerprint(folder: Path | str) -> str:
    """A hash of every file under ``folder``: its path inside the folder and its bytes.

    Every file counts (a table, schema or template added later too), except
    Python's ``__pycache__``.  Raises ``OSError`` if a file cannot be read.
    """
    root = Path(folder)
    digest = hashlib.sha1()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(b"\0" + str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_pickle(path: Path) -> object | None:
    """What :func:`write_pickle` stored at ``path``, or ``None`` if missing or unreadable."""
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign entry is a miss, never an error
        return None


def write_pickle(path: Path, value: object) -> None:
    """Store ``value`` at ``path`` atomically (a reader never sees half a file); errors are ignored."""
    try:
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=path.name, suffix=".tmp",
                                         delete=False) as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(fh.name, path)
    except OSError:
        try:
            os.unlink(fh.name)
        except (OSError, UnboundLocalError):
            pass


def prune(folder: Path, pattern: str, keep: int) -> None:
    """Delete all but the ``keep`` most recently used files (or folders) matching ``pattern`` in ``folder``."""
    import shutil

    try:
        entries = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in entries[keep:]:
        try:
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink()
        except OSError:
            pass
