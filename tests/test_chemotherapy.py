"""Lesson 03 (chemotherapy): the data behind it, its builders and its explorer."""

from __future__ import annotations

import re

import pytest

from helpers import chemotherapy as chemo
from helpers import data, lesson, setup
from helpers.errors import InputError
from helpers.explorer import display_bundle
from helpers.plotting import accessibility_problems

SLUG = "03_chemotherapy"


@pytest.fixture(autouse=True)
def configured():
    setup()


# --------------------------------------------------------------------------
# The data tables
# --------------------------------------------------------------------------

def test_three_routes_in_teaching_order_each_a_chemotherapy_form():
    routes = chemo.routes()
    assert list(routes["id"]) == list(chemo.ROUTE_ORDER)
    subtypes = data.load("modality_subtypes").set_index("id")
    for subtype in routes["subtype_id"]:
        assert subtypes.loc[subtype, "modality_id"] == "chemotherapy"
    level = dict(zip(routes["id"], routes["invasiveness_level"]))
    assert level["intrathecal"] > level["oral"]


def test_phases_cover_every_day_of_the_cycle_once():
    covered = []
    for row in chemo.phases().itertuples(index=False):
        assert row.day_min <= row.day_max
        covered += list(range(row.day_min, row.day_max + 1))
    assert covered == list(range(chemo.CYCLE_DAYS[0], chemo.CYCLE_DAYS[1] + 1))


def test_nadir_phase_is_the_cited_window():
    nadir = chemo.phases().set_index("id").loc["nadir"]
    assert (nadir["day_min"], nadir["day_max"]) == (7, 14)
    assert "cdc_neutropenia" in nadir["source_ids"]


def test_every_phase_has_checks_and_the_treatment_day_has_some_for_each_route():
    table = data.load("chemotherapy_cycle_checks")
    for phase in chemo.phases()["id"]:
        assert (table["phase_id"] == phase).any(), phase
    for route in chemo.ROUTE_ORDER:
        own = table[(table["phase_id"] == "treatment_day") & (table["route_id"] == route)]
        assert len(own) >= 2, route


def test_intrathecal_rules_name_every_safeguard():
    text = " ".join(chemo.checks("intrathecal", "treatment_day")["check"]).lower()
    for safeguard in ("vinca", "register", "two-person", "preservative-free", "minibag", "platelets"):
        assert safeguard in text, safeguard


def test_illustrative_course_follows_the_cited_timing():
    course = chemo.blood_count_course()
    assert course["illustrative"].all()
    typical = chemo.blood_count_course("typical").set_index("day")["neutrophils_percent_of_baseline"]
    assert typical.loc[0] == 100
    assert 7 <= typical.idxmin() <= 14, "usual nadir about days 7-14 after the dose (CDC, Holland-Frei)"
    assert typical.loc[21:28].min() >= 90, "usually recovered by about 3-4 weeks"
    temozolomide = chemo.blood_count_course("temozolomide").set_index("day")["neutrophils_percent_of_baseline"]
    assert 21 <= temozolomide.idxmin() <= 28, "temozolomide nadir about days 21-28 (Temodar label)"
    later = chemo.blood_count_course("later_nadir").set_index("day")["neutrophils_percent_of_baseline"]
    assert 28 <= later.idxmin() <= 42, "nitrosourea nadir 4-6 weeks after the dose"
    assert later.loc[42] < 90, "still low at six weeks, as the lomustine label warns"


def test_every_seed_side_effect_has_its_tissue():
    tissues = chemo.tissues()
    for effect in ("chemo_hair_loss", "chemo_nausea_vomiting", "chemo_diarrhoea", "chemo_low_white_cells_infection",
                   "chemo_anaemia_fatigue", "chemo_bruising_bleeding"):
        assert effect in set(tissues["side_effect_id"]), effect
    assert set(tissues["tissue_group"].astype(str)) == set(chemo.TISSUE_GROUPS)
    marrow = tissues[tissues["tissue_group"] == "bone_marrow"]
    assert len(marrow) == 3  # white cells, red cells, platelets


