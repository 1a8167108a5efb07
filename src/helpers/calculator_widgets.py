"""Interactive faces of the clinical calculators (ipywidgets).

Each builder returns a :class:`CalculatorBox` (an ``ipywidgets.VBox``) with:

- ``box.controls``: a dict of the input widgets, keyed by argument name
  (for example ``box.controls["pain"]``);
- ``box.result``: the ``ipywidgets.HTML`` that shows the result;
- ``box.update()``: recompute now (the controls call it on every change).

Callbacks call the same pure functions the tests call
(:mod:`helpers.calculators`) and turn an :class:`~helpers.errors.InputError`
into a one-line warning in the result area, in the words of the control the
student sees (``error.student``): each control takes its label from the same
input definition the function checks (``calc.ANC_INPUTS``, ``calc.BED_INPUTS``
and so on), so the label and the message cannot drift apart.

Every number box is a ``FloatText`` with no minimum or maximum.  In the
browser an ``IntText`` strips "e", "." and "," as they are typed (so "1e6"
becomes 16 and "2.5" becomes 25), and a bounded box silently clamps a value to
its limits; a plain ``FloatText`` keeps what was typed, and the calculator
says in one line what is allowed (a whole number where one is needed).

The HTML is built by the pure ``render_*`` functions below, which also serve
static pages.
"""

from __future__ import annotations

import re
from typing import Callable

from markupsafe import Markup

import ipywidgets as widgets

from helpers import calculators as calc
from helpers.controls import LABEL_STYLE, TOGGLE_STYLE, fit
from helpers.errors import InputError
from helpers.explorer import message_html
from helpers.render import macro

__all__ = [
    "CalculatorBox", "SOURCE_CITATIONS",
    "sins_widget", "escc_widget", "noms_widget", "anc_widget", "ctcae_widget",
    "hypertension_widget", "bed_widget", "bsa_widget",
    "render_error", "render_sins_result", "render_escc_result", "render_noms_result",
    "render_anc_result", "render_ctcae_result", "render_hypertension_result",
    "render_bed_result", "render_bsa_result",
]

def source_citations() -> dict[str, str]:
    """Short citations (``"Fisher CG et al., 2010"``) for every source, derived from data/sources.csv."""
    from helpers.data import load

    return {str(row.id): short_citation(str(row.citation), row.year, str(row.publisher))
            for row in load("sources").itertuples(index=False)}


_PERSON = re.compile(r"[A-Z][\w'\- ]*? [A-Z]{1,3}(?: [0-9]\w*| Jr)?")  # "Fisher CG", "Benson AB 3rd"


def short_citation(citation: str, year: object = None, publisher: str = "") -> str:
    """First author (``et al.`` if there are more) or the issuing body, and the year."""
    authors = citation.split(". ")[0].strip()
    first = authors.split(",")[0].split(";")[0].strip()
    if _PERSON.fullmatch(first):
        name = first + (" et al." if ("," in authors or ";" in authors) else "")
    else:
        name = publisher or first
    when = "" if year is None or str(year) in ("", "<NA>", "nan") else f", {int(year)}"
    return f"{name}{when}"


def __getattr__(name: str):
    # SOURCE_CITATIONS is derived from data/sources.csv when first used (no data is read at import).
    if name == "SOURCE_CITATIONS":
        return source_citations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_STYLE = LABEL_STYLE


# --------------------------------------------------------------------------
# Pure HTML rendering
# --------------------------------------------------------------------------

def _view(name: str, *args: object, **kwargs: object) -> str:
    return str(macro("calculators.html.j2", name, *args, **kwargs))


def _source_names(source_ids: str) -> str:
    citations = source_citations()
    return "; ".join(citations.get(s, s) for s in source_ids.split(";"))


def _card(headline: str, source_ids: str, paragraphs: list[str] = (), **blocks: object) -> str:
    """A result card: bold headline, optional blocks (points, steps, reasons), paragraphs, source line."""
    return _view("result", headline, _source_names(source_ids), list(paragraphs), **blocks)


