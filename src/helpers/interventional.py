"""Interventional radiology: image-guided biopsy, ablation and cement for the spine.

Pure builders (tables and figures from :mod:`helpers.data`) plus one
explorer, used by ``05_interventional_radiology``.  The facts come from
``ir_procedures``, ``augmentation_comparison``, ``augmentation_outcomes`` (trial
scores), ``side_effect_evidence`` (how often cement leaks: the one place for the
numbers of a side effect), ``ir_nursing_care`` and ``subtype_goals``; every builder
records the sources of the rows it shows (:func:`helpers.lesson.cite_rows`).
"""

from __future__ import annotations


import pandas as pd
import plotly.graph_objects as go

from helpers import data
from helpers.errors import InputError
from helpers.explorer import Explorer, deferred_face
from helpers.lesson import cite_rows
from helpers.render import escaped_figure, macro, plotly_lines, plotly_wrap
from markupsafe import Markup
from helpers.plotting import PALETTE, figure
from helpers.tables import styled

# One colour AND one marker symbol per procedure (in data order), so colour is
# never the only thing that tells them apart.
PROCEDURE_SYMBOLS = ("circle", "square", "diamond", "triangle-up")
ARM_LABELS = {"vertebroplasty": "Vertebroplasty", "kyphoplasty": "Kyphoplasty", "non_surgical_care": "Non-surgical care"}
ARM_STYLES = {  # colour, marker symbol, line dash, bar pattern
    "vertebroplasty": (PALETTE[0], "circle", "solid", "/"),
    "kyphoplasty": (PALETTE[1], "square", "dash", "."),
    "non_surgical_care": (PALETTE[2], "diamond", "dot", "x"),
}
MEASURE_LABELS = {"pain_score": "Mean pain score", "disability_score": "Mean disability score"}
#: The side effects whose cited numbers the leakage chart compares, and the procedure (arm) of each.
LEAKAGE_EFFECTS = {"vp_cement_leakage": "vertebroplasty", "kp_cement_leakage": "kyphoplasty"}
PHASE_LABELS = {"before": "Before", "after": "After", "going_home": "Going home"}


# -- the four procedures ----------------------------------------------------------

def procedures() -> pd.DataFrame:
    """One row per procedure (``ir_procedures``) with its display ``name``, in data order."""
    rows = cite_rows(data.load("ir_procedures"))
    names = data.load("modality_subtypes").set_index("id")["name"]
    rows = rows.copy()
    rows.insert(1, "name", [str(names[s]) for s in rows["subtype_id"]])
    return rows.reset_index(drop=True)


def procedure_choices() -> list[tuple[str, str]]:
    """(name, id) pairs for a dropdown, in the data's order."""
    rows = procedures()
    return list(zip(rows["name"].astype(str), rows["subtype_id"].astype(str)))


def _procedure(procedure: str) -> pd.Series:
    rows = procedures().set_index("subtype_id")
    if procedure not in rows.index:
        raise InputError(f"unknown procedure {procedure!r}; choose from {', '.join(rows.index)}")
    return rows.loc[procedure]


def procedures_table():
    """The four image-guided procedures compared: imaging, how it works, aims, main risks."""
    rows = procedures()
    table = pd.DataFrame({
        "Procedure": rows["name"],
        "Live imaging": rows["guidance"],
        "How it works": rows["how_it_works"],
        "Aims": rows["aims"],
        "Main risks": rows["main_risks"],
    })
    return styled(table, "Four image-guided procedures for tumours of the spine, compared")


def noms_fit_table():
    """Where each procedure fits alongside other treatment (NOMS, SINS), and what follows it."""
    rows = procedures()
    table = pd.DataFrame({
        "Procedure": rows["name"],
        "Where it fits": rows["where_it_fits"],
        "What happens next": rows["follow_up"],
    })
    return styled(table, "Where each procedure fits in the treatment plan")


