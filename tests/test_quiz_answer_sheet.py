"""An answer sheet for every choice question: the key of each knowledge check, typed as a literal.

The numeric and calculator-backed keys are tied to ``helpers.calculators`` and
to their published values elsewhere (``tests/test_quiz_keys.py``); this sheet
covers the "choose one" and "choose all that apply" questions, whose keys no
calculator computes.  Each entry names the keyed options by a few of their own
words, written once by a reviewer who checked the key against the question's
sources.  A key moved in ``data/quizzes/`` (an index typo, an option inserted
above the key, a distractor added to a select-all key) fails here until the
sheet is reviewed again; rewording an option needs the sheet only if these
words change.  A new question fails until it is added.
"""

from __future__ import annotations

import pytest

from helpers.course import LESSONS
from helpers.quiz import load_quiz

#: question id -> the words that identify its keyed option (or, for select-all, each keyed option, in order).
ANSWER_SHEET = {
    # 00_start_here
    "ctcae_version": 'CTCAE v5.0',
    "sins_purpose": 'Whether a spine affected by',
    "escc_meaning": 'How far tumour in the',
    "noms_axes": ('Neurologic: how compressed is the', 'Oncologic: how does the tumour', 'Mechanical: is the spine stable?', 'Systemic: can the person tolerate'),
    "five_modalities": ('Surgery', 'Chemotherapy', 'Radiation therapy', 'Interventional radiology, including vertebroplasty and', 'Targeted therapy'),
    # 01_treatment_overview
    "least_invasive_for_fracture": 'Vertebroplasty or kyphoplasty under image',
    "rapidly_dividing_cells": ('Hair loss', 'Mouth sores and diarrhoea', 'Infection, tiredness and bruising from'),
    "radiation_after_resection": 'To destroy microscopic tumour cells',
    "angiogenesis": 'Blocking the growth of new',
    "goal_in_cord_compression": 'To take pressure off the',
    # 02_surgery
    "chordoma_en_bloc": 'Remove the whole tumour in',
    "ependymoma_versus_astrocytoma": 'An ependymoma usually has a',
    "goals_for_metastases": ('Take pressure off the spinal', 'Make an unstable spine secure', 'Relieve pain'),
    "noms_renal": 'Separation surgery to decompress the',
    "csf_leak_signs": ('Clear, watery fluid soaking the', 'A headache that worsens on', 'A swelling under the wound'),
    "mis_pooled": 'Operating time',
    "vte_timing": 'When the surgeon prescribes them',
    # 03_chemotherapy
    "vinca_alkaloid_route": 'Give the intrathecal methotrexate in',
    "fast_dividing_tissues": ('Hair follicles', 'The lining of the mouth', 'The bone marrow'),
    "nadir_timing": 'About 7 to 14 days',
    # 38.0 °C or more for over an hour with an ANC below 500 is febrile neutropenia (IDSA 2010); NICE CG151: act at once
    "febrile_neutropenia_emergency": 'Treat it as an emergency: follow the local neutropenic sepsis',
    "precaution_threshold": ("It depends on the institution's"),
    "steroid_monitoring": ('Blood glucose', 'Sleep, mood and signs of', 'Thigh and shoulder muscle strength'),
    "oral_chemotherapy_home": 'Keep the capsules in their',
    # 04_radiation_therapy
    "sbrt_versus_conventional": 'One to five very large',
    "lumbar_effects": 'Nausea and vomiting, and later',
    "late_effects": ('Vertebral compression fracture after stereotactic', 'Radiation myelopathy (injury to the', 'Nerve damage (radiculopathy or plexopathy)'),
    "pain_flare_day_three": 'Explain that a short-lived pain',
    "blood_thinners": 'It stops the clot from',
    "skin_care_in_field": ('Wash gently with lukewarm water', 'Do not rub or scratch', 'Use only the moisturiser or'),
    "craniospinal_blood_counts": 'Because much of the bone',
    # 05_interventional_radiology
    "kyphoplasty_difference": 'In kyphoplasty a balloon is',
    "urgent_after_cement": ('Sudden breathlessness with chest pain', 'New numbness and weakness in', 'New difficulty passing urine'),
    "height_promise": 'It aims to lift the',
    "who_suits_cement": 'Mechanical back pain from a',
    "leak_ratio": 'Leaks were seen more often',
    "before_biopsy": ('The blood count and clotting', 'The plan for each anticoagulant', 'Fasting as the sedation policy', 'A baseline neurological examination and'),
    "ablation_nerve_protection": 'Injecting fluid or gas to',
    "how_long_flat": 'For the period set in',
    # 06_targeted_therapy
    "targeted_versus_chemo": 'Targeted therapy acts on a',
    "bevacizumab_mechanism_and_use": ('It is a monoclonal antibody', 'It is often combined with', 'Its labelled nervous-system use is'),
    "blood_pressure_grade": 'Grade 3',
    "dipstick_two_plus": 'Report it and arrange a',
    "restart_after_surgery": 'No: the wound must also',
    "red_flags": ('Sudden severe abdominal pain', 'A seizure or new loss', 'Face droop and slurred speech'),
    "bone_modifying_agents": 'They slow the breakdown of',
    # 07_side_effects_and_supportive_care
    "anticoagulants_do_not_dissolve": 'No: they stop the clot',
    "dexamethasone_monitoring": ('Blood glucose', 'Mood and sleep', 'Signs of infection, including oral', 'Strength of the thigh and'),
    "stopping_dexamethasone": 'Reduce the dose step by',
    "mscc_late_sign": 'New difficulty passing urine or',
    "supplements_safety": 'Record everything they take and',
    "anti_angiogenic_effects": ('High blood pressure', 'Protein in the urine', 'Slow wound healing', 'Bleeding and blood clots'),
    "radiation_level_effects": 'Nausea and loose stools',
    # 08_case_studies
    "amira_first_action": 'Treat it as suspected spinal',
    "walter_why_cement": 'Because his pain is mechanical',
    "pavel_noms": 'Separation surgery (decompression, with fixation',
    "jonah_after_complete_removal": 'Rehabilitation and regular follow-up MRI',
    "rosa_checks_before_bevacizumab": ('Blood pressure', 'Urine test for protein', 'Whether any surgery is planned'),
    "rosa_tool_limits": 'Because L3 has already had',
    # 09_clinical_judgment (NCSBN: the CJMM's order of cognitive functions; the NGN scoring rules, NCSBN 2023)
    "cjmm_order": 'Prioritize hypotheses',
    "dyad_one_part": '0 of 1 point',
    "plus_minus_types": ('Select all that apply', 'Highlight in a text or table', 'Matrix with several choices per row'),
}

CHOICE_QUESTIONS = {q.id: q for lesson in LESSONS for q in load_quiz(lesson.slug) if q.type in ("single", "multiple")}


def test_every_choice_question_is_on_the_sheet():
    assert sorted(set(CHOICE_QUESTIONS) - set(ANSWER_SHEET)) == [], "add the new question's key to the sheet"
    assert sorted(set(ANSWER_SHEET) - set(CHOICE_QUESTIONS)) == [], "a question on the sheet is gone"


@pytest.mark.parametrize("question_id", sorted(ANSWER_SHEET))
def test_the_key_is_the_option_the_sheet_names(question_id):
    question = CHOICE_QUESTIONS[question_id]
    expected = ANSWER_SHEET[question_id]
    expected = (expected,) if isinstance(expected, str) else expected
    assert (question.type == "single") == (len(expected) == 1), "single has one key; select-all several"
    named = [i for i, option in enumerate(question.options) if any(words in option for words in expected)]
    assert len(named) == len(expected), f"the sheet's words must each name exactly one option: {named}"
    assert list(question.keys()) == named, (question_id, [question.options[i] for i in question.keys()])
