"""The live and static faces of the clinical-judgment cases: widget fuzz, the runner, the debrief, xAPI, no dead control."""

from __future__ import annotations

import base64
import dataclasses
import html
import json
import random
import re
import uuid
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest

from helpers import judgment, judgment_static, judgment_widgets, judgment_xapi, quiz
from helpers.errors import FriendlyError

ITEMS = [item for case in judgment.cases() for item in case.items.values()]
CASES = judgment.case_ids()


def random_response(item: judgment.Item, rng: random.Random):
    """Any response a student can give with the controls (including nothing at all)."""
    kind = item.type
    if kind == "multiple_choice":
        return rng.choice([[], [rng.randrange(len(item.options))]])
    if kind == "select_n":
        return sorted(rng.sample(range(len(item.options)), rng.randint(0, item.limit)))
    if kind in ("select_all", "highlight_text", "highlight_table"):
        return sorted(i for i in range(len(item.options)) if rng.random() < 0.5)
    if kind == "matrix_single":
        return {r: rng.choice([None, *range(len(item.columns))]) for r in range(len(item.options))}
    if kind == "matrix_multiple":
        return {r: sorted(c for c in range(len(item.columns)) if rng.random() < 0.4) for r in range(len(item.options))}
    if kind == "bowtie":
        out = []
        for zone, count in enumerate(item.zones):
            chosen = rng.sample(range(len(item.groups[zone])), count)
            out.extend(c if rng.random() < 0.8 else None for c in chosen)
        return out
    if item.shared_tokens:
        picks = rng.sample(range(len(item.groups[0])), len(item.groups))
        return [p if rng.random() < 0.8 else None for p in picks]
    return [rng.choice([None, *range(len(group))]) for group in item.groups]


@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_widget_fuzz_every_item(item):
    """Set 40 random responses through the controls: each reads back the same and scores within 0..max."""
    rng = random.Random(item.id)
    widget = judgment_widgets.ItemWidget(item)
    assert widget.controls, item.id
    for control in widget.controls:
        assert getattr(control, "description", "") or getattr(control, "tooltip", ""), f"{item.id}: a control without a label"
    most = quiz.score(item.id, item.answer)[1]
    for _ in range(40):
        response = random_response(item, rng)
        widget.set_response(response)
        read = widget.response()
        assert judgment.check_response(item, read) == judgment.check_response(item, response)
        points, top = quiz.score(item.id, read)
        assert top == most and 0 <= points <= most
    widget.set_response(item.answer)
    assert quiz.score(item.id, widget.response()) == (most, most)


@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_twiddling_raw_controls_never_raises(item):
    """Change controls one by one in random order, as a student clicking around would; reading never fails."""
    rng = random.Random("raw" + item.id)
    widget = judgment_widgets.ItemWidget(item)
    for _ in range(60):
        control = rng.choice(widget.controls)
        if hasattr(control, "options") and control.options:
            control.value = rng.choice([None, *[value for _label, value in control.options]])
        else:
            control.value = not control.value
        response = widget.response()
        try:
            quiz.score(item.id, response)
        except FriendlyError as error:  # a bowtie or drag-and-drop place chosen twice: one clear line
            assert "\n" not in str(error) and re.search("twice|one blank only", str(error)), str(error)


def test_select_n_cannot_exceed_n():
    item = judgment.find_item("joseph_4_plan")
    widget = judgment_widgets.ItemWidget(item)
    for box in widget.controls[:4]:
        box.value = True
    assert widget.response() == [0, 1, 2]
    assert "at most 3" in widget.note.value


def every_path_with_keys(case: judgment.Case):
    """For each path: the key of every item, and at a decision an option that leads down that path."""
    for path in judgment.paths(case):
        responses = []
        for node_id, following in zip(path, (*path[1:], None)):
            node = case.node(node_id)
            item = case.item_at(node_id)
            if item is None:
                responses.append(None)
            elif node.branches:
                branch = next(b for b in node.branches if b.next == following)
                responses.append([branch.options[0]])
            else:
                responses.append(item.answer)
        yield path, responses


@pytest.mark.parametrize("case_id", CASES)
def test_runner_follows_every_path_to_its_debrief(case_id):
    case = judgment.load_case(case_id)
    for path, responses in every_path_with_keys(case):
        runner = judgment_widgets.CaseRunner(case_id)
        for response in responses:
            runner.answer(response)
        assert runner.finished and tuple(runner.path) == path
        points, most = runner.points
        # Full marks except a wrong decision (the option that leads down the other path).
        keyed = sum(quiz.score(i.id, i.answer)[1] for i in judgment.path_items(case, path))
        assert most == keyed and points <= most
        text = runner.debrief.value
        for item in judgment.path_items(case, path):
            assert item.function_label in text
        assert case.node(path[-1]).outcome.split(".")[0] in text.replace("&#39;", "'")
        assert "download=" in runner.download.value and "xAPI" in runner.download.value


