"""Targeted therapy: how it differs from chemotherapy, and bevacizumab monitoring.

Pure builders (tables, figures, checks) read the cited tables in ``data/``
and record their sources (:func:`helpers.lesson.cite_rows`); two explorers
wrap them. Used by ``06_targeted_therapy``.

Data used:

* ``targeted_vs_chemotherapy``: how chemotherapy, anti-tumour targeted drugs
  and bone-modifying drugs differ, aspect by aspect;
* ``targeted_side_effect_comparison``: which ``side_effects`` rows to compare
  (frequencies come from ``side_effects``);
* ``bevacizumab_monitoring``: synthetic monitoring situations and what the
  nurse does;
* ``bevacizumab_surgery_timing``: time off the drug around surgery, by the
  label and by other guidance.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from helpers import claims, data
from helpers.calculators import HYPERTENSION_LIMITS_NOTE, ctcae_hypertension_grade
from helpers.errors import InputError
from helpers.explorer import Explorer, deferred_face
from helpers.lesson import cite, cite_rows
from helpers.render import escaped_figure, macro, plotly_lines, plotly_wrap
from markupsafe import Markup
from helpers.plotting import PALETTE, with_menu, figure
from helpers import side_effects
from helpers.side_effects import FREQUENCY_LABELS, NOT_QUANTIFIED
from helpers.tables import styled

TARGETED = "targeted_therapy"
CHEMO = "chemotherapy"
#: The supportive bone-modifying drugs: their own group, beside targeted therapy, not part of it.
BONE = "bone_modifying_agents"

# -- how targeted therapy differs ---------------------------------------------

CATEGORY_LABELS = {
    "anti_tumour": "The tumour (an anti-cancer treatment)",
    "supportive_bone": "Bone (supportive: protects bone, does not treat the cancer)",
    "structural_or_decompressive": "The spine's structure or pressure on nerves",
    "diagnostic": "Diagnosis",
}


def how_it_works_table():
    """Chemotherapy, anti-tumour targeted therapy and bone-modifying drugs compared, aspect by aspect."""
    rows = cite_rows(data.load("targeted_vs_chemotherapy").sort_values("sequence"))
    table = pd.DataFrame(
        {
            "Aspect": rows["aspect"],
            "Chemotherapy": rows["chemotherapy"],
            "Targeted therapy (anti-tumour)": rows["targeted_therapy"],
            "Bone-modifying drugs (supportive)": rows["bone_modifying_agents"],
        }
    )
    return styled(table, "How targeted therapy differs from chemotherapy (and from bone-modifying drugs)")


def forms_table():
    """The forms of targeted therapy in this collection and what each acts on, then the bone-modifying drugs."""
    subtypes = data.load("modality_subtypes")
    rows = cite_rows(subtypes[subtypes["modality_id"].isin([TARGETED, BONE])])
    groups = dict(zip(data.load("modalities")["id"], data.load("modalities")["name"]))
    table = pd.DataFrame(
        {
            "Group": [groups[m] for m in rows["modality_id"]],
            "Form": rows["name"],
            "What it acts on": [CATEGORY_LABELS[str(c)] for c in rows["category"]],
            "How it works": rows["description"],
        }
    )
    return styled(table, "Forms of targeted therapy in this collection, and the supportive bone-modifying drugs beside them")


def recurrence_plan_table():
    """The synthetic recurrence scenario: what is considered, in what order, and why."""
    scenario = data.load("scenarios").set_index("id").loc["recurrence_after_treatment"]
    cite(scenario["source_ids"])
    plan = cite_rows(data.scenario_plan("recurrence_after_treatment"))
    table = pd.DataFrame(
        {
            "Step": plan["sequence"].astype(int),
            "Treatment": plan["name"],
            "Form": plan["subtype_name"],
            "Used": ["usually" if d == "usual" else "only if suitable" for d in plan["decision"].astype(str)],
            "Why it is considered": plan["rationale"],
        }
    )
    return styled(table, f"Synthetic scenario: {scenario['title']}. {scenario['summary']}")


# -- side effects compared with chemotherapy -----------------------------------

NOT_USUAL = "not_usual"
NOT_USUAL_LABEL = "Not a usual effect"
# Heat-map steps, lowest first: the two grey steps are "no row" and "no cited
# number"; the derived frequency bands then darken along the cividis scale.
_LEVELS = (NOT_USUAL, NOT_QUANTIFIED, *FREQUENCY_LABELS)  # bands lowest first, from side_effects
_LEVEL_COLOURS = ("#F2F2F2", "#D0D0D0", "#FFE945", "#BCAF6F", "#575D6D", "#00204D")
_LEVEL_TEXT = ("#222222", "#222222", "#222222", "#222222", "#FFFFFF", "#FFFFFF")
_LEVEL_NAMES = {NOT_USUAL: NOT_USUAL_LABEL, NOT_QUANTIFIED: "Not quantified", **FREQUENCY_LABELS}


def _level_and_words(side_effect_id: str) -> tuple[str, str]:
    """Heat-map level (the highest derived band, or not quantified) and the band in words."""
    span = side_effects.band_span(side_effect_id)
    if span is None:
        return NOT_QUANTIFIED, _LEVEL_NAMES[NOT_QUANTIFIED]
    return span[1], side_effects.band_text(side_effect_id)


def side_effect_comparison() -> pd.DataFrame:
    """One row per compared side effect, with both derived frequencies and their evidence.

    Columns: ``effect``; ``targeted_frequency`` and ``chemotherapy_frequency``
    (the highest band computed from the cited numbers, ``"not_quantified"``
    when no cited source gives one, or ``"not_usual"`` when chemotherapy has no
    such row); ``targeted_band`` and ``chemotherapy_band`` (the band in words,
    e.g. "Common to very common"); ``targeted_note`` and ``chemotherapy_note``
    (:func:`helpers.side_effects.frequency_phrase` plus the row's context);
    ``targeted_effect`` and ``chemotherapy_effect`` (the row names); ``note``.
    """
    pairs = cite_rows(data.load("targeted_side_effect_comparison").sort_values("sequence"))
    effects = data.load("side_effects").set_index("id", drop=False)
    rows = []
    for pair in pairs.itertuples(index=False):
        targeted = effects.loc[pair.targeted_side_effect_id]
        if targeted["modality_id"] != TARGETED:
            raise InputError(f"{pair.targeted_side_effect_id} is not a targeted-therapy side effect")
        cite(targeted["source_ids"])
        level, words = _level_and_words(targeted["id"])
        row = {
            "effect": pair.effect,
            "targeted_frequency": level,
            "targeted_band": words,
            "targeted_note": _evidence_note(targeted),
            "targeted_effect": targeted["effect"],
            "chemotherapy_frequency": NOT_USUAL,
            "chemotherapy_band": NOT_USUAL_LABEL,
            "chemotherapy_note": "",
            "chemotherapy_effect": "",
            "note": pair.note,
        }
        if pair.chemotherapy_side_effect_id:
            chemo = effects.loc[pair.chemotherapy_side_effect_id]
            if chemo["modality_id"] != CHEMO:
                raise InputError(f"{pair.chemotherapy_side_effect_id} is not a chemotherapy side effect")
            cite(chemo["source_ids"])
            level, words = _level_and_words(chemo["id"])
            row.update(chemotherapy_frequency=level, chemotherapy_band=words,
                       chemotherapy_note=_evidence_note(chemo), chemotherapy_effect=chemo["effect"])
        rows.append(row)
    return pd.DataFrame(rows)


def _evidence_note(effect: pd.Series) -> str:
    phrase = side_effects.frequency_phrase(effect)
    return phrase + (f". {effect['frequency_note']}" if effect["frequency_note"] else "")


def side_effect_comparison_table():
    """The compared side effects as a table: how often with each treatment, and what it means."""
    rows = side_effect_comparison()
    table = pd.DataFrame(
        {
            "Side effect": rows["effect"],
            "Targeted therapy": rows["targeted_band"],
            "Chemotherapy": rows["chemotherapy_band"],
            "What the comparison shows": rows["note"],
        }
    )
    return styled(table, "Side effects of targeted therapy and chemotherapy compared (how often, computed from cited numbers)")


@escaped_figure
def side_effect_comparison_chart() -> go.Figure:
    """A heat map of how often each shared side effect occurs, with the category written in every cell."""
    rows = side_effect_comparison()
    columns = (("Targeted therapy", "targeted"), ("Chemotherapy", "chemotherapy"))
    z, hover, annotations = [], [], []
    for row in rows.itertuples(index=False):
        z_row, hover_row = [], []
        for label, key in columns:
            level = getattr(row, f"{key}_frequency")
            words = getattr(row, f"{key}_band")
            note = getattr(row, f"{key}_note")
            step = _LEVELS.index(level)
            z_row.append(step)
            hover_row.append("<br>".join([plotly_lines(words)] + ([plotly_wrap(note, 90)] if note else [])))
            annotations.append(dict(x=label, y=row.effect, text=plotly_lines(words), showarrow=False,
                                    font=dict(color=_LEVEL_TEXT[step], size=13)))
        z.append(z_row)
        hover.append(hover_row)
    steps = len(_LEVELS)
    scale = []
    for index, colour in enumerate(_LEVEL_COLOURS):
        scale += [[index / steps, colour], [(index + 1) / steps, colour]]
    fig = figure(
        go.Heatmap(
            z=z,
            x=[label for label, _ in columns],
            y=rows["effect"].tolist(),
            zmin=-0.5,
            zmax=steps - 0.5,
            colorscale=scale,
            showscale=False,
            xgap=3,
            ygap=3,
            customdata=hover,
            hovertemplate="%{y}, %{x}: %{customdata}<extra></extra>",
        )
    )
    fig.update_layout(
        title="How often each side effect occurs: targeted therapy and chemotherapy (from cited numbers)",
        xaxis=dict(title="Treatment", side="top", showgrid=False),
        yaxis=dict(title="Side effect", autorange="reversed", showgrid=False),
        annotations=annotations,
        height=140 + 48 * len(rows),
        margin=dict(t=110),
    )
    return fig


def bone_agent_table():
    """Side effects of the bone-modifying drugs, which support bone and do not treat the cancer.

    Their own group's rows (``bone_modifying_agents``): the targeted-therapy
    class effects are not theirs.
    """
    subtypes = data.load("modality_subtypes")
    subtypes = cite_rows(subtypes[subtypes["modality_id"] == BONE]).set_index("id")
    bone = list(subtypes.index)
    rows = side_effects.effects(BONE)
    rows = rows.sort_values("subtype_id", key=lambda s: s.map(bone.index), kind="stable")  # one drug, then the other
    table = pd.DataFrame(
        {
            "Drug": [subtypes.loc[s, "name"] for s in rows["subtype_id"]],
            "Side effect": rows["effect"],
            "How often": side_effects.how_often_texts(rows),
            "What the nurse does": rows["nursing_interventions"],
        }
    )
    return styled(table, "Bone-modifying drugs: side effects the nurse watches for (they protect bone, not treat the tumour)")


# -- bevacizumab monitoring: the scenario explorer -------------------------------

CHECK_LABELS = {
    "before_infusion": "Before the infusion",
    "blood_pressure": "Blood pressure",
    "urine_protein": "Urine protein",
    "surgery": "Surgery and wounds",
    "symptoms": "New symptoms",
}
# The word carries the meaning; the mark is a second, non-colour cue.
ACTION_LABELS = {
    "routine": "○ Routine: carry on with care as planned",
    "report": "△ Report to the prescriber before the next dose",
    "withhold": "■ Withhold bevacizumab and inform the prescriber",
    "urgent": "⚠ Medical review {tier}",  # the tier's words come from the vocabulary (escalation_tiers.csv)
}


#: The escalation tier (escalation_tiers.csv id) of the fastest action level.
URGENT_TIER = "immediately"


def action_label(level: str) -> str:
    """The words of an action level; the fastest one shows its tier's words from the vocabulary."""
    return ACTION_LABELS[level].format(tier=claims.wording(f"tier:{URGENT_TIER}"))


def monitoring_situations() -> pd.DataFrame:
    """Every monitoring situation in explorer order (``data/bevacizumab_monitoring.csv``)."""
    return cite_rows(data.load("bevacizumab_monitoring").sort_values("sequence").reset_index(drop=True))


def situation_choices() -> list[tuple[str, str]]:
    """(menu label, id) pairs: the check, then the situation."""
    rows = monitoring_situations()
    return [(_menu_label(CHECK_LABELS[str(c)], str(s)), i) for c, s, i in zip(rows["check"], rows["situation"], rows["id"])]


def _menu_label(check: str, situation: str) -> str:
    # "Blood pressure: Blood pressure 166/104 mm Hg" says it twice; the situation alone is enough.
    if situation.split()[0].lower() == check.split()[0].lower():
        return situation
    return f"{check}: {situation}"


def _situation(situation_id: str) -> pd.Series:
    rows = monitoring_situations().set_index("id")
    if situation_id not in rows.index:
        raise InputError(f"unknown situation {situation_id!r}; choose one of the {len(rows)} situations in the menu")
    return rows.loc[situation_id]


def blood_pressure_grade(situation_id: str) -> int | None:
    """CTCAE v5.0 hypertension grade from the situation's reading alone; None without a reading."""
    row = _situation(situation_id)
    if pd.isna(row["systolic_mm_hg"]) or pd.isna(row["diastolic_mm_hg"]):
        return None
    return ctcae_hypertension_grade(int(row["systolic_mm_hg"]), int(row["diastolic_mm_hg"]))


def situation_card(situation_id: str) -> str:
    """What the nurse does in one situation, as an HTML card with its sources."""
    row = _situation(situation_id)
    grade = blood_pressure_grade(situation_id)
    if grade is not None:
        cite("nci_ctcae_v5")
    return str(macro("targeted.html.j2", "situation_card", CHECK_LABELS[str(row["check"])], row.to_dict(),
                     action_label(str(row["action_level"])), grade, HYPERTENSION_LIMITS_NOTE,
                     row["practice_note"] if row["practice_varies"] else None))


def all_situations_table():
    """Every monitoring situation with the nurse's action: the explorer's static face."""
    rows = monitoring_situations()
    grades = [blood_pressure_grade(i) for i in rows["id"]]
    cite("nci_ctcae_v5")
    table = pd.DataFrame(
        {
            "Check": [CHECK_LABELS[str(c)] for c in rows["check"]],
            "Situation (synthetic)": [s + (f" (CTCAE v5.0 grade {g} from the numbers)" if g is not None else "")
                                      for s, g in zip(rows["situation"], grades)],
            "Action level": [action_label(str(a)) for a in rows["action_level"]],
            "What the nurse does": rows["nurse_action"],
            "Practice varies": [note if varies else "" for varies, note in zip(rows["practice_varies"], rows["practice_note"])],
        }
    )
    return styled(table, "Bevacizumab monitoring: every situation and what the nurse does")


def monitoring_explorer() -> Explorer:
    """Choose a monitoring situation; see the action level, what the nurse does and why."""
    import ipywidgets as widgets
    from helpers.controls import fit

    choices = situation_choices()
    dropdown = widgets.Dropdown(options=choices, value="bp_severe", description="Situation",
                                style={"description_width": "initial"}, layout=fit())
    static = deferred_face(lambda: macro("_macros.html.j2", "static_intro", "Monitoring explorer",
                                         "on a static page the menu cannot run, so every situation is listed here. "
                                         "Open the notebook live to choose one at a time.")
                           + Markup(all_situations_table()._repr_html_()))
    return Explorer({"situation_id": dropdown}, situation_card, static_face=static, title="Bevacizumab monitoring explorer")


# -- bevacizumab and surgery: timing ------------------------------------------------

MAX_GAP_DAYS = 365


def surgery_rules() -> pd.DataFrame:
    """Time off bevacizumab around surgery, by the label and other guidance, in chart order."""
    return cite_rows(data.load("bevacizumab_surgery_timing").sort_values("sequence").reset_index(drop=True))


@dataclass(frozen=True)
class GapCheck:
    """How a planned gap between the last dose and elective surgery compares with the rules."""

    days: int
    label_min_days: int
    guidance_min_days: int
    guidance_max_days: int
    meets_label: bool
    meets_longer_guidance: bool

    @property
    def summary(self) -> str:
        if not self.meets_label:
            return (f"{self.days} days is shorter than the label's minimum of {self.label_min_days} days: "
                    "tell the surgeon and the oncologist; the operation or the dosing must change.")
        if not self.meets_longer_guidance:
            return (f"{self.days} days meets the label's minimum of {self.label_min_days} days, but not the "
                    f"{self.guidance_min_days} to {self.guidance_max_days} days that some guidance prefers: "
                    "check what your centre and the surgeon want.")
        return (f"{self.days} days meets the label's minimum of {self.label_min_days} days and the "
                f"{self.guidance_min_days}-day gap that some guidance prefers.")


def _days(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or float(value) != int(value):
        raise InputError(f"days must be a whole number of days, got {value!r}")
    days = int(value)
    if not 0 <= days <= MAX_GAP_DAYS:
        raise InputError(f"days must be between 0 and {MAX_GAP_DAYS}, got {days}")
    return days


def surgery_gap_check(days: int) -> GapCheck:
    """Compare a gap (whole days from the last dose to elective surgery) with the label and other guidance."""
    days = _days(days)
    rules = surgery_rules().set_index("id")
    label = int(rules.loc["label_before", "min_days"])
    low, high = int(rules.loc["guidance_before", "min_days"]), int(rules.loc["guidance_before", "max_days"])
    return GapCheck(days, label, low, high, meets_label=days >= label, meets_longer_guidance=days >= low)


PLAN_ROW = "This plan: last dose"
_BASIS_COLOURS = {"drug_label": PALETTE[0], "other_guidance": PALETTE[1]}


def rule_label(rule) -> str:
    """A timing rule in words, from its numbers: 'Label: stop at least 28 days before'."""
    extra = f" {rule.extra_condition}" if getattr(rule, "extra_condition", "") else ""
    if rule.period == "after_surgery":
        return f"{rule.label}: restart no sooner than {int(rule.min_days)} days after{extra}"
    if pd.isna(rule.max_days):
        return f"{rule.label}: stop at least {int(rule.min_days)} days before{extra}"
    return f"{rule.label}: stop {int(rule.min_days) / 7:g} to {int(rule.max_days) / 7:g} weeks before{extra}"


def _rule_label(rule) -> str:
    # Two short lines: one long line per rule took a third of the chart's width.
    return plotly_wrap(rule_label(rule), 34)


def plan_label_position(days: int) -> str:
    """Where the plan's label goes beside its marker: towards the side with room, never across day 0."""
    return "middle right" if days >= 28 else "middle left"


@escaped_figure
def surgery_timeline(days: int) -> go.Figure:
    """The bevacizumab-free periods around surgery (day 0) and where this plan's last dose falls.

    The plan's row is at the bottom, below the dashed day-0 line, so its label
    can sit beside the marker without crossing the line.
    """
    check = surgery_gap_check(days)
    rules = surgery_rules()
    rule_rows = [_rule_label(rule) for rule in rules.itertuples(index=False)]
    fig = figure()
    for rule, row in zip(rules.itertuples(index=False), rule_rows):
        sign = -1 if rule.period == "before_surgery" else 1
        colour = _BASIS_COLOURS[str(rule.basis)]
        start, length = (-rule.min_days, rule.min_days) if sign < 0 else (0, rule.min_days)
        text = f"{rule.min_days} days" + ("" if pd.isna(rule.max_days) else f" (up to {int(rule.max_days)})")
        fig.add_trace(go.Bar(y=[row], x=[length], base=[start], orientation="h", marker=dict(color=colour),
                             text=[text], textposition="inside", insidetextanchor="middle", name=rule_label(rule),
                             hoverinfo="skip", showlegend=False))
        if not pd.isna(rule.max_days):
            extra = int(rule.max_days) - int(rule.min_days)
            fig.add_trace(go.Bar(y=[row], x=[extra], base=[-int(rule.max_days)], orientation="h",
                                 marker=dict(color="white", line=dict(color=colour, width=2),
                                             pattern=dict(shape="/", fgcolor=colour)),
                                 hoverinfo="skip", showlegend=False))
    verdict = "meets the label" if check.meets_label else "too close for the label"
    fig.add_trace(go.Scatter(
        y=[PLAN_ROW], x=[-check.days], mode="markers+text",
        marker=dict(symbol="star" if check.meets_label else "x", size=18, color=PALETTE[7] if check.meets_label else PALETTE[5]),
        text=[f"Last dose: day {-check.days} ({verdict})".replace("-", "−")],
        textposition=plan_label_position(check.days), showlegend=False, cliponaxis=False,
        hovertext=[check.summary], hoverinfo="text"))
    # Day 0 runs through the rules' rows only (the plan's row is index 0, at the bottom).
    rows = [PLAN_ROW] + list(reversed(rule_rows))
    fig.add_shape(type="line", x0=0, x1=0, xref="x", y0=0.5, y1=len(rows) - 0.5, yref="y",
                  line=dict(color="#444444", dash="dash"))
    fig.update_layout(
        title="Time off bevacizumab around elective surgery",
        barmode="overlay",
        xaxis=dict(title="Days relative to the operation<br>(0 = day of surgery; negative = before)",
                   range=[min(-84, -check.days - 10), 45], dtick=14, zeroline=False),
        yaxis=dict(title="Rule", categoryorder="array", categoryarray=rows, range=[-0.5, len(rows) - 0.5]),
        annotations=[dict(x=0, y=1.0, yref="paper", text="Surgery (day 0)", showarrow=False, yanchor="bottom")],
        height=440,
        margin=dict(l=60),
    )
    return fig


def surgery_timing_view(days: int) -> list:
    """What the timing explorer shows for one gap: a one-line verdict and the timeline."""
    check = surgery_gap_check(days)
    return [str(macro("targeted.html.j2", "gap_verdict", check.days, check.summary)), surgery_timeline(days)]


STATIC_GAPS = (14, 21, 28, 42, 56)


def surgery_timing_explorer() -> Explorer:
    """Move the last dose earlier or later; see whether the gap before elective surgery meets the rules."""
    import ipywidgets as widgets

    slider = widgets.IntSlider(value=21, min=0, max=84, step=1, description="Days from the last dose to surgery",
                               style={"description_width": "initial"}, layout=widgets.Layout(width="40em"),
                               continuous_update=False)
    static = deferred_face(lambda: with_menu([(f"{d} days", surgery_timeline(d)) for d in STATIC_GAPS],
                                             title="Time off bevacizumab around elective surgery",
                                             menu_label="Last dose before surgery", active=STATIC_GAPS.index(21)))
    return Explorer({"days": slider}, surgery_timing_view, static_face=static, title="Surgery timing explorer")


def surgery_rules_table():
    """The timing rules in words, with whether practice varies."""
    rules = surgery_rules()
    table = pd.DataFrame(
        {
            "When": ["Before surgery" if p == "before_surgery" else "After surgery" for p in rules["period"]],
            "Basis": ["Drug label" if b == "drug_label" else "Other guidance" for b in rules["basis"]],
            "Rule": rules["condition"],
            "Practice varies": ["yes" if v else "no" for v in rules["practice_varies"]],
        }
    )
    return styled(table, "Bevacizumab and surgery: the timing rules")


__all__ = [
    "how_it_works_table", "forms_table", "recurrence_plan_table",
    "side_effect_comparison", "side_effect_comparison_table", "side_effect_comparison_chart", "bone_agent_table",
    "monitoring_situations", "situation_choices", "blood_pressure_grade", "situation_card", "all_situations_table",
    "monitoring_explorer", "surgery_rules", "surgery_rules_table", "GapCheck", "surgery_gap_check",
    "surgery_timeline", "surgery_timing_view", "surgery_timing_explorer", "rule_label", "action_label",
]
