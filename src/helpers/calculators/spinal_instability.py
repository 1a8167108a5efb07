"""SINS: Spinal Instability Neoplastic Score (Fisher et al., Spine 2010; validated by Fourney et al., JCO 2011)."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from helpers.calculators._inputs import CalculatorInputError, Choice
from helpers.calculators._sources import CALCULATOR_SOURCES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["SinsResult", "sins", "sins_region", "sins_category", "sins_reference", "SINS_INPUTS", "examples"]

# component -> ((argument value, finding in plain words, points), ...)
_SINS_TABLE: dict[str, tuple[tuple[str, str, int], ...]] = {
    "location": (
        ("junctional", "Junctional (occiput–C2, C7–T2, T11–L1, L5–S1)", 3),
        ("mobile", "Mobile spine (C3–C6, L2–L4)", 2),
        ("semirigid", "Semirigid (T3–T10)", 1),
        ("rigid", "Rigid (S2–S5)", 0),
    ),
    "pain": (
        ("mechanical", "Mechanical pain (eased by lying down, or worse with movement or loading of the spine)", 3),
        ("occasional", "Occasional pain, but not mechanical", 1),
        ("none", "Pain-free lesion", 0),
    ),
    "bone_lesion": (
        ("lytic", "Lytic", 2),
        ("mixed", "Mixed (lytic and blastic)", 1),
        ("blastic", "Blastic", 0),
    ),
    "alignment": (
        ("subluxation", "Subluxation or translation present", 4),
        ("deformity", "New (de novo) deformity: kyphosis or scoliosis", 2),
        ("normal", "Normal alignment", 0),
    ),
    "collapse": (
        ("over_50", "More than 50% collapse of the vertebral body", 3),
        ("under_50", "Less than 50% collapse", 2),
        ("involved_no_collapse", "No collapse, but more than 50% of the body involved", 1),
        ("none", "None of the above", 0),
    ),
    "posterolateral": (
        ("bilateral", "Bilateral (facet, pedicle or costovertebral joint fracture or replaced by tumour)", 3),
        ("unilateral", "Unilateral", 1),
        ("none", "None of the above", 0),
    ),
}
_SINS_POINTS = {c: {v: p for v, _, p in rows} for c, rows in _SINS_TABLE.items()}
_SINS_VALUE_LABELS = {
    "over_50": "over 50% collapse", "under_50": "under 50% collapse",
    "involved_no_collapse": "no collapse, over 50% of the body involved",
}
_SINS_COMPONENT_LABELS = {
    "location": "location", "pain": "pain", "bone_lesion": "bone lesion",
    "alignment": "alignment", "collapse": "vertebral body collapse",
    "posterolateral": "posterolateral involvement",
}

#: The six inputs with the labels of their controls (the widget uses the same labels).
SINS_INPUTS: dict[str, Choice] = {
    "location": Choice("location", "Location (region, or level such as T12)", tuple(_SINS_POINTS["location"])),
    "pain": Choice("pain", "Pain", tuple(_SINS_POINTS["pain"])),
    "bone_lesion": Choice("bone_lesion", "Bone lesion", tuple(_SINS_POINTS["bone_lesion"])),
    "alignment": Choice("alignment", "Spinal alignment (X-ray/CT)", tuple(_SINS_POINTS["alignment"])),
    "collapse": Choice("collapse", "Vertebral body collapse", tuple(_SINS_POINTS["collapse"]),
                       "over 50% collapse, under 50% collapse, no collapse with over 50% of the body involved, none"),
    "posterolateral": Choice("posterolateral", "Posterolateral involvement", tuple(_SINS_POINTS["posterolateral"])),
}
_LEVELS_IN_WORDS = "C1–C7, T1–T12, L1–L5, S1–S5 or occiput"

# Vertebral levels in order, with the SINS region of each.
_SPINE_LEVELS: dict[str, str] = {"OCCIPUT": "junctional"}
for _i in range(1, 8):
    _SPINE_LEVELS[f"C{_i}"] = "junctional" if _i in (1, 2, 7) else "mobile"
for _i in range(1, 13):
    _SPINE_LEVELS[f"T{_i}"] = "junctional" if _i in (1, 2, 11, 12) else "semirigid"
for _i in range(1, 6):
    _SPINE_LEVELS[f"L{_i}"] = "junctional" if _i in (1, 5) else "mobile"
for _i in range(1, 6):
    _SPINE_LEVELS[f"S{_i}"] = "junctional" if _i == 1 else "rigid"
del _i


@dataclass(frozen=True)
class SinsResult:
    """Result of :func:`sins`.

    ``points`` maps each component (location, pain, bone_lesion, alignment,
    collapse, posterolateral) to its points; ``location_region`` is the SINS
    region the location was scored as.
    """

    total: int
    category: str
    points: dict[str, int]
    surgical_consultation: bool
    explanation: str
    location_region: str
    source_ids: str = CALCULATOR_SOURCES["sins"]


def sins_region(level: str) -> str:
    """SINS region of a vertebral level: "junctional", "mobile", "semirigid" or "rigid".

    ``level`` is C1–C7, T1–T12, L1–L5, S1–S5 or "occiput", in any case
    ("t12"). Junctional = occiput–C2, C7–T2, T11–L1, L5–S1; mobile = C3–C6,
    L2–L4; semirigid = T3–T10; rigid = S2–S5 (Fisher et al. 2010).
    """
    key = "".join(level.split()).upper() if isinstance(level, str) else None
    if key not in _SPINE_LEVELS:
        raise CalculatorInputError(
            f"level {level!r} is not a vertebral level; use {_LEVELS_IN_WORDS}.",
            f"Vertebral level: {level!r} is not a vertebral level; enter one of {_LEVELS_IN_WORDS}.",
        )
    return _SPINE_LEVELS[key]


def sins_category(total: int) -> str:
    """SINS category of a total: "stable" (0–6), "potentially unstable" (7–12), "unstable" (13–18)."""
    if isinstance(total, bool) or not isinstance(total, numbers.Integral) or not 0 <= total <= 18:
        raise CalculatorInputError(f"total must be a whole SINS total from 0 to 18, got {total!r}.",
                                   f"SINS total: enter a whole number from 0 to 18; got {total!r}.")
    if total <= 6:
        return "stable"
    if total <= 12:
        return "potentially unstable"
    return "unstable"


def _sins_location(location: Any) -> str:
    regions = tuple(_SINS_POINTS["location"])
    if isinstance(location, str):
        word = location.strip().lower()
        if word in regions:
            return word
        key = "".join(location.split()).upper()
        if key in _SPINE_LEVELS:
            return _SPINE_LEVELS[key]
    label = SINS_INPUTS["location"].label
    raise CalculatorInputError(
        f"location ({label}) must be one of {', '.join(map(repr, regions))} or a vertebral level "
        f"(C1–C7, T1–T12, L1–L5, S1–S5, 'occiput'); got {location!r}.",
        f"{label}: enter a region ({', '.join(regions)}) or a vertebral level ({_LEVELS_IN_WORDS}); "
        f"got {location!r}.",
    )


def sins(
    location: str,
    pain: str,
    bone_lesion: str,
    alignment: str,
    collapse: str,
    posterolateral: str,
) -> SinsResult:
    """Spinal Instability Neoplastic Score (SINS), Fisher et al., Spine 2010.

    Arguments (case-insensitive words):

    - ``location``: "junctional" (3), "mobile" (2), "semirigid" (1), "rigid" (0),
      or a vertebral level ("T12", "c5", "occiput"), mapped by :func:`sins_region`.
    - ``pain``: "mechanical" (3), "occasional" (occasional, not mechanical: 1),
      "none" (pain-free lesion: 0). The points are 3/1/0, not 3/2/1.
    - ``bone_lesion``: "lytic" (2), "mixed" (1), "blastic" (0).
    - ``alignment``: "subluxation" (4), "deformity" (de novo kyphosis or scoliosis: 2), "normal" (0).
    - ``collapse``: "over_50" (3), "under_50" (2), "involved_no_collapse"
      (no collapse with more than 50% of the body involved: 1), "none" (0).
    - ``posterolateral``: "bilateral" (3), "unilateral" (1), "none" (0).

    Returns a :class:`SinsResult`: total 0–18; category "stable" (0–6),
    "potentially unstable" (7–12) or "unstable" (13–18), as validated by
    Fourney et al. 2011; ``surgical_consultation`` is True from 7 upwards.
    """
    region = _sins_location(location)
    given = {"pain": pain, "bone_lesion": bone_lesion, "alignment": alignment,
             "collapse": collapse, "posterolateral": posterolateral}
    chosen = {"location": region, **{c: SINS_INPUTS[c].check(v) for c, v in given.items()}}
    points = {c: _SINS_POINTS[c][v] for c, v in chosen.items()}
    total = sum(points.values())
    category = sins_category(total)
    consult = total >= 7
    parts = ", ".join(
        f"{_SINS_COMPONENT_LABELS[c]} {points[c]} ({_SINS_VALUE_LABELS.get(chosen[c], chosen[c])})" for c in points
    )
    band = {"stable": "0–6", "potentially unstable": "7–12", "unstable": "13–18"}[category]
    advice = (
        "A total of 7 or more means a spine surgeon should be asked to assess stability (surgical consultation)."
        if consult
        else "A total of 0–6 is considered stable; no surgical consultation is needed for stability."
    )
    explanation = f"SINS {total} out of 18: {category} ({band}). Points: {parts}. {advice}"
    return SinsResult(total, category, points, consult, explanation, region)


def sins_reference() -> "pd.DataFrame":
    """The SINS table: columns component, finding, argument_value, points."""
    import pandas as pd

    rows = [
        {"component": c, "finding": finding, "argument_value": value, "points": pts}
        for c, table in _SINS_TABLE.items()
        for value, finding, pts in table
    ]
    return pd.DataFrame(rows, columns=["component", "finding", "argument_value", "points"])


def examples() -> list[dict]:
    """Worked examples: six findings each, with the total, category and whether a surgeon is consulted."""
    cases = [
        ("S3", "none", "blastic", "normal", "none", "none"),
        ("T7", "occasional", "mixed", "normal", "none", "unilateral"),
        ("C5", "occasional", "mixed", "deformity", "involved_no_collapse", "unilateral"),
        ("T12", "mechanical", "lytic", "normal", "under_50", "unilateral"),
        ("L1", "mechanical", "lytic", "deformity", "over_50", "bilateral"),
    ]
    rows = []
    for case in cases:
        args = dict(zip(SINS_INPUTS, case))
        r = sins(**args)
        rows.append({**args, "total": r.total, "category": r.category,
                     "surgical_consultation": r.surgical_consultation})
    return rows
