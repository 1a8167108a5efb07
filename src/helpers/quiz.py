"""Knowledge checks that work live and on a static page.

Questions are data: ``data/quizzes/<notebook>.json``, described by
``data/quizzes/schema.json``.  Each question renders as plain HTML: the
prompt, the lettered options, and a ``<details>`` element that reveals the
answer and the explanation.  ``<details>`` needs no kernel and no script, so
it works identically in JupyterLab, on nbviewer and in a printed handout
(where the answer is collapsed), and there is never a dead control.

:func:`score` is the one scoring entry point of the collection: it finds an
item (a clinical-judgment item of ``data/judgment/``, or a knowledge-check
question named ``"NN_slug:question_id"``) and scores a response by the NCSBN
rule of its type (:mod:`helpers.scoring`).  The live widgets, the printed
answer keys and the exports all go through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from markupsafe import Markup

from helpers.errors import DataError
from helpers.render import macro

#: Where the quiz files are; None means ``quizzes/`` inside the data folder
#: (:func:`helpers.data.data_dir`, which honours ``SPINE_DATA_DIR``).
QUIZ_DIR: Path | None = None
LETTERS = "ABCDEFGHIJ"


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: str
    answer: object
    feedback: str
    source_ids: str
    options: tuple[str, ...] = ()
    tolerance: float = 0.0
    unit: str = ""

    def keys(self) -> list[int]:
        """The indices of the correct options, in option order (empty for a numeric question).

        ``answer`` may be one index or any sequence of them (a list from JSON, a tuple from code).
        """
        if self.type == "numeric":
            return []
        if isinstance(self.answer, (list, tuple)):
            return sorted(int(i) for i in self.answer)
        return [int(self.answer)]

    def correct_letters(self) -> str:
        """Every correct letter: ``"A, B, D"``."""
        return ", ".join(LETTERS[i] for i in self.keys())

    def answer_text(self) -> str:
        """The key as students read it: the letters, or the number with its tolerance and unit."""
        if self.type == "numeric":
            spread = f" (±{number_text(self.tolerance)})" if self.tolerance else ""
            return f"{number_text(self.answer)}{spread} {self.unit}".strip()
        return self.correct_letters()

    def answer_in_words(self) -> str:
        """The key with the options written out: ``"A. Hair follicles; B. Mucosa"``, or the number."""
        if self.type == "numeric":
            return self.answer_text()
        return "; ".join(f"{LETTERS[i]}. {self.options[i]}" for i in self.keys())

    def scoring_rule(self) -> str:
        """How the question is scored (NCSBN's rules, :data:`helpers.scoring.RULE_TEXT`)."""
        from helpers.scoring import RULE_TEXT

        return RULE_TEXT["+/-" if self.type == "multiple" else "0/1"]


def number_text(value: object) -> str:
    """A number as written in a key, without float noise or exponent: 0.00001 -> ``"0.00001"``, 12.0 -> ``"12"``."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def _check(question: dict, where: str) -> None:
    """Refuse a question whose key cannot be shown or scored; one line naming the question."""
    qtype = question["type"]
    options = question.get("options", [])
    answer = question["answer"]
    if qtype == "numeric":
        if options or isinstance(answer, bool) or not isinstance(answer, (int, float)):
            raise DataError(f"{where}: a numeric question has a number as answer and no options")
        return
    if "tolerance" in question or question.get("unit"):
        raise DataError(f"{where}: 'tolerance' and 'unit' belong to numeric questions only")
    if len(options) < 2:
        raise DataError(f"{where}: a {qtype} question needs at least two options")
    if len(options) > len(LETTERS):
        raise DataError(f"{where}: a question has at most {len(LETTERS)} options (A to {LETTERS[-1]}); it has {len(options)}")
    if any(not str(option).strip() for option in options):
        raise DataError(f"{where}: an option is empty")
    if qtype == "single" and isinstance(answer, list):
        raise DataError(f"{where}: a single-choice question has one answer index, not a list")
    if qtype == "multiple" and not isinstance(answer, list):
        raise DataError(f"{where}: a multiple-choice question has a list of answer indices")
    answers = answer if isinstance(answer, list) else [answer]
    for index in answers:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(options):
            raise DataError(f"{where}: answer index {index!r} is not one of the options 0..{len(options) - 1}")
    if len(set(answers)) != len(answers):
        raise DataError(f"{where}: an answer index is listed twice in {answers}")


def quiz_dir() -> Path:
    """The folder of quiz files (``QUIZ_DIR`` if set, else ``quizzes/`` in the data folder)."""
    if QUIZ_DIR is not None:
        return Path(QUIZ_DIR)
    from helpers.data import data_dir

    return data_dir() / "quizzes"


def load_quiz(notebook: str) -> tuple[Question, ...]:
    """The questions for a notebook, checked against the schema and the sources."""
    return _load_quiz(str(quiz_dir()), notebook)


@cache
def _load_quiz(folder: str, notebook: str) -> tuple[Question, ...]:
    directory = Path(folder)
    path = directory / f"{notebook}.json"
    if not path.exists():
        available = ", ".join(sorted(p.stem for p in directory.glob("[0-9]*.json")))
        raise DataError(f"data/quizzes/{path.name}: no such quiz; available: {available}")
    from helpers.data import read_checked_json

    raw = read_checked_json(path, directory / "schema.json", f"data/quizzes/{path.name}")
    questions = []
    for number, item in enumerate(raw["questions"], start=1):
        _check(item, f"data/quizzes/{path.name}: question {number} ({item['id']})")
        questions.append(Question(**{**item, "options": tuple(item.get("options", ()))}))
    return tuple(questions)


load_quiz.cache_clear = _load_quiz.cache_clear  # type: ignore[attr-defined]


def render_question(number: int, question: Question, cite) -> str:
    """One question as HTML: prompt, lettered options, the answer folded in ``<details>``.

    A "choose all that apply" key also states how it is scored (NCSBN's +/− rule).
    """
    kind = {"single": "Choose one.", "multiple": "Choose all that apply.",
            "numeric": f"Work it out{' in ' + question.unit if question.unit else ''}."}[question.type]
    sources = "; ".join(cite(question.source_ids))
    rule = question.scoring_rule() if question.type == "multiple" else ""
    return str(macro("quiz.html.j2", "question", number, question, kind, LETTERS, question.answer_text(), sources, rule))


class KnowledgeCheck:
    """Displays a notebook's questions; answers stay folded until asked for."""

    def __init__(self, notebook: str) -> None:
        self.notebook = notebook
        self.questions = load_quiz(notebook)

    def _repr_html_(self) -> str:
        from helpers.data import cite

        body = [Markup(render_question(i, q, cite)) for i, q in enumerate(self.questions, start=1)]
        return str(macro("quiz.html.j2", "check", body))

    def __repr__(self) -> str:
        return f"Knowledge check for {self.notebook}: {len(self.questions)} questions"


def knowledge_check(notebook: str) -> KnowledgeCheck:
    """The knowledge check for ``notebook`` (``"01_treatment_overview"``)."""
    return KnowledgeCheck(notebook)


# -- scoring (NCSBN's rules, helpers.scoring) -------------------------------------

#: How a knowledge-check question type is scored: the NGN item type with the same rule.
QUESTION_ITEM_TYPES = {"single": "multiple_choice", "multiple": "select_all"}


def item(item_id: str):
    """The clinical-judgment item with this id (:class:`helpers.judgment.Item`)."""
    from helpers import judgment

    return judgment.find_item(item_id)


def question(qualified_id: str) -> Question:
    """A knowledge-check question named ``"NN_slug:question_id"``."""
    from helpers.errors import InputError

    notebook, _, question_id = qualified_id.partition(":")
    for candidate in load_quiz(notebook):
        if candidate.id == question_id:
            return candidate
    raise InputError(f"the knowledge check of {notebook} has no question {question_id!r}")


def score(item_id: str, response: object) -> tuple[int, int]:
    """``(points, max_points)`` for ``response`` to an item, by its type's NCSBN rule.

    ``item_id`` is a clinical-judgment item's id, or ``"NN_slug:question_id"``
    for a knowledge-check question (a "choose one" question scores 0/1, a
    "choose all that apply" one +/−).  A response has the shape of the item's
    answer (:mod:`helpers.scoring`): option indices for choice and highlight
    items, a dict from row to column(s) for matrices, one index (or ``None``)
    per blank, drop-down or bowtie element.  A bad response raises
    :class:`~helpers.errors.InputError` with one line.
    """
    from helpers import judgment, scoring
    from helpers.errors import InputError

    if ":" not in item_id:
        return judgment.item_score(item(item_id), response)
    found = question(item_id)
    if found.type not in QUESTION_ITEM_TYPES:
        raise InputError(f"{item_id} is a numeric question; only choice questions are scored here")
    chosen = scoring._indices(response, "knowledge check")
    bad = sorted(i for i in chosen if not 0 <= i < len(found.options))
    if bad:
        raise InputError(f"{item_id}: option {bad[0]} does not exist; the options are 0 to {len(found.options) - 1}")
    return scoring.score_response(QUESTION_ITEM_TYPES[found.type], found.answer, sorted(chosen))
