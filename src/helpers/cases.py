"""Case studies: synthetic patients followed through several treatments.

Used by ``08_case_studies``.  Every fact shown comes from the case tables in
``data/`` (``cases``, ``case_stages``, ``case_treatments``,
``case_assessments``, ``case_observations``) and is cited as it is shown
(:func:`helpers.lesson.cite_rows`).  The SINS, ESCC, NOMS and CTCAE v5.0
hypertension results are never stored: they are calculated here from the
stored findings by :mod:`helpers.calculators`, so a score and the data behind
it cannot disagree.

Pure builders return tables, figures and small HTML views; the case explorer
(:func:`case_explorer`) is a thin :class:`~helpers.explorer.Explorer` around
:func:`stage_view`, with every case and stage as its static face.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

import pandas as pd
import plotly.graph_objects as go

from helpers import calculators as calc
from helpers import data
from helpers.errors import DataError, InputError
from helpers.lesson import cite, cite_rows
from helpers.plotting import MODALITY_COLOURS, MODALITY_ORDER, MODALITY_SYMBOLS, figure
from helpers.render import Html, escaped_figure, macro, plotly_wrap
from helpers.tables import styled

#: The stages every case walks through, in order (the enum of case_stages.stage).
STAGES = ("presentation", "assessment", "decision", "treatment", "follow_up")
STAGE_LABELS = {
    "presentation": "Presentation",
    "assessment": "Assessment",
    "decision": "Decision",
    "treatment": "Treatment",
    "follow_up": "After-care and follow-up",
}
#: Readable labels for case_treatments.role.
ROLE_LABELS = {
    "curative_or_local_control": "Cure or local control",
    "local_control": "Local control (palliative intent)",
    "systemic_control": "Controls the cancer throughout the body",
    "adjuvant": "Adjuvant (after the main treatment)",
    "palliative": "Palliative (relieves symptoms, protects function)",
    "stabilising": "Stabilises the spine",
    "preparatory": "Prepares for the next treatment",
    "supportive": "Supportive: protects the bone, not an anti-cancer drug",
    "diagnostic": "Diagnostic",
}
#: The NOMS inputs a what-if may change, and what each is called on screen.
WHAT_IF_INPUTS = {
    "escc_grade": "N: ESCC grade",
    "radiosensitivity": "O: response to conventional radiation",
    "stability": "M: stability",
    "fit_for_surgery": "S: fit for surgery",
}




def _items(text: str) -> list[str]:
    """Split a ';'-separated list from the data into its items."""
    return [item.strip() for item in str(text).split(";") if item.strip()]


# -- loading and checking ------------------------------------------------------

def cases() -> pd.DataFrame:
    """The synthetic cases, in lesson order."""
    return data.load("cases").sort_values("sequence").reset_index(drop=True)


def case_ids() -> list[str]:
    return cases()["id"].astype(str).tolist()


def _check_case(case_id: Any) -> str:
    valid = case_ids()
    if case_id not in valid:
        raise InputError(f"unknown case {case_id!r}; choose from {', '.join(valid)}")
    return case_id


def _check_stage(stage: Any) -> str:
    if stage not in STAGES:
        raise InputError(f"unknown stage {stage!r}; choose from {', '.join(STAGES)}")
    return stage


def _case(case_id: str) -> pd.Series:
    frame = cases()
    return frame[frame["id"] == _check_case(case_id)].iloc[0]


def case_label(case_id: str) -> str:
    """Short label such as 'Case 1: Amira, 54'."""
    row = _case(case_id)
    return f"Case {int(row['sequence'])}: {row['pseudonym']}, {int(row['age'])}"


def case_choices() -> list[tuple[str, str]]:
    """(label, id) pairs for a dropdown, in lesson order."""
    return [(f"{case_label(cid)} – {title}", cid) for cid, title in zip(cases()["id"], cases()["title"])]


def stages(case_id: str) -> pd.DataFrame:
    """The five stages of a case, in order, with every column of case_stages."""
    _check_case(case_id)
    table = data.load("case_stages")
    rows = table[table["case_id"] == case_id].copy()
    rows["_order"] = [STAGES.index(s) for s in rows["stage"]]
    return rows.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def stage_row(case_id: str, stage: str) -> pd.Series:
    _check_stage(stage)
    rows = stages(case_id)
    match = rows[rows["stage"] == stage]
    if match.empty:
        raise InputError(f"case {case_id!r} has no {stage!r} stage in data/case_stages.csv")
    return match.iloc[0]


def treatments(case_id: str | None = None) -> pd.DataFrame:
    """Treatments of one case (or of all cases), in order.

    Columns of case_treatments plus ``modality_name``, ``case_sequence`` and
    ``role_label``.
    """
    table = data.load("case_treatments").copy()
    if case_id is not None:
        table = table[table["case_id"] == _check_case(case_id)]
    names = dict(zip(data.load("modalities")["id"], data.load("modalities")["name"]))
    order = {cid: i for i, cid in enumerate(case_ids())}
    table["modality_name"] = [names[m] for m in table["modality_id"]]
    table["case_sequence"] = [order[c] + 1 for c in table["case_id"]]
    table["role_label"] = [ROLE_LABELS[str(r)] for r in table["role"]]
    return table.sort_values(["case_sequence", "sequence"]).reset_index(drop=True)


def modalities_used() -> dict[str, list[str]]:
    """For each case, the modalities its plan uses, in order of first use."""
    plan = treatments()
    return {cid: list(dict.fromkeys(plan.loc[plan["case_id"] == cid, "modality_id"])) for cid in case_ids()}


# -- scores calculated from the stored findings ---------------------------------

def assessment_inputs(case_id: str, stage: str = "assessment") -> dict[str, Any]:
    """The stored findings of a case at a stage, named as the calculators' arguments.

    Keys: ``location`` (vertebral level), ``pain``, ``bone_lesion``,
    ``alignment``, ``collapse``, ``posterolateral`` (SINS), ``escc_grade``,
    ``radiosensitivity``, ``performance_status`` (ECOG, Oken 1982),
    ``fit_for_surgery`` (NOMS), plus ``histology`` and ``source_ids``.
    """
    _check_case(case_id)
    _check_stage(stage)
    table = data.load("case_assessments")
    match = table[(table["case_id"] == case_id) & (table["stage"] == stage)]
    if match.empty:
        where = assessment_stages(case_id)
        allowed = f"stages with findings: {', '.join(where)}" if where else "this case has no findings to score"
        raise InputError(f"case {case_id!r} has no findings at the {stage!r} stage; {allowed}")
    row = match.iloc[0]
    return {
        "location": str(row["spinal_level"]),
        "pain": str(row["sins_pain"]),
        "bone_lesion": str(row["sins_bone_lesion"]),
        "alignment": str(row["sins_alignment"]),
        "collapse": str(row["sins_collapse"]),
        "posterolateral": str(row["sins_posterolateral"]),
        "escc_grade": str(row["escc_grade"]),
        "radiosensitivity": str(row["radiosensitivity"]),
        "performance_status": int(row["ecog_performance_status"]),
        "fit_for_surgery": bool(row["fit_for_surgery"]),
        "histology": str(row["histology"]),
        "source_ids": str(row["source_ids"]),
    }


def assessment_stages(case_id: str) -> list[str]:
    """The stages at which a case has findings to score, in stage order."""
    table = data.load("case_assessments")
    found = set(table.loc[table["case_id"] == _check_case(case_id), "stage"].astype(str))
    return [s for s in STAGES if s in found]


@dataclass(frozen=True)
class CaseScores:
    """SINS, ESCC and NOMS for a case at one stage, calculated from its findings."""

    case_id: str
    stage: str
    level: str
    histology: str
    sins: calc.SinsResult
    escc: calc.EsccAssessment
    noms: calc.NomsResult
    source_ids: str


def scores(case_id: str, stage: str = "assessment") -> CaseScores:
    """Calculate SINS, ESCC and NOMS from the case's stored findings at ``stage``."""
    found = assessment_inputs(case_id, stage)
    sins = calc.sins(found["location"], found["pain"], found["bone_lesion"], found["alignment"],
                     found["collapse"], found["posterolateral"])
    escc = calc.escc_assessment(found["escc_grade"])
    noms = calc.noms_pathway(found["escc_grade"], found["radiosensitivity"], sins, found["fit_for_surgery"],
                             performance_status=found["performance_status"])
    return CaseScores(case_id, stage, found["location"], found["histology"], sins, escc, noms, found["source_ids"])