def test_runner_with_random_answers_never_fails():
    rng = random.Random(19)
    for case_id in CASES:
        for _ in range(5):
            runner = judgment_widgets.CaseRunner(case_id)
            while not runner.finished:
                item = runner.item_widget.item if runner.item_widget else None
                response = random_response(item, rng) if item else None
                if runner.node.branches:
                    response = [rng.randrange(len(item.options))]
                runner.answer(response)
            assert 0 <= runner.points[0] <= runner.points[1]


def test_a_decision_needs_one_option_and_check_comes_first():
    runner = judgment_widgets.CaseRunner("mscc_tomas")
    for key in ([0, 1, 2, 4, 5], {0: 0, 1: 0, 2: 1, 3: 1, 4: 2}, [0, 0, 0], [0, 1, 2, 3]):
        runner.answer(key)
    assert runner.node.id == "decision"
    runner.go_on()
    assert "Check your answer first" in runner.message.value and runner.node.id == "decision"
    runner.check()  # nothing chosen
    assert "choose one option" in runner.message.value and runner.next_button.disabled
    runner.answer([2])  # waiting
    assert runner.node.id == "waited"
    assert "[new]" in runner.record.value and "cannot lift either leg" in runner.record.value
    assert runner.chart.outputs, "the trend item shows its chart and table"


def test_running_score_and_restart():
    runner = judgment_widgets.CaseRunner("sepsis_lena")
    runner.answer([0, 1, 2, 3, 4])
    assert runner.points == (5, 5) and "5 of 5" in runner.progress.value
    runner.answer({0: 0, 1: 1, 2: 1, 3: 1, 4: 1, 5: 0})  # last row wrong
    assert runner.points == (10, 11)
    runner.restart()
    assert runner.points == (0, 0) and runner.path == ["phone"]


# -- xAPI: the downloaded path ------------------------------------------------------------------------

