"""Side effects of one treatment: tables and charts shared by every lesson.

All builders read ``data/side_effects.csv`` through :mod:`helpers.data` and
record the sources they show (:func:`helpers.lesson.cite_rows`).  Pass a
``modality_id`` (one of the five) and optionally ``subtype_ids`` to narrow to
effects of particular forms of the treatment; effects that apply to the
whole modality (blank ``subtype_id``) are always included.
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from helpers import data
from helpers.errors import InputError
from helpers.lesson import cite_rows
from helpers.plotting import MODALITY_COLOURS, MODALITY_ORDER, PALETTE, SEQUENTIAL
from helpers.tables import styled

FREQUENCY_LABELS = {
    "varies": "Varies (with drug, dose or field)",
    "rare": "Rare",
    "occasional": "Occasional",
    "common": "Common",
    "very_common": "Very common",
}
ONSET_LABELS = {
    "immediate": "Immediate (hours)",
    "acute": "Acute (days to weeks)",
    "subacute": "Subacute (weeks to months)",
    "late": "Late (months or more)",
}
# Marker symbols for onset phase, so the chart does not rely on colour.
ONSET_SYMBOLS = {"immediate": "circle", "acute": "square", "subacute": "diamond", "late": "triangle-up"}


def effects(modality_id: str, subtype_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Side-effect rows for a modality (whole-modality rows plus chosen forms)."""
    if modality_id not in MODALITY_ORDER:
        raise InputError(f"unknown treatment {modality_id!r}; choose from {', '.join(MODALITY_ORDER)}")
    table = data.load("side_effects")
    rows = table[table["modality_id"] == modality_id]
    if subtype_ids is not None:
        wanted = set(subtype_ids)
        known = set(data.load("modality_subtypes").query("modality_id == @modality_id")["id"].astype(str))
        unknown = sorted(wanted - known)
        if unknown:
            raise InputError(f"unknown form {unknown[0]!r} of {modality_id}; choose from {', '.join(sorted(known))}")
        rows = rows[(rows["subtype_id"] == "") | rows["subtype_id"].isin(wanted)]
    return cite_rows(rows.reset_index(drop=True))


def _frequency_text(rows: pd.DataFrame) -> list[str]:
    return [
        FREQUENCY_LABELS[str(f)] + (f" ({note})" if note else "")
        for f, note in zip(rows["frequency"], rows["frequency_note"])
    ]


def side_effect_table(modality_id: str, subtype_ids: Iterable[str] | None = None, caption: str | None = None):
    """What each side effect is, why it happens, when, how long and how often."""
    rows = effects(modality_id, subtype_ids)
    table = pd.DataFrame(
        {
            "Side effect": rows["effect"],
            "Why it happens": rows["mechanism"],
            "When it starts": rows["onset_text"],
            "How long it lasts": rows["duration_text"],
            "How often": _frequency_text(rows),
            "CTCAE v5.0 term": rows["ctcae_term"].replace("", "—"),
        }
    )
    name = data.modality_overview().set_index("modality_id").loc[modality_id, "name"]
    return styled(table, caption or f"Side effects of {name.lower()}")


def nursing_table(modality_id: str, subtype_ids: Iterable[str] | None = None, caption: str | None = None):
    """For each side effect: what the nurse assesses, does and teaches."""
    rows = effects(modality_id, subtype_ids)
    table = pd.DataFrame(
        {
            "Side effect": rows["effect"],
            "Assess": rows["nursing_assessment"],
            "Act": rows["nursing_interventions"],
            "Teach": rows["patient_teaching"],
        }
    )
    name = data.modality_overview().set_index("modality_id").loc[modality_id, "name"]
    return styled(table, caption or f"Nursing care for the side effects of {name.lower()}")


def red_flags_table(modality_id: str, subtype_ids: Iterable[str] | None = None, caption: str | None = None):
    """Red flags: what needs urgent action, per side effect."""
    rows = effects(modality_id, subtype_ids)
    rows = rows[rows["red_flags"] != ""]
    table = pd.DataFrame({"Side effect": rows["effect"], "Red flags: act and escalate now": rows["red_flags"]})
    name = data.modality_overview().set_index("modality_id").loc[modality_id, "name"]
    return styled(table, caption or f"Red flags with {name.lower()}")


