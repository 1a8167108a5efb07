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
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def split_ids(source_ids: object) -> list[str]:
    """``"a;b"`` (or a list of such strings) as a list of ids."""
    if isinstance(source_ids, str):
        return [s.strip() for s in source_ids.split(";") if s.strip()]
    if isinstance(source_ids, (list, tuple)):
        return [s for item in source_ids for s in split_ids(item)]
    return []


@cache
def environment() -> jinja2.Environment:
    """The shared Jinja2 environment (autoescape on for every template)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a missing value is a bug, not a blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals["split_ids"] = split_ids
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


class Html:
    """Markup for the notebook with a plain-text face for text-only readers."""

    def __init__(self, markup: str, text: str) -> None:
        self.markup = str(markup)
        self.text = text

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.text
