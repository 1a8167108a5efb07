"""The LMS exports (QTI 1.2 and Moodle XML) carry every question of data/quizzes/.

Each generated file is parsed back and compared, question by question, with
the quiz files read directly (not through the exporter): prompt, options,
correct answers, numeric range, the explanation and its sources.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import lms  # noqa: E402
from export_common import ExportError  # noqa: E402

from helpers.exports import content, moodle  # noqa: E402

QUIZ_FILES = sorted((ROOT / "data" / "quizzes").glob("[0-9][0-9]_*.json"))
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CANVAS = "{http://canvas.instructure.com/xsd/cccv1p0}"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
DTD = ROOT / "tests" / "fixtures" / "qti" / "ims_qtiasiv1p2p1.dtd"
LETTERS = "ABCDEFGHIJ"


def raw_quiz(path: Path) -> dict:
    """The quiz file as a reader sees it: its claim placeholders replaced by the register's wording."""
    from helpers.claims import resolve

    def shown(value):
        if isinstance(value, str):
            return resolve(value)
        if isinstance(value, list):
            return [shown(v) for v in value]
        if isinstance(value, dict):
            return {k: shown(v) for k, v in value.items()}
        return value

    return shown(json.loads(path.read_text(encoding="utf-8")))


def citations() -> dict[str, str]:
    with open(ROOT / "data" / "sources.csv", encoding="utf-8", newline="") as handle:
        return {row["id"]: row["citation"] for row in csv.DictReader(handle)}


def html_text(fragment: str) -> list[str]:
    """The text of each block (p, li) of an exported HTML fragment."""
    root = ET.fromstring(f"<div>{fragment}</div>")
    return ["".join(block.itertext()).strip() for block in root.iter() if block.tag in ("p", "li")]


def html_plain(fragment: str) -> str:
    """An exported option (escaped HTML text) as the reader sees it."""
    return "".join(ET.fromstring(f"<div>{fragment}</div>").itertext())


def correct_answers(question: dict) -> list[int]:
    answer = question["answer"]
    return answer if isinstance(answer, list) else [answer]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lms")
    lms.build(out)
    return out


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def qti_items(package: dict[str, bytes], slug: str) -> dict[str, ET.Element]:
    ident = f"spine_{slug}"
    root = ET.fromstring(package[f"{ident}/{ident}.xml"])
    return {item.get("ident").removeprefix(f"{ident}__"): item for item in root.iter(f"{QTI}item")}


def check_feedback(fragment: str, question: dict, cites: dict[str, str]) -> None:
    blocks = html_text(fragment)
    assert question["feedback"] in blocks, f"{question['id']}: explanation missing from the feedback"
    for source_id in question["source_ids"].split(";"):
        assert any(block.startswith(cites[source_id]) for block in blocks), f"{question['id']}: source {source_id} missing"


# -- QTI ------------------------------------------------------------------------