def test_xapi_statements_of_a_path():
    case = judgment.load_case("mscc_tomas")
    path = ("admission", "evening", "night_call", "plan", "decision", "waited")
    responses = {"tomas_1_cues": [0, 1], "tomas_5_action": [0], "tomas_6_evaluate_waited": [0, 0, 0]}
    registration = "3f1d2c4e-0000-4000-8000-000000000019"
    started = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    made = judgment_xapi.statements(case, path, responses, learner="Sam", registration=registration, started=started)
    verbs = [s["verb"]["display"]["en"] for s in made]
    assert verbs == ["initialized"] + ["arrived", "responded"] * 6 + ["completed"]
    assert [s["verb"]["id"] for s in made][:3] == ["http://adlnet.gov/expapi/verbs/initialized",
                                                  "https://w3id.org/xapi/medbiq/verbs/arrived",
                                                  "http://adlnet.gov/expapi/verbs/responded"]
    for statement in made:
        assert uuid.UUID(statement["id"]).version == 5
        assert statement["actor"]["account"]["name"] == "Sam"
        assert statement["context"]["registration"] == registration
        category = statement["context"]["contextActivities"]["category"]
        assert category[0]["id"] == "https://w3id.org/xapi/virtual-patient/v1.0"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", statement["timestamp"])
    responded = [s for s in made if s["verb"]["display"]["en"] == "responded"]
    assert responded[0]["result"]["score"] == {"raw": 2, "min": 0, "max": 5, "scaled": 0.4}
    assert responded[4]["result"]["score"]["raw"] == 0  # waited: the wrong decision
    assert made[0]["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/simulation"
    assert made[1]["object"]["definition"]["type"] == "http://activitystrea.ms/schema/1.0/node"
    completed = made[-1]["result"]
    assert completed["score"]["raw"] == 2 + 0 + 0 + 0 + 0 + 3 and completed["score"]["max"] == 22 - 5 + 3
    assert completed["extensions"][f"{judgment_xapi.base_iri()}/extensions/branches"] == ["Waited for the morning (until 06:00)"]
    again = judgment_xapi.statements(case, path, responses, learner="Sam", registration=registration, started=started)
    assert judgment_xapi.file_bytes(again) == judgment_xapi.file_bytes(made)  # the same attempt, the same file


def test_download_link_decodes_to_the_statements():
    case = judgment.load_case("bevacizumab_mira")
    path = judgment.paths(case)[0]
    html = judgment_xapi.download_html(case, path, {})
    href = re.search(r'href="data:application/json;base64,([^"]+)"', html)[1]
    statements = json.loads(base64.b64decode(href))
    assert len(statements) == 1 + 2 * 6 + 1
    assert 'download="bevacizumab_mira_path_xapi.json"' in html


# -- static faces ---------------------------------------------------------------------------------------

class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.details, self.depth = [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            self.depth += 1
            self.details += 1
        if tag in ("input", "select", "button", "textarea"):
            self.controls.append(tag)

    def handle_endtag(self, tag):
        if tag == "details":
            self.depth -= 1


@pytest.mark.parametrize("case_id", CASES)
def test_static_face_has_no_control_and_folds_every_answer(case_id):
    case = judgment.load_case(case_id)
    page = judgment_static.case_static(case_id).markup
    parser = _Controls()
    parser.feed(page)
    assert parser.controls == []
    branches = sum(len(n.branches) for n in case.nodes.values())
    assert parser.details == len(case.items) + branches + 1  # each answer, each branch, the debrief
    # Outside <details> (what a reader sees before opening anything) no rationale appears.
    outside = re.sub(r"<details>.*?</details>", "", page, flags=re.S)
    for item in case.items.values():
        for group in item.groups:
            for option in group:
                assert html.escape(option.rationale, quote=True)[:60] not in outside, item.id
    for phrase in ("Show the answer and the rationales", "Debrief: the cognitive function behind each item"):
        assert phrase in page


def test_text_from_data_reaches_the_page_as_text():
    item = judgment.find_item("tomas_5_action")
    bad = judgment.Option("<script>alert(1)</script>", "<b>bold</b> rationale text")
    fake = dataclasses.replace(item, stem="<img src=x onerror=alert(1)>", groups=((bad, *item.options[1:]),))
    page = str(judgment_static.item_html(fake, 1))
    assert "<script>" not in page and "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    widget = judgment_widgets.ItemWidget(fake)
    shown = widget.widget.children[0].value
    assert "<script>" not in shown and "&lt;script&gt;" in shown


def test_trend_items_have_a_chart_with_titles_and_a_table():
    from helpers.plotting import accessibility_problems

    for case in judgment.cases():
        for item in case.items.values():
            if item.trend:
                fig = judgment_static.trend_chart(case.id, item.id)
                assert accessibility_problems(fig) == []
                assert fig.layout.title.text == item.trend["title"]
                table = str(judgment_static.item_html(item, 6))
                assert item.trend["title"] in html.unescape(table) and "<table" in table


def test_a_knowledge_check_question_answered_live():
    view = judgment_widgets.knowledge_question("09_clinical_judgment:plus_minus_types")
    box = view.widget
    controls = [c for c in box.children[1].children if hasattr(c, "children")]
    ticks = [row.children[0] for row in controls]
    for tick in ticks:  # every option ticked: 3 right - 3 wrong
        tick.value = True
    box.children[2].click()
    assert "You scored 0 of 3 points" in box.children[3].value
    for index, tick in enumerate(ticks):
        tick.value = index in (0, 1)
    box.children[2].click()
    assert "You scored 2 of 3 points" in box.children[3].value
    assert "<details>" in view._repr_mimebundle_()["text/html"]


def test_the_downloaded_path_carries_the_name_typed_and_the_attempts_times():
    runner = judgment_widgets.CaseRunner("sepsis_lena")
    assert runner.download_box.layout.display == "none"  # nothing to download before the end
    for key in ([0, 1, 2, 3, 4], {0: 0, 1: 1, 2: 1, 3: 1, 4: 1, 5: 2}, [0, 0, 1, 0, 1], [0, 1, 2, 3], [0],
                {0: 0, 1: 0, 2: 0, 3: 0, 4: 1, 5: 2}):
        runner.answer(key)
    assert runner.finished and runner.download_box.layout.display is None
    runner.learner.value = "Sam Student"
    href = re.search(r'href="data:application/json;base64,([^"]+)"', runner.download.value)[1]
    made = json.loads(base64.b64decode(href))
    assert {s["actor"]["account"]["name"] for s in made} == {"Sam Student"}
    stamps = [s["timestamp"] for s in made]
    assert stamps == sorted(stamps) and len(made) == 1 + 6 * 2 + 1
    assert made[-1]["result"]["score"] == {"raw": 27, "min": 0, "max": 27, "scaled": 1.0}  # 5 + 6 + 5 + 4 + 1 + 6
    assert len({s["context"]["registration"] for s in made}) == 1
