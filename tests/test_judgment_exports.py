"""The clinical-judgment items in Moodle XML and QTI 1.2, parsed back and scored as each platform scores them.

The evaluators below read the exported files only (Moodle's rules per question
type from Moodle's source: multichoice adds the fractions of the chosen
answers and keeps 0..1; match, gapselect and ddwtos give each right place its
share; Cloze adds its subquestions' fractions.  QTI: the response processing
run as QTI 1.2 defines it).  For every item and random responses, the
exported score must equal ``helpers.quiz.score``, except where the platform
note says the rule cannot be expressed (rationale items in Moodle), which is
checked against the note instead.
"""

from __future__ import annotations

import html
import random
import re
import zipfile
import io
from xml.etree import ElementTree as ET

import pytest
from lxml import etree

from helpers import judgment, quiz
from helpers.exports import ngn_content, ngn_moodle, ngn_qti

from test_judgment_widgets import random_response  # noqa: E402  (one generator of student responses)

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
ENTRIES = [e for case in judgment.cases() for e in ngn_content.export_items(case)]


def distinct(item, response):
    """A response as a student can give it on a platform: places of one group hold different options."""
    return judgment.check_response(item, response)


# -- Moodle ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def moodle_questions():
    root = ET.fromstring(ngn_moodle.to_bytes(ngn_moodle.build()))
    out: dict[str, list[ET.Element]] = {}
    for question in root.findall("question"):
        if question.get("type") == "category":
            continue
        ident = question.findtext("idnumber")
        out.setdefault(ident.split("__col")[0], []).append(question)
    return out


def _cloze_subquestions(text: str) -> list[list[tuple[str, float]]]:
    subs = []
    for body in re.findall(r"\{1:MULTICHOICE:((?:\\.|[^}])*)\}", text):
        answers = re.split(r"(?<!\\)~", body)
        subs.append([(a[1:], 1.0) if a.startswith("=") else (a, 0.0) for a in answers])
    return subs


def moodle_marks(question: ET.Element, answer) -> float:
    """What Moodle awards one exported question for ``answer`` (in that question's own terms)."""
    kind = question.get("type")
    grade = float(question.findtext("defaultgrade") or 0)
    if kind == "multichoice":
        fractions = [float(a.get("fraction")) for a in question.findall("answer")]
        if question.findtext("single") == "true":
            return grade * (fractions[answer] / 100 if answer is not None else 0)
        total = sum(fractions[i] for i in answer) / 100
        return grade * min(1.0, max(0.0, total))
    if kind == "match":
        subs = [s for s in question.findall("subquestion") if (s.findtext("text") or "").strip()]
        right = sum(1 for s, chosen in zip(subs, answer) if chosen == s.findtext("answer/text"))
        return grade * right / len(subs)
    if kind in ("gapselect", "ddwtos"):
        text = question.findtext("questiontext/text")
        keys = [int(n) - 1 for n in re.findall(r"\[\[(\d+)\]\]", text)]
        right = sum(1 for key, chosen in zip(keys, answer) if chosen == key)
        return grade * right / len(keys)
    if kind == "cloze":
        subs = _cloze_subquestions(question.findtext("questiontext/text"))
        return sum(sub[chosen][1] if chosen is not None else 0 for sub, chosen in zip(subs, answer))
    raise AssertionError(kind)


def moodle_score(item: judgment.Item, questions: list[ET.Element], response) -> float:
    """The notebook response given in Moodle, and the marks Moodle awards (summed over the item's questions)."""
    kind = item.type
    r = distinct(item, response)
    if kind == "multiple_choice":
        return moodle_marks(questions[0], r[0] if r else None)
    if kind in ("select_all", "highlight_text", "highlight_table"):
        return moodle_marks(questions[0], r)
    if kind == "matrix_single":
        return moodle_marks(questions[0], [item.columns[r[row]] if r.get(row) is not None else None
                                           for row in range(len(item.options))])
    if kind == "matrix_multiple":
        total = 0.0
        for question in questions:
            column = int(question.findtext("idnumber").rsplit("__col", 1)[1])
            total += moodle_marks(question, [row for row, cols in r.items() if column in cols])
        return total
    if kind in ("dropdown_cloze", "dropdown_rationale", "dropdown_table"):
        offsets = [sum(len(g) for g in item.groups[:b]) for b in range(len(item.groups))]
        return moodle_marks(questions[0], [None if c is None else offsets[b] + c for b, c in enumerate(r)])
    if kind in ("drag_drop_cloze", "drag_drop_rationale"):
        return moodle_marks(questions[0], r)
    if kind == "select_n":
        chosen = list(r) + [None] * (item.limit - len(r))
        return moodle_marks(questions[0], chosen)
    if kind == "bowtie":  # the drop-downs in the text's order: the two actions, the condition, the two parameters
        return moodle_marks(questions[0], [r[1], r[2], r[0], r[3], r[4]])
    raise AssertionError(kind)