def render_error(message: str) -> str:
    """One-line warning for a rejected input: the collection's "Check the input:" box."""
    return message_html(message, "warning")


def render_sins_result(result: calc.SinsResult) -> str:
    """HTML for a :class:`~helpers.calculators.SinsResult`: total, category, points, advice."""
    consult = (
        "Surgical consultation: yes (SINS 7 or more)."
        if result.surgical_consultation
        else "Surgical consultation: not needed for stability (SINS 0–6)."
    )
    points = [(SINS_COMPONENT_LABELS.get(c, c.replace("_", " ")), p) for c, p in result.points.items()]
    return _card(f"SINS total {result.total} out of 18: {result.category}", result.source_ids, [consult],
                 points=points)


def render_escc_result(assessment: calc.EsccAssessment) -> str:
    """HTML for an :class:`~helpers.calculators.EsccAssessment`."""
    return _card(f"ESCC grade {assessment.grade}: {assessment.category} grade", assessment.source_ids,
                 [f"Definition: {assessment.definition}", f"Why: {assessment.reason}"])


def render_noms_result(result: calc.NomsResult) -> str:
    """HTML for a :class:`~helpers.calculators.NomsResult`: pathway, ordered steps, reasoning, caveat."""
    flag = ["Team judgement needed: the team decides this combination case by case."] if result.needs_team_judgement else []
    return _card(f"Illustrative NOMS pathway: {result.pathway}", result.source_ids, [*flag, result.caveat],
                 steps=list(result.steps), reasons=list(result.reasoning))


_SEVERITY_MEANING = {
    "none": "No neutropenia: the ANC is 1500/µL or more.",
    "mild": "Mild neutropenia (1000 to under 1500/µL): infection risk starts to rise.",
    "moderate": "Moderate neutropenia (500 to under 1000/µL): infection risk is higher; watch for fever.",
    "severe": "Severe neutropenia (under 500/µL): the highest risk of serious infection.",
}


def render_anc_result(anc_cells_per_ul: float) -> str:
    """HTML for an ANC in cells/µL with its severity and the febrile-neutropenia rule."""
    severity = calc.neutropenia_severity(anc_cells_per_ul)
    body = [
        f"ANC {anc_cells_per_ul:,.0f} cells/µL (= {anc_cells_per_ul / 1000:.2f} ×10³/µL).",
        _SEVERITY_MEANING[severity],
        "Fever with neutropenia (a single temperature of 38.3 °C or more, or 38.0 °C or more "
        "for over an hour, with ANC under 500/µL or expected to fall below 500) is an emergency: "
        "report it at once. Thresholds for neutropenic precautions vary between institutions.",
    ]
    return _card(f"ANC {anc_cells_per_ul:,.0f} cells/µL: {severity} neutropenia"
                 if severity != "none" else f"ANC {anc_cells_per_ul:,.0f} cells/µL: no neutropenia",
                 calc.CALCULATOR_SOURCES["anc"], body)


_GRADE_MEANING = {
    0: "Grade 0: at or above the lower limit of normal for this laboratory.",
    1: "Grade 1: mild.",
    2: "Grade 2: moderate.",
    3: "Grade 3: severe or medically significant, not immediately life-threatening.",
    4: "Grade 4: life-threatening consequences; urgent intervention indicated.",
}


def render_ctcae_result(term: str, value: float, grade: int, lln: float) -> str:
    """HTML for a CTCAE v5.0 laboratory grade."""
    unit = calc.CTCAE_UNITS[term]
    label = term.replace("_", " ").capitalize()
    body = [_GRADE_MEANING[grade],
            f"Lower limit of normal used: {lln:g} {unit}. Each laboratory sets its own; the default is an example."]
    if term == "anemia":
        body.append("Anaemia grade 4 (life-threatening) is a clinical judgement and is never derived from the number.")
    return _card(f"CTCAE v5.0 {label}: grade {grade} ({value:g} {unit})", calc.CALCULATOR_SOURCES["ctcae"], body)


