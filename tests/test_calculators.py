"""Behaviour tests for helpers.calculators.

Expected values are written from the published definitions (Fisher 2010 SINS,
Bilsky 2010 ESCC, Laufer 2013 NOMS, CTCAE v5.0, ASCO/IDSA neutropenia bands,
Fowler 1989 LQ formulas, Mosteller 1987 and DuBois 1916) as literals, not
copied from the code under test.  The plausible ranges of the inputs are the
ones justified in ``helpers/calculators/_inputs.py`` and each scale module.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpers import calculators as calc
from helpers import data as d
from helpers.calculators import CalculatorInputError, InputError
from helpers.errors import DataError

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------
# SINS
# --------------------------------------------------------------------------

SINS_CHOICES = {
    "location": {"junctional": 3, "mobile": 2, "semirigid": 1, "rigid": 0},
    "pain": {"mechanical": 3, "occasional": 1, "none": 0},
    "bone_lesion": {"lytic": 2, "mixed": 1, "blastic": 0},
    "alignment": {"subluxation": 4, "deformity": 2, "normal": 0},
    "collapse": {"over_50": 3, "under_50": 2, "involved_no_collapse": 1, "none": 0},
    "posterolateral": {"bilateral": 3, "unilateral": 1, "none": 0},
}
SINS_ARGS = tuple(SINS_CHOICES)
STABLE_ARGS = dict(
    location="rigid", pain="none", bone_lesion="blastic",
    alignment="normal", collapse="none", posterolateral="none",
)


def sins_of(**changes):
    return calc.sins(**{**STABLE_ARGS, **changes})


def test_sins_minimum_is_zero_and_stable():
    r = sins_of()
    assert r.total == 0
    assert r.category == "stable"
    assert r.surgical_consultation is False


def test_sins_maximum_is_eighteen_and_unstable():
    r = calc.sins("junctional", "mechanical", "lytic", "subluxation", "over_50", "bilateral")
    assert r.total == 18
    assert r.category == "unstable"
    assert r.surgical_consultation is True
    assert r.points == {
        "location": 3, "pain": 3, "bone_lesion": 2,
        "alignment": 4, "collapse": 3, "posterolateral": 3,
    }


def test_sins_pain_is_3_1_0_not_3_2_1():
    assert sins_of(pain="mechanical").points["pain"] == 3
    assert sins_of(pain="occasional").points["pain"] == 1
    assert sins_of(pain="none").points["pain"] == 0


@pytest.mark.parametrize("component", SINS_ARGS)
def test_sins_every_finding_scores_its_published_points(component):
    for value, points in SINS_CHOICES[component].items():
        r = sins_of(**{component: value})
        assert r.points[component] == points
        assert r.total == points


# Totals 6/7 and 12/13 built from explicit components.
@pytest.mark.parametrize(
    "args, total, category, consult",
    [
        # 3 + 3 + 0 + 0 + 0 + 0 = 6
        (dict(location="junctional", pain="mechanical"), 6, "stable", False),
        # 3 + 3 + 1 + 0 + 0 + 0 = 7
        (dict(location="junctional", pain="mechanical", bone_lesion="mixed"), 7,
         "potentially unstable", True),
        # 3 + 3 + 2 + 4 + 0 + 0 = 12
        (dict(location="junctional", pain="mechanical", bone_lesion="lytic",
              alignment="subluxation"), 12, "potentially unstable", True),
        # 3 + 3 + 2 + 4 + 1 + 0 = 13
        (dict(location="junctional", pain="mechanical", bone_lesion="lytic",
              alignment="subluxation", collapse="involved_no_collapse"), 13, "unstable", True),
    ],
)
def test_sins_category_boundaries(args, total, category, consult):
    r = sins_of(**args)
    assert r.total == total
    assert r.category == category
    assert r.surgical_consultation is consult


def test_sins_category_for_every_total():
    for total in range(0, 19):
        expected = "stable" if total <= 6 else "potentially unstable" if total <= 12 else "unstable"
        assert calc.sins_category(total) == expected


def test_sins_all_combinations_total_is_sum_of_points_and_in_range():
    seen_totals = set()
    for combo in itertools.product(*(SINS_CHOICES[a] for a in SINS_ARGS)):
        kwargs = dict(zip(SINS_ARGS, combo))
        r = calc.sins(**kwargs)
        expected = sum(SINS_CHOICES[a][v] for a, v in kwargs.items())
        assert r.total == expected == sum(r.points.values())
        assert 0 <= r.total <= 18
        assert r.surgical_consultation == (r.total >= 7)
        seen_totals.add(r.total)
    assert seen_totals == set(range(19))


def test_sins_more_severe_finding_never_lowers_total():
    # Ordered from least to most severe for each component.
    for component in SINS_ARGS:
        ordered = sorted(SINS_CHOICES[component], key=SINS_CHOICES[component].get)
        for base in itertools.product(*(SINS_CHOICES[a] for a in SINS_ARGS)):
            kwargs = dict(zip(SINS_ARGS, base))
            totals = [calc.sins(**{**kwargs, component: v}).total for v in ordered]
            assert totals == sorted(totals)


def test_sins_explanation_states_total_band_points_and_advice():
    """Whole sentence pinned: its bands are Fisher 2010's 0-6 / 7-12 / 13-18."""
    r = sins_of(location="junctional", pain="mechanical", bone_lesion="mixed")
    assert r.explanation == (
        "SINS 7 out of 18: potentially unstable (7–12). Points: location 3 (junctional), pain 3 (mechanical), "
        "bone lesion 1 (mixed), alignment 0 (normal), vertebral body collapse 0 (none), posterolateral "
        "involvement 0 (none). A total of 7 or more means a spine surgeon should be asked to assess stability "
        "(surgical consultation)."
    )
    assert sins_of().explanation.startswith("SINS 0 out of 18: stable (0–6). ")
    assert sins_of().explanation.endswith(
        "A total of 0–6 is considered stable; no surgical consultation is needed for stability.")
    assert calc.sins("junctional", "mechanical", "lytic", "subluxation", "over_50", "bilateral").explanation \
        .startswith("SINS 18 out of 18: unstable (13–18). ")
    assert r.source_ids == "fisher2010_sins;fourney2011_sins_validation"


@pytest.mark.parametrize(
    "level, region",
    [
        ("occiput", "junctional"), ("C1", "junctional"), ("C2", "junctional"),
        ("C3", "mobile"), ("C4", "mobile"), ("C6", "mobile"), ("C7", "junctional"),
        ("T1", "junctional"), ("T2", "junctional"), ("T3", "semirigid"),
        ("T7", "semirigid"), ("T10", "semirigid"), ("T11", "junctional"),
        ("T12", "junctional"), ("L1", "junctional"), ("L2", "mobile"),
        ("L3", "mobile"), ("L4", "mobile"), ("L5", "junctional"),
        ("S1", "junctional"), ("S2", "rigid"), ("S3", "rigid"), ("S5", "rigid"),
    ],
)
def test_sins_region_of_each_level(level, region):
    assert calc.sins_region(level) == region
    assert calc.sins_region(level.lower()) == region
    r = sins_of(location=level)
    assert r.points["location"] == SINS_CHOICES["location"][region]


def test_sins_region_covers_every_valid_level():
    levels = ([f"C{i}" for i in range(1, 8)] + [f"T{i}" for i in range(1, 13)]
              + [f"L{i}" for i in range(1, 6)] + [f"S{i}" for i in range(1, 6)])
    assert len(levels) == 29
    for level in levels:
        assert calc.sins_region(level) in {"junctional", "mobile", "semirigid", "rigid"}


def test_sins_accepts_case_insensitive_words_and_levels():
    assert calc.sins("t12", "Mechanical", "LYTIC", "normal", "Under_50", "none").total == 3 + 3 + 2 + 2
    assert calc.sins("Junctional", "none", "blastic", "normal", "none", "none").total == 3


@pytest.mark.parametrize("bad", ["T13", "L6", "C0", "C8", "S6", "X1", "", "T", "12", "coccyx"])
def test_sins_region_rejects_invalid_levels(bad):
    with pytest.raises(InputError, match="level"):
        calc.sins_region(bad)
    with pytest.raises(InputError, match="location"):
        sins_of(location=bad)


@pytest.mark.parametrize("component", SINS_ARGS)
def test_sins_unknown_word_lists_valid_ones(component):
    with pytest.raises(InputError) as info:
        sins_of(**{component: "severe-ish"})
    message = str(info.value)
    assert component in message
    for valid in SINS_CHOICES[component]:
        assert valid in message
    assert "\n" not in message


def test_sins_pain_3_2_1_word_yes_is_rejected():
    with pytest.raises(InputError, match="pain"):
        sins_of(pain="yes")


@pytest.mark.parametrize("component", SINS_ARGS)
@given(bad=st.one_of(st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
                     st.lists(st.text(max_size=3), max_size=2)))