def qti_keys(item: ET.Element) -> set[str]:
    """The options whose condition raises the score (what Canvas's converter takes as the key)."""
    keys = set()
    for condition in item.iter(f"{QTI}respcondition"):
        setvar = condition.find(f"{QTI}setvar")
        tests = list(condition.find(f"{QTI}conditionvar"))
        if setvar is not None and len(tests) == 1 and tests[0].tag == f"{QTI}varequal" and float(setvar.text) > 0:
            keys.add(tests[0].text)
    return keys


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.stem)
def test_every_question_is_in_the_qti_packages_unchanged(built, path):
    quiz, cites = raw_quiz(path), citations()
    for package_name in (f"{path.stem}.qti.zip", "collection.qti.zip"):
        items = qti_items(read_zip(built / package_name), path.stem)
        assert list(items) == [q["id"] for q in quiz["questions"]], package_name
        for number, question in enumerate(quiz["questions"], start=1):
            item = items[question["id"]]
            assert item.get("title").startswith(f"{path.stem[:2]}.{number:02d} {question['prompt'][:20]}")
            kind = item.find(f".//{QTI}qtimetadatafield[{QTI}fieldlabel='question_type']/{QTI}fieldentry").text
            assert kind == {"single": "multiple_choice_question", "multiple": "multiple_answers_question",
                            "numeric": "numerical_question"}[question["type"]]
            prompt = item.find(f"{QTI}presentation/{QTI}material/{QTI}mattext")
            assert prompt.get("texttype") == "text/html"
            assert html_text(prompt.text)[0] == question["prompt"]
            if question["type"] == "numeric":
                tolerance = question.get("tolerance", 0)
                assert item.find(f".//{QTI}render_fib").get("fibtype") == "Decimal"
                low = float(item.find(f".//{QTI}vargte").text)
                high = float(item.find(f".//{QTI}varlte").text)
                assert low == pytest.approx(question["answer"] - tolerance)
                assert high == pytest.approx(question["answer"] + tolerance)
            else:
                labels = item.findall(f".//{QTI}render_choice/{QTI}response_label")
                texts = [label.find(f".//{QTI}mattext") for label in labels]
                assert {m.get("texttype") for m in texts} == {"text/plain"}  # Canvas keeps < > & of plain text
                assert [m.text for m in texts] == [f"{LETTERS[i]}. {text}" for i, text in enumerate(question["options"])]
                ids = [label.get("ident") for label in labels]
                assert qti_keys(item) == {ids[i] for i in correct_answers(question)}
                lid = item.find(f".//{QTI}response_lid")
                assert lid.get("rcardinality") == ("Single" if question["type"] == "single" else "Multiple")
                maxnumber = lid.find(f"{QTI}render_choice").get("maxnumber")
                assert maxnumber == (str(len(question["options"])) if question["type"] == "multiple" else None)
            feedback = item.find(f"{QTI}itemfeedback//{QTI}mattext").text
            check_feedback(feedback, question, cites)
            assert html_text(feedback)[0].startswith("Answer:")


def test_qti_names_are_readable_and_options_keep_markup_characters(tmp_path):
    """A name a person reads (literal), and an option with < > & reaches the file as that text."""
    folder = tmp_path / "quizzes"
    shutil.copytree(ROOT / "data" / "quizzes", folder)
    _break(folder, lambda qs: qs[1].update(options=["Platelets < 50 & falling", "B", "C", "D"]))
    lms.build(tmp_path / "out", ["03"], quiz_dir=folder)
    items = qti_items(read_zip(tmp_path / "out" / "03_chemotherapy.qti.zip"), "03_chemotherapy")
    item = items["fast_dividing_tissues"]
    assert item.get("title") == "03.02 Which healthy tissues are harmed by chemotherapy because their cells…"
    raw = read_zip(tmp_path / "out" / "03_chemotherapy.qti.zip")["spine_03_chemotherapy/spine_03_chemotherapy.xml"]
    assert b'<mattext texttype="text/plain">A. Platelets &lt; 50 &amp; falling</mattext>' in raw


def test_qti_packages_are_well_formed_valid_against_the_dtd_and_complete(built):
    dtd = etree.DTD(str(DTD))
    for path in sorted(built.glob("*.qti.zip")):
        package = read_zip(path)
        manifest = ET.fromstring(package["imsmanifest.xml"])
        listed = {f.get("href") for f in manifest.iter(f"{CP}file")}
        assert listed == set(package) - {"imsmanifest.xml"}, path.name
        for name, data in package.items():
            root = etree.fromstring(data)  # well-formed, or this raises
            if root.tag == f"{QTI}questestinterop":
                # The 2003 DTD knows no namespaces: validate the same tree without them.
                plain = etree.fromstring(data.replace(b' xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2"', b""))
                assert dtd.validate(plain), f"{path.name}/{name}: {dtd.error_log.filter_from_errors()[:3]}"
            if root.tag == f"{CANVAS}quiz":
                description = root.find(f"{CANVAS}description").text
                assert any(block.startswith("Educational use only.") for block in html_text(description))
                assert root.find(f"{CANVAS}shuffle_answers").text == "false"


# -- Moodle ---------------------------------------------------------------------

