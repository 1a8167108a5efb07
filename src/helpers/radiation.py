"""Radiation therapy for spinal tumours: techniques, fractionation and side effects by level.

Pure builders (tables and figures from ``helpers.data``) plus two explorers,
used by ``04_radiation_therapy``:

* techniques: :func:`technique_table`, :func:`uses_table`;
* fractionation: :func:`schedules` (BED and EQD2 of every schedule in
  ``radiation_regimens.csv``, computed by :func:`helpers.calculators.bed` and
  :func:`helpers.calculators.eqd2`), :func:`fraction_map`, :func:`eqd2_chart`,
  :func:`dose_table`, :func:`fractionation_explorer`;
* the spinal cord: :func:`cord_limits_table`;
* side effects by spinal level: :func:`level_effects`, :func:`level_explorer`,
  :func:`all_levels_table`;
* supportive medicines: :func:`supportive_medicines_table`.

Every clinical value comes from a cited row in ``data/``; the alpha/beta
ratios and the dose per fraction above which BED and EQD2 are only nominal are
in ``radiobiology_parameters.csv``.  Doses are in gray (Gy).
"""

from __future__ import annotations


import pandas as pd
import plotly.graph_objects as go

from helpers import calculators, claims, data
from helpers.errors import InputError
from helpers.explorer import Explorer, deferred_face
from helpers.lesson import cite, cite_rows
from helpers.plotting import PALETTE, with_menu, figure
from helpers.render import escaped_figure, macro
from helpers.tables import styled

MODALITY = "radiation_therapy"

# Display styling for the techniques in radiation_regimens.csv.  Each has a
# colour, a marker symbol and a bar pattern, so colour never carries meaning alone.
TECHNIQUE_LABELS = {
    "conventional_ebrt": "Conventional external beam",
    "sbrt": "SBRT (stereotactic, 2 to 5 fractions)",
    "srs": "SRS (stereotactic, 1 fraction)",
    "craniospinal": "Craniospinal (brain and whole spine)",
}
TECHNIQUE_COLOURS = dict(zip(TECHNIQUE_LABELS, (PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3])))
TECHNIQUE_SYMBOLS = dict(zip(TECHNIQUE_LABELS, ("circle", "diamond", "star", "square")))
TECHNIQUE_PATTERNS = dict(zip(TECHNIQUE_LABELS, ("", "/", "x", ".")))


# --------------------------------------------------------------------------
# Radiobiology parameters (alpha/beta ratios, the model's limit)
# --------------------------------------------------------------------------

def _parameters() -> pd.DataFrame:
    return data.load("radiobiology_parameters")


def alpha_beta_options() -> list[tuple[str, float]]:
    """(label, α/β in Gy) pairs for a dropdown, from ``radiobiology_parameters.csv``."""
    rows = cite_rows(_parameters().query("kind == 'alpha_beta'"))
    return [(f"{value:g} Gy: {name.split(' for ', 1)[-1]}", float(value))
            for name, value in zip(rows["name"], rows["value"])]


def _alpha_beta_row(alpha_beta_gy: float) -> pd.Series | None:
    parameters = _parameters()
    rows = parameters[parameters["kind"] == "alpha_beta"]
    match = rows[rows["value"] == float(alpha_beta_gy)]
    return None if match.empty else match.iloc[0]


@data.cached_join
def _nominal_row() -> pd.DataFrame:
    parameters = _parameters()
    return parameters[parameters["id"] == "lq_nominal_above"]


def nominal_above_gy() -> float:
    """Dose per fraction (Gy) above which BED and EQD2 are treated as nominal."""
    row = cite_rows(_nominal_row())
    return float(row["value"].iloc[0])


# --------------------------------------------------------------------------
# Schedules: BED and EQD2
# --------------------------------------------------------------------------

#: How each technique's schedules are named, from their numbers (``regimen_name``).
_NAME_FORMS = {
    "conventional_ebrt": "{dose}",
    "sbrt": "{dose} (SBRT)",
    "srs": "{dose} (SRS)",
    "craniospinal": "Craniospinal {dose}",
}
#: The radiation sub-type (``modality_subtypes``) each technique of ``radiation_regimens`` belongs to.
TECHNIQUE_SUBTYPES = {
    "conventional_ebrt": "conventional_ebrt",
    "sbrt": "stereotactic_sbrt_srs",
    "srs": "stereotactic_sbrt_srs",
    "craniospinal": "craniospinal_whole_spine",
}


