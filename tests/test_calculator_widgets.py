"""Tests for helpers.calculator_widgets: build each widget, drive its controls, read the result HTML."""

from __future__ import annotations

import html
import math
import re

import ipywidgets as widgets
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


#: Python names that must never reach a student: snake_case words, calls, keyword arguments, argument names.
PYTHON_NAME = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\w\(|\w=|\bwbc\b|\blln\b|\bsegs\b|'10\^3/uL'")


def warning(box) -> str:
    """The one-line warning the student reads, without the "Check the input:" prefix."""
    assert is_error(box), text(box)
    plain = re.sub(r"<[^>]+>", "", text(box))
    assert "\n" not in plain.strip(), plain
    message = plain.split("Check the input:", 1)[1].strip()
    assert not PYTHON_NAME.search(message), message
    assert "Traceback" not in message
    return message


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
    assert warning(box) == ("Location (region, or level such as T12): enter a region (junctional, mobile, semirigid, "
                            "rigid) or a vertebral level (C1–C7, T1–T12, L1–L5, S1–S5 or occiput); got 'T13'.")
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


@pytest.mark.parametrize("value", [25, 9.5, -1, 1e6])
def test_noms_widget_bad_sins_total_names_the_control(value):
    box = cw.noms_widget()
    box.controls["sins_total"].value = value
    assert warning(box).startswith("M: SINS total (0–18): enter a whole number from 0 to 18")
    box.controls["sins_total"].value = 9
    assert "Surgical consultation" not in text(box) and "Separation surgery, then SRS" in text(box)


def test_noms_widget_shows_the_documented_alternative_for_a_moderately_sensitive_tumour():
    box = cw.noms_widget()
    c = box.controls
    c["escc_grade"].value = "2"
    c["radiosensitivity"].value = "moderate"
    c["sins_total"].value = 4
    assert "Illustrative NOMS pathway: cEBRT" in text(box)
    assert "decompressive surgery followed by radiation is a documented alternative" in text(box)


def test_anc_widget_units():
    box = cw.anc_widget()
    c = box.controls
    c["wbc"].value = 4500
    c["segs_pct"].value = 50
    c["bands_pct"].value = 5
    assert "ANC 2,475 cells/µL: no neutropenia" in text(box)
    c["wbc"].value = 4.5                    # unit slip while unit is cells/µL
    assert warning(box) == ("White blood cell count: 4.5 cells/µL is far too low for a count in cells/µL: it looks "
                            "like 4.5 ×10³/µL; choose the unit ×10³/µL = ×10⁹/L or enter 4,500.")
    c["wbc_unit"].value = "10^3/uL"         # pick the unit explicitly
    assert "ANC 2,475 cells/µL" in text(box)
    c["wbc"].value = 1.0
    c["segs_pct"].value = 40
    c["bands_pct"].value = 5
    assert "ANC 450 cells/µL: severe neutropenia" in text(box)
    c["segs_pct"].value = 99                # 99 + 5 > 100
    assert warning(box) == ("Segmented neutrophils (%) and Band neutrophils (%) add up to 104%: together they can "
                            "be at most 100% of the white count; check both.")


@pytest.mark.parametrize("wbc, message", [
    (1_000_000, "White blood cell count: 1,000,000 cells/µL is outside the plausible range; enter a number from 100 "
                "to 200,000 cells/µL. Check the number of zeros and the unit."),
    (0, "White blood cell count: a count of 0 leaves no white cells to count neutrophils in; enter a number from 100 "
        "to 200,000 cells/µL."),
])
def test_anc_widget_refuses_implausible_white_counts(wbc, message):
    """1,000,000/µL was graded "no neutropenia" and 0 was called a unit mistake."""
    box = cw.anc_widget()
    box.controls["wbc"].value = wbc
    assert warning(box) == message


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
    assert warning(box) == "Value (g/dL): cannot be negative: enter a number from 1 to 25 g/dL; got -5."
    c["term"].value = "platelet_count_decreased"
    c["value"].value = 45
    assert warning(box) == ("Value (cells/mm³): 45 is below 1,000 cells/mm³: it looks like ×10⁹/L (×10³/mm³); "
                            "multiply by 1000.")


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
    assert warning(box) == ("Systolic (mm Hg) and Diastolic (mm Hg): the systolic (70) must be higher than the "
                            "diastolic (120); were they swapped?")


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
    assert warning(box) == ("Number of fractions: 0 is outside the plausible range; enter a whole number from 1 "
                            "to 50.")
    c["fractions"].value = 1e6   # typed "1e6": an IntText turned it into 16
    assert warning(box).startswith("Number of fractions: 1,000,000 is outside the plausible range")
    c["fractions"].value = 2.5
    assert warning(box) == "Number of fractions: enter a whole number from 1 to 50; 2.5 is not a whole number."
    c["fractions"].value = 10
    c["alpha_beta_gy"].value = 99_999
    assert warning(box) == ("α/β (Gy): 99,999 Gy is outside the plausible range; enter a number from 0.5 to 20 "
                            "Gy.")
    c["alpha_beta_gy"].value = 10
    c["total_dose_gy"].value = 3000
    assert warning(box) == ("Total dose (Gy): 3,000 Gy is above the 100 Gy this calculator accepts for one course: "
                            "if it is in cGy, divide by 100 (3,000 cGy = 30 Gy).")
    notes = "".join(ch.value for ch in box.children if isinstance(ch, widgets.HTML) and ch is not box.result)
    assert "spinal cord" in notes and "0.87" in notes


def test_bed_widget_flags_fractions_over_8_gy_as_nominal():
    box = cw.bed_widget()
    box.controls["fractions"].value = 1
    box.controls["total_dose_gy"].value = 8
    assert "nominal" not in text(box)
    assert "8 Gy in 1 fraction (8.00 Gy per fraction)" in text(box)
    box.controls["total_dose_gy"].value = 8.1
    assert "Over 8 Gy per fraction the linear-quadratic model is less reliable" in text(box)


def test_bsa_widget():
    box = cw.bsa_widget()
    box.controls["height_cm"].value = 170
    box.controls["weight_kg"].value = 70
    assert "BSA 1.82 m² (Mosteller)" in text(box)
    assert "DuBois 1.81 m²" in text(box)
    box.controls["height_cm"].value = 1.7
    assert warning(box) == ("Height (cm): 1.7 cm is outside the plausible range; enter a number from 50 to 250 cm. "
                            "It looks like metres: 1.7 m = 170 cm.")


# -- every number box: labelled from its input, no limits in the browser, any value gives one line -------

NUMBER_BOXES = [(name, key) for name, (_builder, keys) in BUILDERS.items() for key in keys]


def _numeric_controls():
    for name, (builder, _keys) in BUILDERS.items():
        box = builder()
        for key, control in box.controls.items():
            if isinstance(control, (widgets.FloatText, widgets.IntText, widgets.BoundedFloatText,
                                    widgets.BoundedIntText, widgets.FloatSlider, widgets.IntSlider)):
                yield name, key, box, control


def test_every_number_box_is_an_unbounded_float_text():
    """An IntText turns a typed "1e6" into 16 and a bounded box clamps silently; a FloatText keeps the value."""
    found = list(_numeric_controls())
    assert {(n, k) for n, k, _b, _c in found} == {
        ("noms", "sins_total"), ("anc", "wbc"), ("anc", "segs_pct"), ("anc", "bands_pct"), ("ctcae", "value"),
        ("ctcae", "lln"), ("hypertension", "systolic"), ("hypertension", "diastolic"), ("bed", "total_dose_gy"),
        ("bed", "fractions"), ("bed", "alpha_beta_gy"), ("bsa", "height_cm"), ("bsa", "weight_kg")}
    for name, key, _box, control in found:
        assert type(control) is widgets.FloatText, (name, key, type(control).__name__)
        assert not hasattr(control, "min") and not hasattr(control, "max"), (name, key)


def test_number_boxes_are_labelled_as_their_inputs_are_named_in_messages():
    labels = {(n, k): c.description for n, k, _b, c in _numeric_controls()}
    assert labels[("anc", "wbc")] == calc.ANC_INPUTS["wbc"].label == "White blood cell count"
    assert labels[("anc", "segs_pct")] == calc.ANC_INPUTS["segs_pct"].label
    assert labels[("bed", "total_dose_gy")] == calc.BED_INPUTS["total_dose_gy"].label == "Total dose (Gy)"
    assert labels[("bed", "fractions")] == calc.BED_INPUTS["fractions"].label == "Number of fractions"
    assert labels[("bsa", "height_cm")] == calc.BSA_INPUTS["height_cm"].label == "Height (cm)"
    assert labels[("hypertension", "systolic")] == calc.HYPERTENSION_INPUTS["systolic"].label
    assert labels[("ctcae", "lln")] == calc.ctcae_lln_field("neutrophil_count_decreased").label
    assert labels[("noms", "sins_total")] == "M: SINS total (0–18)"


ANY_NUMBER = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**9, 10**9),
                       st.sampled_from([0, 1e6, 99_999, -1, 0.5, 1e-9, 2.5]))


@pytest.mark.parametrize("name, key", [(n, k) for n, k, _b, _c in _numeric_controls()])
@settings(max_examples=40, deadline=None)
@given(value=ANY_NUMBER)
def test_any_number_typed_gives_a_result_or_one_line_in_nursing_words(name, key, value):
    box = BUILDERS[name][0]()
    box.controls[key].value = float(value)
    if is_error(box):
        message = warning(box)
        label = box.controls[key].description
        assert message.startswith(label) or label in message, message
    else:
        assert "Source:" in box.result.value


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


def test_readable_tables_keep_zeros_and_say_what_an_empty_alternative_means():
    from helpers.calculator_widgets import readable

    assert readable(calc.worked_examples("hypertension"))["Grade"].tolist() == [0, 1, 2, 3, 3]
    assert readable(calc.worked_examples("anc"))["Bands (%)"].tolist() == [5, 10, 5, 0]
    assert readable(calc.ctcae_reference("anemia"))["Grade"].tolist() == [0, 1, 2, 3, 4, 5]
    noms = readable(calc.worked_examples("noms"))
    alternatives = noms["Documented alternative the team may weigh"].tolist()
    assert alternatives.count("None named in this illustration") == len(alternatives) - 2
