"""Interactive faces of the clinical calculators (ipywidgets).

Each builder returns a :class:`CalculatorBox` (an ``ipywidgets.VBox``) with:

- ``box.controls``: a dict of the input widgets, keyed by argument name
  (for example ``box.controls["pain"]``);
- ``box.result``: the ``ipywidgets.HTML`` that shows the result;
- ``box.update()``: recompute now (the controls call it on every change).

Callbacks call the same pure functions the tests call
(:mod:`helpers.calculators`) and turn an :class:`~helpers.errors.InputError`
into a one-line warning in the result area. The HTML is built by the pure
``render_*`` functions below, which also serve static pages.
"""

from __future__ import annotations

import html
from typing import Callable

import ipywidgets as widgets

from helpers import calculators as calc
from helpers.controls import LABEL_STYLE, TOGGLE_STYLE, fit
from helpers.errors import InputError
from helpers.explorer import message_html

__all__ = [
    "CalculatorBox", "SOURCE_CITATIONS",
    "sins_widget", "escc_widget", "noms_widget", "anc_widget", "ctcae_widget",
    "hypertension_widget", "bed_widget", "bsa_widget",
    "render_error", "render_sins_result", "render_escc_result", "render_noms_result",
    "render_anc_result", "render_ctcae_result", "render_hypertension_result",
    "render_bed_result", "render_bsa_result",
]

#: Short citations shown under each result; full entries live in data/sources.csv.
SOURCE_CITATIONS: dict[str, str] = {
    "fisher2010_sins": "Fisher CG et al., Spine 2010 (SINS)",
    "fourney2011_sins_validation": "Fourney DR et al., J Clin Oncol 2011 (SINS validation)",
    "bilsky2010_escc": "Bilsky MH et al., J Neurosurg Spine 2010 (ESCC scale)",
    "laufer2013_noms": "Laufer I et al., Oncologist 2013 (NOMS framework)",
    "nci_ctcae_v5": "NCI, CTCAE version 5.0, 2017",
    "taplitz2018_asco_idsa": "Taplitz RA et al., J Clin Oncol 2018 (ASCO/IDSA)",
    "freifeld2011_idsa": "Freifeld AG et al., Clin Infect Dis 2011 (IDSA febrile neutropenia)",
    "fowler1989_lq": "Fowler JF, Br J Radiol 1989 (linear-quadratic model)",
    "mosteller1987_bsa": "Mosteller RD, N Engl J Med 1987 (BSA)",
    "dubois1916_bsa": "DuBois D, DuBois EF, Arch Intern Med 1916 (BSA)",
    "kirkpatrick2010_quantec_cord": "Kirkpatrick JP et al., IJROBP 2010 (QUANTEC spinal cord)",
}

_STYLE = LABEL_STYLE


# --------------------------------------------------------------------------
# Pure HTML rendering
# --------------------------------------------------------------------------

def _e(text: object) -> str:
    return html.escape(str(text))


def _sources(source_ids: str) -> str:
    names = "; ".join(SOURCE_CITATIONS.get(s, s) for s in source_ids.split(";"))
    return f'<p style="font-size:0.9em;margin:0.4em 0 0">Source: {_e(names)}.</p>'


def _card(headline: str, body: str, source_ids: str) -> str:
    """A result card: bold headline (plain text), body HTML, source line."""
    return (
        '<div role="status" aria-live="polite" '
        'style="border-left:4px solid #4d4d4d;padding:0.4em 0.8em;margin-top:0.4em">'
        f'<p style="margin:0 0 0.3em"><strong>{_e(headline)}</strong></p>'
        f"{body}{_sources(source_ids)}</div>"
    )


def _p(text: str) -> str:
    return f'<p style="margin:0.2em 0">{_e(text)}</p>'


def render_error(message: str) -> str:
    """One-line warning for a rejected input: the collection's "Check the input:" box."""
    return message_html(message, "warning")


def render_sins_result(result: calc.SinsResult) -> str:
    """HTML for a :class:`~helpers.calculators.SinsResult`: total, category, points, advice."""
    rows = "".join(
        f"<tr><td>{_e(c.replace('_', ' '))}</td><td style='text-align:right'>{p}</td></tr>"
        for c, p in result.points.items()
    )
    table = (
        '<table style="border-collapse:collapse;margin:0.3em 0"><caption style="text-align:left">'
        "Points by component</caption><thead><tr><th scope='col' style='text-align:left'>Component</th>"
        f"<th scope='col'>Points</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    consult = (
        "Surgical consultation: yes (SINS 7 or more)."
        if result.surgical_consultation
        else "Surgical consultation: not needed for stability (SINS 0–6)."
    )
    return _card(
        f"SINS total {result.total} out of 18: {result.category}",
        table + _p(consult),
        result.source_ids,
    )