def render_hypertension_result(systolic: float, diastolic: float, grade: int) -> str:
    """HTML for a CTCAE v5.0 hypertension grade from blood pressure alone."""
    body = [f"Blood pressure {systolic:g}/{diastolic:g} mm Hg: the higher of the systolic and diastolic grades counts.",
            calc.HYPERTENSION_LIMITS_NOTE]
    return _card(f"CTCAE v5.0 hypertension (adult), from the numbers alone: grade {grade}",
                 calc.CALCULATOR_SOURCES["hypertension"], body)


def render_bed_result(total_dose_gy: float, fractions: int, alpha_beta_gy: float,
                      bed_gy: float, eqd2_gy: float) -> str:
    """HTML for BED and EQD2 of a schedule, with the LQ-model caveat for large fractions."""
    fractions = int(fractions)
    per_fraction = total_dose_gy / fractions
    body = [f"{total_dose_gy:g} Gy in {fractions} fraction{'s' if fractions != 1 else ''} "
            f"({per_fraction:.2f} Gy per fraction), α/β = {alpha_beta_gy:g} Gy.",
            f"EQD2 {eqd2_gy:.1f} Gy: the total dose in 2-Gy fractions with the same biological effect."]
    if per_fraction > 8:
        body.append("Over 8 Gy per fraction the linear-quadratic model is less reliable: treat these values as nominal.")
    return _card(f"BED {bed_gy:.1f} Gy, EQD2 {eqd2_gy:.1f} Gy (α/β {alpha_beta_gy:g} Gy)",
                 calc.CALCULATOR_SOURCES["bed"], body)


def render_bsa_result(height_cm: float, weight_kg: float, mosteller_m2: float, dubois_m2: float) -> str:
    """HTML for body surface area by Mosteller and DuBois."""
    body = [f"Height {height_cm:g} cm, weight {weight_kg:g} kg.",
            f"Mosteller {mosteller_m2:.2f} m²; DuBois {dubois_m2:.2f} m². "
            "The two formulas give slightly different values: use the one your protocol names."]
    return _card(f"BSA {mosteller_m2:.2f} m² (Mosteller)", calc.CALCULATOR_SOURCES["bsa"], body)


# --------------------------------------------------------------------------
# Widget plumbing
# --------------------------------------------------------------------------

class CalculatorBox(widgets.VBox):
    """A VBox holding a calculator's controls and its result.

    ``controls`` maps argument names to input widgets, ``result`` is the HTML
    result area, and ``update()`` recomputes it from the controls.  Rebuilt by
    the lesson output cache (``helpers.replay``), a calculator shows the title
    and first result it stored instead of rendering them again
    (:meth:`first_view`, :meth:`show_first_view`); its controls are live either way.
    """

    def __init__(self, title: str, controls: dict[str, widgets.Widget],
                 compute: Callable[[dict], str], notes: tuple[str, str] | None = None) -> None:
        from helpers.replay import deferring, explorer_made

        self.controls = controls
        self.result = widgets.HTML()
        self._compute = compute
        self._title = title
        self._notes = notes  # (heading, text) of a note under the controls, rendered with the title
        self.heading = widgets.HTML()
        self.note = widgets.HTML()
        children: list[widgets.Widget] = [self.heading]
        children += list(controls.values())
        if notes:
            children.append(self.note)
        children.append(self.result)
        super().__init__(children=children)
        for control in controls.values():
            control.observe(lambda _change: self.update(), names="value")
        if deferring():  # rebuilt by the lesson output cache, which holds what it shows first
            explorer_made(self)
        else:
            self.refresh()

    def refresh(self) -> None:
        """Render the title and note, and compute the result."""
        self.heading.value = _view("title", self._title)
        if self._notes:
            self.note.value = _view("note", *self._notes)
        self.update()

    def update(self) -> None:
        """Recompute the result; an InputError becomes a one-line warning."""
        values = {name: control.value for name, control in self.controls.items()}
        try:
            self.result.value = self._compute(values)
        except InputError as exc:
            self.result.value = render_error(calc.student_message(exc))

    def first_view(self) -> dict:
        """What the calculator shows now, before any change: its title, note and result."""
        return {"title": self.heading.value, "note": self.note.value, "result": self.result.value}

    def show_first_view(self, view: dict) -> None:
        """Show what :meth:`first_view` stored (for the same, default, control values)."""
        self.heading.value = view["title"]
        self.note.value = view["note"]
        self.result.value = view["result"]


