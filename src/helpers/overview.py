"""The treatment overview: the five modalities (and the supportive bone-modifying drugs) side by side, and scenarios.

Pure builders (tables and figures from ``helpers.data``) plus one explorer.
Used by ``01_treatment_overview``.
"""

from __future__ import annotations


import pandas as pd
import plotly.graph_objects as go

from helpers import data
from helpers.explorer import Explorer, deferred_face
from helpers.side_effects import side_effect_heatmap
from helpers.lesson import cite_rows
from helpers.plotting import MODALITY_COLOURS, MODALITY_ORDER, MODALITY_SYMBOLS, with_menu, figure
from helpers.render import escaped_figure, macro, plotly_lines, plotly_wrap
from helpers.tables import styled


def comparison_table(modalities: list[str] | None = None):
    """The modalities compared on goals, invasiveness, delivery and main side effects."""
    overview = cite_rows(data.modality_overview())
    if modalities is not None:
        _check_modalities(modalities)
        overview = overview[overview["modality_id"].isin(modalities)]
    table = pd.DataFrame(
        {
            "Treatment": overview["name"],
            "Typical goals": overview["goals"],
            "Invasiveness": overview["invasiveness_level"].astype(int).astype(str) + " – " + overview["invasiveness_label"].astype(str),
            "How it is given": overview["delivery"],
            "Main side effects": overview["main_side_effects"],
        }
    )
    return styled(table, f"{_groups_phrase(overview).capitalize()} compared (invasiveness on a 0–4 scale: 0 = least invasive, 4 = most)")


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _groups_phrase(overview: pd.DataFrame) -> str:
    """'the five treatments and the supportive bone-modifying drugs', counted from the rows shown."""
    treatments = int((overview["purpose"] == "anti_cancer").sum())
    supportive = overview.loc[overview["purpose"] == "supportive_care", "name"].astype(str)
    words = _NUMBER_WORDS[treatments] if treatments < len(_NUMBER_WORDS) else str(treatments)
    phrase = f"the {words} treatment{'' if treatments == 1 else 's'}" if treatments else ""
    extra = " and ".join(name.split(" (")[0].lower() for name in supportive)
    if extra:
        phrase = f"{phrase} and the supportive {extra}" if phrase else f"the supportive {extra}"
    return phrase


def _check_modalities(modalities: list[str]) -> None:
    from helpers.errors import InputError

    unknown = [m for m in modalities if m not in MODALITY_ORDER]
    if unknown:
        raise InputError(f"unknown treatment {unknown[0]!r}; choose from {', '.join(MODALITY_ORDER)}")


def invasiveness_scale():
    """The ordinal invasiveness scale with every level defined."""
    levels = cite_rows(data.load("invasiveness_levels"))
    table = pd.DataFrame(
        {
            "Level": levels["id"].astype(int),
            "Label": levels["label"],
            "Access": levels["access"],
            "Anaesthesia": levels["anaesthesia"],
            "Setting": levels["setting"],
            "Typical recovery": levels["typical_recovery"],
        }
    )
    return styled(table, "Invasiveness scale used in this collection (levels 0–4)")


def _names() -> dict[str, str]:
    """Each treatment's display name (modalities.csv), without the overview's joins."""
    modalities = data.load("modalities")
    return dict(zip(modalities["id"], modalities["name"]))


@escaped_figure
def invasiveness_chart() -> go.Figure:
    """Each treatment's range of invasiveness across its forms, with each form marked."""
    subtypes = cite_rows(data.load("modality_subtypes"))
    levels = cite_rows(data.load("invasiveness_levels"))
    level_labels = dict(zip(levels["id"].astype(int), levels["label"].astype(str)))
    names = _names()
    fig = figure()
    for modality in MODALITY_ORDER:
        rows = subtypes[subtypes["modality_id"] == modality]
        values = rows["invasiveness_level"].astype(int)
        fig.add_trace(
            go.Scatter(
                x=[values.min(), values.max()],
                y=[names[modality]] * 2,
                mode="lines",
                line=dict(color=MODALITY_COLOURS[modality], width=10),
                opacity=0.35,
                hoverinfo="skip",
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=values,
                y=[names[modality]] * len(rows),
                mode="markers",
                name=names[modality],
                marker=dict(color=MODALITY_COLOURS[modality], symbol=MODALITY_SYMBOLS[modality], size=14,
                            line=dict(color="white", width=1)),
                customdata=rows["name"],
                hovertemplate="%{customdata}<br>Invasiveness level %{x}<extra></extra>",
            )
        )
    fig.update_layout(
        title="How invasive each treatment is, across its different forms",
        xaxis=dict(
            title="Invasiveness level (0 = least invasive, 4 = most)",
            tickmode="array",
            tickvals=sorted(level_labels),
            # Level names wrapped on short horizontal lines: slanted long labels took most of the height
            # and squeezed the data.
            ticktext=[_wrap(f"{k}: {level_labels[k]}", 18) for k in sorted(level_labels)],
            tickangle=0,
            range=[-0.3, max(level_labels) + 0.3],
        ),
        yaxis=dict(title="Treatment", categoryorder="array", categoryarray=[names[m] for m in reversed(MODALITY_ORDER)]),
        showlegend=False,
        height=420,
    )
    return fig


