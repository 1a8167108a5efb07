"""Supportive care across treatments, steroids and blood thinners, and MSCC.

Pure builders (tables and figures from :mod:`helpers.data`) plus one explorer,
used by ``07_side_effects_and_supportive_care``:

* from a side effect to the supportive care linked to it
  (``supportive_care.csv`` via ``supportive_care_side_effects.csv``), with the
  strength of the evidence, whose grading it is, and the nurse's role;
* the supportive care services and how firmly the evidence backs each;
* dexamethasone and anticoagulants side by side (``supportive_medicine_points.csv``);
* metastatic spinal cord compression: early and late signs
  (``emergency_signs.csv``) and what the nurse does, how fast (``mscc_actions.csv``).

Every builder records the sources of the rows it shows (:func:`helpers.lesson.cite_rows`).
"""

from __future__ import annotations


import pandas as pd
import plotly.graph_objects as go

from helpers import data
from helpers.errors import DataError, InputError
from helpers.tables import styled
from helpers.explorer import Explorer, deferred_face, message_html
from helpers.lesson import cite, cite_rows
from helpers.render import escaped_figure, macro, plotly_wrap
from helpers.plotting import MODALITY_ORDER, PALETTE, figure

# Readable labels for the project's evidence categories (data/README.md explains them).  They name this
# collection's summary scale, not a guideline's strength words: those are in each row's evidence_note,
# rendered from data/recommendation_strengths.csv.
EVIDENCE_LABELS = {
    "insufficient": "Insufficient evidence",
    "limited": "Limited evidence",
    "moderate": "Weaker guideline support",
    "standard_practice": "Standard practice",
    # a guideline recommends it or a drug label requires it (data/datapackage.json): both are named in the note
    "guideline_recommended": "Recommended by a guideline or drug label",
}
# The supportive care services a person is commonly offered alongside treatment.
SERVICE_CATEGORIES = (
    "nutrition_therapy",
    "integrative_support",
    "pain_management",
    "oncology_rehabilitation",
    "mind_body_medicine",
)
ASPECT_LABELS = {
    "why_given": "Why it is given",
    "monitor": "What the nurse monitors",
    "teach": "What to teach",
    "practice_varies": "What varies between centres",
}
MEDICINE_LABELS = {
    "steroid_management": "Dexamethasone (a steroid)",
    "anticoagulant_management": "Blood thinners (anticoagulants)",
}
STAGE_LABELS = {
    "early_pain": "Early: pain",
    "neurological": "Neurological signs",
    "late_neurological": "Late neurological signs",
}
#: Colour and symbol of each escalation tier, so colour is never alone (the tier's own words are the label).
URGENCY_STYLE = {
    "within_24_hours": (PALETTE[0], "circle"),
    "immediately": (PALETTE[5], "diamond"),
}


def urgency_labels() -> dict[str, str]:
    """Escalation tier id -> its wording, fastest first ("Immediately", "Urgently, within 24 hours").

    The words come from ``data/escalation_tiers.csv`` (the tier vocabulary), never typed here.
    """
    tiers = data.load("escalation_tiers").sort_values("rank")
    return {str(t): str(w)[:1].upper() + str(w)[1:] for t, w in zip(tiers["id"], tiers["wording"])}


#: mscc_actions.timing for an action that is not an escalation: it starts with the first actions and is
#: repeated throughout (observations, supportive care).  Every other timing is an escalation tier (how fast to
#: contact a team) or a ``timing`` claim of the register (how fast to give, scan or plan: NICE's own words).
ONGOING = "ongoing"
ONGOING_LABEL = "Start with the first actions and keep repeating"


def _timing_claims() -> list[str]:
    """The ``timing`` claims that mscc_actions.timing names (not a tier and not :data:`ONGOING`)."""
    tiers = set(data.load("escalation_tiers")["id"].astype(str))
    return [t for t in dict.fromkeys(data.load("mscc_actions")["timing"].astype(str)) if t not in tiers | {ONGOING}]


