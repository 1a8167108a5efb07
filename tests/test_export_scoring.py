"""Every platform scores every question as the notebooks do (NCSBN's rules), read back from the exported files.

The exported QTI is scored by a small QTI 1.2 response-processing evaluator
written here from the QTI 1.2 ASI specification (not from the exporter);
Canvas's own scoring (it ignores the QTI processing) is modelled from Canvas's
source (``user_answer.rb``: (right - wrong) / right, floored at 0, with the
keys Canvas's converter finds: options whose condition adds a positive
score); Moodle's from ``qtype_multichoice_multi_question::grade_response``
(the fractions of the chosen options added, kept between 0 and 1) and
``qtype_numerical_answer::within_tolerance``.  Expected scores are literals
worked by hand, never the exporter's own numbers.
"""

from __future__ import annotations

import copy
import html
import json
import sys
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import lms  # noqa: E402

from helpers import scoring  # noqa: E402

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
QUIZ_FILES = sorted((ROOT / "data" / "quizzes").glob("[0-9][0-9]_*.json"))


def _shown(value):
    """A quiz value as the reader sees it: claim placeholders replaced by the register's wording."""
    from helpers.claims import resolve

    if isinstance(value, str):
        return resolve(value)
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items()}
    return value


QUESTIONS = [(path.stem, _shown(q)) for path in QUIZ_FILES
             for q in json.loads(path.read_text(encoding="utf-8"))["questions"]]


# -- a QTI 1.2 response-processing evaluator (independent of helpers.exports) ---------------------

def _value(text: str) -> Decimal:
    return Decimal(text.strip())


def _condition(node: ET.Element, chosen: set[str], typed: str | None) -> bool:
    """True when a conditionvar element holds for the response (choices ``chosen`` or a ``typed`` number)."""
    tag = node.tag.removeprefix(QTI)
    children = list(node)
    if tag == "conditionvar" or tag == "and":
        return all(_condition(c, chosen, typed) for c in children)
    if tag == "or":
        return any(_condition(c, chosen, typed) for c in children)
    if tag == "not":
        assert len(children) == 1
        return not _condition(children[0], chosen, typed)
    if tag == "other":  # as Canvas writes it: the condition that always holds
        return True
    if tag == "unanswered":
        return not chosen and not typed
    if typed is not None and tag in ("varequal", "vargte", "varlte", "vargt", "varlt"):
        try:
            number = _value(typed)
        except ArithmeticError:
            return False
        bound = _value(node.text)
        return {"varequal": number == bound, "vargte": number >= bound, "varlte": number <= bound,
                "vargt": number > bound, "varlt": number < bound}[tag]
    if tag == "varequal":
        return node.text.strip() in chosen
    raise AssertionError(f"the evaluator does not know <{tag}>")


def qti_fraction(item: ET.Element, chosen: set[str] = frozenset(), typed: str | None = None) -> Fraction:
    """Score one item as the QTI 1.2 ASI specification describes, as a fraction of its maximum.

    Conditions are tested in order; a satisfied one applies its ``setvar``s and
    stops processing unless ``continue="Yes"`` (the DTD's default is "No").
    The outcome is then held inside its declared ``minvalue``/``maxvalue``.
    """
    processing = item.find(f"{QTI}resprocessing")
    decvar = processing.find(f"{QTI}outcomes/{QTI}decvar")
    low, high = _value(decvar.get("minvalue")), _value(decvar.get("maxvalue"))
    score = _value(decvar.get("defaultval", "0"))
    for condition in processing.findall(f"{QTI}respcondition"):
        if not _condition(condition.find(f"{QTI}conditionvar"), set(chosen), typed):
            continue
        for setvar in condition.findall(f"{QTI}setvar"):
            value = _value(setvar.text)
            action = setvar.get("action", "Set")
            score = {"Set": value, "Add": score + value, "Subtract": score - value,
                     "Multiply": score * value, "Divide": score / value}[action]
        if condition.get("continue", "No") != "Yes":
            break
    score = min(max(score, low), high)
    return Fraction(score) / Fraction(high)