def regimen_name(total_dose_gy: float, fractions: int, technique: str = "conventional_ebrt") -> str:
    """A schedule's name from its numbers: '30 Gy in 10 fractions', '24 Gy in 2 fractions (SBRT)'."""
    fractions = int(fractions)
    dose = f"{_gy(float(total_dose_gy))} Gy in {fractions} fraction{'' if fractions == 1 else 's'}"
    return _NAME_FORMS[technique].format(dose=dose)


@data.cached_join
def _regimens() -> pd.DataFrame:
    # The name is rendered from total_dose_gy and fractions, so each number is written once.
    frame = data.load("radiation_regimens").copy()
    frame.insert(1, "name", [regimen_name(d, n, str(t)) for d, n, t in
                             zip(frame["total_dose_gy"], frame["fractions"], frame["technique"])])
    return frame


def schedule_choices() -> list[tuple[str, str]]:
    """(name, id) pairs of every schedule, in the data's order."""
    regimens = _regimens()
    return list(zip(regimens["name"].astype(str), regimens["id"].astype(str)))


def _check_schedule(regimen_id: str) -> None:
    valid = [rid for _name, rid in schedule_choices()]
    if regimen_id not in valid:
        raise InputError(f"unknown schedule {regimen_id!r}; choose from {', '.join(valid)}")


def schedules(alpha_beta_gy: float) -> pd.DataFrame:
    """Every schedule with its BED and EQD2 (Gy) for one α/β ratio (Gy).

    Columns: the columns of ``radiation_regimens`` plus ``bed_gy``,
    ``eqd2_gy``, ``nominal`` (True when the dose per fraction is above
    :func:`nominal_above_gy`) and ``rank`` (1 = highest EQD2).  A bad α/β
    raises :class:`~helpers.errors.InputError` from the calculators.
    """
    calculators.bed(1.0, 1, alpha_beta_gy)  # a bad α/β raises the calculators' one-line InputError
    frame = _schedules(float(alpha_beta_gy))
    cite_rows(frame)
    nominal_above_gy()  # records its source
    cite("fowler1989_lq")
    return frame


@data.cached_join
def _schedules(alpha_beta_gy: float) -> pd.DataFrame:
    # The tables do not change during a session; explorers recompute on every
    # change, so the arithmetic is done once per α/β.
    frame = _regimens().reset_index(drop=True)
    frame["bed_gy"] = [calculators.bed(d, n, alpha_beta_gy)
                       for d, n in zip(frame["total_dose_gy"], frame["fractions"])]
    frame["eqd2_gy"] = [calculators.eqd2(d, n, alpha_beta_gy)
                        for d, n in zip(frame["total_dose_gy"], frame["fractions"])]
    frame["nominal"] = frame["dose_per_fraction_gy"] > nominal_above_gy()
    frame["rank"] = frame["eqd2_gy"].rank(ascending=False, method="first").astype(int)
    return frame


def _fractions_text(fractions: int, dose_per_fraction_gy: float) -> str:
    """'1 fraction of 8 Gy', '5 fractions of 6 Gy' (hover text, numbers as a reader writes them)."""
    return f"{fractions} fraction{'' if fractions == 1 else 's'} of {_gy(dose_per_fraction_gy)} Gy"


