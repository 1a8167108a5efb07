"""Chemotherapy (lesson 03): routes, why side effects happen, and the blood counts over a cycle.

Pure builders read ``data/`` through :mod:`helpers.data` and record the sources
they show (:func:`helpers.lesson.cite_rows`); one explorer wraps them. The
tables behind this module (documented in ``data/README.md``):

* ``chemotherapy_routes``: oral, intravenous and intrathecal compared;
* ``chemotherapy_tissues``: which fast-dividing tissue each side effect comes from;
* ``chemotherapy_cycle_phases`` and ``chemotherapy_cycle_checks``: what the
  nurse checks on each day of an illustrative 28-day cycle, per route;
* ``blood_count_course``: ILLUSTRATIVE points for the nadir chart (a shape for
  teaching, never data for a specific drug);
* ``chemotherapy_topics``: short cited statements (body surface area dosing,
  steroids, chemotherapy with surgery or radiation).

Days are counted after the dose: day 0 is the treatment day.
"""

from __future__ import annotations

import numbers

import pandas as pd
import plotly.graph_objects as go

from helpers import claims, data
from helpers.errors import InputError
from helpers.explorer import Explorer, deferred_face
from helpers.lesson import cite, cite_rows
from helpers.plotting import PALETTE, with_menu, figure
from helpers.render import escaped_figure, macro, plotly_lines, plotly_safe, plotly_wrap
from helpers.tables import Table, styled

#: Routes in teaching order (the ids of ``chemotherapy_routes``).
ROUTE_ORDER = ("oral", "intravenous", "intrathecal")
#: First and last day of the illustrative cycle, in days after the dose.
CYCLE_DAYS = (0, 28)

# Presentation of the mechanism chart: each tissue group has a colour AND a
# line style, so the groups stay apart in greyscale print.
TISSUE_GROUPS = {
    "hair_follicles": ("Hair follicles", PALETTE[3], "solid"),
    "mouth_and_gut_lining": ("Lining of the mouth and gut", PALETTE[2], "dash"),
    # Nausea is a signalling effect (serotonin, substance P), not damage to dividing cells.
    "vomiting_signals": ("Vomiting signals (gut to brain)", PALETTE[4], "dashdot"),
    "bone_marrow": ("Bone marrow", PALETTE[0], "dot"),
}
# Which supportive-care rows each table of the lesson shows (ids of supportive_care).
SUPPORTIVE_CARE_GROUPS = {
    "prevention": ("antiemetic_therapy", "growth_factor_support", "blood_count_monitoring"),
    "strength": ("nutrition_therapy", "pain_management", "oncology_rehabilitation", "cognitive_behavioural_therapy",
                 "mindfulness_programmes", "tai_chi_qigong", "oral_care", "mind_body_medicine",
                 "naturopathic_integrative_support"),
}
_SUPPORTIVE_CAPTIONS = {
    "prevention": "Medicines and blood tests that prevent problems during chemotherapy",
    "strength": "Supportive care that keeps people strong during chemotherapy",
}
_TOPIC_CAPTIONS = {
    "bsa_dosing": "Why chemotherapy doses are based on body surface area",
    "steroid_uses": "Why steroids (dexamethasone) are given",
    "steroid_monitoring": "What to monitor while someone takes steroids",
    "combined_treatment": "Chemotherapy together with surgery or radiation",
}
#: The claim that says how neutropenic sepsis pathways differ (the febrile neutropenia row's "where practice varies").
FEVER_PATHWAY_VARIES = "nsepsis_pathway_varies"
_NADIR_PHASE = "nadir"
_RECOVERED_PHASE = "next_cycle"


# --------------------------------------------------------------------------
# Checks of the arguments a student may type
# --------------------------------------------------------------------------

def _route(route: object) -> str:
    if route not in ROUTE_ORDER:
        raise InputError(f"unknown route {route!r}; choose from {', '.join(ROUTE_ORDER)}")
    return str(route)


def _day(day: object) -> int:
    low, high = CYCLE_DAYS
    if isinstance(day, bool) or not isinstance(day, numbers.Real) or day != int(day) or not low <= day <= high:
        raise InputError(f"day must be a whole number of days after the dose from {low} to {high}; got {day!r}")
    return int(day)