def timing_labels() -> dict[str, str]:
    """mscc_actions.timing -> its label: the escalation tiers' own words, :data:`ONGOING_LABEL`, and for a
    ``timing`` claim its wording from the register (``data/claims.csv``), capitalised.

    An action is not always a call to a team: "give the first dose" or "arrange the MRI" are timed in the
    guideline's own words (``mscc_dexamethasone_timing``, ``mscc_mri_neuro_timing``), never in a tier's.
    """
    from helpers import claims

    register = data.load("claims").set_index("id")
    labels = {**urgency_labels(), ONGOING: ONGOING_LABEL}
    for claim_id in _timing_claims():
        if claim_id not in register.index or str(register.loc[claim_id, "kind"]) != "timing":
            raise DataError(f"data/mscc_actions.csv: timing {claim_id!r} is neither an escalation tier, "
                            f"{ONGOING!r}, nor a claim of kind 'timing' in data/claims.csv")
        labels[claim_id] = claims.wording(f"{claim_id}|cap")
    return labels


def _modality_names() -> dict[str, str]:
    overview = data.modality_overview()
    return dict(zip(overview["modality_id"], overview["name"]))


def _varies_text(varies: bool, note: str) -> str:
    return f"Yes: {note}" if varies else "No variation noted"


def _wrap(text: str, width: int = 46) -> str:
    return plotly_wrap(text, width)


# -- from a side effect to supportive care ------------------------------------

def effect_choices() -> list[tuple[str, str]]:
    """("Treatment: side effect", side_effect_id) pairs, treatments in teaching order."""
    effects = data.load("side_effects")
    names = _modality_names()
    choices = []
    for modality in MODALITY_ORDER:
        rows = effects[effects["modality_id"] == modality]
        choices.extend((f"{names[modality]}: {effect}", sid) for effect, sid in zip(rows["effect"], rows["id"]))
    return choices


def _check_effect(side_effect_id: str) -> pd.Series:
    effects = data.load("side_effects").set_index("id", drop=False)
    if side_effect_id not in effects.index:
        raise InputError(
            f"unknown side effect {side_effect_id!r}; choose an id from data/side_effects.csv, "
            f"for example {', '.join(effects.index[:3])}"
        )
    return effects.loc[side_effect_id]


def care_for_effect(side_effect_id: str) -> pd.DataFrame:
    """The supportive care linked to one side effect, in supportive_care.csv order.

    All columns of ``supportive_care`` (``evidence_strength`` stays an ordered
    categorical); ``source_ids`` joins the care row's sources and the link's.
    Empty when nothing is linked. Raises :class:`InputError` for an unknown id.
    """
    _check_effect(side_effect_id)
    care = data.load("supportive_care")
    links = data.load("supportive_care_side_effects")
    links = links[links["side_effect_id"] == side_effect_id]
    link_sources = dict(zip(links["supportive_care_id"], links["source_ids"]))
    rows = care[care["id"].isin(list(link_sources))].reset_index(drop=True)
    rows["source_ids"] = [
        ";".join(dict.fromkeys(f"{own};{link_sources[cid]}".split(";")))
        for own, cid in zip(rows["source_ids"], rows["id"])
    ]
    return cite_rows(rows)


def _care_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Supportive-care rows as a display table: what, evidence, nurse's role, variation."""
    return pd.DataFrame(
        {
            "Supportive care": rows["name"],
            "What it addresses": rows["what_it_addresses"],
            "Strength of evidence": [EVIDENCE_LABELS[str(e)] for e in rows["evidence_strength"]],
            "Whose grading, and what it says": rows["evidence_note"],
            "The nurse's role": rows["nurse_role"],
            "Does practice vary?": [_varies_text(v, n) for v, n in zip(rows["practice_varies"], rows["practice_note"])],
        }
    )


def care_table(side_effect_id: str):
    """What each linked supportive care does, how firm its evidence is, the nurse's part."""
    rows = care_for_effect(side_effect_id)
    effect = _check_effect(side_effect_id)["effect"]
    table = _care_frame(rows)
    return styled(table, f"Supportive care for: {effect}")


def care_summary(side_effect_id: str) -> str:
    """HTML: the side effect, its treatment, its red flags and its sources."""
    row = _check_effect(side_effect_id)
    cite_rows(pd.DataFrame([row]))
    treatment = _modality_names()[row["modality_id"]]
    return str(macro("supportive_care.html.j2", "care_summary", row.to_dict(), treatment.lower()))


def care_view(side_effect: str) -> list:
    """What the supportive-care explorer shows for one side effect."""
    summary = care_summary(side_effect)
    if care_for_effect(side_effect).empty:
        note = ("No supportive care service is linked to this side effect in the data; "
                "its nursing care is in the lesson on its treatment.")
        return [summary, message_html(note, kind="info")]
    return [summary, care_table(side_effect)]


