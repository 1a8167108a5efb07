"""Lesson outputs made once per change of the collection, then replayed (issue 21).

A lesson cell such as ``surgery.aims_chart()`` shows a bundle (plotly JSON
and HTML, a table's HTML and text...) that depends only on

* the helpers' code and templates, the libraries' versions, the data folder
  (every file) and which notebooks exist (the learning path lists them);
* the call: the course tool, the function and its arguments;
* two things a kernel keeps while a lesson runs: the sources shown so far
  (:data:`CITED`, from which the reference list is made) and the number of
  figures given an id so far (:func:`next_figure_number`, for the div ids of
  the static pages).

So every kernel that ran the same cells of an unchanged collection computed
the same bundles again.  :func:`tool` gives a lesson cell a stand-in for the
course module (``from this_copy import surgery``, :mod:`this_copy`) whose
functions look their call up first: all of the above hashed into a key, the
entry in the cache folder (:mod:`helpers.cache`, ``outputs/``) holds what the
call displayed and the state after it (sources cited, figures numbered).  On
a hit the stored bundle is shown and the state set, which is all the call
would have done; the course module is not even imported.  A miss computes
as before and stores the entry.  A call that fails stores nothing, so a
broken data row still raises its one-line error.

What a replayed call returns is a stand-in (:class:`Shown`) that displays
the stored bundle once and builds the real object (a plotly figure, a table)
the moment anything else is asked of it: ``fig.data``, ``fig.update_layout``.
Live views (explorers, calculators, clinical-judgment cases) are always
built for real, with their widgets and callbacks; only their static face,
the costly part, comes from the entry (:func:`helpers.explorer.deferred_face`).

Outside IPython (scripts, tests), with ``SPINE_CACHE_DIR=off``, or for a
call whose arguments are not plain values, the real function is called.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from helpers import cache

__all__ = ["CITED", "next_figure_number", "quiet", "deferring", "when_idle", "tool", "Shown", "ENTRY_VERSION"]

#: The sources shown so far in this kernel, in the order first shown (an
#: insertion-ordered set; :func:`helpers.lesson.cite` writes it).
CITED: dict[str, None] = {}
_figures = [0]  # figures given a div id so far in this kernel

#: Bumped when the layout of a stored entry changes.
ENTRY_VERSION = 3
_GENERATIONS_KEPT = 4  # per copy of the collection
#: Libraries whose code shapes a bundle (plotly's JSON, pandas' numbers, the templates' engine).
_LIBRARIES = ("plotly", "pandas", "numpy", "ipywidgets", "IPython", "jinja2", "markupsafe")
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def next_figure_number() -> int:
    """A new number for a figure's div id (1, 2, ... per kernel)."""
    _figures[0] += 1
    return _figures[0]


def _state() -> tuple[int, tuple[str, ...]]:
    return _figures[0], tuple(CITED)


def _set_state(state) -> None:
    _figures[0] = state[0]
    CITED.clear()
    CITED.update(dict.fromkeys(state[1]))


def _same_state(stored) -> bool:
    """Is the kernel's state the one stored (a pair as :func:`_state` gives, or as JSON made it: lists)?"""
    return _figures[0] == stored[0] and tuple(CITED) == tuple(stored[1])


def displayed_first(before, after) -> bool:
    """Called by a stored display about to be shown: True (and the state set to ``after``, as
    displaying did when it was computed) if the kernel is still in the state ``before`` that
    display was made in; False if something happened in between (then it is computed again)."""
    if not _same_state(before):
        return False
    _set_state(after)
    return True


@contextmanager
def quiet():
    """Build something again without it counting as shown (its sources and figure ids are undone)."""
    before = _state()
    try:
        yield
    finally:
        _set_state(before)


_deferring = [False]
_pending: list = []  # explorers made while deferring, their first view not computed yet


@contextmanager
def _defer_faces():
    _deferring[0] = True
    _pending.clear()
    try:
        yield
    finally:
        _deferring[0] = False


def explorer_made(explorer) -> None:
    """An explorer (or a calculator) made while its live view is rebuilt: its first view comes from the
    entry (or is computed)."""
    _pending.append(explorer)


