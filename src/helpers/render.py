"""The one place the helpers turn data into HTML: Jinja2 templates, autoescaped.

Every piece of markup a notebook shows (cards, case stages, calculator
results, teaching points, references, quizzes, message boxes, the static
chart loader) is a template in ``helpers/templates/``.  The environment
escapes every value by default, so text from ``data/`` always reaches the
page as text: a cell that says ``<LLN to 1,500/mm³`` shows exactly that.

Only markup built by another template may be passed through unescaped, and
it is marked so by :func:`render` itself (it returns :class:`markupsafe.Markup`).
Shared pieces (card, labelled paragraph, bullet list, citation links,
captioned table, message box) are macros in ``_macros.html.j2``, which also
hold the inline styles once: stored outputs are untrusted when opened, so
JupyterLab's sanitizer and nbviewer strip ``<style>`` blocks.
"""

from __future__ import annotations

import html
import re
import textwrap
from functools import cache, wraps
from pathlib import Path

import numpy as np
from markupsafe import Markup

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def split_ids(source_ids: object) -> list[str]:
    """``"a;b"`` (or a list of such strings) as a list of ids."""
    if isinstance(source_ids, str):
        return [s.strip() for s in source_ids.split(";") if s.strip()]
    if isinstance(source_ids, (list, tuple)):
        return [s for item in source_ids for s in split_ids(item)]
    return []


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between kernels (see :mod:`helpers.cache`).

    Jinja2 checks each entry against a hash of its template's source; the
    folder name adds Jinja2's version and this module's source (which holds
    the environment's settings), so a change to either starts afresh.
    """
    import jinja2

    from helpers.cache import cache_dir, code_fingerprint

    class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
        """Jinja2's file bytecode cache, where a failed read or write is a cache miss, never an error."""

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a damaged entry: compile again
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    folder = cache_dir("templates", f"jinja2-{jinja2.__version__}-{code_fingerprint('render')}")
    return _QuietBytecodeCache(str(folder), "%s.cache") if folder is not None else None


def _source_label(source_id: str) -> str:
    from helpers.lesson import source_label

    return source_label(source_id)


@cache
def environment() -> jinja2.Environment:
    """The shared Jinja2 environment (autoescape on for every template).

    Jinja2 is imported here, not with this module: a lesson whose outputs are
    replayed (:mod:`helpers.replay`) may never render a template.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        bytecode_cache=_bytecode_cache(),  # compiling the templates cost each lesson 0.03-0.1 s
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a missing value is a bug, not a blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals["split_ids"] = split_ids
    env.globals["source_label"] = _source_label
    return env


def render(template: str, **context: object) -> Markup:
    """Render ``templates/<template>`` with ``context``; the result is safe markup."""
    return Markup(environment().get_template(template).render(**context).strip())


def macro(template: str, name: str, /, *args: object, **kwargs: object) -> Markup:
    """Call macro ``name`` of ``templates/<template>``; the result is safe markup.

    A module with several views keeps them as macros of one template file.
    """
    module = environment().get_template(template).module
    return Markup(str(getattr(module, name)(*args, **kwargs)).strip())


def plotly_lines(*lines: object) -> str:
    """Text for a plotly label, title or hover: each line escaped, joined by line breaks.

    Plotly reads its text as a subset of HTML (``<b>``, ``<br>``, ``<a href>``),
    so text from data is escaped here like in the templates.
    """
    return "<br>".join(html.escape(str(line), quote=False) for line in lines)


def plotly_wrap(text: object, width: int) -> str:
    """Text for a plotly label broken onto lines of about ``width`` characters, each escaped."""
    return plotly_lines(*textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=False))


_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
#: Trace attributes whose strings plotly draws as (a subset of) HTML and which carry text from data.
_TRACE_TEXT = ("x", "y", "name", "text", "hovertext", "customdata", "labels", "legendgroup")


def plotly_safe(text: str) -> str:
    """``text`` with every ``<`` and ``>`` escaped except line breaks (idempotent).

    ``&`` is left alone, so text already escaped (:func:`plotly_lines`) is
    not escaped twice, and a second pass changes nothing.
    """
    return "<br>".join(part.replace("<", "&lt;").replace(">", "&gt;") for part in _LINE_BREAK.split(text))


def _safe(value: object) -> object:
    if isinstance(value, str):
        return plotly_safe(value)
    if isinstance(value, (list, tuple)):
        return [_safe(v) for v in value]
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        out = np.empty(value.shape, dtype=object)
        for index, item in np.ndenumerate(value):
            out[index] = _safe(item)
        return out
    return value


def escape_figure_text(fig):
    """Escape the text from data that a figure shows (category labels, names, text, hover data).

    Plotly draws these strings as a subset of HTML, so markup in a data cell
    would be applied (bold, links) instead of shown.  Titles, annotations'
    text and hover templates are written by the helpers and are left alone;
    annotation positions on a category axis are escaped like the categories.
    """
    # Only values that change are assigned again: each assignment goes through
    # plotly's validators, and most text has nothing to escape.
    for trace in fig.data:
        for key in _TRACE_TEXT:
            if key in trace and _needs_escaping(trace[key]):
                trace[key] = _safe(trace[key])
    for name in list(fig.layout):
        if name.startswith(("xaxis", "yaxis")):
            axis = fig.layout[name]
            for key in ("categoryarray", "ticktext"):
                if _needs_escaping(axis[key]):
                    axis[key] = _safe(axis[key])
    for annotation in fig.layout.annotations or ():
        for key in ("x", "y"):
            if isinstance(annotation[key], str) and _needs_escaping(annotation[key]):
                annotation[key] = plotly_safe(annotation[key])
    return fig


def _needs_escaping(value: object) -> bool:
    """Whether :func:`_safe` would change ``value`` (some text in it holds a ``<`` or ``>``)."""
    if isinstance(value, str):
        return ("<" in value or ">" in value) and plotly_safe(value) != value
    if isinstance(value, (list, tuple)):
        return any(_needs_escaping(v) for v in value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        return any(_needs_escaping(v) for v in value.flat)
    return False


def escaped_figure(builder):
    """Decorator for a chart builder: its figure's text from data is escaped (:func:`escape_figure_text`)."""

    @wraps(builder)
    def build(*args, **kwargs):
        return escape_figure_text(builder(*args, **kwargs))

    return build


class Html:
    """Markup for the notebook with a plain-text face for text-only readers."""

    def __init__(self, markup: str, text: str) -> None:
        self.markup = str(markup)
        self.text = text

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.text