def _dropdown(description: str, options: list[tuple[str, object]], value: object) -> widgets.Dropdown:
    return widgets.Dropdown(options=options, value=value, description=description, style=_STYLE, layout=fit())


def _number(field: calc.Field, value: float) -> widgets.FloatText:
    """A number box labelled as the input's field; no limits in the browser (the calculator checks them)."""
    return widgets.FloatText(value=value, description=field.label, style=_STYLE, layout=fit())


# --------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------

def _points(n: int) -> str:
    """'1 point', '0 points', '3 points'."""
    return f"{n} point" if n == 1 else f"{n} points"


def sins_widget() -> CalculatorBox:
    """SINS calculator. Controls: location, pain, bone_lesion, alignment, collapse, posterolateral."""
    table = calc.sins_reference()
    inputs = calc.SINS_INPUTS
    controls: dict[str, widgets.Widget] = {
        "location": widgets.Combobox(
            value="T12",
            options=["junctional", "mobile", "semirigid", "rigid", "occiput"]
            + [f"{r}{i}" for r, n in (("C", 7), ("T", 12), ("L", 5), ("S", 5)) for i in range(1, n + 1)],
            description=inputs["location"].label,
            placeholder="e.g. T12 or junctional",
            ensure_option=False, continuous_update=False, style=_STYLE, layout=fit(),
        ),
    }
    for component in ("pain", "bone_lesion", "alignment", "collapse", "posterolateral"):
        rows = table[table["component"] == component]
        options = [(f"{r.finding} ({_points(r.points)})", r.argument_value) for r in rows.itertuples()]
        controls[component] = _dropdown(inputs[component].label, options, options[-1][1])

    def compute(v: dict) -> str:
        return render_sins_result(calc.sins(**v))

    return CalculatorBox("Spinal Instability Neoplastic Score (SINS)", controls, compute)


def escc_widget() -> CalculatorBox:
    """ESCC (Bilsky) grade explainer. Control: grade."""
    options = [(f"{r.grade}: {r.definition}", r.grade) for r in calc.escc_reference().itertuples()]
    controls = {"grade": _dropdown("ESCC grade (axial T2 MRI, worst level)", options, "1b")}
    return CalculatorBox("Epidural spinal cord compression (ESCC) scale", controls,
                         lambda v: render_escc_result(calc.escc_assessment(v["grade"])))


#: How each response to conventional radiotherapy reads in the NOMS control.
RADIOSENSITIVITY_LABELS = {
    "sensitive": "Sensitive (e.g. lymphoma, myeloma, seminoma)",
    "moderate": "Moderately sensitive (e.g. breast, prostate)",
    "resistant": "Resistant (e.g. renal cell, melanoma, thyroid, colorectal)",
}


