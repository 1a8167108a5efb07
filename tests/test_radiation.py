"""Radiation lesson builders: BED/EQD2 of the schedules, charts, explorers and level tables."""

from __future__ import annotations

import math

import pytest

from helpers import calculators, data, lesson, radiation, setup
from helpers.errors import InputError
from helpers.explorer import Explorer
from helpers.plotting import accessibility_problems


@pytest.fixture(autouse=True)
def configured():
    setup()


# -- radiobiology parameters ---------------------------------------------------

def test_alpha_beta_options_are_tumour_10_and_cord_2():
    options = dict((value, label) for label, value in radiation.alpha_beta_options())
    assert set(options) == {10.0, 2.0}
    assert "tumour" in options[10.0] and "cord" in options[2.0]
    assert radiation.cord_alpha_beta_gy() == 2.0


def test_nominal_limit_is_8_gy_per_fraction():
    assert radiation.nominal_above_gy() == 8.0


# -- schedules ------------------------------------------------------------------

def test_schedules_use_the_calculators_and_match_published_values():
    frame = radiation.schedules(10).set_index("id")
    # Published checks (clinical reference, frequent errors): 8 Gy x1 -> BED 14.4, EQD2 12.0;
    # 30 Gy/10 -> EQD2 32.5 (alpha/beta 10).
    assert math.isclose(frame.loc["ebrt_8gy_1fx", "bed_gy"], 14.4)
    assert math.isclose(frame.loc["ebrt_8gy_1fx", "eqd2_gy"], 12.0)
    assert math.isclose(frame.loc["ebrt_30gy_10fx", "eqd2_gy"], 32.5)
    assert math.isclose(frame.loc["sbrt_24gy_2fx", "bed_gy"], 52.8)
    for row in frame.itertuples():
        assert row.bed_gy == calculators.bed(row.total_dose_gy, row.fractions, 10)
        assert row.eqd2_gy == calculators.eqd2(row.total_dose_gy, row.fractions, 10)


def test_two_gray_fractions_have_eqd2_close_to_total_whatever_the_ratio():
    for ab in (10, 2):
        frame = radiation.schedules(ab).set_index("id")
        # 1.8 Gy fractions: EQD2 slightly below the physical total for any alpha/beta.
        assert frame.loc["csi_36gy_20fx", "eqd2_gy"] < 36
        assert frame.loc["csi_36gy_20fx", "eqd2_gy"] > 33


def test_large_fractions_weigh_more_for_the_cord_ratio():
    tumour = radiation.schedules(10).set_index("id")
    cord = radiation.schedules(2).set_index("id")
    assert cord.loc["srs_18gy_1fx", "eqd2_gy"] > 2 * tumour.loc["srs_18gy_1fx", "eqd2_gy"]
    assert math.isclose(cord.loc["ebrt_8gy_1fx", "eqd2_gy"], 20.0)


def test_nominal_flag_and_ranks():
    frame = radiation.schedules(10)
    nominal = set(frame.loc[frame["nominal"], "id"])
    assert nominal == {"sbrt_24gy_2fx", "srs_16gy_1fx", "srs_18gy_1fx", "sbrt_27gy_3fx"}
    assert sorted(frame["rank"]) == list(range(1, len(frame) + 1))
    assert frame.set_index("id").loc["sbrt_24gy_2fx", "rank"] == 1
    assert frame.set_index("id").loc["ebrt_8gy_1fx", "rank"] == len(frame)


@pytest.mark.parametrize("bad", [0, -2, "ten"])
def test_bad_alpha_beta_is_a_one_line_input_error(bad):
    with pytest.raises(InputError) as error:
        radiation.schedules(bad)
    assert "alpha_beta_gy" in str(error.value) and "\n" not in str(error.value)


def test_unknown_schedule_lists_the_choices():
    with pytest.raises(InputError, match="unknown schedule 'sbrt_99'; choose from ebrt_8gy_1fx"):
        radiation.schedule_summary("sbrt_99", 10)
    with pytest.raises(InputError, match="unknown schedule"):
        radiation.eqd2_chart(10, highlight="nope")


def test_summary_gives_dose_per_fraction_bed_eqd2_and_rank():
    text = radiation.schedule_summary("ebrt_8gy_1fx", 10)
    assert "1 fraction of 8 Gy" in text and "BED 14.4 Gy" in text and "EQD2 12.0 Gy" in text
    assert "number 11 of 11" in text
    assert "Nominal value" not in text
    srs = radiation.schedule_summary("srs_18gy_1fx", 2)
    assert "Nominal value" in srs and "EQD2 90.0 Gy" in srs and "full prescribed dose" in srs


# -- charts -----------------------------------------------------------------------

