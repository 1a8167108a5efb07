"""Every numeric or calculator-backed knowledge-check key is tied to the calculators and to its published value.

Each key is checked twice: against ``helpers.calculators`` (so a key and the
calculator cannot disagree) and against the published value as a literal
(8 Gy x 1 -> BED10 14.4, EQD2(10) 12.0; Mosteller 160 cm / 64 kg -> 1.69 m²;
CTCAE v5.0 166/104 mm Hg -> grade 3 ...), so a key that drifts together with
the code still fails.  The numbers a question's explanation works through
are checked the same way.  A new numeric question fails
:func:`test_every_numeric_key_is_tied_here` until it is added here.
"""

from __future__ import annotations

import re

import pytest

from helpers import calculators as calc
from helpers import cases
from helpers.course import LESSONS
from helpers.data import load
from helpers.quiz import load_quiz

QUESTIONS = {q.id: q for lesson in LESSONS for q in load_quiz(lesson.slug)}


def question(qid: str):
    return QUESTIONS[qid]


def key_text(qid: str) -> str:
    q = question(qid)
    return q.options[q.answer]


def assert_numeric_key(qid: str, computed: float, published: float, wrong: tuple[float, ...] = ()) -> None:
    """The key equals the published value, the calculator agrees within the tolerance, and slips are marked wrong."""
    q = question(qid)
    assert q.type == "numeric", qid
    assert q.answer == pytest.approx(published), (qid, q.answer, published)
    assert abs(computed - q.answer) <= q.tolerance + 1e-9, (qid, computed, q.answer, q.tolerance)
    for slip in wrong:
        assert abs(slip - q.answer) > q.tolerance, (qid, "a common slip would be accepted", slip)


# -- radiation: BED and EQD2 (Fowler 1989) ---------------------------------------------------

def test_eqd2_of_8_gy_in_one_fraction():
    bed10, eqd2_10, eqd2_2 = calc.bed(8, 1, 10), calc.eqd2(8, 1, 10), calc.eqd2(8, 1, 2)
    assert (round(bed10, 1), round(eqd2_10, 1), round(eqd2_2, 1)) == (14.4, 12.0, 20.0)
    # The BED (14.4) or the physical dose (8) given as the EQD2 must be marked wrong.
    assert_numeric_key("eqd2_single_8gy", eqd2_10, 12.0, wrong=(bed10, 8.0, eqd2_2))
    feedback = question("eqd2_single_8gy").feedback
    assert "= 12.0 Gy" in feedback and "14.4 Gy" in feedback and "EQD2 of 20 Gy" in feedback


def test_bed_of_20_gy_in_5_fractions():
    bed10, eqd2_10 = calc.bed(20, 5, 10), calc.eqd2(20, 5, 10)
    assert (round(bed10, 1), round(eqd2_10, 1)) == (28.0, 23.3)
    assert_numeric_key("bed_20gy_5fx", bed10, 28.0, wrong=(eqd2_10, 20.0))
    assert "about 23.3 Gy" in question("bed_20gy_5fx").feedback


def test_the_30_gy_in_10_reference_value():
    """The EQD2 the lessons quote for 30 Gy in 10 fractions (clinical reference, section 16)."""
    assert round(calc.eqd2(30, 10, 10), 1) == 32.5


# -- chemotherapy: ANC (ASCO/IDSA 2018) and BSA (Mosteller 1987) -------------------------------

def test_anc_from_a_white_count_in_thousands():
    computed = calc.anc(2.4, 15, 5, wbc_unit="10^3/uL")
    assert computed == pytest.approx(calc.anc(2400, 15, 5)) == pytest.approx(480.0)
    without_bands = calc.anc(2400, 15, 0)
    assert without_bands == pytest.approx(360.0)
    assert_numeric_key("calculate_anc", computed, 480.0, wrong=(without_bands, 0.48))
    assert calc.neutropenia_severity(computed) == "severe"
    feedback = question("calculate_anc").feedback
    assert "= 480 cells/µL" in feedback and "severe" in feedback
    assert "gives 360" in feedback and "gives 0.48" in feedback


