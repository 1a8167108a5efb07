"""Knowledge checks for learning management systems.

    python tools/lms.py [--out DIR] [--data-dir DIR] [NOTEBOOK ...]

Writes into ``build/lms/``, for each notebook that has a quiz and for the
whole collection:

* ``NN_slug.qti.zip`` and ``collection.qti.zip``: QTI 1.2 packages (Canvas:
  Settings > Import course content > QTI .zip file; Blackboard and D2L import
  QTI 1.2 too); the collection package holds one quiz per notebook;
* ``NN_slug.moodle.xml`` and ``collection.moodle.xml``: Moodle XML (Question
  bank > Import > Moodle XML format), one category per notebook, under a
  category of this release ("Release 0.1.0, questions 1a2b3c4d");
* ``clinical_judgment.moodle.xml`` and ``clinical_judgment.qti.zip``: the
  clinical-judgment cases of notebook 09 (``data/judgment/``), one category or
  quiz per case, each item worth its NCSBN points (``helpers.exports.ngn_moodle``
  and ``ngn_qti``), written with the collection files and with notebook 09's;
* with ``--since OLD.moodle.xml`` (a file an earlier build wrote, e.g. the
  one imported last term): ``corrections.moodle.xml``, only the new and
  changed questions, and ``corrections.md``, the list of changed, new and
  removed questions by name (see docs/instructor-guide.md).

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
CORRECTIONS = "corrections"
JUDGMENT = "clinical_judgment"
JUDGMENT_NOTEBOOK = "09_clinical_judgment"


def use_data_dir(folder: str | None) -> None:
    """Point the helpers' loaders at ``folder`` (as ``SPINE_DATA_DIR`` does)."""
    if folder:
        from helpers import data

        os.environ[data.DATA_DIR_ENV] = str(Path(folder).resolve())
        data.clear_cache()


def build(out_dir: Path, names: list[str] | None = None, quiz_dir: Path | None = None,
          since: Path | None = None) -> list[Path]:
    """Write the packages (and, ``since`` an earlier Moodle file, the corrections); returns the paths written."""
    from helpers.errors import DataError
    from helpers.exports import content, moodle, qti

    try:
        every = content.load_quizzes(quiz_dir)
        quizzes = content.load_quizzes(quiz_dir, names) if names else every
        release = content.release_label(every)  # one release name, whichever files are made
        found = moodle.changes(Path(since), quizzes) if since else None
        written = []
        for quiz in quizzes:
            written.append(qti.write_package(out_dir / f"{quiz.slug}.qti.zip", [quiz]))
            written.append(moodle.write_quiz(out_dir / f"{quiz.slug}.moodle.xml", [quiz], release))
        if not names:
            written.append(qti.write_package(out_dir / f"{COLLECTION}.qti.zip", quizzes))
            written.append(moodle.write_quiz(out_dir / f"{COLLECTION}.moodle.xml", quizzes, release))
        if not names or any(quiz.slug == JUDGMENT_NOTEBOOK for quiz in quizzes):
            written += build_judgment(out_dir)
        if found is not None:
            corrections = out_dir / f"{CORRECTIONS}.moodle.xml"
            corrections.write_bytes(moodle.to_bytes(moodle.build_changes(quizzes, found)))
            log = out_dir / f"{CORRECTIONS}.md"
            log.write_text(moodle.changelog(found), encoding="utf-8")
            written += [corrections, log]
    except DataError as error:
        raise ExportError(str(error)) from None
    return written


def build_judgment(out_dir: Path) -> list[Path]:
    """The clinical-judgment cases (data/judgment/) for Moodle and QTI; nothing when there are none."""
    from helpers import judgment
    from helpers.exports import ngn_moodle, ngn_qti

    if not judgment.case_ids():
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    moodle_file = out_dir / f"{JUDGMENT}.moodle.xml"
    moodle_file.write_bytes(ngn_moodle.to_bytes(ngn_moodle.build()))
    qti_file = out_dir / f"{JUDGMENT}.qti.zip"
    qti_file.write_bytes(ngn_qti.package_bytes())
    return [moodle_file, qti_file]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to export (slug or number); default: all, plus the collection")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default build/lms)")
    parser.add_argument("--data-dir", help="data folder to read instead of data/ (like SPINE_DATA_DIR)")
    parser.add_argument("--since", type=Path, metavar="OLD.moodle.xml",
                        help="an earlier collection.moodle.xml: also write corrections.moodle.xml and corrections.md")
    args = parser.parse_args(argv)
    use_data_dir(args.data_dir)
    for path in build(args.out, args.notebooks, since=args.since):
        print(f"wrote {relative(path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run(main))