def _all_figures():
    return [radiation.fraction_map(), radiation.eqd2_chart(10), radiation.eqd2_chart(2, highlight="sbrt_24gy_2fx"),
            radiation.eqd2_menu_chart()]


def test_every_figure_is_labelled():
    for fig in _all_figures():
        assert accessibility_problems(fig) == [], fig.layout.title.text


def test_fraction_map_plots_every_schedule_once_with_a_symbol_per_technique():
    fig = radiation.fraction_map()
    assert sum(len(trace.x) for trace in fig.data) == len(data.load("radiation_regimens"))
    assert len({trace.marker.symbol for trace in fig.data}) == len(fig.data)
    assert all(trace.text is not None for trace in fig.data)


def test_eqd2_chart_shows_every_schedule_and_the_physical_dose():
    fig = radiation.eqd2_chart(10)
    bars = [t for t in fig.data if t.type == "bar"]
    assert sum(len(t.x) for t in bars) == len(data.load("radiation_regimens"))
    ticks = [t for t in fig.data if t.type == "scatter" and t.mode == "markers"]
    assert len(ticks) == 1 and len(ticks[0].x) == len(data.load("radiation_regimens"))
    assert len({t.marker.pattern.shape for t in bars}) == len(bars)


def test_highlight_outlines_only_the_chosen_bar_and_labels_it():
    fig = radiation.eqd2_chart(10, highlight="srs_16gy_1fx")
    widths = [w for t in fig.data if t.type == "bar" for w in t.marker.line.width]
    assert widths.count(4) == 1
    labels = [text for t in fig.data if t.type == "scatter" and t.mode == "text" for text in t.text]
    assert sum("your choice" in text for text in labels) == 1


def test_menu_chart_has_one_option_per_ratio():
    fig = radiation.eqd2_menu_chart()
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == [label for label, _ in radiation.alpha_beta_options()]


# -- explorers --------------------------------------------------------------------

def test_fractionation_explorer_output_follows_the_controls():
    explorer = radiation.fractionation_explorer()
    assert isinstance(explorer, Explorer)
    first = explorer.output.outputs[0]["data"]["text/html"]
    explorer.controls["schedule"].value = "ebrt_30gy_10fx"
    second = explorer.output.outputs[0]["data"]["text/html"]
    assert first != second and "EQD2 32.5 Gy" in second
    explorer.controls["alpha_beta"].value = 2.0
    assert "EQD2 37.5 Gy" in explorer.output.outputs[0]["data"]["text/html"]
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.plotly.v1+json" in bundle and "text/html" in bundle


def test_level_explorer_output_follows_the_control_and_has_a_table_face():
    explorer = radiation.level_explorer()
    explorer.controls["level"].value = "lumbar"
    shown = " ".join(o["data"]["text/html"] for o in explorer.output.outputs)
    assert "diarrhoea" in shown.lower() and "nausea" in shown.lower()
    explorer.controls["level"].value = "sacral"
    shown = " ".join(o["data"]["text/html"] for o in explorer.output.outputs)
    assert "bladder" in shown.lower() and "lumbar spine radiation" not in shown.lower()
    assert "<table" in explorer._repr_mimebundle_()["text/html"]


# -- levels -----------------------------------------------------------------------

@pytest.mark.parametrize("level, word", [("cervical", "swallowing"), ("thoracic", "oesophagitis"),
                                         ("lumbar", "diarrhoea"), ("sacral", "bladder")])
def test_each_level_shows_its_own_effects(level, word):
    rows = radiation.level_effects(level)
    assert not rows.empty and (rows["spinal_level_id"] == level).all()
    assert word in " ".join(rows["effect"]).lower()


def test_any_level_effects_include_fatigue_skin_and_hair_in_the_field():
    effects = " ".join(radiation.any_level_effects()["effect"]).lower()
    for word in ("fatigue", "skin", "hair loss in the treated area only"):
        assert word in effects


def test_unknown_level_is_named():
    with pytest.raises(InputError, match="unknown spinal level 'neck'; choose from cervical"):
        radiation.level_effects("neck")


def test_all_levels_table_has_a_row_per_level():
    table = radiation.all_levels_table()
    assert len(table.df) == len(data.load("spinal_levels"))


# -- tables ----------------------------------------------------------------------

def test_dose_table_has_both_ratios_and_every_schedule():
    table = radiation.dose_table()
    assert len(table.df) == len(data.load("radiation_regimens"))
    assert {"EQD2, α/β 10 (Gy)", "EQD2, α/β 2 (Gy)", "BED, α/β 10 (Gy)", "BED, α/β 2 (Gy)"} <= set(table.df.columns)
    row = table.df.set_index("Schedule").loc["8 Gy in 1 fraction"]
    assert row["EQD2, α/β 10 (Gy)"] == "12.0" and row["BED, α/β 2 (Gy)"] == "40.0"


