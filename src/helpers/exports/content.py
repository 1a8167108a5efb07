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
from helpers.quiz import LETTERS, Question, _check, number_text
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

#: How long a question's name may be in an LMS (Moodle allows 255 characters; a list view shows far fewer).
NAME_LENGTH = 80


def correct_indices(question: Question) -> list[int]:
    """Indices of the correct options, in option order (empty for a numeric question)."""
    return question.keys()


def numeric_range(question: Question) -> tuple[str, str, str]:
    """(exact, lowest, highest) accepted answers as decimal strings, without float noise."""
    exact = Decimal(str(question.answer))
    spread = Decimal(str(question.tolerance or 0))
    return number_text(exact), number_text(exact - spread), number_text(exact + spread)


def decimals(value: object) -> int:
    """How many digits a number has after the decimal point (1.69 -> 2, 480 -> 0)."""
    text = number_text(value)
    return len(text.split(".")[1]) if "." in text else 0


def instruction(question: Question, unit_optional: bool = False) -> str:
    """What kind of answer is wanted.

    A number is asked for with a decimal point, because LMS number boxes read
    ``1,69`` as 169 in English.  ``unit_optional`` is for a platform that
    accepts the unit after the number (Moodle with declared units); otherwise
    the number is asked for alone.
    """
    if question.type != "numeric":
        return INSTRUCTIONS[question.type]
    unit = f" in {question.unit}" if question.unit else ""
    if question.unit and unit_optional:
        alone = f" (you may write {question.unit} after it)"
    elif question.unit:
        alone = ", the number alone"
    else:
        alone = ""
    point = " Write decimals with a point (1.5, not 1,5)." if decimals(question.answer) or decimals(question.tolerance) else ""
    return f"Give the number{unit}{alone}.{point}"


def question_html(question: Question, unit_optional: bool = False) -> str:
    """The question as an HTML fragment: the prompt, then what kind of answer is wanted."""
    return str(render("lms_question.html.j2", prompt=question.prompt, instruction=instruction(question, unit_optional)))


def option_text(index: int, text: str) -> str:
    """One option as plain text with its letter (``"B. Mucosa"``): explanations refer to options by letter."""
    return f"{LETTERS[index]}. {text}"


def option_html(text: str) -> str:
    """One option as escaped HTML text."""
    return str(render("lms_text.html.j2", text=text))


def question_name(quiz: Quiz, number: int, question: Question) -> str:
    """A readable name for an LMS question bank: ``"03.02 Which tissues ..."`` (notebook, position, prompt).

    The data id stays the question's identifier (Moodle ``idnumber``, QTI ``ident``); the name is what an
    instructor reads in a list.
    """
    prefix = f"{quiz.number}.{number:02d} "
    prompt = " ".join(question.prompt.split())
    room = NAME_LENGTH - len(prefix)
    if len(prompt) > room:
        cut = prompt[: room - 1].rsplit(" ", 1)[0].rstrip(",;:")
        prompt = f"{cut}…"
    return prefix + prompt


def citations(source_ids: str) -> list[str]:
    """Plain-text references for a ``"a;b"`` source list (citation and URL)."""
    return data.cite(source_ids)


def answer_text(question: Question) -> str:
    """The correct answer in words: letters with their options, or the number."""
    return question.answer_in_words()


def feedback_html(question: Question, with_answer: bool = True) -> str:
    """The explanation shown after answering: the answer, why, how it is scored (select all), and the sources.

    ``with_answer=False`` leaves out the "Answer:" line for a platform that
    shows the right answer itself (Moodle's "The correct answer is: ...").
    """
    rule = question.scoring_rule() if question.type == "multiple" else ""
    return str(render("lms_feedback.html.j2", answer=answer_text(question) if with_answer else "",
                      feedback=question.feedback, rule=rule, sources=citations(question.source_ids)))


def notice_html(title: str, scoring: str = "") -> str:
    """The educational-use notice (and how the platform scores), as the description of a quiz or category."""
    return str(render("lms_notice.html.j2", title=title, notice=NOTICE, scoring=scoring))


def release_label(quizzes: list[Quiz]) -> str:
    """``"0.1.0, questions 1a2b3c4d"``: the collection version and a fingerprint of every question.

    The fingerprint changes whenever any question, option, key, explanation or
    cited source text changes, so each corrected build gets its own Moodle
    category (Moodle never updates a question on import: it adds one).
    """
    import hashlib

    from helpers import __version__

    digest = hashlib.sha256()
    for quiz in quizzes:
        for question in quiz.questions:
            digest.update(json.dumps([quiz.slug, question.__dict__, citations(question.source_ids)],
                                     sort_keys=True, ensure_ascii=False, default=list).encode("utf-8"))
    return f"{__version__}, questions {digest.hexdigest()[:8]}"
