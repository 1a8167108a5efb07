"""Tests for helpers.calculator_widgets: build each widget, drive its controls, read the result HTML."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pytest

from helpers import calculator_widgets as cw
from helpers import calculators as calc

BUILDERS = {
    "sins": (cw.sins_widget, ["location", "pain", "bone_lesion", "alignment", "collapse", "posterolateral"]),
    "escc": (cw.escc_widget, ["grade"]),
    "noms": (cw.noms_widget, ["escc_grade", "radiosensitivity", "sins_total", "fit_for_surgery"]),
    "anc": (cw.anc_widget, ["wbc", "wbc_unit", "segs_pct", "bands_pct"]),
    "ctcae": (cw.ctcae_widget, ["term", "value", "lln"]),
    "hypertension": (cw.hypertension_widget, ["systolic", "diastolic"]),
    "bed": (cw.bed_widget, ["total_dose_gy", "fractions", "alpha_beta_gy"]),
    "bsa": (cw.bsa_widget, ["height_cm", "weight_kg"]),
}


def text(box) -> str:
    """Result HTML with entities decoded, for plain-text assertions."""
    return html.unescape(box.result.value)


def is_error(box) -> bool:
    return "Check the input:" in box.result.value


@pytest.mark.parametrize("name", BUILDERS)
def test_builder_returns_vbox_with_controls_and_result(name):
    builder, keys = BUILDERS[name]
    box = builder()
    assert isinstance(box, widgets.VBox)
    assert list(box.controls) == keys
    assert isinstance(box.result, widgets.HTML)
    assert box.result in box.children
    for control in box.controls.values():
        assert control in box.children
        assert control.description  # every control is labelled
    # The default values give a result, not an error, and the source is named.
    assert not is_error(box)
    assert "Source:" in box.result.value


def test_sins_widget_total_and_category():
    box = cw.sins_widget()
    c = box.controls
    c["location"].value = "T12"            # junctional 3
    c["pain"].value = "mechanical"         # 3
    c["bone_lesion"].value = "lytic"       # 2
    c["alignment"].value = "normal"        # 0
    c["collapse"].value = "under_50"       # 2
    c["posterolateral"].value = "unilateral"  # 1
    assert "SINS total 11 out of 18: potentially unstable" in text(box)
    assert "Surgical consultation: yes" in text(box)
    c["alignment"].value = "subluxation"   # +4 -> 15
    assert "SINS total 15 out of 18: unstable" in text(box)
    c["location"].value = "semirigid"
    assert "SINS total 13 out of 18: unstable" in text(box)
    assert "Fisher" in text(box)


def test_sins_widget_stable_minimum():
    box = cw.sins_widget()
    box.controls["location"].value = "S3"
    zero = {"pain": "none", "bone_lesion": "blastic", "alignment": "normal",
            "collapse": "none", "posterolateral": "none"}
    for key, value in zero.items():
        box.controls[key].value = value
    assert "SINS total 0 out of 18: stable" in text(box)


def test_sins_widget_bad_level_shows_error_then_recovers():
    box = cw.sins_widget()
    box.controls["location"].value = "T13"
    assert is_error(box)
    assert "location" in text(box)
    assert "Traceback" not in text(box)
    box.controls["location"].value = "t7"
    assert not is_error(box)


def test_escc_widget_each_grade():
    box = cw.escc_widget()
    for grade, category in [("0", "low"), ("1a", "low"), ("1b", "low"), ("1c", "borderline"),
                            ("2", "high"), ("3", "high")]:
        box.controls["grade"].value = grade
        assert f"ESCC grade {grade}: {category} grade" in text(box)
    assert "T2" in text(box)


def test_noms_widget_pathways():
    box = cw.noms_widget()
    c = box.controls
    c["escc_grade"].value = "3"
    c["radiosensitivity"].value = "resistant"
    c["sins_total"].value = 5
    c["fit_for_surgery"].value = True
    assert "Separation surgery, then SRS" in text(box)
    c["fit_for_surgery"].value = False
    assert "cEBRT" in text(box) and "Separation surgery" not in text(box)
    c["radiosensitivity"].value = "sensitive"
    assert "Illustrative NOMS pathway: cEBRT" in text(box)
    c["escc_grade"].value = "1c"
    c["radiosensitivity"].value = "resistant"
    assert "Team judgement needed" in text(box)
    assert "multidisciplinary" in text(box)


def test_noms_widget_bad_sins_total():
    box = cw.noms_widget()
    box.controls["sins_total"].value = 25
    assert is_error(box)
    assert "stability" in text(box)


def test_anc_widget_units():
    box = cw.anc_widget()
    c = box.controls
    c["wbc"].value = 4500
    c["segs_pct"].value = 50
    c["bands_pct"].value = 5
    assert "ANC 2,475 cells/µL: no neutropenia" in text(box)
    c["wbc"].value = 4.5                    # unit slip while unit is cells/µL
    assert is_error(box)
    assert "10^3" in text(box)
    c["wbc_unit"].value = "10^3/uL"         # pick the unit explicitly
    assert "ANC 2,475 cells/µL" in text(box)
    c["wbc"].value = 1.0
    c["segs_pct"].value = 40
    c["bands_pct"].value = 5
    assert "ANC 450 cells/µL: severe neutropenia" in text(box)
    c["segs_pct"].value = 99                # 99 + 5 > 100
    assert is_error(box)


def test_ctcae_widget_grades_and_term_change():
    box = cw.ctcae_widget()
    c = box.controls
    c["term"].value = "neutrophil_count_decreased"
    c["lln"].value = 2000
    c["value"].value = 999
    assert "grade 3" in text(box)
    c["value"].value = 1000
    assert "grade 2" in text(box)
    c["term"].value = "platelet_count_decreased"
    assert c["lln"].value == calc.CTCAE_DEFAULT_LLN["platelet_count_decreased"]
    assert "cells/mm³" in c["value"].description
    c["value"].value = 24999
    assert "grade 4" in text(box)
    c["term"].value = "anemia"
    assert "g/dL" in c["value"].description
    c["value"].value = 7.9
    assert "grade 3" in text(box)
    assert "never derived from the number" in text(box)
    c["value"].value = -5
    assert is_error(box)
    assert "value" in text(box)


def test_hypertension_widget():
    box = cw.hypertension_widget()
    c = box.controls
    for (s, d), g in [((119, 79), 0), ((120, 79), 1), ((139, 89), 1), ((140, 79), 2),
                      ((159, 99), 2), ((160, 79), 3), ((119, 100), 3)]:
        c["systolic"].value = s
        c["diastolic"].value = d
        assert f"grade {g}" in text(box), (s, d)
    notes = "".join(ch.value for ch in box.children if isinstance(ch, widgets.HTML) and ch is not box.result)
    assert "cannot capture" in notes
    c["systolic"].value = 70
    c["diastolic"].value = 120
    assert is_error(box)
    assert "systolic" in text(box)


def test_bed_widget():
    box = cw.bed_widget()
    c = box.controls
    c["total_dose_gy"].value = 8
    c["fractions"].value = 1
    c["alpha_beta_gy"].value = 10
    assert "BED 14.4 Gy, EQD2 12.0 Gy" in text(box)
    c["total_dose_gy"].value = 30
    c["fractions"].value = 10
    assert "EQD2 32.5 Gy" in text(box)
    c["fractions"].value = 0
    assert is_error(box)
    assert "fractions" in text(box)
    notes = "".join(ch.value for ch in box.children if isinstance(ch, widgets.HTML) and ch is not box.result)
    assert "spinal cord" in notes and "0.87" in notes


def test_bed_widget_flags_large_fractions():
    box = cw.bed_widget()
    box.controls["total_dose_gy"].value = 24
    box.controls["fractions"].value = 1
    assert "nominal" in text(box)


def test_bsa_widget():
    box = cw.bsa_widget()
    box.controls["height_cm"].value = 170
    box.controls["weight_kg"].value = 70
    assert "BSA 1.82 m² (Mosteller)" in text(box)
    assert "DuBois 1.81 m²" in text(box)
    box.controls["height_cm"].value = 1.7
    assert is_error(box)
    assert "metres" in text(box)


def test_render_error_is_one_line_escaped_warning():
    out = cw.render_error("wbc must be <b>positive</b>")
    assert "Check the input:" in out
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert "\n" not in out


def test_render_functions_are_pure_strings():
    r = calc.sins("L1", "mechanical", "lytic", "subluxation", "over_50", "bilateral")
    out = cw.render_sins_result(r)
    assert isinstance(out, str) and "18 out of 18: unstable" in html.unescape(out)
    assert "Source: Fisher CG" in out
    assert "Bilsky" in cw.render_escc_result(calc.escc_assessment("2"))
    assert "Laufer" in cw.render_noms_result(calc.noms_pathway("2", "resistant", 3, True))
    assert "severe" in cw.render_anc_result(300.0)
    assert "CTCAE" in cw.render_ctcae_result("anemia", 9.0, 2, 12.0)
    assert "grade 2" in cw.render_hypertension_result(145, 85, 2)
    assert "EQD2" in cw.render_bed_result(8, 1, 10, 14.4, 12.0)
    assert "Mosteller" in cw.render_bsa_result(170, 70, 1.8181, 1.8097)


def test_every_source_id_has_a_citation():
    assert set(calc.SOURCE_IDS) <= set(cw.SOURCE_CITATIONS)


def test_widgets_module_uses_no_output_widget_or_print():
    import inspect

    source = inspect.getsource(cw)
    assert "widgets.Output" not in source
    assert "print(" not in source


# -- notebook entry point ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["sins", "escc", "noms", "anc", "ctcae", "hypertension", "bed", "bsa"])
def test_calculator_has_live_view_and_usable_static_face(name):
    from helpers.calculator_widgets import calculator

    bundle = calculator(name)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    static = bundle["text/html"]
    assert "worked examples" in static
    assert "Source" in static
    assert "<input" not in static and "<select" not in static


def test_unknown_calculator_lists_the_valid_ones():
    from helpers.calculator_widgets import calculator
    from helpers.errors import InputError

    with pytest.raises(InputError, match="sins, escc"):
        calculator("apgar")


def test_worked_examples_are_shown_with_units_and_rounded_numbers():
    from helpers.calculator_widgets import readable

    table = readable(calc.worked_examples("bed"))
    assert "EQD2 (Gy)" in table.columns and "α/β (Gy)" in table.columns
    assert "23.33" in table["EQD2 (Gy)"].astype(str).tolist()
    assert readable(calc.worked_examples("sins"))["Surgical consultation"].isin(["yes", "no"]).all()