def test_bsa_by_mosteller():
    computed = calc.bsa_mosteller(160, 64)
    assert computed == pytest.approx(1.6865, abs=1e-4)
    # /3131 (the inches-and-pounds constant) with cm and kg is the slip the explanation names.
    slip = (160 * 64 / 3131) ** 0.5
    assert_numeric_key("bsa_mosteller", computed, 1.69, wrong=(slip,))
    feedback = question("bsa_mosteller").feedback
    assert "= 1.69 m²" in feedback
    assert round(150 * computed) == 253 and "about 253 mg" in feedback   # 150 mg/m² x 1.6865 m²


def test_neutropenia_definitions_in_the_explanations_are_the_calculators_bands():
    feedback = question("precaution_threshold").feedback
    assert "below 1500" in feedback and "below 500" in feedback
    assert (calc.neutropenia_severity(1499), calc.neutropenia_severity(1500)) == ("mild", "none")
    assert (calc.neutropenia_severity(499), calc.neutropenia_severity(500)) == ("severe", "moderate")
    assert "ANC is 400 cells/µL" in question("febrile_neutropenia_emergency").prompt
    assert calc.neutropenia_severity(400) == "severe"


# -- targeted therapy: CTCAE v5.0 hypertension ---------------------------------------------------

def test_blood_pressure_key_is_the_ctcae_grade():
    q = question("blood_pressure_grade")
    systolic, diastolic = map(int, re.search(r"(\d+)/(\d+) mm Hg", q.prompt).groups())
    assert (systolic, diastolic) == (166, 104)
    grade = calc.ctcae_hypertension_grade(systolic, diastolic)
    assert grade == 3
    assert key_text("blood_pressure_grade") == f"Grade {grade}" == "Grade 3"
    assert "CTCAE v5.0" in q.prompt
    # The bands the explanation names are the calculator's edges.
    assert "160 or more" in q.feedback and "100 or more" in q.feedback and "120-139/80-89" in q.feedback
    assert [calc.ctcae_hypertension_grade(s, 70) for s in (119, 120, 139, 140, 159, 160)] == [0, 1, 1, 2, 2, 3]
    assert [calc.ctcae_hypertension_grade(110, dbp) for dbp in (79, 80, 89, 90, 99, 100)] == [0, 1, 1, 2, 2, 3]


# -- surgery and cases: SINS (Fisher 2010), ESCC (Bilsky 2010), NOMS (Laufer 2013) -------------

def test_grace_sins_total():
    result = calc.sins("L1", "mechanical", "lytic", "normal", "over_50", "bilateral")
    assert (result.total, result.category) == (14, "unstable")
    # Scoring pain 3/2/1 (a common slip) would not change this total, but scoring L1 as mobile (2) would.
    assert_numeric_key("sins_grace", result.total, 14, wrong=(13, 15))
    feedback = question("sins_grace").feedback
    assert "= 14 out of 18" in feedback and "A total of 13–18 means the spine is unstable" in feedback  # Fisher 2010
    assert (calc.sins_category(12), calc.sins_category(13)) == ("potentially unstable", "unstable")


def test_walter_sins_total():
    result = calc.sins("L2", "mechanical", "lytic", "normal", "under_50", "none")
    assert (result.total, result.category) == (9, "potentially unstable")
    assert result.total == cases.scores("myeloma_vcf").sins.total
    assert_numeric_key("walter_sins_total", result.total, 9, wrong=(8, 10))
    assert "Total 9, in the 7–12 band (potentially unstable)" in question("walter_sins_total").feedback
    assert "His SINS is 9 (potentially unstable)" in question("walter_why_cement").feedback


@pytest.mark.parametrize("qid, grade, stability", [("noms_renal", "3", "stable"), ("pavel_noms", "3", 9)])
def test_radioresistant_high_grade_fit_keys_are_separation_surgery_then_radiosurgery(qid, grade, stability):
    result = calc.noms_pathway(grade, "resistant", stability, True)
    assert result.pathway == "Separation surgery, then SRS"
    key = key_text(qid)
    assert key.startswith("Separation surgery") and key.endswith("then stereotactic radiosurgery")
    for number, option in enumerate(question(qid).options):
        if number != question(qid).answer:
            assert "separation surgery" not in option.lower(), (qid, option)
    assert f"ESCC grade {grade}" in question(qid).prompt


