"""QTI 1.2 packages that Canvas imports as quizzes (Blackboard and D2L read QTI 1.2 too).

A package is a zip with ``imsmanifest.xml`` and, per quiz, a folder named by
the quiz's identifier holding the assessment (``<ident>.xml``) and Canvas's
quiz settings (``assessment_meta.xml``: title, the educational-use notice as
description, answers not shuffled).  The assessment follows the shape Canvas
itself exports: ``questestinterop/assessment/section/item``, each item with
``itemmetadata/qtimetadata`` (``question_type`` = ``multiple_choice_question``,
``multiple_answers_question`` or ``numerical_question``), a ``presentation``
(``response_lid``/``render_choice`` for options, ``response_str``/
``render_fib`` with ``fibtype="Decimal"`` for numbers), ``resprocessing``
that scores 100 for the correct response (all correct options and no wrong
one; a number inside ``vargte``/``varlte``), and ``itemfeedback`` with the
explanation and its sources, shown whatever the answer.

Options are written with their letter ("B. ...") because the explanations
refer to options by letter and Canvas, Blackboard and D2L do not letter
options themselves; answers are not shuffled for the same reason.

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
from pathlib import Path
from xml.etree import ElementTree as ET

from helpers.exports.content import (
    NOTICE,
    Quiz,
    correct_indices,
    feedback_html,
    notice_html,
    numeric_range,
    option_html,
    question_html,
)
from helpers.quiz import LETTERS, Question

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
QUESTION_TYPES = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "numeric": "numerical_question",
}
FEEDBACK_ID = "general_fb"
RESPONSE_ID = "response1"
# A fixed date for every zip entry, so that an unchanged build is byte-identical.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def assessment_ident(quiz: Quiz) -> str:
    return f"spine_{quiz.slug}"


def item_ident(quiz: Quiz, question: Question) -> str:
    """Stable across builds: re-importing replaces nothing by accident, and names stay readable."""
    return f"spine_{quiz.slug}__{question.id}"


def option_ident(index: int) -> str:
    return f"choice_{LETTERS[index]}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrib.items()})
    if text is not None:
        element.text = text
    return element


def _material(parent: ET.Element, html_text: str) -> None:
    _sub(_sub(parent, "material"), "mattext", html_text, texttype="text/html")


def _metadata(parent: ET.Element, fields: dict[str, str]) -> None:
    meta = _sub(parent, "qtimetadata")
    for label, entry in fields.items():
        field = _sub(meta, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def option_label(index: int, text: str) -> str:
    """The option as written in QTI: its letter, then the text."""
    return f"{LETTERS[index]}. {text}"


def build_item(quiz: Quiz, question: Question) -> ET.Element:
    """One ``<item>``: metadata, presentation, scoring and the explanation."""
    item = ET.Element("item", {"ident": item_ident(quiz, question), "title": question.id})
    _metadata(_sub(item, "itemmetadata"), {
        "question_type": QUESTION_TYPES[question.type],
        "points_possible": "1.0",
        "original_answer_ids": ",".join(option_ident(i) for i in range(len(question.options))),
        "assessment_question_identifierref": f"{item_ident(quiz, question)}__bank",
    })
    presentation = _sub(item, "presentation")
    _material(presentation, question_html(question))
    if question.type == "numeric":
        response = _sub(presentation, "response_str", ident=RESPONSE_ID, rcardinality="Single")
        _sub(_sub(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    else:
        cardinality = "Single" if question.type == "single" else "Multiple"
        response = _sub(presentation, "response_lid", ident=RESPONSE_ID, rcardinality=cardinality)
        choices = _sub(response, "render_choice", shuffle="No")
        for index, text in enumerate(question.options):
            label = _sub(choices, "response_label", ident=option_ident(index))
            _material(label, option_html(option_label(index, text)))

    processing = _sub(item, "resprocessing")
    _sub(_sub(processing, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    # The explanation is shown whatever the answer (Canvas: "general" feedback).
    always = _sub(processing, "respcondition", continue_="Yes")
    _sub(_sub(always, "conditionvar"), "other")
    _sub(always, "displayfeedback", feedbacktype="Response", linkrefid=FEEDBACK_ID)

    correct = _sub(processing, "respcondition", continue_="No")
    condition = _sub(correct, "conditionvar")
    if question.type == "numeric":
        exact, low, high = numeric_range(question)
        either = _sub(condition, "or")
        _sub(either, "varequal", exact, respident=RESPONSE_ID)
        inside = _sub(either, "and")
        _sub(inside, "vargte", low, respident=RESPONSE_ID)
        _sub(inside, "varlte", high, respident=RESPONSE_ID)
    elif question.type == "single":
        _sub(condition, "varequal", option_ident(correct_indices(question)[0]), respident=RESPONSE_ID)
    else:
        right = set(correct_indices(question))
        both = _sub(condition, "and")
        for index in range(len(question.options)):
            if index in right:
                _sub(both, "varequal", option_ident(index), respident=RESPONSE_ID)
            else:
                _sub(_sub(both, "not"), "varequal", option_ident(index), respident=RESPONSE_ID)
    _sub(correct, "setvar", "100", action="Set", varname="SCORE")

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
    for question in quiz.questions:
        section.append(build_item(quiz, question))
    return root


def build_assessment_meta(quiz: Quiz) -> ET.Element:
    """Canvas's quiz settings: title, description (the notice), no shuffling, practice quiz."""
    root = ET.Element("quiz", {"xmlns": CANVAS_NS, "identifier": assessment_ident(quiz)})
    _sub(root, "title", quiz.heading)
    _sub(root, "description", notice_html(f"Knowledge check for notebook {quiz.heading}"))
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
