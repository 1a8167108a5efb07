"""Clinical calculators for teaching: SINS, ESCC, NOMS, ANC, CTCAE v5.0, BED/EQD2, BSA.

Pure functions with no widget or plotting imports, so ``import
helpers.calculators`` is fast and every function can be tested on its own.
Every bad input raises :class:`~helpers.errors.InputError` with one sentence
that names the argument and says what is allowed.

These calculators illustrate published scales for nursing education with
synthetic cases. They are not medical advice and not a substitute for the
multidisciplinary team.

Sources (ids resolve to ``data/sources.csv``) are listed in ``SOURCE_IDS``.
Results that are objects carry ``.source_ids``; for functions that return a
plain number or word, ``CALCULATOR_SOURCES[name]`` gives the ids. Several ids
are joined with ``";"``, as in the ``source_ids`` column of the data tables.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from helpers.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "InputError", "SOURCE_IDS", "CALCULATOR_SOURCES", "WORKED_EXAMPLE_NAMES",
    "SinsResult", "sins", "sins_region", "sins_category", "sins_reference",
    "EsccAssessment", "escc_category", "escc_assessment", "escc_reference", "ESCC_GRADING_NOTE",
    "NomsResult", "noms_pathway", "ECOG_MEANINGS", "NOMS_CAVEAT", "RADIOSENSITIVITY_VALUES", "STABILITY_VALUES",
    "anc", "wbc_from_thousands", "WBC_UNITS", "neutropenia_severity", "neutropenia_reference",
    "CTCAE_TERMS", "CTCAE_DEFAULT_LLN", "CTCAE_UNITS", "ctcae_grade", "ctcae_reference",
    "ctcae_hypertension_grade", "hypertension_reference", "HYPERTENSION_LIMITS_NOTE",
    "bed", "eqd2", "bsa_mosteller", "bsa_dubois", "worked_examples",
]

# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------

SOURCE_IDS: tuple[str, ...] = (
    "fisher2010_sins",
    "fourney2011_sins_validation",
    "bilsky2010_escc",
    "laufer2013_noms",
    "nci_ctcae_v5",
    "taplitz2018_asco_idsa",
    "freifeld2011_idsa",
    "fowler1989_lq",
    "mosteller1987_bsa",
    "dubois1916_bsa",
    "kirkpatrick2010_quantec_cord",
    "patchell2005",
    "oken1982_ecog",
)

#: Source ids per calculator (";"-joined), for results that are plain values.
CALCULATOR_SOURCES: dict[str, str] = {
    "sins": "fisher2010_sins;fourney2011_sins_validation",
    "escc": "bilsky2010_escc",
    "noms": "laufer2013_noms;bilsky2010_escc;fisher2010_sins",
    "anc": "taplitz2018_asco_idsa;freifeld2011_idsa",
    "ctcae": "nci_ctcae_v5",
    "hypertension": "nci_ctcae_v5",
    "bed": "fowler1989_lq;kirkpatrick2010_quantec_cord",
    "bsa": "mosteller1987_bsa;dubois1916_bsa",
}

# --------------------------------------------------------------------------
# Input checks (private)
# --------------------------------------------------------------------------


def _number(name: str, value: Any, *, allow_zero: bool = True) -> float:
    """Return ``value`` as a finite, non-negative float or raise InputError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        kind = "text" if isinstance(value, str) else type(value).__name__
        raise InputError(f"{name} must be a number, not {kind} ({value!r}).")
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise InputError(f"{name} must be a finite number, got {value!r}.")
    if number < 0:
        raise InputError(f"{name} cannot be negative, got {value!r}.")
    if number == 0 and not allow_zero:
        raise InputError(f"{name} must be greater than 0, got {value!r}.")
    return number