def test_sins_non_text_always_raises_naming_argument(component, bad):
    with pytest.raises(InputError, match=component):
        sins_of(**{component: bad})


@given(word=st.text(max_size=12))
def test_sins_random_text_either_scores_or_raises_input_error(word):
    try:
        r = sins_of(pain=word)
    except InputError as exc:
        assert "pain" in str(exc)
    else:
        assert word.strip().lower() in SINS_CHOICES["pain"]
        assert r.total in (0, 1, 3)


def test_sins_result_is_frozen():
    r = sins_of()
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'total'"):
        r.total = 5


def test_sins_reference_is_the_published_table():
    """Fisher et al. 2010, Table 1: every finding and its points (pain 3/1/0; alignment 4/2/0)."""
    df = calc.sins_reference()
    assert list(df.columns) == ["component", "finding", "argument_value", "points"]
    assert [tuple(r) for r in df[["component", "argument_value", "points"]].itertuples(index=False)] == [
        ("location", "junctional", 3), ("location", "mobile", 2), ("location", "semirigid", 1),
        ("location", "rigid", 0),
        ("pain", "mechanical", 3), ("pain", "occasional", 1), ("pain", "none", 0),
        ("bone_lesion", "lytic", 2), ("bone_lesion", "mixed", 1), ("bone_lesion", "blastic", 0),
        ("alignment", "subluxation", 4), ("alignment", "deformity", 2), ("alignment", "normal", 0),
        ("collapse", "over_50", 3), ("collapse", "under_50", 2), ("collapse", "involved_no_collapse", 1),
        ("collapse", "none", 0),
        ("posterolateral", "bilateral", 3), ("posterolateral", "unilateral", 1), ("posterolateral", "none", 0),
    ]
    findings = dict(zip(df["argument_value"] + "/" + df["component"], df["finding"]))
    assert findings["junctional/location"] == "Junctional (occiput–C2, C7–T2, T11–L1, L5–S1)"
    assert findings["mobile/location"] == "Mobile spine (C3–C6, L2–L4)"
    assert findings["semirigid/location"] == "Semirigid (T3–T10)"
    assert findings["rigid/location"] == "Rigid (S2–S5)"
    assert findings["over_50/collapse"] == "More than 50% collapse of the vertebral body"
    assert findings["involved_no_collapse/collapse"] == "No collapse, but more than 50% of the body involved"


# --------------------------------------------------------------------------
# ESCC
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "grade, category",
    [("0", "low"), ("1a", "low"), ("1b", "low"), ("1c", "borderline"),
     ("2", "high"), ("3", "high"), ("1A", "low"), ("1C", "borderline"),
     (0, "low"), (2, "high"), (3, "high")],
)
def test_escc_category_each_grade(grade, category):
    assert calc.escc_category(grade) == category
    assert calc.escc_assessment(grade).category == category


@pytest.mark.parametrize("grade", [1, "1"])
def test_escc_grade_1_must_be_subdivided(grade):
    with pytest.raises(InputError, match="1a, 1b or 1c"):
        calc.escc_category(grade)


@pytest.mark.parametrize("bad", [4, -1, "4", "1d", "high", "", None, True, False, 2.0, float("nan"), [2]])
def test_escc_rejects_bad_grades(bad):
    with pytest.raises(InputError, match="grade"):
        calc.escc_category(bad)


def test_escc_reference_is_the_published_scale():
    """Bilsky et al. 2010: six grades; low 0-1b, 1c borderline, high 2-3; read on axial T2 MRI."""
    df = calc.escc_reference()
    assert list(df.columns) == ["grade", "definition", "category"]
    assert df.values.tolist() == [
        ["0", "Tumour confined to bone (no epidural tumour).", "low"],
        ["1a", "Tumour in the epidural space, without deforming the thecal sac.", "low"],
        ["1b", "Thecal sac deformed by tumour, without touching (abutting) the spinal cord.", "low"],
        ["1c", "Thecal sac deformed and the tumour abuts (touches) the spinal cord, without compressing it.",
         "borderline"],
        ["2", "Spinal cord compressed, with CSF still visible around the cord.", "high"],
        ["3", "Spinal cord compressed, with no CSF visible around the cord.", "high"],
    ]
    assert calc.ESCC_GRADING_NOTE == "Graded on axial T2-weighted MRI at the level of worst compression."


def test_escc_assessment_adds_the_grading_rule_and_the_reason():
    a = calc.escc_assessment("1c")
    assert a.definition == ("Thecal sac deformed and the tumour abuts (touches) the spinal cord, without "
                            "compressing it. Graded on axial T2-weighted MRI at the level of worst compression.")
    assert a.reason.startswith("Borderline: experts disagree on grade 1c; options include high-dose SRS")
    assert calc.escc_assessment("2").reason.startswith("High grade: the cord is compressed; unless the tumour is "
                                                       "very radiosensitive")
    assert calc.escc_assessment("1b").reason.startswith("Low grade:")
    assert calc.escc_assessment("2").source_ids == "bilsky2010_escc"
    assert calc.escc_assessment("1B").grade == "1b"


# --------------------------------------------------------------------------
# NOMS: the decision table, row by row (Laufer 2013; clinical-reference section 3)
# --------------------------------------------------------------------------

#: Every step the illustration can list, word for word.
STEP = {
    "separation": "Separation surgery: decompression of the spinal cord (stabilisation only if needed)",
    "separation_decides": "Separation surgery: decompression of the spinal cord; the surgeon decides whether to "
                          "stabilise (SINS 7–12)",
    "separation_fixed": "Separation surgery: decompression of the spinal cord with stabilisation (instrumented "
                        "fixation)",
    "open": "Open surgical stabilisation of the spine",
    "percutaneous_fixation": "Percutaneous fixation (screws and rods placed through small incisions), where feasible",
    "consult": "Spine surgery consultation about stability (SINS 7–12) before radiation",
    "percutaneous_where_needed": "Spine surgeon reviews stability (SINS 7–12): percutaneous stabilisation only "
                                 "where needed",
    "cebrt": "Conventional external beam radiotherapy (cEBRT)",
    "srs": "Stereotactic radiosurgery (SRS), high dose",
    "srs_after": "Stereotactic radiosurgery (SRS) after the surgery (hybrid therapy)",
}
#: The one-line pathway for each sequence of steps.
PATHWAY = {
    ("cebrt",): "cEBRT",
    ("srs",): "SRS",
    ("consult", "cebrt"): "Surgical consultation, then cEBRT",
    ("consult", "srs"): "Surgical consultation, then SRS",
    ("percutaneous_where_needed", "cebrt"): "Percutaneous stabilisation where needed, then cEBRT",
    ("percutaneous_where_needed", "srs"): "Percutaneous stabilisation where needed, then SRS",
    ("open", "cebrt"): "Open stabilisation, then cEBRT",
    ("open", "srs"): "Open stabilisation, then SRS",
    ("percutaneous_fixation", "cebrt"): "Percutaneous fixation where feasible, then cEBRT",
    ("percutaneous_fixation", "srs"): "Percutaneous fixation where feasible, then SRS",
    ("separation", "srs_after"): "Separation surgery, then SRS",
    ("separation_decides", "srs_after"): "Separation surgery, then SRS",
    ("separation_fixed", "srs_after"): "Separation surgery, then SRS",
}
# The whole decision table, written out from the rules: radiosensitive (and, in this illustration,
# moderately sensitive) -> cEBRT at any ESCC grade; radioresistant without high-grade compression
# (including the borderline 1c) -> SRS; radioresistant with high-grade compression -> separation surgery
# then SRS if fit, cEBRT if not; SINS 7-12 -> a surgeon's opinion first (percutaneous stabilisation where
# needed if unfit); SINS 13-18 -> stabilisation first (open if fit, percutaneous fixation if not).
NOMS_TABLE = """
low        sensitive  stable                fit    cebrt
low        sensitive  stable                unfit  cebrt
low        sensitive  potentially_unstable  fit    consult cebrt
low        sensitive  potentially_unstable  unfit  percutaneous_where_needed cebrt
low        sensitive  unstable              fit    open cebrt
low        sensitive  unstable              unfit  percutaneous_fixation cebrt
low        moderate   stable                fit    cebrt
low        moderate   stable                unfit  cebrt
low        moderate   potentially_unstable  fit    consult cebrt
low        moderate   potentially_unstable  unfit  percutaneous_where_needed cebrt
low        moderate   unstable              fit    open cebrt
low        moderate   unstable              unfit  percutaneous_fixation cebrt
low        resistant  stable                fit    srs
low        resistant  stable                unfit  srs
low        resistant  potentially_unstable  fit    consult srs
low        resistant  potentially_unstable  unfit  percutaneous_where_needed srs
low        resistant  unstable              fit    open srs
low        resistant  unstable              unfit  percutaneous_fixation srs
borderline sensitive  stable                fit    cebrt
borderline sensitive  stable                unfit  cebrt
borderline sensitive  potentially_unstable  fit    consult cebrt
borderline sensitive  potentially_unstable  unfit  percutaneous_where_needed cebrt
borderline sensitive  unstable              fit    open cebrt
borderline sensitive  unstable              unfit  percutaneous_fixation cebrt
borderline moderate   stable                fit    cebrt
borderline moderate   stable                unfit  cebrt
borderline moderate   potentially_unstable  fit    consult cebrt
borderline moderate   potentially_unstable  unfit  percutaneous_where_needed cebrt
borderline moderate   unstable              fit    open cebrt
borderline moderate   unstable              unfit  percutaneous_fixation cebrt
borderline resistant  stable                fit    srs
borderline resistant  stable                unfit  srs
borderline resistant  potentially_unstable  fit    consult srs
borderline resistant  potentially_unstable  unfit  percutaneous_where_needed srs
borderline resistant  unstable              fit    open srs
borderline resistant  unstable              unfit  percutaneous_fixation srs
high       sensitive  stable                fit    cebrt
high       sensitive  stable                unfit  cebrt
high       sensitive  potentially_unstable  fit    consult cebrt
high       sensitive  potentially_unstable  unfit  percutaneous_where_needed cebrt
high       sensitive  unstable              fit    open cebrt
high       sensitive  unstable              unfit  percutaneous_fixation cebrt
high       moderate   stable                fit    cebrt
high       moderate   stable                unfit  cebrt
high       moderate   potentially_unstable  fit    consult cebrt
high       moderate   potentially_unstable  unfit  percutaneous_where_needed cebrt
high       moderate   unstable              fit    open cebrt
high       moderate   unstable              unfit  percutaneous_fixation cebrt
high       resistant  stable                fit    separation srs_after
high       resistant  stable                unfit  cebrt
high       resistant  potentially_unstable  fit    separation_decides srs_after
high       resistant  potentially_unstable  unfit  percutaneous_where_needed cebrt
high       resistant  unstable              fit    separation_fixed srs_after
high       resistant  unstable              unfit  percutaneous_fixation cebrt
"""
#: A grade and a SINS total that stand for each category.
GRADES = {"low": ("0", "1a", "1b"), "borderline": ("1c",), "high": ("2", "3")}
TOTALS = {"stable": (0, 6), "potentially_unstable": (7, 12), "unstable": (13, 18)}