@dataclass(frozen=True)
class Observation:
    """Blood pressure and urine readings at one stage, with the CTCAE v5.0 grade calculated."""

    case_id: str
    stage: str
    systolic_mm_hg: int
    diastolic_mm_hg: int
    urine_protein_dipstick: str
    hypertension_grade: int
    source_ids: str


def observations(case_id: str) -> list[Observation]:
    """Readings of a case, in stage order, each with its CTCAE v5.0 hypertension grade."""
    table = data.load("case_observations")
    rows = table[table["case_id"] == _check_case(case_id)]
    out = []
    for row in rows.itertuples(index=False):
        grade = calc.ctcae_hypertension_grade(int(row.systolic_mm_hg), int(row.diastolic_mm_hg))
        out.append(Observation(case_id, str(row.stage), int(row.systolic_mm_hg), int(row.diastolic_mm_hg),
                               str(row.urine_protein_dipstick), grade, str(row.source_ids)))
    return sorted(out, key=lambda o: STAGES.index(o.stage))


# -- HTML pieces (markup: templates/cases.html.j2) -------------------------------

def _view(name: str, *args: Any) -> str:
    return str(macro("cases.html.j2", name, *args))


def _scores_html(result: CaseScores) -> str:
    cite(result.source_ids)
    cite(result.sins.source_ids)
    cite(result.noms.source_ids)
    return _view("scores", result, STAGE_LABELS[result.stage].lower())


