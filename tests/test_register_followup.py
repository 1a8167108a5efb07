"""Issue 18 follow-up: claims the first conversion left typed, tested against the sources' own values.

Each expectation is a literal from the source (Fisher 2010's SINS ranges, CAFE's published means, the
Avastin label's perforation timing, Lee 2013's counts), not the code compared with itself.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from helpers import calculators as calc
from helpers import claims, data, quiz

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def raw(name: str) -> list[dict[str, str]]:
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def raw_json(path: str) -> dict:
    return json.loads((DATA / path).read_text(encoding="utf-8"))


# -- SINS ranges: once, in the register, and the same as the calculator's categories ---------------

@pytest.mark.parametrize("claim_id, literal, category", [
    ("sins_stable_range", "0–6", "stable"),
    ("sins_potentially_unstable_range", "7–12", "potentially unstable"),
    ("sins_unstable_range", "13–18", "unstable"),
])
def test_sins_ranges_are_fishers_and_the_calculators(claim_id, literal, category):
    assert claims.wording(claim_id) == literal  # Fisher 2010: 0-6 stable, 7-12 indeterminate, 13-18 unstable
    low, high = (int(n) for n in literal.split("–"))
    assert calc.sins_category(low) == calc.sins_category(high) == category
    if low > 0:
        assert calc.sins_category(low - 1) != category
    if high < 18:
        assert calc.sins_category(high + 1) != category
    assert claims.wording("sins_surgical_consultation").startswith("a total of 7 or more")


def test_no_reader_text_retypes_a_sins_range():
    # The ranges may appear only as references: every text a reader sees is read as an author wrote it.
    from helpers import claims_lint

    typed = re.compile(r"\b(?:0\s?(?:–|-|to)\s?6|7\s?(?:–|-|to)\s?12|13\s?(?:–|-|to)\s?18)\b")
    found = []
    for place, text, narrative in claims_lint.reader_texts():
        if narrative or place.startswith("src/") or "SINS" not in text and "band" not in text:
            continue  # a client's own story may say where her score falls
        clean = claims.strip_placeholders(claims.strip_markers(text))
        found += [f"{place}: {m.group(0)}" for m in typed.finditer(clean)]
    assert found == []


def test_the_noms_decision_tables_refer_to_the_register():
    reasons = {r["id"]: r["text"] for r in raw("noms_reasons")}
    steps = {r["id"]: r["step"] for r in raw("noms_steps")}
    for text in (*reasons.values(), *steps.values()):
        assert not re.search(r"SINS \d", text), text
        assert "without gross instability" not in text and "Cement alone" not in text, text
    for rid in ("m_stable_unfit", "m_potentially_unstable_unfit"):
        assert "{{ir_cement_role}}" in reasons[rid]
    assert "{{surg_gross_instability_fixation}}" in reasons["m_unstable_unfit"]
    assert "{{surg_patchell_walking}}" in reasons["alt_decompression_moderate"]
    assert reasons["alt_surgery_borderline"] == "{{surg_escc_1c_surgery_option|cap}}."
    # What the calculator shows is the register's wording, Patchell's published figures included.
    result = calc.noms_pathway("2", "moderate", 4, True)
    assert "84% against 57%" in result.alternative and "Patchell 2005" in result.alternative
    unstable = calc.noms_pathway("3", "resistant", 15, False)
    assert "(SINS 13–18)" in unstable.reasoning[2] and "cement alone is not enough" in unstable.reasoning[2]


# -- numbers quoted by a quiz come from the table that holds them --------------------------------

def test_the_cafe_quiz_quotes_the_outcome_rows():
    question = next(q for q in raw_json("quizzes/05_interventional_radiology.json")["questions"] if q["id"] == "cafe_fall")
    for text in (question["prompt"], question["feedback"]):
        assert not re.search(r"\b(?:17\.6|9\.1|18\.2|18\.0|8\.3)\b", text), text
    assert "{{outcome:cafe2011_kp_rdq_day0}}" in question["prompt"] and "{{ir_cafe_paired_change}}" in question["feedback"]
    shown = quiz.load_quiz("05_interventional_radiology")
    cafe = next(q for q in shown if q.id == "cafe_fall")
    # Berenson 2011 (CAFE), abstract: 17.6 to 9.1 with kyphoplasty, 18.2 to 18.0 with non-surgical care.
    assert "17.6 at baseline and 9.1 one month later" in cafe.prompt
    assert "(18.2 at baseline, 18 at the one-month visit)" in cafe.feedback
    assert "8.3 points (95% CI 6.4 to 10.2)" in cafe.feedback


def test_an_outcome_reference_shows_the_tables_value_and_cites_its_source():
    assert claims.wording("outcome:evans2016_kp_pain_day3") == "4.1"
    assert claims.sources_of(claims.references_in("{{outcome:cafe2011_kp_rdq_day0}}")) == ["berenson2011_cafe"]
    with pytest.raises(Exception, match="augmentation_outcomes.csv"):
        claims.wording("outcome:no_such_row")


# -- claims checked against their sources on 2026-12-01 --------------------------------------------

def test_lee_2013_counts_and_the_perforation_timing_are_the_sources():
    assert claims.wording("surg_ependymoma_neuro_decline") == (
        "nerve function was worse after surgery in 36 of 88 people, and 17 had a lasting fall in their McCormick grade")
    stage = next(r for r in raw("case_stages") if r["case_id"] == "ependymoma_young_adult" and r["stage"] == "decision")
    assert "{{surg_ependymoma_neuro_decline}}" in stage["patient_teaching"] and "36" not in stage["patient_teaching"]
    assert claims.wording("bev_perforation_timing") == "most perforations occurred within 50 days of the first dose"
    effect = next(r for r in raw("side_effects") if r["id"] == "bev_gi_perforation")
    assert "first months" not in effect["frequency_note"] and "{{bev_perforation_timing|cap}}" in effect["onset_text"]


def test_recommendations_carry_their_guidelines_own_strength_words():
    gcsf = next(r for r in raw("claims") if r["id"] == "chemo_gcsf_primary_prophylaxis")
    assert gcsf["strength"] == "asco_recommended" and "20%" in gcsf["text"]  # Smith 2015: about 20% or higher
    assert "is recommended" in claims.wording("chemo_gcsf_primary_prophylaxis")
    exercise = claims.wording("supp_exercise_curative_treatment")
    assert "should recommend" in exercise and "curative intent" in exercise  # Ligibel 2022, recommendation 1.1
    texts = " ".join(r["evidence_note"] for r in raw("supportive_care")) + " ".join(r["frequency_note"] for r in raw("side_effects"))
    assert "ASCO recommends" not in texts and "ASCO 2022 also recommends" not in texts


def test_diarrhoea_red_flags_use_ctcae_v5_grade_3():
    assert claims.wording("gen_ctcae_diarrhoea_grade3").startswith("7 or more stools a day")
    for row in raw("side_effects"):
        assert "even or more stools" not in row["red_flags"], row["id"]
    flagged = [r["id"] for r in raw("side_effects") if "{{gen_ctcae_diarrhoea_grade3|cap}}" in r["red_flags"]]
    assert flagged == ["chemo_diarrhoea", "rt_lumbar_diarrhoea", "tt_diarrhoea"]


def test_comparisons_are_left_to_the_cited_numbers():
    # 'higher with denosumab', 'far fewer people', 'usually does not come back': the numbers or a claim say it.
    words = re.compile(r"far fewer|higher with denosumab|lower than with denosumab|does not (?:come back|recur)")
    for name in ("side_effects", "mechanism_groups", "bevacizumab_monitoring"):
        for row in raw(name):
            for field, text in row.items():
                assert not words.search(text or ""), (name, row.get("id"), field)
    low = {r["id"]: r["frequency_note"] for r in raw("side_effects") if r["id"].endswith("low_calcium")}
    assert len(low) == 2 and all(v.startswith("{{bone_hypocalcaemia_trials|cap}}.") for v in low.values()), low
    evidence = {r["id"]: float(r["incidence_high_pct"] or 0) for r in raw("side_effect_evidence")}
    assert evidence["ev_dmab_hypocalcaemia"] > evidence["ev_zol_hypocalcaemia"]  # Body 2015: 12.4% against 5.3%


def test_the_clinical_judgment_rationales_refer_to_the_register():
    tomas = json.dumps(raw_json("judgment/mscc_tomas.json"), ensure_ascii=False)
    assert "builds up with longer treatment" not in tomas and tomas.count("{{steroid_myopathy}}") == 2
    assert "{{mscc_painless_retention" in tomas and "{{mscc_mechanical_pain_instability" in tomas
    joseph = json.dumps(raw_json("judgment/zoledronic_joseph.json"), ensure_ascii=False)
    assert joseph.count("{{bone_zol_kidney_cofactors}}") == 5 and "lowers calcium" not in joseph
    lena = json.dumps(raw_json("judgment/sepsis_lena.json"), ensure_ascii=False)
    assert "is a sign of sepsis" not in lena and lena.count("{{nsepsis_sign}}") == 6
    assert "Stopping a steroid suddenly" not in lena
    mira = json.dumps(raw_json("judgment/bevacizumab_mira.json"), ensure_ascii=False)
    assert "{{bev_half_life}}" in mira
    # The label's kidney risk factors: dehydration, kidney problems, repeated doses, other nephrotoxic drugs.
    cofactors = claims.wording("bone_zol_kidney_cofactors")
    for factor in ("dehydration", "kidney problems before treatment", "repeated doses", "NSAIDs"):
        assert factor in cofactors


def test_patient_teaching_on_spinal_pain_uses_the_register():
    points = {(r["notebook"], r["section"], r["sequence"]): r["text"] for r in raw("teaching_points")}
    for key in (("01_treatment_overview", "patient_teaching", "2"), ("07_side_effects_and_supportive_care", "patient_teaching", "4")):
        assert "{{mscc_pain_report_patient}}" in points[key], key
    assert claims.wording("mscc_pain_report_patient").endswith("urgently, within 24 hours, not at the next routine appointment")


def test_the_cord_compression_role_is_one_claim_in_01_and_08():
    for notebook in ("01_treatment_overview", "08_case_studies"):
        nb = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
        sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
        assert any("<!-- claim:surg_mscc_surgery_or_radiation -->" in s for s in sources), notebook
        assert not any("radiation alone is usual" in claims.strip_markers(s) for s in sources), notebook


# -- goal links (issue 18, domain D's notes) -------------------------------------------------------

def test_intrathecal_chemotherapy_for_solid_tumour_spread_is_not_curative():
    # EANO-ESMO 2023: leptomeningeal metastasis from solid tumours is treated to prolong life with quality, not cure.
    goals = {r["goal_id"] for r in raw("subtype_goals") if r["subtype_id"] == "intrathecal_chemotherapy"}
    assert goals == {"palliation_symptom_relief"}
    scenario = next(r for r in raw("scenarios") if r["id"] == "csf_spread")
    assert "cure is unlikely" in scenario["overall_goal"]


def test_response_monitoring_is_the_imaging_after_an_ir_procedure():
    goal = next(r for r in raw("goals") if r["id"] == "response_monitoring")
    assert "after a procedure such as ablation" in goal["description"]
    link = next(r for r in raw("modality_goals") if r["goal_id"] == "response_monitoring")
    assert link["modality_id"] == "interventional_radiology" and "ryan2022_cirse_ablation" in link["source_ids"]
    assert data.load("goals").set_index("id").loc["response_monitoring", "label"] == "Response monitoring"