def _add_phase_traces(fig: go.Figure, rows: pd.DataFrame, x_of, customdata: list[str], hovertemplate: str) -> None:
    """One trace per onset phase: the phase sets the legend name, colour and marker shape."""
    for index, (phase, label) in enumerate(ONSET_LABELS.items()):
        part = rows[rows["onset_phase"].astype(str) == phase]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=x_of(part, label),
                y=part["effect"],
                mode="markers",
                name=label,
                marker=dict(symbol=ONSET_SYMBOLS[phase], size=14, color=PALETTE[index]),
                customdata=part[customdata].to_numpy(),
                hovertemplate=hovertemplate,
            )
        )


def frequency_chart(modality_id: str, subtype_ids: Iterable[str] | None = None) -> go.Figure:
    """How often each side effect occurs, with its onset phase as the marker shape."""
    rows = effects(modality_id, subtype_ids)
    name = data.modality_overview().set_index("modality_id").loc[modality_id, "name"]
    order = list(FREQUENCY_LABELS)
    fig = go.Figure()
    _add_phase_traces(
        fig, rows,
        x_of=lambda part, _label: [FREQUENCY_LABELS[str(f)] for f in part["frequency"]],
        customdata=["onset_text", "frequency_note"],
        hovertemplate="%{y}<br>%{x} %{customdata[1]}<br>Starts: %{customdata[0]}<extra></extra>",
    )
    fig.update_layout(
        title=f"How often each side effect of {name.lower()} occurs",
        xaxis=dict(title="How often (qualitative category)", categoryorder="array",
                   categoryarray=[FREQUENCY_LABELS[k] for k in order], type="category"),
        yaxis=dict(title="Side effect", categoryorder="array", categoryarray=list(reversed(rows["effect"].tolist())),
                   type="category"),
        legend=dict(title=dict(text="When it starts", side="top"), orientation="h", y=-0.25),
        height=max(360, 40 * len(rows) + 180),
    )
    return fig


def onset_chart(modality_id: str, subtype_ids: Iterable[str] | None = None) -> go.Figure:
    """When each side effect starts: a bar for a sourced day range, else the phase.

    Effects without sourced days are placed in their phase column; effects
    with days show the range, so the reader sees where numbers are known.
    """
    rows = effects(modality_id, subtype_ids)
    name = data.modality_overview().set_index("modality_id").loc[modality_id, "name"]
    fig = go.Figure()
    _add_phase_traces(
        fig, rows,
        x_of=lambda part, label: [label] * len(part),
        customdata=["onset_text", "duration_text"],
        hovertemplate="%{y}<br>Starts: %{customdata[0]}<br>Lasts: %{customdata[1]}<extra></extra>",
    )
    fig.update_layout(
        title=f"When the side effects of {name.lower()} start",
        xaxis=dict(title="Onset phase after treatment starts", type="category", categoryorder="array",
                   categoryarray=list(ONSET_LABELS.values())),
        yaxis=dict(title="Side effect", type="category", categoryorder="array",
                   categoryarray=list(reversed(rows["effect"].tolist()))),
        showlegend=False,
        height=max(360, 40 * len(rows) + 160),
    )
    return fig


# -- across treatments ---------------------------------------------------------
# Cross-modality views (used by 07_side_effects_and_supportive_care): every
# modality at once, by body system, by onset, and by mechanism.


# Readable names for the project's body-system categories (data/README.md).
BODY_SYSTEM_LABELS = {
    "haematological": "Haematological (blood)",
    "gastrointestinal": "Gastrointestinal",
    "skin_and_hair": "Skin and hair",
    "neurological": "Neurological",
    "musculoskeletal": "Musculoskeletal",
    "cardiovascular": "Cardiovascular and clots",
    "renal_and_urinary": "Renal and urinary",
    "metabolic": "Metabolic",
    "constitutional": "Whole body (constitutional)",
    "wound_and_procedural": "Wound and procedural",
}
# Shown for a side effect whose row in side_effect_mechanism_groups.csv is missing.
UNGROUPED_LABEL = "Other reasons (see each side effect)"


