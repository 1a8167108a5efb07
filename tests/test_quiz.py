"""Knowledge checks: every quiz file is valid, cited, and renders with hidden answers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import quiz
from helpers.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
QUIZZES = sorted((ROOT / "data" / "quizzes").glob("[0-9][0-9]_*.json"))


@pytest.fixture
def quiz_dir(tmp_path, monkeypatch):
    target = tmp_path / "quizzes"
    shutil.copytree(ROOT / "data" / "quizzes", target)
    monkeypatch.setattr(quiz, "QUIZ_DIR", target)
    quiz.load_quiz.cache_clear()
    yield target
    quiz.load_quiz.cache_clear()


@pytest.mark.parametrize("path", QUIZZES, ids=[p.stem for p in QUIZZES])
def test_quiz_is_valid_and_cited(path):
    from helpers.data import load

    questions = quiz.load_quiz(path.stem)
    assert len(questions) >= 5
    assert len({q.id for q in questions}) == len(questions)
    known = set(load("sources")["id"].astype(str))
    for q in questions:
        for source in q.source_ids.split(";"):
            assert source in known, f"{path.name}: {q.id} cites unknown source {source}"


@pytest.mark.parametrize("path", QUIZZES, ids=[p.stem for p in QUIZZES])
def test_answers_are_folded_away(path):
    html = quiz.knowledge_check(path.stem)._repr_html_()
    assert html.count("<details>") == len(quiz.load_quiz(path.stem))
    assert html.count("cursor:pointer") == len(quiz.load_quiz(path.stem))  # looks like a control on nbviewer
    for q in quiz.load_quiz(path.stem):
        before_answer = html.split("<details>")[0]
        assert q.feedback[:40] not in before_answer


def test_every_notebook_has_a_quiz():
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for nb in notebooks:
        assert (ROOT / "data" / "quizzes" / f"{nb.stem}.json").exists(), f"{nb.stem} has no quiz"


def corrupt(quiz_dir: Path, change) -> None:
    path = quiz_dir / "01_treatment_overview.json"
    raw = json.loads(path.read_text())
    change(raw)
    path.write_text(json.dumps(raw))


def test_answer_index_outside_the_options_is_named(quiz_dir):
    corrupt(quiz_dir, lambda raw: raw["questions"][0].update(answer=9))
    with pytest.raises(DataError, match=r"question 1 .*answer index 9"):
        quiz.load_quiz("01_treatment_overview")


def test_schema_violation_names_the_place(quiz_dir):
    corrupt(quiz_dir, lambda raw: raw["questions"][2].update(type="essay"))
    with pytest.raises(DataError, match=r"questions/2/type"):
        quiz.load_quiz("01_treatment_overview")


def test_invalid_json_gives_the_line(quiz_dir):
    (quiz_dir / "01_treatment_overview.json").write_text('{"notebook": ')
    with pytest.raises(DataError, match="not valid JSON"):
        quiz.load_quiz("01_treatment_overview")


def test_missing_quiz_lists_available(quiz_dir):
    with pytest.raises(DataError, match="available: .*01_treatment_overview"):
        quiz.load_quiz("09_nothing")


def test_numeric_answer_text_includes_unit_and_tolerance():
    q = quiz.Question(id="anc", type="numeric", prompt="Work out the ANC please", answer=1200,
                      feedback="x" * 30, source_ids="s", tolerance=10, unit="cells/µL")
    assert q.answer_text() == "1200 (±10) cells/µL"


# -- keys with hard values (issue 23: the easy values let a first-letter-only key pass) ---------------

def _question(**change) -> quiz.Question:
    base = dict(id="q", type="multiple", prompt="Which of these apply to the case?", answer=[0, 2, 3],
                feedback="x" * 30, source_ids="nci_dictionary", options=("One", "Two", "Three", "Four", "Five"))
    return quiz.Question(**{**base, **change})


def test_a_multiple_answer_key_shows_every_letter_in_order():
    assert _question().answer_text() == "A, C, D"
    assert _question(answer=[3, 0, 2]).correct_letters() == "A, C, D"  # order of the options, not of the list
    assert _question(answer=(1, 4)).answer_text() == "B, E"            # a tuple from code, not only a JSON list
    assert _question().answer_in_words() == "A. One; C. Three; D. Four"


@pytest.mark.parametrize("answer, tolerance, unit, expected", [
    (1.69, 0.01, "m²", "1.69 (±0.01) m²"),
    (8.5, 0.25, "points", "8.5 (±0.25) points"),
    (0.48, 0.00001, "", "0.48 (±0.00001)"),
    (1234567, 0.5, "cells/µL", "1234567 (±0.5) cells/µL"),
    (12.0, 0, "Gy", "12 Gy"),
])
def test_numeric_keys_keep_small_tolerances_and_large_numbers(answer, tolerance, unit, expected):
    question = _question(type="numeric", answer=answer, tolerance=tolerance, unit=unit, options=())
    assert question.answer_text() == expected


def test_a_multiple_answer_key_states_the_plus_minus_rule_and_a_single_one_does_not():
    multiple = quiz.render_question(1, _question(), lambda ids: ["A source"])
    assert "Answer: A, C, D." in multiple
    assert "minus one for each incorrect option chosen; the item never scores below zero" in multiple
    single = quiz.render_question(2, _question(type="single", answer=1), lambda ids: ["A source"])
    assert "Answer: B." in single and "below zero" not in single


@pytest.mark.parametrize("change, message", [
    ({"answer": 4}, r"answer index 4 is not one of the options 0..3"),             # index == number of options
    ({"type": "multiple", "answer": [0, 0]}, r"listed twice"),
    ({"type": "multiple", "answer": [1, 4]}, r"answer index 4 is not one of the options 0..3"),
    ({"tolerance": 0.5}, r"'tolerance' and 'unit' belong to numeric questions only"),
    ({"options": ["", "B", "C", "D"]}, r"an option is empty"),
    ({"options": [f"option {n}" for n in range(11)]}, r"at most 10 options"),
])
def test_keys_that_cannot_be_shown_are_refused(quiz_dir, change, message):
    corrupt(quiz_dir, lambda raw: raw["questions"][0].update(change))
    with pytest.raises(DataError, match=message):
        quiz.load_quiz("01_treatment_overview")


def test_a_bool_is_not_an_answer_index():
    """JSON true passes for 1 in Python; the schema refuses it in a file, _check refuses it from code too."""
    item = {"type": "single", "options": ["A", "B"], "answer": True}
    with pytest.raises(DataError, match=r"here: answer index True is not one of the options 0..1"):
        quiz._check(item, "here")