@escaped_figure
def aims_chart() -> go.Figure:
    """Which aims each procedure serves: one marker per procedure-aim pair."""
    rows = procedures()
    links = data.load("subtype_goals")
    links = cite_rows(links[links["subtype_id"].isin(rows["subtype_id"])])
    goals = data.load("goals")  # labels only; the claims are the subtype_goals links
    goals = goals[goals["id"].isin(links["goal_id"])]
    labels = dict(zip(goals["id"].astype(str), goals["label"].astype(str)))
    order = list(labels.values())
    fig = figure()
    for index, (pid, name) in enumerate(zip(rows["subtype_id"], rows["name"])):
        aims = [labels[g] for g in links.loc[links["subtype_id"] == pid, "goal_id"].astype(str)]
        fig.add_trace(go.Scatter(
            x=aims, y=[name] * len(aims), mode="markers", name=name,
            marker=dict(color=PALETTE[index], symbol=PROCEDURE_SYMBOLS[index], size=16,
                        line=dict(color="white", width=1)),
            hovertemplate=plotly_lines(name) + ": %{x}<extra></extra>",
        ))
    fig.update_layout(
        title="What each image-guided procedure aims to do",
        xaxis=dict(title="Aim of the procedure", type="category", categoryorder="array", categoryarray=order,
                   tickangle=-30),
        yaxis=dict(title="Procedure", type="category", categoryorder="array",
                   categoryarray=list(reversed(rows["name"].tolist()))),
        showlegend=False,
        height=460,
    )
    return fig


# -- vertebroplasty and kyphoplasty ---------------------------------------------------

def augmentation_comparison():
    """Vertebroplasty and kyphoplasty side by side, one row per aspect."""
    rows = cite_rows(data.load("augmentation_comparison"))
    table = pd.DataFrame({
        "Aspect": rows["aspect"],
        "Vertebroplasty": rows["vertebroplasty"],
        "Kyphoplasty": rows["kyphoplasty"],
    })
    return styled(table, "Vertebroplasty and kyphoplasty side by side")


def timepoint_label(day: int) -> str:
    """A trial time point in words, written from its day number: "baseline", "3 days", "1 month", "1 year".

    ``augmentation_outcomes`` stores only the number of days (a month as 30, a year as
    365), so the label cannot disagree with it.
    """
    try:
        day = int(day)
    except (TypeError, ValueError):
        raise InputError(f"a time point is a whole number of days, not {day!r}") from None
    if day < 0:
        raise InputError(f"a time point is 0 days (baseline) or more, not {day}")
    if day == 0:
        return "baseline"
    if day % 365 == 0:
        years = day // 365
        return f"{years} year" + ("s" if years > 1 else "")
    if day % 30 == 0:
        months = day // 30
        return f"{months} month" + ("s" if months > 1 else "")
    return f"{day} day" + ("s" if day > 1 else "")


def outcomes(study: str) -> pd.DataFrame:
    """Published results of one study (``augmentation_outcomes``), keyed by its source id."""
    rows = data.load("augmentation_outcomes")
    studies = list(dict.fromkeys(rows["source_ids"].astype(str)))
    if study not in studies:
        raise InputError(f"unknown study {study!r}; choose from {', '.join(studies)}")
    return cite_rows(rows[rows["source_ids"] == study].reset_index(drop=True))


def _wrap(text: str, width: int = 95) -> str:
    return plotly_wrap(text, width)


def _population_note(rows: pd.DataFrame) -> dict:
    """A caption under the chart naming the study and who was in it."""
    text = f"{rows['study'].iloc[0]}: {rows['population'].iloc[0]}."
    # Anchored in pixels below the x-axis title, so it never overlaps it whatever the height.
    return dict(text=_wrap(text), x=0, xref="paper", xanchor="left", y=0, yref="paper", yanchor="top",
                yshift=-72, showarrow=False, align="left", font=dict(size=12))


