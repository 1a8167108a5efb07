"""Surgery for spinal tumours: situations, open versus minimally invasive, scales.

Pure builders (tables and figures) from three tables in ``data/``:

* ``surgical_situations`` and ``surgical_situation_goals``: six situations in
  which spinal surgery is used (goal, approach, how much tumour is removed,
  what comes next, recovery, nursing priorities) and the goals each serves;
* ``surgical_approach_comparison``: open and minimally invasive surgery
  compared aspect by aspect, with pooled numbers where a cited meta-analysis
  gives them.

Plus one explorer (:func:`situation_explorer`), a decision table read from
``data/noms_rules.csv`` by the shared NOMS calculator for the examples in
``data/noms_examples.csv`` (:func:`noms_decision_table`) and a thin
wrapper that shows a shared calculator and records its sources
(:func:`calculator`).  Every builder records the sources of the rows it shows
(:func:`helpers.lesson.cite_rows`).  Used by ``02_surgery``.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from helpers import calculators as calc
from helpers import data
from helpers.errors import InputError
from helpers.explorer import Explorer, deferred_face
from helpers.lesson import cite_rows
from helpers.render import escaped_figure, macro, plotly_lines, plotly_safe, plotly_wrap
from helpers.plotting import PALETTE, figure, subplots
from helpers.tables import styled

# -- readable labels for the coded columns (the codes are defined in data/README.md)

TUMOUR_GROUP_LABELS = {
    "primary_bone_tumour": "primary bone tumour",
    "primary_spinal_cord_tumour": "primary tumour of the spinal cord",
    "metastatic": "metastatic disease",
    "csf_pathway": "blocked cerebrospinal fluid pathway",
}
TUMOUR_REMOVAL_LABELS = {
    "whole_with_margin": "The whole tumour, in one piece, inside a margin of healthy tissue",
    "complete_if_separable": "All of it, when it separates cleanly from the cord",
    "as_much_as_safe": "Only what can be removed without harming the cord",
    "next_to_cord_only": "Only the tumour against the cord, to make room for radiation",
    "none": "None: the operation does not remove tumour",
}
EVIDENCE_LABELS = {
    "meta_analysis": "Pooled comparative studies (meta-analysis)",
    "review": "Described in reviews",
    "expected": "Expected, not measured",
}
FAVOURS_LABELS = {
    "minimally_invasive": "better with minimally invasive surgery",
    "no_clear_difference": "no clear difference",
    "not_measured": "not measured",
}
# Marker shape AND colour mark each aim, so colour is never the only cue.
AIM_STYLE = {
    "main": dict(label="Main aim", symbol="star", colour=PALETTE[0], size=20),
    "also": dict(label="Also an aim", symbol="circle-open", colour=PALETTE[5], size=15),
}
FAVOURS_STYLE = {
    "minimally_invasive": dict(label="Better with minimally invasive surgery", symbol="diamond", colour=PALETTE[2]),
    "no_clear_difference": dict(label="No clear difference (interval includes no effect)", symbol="circle-open",
                                colour=PALETTE[7]),
}
MINUS = "\u2212"


# --------------------------------------------------------------------------
# Surgical situations
# --------------------------------------------------------------------------

def situations() -> pd.DataFrame:
    """Every surgical situation in display order, with the surgery sub-type's name.

    Columns are those of ``data/surgical_situations.csv`` plus ``subtype_name``.
    """
    rows = data.load("surgical_situations").sort_values("sequence")
    names = data.load("modality_subtypes").set_index("id")["name"].astype(str)
    rows["subtype_name"] = [names[s] for s in rows["subtype_id"].astype(str)]
    return cite_rows(rows.reset_index(drop=True))


def situation_choices() -> list[tuple[str, str]]:
    """(title, id) pairs for a dropdown, in display order."""
    rows = situations()
    return list(zip(rows["situation"].astype(str), rows["id"].astype(str)))


def _situation(situation_id: str) -> pd.Series:
    rows = situations().set_index("id")
    if not isinstance(situation_id, str) or situation_id not in rows.index:
        raise InputError(f"unknown situation {situation_id!r}; choose from {', '.join(rows.index)}")
    return rows.loc[situation_id]


def situation_goals(situation_id: str | None = None) -> pd.DataFrame:
    """Goals served in each situation: situation_id, goal_id, goal (label), aim ("main" or "also").

    Rows follow the situations' display order, then the goals' order in ``goals.csv``.
    """
    links = data.load("surgical_situation_goals")
    goals = data.load("goals").reset_index(drop=True)
    goal_order = {g: i for i, g in enumerate(goals["id"].astype(str))}
    labels = dict(zip(goals["id"].astype(str), goals["label"].astype(str)))
    situation_order = {sid: i for i, (_t, sid) in enumerate(situation_choices())}
    if situation_id is not None:
        _situation(situation_id)
        links = links[links["situation_id"] == situation_id]
    links = links.assign(goal=[labels[g] for g in links["goal_id"].astype(str)])
    links = links.sort_values(
        ["situation_id", "goal_id"],
        key=lambda col: col.map(situation_order if col.name == "situation_id" else goal_order),
    )
    return cite_rows(links.reset_index(drop=True))


def nursing_priorities(situation_id: str) -> list[str]:
    """The nursing priorities of one situation, as a list (the data separates them with '; ')."""
    return [p.strip() for p in str(_situation(situation_id)["nursing_priorities"]).split(";") if p.strip()]


def situation_card(situation_id: str) -> str:
    """HTML: one situation's case, goal, approach, removal, next step, recovery and nursing priorities."""
    row = _situation(situation_id)
    return str(macro("surgery.html.j2", "situation_card", row.to_dict(),
                     TUMOUR_GROUP_LABELS[str(row["tumour_group"])],
                     TUMOUR_REMOVAL_LABELS[str(row["tumour_removal"])], nursing_priorities(situation_id)))