def _word(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    """Return the normalised word (lower case, spaces and hyphens as "_")."""
    listing = ", ".join(repr(a) for a in allowed)
    if not isinstance(value, str):
        raise InputError(f"{name} must be one of {listing}; got {value!r}.")
    word = "_".join(value.strip().lower().replace("-", " ").split())
    if word not in allowed:
        raise InputError(f"{name} must be one of {listing}; got {value!r}.")
    return word


def _whole_positive(name: str, value: Any) -> int:
    """A positive whole number (int or a float like 5.0); never a bool."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{name} must be a positive whole number, got {value!r}.")
    number = float(value)
    if math.isnan(number) or math.isinf(number) or number < 1 or number != int(number):
        raise InputError(f"{name} must be a positive whole number (1, 2, 3 ...), got {value!r}.")
    return int(number)


def _band(value: float, boundaries: tuple[float, ...]) -> int:
    """How many of the descending ``boundaries`` the value is strictly below."""
    return sum(1 for b in boundaries if value < b)


def _reached(value: float, thresholds: tuple[float, ...]) -> int:
    """How many of the ascending ``thresholds`` the value is at or above."""
    return sum(1 for t in thresholds if value >= t)


# --------------------------------------------------------------------------
# SINS (Fisher et al., Spine 2010; validated by Fourney et al., JCO 2011)
# --------------------------------------------------------------------------

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
    if not isinstance(level, str):
        raise InputError(f"level must be a vertebral level such as 'C2', 'T12', 'L5' or 'S3', got {level!r}.")
    key = "".join(level.split()).upper()
    if key not in _SPINE_LEVELS:
        raise InputError(
            f"level {level!r} is not a vertebral level; use C1–C7, T1–T12, L1–L5, S1–S5 or 'occiput'."
        )
    return _SPINE_LEVELS[key]


def sins_category(total: int) -> str:
    """SINS category of a total: "stable" (0–6), "potentially unstable" (7–12), "unstable" (13–18)."""
    if isinstance(total, bool) or not isinstance(total, numbers.Integral) or not 0 <= total <= 18:
        raise InputError(f"total must be a whole SINS total from 0 to 18, got {total!r}.")
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
        try:
            return sins_region(location)
        except InputError:
            pass
    raise InputError(
        f"location must be one of {', '.join(map(repr, regions))} or a vertebral level "
        f"(C1–C7, T1–T12, L1–L5, S1–S5, 'occiput'); got {location!r}."
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
    chosen = {
        "location": region,
        "pain": _word("pain", pain, tuple(_SINS_POINTS["pain"])),
        "bone_lesion": _word("bone_lesion", bone_lesion, tuple(_SINS_POINTS["bone_lesion"])),
        "alignment": _word("alignment", alignment, tuple(_SINS_POINTS["alignment"])),
        "collapse": _word("collapse", collapse, tuple(_SINS_POINTS["collapse"])),
        "posterolateral": _word("posterolateral", posterolateral, tuple(_SINS_POINTS["posterolateral"])),
    }
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


# --------------------------------------------------------------------------
# ESCC (Bilsky et al., J Neurosurg Spine 2010)
# --------------------------------------------------------------------------

ESCC_GRADING_NOTE = "Graded on axial T2-weighted MRI at the level of worst compression."

# grade -> (definition, category, reason)
_ESCC: dict[str, tuple[str, str, str]] = {
    "0": (
        "Tumour confined to bone (no epidural tumour).",
        "low",
        "Low grade: there is no tumour in the epidural space, so the spinal cord is not touched; "
        "radiation is the usual first treatment if the spine is stable.",
    ),
    "1a": (
        "Tumour in the epidural space, without deforming the thecal sac.",
        "low",
        "Low grade: the tumour reaches the sac but does not deform it and the cord is not touched; "
        "radiation is the usual first treatment if the spine is stable.",
    ),
    "1b": (
        "Thecal sac deformed by tumour, without touching (abutting) the spinal cord.",
        "low",
        "Low grade: the sac is pushed in but the cord is not touched; "
        "radiation is the usual first treatment if the spine is stable.",
    ),
    "1c": (
        "Thecal sac deformed and the tumour abuts (touches) the spinal cord, without compressing it.",
        "borderline",
        "Borderline: experts disagree on grade 1c; options include high-dose SRS (stereotactic "
        "radiosurgery) or surgery, so the team decides case by case.",
    ),
    "2": (
        "Spinal cord compressed, with CSF still visible around the cord.",
        "high",
        "High grade: the cord is compressed; unless the tumour is very radiosensitive, surgery to "
        "decompress the cord is usually considered before radiation.",
    ),
    "3": (
        "Spinal cord compressed, with no CSF visible around the cord.",
        "high",
        "High grade: the cord is compressed with no fluid left around it; unless the tumour is very "
        "radiosensitive, surgery to decompress the cord is usually considered before radiation.",
    ),
}


@dataclass(frozen=True)
class EsccAssessment:
    """Result of :func:`escc_assessment`."""

    grade: str
    category: str
    definition: str
    reason: str
    source_ids: str = CALCULATOR_SOURCES["escc"]


def _escc_grade(grade: Any, name: str = "grade") -> str:
    allowed = "'0', '1a', '1b', '1c', '2' or '3'"
    if isinstance(grade, bool):
        raise InputError(f"{name} must be an ESCC grade {allowed}, got {grade!r}.")
    if isinstance(grade, numbers.Integral):
        key = str(int(grade))
    elif isinstance(grade, str):
        key = "".join(grade.split()).lower()
    else:
        raise InputError(f"{name} must be an ESCC grade {allowed} (as text), got {grade!r}.")
    if key == "1":
        raise InputError(
            f"{name} 1 must be subdivided: give 1a, 1b or 1c (the three differ in whether the "
            "thecal sac is deformed and the cord is touched)."
        )
    if key not in _ESCC:
        raise InputError(f"{name} must be an ESCC grade {allowed}, got {grade!r}.")
    return key


def escc_category(grade: str | int) -> str:
    """Category of an ESCC (Bilsky) grade: "low" (0, 1a, 1b), "borderline" (1c), "high" (2, 3).

    ``grade`` is text "0", "1a", "1b", "1c", "2", "3" (any case), or the
    integers 0, 2, 3. Grade 1 on its own is rejected: it must be subdivided.
    """
    return _ESCC[_escc_grade(grade)][1]


def escc_assessment(grade: str | int) -> EsccAssessment:
    """ESCC grade with its category, plain-language definition and the reason for the category.

    The definition ends with the grading rule: axial T2-weighted MRI at the
    level of worst compression (Bilsky et al. 2010).
    """
    key = _escc_grade(grade)
    definition, category, reason = _ESCC[key]
    return EsccAssessment(key, category, f"{definition} {ESCC_GRADING_NOTE}", reason)


def escc_reference() -> "pd.DataFrame":
    """The ESCC scale: columns grade, definition, category."""
    import pandas as pd

    rows = [{"grade": g, "definition": d, "category": c} for g, (d, c, _) in _ESCC.items()]
    return pd.DataFrame(rows, columns=["grade", "definition", "category"])


# --------------------------------------------------------------------------
# NOMS (Laufer et al., Oncologist 2013)
# --------------------------------------------------------------------------

RADIOSENSITIVITY_VALUES = ("sensitive", "moderate", "resistant")
STABILITY_VALUES = ("stable", "potentially unstable", "unstable")

NOMS_CAVEAT = (
    "Teaching illustration only: real treatment decisions are made by a multidisciplinary team "
    "(spine surgery, radiation oncology, medical oncology, radiology, nursing) with the patient."
)


@dataclass(frozen=True)
class NomsResult:
    """Result of :func:`noms_pathway`.

    ``steps`` and ``reasoning`` are tuples (ordered, read-only);
    ``reasoning`` has one sentence per axis in the order N, O, M, S.
    """

    pathway: str
    steps: tuple[str, ...]
    reasoning: tuple[str, ...]
    caveat: str
    escc_grade: str
    escc_category: str
    radiosensitivity: str
    stability: str
    fit_for_surgery: bool
    needs_team_judgement: bool
    source_ids: str = CALCULATOR_SOURCES["noms"]


def _stability(value: Any) -> str:
    if isinstance(value, SinsResult):
        return value.category
    if isinstance(value, str):
        word = " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
        if word in STABILITY_VALUES:
            return word
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool) and 0 <= value <= 18:
        return sins_category(int(value))
    raise InputError(
        "stability must be a SINS total from 0 to 18, a SINS result, or one of "
        f"'stable', 'potentially unstable', 'unstable'; got {value!r}."
    )


#: ECOG performance status (Oken et al. 1982), in short words for the NOMS reasoning.
ECOG_MEANINGS: dict[int, str] = {
    0: "fully active",
    1: "restricted in strenuous activity but walking and able to do light work",
    2: "walking and caring for themself but unable to work; up and about more than half the day",
    3: "capable of only limited self-care; in bed or a chair more than half the day",
    4: "completely disabled; no self-care; confined to bed or chair",
    5: "dead",
}


def _performance_status(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and 0 <= value <= 4:
        return int(value)
    raise InputError(
        f"performance_status must be an ECOG grade, a whole number from 0 to 4 "
        f"(5 means death), or left out; got {value!r}."
    )


def noms_pathway(
    escc_grade: str | int,
    radiosensitivity: str,
    stability: int | str | SinsResult,
    fit_for_surgery: bool,
    *,
    performance_status: int | None = None,
) -> NomsResult:
    """Teaching illustration of the NOMS framework (Laufer et al., Oncologist 2013).

    Arguments, one per axis:

    - ``escc_grade`` (N): ESCC grade "0", "1a", "1b", "1c", "2", "3" (see
      :func:`escc_category`). High grade = 2 and 3.
    - ``radiosensitivity`` (O): tumour response to conventional external beam
      radiotherapy (cEBRT): "sensitive" (e.g. lymphoma, myeloma, seminoma),
      "moderate" (e.g. breast; prostate is usually grouped here) or
      "resistant" (e.g. renal cell, melanoma, thyroid, colorectal, sarcoma).
      "moderate" follows the radiosensitive branch (cEBRT), as Laufer 2013
      groups these solid tumours with the cEBRT-responsive ones; the reasoning
      says so, because centres differ. With high-grade compression in a fit
      patient the reasoning also names decompressive surgery followed by
      radiation: Patchell 2005 excluded only very radiosensitive tumours.
    - ``stability`` (M): a SINS total 0–18, a :class:`SinsResult`, or
      "stable" / "potentially unstable" / "unstable". Assessed separately
      from N and O.
    - ``fit_for_surgery`` (S): True if the patient's systemic disease,
      comorbidities and expected survival allow open surgery.
    - ``performance_status`` (optional, keyword): the ECOG grade 0–4 (Oken
      1982) on which the fitness judgement partly rests; it is named in the
      Systemic sentence and does not change the steps.

    Logic: radiosensitive -> cEBRT at any ESCC grade; radioresistant without
    high-grade ESCC -> SRS; radioresistant with high-grade ESCC -> separation
    surgery (decompression ± stabilisation) then SRS if fit, otherwise cEBRT.
    Unstable (SINS 13–18) -> stabilisation (fixation) before radiation: open
    surgery if fit, percutaneous screw fixation where feasible otherwise;
    cement augmentation treats mechanical pain from a fracture without gross
    instability and is not enough on its own for an unstable spine.
    Potentially unstable (7–12) -> surgical consultation first if fit;
    if not fit, radiation with percutaneous stabilisation where needed.

    Grade 1c is borderline. Teaching convention used here: 1c follows the
    radiation-first branch (high-dose SRS for a resistant tumour), the result
    is flagged ``needs_team_judgement=True``, and the reasoning names surgery
    as the documented alternative (Bilsky et al. 2010).
    """
    grade = _escc_grade(escc_grade, "escc_grade")
    n_category = _ESCC[grade][1]
    sensitivity = _word("radiosensitivity", radiosensitivity, RADIOSENSITIVITY_VALUES)
    m = _stability(stability)
    if not isinstance(fit_for_surgery, bool):
        raise InputError(f"fit_for_surgery must be True or False, got {fit_for_surgery!r}.")
    fit = fit_for_surgery
    ecog = _performance_status(performance_status)

    high = n_category == "high"
    radiosensitive = sensitivity in ("sensitive", "moderate")
    separation = (not radiosensitive) and high and fit
    surgery_alternative = sensitivity == "moderate" and high and fit
    steps: list[str] = []

    # M first: stabilisation or a consultation comes before radiation.
    if separation:
        if m == "unstable":
            steps.append("Separation surgery: decompression of the spinal cord with stabilisation (instrumented fixation)")
        elif m == "potentially unstable":
            steps.append("Separation surgery: decompression of the spinal cord; the surgeon decides whether to stabilise (SINS 7–12)")
        else:
            steps.append("Separation surgery: decompression of the spinal cord (stabilisation only if needed)")
    elif m == "unstable":
        steps.append(
            "Open surgical stabilisation of the spine" if fit
            else "Percutaneous fixation (screws and rods placed through small incisions), where feasible"
        )
    elif m == "potentially unstable":
        steps.append(
            "Spine surgery consultation about stability (SINS 7–12) before radiation" if fit
            else "Spine surgeon reviews stability (SINS 7–12): percutaneous stabilisation only where needed"
        )

    # N + O + S: the radiation step.
    if radiosensitive:
        radiation, short = "Conventional external beam radiotherapy (cEBRT)", "cEBRT"
    elif not high:
        radiation, short = "Stereotactic radiosurgery (SRS), high dose", "SRS"
    elif fit:
        radiation, short = "Stereotactic radiosurgery (SRS) after the surgery (hybrid therapy)", "SRS"
    else:
        radiation, short = "Conventional external beam radiotherapy (cEBRT)", "cEBRT"
    steps.append(radiation)

    if separation:
        pathway = "Separation surgery, then SRS"
    elif m == "unstable":
        pathway = ("Open stabilisation, then " if fit else "Percutaneous fixation where feasible, then ") + short
    elif m == "potentially unstable":
        pathway = (f"Surgical consultation, then {short}" if fit
                   else f"Percutaneous stabilisation where needed, then {short}")
    else:
        pathway = short

    # Reasoning: one sentence per axis.
    if n_category == "borderline":
        n_text = (
            "Neurologic: ESCC grade 1c is borderline (the tumour touches the cord without compressing it); "
            "this illustration follows the radiation-first branch, but surgery is an equally documented option, "
            "especially with myelopathy, so the team decides."
        )
    elif high:
        n_text = f"Neurologic: ESCC grade {grade} is high-grade cord compression."
    else:
        n_text = f"Neurologic: ESCC grade {grade} is low grade; the cord is not compressed."
    if sensitivity == "sensitive":
        o_text = "Oncologic: the tumour is radiosensitive, so cEBRT controls it whatever the ESCC grade."
    elif surgery_alternative:
        o_text = (
            "Oncologic: the tumour is moderately radiosensitive; this illustration treats it like a radiosensitive "
            "tumour (cEBRT), but centres differ. With high-grade compression in a patient fit for surgery, "
            "decompressive surgery followed by radiation is a documented alternative: in the randomised trial of "
            "Patchell 2005 it kept more people walking than radiation alone, and that trial excluded very "
            "radiosensitive tumours such as lymphoma and myeloma, not breast or prostate. Some centres prefer SRS "
            "for durable control."
        )
    elif sensitivity == "moderate":
        o_text = (
            "Oncologic: the tumour is moderately radiosensitive; this illustration treats it like a radiosensitive "
            "tumour (cEBRT), but centres differ and some prefer SRS for durable control."
        )
    elif high:
        o_text = (
            "Oncologic: the tumour is radioresistant and compresses the cord, so cEBRT alone would not control it; "
            "surgery first creates a gap between tumour and cord so that SRS can be given safely."
            if fit else
            "Oncologic: the tumour is radioresistant and compresses the cord; without surgery, cEBRT is the option "
            "the patient can tolerate, although control is less durable."
        )
    else:
        o_text = "Oncologic: the tumour is radioresistant to cEBRT, so high-dose SRS is used for durable control."
    cement_note = ("cement augmentation (vertebroplasty or kyphoplasty) treats mechanical pain from a fracture "
                   "without gross instability")
    m_text = {
        "stable": "Mechanical: the spine is stable (SINS 0–6), so no stabilisation is needed"
                  + ("." if fit else f"; if a fracture still causes mechanical pain, {cement_note}."),
        "potentially unstable": (
            "Mechanical: the spine is potentially unstable (SINS 7–12), so a spine surgeon is consulted."
            if fit else
            "Mechanical: the spine is potentially unstable (SINS 7–12); a spine surgeon still reviews it, and "
            f"without open surgery, {cement_note}, while percutaneous screw fixation is used for instability."
        ),
        "unstable": (
            "Mechanical: the spine is unstable (SINS 13–18), so it is stabilised (fixed) before radiation; "
            + ("open surgery is possible." if fit else
               "without open surgery, percutaneous screw fixation is the less invasive option where the team "
               f"judges it feasible. Cement alone is not enough for gross instability: {cement_note}.")
        ),
    }[m]
    ecog_text = f"ECOG performance status {ecog} ({ECOG_MEANINGS[ecog]}); " if ecog is not None else ""
    s_text = (
        f"Systemic: {ecog_text}the patient can tolerate surgery, so surgical steps are possible."
        if fit else
        f"Systemic: {ecog_text}the patient cannot tolerate open surgery, so the plan uses radiation and, where "
        "needed, less invasive percutaneous procedures."
    )

    sources = CALCULATOR_SOURCES["noms"]
    if surgery_alternative:
        sources += ";patchell2005"
    if ecog is not None:
        sources += ";oken1982_ecog"
    return NomsResult(
        pathway=pathway,
        steps=tuple(steps),
        reasoning=(n_text, o_text, m_text, s_text),
        caveat=NOMS_CAVEAT,
        escc_grade=grade,
        escc_category=n_category,
        radiosensitivity=sensitivity,
        stability=m,
        fit_for_surgery=fit,
        needs_team_judgement=n_category == "borderline",
        source_ids=sources,
    )


# --------------------------------------------------------------------------
# ANC and neutropenia (ASCO/IDSA, Taplitz et al. 2018)
# --------------------------------------------------------------------------

#: White-count units accepted by :func:`anc`, with the factor to cells/µL.
WBC_UNITS: dict[str, float] = {
    "cells/uL": 1.0,
    "cells/µL": 1.0,
    "cells/mm3": 1.0,
    "10^3/uL": 1000.0,
    "10^3/µL": 1000.0,
    "10^9/L": 1000.0,
}
_WBC_MIN_CELLS = 100.0        # below this with a differential: almost surely a unit slip
_WBC_MAX_CELLS = 1_000_000.0  # 1000 x10^3/µL: above this no real count is plausible

_NEUTROPENIA = (
    ("none", "1500 or more", "No neutropenia (ANC ≥1500/µL)."),
    ("mild", "1000 to less than 1500", "Mild neutropenia."),
    ("moderate", "500 to less than 1000", "Moderate neutropenia."),
    ("severe", "less than 500", "Severe neutropenia: the highest risk of serious infection."),
)
_NEUTROPENIA_BOUNDS = (1500.0, 1000.0, 500.0)


def wbc_from_thousands(wbc_thousands: float) -> float:
    """Convert a white count typed in ×10³/µL (= ×10⁹/L), e.g. 4.5, to cells/µL (4500)."""
    value = _number("wbc_thousands", wbc_thousands)
    return value * 1000.0


def anc(wbc: float, segs_pct: float, bands_pct: float = 0.0, *, wbc_unit: str = "cells/uL") -> float:
    """Absolute neutrophil count in cells/µL: wbc × (segs% + bands%) / 100.

    - ``wbc``: total white count, in cells/µL by default (e.g. 4500).
      For a count written as ×10³/µL (e.g. 4.5), pass ``wbc_unit="10^3/uL"``
      (``"10^9/L"`` is the same number) or convert with
      :func:`wbc_from_thousands`.
    - ``segs_pct``, ``bands_pct``: segmented neutrophils and bands, in % of
      the white count (bands must be included). They may not add up to more
      than 100.

    Unit-slip guard (a deliberate decision): a white count below 100 cells/µL
    given with a differential is almost always a ×10³/µL value typed as
    cells/µL, so it is rejected with a message saying how to fix it. (Labs do
    not report a reliable differential at such low counts anyway.) Likewise a
    count above 1,000,000 cells/µL is rejected.
    """
    if not isinstance(wbc_unit, str) or wbc_unit.strip() not in WBC_UNITS:
        raise InputError(
            "wbc_unit must be 'cells/uL' (e.g. 4500) or '10^3/uL' (e.g. 4.5; same as '10^9/L'); "
            f"got {wbc_unit!r}."
        )
    factor = WBC_UNITS[wbc_unit.strip()]
    count = _number("wbc", wbc) * factor
    segs = _number("segs_pct", segs_pct)
    bands = _number("bands_pct", bands_pct)
    for name, pct in (("segs_pct", segs), ("bands_pct", bands)):
        if pct > 100:
            raise InputError(f"{name} is a percentage of the white count and must be 0–100, got {pct:g}.")
    if segs + bands > 100:
        raise InputError(
            f"segs_pct + bands_pct add up to {segs + bands:g}%, more than 100% of the white count; check both."
        )
    if count < _WBC_MIN_CELLS:
        if factor == 1.0:
            raise InputError(
                f"wbc {wbc:g} cells/µL is implausibly low: it looks like a count in ×10^3/µL; choose the "
                f"unit ×10^3/µL (wbc_unit='10^3/uL') or convert with wbc_from_thousands({wbc:g})."
            )
        raise InputError(f"wbc must be at least 0.1 ×10^3/µL (100 cells/µL) for a differential, got {wbc:g}.")
    if count > _WBC_MAX_CELLS:
        hint = "it looks like cells/µL typed with the unit ×10^3/µL" if factor != 1.0 else "check the unit"
        raise InputError(f"wbc {wbc:g} {wbc_unit} is implausibly high (over 1,000,000 cells/µL): {hint}.")
    return count * (segs + bands) / 100.0


def neutropenia_severity(anc: float) -> str:
    """Neutropenia severity from an ANC in cells/µL (ASCO/IDSA, Taplitz et al. 2018).

    "none" (≥1500), "mild" (1000 to <1500), "moderate" (500 to <1000),
    "severe" (<500). An ANC below 100/µL is sometimes called "profound"; it
    is reported here as "severe".
    """
    value = _number("anc", anc)
    return _NEUTROPENIA[_band(value, _NEUTROPENIA_BOUNDS)][0]


def neutropenia_reference() -> "pd.DataFrame":
    """Neutropenia bands: columns severity, anc_cells_per_ul, meaning."""
    import pandas as pd

    return pd.DataFrame(_NEUTROPENIA, columns=["severity", "anc_cells_per_ul", "meaning"])


# --------------------------------------------------------------------------
# CTCAE v5.0 laboratory terms (NCI, 27 Nov 2017)
# --------------------------------------------------------------------------

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


def _ctcae_term(term: Any) -> str:
    listing = ", ".join(repr(t) for t in CTCAE_TERMS)
    if isinstance(term, str):
        key = "_".join(term.strip().lower().replace("-", " ").split())
        key = _CTCAE_ALIASES.get(key, key)
        if key in CTCAE_TERMS:
            return key
    raise InputError(f"term must be one of {listing}; got {term!r}.")


def _ctcae_lab_value(term: str, name: str, value: Any) -> float:
    """Check a count or haemoglobin for sign, type and the usual unit slips."""
    number = _number(name, value)
    if term == "anemia":
        if number > 25:
            raise InputError(f"{name} {number:g} g/dL is implausible for haemoglobin: if it is in g/L, divide by 10.")
        if number < 1:
            raise InputError(f"{name} {number:g} g/dL is implausible for haemoglobin: give g/dL (e.g. 9.5).")
    elif term == "platelet_count_decreased":
        if number < 1000:
            raise InputError(
                f"{name} {number:g} is below 1000 cells/mm³: it looks like ×10^9/L (×10^3/mm³); multiply by 1000."
            )
    elif term == "white_blood_cell_decreased":
        if number < 100:
            raise InputError(
                f"{name} {number:g} is below 100 cells/mm³: it looks like ×10^9/L (×10^3/mm³); multiply by 1000."
            )
    elif 0 < number < 100:
        # 1 or 5 is almost surely ×10^9/L typed as cells/mm³; a true count this low is grade 4 anyway.
        raise InputError(
            f"{name} {number:g} looks like ×10^9/L ({number:g} ×10^9/L = {number * 1000:,.0f} cells/mm³); "
            "give the count in cells/mm³. A count the laboratory really reports as under 100 cells/mm³ "
            "is grade 4 (below 500)."
        )
    return number


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

    Counts must be in cells/mm³: neutrophil values above 0 and below 100
    (e.g. 1 or 5), platelets below 1000 and WBC below 100 are rejected as
    probable ×10⁹/L slips, and the neutrophil message says that a true count
    that low is grade 4; haemoglobin above 25 is rejected as a probable g/L slip.
    """
    key = _ctcae_term(term)
    number = _ctcae_lab_value(key, "value", value)
    if lln is None:
        limit = CTCAE_DEFAULT_LLN[key]
    else:
        limit = _number("lln", lln, allow_zero=False)
        limit = _ctcae_lab_value(key, "lln", limit)
    if number >= limit:
        return 0
    return 1 + _band(number, _CTCAE_BOUNDS[key])


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


# --------------------------------------------------------------------------
# Hypertension, CTCAE v5.0 (adult)
# --------------------------------------------------------------------------

_SYSTOLIC_BOUNDS = (120.0, 140.0, 160.0)
_DIASTOLIC_BOUNDS = (80.0, 90.0, 100.0)

HYPERTENSION_LIMITS_NOTE = (
    "Blood pressure numbers alone cannot capture the whole grade: grades 2 and 3 also depend on "
    "whether medication is needed (one drug, or more than one drug or more intensive therapy), "
    "whether the rise is recurrent or persistent, and symptoms; grade 4 means life-threatening "
    "consequences (e.g. hypertensive crisis, neurological deficit) and grade 5 death."
)


def _blood_pressure(name: str, value: Any, low: float, high: float) -> float:
    number = _number(name, value, allow_zero=False)
    if not low <= number <= high:
        raise InputError(f"{name} must be a blood pressure in mm Hg between {low:g} and {high:g}, got {number:g}.")
    return number


def ctcae_hypertension_grade(systolic: float, diastolic: float) -> int:
    """CTCAE v5.0 adult hypertension grade (0–3) from blood pressure (mm Hg) alone.

    Systolic: <120 -> 0, 120–139 -> 1, 140–159 -> 2, ≥160 -> 3.
    Diastolic: <80 -> 0, 80–89 -> 1, 90–99 -> 2, ≥100 -> 3.
    The higher of the two component grades wins. Systolic must exceed
    diastolic.

    What the numbers cannot capture: grade 2 and grade 3 also depend on
    interventions (medication needed; more than one drug or more intensive
    therapy for grade 3), on whether the rise is recurrent or persistent
    (≥24 h), and on symptoms. Grade 4 (life-threatening consequences such as
    hypertensive crisis, malignant hypertension or a neurological deficit;
    urgent intervention) and grade 5 (death) are never derived from numbers.
    """
    sbp = _blood_pressure("systolic", systolic, 40, 300)
    dbp = _blood_pressure("diastolic", diastolic, 20, 200)
    if sbp <= dbp:
        raise InputError(f"systolic ({sbp:g}) must be higher than diastolic ({dbp:g}); were they swapped?")
    return max(_reached(sbp, _SYSTOLIC_BOUNDS), _reached(dbp, _DIASTOLIC_BOUNDS))


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


# --------------------------------------------------------------------------
# BED / EQD2 (linear-quadratic model, Fowler 1989)
# --------------------------------------------------------------------------

_MAX_TOTAL_DOSE_GY = 200.0


def _dose_args(total_dose_gy: Any, fractions: Any, alpha_beta_gy: Any) -> tuple[float, int, float]:
    dose = _number("total_dose_gy", total_dose_gy, allow_zero=False)
    if dose > _MAX_TOTAL_DOSE_GY:
        raise InputError(
            f"total_dose_gy {dose:g} Gy is implausible (over {_MAX_TOTAL_DOSE_GY:g} Gy): "
            "if it is in cGy, divide by 100."
        )
    n = _whole_positive("fractions", fractions)
    ab = _number("alpha_beta_gy", alpha_beta_gy, allow_zero=False)
    return dose, n, ab


def bed(total_dose_gy: float, fractions: int, alpha_beta_gy: float) -> float:
    """Biologically effective dose in Gy: BED = D × (1 + d/(α/β)), with d = D/n.

    - ``total_dose_gy``: total physical dose D in Gy (not cGy).
    - ``fractions``: number of fractions n, a positive whole number.
    - ``alpha_beta_gy``: α/β ratio in Gy. Use 10 for tumour and
      acute-responding tissue; 2 for spinal cord (as in spine SBRT
      tolerance work), or 0.87 (the QUANTEC estimate, Kirkpatrick 2010).

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


# --------------------------------------------------------------------------
# Body surface area
# --------------------------------------------------------------------------


def _body(height_cm: Any, weight_kg: Any) -> tuple[float, float]:
    height = _number("height_cm", height_cm, allow_zero=False)
    weight = _number("weight_kg", weight_kg, allow_zero=False)
    if height < 30:
        raise InputError(
            f"height_cm {height:g} is too small for centimetres: it looks like metres or feet; "
            "give centimetres (e.g. 170)."
        )
    if height > 272:
        raise InputError(f"height_cm {height:g} is taller than any recorded person: give centimetres (e.g. 170).")
    if weight > 650:
        raise InputError(f"weight_kg {weight:g} is implausible: give kilograms (pounds ÷ 2.2046).")
    return height, weight


def bsa_mosteller(height_cm: float, weight_kg: float) -> float:
    """Body surface area in m² by Mosteller (1987): sqrt(height_cm × weight_kg / 3600).

    Unrounded. Example: 170 cm, 70 kg -> 1.8181 m² (1.82). Height must be in
    centimetres (a value under 30 is probably metres or feet) and weight in
    kilograms.
    """
    height, weight = _body(height_cm, weight_kg)
    return math.sqrt(height * weight / 3600.0)


def bsa_dubois(height_cm: float, weight_kg: float) -> float:
    """Body surface area in m² by DuBois and DuBois (1916): 0.007184 × W^0.425 × H^0.725.

    W in kg, H in cm; unrounded. Example: 170 cm, 70 kg -> 1.8097 m² (1.81).
    DuBois underestimates BSA in obesity.
    """
    height, weight = _body(height_cm, weight_kg)
    return 0.007184 * weight**0.425 * height**0.725


# --------------------------------------------------------------------------
# Worked examples (computed, never typed by hand)
# --------------------------------------------------------------------------

WORKED_EXAMPLE_NAMES: tuple[str, ...] = ("sins", "escc", "noms", "anc", "ctcae", "hypertension", "bed", "bsa")
_WORKED_EXAMPLE_ALIASES = {"eqd2": "bed", "neutropenia": "anc"}


def _examples_sins() -> list[dict]:
    cases = [
        ("S3", "none", "blastic", "normal", "none", "none"),
        ("T7", "occasional", "mixed", "normal", "none", "unilateral"),
        ("C5", "occasional", "mixed", "deformity", "involved_no_collapse", "unilateral"),
        ("T12", "mechanical", "lytic", "normal", "under_50", "unilateral"),
        ("L1", "mechanical", "lytic", "deformity", "over_50", "bilateral"),
    ]
    rows = []
    for case in cases:
        args = dict(zip(("location", "pain", "bone_lesion", "alignment", "collapse", "posterolateral"), case))
        r = sins(**args)
        rows.append({**args, "total": r.total, "category": r.category,
                     "surgical_consultation": r.surgical_consultation})
    return rows


def _examples_escc() -> list[dict]:
    return [
        {"grade": g, "category": a.category, "reason": a.reason}
        for g in _ESCC
        for a in [escc_assessment(g)]
    ]


def _examples_noms() -> list[dict]:
    cases = [
        ("1b", "sensitive", 4, True),
        ("3", "sensitive", 5, True),
        ("1a", "resistant", 5, True),
        ("2", "resistant", 9, True),
        ("3", "resistant", 14, False),
        ("1c", "resistant", 3, True),
    ]
    rows = []
    for grade, sens, total, fit in cases:
        r = noms_pathway(grade, sens, total, fit)
        rows.append({"escc_grade": grade, "radiosensitivity": sens, "sins_total": total,
                     "fit_for_surgery": fit, "pathway": r.pathway, "steps": " → ".join(r.steps),
                     "needs_team_judgement": r.needs_team_judgement})
    return rows


def _examples_anc() -> list[dict]:
    cases = [(4500, 50, 5), (2000, 40, 10), (3000, 25, 5), (1200, 30, 0)]
    rows = []
    for wbc, segs, bands in cases:
        value = anc(wbc, segs, bands)
        rows.append({"wbc_cells_per_ul": wbc, "segs_pct": segs, "bands_pct": bands,
                     "anc_cells_per_ul": value, "severity": neutropenia_severity(value)})
    return rows


def _examples_ctcae() -> list[dict]:
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


def _examples_hypertension() -> list[dict]:
    cases = [(118, 76), (128, 78), (145, 85), (150, 102), (165, 95)]
    return [{"systolic": s, "diastolic": d, "grade": ctcae_hypertension_grade(s, d)} for s, d in cases]


def _examples_bed() -> list[dict]:
    cases = [(8, 1, 10), (20, 5, 10), (30, 10, 10), (24, 2, 10), (8, 1, 2), (30, 10, 2)]
    return [
        {"total_dose_gy": d, "fractions": n, "alpha_beta_gy": ab, "dose_per_fraction_gy": d / n,
         "bed_gy": bed(d, n, ab), "eqd2_gy": eqd2(d, n, ab)}
        for d, n, ab in cases
    ]


def _examples_bsa() -> list[dict]:
    cases = [(170, 70), (160, 55), (180, 100), (150, 45)]
    return [
        {"height_cm": h, "weight_kg": w, "bsa_mosteller_m2": bsa_mosteller(h, w),
         "bsa_dubois_m2": bsa_dubois(h, w)}
        for h, w in cases
    ]


_EXAMPLE_BUILDERS = {
    "sins": _examples_sins, "escc": _examples_escc, "noms": _examples_noms, "anc": _examples_anc,
    "ctcae": _examples_ctcae, "hypertension": _examples_hypertension, "bed": _examples_bed,
    "bsa": _examples_bsa,
}


def worked_examples(calculator_name: str) -> "pd.DataFrame":
    """3–6 worked examples for a calculator, as a DataFrame of inputs and computed results.

    ``calculator_name`` is one of ``WORKED_EXAMPLE_NAMES`` ("sins", "escc",
    "noms", "anc", "ctcae", "hypertension", "bed", "bsa"); "eqd2" and
    "neutropenia" are accepted as aliases of "bed" and "anc".
    """
    import pandas as pd

    allowed = WORKED_EXAMPLE_NAMES + tuple(_WORKED_EXAMPLE_ALIASES)
    name = _word("calculator_name", calculator_name, allowed)
    name = _WORKED_EXAMPLE_ALIASES.get(name, name)
    return pd.DataFrame(_EXAMPLE_BUILDERS[name]())
