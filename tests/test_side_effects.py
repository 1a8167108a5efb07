"""Shared side-effect builders: right rows, labelled charts, clear errors."""

import pytest

from helpers import setup, side_effects
from helpers.errors import InputError
from helpers.plotting import accessibility_problems


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
    for chart in (side_effects.frequency_chart(modality), side_effects.onset_chart(modality)):
        assert accessibility_problems(chart) == []
        plotted = sum(len(trace.y) for trace in chart.data)
        assert plotted == len(side_effects.effects(modality))
    for table in (side_effects.side_effect_table(modality), side_effects.nursing_table(modality),
                  side_effects.red_flags_table(modality)):
        assert "<table" in table._repr_html_()


def test_frequency_chart_keeps_ordinal_order():
    fig = side_effects.frequency_chart("radiation_therapy")
    assert list(fig.layout.xaxis.categoryarray) == list(side_effects.FREQUENCY_LABELS.values())