def _first_views(explorers: list, value: object, view: dict | None) -> None:
    """Give each explorer made during a rebuild its first view: the stored one for the returned explorer,
    computed (``refresh``) for any other."""
    for explorer in explorers:
        # the returned explorer, or the widget a returned live view wraps (a calculator)
        if view is not None and (explorer is value or explorer is getattr(value, "widget", None)):
            explorer.show_first_view(view)
        else:
            explorer.refresh()


#: Seconds a kernel must have run no cell before work left for idle time runs (:func:`when_idle`).
IDLE_S = 1.0
_idle_work: set[str] = set()


def when_idle(name: str, work) -> None:
    """Run ``work()`` once this kernel has run no cell for :data:`IDLE_S` seconds (once per ``name``).

    For work a replayed kernel skipped but a student's first change would need
    (:func:`helpers.explorer.prepare_first_change`, about 0.1 s): done while
    the student reads, not in the middle of running the lesson's cells (each
    cell that finishes starts the wait again), and not at all by a kernel that
    is shut down first (the notebook builds).  Nothing happens outside a
    running kernel.
    """
    import time

    shell = _shell()
    loop = getattr(getattr(shell, "kernel", None), "io_loop", None)
    if loop is None or name in _idle_work:
        return
    _idle_work.add(name)
    if not _last_cell:
        _last_cell.append(time.monotonic())
        shell.events.register("post_run_cell", _cell_ran)

    def check() -> None:
        wait = _last_cell[0] + IDLE_S - time.monotonic()
        if wait > 0:  # a cell finished less than IDLE_S ago
            loop.call_later(wait, check)
            return
        try:
            work()
        except Exception:  # preparation only: the same work, done when needed, reports its own errors
            pass

    loop.call_later(IDLE_S, check)


_last_cell: list[float] = []  # when the kernel's last cell finished (time.monotonic)


def _cell_ran(result=None) -> None:
    import time

    _last_cell[0] = time.monotonic()


def deferring() -> bool:
    """True while a live view is rebuilt whose static face the cache holds (see helpers.explorer)."""
    return _deferring[0]


# --------------------------------------------------------------------------
# The key: what a bundle depends on
# --------------------------------------------------------------------------

_generation: dict[str, Path | None] = {}


def _library_version(name: str) -> str:
    """``"plotly 7.1.0"``: the installed version, read from the package's ``.dist-info`` folder name.

    The same text whether or not the library is imported yet, so the key does
    not depend on which cell ran first (a module's ``__version__`` where
    imported and a file hash elsewhere made two keys for one collection: a
    lesson that imports ipywidgets in its set-up cell never shared entries).
    importlib.metadata would cost a lesson more than the replay saves; one
    listing of the folder the package sits in does not.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        return f"{name} ?"
    version = _installed_versions(str(Path(locations[0]).parent)).get(name.lower())
    if version is not None:
        return f"{name} {version}"
    try:  # not installed with pip's metadata (a source checkout): the package's own file
        return f"{name} {hashlib.sha1(Path(spec.origin).read_bytes()).hexdigest()}"
    except (OSError, TypeError):
        return f"{name} ?"


def _installed_versions(site: str) -> dict[str, str]:
    """Lower-case project name -> version, from the ``.dist-info`` folder names in ``site``."""
    if site not in _versions:
        found = {}
        try:
            entries = sorted(os.listdir(site))
        except OSError:
            entries = []
        for entry in entries:
            if entry.endswith(".dist-info"):
                project, _, version = entry[: -len(".dist-info")].rpartition("-")
                found[project.lower().replace("-", "_").replace(".", "_")] = version
        _versions[site] = found
    return _versions[site]


_versions: dict[str, dict[str, str]] = {}


def _outputs_folder() -> Path | None:
    """This collection's folder of entries (one per generation of code, data and libraries), or None."""
    from helpers.data import data_dir, data_fingerprint

    data_folder = str(data_dir())
    if data_folder in _generation:
        return _generation[data_folder]
    folder = None
    if cache.cache_dir() is not None:
        here = Path(__file__).resolve().parent
        notebooks = here.parents[1] / "notebooks"
        try:
            present = sorted(p.name for p in notebooks.glob("*.ipynb"))
            parts = [f"entry {ENTRY_VERSION}", data_folder, data_fingerprint(data_folder),
                     cache.code_fingerprint(), cache.tree_fingerprint(here / "templates"),
                     *(_library_version(name) for name in _LIBRARIES), *present]
        except Exception:  # an unreadable data folder: no replay; the loader reports the problem
            parts = None
        if parts is not None:
            generation = hashlib.sha1("\0".join(parts).encode()).hexdigest()[:20]
            folder = cache.cache_dir("outputs", f"{_copy_id(data_folder)}-{generation}")
            if folder is not None:
                try:
                    os.utime(folder)  # most recently used: kept when older generations are pruned
                except OSError:
                    pass
    _generation[data_folder] = folder
    return folder


