"""Pieces every lesson shares: the reference list."""

from __future__ import annotations

import html
from collections.abc import Iterable


class References:
    """A numbered reference list built from ``data/sources.csv``."""

    def __init__(self, source_ids: Iterable[str]) -> None:
        from helpers.data import load

        ids = []
        for item in source_ids:
            for part in str(item).split(";"):
                if part.strip() and part.strip() not in ids:
                    ids.append(part.strip())
        sources = load("sources").set_index("id")
        unknown = [i for i in ids if i not in sources.index]
        if unknown:
            from helpers.errors import DataError

            raise DataError(f"unknown source id(s) {', '.join(unknown)}; see data/sources.csv for valid ids")
        self.rows = [(i, sources.loc[i]) for i in ids]

    def _repr_html_(self) -> str:
        items = []
        for source_id, row in self.rows:
            url = str(row.get("url", "") or "")
            link = f' <a href="{html.escape(url)}">Go to the source ({html.escape(str(row["publisher"]))})</a>' if url else ""
            items.append(f'<li id="ref-{source_id}">{html.escape(str(row["citation"]))}{link}</li>')
        return "<ol>" + "".join(items) + "</ol>"

    def __repr__(self) -> str:
        return "\n".join(f"{n}. {row['citation']}" for n, (_i, row) in enumerate(self.rows, start=1))


def references(*source_ids: str) -> References:
    """The reference list for these source ids (each may be ``"a;b"``)."""
    return References(source_ids)