def _wrap(text: str, width: int) -> str:
    """A chart label broken onto lines of at most ``width`` characters (escaped)."""
    return plotly_wrap(text, width)


@escaped_figure
def goals_chart() -> go.Figure:
    """Which goals each treatment typically serves (a dot for each pairing).

    Goals run down the side (long names read horizontally), treatments across.
    """
    links = cite_rows(data.load("modality_goals"))
    goals = cite_rows(data.load("goals"))
    goal_labels = dict(zip(goals["id"].astype(str), goals["label"].astype(str)))
    names = _names()
    order = [g for g in goals["id"].astype(str) if g in set(links["goal_id"].astype(str))]
    fig = figure()
    for modality in MODALITY_ORDER:
        rows = links[links["modality_id"] == modality]
        labels = [goal_labels[g] for g in rows["goal_id"].astype(str)]
        fig.add_trace(
            go.Scatter(
                x=[_wrap(names[modality], 14)] * len(labels),
                y=labels,
                mode="markers",
                name=names[modality],
                marker=dict(color=MODALITY_COLOURS[modality], symbol=MODALITY_SYMBOLS[modality], size=16),
                hovertemplate=plotly_lines(names[modality]) + ": %{y}<extra></extra>",
            )
        )
    fig.update_layout(
        title="Which goals each treatment can serve",
        xaxis=dict(title="Treatment", type="category", categoryorder="array",
                   categoryarray=[_wrap(names[m], 14) for m in MODALITY_ORDER], side="top", tickangle=0),
        yaxis=dict(title="Goal of treatment", type="category", categoryorder="array",
                   categoryarray=list(reversed([goal_labels[g] for g in order]))),
        showlegend=False,
        height=40 * len(order) + 160,
        margin=dict(t=130),
    )
    return fig


# -- scenarios ---------------------------------------------------------------

# Short role names for chart labels (the tables use the full labels).
ROLE_SHORT = {
    "curative_or_local_control": "Local control",
    "systemic_control": "Systemic control",
    "adjuvant": "Adjuvant",
    "palliative": "Palliative",
    "stabilising": "Stabilising",
    "supportive": "Supportive (bone)",
    "diagnostic": "Diagnostic",
}

def scenario_choices() -> list[tuple[str, str]]:
    """(title, id) pairs for a dropdown, in the data's order."""
    scenarios = cite_rows(data.load("scenarios"))
    return list(zip(scenarios["title"].astype(str), scenarios["id"].astype(str)))


@escaped_figure
def scenario_chart(scenario_id: str) -> go.Figure:
    """The treatments considered for a scenario, in order, labelled with their role."""
    plan = cite_rows(data.scenario_plan(scenario_id))
    title = dict((sid, t) for t, sid in scenario_choices())[scenario_id]
    names = _names()
    fig = figure()
    for step, row in enumerate(plan.itertuples(index=False), start=1):
        modality = row.modality_id
        conditional = str(row.decision) != "usual"
        label = ROLE_SHORT.get(str(row.role_id), str(row.role)) + ("<br>(if needed)" if conditional else "")
        fig.add_trace(
            go.Scatter(
                x=[step],
                y=[names[modality]],
                mode="markers+text",
                text=[label],
                textposition="top center",
                name=names[modality],
                marker=dict(
                    color=MODALITY_COLOURS[modality],
                    symbol=MODALITY_SYMBOLS[modality] + ("-open" if conditional else ""),
                    size=18,
                    line=dict(width=2, color=MODALITY_COLOURS[modality]),
                ),
                customdata=[[str(row.subtype_name or row.name), str(row.rationale)]],
                hovertemplate="Step %{x}: %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
                showlegend=False,
            )
        )
    fig.update_layout(
        title=plotly_lines(f"Treatments considered: {title}"),  # the scenario title is data: escaped
        xaxis=dict(title="Order in which they are usually considered (step)", dtick=1,
                   range=[0.5, max(len(plan), 1) + 0.5]),
        yaxis=dict(title="Treatment", categoryorder="array", categoryarray=[names[m] for m in reversed(MODALITY_ORDER)],
                   range=[-0.5, len(MODALITY_ORDER) - 0.2]),
        height=420,
    )
    return fig