def symptom_care_table():
    """Every side effect and the supportive care linked to it (with evidence strength)."""
    care = data.load("supportive_care").set_index("id")
    links = cite_rows(data.load("supportive_care_side_effects"))
    order = {cid: i for i, cid in enumerate(care.index)}
    rows = []
    for label, sid in effect_choices():
        linked = sorted(links.loc[links["side_effect_id"] == sid, "supportive_care_id"], key=order.get)
        treatment, _, effect = label.partition(": ")
        rows.append({
            "Side effect (treatment)": f"{effect} ({treatment.lower()})",
            "Supportive care (strength of evidence)": "; ".join(
                f"{care.loc[c, 'name']} ({EVIDENCE_LABELS[str(care.loc[c, 'evidence_strength'])].lower()})"
                for c in linked
            ) or "— (nursing care in the treatment's own lesson)",
        })
    cite_rows(data.load("supportive_care"))
    return styled(pd.DataFrame(rows), "Every side effect and the supportive care that addresses it")


def care_explorer() -> Explorer:
    """Choose a side effect; see the supportive care, its evidence and the nurse's role."""
    import ipywidgets as widgets
    from helpers.controls import fit

    choices = effect_choices()
    start = "rt_lumbar_diarrhoea" if "rt_lumbar_diarrhoea" in [c for _l, c in choices] else choices[0][1]
    dropdown = widgets.Dropdown(options=choices, value=start, description="Side effect",
                                style={"description_width": "initial"}, layout=fit())
    return Explorer({"side_effect": dropdown}, care_view, static_face=deferred_face(symptom_care_table),
                    title="Supportive care explorer")


# -- supportive care services and their evidence --------------------------------

def services_table(categories: tuple[str, ...] = SERVICE_CATEGORIES):
    """The supportive care services in ``categories``: what, how firm the evidence, the nurse's role."""
    care = data.load("supportive_care")
    known = list(care["category"].cat.categories)
    unknown = [c for c in categories if c not in known]
    if unknown:
        raise InputError(f"unknown supportive care category {unknown[0]!r}; choose from {', '.join(known)}")
    rank = {c: i for i, c in enumerate(categories)}
    rows = care[care["category"].isin(categories)].copy()
    rows["_rank"] = [rank[str(c)] for c in rows["category"]]
    rows = cite_rows(rows.sort_values("_rank", kind="stable"))
    table = _care_frame(rows)
    return styled(table, "Supportive care services offered alongside treatment")


@escaped_figure
def evidence_chart() -> go.Figure:
    """How firmly the cited sources back each kind of supportive care.

    One marker per supportive care row; shape and colour say whether practice
    varies between centres, and the text beside each marker says it in words.
    """
    care = cite_rows(data.load("supportive_care"))
    order = list(EVIDENCE_LABELS)
    care = care.assign(_rank=[order.index(str(e)) for e in care["evidence_strength"]])
    care = care.sort_values(["_rank", "name"], kind="stable")
    styles = {
        True: (PALETTE[1], "diamond", "varies locally", "Practice varies between centres"),
        False: (PALETTE[0], "circle", "", "No variation noted"),
    }
    fig = figure()
    for varies in (False, True):
        colour, symbol, text, name = styles[varies]
        part = care[care["practice_varies"] == varies]
        fig.add_trace(
            go.Scatter(
                x=[EVIDENCE_LABELS[str(e)] for e in part["evidence_strength"]],
                y=part["name"],
                mode="markers+text",
                text=[text] * len(part),
                textposition="middle right",
                textfont=dict(size=12),
                name=name,
                marker=dict(color=colour, symbol=symbol, size=14, line=dict(color="#222222", width=1)),
                hovertemplate="%{y}<br>%{x}<extra></extra>",
            )
        )
    fig.update_layout(
        title="How firmly the cited sources back each kind of supportive care",
        xaxis=dict(title="Strength of evidence (project summary of the cited guideline or source)", type="category",
                   categoryorder="array", categoryarray=[EVIDENCE_LABELS[k] for k in order], tickangle=-20,
                   range=[-0.4, len(order) - 0.2]),  # room for the last column's labels
        yaxis=dict(title="Supportive care", type="category", categoryorder="array",
                   categoryarray=list(reversed(care["name"].tolist()))),
        legend=dict(orientation="h", y=-0.28),
        height=max(420, 26 * len(care) + 240),
    )
    return fig


# -- steroids and blood thinners ----------------------------------------------

