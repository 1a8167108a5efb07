"""Case studies (helpers.cases): the cases' data, the calculated scores, the explorer and the figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markupsafe import escape


def _e(text: object) -> str:
    """Text as the templates escape it."""
    return str(escape(str(text)))

from helpers import calculators as calc
from helpers import cases, data, lesson, setup
from helpers.errors import DataError, InputError
from helpers.plotting import MODALITY_COLOURS, MODALITY_ORDER, MODALITY_SYMBOLS, accessibility_problems

ROOT = Path(__file__).resolve().parents[1]
INSTRUCTOR = json.loads((ROOT / "data" / "instructor" / "08_case_studies.json").read_text(encoding="utf-8"))
QUIZ = json.loads((ROOT / "data" / "quizzes" / "08_case_studies.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def configured():
    setup()


# -- the cases as data ----------------------------------------------------------

def test_at_least_five_synthetic_cases_that_say_so():
    frame = cases.cases()
    assert len(frame) >= 5
    assert list(frame["sequence"]) == list(range(1, len(frame) + 1))
    for row in frame.itertuples(index=False):
        assert row.summary.startswith("Synthetic case"), row.id
        assert "made-up name" in row.summary, row.id


def test_together_the_cases_use_every_modality():
    used = {m for modalities in cases.modalities_used().values() for m in modalities}
    assert used == set(MODALITY_ORDER)
    for case_id, modalities in cases.modalities_used().items():
        assert len(modalities) >= 2, f"{case_id} uses only one modality"


def test_the_targeted_therapy_case_uses_the_anti_angiogenic_antibody_with_chemotherapy():
    plan = cases.treatments("colorectal_recurrence")
    assert {"bevacizumab", "intravenous_chemotherapy"} <= set(plan["subtype_id"])


def test_every_case_walks_through_the_five_stages_in_order():
    for case_id in cases.case_ids():
        rows = cases.stages(case_id)
        assert list(rows["stage"]) == list(cases.STAGES), case_id
        for row in rows.itertuples(index=False):
            for column in ("situation", "decision", "reasoning", "nursing_priorities", "patient_teaching",
                           "reflection_question"):
                assert str(getattr(row, column)).strip(), (case_id, row.stage, column)
            assert len(cases._items(row.nursing_priorities)) >= 2, (case_id, row.stage)


def test_schema_stage_enum_matches_the_helper():
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "case_stages")
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "stage")
    assert tuple(field["constraints"]["enum"]) == cases.STAGES


def test_treatment_roles_have_labels_and_steps_are_numbered_from_one():
    plan = cases.treatments()
    assert set(plan["role"].astype(str)) <= set(cases.ROLE_LABELS)
    for case_id in cases.case_ids():
        steps = plan.loc[plan["case_id"] == case_id, "sequence"].astype(int).tolist()
        assert steps == list(range(1, len(steps) + 1)), case_id


# -- scores calculated from the stored findings ------------------------------------------

@pytest.mark.parametrize("case_id, stage, total, category, escc, pathway", [
    ("breast_mscc", "assessment", 7, "potentially unstable", "2", "Surgical consultation, then cEBRT"),
    ("myeloma_vcf", "assessment", 9, "potentially unstable", "0", "Surgical consultation, then cEBRT"),
    ("renal_hybrid", "assessment", 11, "potentially unstable", "3", "Separation surgery, then SRS"),
    ("colorectal_recurrence", "assessment", 6, "stable", "1a", "SRS"),
    ("colorectal_recurrence", "follow_up", 13, "unstable", "1a", "Open stabilisation, then SRS"),
])
def test_scores_are_calculated_from_the_findings(case_id, stage, total, category, escc, pathway):
    """Hand-checked against the SINS table (Fisher 2010) and the NOMS logic (Laufer 2013)."""
    result = cases.scores(case_id, stage)
    assert (result.sins.total, result.sins.category, result.escc.grade, result.noms.pathway) == (
        total, category, escc, pathway)
    found = cases.assessment_inputs(case_id, stage)
    again = calc.sins(found["location"], found["pain"], found["bone_lesion"], found["alignment"],
                      found["collapse"], found["posterolateral"])
    assert again == result.sins


def test_the_cases_span_every_sins_category():
    categories = {cases.scores(c, s).sins.category for c in cases.case_ids() for s in cases.assessment_stages(c)}
    assert categories == {"stable", "potentially unstable", "unstable"}


def test_the_radioresistant_high_grade_case_is_hybrid_therapy():
    result = cases.scores("renal_hybrid")
    assert result.noms.escc_category == "high" and result.noms.radiosensitivity == "resistant"
    assert result.noms.steps == (
        "Separation surgery: decompression of the spinal cord; the surgeon decides whether to stabilise (SINS 7–12)",
        "Stereotactic radiosurgery (SRS) after the surgery (hybrid therapy)",
    )
    assert result.noms.rule_id == "high_resistant_potentially_unstable_fit"


def test_the_breast_case_names_decompressive_surgery_as_the_alternative():
    """Amira: moderately sensitive, ESCC 2, fit: cEBRT in this illustration, with Patchell 2005's alternative named."""
    result = cases.scores("breast_mscc")
    assert result.noms.pathway == "Surgical consultation, then cEBRT"
    assert "decompressive surgery followed by radiation is a documented alternative" in result.noms.reasoning[1]
    assert "patchell2005" in result.noms.source_ids.split(";")
    assert _e(result.noms.reasoning[1]) in cases.case_scores("breast_mscc").markup