def test_teaching_points_for_every_section():
    for section in ("nursing_considerations", "patient_teaching", "key_points", "red_flags"):
        assert 4 <= len(lesson.points(SLUG, section).rows) <= 7, section


def test_supportive_care_groups_name_existing_rows():
    known = set(data.load("supportive_care")["id"])
    for ids in chemo.SUPPORTIVE_CARE_GROUPS.values():
        assert set(ids) <= known


# --------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------

def all_figures():
    figures = [chemo.mechanism_chart(), chemo.nadir_chart(), chemo.cycle_explorer().static_face]
    figures += [chemo.cycle_chart(phase) for phase in chemo.phases()["id"]]
    figures += [chemo.cycle_chart("nadir", day=9)]
    return figures


def test_every_figure_is_labelled():
    for fig in all_figures():
        assert accessibility_problems(fig) == [], fig.layout.title.text


def test_blood_count_charts_say_they_are_illustrative():
    for fig in [chemo.nadir_chart(), chemo.cycle_explorer().static_face] + [chemo.cycle_chart("recovery")]:
        assert "illustrative" in fig.layout.title.text.lower()
        assert "not a specific drug" in fig.layout.title.text


def test_mechanism_chart_links_each_effect_to_its_tissue_and_action():
    fig = chemo.mechanism_chart()
    rows = chemo.tissues()
    texts = " ".join(a.text for a in fig.layout.annotations)
    for row in rows.itertuples(index=False):
        assert row.first_nursing_action.split(";")[0][:20] in texts.replace("<br>", " ")
    # one box per group, one per effect, one per nursing action
    assert len(fig.layout.annotations) == len(chemo.TISSUE_GROUPS) + 2 * len(rows)
    # the groups differ in line style, not only in colour
    assert len({trace.line.dash for trace in fig.data}) == len(chemo.TISSUE_GROUPS)


def test_nadir_chart_draws_both_patterns_and_the_window():
    fig = chemo.nadir_chart()
    names = [trace.name for trace in fig.data]
    assert any("Usual pattern" in n for n in names) and any("Later nadir" in n for n in names)
    assert any("temozolomide" in n for n in names)
    assert any("days 7–14" in n for n in names)
    symbols = {trace.marker.symbol for trace in fig.data if trace.mode == "lines+markers"}
    assert len(symbols) == 3, "each pattern has its own marker, not only its own colour"


def test_figures_are_identical_when_rebuilt():
    assert chemo.mechanism_chart().to_json() == chemo.mechanism_chart().to_json()
    assert chemo.nadir_chart().to_json() == chemo.nadir_chart().to_json()


# --------------------------------------------------------------------------
# The cycle explorer
# --------------------------------------------------------------------------

@pytest.mark.parametrize("day,phase", [(0, "treatment_day"), (1, "early_days"), (6, "early_days"), (7, "nadir"),
                                       (14, "nadir"), (15, "recovery"), (20, "recovery"), (21, "next_cycle"),
                                       (28, "next_cycle")])
def test_phase_boundaries(day, phase):
    assert chemo.phase_for_day(day) == phase


@pytest.mark.parametrize("day", [-1, 29, 3.5, "five", True, None])
def test_a_bad_day_is_one_line_saying_what_is_allowed(day):
    with pytest.raises(InputError) as caught:
        chemo.phase_for_day(day)
    message = str(caught.value)
    assert "\n" not in message and "0 to 28" in message


def test_a_bad_route_names_the_choices():
    with pytest.raises(InputError, match="choose from oral, intravenous, intrathecal"):
        chemo.cycle_view("tablet", 3)


def test_checks_combine_every_route_with_the_chosen_route_only():
    rows = chemo.checks("oral", "next_cycle")
    assert set(rows["route_id"]) == {"", "oral"}
    assert list(rows["route_id"]).index("oral") > list(rows["route_id"]).index("")
    assert set(chemo.checks("intravenous", "next_cycle")["route_id"]) == {""}


def test_the_view_changes_with_each_control():
    def shown(route, day):
        return [display_bundle(item)["text/plain"] for item in chemo.cycle_view(route, day)[:2]]

    assert shown("intravenous", 0) != shown("intrathecal", 0)
    assert shown("intravenous", 0) != shown("intravenous", 9)
    summary = chemo.cycle_summary("intrathecal", 9)
    assert "Day 9" in summary and "nadir" in summary.lower()


