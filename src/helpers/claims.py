"""One clinical claim, one place: the claims register and the references to it.

Every clinical statement that tells a reader how often something happens, how fast to act, a threshold, a
timing or duration, a dose, a recommendation and its strength, or a treatment's role is written once, as a
row of ``data/claims.csv`` (its canonical wording, the population or context it holds for, its sources, the
place in the source, and the date it was last checked).  Every text a reader sees refers to it:

* free text in ``data/`` (CSV cells, quiz, instructor and case JSON) holds a placeholder such as
  ``{{mscc_neuro_signs_contact}}``, replaced with the claim's wording when the table is loaded
  (:func:`helpers.data.load`, :func:`helpers.data.read_checked_json`);
* notebook markdown holds a marker pair, ``<!-- claim:mscc_neuro_signs_contact --><!-- /claim -->``;
  ``make notebooks`` writes the wording between the markers (:func:`fill_markdown`), so nbviewer and
  JupyterLab show the text and an author sees where it comes from.

A placeholder names one of:

==========================  ===========================================================================
``{{claim_id}}``            a claim of ``data/claims.csv``
``{{tier:id}}``             an escalation tier of ``data/escalation_tiers.csv`` (NICE NG234's
                            "immediately" and "within 24 hours", and the few others a source defines)
``{{strength:id}}``         a guideline's strength wording (``data/recommendation_strengths.csv``)
``{{band:side_effect_id}}`` the frequency band computed from the side effect's cited numbers
``{{freq:side_effect_id}}`` the band with every cited number (:func:`helpers.side_effects.frequency_phrase`)
``{{evidence:id}}``         one row of ``data/side_effect_evidence.csv`` as text
``{{outcome:id}}``          the value of one row of ``data/augmentation_outcomes.csv`` (a trial's mean
                            score), so a quiz that quotes it shows the number the table holds
==========================  ===========================================================================

``|cap`` after the name (``{{tier:immediately|cap}}``) capitalises the first letter, for the start of a
sentence.  A claim's own wording may use the vocabulary forms (tier, strength, band, freq, evidence) but
not another claim.  An unknown name stops the load with one line naming the file, the row and the field.

Nothing here runs text as a template: a placeholder is replaced by plain text, which the template layer
then escapes like any other text from data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from helpers.errors import DataError

__all__ = [
    "PLACEHOLDER", "MARKER", "KINDS", "Reference", "references_in", "resolve", "wording",
    "fill_markdown", "markdown_references", "strip_placeholders", "strip_markers", "register", "sources_of",
]

#: ``{{name}}``, ``{{kind:name}}``, with an optional ``|cap``.
PLACEHOLDER = re.compile(r"\{\{\s*(?:(tier|strength|band|freq|evidence|outcome):)?([a-z0-9_]+)\s*(\|cap)?\s*\}\}")
#: A loose form, to catch a misspelt placeholder (``{{ Mscc }}``, ``{{x:y}}``) instead of showing it raw.
_LOOSE = re.compile(r"\{\{.*?\}\}")
#: The marker pair in notebook markdown; group 1 is the reference (as inside a placeholder), group 2 the text.
MARKER = re.compile(r"<!--\s*claim:\s*([a-z:0-9_|]+)\s*-->(.*?)<!--\s*/claim\s*-->", re.DOTALL)

#: What a claim is about (``data/claims.csv`` ``kind``).
KINDS = ("frequency", "escalation", "threshold", "timing", "dose", "recommendation", "role", "definition",
         "statement")


@dataclass(frozen=True)
class Reference:
    """One placeholder: ``kind`` is ``"claim"`` or a vocabulary name; ``name`` the id; ``cap`` capitalise."""

    kind: str
    name: str
    cap: bool = False

    @property
    def key(self) -> str:
        """The reference as written inside a placeholder, without ``|cap`` (``"tier:immediately"``)."""
        return self.name if self.kind == "claim" else f"{self.kind}:{self.name}"


def _parse(match: re.Match) -> Reference:
    return Reference(match.group(1) or "claim", match.group(2), bool(match.group(3)))


def references_in(text: str) -> list[Reference]:
    """Every placeholder in ``text``, in order."""
    return [_parse(m) for m in PLACEHOLDER.finditer(text or "")]


def strip_placeholders(text: str) -> str:
    """``text`` with every placeholder removed (what a lint must not read as typed text)."""
    return PLACEHOLDER.sub(" ", text or "")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------
# Wording of each kind of reference, from the raw (validated) tables
# --------------------------------------------------------------------------

def _raw(folder: str, name: str):
    from helpers.data import _load

    return _load(folder, name)


def clear_cache() -> None:
    """Forget the vocabularies read so far (``helpers.data.clear_cache`` calls this)."""
    _vocabulary.cache_clear()
    _evidence_by_effect.cache_clear()


@cache
def _vocabulary(folder: str, table: str, field: str = "wording") -> dict[str, str]:
    frame = _raw(folder, table)
    return dict(zip(frame["id"].astype(str), frame[field].astype(str)))


@cache
def _evidence_by_effect(folder: str):
    evidence = _raw(folder, "side_effect_evidence")
    return {effect: rows for effect, rows in evidence.groupby("side_effect_id", sort=False)}


def _band_words(folder: str, side_effect_id: str) -> str:
    """The derived band in lower case ("common", "uncommon to common"), or "not quantified ..."."""
    from helpers import side_effects as se

    rows = _evidence_by_effect(folder).get(side_effect_id)
    if rows is None:
        effects = set(_raw(folder, "side_effects")["id"].astype(str))
        if side_effect_id not in effects:
            raise KeyError(side_effect_id)
        return se.NOT_QUANTIFIED_TEXT.lower()
    spans = [se._one_span(lo, hi) for lo, hi in zip(rows["incidence_low_pct"], rows["incidence_high_pct"])]
    order = [k for k, _l, _f in se.FREQUENCY_BANDS]
    low = max((s[0] for s in spans), key=order.index)
    high = min((s[1] for s in spans), key=order.index)
    low_label, high_label = (se.FREQUENCY_LABELS[k].lower() for k in (low, high))
    return low_label if low == high else f"{low_label} to {high_label}"


def _frequency(folder: str, side_effect_id: str) -> str:
    from helpers import side_effects as se

    band = _band_words(folder, side_effect_id)
    rows = _evidence_by_effect(folder).get(side_effect_id)
    if rows is None:
        return band
    return f"{band}: " + "; ".join(se.evidence_text(row) for _i, row in rows.iterrows())


def _evidence(folder: str, evidence_id: str) -> str:
    from helpers import side_effects as se

    evidence = _raw(folder, "side_effect_evidence").set_index("id", drop=False)
    if evidence_id not in evidence.index:
        raise KeyError(evidence_id)
    return se.evidence_text(evidence.loc[evidence_id])


_TABLE_OF = {"claim": "claims.csv", "tier": "escalation_tiers.csv", "strength": "recommendation_strengths.csv",
             "band": "side_effects.csv", "freq": "side_effects.csv", "evidence": "side_effect_evidence.csv",
             "outcome": "augmentation_outcomes.csv"}


def _outcome(folder: str, outcome_id: str) -> str:
    """The value of one row of ``augmentation_outcomes`` as the table holds it (17.6, 9.1; 18.0 shows as 18)."""
    value = float(_vocabulary(folder, "augmentation_outcomes", "value")[outcome_id])
    return f"{value:g}"


def _lookup(folder: str, ref: Reference, *, inside_claim: bool = False) -> str:
    try:
        if ref.kind == "claim":
            if inside_claim:
                raise DataError(f"{{{{{ref.name}}}}}: a claim's wording may not refer to another claim; "
                                "write the wording once, or use tier:, strength:, band:, freq: or evidence:")
            text = _vocabulary(folder, "claims", "text")[ref.name]
            text = _resolve_text(folder, text, inside_claim=True)
        elif ref.kind == "tier":
            text = _vocabulary(folder, "escalation_tiers")[ref.name]
        elif ref.kind == "strength":
            text = _vocabulary(folder, "recommendation_strengths")[ref.name]
        elif ref.kind == "band":
            text = _band_words(folder, ref.name)
        elif ref.kind == "freq":
            text = _frequency(folder, ref.name)
        elif ref.kind == "outcome":
            text = _outcome(folder, ref.name)
        else:
            text = _evidence(folder, ref.name)
    except KeyError:
        raise DataError(f"{{{{{ref.key}}}}} names no row of {_TABLE_OF[ref.kind]}; use an id from that file") from None
    return _capitalised(text) if ref.cap else text


def _resolve_text(folder: str, text: str, *, inside_claim: bool = False) -> str:
    if "{{" not in text:
        return text
    out = PLACEHOLDER.sub(lambda m: _lookup(folder, _parse(m), inside_claim=inside_claim), text)
    leftover = _LOOSE.search(out)
    if leftover:
        raise DataError(f"{leftover.group(0)} is not a claim reference; write {{{{claim_id}}}}, "
                        "{{tier:id}}, {{strength:id}}, {{band:side_effect_id}}, {{freq:side_effect_id}}, "
                        "{{evidence:id}} or {{outcome:id}} (lower-case id, optional |cap)")
    return out


def resolve(text: str, where: Callable[[], str] | str = "", folder: str | None = None) -> str:
    """``text`` with every placeholder replaced by its wording.

    ``where`` (a string or a function returning one) names the place in messages, e.g.
    ``"data/glossary.csv: row 4 (line 5 of the file), field 'definition'"``.
    """
    if not text or "{{" not in text:
        return text
    if folder is None:
        from helpers.data import data_dir

        folder = str(data_dir())
    try:
        return _resolve_text(folder, text)
    except DataError as error:
        place = where() if callable(where) else where
        raise DataError(f"{place}: {error}" if place else str(error)) from None


def wording(reference: str, folder: str | None = None) -> str:
    """The wording of one reference, written as inside a placeholder (``"tier:immediately"``, ``"x|cap"``)."""
    return resolve("{{" + reference + "}}", reference, folder)


def sources_of(references: Iterable[Reference], folder: str | None = None) -> list[str]:
    """The source ids behind some references, in first-seen order (a claim's own and its evidence's).

    A row or a question that shows a claim cites the claim's sources too, so a notebook's reference list
    names every document behind what the reader saw.
    """
    if folder is None:
        from helpers.data import data_dir

        folder = str(data_dir())
    # The vocabularies' own sources (the guidelines that define "immediately" or "should be offered") are not
    # added: the words are shared, and the claim that uses them carries the source for its situation.
    tables = {"claim": "claims", "evidence": "side_effect_evidence", "outcome": "augmentation_outcomes"}
    found: dict[str, None] = {}
    for ref in references:
        if ref.kind in ("tier", "strength"):
            continue
        if ref.kind in tables:
            own = _vocabulary(folder, tables[ref.kind], "source_ids").get(ref.name)
            cited = [own] if own else []
            if ref.kind == "claim":
                text = _vocabulary(folder, "claims", "text").get(ref.name, "")
                cited += sources_of(references_in(text), folder)
        else:
            rows = _evidence_by_effect(folder).get(ref.name)
            cited = [] if rows is None else [str(v) for v in rows["source_ids"]]
        for value in cited:
            for source in value.split(";"):
                if source:
                    found.setdefault(source, None)
    return list(found)


def register():
    """The claims register (``data/claims.csv``) with each claim's wording resolved (column ``wording``)."""
    from helpers.data import data_dir, load

    frame = load("claims")
    folder = str(data_dir())
    frame["wording"] = [_resolve_text(folder, t, inside_claim=True) for t in frame["text"].astype(str)]
    return frame