def one_decimal(value: float) -> str:
    """A dose to one decimal place, halves rounded up as on paper (74.25 -> "74.3"), not to the nearest even digit.

    Python's ``f"{74.25:.1f}"`` gives "74.2" (the float is exactly 74.25 and Python rounds a tie to even),
    while the charts' hover text (plotly.js) and hand arithmetic give 74.3.
    """
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _gy(value: float) -> str:
    """A dose for reading: at most two decimals, no trailing zeros (8, 2.5, 1.67)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _short(total: float, fractions: int) -> str:
    return f"{total:g} Gy × 1" if fractions == 1 else f"{total:g} Gy in {fractions}"


@escaped_figure
def fraction_map() -> go.Figure:
    """Dose per fraction against number of fractions, one marker per schedule."""
    frame = schedules(10.0)
    limit = nominal_above_gy()
    fig = figure()
    top = float(frame["dose_per_fraction_gy"].max()) + 2
    fig.add_shape(type="rect", xref="x", yref="y", x0=0, x1=21.5, y0=limit, y1=top,
                  fillcolor="#EEEEEE", line=dict(width=0), layer="below")
    fig.add_annotation(x=21.3, y=top - 0.6, xanchor="right", showarrow=False, font=dict(size=12),
                       text=f"Shaded: above {limit:g} Gy per fraction, BED and EQD2 are nominal")
    for technique, label in TECHNIQUE_LABELS.items():
        part = frame[frame["technique"].astype(str) == technique]
        if part.empty:
            continue
        positions = [_text_position(frame, row) for row in part.itertuples(index=False)]
        fig.add_trace(go.Scatter(
            x=part["fractions"].astype(int), y=part["dose_per_fraction_gy"], mode="markers+text", name=label,
            text=[_short(d, n) for d, n in zip(part["total_dose_gy"], part["fractions"].astype(int))],
            textposition=positions, textfont=dict(size=12),
            marker=dict(color=TECHNIQUE_COLOURS[technique], symbol=TECHNIQUE_SYMBOLS[technique], size=14,
                        line=dict(color="white", width=1)),
            customdata=[[str(row.name), _fractions_text(int(row.fractions), float(row.dose_per_fraction_gy))]
                        for row in part.itertuples(index=False)],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        ))
    fig.update_layout(
        title="Few large fractions or many small ones: the spine schedules",
        xaxis=dict(title="Number of fractions (treatment sessions)", range=[0, 21.5], dtick=2),
        yaxis=dict(title="Dose per fraction (Gy)", range=[0, top]),
        legend=dict(title=dict(text="Technique", side="top"), orientation="h", y=-0.22,
                    x=0, xanchor="left"),
        height=520,
    )
    return fig


def _text_position(frame: pd.DataFrame, row) -> str:
    """Place each label where it does not collide with a neighbour's."""
    if row.fractions >= 15:
        return "middle left"
    same_dose = frame[(frame["dose_per_fraction_gy"] == row.dose_per_fraction_gy) & (frame["id"] != row.id)]
    if not same_dose.empty and (abs(same_dose["fractions"] - row.fractions) <= 2).any():
        return "top center" if row.fractions < same_dose["fractions"].min() else "bottom center"
    return "middle right"


@escaped_figure
def eqd2_chart(alpha_beta_gy: float, highlight: str | None = None) -> go.Figure:
    """EQD2 of every schedule (bars, largest at the top) with its physical total dose.

    ``highlight`` (a schedule id) is outlined and labelled "your choice".
    Schedules above the nominal limit carry an asterisk.
    """
    if highlight is not None:
        _check_schedule(highlight)
    frame = schedules(alpha_beta_gy).sort_values("eqd2_gy", kind="mergesort")
    categories = frame["name"].astype(str).tolist()
    fig = figure()
    for technique, label in TECHNIQUE_LABELS.items():
        part = frame[frame["technique"].astype(str) == technique]
        if part.empty:
            continue
        chosen = part["id"].astype(str) == (highlight or "")
        fig.add_trace(go.Bar(
            x=part["eqd2_gy"], y=part["name"].astype(str), orientation="h", name=label,
            marker=dict(color=TECHNIQUE_COLOURS[technique],
                        pattern=dict(shape=TECHNIQUE_PATTERNS[technique], fillmode="overlay",
                                     fgcolor="white", solidity=0.35),
                        line=dict(color=["#000000" if c else TECHNIQUE_COLOURS[technique] for c in chosen],
                                  width=[4 if c else 1 for c in chosen])),
            customdata=[[one_decimal(bed), _gy(dpf)] for bed, dpf in zip(part["bed_gy"], part["dose_per_fraction_gy"])],
            hovertemplate=("%{y}<br>EQD2 %{x:.1f} Gy, BED %{customdata[0]} Gy"
                           "<br>%{customdata[1]} Gy per fraction<extra></extra>"),
        ))
    fig.add_trace(go.Scatter(
        x=frame["total_dose_gy"], y=categories, mode="markers", name="Physical total dose",
        marker=dict(symbol="line-ns-open", size=18, color="#000000", line=dict(width=3)),
        customdata=[_gy(d) for d in frame["total_dose_gy"]],
        hovertemplate="%{y}<br>Physical total dose %{customdata} Gy<extra></extra>",
    ))
    # Value labels sit right of whichever is longer, the bar or the tick, so they never collide.
    top = float(frame[["eqd2_gy", "total_dose_gy"]].to_numpy().max())
    labels = [f"{one_decimal(e)}{' *' if nom else ''}{'  ◀ your choice' if rid == highlight else ''}"
              for e, nom, rid in zip(frame["eqd2_gy"], frame["nominal"], frame["id"].astype(str))]
    fig.add_trace(go.Scatter(
        x=[max(e, t) + top * 0.015 for e, t in zip(frame["eqd2_gy"], frame["total_dose_gy"])], y=categories,
        mode="text", text=labels, textposition="middle right", textfont=dict(size=12, color="#000000"),
        showlegend=False, hoverinfo="skip", cliponaxis=False,
    ))
    limit = nominal_above_gy()
    annotations = [dict(xref="paper", yref="paper", x=0, y=-0.2, xanchor="left", showarrow=False,
                        font=dict(size=12),
                        text=f"* above {limit:g} Gy per fraction: nominal value. Black tick: physical total dose.")]
    fig.update_layout(
        title=f"EQD2 of each schedule with α/β = {alpha_beta_gy:g} Gy",
        xaxis=dict(title=f"EQD2: equivalent dose in 2-Gy fractions (Gy), α/β {alpha_beta_gy:g} Gy",
                   range=[0, top * (1.45 if highlight else 1.25)]),
        yaxis=dict(title="Schedule", type="category", categoryorder="array", categoryarray=categories),
        barmode="overlay",
        legend=dict(title=dict(text="Technique", side="top"), orientation="h", y=-0.3,
                    x=0, xanchor="left"),
        annotations=annotations,
        height=600,
        margin=dict(b=150),
    )
    return fig


