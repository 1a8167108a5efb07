"""Moodle XML for Moodle's question bank (Question bank > Import > Moodle XML format).

**Releases, not updates.**  Moodle's import never updates a question: each
imported question is a new question (``question/format.php``,
``importprocess``), and an ``idnumber`` already used in the target category is
silently dropped from the copy.  So every build files its questions under a
category of its own release, ``Treating spinal cancer/Release 0.1.0,
questions 1a2b3c4d/03 Chemotherapy`` (:func:`helpers.exports.content.
release_label`: the collection version and a fingerprint of every question),
where each ``idnumber`` (``spine_<notebook>__<question id>``) is new and kept.
:func:`changes` compares a build with a previously exported file and
:func:`build_changes` writes only the new and changed questions, under
``.../Corrections <release> (since <old release>)``, plus a changelog that
names them; the instructor guide gives the steps.

One ``<question type="category">`` per notebook (its ``info`` carries the
educational-use notice and the scoring note), then the notebook's questions,
named for people ("03.02 Which tissues ...").  Options are lettered by Moodle
itself (``answernumbering`` ``ABCD``) and not shuffled, because explanations
refer to options by letter.  The explanation and its sources are the
``generalfeedback``, without an "Answer:" line: Moodle prints "The correct
answer is: ..." itself.  ``penalty`` is 0, so Moodle's interactive mode does
not take marks off for retries: the score is the score of the response, as in
the notebooks and in Canvas.

**Adding a question type** is adding one function: decorate
``def _my_type(quiz, question, element)`` with ``@question_type("my_type",
"<moodle qtype>")``; it writes the type's own elements into ``element``
(:func:`build_question` writes the name, text, feedback and idnumber).

Scoring per type (each the NCSBN rule of the notebooks):

* single choice (0/1): ``multichoice`` with ``single`` true, fraction 100 for
  the key and 0 for the others;
* choose all that apply (+/-): ``multichoice`` with ``single`` false, each
  keyed option +100/k, each other option -100/k; Moodle adds the fractions of
  the chosen options and keeps the sum between 0 and 1
  (``qtype_multichoice_multi_question::grade_response``), which is the +/-
  points divided by k.  Fractions are written as Moodle lists them
  (``33.33333``, ``16.66667``: :data:`FRACTIONS`); a share Moodle cannot store
  stops the export;
* numeric (0/1): ``numerical`` with the answer and its ``tolerance`` (nominal:
  answer +/- tolerance is right), the unit declared (``<units>``, optional when
  answering: ``showunits`` 0 with ``unitgradingtype`` 0, so "480" and
  "480 cells/µL" are both read as 480).  Moodle reads a number with the
  separators of its language pack; in English ``,`` is a thousands separator,
  so "1,69" is read as 169.  The question asks for a decimal point, and for an
  answer with decimals a 0-mark answer at that misread value tells the student
  what happened instead of a bare "wrong".

Moodle XML has no official schema.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

from helpers.errors import DataError
from helpers.exports.content import (
    Quiz,
    decimals,
    feedback_html,
    notice_html,
    numeric_range,
    option_html,
    question_html,
    question_name,
    release_label,
)
from helpers.quiz import Question, number_text
from helpers.render import render

COLLECTION_NAME = "Treating spinal cancer"
CATEGORY_ROOT = f"$course$/top/{COLLECTION_NAME}"
#: The grade fractions Moodle accepts, written as Moodle writes them (question_bank::fraction_options_full).
FRACTIONS = ("100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30",
             "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0")

#: Said in every category description: how Moodle scores, and where it differs from the notebooks.
SCORING = (
    "Scoring: choose-one and number questions are right or wrong. 'Choose all that apply' questions follow "
    "NCSBN's +/− rule, as in the notebooks: +1 for each correct option chosen, −1 for each incorrect option "
    "chosen, never below 0. Moodle gives each correct option +1/k of the mark and each other option −1/k "
    "(k: the number of correct options) and never goes below 0, which is the same fraction of the question's "
    "mark; the exam counts one point per correct option, Moodle gives the question 1 mark."
)


def fraction(share: float) -> str:
    """``share`` percent as a Moodle fraction string (``100/3`` -> ``"33.33333"``, ``-25`` -> ``"-25"``).

    Raises :class:`DataError` when Moodle has no such grade (it would refuse the file).
    """
    for allowed in FRACTIONS:
        if abs(abs(share) - float(allowed)) < 1e-4:
            return allowed if share >= 0 or allowed == "0" else f"-{allowed}"
    raise DataError(f"Moodle has no grade of {share:.5f}% (a 'choose all that apply' question with that many "
                    f"correct options cannot be exported to Moodle); allowed: {', '.join(FRACTIONS)}")


def option_fractions(question: Question) -> list[str]:
    """The fraction of each option, in option order."""
    keys = set(question.keys())
    if question.type == "single":
        return ["100" if i in keys else "0" for i in range(len(question.options))]
    share = 100 / len(keys)
    return [fraction(share if i in keys else -share) for i in range(len(question.options))]


def idnumber(quiz: Quiz, question: Question) -> str:
    return f"spine_{quiz.slug}__{question.id}"


def _text(parent: ET.Element, tag: str, value: str, html: bool = True) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    ET.SubElement(element, "text").text = value
    return element


def _sub(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value
    return element


QuestionWriter = Callable[[Quiz, Question, ET.Element], None]
#: question type -> (Moodle qtype, function writing the type's own elements)
QUESTION_TYPES: dict[str, tuple[str, QuestionWriter]] = {}


def question_type(qtype: str, moodle_type: str) -> Callable[[QuestionWriter], QuestionWriter]:
    """Register the writer of one question type (see the module docstring)."""
    def register(writer: QuestionWriter) -> QuestionWriter:
        QUESTION_TYPES[qtype] = (moodle_type, writer)
        return writer
    return register


def _choices(quiz: Quiz, question: Question, element: ET.Element) -> None:
    _sub(element, "single", "true" if question.type == "single" else "false")
    _sub(element, "shuffleanswers", "false")
    _sub(element, "answernumbering", "ABCD")
    _sub(element, "showstandardinstruction", "0")
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(element, tag, "")
    for text, share in zip(question.options, option_fractions(question)):
        answer = ET.SubElement(element, "answer", {"fraction": share, "format": "html"})
        _sub(answer, "text", option_html(text))
        _text(answer, "feedback", "")


question_type("single", "multichoice")(_choices)
question_type("multiple", "multichoice")(_choices)


@question_type("numeric", "numerical")
def _numeric(quiz: Quiz, question: Question, element: ET.Element) -> None:
    exact, _, _ = numeric_range(question)
    answer = ET.SubElement(element, "answer", {"fraction": "100", "format": "moodle_auto_format"})
    _sub(answer, "text", exact)
    _sub(answer, "tolerance", number_text(question.tolerance or 0))
    _text(answer, "feedback", "")
    places = decimals(question.answer)
    if places:  # "1,69" read as 169 in an English Moodle: say so instead of a bare "wrong"
        scale = Decimal(10) ** places
        misread = ET.SubElement(element, "answer", {"fraction": "0", "format": "moodle_auto_format"})
        _sub(misread, "text", number_text(Decimal(exact) * scale))
        _sub(misread, "tolerance", number_text(Decimal(str(question.tolerance or 0)) * scale))
        _text(misread, "feedback", str(render("lms_decimal_comma.html.j2", answer=exact,
                                                  comma=exact.replace(".", ","), misread=number_text(Decimal(exact) * scale))))
    if question.unit:
        units = ET.SubElement(element, "units")
        unit = ET.SubElement(units, "unit")
        _sub(unit, "multiplier", "1")
        _sub(unit, "unit_name", question.unit)
    _sub(element, "unitgradingtype", "0")  # a unit is optional and never costs marks
    _sub(element, "unitpenalty", "0")
    _sub(element, "showunits", "0" if question.unit else "3")  # 0: typed after the number; 3: no units at all
    _sub(element, "unitsleft", "0")


def category(quiz: Quiz, root: str) -> ET.Element:
    element = ET.Element("question", {"type": "category"})
    _text(element, "category", f"{root}/{quiz.heading}", html=False)
    _text(element, "info", notice_html(f"Knowledge check for notebook {quiz.heading}", SCORING))
    _sub(element, "idnumber", f"spine_{quiz.slug}")
    return element


def build_question(quiz: Quiz, number: int, question: Question) -> ET.Element:
    """One ``<question>``: name, text, explanation, idnumber, then the type's own elements."""
    if question.type not in QUESTION_TYPES:
        raise DataError(f"{quiz.slug}: question {question.id!r} has type {question.type!r}, which the Moodle export "
                        f"cannot write yet; it writes {', '.join(QUESTION_TYPES)}")
    moodle_type, writer = QUESTION_TYPES[question.type]
    element = ET.Element("question", {"type": moodle_type})
    _text(element, "name", question_name(quiz, number, question), html=False)
    _text(element, "questiontext", question_html(question, unit_optional=True))
    _text(element, "generalfeedback", feedback_html(question, with_answer=False))
    _sub(element, "defaultgrade", "1")
    _sub(element, "penalty", "0")
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", idnumber(quiz, question))
    writer(quiz, question, element)
    return element


