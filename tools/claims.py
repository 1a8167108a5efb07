"""The reviewer's view of the claims register.

    python tools/claims.py [--check] [--rechecked ID ...]

Writes ``docs/claims.md`` (every claim once: wording, population, sources, locator, date checked and
every place it appears) and records in ``data/claims_checked.json`` the date and a fingerprint of each
checked row (``data/claims.csv``, ``data/side_effect_evidence.csv``).  A row whose content changed while
its ``checked_on`` date did not is refused, with one line naming it: check it against its source first.
``--check`` changes nothing and exits 1 when the document or the record is out of date.
``--rechecked ID ...`` records rows changed again on the day they were checked: the person who re-checked
each one against its source names it by hand, as setting the date is the act for any other row.  Each must
be a changed row whose ``checked_on`` is today's date; if one is not, none is recorded.  No tool or target
passes it (``make claims`` takes ``RECHECKED`` from its command line only, never from the environment).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from helpers import claims_index  # noqa: E402

DOC = ROOT / "docs" / "claims.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report what is out of date; change nothing")
    parser.add_argument("--rechecked", nargs="+", default=[], metavar="ID",
                        help="rows changed again on the day they were checked, checked again today")
    args = parser.parse_args(argv)
    text = claims_index.document(ROOT)
    if args.check:
        problems = claims_index.stale_rows(ROOT)
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            problems.append("docs/claims.md is out of date: run 'make claims'")
        for line in problems:
            print(line, file=sys.stderr)
        return 1 if problems else 0
    refused = claims_index.update_lock(ROOT, rechecked=args.rechecked)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)} and data/{claims_index.LOCK_FILE}")
    for line in refused:
        print(line, file=sys.stderr)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