def schedule_summary(regimen_id: str, alpha_beta_gy: float) -> str:
    """HTML: dose per fraction, BED, EQD2 and rank of one schedule for one α/β."""
    _check_schedule(regimen_id)
    frame = schedules(alpha_beta_gy)
    row = frame[frame["id"].astype(str) == regimen_id].iloc[0]
    meaning = _alpha_beta_row(alpha_beta_gy)
    if meaning is not None:
        cite(meaning["source_ids"])
    return str(macro(
        "lessons.html.j2", "schedule_summary", str(row["name"]), int(row["fractions"]),
        f"{row['dose_per_fraction_gy']:g}", f"{alpha_beta_gy:g}",
        str(meaning["applies_to"]).lower() if meaning is not None else "",
        one_decimal(row["bed_gy"]), one_decimal(row["eqd2_gy"]), int(row["rank"]), len(frame),
        f"{nominal_above_gy():g}" if bool(row["nominal"]) else "",
        str(meaning["note"]) if meaning is not None else "",
        str(row["typical_use"]), str(row["evidence_note"]),
    ))


def fractionation_view(schedule: str, alpha_beta: float) -> list:
    """What the fractionation explorer shows: a summary and the EQD2 chart."""
    return [schedule_summary(schedule, alpha_beta), eqd2_chart(alpha_beta, highlight=schedule)]


@escaped_figure
def eqd2_menu_chart() -> go.Figure:
    """Static face: the EQD2 chart with a menu over the α/β ratios."""
    return with_menu([(label, eqd2_chart(ab)) for label, ab in alpha_beta_options()],
                     title="EQD2 of every schedule", menu_label="α/β")


def fractionation_explorer() -> Explorer:
    """Pick a schedule and an α/β ratio; see dose per fraction, BED, EQD2 and where it ranks."""
    import ipywidgets as widgets
    from helpers.controls import fit

    choices = schedule_choices()
    schedule = widgets.Dropdown(options=choices, value="sbrt_24gy_2fx" if "sbrt_24gy_2fx" in dict(choices).values()
                                else choices[0][1], description="Schedule",
                                style={"description_width": "initial"}, layout=fit())
    ratios = alpha_beta_options()
    alpha_beta = widgets.Dropdown(options=ratios, value=ratios[0][1], description="α/β ratio",
                                  style={"description_width": "initial"}, layout=fit())
    return Explorer({"schedule": schedule, "alpha_beta": alpha_beta}, fractionation_view,
                    static_face=deferred_face(eqd2_menu_chart), title="Fractionation explorer")


