"""The Anki deck: one note per data row, stable ids, escaped text, sources on every card."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import genanki
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import flashcards as flashcards_tool  # noqa: E402
from export_common import ExportError  # noqa: E402

from helpers import claims, data  # noqa: E402
from helpers.exports import flashcards  # noqa: E402

TIMESTAMP = 1_790_000_000

# Guids students' collections already hold (deck of 2026-11): renaming the namespace or the note ids
# would duplicate every card on re-import, so they are pinned as literals.
PINNED_GUIDS = {
    "glossary:adjuvant": "JgLeGV>p=3",
    "side_effect:chemo_hair_loss": "Djq^o:qMvc",
    "notebook_red_flags:04_radiation_therapy": "G(,X4&ZH]n",
    "emergency_sign:bladder_bowel_dysfunction": "LW,lWBe8JE",
    "modality_red_flags:chemotherapy": "w<Rh!Yz@%9",
}


def rows(table: str) -> list[dict[str, str]]:
    """A table's rows as a reader sees them: claim placeholders replaced by the register's wording."""
    from helpers.claims import resolve

    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return [{k: resolve(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def expected_ids() -> set[str]:
    ids = {f"glossary:{r['id']}" for r in rows("glossary")}
    ids |= {f"side_effect:{r['id']}" for r in rows("side_effects")}
    ids |= {f"modality_red_flags:{m}" for m in {r["modality_id"] for r in rows("side_effects") if r["red_flags"]}}
    ids |= {f"notebook_red_flags:{r['notebook']}" for r in rows("teaching_points") if r["section"] == "red_flags"}
    ids |= {f"emergency_sign:{r['id']}" for r in rows("emergency_signs")}
    return ids


def text_of(fragment: str) -> str:
    return " ".join("".join(ET.fromstring(f"<div>{fragment}</div>").itertext()).split())


def open_deck(path: Path) -> list[tuple]:
    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
        db = path.parent / "collection.anki2"
        db.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(db) as connection:
        notes = connection.execute("SELECT guid, flds, tags, mid FROM notes").fetchall()
        cards = connection.execute("SELECT count(*), count(DISTINCT did) FROM cards").fetchone()
    assert cards[0] == len(notes) and cards[1] == 1  # one card per note, all in one deck
    return notes


@pytest.fixture(scope="module")
def deck(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("deck")
    path, _, _ = flashcards_tool.build(folder, manifest=folder / "manifest.json", now=TIMESTAMP)
    return path


def test_the_deck_has_one_note_per_data_row_and_keeps_the_guids_students_have(deck):
    notes = open_deck(deck)
    guids = [guid for guid, *_ in notes]
    assert len(guids) == len(set(guids)) == len(expected_ids())
    assert set(PINNED_GUIDS.values()) <= set(guids)
    assert {note_id: flashcards.guid(note_id) for note_id in PINNED_GUIDS} == PINNED_GUIDS
    assert {mid for *_, mid in notes} == {1_250_195_425}  # the note type id students' collections hold


def test_side_effect_cards_carry_the_fields_of_their_row(deck):
    notes = {guid: flds.split("\x1f") for guid, flds, _, _ in open_deck(deck)}
    sources = {r["id"]: r["citation"] for r in rows("sources")}
    for row in rows("side_effects"):
        front, back, cited = notes[flashcards.guid(f"side_effect:{row['id']}")]
        assert row["effect"] in text_of(front)
        back_text = text_of(back)
        for column in ("mechanism", "onset_text", "nursing_interventions", "red_flags"):
            assert " ".join(row[column].split()) in back_text, f"{row['id']}: {column}"
        assert "How often:" in back_text
        for source_id in row["source_ids"].split(";"):
            assert " ".join(sources[source_id].split()) in text_of(cited), f"{row['id']}: {source_id}"


def test_how_often_carries_the_cited_numbers_and_population_of_the_evidence_table(deck):
    """Against the raw evidence CSV: each quantified side effect's card shows its percentages and population."""
    notes = {guid: flds.split("\x1f") for guid, flds, _, _ in open_deck(deck)}
    evidence = rows("side_effect_evidence")
    hair = text_of(notes[PINNED_GUIDS["side_effect:chemo_hair_loss"]][1])
    assert "How often:" in hair and "55" in hair and "69%" in hair and "newly diagnosed glioblastoma" in hair
    for row in evidence:
        back = text_of(notes[flashcards.guid(f"side_effect:{row['side_effect_id']}")][1])
        assert f"{row['incidence_high_pct']}%" in back, row["id"]