def _table_rows():
    for line in NOMS_TABLE.strip().splitlines():
        n, o, m, s, *steps = line.split()
        yield n, o, m, s == "fit", tuple(steps)


NOMS_ROWS = list(_table_rows())


def test_the_expected_table_covers_every_combination_once():
    keys = [(n, o, m, fit) for n, o, m, fit, _ in NOMS_ROWS]
    assert len(keys) == len(set(keys)) == 3 * 3 * 3 * 2


@pytest.mark.parametrize("n, o, m, fit, steps", NOMS_ROWS,
                         ids=[f"{n}-{o}-{m}-{'fit' if f else 'unfit'}" for n, o, m, f, _ in NOMS_ROWS])
def test_noms_pathway_and_steps_for_every_combination(n, o, m, fit, steps):
    """Exact strings, at both edges of every ESCC category and SINS band."""
    for grade in GRADES[n]:
        for total in TOTALS[m]:
            r = calc.noms_pathway(grade, o, total, fit)
            assert r.steps == tuple(STEP[s] for s in steps), (grade, total)
            assert r.pathway == PATHWAY[steps], (grade, total)
            assert r.escc_category == n and r.stability == m.replace("_", " ")
            assert r.needs_team_judgement is (n == "borderline")
            assert r.rule_id == f"{n}_{o}_{m}_{'fit' if fit else 'unfit'}"


@pytest.mark.parametrize("sensitivity", ["sensitive", "moderate", "resistant"])
@pytest.mark.parametrize("total", [3, 9, 15])
@pytest.mark.parametrize("fit", [True, False])
def test_escc_1c_is_never_sent_to_separation_surgery(sensitivity, total, fit):
    r = calc.noms_pathway("1c", sensitivity, total, fit)
    assert not any(step.startswith("Separation surgery") for step in r.steps)
    assert not r.pathway.startswith("Separation surgery")
    assert r.needs_team_judgement is True


def test_noms_rules_table_reads_as_a_clinician_reads_it():
    table = calc.noms_rules()
    assert list(table.columns) == ["id", "escc_category", "radiosensitivity", "stability", "fit_for_surgery",
                                   "pathway", "steps", "needs_team_judgement", "alternative", "source_ids"]
    assert len(table) == 54
    row = table[table["id"] == "high_resistant_unstable_fit"].iloc[0]
    assert row["pathway"] == "Separation surgery, then SRS"
    assert row["steps"] == f"{STEP['separation_fixed']} → {STEP['srs_after']}"
    assert row["alternative"] == ""


@pytest.mark.parametrize("fit", [True, False])
@pytest.mark.parametrize("total", [3, 9, 15])
def test_moderate_high_grade_names_decompressive_surgery_only_when_fit(fit, total):
    """Patchell 2005 excluded only very radiosensitive tumours: surgery is an alternative for breast or prostate."""
    r = calc.noms_pathway("2", "moderate", total, fit)
    if fit:
        assert r.alternative.startswith("With high-grade compression in a patient fit for surgery, decompressive "
                                        "surgery followed by radiation is a documented alternative")
        assert "Patchell 2005" in r.alternative
        assert r.reasoning[1].endswith(r.alternative)
        assert "patchell2005" in r.source_ids.split(";")
    else:
        assert r.alternative == "" and "decompressive" not in r.reasoning[1]
        assert "patchell2005" not in r.source_ids.split(";")
    low = calc.noms_pathway("1b", "moderate", total, True)
    assert low.alternative == "" and "patchell2005" not in low.source_ids.split(";")


@pytest.mark.parametrize("sensitivity, named", [("resistant", True), ("moderate", False), ("sensitive", False)])
def test_grade_1c_names_surgery_as_the_alternative_only_for_a_radioresistant_tumour(sensitivity, named):
    """Radiosensitive: cEBRT whatever the compression or myelopathy (Laufer 2013), so no surgical alternative."""
    r = calc.noms_pathway("1c", sensitivity, 3, True)
    assert r.reasoning[0].startswith("Neurologic: ESCC grade 1c is borderline (the tumour touches the cord without "
                                     "compressing it)")
    assert (r.alternative == "Surgery is an equally documented option, especially with myelopathy.") is named
    assert ("Surgery is an equally documented option" in r.reasoning[0]) is named
    assert r.alternative != "" or not named


def test_noms_reasoning_one_sentence_per_axis_with_the_grade_and_the_published_bands():
    r = calc.noms_pathway("3", "resistant", 9, True)
    assert r.reasoning == (
        "Neurologic: ESCC grade 3 is high-grade cord compression.",
        "Oncologic: the tumour is radioresistant and compresses the cord, so cEBRT alone would not control it; "
        "surgery first creates a gap between tumour and cord so that SRS can be given safely.",
        "Mechanical: the spine is potentially unstable (SINS 7–12), so a spine surgeon is consulted.",
        "Systemic: the patient can tolerate surgery, so surgical steps are possible.",
    )
    assert calc.noms_pathway("1a", "sensitive", 2, False).reasoning[0] == (
        "Neurologic: ESCC grade 1a is low grade; the cord is not compressed.")
    assert r.caveat == calc.NOMS_CAVEAT and "multidisciplinary team" in r.caveat
    assert r.source_ids == "laufer2013_noms;bilsky2010_escc;fisher2010_sins;fourney2011_sins_validation"


@pytest.mark.parametrize("stability, band", [("stable", "SINS 0–6"), ("potentially unstable", "SINS 7–12"),
                                              ("unstable", "SINS 13–18")])
def test_every_sins_band_named_in_a_step_or_reason_is_fishers(stability, band):
    """A step or reason that names a SINS range names the band of its own stability (Fisher 2010)."""
    for grade, sensitivity, fit in itertools.product(("1a", "1c", "3"), calc.RADIOSENSITIVITY_VALUES, (True, False)):
        r = calc.noms_pathway(grade, sensitivity, stability, fit)
        for text in (*r.steps, *r.reasoning):
            for found in re.findall(r"SINS \d+–\d+", text):
                assert found == band, (grade, sensitivity, stability, fit, text)
        assert band in r.reasoning[2]


def test_unstable_and_unfit_gets_fixation_never_cement():
    """Gross instability needs fixation; cement treats mechanical pain without gross instability (Laufer 2013)."""
    for grade, sensitivity in itertools.product(("0", "1c", "3"), calc.RADIOSENSITIVITY_VALUES):
        r = calc.noms_pathway(grade, sensitivity, 15, False)
        assert r.steps[0] == STEP["percutaneous_fixation"]
        joined = " ".join(r.steps).lower()
        assert "cement" not in joined and "open" not in joined
        assert r.reasoning[2].startswith("Mechanical: the spine is unstable (SINS 13–18), so it is stabilised "
                                         "(fixed) before radiation; without open surgery, percutaneous screw "
                                         "fixation")
        assert "gross instability needs fixation" in r.reasoning[2] and "cement alone is not enough" in r.reasoning[2]


