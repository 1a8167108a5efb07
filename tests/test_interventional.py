"""Interventional radiology lesson (05): right rows, honest charts, a working explorer."""

import pytest

from helpers import data, interventional, lesson, setup
from helpers.errors import InputError
from helpers.plotting import accessibility_problems

IR_SUBTYPES = ["image_guided_biopsy", "thermal_ablation", "vertebroplasty", "kyphoplasty"]


@pytest.fixture(autouse=True)
def configured():
    setup()


def one_line(error) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


# -- the four procedures --------------------------------------------------------

def test_the_four_procedures_are_the_ir_subtypes_in_teaching_order():
    subtypes = data.load("modality_subtypes")
    ir = subtypes.loc[subtypes["modality_id"] == "interventional_radiology", "id"].tolist()
    assert sorted(ir) == sorted(IR_SUBTYPES)
    assert [pid for _name, pid in interventional.procedure_choices()] == IR_SUBTYPES
    assert interventional.procedure_choices()[2] == ("Vertebroplasty", "vertebroplasty")


def test_procedures_table_has_one_row_each_and_records_its_sources():
    table = interventional.procedures_table()
    assert list(table.df["Procedure"]) == ["Image-guided biopsy", "Thermal ablation", "Vertebroplasty", "Kyphoplasty"]
    assert {"Live imaging", "How it works", "Aims", "Main risks"} <= set(table.df.columns)
    assert "<table" in table._repr_html_() and "<caption" in table._repr_html_()
    assert {"sgalambro2022_ir_bone", "ryan2022_cirse_ablation", "mskcc_spine_mis"} <= set(lesson._cited)


def test_unknown_procedure_is_named_with_the_choices():
    with pytest.raises(InputError) as caught:
        interventional.procedure_view("laser")
    message = one_line(caught)
    assert "'laser'" in message and "vertebroplasty" in message and "kyphoplasty" in message


def test_noms_table_says_cement_does_not_treat_the_tumour():
    table = interventional.noms_fit_table()
    rows = table.df.set_index("Procedure")
    for name in ("Vertebroplasty", "Kyphoplasty"):
        text = rows.loc[name, "Where it fits"]
        # The register's wording (ir_cement_role, surg_gross_instability_fixation), rendered into the table.
        assert "without gross instability can be treated with cement" in text and "does not treat the tumour" in text
        assert "open surgery, or screws placed through the skin" in text
    assert "fisher2010_sins" in lesson._cited and "laufer2013_noms" in lesson._cited


# -- vertebroplasty and kyphoplasty side by side ----------------------------------

def test_comparison_is_side_by_side_with_every_aspect():
    table = interventional.augmentation_comparison()
    assert list(table.df.columns) == ["Aspect", "Vertebroplasty", "Kyphoplasty"]
    assert len(table.df) == len(data.load("augmentation_comparison"))
    rows = table.df.set_index("Aspect")
    assert "balloon" in rows.loc["How it works", "Kyphoplasty"]
    assert "straight" in rows.loc["How it works", "Vertebroplasty"]


def test_height_restoration_is_not_overstated():
    rows = data.load("augmentation_comparison").set_index("id")
    assert "no significant difference" in rows.loc["height", "kyphoplasty"]
    assert "beall2018_va_meta" in rows.loc["height", "source_ids"]


def test_aims_chart_has_a_marker_for_every_procedure_goal_pair():
    fig = interventional.aims_chart()
    links = data.load("subtype_goals")
    links = links[links["subtype_id"].isin(IR_SUBTYPES)]
    assert sum(len(trace.x) for trace in fig.data) == len(links)
    by_name = {trace.name: list(trace.x) for trace in fig.data}
    assert "Restore vertebral height" in by_name["Kyphoplasty"]
    assert "Restore vertebral height" not in by_name["Vertebroplasty"]
    assert len({trace.marker.symbol for trace in fig.data}) == len(fig.data)


# -- trial results ------------------------------------------------------------------

@pytest.mark.parametrize("study, arms, points", [
    ("evans2016_vp_kp", {"Vertebroplasty", "Kyphoplasty"}, 8),
    ("berenson2011_cafe", {"Kyphoplasty", "Non-surgical care"}, 4),
])
def test_outcome_chart_plots_every_value_over_time(study, arms, points):
    fig = interventional.outcome_chart(study)
    assert {trace.name for trace in fig.data} == arms
    assert sum(len(trace.y) for trace in fig.data) == points
    rows = interventional.outcomes(study)
    assert sorted(v for trace in fig.data for v in trace.y) == sorted(rows["value"].tolist())
    order = list(fig.layout.xaxis.categoryarray)
    assert order[0] == "baseline"
    assert accessibility_problems(fig) == []
    assert any(str(rows["population"].iloc[0])[:30] in a.text.replace("<br>", " ") for a in fig.layout.annotations)


def test_value_labels_of_two_arms_never_sit_on_the_same_side():
    for study in ("evans2016_vp_kp", "berenson2011_cafe"):
        fig = interventional.outcome_chart(study)
        first, second = fig.data
        for x, a, b in zip(first.x, first.textposition, second.textposition):
            assert a != b, (study, x)


