"""Readable, deterministic, escaped HTML tables for notebooks.

Every table a notebook shows goes through :func:`styled`, which renders it
with the ``captioned_table`` macro (``templates/_macros.html.j2``): cell text
is escaped by the template, so a value such as ``<LLN to 1,500/mm³`` shows
exactly that.  A cell may hold, besides plain text or a number:

- a list: its items on separate lines;
- :class:`Link`: a link composed from escaped parts (only ``http(s):`` and
  in-page ``#`` targets are links; anything else is shown as text);
- :class:`Strong`: bold text;
- a tuple of the above: the parts one after another.

An empty cell never stays blank: :func:`missing_text` says what it means,
by column, in one place (:data:`MISSING_BY_COLUMN`).  A long cell in a column
of :data:`FOLD_BY_COLUMN` shows its first words and folds the rest (the cited
numbers with their populations and sources) under a ``<details>``, so the
row stays a few lines long.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

import pandas as pd

from helpers.render import render

#: What an empty cell means when its column says nothing more specific.
NOT_STATED = "Not stated in the source"
#: What an empty cell means, by words in its column header (lower case).
MISSING_BY_COLUMN = {
    "practice varies": "No variation noted",
    "ctcae v5.0 term": "Not mapped to a single CTCAE v5.0 term",
    "also depends on": "Nothing else: the numbers alone",
}
#: Columns whose long cells fold: words in the header -> what the folded part is called.
#: The cell shows its text up to the first ": " (the band, "Very common"), the rest is folded.
FOLD_BY_COLUMN = {
    "how often": "The cited numbers and their sources",
}
#: A cell shorter than this is never folded.
FOLD_LONGER_THAN = 160
#: Cell values that mean "nothing here" (a lone dash is not an answer a reader can use).
_BLANKS = {"", "—", "nan", "<NA>", "None"}


@dataclass(frozen=True)
class Link:
    """A link in a table cell: its text and target are escaped by the template."""

    text: str
    href: str

    def __str__(self) -> str:
        return f"{self.text} ({self.href})"


@dataclass(frozen=True)
class Strong:
    """Bold text in a table cell."""

    text: str

    def __str__(self) -> str:
        return self.text


#: A web link, the one rule for every link the collection writes (tables, reference lists, and
#: data/sources.csv when it is loaded): http:// or https:// (any case), a host that starts with a
#: letter or digit, and no whitespace, control character, quote, angle bracket or backslash
#: anywhere.  Everything else (file:, javascript:, data:, vbscript:, "//host", a scheme hidden
#: behind a tab or a control character) is not a link.
WEB_LINK = re.compile(r"https?://[A-Za-z0-9][^\s\x00-\x1f\x7f<>\"'\\]*", re.IGNORECASE)
#: An in-page anchor, as the reference list writes them (#ref-fisher2010_sins).
ANCHOR = re.compile(r"#[\w.:-]+")


def is_web_link(text: str) -> bool:
    """True when ``text`` (exactly, nothing around it) is a web link by :data:`WEB_LINK`."""
    return WEB_LINK.fullmatch(text) is not None


def safe_href(href: object) -> str | None:
    """``href`` (surrounding spaces dropped) if it is a web link or an in-page ``#`` anchor, else None."""
    text = str(href or "").strip(" ")
    if is_web_link(text) or ANCHOR.fullmatch(text):
        return text
    return None


def missing_text(column: object) -> str:
    """What an empty cell in ``column`` means (the one rule for every table)."""
    header = str(column).lower()
    for words, meaning in MISSING_BY_COLUMN.items():
        if words in header:
            return meaning
    return NOT_STATED


def _is_blank(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_blank(v) for v in value)
    return isinstance(value, str) and value.strip() in _BLANKS


def _number(value: float) -> str:
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _seg(text: str, href: str | None = None, strong: bool = False, br: bool = False,
         missing: bool = False, folded: str = "", folded_label: str = "") -> dict:
    return {"text": text, "href": href, "strong": strong, "br": br, "missing": missing,
            "folded": folded, "folded_label": folded_label}