def render_escc_result(assessment: calc.EsccAssessment) -> str:
    """HTML for an :class:`~helpers.calculators.EsccAssessment`."""
    return _card(
        f"ESCC grade {assessment.grade}: {assessment.category} grade",
        _p(f"Definition: {assessment.definition}") + _p(f"Why: {assessment.reason}"),
        assessment.source_ids,
    )


def render_noms_result(result: calc.NomsResult) -> str:
    """HTML for a :class:`~helpers.calculators.NomsResult`: pathway, ordered steps, reasoning, caveat."""
    steps = "".join(f"<li>{_e(s)}</li>" for s in result.steps)
    reasons = "".join(f"<li>{_e(r)}</li>" for r in result.reasoning)
    flag = (
        _p("Team judgement needed: ESCC grade 1c is borderline; surgery is an alternative to radiation first.")
        if result.needs_team_judgement else ""
    )
    body = (
        f'<p style="margin:0.2em 0">Steps, in order:</p><ol style="margin:0.2em 0">{steps}</ol>'
        f'<p style="margin:0.2em 0">Why, axis by axis:</p><ul style="margin:0.2em 0">{reasons}</ul>'
        f"{flag}{_p(result.caveat)}"
    )
    return _card(f"Illustrative NOMS pathway: {result.pathway}", body, result.source_ids)


_SEVERITY_MEANING = {
    "none": "No neutropenia: the ANC is 1500/µL or more.",
    "mild": "Mild neutropenia (1000 to under 1500/µL): infection risk starts to rise.",
    "moderate": "Moderate neutropenia (500 to under 1000/µL): infection risk is higher; watch for fever.",
    "severe": "Severe neutropenia (under 500/µL): the highest risk of serious infection.",
}


def render_anc_result(anc_cells_per_ul: float) -> str:
    """HTML for an ANC in cells/µL with its severity and the febrile-neutropenia rule."""
    severity = calc.neutropenia_severity(anc_cells_per_ul)
    body = (
        _p(f"ANC {anc_cells_per_ul:,.0f} cells/µL (= {anc_cells_per_ul / 1000:.2f} ×10³/µL).")
        + _p(_SEVERITY_MEANING[severity])
        + _p("Fever with neutropenia (a single temperature of 38.3 °C or more, or 38.0 °C or more "
             "for over an hour, with ANC under 500/µL or expected to fall below 500) is an emergency: "
             "report it at once. Thresholds for neutropenic precautions vary between institutions.")
    )
    return _card(f"ANC {anc_cells_per_ul:,.0f} cells/µL: {severity} neutropenia"
                 if severity != "none" else f"ANC {anc_cells_per_ul:,.0f} cells/µL: no neutropenia",
                 body, calc.CALCULATOR_SOURCES["anc"])


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
    body = _p(_GRADE_MEANING[grade]) + _p(
        f"Lower limit of normal used: {lln:g} {unit}. Each laboratory sets its own; the default is an example."
    )
    if term == "anemia":
        body += _p("Anaemia grade 4 (life-threatening) is a clinical judgement and is never derived from the number.")
    return _card(f"CTCAE v5.0 {label}: grade {grade} ({value:g} {unit})", body, calc.CALCULATOR_SOURCES["ctcae"])


def render_hypertension_result(systolic: float, diastolic: float, grade: int) -> str:
    """HTML for a CTCAE v5.0 hypertension grade from blood pressure alone."""
    body = _p(f"Blood pressure {systolic:g}/{diastolic:g} mm Hg: the higher of the systolic and diastolic grades counts.")
    body += _p(calc.HYPERTENSION_LIMITS_NOTE)
    return _card(f"CTCAE v5.0 hypertension (adult), from the numbers alone: grade {grade}",
                 body, calc.CALCULATOR_SOURCES["hypertension"])


