"""The clinical-judgment cases as a QTI 1.2 package (Canvas, Blackboard, D2L).

One quiz (assessment) per case, its items in the order a reader meets them
(:func:`helpers.exports.ngn_content.export_items`), each worth the item's NCSBN
points.  The response processing is NCSBN's rule written in QTI 1.2, with an
``Integer`` ``SCORE`` from 0 (its ``minvalue``: the floor of the +/− rule) to
the item's points:

* multiple choice: ``Set`` the point for the key;
* select all, highlight: ``Add 1`` per keyed option chosen, ``Add -1`` per
  other option chosen (``Add -1``, not ``Subtract``: see :mod:`helpers.exports.qti`);
* select N: ``Add 1`` per keyed option, nothing for others, ``maxnumber`` N;
* matrix, one choice per row (Canvas ``matching_question``): ``Add 1`` per row
  matched to its key;
* matrix, several choices per row: one multiple-answers item per column with
  a keyed cell, worth the column's keyed cells (NCSBN floors each column);
* drop-downs, drag-and-drop, bowtie (Canvas ``multiple_dropdowns_question``,
  the blanks written ``[blank_n]`` in the text): ``Add 1`` per place answered
  with its key; a bowtie place accepts either keyed option of its group
  (``or``); a rationale dyad adds its point only when both places are right
  (``and``), a triad one point for each right pair.

Canvas classic quizzes score by question type, not by this processing; what
they do differently is said in each question and in the quiz description
(:data:`helpers.exports.ngn_content.PLATFORM_NOTES`) and the instructor guide.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from helpers import judgment
from helpers import judgment_static as static
from helpers.errors import DataError
from helpers.exports import ngn_content as content
from helpers.exports.content import NOTICE
from helpers.exports.ngn_content import ExportItem
from helpers.exports.qti import (
    CANVAS_NS,
    FEEDBACK_ID,
    QTI_NS,
    _always_feedback,
    _material,
    _metadata,
    _sub,
    build_manifest,
    to_bytes,
)

#: NGN item type -> the function writing its QTI item(s).
WRITERS, writes = content.writer_registry()
LETTERS = static.LETTERS


class Case:
    """What :func:`helpers.exports.qti.build_manifest` needs of a quiz: its ``slug``."""

    def __init__(self, case: judgment.Case) -> None:
        self.slug = f"judgment_{case.id}"
        self.case = case


def _item(entry: ExportItem, canvas_type: str, points: int, body: str, answer_ids: list[str],
          suffix: str = "", ident: str = "") -> tuple[ET.Element, ET.Element]:
    """An ``<item>`` with metadata, the question text and the explanation; returns (item, its presentation)."""
    item = ET.Element("item", {"ident": ident or entry.ident, "title": entry.name + suffix})
    _metadata(_sub(item, "itemmetadata"), {
        "question_type": canvas_type,
        "points_possible": f"{points:.1f}",
        "original_answer_ids": ",".join(answer_ids),
        "assessment_question_identifierref": f"{ident or entry.ident}__bank",
    })
    presentation = _sub(item, "presentation")
    _material(presentation, content.question_html(entry, body, "qti"))
    return item, presentation


def _processing(item: ET.Element, points: int) -> ET.Element:
    processing = _sub(item, "resprocessing")
    _sub(_sub(processing, "outcomes"), "decvar", maxvalue=str(points), minvalue="0", varname="SCORE", vartype="Integer")
    _always_feedback(processing)
    return processing


def _add(processing: ET.Element, value: str) -> ET.Element:
    condition = _sub(processing, "respcondition", continue_="Yes")
    variable = _sub(condition, "conditionvar")
    _sub(condition, "setvar", value, action="Add", varname="SCORE")
    return variable


def _feedback(item: ET.Element, entry: ExportItem) -> None:
    _material(_sub(_sub(item, "itemfeedback", ident=FEEDBACK_ID), "flow_mat"), content.feedback_html(entry))


def option_ident(place: int, index: int) -> str:
    return f"p{place}_o{index}"


def _choice_list(presentation: ET.Element, response: str, texts: list[str], cardinality: str, place: int = 0,
                 maxnumber: int | None = None, label: str | None = None) -> None:
    lid = _sub(presentation, "response_lid", ident=response, rcardinality=cardinality)
    if label is not None:
        _material(lid, label, texttype="text/plain")
    attrs = {"shuffle": "No"}
    if maxnumber is not None:
        attrs["maxnumber"] = str(maxnumber)
    choices = _sub(lid, "render_choice", **attrs)
    for index, text in enumerate(texts):
        choice = _sub(choices, "response_label", ident=option_ident(place, index))
        _material(choice, text, texttype="text/plain")


def _lettered(item: judgment.Item) -> list[str]:
    if item.type in ("highlight_text", "highlight_table"):
        return [f"[{i + 1}] {o.text}" for i, o in enumerate(item.options)]
    return [f"{LETTERS[i]}. {o.text}" for i, o in enumerate(item.options)]


@writes("multiple_choice")
def _single(entry: ExportItem) -> list[ET.Element]:
    options = _lettered(entry.item)
    item, presentation = _item(entry, "multiple_choice_question", 1, "", [option_ident(0, i) for i in range(len(options))])
    _choice_list(presentation, "response1", options, "Single")
    processing = _processing(item, 1)
    condition = _sub(processing, "respcondition", continue_="No")
    _sub(_sub(condition, "conditionvar"), "varequal", option_ident(0, entry.item.answer[0]), respident="response1")
    _sub(condition, "setvar", "1", action="Set", varname="SCORE")
    _feedback(item, entry)
    return [item]


@writes("select_all", "highlight_text", "highlight_table", "select_n")
def _multiple(entry: ExportItem) -> list[ET.Element]:
    it = entry.item
    options = _lettered(it)
    keys = set(it.answer)
    body = content.fragment("choices", layout=static.item_layout(it)) if it.type.startswith("highlight") else ""
    item, presentation = _item(entry, "multiple_answers_question", len(keys), body,
                               [option_ident(0, i) for i in range(len(options))])
    limit = it.limit if it.type == "select_n" else len(options)
    _choice_list(presentation, "response1", options, "Multiple", maxnumber=limit)
    processing = _processing(item, len(keys))
    for index in range(len(options)):
        if index in keys:
            value = "1"
        elif it.type == "select_n":
            continue  # 0/1: a wrong choice takes nothing away
        else:
            value = "-1"
        _sub(_add(processing, value), "varequal", option_ident(0, index), respident="response1")
    _feedback(item, entry)
    return [item]


@writes("matrix_multiple")
def _columns(entry: ExportItem) -> list[ET.Element]:
    it = entry.item
    out = []
    for column, label in enumerate(it.columns):
        keys = {row for row, columns in it.answer.items() if column in columns}
        if not keys:
            continue  # NCSBN floors each column at 0: a column with no keyed cell always scores 0
        rows = [f"{row + 1}. {option.text}: {label}" for row, option in enumerate(it.options)]
        ident = f"{entry.ident}__col{column}"
        item, presentation = _item(entry, "multiple_answers_question", len(keys),
                                   content.fragment("choices", layout=static.item_layout(it)),
                                   [option_ident(0, r) for r in range(len(rows))], suffix=f" (column: {label})",
                                   ident=ident)
        _choice_list(presentation, "response1", rows, "Multiple", maxnumber=len(rows))
        processing = _processing(item, len(keys))
        for row in range(len(rows)):
            _sub(_add(processing, "1" if row in keys else "-1"), "varequal", option_ident(0, row), respident="response1")
        _feedback(item, entry)
        out.append(item)
    return out


@writes("matrix_single")
def _matching(entry: ExportItem) -> list[ET.Element]:
    it = entry.item
    rows = len(it.options)
    item, presentation = _item(entry, "matching_question", rows, "",
                               [f"row{r}" for r in range(rows)])
    for row, option in enumerate(it.options):
        _choice_list(presentation, f"response_row{row}", list(it.columns), "Single", place=row,
                     label=f"{row + 1}. {option.text}")
    processing = _processing(item, rows)
    for row in range(rows):
        _sub(_add(processing, "1"), "varequal", option_ident(row, it.answer[row]), respident=f"response_row{row}")
    _feedback(item, entry)
    return [item]


def blank_name(place: int) -> str:
    return f"blank_{place + 1}"


@writes("dropdown_cloze", "dropdown_table", "dropdown_rationale", "drag_drop_cloze", "drag_drop_rationale", "bowtie")
def _dropdowns(entry: ExportItem) -> list[ET.Element]:
    it = entry.item
    if it.type == "bowtie":
        groups = [it.groups[zone] for zone, _slot in judgment.zone_slots(it)]
    else:
        groups = list(it.groups)
    markers = [f"[{blank_name(p)}]" for p in range(len(groups))]
    if it.type == "bowtie":
        labels = [it.group_labels[1], it.group_labels[0], it.group_labels[2]]
        body = content.fragment("bowtie", labels=labels, markers=markers)
    elif it.type == "dropdown_table":
        body = content.fragment("gap_table", columns=list(it.columns), rows=list(zip(it.group_labels, markers)))
    else:
        pieces = [{"marker": markers[p["blank"] - 1], "text": ""} if p["blank"] else {"marker": "", "text": p["text"]}
                  for p in static.sentence_parts(it)]
        body = content.fragment("gaps", pieces=pieces)
    points = entry.points
    item, presentation = _item(entry, "multiple_dropdowns_question", points, body,
                               [option_ident(p, i) for p, g in enumerate(groups) for i in range(len(g))])
    for place, group in enumerate(groups):
        _choice_list(presentation, f"response_{blank_name(place)}", [o.text for o in group], "Single", place=place,
                     label=blank_name(place))
    processing = _processing(item, points)

    def right(parent: ET.Element, place: int) -> None:
        """The condition 'place answered with its key' (a bowtie place: either key of its group)."""
        respident = f"response_{blank_name(place)}"
        if it.type == "bowtie":
            zone, _slot = judgment.zone_slots(it)[place]
            start = sum(it.zones[:zone])
            keys = sorted(set(it.answer[start:start + it.zones[zone]]))
            either = _sub(parent, "or")
            for key in keys:
                _sub(either, "varequal", option_ident(place, key), respident=respident)
        else:
            _sub(parent, "varequal", option_ident(place, it.answer[place]), respident=respident)

    if it.type in ("dropdown_rationale", "drag_drop_rationale"):
        for partner in range(1, len(groups)):  # a dyad: one pair; a triad: X with Y, X with Z
            both = _sub(_add(processing, "1"), "and")
            right(both, 0)
            right(both, partner)
    else:
        for place in range(len(groups)):
            right(_add(processing, "1"), place)
    _feedback(item, entry)
    return [item]


def build_assessment(case: judgment.Case) -> ET.Element:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    _sub(root, "qticomment", NOTICE)
    assessment = _sub(root, "assessment", ident=f"spine_judgment_{case.id}", title=f"09 {case.label}: {case.title}")
    _metadata(assessment, {"cc_maxattempts": "unlimited"})
    section = _sub(assessment, "section", ident="root_section")
    for entry in content.export_items(case):
        if entry.item.type not in WRITERS:
            raise DataError(f"item {entry.item.id}: the QTI export cannot write a {entry.item.type} item")
        for item in WRITERS[entry.item.type](entry):
            section.append(item)
    return root


def build_assessment_meta(case: judgment.Case) -> ET.Element:
    points = sum(int(float(i.find(".//{*}qtimetadatafield[{*}fieldlabel='points_possible']/{*}fieldentry").text))
                 for i in build_assessment(case).iter(f"{{{QTI_NS}}}item"))
    root = ET.Element("quiz", {"xmlns": CANVAS_NS, "identifier": f"spine_judgment_{case.id}"})
    _sub(root, "title", f"09 {case.label}: {case.title}")
    _sub(root, "description", content.notice("qti"))
    _sub(root, "shuffle_answers", "false")
    _sub(root, "scoring_policy", "keep_highest")
    _sub(root, "quiz_type", "practice_quiz")
    _sub(root, "points_possible", f"{points:.1f}")
    _sub(root, "show_correct_answers", "true")
    _sub(root, "allowed_attempts", "-1")
    _sub(root, "one_question_at_a_time", "true")
    _sub(root, "available", "false")
    return root


def package_files(cases: list[judgment.Case] | None = None) -> dict[str, bytes]:
    cases = cases if cases is not None else judgment.cases()
    files = {"imsmanifest.xml": to_bytes(build_manifest([Case(c) for c in cases]))}
    for case in cases:
        ident = f"spine_judgment_{case.id}"
        files[f"{ident}/{ident}.xml"] = to_bytes(build_assessment(case))
        files[f"{ident}/assessment_meta.xml"] = to_bytes(build_assessment_meta(case))
    return files


def package_bytes(cases: list[judgment.Case] | None = None) -> bytes:
    import io
    import zipfile

    from helpers.exports.qti import ZIP_DATE

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in package_files(cases).items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
