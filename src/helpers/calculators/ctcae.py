"""CTCAE v5.0 (NCI, 27 Nov 2017): blood-count grades and adult hypertension from blood pressure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from helpers.calculators._inputs import CalculatorInputError, Field, band, reached

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["CTCAE_TERMS", "CTCAE_DEFAULT_LLN", "CTCAE_UNITS", "ctcae_grade", "ctcae_reference",
           "ctcae_hypertension_grade", "hypertension_reference", "HYPERTENSION_LIMITS_NOTE",
           "ctcae_value_field", "ctcae_lln_field", "HYPERTENSION_INPUTS", "CTCAE_TERM_LABEL",
           "examples", "hypertension_examples"]

CTCAE_TERMS: tuple[str, ...] = (
    "neutrophil_count_decreased",
    "platelet_count_decreased",
    "white_blood_cell_decreased",
    "anemia",
)
#: Units of ``value`` and ``lln`` for each term.
CTCAE_UNITS: dict[str, str] = {
    "neutrophil_count_decreased": "cells/mm³",
    "platelet_count_decreased": "cells/mm³",
    "white_blood_cell_decreased": "cells/mm³",
    "anemia": "g/dL",
}
#: EXAMPLE lower limits of normal. Every laboratory sets its own; pass ``lln``.
CTCAE_DEFAULT_LLN: dict[str, float] = {
    "neutrophil_count_decreased": 2000.0,
    "platelet_count_decreased": 150000.0,
    "white_blood_cell_decreased": 4000.0,
    "anemia": 12.0,
}
# Upper edges of grades 2, 3, 4 (value strictly below the edge reaches the grade).
_CTCAE_BOUNDS: dict[str, tuple[float, ...]] = {
    "neutrophil_count_decreased": (1500.0, 1000.0, 500.0),
    "platelet_count_decreased": (75000.0, 50000.0, 25000.0),
    "white_blood_cell_decreased": (3000.0, 2000.0, 1000.0),
    "anemia": (10.0, 8.0),
}
_CTCAE_ALIASES = {"anaemia": "anemia", "hemoglobin_decreased": "anemia"}
CTCAE_TERM_LABEL = "Adverse event term"

# Plausible values (input checks, not grades).  A count above 0 but below the lower edge is almost
# surely ×10⁹/L typed as cells/mm³ (no laboratory reports a differential count that low); 0 means none
# was counted and is accepted.  The upper edges (200,000 white cells or neutrophils, 2,000,000
# platelets per mm³) are far above any count this calculator grades; a larger number is a slip.
# Haemoglobin 1-25 g/dL: above 25 is g/L typed as g/dL.
_PLAUSIBLE: dict[str, tuple[float, float]] = {
    "neutrophil_count_decreased": (100.0, 200_000.0),
    "platelet_count_decreased": (1000.0, 2_000_000.0),
    "white_blood_cell_decreased": (100.0, 200_000.0),
    "anemia": (1.0, 25.0),
}


def ctcae_value_field(term: str, name: str = "value") -> Field:
    """The input for a term's value: label "Value (cells/mm³)" or "Value (g/dL)" and its plausible range."""
    key = _ctcae_term(term)
    low, high = _PLAUSIBLE[key]
    return Field(name, f"Value ({CTCAE_UNITS[key]})", CTCAE_UNITS[key], low, high)


def ctcae_lln_field(term: str) -> Field:
    """The input for a term's lower limit of normal (set by each laboratory)."""
    key = _ctcae_term(term)
    low, high = _PLAUSIBLE[key]
    return Field("lln", f"Lower limit of normal ({CTCAE_UNITS[key]}; lab-specific)", CTCAE_UNITS[key], low, high)


def _ctcae_term(term: Any) -> str:
    listing = ", ".join(repr(t) for t in CTCAE_TERMS)
    if isinstance(term, str):
        key = "_".join(term.strip().lower().replace("-", " ").split())
        key = _CTCAE_ALIASES.get(key, key)
        if key in CTCAE_TERMS:
            return key
    shown = ", ".join(t.replace("_", " ") for t in CTCAE_TERMS)
    raise CalculatorInputError(f"term ({CTCAE_TERM_LABEL}) must be one of {listing}; got {term!r}.",
                               f"{CTCAE_TERM_LABEL}: choose one of {shown}; got {term!r}.")


