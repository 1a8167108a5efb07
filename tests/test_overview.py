"""The treatment overview builders (notebook 01)."""

import pytest

from helpers import data, overview, setup
from helpers.errors import InputError
from helpers.plotting import MODALITY_ORDER, accessibility_problems


@pytest.fixture(autouse=True)
def configured():
    setup()


def test_comparison_table_has_every_modality_in_teaching_order():
    table = overview.comparison_table()
    assert list(table.df["Treatment"]) == list(data.modality_overview()["name"])
    assert len(table.df) == 6  # the five treatments, then the supportive bone-modifying drugs
    assert table.caption.startswith("The five treatments and the supportive bone-modifying drugs compared")


def test_comparison_table_filters_and_rejects_unknown():
    assert len(overview.comparison_table(["surgery", "chemotherapy"]).df) == 2
    with pytest.raises(InputError, match="choose from surgery"):
        overview.comparison_table(["surgery", "reiki"])


@pytest.mark.parametrize("build", [overview.invasiveness_chart, overview.goals_chart,
                                   overview.invasiveness_goals_chart])
def test_charts_are_labelled(build):
    assert accessibility_problems(build()) == []


#: Each form's invasiveness level by the definitions of invasiveness_levels.csv (0 nothing enters the body;
#: 1 a systemic medicine; 2 a needle through the skin; 3 minimally invasive surgery; 4 open surgery).
#: Intrathecal chemotherapy is a needle (lumbar puncture or reservoir); a CSF shunt is a small operation.
INVASIVENESS = {
    # open, minimally invasive, en bloc, separation, CSF shunt, Ommaya reservoir (a small operation, not a needle)
    "Surgery": [4, 3, 4, 4, 3, 3],
    "Chemotherapy": [1, 1, 2],  # oral, intravenous, intrathecal
    "Radiation therapy": [0, 0, 0, 0],  # conventional, stereotactic, craniospinal, proton
    "Interventional radiology": [2, 2, 2, 2],  # biopsy, ablation, vertebroplasty, kyphoplasty
    "Targeted therapy": [1, 1],  # bevacizumab, small molecule
    "Bone-modifying drugs (supportive care)": [1, 1],  # denosumab, zoledronic acid: supportive, not anti-cancer
}


def test_invasiveness_chart_places_every_form_at_its_level():
    fig = overview.invasiveness_chart()
    markers = {t.name: [int(x) for x in t.x] for t in fig.data if t.mode == "markers"}
    assert markers == INVASIVENESS


def test_invasiveness_goals_menu_offers_all_and_each_treatment():
    fig = overview.invasiveness_goals_chart()
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert labels[0] == "All treatments" and len(labels) == 7


def test_heat_map_counts_match_the_side_effect_table():
    from helpers.side_effects import side_effect_heatmap

    fig = side_effect_heatmap(("surgery", "chemotherapy"))
    total = sum(sum(row) for row in fig.data[0].z)
    effects = data.load("side_effects")
    assert total == effects["modality_id"].isin(["chemotherapy", "surgery"]).sum()


def test_side_effect_burden_counts_whole_modality_plus_form():
    effects = data.load("side_effects")
    whole = ((effects.modality_id == "chemotherapy") & (effects.subtype_id == "")).sum()
    it = ((effects.modality_id == "chemotherapy") & (effects.subtype_id == "intrathecal_chemotherapy")).sum()
    assert overview.side_effect_burden("chemotherapy") == whole
    assert overview.side_effect_burden("chemotherapy", "intrathecal_chemotherapy") == whole + it


def test_scenario_explorer_follows_the_dropdown_and_static_face_covers_every_scenario():
    explorer = overview.scenario_explorer()
    choices = overview.scenario_choices()
    buttons = explorer.static_face.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == [title for title, _ in choices]
    first = explorer.output.outputs[0]["data"]["text/html"]
    explorer.controls["scenario"].value = choices[0][1]
    assert explorer.output.outputs[0]["data"]["text/html"] != first
    assert choices[0][0] in explorer.output.outputs[0]["data"]["text/html"]


def test_comparison_explorer_needs_two_treatments():
    explorer = overview.comparison_explorer()
    assert explorer.message.value == ""
    explorer.controls["modalities"].value = ("surgery",)
    assert "at least two" in explorer.message.value
    explorer.controls["modalities"].value = MODALITY_ORDER[:3]
    assert explorer.message.value == "" and len(explorer.output.outputs) == 2


def test_unknown_scenario_is_a_one_line_error():
    with pytest.raises(ValueError, match="Valid scenario ids: localized_primary"):
        data.scenario_plan("no_such_scenario")


def test_cached_joins_hand_out_independent_copies():
    first = data.modality_overview()
    first.loc[0, "name"] = "changed"
    assert data.modality_overview().loc[0, "name"] != "changed"


def test_onset_timeline_counts_every_side_effect_once():
    fig = overview.onset_timeline()
    assert sum(int(n) for trace in fig.data for n in trace.text) == len(data.load("side_effects"))
    assert [trace.name for trace in fig.data] == list(data.modality_overview()["name"])
    assert accessibility_problems(fig) == []