def dose_table():
    """Every schedule with dose per fraction, BED and EQD2 for each α/β ratio in the data."""
    ratios = alpha_beta_options()
    base = schedules(ratios[0][1])
    table = pd.DataFrame({
        "Schedule": base["name"],
        "Technique": [TECHNIQUE_LABELS[str(t)] for t in base["technique"]],
        "Dose per fraction (Gy)": [f"{d:g}" + (" *" if nom else "") for d, nom in
                                   zip(base["dose_per_fraction_gy"], base["nominal"])],
    })
    for _label, ab in ratios:
        frame = schedules(ab)
        table[f"BED, α/β {ab:g} (Gy)"] = [one_decimal(v) for v in frame["bed_gy"]]
        table[f"EQD2, α/β {ab:g} (Gy)"] = [one_decimal(v) for v in frame["eqd2_gy"]]
    table["Typical use"] = base["typical_use"]
    return styled(table, f"BED and EQD2 of every schedule (* above {nominal_above_gy():g} Gy per fraction: nominal)")


# --------------------------------------------------------------------------
# Techniques and where radiation is used
# --------------------------------------------------------------------------

_TECHNIQUE_ASPECTS = {
    "sessions_note": "Sessions (fractions)",
    "dose_note": "Dose per session",
    "target_and_margin": "What the beam covers",
    "precision_and_positioning": "Precision and positioning",
    "typical_uses": "Typically used for",
    "nursing_focus": "Nursing focus",
}


def _count_range(low: float, high: float, unit: str) -> str:
    return f"{_gy(low)} {unit}" if low == high else f"{_gy(low)} to {_gy(high)} {unit}"


def technique_sessions_text(subtype_id: str) -> str:
    """The sessions of a technique, from its schedules: '1 to 10 sessions (8 Gy in 1, ...): <note>'."""
    regimens = _technique_regimens(subtype_id)
    note = str(data.load("radiation_techniques").set_index("subtype_id").loc[subtype_id, "sessions_note"])
    fractions = regimens["fractions"].astype(int)
    count = _count_range(fractions.min(), fractions.max(), "sessions" if fractions.max() > 1 else "session")
    shown = ", ".join(_short_in(d, n) for d, n in zip(regimens["total_dose_gy"], fractions))
    return f"{count} in the schedules here ({shown}); {note}."


def technique_dose_text(subtype_id: str) -> str:
    """The dose per session of a technique, from its schedules: '3 to 8 Gy per session here: <note>'."""
    regimens = _technique_regimens(subtype_id)
    note = str(data.load("radiation_techniques").set_index("subtype_id").loc[subtype_id, "dose_note"])
    doses = regimens["dose_per_fraction_gy"].astype(float)
    return f"{_count_range(doses.min(), doses.max(), 'Gy')} per session in the schedules here: {note}."


def _technique_regimens(subtype_id: str) -> pd.DataFrame:
    regimens = _regimens()
    mine = regimens[[TECHNIQUE_SUBTYPES[str(t)] == subtype_id for t in regimens["technique"]]]
    if mine.empty:
        raise InputError(f"no schedule in radiation_regimens.csv belongs to {subtype_id!r}")
    cite_rows(mine)
    return mine


def _short_in(total: float, fractions: int) -> str:
    return f"{_gy(float(total))} Gy in {int(fractions)}"


def technique_table():
    """Conventional, stereotactic and whole-spine radiation compared, aspect by aspect.

    The sessions and doses per session are rendered from the schedules in
    ``radiation_regimens.csv``; the other aspects are the words of
    ``radiation_techniques.csv``.
    """
    techniques = cite_rows(data.load("radiation_techniques"))
    subtypes = data.load("modality_subtypes")
    subtypes = cite_rows(subtypes[subtypes["id"].isin(techniques["subtype_id"])]).set_index("id")
    rendered = {"sessions_note": technique_sessions_text, "dose_note": technique_dose_text}
    columns = {"Aspect": list(_TECHNIQUE_ASPECTS.values())}
    for row in techniques.itertuples(index=False):
        columns[str(subtypes.loc[row.subtype_id, "name"])] = [
            rendered[a](row.subtype_id) if a in rendered else str(getattr(row, a)) for a in _TECHNIQUE_ASPECTS]
    return styled(pd.DataFrame(columns), "Three ways of giving radiation to the spine, compared")


