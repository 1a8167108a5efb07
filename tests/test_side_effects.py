"""Shared side-effect builders: right rows, labelled charts, clear errors."""

import csv
from pathlib import Path

import pytest

from helpers import setup, side_effects
from helpers.errors import InputError
from helpers.plotting import accessibility_problems

ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(autouse=True)
def configured():
    setup()


def test_whole_modality_effects_always_included_and_forms_narrow():
    every = side_effects.effects("chemotherapy")
    oral_iv = side_effects.effects("chemotherapy", subtype_ids=["oral_chemotherapy"])
    assert set(oral_iv["subtype_id"]) == {""}
    assert "intrathecal_chemotherapy" in set(every["subtype_id"])
    assert len(every) > len(oral_iv)


def test_unknown_modality_and_form_are_named():
    with pytest.raises(InputError, match="choose from surgery"):
        side_effects.effects("homeopathy")
    with pytest.raises(InputError, match="unknown form 'laser'"):
        side_effects.effects("surgery", subtype_ids=["laser"])


@pytest.mark.parametrize("modality", ["surgery", "chemotherapy", "radiation_therapy",
                                      "interventional_radiology", "targeted_therapy"])
def test_every_modality_has_labelled_charts_and_tables(modality):
    chart = side_effects.onset_chart(modality)
    assert accessibility_problems(chart) == []
    assert sum(len(trace.y) for trace in chart.data) == len(side_effects.effects(modality))
    assert accessibility_problems(side_effects.frequency_chart(modality)) == []
    for table in (side_effects.side_effect_table(modality), side_effects.nursing_table(modality),
                  side_effects.red_flags_table(modality)):
        assert "<table" in table._repr_html_()




# -- across treatments (07_side_effects_and_supportive_care) ------------------

from helpers import data  # noqa: E402


#: The heat map's cells, counted BY HAND from data/side_effects.csv (one row = one side effect,
#: counted under its modality_id and body_system).  The bone-modifying drugs (denosumab_*,
#: zoledronic_*, modality bone_modifying_agents: two metabolic, five musculoskeletal, one
#: constitutional, one renal) have their own column, last, as supportive care beside the five
#: treatments.  Body systems in the lesson's order (datapackage enum, top to bottom); columns in
#: teaching order.  Update a cell by counting the CSV again, not from the code.
HEATMAP_COLUMNS = ("Surgery", "Chemotherapy", "Radiation<br>therapy", "Interventional<br>radiology",
                   "Targeted<br>therapy", "Bone-modifying<br>drugs (supportive care)")
HEATMAP_COUNTS = {
    "Haematological (blood)": (0, 4, 1, 0, 1, 0),
    "Gastrointestinal": (0, 3, 5, 0, 4, 0),
    "Skin and hair": (0, 1, 2, 0, 0, 0),
    "Neurological": (1, 2, 3, 2, 1, 0),  # IR: cement in the canal, and nerve injury
    "Musculoskeletal": (0, 0, 2, 1, 0, 5),
    "Cardiovascular and clots": (1, 1, 0, 2, 5, 0),
    "Renal and urinary": (0, 0, 1, 0, 1, 1),
    "Metabolic": (0, 0, 0, 0, 0, 2),
    "Whole body (constitutional)": (0, 0, 1, 0, 2, 1),
    "Wound and procedural": (5, 0, 0, 3, 1, 0),
}