def render_bed_result(total_dose_gy: float, fractions: int, alpha_beta_gy: float,
                      bed_gy: float, eqd2_gy: float) -> str:
    """HTML for BED and EQD2 of a schedule, with the LQ-model caveat for large fractions."""
    per_fraction = total_dose_gy / fractions
    body = _p(f"{total_dose_gy:g} Gy in {fractions} fraction{'s' if fractions != 1 else ''} "
              f"({per_fraction:.2f} Gy per fraction), α/β = {alpha_beta_gy:g} Gy.")
    body += _p(f"EQD2 {eqd2_gy:.1f} Gy: the total dose in 2-Gy fractions with the same biological effect.")
    if per_fraction > 8:
        body += _p("Over 8 Gy per fraction the linear-quadratic model is less reliable: treat these values as nominal.")
    return _card(f"BED {bed_gy:.1f} Gy, EQD2 {eqd2_gy:.1f} Gy (α/β {alpha_beta_gy:g} Gy)",
                 body, calc.CALCULATOR_SOURCES["bed"])


def render_bsa_result(height_cm: float, weight_kg: float, mosteller_m2: float, dubois_m2: float) -> str:
    """HTML for body surface area by Mosteller and DuBois."""
    body = _p(f"Height {height_cm:g} cm, weight {weight_kg:g} kg.")
    body += _p(f"Mosteller {mosteller_m2:.2f} m²; DuBois {dubois_m2:.2f} m². "
               "The two formulas give slightly different values: use the one your protocol names.")
    return _card(f"BSA {mosteller_m2:.2f} m² (Mosteller)", body, calc.CALCULATOR_SOURCES["bsa"])


# --------------------------------------------------------------------------
# Widget plumbing
# --------------------------------------------------------------------------