def _copy_id(data_folder: str) -> str:
    """Names a copy of the collection (by its data folder): each copy prunes only its own generations,
    so copies sharing one cache folder (several checkouts, one user) never evict each other's."""
    return hashlib.sha1(data_folder.encode()).hexdigest()[:8]


def clear() -> None:
    """Forget the generation worked out for each data folder (helpers.data.clear_cache calls this)."""
    _generation.clear()
    _functions.clear()


_PLAIN = (str, int, float, bool, type(None))


def _plain(value: object) -> bool:
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _key(module: str, name: str, args: tuple, kwargs: dict) -> str | None:
    if not (_plain(args) and _plain(kwargs)):
        return None  # an object argument has no stable text: computed every time
    text = repr((module, name, args, sorted(kwargs.items()), _state()))
    return hashlib.sha1(text.encode()).hexdigest()


# --------------------------------------------------------------------------
# Entries
# --------------------------------------------------------------------------

def _wire(data: object) -> object:
    """``data`` as the kernel sends it (JSON types only): what the notebook receives, and stores."""
    from jupyter_client.session import json_packer

    return json.loads(json_packer(data))


def _live_types() -> tuple[type, ...]:
    module = sys.modules.get("helpers.explorer")
    return (module.Explorer, module.LiveWithStaticFace) if module is not None else ()


def _kind(value: object) -> str | None:
    """``"live"`` (a view with widgets), ``"shown"`` (a figure or one of the helpers' display objects), or None."""
    if isinstance(value, _live_types()):
        return "live"
    kind = type(value)
    figure = sys.modules.get("plotly.basedatatypes")
    if figure is not None and isinstance(value, figure.BaseFigure):
        return "shown"
    if kind.__module__.startswith("helpers.") and any(
            hasattr(kind, m) for m in ("_repr_html_", "_repr_mimebundle_", "_ipython_display_")):
        return "shown"
    return None  # a number, a DataFrame, a dict: returned as it is, never replayed


def _shell():
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