def test_cafe_numbers_match_the_trial():
    rows = interventional.outcomes("berenson2011_cafe").set_index(["arm", "day"])["value"]
    assert rows[("kyphoplasty", 0)] == 17.6 and rows[("kyphoplasty", 30)] == 9.1
    assert rows[("non_surgical_care", 0)] == 18.2


def test_unknown_study_lists_the_studies():
    with pytest.raises(InputError) as caught:
        interventional.outcomes("smith1999")
    message = one_line(caught)
    assert "evans2016_vp_kp" in message and "berenson2011_cafe" in message


def test_leakage_chart_shows_both_procedures_without_relying_on_colour():
    fig = interventional.leakage_chart()
    by_arm = {trace.name: dict(zip(trace.y, trace.x)) for trace in fig.data}
    assert set(by_arm) == {"Vertebroplasty", "Kyphoplasty"}
    studies = set(by_arm["Vertebroplasty"])
    assert len(studies) >= 2, "leakage is shown as a range across reviews, not one ratio (issue 11, finding 9)"
    for study in studies:
        assert by_arm["Vertebroplasty"][study] > by_arm["Kyphoplasty"][study]
    assert all(trace.text for trace in fig.data)
    assert len({trace.marker.pattern.shape for trace in fig.data}) == len(fig.data)
    assert accessibility_problems(fig) == []


# -- nursing care and the explorer ----------------------------------------------------

def test_care_rows_follow_the_procedure():
    cement = interventional.care_rows("vertebroplasty")
    biopsy = interventional.care_rows("image_guided_biopsy")
    ablation = interventional.care_rows("thermal_ablation")
    assert set(cement["applies_to"].astype(str)) == {"all_procedures", "cement_augmentation"}
    assert set(biopsy["applies_to"].astype(str)) == {"all_procedures"}
    assert "ablation" in set(ablation["applies_to"].astype(str))
    phases = cement["phase"].astype(str).tolist()
    assert phases == sorted(phases, key=["before", "after", "going_home"].index)
    assert len(interventional.care_rows()) == len(data.load("ir_nursing_care"))


def test_lying_flat_and_other_local_routines_say_practice_varies():
    care = data.load("ir_nursing_care")
    flat = care[care["action"].str.contains("lying flat")]
    assert len(flat) and flat["practice_varies"].all()
    varies = care[care["practice_varies"]]
    assert (varies["practice_note"] != "").all()


def test_care_table_shows_phase_and_what_varies():
    table = interventional.care_table("kyphoplasty")
    assert list(table.df.columns) == ["When", "What the nurse does", "Why", "Local practice"]
    assert "Varies:" in " ".join(table.df["Local practice"])
    assert "patel2019_sir_bleeding" in lesson._cited


def test_explorer_output_changes_with_the_procedure():
    explorer = interventional.procedure_explorer()
    control = explorer.controls["procedure"]
    assert control.description
    control.value = "kyphoplasty"
    shown = " ".join(o["data"]["text/html"] for o in explorer.output.outputs)
    assert "balloon" in shown
    control.value = "image_guided_biopsy"
    shown = " ".join(o["data"]["text/html"] for o in explorer.output.outputs)
    assert "pathologist" in shown and "balloon" not in shown
    assert explorer.message.value == ""


def test_explorer_static_face_lists_every_procedure_and_its_care():
    bundle = interventional.procedure_explorer()._repr_mimebundle_()
    html = bundle["text/html"]
    for name in ("Image-guided biopsy", "Thermal ablation", "Vertebroplasty", "Kyphoplasty"):
        assert name in html
    assert html.count("Check the blood count") == 1  # shared care listed once
    assert html.count("cement hardens") == 2  # cement care on both cement procedures
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_every_figure_is_labelled():
    for fig in (interventional.aims_chart(), interventional.leakage_chart(),
                interventional.outcome_chart("evans2016_vp_kp"), interventional.outcome_chart("berenson2011_cafe")):
        assert accessibility_problems(fig) == []
        assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_builders_are_deterministic():
    assert interventional.outcome_chart("evans2016_vp_kp").to_json() == interventional.outcome_chart("evans2016_vp_kp").to_json()
    assert interventional.procedures_table()._repr_html_() == interventional.procedures_table()._repr_html_()


def test_care_table_caption_names_every_procedure_sharing_the_care():
    assert interventional.care_table("kyphoplasty").caption == "Nursing care before and after vertebroplasty and kyphoplasty"
    assert interventional.care_table("image_guided_biopsy").caption.endswith("image-guided biopsy")


def test_aims_chart_cites_only_the_rows_it_shows():
    lesson._cited.clear()
    interventional.aims_chart()
    assert "patchell2005" not in lesson._cited and not {"lutz2017_astro", "alcorn2024_astro"} & set(lesson._cited)
    assert "ryan2022_cirse_ablation" in lesson._cited
