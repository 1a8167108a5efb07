"""ESCC: the epidural spinal cord compression scale (Bilsky et al., J Neurosurg Spine 2010)."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from helpers.calculators._inputs import CalculatorInputError
from helpers.calculators._sources import CALCULATOR_SOURCES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["EsccAssessment", "escc_category", "escc_assessment", "escc_reference", "ESCC_GRADING_NOTE",
           "ESCC_GRADES", "escc_grade", "examples"]

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

#: The grades in order, lowest first.
ESCC_GRADES: tuple[str, ...] = tuple(_ESCC)
_ALLOWED = "0, 1a, 1b, 1c, 2 or 3"
_LABELS = {"grade": "ESCC grade", "escc_grade": "N: ESCC grade"}


@dataclass(frozen=True)
class EsccAssessment:
    """Result of :func:`escc_assessment`."""

    grade: str
    category: str
    definition: str
    reason: str
    source_ids: str = CALCULATOR_SOURCES["escc"]


def escc_grade(grade: Any, name: str = "grade") -> str:
    """The ESCC grade as its text key ("0", "1a" ... "3"), or an error naming ``name`` and the allowed grades."""
    label = _LABELS.get(name, "ESCC grade")

    def bad(problem: str) -> CalculatorInputError:
        return CalculatorInputError(f"{name} ({label}) {problem}", f"{label}: {problem}")

    if isinstance(grade, bool):
        raise bad(f"must be an ESCC grade {_ALLOWED}; got {grade!r}.")
    if isinstance(grade, numbers.Integral):
        key = str(int(grade))
    elif isinstance(grade, str):
        key = "".join(grade.split()).lower()
    else:
        raise bad(f"must be an ESCC grade {_ALLOWED} (as text); got {grade!r}.")
    if key == "1":
        raise bad("1 must be subdivided: give 1a, 1b or 1c (the three differ in whether the "
                  "thecal sac is deformed and the cord is touched).")
    if key not in _ESCC:
        raise bad(f"must be an ESCC grade {_ALLOWED}; got {grade!r}.")
    return key


def escc_category(grade: str | int) -> str:
    """Category of an ESCC (Bilsky) grade: "low" (0, 1a, 1b), "borderline" (1c), "high" (2, 3).

    ``grade`` is text "0", "1a", "1b", "1c", "2", "3" (any case), or the
    integers 0, 2, 3. Grade 1 on its own is rejected: it must be subdivided.
    """
    return _ESCC[escc_grade(grade)][1]


def escc_assessment(grade: str | int) -> EsccAssessment:
    """ESCC grade with its category, plain-language definition and the reason for the category.

    The definition ends with the grading rule: axial T2-weighted MRI at the
    level of worst compression (Bilsky et al. 2010).
    """
    key = escc_grade(grade)
    definition, category, reason = _ESCC[key]
    return EsccAssessment(key, category, f"{definition} {ESCC_GRADING_NOTE}", reason)


def escc_reference() -> "pd.DataFrame":
    """The ESCC scale: columns grade, definition, category."""
    import pandas as pd

    rows = [{"grade": g, "definition": d, "category": c} for g, (d, c, _) in _ESCC.items()]
    return pd.DataFrame(rows, columns=["grade", "definition", "category"])


def examples() -> list[dict]:
    """Worked examples: every grade with its category and the reason."""
    return [{"grade": g, "category": a.category, "reason": a.reason} for g in _ESCC for a in [escc_assessment(g)]]