@escaped_figure
def outcome_chart(study: str) -> go.Figure:
    """Mean scores over time for each arm of one trial, every value labelled.

    ``study`` is the trial's source id (``evans2016_vp_kp`` or
    ``berenson2011_cafe``).  Time points are equally spaced categories in the
    study's own words; each arm has its own colour, marker and line style.
    """
    rows = outcomes(study).sort_values(["day"], kind="stable")
    rows = rows.assign(timepoint=[timepoint_label(d) for d in rows["day"]])
    times = list(dict.fromkeys(rows["timepoint"].astype(str)))
    highest = rows.loc[rows.groupby("timepoint")["value"].idxmax(), ["timepoint", "arm"]]
    top_arm = dict(zip(highest["timepoint"].astype(str), highest["arm"].astype(str)))
    measure = str(rows["measure"].iloc[0])
    unit = str(rows["unit"].iloc[0])
    fig = figure()
    for arm in [a for a in ARM_LABELS if a in set(rows["arm"].astype(str))]:
        part = rows[rows["arm"].astype(str) == arm]
        colour, symbol, dash, _pattern = ARM_STYLES[arm]
        labels = part["timepoint"].astype(str).tolist()
        fig.add_trace(go.Scatter(
            x=labels, y=part["value"].tolist(), name=ARM_LABELS[arm], mode="lines+markers+text",
            text=[f"{v:.1f}" for v in part["value"]],
            textposition=["top center" if top_arm[t] == arm else "bottom center" for t in labels],
            line=dict(color=colour, dash=dash, width=3), marker=dict(symbol=symbol, size=12, color=colour),
            hovertemplate=plotly_lines(ARM_LABELS[arm], "%{x}: %{text}") + "<extra></extra>",
        ))
    fig.update_layout(
        title=plotly_lines(f"{rows['study'].iloc[0]}: {MEASURE_LABELS[measure].lower()} before and after treatment"),
        xaxis=dict(title="Time after the procedure or the start of care", type="category",
                   categoryorder="array", categoryarray=times),
        yaxis=dict(title=plotly_lines(MEASURE_LABELS[measure], f"({unit})"),
                   range=[0, float(rows["value"].max()) * 1.2]),
        legend=dict(title=dict(text="Treatment group", side="top"), orientation="h", y=1.02, yanchor="bottom", x=0),
        annotations=[_population_note(rows)],
        margin=dict(b=140),
        height=500,
    )
    return fig


def leakage_rows() -> pd.DataFrame:
    """The cited leakage numbers of each procedure (``side_effect_evidence``), with ``arm`` and ``study``.

    ``study`` is the first part of the row's locator ("Zhan 2017"), so one review's two
    rows share a label; ``value`` is the percentage of procedures with leakage seen on imaging.
    """
    evidence = data.load("side_effect_evidence")
    rows = evidence[evidence["side_effect_id"].astype(str).isin(list(LEAKAGE_EFFECTS))].reset_index(drop=True)
    rows = rows.assign(arm=[LEAKAGE_EFFECTS[str(e)] for e in rows["side_effect_id"]],
                       study=[str(loc).split(",")[0].strip() for loc in rows["locator"]],
                       value=[float(v) for v in rows["incidence_high_pct"]])
    return cite_rows(rows)


@escaped_figure
def leakage_chart() -> go.Figure:
    """How often cement leaked with each procedure, in each review that compared them (one bar group per review).

    Two reviews are shown side by side so that the reader sees a range, not a
    single ratio to memorise (issue 11, finding 9).  The numbers are the
    ``side_effect_evidence`` rows of the two leakage side effects, the same ones
    the side-effect tables and flashcards show.
    """
    rows = leakage_rows()
    studies = list(dict.fromkeys(rows["study"].astype(str)))
    fig = figure()
    for arm in dict.fromkeys(rows["arm"].astype(str)):
        colour, _symbol, _dash, pattern = ARM_STYLES[arm]
        arm_rows = rows[rows["arm"].astype(str) == arm]
        fig.add_trace(go.Bar(
            x=arm_rows["value"].tolist(), y=arm_rows["study"].astype(str).tolist(), orientation="h",
            name=ARM_LABELS[arm],
            marker=dict(color=colour, pattern=dict(shape=pattern, fgcolor="white", fillmode="overlay")),
            text=[f"{ARM_LABELS[arm]}: {value:g}%" for value in arm_rows["value"]], textposition="outside",
            customdata=arm_rows["population"].astype(str).tolist(),
            hovertemplate="%{text}<br>%{y}: %{customdata}<extra></extra>",
        ))
    notes = " ".join(
        f"{study}: {rows.loc[rows['study'].astype(str) == study, 'population'].iloc[0]}." for study in studies
    )
    fig.update_layout(
        title="Cement leakage seen on imaging, in two reviews: vertebroplasty and kyphoplasty",
        xaxis=dict(title="Cement leakage seen on imaging (% of procedures)", range=[0, 100]),
        yaxis=dict(title="Review", type="category", categoryorder="array", categoryarray=list(reversed(studies))),
        legend=dict(title=dict(text="Procedure"), orientation="h", y=1.02, yanchor="bottom"),
        barmode="group",
        annotations=[dict(text=_wrap(notes), x=0, xref="paper", xanchor="left", y=0, yref="paper", yanchor="top",
                          yshift=-72, showarrow=False, align="left", font=dict(size=12))],
        margin=dict(b=150),
        height=460,
    )
    return fig