def moodle_questions(path: Path) -> tuple[list[str], dict[str, ET.Element]]:
    root = ET.parse(path).getroot()
    categories = [q.find("category/text").text for q in root.findall("question[@type='category']")]
    questions = {q.find("idnumber").text: q for q in root.findall("question") if q.get("type") != "category"}
    return categories, questions


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.stem)
def test_every_question_is_in_the_moodle_files_unchanged(built, path):
    quiz, cites = raw_quiz(path), citations()
    for file_name in (f"{path.stem}.moodle.xml", "collection.moodle.xml"):
        categories, questions = moodle_questions(built / file_name)
        assert any(c.startswith(f"{moodle.CATEGORY_ROOT}/Release ") and f"/{path.stem[:2]} " in c for c in categories)
        for number, question in enumerate(quiz["questions"], start=1):
            element = questions[f"spine_{path.stem}__{question['id']}"]
            assert element.find("name/text").text.startswith(f"{path.stem[:2]}.{number:02d} {question['prompt'][:20]}")
            assert html_text(element.find("questiontext/text").text)[0] == question["prompt"]
            feedback = element.find("generalfeedback/text").text
            check_feedback(feedback, question, cites)
            assert not any(b.startswith("Answer:") for b in html_text(feedback))  # Moodle prints the key itself
            assert element.find("penalty").text == "0"
            answers = element.findall("answer")
            if question["type"] == "numeric":
                assert element.get("type") == "numerical"
                assert answers[0].get("fraction") == "100"
                assert float(answers[0].find("text").text) == question["answer"]
                assert float(answers[0].find("tolerance").text) == question.get("tolerance", 0)
                assert all(a.get("fraction") == "0" for a in answers[1:])  # only the decimal-comma explanation
                units = [u.text for u in element.iter("unit_name")]
                assert units == ([question["unit"]] if question.get("unit") else [])
                assert element.find("showunits").text == ("0" if question.get("unit") else "3")
                assert element.find("unitgradingtype").text == "0"
                continue
            assert element.get("type") == "multichoice"
            assert element.find("single").text == ("true" if question["type"] == "single" else "false")
            assert element.find("shuffleanswers").text == "false"  # explanations refer to letters
            assert [html_plain(a.find("text").text) for a in answers] == question["options"]
            fractions = [a.get("fraction") for a in answers]
            right = correct_answers(question)
            assert [i for i, f in enumerate(fractions) if float(f) > 0] == sorted(right)


def test_moodle_fractions_are_written_with_the_digits_moodle_lists(built):
    """Literal fractions for questions worked by hand: +100/k for a key, -100/k for another option."""
    _, questions = moodle_questions(built / "collection.moodle.xml")
    def shares(ident):
        return [a.get("fraction") for a in questions[ident].findall("answer")]
    assert shares("spine_03_chemotherapy__fast_dividing_tissues") == ["33.33333"] * 3 + ["-33.33333"]
    assert shares("spine_00_start_here__five_modalities") == ["20"] * 5 + ["-20"]
    assert shares("spine_00_start_here__noms_axes") == ["25"] * 4 + ["-25"]
    assert shares("spine_05_interventional_radiology__urgent_after_cement") == ["33.33333", "33.33333", "-33.33333",
                                                                              "33.33333", "-33.33333"]
    assert shares("spine_03_chemotherapy__vinca_alkaloid_route") == ["0", "100", "0", "0"]


def test_moodle_numbers_take_their_unit_and_explain_a_decimal_comma(built):
    _, questions = moodle_questions(built / "collection.moodle.xml")
    anc = questions["spine_03_chemotherapy__calculate_anc"]
    assert [(a.findtext("text"), a.findtext("tolerance"), a.get("fraction")) for a in anc.findall("answer")] == [
        ("480", "1", "100")]  # an integer answer: nothing to misread
    assert [u.text for u in anc.iter("unit_name")] == ["cells/µL"]
    bsa = questions["spine_03_chemotherapy__bsa_mosteller"]
    assert [(a.findtext("text"), a.findtext("tolerance"), a.get("fraction")) for a in bsa.findall("answer")] == [
        ("1.69", "0.01", "100"), ("169", "1", "0")]
    fall = questions["spine_05_interventional_radiology__cafe_fall"]
    assert [(a.findtext("text"), a.findtext("tolerance")) for a in fall.findall("answer")] == [
        ("8.5", "0.25"), ("85", "2.5")]
    instruction = html_text(bsa.find("questiontext/text").text)[-1]
    assert instruction == "Give the number in m² (you may write m² after it). Write decimals with a point (1.5, not 1,5)."


