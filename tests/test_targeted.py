"""Targeted therapy helpers (notebook 06): cited rows, right comparisons, labelled charts, clear errors."""

from __future__ import annotations

import pytest

from helpers import data, lesson, setup, side_effects, targeted
from helpers.errors import InputError
from helpers.explorer import display_bundle
from helpers.plotting import accessibility_problems


@pytest.fixture(autouse=True)
def configured():
    setup()
    data.clear_cache()
    lesson._cited.clear()
    yield
    lesson._cited.clear()


# -- comparison with chemotherapy ----------------------------------------------

def test_comparison_covers_the_seed_side_effects_in_order():
    rows = targeted.side_effect_comparison()
    assert rows["effect"].tolist() == [
        "Low blood counts", "Tiredness", "Mouth sores", "Nausea", "Diarrhoea", "High blood pressure",
        "Fluid build-up (usually in the legs)",
    ]


def test_comparison_reads_frequencies_from_side_effects():
    rows = targeted.side_effect_comparison().set_index("effect")
    # Bands are computed from the cited numbers; a row without one is "not quantified", never a band.
    assert side_effects.band_span("tt_fatigue") is None
    assert rows.loc["Tiredness", "targeted_frequency"] == side_effects.NOT_QUANTIFIED
    # Temozolomide nausea, 36-49% of people (Temodar USPI): 10% or more is very common (CIOMS).
    assert rows.loc["Nausea", "chemotherapy_frequency"] == "very_common"
    assert rows.loc["Nausea", "chemotherapy_band"] == "Very common"
    assert "Temodar USPI" in rows.loc["Nausea", "chemotherapy_note"]
    # High blood pressure has no chemotherapy row: shown as "not a usual effect", not as a frequency.
    assert rows.loc["High blood pressure", "chemotherapy_frequency"] == targeted.NOT_USUAL
    assert rows.loc["High blood pressure", "chemotherapy_effect"] == ""


def test_every_compared_row_belongs_to_the_right_modality():
    pairs = data.load("targeted_side_effect_comparison")
    effects = data.load("side_effects").set_index("id")
    assert set(effects.loc[pairs["targeted_side_effect_id"], "modality_id"]) == {"targeted_therapy"}
    chemo = [i for i in pairs["chemotherapy_side_effect_id"] if i]
    assert set(effects.loc[chemo, "modality_id"]) == {"chemotherapy"}


def test_comparison_chart_labels_every_cell_in_words():
    fig = targeted.side_effect_comparison_chart()
    assert accessibility_problems(fig) == []
    rows = targeted.side_effect_comparison()
    texts = [a.text for a in fig.layout.annotations]
    assert len(texts) == 2 * len(rows)
    assert "Not a usual effect" in texts and "Not quantified" in texts and "Very common" in texts
    # Colour steps follow the frequency order, so darker always means more often.
    heat = fig.data[0]
    by_cell = {(y, x): z for y, row in zip(heat.y, heat.z) for x, z in zip(heat.x, row)}
    assert by_cell[("High blood pressure", "Chemotherapy")] < by_cell[("High blood pressure", "Targeted therapy")]


def test_comparison_cites_the_side_effect_rows_it_shows():
    targeted.side_effect_comparison_chart()
    assert {"mdanderson_targeted_side_effects", "nci_chemo_and_you", "nci_edema", "avastin_uspi"} <= set(lesson._cited)


def test_tables_have_captions_and_rows():
    for table in (targeted.how_it_works_table(), targeted.forms_table(), targeted.recurrence_plan_table(),
                  targeted.bone_agent_table(), targeted.side_effect_comparison_table(), targeted.surgery_rules_table()):
        assert "<table" in table._repr_html_() and "<caption" in table._repr_html_()
        assert len(table.df) > 0


def test_bone_agents_are_never_called_anti_tumour():
    forms = targeted.forms_table().df.set_index("Form")
    bone = forms[forms["Group"] == "Bone-modifying drugs (supportive care)"]
    assert set(bone.index) == {"Denosumab", "Zoledronic acid"}
    assert set(forms.loc[forms["Group"] == "Targeted therapy"].index) == {
        "Anti-angiogenic monoclonal antibody (bevacizumab)", "Small-molecule targeted drug"}
    assert all("does not treat the cancer" in text for text in bone["What it acts on"])
    assert set(targeted.bone_agent_table().df["Drug"]) == set(bone.index)


def test_recurrence_plan_says_off_label_and_combination():
    text = " ".join(targeted.recurrence_plan_table().df["Why it is considered"])
    assert "off-label" in text and "combined" in text


# -- monitoring explorer -------------------------------------------------------

