"""An Anki deck for revision: glossary terms, side effects and red flags.

    python tools/flashcards.py [--out DIR] [--data-dir DIR] [--manifest FILE]

Writes ``build/flashcards/spine-cancer-treatment.apkg`` (Anki: File > Import).
Every note's id is derived from its data id, so importing a rebuilt deck
updates the cards a student already has instead of duplicating them.

Each note's modification time comes from ``flashcards_manifest.json`` in the
data folder: a note whose content (fields and tags) changed since the
manifest was written gets the time of this build, every other note keeps its
recorded time, and the manifest is updated (commit it with the data change).
So a rebuild of unchanged data gives the same bytes, and Anki updates
exactly the notes that changed, even after an uncommitted edit.  The logic
lives in ``helpers.exports.flashcards``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from export_common import BUILD_DIR, ExportError, relative, run
from lms import use_data_dir

OUT_DIR = BUILD_DIR / "flashcards"
DECK_FILE = "spine-cancer-treatment.apkg"


def build(out_dir: Path, notebook_dir: Path | None = None, manifest: Path | None = None,
          now: int | None = None) -> tuple[Path, int, int]:
    """Write the deck and bring the manifest up to date.

    Returns the deck's path, the number of notes and how many notes (and the
    note type) got a new time in this build.  ``now`` (seconds since 1970)
    defaults to the current time; ``manifest`` to the data folder's.
    """
    from helpers.errors import DataError
    from helpers.exports import flashcards

    try:
        cards = flashcards.notes(notebook_dir)
        manifest_file = Path(manifest) if manifest else flashcards.manifest_path()
        before = flashcards.read_manifest(manifest_file)
        after = flashcards.stamp(cards, before, int(time.time()) if now is None else now)
    except DataError as error:
        raise ExportError(str(error)) from None
    moved = sum(after["notes"][c.note_id] != before["notes"].get(c.note_id) for c in cards)
    moved += after[flashcards.NOTETYPE_KEY] != before.get(flashcards.NOTETYPE_KEY)
    text = flashcards.manifest_text(after)
    if not manifest_file.exists() or manifest_file.read_text(encoding="utf-8") != text:
        manifest_file.write_text(text, encoding="utf-8")
    path = flashcards.write_deck(out_dir / DECK_FILE, cards, after)
    return path, len(cards), moved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default build/flashcards)")
    parser.add_argument("--data-dir", help="data folder to read instead of data/ (like SPINE_DATA_DIR)")
    parser.add_argument("--manifest", type=Path, help="manifest to read and update (default: flashcards_manifest.json "
                                                      "in the data folder)")
    args = parser.parse_args(argv)
    use_data_dir(args.data_dir)
    path, count, moved = build(args.out, manifest=args.manifest)
    print(f"wrote {relative(path)} ({count} notes)")
    if moved:
        print(f"{moved} notes (or the note type) changed since the manifest: recorded them; commit the manifest "
              "with the data change")
    return 0


if __name__ == "__main__":
    raise SystemExit(run(main))
