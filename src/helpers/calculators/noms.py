"""NOMS (Laufer et al., Oncologist 2013): a teaching illustration that evaluates a cited decision table.

The rules are data, not code: ``data/noms_rules.csv`` has one row for every
combination of ESCC category (N), response to conventional radiation (O),
SINS stability (M) and fitness for open surgery (S), naming the pathway, its
steps in order (``data/noms_steps.csv``) and the reason on each axis
(``data/noms_reasons.csv``).  :func:`noms_pathway` checks the inputs, finds
the one row that matches and assembles the result; it decides nothing
itself.  The examples the lessons show are ``data/noms_examples.csv``.

The tables are read through :func:`helpers.data.load` (validated) the first
time a NOMS function runs, so ``import helpers.calculators`` stays light.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from helpers.calculators._inputs import CalculatorInputError, Choice
from helpers.calculators._sources import CALCULATOR_SOURCES
from helpers.calculators.escc import escc_category as _escc_category
from helpers.calculators.escc import escc_grade as _escc_grade
from helpers.calculators.spinal_instability import SinsResult, sins_category

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["NomsResult", "noms_pathway", "noms_rules", "noms_examples", "ECOG_MEANINGS", "NOMS_CAVEAT",
           "RADIOSENSITIVITY_VALUES", "STABILITY_VALUES", "NOMS_INPUTS", "examples"]

RADIOSENSITIVITY_VALUES = ("sensitive", "moderate", "resistant")
STABILITY_VALUES = ("stable", "potentially unstable", "unstable")
_AXES = ("neurologic", "oncologic", "mechanical", "systemic")
_AXIS_LABELS = {"neurologic": "Neurologic", "oncologic": "Oncologic", "mechanical": "Mechanical",
                "systemic": "Systemic"}

NOMS_CAVEAT = (
    "Teaching illustration only: real treatment decisions are made by a multidisciplinary team "
    "(spine surgery, radiation oncology, medical oncology, radiology, nursing) with the patient."
)

#: The four inputs with the labels of their controls (the widget uses the same labels).
NOMS_INPUTS: dict[str, Any] = {
    "escc_grade": "N: ESCC grade",
    "radiosensitivity": Choice("radiosensitivity", "O: tumour response to conventional radiotherapy",
                               RADIOSENSITIVITY_VALUES),
    "sins_total": "M: SINS total (0–18)",
    "fit_for_surgery": "S: able to tolerate open surgery",
}

#: ECOG performance status (Oken et al. 1982), in short words for the NOMS reasoning.
ECOG_MEANINGS: dict[int, str] = {
    0: "fully active",
    1: "restricted in strenuous activity but walking and able to do light work",
    2: "walking and caring for themself but unable to work; up and about more than half the day",
    3: "capable of only limited self-care; in bed or a chair more than half the day",
    4: "completely disabled; no self-care; confined to bed or chair",
    5: "dead",
}


@dataclass(frozen=True)
class NomsResult:
    """Result of :func:`noms_pathway`.

    ``steps`` and ``reasoning`` are tuples (ordered, read-only);
    ``reasoning`` has one sentence per axis in the order N, O, M, S, and a
    documented alternative (``alternative``, "" when none) is part of the
    sentence of its axis.  ``rule_id`` is the row of ``data/noms_rules.csv``
    that gave the result.
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
    alternative: str = ""
    rule_id: str = ""


# -- the decision table ------------------------------------------------------------

@dataclass(frozen=True)
class _Rules:
    rules: dict[tuple[str, str, str, bool], dict]
    steps: dict[str, tuple[str, str]]      # id -> (step, source_ids)
    reasons: dict[str, tuple[str, str, str]]  # id -> (axis, text, source_ids)

    def copy(self) -> "_Rules":  # read-only: helpers.data.cached_join hands out "copies"
        return self


_cached_tables = None


def _tables() -> _Rules:
    """The three NOMS tables of the current data folder, checked and indexed.

    Cached like the other joins (:func:`helpers.data.cached_join`), so
    :func:`helpers.data.clear_cache` forgets them too.
    """
    global _cached_tables
    if _cached_tables is None:
        from helpers import data

        _cached_tables = data.cached_join(_read_tables)
    return _cached_tables()


