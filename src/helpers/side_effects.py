"""Side effects of one treatment: tables and charts shared by every lesson.

All builders read ``data/side_effects.csv`` through :mod:`helpers.data` and
record the sources they show (:func:`helpers.lesson.cite_rows`).  Pass a
``modality_id`` (one of the five) and optionally ``subtype_ids`` to narrow to
effects of particular forms of the treatment; effects that apply to the
whole modality (blank ``subtype_id``) are included, except for the
bone-modifying drugs, which have only their own rows.

How often: the cited numbers are in ``data/side_effect_evidence.csv``; the
band word is computed from them with :data:`FREQUENCY_BANDS` (the one place
the thresholds live) and :func:`frequency_phrase` gives the text every table,
export and flashcard shows.  A side effect without a cited number is "Not
quantified in the cited sources", listed apart from the scale.
"""

from __future__ import annotations

import html as _html
import math
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from helpers import data
from helpers.errors import InputError
from helpers.lesson import cite_rows
from helpers.plotting import MODALITY_COLOURS, MODALITY_ORDER, PALETTE, SEQUENTIAL, figure
from helpers.render import escaped_figure, macro, plotly_lines, plotly_safe, plotly_wrap
from helpers.tables import Strong, styled

# -- how often: the one place the frequency bands are defined -------------------
#: Frequency bands, highest first: (key, label, lowest incidence in percent that
#: belongs to the band).  These are the bands drug labels use (CIOMS): very
#: common 10% or more; common 1% to under 10%; uncommon 0.1% to under 1%; rare
#: under 0.1%.  Every band word the collection shows is computed from cited
#: numbers with these thresholds (see :func:`band_span`); none is typed.
FREQUENCY_BANDS = (
    ("very_common", "Very common", 10.0),
    ("common", "Common", 1.0),
    ("uncommon", "Uncommon", 0.1),
    ("rare", "Rare", 0.0),
)
#: Band key -> label, lowest band first (the order of an axis or a legend).
FREQUENCY_LABELS = {key: label for key, label, _floor in reversed(FREQUENCY_BANDS)}
#: What a table or chart says for a side effect no cited source puts a number on.
NOT_QUANTIFIED = "not_quantified"
NOT_QUANTIFIED_TEXT = "Not quantified in the cited sources"
#: How a range that crosses a band boundary is named (also in data/README.md).
BAND_RULE = ("A range that crosses a band boundary is named by the bands of both ends (\"common to very common\"); "
             "\"under X%\" runs from rare up to the band just below X; \"over X%\" from the band of X upwards.")
#: Readable forms of side_effect_evidence.counts and .per.
COUNTS_LABELS = {
    "any_grade": "any grade",
    "grade_3_or_more": "grade 3 or more",
    "symptomatic": "with symptoms",
    "radiological": "seen on imaging",
    "confirmed_case": "confirmed cases",
    "laboratory": "a defined change in a blood test",
    "intraoperative": "found during the operation",
    "readmission": "leading to readmission",
    "reoperation": "needing another operation",
}
PER_LABELS = {"people": "people", "procedures": "procedures", "operations": "operations",
              "treated_segments": "treated spinal segments"}
_BAND_KEYS = [key for key, _label, _floor in FREQUENCY_BANDS]  # highest first

ONSET_LABELS = {
    "immediate": "Immediate (hours)",
    "acute": "Acute (days to weeks)",
    "subacute": "Subacute (weeks to months)",
    "late": "Late (months or more)",
}
# Marker symbols for onset phase, so the chart does not rely on colour.
ONSET_SYMBOLS = {"immediate": "circle", "acute": "square", "subacute": "diamond", "late": "triangle-up"}


