"""Clinical-judgment cases (issue 19): the data, the scoring through helpers.quiz.score, the graph, the records.

Expectations are literals worked out by hand from NCSBN's rules and from the
case files, or walks of the raw JSON written here (never the loader's own
answer fed back to it).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import calculators, judgment, quiz
from helpers import data as d
from helpers.errors import DataError, InputError

ROOT = Path(__file__).resolve().parents[1]
CASE_FILES = sorted(p for p in (ROOT / "data" / "judgment").glob("*.json") if p.name != "schema.json")
MEASURES = json.loads((ROOT / "data" / "judgment" / "reference" / "measures.json").read_text(encoding="utf-8"))
CJMM = ["recognize_cues", "analyze_cues", "prioritize_hypotheses", "generate_solutions", "take_action",
        "evaluate_outcomes"]
ALL_TYPES = {"multiple_choice", "select_n", "select_all", "matrix_single", "matrix_multiple", "dropdown_cloze",
             "dropdown_table", "drag_drop_cloze", "dropdown_rationale", "drag_drop_rationale", "bowtie",
             "highlight_text", "highlight_table"}


def raw(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _fresh():
    d.clear_cache()
    judgment.clear_cache()
    yield
    d.clear_cache()
    judgment.clear_cache()


# -- coverage: four cases, every item type, a branch, a trend, the two required topics ------------------

def test_at_least_four_cases_cover_every_item_type_a_branch_and_a_trend():
    cases = [raw(p) for p in CASE_FILES]
    assert len(cases) >= 4
    types = {item["type"] for case in cases for item in case["items"]}
    assert types == ALL_TYPES
    assert any("branches" in node for case in cases for node in case["nodes"])
    assert any("trend" in item for case in cases for item in case["items"])
    titles = " ".join(case["title"].lower() + case["summary"].lower() for case in cases)
    assert "spinal cord compression" in titles and "neutropenic sepsis" in titles


def test_the_sepsis_case_never_reaches_a_fever_and_the_client_takes_dexamethasone():
    case = raw(ROOT / "data" / "judgment" / "sepsis_lena.json")
    temperatures = [row["temperature_c"] for node in case["nodes"] for entry in node["record"]
                    if entry["kind"] == "vitals" for row in entry["rows"] if "temperature_c" in row]
    assert temperatures and max(temperatures) < 38.0  # absent or borderline fever, as the issue asks
    assert "dexamethasone" in json.dumps(case["nodes"][0]).lower()


# -- every path asks six items in CJMM order; the graph has no unreachable node and no dead end ---------

def walk(case: dict) -> list[list[str]]:
    """Every path from the start to an end, by a walk of the raw file written for this test."""
    nodes = {n["id"]: n for n in case["nodes"]}
    out: list[list[str]] = []
    stack = [[case["start"]]]
    while stack:
        path = stack.pop()
        node = nodes[path[-1]]
        following = [b["next"] for b in node.get("branches", [])] or ([node["next"]] if node.get("next") else [])
        assert len(path) <= len(nodes), f"{case['case']}: a cycle through {path}"
        if not following:
            out.append(path)
        for target in following:
            stack.append(path + [target])
    return out


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_every_path_asks_six_items_in_cjmm_order(path):
    case = raw(path)
    items = {i["id"]: i for i in case["items"]}
    nodes = {n["id"]: n for n in case["nodes"]}
    for route in walk(case):
        functions = [items[nodes[n]["item"]]["function"] for n in route if "item" in nodes[n]]
        assert functions == CJMM, f"{path.name}: {route} asks {functions}"


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_every_node_reachable_no_dead_end_every_path_ends_in_an_outcome(path):
    case = raw(path)
    routes = walk(case)
    reached = {n for route in routes for n in route}
    assert reached == {n["id"] for n in case["nodes"]}, f"{path.name}: unreachable {set(n['id'] for n in case['nodes']) - reached}"
    nodes = {n["id"]: n for n in case["nodes"]}
    for route in routes:
        end = nodes[route[-1]]
        assert end.get("next") is None and not end.get("branches")
        assert len(end.get("outcome", "")) > 20, f"{path.name}: path {route} ends without an outcome for the debrief"
    for node in case["nodes"]:
        for branch in node.get("branches", []):
            assert branch["next"] in nodes


def test_the_branching_case_has_two_outcomes_and_waiting_is_worse():
    case = raw(ROOT / "data" / "judgment" / "mscc_tomas.json")
    nodes = {n["id"]: n for n in case["nodes"]}
    decision = nodes["decision"]
    assert {b["next"] for b in decision["branches"]} == {"acted", "waited"}

    def last_power(node_id: str) -> int:
        rows = [r for e in nodes[node_id]["record"] if e["kind"] == "neuro" for r in e["rows"]]
        final = max(rows, key=lambda r: judgment.hours(r["at"]))
        return min(final["left_leg_mrc"], final["right_leg_mrc"])

    assert last_power("acted") == 4 and last_power("waited") == 0  # the worse neurological state after waiting


# -- scores: golden tables on the real items, worked by hand -------------------------------------------

GOLDEN = [
    # highlight_text, keys [0, 1, 2, 4, 5] of 8 parts: +/- floored at 0
    ("tomas_1_cues", [0, 1, 2, 4, 5], (5, 5)),
    ("tomas_1_cues", [0, 1, 2, 3, 4, 5, 6, 7], (2, 5)),        # 5 right - 3 wrong
    ("tomas_1_cues", [3, 6, 7], (0, 5)),                       # wrong parts alone
    ("tomas_1_cues", [0, 3, 6], (0, 5)),                       # 1 - 2 -> 0
    # matrix_single, key rows 0:0 1:0 2:1 3:1 4:2: 0/1 per row
    ("tomas_2_analyze", {0: 0, 1: 0, 2: 1, 3: 1, 4: 2}, (5, 5)),
    ("tomas_2_analyze", {0: 1, 1: 0, 2: 1, 3: 0, 4: None}, (2, 5)),
    ("tomas_2_analyze", {}, (0, 5)),
    # dropdown_rationale triad, key [0, 0, 0]: a point per right pair (condition with each finding)
    ("tomas_3_hypothesis", [0, 0, 0], (2, 2)),
    ("tomas_3_hypothesis", [0, 0, 1], (1, 2)),                 # one correct pair
    ("tomas_3_hypothesis", [1, 0, 0], (0, 2)),                 # condition wrong: no pair holds
    # select_all, keys [0, 1, 2, 3] of 8
    ("tomas_4_plan", [0, 1, 2, 3], (4, 4)),
    ("tomas_4_plan", [0, 1, 2, 3, 4], (3, 4)),
    ("tomas_4_plan", list(range(8)), (0, 4)),                  # 4 - 4
    ("tomas_4_plan", [4, 5], (0, 4)),
    # multiple_choice, key [1]
    ("tomas_5_action", [1], (1, 1)),
    ("tomas_5_action", [0], (0, 1)),
    ("tomas_5_action", [], (0, 1)),
    # dropdown_cloze, key [0, 0, 0]
    ("tomas_6_evaluate_waited", [0, 1, 0], (2, 3)),
    ("tomas_6_evaluate_waited", [None, None, None], (0, 3)),
    # highlight_table, keys [0, 1, 4, 5, 6, 7] of 9 cells
    ("joseph_1_cues", [0, 1, 4, 5, 6, 7], (6, 6)),
    ("joseph_1_cues", [0, 1, 2, 3, 8], (0, 6)),                # 2 right - 3 wrong
    ("joseph_1_cues", [0, 1, 4, 5, 6, 7, 8], (5, 6)),
    # matrix_multiple: columns kidney (rows 0, 1, 2, 4), calcium (3, 4), jaw (4, 5); each column floored at 0
    ("joseph_2_analyze", {0: [0], 1: [0], 2: [0], 3: [1], 4: [0, 1, 2], 5: [2]}, (8, 8)),
    ("joseph_2_analyze", {0: [0, 1, 2], 1: [0, 1, 2], 2: [0, 1, 2], 3: [0, 1, 2], 4: [0, 1, 2], 5: [0, 1, 2]}, (2, 8)),
    # ^ kidney 4 right - 2 wrong = 2; calcium 2 - 4 -> 0; jaw 2 - 4 -> 0
    ("joseph_2_analyze", {3: [0], 4: [1]}, (1, 8)),            # kidney -1 -> 0, calcium +1
    # drag_drop_rationale dyad, key [0, 3]
    ("joseph_3_priority", [0, 3], (1, 1)),
    ("joseph_3_priority", [0, 5], (0, 1)),                     # one part right: nothing
    # select_n (N = 3), keys [0, 1, 2]
    ("joseph_4_plan", [0, 1, 2], (3, 3)),
    ("joseph_4_plan", [0, 4, 6], (1, 3)),
    # dropdown_table, key [0, 0, 0, 0]
    ("joseph_5_action", [0, 1, 0, None], (2, 4)),
    # drag_drop_cloze, key [0, 1, 2]
    ("joseph_6_evaluate", [0, 1, 2], (3, 3)),
    ("joseph_6_evaluate", [3, 1, 5], (1, 3)),
    # bowtie, key [0 | 0, 1 | 0, 1]: a point per place, order free within a zone
    ("lena_3_bowtie", [0, 0, 1, 0, 1], (5, 5)),
    ("lena_3_bowtie", [0, 1, 0, 1, 0], (5, 5)),
    ("lena_3_bowtie", [1, 0, 2, 0, 4], (2, 5)),
    ("lena_3_bowtie", [None] * 5, (0, 5)),
    # knowledge-check questions through the same entry point
    ("09_clinical_judgment:plus_minus_types", [0, 1, 2, 3, 4, 5], (0, 3)),
    ("09_clinical_judgment:plus_minus_types", [0, 1], (2, 3)),
    ("09_clinical_judgment:cjmm_order", [1], (1, 1)),
]


@pytest.mark.parametrize("item_id, response, expected", GOLDEN)
def test_golden_scores(item_id, response, expected):
    assert quiz.score(item_id, response) == expected


def test_every_key_scores_full_marks_and_the_golden_table_covers_every_type():
    for case in judgment.cases():
        for item in case.items.values():
            points, most = quiz.score(item.id, item.answer)
            assert points == most > 0, item.id
    covered = {judgment.find_item(i).type for i, _, _ in GOLDEN if ":" not in i}
    assert covered == ALL_TYPES


@pytest.mark.parametrize("item_id, response, message", [
    ("tomas_4_plan", [9], "option 9 does not exist"),
    ("tomas_5_action", [0, 1], "choose one option only"),
    ("joseph_4_plan", [0, 1, 2, 3], "at most 3"),
    ("tomas_2_analyze", {7: 0}, "row 7 does not exist"),
    ("tomas_2_analyze", {0: 5}, "column 5 does not exist"),
    ("joseph_6_evaluate", [0, 0, 2], "one blank only"),
    ("lena_3_bowtie", [0, 1, 1, 0, 1], "twice"),
    ("tomas_3_hypothesis", [0, 0], "3 blanks"),
    ("no_such_item", [0], "unknown item"),
])
def test_bad_responses_are_one_line(item_id, response, message):
    with pytest.raises(InputError, match=message) as info:
        quiz.score(item_id, response)
    assert "\n" not in str(info.value)


# -- the keys agree with the record and with the collection's calculators ---------------------------------

def test_mira_grade_key_is_the_calculators_ctcae_grade():
    item = judgment.find_item("mira_2_analyze")
    record = raw(ROOT / "data" / "judgment" / "bevacizumab_mira.json")["nodes"][0]["record"]
    repeat = [r for e in record if e["kind"] == "vitals" for r in e["rows"]][-1]
    grade = calculators.ctcae_hypertension_grade(repeat["systolic_mm_hg"], repeat["diastolic_mm_hg"])
    assert item.groups[0][item.answer[0]].text == str(grade) == "3"


def test_joseph_numbers_in_the_keys_come_from_his_record():
    case = raw(ROOT / "data" / "judgment" / "zoledronic_joseph.json")
    labs = {(e["at"], r["test"]): r["value"] for n in case["nodes"] for e in n["record"] if e["kind"] == "labs"
            for r in e["rows"]}
    today, week = labs[("D1 09:40", "creatinine")], labs[("D8 09:40", "creatinine")]
    assert today - 84 == 58 and 58 >= 44  # the rise named in the key, above the label's 44 µmol/L (0.5 mg/dL)
    assert week <= 84 * 1.10             # "back to within 10% of his baseline"
    assert 2.20 <= labs[("D8 09:40", "adjusted_calcium")] <= 2.60


def test_mira_days_since_bevacizumab():
    # Last dose 14 days before day 1: day 4 is 17 days after it, day 18 is 31, day 46 is 28 after day 18.
    assert (4 - 1) + 14 == 17 and (18 - 1) + 14 == 31 and 46 - 18 == 28
    text = json.dumps(raw(ROOT / "data" / "judgment" / "bevacizumab_mira.json"))
    assert "17 days" in text and "31 days" in text


# -- records: plausible values, units, reference ranges ------------------------------------------------

#: What a human body and a laboratory can report (wide on purpose: a typo such as 3.78 °C or 1120 beats/min fails).
PLAUSIBLE = {
    "temperature_c": (34.0, 42.0), "heart_rate_per_min": (30, 200), "respiratory_rate_per_min": (6, 50),
    "systolic_mm_hg": (60, 240), "diastolic_mm_hg": (30, 140), "spo2_pct": (70, 100), "pain_0_10": (0, 10),
    "urine_ml_per_h": (0, 500), "left_leg_mrc": (0, 5), "right_leg_mrc": (0, 5),
    "wbc": (0.1, 100), "neutrophils": (0.0, 50), "haemoglobin": (40, 200), "platelets": (5, 1500),
    "crp": (0, 500), "lactate": (0.2, 20), "sodium": (110, 170), "potassium": (2.0, 8.0), "urea": (1.0, 60),
    "creatinine": (20, 1500), "adjusted_calcium": (1.5, 4.0), "albumin": (15, 55), "magnesium": (0.3, 2.0),
    "glucose": (2.0, 40.0),
}
UNITS = {"temperature_c": "°C", "heart_rate_per_min": "beats/min", "systolic_mm_hg": "mm Hg", "spo2_pct": "%",
         "wbc": "×10⁹/L", "neutrophils": "×10⁹/L", "haemoglobin": "g/L", "creatinine": "µmol/L",
         "adjusted_calcium": "mmol/L", "glucose": "mmol/L", "lactate": "mmol/L", "crp": "mg/L"}


def readings():
    for path in CASE_FILES:
        for node in raw(path)["nodes"]:
            for entry in node["record"]:
                if entry["kind"] in ("vitals", "neuro"):
                    for row in entry["rows"]:
                        for key, value in row.items():
                            if key in PLAUSIBLE:
                                yield path.stem, node["id"], key, value
                elif entry["kind"] == "labs":
                    for row in entry["rows"]:
                        yield path.stem, node["id"], row["test"], row["value"]


def test_every_reading_is_plausible_and_has_a_known_unit():
    seen = 0
    for case, node, measure, value in readings():
        low, high = PLAUSIBLE[measure]  # an unknown measure fails here
        assert low <= value <= high, f"{case}/{node}: {measure} {value} outside {low}-{high}"
        seen += 1
    assert seen > 120
    for measure, unit in UNITS.items():
        spec = MEASURES["vital_signs"].get(measure) or MEASURES["laboratory"][measure]
        assert spec["unit"] == unit


def test_reference_ranges_are_plausible_and_ordered():
    for test, spec in MEASURES["laboratory"].items():
        low, high = PLAUSIBLE[test]
        if "reference_low" in spec and "reference_high" in spec:
            assert spec["reference_low"] < spec["reference_high"], test
        for key in ("reference_low", "reference_high"):
            if key in spec:
                assert low <= spec[key] <= high, f"{test} {key}"
        assert spec.get("reference_low") is not None or spec.get("reference_high") is not None


def test_blood_pressure_systolic_above_diastolic_and_times_in_order():
    for path in CASE_FILES:
        for node in raw(path)["nodes"]:
            for entry in node["record"]:
                if entry["kind"] == "vitals":
                    for row in entry["rows"]:
                        if "systolic_mm_hg" in row:
                            assert row["systolic_mm_hg"] > row["diastolic_mm_hg"] + 10
                    times = [judgment.hours(r["at"]) for r in entry["rows"]]
                    assert times == sorted(times)


def test_lab_flags_and_conventional_units_are_computed():
    from helpers.judgment_static import lab_row

    assert lab_row("neutrophils", 0.3) == {"name": "Neutrophils (absolute count)", "value": "0.3", "unit": "×10⁹/L",
                                           "reference": "2.0–7.5", "flag": "L (low)", "conventional": "300 /µL"}
    assert lab_row("creatinine", 142)["flag"] == "H (high)" and lab_row("creatinine", 142)["conventional"] == "1.61 mg/dL"
    assert lab_row("glucose", 11.8)["conventional"] == "212 mg/dL"
    assert lab_row("potassium", 4.4)["flag"] == ""


# -- loading refuses broken cases in one line ---------------------------------------------------------

@pytest.fixture
def case_copy(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    monkeypatch.setenv(d.DATA_DIR_ENV, str(copy))
    d.clear_cache()
    judgment.clear_cache()
    return copy / "judgment"


def edit(folder: Path, name: str, change) -> None:
    path = folder / f"{name}.json"
    content = json.loads(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(json.dumps(content), encoding="utf-8")


def _node(content, node_id):
    return next(n for n in content["nodes"] if n["id"] == node_id)


def _item(content, item_id):
    return next(i for i in content["items"] if i["id"] == item_id)


@pytest.mark.parametrize("name, change, message", [
    ("mscc_tomas", lambda c: _item(c, "tomas_4_plan").update(answer=[0, 9]), "answer option 9"),
    ("mscc_tomas", lambda c: _node(c, "plan").update(next="admission"), "circle"),
    ("mscc_tomas", lambda c: _node(c, "decision")["branches"][1].update(options=[0, 2]), "exactly once"),
    ("mscc_tomas", lambda c: _node(c, "evening").update(next="plan"), "asks recognize_cues, prioritize_hypotheses|cannot be reached"),
    ("mscc_tomas", lambda c: _node(c, "acted").pop("outcome"), "outcome"),
    ("zoledronic_joseph", lambda c: c["nodes"][0]["record"][2]["rows"].append({"test": "troponin", "value": 3}), "troponin"),
    ("zoledronic_joseph", lambda c: _item(c, "joseph_4_plan").update(limit=2), "limit"),
    ("sepsis_lena", lambda c: _item(c, "lena_2_analyze").update(function="take_action"), "order"),
    ("sepsis_lena", lambda c: _item(c, "lena_3_bowtie").update(answer=[0, 0, 0, 0, 1]), "different options"),
    ("bevacizumab_mira", lambda c: _item(c, "mira_1_cues").update(source_ids="no_such_source"), "no_such_source"),
    ("bevacizumab_mira", lambda c: _item(c, "mira_2_analyze").update(text="Grade {0} and {2}."), "blanks"),
    ("bevacizumab_mira", lambda c: c["nodes"][0].update(at="day 1 10:00"), "nodes/0/at"),
])
def test_broken_cases_are_refused_in_one_line(case_copy, name, change, message):
    edit(case_copy, name, change)
    with pytest.raises(DataError, match=message) as info:
        judgment.load_case(name)
    assert "\n" not in str(info.value)
    assert f"data/judgment/{name}.json" in str(info.value)


def test_unknown_case_lists_the_cases():
    with pytest.raises(InputError, match="mscc_tomas"):
        judgment.load_case("no_case")


def test_trend_series_follow_the_path():
    case = judgment.load_case("mscc_tomas")
    acted = judgment.paths(case)[0] if judgment.paths(case)[0][-1] == "acted" else judgment.paths(case)[1]
    series = judgment.vital_series(case, acted, ["left_leg_mrc", "right_leg_mrc"])
    assert [(p["at"], p["left_leg_mrc"], p["right_leg_mrc"]) for p in series] == [
        ("D1 19:40", 4, 4), ("D2 02:10", 3, 2), ("D2 06:00", 3, 2), ("D2 18:00", 3, 3), ("D3 06:00", 4, 3),
        ("D3 10:00", 4, 4)]
    assert re.fullmatch(r"Day 2, 02:10", judgment.at_label("D2 02:10"))
    assert judgment.hours("D2 06:30") == 30.5


# -- one claim, one place: the case text refers to the register ------------------------------------------

OURS = ("data/judgment/", "notebooks/09_clinical_judgment", "src/helpers/judgment", "src/helpers/templates/judgment",
        "data/quizzes/09_", "data/instructor/09_")


def test_the_claims_lint_finds_nothing_typed_in_the_cases_and_their_notebook():
    from helpers import claims_lint

    found = [str(f) for f in claims_lint.lint() if f.place.startswith(OURS)]
    assert found == []


def test_the_lint_reads_the_case_teaching_in_full_and_the_narrative_for_words():
    from helpers import claims_lint

    texts = {place: (text, narrative) for place, text, narrative in claims_lint.reader_texts()
             if place.startswith("data/judgment/sepsis_lena.json")}
    assert texts["data/judgment/sepsis_lena.json: items/4/options/0/rationale"][1] is False  # teaching: checked in full
    assert texts["data/judgment/sepsis_lena.json: items/0/segments/7/text"][1] is True  # the client's own 37.6 °C
    # A claim typed into a rationale is found; a band word in the narrative is found too.
    assert claims_lint.lint_text("x", "Antibiotics within 1 hour.")
    assert claims_lint.lint_text("x", "Fevers are common on day 9.", values_allowed=True)


def test_case_text_shows_the_registers_wording():
    item = judgment.find_item("lena_5_action")
    from helpers import claims

    assert claims.wording("neutropenic_sepsis_action") in item.options[0].rationale
    assert "{{" not in json.dumps([o.rationale for o in item.options])
    # The IDSA definition is rendered, not typed: a literal from the guideline.
    assert "38.3 °C" in item.options[2].text and "lasting an hour" in item.options[2].text


# -- review round 2 (R2 W16, W17, N3, N4): case values that fit together -------------------------------

def test_full_credit_is_stated_per_path_and_a_wrong_decision_earns_nothing_on_its_path():
    from helpers import judgment_static

    case = judgment.load_case("mscc_tomas")
    by_end = {path[-1]: judgment.path_credit(case, path) for path in judgment.paths(case)}
    # Items 1-6 by hand: highlight 5, matrix 5, triad 2, select-all 4, the decision 1 (0 on the waiting path:
    # options A, C and D lead there and all are wrong), then the acted matrix (5 rows) or the waited cloze (3).
    assert by_end == {"acted": [5, 5, 2, 4, 1, 5], "waited": [5, 5, 2, 4, 0, 3]}
    page = str(judgment_static.case_static("mscc_tomas").markup)
    assert "22 points if you escalated the change at 02:25; 19 points if you waited" in page
    assert "Full credit: 25 points." in str(judgment_static.case_static("zoledronic_joseph").markup)


def test_haemoglobin_is_flagged_against_the_range_for_the_clients_sex():
    from helpers.judgment_static import lab_row, record_html

    assert lab_row("haemoglobin", 128, "male")["flag"] == "L (low)"
    assert lab_row("haemoglobin", 128, "male")["reference"] == "130–170"
    assert lab_row("haemoglobin", 128, "female")["flag"] == ""
    assert lab_row("haemoglobin", 128)["reference"] == "120–160"  # no sex stated: the general range
    tomas = judgment.load_case("mscc_tomas")
    assert tomas.client_sex == "male"
    assert "130–170" in str(record_html(tomas, ("admission",)))


def test_tomas_lesion_level_fits_his_band_pain_and_sensory_levels():
    # Hand table: cord segment under a thoracic vertebral body (T1-T6: two segments lower, T7-T9: three)
    # and the dermatome of each landmark the record names (lower ribs T9, umbilicus T10, groin L1 = 13).
    case = raw(ROOT / "data" / "judgment" / "mscc_tomas.json")
    text = json.dumps(case)
    vertebra = int(re.search(r"Metastasis in the T(\d+) vertebral body", text).group(1))
    cord = vertebra + (2 if vertebra <= 6 else 3)
    landmarks = {"lower ribs": 9, "umbilicus": 10, "groin": 13}
    levels = [landmarks[name] for name in landmarks for node in case["nodes"] for entry in node["record"]
              if entry["kind"] == "neuro" for row in entry["rows"] if name in row["sensation"]]
    assert levels and all(level >= cord - 1 for level in levels)  # no sensory level well above the cord lesion
    assert "band around his lower chest" in text and 6 <= vertebra <= 8  # the root at the lesion: lower chest


def test_joseph_kidney_injury_is_rechecked_within_days_and_the_distractor_is_false():
    case = raw(ROOT / "data" / "judgment" / "zoledronic_joseph.json")
    labs = {(e["at"], r["test"]): r["value"] for n in case["nodes"] for e in n["record"] if e["kind"] == "labs"
            for r in e["rows"]}
    assert ("D3 09:40", "creatinine") in labs and labs[("D3 09:40", "creatinine")] > 84 * 1.10  # not yet back
    before_dose_5 = int(re.search(r"Before dose 5 \(four weeks ago\): creatinine (\d+)", json.dumps(case,
                                                                                              ensure_ascii=False)).group(1))
    assert labs[("D1 09:40", "creatinine")] >= 1.5 * before_dose_5  # a recent rise of half again: an acute injury
    evaluate = next(i for i in case["items"] if i["id"] == "joseph_6_evaluate")
    assert "still higher than before his first dose" not in [t["text"] for t in evaluate["tokens"]]  # true at 90
    assert labs[("D1 09:40", "adjusted_calcium")] < 2.0  # low enough for tingling and cramps


# -- each matrix key says what its row's own rationale says (a hand-readable second statement of the key) ----

#: The word each column's rationale uses, as the case authors wrote them ("...: improved.", "Contraindicated: ...").
_COLUMN_WORDS = {"Improved": "improved", "No change": "no change", "Worse": "worse",
                 "Indicated": "indicated", "Contraindicated": "contraindicated", "Non-essential": "non-essential"}


def _named_columns(rationale: str, columns: list[str]) -> set[int]:
    text = rationale.lower()
    named = set()
    for index, column in enumerate(columns):
        word = _COLUMN_WORDS[column]
        # "indicated" inside "contraindicated" is not the Indicated column
        if re.search(rf"(?<![a-z-]){re.escape(word)}(?![a-z])", text):
            named.add(index)
    return named


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_matrix_keys_agree_with_each_rows_rationale(path):
    checked = 0
    for item in raw(path)["items"]:
        if item["type"] != "matrix_single" or not set(item["columns"]) <= set(_COLUMN_WORDS):
            continue
        for row, option in enumerate(item["rows"]):
            named = _named_columns(option["rationale"], item["columns"])
            assert named == {item["answer"][str(row)]}, (item["id"], row, option["text"], named, item["answer"][str(row)])
            checked += 1
    assert checked >= {"sepsis_lena": 6, "mscc_tomas": 5, "bevacizumab_mira": 5}.get(path.stem, 0)


def test_lena_trend_key_worked_by_hand():
    # From her record, 15:10 to 21:00: heart rate 112 -> 92, systolic 98 -> 116, lactate 2.9 -> 1.4, urine 20 -> 45
    # an hour (all improved); neutrophils the same at 15:50 and 21:00 (no change); glucose 10.4 -> 12.6 (worse).
    item = next(i for i in raw(ROOT / "data" / "judgment" / "sepsis_lena.json")["items"] if i["id"] == "lena_6_trend")
    assert item["columns"] == ["Improved", "No change", "Worse"]
    assert item["answer"] == {"0": 0, "1": 0, "2": 0, "3": 0, "4": 1, "5": 2}