# --------------------------------------------------------------------------
# Notebook markdown: marker pairs filled at build time
# --------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _markdown_text(text: str) -> str:
    """Plain text made safe for markdown: markup characters escaped, so data is shown as text."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


def markdown_references(source: str) -> list[Reference]:
    """The references of the marker pairs in a markdown cell, in order."""
    out = []
    for match in MARKER.finditer(source or ""):
        found = PLACEHOLDER.fullmatch("{{" + match.group(1) + "}}")
        if not found:
            raise DataError(f"<!-- claim:{match.group(1)} -->: not a claim reference (write <!-- claim:claim_id -->)")
        out.append(_parse(found))
    return out


def fill_markdown(source: str, where: str = "", folder: str | None = None) -> str:
    """``source`` with the text between each marker pair replaced by the claim's current wording."""
    def fill(match: re.Match) -> str:
        reference = match.group(1)
        text = resolve("{{" + reference + "}}", where or f"<!-- claim:{reference} -->", folder)
        return f"<!-- claim:{reference} -->{_markdown_text(text)}<!-- /claim -->"

    return MARKER.sub(fill, source or "")


def strip_markers(source: str) -> str:
    """``source`` without the marker pairs and the text between them (what a lint must not read as typed)."""
    return MARKER.sub(" ", source or "")


def placeholders_in_values(values: Iterable[object]) -> list[Reference]:
    """Every reference in an iterable of values (non-strings are skipped)."""
    return [ref for value in values if isinstance(value, str) for ref in references_in(value)]
