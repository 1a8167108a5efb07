"""The claims of the start and overview lessons (00, 01), their scenarios and the invasiveness scale.

Issue 18 moved the clinical claims these lessons typed into ``data/claims.csv``; the lessons' tables, teaching
points, notes and markdown refer to them.  These tests pin each claim's wording to its source (literal values,
typed here on purpose) and check that the places that used to retype it now refer to it.  They replace the
review-round tests of this domain (``test_clinical_corrections*.py``).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from helpers import claims, claims_lint, data

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def raw(table: str) -> list[dict[str, str]]:
    """Rows as written in the file (placeholders not yet replaced)."""
    with open(DATA / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def claim(claim_id: str) -> dict[str, str]:
    return next(r for r in raw("claims") if r["id"] == claim_id)


def ids(row: dict[str, str]) -> set[str]:
    return set(row["source_ids"].split(";"))


def point(section: str, sequence: int) -> str:
    """One teaching point of 01 as written in the file."""
    return next(r["text"] for r in raw("teaching_points") if r["notebook"] == "01_treatment_overview"
                and r["section"] == section and r["sequence"] == str(sequence))


def shown_point(section: str, sequence: int) -> str:
    """The same point as a reader sees it (placeholders replaced)."""
    points = data.load("teaching_points")
    row = points[(points["notebook"] == "01_treatment_overview") & (points["section"] == section)
                 & (points["sequence"].astype(int) == sequence)]
    return str(row["text"].iloc[0])


def cells(path: Path) -> dict[str, str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return {c["id"]: "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"}


def markdown(path: Path) -> str:
    return "\n".join(cells(path).values())


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.;:!?])\s+", " ".join(text.split()))


# -- where spinal metastases are, and where they come from ------------------------------------------

def test_the_thoracic_spine_is_the_commonest_site_in_one_claim_from_byrne():
    row = claim("gen_mscc_site_distribution")
    # Byrne 1992 (N Engl J Med 327:614): about 70% thoracic, 20% lumbosacral, 10% cervical.
    for share in ("thoracic spine (about 70%)", "lumbar and sacral spine (about 20%)", "cervical spine (about 10%)"):
        assert share in row["text"]
    assert ids(row) == {"byrne1992_escc"} and row["kind"] == "frequency"
    assert "{{gen_mscc_site_distribution}}" in point("key_points", 7)
    assert "thoracic spine (about 70%)" in shown_point("key_points", 7)
    overview = cells(ROOT / "notebooks" / "01_treatment_overview.ipynb")["c006"]
    assert "<!-- claim:gen_mscc_site_distribution -->most often in the thoracic spine (about 70%)" in overview


def test_no_text_of_01_retypes_the_shares():
    texts = [r["text"] for r in raw("teaching_points") if r["notebook"] == "01_treatment_overview"]
    texts.append(markdown(ROOT / "notebooks" / "01_treatment_overview.ipynb"))
    for text in texts:
        assert "70%" not in claims.strip_markers(text), text[:120]


def test_metastases_outnumber_primary_spinal_tumours():
    row = claim("gen_spine_cancer_origin")
    assert row["text"].startswith("far more often metastatic than primary")  # Byrne 1992, abstract
    for cancer in ("breast", "lung", "prostate"):
        assert cancer in row["text"]
    overview = cells(ROOT / "notebooks" / "01_treatment_overview.ipynb")["c006"]
    assert "It is <!-- claim:gen_spine_cancer_origin -->far more often metastatic" in overview


# -- cord compression: how fast to act, steroids and MRI -------------------------------------------

def test_the_cord_compression_scenario_escalates_in_the_nice_tier():
    scenario = next(r for r in raw("scenarios") if r["id"] == "metastatic_cord_compression")
    assert "{{mscc_neuro_escalation}}" in scenario["overall_goal"]
    shown = data.load("scenarios").set_index("id").loc["metastatic_cord_compression", "overall_goal"]
    # NICE NG234: neurological symptoms or signs -> contact the MSCC coordinator immediately.
    assert "MSCC coordinator" in shown and "immediately" in shown and "oncological emergency" in shown


def test_the_cord_compression_key_point_refers_to_the_nice_claims():
    text = point("key_points", 6)
    for ref in ("{{mscc_neuro_escalation}}", "{{mscc_dexamethasone_dose}}", "{{mscc_mri_neuro_timing}}"):
        assert ref in text
    shown = shown_point("key_points", 6)
    # NICE NG234 1.8.1 and 1.4: dexamethasone 16 mg as soon as possible; whole-spine MRI within 24 hours.
    assert "immediately" in shown and "16 mg" in shown and "within 24 hours" in shown


def test_the_dexamethasone_policy_note_shows_the_claims_dose():
    notes = json.loads((DATA / "instructor" / "01_treatment_overview.json").read_text(encoding="utf-8"))
    note = next(n for n in notes["local_policy"] if n.startswith("Dexamethasone"))
    assert "{{mscc_dexamethasone_dose}}" in note and "16 mg" not in note



# -- claims of other domains that 01 shows ---------------------------------------------------------

def test_the_fracture_question_gives_open_or_percutaneous_fixation_for_gross_instability():
    from helpers.quiz import load_quiz

    question = next(q for q in load_quiz("01_treatment_overview") if q.id == "least_invasive_for_fracture")
    # Laufer 2013 (NOMS): gross instability needs fixation, open or percutaneous in someone unfit for open surgery.
    assert "percutaneous" in question.feedback and "cement alone is not enough" in question.feedback
    assert "reserved" not in question.feedback


def test_the_patient_is_taught_to_act_immediately_after_cement_and_with_neurological_signs():
    cement = shown_point("patient_teaching", 6)
    assert "chest pain or sudden breathlessness, call emergency services immediately" in cement
    warning = shown_point("patient_teaching", 2)
    # NICE NG234: neurological symptoms immediately; spinal pain alone within 24 hours.
    assert "urgently, within 24 hours" in warning and "Weakness, numbness" in warning
    assert warning.index("within 24 hours") < warning.index("immediately")


def test_bevacizumab_and_cement_risks_in_01_come_from_the_register():
    assert "{{bev_stop_before_surgery}}" in point("nursing_considerations", 5)
    # The Avastin label: stop at least 28 days before elective surgery.
    assert "at least 28 days before elective surgery" in shown_point("nursing_considerations", 5)
    notes = (DATA / "instructor" / "01_treatment_overview.json").read_text(encoding="utf-8")
    assert "{{band:vp_cement_embolism}}" in notes and "{{band:vp_cement_in_canal}}" in notes
    assert not re.search(r"\brarely\b|\b28 days\b", notes)

# -- the invasiveness scale (moved from test_clinical_corrections_b.py) ------------------------------

def test_level_one_is_systemic_medicine_and_minimally_invasive_means_levels_two_and_three():
    labels = {int(r["id"]): r["label"].lower() for r in raw("invasiveness_levels")}
    assert labels[1].startswith("systemic medicine")
    assert [k for k, v in labels.items() if "minimally invasive" in v] == [2, 3]
    glossary = {r["id"]: r["definition"] for r in raw("glossary")}
    assert "level 2" in glossary["minimally_invasive"] and "level 3" in glossary["minimally_invasive"]


def test_tablets_and_drips_are_never_called_minimally_invasive():
    texts = [(f"data/{p.name}", p.read_text(encoding="utf-8")) for p in DATA.glob("*.csv") if p.name != "sources.csv"]
    texts += [(p.name, markdown(p)) for p in NOTEBOOKS]
    for where, text in texts:
        for sentence in sentences(text):
            lower = sentence.lower()
            if "minimally invasive" in lower and re.search(r"tablet|drip|oral|infusion|intravenous", lower):
                assert re.search(r"\bnot\b", lower), f"{where}: {sentence[:160]}"


def test_the_shorter_stay_of_level_three_is_the_pooled_result_it_cites():
    level = next(r for r in raw("invasiveness_levels") if r["id"] == "3")
    assert "shorter hospital stay" in level["setting"] and "hinojosa2022_mis_meta" in ids(level)
    stay = next(r for r in raw("surgical_approach_comparison") if r["id"] == "hospital_stay")
    # Hinojosa-Gonzalez 2022: mean difference -3.08 days (95% CI -4.50 to -1.66), favouring minimally invasive.
    assert (stay["estimate"], stay["ci_low"], stay["ci_high"]) == ("-3.08", "-4.50", "-1.66")
    assert stay["favours"] == "minimally_invasive"


# -- the lint finds nothing in this domain's files ------------------------------------------------------

DOMAIN_D = ("notebooks/00_start_here", "notebooks/01_treatment_overview", "data/quizzes/00_", "data/quizzes/01_",
            "data/instructor/00_", "data/instructor/01_", "data/scenarios.csv", "data/scenario_modalities.csv",
            "data/goals.csv", "data/modality_goals.csv", "data/subtype_goals.csv", "data/invasiveness_levels.csv")


def test_the_lint_finds_no_typed_claim_in_the_start_and_overview_lessons():
    notebooks = [r["notebook"] for r in raw("teaching_points")]
    found = []
    for finding in claims_lint.lint():
        if finding.place.startswith("data/teaching_points.csv"):
            number = int(re.search(r"row (\d+) ", finding.place).group(1))
            if notebooks[number - 1] in ("00_start_here", "01_treatment_overview"):
                found.append(str(finding))
        elif finding.place.startswith(DOMAIN_D):
            found.append(str(finding))
    assert found == []


# -- sources name their exact edition and what replaced them ---------------------------------------------

def test_ctcae_v6_is_named_and_v5_says_why_it_is_kept():
    sources = {r["id"]: r for r in raw("sources")}
    v5, v6 = sources["nci_ctcae_v5"], sources["nci_ctcae_v6"]
    assert "27 November 2017" in v5["edition"] and "22 July 2025" in v6["edition"]  # NCI's publication dates
    assert v5["superseded_by"] == "nci_ctcae_v6" and "re-checking every grade" in v5["kept_because"]
    glossary = next(r for r in raw("glossary") if r["id"] == "ctcae")
    assert "version 6.0" in glossary["definition"] and "nci_ctcae_v6" in ids(glossary)


def test_no_source_other_than_a_label_gives_only_its_year():
    for row in raw("sources"):
        if row["type"] == "drug_label":
            continue  # drug labels: their revision month (domain C)
        edition = row["edition"]
        assert not re.fullmatch(r"published \d{4}", edition), row["id"]
        assert "as read for this collection" not in edition or "not" in edition, row["id"]


def test_guidelines_replaced_since_they_were_cited_are_named():
    sources = {r["id"]: r for r in raw("sources")}
    # Checked 2026-12-01: ASTRO 2024 (Alcorn), ASCO VTE 2023 (Key), EANO-ESMO 2023 (Le Rhun), ASRA 5th edition 2025
    # (Kopp), ASCO-ONS standards 2024 (Siegel): each old row names its successor, and the successor its edition.
    replaced = {"lutz2017_astro": ("alcorn2024_astro", "22 May 2024"), "key2020_asco_vte": ("key2023_asco_vte", "2023"),
                "lerhun2017_eano_esmo": ("lerhun2023_eano_esmo", "2023"), "horlocker2018_asra": ("kopp2025_asra", "fifth edition"),
                "neuss2016_asco_ons": ("siegel2024_asco_ons", "2024")}
    for old, (new, edition) in replaced.items():
        assert sources[old]["superseded_by"] == new, old
        assert edition in sources[new]["edition"] and not sources[new]["superseded_by"], new