def _table(frame: pd.DataFrame, caption: str, one_item_per_line: bool = False) -> Table:
    """A captioned table (:func:`helpers.tables.styled`); optionally each line of a cell on its own line."""
    return styled(frame, caption, one_item_per_line=one_item_per_line)


def _wrap(text: str, width: int) -> str:
    return plotly_wrap(text, width)


# --------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------

def routes() -> pd.DataFrame:
    """The three routes with their invasiveness level (0-4) and its label, in teaching order."""
    table = data.load("chemotherapy_routes")
    subtypes = cite_rows(data.load("modality_subtypes")[lambda d: d["id"].isin(table["subtype_id"])])
    levels = data.load("invasiveness_levels")
    level_of = dict(zip(subtypes["id"], subtypes["invasiveness_level"].astype(int)))
    # The level labels name the project's own scale (defined and cited in lesson 01); the sources of
    # those rows are about other modalities' examples, so they are not added to this lesson's references.
    label_of = dict(zip(levels["id"].astype(int), levels["label"].astype(str)))
    table["invasiveness_level"] = [level_of[s] for s in table["subtype_id"]]
    table["invasiveness_label"] = [label_of[v] for v in table["invasiveness_level"]]
    table = table.set_index("id").loc[list(ROUTE_ORDER)].reset_index()
    return cite_rows(table)


_ROUTE_ASPECTS = (
    ("How it is given", "how_given"),
    ("Where, and who gives it", "where_and_who"),
    ("What it reaches", "what_it_reaches"),
    ("Which drugs", "example_drugs"),
    ("Invasiveness (0–4 scale of lesson 01)", "invasiveness"),
    ("Main risks of the route", "main_risks"),
    ("Nursing focus", "nursing_focus"),
    ("What to teach", "patient_teaching"),
)


def route_comparison_table() -> Table:
    """The three routes side by side: one column per route, one row per aspect."""
    table = routes()
    table["invasiveness"] = table["invasiveness_level"].astype(str) + " – " + table["invasiveness_label"]
    frame = pd.DataFrame({"Aspect": [label for label, _ in _ROUTE_ASPECTS]})
    for row in table.itertuples(index=False):
        frame[row.name] = [str(getattr(row, column)) for _, column in _ROUTE_ASPECTS]
    return _table(frame, "The three routes of chemotherapy compared")


# --------------------------------------------------------------------------
# Why side effects happen: the mechanism chart
# --------------------------------------------------------------------------

def tissues() -> pd.DataFrame:
    """Each whole-modality chemotherapy side effect with the tissue it comes from, in chart order."""
    table = data.load("chemotherapy_tissues")
    effects = cite_rows(data.load("side_effects").set_index("id").loc[table["side_effect_id"]].reset_index())
    table["effect"] = effects["effect"].to_numpy()
    order = {group: index for index, group in enumerate(TISSUE_GROUPS)}
    table["_order"] = [order[str(g)] for g in table["tissue_group"]]
    table = table.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    return cite_rows(table)