def uses_table():
    """Where radiation fits in the synthetic scenarios: form, role and why."""
    plan = data.load("scenario_modalities")
    plan = cite_rows(plan[plan["modality_id"] == MODALITY])
    scenarios = data.load("scenarios").set_index("id")
    subtypes = data.load("modality_subtypes").set_index("id")
    table = pd.DataFrame({
        "Situation (synthetic scenario)": [str(scenarios.loc[s, "title"]) for s in plan["scenario_id"]],
        "Form of radiation": [str(subtypes.loc[s, "name"]) if s else "" for s in plan["subtype_id"]],
        "Role": [data.ROLE_LABELS[str(r)] for r in plan["role"]],
        "Used": ["usually" if str(d) == "usual" else "only if needed" for d in plan["decision"]],
        "Why": plan["rationale"],
    })
    return styled(table, "Where radiation fits: the synthetic teaching scenarios")


# --------------------------------------------------------------------------
# The spinal cord
# --------------------------------------------------------------------------

def cord_alpha_beta_gy() -> float:
    """The α/β ratio (Gy) used for late spinal cord effects."""
    row = cite_rows(_parameters().query("id == 'alpha_beta_spinal_cord_late'"))
    return float(row["value"].iloc[0])


def cord_limits() -> pd.DataFrame:
    """Cord dose limits with ``eqd2_gy`` at the cord α/β (NaN for conventional limits)."""
    limits = cite_rows(data.load("spinal_cord_dose_limits")).reset_index(drop=True)
    ab = cord_alpha_beta_gy()
    limits["eqd2_gy"] = [calculators.eqd2(d, int(n), ab) if pd.notna(n) else float("nan")
                         for d, n in zip(limits["total_dose_gy"], limits["fractions"])]
    cite("fowler1989_lq")
    return limits


def cord_limits_table():
    """Published spinal cord dose limits, their risk, and the EQD2 of each at the cord α/β."""
    limits = cord_limits()
    ab = cord_alpha_beta_gy()
    table = pd.DataFrame({
        "Schedule type": limits["fractionation"].astype(str),
        "Where the dose is measured": limits["structure"],
        "Dose limit (Gy)": [f"{d:g}" for d in limits["total_dose_gy"]],
        "Fractions": [str(int(n)) if pd.notna(n) else "daily, many" for n in limits["fractions"]],
        "Dose per fraction": [cord_fraction_size_text(row) for _i, row in limits.iterrows()],
        "Risk of myelopathy": [cord_risk_text(row) for _i, row in limits.iterrows()],
        f"EQD2 at α/β {ab:g} (Gy)": [
            ("close to the total (small fractions)" if pd.isna(e)
             else f"{one_decimal(e)}*" if d / n > nominal_above_gy() else one_decimal(e))
            for e, d, n in zip(limits["eqd2_gy"], limits["total_dose_gy"], limits["fractions"])],
        "Data": limits["population"],
    })
    # The EQD2 column is our arithmetic, not the sources' limits: say so where the table is read (issue 11).
    quantec = claims.wording("rt_cord_alpha_beta_quantec")
    cite("kirkpatrick2010_quantec_cord")
    caption = (f"Spinal cord dose limits used in planning, and their EQD2 at α/β {ab:g} Gy. The limits are the "
               f"sources' own (QUANTEC from clinical reports; Sahgal 2013 converted doses with α/β {ab:g} Gy); the EQD2 "
               "column is a nominal linear-quadratic value, least reliable at large doses per fraction (* above "
               f"{nominal_above_gy():g} Gy), and {quantec}.")
    return styled(table, caption)


def cord_fraction_size_text(limit: pd.Series) -> str:
    """Dose per fraction of a cord limit, from its numbers: '13 Gy', '6.7 Gy', '1.8 to 2 Gy'."""
    if pd.notna(limit["fractions"]):
        return f"{_gy(round(float(limit['total_dose_gy']) / int(limit['fractions']), 1))} Gy"
    return _count_range(float(limit["fraction_size_low_gy"]), float(limit["fraction_size_high_gy"]), "Gy")


def cord_risk_text(limit: pd.Series) -> str:
    """The myelopathy risk of a cord limit, from its numbers: 'under 1%', '5% or less'."""
    pct = f"{float(limit['risk_pct']):g}%"
    return f"under {pct}" if str(limit["risk_bound"]) == "below" else f"{pct} or less"


# --------------------------------------------------------------------------
# Side effects by spinal level
# --------------------------------------------------------------------------

def level_choices() -> list[tuple[str, str]]:
    """(name, id) pairs of the spinal levels, from the neck down."""
    levels = data.load("spinal_levels")
    return list(zip(levels["name"].astype(str), levels["id"].astype(str)))