def scenario_table(scenario_id: str):
    """The plan for one scenario as a table: treatment, role, why."""
    plan = data.scenario_plan(scenario_id)
    table = pd.DataFrame(
        {
            "Step": range(1, len(plan) + 1),
            "Treatment": plan["name"],
            "Form": plan["subtype_name"].fillna("").astype(str),
            "Role": plan["role"],
            "Used": ["usually" if d == "usual" else "only if needed" for d in plan["decision"].astype(str)],
            "Invasiveness (0–4)": plan["invasiveness_level"].astype(int),
            "Listed side effects": [side_effect_burden(m, sub) for m, sub in zip(plan["modality_id"], plan["subtype_id"])],
            "Why it is considered": plan["rationale"],
        }
    )
    title = dict((sid, t) for t, sid in scenario_choices())[scenario_id]
    return styled(table, f"Treatments considered: {title}")


def scenario_summary(scenario_id: str) -> str:
    scenarios = data.load("scenarios").set_index("id")
    row = scenarios.loc[scenario_id]
    return str(macro("lessons.html.j2", "scenario_summary", row.to_dict()))


def scenario_view(scenario: str) -> list:
    """Everything the scenario explorer shows for one scenario."""
    return [scenario_summary(scenario), scenario_table(scenario), scenario_chart(scenario)]


def all_scenarios_table():
    """Every scenario with its treatments and their roles, in one table."""
    rows = []
    for title, sid in scenario_choices():
        plan = data.scenario_plan(sid)
        rows.append(
            {
                "Scenario": title,
                "Treatments considered, in order (role)": "; ".join(
                    f"{name} ({role}{', if needed' if decision != 'usual' else ''})"
                    for name, role, decision in zip(plan["name"], plan["role"], plan["decision"].astype(str))
                ),
            }
        )
    return styled(pd.DataFrame(rows), "All teaching scenarios and the treatments considered")


def scenario_explorer() -> Explorer:
    """Pick a scenario; see the treatments considered, their roles and why."""
    import ipywidgets as widgets
    from helpers.controls import fit

    choices = scenario_choices()
    dropdown = widgets.Dropdown(options=choices, value=choices[1][1] if len(choices) > 1 else choices[0][1],
                                description="Scenario", style={"description_width": "initial"},
                                layout=fit())
    static = deferred_face(lambda: with_menu([(title, scenario_chart(sid)) for title, sid in choices],
                                             title="Treatments considered for each scenario", menu_label="Scenario",
                                             active=[sid for _t, sid in choices].index(dropdown.value)))
    return Explorer({"scenario": dropdown}, scenario_view, static_face=static, title="Scenario explorer")


def side_effect_burden(modality_id: str, subtype_id: str = "") -> int:
    """How many side effects the data lists for a modality (and one of its forms).

    Counts whole-modality effects plus those of the given form: a rough
    measure of how much there is to monitor, not of severity.
    """
    table = data.load("side_effects")
    rows = table[table["modality_id"] == modality_id]
    return int(((rows["subtype_id"] == "") | (rows["subtype_id"] == (subtype_id or "\0"))).sum())


# -- invasiveness against goals ----------------------------------------------

# Small horizontal offsets so forms of different treatments at the same
# level and goal do not hide each other.
_OFFSETS = dict(zip(MODALITY_ORDER, (-0.25, -0.15, -0.05, 0.05, 0.15, 0.25)))