def _ctcae_lab_value(term: str, field: Field, value: Any, *, zero_allowed: bool) -> float:
    """Check a count or haemoglobin for sign, type, the usual unit slips and the plausible range."""
    number = field.number(value)
    if field.in_range(number) or (zero_allowed and number == 0 and term != "anemia"):
        return number
    allowed = field.allowed()
    if number == 0:
        raise field.error(f"must be more than 0; enter {allowed}.")
    if term == "anemia":
        if number > field.high:
            raise field.error(f"{number:g} g/dL is implausible for haemoglobin: if it is in g/L, divide by 10 "
                              f"(enter {allowed}).")
        raise field.error(f"{number:g} g/dL is implausible for haemoglobin: enter {allowed} (e.g. 9.5).")
    if number > field.high:
        raise field.error(f"{field.quantity(number)} is outside the plausible range; enter {allowed}. "
                          "Check the number of zeros.")
    if term == "neutrophil_count_decreased":
        # 1 or 5 is almost surely ×10^9/L typed as cells/mm³; a true count this low is grade 4 anyway.
        problem = (f"{number:g} looks like ×10^9/L ({number:g} ×10^9/L = {number * 1000:,.0f} cells/mm³); "
                   "give the count in cells/mm³. A count the laboratory really reports as under 100 cells/mm³ "
                   "is grade 4 (below 500).")
        raise field.error(problem.replace("×10^9/L", "×10⁹/L"), problem)
    edge = f"{field.low:,.0f}"
    problem = f"{number:g} is below {edge} cells/mm³: it looks like ×10^9/L (×10^3/mm³); multiply by 1000."
    raise field.error(problem.replace("×10^9/L (×10^3/mm³)", "×10⁹/L (×10³/mm³)"), problem)


def ctcae_grade(term: str, value: float, lln: float | None = None) -> int:
    """CTCAE v5.0 grade (0–4) of a laboratory value.

    Terms (``CTCAE_TERMS``; spaces and case are forgiven, "anaemia" accepted):

    - "neutrophil_count_decreased" (cells/mm³ = cells/µL): G1 <LLN–1500,
      G2 <1500–1000, G3 <1000–500, G4 <500.
    - "platelet_count_decreased" (cells/mm³): G1 <LLN–75,000,
      G2 <75,000–50,000, G3 <50,000–25,000, G4 <25,000.
    - "white_blood_cell_decreased" (cells/mm³): G1 <LLN–3000, G2 <3000–2000,
      G3 <2000–1000, G4 <1000.
    - "anemia" (haemoglobin, g/dL): G1 <LLN–10.0, G2 <10.0–8.0, G3 <8.0.
      Anaemia grade 4 (life-threatening consequences, urgent intervention)
      and grade 5 (death) are clinical judgements that no number can
      express, so this function returns at most 3 for anaemia.

    Grade 0 means the value is at or above the lower limit of normal (LLN):
    grade 1 requires a value below the LLN. ``lln`` defaults to
    ``CTCAE_DEFAULT_LLN``, which are EXAMPLE values (neutrophils 2000,
    platelets 150,000, WBC 4000, haemoglobin 12.0 g/dL); each laboratory sets
    its own, so pass the local LLN. If the LLN is at or below a grade
    boundary (e.g. neutrophil LLN 1400), a value at or above the LLN is
    grade 0 and a value below it takes the grade its number falls in (1300
    is grade 2; grade 1 is then empty).

    Counts must be in cells/mm³: neutrophil and white counts above 0 and
    below 100 (e.g. 1 or 5) and platelets below 1000 are rejected as probable
    ×10⁹/L slips (0 means none counted: grade 4), and the neutrophil message
    says that a true count that low is grade 4; counts above 200,000
    (platelets 2,000,000) are rejected as implausible; haemoglobin must be
    1–25 g/dL (above 25 is a probable g/L slip).
    """
    key = _ctcae_term(term)
    number = _ctcae_lab_value(key, ctcae_value_field(key), value, zero_allowed=True)
    if lln is None:
        limit = CTCAE_DEFAULT_LLN[key]
    else:
        limit = _ctcae_lab_value(key, ctcae_lln_field(key), lln, zero_allowed=False)
    if number >= limit:
        return 0
    return 1 + band(number, _CTCAE_BOUNDS[key])


_CTCAE_CLINICAL_ROWS = {
    "anemia": (
        (4, "Life-threatening consequences; urgent intervention indicated (clinical judgement, not a number)"),
        (5, "Death related to the adverse event"),
    ),
}


def _format_count(term: str, x: float) -> str:
    if term == "anemia":
        return f"{x:.1f} g/dL"
    return f"{x:,.0f}/mm³ ({x / 1000:g} ×10⁹/L)"


def ctcae_reference(term: str) -> "pd.DataFrame":
    """CTCAE v5.0 grade table for a term: columns grade, criterion.

    Grade 0 is "at or above the LLN" (the LLN is set by each laboratory).
    """
    import pandas as pd

    key = _ctcae_term(term)
    edges = _CTCAE_BOUNDS[key]
    rows = [(0, "At or above the lower limit of normal (LLN; set by each laboratory)")]
    upper = "LLN"
    for grade, edge in enumerate(edges, start=1):
        rows.append((grade, f"<{upper} to {_format_count(key, edge)}"))
        upper = _format_count(key, edge)
    rows.append((len(edges) + 1, f"<{upper}" + ("; transfusion indicated" if key == "anemia" else "")))
    rows.extend(_CTCAE_CLINICAL_ROWS.get(key, ()))
    return pd.DataFrame(rows, columns=["grade", "criterion"])


