"""The clinical-judgment cases as Moodle XML (Question bank > Import > Moodle XML format).

One category per case under ``Treating spinal cancer/Clinical judgment
<version>, cases <fingerprint>`` (a new category whenever anything in the
cases changes: Moodle's import never updates a question, see
:mod:`helpers.exports.moodle`).  Each item becomes a question worth its NCSBN
points (``defaultgrade``), in Moodle's core types:

=========================================  ==========================================================
NGN type (NCSBN rule)                      Moodle question
=========================================  ==========================================================
multiple choice (0/1)                      ``multichoice``, one answer, 100 for the key
select all, highlight text/table (+/−)     ``multichoice``, several answers, +100/k per key, −100/k per
                                           other option; Moodle adds them and keeps 0..1 (the +/− rule)
select N (0/1, at most N)                  ``cloze``: N drop-downs, each accepting any keyed option
matrix, one choice per row (0/1)           ``match``: a row per subquestion, the columns as the answers
matrix, several choices per row (+/−)      one ``multichoice`` (several answers) per column, worth the
                                           column's keyed cells: the floor per column, as NCSBN's
drop-down cloze and table (0/1)            ``gapselect``: a group of options per drop-down
drag-and-drop cloze (0/1)                  ``ddwtos``: one group of tokens, each used once
drop-down / drag-and-drop rationale        ``gapselect`` / ``ddwtos``: scored per place (no pairs)
bowtie (0/1, order free in a group)        ``cloze``: five drop-downs; an action (parameter) drop-down
                                           accepts either keyed action (parameter)
=========================================  ==========================================================

Where Moodle's scoring differs from NCSBN's the question itself says so
(:data:`helpers.exports.ngn_content.PLATFORM_NOTES`), as does the category
description and ``docs/instructor-guide.md``.  The record a question is asked
over, the explanation (the key with every rationale) and the sources are in
the question text and the general feedback.  ``penalty`` is 0 and answers are
not shuffled (explanations name options by letter).
"""

from __future__ import annotations

import html
from xml.etree import ElementTree as ET

from markupsafe import Markup

from helpers import judgment
from helpers import judgment_static as static
from helpers.errors import DataError
from helpers.exports import ngn_content as content
from helpers.exports.moodle import CATEGORY_ROOT, fraction
from helpers.exports.ngn_content import ExportItem

#: NGN item type -> the function writing its Moodle question(s).
WRITERS, writes = content.writer_registry()
LETTERS = static.LETTERS