def _body_system_label(system: str) -> str:
    return BODY_SYSTEM_LABELS.get(system, system.replace("_", " ").capitalize())


def _modality_names() -> dict[str, str]:
    overview = data.modality_overview()
    return dict(zip(overview["modality_id"], overview["name"]))


def _day_range(low, high) -> str:
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"{int(low)}–{int(high)}" if int(low) != int(high) else f"{int(low)}"


def side_effect_heatmap(modalities: Iterable[str] = MODALITY_ORDER) -> go.Figure:
    """How many side effects each treatment has in each body system.

    Counts come from :func:`helpers.data.side_effect_matrix` (rows of
    ``side_effects.csv``); the number is printed in every cell, so the colour
    is never the only way to read it.  ``modalities`` narrows the columns to
    the treatments being compared (kept in teaching order).  Counts show
    where to look, not how severe the effects are.
    """
    wanted = list(modalities)
    unknown = [m for m in wanted if m not in MODALITY_ORDER]
    if unknown:
        raise InputError(f"unknown treatment {unknown[0]!r}; choose from {', '.join(MODALITY_ORDER)}")
    chosen = [m for m in MODALITY_ORDER if m in wanted]
    counts = data.side_effect_matrix().loc[chosen].T  # body systems as rows: long names read horizontally
    effects_shown = data.load("side_effects")
    cite_rows(effects_shown[effects_shown["modality_id"].isin(chosen)])
    names = _modality_names()
    values = counts.to_numpy()
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=[names[m].replace(" ", "<br>", 1) for m in counts.columns],
            y=[_body_system_label(str(s)) for s in counts.index],
            text=values,
            texttemplate="%{text}",
            textfont=dict(size=15),
            colorscale=SEQUENTIAL,
            zmin=0,
            xgap=2,
            ygap=2,
            colorbar=dict(title=dict(text="Number of<br>side effects"), thickness=14),
            customdata=[[f"{v} side effect{'' if v == 1 else 's'}" for v in row] for row in values],
            hovertemplate="%{x}<br>%{y}: %{customdata}<extra></extra>",
        )
    )
    fig.update_layout(
        title="Side effects of each treatment, by body system (number in each cell)",
        xaxis=dict(title="Treatment", showgrid=False),
        yaxis=dict(title="Body system affected", autorange="reversed", showgrid=False),
        height=620,
    )
    return fig


def body_system_table():
    """Which side effects sit behind each cell of :func:`side_effect_heatmap`."""
    rows = cite_rows(data.load("side_effects"))
    names = _modality_names()
    systems = [s for s in rows["body_system"].cat.categories if (rows["body_system"] == s).any()]
    table = pd.DataFrame(
        {
            "Body system": [_body_system_label(str(s)) for s in systems],
            **{
                names[m]: [
                    "<br>".join(f"• {_html.escape(e)}" for e in
                                rows[(rows["modality_id"] == m) & (rows["body_system"] == s)]["effect"]) or "—"
                    for s in systems
                ]
                for m in MODALITY_ORDER
            },
        }
    )
    return styled(table, "The side effects behind each cell of the heat map")


