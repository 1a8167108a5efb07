"""Side effects of one treatment: tables and charts shared by every lesson.

All builders read ``data/side_effects.csv`` through :mod:`helpers.data` and
record the sources they show (:func:`helpers.lesson.cite_rows`).  Pass a
``modality_id`` (one of the five) and optionally ``subtype_ids`` to narrow to
effects of particular forms of the treatment; effects that apply to the
whole modality (blank ``subtype_id``) are always included.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from helpers import data
from helpers.errors import InputError
from helpers.lesson import cite_rows
from helpers.plotting import MODALITY_ORDER, PALETTE
from helpers.tables import styled

FREQUENCY_LABELS = {
    "varies": "Varies by drug or dose",
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


def frequency_chart(modality_id: str, subtype_ids: Iterable[str] | None = None) -> go.Figure:
    """How often each side effect occurs, with its onset phase as the marker shape."""
    rows = effects(modality_id, subtype_ids)
    name = data.modality_overview().set_index("modality_id").loc[modality_id, "name"]
    order = list(FREQUENCY_LABELS)
    fig = go.Figure()
    for index, (phase, label) in enumerate(ONSET_LABELS.items()):
        part = rows[rows["onset_phase"].astype(str) == phase]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=[FREQUENCY_LABELS[str(f)] for f in part["frequency"]],
                y=part["effect"],
                mode="markers",
                name=label,
                marker=dict(symbol=ONSET_SYMBOLS[phase], size=14, color=PALETTE[index]),
                customdata=part[["onset_text", "frequency_note"]].to_numpy(),
                hovertemplate="%{y}<br>%{x} %{customdata[1]}<br>Starts: %{customdata[0]}<extra></extra>",
            )
        )
    fig.update_layout(
        title=f"How often each side effect of {name.lower()} occurs",
        xaxis=dict(title="How often (qualitative category)", categoryorder="array",
                   categoryarray=[FREQUENCY_LABELS[k] for k in order], type="category"),
        yaxis=dict(title="Side effect", categoryorder="array", categoryarray=list(reversed(rows["effect"].tolist())),
                   type="category"),
        legend=dict(title=dict(text="When it starts"), orientation="h", y=-0.25),
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
    for index, (phase, label) in enumerate(ONSET_LABELS.items()):
        part = rows[rows["onset_phase"].astype(str) == phase]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=[label] * len(part),
                y=part["effect"],
                mode="markers",
                name=label,
                marker=dict(symbol=ONSET_SYMBOLS[phase], size=14, color=PALETTE[index]),
                customdata=part[["onset_text", "duration_text"]].to_numpy(),
                hovertemplate="%{y}<br>Starts: %{customdata[0]}<br>Lasts: %{customdata[1]}<extra></extra>",
            )
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
