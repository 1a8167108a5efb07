"""Pieces every lesson shares: cited teaching points and the reference list.

Nursing considerations, patient teaching points and key points are clinical
statements, so they live in ``data/teaching_points.csv`` with their sources;
a notebook shows them with :func:`points`.

Every source shown in a notebook is recorded as it is shown (:func:`cite`),
so :func:`references_for` can list exactly the sources behind what the reader
saw: the tables and charts, the teaching points and the knowledge check.
A notebook runs top to bottom in a fresh kernel, so the list is the same
every build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import pandas as pd

from helpers.errors import DataError
from helpers.render import macro
from helpers.replay import CITED as _cited  # insertion-ordered set of source ids shown so far (kept there: replayed)

SECTIONS = ("nursing_considerations", "patient_teaching", "key_points", "red_flags")


def _split(source_ids: object) -> list[str]:
    if isinstance(source_ids, str):
        return [s.strip() for s in source_ids.split(";") if s.strip()]
    if isinstance(source_ids, Iterable):
        return [s for item in source_ids for s in _split(item)]
    return []


def cite(source_ids: object) -> None:
    """Record sources shown to the reader (a "a;b" string, a list, or a column)."""
    for source in _split(source_ids):
        _cited.setdefault(source, None)


def cite_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Record the ``source_ids`` of every row of ``frame``; returns ``frame``."""
    if "source_ids" in frame.columns:
        cite(frame["source_ids"].astype(str).tolist())
    return frame


class Points:
    """A bulleted list of cited teaching points."""

    def __init__(self, rows: pd.DataFrame, title: str) -> None:
        self.rows = rows
        self.title = title

    def _repr_html_(self) -> str:
        rows = [{"text": str(r.text), "source_ids": str(r.source_ids)} for r in self.rows.itertuples(index=False)]
        return str(macro("lesson.html.j2", "points", self.title, rows))

    def __repr__(self) -> str:
        return "\n".join(f"- {row.text} [{row.source_ids}]" for row in self.rows.itertuples(index=False))


def points(notebook: str, section: str) -> Points:
    """The teaching points of one section of a notebook, in order, with sources."""
    from helpers.data import load

    if section not in SECTIONS:
        raise DataError(f"unknown section {section!r}; sections are {', '.join(SECTIONS)}")
    table = load("teaching_points")
    rows = table[(table["notebook"].astype(str) == notebook) & (table["section"].astype(str) == section)]
    if rows.empty:
        raise DataError(
            f"data/teaching_points.csv has no rows for notebook {notebook!r}, section {section!r}"
        )
    rows = rows.sort_values("sequence")
    cite_rows(rows)
    return Points(rows, section.replace("_", " ").capitalize())


class References:
    """A numbered reference list built from ``data/sources.csv``."""

    def __init__(self, source_ids: Iterable[str]) -> None:
        from helpers.data import load

        ids = list(dict.fromkeys(_split(list(source_ids))))
        sources = load("sources").set_index("id")
        unknown = [i for i in ids if i not in sources.index]
        if unknown:
            raise DataError(f"unknown source id(s) {', '.join(unknown)}; see data/sources.csv for valid ids")
        self.rows = [(i, sources.loc[i]) for i in ids]

    def _repr_html_(self) -> str:
        from helpers.tables import safe_href

        rows = [(source_id, str(row["citation"]), safe_href(row.get("url", "")),
                 str(row.get("publisher", "") or "the publisher")) for source_id, row in self.rows]
        return str(macro("lesson.html.j2", "references", rows))

    def __repr__(self) -> str:
        # The text face names each source briefly (the page shows every full citation and link), which keeps
        # the stored notebook small now that every claim shown adds its own sources.
        return "References: " + "; ".join(f"{n}. {source_label(i)}" for n, (i, _row) in enumerate(self.rows, start=1))


_AUTHOR = re.compile(r"^([A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)?) [A-Z]{1,3}(?:[ ,.;]|$)")


def source_label(source_id: str) -> str:
    """How a citation reads in the text: "Fisher 2010", "World Health Organization 2018",
    or an undated page's title ("Surgery to Treat Cancer").

    Built from the row of ``data/sources.csv`` (first author's surname and the
    year; for an organisation, its name and the year, or the title), so a
    reader never sees a raw key such as ``stacchiotti2015_chordoma``.  An
    unknown id is shown as it is.
    """
    from helpers.data import data_dir

    sources = data_dir() / "sources.csv"
    stamp = sources.stat().st_mtime_ns if sources.exists() else 0
    return _source_labels(str(sources), stamp).get(source_id, source_id)


@cache
def _source_labels(_path: str, _stamp: int) -> dict[str, str]:
    """Every label, worked out once per sources.csv (its path and modification time)."""
    from helpers.data import load

    labels: dict[str, str] = {}
    for row in load("sources").itertuples(index=False):
        citation = str(row.citation)
        year = str(row.year).strip()
        year = "" if year in {"", "nan", "<NA>", "None"} else year.removesuffix(".0")
        publisher = str(row.publisher or "").strip()
        author = _AUTHOR.match(citation)
        if author:
            label = f"{author.group(1)} {year}".strip()
        elif year:
            label = f"{publisher or citation.split('. ')[0]} {year}"
        else:  # an undated page or drug label: its title
            label = next((part for part in citation.split(". ") if len(part) > 3 and not part.endswith("Board")
                          and part not in publisher and publisher not in part), citation)
            if len(label) > 50:
                label = label[:48].rsplit(" ", 1)[0] + "…"
        labels[str(row.id)] = label
    # two sources with one label ("Sahgal 2013") get a, b in the order of sources.csv
    by_label: dict[str, list[str]] = {}
    for source_id, label in labels.items():
        by_label.setdefault(label, []).append(source_id)
    for label, ids in by_label.items():
        if len(ids) > 1:
            for letter, source_id in zip("abcdefghij", ids):
                labels[source_id] = f"{label}{letter}"
    return labels


def references(*source_ids: str) -> References:
    """The reference list for these source ids (each may be ``"a;b"``)."""
    return References(source_ids)


def references_for(notebook: str) -> References:
    """Every source shown so far in this notebook, plus its knowledge check's."""
    from helpers.quiz import load_quiz

    for question in load_quiz(notebook):
        cite(question.source_ids)
    return References(list(_cited))


def last_checked(notebook: str):
    """One line: when this notebook's content was last checked against its sources (see helpers.review)."""
    from helpers.review import last_checked as line

    return line(notebook)
