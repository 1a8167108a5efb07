"""The claims register states what its sources publish.

``data/claims_checked.json`` makes a changed claim fail until its row's
``checked_on`` changes (tests/test_claims.py): that catches a change.  This
module catches an error that comes with a new date: for each claim below, the
numbers and the tier its source publishes are typed here as literals, read
from the source named in the claim's ``locator``, and the claim's wording must
state them.  A claim not listed here is not checked: add it with its published
values when it is written.
"""

from __future__ import annotations

import re

import pytest

from helpers import claims, data

#: claim id -> (tier or None, phrases the canonical wording must contain, phrases it must not).
PUBLISHED = {
    # IDSA 2010 (Freifeld et al.), definitions: a single oral 38.3 °C (101 °F), or 38.0 °C (100.4 °F) over 1 h;
    # neutropenia: ANC below 500/µL, or expected to fall below 500/µL within 48 hours.
    "fever_definition_idsa": (None, ["38.3 °C (101 °F) or more", "38.0 °C (100.4 °F) or more lasting an hour"], []),
    # NICE NG234 recommendation 1.8.1: 16 mg dexamethasone by mouth "or an equivalent parenteral dose" (UK; doses
    # differ elsewhere), the first dose as soon as possible, then daily while waiting for definitive treatment.
    "mscc_dexamethasone_dose": (None, ["dexamethasone 16 mg", "equivalent parenteral dose"], ["same dose into a vein"]),
    "mscc_dexamethasone_timing": (None, ["as soon as possible", "daily"], ["within 24 hours", "immediately"]),
    # NICE NG234 section 1.4 / QS56: MRI as soon as possible, and within 24 hours, with neurology.
    "mscc_mri_neuro_timing": (None, ["as soon as possible", "within 24 hours"], []),
    # NICE NG234 section 1.4: spinal pain suggesting metastases, no neurology: MRI within 1 week.
    "mscc_mri_pain_timing": (None, ["within 1 week"], []),
    # NICE NG234 section 1.2: neurological symptoms or signs -> contact the MSCC coordinator immediately.
    "mscc_neuro_escalation": ("immediately", ["MSCC coordinator", "{{tier:immediately}}", "emergency"],
                              ["within_24_hours"]),
    # NICE NG234 section 1.2: spinal pain suggesting metastases -> contact the coordinator within 24 hours.
    "mscc_pain_escalation": ("within_24_hours", ["MSCC coordinator", "{{tier:within_24_hours}}"], ["immediately"]),
    # CDC (7 to 12 days) and Holland-Frei (days 10 to 14): the collection's one window is days 7 to 14.
    "nadir_window": (None, ["7 to 14 days after a dose"], []),
    # NICE CG151: suspected neutropenic sepsis is an emergency; empiric antibiotics without waiting.
    "neutropenic_sepsis_action": ("immediately", ["{{tier:immediately}}", "without waiting"], ["within_24_hours"]),
    # NICE CG151: a temperature higher than 38 °C, or other signs or symptoms of sepsis.
    "neutropenic_sepsis_trigger": (None, ["above 38 °C", "any other sign or symptom of sepsis"], ["38.3", "38.5"]),
    # Taplitz 2018 (ASCO/IDSA outpatient fever and neutropenia update): the first dose of empirical antibiotics
    # within 1 hour of triage (NICE CG151: immediately).
    "nsepsis_antibiotic_target": (None, ["within 1 hour of triage"], ["hours of triage", "minutes"]),
    # CTCAE v5.0, Alopecia: grade 1 hair loss of <50% of normal, grade 2 >=50%; the term has no grade 3.
    "chemo_ctcae_alopecia_grades": (None, ["grade 1 is a loss of less than 50%", "grade 2 is 50% or more",
                                           "there is no grade 3"], []),
}


def register() -> dict[str, dict]:
    return {row["id"]: row for _i, row in data.load("claims").iterrows()}


def test_every_listed_claim_is_in_the_register():
    assert sorted(set(PUBLISHED) - set(register())) == []


@pytest.mark.parametrize("claim_id", sorted(PUBLISHED))
def test_the_claim_states_its_sources_published_values(claim_id):
    tier, must, must_not = PUBLISHED[claim_id]
    row = register()[claim_id]
    text = row["text"]
    assert (row["tier"] or None) == tier, (claim_id, row["tier"])
    missing = [phrase for phrase in must if phrase not in text]
    assert missing == [], f"{claim_id}: {text!r}"
    present = [phrase for phrase in must_not if phrase in text]
    assert present == [], f"{claim_id}: {text!r}"


def test_numbers_in_a_listed_claim_are_only_the_published_ones():
    """A number added to a listed claim (a second timing, another dose) fails until it is listed here too."""
    for claim_id, (_tier, must, _not) in PUBLISHED.items():
        wording = claims.wording(claim_id)
        allowed = {n for phrase in must for n in re.findall(r"\d+(?:\.\d+)?", phrase)}
        found = set(re.findall(r"\d+(?:\.\d+)?", wording))
        assert found <= allowed, (claim_id, sorted(found - allowed))