def test_glossary_cards_carry_term_definition_and_source(deck):
    notes = {guid: flds.split("\x1f") for guid, flds, _, _ in open_deck(deck)}
    for row in rows("glossary"):
        front, back, cited = notes[flashcards.guid(f"glossary:{row['id']}")]
        assert row["term"] in text_of(front)
        assert " ".join(row["definition"].split()) in text_of(back)
        assert text_of(cited).startswith("Sources")


def test_tags_name_the_modality_and_the_notebook(deck):
    notes = {guid: tags.split() for guid, _, tags, _ in open_deck(deck)}
    for row in rows("side_effects"):
        tags = notes[flashcards.guid(f"side_effect:{row['id']}")]
        assert f"spine::modality::{row['modality_id']}" in tags
    chemo = notes[flashcards.guid("side_effect:chemo_hair_loss")]
    assert "spine::notebook::03_chemotherapy" in chemo
    assert "spine::notebook::04_radiation_therapy" in notes[flashcards.guid("notebook_red_flags:04_radiation_therapy")]


def test_a_new_modality_in_the_data_gets_its_own_tag_and_red_flag_card(tmp_path, monkeypatch):
    """Modalities come from the data (e.g. another supportive group), never from a list."""
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy, ignore=shutil.ignore_patterns("quizzes", "instructor"))
    package = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        for column in resource["schema"]["fields"]:
            allowed = column.get("constraints", {}).get("enum", [])
            if "targeted_therapy" in allowed:
                allowed.append("bone_agents")
    (copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    with open(copy / "modalities.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["bone_agents", "Bone agents", "supportive_care", "Drugs that protect bone.", "Fewer fractures.",
                                     "1", "An injection.", "Oncologist.", "nci_dictionary"])
    effects = (copy / "side_effects.csv").read_text(encoding="utf-8").splitlines()
    header = effects[0].split(",")
    first = next(csv.DictReader([effects[0], effects[1]]))
    first.update(id="bone_agent_effect", modality_id="bone_agents")
    if "incidence_status" in first:  # the evidence-table version of the data: a new row has no numbers yet
        first["incidence_status"] = "not_quantified"
    with open(copy / "side_effects.csv", "a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, header).writerow(first)
    monkeypatch.setenv(data.DATA_DIR_ENV, str(copy))
    data.clear_cache()
    try:
        cards = {c.note_id: c for c in flashcards.notes()}
    finally:
        monkeypatch.undo()
        data.clear_cache()
    assert "spine::modality::bone_agents" in cards["side_effect:bone_agent_effect"].tags
    assert "modality_red_flags:bone_agents" in cards


def test_data_text_reaches_anki_escaped(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy, ignore=shutil.ignore_patterns("quizzes", "instructor"))
    glossary = (copy / "glossary.csv").read_text(encoding="utf-8")
    (copy / "glossary.csv").write_text(glossary.replace("Adjuvant therapy,", "Adjuvant <b>therapy</b> & more,", 1),
                                       encoding="utf-8")
    monkeypatch.setenv(data.DATA_DIR_ENV, str(copy))
    data.clear_cache()
    try:
        card = flashcards.glossary_cards(ROOT / "notebooks")[0]
    finally:
        monkeypatch.undo()
        data.clear_cache()
    assert "&lt;b&gt;therapy&lt;/b&gt; &amp; more" in card.front and "<b>" not in card.front


def test_a_second_build_with_the_same_manifest_gives_the_same_bytes_at_any_time(deck, tmp_path):
    manifest = deck.parent / "manifest.json"
    again, _, moved = flashcards_tool.build(tmp_path, manifest=manifest, now=TIMESTAMP + 86_400)
    assert moved == 0
    assert again.read_bytes() == deck.read_bytes()


def test_model_and_deck_ids_are_the_ones_students_have():
    assert (flashcards.MODEL_ID, flashcards.DECK_ID) == (1_250_195_425, 1_177_615_691)
    assert flashcards.DECK_ID != flashcards.MODEL_ID
    assert all((1 << 30) <= i < (1 << 31) for i in (flashcards.MODEL_ID, flashcards.DECK_ID))


def test_the_committed_manifest_knows_every_note_of_the_committed_data():
    """Run 'make flashcards' and commit data/flashcards_manifest.json after changing what a card shows."""
    manifest = flashcards.read_manifest(ROOT / "data" / flashcards.MANIFEST_FILE)
    cards = flashcards.notes()
    stale = [c.note_id for c in cards if manifest["notes"].get(c.note_id, {}).get("hash") != flashcards.note_hash(c)]
    assert not stale, f"{len(stale)} notes changed since data/flashcards_manifest.json, e.g. {stale[:3]}: run make flashcards"
    assert manifest[flashcards.NOTETYPE_KEY]["hash"] == flashcards.notetype_hash(), "card templates or CSS changed"
    assert set(manifest["notes"]) == {c.note_id for c in cards}


@pytest.mark.parametrize("entry, digest, now, expected", [
    ({"hash": "aaa", "mod": 100}, "aaa", 500, {"hash": "aaa", "mod": 100}),   # unchanged: keeps its time
    ({"hash": "aaa", "mod": 100}, "bbb", 500, {"hash": "bbb", "mod": 500}),   # changed: the build's time
    ({"hash": "aaa", "mod": 900}, "bbb", 500, {"hash": "bbb", "mod": 901}),   # a clock behind: still newer
    (None, "bbb", 500, {"hash": "bbb", "mod": 500}),                         # new note
])
def test_a_note_time_moves_exactly_when_its_content_moves_and_never_back(entry, digest, now, expected, monkeypatch):
    card = flashcards.Flashcard("glossary:x", "<p>F</p>", "<p>B</p>", "<p>S</p>", ("spine::glossary",))
    monkeypatch.setattr(flashcards, "note_hash", lambda c: digest)
    manifest = {"notes": {"glossary:x": entry} if entry else {}, "note type": {"hash": "t", "mod": 1}}
    assert flashcards.stamp([card], manifest, now)["notes"] == {"glossary:x": expected}


def test_note_hash_covers_fields_and_tags():
    card = flashcards.Flashcard("glossary:x", "<p>F</p>", "<p>B</p>", "<p>S</p>", ("spine::glossary",))
    changed = [flashcards.Flashcard("glossary:x", "<p>F!</p>", "<p>B</p>", "<p>S</p>", ("spine::glossary",)),
               flashcards.Flashcard("glossary:x", "<p>F</p>", "<p>B</p>", "<p>S.</p>", ("spine::glossary",)),
               flashcards.Flashcard("glossary:x", "<p>F</p>", "<p>B</p>", "<p>S</p>", ("spine::general",))]
    assert len({flashcards.note_hash(c) for c in [card, *changed]}) == 4
    assert flashcards.note_hash(card) == flashcards.note_hash(
        flashcards.Flashcard("glossary:y", "<p>F</p>", "<p>B</p>", "<p>S</p>", ("spine::glossary",)))


def test_sources_are_links_and_every_glossary_note_says_where_it_is_taught(deck):
    notes = {guid: (flds.split("\x1f"), tags.split()) for guid, flds, tags, _ in open_deck(deck)}
    (_, _, sources), tags = notes[PINNED_GUIDS["glossary:adjuvant"]]
    # a real link (underlined, so not told apart by colour alone), its text the address itself
    assert re.search(r'<a href="https://www\.cancer\.gov/publications/dictionaries/cancer-terms"[^>]*>'
                     r'https://www\.cancer\.gov/publications/dictionaries/cancer-terms</a>', sources)
    for row in rows("glossary"):
        _, tags = notes[flashcards.guid(f"glossary:{row['id']}")]
        assert [t for t in tags if t.startswith("spine::notebook::")] or "spine::general" in tags, row["id"]
    # a term reached through its abbreviation and a plural (hand-checked in the notebooks' text)
    assert "spine::notebook::02_surgery" in notes[flashcards.guid("glossary:sins")][1]


def test_the_deck_description_carries_the_notice():
    deck = flashcards.build_deck(flashcards.notes()[:1])
    assert "Educational use only." in deck.description


def test_bad_data_stops_the_build_in_one_line(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy, ignore=shutil.ignore_patterns("quizzes", "instructor"))
    glossary = (copy / "glossary.csv").read_text(encoding="utf-8")
    (copy / "glossary.csv").write_text(glossary.replace(",nci_dictionary\n", ",no_such_source\n", 1), encoding="utf-8")
    monkeypatch.setenv(data.DATA_DIR_ENV, str(copy))
    data.clear_cache()
    try:
        with pytest.raises(ExportError, match="no_such_source") as caught:
            flashcards_tool.build(tmp_path / "out", manifest=tmp_path / "manifest.json", now=TIMESTAMP)
    finally:
        monkeypatch.undo()
        data.clear_cache()
    assert "\n" not in str(caught.value)