def _observation_html(obs: Observation) -> str:
    cite(obs.source_ids)
    return _view("observation", obs, STAGE_LABELS[obs.stage].lower(), calc.HYPERTENSION_LIMITS_NOTE)


def _stage(row: Any) -> dict[str, Any]:
    """One stage row (Series or named tuple) as the templates read it."""
    get = row.get if isinstance(row, pd.Series) else lambda k: getattr(row, k)
    return {
        "label": STAGE_LABELS[str(get("stage"))],
        "time_point": get("time_point"),
        "situation": get("situation"),
        "decision": get("decision"),
        "reasoning": get("reasoning"),
        "nursing_priorities": _items(get("nursing_priorities")),
        "patient_teaching": get("patient_teaching"),
        "red_flags": _items(get("red_flags")),
        "source_ids": str(get("source_ids")),
    }


def stage_view(case: str, stage: str) -> str:
    """What the case explorer shows for one case at one stage (HTML).

    The stage's story, decision and reasoning, nursing priorities, teaching
    and red flags; at a stage with findings, the scores calculated from them.
    """
    row = stage_row(case, stage)
    cite_rows(pd.DataFrame([row]))
    extras = []
    if stage in assessment_stages(case):
        extras.append(Markup(_scores_html(scores(case, stage))))
    extras.extend(Markup(_observation_html(o)) for o in observations(case) if o.stage == stage)
    return _view("stage_view", case_label(case), _case(case)["title"], _stage(row), extras)