def test_technique_table_compares_the_three_forms():
    table = radiation.technique_table()
    assert len(table.df.columns) == 4  # Aspect + three techniques
    assert any("Stereotactic" in c for c in table.df.columns)


def test_uses_table_includes_adjuvant_and_palliative_roles():
    roles = set(radiation.uses_table().df["Role"])
    assert {data.ROLE_LABELS["adjuvant"], data.ROLE_LABELS["palliative"]} <= roles


def test_sahgal_cord_limits_share_one_eqd2():
    """Sahgal 2013's thecal-sac limits for 1-5 fractions are about the same EQD2 (alpha/beta 2)."""
    limits = radiation.cord_limits().set_index("id")
    sahgal = limits[limits.index.str.startswith("sahgal_")]["eqd2_gy"]
    assert len(sahgal) == 5 and sahgal.max() - sahgal.min() < 0.5
    assert limits["eqd2_gy"].isna().sum() == 2  # the two conventional limits
    assert "<table" in radiation.cord_limits_table()._repr_html_()


#: The published limits (Kirkpatrick et al. 2010, QUANTEC; Sahgal et al. 2013, thecal-sac Pmax for a 5%
#: risk of myelopathy) and their EQD2 at the cord's α/β of 2 Gy worked by hand (EQD2 = D (1 + d/2) / 2);
#: * marks a dose per fraction above 8 Gy, where the value is nominal.
PUBLISHED_CORD_LIMITS = [
    ["54", "daily, many", "1.8 to 2 Gy", "under 1%", "close to the total (small fractions)"],
    ["61", "daily, many", "1.8 to 2 Gy", "under 10%", "close to the total (small fractions)"],
    ["13", "1", "13 Gy", "under 1%", "48.8*"],       # 13 x 7.5 / 2 = 48.75
    ["20", "3", "6.7 Gy", "under 1%", "43.3"],       # 20 x 4.333 / 2
    ["12.4", "1", "12.4 Gy", "5% or less", "44.6*"],  # 12.4 x 7.2 / 2
    ["17", "2", "8.5 Gy", "5% or less", "44.6*"],     # 17 x 5.25 / 2
    ["20.3", "3", "6.8 Gy", "5% or less", "44.5"],
    ["23", "4", "5.8 Gy", "5% or less", "44.6"],      # 23 x 3.875 / 2
    ["25.3", "5", "5.1 Gy", "5% or less", "44.7"],
]


def test_cord_limits_are_the_published_limits_with_hand_worked_eqd2():
    table = radiation.cord_limits_table().df
    columns = ["Dose limit (Gy)", "Fractions", "Dose per fraction", "Risk of myelopathy", "EQD2 at α/β 2 (Gy)"]
    assert table[columns].values.tolist() == PUBLISHED_CORD_LIMITS


def test_supportive_medicines_are_steroids_and_blood_thinners():
    table = radiation.supportive_medicines_table().df
    text = " ".join(table["What it is for"]).lower()
    assert len(table) == 3 and "swelling" in text and "travelling to the lungs" in text


def test_builders_record_their_sources():
    lesson._cited.clear()
    radiation.dose_table()
    radiation.cord_limits_table()
    radiation.level_explorer()
    cited = set(lesson._cited)
    assert {"fowler1989_lq", "alcorn2024_astro", "kirkpatrick2010_quantec_cord", "sahgal2013_myelopathy",
            "kirkpatrick2008_lq_srs", "icon_spine_rt"} <= cited


def test_tables_cite_only_the_rows_they_show():
    lesson._cited.clear()
    radiation.supportive_medicines_table()
    radiation.technique_table()
    assert "avastin_uspi" not in lesson._cited and "dh2008_intrathecal" not in lesson._cited
    assert "key2023_asco_vte" in lesson._cited


def test_one_decimal_rounds_halves_up_as_on_paper():
    # 27 Gy in 3 fractions at alpha/beta 2 Gy: EQD2 = 27 x (9 + 2) / (2 + 2) = 74.25 Gy, read as 74.3.
    assert radiation.one_decimal(74.25) == "74.3" and radiation.one_decimal(12.0) == "12.0"
    assert radiation.one_decimal(22.23) == "22.2" and radiation.one_decimal(2.675) == "2.7"
    table = radiation.dose_table().df
    row = table[table["Schedule"] == "27 Gy in 3 fractions (SBRT)"].iloc[0]
    assert row["EQD2, α/β 2 (Gy)"] == "74.3"