def release_root(release: str) -> str:
    return f"{CATEGORY_ROOT}/Release {release}"


def build_quiz(quizzes: list[Quiz], release: str | None = None,
               only: set[str] | None = None, root: str | None = None) -> ET.Element:
    """The ``<quiz>`` document: a category per notebook, then its questions.

    ``release`` names the release category (default: :func:`release_label` of
    ``quizzes``); ``only`` keeps just those idnumbers (a corrections file) and
    ``root`` replaces the category path.
    """
    root_path = root or release_root(release or release_label(quizzes))
    document = ET.Element("quiz")
    for quiz in quizzes:
        chosen = [(n, q) for n, q in enumerate(quiz.questions, start=1) if only is None or idnumber(quiz, q) in only]
        if not chosen:
            continue
        document.append(category(quiz, root_path))
        for number, question in chosen:
            document.append(build_question(quiz, number, question))
    return document


def to_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_quiz(path: Path, quizzes: list[Quiz], release: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_bytes(build_quiz(quizzes, release)))
    return path


# -- corrections against an earlier release -----------------------------------------

@dataclass(frozen=True)
class Changes:
    """What changed between an earlier exported file and this build, by idnumber, with names for people."""

    old_release: str
    new_release: str
    added: tuple[tuple[str, str], ...]      # (idnumber, name)
    changed: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]

    @property
    def ids(self) -> set[str]:
        return {i for i, _ in self.added + self.changed}