def case_summary(case_id: str) -> Html:
    """Who the patient is, the problem, the overall goal and the treatments in order."""
    row = _case(case_id)
    cite(row["source_ids"])
    plan = cite_rows(treatments(case_id))
    steps = [
        f"{t.label} ({t.modality_name.lower()}"
        f"{'; ' + t.role_label.lower() if t.role in ('supportive', 'preparatory') else ''}"
        f"{', only if needed' if t.decision == 'conditional' else ''})"
        for t in plan.itertuples(index=False)
    ]
    markup = _view("summary", case_label(case_id), row.to_dict(), steps)
    text = f"{case_label(case_id)}: {row['title']}\n{row['summary']}\nGoal: {row['overall_goal']}"
    return Html(markup, text)


def case_journey(case_id: str) -> Html:
    """The whole case stage by stage: what happens, the decision and why, nursing, teaching, red flags."""
    rows = cite_rows(stages(case_id))
    caption = f"{case_label(case_id)}: the case stage by stage (synthetic case)"
    markup = _view("journey", caption, [_stage(r) for r in rows.itertuples(index=False)])
    text = "\n".join(f"{STAGE_LABELS[r.stage]}: {r.decision}" for r in rows.itertuples(index=False))
    return Html(markup, f"{case_label(case_id)}, stage by stage\n{text}")


def case_scores(case_id: str) -> Html:
    """SINS, ESCC and NOMS calculated from the case's findings, with the reasoning shown.

    For a case where the tools do not apply (a tumour inside the spinal cord),
    the case's note says why and what guides the team instead.
    """
    row = _case(case_id)
    found = assessment_stages(case_id)
    cite(row["source_ids"])
    parts = []
    texts = [str(row["scales_note"])]
    readings = observations(case_id)
    for stage in STAGES:
        if stage in found:
            result = scores(case_id, stage)
            parts.append(Markup(_scores_html(result)))
            texts.append(f"{STAGE_LABELS[stage]}: SINS {result.sins.total} ({result.sins.category}); "
                         f"ESCC {result.escc.grade} ({result.escc.category}); NOMS: {result.noms.pathway}")
        for obs in (o for o in readings if o.stage == stage):
            parts.append(Markup(_observation_html(obs)))
            texts.append(f"{STAGE_LABELS[obs.stage]}: BP {obs.systolic_mm_hg}/{obs.diastolic_mm_hg} mm Hg, "
                         f"CTCAE v5.0 hypertension grade {obs.hypertension_grade}")
    markup = _view("case_scores", row["scales_note"], str(row["source_ids"]), parts)
    return Html(markup, "\n".join(texts))


def reflection_question(case_stage: str) -> str:
    """The reflection question of one stage, named ``"case_id:stage"`` (as instructor notes refer to it).

    Raises :class:`DataError` in one line when the case or the stage does not exist.
    """
    case_id, _sep, stage = str(case_stage).partition(":")
    if case_id not in case_ids() or stage not in STAGES:
        raise DataError(f"case stage {case_stage!r} is not a stage of data/case_stages.csv; write case_id:stage with a "
                        f"case id ({', '.join(case_ids())}) and a stage ({', '.join(STAGES)})")
    rows = stages(case_id)
    return str(rows[rows["stage"] == stage].iloc[0]["reflection_question"])


def reflection_questions(case_id: str) -> Html:
    """The case's reflection questions, one per stage (suggested answers are for instructors)."""
    rows = cite_rows(stages(case_id))
    items = [(STAGE_LABELS[r.stage], r.reflection_question) for r in rows.itertuples(index=False)]
    text = "\n".join(f"{i}. {r.reflection_question}" for i, r in enumerate(rows.itertuples(index=False), start=1))
    return Html(_view("reflection", case_label(case_id), items), text)


# -- the whole set of cases ------------------------------------------------------

def all_cases_html() -> str:
    """Every case and every stage in one table: what is happening and the decision (the explorer's static face).

    The nursing priorities, teaching, red flags and scores of every stage are
    in each case's own section of the notebook (:func:`case_journey`,
    :func:`case_scores`), so they are not repeated here.
    """
    groups = []
    for cid in case_ids():
        rows = cite_rows(stages(cid))
        groups.append({"label": case_label(cid), "title": _case(cid)["title"],
                       "stages": [_stage(r) for r in rows.itertuples(index=False)]})
    return _view("all_cases", groups)