def _wrap(text: str, width: int = 30) -> str:
    return plotly_wrap(text, width)


def goal_axis_order(links: pd.DataFrame) -> list[str]:
    """Goal labels for the chart axis: main aims in the order of the situations, then the other goals.

    ``links`` is :func:`situation_goals` (already in situation order, then ``goals.csv`` order).
    """
    main = links[links["aim"].astype(str) == "main"]["goal"].tolist()
    return list(dict.fromkeys(main + links["goal"].tolist()))


@escaped_figure
def aims_chart(highlight: str | None = None) -> go.Figure:
    """What surgery aims at in each situation: a star for the main aim, an open circle for other aims.

    With ``highlight`` (a situation id) that row is labelled in words and the
    other rows are faded, so the explorer can point at one situation.
    """
    if highlight is not None:
        _situation(highlight)
    links = situation_goals()
    titles = dict((sid, title) for title, sid in situation_choices())
    used_goals = goal_axis_order(links)
    y_order = [_wrap(titles[sid]) for _t, sid in reversed(situation_choices())]
    fig = figure()
    for aim, style in AIM_STYLE.items():
        part = links[links["aim"].astype(str) == aim]
        chosen = (part["situation_id"] == highlight) if highlight else pd.Series(True, index=part.index)
        for is_chosen in (True, False):
            rows = part[chosen == is_chosen]
            if rows.empty:
                continue
            labelled = highlight is not None and is_chosen
            fig.add_trace(go.Scatter(
                x=rows["goal"], y=[_wrap(titles[s]) for s in rows["situation_id"]],
                mode="markers+text" if labelled else "markers",
                text=[style["label"]] * len(rows) if labelled else None,
                textposition="top center",
                name=style["label"], legendgroup=aim, showlegend=is_chosen,
                opacity=1.0 if is_chosen else 0.3,
                marker=dict(symbol=style["symbol"], color=style["colour"], size=style["size"],
                            line=dict(width=2, color=style["colour"])),
                hovertemplate="%{y}<br>%{x}: " + style["label"].lower() + "<extra></extra>",
            ))
    title = "What surgery aims to do in each situation"
    if highlight is not None:
        title += "<br><sup>" + plotly_lines(f"Highlighted: {titles[highlight]}") + "</sup>"
    fig.update_layout(
        title=title,
        xaxis=dict(title="Goal of surgery", type="category", categoryorder="array", categoryarray=used_goals,
                   tickangle=-25),
        yaxis=dict(title="Situation", type="category", categoryorder="array", categoryarray=y_order),
        legend=dict(orientation="h", y=-0.45, title=dict(text="Marker", side="top")),
        height=560,
        margin=dict(t=90 if highlight else 70),
    )
    return fig


def situation_view(situation: str) -> list:
    """What the situation explorer shows for one situation: the card, then the aims chart."""
    return [situation_card(situation), aims_chart(highlight=situation)]


