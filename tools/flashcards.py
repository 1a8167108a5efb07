"""An Anki deck for revision: glossary terms, side effects and red flags.

    python tools/flashcards.py [--out DIR] [--data-dir DIR]

Writes ``build/flashcards/spine-cancer-treatment.apkg`` (Anki: File > Import).
Every note's id is derived from its data id, so importing a rebuilt deck
updates the cards a student already has instead of duplicating them.

The notes' modification time is ``SOURCE_DATE_EPOCH`` when set, else the
time of the last commit that touched ``data/`` (so a rebuild of unchanged
data gives the same bytes, and a data change gives newer notes, which Anki
needs before it updates a card), else the current time.  The logic lives in
``helpers.exports.flashcards``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path

from export_common import BUILD_DIR, ROOT, ExportError, relative, run
from lms import use_data_dir

OUT_DIR = BUILD_DIR / "flashcards"
DECK_FILE = "spine-cancer-treatment.apkg"


def data_timestamp() -> float:
    """When the data last changed (see the module docstring)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return float(os.environ["SOURCE_DATE_EPOCH"])
    try:
        result = subprocess.run(["git", "log", "-1", "--format=%ct", "--", "data"], cwd=ROOT,
                                capture_output=True, text=True, timeout=30, check=False)
        if result.returncode == 0 and result.stdout.strip():
            return float(result.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return time.time()


def build(out_dir: Path, timestamp: float | None = None, notebook_dir: Path | None = None) -> tuple[Path, int]:
    """Write the deck; returns its path and the number of notes."""
    from helpers.errors import DataError
    from helpers.exports import flashcards

    try:
        cards = flashcards.notes(notebook_dir)
    except DataError as error:
        raise ExportError(str(error)) from None
    path = flashcards.write_deck(out_dir / DECK_FILE, cards, data_timestamp() if timestamp is None else timestamp)
    return path, len(cards)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default build/flashcards)")
    parser.add_argument("--data-dir", help="data folder to read instead of data/ (like SPINE_DATA_DIR)")
    args = parser.parse_args(argv)
    use_data_dir(args.data_dir)
    path, count = build(args.out)
    print(f"wrote {relative(path)} ({count} notes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(run(main))
