"""QTI 1.2 packages that Canvas imports as quizzes (Blackboard and D2L read QTI 1.2 too).

A package is a zip with ``imsmanifest.xml`` and, per quiz, a folder named by
the quiz's identifier holding the assessment (``<ident>.xml``) and Canvas's
quiz settings (``assessment_meta.xml``: title, the educational-use notice and
the scoring note as description, answers not shuffled).  The assessment
follows the shape Canvas itself exports: ``questestinterop/assessment/
section/item``, each item with ``itemmetadata/qtimetadata`` (``question_type``
= ``multiple_choice_question``, ``multiple_answers_question`` or
``numerical_question``), a ``presentation``, ``resprocessing`` and an
``itemfeedback`` with the explanation and its sources, shown whatever the
answer.  Items are named (``title``) for people ("03.02 Which tissues ..."),
identified (``ident``) by the data id, so a re-import with Canvas's
"Overwrite assessment content with matching IDs" replaces the same quiz.

**Adding a question type** (issue 19's matrix, drop-down, bowtie...) is
adding one function: decorate ``def _my_type(quiz, question, item)`` with
``@item_type("my_type", "<canvas question_type>")``; it writes the item's
``presentation`` and ``resprocessing`` into ``item`` (use :func:`_outcome`,
:func:`_always_feedback` and :func:`_condition`).  :func:`build_item` does
the rest (metadata, feedback).  ``tests/test_export_scoring.py`` then scores
the new type's exported processing with its own QTI evaluator.

**Scoring, written so every platform computes the same fraction**
(``SCORE`` divided by its ``maxvalue``):

* single choice (0/1): ``SCORE`` 0..100, ``Set`` 100 for the key, as Canvas writes it;
* numeric (0/1): ``Set`` 100 inside ``vargte``/``varlte`` (answer +/- tolerance);
* choose all that apply (NCSBN's +/- rule): an ``Integer`` ``SCORE`` from 0
  to the number of keys k, one condition per option with ``continue="Yes"``:
  ``Add 1`` when a keyed option is chosen, ``Add -1`` when another is.  The
  floor at 0 is the outcome's declared ``minvalue="0"``: QTI 1.2 conditions
  test responses, not outcomes, so a clamp cannot be written as a
  condition.  ``Add -1`` and not ``Subtract 1``: Canvas's converter
  (QTIMigrationTool, then ``choice_interaction.rb``) reads the base value of
  a ``subtract`` as a positive score and would mark the wrong option as a key.

Canvas classic quizzes then ignore this processing and score a multiple-answers
question their own way: (right chosen - wrong chosen) / right, floored at 0
(``user_answer.rb``), which is the +/- points divided by k: the same fraction.
What differs is the scale, not the score: the exam counts k points, Canvas and
Moodle give the question 1 point and award that fraction of it.

Options are plain text (``texttype="text/plain"``: Canvas's plain-text copy of
an HTML option deletes ``< > &``) with their letter ("B. ...") because the
explanations refer to options by letter and Canvas, Blackboard and D2L do not
letter options themselves; answers are not shuffled for the same reason.  A
multiple-answer ``render_choice`` carries ``maxnumber`` (the number of
options: any of them may be chosen).

Why not ``text2qti`` (0.8.0, maintained, and it does support numeric
tolerance, feedback and multiple answers): it reads quizzes written in its
own Markdown-based text format, so our plain-text data would be re-read as
Markdown (``*``, ``_``, ``1.`` and ``<`` change meaning), it builds its XML
with ``str.format`` templates, and it writes only Canvas QTI.  Writing the
same structure with ElementTree from the checked data is shorter and keeps
escaping correct by construction.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

from helpers.errors import DataError
from helpers.exports.content import (
    NOTICE,
    Quiz,
    feedback_html,
    notice_html,
    numeric_range,
    option_text,
    question_html,
    question_name,
)
from helpers.quiz import LETTERS, Question

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
FEEDBACK_ID = "general_fb"
RESPONSE_ID = "response1"
# A fixed date for every zip entry, so that an unchanged build is byte-identical.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)

#: Said in every quiz description: how the platform scores, and where it differs from the notebooks.
SCORING = (
    "Scoring: choose-one and number questions are right or wrong. 'Choose all that apply' questions follow "
    "NCSBN's +/− rule, as in the notebooks: +1 for each correct option chosen, −1 for each incorrect option "
    "chosen, never below 0. Canvas scores them as (right chosen − wrong chosen) ÷ number of right options, "
    "never below 0, which is the same fraction of the question's points; the exam counts one point per right "
    "option, Canvas gives the question 1 point. Blackboard and D2L apply their own partial-credit settings: "
    "check one question after importing."
)

ItemWriter = Callable[[Quiz, Question, ET.Element], None]
#: question type -> (Canvas question_type, function writing presentation and resprocessing)
ITEM_TYPES: dict[str, tuple[str, ItemWriter]] = {}


def item_type(qtype: str, canvas_type: str) -> Callable[[ItemWriter], ItemWriter]:
    """Register the writer of one question type (see the module docstring)."""
    def register(writer: ItemWriter) -> ItemWriter:
        ITEM_TYPES[qtype] = (canvas_type, writer)
        return writer
    return register


def assessment_ident(quiz: Quiz) -> str:
    return f"spine_{quiz.slug}"


def item_ident(quiz: Quiz, question: Question) -> str:
    """Stable across builds (the data id): a re-import matches the same item."""
    return f"spine_{quiz.slug}__{question.id}"


def option_ident(index: int) -> str:
    return f"choice_{LETTERS[index]}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrib.items()})
    if text is not None:
        element.text = text
    return element


def _material(parent: ET.Element, text: str, texttype: str = "text/html") -> None:
    _sub(_sub(parent, "material"), "mattext", text, texttype=texttype)


def _metadata(parent: ET.Element, fields: dict[str, str]) -> None:
    meta = _sub(parent, "qtimetadata")
    for label, entry in fields.items():
        field = _sub(meta, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def _outcome(item: ET.Element, maxvalue: str, vartype: str = "Decimal") -> ET.Element:
    """The item's ``resprocessing`` with its ``SCORE`` outcome (floor 0), and the always-shown explanation."""
    processing = _sub(item, "resprocessing")
    _sub(_sub(processing, "outcomes"), "decvar", maxvalue=maxvalue, minvalue="0", varname="SCORE", vartype=vartype)
    _always_feedback(processing)
    return processing