def _check_level(level_id: str) -> None:
    valid = [lid for _name, lid in level_choices()]
    if level_id not in valid:
        raise InputError(f"unknown spinal level {level_id!r}; choose from {', '.join(valid)}")


def level_effects(level_id: str) -> pd.DataFrame:
    """Radiation side effects specific to one spinal level, with linked supportive care."""
    _check_level(level_id)
    rows = data.side_effects_with_care(MODALITY)
    return cite_rows(rows[rows["spinal_level_id"] == level_id].reset_index(drop=True))


def any_level_effects() -> pd.DataFrame:
    """Effects of radiation at any level and with any technique (blank level and form)."""
    rows = data.side_effects_with_care(MODALITY)
    return cite_rows(rows[(rows["spinal_level_id"] == "") & (rows["subtype_id"] == "")].reset_index(drop=True))


def level_summary(level_id: str) -> str:
    """HTML: the level's vertebrae, the organs near the beam and the effects at every level."""
    _check_level(level_id)
    levels = cite_rows(data.load("spinal_levels")).set_index("id")
    row = levels.loc[level_id]
    general = any_level_effects()
    acute = general[general["onset_phase"].astype(str) != "late"]["effect"]
    return str(macro("lessons.html.j2", "level_summary", row.to_dict(), "; ".join(acute.str.lower())))


def level_table(level_id: str):
    """The level's own side effects: when they start, and what the nurse assesses, does and teaches."""
    rows = level_effects(level_id)
    name = dict((lid, n) for n, lid in level_choices())[level_id]
    table = pd.DataFrame({
        "Side effect": rows["effect"],
        "When it starts": rows["onset_text"],
        "Assess": rows["nursing_assessment"],
        "Act": rows["nursing_interventions"],
        "Teach": rows["patient_teaching"],
        "Red flags": rows["red_flags"],
        "Supportive care": rows["supportive_care"].replace("", "—"),
    })
    return styled(table, f"Radiation to the {name.split(' (')[0].lower()}: side effects and nursing care")


def level_view(level: str) -> list:
    """What the level explorer shows for one spinal level."""
    return [level_summary(level), level_table(level)]


def all_levels_table():
    """Every spinal level with the organs near the beam, its effects and the care for them."""
    levels = cite_rows(data.load("spinal_levels"))
    records = []
    for level in levels.itertuples(index=False):
        rows = level_effects(str(level.id))
        records.append({
            "Level treated": f"{level.name} ({level.vertebrae})",
            "Organs in or near the beam": level.organs_near_field,
            "Side effects": "; ".join(rows["effect"]),
            "What the nurse does": " ".join(rows["nursing_interventions"]),
            "Supportive care": "; ".join(sorted({c for cell in rows["supportive_care"] for c in cell.split(", ") if c}))
                               or "—",
        })
    return styled(pd.DataFrame(records), "Side effects and nursing care by the part of the spine treated")


def level_explorer() -> Explorer:
    """Choose the part of the spine treated; see its side effects and their nursing care."""
    import ipywidgets as widgets
    from helpers.controls import fit

    choices = level_choices()
    dropdown = widgets.Dropdown(options=choices, value=choices[0][1], description="Part of the spine treated",
                                style={"description_width": "initial"}, layout=fit())
    return Explorer({"level": dropdown}, level_view, static_face=deferred_face(all_levels_table),
                    title="Side effects by spinal level")


# --------------------------------------------------------------------------
# Supportive medicines: steroids and blood thinners
# --------------------------------------------------------------------------

SUPPORTIVE_MEDICINES = ("dexamethasone_management", "anticoagulation_treatment", "vte_prophylaxis")


def supportive_medicines_table():
    """Steroids for swelling and blood thinners for clots: purpose, evidence, nursing, local variation."""
    care = data.load("supportive_care").set_index("id").loc[list(SUPPORTIVE_MEDICINES)].reset_index()
    cite_rows(care)
    table = pd.DataFrame({
        "Medicine": care["name"],
        "What it is for": care["what_it_addresses"],
        "What the evidence says": care["evidence_note"],
        "What the nurse does": care["nurse_role"],
        "Where practice varies": [note if varies else "—" for note, varies in
                                  zip(care["practice_note"], care["practice_varies"])],
    })
    return styled(table, "Steroids and blood thinners during radiation: what they do and what the nurse does")