def test_the_live_explorer_redraws_when_a_control_moves():
    explorer = chemo.cycle_explorer()
    before = explorer.output.outputs
    explorer.controls["day"].value = 0
    after = explorer.output.outputs
    assert before != after
    explorer.controls["route"].value = "oral"
    assert explorer.output.outputs != after
    assert explorer.message.value == ""


def test_static_face_offers_every_phase():
    static = chemo.cycle_explorer().static_face
    labels = [button.label for button in static.layout.updatemenus[0].buttons]
    assert labels == list(chemo.phases()["label"])
    assert static.layout.updatemenus[0].active == labels.index("Days 7 to 14: the usual nadir window")


def test_table_of_every_choice_lists_every_check():
    table = chemo.cycle_checks_table()
    page = table._repr_html_()
    text = repr(table)
    for check in data.load("chemotherapy_cycle_checks")["check"]:
        assert check in text
        assert check[:30] in page
    assert "white-space:pre-line" in page


# --------------------------------------------------------------------------
# Tables, calculators and references
# --------------------------------------------------------------------------

def test_route_table_has_one_column_per_route():
    table = chemo.route_comparison_table()
    assert list(table.df.columns) == ["Aspect"] + list(chemo.routes()["name"])
    assert "Invasiveness" in " ".join(table.df["Aspect"])


def test_plain_text_face_has_the_caption_and_every_statement():
    table = chemo.topic_table("steroid_monitoring")
    text = repr(table)
    assert text.splitlines()[0] == "What to monitor while someone takes steroids"
    for detail in table.df["What to know"]:
        assert detail in text


@pytest.mark.parametrize("topic", ["bsa_dosing", "steroid_uses", "steroid_monitoring", "combined_treatment"])
def test_every_topic_has_statements(topic):
    assert len(chemo.topic_table(topic).df) >= 3


def test_steroid_monitoring_covers_the_brief():
    text = " ".join(chemo.topic_table("steroid_monitoring").df["What to know"]).lower()
    for word in ("glucose", "gastric", "sleep", "mood", "infection", "muscle", "reduce the dose gradually", "stopping suddenly"):
        assert word in text, word


def test_unknown_topic_and_group_are_named():
    with pytest.raises(InputError, match="choose from bsa_dosing"):
        chemo.topic_table("homeopathy")
    with pytest.raises(InputError, match="choose from prevention, strength"):
        chemo.supportive_care_table("everything")
    with pytest.raises(InputError, match="choose from typical, later_nadir"):
        chemo.blood_count_course("weekly")


def test_neutropenia_table_says_the_threshold_varies():
    table = chemo.neutropenia_table()
    text = " ".join(table.df["Where practice varies"])
    assert re.search(r"set by each institution", text)
    assert "38.3" in " ".join(table.df["What it means"])


def test_calculator_records_its_sources_and_rejects_unknown_names():
    from helpers import calculator_widgets

    calculator_widgets.calculator("bsa")
    assert {"mosteller1987_bsa", "dubois1916_bsa"} <= set(lesson._cited)
    with pytest.raises(InputError, match="unknown calculator"):
        calculator_widgets.calculator("sofa")


def test_new_sources_reach_the_reference_list():
    chemo.nadir_chart()
    chemo.route_comparison_table()
    chemo.topic_table("bsa_dosing")
    cited = set(lesson._cited)
    for source in ("hollandfrei2000_marrow", "lomustine_label", "perezfidalgo2012_esmo_eons", "pinkel1958_bsa",
                   "dh2008_intrathecal"):
        assert source in cited, source



def test_febrile_neutropenia_says_that_pathways_differ():
    # Review 2 (W10): the row said no variation was noted, while each pathway sets its trigger and antibiotic target.
    table = chemo.neutropenia_table()
    row = table.df[table.df["Topic"] == "Febrile neutropenia"].iloc[0]
    assert row["Where practice varies"].startswith("Each hospital's neutropenic sepsis pathway sets its own trigger")