def noms_widget() -> CalculatorBox:
    """NOMS teaching illustration. Controls: escc_grade, radiosensitivity, sins_total, fit_for_surgery."""
    inputs = calc.NOMS_INPUTS
    grades = [(f"{r.grade} ({r.category})", r.grade) for r in calc.escc_reference().itertuples()]
    sensitivity = [(RADIOSENSITIVITY_LABELS[v], v) for v in calc.RADIOSENSITIVITY_VALUES]
    sins_total = calc.Field("sins_total", inputs["sins_total"], "", 0, 18, whole=True)
    controls: dict[str, widgets.Widget] = {
        "escc_grade": _dropdown(inputs["escc_grade"], grades, "2"),
        "radiosensitivity": _dropdown(inputs["radiosensitivity"].label, sensitivity, "resistant"),
        "sins_total": _number(sins_total, 5),
        "fit_for_surgery": widgets.Checkbox(value=True, description=inputs["fit_for_surgery"],
                                            indent=False, style=_STYLE),
    }

    def compute(v: dict) -> str:
        return render_noms_result(
            calc.noms_pathway(v["escc_grade"], v["radiosensitivity"], v["sins_total"], v["fit_for_surgery"])
        )

    return CalculatorBox("NOMS framework: an illustrative pathway", controls, compute)


def anc_widget() -> CalculatorBox:
    """ANC calculator. Controls: wbc, wbc_unit, segs_pct, bands_pct."""
    inputs = calc.ANC_INPUTS
    units = calc.WBC_UNIT_LABELS
    controls: dict[str, widgets.Widget] = {
        "wbc": _number(inputs["wbc"], 4500.0),
        "wbc_unit": widgets.ToggleButtons(
            options=[(f"{units['cells/uL']} (e.g. 4500)", "cells/uL"), (f"{units['10^3/uL']} (e.g. 4.5)", "10^3/uL")],
            value="cells/uL", description="Unit of the white count", style=TOGGLE_STYLE, layout=fit(),
        ),
        "segs_pct": _number(inputs["segs_pct"], 50.0),
        "bands_pct": _number(inputs["bands_pct"], 5.0),
    }

    def compute(v: dict) -> str:
        value = calc.anc(v["wbc"], v["segs_pct"], v["bands_pct"], wbc_unit=v["wbc_unit"])
        return render_anc_result(value)

    return CalculatorBox("Absolute neutrophil count (ANC)", controls, compute,
                         notes=("", "ANC = white count × (segmented % + band %) / 100."))


def ctcae_widget() -> CalculatorBox:
    """CTCAE v5.0 laboratory grade. Controls: term, value, lln (resets to the example LLN when the term changes)."""
    options = [(f"{t.replace('_', ' ').capitalize()} ({calc.CTCAE_UNITS[t]})", t) for t in calc.CTCAE_TERMS]
    first = calc.CTCAE_TERMS[0]
    controls: dict[str, widgets.Widget] = {
        "term": _dropdown(calc.CTCAE_TERM_LABEL, options, first),
        "value": _number(calc.ctcae_value_field(first), 1200.0),
        "lln": _number(calc.ctcae_lln_field(first), calc.CTCAE_DEFAULT_LLN[first]),
    }
    examples = dict(zip(calc.CTCAE_TERMS, (1200.0, 60000.0, 2500.0, 9.2)))

    def compute(v: dict) -> str:
        grade = calc.ctcae_grade(v["term"], v["value"], lln=v["lln"])
        return render_ctcae_result(v["term"], v["value"], grade, v["lln"])

    box = CalculatorBox("CTCAE v5.0 laboratory grade", controls, compute)

    def on_term(change: dict) -> None:
        term = change["new"]
        controls["value"].description = calc.ctcae_value_field(term).label
        controls["lln"].description = calc.ctcae_lln_field(term).label
        controls["lln"].value = calc.CTCAE_DEFAULT_LLN[term]
        controls["value"].value = examples[term]
        box.update()

    controls["term"].observe(on_term, names="value")
    return box


def hypertension_widget() -> CalculatorBox:
    """CTCAE v5.0 adult hypertension grade from blood pressure. Controls: systolic, diastolic."""
    inputs = calc.HYPERTENSION_INPUTS
    controls: dict[str, widgets.Widget] = {
        "systolic": _number(inputs["systolic"], 128),
        "diastolic": _number(inputs["diastolic"], 78),
    }
    notes = ("What the numbers cannot capture:", calc.HYPERTENSION_LIMITS_NOTE)

    def compute(v: dict) -> str:
        grade = calc.ctcae_hypertension_grade(v["systolic"], v["diastolic"])
        return render_hypertension_result(v["systolic"], v["diastolic"], grade)

    return CalculatorBox("CTCAE v5.0 hypertension (adult)", controls, compute, notes=notes)