def _read_tables() -> _Rules:
    from helpers import data
    from helpers.errors import DataError

    steps = {str(r.id): (str(r.step), str(r.source_ids)) for r in data.load("noms_steps").itertuples(index=False)}
    reasons = {str(r.id): (str(r.axis), str(r.text), str(r.source_ids))
               for r in data.load("noms_reasons").itertuples(index=False)}
    frame = data.load("noms_rules")
    path = data.data_dir() / "noms_rules.csv"
    rules: dict[tuple[str, str, str, bool], dict] = {}
    for number, row in enumerate(frame.to_dict("records"), start=1):
        where = f"{path}: row {number} (line {number + 1} of the file)"
        for step in str(row["steps"]).split(";"):
            if step not in steps:
                raise DataError(f"{where}, field 'steps': step {step!r} is not an id in noms_steps.csv; "
                                f"allowed: {', '.join(steps)}")
        for axis in _AXES:
            reason = str(row[f"{axis}_reason"])
            if reasons[reason][0] != axis:
                raise DataError(f"{where}, field '{axis}_reason': reason {reason!r} explains the "
                                f"{reasons[reason][0]} axis, not the {axis} axis")
        key = (str(row["escc_category"]), str(row["radiosensitivity"]), str(row["stability"]),
               bool(row["fit_for_surgery"]))
        if key in rules:
            raise DataError(f"{where}: the combination {key} repeats rule {rules[key]['id']!r}; "
                            "each combination of the four inputs must have exactly one row")
        rules[key] = row
    missing = [(n, o, m, s) for n in ("low", "borderline", "high") for o in RADIOSENSITIVITY_VALUES
               for m in STABILITY_VALUES for s in (True, False) if (n, o, m, s) not in rules]
    if missing:
        raise DataError(f"{path}: no rule for {len(missing)} combination(s) of the four inputs, "
                        f"for example {missing[0]}; every combination needs one row")
    return _Rules(rules, steps, reasons)


def noms_rules() -> "pd.DataFrame":
    """The decision table as a clinician reads it: the four inputs, the pathway and the steps in words.

    Columns: id, escc_category, radiosensitivity, stability,
    fit_for_surgery, pathway, steps (in words, joined with " → "),
    needs_team_judgement, alternative (in words, "" when none), source_ids.
    """
    import pandas as pd

    tables = _tables()
    rows = []
    for row in tables.rules.values():
        alternative = str(row["alternative"] or "")
        rows.append({
            "id": row["id"], "escc_category": row["escc_category"], "radiosensitivity": row["radiosensitivity"],
            "stability": row["stability"], "fit_for_surgery": bool(row["fit_for_surgery"]),
            "pathway": row["pathway"],
            "steps": " → ".join(tables.steps[s][0] for s in str(row["steps"]).split(";")),
            "needs_team_judgement": bool(row["needs_team_judgement"]),
            "alternative": tables.reasons[alternative][1] if alternative else "",
            "source_ids": row["source_ids"],
        })
    return pd.DataFrame(rows)


# -- inputs ---------------------------------------------------------------------------

def _stability(value: Any) -> str:
    if isinstance(value, SinsResult):
        return value.category
    if isinstance(value, str):
        word = " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
        if word in STABILITY_VALUES:
            return word
    elif (isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer()
          and 0 <= value <= 18):
        return sins_category(int(value))
    label = NOMS_INPUTS["sins_total"]
    raise CalculatorInputError(
        "stability (M: the SINS total) must be a SINS total from 0 to 18, a SINS result, or one of "
        f"'stable', 'potentially unstable', 'unstable'; got {value!r}.",
        f"{label}: enter a whole number from 0 to 18; got {value!r}.",
    )