def canvas_keys(item: ET.Element) -> set[str]:
    """The options Canvas's converter takes as correct: those whose one-choice condition gives a positive score."""
    keys = set()
    for condition in item.iter(f"{QTI}respcondition"):
        tests = list(condition.find(f"{QTI}conditionvar"))
        setvars = condition.findall(f"{QTI}setvar")
        if len(tests) == 1 and tests[0].tag == f"{QTI}varequal" and setvars:
            if setvars[0].get("action", "Set") in ("Set", "Add") and _value(setvars[0].text) > 0:
                keys.add(tests[0].text.strip())
    return keys


def canvas_fraction(item: ET.Element, chosen: set[str]) -> Fraction:
    """Canvas classic quizzes, multiple answers: (right chosen - wrong chosen) / right, never below 0."""
    keys = canvas_keys(item)
    right, wrong = len(chosen & keys), len(chosen - keys)
    return max(Fraction(0), Fraction(right - wrong, len(keys)))


def moodle_choice_fraction(question: ET.Element, chosen: set[int]) -> Fraction:
    """Moodle multichoice: the chosen options' fractions added, kept within 0..1 (single: the chosen one)."""
    shares = [Fraction(Decimal(a.get("fraction"))) / 100 for a in question.findall("answer")]
    if question.findtext("single") == "true":
        return shares[next(iter(chosen))] if len(chosen) == 1 else Fraction(0)
    return min(max(Fraction(0), sum((shares[i] for i in chosen), Fraction(0))), Fraction(1))


def moodle_numeric_fraction(question: ET.Element, typed: str) -> Fraction:
    """Moodle numerical in English (point as decimal separator, comma as thousands separator)."""
    number = Decimal(typed.replace(",", ""))
    for answer in question.findall("answer"):
        centre, spread = Decimal(answer.findtext("text")), Decimal(answer.findtext("tolerance"))
        if centre - spread <= number <= centre + spread:
            return Fraction(Decimal(answer.get("fraction"))) / 100
    return Fraction(0)


# -- the exported files ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("lms")
    lms.build(out)
    with zipfile.ZipFile(out / "collection.qti.zip") as archive:
        items = {}
        for name in archive.namelist():
            if name.endswith(".xml") and "assessment_meta" not in name and "/" in name:
                for item in ET.fromstring(archive.read(name)).iter(f"{QTI}item"):
                    items[item.get("ident")] = item
    moodle = {q.findtext("idnumber"): q for q in ET.parse(out / "collection.moodle.xml").getroot().findall("question")
              if q.get("type") != "category"}
    return items, moodle


def option_ids(item: ET.Element) -> list[str]:
    return [label.get("ident") for label in item.iter(f"{QTI}response_label")]


def ident(slug: str, question: dict) -> str:
    return f"spine_{slug}__{question['id']}"


# -- the golden table: hand-worked +/- scores -----------------------------------------------------

# (options, keys, response, NCSBN points) -- each worked by hand: +1 per key chosen, -1 per other option, floor 0.
GOLDEN = [
    (4, [0, 1, 2], [], 0),
    (4, [0, 1, 2], [0], 1),
    (4, [0, 1, 2], [0, 1, 2], 3),
    (4, [0, 1, 2], [0, 1, 2, 3], 2),        # everything ticked: 3 - 1
    (4, [0, 1, 2], [3], 0),                 # -1, floored
    (4, [0, 1, 2], [0, 3], 0),
    (4, [0, 1, 2], [0, 1, 3], 1),
    (5, [0, 1, 3], [0, 1, 2, 3, 4], 1),     # 3 - 2
    (5, [0, 1, 3], [2, 4], 0),              # -2, floored
    (6, [0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 5], 4),
    (6, [0, 1, 2, 3, 4], [1, 5], 0),
    (5, [0, 1, 2, 3], [0, 1, 2, 3], 4),
    (5, [0, 1, 2, 3], [0, 4], 0),
]


def _golden_question(options: int, keys: list[int]) -> dict:
    return {"id": "golden", "type": "multiple", "prompt": "Which of these apply to the case?",
            "options": [f"Option {n}" for n in range(options)], "answer": keys,
            "feedback": "Worked by hand for the scoring test.", "source_ids": "nci_dictionary"}