def all_situations_table():
    """Every situation in one table: goal, approach, next treatment, recovery, nursing priorities."""
    rows = situations()
    table = pd.DataFrame({
        "Situation": rows["situation"],
        "Goal of surgery": rows["goal"],
        "Approach": rows["approach"],
        "Tumour removed": [TUMOUR_REMOVAL_LABELS[str(v)] for v in rows["tumour_removal"]],
        "What usually comes next": rows["next_treatment"],
        "Expected recovery": rows["expected_recovery"],
        "Nursing priorities": ["; ".join(nursing_priorities(sid)) for sid in rows["id"]],
    })
    return styled(table, "Every surgical situation: goal, approach, what comes next, recovery and nursing priorities")


def situation_explorer() -> Explorer:
    """Choose a surgical situation; see its goal, approach, expected recovery and nursing priorities.

    Static face (nbviewer, print): the table of every situation.
    """
    import ipywidgets as widgets
    from helpers.controls import fit

    choices = situation_choices()
    dropdown = widgets.Dropdown(options=choices, value=choices[0][1], description="Surgical situation",
                                style={"description_width": "initial"}, layout=fit())
    return Explorer({"situation": dropdown}, situation_view, static_face=deferred_face(all_situations_table),
                    title="Surgical situation explorer")


# --------------------------------------------------------------------------
# Open versus minimally invasive surgery
# --------------------------------------------------------------------------

def approach_comparison() -> pd.DataFrame:
    """The open versus minimally invasive comparison rows, in display order (cited)."""
    return cite_rows(data.load("surgical_approach_comparison").sort_values("sequence").reset_index(drop=True))


def _code(value) -> str:
    """A coded cell as text; a blank optional category loads as NaN, shown as ""."""
    return "" if pd.isna(value) else str(value)


def _number(value: float, decimals: int = 2) -> str:
    return f"{value:.{decimals}f}".replace("-", MINUS)


def pooled_direction(measure: str, ci_low: float, ci_high: float) -> str:
    """"minimally_invasive" when the whole 95% CI shows less with MIS, else "no_clear_difference".

    For every pooled outcome in the table, less is better (blood loss,
    transfusion, time, days, complications, re-operation): a mean difference
    (MIS minus open) wholly below 0, or an odds ratio wholly below 1.
    """
    if measure not in ("mean_difference", "odds_ratio"):
        raise InputError(f"measure must be 'mean_difference' or 'odds_ratio', got {measure!r}")
    if math.isnan(ci_low) or math.isnan(ci_high) or ci_low > ci_high:
        raise InputError(f"the confidence interval {ci_low} to {ci_high} is not a valid interval")
    null = 0.0 if measure == "mean_difference" else 1.0
    return "minimally_invasive" if ci_high < null else "no_clear_difference"


def pooled_result_text(row) -> str:
    """The pooled result of one comparison row in words, e.g. "−3.08 days (95% CI −4.50 to −1.66): ..."."""
    measure = _code(row["measure"])
    if not measure:
        if str(row["evidence"]) == "meta_analysis":
            return f"Pooled: {FAVOURS_LABELS[str(row['favours'])]} (no single number to show)"
        return "—"
    est, lo, hi = float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
    direction = FAVOURS_LABELS[pooled_direction(measure, lo, hi)]
    if measure == "odds_ratio":
        return f"Odds ratio {_number(est)} (95% CI {_number(lo)} to {_number(hi)}): {direction}"
    unit = str(row["unit"])
    return f"{_number(est)} {unit} (95% CI {_number(lo)} to {_number(hi)} {unit}): {direction}"


def approach_comparison_table():
    """Open and minimally invasive surgery side by side, with the pooled result where there is one."""
    rows = approach_comparison()
    pooled_notes = list(dict.fromkeys(rows.loc[rows["evidence"].astype(str) == "meta_analysis", "note"].astype(str)))
    table = pd.DataFrame({
        "Aspect": rows["aspect"],
        "Open surgery": rows["open_surgery"],
        "Minimally invasive surgery (MIS)": rows["minimally_invasive_surgery"],
        "Pooled result (MIS compared with open)": [pooled_result_text(r) for _i, r in rows.iterrows()],
        "Evidence": [EVIDENCE_LABELS[str(e)] + ("" if str(e) == "meta_analysis" or not n else f". {n}")
                     for e, n in zip(rows["evidence"].astype(str), rows["note"].astype(str))],
    })
    caption = "Open versus minimally invasive spine surgery"
    if pooled_notes:
        caption += ". Pooled numbers: " + " ".join(pooled_notes)
    return styled(table, caption)