def _sub(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value
    return element


def _text(parent: ET.Element, tag: str, value: str, html_format: bool = True) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html"} if html_format else {})
    ET.SubElement(element, "text").text = value
    return element


def _question(entry: ExportItem, moodle_type: str, body: str, grade: int, suffix: str = "", ident: str = "") -> ET.Element:
    element = ET.Element("question", {"type": moodle_type})
    _text(element, "name", entry.name + suffix, html_format=False)
    _text(element, "questiontext", content.question_html(entry, body, "moodle"))
    _text(element, "generalfeedback", content.feedback_html(entry))
    _sub(element, "defaultgrade", str(grade))
    _sub(element, "penalty", "0")
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", ident or entry.ident)
    return element


def _choices_body(entry: ExportItem) -> str:
    """The passage or table of a highlight item, with its numbered parts (the options list below names them)."""
    if entry.item.type in ("highlight_text", "highlight_table"):
        return content.fragment("choices", layout=static.item_layout(entry.item))
    return ""


def _multichoice(element: ET.Element, texts: list[str], fractions: list[str], single: bool) -> None:
    _sub(element, "single", "true" if single else "false")
    _sub(element, "shuffleanswers", "false")
    _sub(element, "answernumbering", "ABCD")
    _sub(element, "showstandardinstruction", "0")
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(element, tag, "")
    for text, share in zip(texts, fractions):
        answer = ET.SubElement(element, "answer", {"fraction": share, "format": "html"})
        _sub(answer, "text", html.escape(text, quote=False))
        _text(answer, "feedback", "")


def _option_texts(item: judgment.Item) -> list[str]:
    if item.type in ("highlight_text", "highlight_table"):
        return [f"[{i + 1}] {o.text}" for i, o in enumerate(item.options)]
    return [o.text for o in item.options]


@writes("multiple_choice")
def _single(entry: ExportItem) -> list[ET.Element]:
    element = _question(entry, "multichoice", "", entry.points)
    keys = set(entry.item.answer)
    _multichoice(element, _option_texts(entry.item), ["100" if i in keys else "0" for i in range(len(entry.item.options))], True)
    return [element]


@writes("select_all", "highlight_text", "highlight_table")
def _plus_minus(entry: ExportItem) -> list[ET.Element]:
    item = entry.item
    keys = set(item.answer)
    share = 100 / len(keys)
    element = _question(entry, "multichoice", _choices_body(entry), len(keys))
    _multichoice(element, _option_texts(item), [fraction(share if i in keys else -share) for i in range(len(item.options))], False)
    return [element]


@writes("matrix_multiple")
def _matrix_columns(entry: ExportItem) -> list[ET.Element]:
    """One question per column with a keyed cell (a column with none scores 0 under NCSBN's per-column floor)."""
    item = entry.item
    out = []
    for column, label in enumerate(item.columns):
        keys = {row for row, columns in item.answer.items() if column in columns}
        if not keys:
            continue
        share = 100 / len(keys)
        element = _question(entry, "multichoice", content.fragment("choices", layout=static.item_layout(item)), len(keys),
                            suffix=f" (column: {label})", ident=f"{entry.ident}__col{column}")
        texts = [f"{row + 1}. {option.text}: {label}" for row, option in enumerate(item.options)]
        _multichoice(element, texts, [fraction(share if row in keys else -share) for row in range(len(item.options))], False)
        out.append(element)
    return out


@writes("matrix_single")
def _match(entry: ExportItem) -> list[ET.Element]:
    item = entry.item
    element = _question(entry, "match", "", len(item.options))
    _sub(element, "shuffleanswers", "false")
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(element, tag, "")
    used = set()
    for row, option in enumerate(item.options):
        sub = ET.SubElement(element, "subquestion", {"format": "html"})
        _sub(sub, "text", html.escape(f"{row + 1}. {option.text}", quote=False))
        _sub(ET.SubElement(sub, "answer"), "text", item.columns[item.answer[row]])
        used.add(item.answer[row])
    for column, label in enumerate(item.columns):  # unused columns are still choices: an answer with no question
        if column not in used:
            sub = ET.SubElement(element, "subquestion", {"format": "html"})
            _sub(sub, "text", "")
            _sub(ET.SubElement(sub, "answer"), "text", label)
    return [element]


def _places(item: judgment.Item) -> list[tuple[int, int]]:
    """(group, keyed option) of each place of a blank-based item."""
    return [(number, key) for number, key in enumerate(item.answer)]


@writes("dropdown_cloze", "dropdown_rationale", "dropdown_table")
def _gapselect(entry: ExportItem) -> list[ET.Element]:
    """A group per drop-down; ``[[n]]`` names the n-th option of the whole list, the key of that place."""
    item = entry.item
    options, markers = [], []
    for group, key in _places(item):
        start = len(options)
        options.extend((o.text, group + 1) for o in item.groups[group])
        markers.append(f"[[{start + key + 1}]]")
    body = _gap_body(item, markers)
    element = _question(entry, "gapselect", body, entry.points)
    _sub(element, "shuffleanswers", "0")
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(element, tag, "")
    ET.SubElement(element, "shownumcorrect")
    for text, group in options:
        option = ET.SubElement(element, "selectoption")
        _sub(option, "text", text)
        _sub(option, "group", str(group))
    return [element]


@writes("drag_drop_cloze", "drag_drop_rationale")
def _ddwtos(entry: ExportItem) -> list[ET.Element]:
    """One group of tokens, each usable once (no ``infinite``); ``[[n]]`` names the key token of the place."""
    item = entry.item
    markers = [f"[[{key + 1}]]" for key in item.answer]
    element = _question(entry, "ddwtos", _gap_body(item, markers), entry.points)
    _sub(element, "shuffleanswers", "0")
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(element, tag, "")
    ET.SubElement(element, "shownumcorrect")
    for token in item.groups[0]:
        box = ET.SubElement(element, "dragbox")
        _sub(box, "text", token.text)
        _sub(box, "group", "1")
    return [element]


def _gap_body(item: judgment.Item, markers: list[str]) -> str:
    if item.type == "dropdown_table":
        return content.fragment("gap_table", columns=list(item.columns), rows=list(zip(item.group_labels, markers)))
    pieces = []
    for part in static.sentence_parts(item):
        pieces.append({"marker": markers[part["blank"] - 1], "text": ""} if part["blank"] else {"marker": "", "text": part["text"]})
    return content.fragment("gaps", pieces=pieces)


#: Characters Cloze reads as syntax inside an answer (Moodle docs: escape } # ~ / " \ with a backslash).
_CLOZE_SPECIAL = str.maketrans({"}": "\\}", "#": "\\#", "~": "\\~", "/": "\\/", '"': '\\"', "\\": "\\\\"})


def cloze_text(text: str) -> str:
    """An option inside a Cloze subquestion: Cloze's special characters escaped, then HTML's."""
    return html.escape(text.translate(_CLOZE_SPECIAL), quote=False)


def cloze_dropdown(options: list[str], keyed: set[int]) -> Markup:
    """``{1:MULTICHOICE:=right~wrong~...}``: one mark, full for any keyed option."""
    choices = "~".join(("=" if i in keyed else "") + cloze_text(text) for i, text in enumerate(options))
    return Markup("{1:MULTICHOICE:" + choices + "}")


@writes("select_n")
def _select_n(entry: ExportItem) -> list[ET.Element]:
    item = entry.item
    texts = [f"{LETTERS[i]}. {o.text}" for i, o in enumerate(item.options)]
    dropdowns = [cloze_dropdown(texts, set(item.answer)) for _ in range(item.limit)]
    body = content.fragment("gap_table", columns=["Choice", "Option"],
                            rows=[(f"choice {n + 1}", d) for n, d in enumerate(dropdowns)])
    return [_cloze(entry, body)]


@writes("bowtie")
def _bowtie(entry: ExportItem) -> list[ET.Element]:
    item = entry.item
    markers, start = [], 0
    for zone, count in enumerate(item.zones):
        keyed = set(item.answer[start:start + count])
        texts = [o.text for o in item.groups[zone]]
        markers.extend(cloze_dropdown(texts, keyed) for _ in range(count))
        start += count
    labels = [item.group_labels[1], item.group_labels[0], item.group_labels[2]]
    return [_cloze(entry, content.fragment("bowtie", labels=labels, markers=markers))]


def _cloze(entry: ExportItem, body: str) -> ET.Element:
    """Moodle's Cloze (``multianswer``): the marks are the subquestions' (one each), the text carries them."""
    element = ET.Element("question", {"type": "cloze"})
    _text(element, "name", entry.name, html_format=False)
    _text(element, "questiontext", content.question_html(entry, body, "moodle"))
    _text(element, "generalfeedback", content.feedback_html(entry))
    _sub(element, "penalty", "0")
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", entry.ident)
    return element


def category(case: judgment.Case, root: str) -> ET.Element:
    element = ET.Element("question", {"type": "category"})
    _text(element, "category", f"{root}/09 {case.label}: {case.title}", html_format=False)
    _text(element, "info", content.notice("moodle"))
    _sub(element, "idnumber", f"spine_judgment_{case.id}")
    return element


def release_root(cases: list[judgment.Case]) -> str:
    from helpers import __version__

    return f"{CATEGORY_ROOT}/Clinical judgment {__version__}, cases {content.fingerprint(cases)}"


def build(cases: list[judgment.Case] | None = None) -> ET.Element:
    """The ``<quiz>`` document: a category per case, then its items as questions."""
    cases = cases if cases is not None else judgment.cases()
    root = ET.Element("quiz")
    path = release_root(cases)
    for case in cases:
        root.append(category(case, path))
        for entry in content.export_items(case):
            if entry.item.type not in WRITERS:
                raise DataError(f"item {entry.item.id}: the Moodle export cannot write a {entry.item.type} item")
            root.extend(WRITERS[entry.item.type](entry))
    return root


def to_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