@pytest.fixture(scope="module")
def golden_exports(tmp_path_factory):
    """The golden questions exported through the real exporter from a quiz file of their own."""
    folder = tmp_path_factory.mktemp("golden") / "quizzes"
    folder.mkdir()
    (folder / "schema.json").write_text((ROOT / "data" / "quizzes" / "schema.json").read_text(encoding="utf-8"))
    shapes = sorted({(o, tuple(k)) for o, k, _, _ in GOLDEN})
    questions = [{**_golden_question(o, list(k)), "id": f"golden_{n}"} for n, (o, k) in enumerate(shapes)]
    questions += [{**_golden_question(3, [0]), "id": f"filler_{n}"} for n in range(5 - len(questions))]  # schema: 5+
    (folder / "00_start_here.json").write_text(json.dumps({"notebook": "00_start_here", "questions": questions}))
    out = folder.parent / "out"
    lms.build(out, ["00"], quiz_dir=folder)
    with zipfile.ZipFile(out / "00_start_here.qti.zip") as archive:
        root = ET.fromstring(archive.read("spine_00_start_here/spine_00_start_here.xml"))
    items = {item.get("ident"): item for item in root.iter(f"{QTI}item")}
    moodle = {q.findtext("idnumber"): q for q in ET.parse(out / "00_start_here.moodle.xml").getroot().findall("question")
              if q.get("type") != "category"}
    by_shape = {}
    for n, shape in enumerate(shapes):
        key = f"spine_00_start_here__golden_{n}"
        by_shape[shape] = (items[key], moodle[key])
    return by_shape


@pytest.mark.parametrize("options, keys, response, points", GOLDEN)
def test_golden_table_scores_the_same_in_the_notebooks_qti_canvas_and_moodle(golden_exports, options, keys,
                                                                            response, points):
    expected = Fraction(points, len(keys))
    assert scoring.plus_minus(keys, response) == (points, len(keys))  # the notebooks' rule
    item, question = golden_exports[(options, tuple(keys))]
    ids = option_ids(item)
    chosen = {ids[i] for i in response}
    assert qti_fraction(item, chosen) == expected, "QTI response processing"
    assert canvas_fraction(item, chosen) == expected, "Canvas's own scoring"
    assert moodle_choice_fraction(question, set(response)) == pytest.approx(expected, abs=1e-6), "Moodle"


# -- every question of the collection: its key, and wrong answers ----------------------------------

@pytest.mark.parametrize("slug, question", QUESTIONS, ids=[f"{s}-{q['id']}" for s, q in QUESTIONS])
def test_every_exported_question_scores_its_key_full_and_wrong_answers_as_the_notebooks(exported, slug, question):
    items, moodle = exported
    item, element = items[ident(slug, question)], moodle[ident(slug, question)]
    if question["type"] == "numeric":
        answer, tolerance = Decimal(str(question["answer"])), Decimal(str(question.get("tolerance", 0)))
        for typed, right in ((answer, True), (answer - tolerance, True), (answer + tolerance, True),
                             (answer + tolerance + Decimal("0.001"), False), (answer - tolerance - 1, False)):
            expected = Fraction(int(right))
            assert qti_fraction(item, typed=str(typed)) == expected, f"QTI, {typed}"
            assert moodle_numeric_fraction(element, str(typed)) == expected, f"Moodle, {typed}"
        return
    ids = option_ids(item)
    keys = question["answer"] if isinstance(question["answer"], list) else [question["answer"]]
    assert [html.unescape(a.findtext("text")) for a in element.findall("answer")] == question["options"]
    responses = [keys] + [[i] for i in range(len(ids)) if i not in keys] + [list(range(len(ids)))]
    if question["type"] == "multiple":
        responses += [keys[:1], keys[:1] + [i for i in range(len(ids)) if i not in keys][:1]]
    for response in responses:
        if question["type"] == "single":
            if len(response) > 1:
                continue  # one choice only
            points, top = scoring.zero_one_single(keys[0], response)
        else:
            points, top = scoring.plus_minus(keys, response)
        expected = Fraction(points, top)
        chosen = {ids[i] for i in response}
        assert qti_fraction(item, chosen) == expected, f"QTI, response {response}"
        assert moodle_choice_fraction(element, set(response)) == pytest.approx(expected, abs=1e-6), f"Moodle, {response}"
        if question["type"] == "multiple":
            assert canvas_fraction(item, chosen) == expected, f"Canvas, response {response}"
        else:
            assert canvas_keys(item) == {ids[keys[0]]}