def _group_key(row) -> tuple[str, str]:
    return _code(row["measure"]), str(row["unit"])


# Axis titles per pooled measure and unit; unknown units fall back to a generic title.
_AXIS_TITLES = {
    ("mean_difference", "days"): "Difference in days (MIS minus open)",
    ("mean_difference", "mL"): "Difference in blood loss, mL (MIS minus open)",
    ("mean_difference", "minutes"): "Difference in minutes (MIS minus open)",
    ("odds_ratio", ""): "Odds ratio, MIS vs open (below 1 = less often with MIS)",
}
_PANEL_ORDER = [("mean_difference", "days"), ("mean_difference", "mL"), ("mean_difference", "minutes"),
                ("odds_ratio", "")]


def pooled_outcomes() -> pd.DataFrame:
    """The comparison rows that carry a pooled number, with ``direction`` computed from the interval."""
    rows = approach_comparison()
    rows = rows[rows["measure"].notna()].copy()
    rows["direction"] = [pooled_direction(_code(r["measure"]), float(r["ci_low"]), float(r["ci_high"]))
                         for _i, r in rows.iterrows()]
    return rows.reset_index(drop=True)


@escaped_figure
def mis_evidence_chart() -> go.Figure:
    """Forest plot: each pooled outcome of MIS versus open surgery with its 95% confidence interval.

    One panel per unit (days, mL, minutes, odds ratio), each with its own
    no-difference line; marker shape says whether the interval excludes no
    difference.
    """
    rows = pooled_outcomes()
    keys = list(dict.fromkeys(_group_key(r) for _i, r in rows.iterrows()))
    keys = sorted(keys, key=lambda k: _PANEL_ORDER.index(k) if k in _PANEL_ORDER else len(_PANEL_ORDER))
    counts = [sum(_group_key(r) == k for _i, r in rows.iterrows()) for k in keys]
    fig = subplots(rows=len(keys), cols=1, row_heights=[c + 1 for c in counts], vertical_spacing=0.1)
    shown: set[str] = set()
    for panel, key in enumerate(keys, start=1):
        part = rows[[_group_key(r) == key for _i, r in rows.iterrows()]]
        null = 1.0 if key[0] == "odds_ratio" else 0.0
        for direction, style in FAVOURS_STYLE.items():
            sub = part[part["direction"] == direction]
            if sub.empty:
                continue
            unit = f" {key[1]}" if key[1] else ""
            fig.add_trace(go.Scatter(
                x=sub["estimate"], y=sub["aspect"], mode="markers+text",
                text=[f"{_number(v)}{unit}" for v in sub["estimate"]], textposition="top center",
                error_x=dict(type="data", symmetric=False, array=sub["ci_high"] - sub["estimate"],
                             arrayminus=sub["estimate"] - sub["ci_low"], color=style["colour"], thickness=2),
                marker=dict(symbol=style["symbol"], color=style["colour"], size=13, line=dict(width=2, color=style["colour"])),
                name=style["label"], legendgroup=direction, showlegend=direction not in shown,
                customdata=[[_number(e), _number(lo), _number(hi)]
                            for e, lo, hi in zip(sub["estimate"], sub["ci_low"], sub["ci_high"])],
                hovertemplate="%{y}: %{customdata[0]}" + plotly_safe(unit)
                              + " (95% CI %{customdata[1]} to %{customdata[2]})<extra></extra>",
            ), row=panel, col=1)
            shown.add(direction)
        low = min(part["ci_low"].min(), null)
        high = max(part["ci_high"].max(), null)
        pad = (high - low) * 0.12
        fig.add_vline(x=null, line=dict(color="#444444", dash="dash", width=1), row=panel, col=1)
        fig.update_xaxes(title_text=_AXIS_TITLES.get(key, f"Difference ({plotly_safe(key[1])}), MIS minus open"),
                         range=[low - pad, high + pad], row=panel, col=1)
        # Headroom above the top row so its value label is not clipped.  One "Outcome" title, on the
        # top panel: each panel's own title sat at a different distance (its labels' width), staggered.
        fig.update_yaxes(title_text="Outcome" if panel == 1 else None, type="category",
                         range=[-0.5, len(part) - 0.2], row=panel, col=1)
    fig.update_layout(
        title="Minimally invasive compared with open surgery for spinal metastases<br>"
              "<sup>Pooled estimates with 95% confidence intervals; dashed line = no difference</sup>",
        height=200 + 85 * sum(c + 1 for c in counts),
        legend=dict(orientation="h", y=-0.12, title=dict(text="Marker", side="top")),
        margin=dict(t=100),
    )
    return fig