@escaped_figure
def mechanism_chart() -> go.Figure:
    """From the tissue or signal it starts in, to side effect, to the nurse's first action; one row per side effect."""
    rows = tissues()
    n = len(rows)
    y_of = {i: n - 1 - i for i in range(n)}  # first row at the top
    fig = figure()
    annotations = []

    def box(x, y, text, colour, bold=False):
        body = f"<b>{text}</b>" if bold else text
        annotations.append(dict(x=x, y=y, text=body, showarrow=False, align="center", bgcolor="white",
                                bordercolor=colour, borderwidth=2, borderpad=4, font=dict(size=12)))

    for group, (label, colour, dash) in TISSUE_GROUPS.items():
        members = [i for i, g in enumerate(rows["tissue_group"].astype(str)) if g == group]
        if not members:
            continue
        y_group = sum(y_of[i] for i in members) / len(members)
        xs, ys = [], []
        for i in members:
            xs += [0, 1, 2, None]
            ys += [y_group, y_of[i], y_of[i], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=label, line=dict(color=colour, dash=dash, width=3),
                                 hoverinfo="skip"))
        box(0, y_group, _wrap(label, 16), colour, bold=True)
        for i in members:
            row = rows.iloc[i]
            box(1, y_of[i], "<b>" + _wrap(row["effect"], 26) + "</b><br><i>" + _wrap(row["what_goes_wrong"], 30) + "</i>", colour)
            box(2, y_of[i], _wrap(row["first_nursing_action"], 32), colour)
    fig.update_layout(
        title="Why chemotherapy causes these side effects, and what the nurse does first",
        xaxis=dict(title="From cause to care", tickmode="array", tickvals=[0, 1, 2], side="top",
                   ticktext=["Where it starts", "Side effect (and why)", "What the nurse does first"],
                   range=[-0.55, 2.6], showgrid=False, zeroline=False),
        yaxis=dict(title="Side effects of chemotherapy, one row each", showticklabels=False, showgrid=False,
                   zeroline=False, range=[-0.6, n - 0.4]),
        annotations=annotations,
        legend=dict(title=dict(text="Where it starts (line style)", side="top"), orientation="h", y=-0.05),
        height=90 * n + 170,
        margin=dict(t=110),
    )
    return fig


# --------------------------------------------------------------------------
# The blood counts over a cycle
# --------------------------------------------------------------------------

def phase_label(day_min: int, day_max: int, name: str) -> str:
    """A phase's display label, with the days written from its numbers: "Days 7 to 14: the usual nadir window".

    The days live once, in ``day_min`` and ``day_max``; a one-day phase on day 0 is named alone
    ("Treatment day").
    """
    if day_min == day_max:
        return name[:1].upper() + name[1:] if day_min == 0 else f"Day {day_min}: {name}"
    return f"Days {day_min} to {day_max}: {name}"


def phases() -> pd.DataFrame:
    """The phases of the illustrative cycle, in order, with their first and last day after the dose.

    ``label`` is the display label with its days (:func:`phase_label`); ``name`` the phase's own name.
    """
    table = data.load("chemotherapy_cycle_phases").sort_values("sequence").reset_index(drop=True)
    table["day_min"] = table["day_min"].astype(int)
    table["day_max"] = table["day_max"].astype(int)
    table["name"] = table["label"].astype(str)
    table["label"] = [phase_label(a, b, n) for a, b, n in zip(table["day_min"], table["day_max"], table["name"])]
    return cite_rows(table)


def phase_for_day(day: int) -> str:
    """The id of the cycle phase that ``day`` (days after the dose, 0-28) falls in."""
    value = _day(day)
    for row in phases().itertuples(index=False):
        if row.day_min <= value <= row.day_max:
            return str(row.id)
    raise InputError(f"no phase of the cycle covers day {value}")  # the data tests prevent gaps


def blood_count_course(pattern: str | None = None) -> pd.DataFrame:
    """ILLUSTRATIVE neutrophil course after one dose (% of the pre-treatment level), by day.

    ``pattern`` is "typical", "later_nadir" (nitrosourea-like) or "temozolomide"; ``None`` gives all.
    """
    table = data.load("blood_count_course")
    if pattern is not None:
        allowed = list(dict.fromkeys(table["pattern"]))
        if pattern not in allowed:
            raise InputError(f"unknown pattern {pattern!r}; choose from {', '.join(allowed)}")
        table = table[table["pattern"] == pattern]
    table = table.assign(day=table["day"].astype(int)).sort_values(["pattern", "day"], kind="stable")
    return cite_rows(table.reset_index(drop=True))


def _phase(phase_id: str) -> pd.Series:
    table = phases().set_index("id")
    if phase_id not in table.index:
        raise InputError(f"unknown phase {phase_id!r}; choose from {', '.join(table.index)}")
    return table.loc[phase_id]


def _window(x0: float, x1: float, name: str, colour: str, top: float = 105) -> go.Scatter:
    return go.Scatter(x=[x0, x1, x1, x0, x0], y=[0, 0, top, top, 0], mode="lines", fill="toself",
                      fillcolor=colour, line=dict(width=0), name=name, hoverinfo="name")