def fold_label(column: object) -> str | None:
    """What the folded part of a long cell in ``column`` is called, or None (never folded)."""
    header = str(column).lower()
    return next((label for words, label in FOLD_BY_COLUMN.items() if words in header), None)


def _folded(text: str, column: object) -> list[dict] | None:
    label = fold_label(column)
    if label is None or len(text) <= FOLD_LONGER_THAN:
        return None
    head, sep, rest = text.partition(": ")
    if not sep or len(head) > 60:
        return None
    return [_seg(head + ".", folded=rest, folded_label=label)]


def _segments(value: object) -> list[dict]:
    """A cell as a flat list of parts the macro can render: text, strong, link, line break."""
    if isinstance(value, Link):
        return [_seg(value.text, href=safe_href(value.href))]
    if isinstance(value, Strong):
        return [_seg(value.text, strong=True)]
    if isinstance(value, tuple):
        return [part for item in value for part in _segments(item)]
    if isinstance(value, list):
        out: list[dict] = []
        for index, item in enumerate(v for v in value if not _is_blank(v)):
            if index:
                out.append(_seg("", br=True))
            out.extend(_segments(item))
        return out
    if isinstance(value, bool):
        return [_seg("yes" if value else "no")]
    if isinstance(value, float):
        return [_seg(_number(value))]
    return [_seg(str(value))]


def cell_text(value: object, column: object = "") -> str:
    """The plain-text face of one cell (what a text-only reader gets)."""
    if _is_blank(value):
        return missing_text(column)
    parts = []
    for segment in _segments(value):
        if segment.get("br"):
            parts.append(";")
        elif segment.get("href"):
            parts.append(f"{segment['text']} ({segment['href']})")
        else:
            parts.append(segment["text"])
    return " ".join(" ".join(parts).replace(" ;", ";").split())


def _cell(value: object, column: object) -> list[dict]:
    if _is_blank(value):
        return [_seg(missing_text(column), missing=True)]
    if isinstance(value, str):
        folded = _folded(value, column)
        if folded:
            return folded
    return _segments(value)


class Table:
    """A captioned table: HTML for notebooks, plain text for text-only readers."""

    def __init__(self, df: pd.DataFrame, caption: str, uid: str, hide_index: bool = True,
                 one_item_per_line: bool = False) -> None:
        self.df = df
        self.caption = caption
        self.uid = uid
        self.hide_index = hide_index
        self.one_item_per_line = one_item_per_line

    def _context(self) -> dict:
        columns = [str(c) for c in self.df.columns]
        index_name = "" if self.hide_index else str(self.df.index.name or "")
        rows = []
        for label, row in zip(self.df.index, self.df.itertuples(index=False)):
            rows.append({
                "header": None if self.hide_index else _cell(label, index_name),
                "cells": [_cell(v, c) for v, c in zip(row, columns)],
            })
        return {"uid": self.uid, "caption": self.caption, "columns": columns, "rows": rows,
                "index_name": None if self.hide_index else index_name,
                "pre_line": self.one_item_per_line}

    def _repr_html_(self) -> str:
        return str(render("table.html.j2", table=self._context()))

    def __repr__(self) -> str:
        # One line per row: the same words as the HTML without to_string's padding.
        columns = list(self.df.columns)
        lines = [self.caption, " | ".join(str(c) for c in columns)]
        lines += [
            " | ".join(" ".join(cell_text(v, c).split()) for v, c in zip(row, columns))
            for row in self.df.itertuples(index=False)
        ]
        return "\n".join(lines)


def styled(df: pd.DataFrame, caption: str, hide_index: bool = True, one_item_per_line: bool = False) -> Table:
    """A captioned table with left-aligned wrapping text, escaped cells and a stable id.

    The id comes from the caption, so rebuilding a notebook gives the same
    HTML.  ``one_item_per_line`` keeps the line breaks inside a cell's text.
    """
    if not caption:
        raise ValueError("every table needs a caption (it is the table's accessible name)")
    uid = "t" + hashlib.sha1(caption.encode("utf-8")).hexdigest()[:8]
    return Table(df, caption, uid, hide_index=hide_index, one_item_per_line=one_item_per_line)