@pytest.mark.parametrize("fit", [True, False])
def test_noms_systemic_reasoning_uses_ecog_when_given(fit):
    r = calc.noms_pathway("2", "resistant", 4, fit, performance_status=1 if fit else 3)
    if fit:
        assert r.reasoning[3] == ("Systemic: ECOG performance status 1 (restricted in strenuous activity but walking "
                                  "and able to do light work); the patient can tolerate surgery, so surgical steps "
                                  "are possible.")
    else:
        assert r.reasoning[3].startswith("Systemic: ECOG performance status 3 (capable of only limited self-care; "
                                         "in bed or a chair more than half the day); the patient cannot tolerate")
    assert r.source_ids.split(";")[-1] == "oken1982_ecog"
    without = calc.noms_pathway("2", "resistant", 4, fit)
    assert "ECOG" not in without.reasoning[3]
    assert r.steps == without.steps


@pytest.mark.parametrize("value", [-1, 5, 6, 2.5, "two", True])
def test_noms_rejects_an_ecog_outside_0_to_4(value):
    with pytest.raises(CalculatorInputError, match="performance_status") as caught:
        calc.noms_pathway("2", "resistant", 4, True, performance_status=value)
    assert caught.value.student.startswith("ECOG performance status: enter a whole number from 0 to 4")


def test_noms_stability_from_total_matches_category_word():
    for total in range(19):
        by_total = calc.noms_pathway("2", "resistant", total, True)
        by_word = calc.noms_pathway("2", "resistant", calc.sins_category(total), True)
        assert by_total.steps == by_word.steps
        assert by_total.stability == calc.sins_category(total)
        assert calc.noms_pathway("2", "resistant", float(total), True).steps == by_total.steps  # a number box's 9.0


def test_noms_accepts_a_sins_result():
    s = calc.sins("T12", "mechanical", "lytic", "subluxation", "over_50", "bilateral")
    r = calc.noms_pathway("1b", "sensitive", s, True)
    assert r.stability == "unstable"
    assert r.pathway == "Open stabilisation, then cEBRT"


@pytest.mark.parametrize(
    "args, name",
    [
        (("5", "sensitive", 3, True), "escc_grade"),
        (("2", "very", 3, True), "radiosensitivity"),
        (("2", "sensitive", 19, True), "stability"),
        (("2", "sensitive", -1, True), "stability"),
        (("2", "sensitive", "wobbly", True), "stability"),
        (("2", "sensitive", 3.5, True), "stability"),
        (("2", "sensitive", True, True), "stability"),
        (("2", "sensitive", 3, "yes"), "fit_for_surgery"),
        (("2", "sensitive", 3, 1), "fit_for_surgery"),
    ],
)
def test_noms_bad_input_names_argument(args, name):
    with pytest.raises(InputError, match=name):
        calc.noms_pathway(*args)


# -- the decision table is data: the calculator refuses a broken one ------------------

@pytest.fixture
def noms_copy(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy, ignore=shutil.ignore_patterns("quizzes", "instructor"))
    monkeypatch.setenv(d.DATA_DIR_ENV, str(copy))
    d.clear_cache()
    yield copy
    d.clear_cache()


def _edit_rules(folder: Path, edit) -> None:
    path = folder / "noms_rules.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(edit(lines)), encoding="utf-8")


def test_a_missing_combination_is_a_one_line_data_error(noms_copy):
    _edit_rules(noms_copy, lambda lines: [line for line in lines if not line.startswith("high_resistant_stable_fit,")])
    with pytest.raises(DataError) as caught:
        calc.noms_pathway("1b", "sensitive", 4, True)
    message = str(caught.value)
    assert "noms_rules.csv" in message and "no rule for 1 combination" in message and "\n" not in message
    assert "('high', 'resistant', 'stable', True)" in message


def test_an_unknown_step_is_a_data_error_naming_row_and_field(noms_copy):
    _edit_rules(noms_copy, lambda lines: [line.replace(",cebrt,", ",cebrt_typo,", 1) if i == 1 else line
                                          for i, line in enumerate(lines)])
    with pytest.raises(DataError, match=r"noms_rules\.csv: row 1 \(line 2 of the file\), field 'steps': "
                                        r"step 'cebrt_typo' is not an id in noms_steps\.csv"):
        calc.noms_pathway("1b", "sensitive", 4, True)


def test_a_reason_on_the_wrong_axis_is_a_data_error(noms_copy):
    _edit_rules(noms_copy, lambda lines: [line.replace(",n_low,", ",o_sensitive,", 1) if i == 1 else line
                                          for i, line in enumerate(lines)])
    with pytest.raises(DataError, match="field 'neurologic_reason': reason 'o_sensitive' explains the oncologic axis"):
        calc.noms_pathway("1b", "sensitive", 4, True)


def test_an_edited_rule_reaches_the_calculator(noms_copy):
    """The calculator evaluates the table: change a row and the result changes (nothing is hard-coded)."""
    _edit_rules(noms_copy, lambda lines: [line.replace("Separation surgery, then SRS", "Edited pathway")
                                          if line.startswith("high_resistant_stable_fit,") else line for line in lines])
    assert calc.noms_pathway("3", "resistant", 4, True).pathway == "Edited pathway"

# --------------------------------------------------------------------------
# ANC and neutropenia
# --------------------------------------------------------------------------

def test_anc_formula_includes_bands():
    assert calc.anc(4500, 50, 5) == pytest.approx(2475.0)
    assert calc.anc(4500, 50) == pytest.approx(2250.0)
    assert calc.anc(1000, 0, 0) == 0.0


def test_anc_thousands_unit():
    assert calc.wbc_from_thousands(4.5) == pytest.approx(4500.0)
    assert calc.anc(4.5, 50, 5, wbc_unit="10^3/uL") == pytest.approx(2475.0)
    assert calc.anc(4.5, 50, 5, wbc_unit="10^9/L") == pytest.approx(2475.0)
    assert calc.anc(calc.wbc_from_thousands(4.5), 50, 5) == pytest.approx(2475.0)


@pytest.mark.parametrize("wbc", [4.5, 0.8, 12, 99.9])
def test_anc_guards_against_unit_slip(wbc):
    with pytest.raises(CalculatorInputError) as info:
        calc.anc(wbc, 50, 5)
    msg = str(info.value)
    assert "wbc" in msg and "10^3" in msg and "wbc_from_thousands" in msg
    assert info.value.student == (
        f"White blood cell count: {wbc:g} cells/µL is far too low for a count in cells/µL: it looks like "
        f"{wbc:g} ×10³/µL; choose the unit ×10³/µL = ×10⁹/L or enter {wbc * 1000:,.0f}.")


def test_anc_white_count_of_zero_is_not_called_a_unit_mistake():
    with pytest.raises(CalculatorInputError) as info:
        calc.anc(0, 50, 5)
    assert info.value.student == ("White blood cell count: a count of 0 leaves no white cells to count neutrophils "
                                  "in; enter a number from 100 to 200,000 cells/µL.")
    assert "10^3" not in str(info.value) and "looks like" not in info.value.student


@pytest.mark.parametrize("wbc, unit, shown", [(1_000_000, "cells/uL", "1,000,000 cells/µL"),
                                              (200_001, "cells/uL", "200,001 cells/µL")])
def test_anc_implausibly_high_white_count_is_refused_with_the_range(wbc, unit, shown):
    """A white count of 1,000,000/µL was once graded "no neutropenia"."""
    with pytest.raises(CalculatorInputError) as info:
        calc.anc(wbc, 50, 5, wbc_unit=unit)
    assert info.value.student == (f"White blood cell count: {shown} is outside the plausible range; enter a number "
                                  "from 100 to 200,000 cells/µL. Check the number of zeros and the unit.")


def test_anc_white_count_range_edges():
    assert calc.anc(100, 50, 0) == pytest.approx(50.0)
    assert calc.anc(200_000, 50, 0) == pytest.approx(100_000.0)
    assert calc.anc(0.1, 50, 0, wbc_unit="10^3/uL") == pytest.approx(50.0)
    assert calc.anc(200, 50, 0, wbc_unit="10^3/uL") == pytest.approx(100_000.0)
    with pytest.raises(CalculatorInputError, match="below 0.1"):
        calc.anc(0.09, 50, 0, wbc_unit="10^3/uL")