def case_explorer():
    """Choose a case and a stage; see what happens, the decision and why, nursing priorities and teaching."""
    import ipywidgets as widgets
    from helpers.controls import fit

    from helpers.explorer import Explorer, deferred_face

    choices = case_choices()
    case = widgets.Dropdown(options=choices, value=choices[0][1], description="Case",
                            style={"description_width": "initial"}, layout=fit())
    stage = widgets.Dropdown(options=[(STAGE_LABELS[s], s) for s in STAGES], value=STAGES[0],
                             description="Stage", style={"description_width": "initial"})
    return Explorer({"case": case, "stage": stage}, stage_view, static_face=deferred_face(all_cases_html),
                    title="Case explorer")


def comparison_table():
    """The cases side by side: patient, diagnosis, treatments in order, goal, key nursing priorities."""
    frame = cite_rows(cases())
    plan = cite_rows(treatments())
    rows = []
    for row in frame.itertuples(index=False):
        steps = plan[plan["case_id"] == row.id]
        rows.append({
            "Case": f"{int(row.sequence)}: {row.pseudonym}, {int(row.age)}",
            "Diagnosis and site": f"{row.diagnosis}. {row.spinal_site}.",
            "Treatments, in order": "; ".join(
                f"{t.modality_name}: {t.label}{' (if needed)' if t.decision == 'conditional' else ''}"
                for t in steps.itertuples(index=False)),
            "Overall goal": row.overall_goal,
            "Key nursing priorities": row.key_nursing_priorities,
        })
    return styled(pd.DataFrame(rows), "The five synthetic cases compared")


def _wrap(text: str, width: int = 16) -> str:
    """Break a chart label onto short lines at spaces."""
    return plotly_wrap(text, width)


@escaped_figure
def timeline_chart() -> go.Figure:
    """Every case's treatments in order: symbol and colour by modality, open symbol when only if needed."""
    plan = cite_rows(treatments())
    labels = {cid: case_label(cid) for cid in case_ids()}
    names = dict(zip(data.load("modalities")["id"], data.load("modalities")["name"]))
    fig = figure()
    for modality in MODALITY_ORDER:
        rows = plan[plan["modality_id"] == modality]
        if rows.empty:
            continue
        conditional = [d == "conditional" for d in rows["decision"]]
        fig.add_trace(go.Scatter(
            x=rows["sequence"].astype(int).tolist(),
            y=[labels[c] for c in rows["case_id"]],
            mode="markers+text",
            name=names[modality],
            text=[_wrap(f"{label}{' (if needed)' if c else ''}") for label, c in zip(rows["label"], conditional)],
            textposition="top center",
            textfont=dict(size=11),
            marker=dict(
                color=MODALITY_COLOURS[modality],
                symbol=[MODALITY_SYMBOLS[modality] + ("-open" if c else "") for c in conditional],
                size=16,
                line=dict(width=2, color=MODALITY_COLOURS[modality]),
            ),
            # escaped with the rest of the chart text by @escaped_figure
            customdata=[[str(v) for v in (names[modality], r.label, r.role_label, r.rationale)]
                        for r in rows.itertuples(index=False)],
            hovertemplate="%{y}, step %{x}<br>%{customdata[0]}: %{customdata[1]}<br>Role: %{customdata[2]}"
                          "<br>%{customdata[3]}<extra></extra>",
        ))
    order = [labels[c] for c in case_ids()]
    most = int(plan["sequence"].max())
    fig.update_layout(
        title="Each case's treatments, in the order they are given",
        xaxis=dict(title="Treatment step within the case (1 = first)", dtick=1, range=[0.5, most + 0.5]),
        yaxis=dict(title="Case (synthetic patient)", categoryorder="array", categoryarray=list(reversed(order)),
                   range=[-0.5, len(order) - 0.2]),
        # Title above the entries: beside them, it pushed the entries to the right edge.
        legend=dict(title=dict(text="Modality (open symbol = only if needed)", side="top"), orientation="h",
                    x=0, xanchor="left", y=-0.18, yanchor="top"),
        height=660,
        margin=dict(b=150),
    )
    return fig


