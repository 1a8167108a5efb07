"""One claim, one place (issue 18): the register, its references, the lint and the reviewer's view."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import claims, claims_index, claims_lint, data
from helpers.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A writable copy of data/ that the loaders read instead."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setenv(data.DATA_DIR_ENV, str(copy))
    data.clear_cache()
    yield copy
    monkeypatch.delenv(data.DATA_DIR_ENV)
    data.clear_cache()


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# -- references resolve to the register's wording ---------------------------------------------

def test_a_placeholder_in_a_table_shows_the_claims_wording():
    signs = data.load("emergency_signs").set_index("id")
    # A literal, typed here on purpose: what NICE NG234 asks for with neurological signs.
    assert signs.loc["limb_weakness", "nurse_action"].startswith(
        "Contact the MSCC coordinator or acute oncology team immediately and treat it as an oncological emergency")
    assert "{{" not in " ".join(signs["nurse_action"])


def test_vocabulary_forms_and_capitals():
    assert claims.wording("tier:within_24_hours") == "urgently, within 24 hours"
    assert claims.wording("tier:immediately|cap") == "Immediately"
    assert claims.wording("band:chemo_hair_loss") == "very common"  # 55-69% (Temodar label) is >= 10%


def test_a_correction_in_the_register_reaches_every_place(data_copy):
    rows = _rows(data_copy / "escalation_tiers.csv")
    for row in rows:
        if row["id"] == "immediately":
            row["wording"] = "at once (corrected)"
    _write(data_copy / "escalation_tiers.csv", rows)
    data.clear_cache()
    actions = data.load("emergency_signs").set_index("id")["nurse_action"]
    assert all("at once (corrected)" in actions[i] for i in
               ("radicular_band_pain", "limb_weakness", "sensory_loss", "bladder_bowel_dysfunction", "cauda_equina_signs"))


def test_an_unknown_claim_stops_the_load_with_one_line_naming_the_place(data_copy):
    rows = _rows(data_copy / "glossary.csv")
    rows[3]["definition"] += " {{no_such_claim}}"
    _write(data_copy / "glossary.csv", rows)
    data.clear_cache()
    with pytest.raises(DataError) as info:
        data.load("glossary")
    message = str(info.value)
    assert "glossary.csv: row 4 (line 5 of the file), field 'definition'" in message
    assert "{{no_such_claim}}" in message and "\n" not in message


def test_a_misspelt_placeholder_is_refused_not_shown_raw(data_copy):
    rows = _rows(data_copy / "glossary.csv")
    rows[0]["definition"] += " {{ Mscc Neuro }}"
    _write(data_copy / "glossary.csv", rows)
    data.clear_cache()
    with pytest.raises(DataError, match="is not a claim reference"):
        data.load("glossary")


def test_quiz_json_placeholders_resolve_with_the_place_named(tmp_path):
    quiz = tmp_path / "q.json"
    quiz.write_text(json.dumps({"questions": [{"feedback": "Act {{tier:immediately}}."},
                                              {"feedback": "{{nope}}"}]}), encoding="utf-8")
    schema = tmp_path / "schema.json"
    schema.write_text("{}", encoding="utf-8")
    with pytest.raises(DataError, match=r"q\.json: questions/1/feedback: \{\{nope\}\}"):
        data.read_checked_json(quiz, schema, "q.json")
    quiz.write_text(json.dumps({"questions": [{"feedback": "Act {{tier:immediately}}."}]}), encoding="utf-8")
    assert data.read_checked_json(quiz, schema, "q.json") == {"questions": [{"feedback": "Act immediately."}]}


def test_placeholder_text_is_plain_text_never_a_template(data_copy):
    rows = _rows(data_copy / "claims.csv")
    rows[0]["text"] = "{% for x in y %}<b>{{tier:immediately}}</b>"
    _write(data_copy / "claims.csv", rows)
    data.clear_cache()
    assert claims.wording(rows[0]["id"]) == "{% for x in y %}<b>immediately</b>"


# -- the register's own rules -------------------------------------------------------------------

def test_register_rows_are_sorted_by_id_and_no_wording_is_written_twice():
    rows = _rows(DATA / "claims.csv")
    ids = [r["id"] for r in rows]
    assert ids == sorted(ids), "keep data/claims.csv sorted by id (parallel edits then merge cleanly)"
    wordings = [r["text"] for r in rows]
    twice = {w for w in wordings if wordings.count(w) > 1}
    assert not twice, f"the same wording is registered twice: {sorted(twice)}"


@pytest.mark.parametrize("change, message", [
    ({"kind": "escalation", "tier": ""}, "names its tier"),
    ({"kind": "timing", "tier": "immediately"}, "only a claim of kind 'escalation' has a tier"),
    ({"kind": "escalation", "tier": "immediately", "text": "act immediately"}, r"\{\{tier:immediately\}\}"),
    ({"kind": "recommendation", "strength": "asco_sio_may", "text": "may be offered"}, r"\{\{strength:asco_sio_may\}\}"),
    ({"text": "see {{nadir_window}}"}, "may not refer to another claim"),
])
def test_a_claim_shows_its_controlled_word_from_the_vocabulary(data_copy, change, message):
    rows = _rows(data_copy / "claims.csv")
    target = next(r for r in rows if r["kind"] == "definition")
    target.update({"tier": "", "strength": ""})
    target.update(change)
    _write(data_copy / "claims.csv", rows)
    data.clear_cache()
    with pytest.raises(DataError, match=message):
        data.load("claims")


def test_every_claim_names_its_context_source_locator_and_date():
    frame = data.load("claims")
    for row in frame.itertuples():
        assert row.context and row.locator and row.source_ids, row.id
        assert row.checked_on >= "2026-11-30", row.id


# -- notebook markdown: markers are filled from the register ----------------------------------

def test_markers_are_filled_and_the_text_is_escaped_for_markdown(data_copy):
    rows = _rows(data_copy / "claims.csv")
    row = next(r for r in rows if not r["tier"] and not r["strength"])  # a claim whose wording needs no vocabulary word
    row["text"] = "<b>bold</b> *star* [link](x)"
    _write(data_copy / "claims.csv", rows)
    data.clear_cache()
    out = claims.fill_markdown(f"Before <!-- claim:{row['id']} -->old text<!-- /claim --> after.")
    assert out == (f"Before <!-- claim:{row['id']} -->\\<b\\>bold\\</b\\> \\*star\\* \\[link\\](x)"
                   "<!-- /claim --> after.")


def test_every_marker_in_the_stored_notebooks_shows_the_current_wording():
    stale = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb["cells"]):
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown" and claims.fill_markdown(source) != source:
                stale.append(f"{path.name} cell {index}")
    assert not stale, f"claim wording out of date (run make notebooks): {stale}"


# -- the lint ------------------------------------------------------------------------------------

def test_lint_catches_a_band_word_in_a_glossary_row(tmp_path):
    root = _collection_copy(tmp_path)
    rows = _rows(root / "data" / "glossary.csv")
    rows[0]["definition"] += " Hair loss is common."
    _write(root / "data" / "glossary.csv", rows)
    found = [f for f in claims_lint.lint(root) if f.place.startswith("data/glossary.csv: row 1 ")]
    assert [(f.kind, f.phrase) for f in found] == [("band word", "common")]


def test_lint_catches_an_escalation_phrase_in_quiz_feedback(tmp_path):
    root = _collection_copy(tmp_path)
    path = root / "data" / "quizzes" / "02_surgery.json"
    quiz = json.loads(path.read_text(encoding="utf-8"))
    quiz["questions"][0]["feedback"] += " Report it the same day."
    path.write_text(json.dumps(quiz, ensure_ascii=False), encoding="utf-8")
    found = [f for f in claims_lint.lint(root) if f.place == "data/quizzes/02_surgery.json: questions/0/feedback"]
    assert ("escalation phrase", "same day") in [(f.kind, f.phrase) for f in found]


def test_lint_catches_a_threshold_in_a_notebook_paragraph(tmp_path):
    root = _collection_copy(tmp_path)
    path = root / "notebooks" / "03_chemotherapy.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown" and "navigation" not in c["metadata"].get("tags", []))
    cell["source"] = "".join(cell["source"]) + "\nCall the team if the temperature is 38.5 °C or the count is below 500/µL."
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    found = {(f.kind, f.phrase) for f in claims_lint.lint(root) if f.place.startswith("notebooks/03_chemotherapy.ipynb")}
    assert {("temperature", "38.5 °C"), ("threshold", "500/µL")} <= found


@pytest.mark.parametrize("text", [
    "Offer small frequent meals and sips of fluid.",
    "Chordoma is a rare tumour of the spine.",
    "SINS: more than 50% collapse scores 3, occasional pain scores 1; a chordoma is a rare primary bone tumour.",
    "Each case works on its own in about 30 minutes.",
    "Grade adverse events with the Common Terminology Criteria for Adverse Events.",
    "Go to the emergency department.",
    "*Estimated time to here: 20 minutes.*",
    "Try a white count of 3.0 with 10% segmented neutrophils and 5% bands; ANC = 2400 × 20 / 100 = 480 cells/µL.",
    "A dose prescribed as 150 mg/m² would then be about 253 mg.",
    "Pain at T7 and L1; ECOG 1; grade 2 in 2017.",
    "Contact the team {{tier:immediately}}.",
    "Only a browser; the first start can take a few minutes.",
    "Predict the CTCAE v5.0 grade for 150/95 and for 166/104 mm Hg, then check with the calculator.",
    "Before <!-- claim:nadir_window -->about 7 to 14 days after a dose<!-- /claim --> after.",
])
def test_other_senses_and_rendered_claims_pass(text):
    assert claims_lint.lint_text("x", text) == []


@pytest.mark.parametrize("text, kind", [
    ("Antibiotics within 1 hour.", "escalation phrase"),
    ("Lie flat for 2 hours.", "duration or timing"),
    ("Give 16 mg of dexamethasone.", "dose"),
    ("Withhold if 160/100 mm Hg.", "threshold"),
    ("Cement leaks after 2.1% of procedures.", "threshold"),
    ("It happens occasionally.", "band word"),
    ("Seen in 12 of 105 operations.", "threshold"),
])
def test_each_kind_of_typed_claim_is_found(text, kind):
    assert kind in {f.kind for f in claims_lint.lint_text("x", text)}


def test_case_values_pass_in_narrative_but_words_do_not():
    assert claims_lint.lint_text("x", "Her temperature is 37.9 °C on day 9.", values_allowed=True) == []
    found = claims_lint.lint_text("x", "She is told to come in immediately.", values_allowed=True)
    assert [f.kind for f in found] == ["escalation phrase"]


def test_generated_files_are_read_after_the_register_wording_is_taken_out():
    rendered = [claims.wording("mscc_neuro_escalation")]
    texts = [("deck: card 1", f"<p>{claims.wording('mscc_neuro_escalation|cap')}.</p>"),
             ("deck: card 2", f"<p>{rendered[0]}; lie flat for 2 hours</p>"),
             ("deck: card 3", "<p>Contact the MSCC team immediately.</p>")]
    found = claims_lint.lint_generated(texts, rendered)
    assert [(f.place, f.phrase) for f in found] == [("deck: card 2", "2 hours"), ("deck: card 3", "immediately")]


def test_no_clinical_sentence_is_written_in_two_places():
    # Issue 18: a statement written twice is a copy that will drift; it becomes a claim, or is said once and
    # referred to (the 08 instructor notes name the case stage whose question they discuss).
    found = claims_lint.repeated_statements()
    assert not found, f"{len(found)} sentence(s) written in two places, e.g.:\n" + "\n".join(
        f"{place} and {other}: {sentence!r}" for _score, place, other, sentence in found[:10])


def test_a_new_copy_of_a_sentence_is_found_but_the_skeleton_is_not(tmp_path):
    root = _collection_copy(tmp_path)
    rows = _rows(root / "data" / "glossary.csv")
    # A clinical sentence copied from a side-effect row, and a sentence of the lesson skeleton.
    rows[0]["definition"] += (" New back pain that is worse on movement or standing after SBRT should be reported."
                              " Every table, chart and statement above is drawn from these sources.")
    _write(root / "data" / "glossary.csv", rows)
    pairs = [(place, other, sentence.rstrip(".;")) for _s, place, other, sentence in claims_lint.repeated_statements(root)
             if "data/glossary.csv: row 1 " in place + other]
    assert [(sorted(p.split(":")[0] for p in (place, other)), sentence) for place, other, sentence in pairs] == [
        (["data/glossary.csv", "data/side_effects.csv"],
         "New back pain that is worse on movement or standing after SBRT should be reported")]


def _collection_copy(tmp_path: Path) -> Path:
    root = tmp_path / "collection"
    for part in ("data", "notebooks"):
        shutil.copytree(ROOT / part, root / part)
    (root / "src" / "helpers").mkdir(parents=True)
    shutil.copytree(ROOT / "src" / "helpers" / "templates", root / "src" / "helpers" / "templates")
    return root


# -- the reviewer's view and the dates -----------------------------------------------------------

def test_the_reviewers_view_is_current():
    text = claims_index.document(ROOT)
    assert (ROOT / "docs" / "claims.md").read_text(encoding="utf-8") == text, "run 'make claims'"


def test_every_checked_row_was_recorded_with_its_date():
    assert claims_index.stale_rows(ROOT) == []


def test_a_changed_number_fails_until_its_check_date_changes(tmp_path):
    root = tmp_path / "collection"
    shutil.copytree(DATA, root / "data")
    rows = _rows(root / "data" / "side_effect_evidence.csv")
    rows[0]["incidence_high_pct"] = "96"
    _write(root / "data" / "side_effect_evidence.csv", rows)
    stale = claims_index.stale_rows(root)
    assert len(stale) == 1 and rows[0]["id"] in stale[0] and "changed since it was checked" in stale[0]
    assert claims_index.update_lock(root) != []  # make claims refuses too
    rows[0]["checked_on"] = "2099-01-01"
    _write(root / "data" / "side_effect_evidence.csv", rows)
    assert claims_index.update_lock(root) == [] and claims_index.stale_rows(root) == []


def test_a_row_changed_again_on_its_check_day_is_recorded_only_when_named(tmp_path):
    root = tmp_path / "collection"
    shutil.copytree(DATA, root / "data")
    rows = _rows(root / "data" / "claims.csv")
    row = next(r for r in rows if r["checked_on"] == "2026-12-01")
    other = next(r for r in rows if r["id"] != row["id"])
    row["locator"] += " (and its table 2)"
    _write(root / "data" / "claims.csv", rows)

    def still_stale() -> bool:
        stale = claims_index.stale_rows(root)
        return len(stale) == 1 and repr(row["id"]) in stale[0] and "changed since it was checked" in stale[0]

    # Changed, date unchanged, not named: refused, and the test over the real data would fail.
    refused = claims_index.update_lock(root, today="2026-12-01")
    assert len(refused) == 1 and repr(row["id"]) in refused[0] and still_stale()
    # Naming does not work wholesale or by accident: every id, an unchanged row beside it, an unknown id,
    # or a date that is not today each record nothing.
    every_id = [r["id"] for r in rows]
    for named, today in ((every_id, "2026-12-01"), ([row["id"], other["id"]], "2026-12-01"),
                         ([row["id"], "no_such_claim"], "2026-12-01"), ([row["id"]], "2026-12-02")):
        refused = claims_index.update_lock(root, rechecked=named, today=today)
        assert refused and any(repr(row["id"]) in line for line in refused) and still_stale(), named
    assert any("not today" in line for line in claims_index.update_lock(root, rechecked=[row["id"]],
                                                                        today="2026-12-02"))
    # The person who re-checked it names exactly that row, on the day its checked_on says.
    assert claims_index.update_lock(root, rechecked=[row["id"]], today="2026-12-01") == []
    assert claims_index.stale_rows(root) == []
    # Named again with nothing changed since: refused (there is nothing to record).
    assert claims_index.update_lock(root, rechecked=[row["id"]], today="2026-12-01") != []


def test_make_claims_takes_rechecked_from_its_command_line_only():
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    by_hand = subprocess.run(["make", "-n", "-C", str(ROOT), "claims", "RECHECKED=bev_half_life"], env=env,
                             capture_output=True, text=True, timeout=60)
    assert by_hand.returncode == 0 and "--rechecked bev_half_life" in by_hand.stdout
    from_env = subprocess.run(["make", "-n", "-C", str(ROOT), "claims"], env={**env, "RECHECKED": "bev_half_life"},
                              capture_output=True, text=True, timeout=60)
    assert from_env.returncode != 0 and "--rechecked" not in from_env.stdout
    assert "RECHECKED must be given on the make command line" in from_env.stderr
    plain = subprocess.run(["make", "-n", "-C", str(ROOT), "claims"], env=env, capture_output=True, text=True,
                           timeout=60)
    assert plain.returncode == 0 and "tools/claims.py" in plain.stdout and "--rechecked" not in plain.stdout


def test_places_name_the_table_row_and_the_flashcard():
    where = claims_index.places(ROOT)
    assert "table emergency_signs, row limb_weakness (nurse_action); also its red-flag flashcard" in \
        where["mscc_neuro_escalation"]


# -- sources name their edition and what supersedes them ----------------------------------------

def test_a_row_citing_a_superseded_source_fails_unless_the_source_says_why(data_copy):
    rows = _rows(data_copy / "sources.csv")
    row = next(r for r in rows if r["id"] == "nice_cg75")
    assert row["superseded_by"] == "nice_ng234" and row["kept_because"]
    row["kept_because"] = ""
    _write(data_copy / "sources.csv", rows)
    data.clear_cache()
    data.load("sources")  # a superseded source with no reason is a record of what replaced it ...
    with pytest.raises(DataError) as info:  # ... and whatever still cites it fails, naming its own row
        data.load("escalation_tiers")  # NICE's tiers cite CG75 beside NG234
    message = str(info.value)
    assert "escalation_tiers.csv: row 1 (line 2 of the file), field 'source_ids'" in message
    assert "'nice_cg75' is superseded by 'nice_ng234'" in message and "kept_because" in message


def test_only_a_superseded_source_gives_a_reason_to_keep_it(data_copy):
    rows = _rows(data_copy / "sources.csv")
    next(r for r in rows if r["id"] == "nice_ng234")["kept_because"] = "still good"
    _write(data_copy / "sources.csv", rows)
    data.clear_cache()
    with pytest.raises(DataError, match="only a superseded source says why it is kept"):
        data.load("sources")


def _superseded_citations(folder: Path) -> list[tuple[str, str]]:
    """(place, source id) for every table row, claim or JSON item that cites a superseded source with no reason."""
    sources = _rows(folder / "sources.csv")
    unexplained = {r["id"] for r in sources if r["superseded_by"] and not r["kept_because"]}
    found = []
    for path in sorted(folder.glob("*.csv")):
        if path.name in ("sources.csv", "review_log.csv"):  # the review log records what was read on a date
            continue
        for number, row in enumerate(_rows(path), start=1):
            found += [(f"{path.name} row {number}", s) for s in (row.get("source_ids") or "").split(";") if s in unexplained]

    def walk(value, where):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "source_ids" and isinstance(item, str):
                    found.extend((where, s) for s in item.split(";") if s in unexplained)
                else:
                    walk(item, f"{where}/{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{where}/{i}")

    for path in sorted(folder.glob("*/*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")), f"{path.parent.name}/{path.name}")
    return found


def test_nothing_cites_a_superseded_source_without_a_reason_tables_and_json():
    assert _superseded_citations(DATA) == []
    # The superseded sources still cited, each for a reason its row gives (checked 2026-12-01); the ASTRO 2017
    # update only for its re-treatment remark beside the 2024 guideline.
    sources = {r["id"]: r for r in _rows(DATA / "sources.csv")}
    still_cited = {i for i, r in sources.items() if r["superseded_by"] and r["kept_because"]}
    assert still_cited == {"nice_cg75", "nci_ctcae_v5", "arevalo2013_pdph", "lutz2017_astro", "neuss2016_asco_ons",
                           "horlocker2018_asra"}
    astro = [r for r in _rows(DATA / "claims.csv") if "lutz2017_astro" in r["source_ids"].split(";")]
    assert [(r["id"], r["source_ids"]) for r in astro] == [("rt_single_fraction_pain_relief", "alcorn2024_astro;lutz2017_astro")]


def test_a_quiz_item_citing_a_replaced_guideline_is_found(data_copy):
    path = data_copy / "quizzes" / "07_side_effects_and_supportive_care.json"
    quiz = json.loads(path.read_text(encoding="utf-8"))
    quiz["questions"][0]["source_ids"] += ";key2020_asco_vte"  # ASCO VTE 2020, replaced by the 2023 update
    path.write_text(json.dumps(quiz, ensure_ascii=False), encoding="utf-8")
    assert _superseded_citations(data_copy) == [
        ("quizzes/07_side_effects_and_supportive_care.json/questions/0", "key2020_asco_vte")]


def test_every_source_names_its_edition_and_every_label_its_drug():
    sources = data.load("sources")
    assert (sources["edition"] != "").all()
    labels = sources[sources["type"].astype(str) == "drug_label"]
    assert dict(zip(labels["id"], labels["drug"]))["avastin_uspi"] == "bevacizumab"
    assert (labels["drug"] != "").all()


def test_a_row_that_shows_a_claim_cites_the_claims_sources():
    signs = data.load("emergency_signs").set_index("id")
    # mscc_mri_neuro_timing is NICE NG234's; the row shows it, so the row's sources name NG234 (here it did already)
    assert "nice_ng234" in signs.loc["sensory_loss", "source_ids"].split(";")
    rows = _rows(DATA / "claims.csv")
    claim = next(r for r in rows if r["id"] == "neutropenic_sepsis_trigger")
    assert claim["source_ids"] == "nice_cg151"
    assert claims.sources_of(claims.references_in("{{neutropenic_sepsis_trigger}}")) == ["nice_cg151"]


def test_sources_of_a_claim_join_a_row_that_did_not_list_them(data_copy):
    rows = _rows(data_copy / "glossary.csv")
    rows[0]["definition"] += " Suspect it with {{neutropenic_sepsis_trigger}}."
    rows[0]["source_ids"] = "nci_dictionary"
    _write(data_copy / "glossary.csv", rows)
    data.clear_cache()
    assert data.load("glossary").loc[0, "source_ids"] == "nci_dictionary;nice_cg151"


def test_a_tier_word_does_not_cite_every_guideline_that_uses_the_tier(data_copy):
    # Review finding: "immediately" in a shunt or clot red flag cited NICE CG151 and NG234, which say
    # nothing about shunts or clots.  The tier's words are shared; the row's own sources stand for it.
    rows = _rows(data_copy / "glossary.csv")
    rows[0]["definition"] += " Report it {{tier:immediately}}."
    rows[0]["source_ids"] = "nci_dictionary"
    _write(data_copy / "glossary.csv", rows)
    data.clear_cache()
    assert data.load("glossary").loc[0, "source_ids"] == "nci_dictionary"


def test_a_quiz_read_twice_shows_the_claims_wording_both_times(tmp_path):
    # The second read comes from the "checked before" cache (helpers.cache): it must still resolve.
    quiz = tmp_path / "q.json"
    quiz.write_text(json.dumps({"questions": [{"feedback": "Act {{tier:immediately}}."}]}), encoding="utf-8")
    schema = tmp_path / "schema.json"
    schema.write_text("{}", encoding="utf-8")
    first = data.read_checked_json(quiz, schema, "q.json")
    second = data.read_checked_json(quiz, schema, "q.json")
    assert first == second == {"questions": [{"feedback": "Act immediately."}]}


# -- the whole collection, and what is generated from it -----------------------------------------

def test_no_reader_visible_text_types_a_claim_outside_the_register():
    findings = claims_lint.lint()
    assert not findings, f"{len(findings)} typed claim(s), e.g.:\n" + "\n".join(str(f) for f in findings[:20])


def _narrative_texts() -> list[str]:
    """Texts whose values are case data (quiz prompts, case narrative), resolved as readers see them."""
    out = []
    for place, text, values_allowed in claims_lint.reader_texts():
        if values_allowed:
            out.append(claims.resolve(text, place))
    return out


def test_the_generated_flashcards_and_lms_files_type_no_claim(tmp_path):
    import sys
    import zipfile
    import xml.etree.ElementTree as ET

    sys.path.insert(0, str(ROOT / "tools"))
    import lms  # tools/lms.py
    from helpers.exports import flashcards

    texts = []
    for card in flashcards.notes():
        texts += [(f"flashcard {card.note_id}: {name}", str(getattr(card, name)))
                  for name in ("front", "back") if getattr(card, name, "")]
    for path in lms.build(tmp_path):
        if path.name.startswith("clinical_judgment"):
            continue  # the cases' records are case data; tests/test_judgment_exports.py lints those files
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                members = [(f"{path.name}/{n}", archive.read(n)) for n in archive.namelist() if n.endswith(".xml")]
        else:
            members = [(path.name, path.read_bytes())]
        for name, content in members:
            root = ET.fromstring(content)
            skipped = {id(e) for parent in root.iter() if parent.tag.split("}")[-1] in ("name", "qtimetadata")
                       for e in parent.iter()}  # a question's name is its prompt cut short; metadata are ids
            for element in root.iter():
                if id(element) in skipped:
                    continue
                if element.text and element.text.strip():
                    texts.append((f"{name}: <{element.tag.split('}')[-1]}>", element.text))
    assert len(texts) > 500
    findings = claims_lint.lint_generated(texts, claims_lint.register_renderings(), _narrative_texts())
    assert not findings, f"{len(findings)} typed claim(s) in generated files, e.g.:\n" + \
        "\n".join(str(f) for f in findings[:20])