def test_blood_pressure_situations_are_graded_with_ctcae_v5():
    grades = {i: targeted.blood_pressure_grade(i) for i in ("bp_normal", "bp_raised_new", "bp_severe", "bp_crisis")}
    assert grades == {"bp_normal": 0, "bp_raised_new": 2, "bp_severe": 3, "bp_crisis": 3}
    assert targeted.blood_pressure_grade("dipstick_2plus") is None


def test_crisis_card_says_what_numbers_cannot_capture():
    card = targeted.situation_card("bp_crisis")
    assert "grade from the numbers alone:</strong> 3" in card
    assert "grade 4" in card and "Medical review immediately" in card  # NICE NG234's fastest tier, from the vocabulary


def test_action_levels_escalate_with_the_finding():
    rows = targeted.monitoring_situations().set_index("id")
    assert rows.loc["dipstick_negative", "action_level"] == "routine"
    assert rows.loc["dipstick_2plus", "action_level"] == "report"
    assert rows.loc["protein_over_2g", "action_level"] == "withhold"
    assert rows.loc["abdominal_pain", "action_level"] == "urgent"
    assert "24-hour" in rows.loc["dipstick_2plus", "nurse_action"]


def test_every_situation_has_a_menu_entry_and_a_card():
    choices = targeted.situation_choices()
    assert len(choices) == len(targeted.monitoring_situations())
    for _label, situation in choices:
        card = targeted.situation_card(situation)
        assert "What the nurse does" in card and "Sources:" in card


def test_unknown_situation_is_one_line():
    with pytest.raises(InputError, match="unknown situation 'bp_low'") as caught:
        targeted.situation_card("bp_low")
    assert "\n" not in str(caught.value)


def test_monitoring_explorer_changes_with_the_control_and_has_a_static_table():
    explorer = targeted.monitoring_explorer()
    first = explorer.output.outputs[0]["data"]["text/html"]
    explorer.controls["situation_id"].value = "dipstick_2plus"
    second = explorer.output.outputs[0]["data"]["text/html"]
    assert first != second and "24-hour" in second
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    static = bundle["text/html"]
    for _label, situation in targeted.situation_choices():
        row = targeted.monitoring_situations().set_index("id").loc[situation]
        assert row["situation"].replace("&", "&amp;")[:30] in static


# -- surgery timing --------------------------------------------------------------

@pytest.mark.parametrize("days, label, guidance", [(0, False, False), (27, False, False), (28, True, False),
                                                  (41, True, False), (42, True, True), (60, True, True)])
def test_gap_check_against_label_and_longer_guidance(days, label, guidance):
    check = targeted.surgery_gap_check(days)
    assert (check.meets_label, check.meets_longer_guidance) == (label, guidance)
    assert str(days) in check.summary


def test_gap_thresholds_come_from_the_data():
    rules = data.load("bevacizumab_surgery_timing").set_index("id")
    check = targeted.surgery_gap_check(1)
    assert check.label_min_days == int(rules.loc["label_before", "min_days"]) == 28
    assert (check.guidance_min_days, check.guidance_max_days) == (42, 56)
    assert int(rules.loc["label_after", "min_days"]) == 28 and "healed" in rules.loc["label_after", "condition"]


@pytest.mark.parametrize("bad, words", [(-1, "between 0 and 365"), (400, "between 0 and 365"),
                                        (2.5, "whole number"), ("21", "whole number"), (True, "whole number")])
def test_bad_gap_is_one_line(bad, words):
    with pytest.raises(InputError, match=words) as caught:
        targeted.surgery_gap_check(bad)
    assert "\n" not in str(caught.value)


def test_timeline_marks_the_plan_and_is_labelled():
    short, long = targeted.surgery_timeline(14), targeted.surgery_timeline(49)
    for fig in (short, long):
        assert accessibility_problems(fig) == []
    plan = [t for t in short.data if t.type == "scatter"][0]
    assert plan.x[0] == -14 and "too close" in plan.text[0] and plan.marker.symbol == "x"
    plan = [t for t in long.data if t.type == "scatter"][0]
    assert plan.x[0] == -49 and "meets the label" in plan.text[0]


def test_timing_explorer_changes_with_the_slider_and_has_a_menu_face():
    explorer = targeted.surgery_timing_explorer()
    before = explorer.output.outputs[0]["data"]["text/html"]
    explorer.controls["days"].value = 35
    after = explorer.output.outputs[0]["data"]["text/html"]
    assert before != after and "35 days" in after
    static = explorer.static_face
    assert accessibility_problems(static) == []
    labels = [b.label for b in static.layout.updatemenus[0].buttons]
    assert labels == [f"{d} days" for d in targeted.STATIC_GAPS]
    assert "text/html" in display_bundle(static)


def test_builders_are_deterministic():
    assert targeted.side_effect_comparison_chart().to_json() == targeted.side_effect_comparison_chart().to_json()
    assert targeted.all_situations_table()._repr_html_() == targeted.all_situations_table()._repr_html_()