def effects(modality_id: str, subtype_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Side-effect rows for a modality (whole-modality rows plus chosen forms).

    Without ``subtype_ids`` every row of the modality is returned; with them,
    the whole-modality rows and the rows of the chosen forms.
    """
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


def band_of(percent: float) -> str:
    """The frequency band key of an incidence in percent (0-100), by :data:`FREQUENCY_BANDS`."""
    try:
        value = float(percent)
    except (TypeError, ValueError):
        raise InputError(f"incidence {percent!r} is not a number; give a percentage from 0 to 100") from None
    if not 0 <= value <= 100:
        raise InputError(f"incidence {value:g}% is outside 0-100; give a percentage from 0 to 100")
    for key, _label, floor in FREQUENCY_BANDS:
        if value >= floor:
            return key
    raise AssertionError("unreachable: the lowest band starts at 0")


def band_rule_text(key: str) -> str:
    """The incidence a band covers, in words, from :data:`FREQUENCY_BANDS` ("1% to under 10%")."""
    floors = [floor for _key, _label, floor in FREQUENCY_BANDS]  # highest band first
    index = _BAND_KEYS.index(key)
    if index == 0:
        return f"{floors[0]:g}% or more"
    top = floors[index - 1]
    return f"under {top:g}%" if floors[index] == 0 else f"{floors[index]:g}% to under {top:g}%"


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _one_span(low, high) -> tuple[str, str]:
    """(lowest band, highest band) of one evidence row; see :data:`BAND_RULE`."""
    if _is_blank(low):  # "under high": up to the band just below high when high sits on a boundary
        top = band_of(high)
        floor = dict((k, f) for k, _l, f in FREQUENCY_BANDS)[top]
        if float(high) == floor and top != "rare":
            top = _BAND_KEYS[_BAND_KEYS.index(top) + 1]
        return "rare", top
    if _is_blank(high):  # "over low"
        return band_of(low), "very_common"
    return band_of(low), band_of(high)


def evidence_rows(side_effect_id: str) -> pd.DataFrame:
    """The cited numbers of one side effect (rows of ``side_effect_evidence``; empty if not quantified)."""
    evidence = data.load("side_effect_evidence")
    return cite_rows(evidence[evidence["side_effect_id"] == side_effect_id].reset_index(drop=True))


def _severe_apart(rows: pd.DataFrame) -> pd.Series:
    """Which evidence rows count grade 3 or more beside rows that count something else (any grade).

    Such a row says how often the *severe* form happens, not how often the effect happens: it keeps its own band
    in :func:`frequency_phrase` and stays out of the side effect's band, so "very common, any grade" and
    "common, grade 3 or more" do not merge into a "common to very common" that reads like uncertainty.
    """
    severe = rows["counts"].astype(str) == "grade_3_or_more"
    return severe if (~severe).any() else severe & False


def _span_of(rows: pd.DataFrame) -> tuple[str, str]:
    spans = [_one_span(lo, hi) for lo, hi in zip(rows["incidence_low_pct"], rows["incidence_high_pct"])]
    lowest = max((s[0] for s in spans), key=_BAND_KEYS.index)
    highest = min((s[1] for s in spans), key=_BAND_KEYS.index)
    return lowest, highest


def _span_text(span: tuple[str, str]) -> str:
    low, high = (FREQUENCY_LABELS[k] for k in span)
    return low if low == high else f"{low} to {high.lower()}"


def band_span(side_effect_id: str) -> tuple[str, str] | None:
    """(lowest, highest) band key over a side effect's cited numbers; ``None`` if not quantified.

    Numbers of grade 3 or more cited beside numbers of any grade are left out: they say how often the severe form
    happens and carry their own band (:func:`frequency_phrase`).
    """
    rows = evidence_rows(side_effect_id)
    if rows.empty:
        return None
    return _span_of(rows[~_severe_apart(rows)])


def band_text(side_effect_id: str) -> str:
    """The derived band in words: "Common", "Common to very common", or :data:`NOT_QUANTIFIED_TEXT`."""
    span = band_span(side_effect_id)
    if span is None:
        return NOT_QUANTIFIED_TEXT
    return _span_text(span)


def _pct(value) -> str:
    return f"{float(value):.3g}"


def incidence_numbers(low, high) -> str:
    """An incidence as read aloud: "1.8%", "0.3–2.4%", "under 3%" or "over 10%"."""
    if _is_blank(low) and _is_blank(high):
        raise InputError("an incidence needs a low or a high value in percent")
    if _is_blank(low):
        return f"under {_pct(high)}%"
    if _is_blank(high):
        return f"over {_pct(low)}%"
    if float(low) == float(high):
        return f"{_pct(low)}%"
    return f"{_pct(low)}–{_pct(high)}%"


def evidence_text(evidence) -> str:
    """One evidence row as text: numbers, of what, what is counted, population and locator."""
    numbers = incidence_numbers(evidence["incidence_low_pct"], evidence["incidence_high_pct"])
    per = PER_LABELS[str(evidence["per"])]
    counts = COUNTS_LABELS[str(evidence["counts"])]
    return f"{numbers} of {per}, {counts} ({evidence['population']}; {evidence['locator']})"


def frequency_phrase(row) -> str:
    """How often a side effect happens, in plain text, from its cited numbers.

    ``row`` is one row of ``side_effects`` (a mapping or Series with at least
    ``id``).  Returns, for example, "Uncommon to common: 0.3–2.4% of people,
    any grade (bevacizumab, range across clinical studies; Avastin USPI,
    section 5.1)", several numbers joined by "; ", or "Not quantified in the
    cited sources".  The band is computed with :data:`FREQUENCY_BANDS`.
    """
    try:
        side_effect_id = str(row["id"])
    except (KeyError, TypeError, IndexError):
        raise InputError("frequency_phrase needs one row of side_effects (a mapping with an 'id')") from None
    known = set(data.load("side_effects")["id"])
    if side_effect_id not in known:
        raise InputError(f"unknown side effect {side_effect_id!r}; use an id from side_effects.csv")
    rows = evidence_rows(side_effect_id)
    if rows.empty:
        return NOT_QUANTIFIED_TEXT
    severe = _severe_apart(rows)
    parts = [evidence_text(ev) for _i, ev in rows[~severe].iterrows()]
    parts += [f"{_span_text(_span_of(rows.loc[[i]])).lower()}: {evidence_text(ev)}"
              for i, ev in rows[severe].iterrows()]
    return f"{band_text(side_effect_id)}: " + "; ".join(parts)


def how_often_texts(rows: pd.DataFrame) -> list[str]:
    """The "How often" cell: the derived phrase, then the row's context note."""
    return [
        frequency_phrase(row) + (f". {row['frequency_note']}" if row["frequency_note"] else "")
        for _i, row in rows.iterrows()
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
            "How often": how_often_texts(rows),
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


# Marker symbols and colours for what an evidence row counts (legend and hover say it in words).
_COUNTS_SYMBOLS = dict(zip(COUNTS_LABELS, ("circle", "square", "diamond", "triangle-up", "x",
                                           "star", "cross", "hexagon", "triangle-down")))
# Colours from the colour-blind-safe palette, without its yellow (too faint on the band shading);
# counts that share a colour never appear in the same chart and differ in marker shape.
_COUNTS_COLOURS = dict(zip(COUNTS_LABELS, (PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[5],
                                           PALETTE[4], PALETTE[7], PALETTE[3], PALETTE[0])))
_AXIS_MIN, _AXIS_MAX = 0.01, 100.0  # percent; the log axis spans four decades


@escaped_figure
def frequency_chart(modality_id: str, subtype_ids: Iterable[str] | None = None) -> go.Figure:
    """How often each side effect occurs: the cited incidence as a range on a log percent axis.

    Each cited number (a row of ``side_effect_evidence``) is a line from its
    low to its high value, with a marker at each closed end; an open bound
    ("under 1%", "over 10%") runs to the edge of the axis without a marker
    there.  Marker shape and colour say what is counted (legend); hover gives
    the numbers, population and locator.  The frequency bands are shaded and
    labelled behind the lines.  Side effects with no cited number are listed
    in a note under the chart, never placed on the scale.
    """
    rows = effects(modality_id, subtype_ids)
    name = data.modality_overview().set_index("modality_id").loc[modality_id, "name"]
    if subtype_ids is not None:  # say which forms the chart is about
        name = f"{name} ({', '.join(str(s).replace('_', ' ') for s in subtype_ids)})"
    quantified = rows[rows["incidence_status"].astype(str) == "quantified"].reset_index(drop=True)
    unquantified = rows[rows["incidence_status"].astype(str) != "quantified"]
    fig = figure()
    points: dict[str, dict[str, list]] = {}
    labels: dict[str, list] = {"x": [], "y": [], "text": [], "position": []}
    for slot, row in quantified.iterrows():
        evidence = evidence_rows(row["id"])
        offsets = [(k - (len(evidence) - 1) / 2) * 0.24 for k in range(len(evidence))]
        for offset, (_i, ev) in zip(offsets, evidence.iterrows()):
            low, high = ev["incidence_low_pct"], ev["incidence_high_pct"]
            x0 = _AXIS_MIN if _is_blank(low) else float(low)
            x1 = _AXIS_MAX if _is_blank(high) else float(high)
            hover = "<br>".join(_html.escape(t) for t in (
                row["effect"],
                f"{incidence_numbers(low, high)} of {PER_LABELS[str(ev['per'])]}, {COUNTS_LABELS[str(ev['counts'])]}",
                f"Population: {ev['population']}",
                f"Source: {ev['locator']}",
            ))
            # The numbers are also written beside the line, for print and for readers without hover.
            at_right = not _is_blank(high) or _is_blank(low)
            labels["x"].append(x1 if at_right and x1 < _AXIS_MAX else x0)  # beside the closed end
            labels["y"].append(slot + offset)
            on_right = at_right and x1 < _AXIS_MAX
            shown = _html.escape(incidence_numbers(low, high))
            labels["text"].append(f"\u2002{shown}" if on_right else f"{shown}\u2002")
            labels["position"].append("middle right" if on_right else "middle left")
            group = points.setdefault(str(ev["counts"]), {"x": [], "y": [], "size": [], "text": []})
            group["x"] += [x0, x1, None]
            group["y"] += [slot + offset] * 2 + [None]
            group["size"] += [0 if _is_blank(low) else 11, 0 if _is_blank(high) else 11, 0]
            group["text"] += [hover, hover, ""]
    for counts in COUNTS_LABELS:
        if counts not in points:
            continue
        group = points[counts]
        fig.add_trace(go.Scatter(
            x=group["x"], y=group["y"], mode="lines+markers", name=COUNTS_LABELS[counts].capitalize(),
            line=dict(color=_COUNTS_COLOURS[counts], width=4),
            marker=dict(symbol=_COUNTS_SYMBOLS[counts], size=group["size"], color=_COUNTS_COLOURS[counts],
                        line=dict(color="#222222", width=1)),
            text=group["text"], hovertemplate="%{text}<extra></extra>", connectgaps=False,
        ))
    if labels["x"]:
        fig.add_trace(go.Scatter(x=labels["x"], y=labels["y"], mode="text", text=labels["text"],
                                 textposition=labels["position"], textfont=dict(size=12, color="#222222"),
                                 hoverinfo="skip", showlegend=False, cliponaxis=False))
    n = max(len(quantified), 1)
    shapes, annotations = [], []
    floors = [floor for _k, _l, floor in FREQUENCY_BANDS]  # highest first
    for index, (key, label, floor) in enumerate(FREQUENCY_BANDS):
        top = _AXIS_MAX if index == 0 else floors[index - 1]
        bottom = max(floor, _AXIS_MIN)
        shapes.append(dict(type="rect", xref="x", yref="paper", x0=bottom, x1=top, y0=0, y1=1, layer="below",
                           line=dict(width=0), fillcolor="#F2F2F2" if index % 2 == 0 else "#FFFFFF"))
        rule = band_rule_text(key)
        annotations.append(dict(x=(math.log10(bottom) + math.log10(top)) / 2, xref="x", y=1.0, yref="paper",
                                yanchor="bottom", showarrow=False, text="<b>" + plotly_lines(label) + "</b><br>" + plotly_lines(rule),
                                font=dict(size=12)))
    listed = [str(e) for e in unquantified["effect"]]
    note = wrap_label("Not quantified in the cited sources (not placed on the scale): "
                 + ("; ".join(listed) if listed else "none") + ".", 110)
    annotations.append(dict(x=0, xref="paper", y=0, yref="paper", yshift=-70, xanchor="left", yanchor="top",
                            align="left", showarrow=False, text=note, font=dict(size=13)))
    note_lines = note.count("<br>") + 1
    fig.update_layout(
        title=dict(text=f"How often the side effects of {_html.escape(name[0].lower() + name[1:])} occur (cited numbers)"
                        "<br><sup>Each line is "
                        "one cited number or range; the table gives its population and source"
                        "</sup>", yref="container", y=1, yanchor="top", pad=dict(t=16)),
        xaxis=dict(title="Incidence in the cited source (% of people, procedures or segments; log scale)",
                   type="log", range=[math.log10(_AXIS_MIN), math.log10(_AXIS_MAX)],
                   tickvals=[0.01, 0.1, 1, 10, 100], ticktext=["0.01%", "0.1%", "1%", "10%", "100%"]),
        yaxis=dict(title="Side effect", tickvals=list(range(len(quantified))),
                   ticktext=[_html.escape(str(e)) for e in quantified["effect"]],
                   range=[n - 0.5, -0.5], zeroline=False),
        shapes=shapes,
        annotations=annotations,
        legend=dict(title=dict(text="What is counted", side="top")),
        margin=dict(t=140, b=90 + 20 * note_lines),
        height=max(380, 56 * n + 230 + 20 * note_lines),
    )
    return fig


def wrap_label(text: str, width: int) -> str:
    """Escape text for a plotly label and break it into lines of about ``width`` characters."""
    return plotly_wrap(text, width)


@escaped_figure
def onset_chart(modality_id: str, subtype_ids: Iterable[str] | None = None) -> go.Figure:
    """When each side effect starts: a bar for a sourced day range, else the phase.

    Effects without sourced days are placed in their phase column; effects
    with days show the range, so the reader sees where numbers are known.
    """
    rows = effects(modality_id, subtype_ids)
    name = data.modality_overview().set_index("modality_id").loc[modality_id, "name"]
    fig = figure()
    _add_phase_traces(
        fig, rows,
        x_of=lambda part, label: [label] * len(part),
        customdata=["onset_text", "duration_text"],
        hovertemplate="%{y}<br>Starts: %{customdata[0]}<br>Lasts: %{customdata[1]}<extra></extra>",
    )
    fig.update_layout(
        title=f"When the side effects of {plotly_safe(name.lower())} start",
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


@escaped_figure
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
    fig = figure(
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
        height=570,  # with the controls above it, one view on a 1366 x 768 screen (explorer in 01)
    )
    return fig


def body_system_table():
    """Which side effects sit behind each cell of :func:`side_effect_heatmap`.

    The rows are the heat map's own (every row of side_effects.csv, which
    :func:`helpers.data.side_effect_matrix` counts by treatment group), so a cell and its list cannot disagree.
    """
    rows = cite_rows(data.load("side_effects"))
    names = _modality_names()
    systems = [s for s in rows["body_system"].cat.categories if (rows["body_system"] == s).any()]
    table = pd.DataFrame(
        {
            "Body system": [_body_system_label(str(s)) for s in systems],
            **{
                names[m]: [
                    [f"• {e}" for e in rows[(rows["modality_id"] == m) & (rows["body_system"] == s)]["effect"]]
                    or "None listed in this collection"
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
                (text, Strong(f"Days {days}.")) if days else text
                for text, days in zip(rows["onset_text"], rows["days"])
            ],
            "How long it lasts": rows["duration_text"].replace("", "—"),
        }
    )
    return styled(table, "When side effects start and how long they last, across all treatments")


@escaped_figure
def onset_days_chart() -> go.Figure:
    """Onset as a bar of days, for the side effects whose source gives days.

    Every other side effect has only a qualitative onset; the chart says how
    many, so nobody reads the bars as the whole picture.
    """
    rows = onset_rows()
    with_days = rows[rows["days"] != ""]
    fig = figure()
    patterns = dict(zip(MODALITY_ORDER, ("", "/", "x", ".", "+", "-")))
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
    groups = [(group, part["explanation"].iloc[0] or "Each side effect below has its own explanation.",
               ", ".join(part["effect"])) for group, part in rows.groupby("group", sort=False)]
    return str(macro("lessons.html.j2", "mechanism_summary", name.lower(), groups))


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

    from helpers.explorer import Explorer, deferred_face

    names = _modality_names()
    dropdown = widgets.Dropdown(options=[(names[m], m) for m in MODALITY_ORDER], value="chemotherapy",
                                description="Treatment", style={"description_width": "initial"},
                                layout=fit())
    return Explorer({"modality": dropdown}, mechanism_view, static_face=deferred_face(mechanism_overview_table),
                    title="Mechanism explorer")