def test_anc_guards_against_reverse_unit_slip():
    with pytest.raises(CalculatorInputError, match="wbc") as info:
        calc.anc(4500, 50, 5, wbc_unit="10^3/uL")
    assert info.value.student == ("White blood cell count: 4,500 ×10³/µL (4,500,000 cells/µL) is outside the "
                                  "plausible range: it looks like a count in cells/µL; choose the unit cells/µL, "
                                  "or enter a number from 0.1 to 200 ×10³/µL.")


@pytest.mark.parametrize(
    "args, name",
    [
        ((4500, 90, 20), "segs_pct"),
        ((4500, -1, 0), "segs_pct"),
        ((4500, 101, 0), "segs_pct"),
        ((4500, 50, -5), "bands_pct"),
        ((-4500, 50, 5), "wbc"),
        ((float("nan"), 50, 5), "wbc"),
        ((float("inf"), 50, 5), "wbc"),
        ((True, 50, 5), "wbc"),
        (("4500", 50, 5), "wbc"),
        ((4500, "50", 5), "segs_pct"),
        ((4500, 50, None), "bands_pct"),
    ],
)
def test_anc_bad_input(args, name):
    with pytest.raises(InputError, match=name):
        calc.anc(*args)


def test_anc_percentages_over_100_name_both_controls():
    with pytest.raises(CalculatorInputError, match="100") as info:
        calc.anc(4500, 90, 20)
    assert info.value.student == ("Segmented neutrophils (%) and Band neutrophils (%) add up to 110%: together they "
                                  "can be at most 100% of the white count; check both.")
    with pytest.raises(CalculatorInputError) as info:
        calc.anc(4500, 101, 0)
    assert info.value.student == ("Segmented neutrophils (%): 101% is outside the plausible range; enter a number "
                                  "from 0 to 100%. It is a percentage of the white count.")


def test_anc_bad_unit():
    with pytest.raises(InputError, match="wbc_unit"):
        calc.anc(4500, 50, 5, wbc_unit="per litre")


@pytest.mark.parametrize(
    "value, severity",
    [(5000, "none"), (1500, "none"), (1499.999, "mild"), (1000, "mild"),
     (999.999, "moderate"), (500, "moderate"), (499.999, "severe"), (0, "severe")],
)
def test_neutropenia_severity_boundaries(value, severity):
    """ASCO/IDSA (Taplitz 2018): mild 1000-1500, moderate 500-1000, severe <500 cells/µL."""
    assert calc.neutropenia_severity(value) == severity


def test_neutropenia_reference_is_the_published_bands():
    assert calc.neutropenia_reference().values.tolist() == [
        ["none", "1500 or more", "No neutropenia (ANC ≥1500/µL)."],
        ["mild", "1000 to less than 1500", "Mild neutropenia."],
        ["moderate", "500 to less than 1000", "Moderate neutropenia."],
        ["severe", "less than 500", "Severe neutropenia: the highest risk of serious infection."],
    ]


@given(a=st.floats(0, 20000), b=st.floats(0, 20000))
def test_lower_anc_never_lowers_severity(a, b):
    order = ["none", "mild", "moderate", "severe"]
    low, high = min(a, b), max(a, b)
    assert order.index(calc.neutropenia_severity(low)) >= order.index(calc.neutropenia_severity(high))


@given(wbc=st.floats(100, 200_000), segs=st.floats(0, 100), bands=st.floats(0, 100))
def test_anc_never_exceeds_wbc(wbc, segs, bands):
    if segs + bands > 100:
        with pytest.raises(CalculatorInputError, match="more than 100%"):
            calc.anc(wbc, segs, bands)
    else:
        value = calc.anc(wbc, segs, bands)
        assert 0 <= value <= wbc * (1 + 1e-12)


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), True, "900", None, 200_001])
def test_neutropenia_severity_bad_input(bad):
    with pytest.raises(InputError, match="anc"):
        calc.neutropenia_severity(bad)


# --------------------------------------------------------------------------
# CTCAE v5.0
# --------------------------------------------------------------------------

CTCAE_CASES = {
    # term: [(value, grade), ...] with the default example LLN
    "neutrophil_count_decreased": [
        (2000, 0), (1999, 1), (1500, 1), (1499, 2), (1000, 2), (999, 3),
        (500, 3), (499, 4), (0, 4)],
    "platelet_count_decreased": [
        (150000, 0), (149999, 1), (75000, 1), (74999, 2), (50000, 2), (49999, 3),
        (25000, 3), (24999, 4), (5000, 4)],
    "white_blood_cell_decreased": [
        (4000, 0), (3999, 1), (3000, 1), (2999, 2), (2000, 2), (1999, 3),
        (1000, 3), (999, 4), (200, 4), (0, 4)],
    "anemia": [
        (12.0, 0), (11.9, 1), (10.0, 1), (9.99, 2), (8.0, 2), (7.99, 3), (4.0, 3)],
}


@pytest.mark.parametrize(
    "term, value, grade",
    [(t, v, g) for t, cases in CTCAE_CASES.items() for v, g in cases],
)
def test_ctcae_each_boundary_both_sides(term, value, grade):
    assert calc.ctcae_grade(term, value) == grade


def test_ctcae_terms():
    assert set(calc.CTCAE_TERMS) == set(CTCAE_CASES)


def test_ctcae_lln_below_grade_boundary():
    # LLN 1400: 1450 is normal for this lab; 1300 is <1500 so grade 2 (grade 1 is empty).
    assert calc.ctcae_grade("neutrophil_count_decreased", 1450, lln=1400) == 0
    assert calc.ctcae_grade("neutrophil_count_decreased", 1400, lln=1400) == 0
    assert calc.ctcae_grade("neutrophil_count_decreased", 1300, lln=1400) == 2
    assert calc.ctcae_grade("anemia", 9.5, lln=9.0) == 0
    assert calc.ctcae_grade("anemia", 13.0, lln=13.5) == 1


def test_ctcae_lab_grade_1_needs_value_below_lln():
    assert calc.ctcae_grade("neutrophil_count_decreased", 1800, lln=1800) == 0
    assert calc.ctcae_grade("neutrophil_count_decreased", 1799, lln=1800) == 1


@pytest.mark.parametrize("value", [1, 5, 12, 99])
def test_ctcae_neutrophil_count_in_10e9_per_l_is_refused_with_the_units(value):
    """1 or 5 is almost surely x10^9/L typed as cells/mm3; the message names both units and the true-low grade."""
    with pytest.raises(CalculatorInputError) as caught:
        calc.ctcae_grade("neutrophil_count_decreased", value)
    message = str(caught.value)
    assert "10^9/L" in message and "cells/mm³" in message and f"{value * 1000:,}" in message
    assert "grade 4" in message and "\n" not in message
    assert caught.value.student.startswith(f"Value (cells/mm³): {value} looks like ×10⁹/L")


def test_ctcae_neutrophil_count_of_zero_or_100_is_accepted():
    assert calc.ctcae_grade("neutrophil_count_decreased", 0) == 4
    assert calc.ctcae_grade("neutrophil_count_decreased", 100) == 4


def test_ctcae_implausible_counts_name_the_range():
    with pytest.raises(CalculatorInputError) as caught:
        calc.ctcae_grade("platelet_count_decreased", 3_000_000)
    assert caught.value.student == ("Value (cells/mm³): 3,000,000 cells/mm³ is outside the plausible range; enter a "
                                    "number from 1,000 to 2,000,000 cells/mm³. Check the number of zeros.")
    assert calc.ctcae_grade("platelet_count_decreased", 2_000_000) == 0
    assert calc.ctcae_grade("white_blood_cell_decreased", 200_000) == 0
    with pytest.raises(CalculatorInputError, match="outside the plausible range"):
        calc.ctcae_grade("white_blood_cell_decreased", 200_001)
    with pytest.raises(CalculatorInputError) as caught:
        calc.ctcae_grade("anemia", 95)
    assert caught.value.student == ("Value (g/dL): 95 g/dL is implausible for haemoglobin: if it is in g/L, divide "
                                    "by 10 (enter a number from 1 to 25 g/dL).")
    with pytest.raises(CalculatorInputError) as caught:
        calc.ctcae_grade("neutrophil_count_decreased", 900, lln=0)
    assert caught.value.student == ("Lower limit of normal (cells/mm³; lab-specific): must be more than 0; enter a "
                                    "number from 100 to 200,000 cells/mm³.")


def test_ctcae_anemia_never_above_3():
    assert calc.ctcae_grade("anemia", 3.0) == 3


def test_ctcae_term_aliases():
    assert calc.ctcae_grade("Neutrophil count decreased", 900) == 3
    assert calc.ctcae_grade("anaemia", 9.0) == 2


@given(a=st.one_of(st.just(0.0), st.floats(100, 10000)), b=st.one_of(st.just(0.0), st.floats(100, 10000)))
def test_ctcae_neutrophils_lower_value_never_lowers_grade(a, b):
    a, b = float(round(a)), float(round(b))
    low, high = min(a, b), max(a, b)
    term = "neutrophil_count_decreased"
    assert calc.ctcae_grade(term, low) >= calc.ctcae_grade(term, high)