def _always_feedback(processing: ET.Element) -> None:
    """The explanation is shown whatever the answer (Canvas: "general" feedback); processing goes on."""
    always = _sub(processing, "respcondition", continue_="Yes")
    _sub(_sub(always, "conditionvar"), "other")
    _sub(always, "displayfeedback", feedbacktype="Response", linkrefid=FEEDBACK_ID)


def _condition(processing: ET.Element, action: str, value: str, go_on: bool) -> ET.Element:
    """A ``respcondition`` that sets or adds to ``SCORE``; returns its ``conditionvar`` to fill."""
    condition = _sub(processing, "respcondition", continue_="Yes" if go_on else "No")
    variable = _sub(condition, "conditionvar")
    _sub(condition, "setvar", value, action=action, varname="SCORE")
    return variable


def _choices(question: Question, item_presentation: ET.Element, cardinality: str) -> None:
    response = _sub(item_presentation, "response_lid", ident=RESPONSE_ID, rcardinality=cardinality)
    attrs = {"shuffle": "No"}
    if cardinality == "Multiple":
        attrs["maxnumber"] = str(len(question.options))
    choices = _sub(response, "render_choice", **attrs)
    for index, text in enumerate(question.options):
        label = _sub(choices, "response_label", ident=option_ident(index))
        _material(label, option_text(index, text), texttype="text/plain")


@item_type("single", "multiple_choice_question")
def _single(quiz: Quiz, question: Question, item: ET.Element) -> None:
    """Choose one: 100 for the key, nothing for another option."""
    _choices(question, item.find("presentation"), "Single")
    processing = _outcome(item, "100")
    key = question.keys()[0]
    _sub(_condition(processing, "Set", "100", go_on=False), "varequal", option_ident(key), respident=RESPONSE_ID)


@item_type("multiple", "multiple_answers_question")
def _multiple(quiz: Quiz, question: Question, item: ET.Element) -> None:
    """Choose all that apply: NCSBN's +/- rule, +1 per key chosen, -1 per other option chosen, floor 0."""
    _choices(question, item.find("presentation"), "Multiple")
    keys = set(question.keys())
    processing = _outcome(item, str(len(keys)), vartype="Integer")
    for index in range(len(question.options)):
        chosen = _condition(processing, "Add", "1" if index in keys else "-1", go_on=True)
        _sub(chosen, "varequal", option_ident(index), respident=RESPONSE_ID)