def test_a_decimal_comma_is_not_scored_right_and_is_explained_in_moodle(exported):
    """1.69 m² typed as "1,69" in an English Moodle is read as 169: a 0-mark answer there says why."""
    _, moodle = exported
    bsa = moodle["spine_03_chemotherapy__bsa_mosteller"]
    assert moodle_numeric_fraction(bsa, "1.69") == 1
    assert moodle_numeric_fraction(bsa, "1,69") == 0
    misread = [a for a in bsa.findall("answer") if a.findtext("text") == "169"]
    assert len(misread) == 1 and misread[0].findtext("tolerance") == "1" and misread[0].get("fraction") == "0"
    assert "1,69" in misread[0].findtext("feedback/text") and "1.69" in misread[0].findtext("feedback/text")


# -- the evaluator has teeth: the mutations issue 23 found survive no longer ---------------------

def test_continue_no_on_the_always_shown_feedback_makes_the_key_score_nothing(exported):
    items, _ = exported
    for name in ("spine_03_chemotherapy__fast_dividing_tissues", "spine_03_chemotherapy__vinca_alkaloid_route",
                 "spine_03_chemotherapy__calculate_anc"):
        item = copy.deepcopy(items[name])
        always = next(c for c in item.iter(f"{QTI}respcondition") if c.find(f"{QTI}conditionvar/{QTI}other") is not None)
        assert always.get("continue") == "Yes"
        always.set("continue", "No")
        key_response = ({"choice_A", "choice_B", "choice_C"}, None) if "fast" in name else (
            ({"choice_B"}, None) if "vinca" in name else (set(), "480"))
        assert qti_fraction(items[name], *key_response) == 1
        assert qti_fraction(item, *key_response) == 0


def test_subtract_would_make_canvas_take_a_wrong_option_as_a_key():
    """Why the export writes Add -1: Canvas reads the base value of a subtract as a positive score."""
    item = ET.fromstring(f"""<item xmlns="{QTI[1:-1]}"><resprocessing>
        <outcomes><decvar varname="SCORE" vartype="Integer" minvalue="0" maxvalue="1"/></outcomes>
        <respcondition continue="Yes"><conditionvar><varequal respident="r">choice_A</varequal></conditionvar>
          <setvar action="Add" varname="SCORE">1</setvar></respcondition>
        <respcondition continue="Yes"><conditionvar><varequal respident="r">choice_B</varequal></conditionvar>
          <setvar action="Subtract" varname="SCORE">1</setvar></respcondition></resprocessing></item>""")
    assert qti_fraction(item, {"choice_A", "choice_B"}) == 0
    assert canvas_keys(item) == {"choice_A"}  # this model ignores Subtract; Canvas's converter does not (see qti.py)


def test_the_multiple_answer_processing_is_plus_one_minus_one_with_a_floor_at_zero(exported):
    """The shape Canvas's converter and the evaluator both rely on, for one question worked by hand."""
    items, _ = exported
    item = items["spine_03_chemotherapy__fast_dividing_tissues"]  # keys A, B, C of four options
    decvar = item.find(f"{QTI}resprocessing/{QTI}outcomes/{QTI}decvar")
    assert (decvar.get("minvalue"), decvar.get("maxvalue"), decvar.get("vartype")) == ("0", "3", "Integer")
    adds = [(c.find(f"{QTI}conditionvar/{QTI}varequal").text, c.find(f"{QTI}setvar").get("action"),
             c.find(f"{QTI}setvar").text, c.get("continue")) for c in item.iter(f"{QTI}respcondition")
            if c.find(f"{QTI}setvar") is not None]
    assert adds == [("choice_A", "Add", "1", "Yes"), ("choice_B", "Add", "1", "Yes"),
                    ("choice_C", "Add", "1", "Yes"), ("choice_D", "Add", "-1", "Yes")]