def red_flags_table() -> Html:
    """Every red flag named in the cases, by case and stage."""
    rows, text = [], []
    for cid in case_ids():
        for row in cite_rows(stages(cid)).itertuples(index=False):
            flags = _items(row.red_flags)
            if flags:
                rows.append({"case": case_label(cid), "stage": STAGE_LABELS[row.stage], "flags": flags})
                text.append(f"{case_label(cid)}, {STAGE_LABELS[row.stage]}: {'; '.join(flags)}")
    caption = "Red flags met in the cases, by case and stage: signs to act on, not to note for the next round"
    return Html(_view("red_flags", caption, rows), caption + "\n" + "\n".join(text))


# -- what if the findings were different? ------------------------------------------

def _contrast(name: str, value: Any) -> Any:
    """A contrasting value for one NOMS input, to see how the pathway changes."""
    if name == "radiosensitivity":
        return "sensitive" if value == "resistant" else "resistant"
    if name == "escc_grade":
        return "0" if calc.escc_category(value) == "high" else "3"
    if name == "fit_for_surgery":
        return not value
    return "stable" if value != "stable" else "unstable"


def what_if(case_id: str, stage: str = "assessment", **changes: Any):
    """The NOMS illustration for a case, then with one input changed at a time.

    Without ``changes``, each of the four NOMS inputs is changed in turn to a
    contrasting value.  With ``changes`` (any of ``escc_grade``,
    ``radiosensitivity``, ``stability``, ``fit_for_surgery``), the case is
    shown as it is and with those changes together.
    """
    unknown = [k for k in changes if k not in WHAT_IF_INPUTS]
    if unknown:
        raise InputError(f"cannot change {unknown[0]!r}; choose from {', '.join(WHAT_IF_INPUTS)}")
    cite(assessment_inputs(case_id, stage)["source_ids"])
    base = dict(what_if_inputs(case_id, stage))
    variants = [("As in the case", {})]
    if changes:
        variants.append(("With your changes", dict(changes)))
    else:
        variants.extend((f"Change {WHAT_IF_INPUTS[k][3:]}", {k: _contrast(k, v)}) for k, v in base.items())
    rows = []
    for label, change in variants:
        inputs = {**base, **change}
        noms = calc.noms_pathway(inputs["escc_grade"], inputs["radiosensitivity"], inputs["stability"],
                                 inputs["fit_for_surgery"])
        cite(noms.source_ids)

        def shown(key: str) -> str:
            value = inputs[key]
            text = ("yes" if value else "no") if key == "fit_for_surgery" else str(value)
            return f"{text} (changed)" if key in change else text

        rows.append({
            "Scenario": label,
            WHAT_IF_INPUTS["escc_grade"]: shown("escc_grade"),
            WHAT_IF_INPUTS["radiosensitivity"]: shown("radiosensitivity"),
            WHAT_IF_INPUTS["stability"]: shown("stability"),
            WHAT_IF_INPUTS["fit_for_surgery"]: shown("fit_for_surgery"),
            "Illustrative pathway": noms.pathway,
        })
    caption = f"What if? The NOMS illustration for {case_label(case_id)} with one finding changed at a time"
    if changes:
        caption = f"What if? The NOMS illustration for {case_label(case_id)} with your changes"
    return styled(pd.DataFrame(rows), caption)


def what_if_inputs(case_id: str, stage: str = "assessment") -> Mapping[str, Any]:
    """The four NOMS inputs of a case as the what-if table starts from them."""
    result = scores(case_id, stage)
    return {"escc_grade": result.escc.grade, "radiosensitivity": result.noms.radiosensitivity,
            "stability": result.sins.category, "fit_for_surgery": result.noms.fit_for_surgery}
