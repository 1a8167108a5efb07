"""What every export shares: the checked quizzes and their texts.

Quizzes are read from a quiz folder (``data/quizzes`` inside
:func:`helpers.data.data_dir`, or a folder passed explicitly, so tests can
point the exporter at a broken copy).  Each file is checked exactly as the
notebooks check it (the JSON schema, then :func:`helpers.quiz._check`); a
file that breaks the schema stops the export with one :class:`DataError`
line naming the file and the question.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from helpers import data
from helpers.errors import DataError
from helpers.quiz import LETTERS, Question, _check
from helpers.render import render

#: Carried into every exported file (quiz description, category info, deck description).
NOTICE = (
    "Educational use only. These questions and cards come from an open teaching collection for "
    "oncology nursing students on how spinal cancer is treated. They teach; they are not medical "
    "advice and do not replace local policy or the treating team's orders. All cases are synthetic. "
    "Graded scales are named with their version (CTCAE v5.0; SINS, Fisher et al. 2010; ESCC, "
    "Bilsky et al. 2010; NOMS, Laufer et al. 2013)."
)

INSTRUCTIONS = {
    "single": "Choose one.",
    "multiple": "Choose all that apply.",
}


@dataclass(frozen=True)
class Quiz:
    """One notebook's knowledge check, ready to export."""

    slug: str
    title: str
    questions: tuple[Question, ...]

    @property
    def number(self) -> str:
        return self.slug[:2]

    @property
    def heading(self) -> str:
        """``"03 Chemotherapy"``: how the quiz is named in an LMS."""
        return f"{self.number} {self.title}"


def quiz_dir() -> Path:
    """The quiz folder of the current data folder (honours ``SPINE_DATA_DIR``)."""
    return data.data_dir() / "quizzes"


def _question_place(raw_text: str, message: str) -> str:
    """Add the question's number and id to a schema message that names ``questions/N``."""
    match = re.search(r"questions/(\d+)", message)
    if not match:
        return message
    try:
        item = json.loads(raw_text)["questions"][int(match[1])]
        ident = item.get("id", "?") if isinstance(item, dict) else "?"
    except (ValueError, KeyError, IndexError, TypeError):
        return message
    return f"{message} (question {int(match[1]) + 1}, id {ident!r})"


def read_quiz(path: Path) -> tuple[Question, ...]:
    """The questions in one quiz file, checked as the notebooks check them.

    Raises :class:`DataError` with one line naming the file and the question.
    """
    shown = f"data/quizzes/{path.name}"
    try:
        raw = data.read_checked_json(path, path.parent / "schema.json", shown)
    except DataError as error:
        raise DataError(_question_place(path.read_text(encoding="utf-8"), str(error))) from None
    if raw["notebook"] != path.stem:
        raise DataError(f"{shown}: 'notebook' is {raw['notebook']!r} but the file is named {path.stem!r}")
    questions = []
    for number, item in enumerate(raw["questions"], start=1):
        _check(item, f"{shown}: question {number} ({item['id']})")
        questions.append(Question(**{**item, "options": tuple(item.get("options", ()))}))
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DataError(f"{shown}: question id {duplicates[0]!r} is used twice; ids must be unique in a quiz")
    data.cite([q.source_ids for q in questions])  # every source id resolves, or one line names it
    return tuple(questions)


def load_quizzes(folder: Path | None = None, slugs: list[str] | None = None) -> list[Quiz]:
    """Every quiz in ``folder`` (default :func:`quiz_dir`), in notebook order.

    ``slugs`` limits the result to those notebooks (a notebook path, a slug
    or its two-digit number); an unknown one raises :class:`DataError` listing what exists.
    """
    from helpers.course import LESSONS

    folder = Path(folder) if folder is not None else quiz_dir()
    paths = sorted(folder.glob("[0-9][0-9]_*.json"))
    if not paths:
        raise DataError(f"{folder}: no quiz files (NN_slug.json)")
    if slugs:
        chosen = []
        for wanted in slugs:
            stem = Path(wanted).name.removesuffix(".ipynb").removesuffix(".json")  # a path, a file name, a slug or NN
            match = [p for p in paths if stem in (p.stem, p.stem[:2])]
            if len(match) != 1:
                raise DataError(f"no quiz for {wanted!r}; available: {', '.join(p.stem for p in paths)}")
            chosen.extend(match)
        paths = chosen
    titles = {lesson.slug: lesson.title for lesson in LESSONS}
    return [Quiz(p.stem, titles.get(p.stem, p.stem[3:].replace("_", " ").capitalize()), read_quiz(p)) for p in paths]


# -- texts shared by the formats ------------------------------------------------

def correct_indices(question: Question) -> list[int]:
    """Indices of the correct options (empty for a numeric question)."""
    if question.type == "numeric":
        return []
    return list(question.answer) if isinstance(question.answer, list) else [int(question.answer)]


def numeric_range(question: Question) -> tuple[str, str, str]:
    """(exact, lowest, highest) accepted answers as decimal strings, without float noise."""
    exact = Decimal(str(question.answer))
    spread = Decimal(str(question.tolerance or 0))
    return str(exact), str(exact - spread), str(exact + spread)


def instruction(question: Question) -> str:
    if question.type == "numeric":
        return f"Give a number{' in ' + question.unit if question.unit else ''}."
    return INSTRUCTIONS[question.type]


def question_html(question: Question) -> str:
    """The question as an HTML fragment: the prompt, then what kind of answer is wanted."""
    return str(render("lms_question.html.j2", prompt=question.prompt, instruction=instruction(question)))


def option_html(text: str) -> str:
    """One option as escaped HTML text."""
    return str(render("lms_text.html.j2", text=text))


def citations(source_ids: str) -> list[str]:
    """Plain-text references for a ``"a;b"`` source list (citation and URL)."""
    return data.cite(source_ids)


def answer_text(question: Question) -> str:
    """The correct answer in words: letters with their options, or the number."""
    if question.type == "numeric":
        return question.answer_text()
    return "; ".join(f"{LETTERS[i]}. {question.options[i]}" for i in correct_indices(question))


def feedback_html(question: Question) -> str:
    """The explanation shown after answering: the answer, why, and the sources."""
    return str(render("lms_feedback.html.j2", answer=answer_text(question), feedback=question.feedback,
                      sources=citations(question.source_ids)))


def notice_html(title: str) -> str:
    """The educational-use notice, as the description of a quiz or category."""
    return str(render("lms_notice.html.j2", title=title, notice=NOTICE))
