"""Surgery lesson builders (helpers.surgery): right rows, computed numbers, labelled charts, clear errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import calculators as calc
from helpers import lesson, setup, surgery
from helpers.data import load
from helpers.errors import InputError
from helpers.explorer import Explorer, LiveWithStaticFace
from helpers.plotting import accessibility_problems

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def configured():
    setup()
    lesson._cited.clear()
    yield
    lesson._cited.clear()


def axis_titles(fig):
    """Every x and y axis title of a figure, subplots included."""
    layout = fig.to_plotly_json()["layout"]
    return {name: (axis.get("title") or {}).get("text") for name, axis in layout.items()
            if re.fullmatch(r"[xy]axis\d*", name)}


# -- situations ---------------------------------------------------------------

def test_the_six_situations_the_lesson_teaches_are_there_in_order():
    rows = surgery.situations()
    assert list(rows["sequence"]) == list(range(1, len(rows) + 1))
    by_id = rows.set_index("id")
    assert by_id.loc["primary_bone_en_bloc", "subtype_id"] == "en_bloc_resection"
    assert by_id.loc["primary_bone_en_bloc", "tumour_removal"] == "whole_with_margin"
    assert by_id.loc["intramedullary_ependymoma", "tumour_removal"] == "complete_if_separable"
    assert by_id.loc["infiltrative_astrocytoma", "tumour_removal"] == "as_much_as_safe"
    assert by_id.loc["metastatic_separation_surgery", "subtype_id"] == "separation_surgery"
    assert by_id.loc["csf_build_up", "subtype_id"] == "csf_shunt"
    assert set(rows["tumour_group"].astype(str)) == set(surgery.TUMOUR_GROUP_LABELS)
    assert all(text.startswith("Synthetic case:") for text in rows["synthetic_case"])


def test_every_situation_uses_a_form_of_surgery():
    subtypes = load("modality_subtypes").set_index("id")["modality_id"]
    for subtype in surgery.situations()["subtype_id"]:
        assert subtypes[subtype] == "surgery"


def test_each_situation_has_exactly_one_main_aim_and_the_expected_ones():
    goals = surgery.situation_goals()
    main = goals[goals["aim"].astype(str) == "main"]
    assert sorted(main["situation_id"]) == sorted(surgery.situations()["id"])
    main_goal = dict(zip(main["situation_id"], main["goal_id"]))
    assert main_goal["primary_bone_en_bloc"] == "cure_or_local_control"
    assert main_goal["metastatic_separation_surgery"] == "decompression"
    assert main_goal["unstable_spine_stabilisation"] == "stabilisation"
    assert main_goal["csf_build_up"] == "csf_flow_relief"


def test_the_sins_in_the_unstable_spine_case_is_what_the_calculator_gives():
    case = surgery.situations().set_index("id").loc["unstable_spine_stabilisation", "synthetic_case"]
    stated = int(re.search(r"SINS (\d+)", case).group(1))
    # L1, mechanical pain, lytic, normal alignment, >50% collapse, bilateral posterolateral: as the case says.
    result = calc.sins("L1", "mechanical", "lytic", "normal", "over_50", "bilateral")
    assert stated == result.total
    assert result.category in case


def test_card_shows_case_goal_and_every_priority_with_sources():
    card = surgery.situation_card("csf_build_up")
    for priority in surgery.nursing_priorities("csf_build_up"):
        assert priority in card
    assert "Synthetic case" in card and 'href="#ref-nci_pdq_adult_cns"' in card
    assert len(surgery.nursing_priorities("csf_build_up")) >= 3


def test_unknown_situation_is_one_line_naming_the_choices():
    with pytest.raises(InputError) as error:
        surgery.situation_card("brain_surgery")
    message = str(error.value)
    assert "\n" not in message and "brain_surgery" in message and "csf_build_up" in message
    with pytest.raises(InputError):
        surgery.aims_chart(highlight="nope")


def test_explorer_output_follows_the_control_and_static_face_lists_every_situation():
    explorer = surgery.situation_explorer()
    assert isinstance(explorer, Explorer)
    first = explorer.output.outputs
    explorer.controls["situation"].value = "csf_build_up"
    second = explorer.output.outputs
    assert first != second
    assert "Cerebrospinal fluid build-up" in second[0]["data"]["text/html"]
    static = explorer.static_face._repr_html_()
    for title, _sid in surgery.situation_choices():
        assert title in static
    bundle = explorer._repr_mimebundle_()
    assert "text/html" in bundle and "application/vnd.jupyter.widget-view+json" in bundle


def test_aims_chart_is_labelled_and_highlight_labels_only_the_chosen_row():
    plain = surgery.aims_chart()
    assert accessibility_problems(plain) == []
    assert sum(len(t.x) for t in plain.data) == len(surgery.situation_goals())
    chosen = surgery.aims_chart(highlight="unstable_spine_stabilisation")
    labelled = [t for t in chosen.data if t.text is not None]
    assert labelled and all(t.opacity == 1.0 for t in labelled)
    assert sum(len(t.x) for t in labelled) == len(surgery.situation_goals("unstable_spine_stabilisation"))
    symbols = {t.marker.symbol for t in plain.data}
    assert symbols == {"star", "circle-open"}, "main and other aims must differ by shape, not colour alone"


# -- open versus minimally invasive ------------------------------------------------

def test_comparison_covers_the_aspects_the_lesson_compares():
    aspects = set(surgery.approach_comparison()["id"])
    assert {"incision", "blood_loss", "bed_rest", "hospital_stay", "next_treatment", "nutrition"} <= aspects


def test_pooled_numbers_are_consistent_and_their_direction_matches_the_data():
    rows = surgery.pooled_outcomes()
    assert len(rows) >= 6
    for _i, row in rows.iterrows():
        assert row["ci_low"] <= row["estimate"] <= row["ci_high"], row["id"]
        assert row["direction"] == str(row["favours"]), row["id"]
        if str(row["measure"]) == "odds_ratio":
            assert row["ci_low"] > 0 and str(row["unit"]) == ""
        else:
            assert str(row["unit"]) in {"days", "mL", "minutes"}
    rows_without = surgery.approach_comparison()
    rows_without = rows_without[rows_without["measure"].isna()]
    assert rows_without[["estimate", "ci_low", "ci_high"]].isna().all().all()


@pytest.mark.parametrize(("measure", "low", "high", "expected"), [
    ("mean_difference", -4.5, -1.66, "minimally_invasive"),
    ("mean_difference", -73.36, 2.91, "no_clear_difference"),
    ("odds_ratio", 0.15, 0.45, "minimally_invasive"),
    ("odds_ratio", 0.15, 2.84, "no_clear_difference"),
    ("odds_ratio", 0.5, 1.0, "no_clear_difference"),
])
def test_pooled_direction(measure, low, high, expected):
    assert surgery.pooled_direction(measure, low, high) == expected


def test_pooled_direction_rejects_bad_input_in_one_line():
    with pytest.raises(InputError, match="measure must be"):
        surgery.pooled_direction("risk_ratio", 0.1, 0.2)
    with pytest.raises(InputError, match="not a valid interval"):
        surgery.pooled_direction("odds_ratio", 2.0, 1.0)


def test_pooled_result_text_is_computed_from_the_numbers():
    rows = surgery.approach_comparison().set_index("id")
    assert surgery.pooled_result_text(rows.loc["hospital_stay"]) == (
        "−3.08 days (95% CI −4.50 to −1.66 days): better with minimally invasive surgery")
    assert surgery.pooled_result_text(rows.loc["operating_time"]).endswith("no clear difference")
    assert surgery.pooled_result_text(rows.loc["transfusion"]).startswith("Odds ratio 0.26")
    assert surgery.pooled_result_text(rows.loc["nutrition"]) == "—"


def test_comparison_table_and_caption_come_from_the_data():
    table = surgery.approach_comparison_table()
    assert len(table.df) == len(surgery.approach_comparison())
    assert "10 comparative studies" in table.caption


def test_forest_plot_shows_every_pooled_outcome_on_titled_axes():
    fig = surgery.mis_evidence_chart()
    assert accessibility_problems(fig) == []
    titles = axis_titles(fig)
    # Every panel's x-axis says its unit; one "Outcome" title on the top panel serves the
    # outcome names of all panels (one per panel sat staggered at different distances).
    assert titles and all(t for name, t in titles.items() if name.startswith("x")), titles
    assert [t for name, t in titles.items() if name.startswith("y") and t] == ["Outcome"], titles
    assert sum(len(t.x) for t in fig.data) == len(surgery.pooled_outcomes())
    panels = len([name for name in titles if name.startswith("x")])
    assert len(fig.layout.shapes) == panels, "one no-difference line per panel"
    assert {t.marker.symbol for t in fig.data} <= {"diamond", "circle-open"}


# -- scales -----------------------------------------------------------------------

def test_noms_decision_table_rows_are_the_published_decisions():
    """Each row's pathway, read from data/noms_rules.csv, checked against Laufer 2013 by hand."""
    rows = surgery.noms_decisions()
    assert list(zip(rows["escc_grade"], rows["radiosensitivity"], rows["sins_total"], rows["fit_for_surgery"],
                    rows["pathway"], rows["first_step"])) == [
        ("1b", "sensitive", 4, True, "cEBRT", "Radiation first"),
        ("3", "sensitive", 4, True, "cEBRT", "Radiation first"),          # radiosensitive: any ESCC grade
        ("1b", "resistant", 4, True, "SRS", "Radiation first"),
        ("3", "resistant", 4, True, "Separation surgery, then SRS", "Separation surgery, then radiosurgery"),
        ("2", "moderate", 4, True, "cEBRT", "Radiation first"),
        ("1c", "resistant", 3, True, "SRS", "Radiation first"),           # borderline: never separation surgery
        ("1b", "resistant", 14, True, "Open stabilisation, then SRS", "Stabilisation first, then radiation"),
        ("1b", "sensitive", 14, False, "Percutaneous fixation where feasible, then cEBRT",
         "Stabilisation first, then radiation"),
        ("1b", "resistant", 9, False, "Percutaneous stabilisation where needed, then SRS",
         "Stabilisation where needed, then radiation"),
        ("3", "resistant", 4, False, "cEBRT", "Radiation first"),
    ]
    assert surgery.NOMS_EXAMPLES == tuple(zip(rows["escc_grade"], rows["radiosensitivity"], rows["sins_total"],
                                              rows["fit_for_surgery"]))


