"""Live controls size to their text (helpers.controls) and read as plain words.

The real check of widths is tests/test_lab_controls.py in JupyterLab; these
fast tests pin the settings that make it pass and the option wording.
"""

from __future__ import annotations

import re

import ipywidgets as widgets
import pytest

from helpers import calculator_widgets as cw
from helpers.controls import fit

CALCULATORS = [cw.sins_widget, cw.escc_widget, cw.noms_widget, cw.anc_widget, cw.ctcae_widget,
               cw.hypertension_widget, cw.bed_widget, cw.bsa_widget]


def test_fit_is_as_wide_as_the_content_but_never_wider_than_the_cell():
    layout = fit(margin="0 0 4px 0")
    assert layout.width == "max-content"
    assert layout.max_width == "100%"
    assert layout.margin == "0 0 4px 0"


@pytest.mark.parametrize("builder", CALCULATORS, ids=lambda b: b.__name__)
def test_every_calculator_input_sizes_to_its_label_and_value(builder):
    box = builder()
    for name, control in box.controls.items():
        if isinstance(control, widgets.Checkbox):
            continue  # a checkbox's text is its own label, never squeezed
        assert control.style.description_width == "initial", name
        assert control.layout.width == "max-content", f"{builder.__name__}: {name} has a fixed width"
        if isinstance(control, widgets.ToggleButtons):
            assert control.style.button_width == "auto", f"{name}: buttons cut their text at 148 px"


def test_sins_options_say_point_or_points_correctly():
    box = cw.sins_widget()
    labels = [label for name, control in box.controls.items() if name != "location"
              for label, _value in control.options]
    assert any(label.endswith("(1 point)") for label in labels)
    assert any(label.endswith("(0 points)") for label in labels)
    assert not [label for label in labels if re.search(r"\b1 points\b|\b[02-9] point\)", label)]


def test_menu_entries_do_not_repeat_their_group_name():
    from helpers import targeted

    labels = [label for label, _id in targeted.situation_choices()]
    assert "Blood pressure 166/104 mm Hg on a repeat reading, no symptoms" in labels
    repeated = [label for label in labels if ": " in label
                and label.split(": ", 1)[1].split()[0].lower() == label.split()[0].lower()]
    assert repeated == []


def test_a_checkbox_group_is_a_control_whose_value_is_what_is_ticked():
    from helpers.controls import CheckboxGroup

    group = CheckboxGroup([("Surgery", "surgery"), ("Chemotherapy", "chemo"), ("Radiation", "rt")],
                          value=("rt", "surgery"), description="Treatments to compare")
    boxes = [c for c in group.children if hasattr(c, "indent")]
    assert [b.description for b in boxes] == ["Surgery", "Chemotherapy", "Radiation"]
    assert group.value == ("surgery", "rt")  # in the order shown
    seen = []
    group.observe(lambda change: seen.append(change["new"]), names="value")
    boxes[1].value = True
    assert group.value == ("surgery", "chemo", "rt") and seen == [("surgery", "chemo", "rt")]
    group.value = ("chemo",)  # set from code: the boxes follow
    assert [b.value for b in boxes] == [False, True, False]
    assert group.children[0].value == "Treatments to compare:"
