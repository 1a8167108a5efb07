"""The instructor version (tools/instructor.py) and data/instructor/.

One source for each thing: prompts and misconceptions in data/instructor/,
answers in data/quizzes/, lesson length in helpers.course.LESSONS.  The
student notebooks and handouts must contain none of the instructor text.
"""

from __future__ import annotations

import csv
import html
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import export_common  # noqa: E402
import handouts  # noqa: E402
import instructor  # noqa: E402

from helpers.course import LESSONS  # noqa: E402

INSTRUCTOR_DIR = ROOT / "data" / "instructor"
INSTRUCTOR_FILES = sorted(INSTRUCTOR_DIR.glob("[0-9][0-9]_*.json"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
START = ROOT / "notebooks" / "00_start_here.ipynb"


def instructor_texts(notes: dict) -> list[str]:
    """Every sentence written for instructors only."""
    texts = [step["activity"] for step in notes["session_plan"]]
    texts += notes.get("preparation", []) + list(notes.get("delivery", {}).values())
    texts += notes.get("local_policy", [])
    for item in notes["discussion_prompts"]:
        texts += [item["prompt"], item["suggested_answer"], item.get("follow_up", "")]
    for item in notes["misconceptions"]:
        texts += [item["misconception"], item["correction"]]
    return [t for t in texts if t]


def visible_text(page: str) -> str:
    return " ".join(BeautifulSoup(page, "html.parser").get_text(" ").split())


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("path", INSTRUCTOR_FILES, ids=[p.stem for p in INSTRUCTOR_FILES])
def test_instructor_file_is_valid(path):
    notes = instructor.load_notes(path.stem)
    assert path.stem in {lesson.slug for lesson in LESSONS}, f"{path.name}: not a lesson in helpers.course.LESSONS"
    ids = [item["id"] for key in ("discussion_prompts", "misconceptions") for item in notes[key]]
    assert len(ids) == len(set(ids)), f"{path.name}: ids repeat"
    sources = ROOT / "data" / "sources.csv"
    if sources.exists():
        with sources.open(encoding="utf-8") as handle:
            known = {row["id"] for row in csv.DictReader(handle)}
        for item in notes["misconceptions"]:
            for source in filter(None, item.get("source_ids", "").split(";")):
                assert source in known, f"{path.name}: {item['id']}: unknown source {source!r}"


def test_the_first_two_lessons_have_notes():
    assert {p.stem for p in INSTRUCTOR_FILES} >= {"00_start_here", "01_treatment_overview"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_has_notes_that_match_its_headings(path):
    notes_file = INSTRUCTOR_DIR / f"{path.stem}.json"
    assert notes_file.exists(), (
        f"{path.name} has no data/instructor/{path.stem}.json: 'make instructor' needs one "
        "(copy 00_start_here.json and edit it)"
    )
    instructor.check_sections(instructor.load_notes(path.stem), export_common.read_notebook(path), path.stem)


def test_student_notebooks_contain_no_instructor_text():
    student = ""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            student += cell.source + "\n"
            for output in cell.get("outputs", []):
                student += json.dumps(output.get("data", {})) + output.get("text", "")
    student = squash(html.unescape(student))
    for path in INSTRUCTOR_FILES:
        for text in instructor_texts(json.loads(path.read_text(encoding="utf-8"))):
            assert squash(text) not in student, f"instructor text from {path.name} is in a student notebook: {text[:60]}"


def test_student_handout_contains_no_instructor_text():
    page, _ = handouts.handout_html(START)
    shown = visible_text(page)
    for text in instructor_texts(instructor.load_notes("00_start_here")):
        assert squash(text) not in shown


def test_instructor_page_for_start_here():
    page = instructor.instructor_html(START)
    shown = visible_text(page)
    notes = instructor.load_notes("00_start_here")
    for item in notes["discussion_prompts"]:
        assert squash(item["prompt"]) in shown and squash(item["suggested_answer"]) in shown
    for item in notes["misconceptions"]:
        assert squash(item["misconception"]) in shown and squash(item["correction"]) in shown
    assert "Instructor version: not for students" in shown
    assert "15 min for a student working alone" in shown
    assert "Answer key" in shown and "CTCAE v5.0" in shown  # 00 has a warm-up knowledge check too
    assert "mybinder.org/v2/gh/" in page and "labpath=notebooks%2F00_start_here.ipynb" in page
    assert export_common.external_scripts(page) == []
    assert page.index("Key points") < page.index('id="instructor-notes"'), "notes must follow the lesson"


def test_answer_key_is_opened_and_comes_from_the_quiz(tmp_path, monkeypatch):
    """A lesson with a knowledge check: every <details> opened, and a key table."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from helpers.quiz import Question, render_question

    questions = (
        Question(id="q_single", type="single", prompt="Which option stabilises the bone?",
                 options=("Open fusion", "Vertebroplasty"), answer=1,
                 feedback="Cement through a needle steadies the vertebra.", source_ids="berenson2011_cafe"),
        Question(id="q_multi", type="multiple", prompt="Which effects come from rapidly dividing cells?",
                 options=("Hair loss", "Mucositis", "Hypertension"), answer=[0, 1],
                 feedback="Hair follicles and mucosa renew quickly.", source_ids="nci_chemo_and_you"),
    )
    folded = "\n".join(render_question(i, q, lambda ids: [ids]) for i, q in enumerate(questions, 1))
    quiz = new_code_cell("quiz.knowledge_check('77_demo_lesson')")
    quiz.outputs = [new_output("execute_result", data={"text/html": folded, "text/plain": "kc"}, execution_count=1)]
    nb = new_notebook(cells=[new_markdown_cell("# Demo lesson"), new_markdown_cell("## Knowledge check"), quiz])
    path = tmp_path / "77_demo_lesson.ipynb"
    nbformat.write(nb, path)
    notes_dir = tmp_path / "instructor"
    notes_dir.mkdir()
    (notes_dir / "schema.json").write_text((INSTRUCTOR_DIR / "schema.json").read_text(encoding="utf-8"))
    notes = {
        "notebook": "77_demo_lesson",
        "session_plan": [{"minutes": 5, "section": "Knowledge check", "activity": "Answer, then discuss."}],
        "discussion_prompts": [{"id": "p", "section": "Knowledge check", "prompt": "PROMPT-TEXT-77 for the class?",
                                "suggested_answer": "ANSWER-TEXT-77, because."}],
        "misconceptions": [{"id": "m", "misconception": "MISCONCEPTION-77 held",
                            "correction": "CORRECTION-77 given"}],
    }
    (notes_dir / "77_demo_lesson.json").write_text(json.dumps(notes))
    monkeypatch.setattr(instructor, "quiz_questions", lambda slug: questions)

    page = instructor.instructor_html(path, notes_dir)
    assert page.count("<details") == 2
    assert len(re.findall(r"<details open", page)) == 2, "every answer opened"
    key = page[page.index("<h2>Answer key</h2>"):]
    assert "B. Vertebroplasty" in key
    assert "A. Hair loss; B. Mucositis" in key
    for text in ("PROMPT-TEXT-77", "ANSWER-TEXT-77", "MISCONCEPTION-77", "CORRECTION-77"):
        assert text in page
    assert "not listed in helpers.course.LESSONS" in page

    student, _ = handouts.handout_html(path)
    assert "<details open" not in student and "PROMPT-TEXT-77" not in student


QUIZ_NOTEBOOKS = [p for p in NOTEBOOKS if (ROOT / "data" / "quizzes" / f"{p.stem}.json").exists()]


@pytest.mark.skipif(not QUIZ_NOTEBOOKS, reason="no notebook with a knowledge check exists yet")
@pytest.mark.parametrize("path", QUIZ_NOTEBOOKS, ids=[p.stem for p in QUIZ_NOTEBOOKS])
def test_lesson_answer_key(path):
    from helpers.quiz import load_quiz

    page = instructor.instructor_html(path)
    assert "<details>" not in page, "a folded answer is left in the instructor version"
    key = visible_text(page[page.index("<h2>Answer key</h2>"):])
    for question in load_quiz(path.stem):
        assert squash(question.feedback) in key


def run_tool(capsys, *args: str) -> tuple[int, str]:
    code = export_common.run(instructor.main, list(args))
    return code, capsys.readouterr().err


def test_missing_instructor_file_is_one_line(tmp_path, capsys):
    from nbformat.v4 import new_markdown_cell, new_notebook

    path = tmp_path / "66_no_notes.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# No notes")]), path)
    code, err = run_tool(capsys, "--out", str(tmp_path / "out"), str(path))
    assert code == 2
    assert err.count("\n") == 1 and "data/instructor/66_no_notes.json is missing" in err
    assert not (tmp_path / "out").exists(), "nothing written when a notes file is missing"


def test_renamed_section_is_one_line(tmp_path, capsys):
    from nbformat.v4 import new_markdown_cell, new_notebook

    path = tmp_path / "00_start_here.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Start\n\n## A renamed section")]), path)
    code, err = run_tool(capsys, "--out", str(tmp_path / "out"), str(path))
    assert code == 2 and err.count("\n") == 1 and "is not a heading of 00_start_here.ipynb" in err


def test_unknown_notebook_is_one_line(capsys):
    code, err = run_tool(capsys, "99")
    assert code == 2 and err.count("\n") == 1 and "unknown notebook '99'" in err


def test_guide_timing_table_matches_lessons():
    guide = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- timing-table:[^>]*-->\n(.*?)\n<!-- end timing-table -->", guide, re.S)
    assert block, "docs/instructor-guide.md lost its timing-table markers"
    assert block.group(1) == instructor.timing_table(), (
        "docs/instructor-guide.md timing table is stale: paste the output of "
        "'python tools/instructor.py --timing-table'"
    )