def test_only_findings_are_stored_never_scores():
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for name in ("case_assessments", "case_observations"):
        resource = next(r for r in package["resources"] if r["name"] == name)
        columns = {f["name"] for f in resource["schema"]["fields"]}
        assert not columns & {"sins_total", "sins_category", "pathway", "hypertension_grade", "grade", "total"}


def test_hypertension_grade_is_calculated_from_the_reading():
    [reading] = cases.observations("colorectal_recurrence")
    assert reading.hypertension_grade == calc.ctcae_hypertension_grade(reading.systolic_mm_hg, reading.diastolic_mm_hg)
    assert reading.hypertension_grade == 3


def test_intramedullary_case_has_no_scores_and_says_why():
    assert cases.assessment_stages("ependymoma_young_adult") == []
    view = cases.case_scores("ependymoma_young_adult")
    assert "do not apply" in view.markup and "SINS" not in view.markup.split("</p>", 1)[1]
    with pytest.raises(InputError, match="no findings at the 'assessment' stage; this case has no findings to score"):
        cases.scores("ependymoma_young_adult")


def test_scores_view_shows_the_reasoning():
    result = cases.scores("renal_hybrid")
    markup = cases.case_scores("renal_hybrid").markup
    for text in (*result.noms.reasoning, *result.noms.steps, result.noms.caveat, result.sins.explanation):
        assert _e(text) in markup


# -- the explorer and the views ------------------------------------------------------------

def test_explorer_output_changes_with_each_control():
    explorer = cases.case_explorer()
    first = explorer.output.outputs[0]["data"]["text/html"]
    explorer.controls["stage"].value = "decision"
    second = explorer.output.outputs[0]["data"]["text/html"]
    explorer.controls["case"].value = "renal_hybrid"
    third = explorer.output.outputs[0]["data"]["text/html"]
    assert len({first, second, third}) == 3
    assert "Separation surgery" in third
    assert explorer.message.value == ""


def test_assessment_stage_shows_the_scores_and_other_stages_do_not():
    assert "SINS" in cases.stage_view("myeloma_vcf", "assessment")
    assert "Stability: SINS" not in cases.stage_view("myeloma_vcf", "presentation")
    assert "CTCAE v5.0 hypertension grade" in cases.stage_view("colorectal_recurrence", "treatment")


def test_static_face_covers_every_case_and_stage():
    face = cases.all_cases_html()
    for case_id in cases.case_ids():
        assert _e(cases.case_label(case_id)) in face
        for row in cases.stages(case_id).itertuples(index=False):
            assert _e(row.situation) in face
            assert _e(row.decision) in face


@pytest.mark.parametrize("bad, message", [
    (dict(case="case_9", stage="presentation"), "unknown case 'case_9'; choose from breast_mscc"),
    (dict(case="breast_mscc", stage="triage"), "unknown stage 'triage'; choose from presentation"),
])
def test_bad_choices_give_a_one_line_message(bad, message):
    with pytest.raises(InputError, match=message) as error:
        cases.stage_view(**bad)
    assert "\n" not in str(error.value)


def test_views_escape_text_and_have_a_plain_text_face():
    for case_id in cases.case_ids():
        for view in (cases.case_summary(case_id), cases.case_journey(case_id), cases.case_scores(case_id),
                     cases.reflection_questions(case_id)):
            assert view.markup.startswith("<") and repr(view).strip()
            assert "<script" not in view.markup


def test_reflection_questions_are_shown_but_answers_are_not():
    markup = cases.reflection_questions("breast_mscc").markup
    for row in cases.stages("breast_mscc").itertuples(index=False):
        assert _e(row.reflection_question) in markup
    for prompt in INSTRUCTOR["discussion_prompts"]:
        assert _e(prompt["suggested_answer"])[:60] not in cases.all_cases_html()


def test_every_reflection_question_has_a_suggested_answer_for_instructors():
    # The notes name the stage (case_id:stage) and the instructor page shows the stage's own question,
    # so the question is written once, in case_stages.csv.
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    import instructor

    prompts = {p["id"]: p for p in INSTRUCTOR["discussion_prompts"]}
    shown = {p["id"]: p for p in instructor.load_notes("08_case_studies")["discussion_prompts"]}
    for case_id in cases.case_ids():
        for row in cases.stages(case_id).itertuples(index=False):
            key = f"{case_id}_{row.stage}"
            assert prompts[key]["case_stage"] == f"{case_id}:{row.stage}"
            assert row.reflection_question not in prompts[key]["prompt"]  # not retyped in the notes
            assert shown[key]["prompt"].endswith(f": {row.reflection_question}")
            assert len(prompts[key]["suggested_answer"]) > 80


