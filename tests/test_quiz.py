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
