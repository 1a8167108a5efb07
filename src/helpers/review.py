"""When each notebook's content was last checked against its sources.

The dates live in ONE place, ``data/review_log.csv`` (one row per notebook);
every notebook shows its line with :func:`last_checked`, right after its
set-up cell and the educational-use notice.  The full record of what was
checked, what changed and what remains open is ``docs/clinical-review.md``.
To record a new review, change the row in ``review_log.csv`` (and the record),
then rebuild the notebooks.
"""

from __future__ import annotations

import datetime as dt

from helpers.errors import DataError

#: The full review record, linked so the link works on nbviewer too (helpers.course.repository_file_url).
RECORD_PATH = "docs/clinical-review.md"


def review_row(notebook: str) -> dict[str, str]:
    """The review-log row of ``notebook`` (``"03_chemotherapy"``) as plain strings."""
    from helpers.data import load

    table = load("review_log")
    rows = table[table["notebook"].astype(str) == notebook]
    if rows.empty:
        known = ", ".join(table["notebook"].astype(str))
        raise DataError(f"data/review_log.csv has no row for notebook {notebook!r}; rows exist for: {known}")
    return {k: str(v) for k, v in rows.iloc[0].to_dict().items()}


def checked_on(notebook: str) -> dt.date:
    """The date the notebook's content was last checked against its sources."""
    text = review_row(notebook)["checked_on"]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DataError(f"data/review_log.csv: {notebook} has checked_on {text!r}; use a real date as YYYY-MM-DD") from None


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _long_date(day: dt.date) -> str:
    """"1 March 2027": spelled out, and independent of the machine's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def last_checked_text(notebook: str) -> str:
    """The one line a notebook shows, as plain text."""
    return (f"Content last checked against its sources on {_long_date(checked_on(notebook))}. "
            "What was checked, what changed and what remains open: docs/clinical-review.md.")


def last_checked(notebook: str):
    """The review line for a notebook: rendered through ``templates/review_status.html.j2``."""
    from helpers.course import repository_file_url
    from helpers.render import Html, render

    row = review_row(notebook)  # its source_ids are the review's, listed in the record, not cited on the page
    markup = render("review_status.html.j2", date_text=_long_date(checked_on(notebook)),
                    iso_date=row["checked_on"], record_link=repository_file_url(RECORD_PATH))
    return Html(markup, last_checked_text(notebook))