@given(a=st.floats(1, 25), b=st.floats(1, 25))
def test_ctcae_anemia_lower_value_never_lowers_grade(a, b):
    low, high = min(a, b), max(a, b)
    assert calc.ctcae_grade("anemia", low) >= calc.ctcae_grade("anemia", high)


@pytest.mark.parametrize(
    "args, name",
    [
        (("neutropenia", 900), "term"),
        (("neutrophil_count_decreased", -5), "value"),
        (("neutrophil_count_decreased", float("nan")), "value"),
        (("neutrophil_count_decreased", "900"), "value"),
        (("neutrophil_count_decreased", True), "value"),
        (("neutrophil_count_decreased", 1.2), "value"),       # x10^9/L slip
        (("neutrophil_count_decreased", 1), "value"),         # x10^9/L slip, whole number
        (("neutrophil_count_decreased", 5), "value"),
        (("neutrophil_count_decreased", 99), "value"),
        (("platelet_count_decreased", 45), "value"),          # x10^9/L slip
        (("white_blood_cell_decreased", 3.2), "value"),       # x10^9/L slip
        (("anemia", 95), "value"),                            # g/L slip
        (("neutrophil_count_decreased", 900, 0), "lln"),
        (("neutrophil_count_decreased", 900, -1), "lln"),
        (("neutrophil_count_decreased", 900, 1.8), "lln"),
        (("anemia", 9.0, float("inf")), "lln"),
        ((3, 900), "term"),
    ],
)
def test_ctcae_bad_input(args, name):
    with pytest.raises(InputError, match=name):
        calc.ctcae_grade(*args)


def test_ctcae_unknown_term_lists_valid_terms():
    with pytest.raises(InputError) as info:
        calc.ctcae_grade("neutropenia", 900)
    for term in calc.CTCAE_TERMS:
        assert term in str(info.value)


def test_ctcae_reference_tables_are_v5_with_the_10e9_per_l_conversions():
    """CTCAE v5.0: each count boundary in /mm³ and, correctly converted, in ×10⁹/L."""
    lln = "At or above the lower limit of normal (LLN; set by each laboratory)"
    expected = {
        "neutrophil_count_decreased": [
            [0, lln], [1, "<LLN to 1,500/mm³ (1.5 ×10⁹/L)"],
            [2, "<1,500/mm³ (1.5 ×10⁹/L) to 1,000/mm³ (1 ×10⁹/L)"],
            [3, "<1,000/mm³ (1 ×10⁹/L) to 500/mm³ (0.5 ×10⁹/L)"], [4, "<500/mm³ (0.5 ×10⁹/L)"]],
        "platelet_count_decreased": [
            [0, lln], [1, "<LLN to 75,000/mm³ (75 ×10⁹/L)"],
            [2, "<75,000/mm³ (75 ×10⁹/L) to 50,000/mm³ (50 ×10⁹/L)"],
            [3, "<50,000/mm³ (50 ×10⁹/L) to 25,000/mm³ (25 ×10⁹/L)"], [4, "<25,000/mm³ (25 ×10⁹/L)"]],
        "white_blood_cell_decreased": [
            [0, lln], [1, "<LLN to 3,000/mm³ (3 ×10⁹/L)"],
            [2, "<3,000/mm³ (3 ×10⁹/L) to 2,000/mm³ (2 ×10⁹/L)"],
            [3, "<2,000/mm³ (2 ×10⁹/L) to 1,000/mm³ (1 ×10⁹/L)"], [4, "<1,000/mm³ (1 ×10⁹/L)"]],
        "anemia": [
            [0, lln], [1, "<LLN to 10.0 g/dL"], [2, "<10.0 g/dL to 8.0 g/dL"],
            [3, "<8.0 g/dL; transfusion indicated"],
            [4, "Life-threatening consequences; urgent intervention indicated (clinical judgement, not a number)"],
            [5, "Death related to the adverse event"]],
    }
    for term, rows in expected.items():
        assert calc.ctcae_reference(term).values.tolist() == rows, term
    with pytest.raises(InputError, match="term"):
        calc.ctcae_reference("nausea")


# --------------------------------------------------------------------------
# Hypertension (CTCAE v5.0, adult)
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "sbp, dbp, grade",
    [
        (119, 79, 0), (120, 79, 1), (119, 80, 1), (139, 89, 1),
        (140, 79, 2), (119, 90, 2), (159, 99, 2), (160, 79, 3),
        (119, 100, 3), (130, 99, 2), (130, 100, 3), (165, 85, 3),
        (100, 60, 0), (166, 104, 3),
    ],
)
def test_hypertension_boundaries(sbp, dbp, grade):
    assert calc.ctcae_hypertension_grade(sbp, dbp) == grade


@given(s=st.integers(60, 260), d=st.integers(30, 150), ds=st.integers(0, 20), dd=st.integers(0, 20))
def test_hypertension_higher_pressure_never_lowers_grade(s, d, ds, dd):
    assume(d < s and d + dd < s + ds)
    assert calc.ctcae_hypertension_grade(s + ds, d + dd) >= calc.ctcae_hypertension_grade(s, d)


@pytest.mark.parametrize(
    "args, name",
    [
        ((80, 120), "systolic"),          # swapped
        ((120, 120), "systolic"),
        ((-120, 80), "systolic"),
        ((120, float("nan")), "diastolic"),
        (("120", 80), "systolic"),
        ((120, True), "diastolic"),
        ((0, 0), "systolic"),
        ((1200, 80), "systolic"),
        ((301, 80), "systolic"),
        ((120, 19), "diastolic"),
    ],
)
def test_hypertension_bad_input(args, name):
    with pytest.raises(InputError, match=name):
        calc.ctcae_hypertension_grade(*args)


def test_hypertension_range_edges_and_messages():
    assert calc.ctcae_hypertension_grade(300, 200) == 3
    assert calc.ctcae_hypertension_grade(40, 20) == 0
    with pytest.raises(CalculatorInputError) as caught:
        calc.ctcae_hypertension_grade(1200, 80)
    assert caught.value.student == ("Systolic (mm Hg): 1,200 mm Hg is outside the plausible range; enter a number "
                                    "from 40 to 300 mm Hg.")
    with pytest.raises(CalculatorInputError) as caught:
        calc.ctcae_hypertension_grade(80, 120)
    assert caught.value.student == ("Systolic (mm Hg) and Diastolic (mm Hg): the systolic (80) must be higher than "
                                    "the diastolic (120); were they swapped?")


def test_hypertension_reference_table_is_v5():
    assert calc.hypertension_reference().values.tolist() == [
        [0, "Systolic <120 and diastolic <80 mm Hg", "–"],
        [1, "Systolic 120–139 or diastolic 80–89 mm Hg", "–"],
        [2, "Systolic 140–159 or diastolic 90–99 mm Hg (if previously normal)",
         "Medical intervention indicated (one drug); recurrent or persistent (≥24 h); symptomatic rise"],
        [3, "Systolic ≥160 or diastolic ≥100 mm Hg",
         "Medical intervention indicated; more than one drug or more intensive therapy than before"],
        [4, "Not defined by numbers",
         "Life-threatening consequences (e.g. hypertensive crisis, neurological deficit); urgent intervention"],
        [5, "Not defined by numbers", "Death"],
    ]
    note = calc.HYPERTENSION_LIMITS_NOTE
    assert "grade 4 means life-threatening consequences" in note and "grade 5 death" in note
    assert "more than one drug" in note


# --------------------------------------------------------------------------
# BED / EQD2
# --------------------------------------------------------------------------

def test_bed_eqd2_reference_values():
    """Published worked values: 8 Gy x 1 -> BED10 14.4, EQD2(10) 12.0; 30 Gy/10 -> EQD2(10) 32.5."""
    assert calc.bed(8, 1, 10) == pytest.approx(14.4)
    assert calc.eqd2(8, 1, 10) == pytest.approx(12.0)
    assert calc.eqd2(30, 10, 10) == pytest.approx(32.5)
    assert calc.bed(30, 10, 10) == pytest.approx(39.0)
    assert calc.bed(20, 5, 10) == pytest.approx(28.0)
    assert calc.bed(8, 1, 2) == pytest.approx(40.0)
    assert calc.eqd2(8, 1, 2) == pytest.approx(20.0)
    assert calc.eqd2(24, 2, 10) == pytest.approx(44.0)


@given(n=st.integers(1, 50), ab=st.floats(0.5, 20))
def test_eqd2_equals_total_dose_at_2_gy_per_fraction(n, ab):
    assert calc.eqd2(2.0 * n, n, ab) == pytest.approx(2.0 * n)


PLAUSIBLE_SCHEDULE = st.integers(1, 50).flatmap(
    lambda n: st.tuples(st.floats(0.5 * n, min(30.0 * n, 100.0)), st.just(n)))