def test_moodle_category_carries_the_notice(built):
    root = ET.parse(built / "collection.moodle.xml").getroot()
    infos = [q.find("info/text").text for q in root.findall("question[@type='category']")]
    assert len(infos) == len(QUIZ_FILES)
    assert all(any(b.startswith("Educational use only.") for b in html_text(info)) for info in infos)


@pytest.mark.parametrize("share, expected", [(100 / 3, "33.33333"), (50, "50"), (-100, "-100"), (-50, "-50"),
                                             (100 / 6, "16.66667"), (-100 / 7, "-14.28571"), (100 / 9, "11.11111"),
                                             (0, "0")])
def test_moodle_fractions_are_ones_moodle_accepts(share, expected):
    assert moodle.fraction(share) == expected


def test_a_share_moodle_cannot_store_stops_the_export():
    from helpers.errors import DataError

    with pytest.raises(DataError, match="Moodle has no grade of 35.00000%"):
        moodle.fraction(35)


# -- build behaviour --------------------------------------------------------------

def test_a_second_build_is_byte_identical(built, tmp_path):
    lms.build(tmp_path)
    for path in sorted(built.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("name", ["03", "03_chemotherapy", "notebooks/03_chemotherapy.ipynb"])
def test_one_notebook_builds_only_its_files(tmp_path, name):
    written = lms.build(tmp_path, [name])
    assert sorted(p.name for p in written) == ["03_chemotherapy.moodle.xml", "03_chemotherapy.qti.zip"]


@pytest.fixture
def broken_quizzes(tmp_path) -> Path:
    target = tmp_path / "quizzes"
    shutil.copytree(ROOT / "data" / "quizzes", target)
    return target


def _break(folder: Path, change) -> None:
    path = folder / "03_chemotherapy.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    change(raw["questions"])
    path.write_text(json.dumps(raw), encoding="utf-8")


def test_a_schema_violation_stops_the_export_naming_file_and_question(broken_quizzes, tmp_path):
    _break(broken_quizzes, lambda qs: qs[1].update(type="essay"))
    with pytest.raises(ExportError) as caught:
        lms.build(tmp_path / "out", quiz_dir=broken_quizzes)
    message = str(caught.value)
    assert "\n" not in message
    assert "data/quizzes/03_chemotherapy.json" in message and "fast_dividing_tissues" in message
    assert not (tmp_path / "out").exists()


def test_a_wrong_answer_index_stops_the_export_naming_the_question(broken_quizzes, tmp_path):
    _break(broken_quizzes, lambda qs: qs[0].update(answer=7))
    with pytest.raises(ExportError, match=r"03_chemotherapy.json: question 1 \(vinca_alkaloid_route\).*answer index 7"):
        lms.build(tmp_path / "out", quiz_dir=broken_quizzes)


def test_an_unknown_source_stops_the_export(broken_quizzes, tmp_path):
    _break(broken_quizzes, lambda qs: qs[2].update(source_ids="no_such_source"))
    with pytest.raises(ExportError, match="no_such_source"):
        lms.build(tmp_path / "out", quiz_dir=broken_quizzes)


def test_the_command_line_reports_bad_data_in_one_line(tmp_path, capsys, monkeypatch):
    from export_common import run

    from helpers import data

    data_copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", data_copy)
    _break(data_copy / "quizzes", lambda qs: qs[1].update(type="essay"))
    monkeypatch.setenv(data.DATA_DIR_ENV, str(data_copy))  # restored after the test; main sets it again
    try:
        status = run(lms.main, ["--data-dir", str(data_copy), "--out", str(tmp_path / "out")])
    finally:
        monkeypatch.undo()
        data.clear_cache()
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: data/quizzes/03_chemotherapy.json")
    assert not (tmp_path / "out").exists()


def test_unknown_notebook_lists_the_quizzes(tmp_path):
    with pytest.raises(ExportError, match="available: 00_start_here"):
        lms.build(tmp_path, ["99"])


def test_answer_text_names_letters_and_options():
    question = content.load_quizzes(slugs=["03"])[0].questions[1]
    assert content.answer_text(question).startswith("A. Hair follicles; B. ")


# -- Moodle releases and corrections ----------------------------------------------------------------

def _release_of(path: Path) -> str:
    root = ET.parse(path).getroot()
    paths = {q.find("category/text").text.rsplit("/", 1)[0] for q in root.findall("question[@type='category']")}
    assert len(paths) == 1
    return paths.pop()


def test_every_file_of_a_build_names_the_same_release_and_a_changed_question_a_new_one(built, tmp_path):
    release = _release_of(built / "collection.moodle.xml")
    assert release.startswith(f"{moodle.CATEGORY_ROOT}/Release 0.1.0, questions ")
    assert all(_release_of(p) == release for p in built.glob("0*.moodle.xml"))  # one notebook's file: same release
    folder = tmp_path / "quizzes"
    shutil.copytree(ROOT / "data" / "quizzes", folder)
    _break(folder, lambda qs: qs[0].update(feedback=qs[0]["feedback"] + " Corrected."))
    lms.build(tmp_path / "out", quiz_dir=folder)
    assert _release_of(tmp_path / "out" / "collection.moodle.xml") != release  # a fresh category: idnumbers kept


def test_corrections_hold_only_the_changed_and_new_questions_and_the_changelog_names_them(built, tmp_path):
    folder = tmp_path / "quizzes"
    shutil.copytree(ROOT / "data" / "quizzes", folder)
    def correct(qs):
        qs[2]["feedback"] += " Corrected after review."  # 03 question 3 (calculate_anc) changes
        qs.append({**qs[0], "id": "new_question", "prompt": "A question added in this release?"})
        del qs[1]  # fast_dividing_tissues leaves the collection
    _break(folder, correct)
    written = lms.build(tmp_path / "out", quiz_dir=folder, since=built / "collection.moodle.xml")
    assert {p.name for p in written} >= {"corrections.moodle.xml", "corrections.md"}
    root = ET.parse(tmp_path / "out" / "corrections.moodle.xml").getroot()
    ids = [q.find("idnumber").text for q in root.findall("question") if q.get("type") != "category"]
    assert ids == ["spine_03_chemotherapy__calculate_anc", "spine_03_chemotherapy__new_question"]
    [path] = [q.find("category/text").text for q in root.findall("question[@type='category']")]
    assert path.startswith(f"{moodle.CATEGORY_ROOT}/Corrections 0.1.0, questions ")
    assert f"(since {_release_of(built / 'collection.moodle.xml').split('/Release ')[1]})/03 Chemotherapy" in path
    log = (tmp_path / "out" / "corrections.md").read_text(encoding="utf-8")
    changed, added, removed = log.split("## ")[1:]
    assert changed.startswith("Changed") and ": 1\n" in changed and "03.02 A patient" in changed  # renumbered
    assert added.startswith("New") and ": 1\n" in added and "A question added in this release?" in added
    assert removed.startswith("Removed") and ": 1\n" in removed and "fast_dividing_tissues" in removed


def test_corrections_against_the_same_build_are_empty(built, tmp_path):
    lms.build(tmp_path / "out", since=built / "collection.moodle.xml")
    root = ET.parse(tmp_path / "out" / "corrections.moodle.xml").getroot()
    assert root.findall("question") == []
    assert (tmp_path / "out" / "corrections.md").read_text(encoding="utf-8").count(": 0\n") == 3


def test_since_a_file_that_is_not_a_moodle_export_is_one_line(tmp_path):
    (tmp_path / "old.xml").write_text("<quiz/>", encoding="utf-8")
    with pytest.raises(ExportError, match="no questions"):
        lms.build(tmp_path / "out", since=tmp_path / "old.xml")