@item_type("numeric", "numerical_question")
def _numeric(quiz: Quiz, question: Question, item: ET.Element) -> None:
    """A number: 100 inside answer +/- tolerance (both ends included)."""
    response = _sub(item.find("presentation"), "response_str", ident=RESPONSE_ID, rcardinality="Single")
    _sub(_sub(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    processing = _outcome(item, "100")
    exact, low, high = numeric_range(question)
    either = _sub(_condition(processing, "Set", "100", go_on=False), "or")
    _sub(either, "varequal", exact, respident=RESPONSE_ID)
    inside = _sub(either, "and")
    _sub(inside, "vargte", low, respident=RESPONSE_ID)
    _sub(inside, "varlte", high, respident=RESPONSE_ID)


def build_item(quiz: Quiz, number: int, question: Question) -> ET.Element:
    """One ``<item>``: metadata, presentation, scoring (by the type's writer) and the explanation."""
    if question.type not in ITEM_TYPES:
        raise DataError(f"{quiz.slug}: question {question.id!r} has type {question.type!r}, which the QTI export "
                        f"cannot write yet; it writes {', '.join(ITEM_TYPES)}")
    canvas_type, writer = ITEM_TYPES[question.type]
    item = ET.Element("item", {"ident": item_ident(quiz, question), "title": question_name(quiz, number, question)})
    _metadata(_sub(item, "itemmetadata"), {
        "question_type": canvas_type,
        "points_possible": "1.0",
        "original_answer_ids": ",".join(option_ident(i) for i in range(len(question.options))),
        "assessment_question_identifierref": f"{item_ident(quiz, question)}__bank",
    })
    _material(_sub(item, "presentation"), question_html(question))
    writer(quiz, question, item)
    feedback = _sub(item, "itemfeedback", ident=FEEDBACK_ID)
    _material(_sub(feedback, "flow_mat"), feedback_html(question))
    return item


def build_assessment(quiz: Quiz) -> ET.Element:
    """The ``<questestinterop>`` document of one quiz."""
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    _sub(root, "qticomment", NOTICE)
    assessment = _sub(root, "assessment", ident=assessment_ident(quiz), title=quiz.heading)
    _metadata(assessment, {"cc_maxattempts": "unlimited"})
    section = _sub(assessment, "section", ident="root_section")
    for number, question in enumerate(quiz.questions, start=1):
        section.append(build_item(quiz, number, question))
    return root


def build_assessment_meta(quiz: Quiz) -> ET.Element:
    """Canvas's quiz settings: title, description (the notice), no shuffling, practice quiz."""
    root = ET.Element("quiz", {"xmlns": CANVAS_NS, "identifier": assessment_ident(quiz)})
    _sub(root, "title", quiz.heading)
    _sub(root, "description", notice_html(f"Knowledge check for notebook {quiz.heading}", SCORING))
    _sub(root, "shuffle_answers", "false")
    _sub(root, "scoring_policy", "keep_highest")
    _sub(root, "quiz_type", "practice_quiz")
    _sub(root, "points_possible", f"{len(quiz.questions):.1f}")
    _sub(root, "show_correct_answers", "true")
    _sub(root, "allowed_attempts", "-1")
    _sub(root, "one_question_at_a_time", "false")
    _sub(root, "available", "false")
    return root


def build_manifest(quizzes: list[Quiz]) -> ET.Element:
    """``imsmanifest.xml`` listing each quiz and its Canvas settings file."""
    root = ET.Element("manifest", {"xmlns": CP_NS, "identifier": "spine_manifest"})
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "IMS Content")
    _sub(metadata, "schemaversion", "1.1.3")
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    for quiz in quizzes:
        ident = assessment_ident(quiz)
        resource = _sub(resources, "resource", identifier=ident, type="imsqti_xmlv1p2")
        _sub(resource, "file", href=f"{ident}/{ident}.xml")
        _sub(resource, "dependency", identifierref=f"{ident}_meta")
        meta = _sub(resources, "resource", identifier=f"{ident}_meta",
                    type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
                    href=f"{ident}/assessment_meta.xml")
        _sub(meta, "file", href=f"{ident}/assessment_meta.xml")
    return root


def to_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def package_files(quizzes: list[Quiz]) -> dict[str, bytes]:
    """Every file of the package, by its path inside the zip."""
    files = {"imsmanifest.xml": to_bytes(build_manifest(quizzes))}
    for quiz in quizzes:
        ident = assessment_ident(quiz)
        files[f"{ident}/{ident}.xml"] = to_bytes(build_assessment(quiz))
        files[f"{ident}/assessment_meta.xml"] = to_bytes(build_assessment_meta(quiz))
    return files


def package_bytes(quizzes: list[Quiz]) -> bytes:
    """The QTI .zip, byte-identical for identical data."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in package_files(quizzes).items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def write_package(path: Path, quizzes: list[Quiz]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(package_bytes(quizzes))
    return path
