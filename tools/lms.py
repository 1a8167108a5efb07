"""Knowledge checks for learning management systems.

    python tools/lms.py [--out DIR] [--data-dir DIR] [NOTEBOOK ...]

Writes into ``build/lms/``, for each notebook that has a quiz and for the
whole collection:

* ``NN_slug.qti.zip`` and ``collection.qti.zip``: QTI 1.2 packages (Canvas:
  Settings > Import course content > QTI .zip file; Blackboard and D2L import
  QTI 1.2 too); the collection package holds one quiz per notebook;
* ``NN_slug.moodle.xml`` and ``collection.moodle.xml``: Moodle XML (Question
  bank > Import > Moodle XML format), one category per notebook.

Everything comes from ``data/quizzes/`` (checked as the notebooks check it)
and ``data/sources.csv``; ``--data-dir`` points at another data folder (as
``SPINE_DATA_DIR`` does).  A broken quiz stops the export with one line.
The logic lives in ``helpers.exports``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from export_common import BUILD_DIR, ExportError, relative, run

OUT_DIR = BUILD_DIR / "lms"
COLLECTION = "collection"


def use_data_dir(folder: str | None) -> None:
    """Point the helpers' loaders at ``folder`` (as ``SPINE_DATA_DIR`` does)."""
    if folder:
        from helpers import data

        os.environ[data.DATA_DIR_ENV] = str(Path(folder).resolve())
        data.clear_cache()


def build(out_dir: Path, names: list[str] | None = None, quiz_dir: Path | None = None) -> list[Path]:
    """Write the packages; returns the paths written."""
    from helpers.errors import DataError
    from helpers.exports import content, moodle, qti

    try:
        quizzes = content.load_quizzes(quiz_dir, names or None)
        written = []
        for quiz in quizzes:
            written.append(qti.write_package(out_dir / f"{quiz.slug}.qti.zip", [quiz]))
            written.append(moodle.write_quiz(out_dir / f"{quiz.slug}.moodle.xml", [quiz]))
        if not names:
            written.append(qti.write_package(out_dir / f"{COLLECTION}.qti.zip", quizzes))
            written.append(moodle.write_quiz(out_dir / f"{COLLECTION}.moodle.xml", quizzes))
    except DataError as error:
        raise ExportError(str(error)) from None
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to export (slug or number); default: all, plus the collection")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default build/lms)")
    parser.add_argument("--data-dir", help="data folder to read instead of data/ (like SPINE_DATA_DIR)")
    args = parser.parse_args(argv)
    use_data_dir(args.data_dir)
    for path in build(args.out, args.notebooks):
        print(f"wrote {relative(path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run(main))