@given(schedule=PLAUSIBLE_SCHEDULE, factor=st.floats(0.5, 1.0), ab=st.floats(0.5, 20))
def test_more_dose_never_lowers_bed(schedule, factor, ab):
    high, n = schedule
    low = max(high * factor, 0.5 * n)
    assert calc.bed(low, n, ab) <= calc.bed(high, n, ab)
    assert calc.eqd2(low, n, ab) <= calc.eqd2(high, n, ab)


@given(schedule=PLAUSIBLE_SCHEDULE, ab=st.floats(0.5, 20))
def test_more_fractions_same_dose_never_raises_bed(schedule, ab):
    dose, n = schedule
    assume(n < 50 and dose / (n + 1) >= 0.5)
    assert calc.bed(dose, n + 1, ab) <= calc.bed(dose, n, ab)


@given(schedule=PLAUSIBLE_SCHEDULE, ab=st.floats(0.5, 20))
def test_bed_at_least_physical_dose(schedule, ab):
    dose, n = schedule
    assert calc.bed(dose, n, ab) >= dose


@pytest.mark.parametrize("bad", [2.5, 0, -1, True, False, float("nan"), "5", None, float("inf"), 51, 99_999])
def test_fractions_must_be_a_whole_number_from_1_to_50(bad):
    with pytest.raises(InputError, match="fractions"):
        calc.bed(20, bad, 10)
    with pytest.raises(InputError, match="fractions"):
        calc.eqd2(20, bad, 10)


def test_fraction_and_alpha_beta_range_edges():
    assert calc.bed(50, 50, 10) == pytest.approx(55.0)
    assert calc.bed(10, 1, 0.5) == pytest.approx(210.0)
    assert calc.bed(10, 1, 20) == pytest.approx(15.0)
    with pytest.raises(CalculatorInputError) as caught:
        calc.bed(20, 99_999, 10)
    assert caught.value.student == ("Number of fractions: 99,999 is outside the plausible range; enter a whole "
                                    "number from 1 to 50.")
    for bad in (0.49, 20.01, 99_999):
        with pytest.raises(CalculatorInputError) as caught:
            calc.bed(20, 5, bad)
        assert caught.value.student.startswith("α/β (Gy): ")
        assert caught.value.student.endswith("is outside the plausible range; enter a number from 0.5 to 20 Gy.")


def test_cgy_slip_guard_at_its_boundary():
    """100 Gy is the most this calculator takes for one course; above it the message suggests cGy."""
    assert calc.MAX_TOTAL_DOSE_GY == 100.0
    assert calc.bed(100, 50, 10) == pytest.approx(120.0)
    for dose in (100.01, 3000):
        with pytest.raises(CalculatorInputError, match="total_dose_gy") as caught:
            calc.bed(dose, 50, 10)
        assert "if it is in cGy, divide by 100" in caught.value.student
    with pytest.raises(CalculatorInputError) as caught:
        calc.eqd2(3000, 10, 10)
    assert caught.value.student == ("Total dose (Gy): 3,000 Gy is above the 100 Gy this calculator accepts for one "
                                    "course: if it is in cGy, divide by 100 (3,000 cGy = 30 Gy).")


def test_dose_per_fraction_must_be_plausible():
    assert calc.DOSE_PER_FRACTION_GY == (0.5, 30.0)
    assert calc.bed(30, 1, 10) == pytest.approx(120.0)
    assert calc.bed(25, 50, 10) == pytest.approx(26.25)
    with pytest.raises(CalculatorInputError) as caught:
        calc.bed(31, 1, 10)
    assert caught.value.student == ("Total dose (Gy) and Number of fractions: 31 Gy in 1 fraction is 31 Gy per "
                                    "fraction; a plausible dose per fraction is 0.5 to 30 Gy, so check both.")
    with pytest.raises(CalculatorInputError, match="0.49 Gy per fraction"):
        calc.bed(24.5, 50, 10)


@pytest.mark.parametrize(
    "args, name",
    [
        ((0, 5, 10), "total_dose_gy"),
        ((-20, 5, 10), "total_dose_gy"),
        ((3000, 10, 10), "total_dose_gy"),   # cGy slip
        ((float("nan"), 5, 10), "total_dose_gy"),
        ((20, 5, 0), "alpha_beta_gy"),
        ((20, 5, -2), "alpha_beta_gy"),
        ((20, 5, float("inf")), "alpha_beta_gy"),
        ((20, 5, "10"), "alpha_beta_gy"),
    ],
)
def test_bed_bad_input(args, name):
    with pytest.raises(InputError, match=name):
        calc.bed(*args)


# --------------------------------------------------------------------------
# BSA
# --------------------------------------------------------------------------

def test_bsa_reference_values():
    """Mosteller 1987 and DuBois 1916; 170 cm / 70 kg -> 1.82 and 1.81 m² (published worked example)."""
    assert calc.bsa_mosteller(170, 70) == pytest.approx(1.8181, abs=1e-4)
    assert round(calc.bsa_mosteller(170, 70), 2) == 1.82
    assert calc.bsa_dubois(170, 70) == pytest.approx(1.8097, abs=1e-4)
    assert round(calc.bsa_dubois(170, 70), 2) == 1.81
    assert calc.bsa_mosteller(160, 64) == pytest.approx(1.6865, abs=1e-4)


@given(h1=st.floats(50, 250), h2=st.floats(50, 250), w=st.floats(2, 400))
def test_bsa_monotonic_in_height(h1, h2, w):
    low, high = min(h1, h2), max(h1, h2)
    assert calc.bsa_mosteller(low, w) <= calc.bsa_mosteller(high, w)
    assert calc.bsa_dubois(low, w) <= calc.bsa_dubois(high, w)


@pytest.mark.parametrize("fn", [calc.bsa_mosteller, calc.bsa_dubois])
def test_bsa_metres_slip_is_explained(fn):
    with pytest.raises(CalculatorInputError) as info:
        fn(1.70, 70)
    assert "height_cm" in str(info.value) and "metres" in str(info.value)
    assert info.value.student == ("Height (cm): 1.7 cm is outside the plausible range; enter a number from 50 to "
                                  "250 cm. It looks like metres: 1.7 m = 170 cm.")


def test_bsa_range_edges_and_pounds():
    assert calc.bsa_mosteller(50, 2) == pytest.approx(math.sqrt(100 / 3600))
    assert calc.bsa_mosteller(250, 400) == pytest.approx(math.sqrt(100_000 / 3600))
    with pytest.raises(CalculatorInputError) as info:
        calc.bsa_mosteller(170, 440)
    assert info.value.student == ("Weight (kg): 440 kg is outside the plausible range; enter a number from 2 to "
                                  "400 kg. If it is in pounds, divide by 2.2046 (440 lb = 199.6 kg).")
    for height in (49.9, 250.1):
        with pytest.raises(CalculatorInputError, match="height_cm"):
            calc.bsa_dubois(height, 70)
    with pytest.raises(CalculatorInputError, match="weight_kg"):
        calc.bsa_dubois(170, 1.9)


@pytest.mark.parametrize("fn", [calc.bsa_mosteller, calc.bsa_dubois])
@pytest.mark.parametrize(
    "args, name",
    [
        ((170, 0), "weight_kg"), ((170, -70), "weight_kg"), ((0, 70), "height_cm"),
        ((float("nan"), 70), "height_cm"), ((170, float("inf")), "weight_kg"),
        (("170", 70), "height_cm"), ((170, True), "weight_kg"), ((400, 70), "height_cm"),
        ((170, 900), "weight_kg"),
    ],
)
def test_bsa_bad_input(fn, args, name):
    with pytest.raises(InputError, match=name):
        fn(*args)


# --------------------------------------------------------------------------
# Messages: every bad number raises one line naming the argument (for code) and,
# separately, the control's label and the allowed values (for the student).
# --------------------------------------------------------------------------

NUMERIC_CALLS = [
    (lambda v: calc.anc(v, 50, 5), "wbc", "White blood cell count"),
    (lambda v: calc.anc(4500, v, 5), "segs_pct", "Segmented neutrophils (%)"),
    (lambda v: calc.anc(4500, 50, v), "bands_pct", "Band neutrophils (%)"),
    (lambda v: calc.wbc_from_thousands(v), "wbc_thousands", "White blood cell count"),
    (lambda v: calc.neutropenia_severity(v), "anc", "ANC"),
    (lambda v: calc.ctcae_grade("platelet_count_decreased", v), "value", "Value (cells/mm³)"),
    (lambda v: calc.ctcae_grade("anemia", 9.0, lln=v), "lln", "Lower limit of normal (g/dL; lab-specific)"),
    (lambda v: calc.ctcae_hypertension_grade(v, 80), "systolic", "Systolic (mm Hg)"),
    (lambda v: calc.ctcae_hypertension_grade(150, v), "diastolic", "Diastolic (mm Hg)"),
    (lambda v: calc.bed(v, 5, 10), "total_dose_gy", "Total dose (Gy)"),
    (lambda v: calc.eqd2(20, v, 10), "fractions", "Number of fractions"),
    (lambda v: calc.eqd2(20, 5, v), "alpha_beta_gy", "α/β (Gy)"),
    (lambda v: calc.bsa_mosteller(v, 70), "height_cm", "Height (cm)"),
    (lambda v: calc.bsa_dubois(170, v), "weight_kg", "Weight (kg)"),
]

