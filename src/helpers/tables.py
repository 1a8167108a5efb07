"""Readable, deterministic HTML tables for notebooks."""

from __future__ import annotations

import hashlib
import html
import re

import pandas as pd


_TAGS = re.compile(r"<[^>]+>")


class Table:
    """A captioned table: HTML for notebooks, plain text for text-only readers.

    Wraps a pandas Styler so the stored text/plain output is the table itself
    (a Styler's own repr holds a memory address, which changes every run).
    """

    def __init__(self, df: pd.DataFrame, styler, caption: str) -> None:
        self.df = df
        self.styler = styler
        self.caption = caption

    def _repr_html_(self) -> str:
        return self.styler.to_html()

    def __repr__(self) -> str:
        # One line per row: the same words as the HTML without to_string's
        # padding, which made long-text tables several times heavier.
        lines = [self.caption, " | ".join(str(c) for c in self.df.columns)]
        lines += [
            " | ".join(" ".join(html.unescape(_TAGS.sub(" ", str(v))).split()) for v in row)
            for row in self.df.itertuples(index=False)
        ]
        return "\n".join(lines)


def styled(df: pd.DataFrame, caption: str, hide_index: bool = True) -> Table:
    """A captioned table with left-aligned wrapping text and a stable id.

    The id comes from the caption, so rebuilding a notebook gives the same
    HTML (pandas otherwise draws a random id for every table).
    """
    if not caption:
        raise ValueError("every table needs a caption (it is the table's accessible name)")
    uid = "t" + hashlib.sha1(caption.encode("utf-8")).hexdigest()[:8]
    styler = df.style.set_uuid(uid).set_caption(caption)
    styler = styler.set_table_styles(
        [
            {"selector": "caption", "props": "caption-side: top; font-weight: bold; text-align: left; padding: 4px 0;"},
            {"selector": "th", "props": "text-align: left; vertical-align: top;"},
            {"selector": "td", "props": "text-align: left; vertical-align: top; white-space: normal; max-width: 28em;"},
        ]
    )
    if hide_index:
        styler = styler.hide(axis="index")
    return Table(df, styler, caption)