def medicine_points() -> pd.DataFrame:
    """The points of ``supportive_medicine_points.csv`` with their medicine.

    Adds ``medicine`` (a label from :data:`MEDICINE_LABELS`, from the linked
    supportive care's category); keeps file order.
    """
    points = data.load("supportive_medicine_points")
    categories = data.load("supportive_care").set_index("id")["category"]
    points.insert(2, "medicine", [MEDICINE_LABELS[str(categories[c])] for c in points["supportive_care_id"]])
    return cite_rows(points)


def medicines_table():
    """Dexamethasone and blood thinners compared: why, monitor, teach, what varies."""
    points = medicine_points()
    medicines = list(dict.fromkeys(points["medicine"]))
    cells = {}
    for medicine in medicines:
        column = []
        for aspect in ASPECT_LABELS:
            items = points[(points["medicine"] == medicine) & (points["aspect"] == aspect)]["point"]
            column.append([f"• {p}" for p in items])  # one item per line; none: the table says so
        cells[medicine] = column
    table = pd.DataFrame({"": list(ASPECT_LABELS.values()), **cells})
    return styled(table, "Steroids and blood thinners: what the nurse needs to know")


# -- metastatic spinal cord compression ---------------------------------------

def mscc_signs() -> pd.DataFrame:
    """The warning signs of MSCC ordered from early to late (file order within a stage)."""
    signs = data.load("emergency_signs")
    return cite_rows(signs.sort_values("stage", kind="stable").reset_index(drop=True))


@escaped_figure
def mscc_signs_chart() -> go.Figure:
    """Each warning sign placed by how early it appears, marked by how fast to act."""
    signs = mscc_signs()
    fig = figure()
    labels = urgency_labels()
    for urgency in reversed(list(labels)):  # the slower tier first, as the legend reads left to right
        label = labels[urgency]
        colour, symbol = URGENCY_STYLE[urgency]
        text = label.lower()
        part = signs[signs["urgency"] == urgency]
        fig.add_trace(
            go.Scatter(
                x=[STAGE_LABELS[str(s)] for s in part["stage"]],
                y=[_wrap(s) for s in part["sign"]],
                mode="markers+text",
                text=[text] * len(part),
                textposition="middle right",
                name=label,
                marker=dict(color=colour, symbol=symbol, size=16, line=dict(color="#222222", width=1)),
                customdata=part[["nurse_action"]].to_numpy(),
                hovertemplate="%{y}<br>%{x}<br>%{customdata[0]}<extra></extra>",
            )
        )
    fig.update_layout(
        title="Spinal cord compression: warning signs from early to late, and how fast to act",
        xaxis=dict(title="When the sign usually appears (earlier → later)", type="category", categoryorder="array",
                   categoryarray=list(STAGE_LABELS.values()),
                   range=[-0.3, len(STAGE_LABELS) - 0.35]),  # room for the last column's labels
        yaxis=dict(title="Warning sign", type="category", categoryorder="array",
                   categoryarray=[_wrap(s) for s in reversed(signs["sign"].tolist())]),
        legend=dict(orientation="h", y=-0.15),
        height=max(460, 58 * len(signs) + 200),
    )
    return fig


def mscc_signs_table():
    """Each warning sign with its stage, how fast to act, and what the nurse does."""
    signs = mscc_signs()
    table = pd.DataFrame(
        {
            "Warning sign": signs["sign"],
            "When it appears": [STAGE_LABELS[str(s)] for s in signs["stage"]],
            "How fast": [urgency_labels()[str(u)] for u in signs["urgency"]],
            "What the nurse does": signs["nurse_action"],
        }
    )
    return styled(table, "Warning signs of spinal cord compression and what to do")


def mscc_actions_table():
    """What the nurse does for suspected MSCC, in order, and how fast (an escalation tier, or ongoing)."""
    actions = cite_rows(data.load("mscc_actions").sort_values("sequence"))
    from helpers import claims

    labels = timing_labels()
    # a timing claim is shown in the "How fast" column: its sources are the table's sources too
    cite(claims.sources_of([claims.Reference("claim", c) for c in _timing_claims()]))
    table = pd.DataFrame(
        {
            "Step": actions["sequence"].astype(int),
            "Action": actions["action"],
            "What the nurse does": actions["detail"],
            "How fast": [labels[str(t)] for t in actions["timing"]],
            "Does practice vary?": [_varies_text(v, n) for v, n in zip(actions["practice_varies"], actions["practice_note"])],
        }
    )
    return styled(table, "Suspected spinal cord compression: what the nurse does, and how fast")