def _canonical(element: ET.Element) -> str:
    """A question's content, independent of indentation, its name and its category.

    The name carries the question's position ("03.02"), which moves when a question is added before it.
    """
    copy = ET.fromstring(ET.tostring(element))
    for name in copy.findall("name"):
        copy.remove(name)
    for node in copy.iter():
        node.tail = None
        if node.text is not None and not node.text.strip():
            node.text = None
    return ET.canonicalize(ET.tostring(copy, encoding="unicode"))


def read_release(path: Path) -> tuple[str, dict[str, tuple[str, str]]]:
    """(release label, {idnumber: (name, canonical content)}) of an exported Moodle XML file."""
    try:
        document = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        raise DataError(f"{path}: not a readable Moodle XML file ({error})") from None
    release = ""
    questions = {}
    for element in document.findall("question"):
        if element.get("type") == "category":
            path_text = element.findtext("category/text") or ""
            marker = "/Release "
            if marker in path_text and not release:
                release = path_text.split(marker, 1)[1].rsplit("/", 1)[0]
            continue
        ident = element.findtext("idnumber") or ""
        questions[ident] = (element.findtext("name/text") or ident, _canonical(element))
    if not questions:
        raise DataError(f"{path}: no questions; pass a Moodle XML file made by 'make lms'")
    return release or "an unnamed release", questions


def changes(previous: Path, quizzes: list[Quiz]) -> Changes:
    """Compare the questions of ``quizzes`` with those of an earlier exported file."""
    old_release, old = read_release(previous)
    new_release = release_label(quizzes)
    added, changed, seen = [], [], set()
    for quiz in quizzes:
        for number, question in enumerate(quiz.questions, start=1):
            ident = idnumber(quiz, question)
            seen.add(ident)
            name = question_name(quiz, number, question)
            if ident not in old:
                added.append((ident, name))
            elif old[ident][1] != _canonical(build_question(quiz, number, question)):
                changed.append((ident, name))
    removed = [(ident, name) for ident, (name, _) in old.items() if ident not in seen]
    return Changes(old_release, new_release, tuple(added), tuple(changed), tuple(removed))


def build_changes(quizzes: list[Quiz], found: Changes) -> ET.Element:
    """Only the new and changed questions, under ``Corrections <release> (since <old release>)``."""
    root = f"{CATEGORY_ROOT}/Corrections {found.new_release} (since {found.old_release})"
    return build_quiz(quizzes, only=found.ids, root=root)


def changelog(found: Changes) -> str:
    """The changes as plain text (Markdown) for the instructor: which questions to replace or add."""
    lines = [f"# Knowledge-check corrections: release {found.new_release}", "",
             f"Compared with release {found.old_release}.", ""]
    for title, entries in (("Changed (replace the old question in your quizzes)", found.changed),
                           ("New (add to your quizzes if you want them)", found.added),
                           ("Removed from the collection (take out of your quizzes)", found.removed)):
        lines.append(f"## {title}: {len(entries)}")
        lines.extend(f"- {name} (idnumber {ident})" for ident, name in entries)
        lines.append("")
    return "\n".join(lines)