def test_pavel_key_matches_his_case():
    found = cases.scores("renal_hybrid")
    assert (found.escc.grade, found.noms.radiosensitivity, found.sins.category, found.noms.fit_for_surgery) == (
        "3", "resistant", "potentially unstable", True)
    assert found.noms.pathway == "Separation surgery, then SRS"
    assert "a SINS in the 7–12 band" in question("pavel_noms").prompt  # Fisher 2010, rendered from the register


def test_rosa_prompt_states_what_the_noms_illustration_lists():
    found = cases.scores("colorectal_recurrence", "follow_up")
    assert found.noms.pathway == "Open stabilisation, then SRS"
    assert found.sins.category == "unstable"
    q = question("rosa_tool_limits")
    assert "the NOMS illustration lists stabilisation followed by radiosurgery" in q.prompt
    assert "her new SINS is in the unstable band" in q.feedback


def test_escc_high_grade_in_the_explanation_is_the_calculators():
    assert "Grades 2 and 3 are high-grade compression" in question("escc_meaning").feedback
    assert [calc.escc_category(g) for g in ("1c", "2", "3")] == ["borderline", "high", "high"]


# -- numeric keys that no calculator computes: tied to the data row they come from -------------

def test_cafe_disability_fall():
    outcomes = load("augmentation_outcomes").set_index("id")["value"]
    baseline, month = outcomes["cafe2011_kp_rdq_day0"], outcomes["cafe2011_kp_rdq_day30"]
    assert (baseline, month) == (17.6, 9.1)
    # The difference of the group means (8.5) and the trial's paired mean change (8.3) are both accepted.
    assert_numeric_key("cafe_fall", baseline - month, 8.5, wrong=(9.1, 17.6))
    assert abs(8.3 - question("cafe_fall").answer) <= question("cafe_fall").tolerance


@pytest.mark.parametrize("qid", ["days_before_surgery", "rosa_days_before_surgery"])
def test_bevacizumab_days_before_surgery(qid):
    label = load("bevacizumab_surgery_timing").set_index("id").loc["label_before"]
    assert int(label["min_days"]) == 28
    assert_numeric_key(qid, int(label["min_days"]), 28, wrong=(42, 14))


def test_mscc_mri_within_24_hours():
    action = load("mscc_actions").set_index("id").loc["whole_spine_mri"]
    assert str(action["timing"]) == "mscc_mri_neuro_timing"
    assert "always within 24 hours" in load("claims").set_index("id").loc["mscc_mri_neuro_timing", "text"]
    assert_numeric_key("mscc_mri_hours", 24, 24, wrong=(48, 12))


# -- clinical judgment (09): NCSBN's scoring rules (helpers.scoring) ------------------------------------

def test_scoring_rule_keys_are_what_helpers_scoring_gives():
    from helpers import scoring

    keys = [0, 1, 2, 3]  # 4 keyed options among 6
    assert_numeric_key("sata_all_ticked", scoring.plus_minus(keys, range(6))[0], 2, wrong=(4, 0))
    assert_numeric_key("sata_three_right_two_wrong", scoring.plus_minus(keys, [0, 1, 2, 4, 5])[0], 1, wrong=(3, 0))
    assert_numeric_key("bowtie_points", scoring.bowtie([0, 0, 1, 0, 1], [0, 0, 1, 0, 1])[1], 5, wrong=(1, 3))


NUMERIC_KEYS_TESTED = {
    "sata_all_ticked", "sata_three_right_two_wrong", "bowtie_points",
    "eqd2_single_8gy", "bed_20gy_5fx", "calculate_anc", "bsa_mosteller", "sins_grace", "walter_sins_total",
    "cafe_fall", "days_before_surgery", "rosa_days_before_surgery", "mscc_mri_hours",
}


def test_every_numeric_key_is_tied_here():
    numeric = {q.id for q in QUESTIONS.values() if q.type == "numeric"}
    assert numeric == NUMERIC_KEYS_TESTED