def test_noms_decision_table_shows_the_moderately_sensitive_alternative_and_1c_judgement():
    """The review: without a moderately radiosensitive row the decompressive alternative was invisible on static pages."""
    table = surgery.noms_decision_table()
    frame = table.df
    alternative = frame["Documented alternative the team may weigh"]
    moderate = frame[frame["O: response to conventional radiation"] == "Moderately sensitive"]
    assert len(moderate) == 1
    assert moderate.iloc[0]["Documented alternative the team may weigh"].startswith(
        "With high-grade compression in a patient fit for surgery, decompressive surgery followed by radiation")
    borderline = frame[frame["N: cord compression (ESCC grade)"].str.startswith("1c")]
    assert borderline.iloc[0]["N: cord compression (ESCC grade)"] == "1c (borderline grade); the team decides"
    assert borderline.iloc[0]["Documented alternative the team may weigh"] == (
        "Surgery is an equally documented option, especially with myelopathy.")
    assert (alternative == "None named in this illustration").sum() == len(frame) - 2
    assert "patchell2005" in set(";".join(surgery.noms_decisions()["source_ids"]).split(";"))
    assert "<table" in table._repr_html_()


def test_the_lesson_does_not_type_the_number_of_noms_combinations():
    """02 said "seven illustrative combinations" above an eight-row table: the count is not typed at all."""
    notebook = json.loads((ROOT / "notebooks" / "02_surgery.ipynb").read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"]
    [above] = [text for text in sources if "illustrative combinations" in text]
    numbers = r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"
    assert not re.search(numbers + r" illustrative combinations", above), above


def test_noms_table_first_step_agrees_with_the_steps():
    """A row whose first step is stabilisation never says "Radiation first"; an unfit patient never gets cement
    as the stabilisation of an unstable spine."""
    for _, row in surgery.noms_decisions().iterrows():
        first = row["steps"].split(" → ")[0].lower()
        if row["first_step"] == "Radiation first":
            assert first.startswith(("conventional", "stereotactic")), row["steps"]
        else:
            assert not first.startswith(("conventional", "stereotactic")), row["steps"]
        if row["stability"] == "unstable" and not row["fit_for_surgery"]:
            assert "fixation" in first and "cement" not in row["steps"].lower()


@pytest.mark.parametrize(("pathway", "family"), [
    ("Separation surgery, then SRS", "Separation surgery, then radiosurgery"),
    ("Open stabilisation, then SRS", "Stabilisation first, then radiation"),
    ("Percutaneous fixation where feasible, then cEBRT", "Stabilisation first, then radiation"),
    ("Percutaneous stabilisation where needed, then cEBRT", "Stabilisation where needed, then radiation"),
    ("Surgical consultation, then cEBRT", "Surgical opinion on stability first"),
    ("cEBRT", "Radiation first"),
])
def test_decision_family(pathway, family):
    assert surgery.decision_family(pathway) == family


def test_shared_calculator_cites_its_sources_for_the_reference_list():
    from helpers import calculator_widgets

    shown = calculator_widgets.calculator("sins")
    assert isinstance(shown, LiveWithStaticFace)
    assert {"fisher2010_sins", "fourney2011_sins_validation"} <= set(lesson._cited)
    with pytest.raises(InputError, match="unknown calculator"):
        calculator_widgets.calculator("tokuhashi")


def test_builders_record_their_sources_for_the_reference_list():
    surgery.all_situations_table()
    surgery.approach_comparison_table()
    assert {"stacchiotti2015_chordoma", "oh2013_ependymoma", "hinojosa2022_mis_meta",
            "itshayek2014_srs_timing"} <= set(lesson._cited)


def test_teaching_points_fill_every_section_with_four_to_seven_points():
    for section in lesson.SECTIONS:
        rows = lesson.points("02_surgery", section).rows
        assert 4 <= len(rows) <= 7, section


def test_goal_axis_puts_main_aims_first_in_situation_order():
    links = surgery.situation_goals()
    order = surgery.goal_axis_order(links)
    assert set(order) == set(links["goal"]) and len(order) == len(set(order))
    main = links[links["aim"].astype(str) == "main"]["goal"].tolist()
    assert order[:len(set(main))] == list(dict.fromkeys(main))