_STYLE = {"typical": (PALETTE[0], "solid", "circle"), "temozolomide": (PALETTE[3], "dot", "square"),
          "later_nadir": (PALETTE[5], "dash", "diamond")}
_Y_TITLE = "Neutrophils (% of starting level)"


def _curve(points: pd.DataFrame) -> go.Scatter:
    pattern = str(points["pattern"].iloc[0])
    colour, dash, symbol = _STYLE[pattern]
    return go.Scatter(
        x=points["day"], y=points["neutrophils_percent_of_baseline"], mode="lines+markers",
        name=str(points["pattern_label"].iloc[0]) + " (illustrative)",
        line=dict(color=colour, dash=dash, width=3), marker=dict(symbol=symbol, size=9, color=colour),
        hovertemplate="Day %{x}: %{y:.0f}% of the pre-treatment level (illustrative)<extra></extra>",
    )


@escaped_figure
def nadir_chart() -> go.Figure:
    """The ILLUSTRATIVE neutrophil course after one dose: the usual pattern and two later-nadir patterns."""
    course = blood_count_course()
    nadir, recovered = _phase(_NADIR_PHASE), _phase(_RECOVERED_PHASE)
    fig = figure()
    fig.add_trace(_window(nadir["day_min"], nadir["day_max"],
                          f"Usual nadir window: days {nadir['day_min']}–{nadir['day_max']} after the dose",
                          "rgba(86,180,233,0.25)"))
    for pattern in _STYLE:
        points = course[course["pattern"] == pattern]
        if not points.empty:
            fig.add_trace(_curve(points))
    typical = course[course["pattern"] == "typical"]
    lowest = typical.loc[typical["neutrophils_percent_of_baseline"].idxmin()]
    later = course[course["pattern"] == "later_nadir"]
    notes = [
        dict(x=lowest["day"], y=lowest["neutrophils_percent_of_baseline"], text="Lowest point (nadir)",
             showarrow=True, arrowhead=2, ax=45, ay=35),
        dict(x=recovered["day_min"], y=92, text=plotly_lines("Usually recovered by", f"days {recovered['day_min']}–{recovered['day_max']}"),
             showarrow=True, arrowhead=2, ax=-10, ay=-45),
    ]
    if not later.empty:
        low_late = later.loc[later["neutrophils_percent_of_baseline"].idxmin()]
        notes.append(dict(x=low_late["day"], y=low_late["neutrophils_percent_of_baseline"],
                          text="Later nadir<br>(some drugs)", showarrow=True, arrowhead=2, ax=0, ay=45))
    fig.update_layout(
        title="Illustrative neutrophil count after one dose (not a specific drug)",
        xaxis=dict(title="Days after the dose (day 0 = treatment day)", range=[-0.5, 43], dtick=7),
        yaxis=dict(title=_Y_TITLE, range=[0, 112]),
        annotations=notes,
        legend=dict(orientation="h", y=-0.22),
        height=500,
    )
    return fig


@escaped_figure
def cycle_chart(phase_id: str, day: int | None = None) -> go.Figure:
    """The usual (illustrative) course through one 28-day cycle with one phase highlighted, and the day if given."""
    phase = _phase(phase_id)
    typical = blood_count_course("typical")
    typical = typical[typical["day"] <= CYCLE_DAYS[1]]
    fig = figure()
    fig.add_trace(_window(phase["day_min"] - 0.5, phase["day_max"] + 0.5, f"{phase['label']} (shaded)",
                          "rgba(230,159,0,0.25)"))
    fig.add_trace(_curve(typical))
    if day is not None:
        value = _day(day)
        fig.add_trace(go.Scatter(x=[value, value], y=[0, 105], mode="lines+text", text=["", f"Day {value}"],
                                 textposition="top center", name=f"Day {value} after the dose",
                                 line=dict(color=PALETTE[7], width=2, dash="dashdot"), hoverinfo="name"))
    fig.update_layout(
        title=plotly_lines(f"Illustrative neutrophil course (not a specific drug): {phase['label']}"),  # data: escaped
        xaxis=dict(title="Days after the dose (day 0 = treatment day)", range=[-1, CYCLE_DAYS[1] + 1], dtick=7),
        yaxis=dict(title=_Y_TITLE, range=[0, 115]),
        legend=dict(orientation="h", y=-0.25),
        height=420,
    )
    return fig


