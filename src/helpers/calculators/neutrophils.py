"""Absolute neutrophil count and neutropenia severity (ASCO/IDSA, Taplitz et al. 2018)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from helpers.calculators._inputs import CalculatorInputError, Field, band

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["anc", "wbc_from_thousands", "WBC_UNITS", "neutropenia_severity", "neutropenia_reference",
           "ANC_INPUTS", "WBC_UNIT_LABELS", "examples"]

#: White-count units accepted by :func:`anc`, with the factor to cells/µL.
WBC_UNITS: dict[str, float] = {
    "cells/uL": 1.0,
    "cells/µL": 1.0,
    "cells/mm3": 1.0,
    "10^3/uL": 1000.0,
    "10^3/µL": 1000.0,
    "10^9/L": 1000.0,
}
#: How each unit reads on the unit control (its two buttons) and in messages.
WBC_UNIT_LABELS = {"cells/uL": "cells/µL", "10^3/uL": "×10³/µL = ×10⁹/L"}

# Plausible white counts.  Below 100 cells/µL a laboratory reports no reliable differential, so a smaller
# number is almost surely a count in ×10³/µL typed as cells/µL.  Above 200,000 cells/µL (twice the
# hyperleukocytosis level of 100,000) a typed value is far likelier an extra zero or the wrong unit than
# a real count, and this calculator teaches the neutropenia of chemotherapy, not leukaemic counts.
_WBC_CELLS = Field("wbc", "White blood cell count", "cells/µL", 100, 200_000)
_WBC_THOUSANDS = Field("wbc", "White blood cell count", "×10³/µL", 0.1, 200)

#: The inputs of :func:`anc` with the labels of their controls (the widget uses the same labels).
ANC_INPUTS: dict[str, Field] = {
    "wbc": _WBC_CELLS,
    "segs_pct": Field("segs_pct", "Segmented neutrophils (%)", "%", 0, 100),
    "bands_pct": Field("bands_pct", "Band neutrophils (%)", "%", 0, 100),
}
_WBC_UNIT_LABEL = "Unit of the white count"
# An ANC typed directly: from none at all up to the largest plausible white count.
_ANC = Field("anc", "ANC", "cells/µL", 0, 200_000)
_THOUSANDS = Field("wbc_thousands", "White blood cell count", "×10³/µL", 0, 200)

_NEUTROPENIA = (
    ("none", "1500 or more", "No neutropenia (ANC ≥1500/µL)."),
    ("mild", "1000 to less than 1500", "Mild neutropenia."),
    ("moderate", "500 to less than 1000", "Moderate neutropenia."),
    ("severe", "less than 500", "Severe neutropenia: the highest risk of serious infection."),
)
_NEUTROPENIA_BOUNDS = (1500.0, 1000.0, 500.0)


def wbc_from_thousands(wbc_thousands: float) -> float:
    """Convert a white count typed in ×10³/µL (= ×10⁹/L), e.g. 4.5, to cells/µL (4500)."""
    return _THOUSANDS.check(wbc_thousands) * 1000.0


def _white_count(wbc: Any, wbc_unit: str) -> float:
    """The white count in cells/µL, or an error that names the unit slip when it looks like one."""
    field = _WBC_CELLS if WBC_UNITS[wbc_unit] == 1.0 else _WBC_THOUSANDS
    number = field.number(wbc)
    if field.in_range(number):
        return number * WBC_UNITS[wbc_unit]
    allowed = field.allowed()
    if number == 0:
        raise field.error(f"a count of 0 leaves no white cells to count neutrophils in; enter {allowed}.")
    if field is _WBC_CELLS and number < field.low:
        cells = f"{number * 1000:,.0f}"
        raise field.error(
            f"{field.quantity(number)} is far too low for a count in cells/µL: it looks like "
            f"{number:g} ×10³/µL; choose the unit {WBC_UNIT_LABELS['10^3/uL']} or enter {cells}.",
            f"{field.quantity(number)} is implausibly low: it looks like a count in ×10^3/µL; choose the unit "
            f"×10^3/µL (wbc_unit='10^3/uL') or convert with wbc_from_thousands({number:g}).",
        )
    if field is _WBC_THOUSANDS and number > field.high:
        raise field.error(
            f"{field.quantity(number)} ({number * 1000:,.0f} cells/µL) is outside the plausible range: "
            f"it looks like a count in cells/µL; choose the unit cells/µL, or enter {allowed}.",
            f"{number:g} ×10^3/µL is implausibly high ({number * 1000:,.0f} cells/µL): it looks like cells/µL "
            "typed with the unit ×10^3/µL; use wbc_unit='cells/uL'.",
        )
    if field is _WBC_THOUSANDS:
        raise field.error(f"{field.quantity(number)} is below 0.1 ×10³/µL (100 cells/µL), too few cells "
                          f"for a differential; enter {allowed}.")
    raise field.error(f"{field.quantity(number)} is outside the plausible range; enter {allowed}. "
                      "Check the number of zeros and the unit.")


def anc(wbc: float, segs_pct: float, bands_pct: float = 0.0, *, wbc_unit: str = "cells/uL") -> float:
    """Absolute neutrophil count in cells/µL: wbc × (segs% + bands%) / 100.

    - ``wbc``: total white count, in cells/µL by default (e.g. 4500), from
      100 to 200,000 cells/µL. For a count written as ×10³/µL (e.g. 4.5,
      from 0.1 to 200), pass ``wbc_unit="10^3/uL"`` (``"10^9/L"`` is the same
      number) or convert with :func:`wbc_from_thousands`.
    - ``segs_pct``, ``bands_pct``: segmented neutrophils and bands, in % of
      the white count (bands must be included). They may not add up to more
      than 100.

    Unit-slip guard (a deliberate decision): a white count below 100 cells/µL
    given with a differential is almost always a ×10³/µL value typed as
    cells/µL, so it is rejected with a message saying how to fix it (a count
    of 0 is rejected as having no cells to count). Counts above 200,000
    cells/µL are rejected as implausible for this teaching calculator.
    """
    unit = wbc_unit.strip() if isinstance(wbc_unit, str) else None
    if unit not in WBC_UNITS:
        raise CalculatorInputError(
            f"wbc_unit ({_WBC_UNIT_LABEL}) must be 'cells/uL' (e.g. 4500) or '10^3/uL' "
            f"(e.g. 4.5; same as '10^9/L'); got {wbc_unit!r}.",
            f"{_WBC_UNIT_LABEL}: choose cells/µL (e.g. 4500) or ×10³/µL (e.g. 4.5); got {wbc_unit!r}.",
        )
    segs = ANC_INPUTS["segs_pct"].check(segs_pct, "It is a percentage of the white count.")
    bands = ANC_INPUTS["bands_pct"].check(bands_pct, "It is a percentage of the white count.")
    if segs + bands > 100:
        first, second = ANC_INPUTS["segs_pct"].label, ANC_INPUTS["bands_pct"].label
        raise CalculatorInputError(
            f"segs_pct + bands_pct ({first} + {second}) add up to {segs + bands:g}%, more than 100% of the "
            "white count; check both.",
            f"{first} and {second} add up to {segs + bands:g}%: together they can be at most 100% of the "
            "white count; check both.",
        )
    count = _white_count(wbc, unit)
    return count * (segs + bands) / 100.0


def neutropenia_severity(anc: float) -> str:
    """Neutropenia severity from an ANC in cells/µL (ASCO/IDSA, Taplitz et al. 2018).

    "none" (≥1500), "mild" (1000 to <1500), "moderate" (500 to <1000),
    "severe" (<500). An ANC below 100/µL is sometimes called "profound"; it
    is reported here as "severe". The ANC must be from 0 to 200,000 cells/µL.
    """
    value = _ANC.check(anc)
    return _NEUTROPENIA[band(value, _NEUTROPENIA_BOUNDS)][0]


def neutropenia_reference() -> "pd.DataFrame":
    """Neutropenia bands: columns severity, anc_cells_per_ul, meaning."""
    import pandas as pd

    return pd.DataFrame(_NEUTROPENIA, columns=["severity", "anc_cells_per_ul", "meaning"])


def examples() -> list[dict]:
    """Worked examples: white count, segmented and band percentages, ANC and severity."""
    cases = [(4500, 50, 5), (2000, 40, 10), (3000, 25, 5), (1200, 30, 0)]
    rows = []
    for wbc, segs, bands in cases:
        value = anc(wbc, segs, bands)
        rows.append({"wbc_cells_per_ul": wbc, "segs_pct": segs, "bands_pct": bands,
                     "anc_cells_per_ul": value, "severity": neutropenia_severity(value)})
    return rows