def bed_widget() -> CalculatorBox:
    """BED/EQD2 calculator. Controls: total_dose_gy, fractions, alpha_beta_gy."""
    inputs = calc.BED_INPUTS
    controls: dict[str, widgets.Widget] = {
        "total_dose_gy": _number(inputs["total_dose_gy"], 8.0),
        "fractions": _number(inputs["fractions"], 1),
        "alpha_beta_gy": _number(inputs["alpha_beta_gy"], 10.0),
    }
    notes = ("", "Which α/β? 10 Gy for tumour and fast-reacting tissue; 2 Gy for spinal cord "
             "(0.87 Gy is the QUANTEC estimate). Enter the dose in Gy, not cGy.")

    def compute(v: dict) -> str:
        d, n, ab = v["total_dose_gy"], v["fractions"], v["alpha_beta_gy"]
        return render_bed_result(d, n, ab, calc.bed(d, n, ab), calc.eqd2(d, n, ab))

    return CalculatorBox("Biologically effective dose (BED) and EQD2", controls, compute, notes=notes)


def bsa_widget() -> CalculatorBox:
    """Body surface area. Controls: height_cm, weight_kg."""
    inputs = calc.BSA_INPUTS
    controls: dict[str, widgets.Widget] = {
        "height_cm": _number(inputs["height_cm"], 170.0),
        "weight_kg": _number(inputs["weight_kg"], 70.0),
    }

    def compute(v: dict) -> str:
        h, w = v["height_cm"], v["weight_kg"]
        return render_bsa_result(h, w, calc.bsa_mosteller(h, w), calc.bsa_dubois(h, w))

    return CalculatorBox("Body surface area (BSA)", controls, compute)


# --------------------------------------------------------------------------
# Notebook entry point: live calculator + static face
# --------------------------------------------------------------------------

_BUILDERS = {
    "sins": (sins_widget, "SINS calculator", calc.sins_reference),
    "escc": (escc_widget, "ESCC grade", calc.escc_reference),
    "noms": (noms_widget, "NOMS pathway", None),
    "anc": (anc_widget, "ANC calculator", calc.neutropenia_reference),
    "ctcae": (ctcae_widget, "CTCAE v5.0 blood-count grade", None),
    "hypertension": (hypertension_widget, "CTCAE v5.0 hypertension grade", calc.hypertension_reference),
    "bed": (bed_widget, "BED and EQD2 calculator", None),
    "bsa": (bsa_widget, "Body surface area", None),
}


#: Column names of the calculators' tables as a nurse reads them (units in brackets).
#: ``None``: a code column the reader does not need (the live controls use it).
COLUMN_LABELS: dict[str, str | None] = {
    "component": "Component", "finding": "Finding", "points": "Points", "argument_value": None,
    "grade": "Grade", "definition": "Definition", "category": "Category", "reason": "Reason",
    "severity": "Severity", "anc_cells_per_ul": "ANC (cells/µL)", "meaning": "What it means",
    "blood_pressure": "Blood pressure", "also_depends_on": "Also depends on",
    "criterion": "CTCAE v5.0 criterion", "alternative": "Documented alternative the team may weigh",
}
#: What an empty cell means in the calculators' tables, by column (a blank alternative is not "not stated").
EMPTY_CELLS = {"alternative": "None named in this illustration"}
#: SINS components as the reader sees them.
SINS_COMPONENT_LABELS = {
    "location": "Location", "pain": "Pain", "bone_lesion": "Bone lesion", "alignment": "Spinal alignment",
    "collapse": "Vertebral body collapse", "posterolateral": "Posterolateral involvement",
}