# --------------------------------------------------------------------------
# What the nurse checks, by day and route
# --------------------------------------------------------------------------

def checks(route: str, phase_id: str) -> pd.DataFrame:
    """The checks for one route in one phase: those for every route first, then the route's own."""
    chosen = _route(route)
    _phase(phase_id)
    table = data.load("chemotherapy_cycle_checks")
    rows = table[(table["phase_id"] == phase_id) & table["route_id"].isin(["", chosen])].copy()
    rows["_own"] = rows["route_id"] != ""
    rows = rows.sort_values(["_own", "sequence"], kind="stable").drop(columns="_own")
    return cite_rows(rows.reset_index(drop=True))


def _route_names() -> dict[str, str]:
    table = routes()
    return dict(zip(table["id"], table["name"]))


def cycle_checks_frame(route: str, day: int) -> pd.DataFrame:
    """What the nurse checks on ``day`` for ``route``: columns For, What the nurse checks, Why."""
    rows = checks(route, phase_for_day(day))
    names = _route_names()
    return pd.DataFrame({
        "For": ["Every route" if r == "" else names[r] for r in rows["route_id"]],
        "What the nurse checks": rows["check"],
        "Why": rows["why"],
    })


def cycle_summary(route: str, day: int) -> str:
    """One paragraph: the phase the day falls in, what the counts are doing, and the nursing focus."""
    phase = _phase(phase_for_day(day))
    name = _route_names()[_route(route)]
    return str(macro("lessons.html.j2", "cycle_summary", _day(day), phase.to_dict(), name))


def cycle_view(route: str, day: int) -> list:
    """Everything the cycle explorer shows for one route and day."""
    frame = cycle_checks_frame(route, day)
    name = _route_names()[route]
    caption = f"What the nurse checks on day {day} after the dose: {name.lower()}"
    return [cycle_summary(route, day), _table(frame, caption), cycle_chart(phase_for_day(day), day)]


def cycle_checks_table() -> Table:
    """Every choice of the cycle explorer at once: one row per phase, one column per route."""
    table = cite_rows(data.load("chemotherapy_cycle_checks"))
    names = _route_names()
    columns = {"": "Every route", **{r: names[r] for r in ROUTE_ORDER}}
    rows = []
    for phase in phases().itertuples(index=False):
        part = table[table["phase_id"] == phase.id].sort_values("sequence")
        row = {"Phase of the cycle": str(phase.label)}
        for route, title in columns.items():
            items = part[part["route_id"] == route]
            row[title] = ("\n".join(f"• {c} ({w})" for c, w in zip(items["check"], items["why"]))
                          or "None listed for this phase")
        rows.append(row)
    return _table(pd.DataFrame(rows), "What the nurse checks in each phase of a cycle, for every route and for each route",
                  one_item_per_line=True)


def intrathecal_safety_table() -> Table:
    """The treatment-day checks for intrathecal chemotherapy: the safety rules."""
    rows = checks("intrathecal", "treatment_day")
    rows = rows[rows["route_id"] == "intrathecal"]
    frame = pd.DataFrame({"Rule": range(1, len(rows) + 1), "What must happen": rows["check"], "Why": rows["why"]})
    return _table(frame, "Intrathecal chemotherapy: the safety rules on the day of the injection")


