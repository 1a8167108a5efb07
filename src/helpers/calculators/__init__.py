"""Clinical calculators for teaching: SINS, ESCC, NOMS, ANC, CTCAE v5.0, BED/EQD2, BSA.

One module per scale, each a set of pure functions with no widget or
plotting imports, so ``import helpers.calculators`` is fast and every
function can be tested on its own:

- :mod:`~helpers.calculators.spinal_instability` (SINS, Fisher 2010), :mod:`~helpers.calculators.escc`
  (Bilsky 2010), :mod:`~helpers.calculators.noms` (Laufer 2013; it evaluates
  the decision table ``data/noms_rules.csv``);
- :mod:`~helpers.calculators.neutrophils` (ANC and neutropenia, ASCO/IDSA
  2018), :mod:`~helpers.calculators.ctcae` (CTCAE v5.0 blood counts and
  hypertension);
- :mod:`~helpers.calculators.radiobiology` (BED and EQD2, Fowler 1989),
  :mod:`~helpers.calculators.bsa` (Mosteller 1987, DuBois 1916);
- :mod:`~helpers.calculators._inputs`: each input's label and plausible
  range, defined once for the function's check and the widget's control.

Every public name is re-exported here, so ``from helpers import calculators
as calc; calc.sins(...)`` works. Every bad input raises
:class:`~helpers.errors.InputError` with one sentence that names the
argument and the control's label and says what is allowed (its ``student``
attribute is the same sentence in the control's words only).

These calculators illustrate published scales for nursing education with
synthetic cases. They are not medical advice and not a substitute for the
multidisciplinary team.

Sources (ids resolve to ``data/sources.csv``) are listed in ``SOURCE_IDS``.
Results that are objects carry ``.source_ids``; for functions that return a
plain number or word, ``CALCULATOR_SOURCES[name]`` gives the ids. Several ids
are joined with ``";"``, as in the ``source_ids`` column of the data tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpers.calculators import bsa as _bsa
from helpers.calculators import ctcae as _ctcae
from helpers.calculators import escc as _escc
from helpers.calculators import neutrophils as _neutrophils
from helpers.calculators import noms as _noms
from helpers.calculators import radiobiology as _radiobiology
from helpers.calculators import spinal_instability as _sins
from helpers.calculators._inputs import CalculatorInputError, Choice, Field, student_message
from helpers.calculators._sources import CALCULATOR_SOURCES, SOURCE_IDS
from helpers.calculators.bsa import BSA_INPUTS, bsa_dubois, bsa_mosteller
from helpers.calculators.ctcae import (
    CTCAE_DEFAULT_LLN, CTCAE_TERM_LABEL, CTCAE_TERMS, CTCAE_UNITS, HYPERTENSION_INPUTS, HYPERTENSION_LIMITS_NOTE,
    ctcae_grade, ctcae_hypertension_grade, ctcae_lln_field, ctcae_reference, ctcae_value_field,
    hypertension_reference,
)
from helpers.calculators.escc import (
    ESCC_GRADES, ESCC_GRADING_NOTE, EsccAssessment, escc_assessment, escc_category, escc_reference,
)
from helpers.calculators.neutrophils import (
    ANC_INPUTS, WBC_UNIT_LABELS, WBC_UNITS, anc, neutropenia_reference, neutropenia_severity, wbc_from_thousands,
)
from helpers.calculators.noms import (
    ECOG_MEANINGS, NOMS_CAVEAT, NOMS_INPUTS, RADIOSENSITIVITY_VALUES, STABILITY_VALUES, NomsResult, noms_examples,
    noms_pathway, noms_rules,
)
from helpers.calculators.radiobiology import BED_INPUTS, DOSE_PER_FRACTION_GY, MAX_TOTAL_DOSE_GY, bed, eqd2
from helpers.calculators.spinal_instability import (
    SINS_INPUTS, SinsResult, sins, sins_category, sins_reference, sins_region,
)
from helpers.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "InputError", "CalculatorInputError", "Field", "Choice", "student_message",
    "SOURCE_IDS", "CALCULATOR_SOURCES", "WORKED_EXAMPLE_NAMES",
    "SinsResult", "sins", "sins_region", "sins_category", "sins_reference", "SINS_INPUTS",
    "EsccAssessment", "escc_category", "escc_assessment", "escc_reference", "ESCC_GRADING_NOTE", "ESCC_GRADES",
    "NomsResult", "noms_pathway", "noms_rules", "noms_examples", "ECOG_MEANINGS", "NOMS_CAVEAT",
    "RADIOSENSITIVITY_VALUES", "STABILITY_VALUES", "NOMS_INPUTS",
    "anc", "wbc_from_thousands", "WBC_UNITS", "WBC_UNIT_LABELS", "neutropenia_severity", "neutropenia_reference",
    "ANC_INPUTS",
    "CTCAE_TERMS", "CTCAE_DEFAULT_LLN", "CTCAE_UNITS", "CTCAE_TERM_LABEL", "ctcae_grade", "ctcae_reference",
    "ctcae_value_field", "ctcae_lln_field",
    "ctcae_hypertension_grade", "hypertension_reference", "HYPERTENSION_LIMITS_NOTE", "HYPERTENSION_INPUTS",
    "bed", "eqd2", "BED_INPUTS", "MAX_TOTAL_DOSE_GY", "DOSE_PER_FRACTION_GY",
    "bsa_mosteller", "bsa_dubois", "BSA_INPUTS", "worked_examples",
]

# --------------------------------------------------------------------------
# Worked examples (computed, never typed by hand)
# --------------------------------------------------------------------------

WORKED_EXAMPLE_NAMES: tuple[str, ...] = ("sins", "escc", "noms", "anc", "ctcae", "hypertension", "bed", "bsa")
_WORKED_EXAMPLE_ALIASES = {"eqd2": "bed", "neutropenia": "anc"}
_EXAMPLE_BUILDERS = {
    "sins": _sins.examples, "escc": _escc.examples, "noms": _noms.examples, "anc": _neutrophils.examples,
    "ctcae": _ctcae.examples, "hypertension": _ctcae.hypertension_examples, "bed": _radiobiology.examples,
    "bsa": _bsa.examples,
}
_EXAMPLE_CHOICE = Choice("calculator_name", "Calculator", WORKED_EXAMPLE_NAMES + tuple(_WORKED_EXAMPLE_ALIASES))


def worked_examples(calculator_name: str) -> "pd.DataFrame":
    """Worked examples for a calculator, as a DataFrame of inputs and computed results.

    ``calculator_name`` is one of ``WORKED_EXAMPLE_NAMES`` ("sins", "escc",
    "noms", "anc", "ctcae", "hypertension", "bed", "bsa"); "eqd2" and
    "neutropenia" are accepted as aliases of "bed" and "anc". The NOMS
    examples are the rows of ``data/noms_examples.csv`` marked
    ``worked_example``.
    """
    import pandas as pd

    name = _EXAMPLE_CHOICE.check(calculator_name)
    name = _WORKED_EXAMPLE_ALIASES.get(name, name)
    return pd.DataFrame(_EXAMPLE_BUILDERS[name]())
