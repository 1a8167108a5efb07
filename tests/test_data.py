"""Tests of the clinical data package (data/) and its loader (helpers.data).

Integrity checks here read the CSV files with the standard library, so they do
not rely on the loader they also test.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data_checklist import CHECKLIST
from helpers import data as d
from helpers.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in PACKAGE["resources"]}

REQUIRED_SOURCE_IDS = [
    "fisher2010_sins", "fourney2011_sins_validation", "bilsky2010_escc", "laufer2013_noms", "nci_ctcae_v5",
    "taplitz2018_asco_idsa", "freifeld2011_idsa", "fowler1989_lq", "mosteller1987_bsa", "dubois1916_bsa",
    "kirkpatrick2010_quantec_cord", "alcorn2024_astro", "sahgal2013_vcf", "sahgal2021_sc24", "ryu2023_rtog0631",
    "nice_ng234", "patchell2005", "berenson2011_cafe", "avastin_uspi", "nci_chemo_and_you", "nci_radiation_and_you",
    "nci_targeted_therapy", "mao2022_sio_asco", "oken1982_ecog",
]

# CTCAE v5.0 terms used in side_effects.csv, each checked against a transcription of v5.0.
CTCAE_V5_TERMS = {
    "Alopecia", "Anemia", "Arachnoiditis", "Arterial thromboembolism", "Cerebrospinal fluid leakage",
    "Creatinine increased", "Cystitis noninfective", "Dermatitis radiation", "Diarrhea", "Dysphagia",
    "Edema limbs", "Esophagitis", "Fatigue", "Febrile neutropenia", "Flu like symptoms", "Headache",
    "Hypertension", "Hypocalcemia", "Infusion related reaction", "Mucositis oral", "Myelitis", "Nausea",
    "Neutrophil count decreased", "Osteonecrosis of jaw", "Pain", "Platelet count decreased",
    "Postoperative hemorrhage", "Proctitis", "Proteinuria", "Reversible posterior leukoencephalopathy syndrome",
    "Spinal fracture", "Fracture", "Thromboembolic event", "White blood cell decreased", "Wound complication", "Wound infection",
}


def read_rows(name: str, folder: Path = DATA) -> list[dict[str, str]]:
    with (folder / RESOURCES[name]["path"]).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def key_of(row: dict[str, str], fields: list[str]) -> tuple[str, ...]:
    return tuple(row[f] for f in fields)


@pytest.fixture(autouse=True)
def _fresh_cache():
    d.clear_cache()
    yield
    d.clear_cache()


# --------------------------------------------------------------------------
# The package as a whole
# --------------------------------------------------------------------------

def test_frictionless_reports_the_package_valid():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(DATA / "datapackage.json"))
    problems = [f"{task.name}: {err.message}" for task in report.tasks for err in task.errors]
    problems += [err.message for err in report.errors]
    assert report.valid, "\n".join(problems[:20])


def test_frictionless_catches_a_broken_foreign_key(tmp_path):
    """Guards the test above: frictionless really checks the foreign keys here."""
    frictionless = pytest.importorskip("frictionless")
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("quizzes"))
    rows = read_rows("side_effects", copy)
    rows[0]["modality_id"] = "not_a_modality"
    write_rows(copy / "side_effects.csv", rows)
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert not report.valid


def test_every_resource_is_a_described_tabular_resource():
    assert PACKAGE["profile"] == "tabular-data-package"
    for r in PACKAGE["resources"]:
        assert r["profile"] == "tabular-data-resource", r["name"]
        assert (DATA / r["path"]).is_file(), r["path"]
        schema = r["schema"]
        assert schema["fields"] and schema["primaryKey"], r["name"]
        for field in schema["fields"]:
            assert field.get("description"), (r["name"], field["name"])
            assert "required" in field.get("constraints", {}), (r["name"], field["name"])
        if r["name"] != "sources":
            assert "source_ids" in [f["name"] for f in schema["fields"]], r["name"]


def test_every_csv_in_data_is_described():
    described = {r["path"] for r in PACKAGE["resources"]}
    on_disk = {p.name for p in DATA.glob("*.csv")}
    assert on_disk == described


def test_categorical_fields_declare_their_allowed_values():
    categorical = {
        ("sources", "type"), ("modalities", "id"), ("modality_subtypes", "category"),
        ("side_effects", "body_system"), ("side_effects", "onset_phase"), ("side_effects", "incidence_status"),
        ("side_effect_evidence", "counts"), ("side_effect_evidence", "per"),
        ("supportive_care", "category"), ("supportive_care", "evidence_strength"),
        ("scenario_modalities", "role"), ("scenario_modalities", "decision"), ("radiation_regimens", "technique"),
        ("emergency_signs", "category"), ("emergency_signs", "stage"),
    }
    for table, field in categorical:
        spec = next(f for f in RESOURCES[table]["schema"]["fields"] if f["name"] == field)
        assert spec["constraints"].get("enum"), (table, field)
    # How fast to act is a tier of the escalation vocabulary (one list: data/escalation_tiers.csv).
    keys = RESOURCES["emergency_signs"]["schema"]["foreignKeys"]
    assert {"fields": ["urgency"], "reference": {"resource": "escalation_tiers", "fields": ["id"]}} in keys


def test_readme_documents_every_table_and_column():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for r in PACKAGE["resources"]:
        section = readme.split(f"### `{r['name']}`", 1)
        assert len(section) == 2, f"README has no section for {r['name']}"
        body = section[1].split("\n### ", 1)[0]
        for field in r["schema"]["fields"]:
            assert f"`{field['name']}`" in body, (r["name"], field["name"])


# --------------------------------------------------------------------------
# Integrity, read independently of helpers.data
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(RESOURCES))
def test_primary_keys_are_unique(name):
    fields = RESOURCES[name]["schema"]["primaryKey"]
    keys = [key_of(row, fields) for row in read_rows(name)]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("name", [n for n, r in RESOURCES.items() if r["schema"].get("foreignKeys")])
def test_foreign_keys_resolve(name):
    rows = read_rows(name)
    for fk in RESOURCES[name]["schema"]["foreignKeys"]:
        target = read_rows(fk["reference"]["resource"])
        allowed = {key_of(t, fk["reference"]["fields"]) for t in target}
        for number, row in enumerate(rows, start=1):
            value = key_of(row, fk["fields"])
            if all(value):
                assert value in allowed, (name, number, fk["fields"], value)


@pytest.mark.parametrize("name", [n for n in RESOURCES if n != "sources"])
def test_every_row_is_cited_with_known_sources(name):
    known = {row["id"] for row in read_rows("sources")}
    for number, row in enumerate(read_rows(name), start=1):
        assert re.fullmatch(r"[a-z0-9_]+(;[a-z0-9_]+)*", row["source_ids"]), (name, number)
        for sid in row["source_ids"].split(";"):
            assert sid in known, (name, number, sid)


def test_required_source_ids_exist_and_every_source_is_cited():
    sources = {row["id"]: row for row in read_rows("sources")}
    for sid in REQUIRED_SOURCE_IDS:
        assert sid in sources, sid
    cited = {sid for name in RESOURCES if name != "sources" for row in read_rows(name)
             for sid in row["source_ids"].split(";")}
    # Kept as the record of a replacement: a superseded source nothing cites any more, and the newer edition of
    # one still cited for a reason (its kept_because says why the older text is used).
    record = {i for i, r in sources.items() if r["superseded_by"] and i not in cited}
    record |= {r["superseded_by"] for r in sources.values() if r["superseded_by"] and r["kept_because"]}
    assert set(sources) - cited - record == set(), "sources that no row cites"


def test_sources_have_public_links_that_look_like_links():
    for row in read_rows("sources"):
        if row["url"]:
            assert re.fullmatch(r"https://\S+", row["url"]), row["id"]
        assert row["citation"] and row["supports"], row["id"]


def test_sub_types_belong_to_the_modality_named_beside_them():
    subtype_modality = {row["id"]: row["modality_id"] for row in read_rows("modality_subtypes")}
    for name in ("side_effects", "scenario_modalities"):
        for row in read_rows(name):
            if row["subtype_id"]:
                assert subtype_modality[row["subtype_id"]] == row["modality_id"], (name, row)


def test_text_that_names_ctcae_names_its_version():
    for name in (n for n in RESOURCES if n != "sources"):
        for row in read_rows(name):
            for column, text in row.items():
                if "CTCAE" in text and column != "term":
                    assert "v5.0" in text or "version 5.0" in text, (name, row.get("id"), column)


def test_ctcae_terms_are_v5_terms():
    for row in read_rows("side_effects"):
        if row["ctcae_term"]:
            assert row["ctcae_term"] in CTCAE_V5_TERMS, (row["id"], row["ctcae_term"])


def test_names_joined_with_commas_contain_no_commas():
    for table, column in (("side_effects", "effect"), ("goals", "label"), ("supportive_care", "name")):
        for row in read_rows(table):
            assert "," not in row[column], (table, row["id"], row[column])


# --------------------------------------------------------------------------
# Content rules
# --------------------------------------------------------------------------

def test_modalities_are_the_five_treatments_then_the_supportive_bone_drugs():
    rows = read_rows("modalities")
    assert [row["id"] for row in rows] == list(d.TEACHING_ORDER)
    assert [row["id"] for row in rows if row["purpose"] == "anti_cancer"] == [
        "surgery", "chemotherapy", "radiation_therapy", "interventional_radiology", "targeted_therapy"]
    assert [row["id"] for row in rows if row["purpose"] == "supportive_care"] == ["bone_modifying_agents"]


def test_invasiveness_levels_are_0_to_4_and_fully_defined():
    rows = read_rows("invasiveness_levels")
    assert [int(r["id"]) for r in rows] == [0, 1, 2, 3, 4]
    for r in rows:
        for column in ("label", "access", "anaesthesia", "setting", "typical_recovery"):
            assert r[column].strip(), (r["id"], column)


def test_required_sub_types_exist_with_honest_categories():
    rows = {r["id"]: r for r in read_rows("modality_subtypes")}
    required = ["open_surgery", "minimally_invasive_surgery", "en_bloc_resection", "separation_surgery",
                "oral_chemotherapy", "intravenous_chemotherapy", "intrathecal_chemotherapy",
                "conventional_ebrt", "stereotactic_sbrt_srs", "craniospinal_whole_spine",
                "image_guided_biopsy", "thermal_ablation", "vertebroplasty", "kyphoplasty", "bevacizumab"]
    for sid in required:
        assert sid in rows, sid
    for sid in ("denosumab", "zoledronic_acid"):
        assert rows[sid]["category"] == "supportive_bone" and rows[sid]["modality_id"] == "bone_modifying_agents"
    assert rows["bevacizumab"]["category"] == "anti_tumour"


def test_radiation_total_dose_is_fractions_times_dose_per_fraction():
    for row in read_rows("radiation_regimens"):
        total = float(row["total_dose_gy"])
        assert math.isclose(total, int(row["fractions"]) * float(row["dose_per_fraction_gy"]), rel_tol=1e-9), row["id"]


def test_required_radiation_regimens_exist():
    rows = {r["id"]: r for r in read_rows("radiation_regimens")}
    wanted = {("conventional_ebrt", 8, 1), ("conventional_ebrt", 20, 5), ("conventional_ebrt", 24, 6),
              ("conventional_ebrt", 30, 10), ("sbrt", 24, 2), ("srs", 16, 1), ("srs", 18, 1), ("sbrt", 27, 3),
              ("sbrt", 30, 5), ("craniospinal", 23.4, 13), ("craniospinal", 36, 20)}
    have = {(r["technique"], float(r["total_dose_gy"]), int(r["fractions"])) for r in rows.values()}
    assert wanted <= have
    for r in rows.values():
        if r["technique"] == "craniospinal":
            assert float(r["dose_per_fraction_gy"]) == 1.8


def test_side_effect_onset_days_are_ordered():
    for row in read_rows("side_effects"):
        lo, hi = row["onset_day_min"], row["onset_day_max"]
        assert bool(lo) == bool(hi), row["id"]
        if lo:
            assert int(lo) <= int(hi), row["id"]


def test_every_spinal_level_has_level_specific_effects():
    levels = {r["id"] for r in read_rows("spinal_levels")}
    used = {r["spinal_level_id"] for r in read_rows("side_effects") if r["spinal_level_id"]}
    assert levels == used


def test_scenarios_cover_the_required_cases_with_ordered_plans():
    scenarios = [r["id"] for r in read_rows("scenarios")]
    for sid in ("localized_primary", "metastatic_cord_compression", "compression_fracture_mechanical_pain",
                "residual_microscopic_disease", "csf_spread", "recurrence_after_treatment"):
        assert sid in scenarios
    plan = read_rows("scenario_modalities")
    for sid in scenarios:
        sequences = sorted(int(r["sequence"]) for r in plan if r["scenario_id"] == sid)
        assert sequences == list(range(1, len(sequences) + 1)), sid
    for r in read_rows("scenarios"):
        assert r["summary"].startswith("Synthetic case"), r["id"]


def test_practice_that_varies_says_what_varies():
    for r in read_rows("supportive_care"):
        if r["practice_varies"] == "true":
            assert r["practice_note"].strip(), r["id"]
        assert r["evidence_note"].strip(), r["id"]


def test_glossary_covers_the_collection_terms():
    terms = " | ".join(r["term"].lower() for r in read_rows("glossary"))
    for word in ("angiogenesis", "monoclonal antibody", "intrathecal", "ommaya reservoir", "cerebrospinal fluid",
                 "en bloc resection", "separation surgery", "vertebroplasty", "kyphoplasty", "nadir", "anc",
                 "neutropenia", "febrile neutropenia", "sbrt", "srs", "fraction", "gy", "bed", "eqd2", "sins",
                 "escc", "noms", "ctcae", "metastatic spinal cord compression", "log-roll", "myelopathy",
                 "ependymoma", "astrocytoma", "chordoma", "adjuvant", "palliative", "radiosensitive"):
        assert word in terms, word
    glossary_terms = [r["term"] for r in read_rows("glossary")]
    assert len(glossary_terms) == len(set(glossary_terms))


def test_teaching_points_match_the_lesson_sections_and_are_ordered():
    from helpers import lesson

    spec = next(f for f in RESOURCES["teaching_points"]["schema"]["fields"] if f["name"] == "section")
    assert tuple(spec["constraints"]["enum"]) == tuple(lesson.SECTIONS)
    groups: dict[tuple[str, str], list[int]] = {}
    for r in read_rows("teaching_points"):
        groups.setdefault((r["notebook"], r["section"]), []).append(int(r["sequence"]))
    for group, sequences in groups.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), group
    for section in ("nursing_considerations", "patient_teaching", "key_points"):
        assert ("01_treatment_overview", section) in groups
        assert len(lesson.points("01_treatment_overview", section).rows) == len(groups[("01_treatment_overview", section)])


@pytest.mark.parametrize("item", CHECKLIST, ids=[c["concept"] for c in CHECKLIST])
def test_seed_concept_is_taught(item):
    frame = d.load(item["table"])
    mask = pd.Series(True, index=frame.index)
    for column, value in item.get("where", {}).items():
        mask &= frame[column].astype(object) == value
    matched = frame[mask]
    assert len(matched), f"no {item['table']} row with {item.get('where')}"
    if "text" in item:
        text = " ".join(" ".join(str(v) for v in row) for row in matched.astype(object).itertuples(index=False))
        assert re.search(item["text"], text, flags=re.IGNORECASE | re.DOTALL), item["text"]


# --------------------------------------------------------------------------
# The loader: types, cache, names
# --------------------------------------------------------------------------

def test_names_lists_every_resource():
    assert d.names() == list(RESOURCES)


def test_unknown_table_lists_the_valid_names():
    with pytest.raises(DataError) as caught:
        d.load("nope")
    message = str(caught.value)
    assert "nope" in message and "side_effects" in message and "sources" in message
    assert "\n" not in message


@pytest.mark.parametrize("name", list(RESOURCES))
def test_every_table_loads_with_all_its_rows(name):
    frame = d.load(name)
    assert list(frame.columns) == [f["name"] for f in RESOURCES[name]["schema"]["fields"]]
    assert len(frame) == len(read_rows(name))


def test_types_follow_the_schema():
    effects = d.load("side_effects")
    assert isinstance(effects["body_system"].dtype, pd.CategoricalDtype)
    assert not effects["body_system"].cat.ordered
    assert effects["onset_phase"].cat.ordered
    assert list(effects["onset_phase"].cat.categories) == ["immediate", "acute", "subacute", "late"]
    assert (effects["onset_phase"] >= "subacute").any()
    assert not effects["incidence_status"].cat.ordered  # a status, not a frequency scale
    assert str(effects["onset_day_min"].dtype) == "Int64"
    assert (effects["subtype_id"] == "").any() and not effects["subtype_id"].isna().any()
    evidence = d.load("side_effect_evidence")
    assert str(evidence["incidence_low_pct"].dtype) == "float64" and evidence["incidence_low_pct"].isna().any()

    care = d.load("supportive_care")
    assert care["practice_varies"].dtype == bool
    assert care["evidence_strength"].cat.ordered
    assert list(care["evidence_strength"].cat.categories)[-1] == "guideline_recommended"

    modalities = d.load("modalities")
    assert modalities["invasiveness_level"].cat.ordered
    assert list(modalities["invasiveness_level"].cat.categories) == [0, 1, 2, 3, 4]
    assert str(d.load("invasiveness_levels")["id"].dtype) == "Int64"
    assert d.load("radiation_regimens")["total_dose_gy"].dtype == "float64"


def test_load_returns_a_copy():
    first = d.load("modalities")
    first.loc[0, "name"] = "changed"
    assert d.load("modalities").loc[0, "name"] == "Surgery"


def test_helpers_data_does_not_import_frictionless():
    code = "import sys; import helpers.data as d; d.load('side_effects'); print('frictionless' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""}, check=True)
    assert result.stdout.strip() == "False"


# --------------------------------------------------------------------------
# The loader on corrupted copies of the data
# --------------------------------------------------------------------------

def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(table: str, row: int, field: str, value: str):
    def corrupt(folder: Path) -> None:
        rows = read_rows(table, folder)
        rows[row - 1][field] = value
        write_rows(folder / RESOURCES[table]["path"], rows)
    return corrupt


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*")) if p.is_file()}


@pytest.fixture
def corrupted_copy(tmp_path, monkeypatch):
    """A copy of data/ that a test may damage; SPINE_DATA_DIR points at it."""
    before = digest(DATA)
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("quizzes"))
    monkeypatch.setenv(d.DATA_DIR_ENV, str(copy))
    d.clear_cache()
    yield copy
    d.clear_cache()
    assert digest(DATA) == before, "the original data files changed"


CORRUPTIONS = [
    # (test id, table to load, corruption, words the message must contain)
    ("bad enum", "side_effects", set_cell("side_effects", 3, "body_system", "kidneys"),
     ["side_effects.csv", "row 3 (line 4", "'body_system'", "'kidneys'", "allowed:", "haematological"]),
    ("unknown source id", "modalities", set_cell("modalities", 2, "source_ids", "nci_chemo_and_you;no_such_source"),
     ["modalities.csv", "row 2 (line 3", "'source_ids'", "'no_such_source'", "sources.csv"]),
    ("broken foreign key", "side_effects", set_cell("side_effects", 5, "modality_id", "surgeryy"),
     ["side_effects.csv", "row 5 (line 6", "'modality_id'", "'surgeryy'", "modalities.csv", "surgery"]),
    ("missing required value", "scenarios", set_cell("scenarios", 1, "title", ""),
     ["scenarios.csv", "row 1 (line 2", "'title'", "required"]),
    ("not a number", "radiation_regimens", set_cell("radiation_regimens", 4, "fractions", "ten"),
     ["radiation_regimens.csv", "row 4 (line 5", "'fractions'", "'ten'", "whole number"]),
    ("out of range", "modality_subtypes", set_cell("modality_subtypes", 2, "invasiveness_level", "7"),
     ["modality_subtypes.csv", "row 2 (line 3", "'invasiveness_level'", "'7'", "maximum 4"]),
    ("bad boolean", "supportive_care", set_cell("supportive_care", 6, "practice_varies", "yes"),
     ["supportive_care.csv", "row 6 (line 7", "'practice_varies'", "'yes'", "true, false"]),
    ("duplicate id", "glossary", set_cell("glossary", 2, "id", "adjuvant"),
     ["glossary.csv", "row 2 (line 3", "'id'", "adjuvant", "unique"]),
    ("spaces around a value", "goals", set_cell("goals", 3, "label", " Adjuvant treatment"),
     ["goals.csv", "row 3 (line 4", "'label'", "spaces"]),
    ("javascript link", "sources", set_cell("sources", 1, "url", "javascript:alert(1)"),
     ["sources.csv", "row 1 (line 2", "'url'", "javascript:alert(1)", "https://"]),
    ("data link", "sources", set_cell("sources", 2, "url", "data:text/html,<script>alert(1)</script>"),
     ["sources.csv", "row 2 (line 3", "'url'", "not a web link"]),
    ("bare DOI", "sources", set_cell("sources", 1, "url", "doi:10.1097/BRS.0b013e3181e16ae2"),
     ["sources.csv", "row 1 (line 2", "'url'", "https://doi.org/"]),
    ("link with markup", "sources", set_cell("sources", 1, "url", 'https://x.org/"><script>'),
     ["sources.csv", "row 1 (line 2", "'url'", "not a web link"]),
    ("broken reference in a link table", "supportive_care_side_effects",
     set_cell("supportive_care_side_effects", 1, "side_effect_id", "no_such_effect"),
     ["supportive_care_side_effects.csv", "row 1 (line 2", "'side_effect_id'", "'no_such_effect'", "side_effects.csv"]),
    # Incidence evidence (side_effect_evidence.csv): the frequency model's numbers.
    ("incidence low above high", "side_effect_evidence", set_cell("side_effect_evidence", 1, "incidence_low_pct", "90"),
     ["side_effect_evidence.csv", "row 1 (line 2", "'incidence_low_pct'", "above incidence_high_pct"]),
    ("incidence above 100%", "side_effect_evidence", set_cell("side_effect_evidence", 2, "incidence_high_pct", "120"),
     ["side_effect_evidence.csv", "row 2 (line 3", "'incidence_high_pct'", "maximum 100"]),
    ("incidence without a locator", "side_effect_evidence", set_cell("side_effect_evidence", 3, "locator", ""),
     ["side_effect_evidence.csv", "row 3 (line 4", "'locator'", "required"]),
    ("quantified side effect without evidence", "side_effect_evidence",
     set_cell("side_effects", 3, "incidence_status", "quantified"),
     ["side_effects.csv", "row 3 (line 4", "'incidence_status'", "no row in side_effect_evidence.csv"]),
    ("evidence for a side effect marked not quantified", "side_effect_evidence",
     set_cell("side_effects", 1, "incidence_status", "not_quantified"),
     ["side_effect_evidence.csv", "row 1 (line 2", "'side_effect_id'", "'not_quantified'"]),
]


@pytest.mark.parametrize("table,corrupt,words", [c[1:] for c in CORRUPTIONS], ids=[c[0] for c in CORRUPTIONS])
def test_corrupted_data_raises_a_one_line_error(corrupted_copy, table, corrupt, words):
    corrupt(corrupted_copy)
    with pytest.raises(DataError) as caught:
        d.load(table)
    message = str(caught.value)
    for word in words:
        assert word in message, (word, message)
    assert "\n" not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__ or caught.value.__context__ is None


def test_every_stored_source_link_is_a_web_link():
    urls = [u for u in d.load("sources")["url"] if u]
    assert urls and all(u.startswith(("https://", "http://")) for u in urls)


def test_missing_file_names_the_path(corrupted_copy):
    (corrupted_copy / "supportive_care.csv").unlink()
    with pytest.raises(DataError) as caught:
        d.load("supportive_care")
    message = str(caught.value)
    assert str(corrupted_copy / "supportive_care.csv") in message and "\n" not in message
    with pytest.raises(DataError):
        d.side_effects_with_care()


def test_missing_package_description_names_the_path(corrupted_copy):
    (corrupted_copy / "datapackage.json").unlink()
    with pytest.raises(DataError) as caught:
        d.names()
    assert "datapackage.json" in str(caught.value)


def test_renamed_column_is_reported_with_the_expected_header(corrupted_copy):
    path = corrupted_copy / "spinal_levels.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("vertebrae", "bones", 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        d.load("spinal_levels")
    message = str(caught.value)
    assert "spinal_levels.csv" in message and "line 1" in message and "vertebrae" in message and "bones" in message


def test_row_with_too_many_values_is_reported(corrupted_copy):
    path = corrupted_copy / "goals.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",extra"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        d.load("goals")
    assert "goals.csv: row 2 (line 3 of the file)" in str(caught.value)


def test_a_bad_source_breaks_tables_that_cite_it(corrupted_copy):
    set_cell("sources", 1, "type", "blog")(corrupted_copy)
    with pytest.raises(DataError) as caught:
        d.load("modality_goals")
    assert "sources.csv" in str(caught.value) and "'type'" in str(caught.value)


def test_environment_variable_switches_folders(corrupted_copy, monkeypatch):
    set_cell("modalities", 1, "name", "Operations")(corrupted_copy)
    assert d.load("modalities").loc[0, "name"] == "Operations"
    monkeypatch.delenv(d.DATA_DIR_ENV)
    d.clear_cache()
    assert d.load("modalities").loc[0, "name"] == "Surgery"


# --------------------------------------------------------------------------
# Join helpers
# --------------------------------------------------------------------------

def test_modality_overview_shape_and_columns():
    overview = d.modality_overview()
    assert list(overview.columns) == ["modality_id", "name", "purpose", "short_description", "goals", "invasiveness_level",
                                      "invasiveness_label", "delivery", "main_side_effects", "n_side_effects",
                                      "source_ids"]
    assert list(overview["modality_id"]) == list(d.TEACHING_ORDER)
    assert overview["invasiveness_level"].dtype == "int64"
    assert overview["n_side_effects"].dtype == "int64"
    effects = d.load("side_effects")
    for row in overview.itertuples():
        assert row.goals
        assert 3 <= len(row.main_side_effects.split(", ")) <= 5
        assert row.n_side_effects == (effects["modality_id"] == row.modality_id).sum()
    assert overview.set_index("modality_id").loc["radiation_therapy", "invasiveness_label"] == "non-invasive"


@pytest.mark.parametrize("scenario_id", [r["id"] for r in read_rows("scenarios")])
def test_scenario_plan(scenario_id):
    plan = d.scenario_plan(scenario_id)
    assert list(plan.columns) == ["sequence", "modality_id", "name", "subtype_id", "subtype_name", "role", "role_id",
                                  "decision", "rationale", "invasiveness_level", "source_ids"]
    assert len(plan) >= 2
    assert list(plan["sequence"]) == sorted(plan["sequence"])
    assert set(plan["role"]) <= set(d.ROLE_LABELS.values())
    assert plan["invasiveness_level"].between(0, 4).all()


def test_scenario_plan_uses_the_sub_type_level():
    plan = d.scenario_plan("compression_fracture_mechanical_pain").set_index("subtype_id")
    assert plan.loc["kyphoplasty", "invasiveness_level"] == 2
    assert plan.loc["kyphoplasty", "role"] == "Stabilising the spine"


def test_unknown_scenario_lists_the_valid_ids():
    with pytest.raises(DataError) as caught:
        d.scenario_plan("cord_compresion")
    assert "csf_spread" in str(caught.value) and "cord_compresion" in str(caught.value)


def test_side_effects_with_care():
    everything = d.side_effects_with_care()
    assert len(everything) == len(read_rows("side_effects"))
    assert {"supportive_care", "n_supportive_care", "modality_name"} <= set(everything.columns)
    row = everything.set_index("id").loc["surg_vte"]
    assert "Prevention of blood clots (VTE prophylaxis)" in row["supportive_care"]
    radiation = d.side_effects_with_care("radiation_therapy")
    assert set(radiation["modality_id"]) == {"radiation_therapy"}
    with pytest.raises(DataError) as caught:
        d.side_effects_with_care("radiotherapy")
    assert "radiation_therapy" in str(caught.value)


def test_side_effect_matrix():
    matrix = d.side_effect_matrix()
    assert list(matrix.index) == list(d.TEACHING_ORDER)
    assert list(matrix.columns) == list(d.load("side_effects")["body_system"].cat.categories)
    # Every row is counted once, under its own group: the bone-modifying drugs are their own row, so
    # targeted therapy's count is exactly its own rows (a hand count of side_effects.csv).
    assert int(matrix.to_numpy().sum()) == len(read_rows("side_effects"))
    for modality in d.TEACHING_ORDER:
        own = [r for r in read_rows("side_effects") if r["modality_id"] == modality]
        assert int(matrix.loc[modality].sum()) == len(own), modality
    assert int(matrix.loc["bone_modifying_agents"].sum()) == 9  # with the fractures after stopping denosumab
    assert not any(r["subtype_id"] in ("denosumab", "zoledronic_acid") for r in read_rows("side_effects")
                   if r["modality_id"] == "targeted_therapy")
    assert all(str(t) == "int64" for t in matrix.dtypes)


def test_cite_formats_and_rejects():
    refs = d.cite("nice_ng234;patchell2005;nice_ng234")
    assert len(refs) == 2 and refs[0].startswith("National Institute for Health and Care Excellence")
    assert refs[0].endswith("https://www.nice.org.uk/guidance/ng234")
    assert d.cite(["patchell2005", "nci_ctcae_v5"])[1].startswith("U.S. Department of Health")
    assert d.cite("") == []
    with pytest.raises(DataError) as caught:
        d.cite("nice_n234")  # a letter missing (ng243 is now as near to ng253 as to ng234)
    assert "nice_ng234" in str(caught.value)


def test_sources_in_collects_ids_in_order():
    ids = d.sources_in(d.load("modalities"))
    assert ids[0] == "nci_surgery" and len(ids) == len(set(ids))
    with pytest.raises(DataError):
        d.sources_in(pd.DataFrame({"x": [1]}))


def test_readme_table_index_lists_every_resource_with_its_row_count():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "tools/data_index.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