@escaped_figure
def _invasiveness_goal_figure(modalities: list[str]) -> go.Figure:
    subtypes = cite_rows(data.load("modality_subtypes")).set_index("id")
    links = cite_rows(data.load("subtype_goals"))
    goals = data.load("goals")
    goal_labels = dict(zip(goals["id"].astype(str), goals["label"].astype(str)))
    levels = data.load("invasiveness_levels")
    level_labels = dict(zip(levels["id"].astype(int), levels["label"].astype(str)))
    names = _names()
    fig = figure()
    plotted: set[str] = set()
    for modality in modalities:
        ids = [i for i in links["subtype_id"].astype(str) if subtypes.loc[i, "modality_id"] == modality]
        rows = links[links["subtype_id"].isin(ids)]
        plotted.update(rows["goal_id"].astype(str))
        fig.add_trace(
            go.Scatter(
                x=[int(subtypes.loc[i, "invasiveness_level"]) + _OFFSETS[modality] for i in rows["subtype_id"]],
                y=[goal_labels[g] for g in rows["goal_id"].astype(str)],
                mode="markers",
                name=names[modality],
                marker=dict(color=MODALITY_COLOURS[modality], symbol=MODALITY_SYMBOLS[modality], size=13,
                            line=dict(color="white", width=1)),
                customdata=[str(subtypes.loc[i, "name"]) for i in rows["subtype_id"]],
                hovertemplate="%{customdata}<br>%{y}<extra></extra>",
            )
        )
    fig.update_layout(
        title="Invasiveness against goals, for each form of treatment",
        xaxis=dict(title="Invasiveness level (0 = least invasive, 4 = most)", tickmode="array",
                   tickvals=sorted(level_labels), ticktext=[str(k) for k in sorted(level_labels)],
                   range=[-0.5, max(level_labels) + 0.5]),
        # Only goals some form serves here: a goal served by a whole modality but by none of its
        # forms (response monitoring, in modality_goals only) would be an empty row.
        yaxis=dict(title="Goal of treatment", type="category", categoryorder="array",
                   categoryarray=list(reversed([goal_labels[g] for g in goals["id"].astype(str) if g in plotted]))),
        legend=dict(title=dict(text="Treatment", side="top"), orientation="h", y=-0.2),
        height=560,
    )
    return fig


@escaped_figure
def invasiveness_goals_chart() -> go.Figure:
    """Each form of each treatment placed by invasiveness and by the goals it serves.

    A dropdown shows all treatments or one at a time (works without a kernel).
    """
    names = _names()
    options = [("All treatments", _invasiveness_goal_figure(list(MODALITY_ORDER)))]
    options += [(names[m], _invasiveness_goal_figure([m])) for m in MODALITY_ORDER]
    return with_menu(options, title="Invasiveness against goals, for each form of treatment", menu_label="Showing")


# -- side-effect profiles by body system -------------------------------------

def comparison_view(modalities: tuple[str, ...]) -> list:
    """The comparison table and body-system chart for the chosen treatments."""
    from helpers.errors import InputError

    if len(modalities) < 2:
        raise InputError("tick at least two treatments under 'Treatments to compare'")
    return [comparison_table(list(modalities)), side_effect_heatmap(modalities)]


def comparison_explorer() -> Explorer:
    """Choose two or more treatments; compare them side by side."""
    from helpers.controls import CheckboxGroup

    names = _names()
    # checkboxes, not a multiple-selection list: no Ctrl or Cmd to learn, and one line high
    select = CheckboxGroup([(names[m], m) for m in MODALITY_ORDER], value=("surgery", "radiation_therapy"),
                           description="Treatments to compare")
    return Explorer({"modalities": select}, comparison_view, static_face=deferred_face(side_effect_heatmap),
                    title="Treatment comparison")


@escaped_figure
def onset_timeline() -> go.Figure:
    """When each treatment's side effects start: how many fall in each onset phase.

    One row per treatment, one column per phase (hours, days to weeks, weeks
    to months, months or later); each marker prints its count and hovering
    lists the side effects, so the whole timeline reads without a kernel.
    """
    from helpers.side_effects import ONSET_LABELS

    effects = cite_rows(data.load("side_effects"))
    names = _names()
    phases = list(ONSET_LABELS)
    fig = figure()
    for modality in MODALITY_ORDER:
        rows = effects[effects["modality_id"] == modality]
        xs, counts, lists = [], [], []
        for phase in phases:
            part = rows[rows["onset_phase"].astype(str) == phase]
            if len(part):
                xs.append(ONSET_LABELS[phase])
                counts.append(len(part))
                lists.append(plotly_lines(*part["effect"]))
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[names[modality]] * len(xs),
                mode="markers+text",
                text=[str(c) for c in counts],
                textposition="middle right",
                name=names[modality],
                marker=dict(color=MODALITY_COLOURS[modality], symbol=MODALITY_SYMBOLS[modality],
                            size=[10 + 3 * c for c in counts], line=dict(color="white", width=1)),
                customdata=[[f"{c} side effect{'' if c == 1 else 's'}", names_list] for c, names_list in zip(counts, lists)],
                hovertemplate="%{y}, %{x}: %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
                showlegend=False,
            )
        )
    fig.update_layout(
        title="When side effects start, by treatment (number of side effects in each phase)",
        xaxis=dict(title="Onset after the treatment or dose", type="category", categoryorder="array",
                   categoryarray=[ONSET_LABELS[p] for p in phases]),
        yaxis=dict(title="Treatment", categoryorder="array", categoryarray=[names[m] for m in reversed(MODALITY_ORDER)]),
        height=420,
    )
    return fig