BAD_NUMBERS = st.one_of(
    st.just(float("nan")), st.just(float("inf")), st.just(float("-inf")),
    st.booleans(), st.text(max_size=5), st.none(),
    st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False),
    st.integers(max_value=-1), st.floats(min_value=1e7, allow_infinity=False),
)
#: Python names that must never reach a student: snake_case words, calls, keyword arguments.
PYTHON_NAME = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\w\(|\w=|\bwbc\b|\blln\b|\bsegs\b")


@pytest.mark.parametrize("call, name, label", NUMERIC_CALLS, ids=[n for _, n, _l in NUMERIC_CALLS])
@settings(max_examples=60)
@given(bad=BAD_NUMBERS)
def test_bad_numbers_raise_one_line_for_code_and_one_for_the_student(call, name, label, bad):
    assume(not (name == "lln" and bad is None))  # None means "use the example LLN"
    with pytest.raises(CalculatorInputError) as info:
        call(bad)
    message, student = str(info.value), info.value.student
    assert message.startswith(f"{name} ({label})")
    assert student.startswith(f"{label}: ")
    assert "\n" not in message and "\n" not in student
    assert not PYTHON_NAME.search(student), student


def test_student_message_falls_back_to_the_plain_message():
    assert calc.student_message(InputError("a  plain\nmessage")) == "a plain message"
    assert calc.student_message(CalculatorInputError("code", "for the student")) == "for the student"


@given(text=st.text(max_size=8))
def test_random_text_term_raises_or_is_valid(text):
    try:
        calc.ctcae_grade(text, 900)
    except InputError as exc:
        normalised = "_".join(text.strip().lower().replace("-", " ").split())
        assert "term" in str(exc) or normalised in calc.CTCAE_TERMS + ("anaemia",)


# --------------------------------------------------------------------------
# Worked examples: the published values, row by row
# --------------------------------------------------------------------------

def records(name):
    return calc.worked_examples(name).to_dict("records")


def test_worked_examples_sins():
    # Points by hand from Fisher 2010: e.g. C5 = mobile 2 + occasional 1 + mixed 1 + deformity 2 + 1 + 1 = 8.
    assert [(r["location"], r["total"], r["category"], r["surgical_consultation"]) for r in records("sins")] == [
        ("S3", 0, "stable", False), ("T7", 4, "stable", False), ("C5", 8, "potentially unstable", True),
        ("T12", 11, "potentially unstable", True), ("L1", 16, "unstable", True)]


def test_worked_examples_escc():
    assert [(r["grade"], r["category"]) for r in records("escc")] == [
        ("0", "low"), ("1a", "low"), ("1b", "low"), ("1c", "borderline"), ("2", "high"), ("3", "high")]


def test_worked_examples_noms():
    assert [(r["escc_grade"], r["radiosensitivity"], r["sins_total"], r["fit_for_surgery"], r["pathway"],
             r["needs_team_judgement"], r["alternative"][:40]) for r in records("noms")] == [
        ("1b", "sensitive", 4, True, "cEBRT", False, ""),
        ("3", "sensitive", 4, True, "cEBRT", False, ""),
        ("1b", "resistant", 4, True, "SRS", False, ""),
        ("2", "resistant", 9, True, "Separation surgery, then SRS", False, ""),
        ("2", "moderate", 4, True, "cEBRT", False, "With high-grade compression in a patient"),
        ("1c", "resistant", 3, True, "SRS", True, "Surgery is an equally documented option,"),
        ("3", "resistant", 14, False, "Percutaneous fixation where feasible, then cEBRT", False, ""),
    ]
    assert records("noms")[3]["steps"] == f"{STEP['separation_decides']} → {STEP['srs_after']}"


def test_worked_examples_anc():
    # 4500 x 55% = 2475; 2000 x 50% = 1000; 3000 x 30% = 900; 1200 x 30% = 360.
    assert [(r["wbc_cells_per_ul"], r["anc_cells_per_ul"], r["severity"]) for r in records("anc")] == [
        (4500, 2475.0, "none"), (2000, 1000.0, "mild"), (3000, 900.0, "moderate"), (1200, 360.0, "severe")]
    assert records("neutropenia") == records("anc")


def test_worked_examples_ctcae():
    assert [(r["term"], r["value"], r["example_lln"], r["grade"]) for r in records("ctcae")] == [
        ("neutrophil_count_decreased", 1800, 2000.0, 1), ("neutrophil_count_decreased", 800, 2000.0, 3),
        ("platelet_count_decreased", 60000, 150000.0, 2), ("white_blood_cell_decreased", 900, 4000.0, 4),
        ("anemia", 9.2, 12.0, 2), ("anemia", 7.5, 12.0, 3)]


def test_worked_examples_hypertension():
    assert [(r["systolic"], r["diastolic"], r["grade"]) for r in records("hypertension")] == [
        (118, 76, 0), (128, 78, 1), (145, 85, 2), (150, 102, 3), (165, 95, 3)]


def test_worked_examples_bed():
    got = [(r["total_dose_gy"], r["fractions"], r["alpha_beta_gy"], round(r["bed_gy"], 2), round(r["eqd2_gy"], 2))
           for r in records("bed")]
    assert got == [(8, 1, 10, 14.4, 12.0), (20, 5, 10, 28.0, 23.33), (30, 10, 10, 39.0, 32.5),
                   (24, 2, 10, 52.8, 44.0), (8, 1, 2, 40.0, 20.0), (30, 10, 2, 75.0, 37.5)]
    assert records("eqd2") == records("bed")


def test_worked_examples_bsa():
    got = [(r["height_cm"], r["weight_kg"], round(r["bsa_mosteller_m2"], 4), round(r["bsa_dubois_m2"], 4))
           for r in records("bsa")]
    assert got == [(170, 70, 1.8181, 1.8097), (160, 55, 1.5635, 1.5632), (180, 100, 2.2361, 2.195),
                   (150, 45, 1.3693, 1.3698)]


def test_worked_examples_unknown_name():
    with pytest.raises(InputError, match="calculator_name"):
        calc.worked_examples("apgar")


# --------------------------------------------------------------------------
# Sources, import cost
# --------------------------------------------------------------------------

ALLOWED_SOURCE_IDS = {
    "fisher2010_sins", "fourney2011_sins_validation", "bilsky2010_escc", "laufer2013_noms",
    "nci_ctcae_v5", "taplitz2018_asco_idsa", "freifeld2011_idsa", "fowler1989_lq",
    "mosteller1987_bsa", "dubois1916_bsa", "kirkpatrick2010_quantec_cord",
    "patchell2005", "oken1982_ecog",
}


def test_source_ids_are_from_the_agreed_list():
    assert set(calc.SOURCE_IDS) == ALLOWED_SOURCE_IDS
    assert calc.CALCULATOR_SOURCES == {
        "sins": "fisher2010_sins;fourney2011_sins_validation", "escc": "bilsky2010_escc",
        "noms": "laufer2013_noms;bilsky2010_escc;fisher2010_sins", "anc": "taplitz2018_asco_idsa;freifeld2011_idsa",
        "ctcae": "nci_ctcae_v5", "hypertension": "nci_ctcae_v5", "bed": "fowler1989_lq;kirkpatrick2010_quantec_cord",
        "bsa": "mosteller1987_bsa;dubois1916_bsa"}
    # The decision table shows claims of the register (the SINS ranges, cement's role, fixation for gross
    # instability), so its rows cite those claims' sources too: CIRSE 2017 and Zuckerman 2016.
    shown_claims = {"tsoumakidou2017_cirse_va", "zuckerman2016_mis"}
    for rows in ("noms_rules", "noms_steps", "noms_reasons", "noms_examples"):
        for ids in d.load(rows)["source_ids"]:
            assert set(ids.split(";")) <= ALLOWED_SOURCE_IDS | shown_claims, (rows, ids)


def test_errors_are_value_errors():
    assert issubclass(CalculatorInputError, InputError) and issubclass(InputError, ValueError)


def test_every_public_name_is_re_exported():
    for name in calc.__all__:
        assert hasattr(calc, name), name
    assert callable(calc.sins) and callable(calc.noms_pathway)


def test_import_is_light():
    code = (
        "import sys, helpers.calculators; "
        "bad = [m for m in ('pandas', 'ipywidgets', 'plotly', 'numpy') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "src")}, check=True)
    assert out.stdout.strip() == ""