def _performance_status(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and 0 <= value <= 4:
        return int(value)
    raise CalculatorInputError(
        f"performance_status (ECOG performance status) must be an ECOG grade, a whole number from 0 to 4 "
        f"(5 means death), or left out; got {value!r}.",
        f"ECOG performance status: enter a whole number from 0 to 4; got {value!r}.",
    )


def _sources(*groups: str) -> str:
    """Source ids of several rows, each once, in order of first use."""
    seen: dict[str, None] = {}
    for group in groups:
        for item in group.split(";"):
            if item:
                seen.setdefault(item, None)
    return ";".join(seen)


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
      :func:`escc_category`). Low grade = 0, 1a, 1b; borderline = 1c; high
      grade = 2 and 3.
    - ``radiosensitivity`` (O): tumour response to conventional external beam
      radiotherapy (cEBRT): "sensitive" (e.g. lymphoma, myeloma, seminoma),
      "moderate" (e.g. breast; prostate is usually grouped here) or
      "resistant" (e.g. renal cell, melanoma, thyroid, colorectal, sarcoma).
    - ``stability`` (M): a SINS total 0–18, a :class:`SinsResult`, or
      "stable" / "potentially unstable" / "unstable". Assessed separately
      from N and O.
    - ``fit_for_surgery`` (S): True if the patient's systemic disease,
      comorbidities and expected survival allow open surgery.
    - ``performance_status`` (optional, keyword): the ECOG grade 0–4 (Oken
      1982) on which the fitness judgement partly rests; it is named in the
      Systemic sentence and does not change the steps.

    The pathway, steps and reasons are the row of ``data/noms_rules.csv``
    for the four inputs (read its README section for the rules in words).
    """
    grade = _escc_grade(escc_grade, "escc_grade")
    n_category = _escc_category(grade)
    sensitivity = NOMS_INPUTS["radiosensitivity"].check(radiosensitivity)
    m = _stability(stability)
    if not isinstance(fit_for_surgery, bool):
        label = NOMS_INPUTS["fit_for_surgery"]
        raise CalculatorInputError(f"fit_for_surgery ({label}) must be True or False, got {fit_for_surgery!r}.",
                                   f"{label}: tick the box or leave it empty; got {fit_for_surgery!r}.")
    ecog = _performance_status(performance_status)

    tables = _tables()
    row = tables.rules[(n_category, sensitivity, m, fit_for_surgery)]
    alternative_id = str(row["alternative"] or "")
    alt_axis, alternative, alt_sources = tables.reasons[alternative_id] if alternative_id else ("", "", "")
    reasoning, reason_sources = [], []
    for axis in _AXES:
        _axis, text, ids = tables.reasons[str(row[f"{axis}_reason"])]
        text = text.replace("{grade}", grade)
        if axis == "systemic" and ecog is not None:
            text = f"ECOG performance status {ecog} ({ECOG_MEANINGS[ecog]}); {text}"
        if axis == alt_axis:
            text = f"{text} {alternative}"
        reasoning.append(f"{_AXIS_LABELS[axis]}: {text}")
        reason_sources.append(ids)
    step_ids = str(row["steps"]).split(";")
    sources = _sources(CALCULATOR_SOURCES["noms"], str(row["source_ids"]),
                       *(tables.steps[s][1] for s in step_ids), *reason_sources, alt_sources,
                       "oken1982_ecog" if ecog is not None else "")
    return NomsResult(
        pathway=str(row["pathway"]),
        steps=tuple(tables.steps[s][0] for s in step_ids),
        reasoning=tuple(reasoning),
        caveat=NOMS_CAVEAT,
        escc_grade=grade,
        escc_category=n_category,
        radiosensitivity=sensitivity,
        stability=m,
        fit_for_surgery=fit_for_surgery,
        needs_team_judgement=bool(row["needs_team_judgement"]),
        source_ids=sources,
        alternative=alternative,
        rule_id=str(row["id"]),
    )


# -- the examples the lessons show ------------------------------------------------------

def noms_examples(view: str | None = None) -> list[dict]:
    """Illustrative inputs from ``data/noms_examples.csv``, in display order.

    ``view`` "worked_example" or "decision_table" keeps the rows shown there
    (the calculator's worked examples; 02's decision table); None keeps all.
    Each item: id, escc_grade, radiosensitivity, sins_total, fit_for_surgery, source_ids.
    """
    from helpers import data

    if view not in (None, "worked_example", "decision_table"):
        raise CalculatorInputError(f"view must be 'worked_example', 'decision_table' or None, got {view!r}.",
                                   "Choose the worked examples or the decision table.")
    frame = data.load("noms_examples").sort_values("sequence")
    if view is not None:
        frame = frame[frame[view]]
    return [{"id": str(r.id), "escc_grade": str(r.escc_grade), "radiosensitivity": str(r.radiosensitivity),
             "sins_total": int(r.sins_total), "fit_for_surgery": bool(r.fit_for_surgery),
             "source_ids": str(r.source_ids)} for r in frame.itertuples(index=False)]


def examples() -> list[dict]:
    """Worked examples: the inputs of ``noms_examples("worked_example")`` with the pathway read from the rules."""
    rows = []
    for ex in noms_examples("worked_example"):
        r = noms_pathway(ex["escc_grade"], ex["radiosensitivity"], ex["sins_total"], ex["fit_for_surgery"])
        rows.append({"escc_grade": ex["escc_grade"], "radiosensitivity": ex["radiosensitivity"],
                     "sins_total": ex["sins_total"], "fit_for_surgery": ex["fit_for_surgery"],
                     "pathway": r.pathway, "steps": " → ".join(r.steps),
                     "needs_team_judgement": r.needs_team_judgement,
                     "alternative": r.alternative})
    return rows