_UNIT_SUFFIXES = (
    ("_cells_per_ul", " (cells/µL)"), ("_gy", " (Gy)"), ("_pct", " (%)"), ("_m2", " (m²)"),
    ("_cm", " (cm)"), ("_kg", " (kg)"),
)


def _column_label(name: str) -> str:
    if name in COLUMN_LABELS and COLUMN_LABELS[name]:
        return COLUMN_LABELS[name]
    if name in SINS_COMPONENT_LABELS:
        return SINS_COMPONENT_LABELS[name]
    unit = ""
    for suffix, text in _UNIT_SUFFIXES:
        if name.endswith(suffix):
            name, unit = name[: -len(suffix)], text
            break
    words = name.replace("_", " ").replace("bsa", "BSA").replace("bed", "BED").replace("eqd2", "EQD2")
    words = words.replace("anc", "ANC").replace("wbc", "white count").replace("escc", "ESCC").replace("sins", "SINS")
    words = (words.replace("alpha beta", "α/β").replace("lln", "LLN").replace("mosteller", "Mosteller")
             .replace("dubois", "DuBois").replace("segs", "segmented neutrophils"))
    first = words[:1].upper() if words[:1].isascii() else words[:1]
    return first + words[1:] + unit


def _sins_findings(frame):
    """SINS code values (``over_50``) replaced by the finding a nurse reads, in SINS columns."""
    reference = calc.sins_reference()
    finding = {(r.component, r.argument_value): r.finding for r in reference.itertuples(index=False)}
    out = frame.copy()
    for component in SINS_COMPONENT_LABELS:
        if component in out.columns:
            out[component] = [finding.get((component, v), v) for v in out[component]]
    if "component" in out.columns:
        out["component"] = [SINS_COMPONENT_LABELS.get(v, v) for v in out["component"]]
    return out


def readable(frame):
    """A calculator table for students: words a nurse reads with units, rounded numbers, no code columns."""
    import pandas as pd

    def cell(value):
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"
        if isinstance(value, str):
            return "" if value.strip() in ("–", "-") else value.replace("_", " ")
        return value

    out = _sins_findings(frame.drop(columns=[c for c in frame.columns if COLUMN_LABELS.get(c, "") is None]))
    for name in out.columns:
        out[name] = [EMPTY_CELLS.get(name, "") if cell(v) == "" else cell(v) for v in out[name]]
    out.columns = [_column_label(c) for c in out.columns]
    return pd.DataFrame(out)


def static_face(name: str) -> str:
    """What a reader without a kernel sees instead of the calculator.

    The scale's reference table (where the calculator has one) and worked
    examples computed by the same functions, with the sources named.
    """
    from helpers.tables import styled

    _widget, title, reference = _BUILDERS[name]
    tables = []
    if reference is not None:
        tables.append(styled(readable(reference()), f"{title}: reference table"))
    if name == "ctcae":
        for term in calc.CTCAE_TERMS:
            tables.append(styled(readable(calc.ctcae_reference(term)),
                                 f"CTCAE v5.0 reference: {term.replace('_', ' ')}"))
    tables.append(styled(readable(calc.worked_examples(name)), f"{title}: worked examples"))
    markup = [Markup(t._repr_html_()) for t in tables]
    return _view("static_face", title, markup, _source_names(calc.CALCULATOR_SOURCES[name]))


def calculator(name: str):
    """A calculator for a notebook: live in JupyterLab, reference tables on nbviewer.

    ``name`` is one of sins, escc, noms, anc, ctcae, hypertension, bed, bsa.
    """
    if name not in _BUILDERS:
        raise InputError(f"unknown calculator {name!r}; choose from {', '.join(_BUILDERS)}")
    from helpers.explorer import LiveWithStaticFace, deferred_face
    from helpers.lesson import cite

    build, title, _reference = _BUILDERS[name]
    cite(calc.CALCULATOR_SOURCES[name])  # so the notebook's reference list includes them
    return LiveWithStaticFace(build(), deferred_face(lambda: static_face(name)), title)
