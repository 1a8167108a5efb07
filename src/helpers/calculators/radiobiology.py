"""BED and EQD2 with the linear-quadratic model (Fowler 1989)."""

from __future__ import annotations

from typing import Any

from helpers.calculators._inputs import CalculatorInputError, Field, number_text

__all__ = ["bed", "eqd2", "BED_INPUTS", "MAX_TOTAL_DOSE_GY", "DOSE_PER_FRACTION_GY", "examples"]

#: The cGy-slip guard: a total dose above this is refused, and the message suggests cGy.  Every
#: schedule the lessons teach (palliative 8-30 Gy, SBRT up to about 30 Gy, conventional courses up to
#: about 60 Gy) lies well below it, while a dose typed in cGy (800, 2000, 3000) always exceeds it.
MAX_TOTAL_DOSE_GY = 100.0
#: Plausible dose per fraction: 0.5 Gy (the smallest fractions in use) to 30 Gy (above the largest
#: single-fraction spine radiosurgery doses).
DOSE_PER_FRACTION_GY = (0.5, 30.0)

#: The three inputs with the labels of their controls.  Fractions 1-50 covers every course from a
#: single fraction to the longest conventional courses; α/β 0.5-20 Gy covers the published values,
#: from the QUANTEC estimate for spinal cord (0.87 Gy) to tumour (10 Gy).
BED_INPUTS: dict[str, Field] = {
    "total_dose_gy": Field("total_dose_gy", "Total dose (Gy)", "Gy", 0, MAX_TOTAL_DOSE_GY, low_open=True),
    "fractions": Field("fractions", "Number of fractions", "", 1, 50, whole=True),
    "alpha_beta_gy": Field("alpha_beta_gy", "α/β (Gy)", "Gy", 0.5, 20),
}


def _dose_args(total_dose_gy: Any, fractions: Any, alpha_beta_gy: Any) -> tuple[float, int, float]:
    dose_field = BED_INPUTS["total_dose_gy"]
    dose = dose_field.number(total_dose_gy)
    if dose > MAX_TOTAL_DOSE_GY:
        raise dose_field.error(
            f"{number_text(dose)} Gy is above the {MAX_TOTAL_DOSE_GY:g} Gy this calculator accepts for one course: if it "
            f"is in cGy, divide by 100 ({number_text(dose)} cGy = {dose / 100:g} Gy)."
        )
    dose = dose_field.check(dose)
    n = int(BED_INPUTS["fractions"].check(fractions))
    ab = BED_INPUTS["alpha_beta_gy"].check(alpha_beta_gy)
    per_fraction = dose / n
    low, high = DOSE_PER_FRACTION_GY
    if not low <= per_fraction <= high:
        first, second = BED_INPUTS["total_dose_gy"].label, BED_INPUTS["fractions"].label
        schedule = f"{dose:g} Gy in {n} fraction{'s' if n != 1 else ''} is {per_fraction:.3g} Gy per fraction"
        raise CalculatorInputError(
            f"total_dose_gy / fractions ({first} / {second}): {schedule}, outside the plausible "
            f"{low:g} to {high:g} Gy per fraction; check both.",
            f"{first} and {second}: {schedule}; a plausible dose per fraction is {low:g} to {high:g} Gy, "
            "so check both.",
        )
    return dose, n, ab


def bed(total_dose_gy: float, fractions: int, alpha_beta_gy: float) -> float:
    """Biologically effective dose in Gy: BED = D × (1 + d/(α/β)), with d = D/n.

    - ``total_dose_gy``: total physical dose D in Gy (not cGy), more than 0
      and at most 100 Gy.
    - ``fractions``: number of fractions n, a whole number from 1 to 50.
    - ``alpha_beta_gy``: α/β ratio in Gy, from 0.5 to 20. Use 10 for tumour
      and acute-responding tissue; 2 for spinal cord (as in spine SBRT
      tolerance work), or 0.87 (the QUANTEC estimate, Kirkpatrick 2010).

    The dose per fraction D/n must be from 0.5 to 30 Gy.

    Example: 8 Gy × 1 with α/β 10 -> BED 14.4 Gy.

    The linear-quadratic model (Fowler 1989) is less reliable above about
    8–10 Gy per fraction, so BED values for SRS/SBRT are nominal: useful for
    comparing schedules, not exact biology.
    """
    dose, n, ab = _dose_args(total_dose_gy, fractions, alpha_beta_gy)
    per_fraction = dose / n
    return dose * (1.0 + per_fraction / ab)


def eqd2(total_dose_gy: float, fractions: int, alpha_beta_gy: float) -> float:
    """Equivalent dose in 2-Gy fractions (Gy): EQD2 = BED / (1 + 2/(α/β)).

    Same arguments and caveats as :func:`bed`. Examples with α/β 10:
    8 Gy × 1 -> 12.0 Gy; 30 Gy in 10 fractions -> 32.5 Gy. A schedule of
    2 Gy per fraction has EQD2 equal to its total dose.
    """
    dose, n, ab = _dose_args(total_dose_gy, fractions, alpha_beta_gy)
    return bed(dose, n, ab) / (1.0 + 2.0 / ab)


def examples() -> list[dict]:
    """Worked examples: common palliative and SBRT schedules with α/β 10 and 2 Gy."""
    cases = [(8, 1, 10), (20, 5, 10), (30, 10, 10), (24, 2, 10), (8, 1, 2), (30, 10, 2)]
    return [
        {"total_dose_gy": d, "fractions": n, "alpha_beta_gy": ab, "dose_per_fraction_gy": d / n,
         "bed_gy": bed(d, n, ab), "eqd2_gy": eqd2(d, n, ab)}
        for d, n, ab in cases
    ]