def rationale_per_place(item, response) -> float:
    """Moodle's documented form for rationale items: each right place earns its share of the item's points."""
    r = distinct(item, response)
    places = len(item.answer)
    right = sum(1 for key, chosen in zip(item.answer, r) if chosen == key)
    return quiz.score(item.id, item.answer)[1] * right / places


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.item.id for e in ENTRIES])
def test_moodle_scores_every_item_as_the_notebook_does(moodle_questions, entry):
    item = entry.item
    questions = moodle_questions[entry.ident]
    total_grade = sum(float(q.findtext("defaultgrade") or 0) for q in questions) or len(_cloze_subquestions(
        questions[0].findtext("questiontext/text")))
    assert total_grade == quiz.score(item.id, item.answer)[1]  # the exam's scale
    rng = random.Random("moodle" + item.id)
    for response in [item.answer] + [random_response(item, rng) for _ in range(60)]:
        got = moodle_score(item, questions, response)
        if item.type in ("dropdown_rationale", "drag_drop_rationale"):
            assert got == pytest.approx(rationale_per_place(item, response))
        else:
            assert got == pytest.approx(quiz.score(item.id, response)[0]), (item.id, response)


def test_moodle_rationale_difference_is_the_documented_one(moodle_questions):
    item = judgment.find_item("joseph_3_priority")  # a dyad: the reason right, the evidence wrong
    assert quiz.score(item.id, [0, 5]) == (0, 1)
    assert moodle_score(item, moodle_questions["spine_judgment__joseph_3_priority"], [0, 5]) == pytest.approx(0.5)
    assert "half the mark" in ngn_content.PLATFORM_NOTES["moodle"]["dropdown_rationale"]
    text = moodle_questions["spine_judgment__joseph_3_priority"][0].findtext("questiontext/text")
    assert "Scoring in this platform" in text and "each place earns its share" in text


def test_moodle_file_shape(moodle_questions):
    root = ET.fromstring(ngn_moodle.to_bytes(ngn_moodle.build()))
    categories = [q.findtext("category/text") for q in root.findall("question[@type='category']")]
    assert len(categories) == len(judgment.case_ids())
    assert all(c.startswith("$course$/top/Treating spinal cancer/Clinical judgment ") for c in categories)
    info = root.find("question[@type='category']/info/text").text
    assert "Educational use only" in info and "NCSBN" in info
    for questions in moodle_questions.values():
        for q in questions:
            assert q.findtext("penalty") == "0"
            text = q.findtext("questiontext/text")
            assert "record so far" in text and "synthetic case" in text
            assert "Scoring:" in q.findtext("generalfeedback/text")
    assert ngn_moodle.to_bytes(ngn_moodle.build()) == ngn_moodle.to_bytes(ngn_moodle.build())


def test_cloze_escapes_its_syntax_in_option_text():
    assert ngn_moodle.cloze_text('a/b ~ c } d # "e"') == 'a\\/b \\~ c \\} d \\# \\"e\\"'
    assert ngn_moodle.cloze_text("<b> & 'x'") == "&lt;b&gt; &amp; 'x'"


