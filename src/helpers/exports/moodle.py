"""Moodle XML for Moodle's question bank (Question bank > Import > Moodle XML format).

One ``<question type="category">`` per notebook (its ``info`` carries the
educational-use notice), then the notebook's questions:

* single choice: ``multichoice`` with ``single`` true, fraction 100 for the
  correct option and 0 for the others;
* multiple choice: ``multichoice`` with ``single`` false; the correct options
  share 100 (e.g. 33.33333 each for three) and each wrong option takes away
  as much as all correct options are worth together divided by the wrong
  ones, so ticking everything scores 0;
* numeric: ``numerical`` with the answer and its ``tolerance`` (Moodle's
  nominal tolerance: anything within answer +/- tolerance is right).

The explanation and its sources are the ``generalfeedback`` (shown whatever
the answer).  Options are lettered by Moodle itself (``answernumbering``
``ABCD``) and not shuffled, because explanations refer to options by letter.
Moodle XML has no official schema.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from helpers.exports.content import (
    Quiz,
    correct_indices,
    feedback_html,
    notice_html,
    numeric_range,
    option_html,
    question_html,
)
from helpers.quiz import Question

CATEGORY_ROOT = "$course$/top/Treating spinal cancer"
# Moodle accepts only these grade fractions (question/format.php lists them).
_ALLOWED = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
            16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0)


def fraction(share: float) -> str:
    """The allowed Moodle fraction nearest to ``share`` percent, as Moodle writes it."""
    sign = -1 if share < 0 else 1
    nearest = min(_ALLOWED, key=lambda allowed: abs(allowed - abs(share)))
    return f"{sign * nearest:g}" if nearest else "0"


def option_fractions(question: Question) -> list[str]:
    """The fraction of each option, in option order."""
    right = set(correct_indices(question))
    if question.type == "single":
        return ["100" if i in right else "0" for i in range(len(question.options))]
    wrong = len(question.options) - len(right)
    return [fraction(100 / len(right)) if i in right else fraction(-100 / wrong) for i in range(len(question.options))]


def _text(parent: ET.Element, tag: str, value: str, html: bool = True) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    ET.SubElement(element, "text").text = value
    return element


def _sub(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value
    return element


def category(quiz: Quiz) -> ET.Element:
    element = ET.Element("question", {"type": "category"})
    _text(element, "category", f"{CATEGORY_ROOT}/{quiz.heading}", html=False)
    _text(element, "info", notice_html(f"Knowledge check for notebook {quiz.heading}"))
    _sub(element, "idnumber", f"spine_{quiz.slug}")
    return element


def build_question(quiz: Quiz, question: Question) -> ET.Element:
    qtype = "numerical" if question.type == "numeric" else "multichoice"
    element = ET.Element("question", {"type": qtype})
    _text(element, "name", question.id, html=False)
    _text(element, "questiontext", question_html(question))
    _text(element, "generalfeedback", feedback_html(question))
    _sub(element, "defaultgrade", "1")
    _sub(element, "penalty", "0.3333333")
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", f"spine_{quiz.slug}__{question.id}")
    if question.type == "numeric":
        exact, _, _ = numeric_range(question)
        answer = ET.SubElement(element, "answer", {"fraction": "100", "format": "moodle_auto_format"})
        _sub(answer, "text", exact)
        _sub(answer, "tolerance", f"{question.tolerance or 0:g}")
        _text(answer, "feedback", "")
        _sub(element, "unitgradingtype", "0")
        _sub(element, "unitpenalty", "0")
        _sub(element, "showunits", "3")  # no unit box: the unit is named in the question
        _sub(element, "unitsleft", "0")
        return element
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
    return element


def build_quiz(quizzes: list[Quiz]) -> ET.Element:
    """The ``<quiz>`` document: a category per notebook, then its questions."""
    root = ET.Element("quiz")
    for quiz in quizzes:
        root.append(category(quiz))
        for question in quiz.questions:
            root.append(build_question(quiz, question))
    return root


def to_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_quiz(path: Path, quizzes: list[Quiz]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_bytes(build_quiz(quizzes)))
    return path