def test_an_unknown_case_stage_is_one_line_naming_the_allowed_values():
    with pytest.raises(DataError) as info:
        cases.reflection_question("breast_mscc:aftercare")
    message = str(info.value)
    assert "'breast_mscc:aftercare'" in message and "follow_up" in message and "\n" not in message


# -- tables and charts ------------------------------------------------------------------

def test_timeline_has_every_treatment_labelled_and_accessible():
    fig = cases.timeline_chart()
    assert accessibility_problems(fig) == []
    assert sum(len(trace.x) for trace in fig.data) == len(cases.treatments())
    modalities = data.load("modalities")
    names_to_ids = dict(zip(modalities["name"], modalities["id"]))
    for trace in fig.data:
        assert all(text for text in trace.text), trace.name
        modality = names_to_ids[trace.name]
        assert trace.marker.color == MODALITY_COLOURS[modality]
        assert {s.replace("-open", "") for s in trace.marker.symbol} == {MODALITY_SYMBOLS[modality]}
    symbols = {s for trace in fig.data for s in trace.marker.symbol}
    assert any(s.endswith("-open") for s in symbols), "conditional treatments are not marked"
    assert {t.name for t in fig.data} == set(data.load("modalities")["name"])


def test_comparison_and_red_flag_tables_cover_every_case():
    comparison = cases.comparison_table()
    assert len(comparison.df) == len(cases.case_ids())
    flags = cases.red_flags_table()
    for case_id in cases.case_ids():
        assert _e(cases.case_label(case_id)) in flags.markup
        for row in cases.stages(case_id).itertuples(index=False):
            for flag in cases._items(row.red_flags):
                assert _e(flag[:1].upper() + flag[1:]) in flags.markup


def test_what_if_changes_one_input_at_a_time():
    """Pavel: ESCC 3, radioresistant, SINS 11 (potentially unstable), fit; each what-if read from the NOMS rules."""
    table = cases.what_if("renal_hybrid").df
    changed = table.iloc[1:].apply(lambda r: sum("(changed)" in str(v) for v in r.values), axis=1)
    assert list(changed) == [1, 1, 1, 1]
    assert list(zip(table["Scenario"], table["Illustrative pathway"])) == [
        ("As in the case", "Separation surgery, then SRS"),
        ("Change ESCC grade", "Surgical consultation, then SRS"),               # grade 0: low
        ("Change response to conventional radiation", "Surgical consultation, then cEBRT"),  # sensitive
        ("Change stability", "Separation surgery, then SRS"),                   # stable
        ("Change fit for surgery", "Percutaneous stabilisation where needed, then cEBRT"),   # unfit
    ]


def test_what_if_of_every_case_follows_the_decision_table():
    expected = {
        # Amira: ESCC 2, moderately sensitive, SINS 7, fit; as radioresistant she would need separation surgery.
        "breast_mscc": ["Surgical consultation, then cEBRT", "Surgical consultation, then cEBRT",
                        "Separation surgery, then SRS", "cEBRT", "Percutaneous stabilisation where needed, then cEBRT"],
        "myeloma_vcf": ["Surgical consultation, then cEBRT", "Surgical consultation, then cEBRT",
                        "Surgical consultation, then SRS", "cEBRT", "Percutaneous stabilisation where needed, then cEBRT"],
        "colorectal_recurrence": ["SRS", "Separation surgery, then SRS", "cEBRT", "Open stabilisation, then SRS",
                                  "SRS"],
    }
    for case_id, pathways in expected.items():
        assert list(cases.what_if(case_id).df["Illustrative pathway"]) == pathways, case_id


def test_what_if_with_own_changes_and_bad_input():
    table = cases.what_if("colorectal_recurrence", escc_grade="3").df
    assert list(table["Illustrative pathway"]) == ["SRS", "Separation surgery, then SRS"]
    with pytest.raises(InputError, match="cannot change 'histology'; choose from escc_grade"):
        cases.what_if("renal_hybrid", histology="breast")
    with pytest.raises(InputError, match=r"radiosensitivity \(O: tumour response to conventional radiotherapy\) "
                                         "must be one of 'sensitive', 'moderate', 'resistant'; got 'very'"):
        cases.what_if("renal_hybrid", radiosensitivity="very")


def test_sources_shown_are_recorded_for_the_reference_list():
    cases.case_scores("renal_hybrid")
    cases.case_journey("ependymoma_young_adult")
    cited = set(lesson._cited)
    assert {"laufer2013_noms", "fisher2010_sins", "bilsky2010_escc", "lee2013_ependymoma"} <= cited


# -- knowledge check answers agree with the data ---------------------------------------------

def test_numeric_sins_question_matches_the_calculated_score():
    question = next(q for q in QUIZ["questions"] if q["id"] == "walter_sins_total")
    assert question["answer"] == cases.scores("myeloma_vcf").sins.total


def test_pathway_question_matches_the_calculated_pathway():
    question = next(q for q in QUIZ["questions"] if q["id"] == "pavel_noms")
    assert "Separation surgery" in question["options"][question["answer"]]
    assert cases.scores("renal_hybrid").noms.pathway.startswith("Separation surgery")