def cycle_explorer(route: str = "intravenous", day: int = 9) -> Explorer:
    """Choose a route and a day after the dose; see where the counts are and what the nurse checks."""
    import ipywidgets as widgets

    _route(route)
    _day(day)
    names = _route_names()
    route_control = widgets.Dropdown(options=[(names[r], r) for r in ROUTE_ORDER], value=route,
                                     description="Route", style={"description_width": "initial"})
    day_control = widgets.IntSlider(value=day, min=CYCLE_DAYS[0], max=CYCLE_DAYS[1], step=1,
                                    continuous_update=False, description="Day after the dose",
                                    style={"description_width": "initial"}, layout=widgets.Layout(width="30em"))

    def static_face():
        phase_table = phases()
        options = [(plotly_safe(str(p.label)), cycle_chart(str(p.id))) for p in phase_table.itertuples(index=False)]
        active = list(phase_table["id"]).index(phase_for_day(day))
        return with_menu(options, title="Illustrative neutrophil course through one cycle (not a specific drug)",
                         menu_label="Phase", active=active)

    static = deferred_face(static_face)
    return Explorer({"route": route_control, "day": day_control}, cycle_view, static_face=static,
                    title="Cycle explorer: what the nurse checks on each day")


# --------------------------------------------------------------------------
# Topics, supportive care and neutropenia
# --------------------------------------------------------------------------

def topic_table(topic: str) -> Table:
    """The cited statements of one topic: bsa_dosing, steroid_uses, steroid_monitoring or combined_treatment."""
    table = data.load("chemotherapy_topics")
    allowed = list(table["topic"].cat.categories)
    if topic not in allowed:
        raise InputError(f"unknown topic {topic!r}; choose from {', '.join(allowed)}")
    rows = cite_rows(table[table["topic"] == topic].sort_values("sequence"))
    frame = pd.DataFrame({"Point": rows["point"], "What to know": rows["detail"]})
    return _table(frame, _TOPIC_CAPTIONS.get(topic, topic.replace("_", " ").capitalize()))


def supportive_care_table(group: str) -> Table:
    """Supportive care for chemotherapy: ``"prevention"`` (medicines and blood tests) or ``"strength"``."""
    if group not in SUPPORTIVE_CARE_GROUPS:
        raise InputError(f"unknown group {group!r}; choose from {', '.join(SUPPORTIVE_CARE_GROUPS)}")
    care = data.load("supportive_care").set_index("id")
    rows = cite_rows(care.loc[list(SUPPORTIVE_CARE_GROUPS[group])].reset_index())
    frame = pd.DataFrame({
        "Supportive care": rows["name"],
        "What it helps with": rows["what_it_addresses"],
        "What the evidence says": rows["evidence_note"],
        "What the nurse does": rows["nurse_role"],
        "Where practice varies": [note if varies else "—" for varies, note in zip(rows["practice_varies"], rows["practice_note"])],
    })
    return _table(frame, _SUPPORTIVE_CAPTIONS[group])


def neutropenia_table() -> Table:
    """Neutropenia, neutropenic precautions and febrile neutropenia: meaning, nursing action, what varies."""
    glossary = data.load("glossary").set_index("id")
    effects = data.load("side_effects").set_index("id")
    care = data.load("supportive_care").set_index("id")
    precautions = care.loc["neutropenic_infection_prevention"]
    rows = [
        ("Neutropenia", glossary.loc["neutropenia", "definition"],
         effects.loc["chemo_low_white_cells_infection", "nursing_assessment"], "—",
         [glossary.loc["neutropenia", "source_ids"], effects.loc["chemo_low_white_cells_infection", "source_ids"]]),
        ("Neutropenic precautions", precautions["evidence_note"], precautions["nurse_role"],
         precautions["practice_note"] or "—", [precautions["source_ids"]]),
        ("Febrile neutropenia", glossary.loc["febrile_neutropenia", "definition"],
         effects.loc["chemo_febrile_neutropenia", "nursing_assessment"] + " "
         + effects.loc["chemo_febrile_neutropenia", "nursing_interventions"],
         claims.wording(f"{FEVER_PATHWAY_VARIES}|cap") + ".",
         [glossary.loc["febrile_neutropenia", "source_ids"], effects.loc["chemo_febrile_neutropenia", "source_ids"],
          ";".join(claims.sources_of(claims.references_in("{{" + FEVER_PATHWAY_VARIES + "}}")))]),
    ]
    for *_ignored, sources in rows:
        cite(sources)
    frame = pd.DataFrame([row[:4] for row in rows],
                         columns=["Topic", "What it means", "What the nurse does", "Where practice varies"])
    return _table(frame, "Neutropenia, neutropenic precautions and febrile neutropenia")