class _Call:
    """A course function called from a lesson cell: replayed when its entry exists."""

    def __init__(self, tool: "_Tool", name: str) -> None:
        self._tool = tool
        self.__name__ = self.__qualname__ = name
        self.__module__ = tool.module_name

    def _function(self):
        return getattr(self._tool.real(), self.__name__)

    def __getattr__(self, name: str):  # __doc__, __wrapped__, ...: the real function's
        if name.startswith("_") and not name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._function(), name)

    def __repr__(self) -> str:
        return f"<course function {self.__module__}.{self.__name__}>"

    def __call__(self, *args, **kwargs):
        shell = _shell()
        folder = _outputs_folder() if shell is not None else None
        key = _key(self.__module__, self.__name__, args, kwargs) if folder is not None else None
        if key is None:
            return self._function()(*args, **kwargs)
        path = folder / f"{key}.pickle"
        entry = cache.read_pickle(path)
        if isinstance(entry, dict) and entry.get("version") == ENTRY_VERSION:
            if entry["kind"] == "live":
                live = self._rebuild_live(entry, args, kwargs)
                if live is not None:
                    return live
            else:
                _set_state(entry["after"])
                return shown(entry, self, args, kwargs)
        return self._compute(shell, path, args, kwargs)

    def _rebuild_live(self, entry: dict, args: tuple, kwargs: dict):
        """The live view for real, its static face from the entry."""
        before = _state()
        with _defer_faces():
            value = self._function()(*args, **kwargs)
        made, _pending[:] = list(_pending), []
        _first_views(made, value, entry.get("view"))
        if not isinstance(value, _live_types()):  # cannot happen for the same code; be exact anyway
            _set_state(before)
            return None
        _set_state(entry["after"])
        value.first_faces(entry["faces"], entry["after"], entry["shown"])
        if not {"plotly.basedatatypes", "jinja2"} <= set(sys.modules):  # a first change would load them
            from helpers.explorer import prepare_first_change

            when_idle("first change", prepare_first_change)
        return value

    def _compute(self, shell, path: Path, args: tuple, kwargs: dict):
        """Call the real function; store what its result shows (and the state after) for the next kernels.

        The state after the call (``after``) and after its display (``shown``:
        a display numbers figures, a knowledge check cites while it renders)
        are stored apart, so a result that is never displayed changes the
        kernel as much as without the cache, and no more.
        """
        from IPython.utils.capture import capture_output

        function = self._function()
        with capture_output(stdout=True, stderr=True, display=True) as during:
            value = function(*args, **kwargs)
        if during.outputs or during.stdout or during.stderr:  # it printed or displayed itself: never replayed
            during.show()
            return value
        kind = _kind(value)
        if kind is None:
            return value
        after_call = _state()
        with capture_output(stdout=True, stderr=True, display=True) as displayed:
            if kind == "live":
                faces = value.static_bundle()
                view = value.first_view() if hasattr(value, "first_view") else None
                entry = {"kind": "live", "faces": faces, "view": view}
            else:
                data, metadata = shell.display_formatter.format(value)
                entry = {"kind": "shown", "result": (data, metadata) if data or metadata else None,
                         "displays": [(o.data, o.metadata or {}) for o in displayed.outputs]}
        after_display = _state()
        _set_state(after_call)  # the display's own effects come when it is shown
        if displayed.stdout or displayed.stderr or (kind == "live" and displayed.outputs):
            return value  # a display that prints is computed every time
        try:
            entry = _wire(entry)
        except (TypeError, ValueError):  # not JSON: never stored
            return value
        if _WIDGET_MIME in json.dumps(entry):  # a widget inside a stored display would be a dead view
            return value
        entry.update(version=ENTRY_VERSION, after=list(after_call), shown=list(after_display))
        entry = _wire(entry)
        _store(path, entry)
        if kind == "live":
            value.first_faces(entry["faces"], entry["after"], entry["shown"])  # the same bytes a replay sends
            return value
        return shown(entry, self, args, kwargs, real=value)


_pruned = [False]


def _store(path: Path, entry: dict) -> None:
    cache.write_pickle(path, entry)
    if not _pruned[0]:  # once per kernel: old generations go
        _pruned[0] = True
        copy_id = path.parent.name.split("-", 1)[0]
        cache.prune(path.parent.parent, f"{copy_id}-*", _GENERATIONS_KEPT)