def onset_rows() -> pd.DataFrame:
    """Every side effect with its treatment and timing, earliest onset phase first.

    Columns: ``id``, ``modality_id``, ``treatment``, ``effect``,
    ``onset_phase``, ``onset_text``, ``day_min`` and ``day_max`` (Int64 days
    after the start of treatment, ``<NA>`` unless a cited source gives them),
    ``days`` (``"7–12"``, or ``""`` when timing is in words only),
    ``duration_text``, ``source_ids``. Within a phase, treatments follow the teaching order.
    """
    rows = data.load("side_effects")
    names = _modality_names()
    order = {m: i for i, m in enumerate(MODALITY_ORDER)}
    out = pd.DataFrame(
        {
            "id": rows["id"],
            "modality_id": rows["modality_id"],
            "treatment": [names[m] for m in rows["modality_id"]],
            "effect": rows["effect"],
            "onset_phase": rows["onset_phase"],
            "onset_text": rows["onset_text"],
            "day_min": rows["onset_day_min"],
            "day_max": rows["onset_day_max"],
            "days": [_day_range(a, b) for a, b in zip(rows["onset_day_min"], rows["onset_day_max"])],
            "duration_text": rows["duration_text"],
            "source_ids": rows["source_ids"],
            "_modality_rank": [order[m] for m in rows["modality_id"]],
            "_row": range(len(rows)),
        }
    )
    out = out.sort_values(["onset_phase", "_modality_rank", "_row"], kind="stable")
    return cite_rows(out.drop(columns=["_modality_rank", "_row"]).reset_index(drop=True))


def onset_table():
    """When each side effect starts and how long it lasts, across treatments."""
    rows = onset_rows()
    table = pd.DataFrame(
        {
            "When it starts": [ONSET_LABELS[str(p)] for p in rows["onset_phase"]],
            "Side effect (treatment)": [f"{e} ({t.lower()})" for e, t in zip(rows["effect"], rows["treatment"])],
            "Onset (in words; days only where a source gives them)": [
                f"{text} <strong>Days {days}.</strong>" if days else text
                for text, days in zip(rows["onset_text"].map(_html.escape), rows["days"])
            ],
            "How long it lasts": rows["duration_text"].replace("", "—"),
        }
    )
    return styled(table, "When side effects start and how long they last, across all treatments")


def onset_days_chart() -> go.Figure:
    """Onset as a bar of days, for the side effects whose source gives days.

    Every other side effect has only a qualitative onset; the chart says how
    many, so nobody reads the bars as the whole picture.
    """
    rows = onset_rows()
    with_days = rows[rows["days"] != ""]
    fig = go.Figure()
    patterns = dict(zip(MODALITY_ORDER, ("", "/", "x", ".", "+")))
    for modality in MODALITY_ORDER:
        part = with_days[with_days["modality_id"] == modality]
        if part.empty:
            continue
        low = [int(v) for v in part["day_min"]]
        high = [int(v) for v in part["day_max"]]
        name = part["treatment"].iloc[0]
        fig.add_trace(
            go.Bar(
                y=part["effect"],
                x=[max(h - lo, 0.6) for lo, h in zip(low, high)],
                base=low,
                orientation="h",
                name=name,
                marker=dict(color=MODALITY_COLOURS[modality], pattern=dict(shape=patterns[modality]),
                            line=dict(color="#222222", width=1)),
                text=[f"{name}: day {d}" for d in part["days"]],
                textposition="outside",
                cliponaxis=False,
                customdata=part[["onset_text", "duration_text"]].to_numpy(),
                hovertemplate="%{y}<br>Starts: %{customdata[0]}<br>Lasts: %{customdata[1]}<extra></extra>",
            )
        )
    in_words = len(rows) - len(with_days)
    longest = max((int(v) for v in with_days["day_max"]), default=30)
    fig.update_layout(
        title="Onset in days, where a source gives days",
        xaxis=dict(title="Days after the start of treatment (or of a chemotherapy dose)", range=[0, longest * 1.45],
                   rangemode="tozero"),
        yaxis=dict(title="Side effect", autorange="reversed", type="category"),
        barmode="overlay",
        legend=dict(title=dict(text="Treatment", side="top"), orientation="h", y=-0.3),
        height=max(360, 46 * len(with_days) + 230),
        annotations=[
            dict(text=f"The other {in_words} of {len(rows)} side effects have their timing in words only (table above).",
                 xref="paper", yref="paper", x=0, y=1.02, xanchor="left", yanchor="bottom", showarrow=False,
                 font=dict(size=13))
        ],
    )
    return fig


# -- why each treatment causes its side effects --------------------------------