def test_heatmap_cells_are_the_hand_counts():
    fig = side_effects.side_effect_heatmap()
    assert accessibility_problems(fig) == []
    heat = fig.data[0]
    assert tuple(heat.x) == HEATMAP_COLUMNS
    assert list(heat.y) == list(HEATMAP_COUNTS)
    assert [tuple(row) for row in heat.z.tolist()] == list(HEATMAP_COUNTS.values())
    # The number is printed in each cell (colour is not the only carrier) and said in the hover.
    assert heat.texttemplate == "%{text}" and heat.text.tolist() == heat.z.tolist()
    assert heat.customdata[3][0] == "1 side effect" and heat.customdata[1][2] == "5 side effects"
    assert heat.colorscale[0][1] != heat.colorscale[-1][1] and fig.layout.title.text
    # Every row of the CSV is in one cell (a new row fails here until it is counted).
    with open(ROOT / "data" / "side_effects.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    bone = [r["id"] for r in rows if r["modality_id"] == "bone_modifying_agents"]
    assert len(bone) == 9 and sum(map(sum, HEATMAP_COUNTS.values())) == len(rows) == 65


def test_body_system_table_puts_every_effect_in_its_cell():
    table = side_effects.body_system_table()
    effects = data.load("side_effects")
    names = side_effects._modality_names()
    for row in effects.itertuples():
        label = side_effects._body_system_label(str(row.body_system))
        cell = table.df.loc[table.df["Body system"] == label, names[row.modality_id]].iloc[0]
        assert f"• {row.effect}" in cell
    assert "<" not in repr(table)


def test_body_system_table_lists_exactly_what_each_heat_map_cell_counts():
    # Issue 18: 07's list said 4 musculoskeletal and 2 metabolic targeted-therapy effects where the heat
    # map showed 0 (the bone-modifying drugs' rows).  Every cell of the list must hold as many side
    # effects as the number drawn in the same cell of the heat map, including the empty ones.
    figure = side_effects.side_effect_heatmap()
    heat = figure.data[0]
    table = side_effects.body_system_table().df.set_index("Body system")
    treatments = [str(x).replace("<br>", " ") for x in heat.x]
    for y, counts in zip(heat.y, heat.z):
        for treatment, count in zip(treatments, counts):
            cell = table.loc[y, treatment] if y in table.index else "None listed in this collection"
            listed = 0 if cell == "None listed in this collection" else len(cell)
            assert listed == int(count), (y, treatment, listed, int(count))


def test_onset_rows_run_from_immediate_to_late_and_show_days_only_when_sourced():
    rows = side_effects.onset_rows()
    assert len(rows) == len(data.load("side_effects"))
    phases = list(rows["onset_phase"].astype(str))
    assert phases == sorted(phases, key=list(side_effects.ONSET_LABELS).index)
    sourced = rows["day_min"].notna() & rows["day_max"].notna()
    assert (rows.loc[sourced, "days"] != "").all() and (rows.loc[~sourced, "days"] == "").all()
    pain_flare = rows[rows["id"] == "rt_pain_flare"].iloc[0]
    assert pain_flare["days"] == "0–20"


def test_onset_days_chart_draws_a_bar_per_sourced_range_and_counts_the_rest():
    fig = side_effects.onset_days_chart()
    assert accessibility_problems(fig) == []
    rows = side_effects.onset_rows()
    sourced = rows[rows["days"] != ""]
    bars = {y: (base, base + width) for trace in fig.data for y, base, width in zip(trace.y, trace.base, trace.x)}
    assert len(bars) == len(sourced)
    for row in sourced.itertuples():
        start, end = bars[row.effect]
        assert start == row.day_min and end == pytest.approx(max(row.day_max, row.day_min + 0.6))
    words_only = len(rows) - len(sourced)
    assert f"other {words_only} of {len(rows)}" in fig.layout.annotations[0].text


def test_every_mechanism_link_stays_within_its_modality():
    groups = data.load("mechanism_groups").set_index("id")["modality_id"]
    effects = data.load("side_effects").set_index("id")["modality_id"]
    for link in data.load("side_effect_mechanism_groups").itertuples():
        assert groups[link.mechanism_group_id] == effects[link.side_effect_id], link.side_effect_id


@pytest.mark.parametrize("modality", ["surgery", "chemotherapy", "radiation_therapy",
                                      "interventional_radiology", "targeted_therapy"])
def test_mechanism_rows_cover_each_side_effect_once(modality):
    rows = side_effects.mechanism_rows(modality)
    assert sorted(rows["effect"]) == sorted(side_effects.effects(modality)["effect"])
    assert "<table" in side_effects.mechanism_table(modality)._repr_html_()


def test_mechanism_groups_teach_the_core_ideas():
    chemo = side_effects.mechanism_rows("chemotherapy")
    hair = chemo[chemo["effect"] == "Hair loss"].iloc[0]
    assert hair["group"] == "Fast-dividing normal cells" and "bone marrow" in hair["explanation"]
    radiation = side_effects.mechanism_rows("radiation_therapy")
    assert "level" in radiation[radiation["effect"].str.contains("oesophag", case=False)].iloc[0]["explanation"]
    targeted = side_effects.mechanism_rows("targeted_therapy")
    assert targeted[targeted["effect"] == "High blood pressure"].iloc[0]["group"].startswith("Blood vessels")


def test_side_effect_without_a_mechanism_link_falls_back_to_other(monkeypatch):
    real_load = data.load

    def without_hair_loss(name):
        frame = real_load(name)
        if name == "side_effect_mechanism_groups":
            frame = frame[frame["side_effect_id"] != "chemo_hair_loss"]
        return frame

    monkeypatch.setattr(data, "load", without_hair_loss)
    rows = side_effects.mechanism_rows("chemotherapy")
    assert rows.iloc[-1]["effect"] == "Hair loss" and rows.iloc[-1]["group"] == side_effects.UNGROUPED_LABEL


def test_mechanism_explorer_follows_its_control_and_lists_every_modality_statically():
    explorer = side_effects.mechanism_explorer()
    before = explorer.output.outputs
    explorer.controls["modality"].value = "targeted_therapy"
    after = explorer.output.outputs
    assert before != after and "anti-angiogenic" in after[0]["data"]["text/html"]
    static = side_effects.mechanism_overview_table().df
    names = side_effects._modality_names()
    assert set(static["Treatment"]) == set(names.values())
    with pytest.raises(InputError):
        side_effects.mechanism_rows("homeopathy")