class Shown:
    """What a replayed (or just computed) call returned: its stored display, and the real object when asked.

    Displayed the first time, it shows exactly what the call's result showed
    when it was computed.  Any attribute (``fig.data``, ``table.df``,
    ``fig.update_layout``) gives the real object's, built once without counting
    its sources or figure ids again; from then on it is displayed as that
    object is.  :func:`shown` picks the subclass: a figure is display data, any
    other result the cell's result (``Out[n]``), as for the real objects.
    """

    def __init__(self, entry: dict, call: _Call, args: tuple, kwargs: dict, real: object = None) -> None:
        object.__setattr__(self, "_Shown__state", {"entry": entry, "call": call, "args": args, "kwargs": kwargs,
                                                    "real": real, "fresh": True})

    def _build(self):
        state = self.__state
        if state["real"] is None:
            with quiet():
                state["real"] = state["call"]._function()(*state["args"], **state["kwargs"])
        return state["real"]

    def _real(self):
        """The real object, which the caller may change: never replaced by the stored display again."""
        self.__state["fresh"] = False
        return self._build()

    def _first(self) -> dict | None:
        """The stored entry, the first time this is displayed without being looked into, in the
        state it was made in (else ``None``: displayed as the real object is)."""
        state = self.__state
        if state["fresh"]:
            state["fresh"] = False
            entry = state["entry"]
            if displayed_first(entry["after"], entry["shown"]):
                return entry
        return None

    def __getattr__(self, name: str):
        # IPython asks for _repr_*_ and _ipython_*_ methods: answered by the class, never by building.
        if name.startswith(("_repr_", "_ipython_")):
            raise AttributeError(name)
        return getattr(self._real(), name)

    def __setattr__(self, name: str, value: object) -> None:
        setattr(self._real(), name, value)

    def __dir__(self):
        return dir(self._build())

    def __repr__(self) -> str:
        state = self.__state
        result = state["entry"]["result"]
        if state["fresh"] and result is not None:
            return result[0].get("text/plain", "")
        return repr(self._build())


class _ShownResult(Shown):
    def _repr_mimebundle_(self, include=None, exclude=None):
        entry = self._first()
        if entry is not None:
            data, metadata = entry["result"]
            return data, metadata
        return _shell().display_formatter.format(self._real(), include=include, exclude=exclude)


class _ShownDisplay(Shown):
    def _ipython_display_(self) -> None:
        from IPython.display import display, publish_display_data

        entry = self._first()
        if entry is None:
            display(self._real())
            return
        for data, metadata in entry["displays"]:
            publish_display_data(data, metadata)


def shown(entry: dict, call: _Call, args: tuple, kwargs: dict, real: object = None) -> Shown:
    """The stand-in for a call's result (see :class:`Shown`)."""
    kind = _ShownDisplay if entry["result"] is None else _ShownResult
    return kind(entry, call, args, kwargs, real)


# --------------------------------------------------------------------------
# Course tools
# --------------------------------------------------------------------------

_functions: dict[str, frozenset[str]] = {}


class _Tool:
    """A course module as a lesson cell sees it: its functions replay, everything else is the module's."""

    def __init__(self, module_name: str) -> None:
        self.module_name = module_name

    def real(self):
        import importlib

        return importlib.import_module(self.module_name)

    def _function_names(self) -> frozenset[str] | None:
        names = _functions.get(self.module_name)
        if names is None:
            folder = _outputs_folder() if _shell() is not None else None
            if folder is not None:
                stored = cache.read_pickle(folder / f"functions-{self.module_name}.pickle")
                if isinstance(stored, frozenset):
                    names = _functions[self.module_name] = stored
        return names

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        names = self._function_names()
        if names is None:
            names = self._index()
        if name not in names:
            return getattr(self.real(), name)
        call = _Call(self, name)
        self.__dict__[name] = call  # the next look-up is a plain attribute
        return call

    def _index(self) -> frozenset[str]:
        import inspect

        module = self.real()
        names = frozenset(n for n, v in vars(module).items() if inspect.isfunction(v) and not n.startswith("_"))
        _functions[self.module_name] = names
        folder = _outputs_folder() if _shell() is not None else None
        if folder is not None:
            cache.write_pickle(folder / f"functions-{self.module_name}.pickle", names)
        return names

    def __dir__(self):
        return dir(self.real())

    def __repr__(self) -> str:
        return f"<course tool {self.module_name} (outputs replayed while the collection is unchanged)>"


def tool(name: str):
    """The course module ``helpers.<name>`` for a lesson cell: its calls replayed where the cache allows.

    The module itself outside IPython or with the cache off; a stand-in whose
    functions replay otherwise.  Raises ``ModuleNotFoundError`` for a module
    that does not exist, like an import.
    """
    import importlib.util

    module_name = f"helpers.{name}"
    if _shell() is None or cache.cache_dir() is None:
        import importlib

        return importlib.import_module(module_name)
    if module_name not in sys.modules and importlib.util.find_spec(module_name) is None:
        raise ModuleNotFoundError(f"No module named {module_name!r}", name=module_name)
    return _Tool(module_name)