# -- nursing care ---------------------------------------------------------------------

def care_rows(procedure: str | None = None) -> pd.DataFrame:
    """Nursing care rows (``ir_nursing_care``) in phase order; only those that apply to ``procedure`` if given."""
    rows = data.load("ir_nursing_care")
    if procedure is not None:
        group = str(_procedure(procedure)["care_group"])
        rows = rows[rows["applies_to"].astype(str).isin(["all_procedures", group])]
    rows = rows.assign(_phase=rows["phase"].cat.codes).sort_values(["_phase", "sequence"], kind="stable")
    return cite_rows(rows.drop(columns="_phase").reset_index(drop=True))


def _local_practice(rows: pd.DataFrame) -> list[str]:
    return [f"Varies: {note}" if varies else "Same everywhere" for varies, note in
            zip(rows["practice_varies"], rows["practice_note"])]


def care_table(procedure: str | None = None):
    """What the nurse does before, after and at discharge, why, and what varies locally."""
    rows = care_rows(procedure)
    table = pd.DataFrame({
        "When": [PHASE_LABELS[str(p)] for p in rows["phase"]],
        "What the nurse does": rows["action"],
        "Why": rows["why"],
        "Local practice": _local_practice(rows),
    })
    if procedure is None:
        name = "image-guided spinal procedures"
    else:  # name every procedure that shares this care, e.g. "vertebroplasty and kyphoplasty"
        every = procedures()
        group = every.loc[every["care_group"] == _procedure(procedure)["care_group"], "name"].str.lower()
        name = " and ".join(group)
    return styled(table, f"Nursing care before and after {name}")


# -- the explorer ---------------------------------------------------------------------

def procedure_summary(procedure: str) -> str:
    """An HTML card for one procedure: imaging, how it works, aims, risks, fit, follow-up."""
    row = _procedure(procedure)
    items = [("Live imaging", "guidance"), ("How it works", "how_it_works"), ("Aims", "aims"),
             ("Main risks", "main_risks"), ("Where it fits", "where_it_fits"), ("What happens next", "follow_up")]
    return str(macro("interventional.html.j2", "summary", str(row["name"]),
                     [(label, str(row[column])) for label, column in items], str(row["source_ids"])))


def procedure_view(procedure: str) -> list:
    """Everything the explorer shows for one procedure: the summary card and its nursing care."""
    return [procedure_summary(procedure), care_table(procedure)]


def _care_items(rows: pd.DataFrame) -> list[tuple[str, str]]:
    """Care actions grouped by phase (before, after, going home): (phase label, actions)."""
    items = []
    for phase, label in PHASE_LABELS.items():
        actions = rows.loc[rows["phase"].astype(str) == phase, "action"]
        if len(actions):
            items.append((label, " ".join(actions)))
    return items


def all_procedures_view() -> str:
    """Every procedure on one page (the explorer's static face).

    The care shared by every procedure is listed once; each procedure's card
    then adds only the care that is specific to it.
    """
    care = care_rows()
    shared = _care_items(care[care["applies_to"].astype(str) == "all_procedures"])
    every = procedures()
    cards = [(Markup(procedure_summary(pid)), _care_items(care[care["applies_to"].astype(str) == group]))
             for pid, group in zip(every["subtype_id"], every["care_group"].astype(str))]
    return str(macro("interventional.html.j2", "all_procedures", shared, cards))


def procedure_explorer() -> Explorer:
    """Choose a procedure; see how it works, its aims and risks, and the nursing care around it."""
    import ipywidgets as widgets
    from helpers.controls import fit

    choices = procedure_choices()
    dropdown = widgets.Dropdown(options=choices, value="vertebroplasty", description="Procedure",
                                style={"description_width": "initial"}, layout=fit())
    static = deferred_face(all_procedures_view)
    return Explorer({"procedure": dropdown}, procedure_view, static_face=static, title="Procedure explorer")