class CalculatorBox(widgets.VBox):
    """A VBox holding a calculator's controls and its result.

    ``controls`` maps argument names to input widgets, ``result`` is the HTML
    result area, and ``update()`` recomputes it from the controls.
    """

    def __init__(self, title: str, controls: dict[str, widgets.Widget],
                 compute: Callable[[dict], str], notes: str = "") -> None:
        self.controls = controls
        self.result = widgets.HTML()
        self._compute = compute
        children: list[widgets.Widget] = [widgets.HTML(f"<p><strong>{_e(title)}</strong></p>")]
        children += list(controls.values())
        if notes:
            children.append(widgets.HTML(notes))
        children.append(self.result)
        super().__init__(children=children)
        for control in controls.values():
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Recompute the result; an InputError becomes a one-line warning."""
        values = {name: control.value for name, control in self.controls.items()}
        try:
            self.result.value = self._compute(values)
        except InputError as exc:
            self.result.value = render_error(str(exc))


def _dropdown(description: str, options: list[tuple[str, object]], value: object) -> widgets.Dropdown:
    return widgets.Dropdown(options=options, value=value, description=description, style=_STYLE, layout=fit())


def _float(description: str, value: float) -> widgets.FloatText:
    return widgets.FloatText(value=value, description=description, style=_STYLE, layout=fit())


def _int(description: str, value: int) -> widgets.IntText:
    return widgets.IntText(value=value, description=description, style=_STYLE, layout=fit())


# --------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------

def _points(n: int) -> str:
    """'1 point', '0 points', '3 points'."""
    return f"{n} point" if n == 1 else f"{n} points"


def sins_widget() -> CalculatorBox:
    """SINS calculator. Controls: location, pain, bone_lesion, alignment, collapse, posterolateral."""
    table = calc.sins_reference()
    controls: dict[str, widgets.Widget] = {
        "location": widgets.Combobox(
            value="T12",
            options=["junctional", "mobile", "semirigid", "rigid", "occiput"]
            + [f"{r}{i}" for r, n in (("C", 7), ("T", 12), ("L", 5), ("S", 5)) for i in range(1, n + 1)],
            description="Location (region, or level such as T12)",
            placeholder="e.g. T12 or junctional",
            ensure_option=False, continuous_update=False, style=_STYLE, layout=fit(),
        ),
    }
    labels = {"pain": "Pain", "bone_lesion": "Bone lesion", "alignment": "Spinal alignment (X-ray/CT)",
              "collapse": "Vertebral body collapse", "posterolateral": "Posterolateral involvement"}
    for component, label in labels.items():
        rows = table[table["component"] == component]
        options = [(f"{r.finding} ({_points(r.points)})", r.argument_value) for r in rows.itertuples()]
        controls[component] = _dropdown(label, options, options[-1][1])

    def compute(v: dict) -> str:
        return render_sins_result(calc.sins(**v))

    return CalculatorBox("Spinal Instability Neoplastic Score (SINS)", controls, compute)


def escc_widget() -> CalculatorBox:
    """ESCC (Bilsky) grade explainer. Control: grade."""
    options = [(f"{r.grade}: {r.definition}", r.grade) for r in calc.escc_reference().itertuples()]
    controls = {"grade": _dropdown("ESCC grade (axial T2 MRI, worst level)", options, "1b")}
    return CalculatorBox("Epidural spinal cord compression (ESCC) scale", controls,
                         lambda v: render_escc_result(calc.escc_assessment(v["grade"])))


def noms_widget() -> CalculatorBox:
    """NOMS teaching illustration. Controls: escc_grade, radiosensitivity, sins_total, fit_for_surgery."""
    grades = [(f"{r.grade} ({r.category})", r.grade) for r in calc.escc_reference().itertuples()]
    controls: dict[str, widgets.Widget] = {
        "escc_grade": _dropdown("N: ESCC grade", grades, "2"),
        "radiosensitivity": _dropdown("O: tumour response to conventional radiotherapy", [
            ("Sensitive (e.g. lymphoma, myeloma, seminoma)", "sensitive"),
            ("Moderately sensitive (e.g. breast, prostate)", "moderate"),
            ("Resistant (e.g. renal cell, melanoma, thyroid, colorectal)", "resistant"),
        ], "resistant"),
        "sins_total": _int("M: SINS total (0–18)", 5),
        "fit_for_surgery": widgets.Checkbox(value=True, description="S: able to tolerate open surgery",
                                            indent=False, style=_STYLE),
    }

    def compute(v: dict) -> str:
        return render_noms_result(
            calc.noms_pathway(v["escc_grade"], v["radiosensitivity"], v["sins_total"], v["fit_for_surgery"])
        )

    return CalculatorBox("NOMS framework: an illustrative pathway", controls, compute)


def anc_widget() -> CalculatorBox:
    """ANC calculator. Controls: wbc, wbc_unit, segs_pct, bands_pct."""
    controls: dict[str, widgets.Widget] = {
        "wbc": _float("White blood cell count", 4500.0),
        "wbc_unit": widgets.ToggleButtons(
            options=[("cells/µL (e.g. 4500)", "cells/uL"), ("×10³/µL = ×10⁹/L (e.g. 4.5)", "10^3/uL")],
            value="cells/uL", description="Unit of the white count", style=TOGGLE_STYLE, layout=fit(),
        ),
        "segs_pct": _float("Segmented neutrophils (%)", 50.0),
        "bands_pct": _float("Band neutrophils (%)", 5.0),
    }

    def compute(v: dict) -> str:
        value = calc.anc(v["wbc"], v["segs_pct"], v["bands_pct"], wbc_unit=v["wbc_unit"])
        return render_anc_result(value)

    return CalculatorBox("Absolute neutrophil count (ANC)", controls, compute,
                         notes="<p>ANC = white count × (segmented % + band %) / 100.</p>")


def ctcae_widget() -> CalculatorBox:
    """CTCAE v5.0 laboratory grade. Controls: term, value, lln (resets to the example LLN when the term changes)."""
    options = [(f"{t.replace('_', ' ').capitalize()} ({calc.CTCAE_UNITS[t]})", t) for t in calc.CTCAE_TERMS]
    first = calc.CTCAE_TERMS[0]
    controls: dict[str, widgets.Widget] = {
        "term": _dropdown("Adverse event term", options, first),
        "value": _float(f"Value ({calc.CTCAE_UNITS[first]})", 1200.0),
        "lln": _float(f"Lower limit of normal ({calc.CTCAE_UNITS[first]}; lab-specific)", calc.CTCAE_DEFAULT_LLN[first]),
    }
    examples = dict(zip(calc.CTCAE_TERMS, (1200.0, 60000.0, 2500.0, 9.2)))

    def compute(v: dict) -> str:
        grade = calc.ctcae_grade(v["term"], v["value"], lln=v["lln"])
        return render_ctcae_result(v["term"], v["value"], grade, v["lln"])

    box = CalculatorBox("CTCAE v5.0 laboratory grade", controls, compute)

    def on_term(change: dict) -> None:
        term = change["new"]
        unit = calc.CTCAE_UNITS[term]
        controls["value"].description = f"Value ({unit})"
        controls["lln"].description = f"Lower limit of normal ({unit}; lab-specific)"
        controls["lln"].value = calc.CTCAE_DEFAULT_LLN[term]
        controls["value"].value = examples[term]
        box.update()

    controls["term"].observe(on_term, names="value")
    return box


def hypertension_widget() -> CalculatorBox:
    """CTCAE v5.0 adult hypertension grade from blood pressure. Controls: systolic, diastolic."""
    controls: dict[str, widgets.Widget] = {
        "systolic": _int("Systolic (mm Hg)", 128),
        "diastolic": _int("Diastolic (mm Hg)", 78),
    }
    notes = f"<p><em>What the numbers cannot capture:</em> {_e(calc.HYPERTENSION_LIMITS_NOTE)}</p>"

    def compute(v: dict) -> str:
        grade = calc.ctcae_hypertension_grade(v["systolic"], v["diastolic"])
        return render_hypertension_result(v["systolic"], v["diastolic"], grade)

    return CalculatorBox("CTCAE v5.0 hypertension (adult)", controls, compute, notes=notes)


def bed_widget() -> CalculatorBox:
    """BED/EQD2 calculator. Controls: total_dose_gy, fractions, alpha_beta_gy."""
    controls: dict[str, widgets.Widget] = {
        "total_dose_gy": _float("Total dose (Gy)", 8.0),
        "fractions": _int("Number of fractions", 1),
        "alpha_beta_gy": _float("α/β (Gy)", 10.0),
    }
    notes = ("<p>Which α/β? 10 Gy for tumour and fast-reacting tissue; 2 Gy for spinal cord "
             "(0.87 Gy is the QUANTEC estimate). Enter the dose in Gy, not cGy.</p>")

    def compute(v: dict) -> str:
        d, n, ab = v["total_dose_gy"], v["fractions"], v["alpha_beta_gy"]
        return render_bed_result(d, n, ab, calc.bed(d, n, ab), calc.eqd2(d, n, ab))

    return CalculatorBox("Biologically effective dose (BED) and EQD2", controls, compute, notes=notes)


def bsa_widget() -> CalculatorBox:
    """Body surface area. Controls: height_cm, weight_kg."""
    controls: dict[str, widgets.Widget] = {
        "height_cm": _float("Height (cm)", 170.0),
        "weight_kg": _float("Weight (kg)", 70.0),
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


_UNIT_SUFFIXES = (
    ("_cells_per_ul", " (cells/µL)"), ("_gy", " (Gy)"), ("_pct", " (%)"), ("_m2", " (m²)"),
    ("_cm", " (cm)"), ("_kg", " (kg)"),
)


def readable(frame):
    """A calculator table for students: plain column names with units, rounded numbers."""
    import pandas as pd

    def column(name: str) -> str:
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

    def cell(value):
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"
        if isinstance(value, str):
            return value.replace("_", " ")
        return value

    out = frame.copy()
    for name in out.columns:
        out[name] = [cell(v) for v in out[name]]
    out.columns = [column(c) for c in out.columns]
    return pd.DataFrame(out)


def static_face(name: str) -> str:
    """What a reader without a kernel sees instead of the calculator.

    The scale's reference table (where the calculator has one) and worked
    examples computed by the same functions, with the sources named.
    """
    from helpers.tables import styled

    _widget, title, reference = _BUILDERS[name]
    parts = [
        f"<p><strong>{_e(title)}</strong>: on a static page the calculator cannot run, "
        "so here are its reference table and worked examples. Open the notebook live to try your own values.</p>"
    ]
    if reference is not None:
        parts.append(styled(reference(), f"{title}: reference table")._repr_html_())
    if name == "ctcae":
        for term in calc.CTCAE_TERMS:
            parts.append(styled(calc.ctcae_reference(term), f"CTCAE v5.0 reference: {term.replace('_', ' ')}")._repr_html_())
    parts.append(styled(readable(calc.worked_examples(name)), f"{title}: worked examples")._repr_html_())
    parts.append(_sources(calc.CALCULATOR_SOURCES[name]))
    return "\n".join(parts)


def calculator(name: str):
    """A calculator for a notebook: live in JupyterLab, reference tables on nbviewer.

    ``name`` is one of sins, escc, noms, anc, ctcae, hypertension, bed, bsa.
    """
    if name not in _BUILDERS:
        raise InputError(f"unknown calculator {name!r}; choose from {', '.join(_BUILDERS)}")
    from helpers.explorer import LiveWithStaticFace
    from helpers.lesson import cite

    build, title, _reference = _BUILDERS[name]
    cite(calc.CALCULATOR_SOURCES[name])  # so the notebook's reference list includes them
    return LiveWithStaticFace(build(), static_face(name), title)