def mechanism_rows(modality_id: str) -> pd.DataFrame:
    """A modality's side effects with the mechanism group that explains each.

    Columns: ``group_id``, ``group`` (label), ``explanation``, ``effect``,
    ``mechanism`` (the effect's own explanation), ``onset_text``,
    ``duration_text``, ``source_ids``. Groups follow their ``sequence``;
    effects without a group come last under :data:`UNGROUPED_LABEL`.
    """
    rows = effects(modality_id)
    groups = data.load("mechanism_groups").set_index("id")
    links = dict(zip(*(data.load("side_effect_mechanism_groups")[c] for c in ("side_effect_id", "mechanism_group_id"))))
    group_ids = [links.get(e, "") for e in rows["id"]]
    out = pd.DataFrame(
        {
            "group_id": group_ids,
            "group": [groups.loc[g, "label"] if g else UNGROUPED_LABEL for g in group_ids],
            "explanation": [groups.loc[g, "explanation"] if g else "" for g in group_ids],
            "effect": rows["effect"],
            "mechanism": rows["mechanism"],
            "onset_text": rows["onset_text"],
            "duration_text": rows["duration_text"],
            "source_ids": [";".join(filter(None, [s, groups.loc[g, "source_ids"] if g else ""]))
                           for s, g in zip(rows["source_ids"], group_ids)],
            "_rank": [int(groups.loc[g, "sequence"]) if g else 10_000 for g in group_ids],
            "_row": range(len(rows)),
        }
    )
    out = out.sort_values(["_rank", "_row"], kind="stable").drop(columns=["_rank", "_row"])
    return cite_rows(out.reset_index(drop=True))


def mechanism_summary(modality_id: str) -> str:
    """HTML: each mechanism group of a modality with its explanation."""
    rows = mechanism_rows(modality_id)
    name = _modality_names()[modality_id]
    parts = [f"<p><strong>Why {_html.escape(name.lower())} causes its side effects</strong></p><ul>"]
    for group, part in rows.groupby("group", sort=False):
        explanation = part["explanation"].iloc[0] or "Each side effect below has its own explanation."
        effects_list = ", ".join(part["effect"])
        parts.append(f"<li><strong>{_html.escape(group)}.</strong> {_html.escape(explanation)} "
                     f"<em>Side effects: {_html.escape(effects_list)}.</em></li>")
    parts.append("</ul>")
    return "".join(parts)


def mechanism_table(modality_id: str):
    """One modality's side effects grouped by mechanism, with onset and duration."""
    rows = mechanism_rows(modality_id)
    table = pd.DataFrame(
        {
            "Why (mechanism)": rows["group"],
            "Side effect": rows["effect"],
            "What happens": rows["mechanism"],
            "When it starts": rows["onset_text"],
            "How long it lasts": rows["duration_text"].replace("", "—"),
        }
    )
    name = _modality_names()[modality_id]
    return styled(table, f"Why {name.lower()} causes each of its side effects")


def mechanism_view(modality: str) -> list:
    """What the mechanism explorer shows for one modality."""
    return [mechanism_summary(modality), mechanism_table(modality)]


def mechanism_overview_table():
    """Every modality's mechanism groups and the side effects each explains."""
    names = _modality_names()
    rows = []
    for modality in MODALITY_ORDER:
        for group, part in mechanism_rows(modality).groupby("group", sort=False):
            rows.append({
                "Treatment": names[modality],
                "Why (mechanism)": group,
                "How it causes harm": part["explanation"].iloc[0] or "See each side effect's own explanation.",
                "Side effects it explains": "; ".join(part["effect"]),
            })
    return styled(pd.DataFrame(rows), "Why each treatment causes the side effects it does")


def mechanism_explorer():
    """Choose a treatment; see why it causes each of its side effects."""
    import ipywidgets as widgets
    from helpers.controls import fit

    from helpers.explorer import Explorer

    names = _modality_names()
    dropdown = widgets.Dropdown(options=[(names[m], m) for m in MODALITY_ORDER], value="chemotherapy",
                                description="Treatment", style={"description_width": "initial"},
                                layout=fit())
    return Explorer({"modality": dropdown}, mechanism_view, static_face=mechanism_overview_table(),
                    title="Mechanism explorer")