def examples() -> list[dict]:
    """Worked examples of laboratory grades, with the example LLN used."""
    cases = [
        ("neutrophil_count_decreased", 1800), ("neutrophil_count_decreased", 800),
        ("platelet_count_decreased", 60000), ("white_blood_cell_decreased", 900),
        ("anemia", 9.2), ("anemia", 7.5),
    ]
    return [
        {"term": t, "value": v, "unit": CTCAE_UNITS[t], "example_lln": CTCAE_DEFAULT_LLN[t],
         "grade": ctcae_grade(t, v)}
        for t, v in cases
    ]


# --------------------------------------------------------------------------
# Hypertension, CTCAE v5.0 (adult)
# --------------------------------------------------------------------------

_SYSTOLIC_BOUNDS = (120.0, 140.0, 160.0)
_DIASTOLIC_BOUNDS = (80.0, 90.0, 100.0)

#: The two readings with the labels of their controls.  The ranges only catch slips (a missing or extra
#: digit, the readings swapped): 40-300 mm Hg systolic and 20-200 mm Hg diastolic hold every reading
#: a nurse records.
HYPERTENSION_INPUTS: dict[str, Field] = {
    "systolic": Field("systolic", "Systolic (mm Hg)", "mm Hg", 40, 300),
    "diastolic": Field("diastolic", "Diastolic (mm Hg)", "mm Hg", 20, 200),
}

HYPERTENSION_LIMITS_NOTE = (
    "Blood pressure numbers alone cannot capture the whole grade: grades 2 and 3 also depend on "
    "whether medication is needed (one drug, or more than one drug or more intensive therapy), "
    "whether the rise is recurrent or persistent, and symptoms; grade 4 means life-threatening "
    "consequences (e.g. hypertensive crisis, neurological deficit) and grade 5 death."
)


def ctcae_hypertension_grade(systolic: float, diastolic: float) -> int:
    """CTCAE v5.0 adult hypertension grade (0–3) from blood pressure (mm Hg) alone.

    Systolic: <120 -> 0, 120–139 -> 1, 140–159 -> 2, ≥160 -> 3.
    Diastolic: <80 -> 0, 80–89 -> 1, 90–99 -> 2, ≥100 -> 3.
    The higher of the two component grades wins. Systolic must exceed
    diastolic; systolic 40–300 and diastolic 20–200 mm Hg.

    What the numbers cannot capture: grade 2 and grade 3 also depend on
    interventions (medication needed; more than one drug or more intensive
    therapy for grade 3), on whether the rise is recurrent or persistent
    (≥24 h), and on symptoms. Grade 4 (life-threatening consequences such as
    hypertensive crisis, malignant hypertension or a neurological deficit;
    urgent intervention) and grade 5 (death) are never derived from numbers.
    """
    sbp = HYPERTENSION_INPUTS["systolic"].check(systolic)
    dbp = HYPERTENSION_INPUTS["diastolic"].check(diastolic)
    if sbp <= dbp:
        first, second = HYPERTENSION_INPUTS["systolic"].label, HYPERTENSION_INPUTS["diastolic"].label
        raise CalculatorInputError(
            f"systolic ({sbp:g}) must be higher than diastolic ({dbp:g}); were they swapped?",
            f"{first} and {second}: the systolic ({sbp:g}) must be higher than the diastolic ({dbp:g}); "
            "were they swapped?",
        )
    return max(reached(sbp, _SYSTOLIC_BOUNDS), reached(dbp, _DIASTOLIC_BOUNDS))


def hypertension_reference() -> "pd.DataFrame":
    """CTCAE v5.0 adult hypertension grades: columns grade, blood_pressure, also_depends_on."""
    import pandas as pd

    rows = [
        (0, "Systolic <120 and diastolic <80 mm Hg", "–"),
        (1, "Systolic 120–139 or diastolic 80–89 mm Hg", "–"),
        (2, "Systolic 140–159 or diastolic 90–99 mm Hg (if previously normal)",
         "Medical intervention indicated (one drug); recurrent or persistent (≥24 h); symptomatic rise"),
        (3, "Systolic ≥160 or diastolic ≥100 mm Hg",
         "Medical intervention indicated; more than one drug or more intensive therapy than before"),
        (4, "Not defined by numbers",
         "Life-threatening consequences (e.g. hypertensive crisis, neurological deficit); urgent intervention"),
        (5, "Not defined by numbers", "Death"),
    ]
    return pd.DataFrame(rows, columns=["grade", "blood_pressure", "also_depends_on"])


def hypertension_examples() -> list[dict]:
    """Worked examples: blood pressure and the grade from the numbers alone."""
    cases = [(118, 76), (128, 78), (145, 85), (150, 102), (165, 95)]
    return [{"systolic": s, "diastolic": d, "grade": ctcae_hypertension_grade(s, d)} for s, d in cases]
