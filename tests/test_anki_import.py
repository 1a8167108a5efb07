"""The deck imported into a real Anki collection (the ``anki`` package: Anki's own backend) as Anki desktop does.

Anki desktop's import defaults are the collection's presets
(``get_import_anki_package_presets``: notes and note types updated "if newer",
note types not merged, no scheduling).  A correction must reach exactly the
notes it changes, and an unchanged rebuild must change nothing.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

import pytest

anki_collection = pytest.importorskip("anki.collection")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import flashcards as flashcards_tool  # noqa: E402

from helpers import data  # noqa: E402
from helpers.exports import flashcards  # noqa: E402

NOW = 1_800_000_000  # the first build's time (seconds since 1970); later builds are later


def import_deck(collection, deck: Path):
    """Import as Anki desktop does, with the collection's own default options; returns the import log."""
    options = collection._backend.get_import_anki_package_presets()
    request = anki_collection.ImportAnkiPackageRequest(package_path=str(deck), options=options)
    return collection.import_anki_package(request).log


def stored_notetype(collection) -> dict:
    """The note type as the import stored it (pylib keeps a cache of note types that an import does not clear)."""
    collection.models._clear_cache()
    return collection.models.by_name(flashcards.MODEL_NAME)


@pytest.fixture
def setting(tmp_path, monkeypatch):
    """A copy of data/ (with its manifest) that the test edits without committing, and an empty collection."""
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    monkeypatch.setenv(data.DATA_DIR_ENV, str(copy))
    data.clear_cache()
    (tmp_path / "student").mkdir()
    collection = anki_collection.Collection(str(tmp_path / "student" / "collection.anki2"))
    yield copy, collection
    collection.close()
    data.clear_cache()


def build(tmp_path: Path, name: str, now: int) -> Path:
    path, _, _ = flashcards_tool.build(tmp_path / name, now=now)
    return path


def test_a_corrected_row_updates_its_note_and_no_other_and_a_rebuild_updates_nothing(setting, tmp_path):
    copy, collection = setting
    first = build(tmp_path, "first", NOW)
    log = import_deck(collection, first)
    # Every note the committed manifest records (data/flashcards_manifest.json: one entry per note, written by
    # `make flashcards`) arrives as new, none as updated or duplicate. The count is the manifest's, not the
    # builder's, so a deck that silently drops or doubles a note fails here.
    notes = len(json.loads((ROOT / "data" / "flashcards_manifest.json").read_text(encoding="utf-8"))["notes"])
    assert notes > 200
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (notes, 0, 0)

    again = build(tmp_path, "again", NOW + 3600)  # an hour later, nothing changed
    assert again.read_bytes() == first.read_bytes()
    log = import_deck(collection, again)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 0, notes)

    with open(copy / "glossary.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    edited = next(r for r in rows if r["id"] == "adjuvant")
    edited["definition"] += " Corrected in review."
    with open(copy / "glossary.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    data.clear_cache()
    corrected = build(tmp_path, "corrected", NOW + 7200)
    log = import_deck(collection, corrected)
    assert (len(log.new), len(log.duplicate)) == (0, notes - 1)
    assert [note.fields[0] for note in log.updated] == ["Adjuvant therapy What does it mean?"]
    note_id = collection.db.scalar("select id from notes where guid = ?", flashcards.guid("glossary:adjuvant"))
    note = collection.get_note(note_id)
    assert note.fields[1] == ("<p>Extra treatment given after the main treatment (usually surgery) to destroy cancer "
                              "cells that may remain and lower the chance of the cancer coming back. Corrected in "
                              "review.</p>")
    assert note.mod == NOW + 7200

    log = import_deck(collection, build(tmp_path, "once_more", NOW + 9000))
    assert (len(log.updated), len(log.duplicate)) == (0, notes)


def test_changed_card_css_updates_the_note_type(setting, tmp_path, monkeypatch):
    _, collection = setting
    import_deck(collection, build(tmp_path, "first", NOW))
    before = stored_notetype(collection)
    committed = flashcards.read_manifest(ROOT / "data" / flashcards.MANIFEST_FILE)[flashcards.NOTETYPE_KEY]["mod"]
    assert before["css"] == flashcards.CARD_CSS and before["mod"] == committed < NOW  # unchanged: the committed time

    monkeypatch.setattr(flashcards, "CARD_CSS", flashcards.CARD_CSS + "\n.sources { font-size: 14px; }")
    log = import_deck(collection, build(tmp_path, "restyled", NOW + 60))
    after = stored_notetype(collection)
    assert after["css"].endswith(".sources { font-size: 14px; }") and after["mod"] == NOW + 60
    assert after["id"] == before["id"] == flashcards.MODEL_ID  # updated in place, not a second note type
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 0, 0)  # the notes themselves did not change
