"""Body surface area: Mosteller (1987) and DuBois and DuBois (1916)."""

from __future__ import annotations

import math
from typing import Any

from helpers.calculators._inputs import Field

__all__ = ["bsa_mosteller", "bsa_dubois", "BSA_INPUTS", "examples"]

#: Height and weight with the labels of their controls.  50-250 cm and 2-400 kg hold everyone from a
#: newborn to the tallest and heaviest adults a ward weighs; outside them a value is a unit slip
#: (metres, feet or pounds) or a typing error.
BSA_INPUTS: dict[str, Field] = {
    "height_cm": Field("height_cm", "Height (cm)", "cm", 50, 250),
    "weight_kg": Field("weight_kg", "Weight (kg)", "kg", 2, 400),
}


def _body(height_cm: Any, weight_kg: Any) -> tuple[float, float]:
    height_field, weight_field = BSA_INPUTS["height_cm"], BSA_INPUTS["weight_kg"]
    height = height_field.number(height_cm)
    if 0 < height < 3:
        hint = f"It looks like metres: {height:g} m = {height * 100:g} cm."
    elif 0 < height < height_field.low:
        hint = "It looks like metres or feet: enter centimetres (e.g. 170)."
    else:
        hint = ""
    height = height_field.check(height, hint)
    weight = weight_field.number(weight_kg)
    hint = (f"If it is in pounds, divide by 2.2046 ({weight:g} lb = {weight / 2.2046:.1f} kg)."
            if weight > weight_field.high else "")
    weight = weight_field.check(weight, hint)
    return height, weight


def bsa_mosteller(height_cm: float, weight_kg: float) -> float:
    """Body surface area in m² by Mosteller (1987): sqrt(height_cm × weight_kg / 3600).

    Unrounded. Example: 170 cm, 70 kg -> 1.8181 m² (1.82). Height must be in
    centimetres (50–250; a value under 3 is probably metres) and weight in
    kilograms (2–400).
    """
    height, weight = _body(height_cm, weight_kg)
    return math.sqrt(height * weight / 3600.0)


def bsa_dubois(height_cm: float, weight_kg: float) -> float:
    """Body surface area in m² by DuBois and DuBois (1916): 0.007184 × W^0.425 × H^0.725.

    W in kg, H in cm (same ranges as :func:`bsa_mosteller`); unrounded.
    Example: 170 cm, 70 kg -> 1.8097 m² (1.81). DuBois underestimates BSA in
    obesity.
    """
    height, weight = _body(height_cm, weight_kg)
    return 0.007184 * weight**0.425 * height**0.725


def examples() -> list[dict]:
    """Worked examples: height, weight and BSA by both formulas."""
    cases = [(170, 70), (160, 55), (180, 100), (150, 45)]
    return [
        {"height_cm": h, "weight_kg": w, "bsa_mosteller_m2": bsa_mosteller(h, w),
         "bsa_dubois_m2": bsa_dubois(h, w)}
        for h, w in cases
    ]