# -- QTI ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def qti_items():
    with zipfile.ZipFile(io.BytesIO(ngn_qti.package_bytes())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    items: dict[str, list[ET.Element]] = {}
    for name, data in files.items():
        root = ET.fromstring(data)
        for item in root.iter(f"{QTI}item"):
            items.setdefault(item.get("ident").split("__col")[0], []).append(item)
    return files, items


def _holds(condition: ET.Element, chosen: dict[str, set[str]]) -> bool:
    tag = condition.tag.replace(QTI, "")
    if tag == "conditionvar":
        return all(_holds(c, chosen) for c in condition)
    if tag == "and":
        return all(_holds(c, chosen) for c in condition)
    if tag == "or":
        return any(_holds(c, chosen) for c in condition)
    if tag == "not":
        return not _holds(condition[0], chosen)
    if tag == "other":
        return True
    if tag == "varequal":
        return condition.text in chosen.get(condition.get("respident"), set())
    raise AssertionError(tag)


def qti_points(item: ET.Element, chosen: dict[str, set[str]]) -> float:
    """QTI 1.2 response processing: conditions in order, setvar Set/Add, stop at continue="No", clamp to the outcome."""
    processing = item.find(f"{QTI}resprocessing")
    decvar = processing.find(f"{QTI}outcomes/{QTI}decvar")
    score = 0.0
    for condition in processing.findall(f"{QTI}respcondition"):
        if _holds(condition.find(f"{QTI}conditionvar"), chosen):
            setvar = condition.find(f"{QTI}setvar")
            if setvar is not None:
                value = float(setvar.text)
                score = value if setvar.get("action") == "Set" else score + value
            if condition.get("continue") == "No":
                break
    return min(float(decvar.get("maxvalue")), max(float(decvar.get("minvalue")), score))


def qti_response(item: judgment.Item, exported: ET.Element, response) -> dict[str, set[str]]:
    kind = item.type
    r = distinct(item, response)
    if kind in ("multiple_choice", "select_all", "select_n", "highlight_text", "highlight_table"):
        return {"response1": {f"p0_o{i}" for i in r}}
    if kind == "matrix_single":
        return {f"response_row{row}": {f"p{row}_o{col}"} for row, col in r.items() if col is not None}
    if kind == "matrix_multiple":
        column = int(exported.get("ident").rsplit("__col", 1)[1])
        return {"response1": {f"p0_o{row}" for row, cols in r.items() if column in cols}}
    return {f"response_blank_{p + 1}": {f"p{p}_o{c}"} for p, c in enumerate(r) if c is not None}


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.item.id for e in ENTRIES])
def test_qti_processing_scores_every_item_as_the_notebook_does(qti_items, entry):
    item = entry.item
    exported = qti_items[1][entry.ident]
    possible = sum(float(e.find(f".//{QTI}qtimetadatafield[{QTI}fieldlabel='points_possible']/{QTI}fieldentry").text)
                   for e in exported)
    assert possible == quiz.score(item.id, item.answer)[1]
    rng = random.Random("qti" + item.id)
    for response in [item.answer] + [random_response(item, rng) for _ in range(60)]:
        got = sum(qti_points(e, qti_response(item, e, response)) for e in exported)
        assert got == quiz.score(item.id, response)[0], (item.id, response)


def test_qti_is_valid_against_the_dtd_and_lists_every_file(qti_items):
    files, _ = qti_items
    dtd = etree.DTD(str(__import__("pathlib").Path(__file__).parent / "fixtures" / "qti" / "ims_qtiasiv1p2p1.dtd"))
    manifest = ET.fromstring(files["imsmanifest.xml"])
    listed = {f.get("href") for f in manifest.iter("{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}file")}
    assert listed == set(files) - {"imsmanifest.xml"}
    for name, data in files.items():
        if name.endswith(".xml") and "/spine_judgment_" in "/" + name and not name.endswith("assessment_meta.xml"):
            plain = etree.fromstring(data.replace(b' xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2"', b""))
            assert dtd.validate(plain), f"{name}: {dtd.error_log.filter_from_errors()[:3]}"
    assert ngn_qti.package_bytes() == ngn_qti.package_bytes()


def test_exported_text_carries_no_typed_claim():
    """The claims lint over the generated Moodle and QTI text, once the register's wording and the cases'
    narrative (the record, the stems, the choices that quote the record) are taken out: nothing is left."""
    from helpers import claims, claims_lint, data

    # Everything the register renders (claims, tiers, strengths, bands and cited numbers: a rationale may show a band).
    rendered = sorted(claims_lint.register_renderings())
    # The narrative is what the source-level lint reads as a case's own story and values.
    narrative = [text for place, text, story in claims_lint.reader_texts()
                 if place.startswith("data/judgment/") and story]
    narrative += [data_text for entry in ENTRIES for data_text in (entry.case.title, entry.case.label)]
    root = ET.fromstring(ngn_moodle.to_bytes(ngn_moodle.build()))
    texts = []
    for question in root.findall("question"):
        if question.get("type") == "category":
            texts.append(("category", question.findtext("info/text")))
            continue
        for field in ("questiontext/text", "generalfeedback/text"):
            texts.append((f"{question.findtext('name/text')}: {field}", question.findtext(field)))
    for name, data_bytes in ngn_qti.package_files().items():
        texts.extend((name, m.text or "") for m in ET.fromstring(data_bytes).iter(f"{QTI}mattext"))
    narrative = [part for piece in narrative for part in re.split(r"\{\d+\}", piece)]  # a cloze sentence's pieces
    narrative = [html.unescape(piece) for piece in narrative if len(piece) >= 4]  # "1" as a choice would cut every 1 out
    stimuli = sorted({ngn_content.stimulus_html(entry) for entry in ENTRIES}, key=len, reverse=True)

    def without_record(text: str) -> str:
        """The record (notes, tables and their computed flags and units) is the case's data: take it out."""
        for stimulus in stimuli:
            text = text.replace(stimulus, " ")
        return html.unescape(text)

    texts = [(place, without_record(text or "")) for place, text in texts]
    found = claims_lint.lint_generated(texts, rendered, narrative)
    assert [str(f) for f in found] == []