# --------------------------------------------------------------------------
# Scales: SINS, ESCC, NOMS
# --------------------------------------------------------------------------

def __getattr__(name: str):
    # NOMS_EXAMPLES is read from data/noms_examples.csv when first used (no data is read at import).
    if name == "NOMS_EXAMPLES":
        return noms_examples()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def noms_examples() -> tuple[tuple[str, str, int, bool], ...]:
    """The (N, O, M, S) inputs of 02's decision table: the rows of ``data/noms_examples.csv`` marked
    ``decision_table``, as (ESCC grade, radiosensitivity, SINS total, fit for surgery)."""
    return tuple((e["escc_grade"], e["radiosensitivity"], e["sins_total"], e["fit_for_surgery"])
                 for e in calc.noms_examples("decision_table"))


def decision_family(pathway: str) -> str:
    """Group a NOMS pathway into what the team does first.

    "Separation surgery, then radiosurgery"; "Stabilisation first, then
    radiation" (open surgery, or percutaneous fixation where feasible);
    "Stabilisation where needed, then radiation" (percutaneous, for a patient
    who cannot have open surgery); "Surgical opinion on stability first"; or
    "Radiation first".
    """
    text = pathway.lower()
    if text.startswith("separation surgery"):
        return "Separation surgery, then radiosurgery"
    if "where needed" in text:
        return "Stabilisation where needed, then radiation"
    if "stabilisation" in text or "fixation" in text:
        return "Stabilisation first, then radiation"
    if "consultation" in text:
        return "Surgical opinion on stability first"
    return "Radiation first"


def noms_decisions() -> pd.DataFrame:
    """NOMS pathways for the inputs in :data:`NOMS_EXAMPLES`, read from the decision table by the shared calculator."""
    rows = []
    for example in calc.noms_examples("decision_table"):
        grade, sensitivity = example["escc_grade"], example["radiosensitivity"]
        sins_total, fit = example["sins_total"], example["fit_for_surgery"]
        result = calc.noms_pathway(grade, sensitivity, sins_total, fit)
        rows.append({
            "escc_grade": grade, "escc_category": result.escc_category, "radiosensitivity": sensitivity,
            "sins_total": sins_total, "stability": result.stability, "fit_for_surgery": fit,
            "pathway": result.pathway, "first_step": decision_family(result.pathway),
            "steps": " → ".join(result.steps), "needs_team_judgement": result.needs_team_judgement,
            "alternative": result.alternative, "rule_id": result.rule_id,
            "source_ids": ";".join(dict.fromkeys(f"{result.source_ids};{example['source_ids']}".split(";"))),
        })
    return cite_rows(pd.DataFrame(rows))


def noms_decision_table():
    """How N, O, M and S steer the team: radiation first, separation surgery then SRS, or stabilisation.

    One row per example in ``data/noms_examples.csv`` marked ``decision_table``; the pathway, steps and
    documented alternative of each are read from the decision table ``data/noms_rules.csv``.
    """
    rows = noms_decisions()
    sensitivity = {"sensitive": "Sensitive", "moderate": "Moderately sensitive", "resistant": "Resistant"}
    # The team decides a borderline grade (1c) and a moderately sensitive tumour case by case; the note sits
    # in the column that makes the combination a judgement call.
    team = rows["needs_team_judgement"]
    grade = [f"{g} ({c} grade)" + ("; the team decides" if t and c == "borderline" else "")
             for g, c, t in zip(rows["escc_grade"], rows["escc_category"], team)]
    response = [sensitivity[s] + ("; the team decides" if t and s == "moderate" else "")
                for s, t in zip(rows["radiosensitivity"], team)]
    table = pd.DataFrame({
        "N: cord compression (ESCC grade)": grade,
        "O: response to conventional radiation": response,
        "M: stability (SINS total)": rows["sins_total"].astype(str) + " (" + rows["stability"] + ")",
        "S: able to have open surgery": ["yes" if f else "no" for f in rows["fit_for_surgery"]],
        "What comes first": rows["first_step"],
        "Illustrative pathway, step by step": rows["steps"],
        "Documented alternative the team may weigh": [a or "None named in this illustration"
                                                      for a in rows["alternative"]],
    })
    return styled(table, "NOMS: how the four assessments steer the plan (illustrative inputs; pathways from the "
                         "NOMS decision table)")
