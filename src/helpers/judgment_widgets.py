"""Live clinical-judgment cases: a keyboard-usable widget for every NGN item type, and the case runner.

Every control is a standard ipywidgets control, so it works from the
keyboard (Tab to move, Space or the arrow keys to choose): radio buttons for
multiple choice, check boxes for multiple response, matrices with several
choices and highlighting, drop-downs for one choice per row, each blank and
each bowtie place.  Drag-and-drop items are answered by choosing the word or
phrase for each blank from a list, the keyboard route NCSBN's own tutorial
offers.  Option texts are shown as wrapping HTML next to a short lettered
control: ipywidgets draws control labels on one line and cuts long ones.

An :class:`ItemWidget` reads its controls as a response in the shape
:func:`helpers.quiz.score` takes (see :mod:`helpers.scoring`) and can be set
from one (the tests drive every item through it).  The
:class:`CaseRunner` shows the record as it unfolds, asks each item, scores
the answer with :func:`helpers.quiz.score`, keeps a running score, follows
the branch the student's decision selects, and ends with a debrief naming
the cognitive function behind each item and a link to download the path as
xAPI statements (:mod:`helpers.judgment_xapi`).

Displayed with :class:`helpers.explorer.LiveWithStaticFace`: without a
kernel the reader sees :func:`helpers.judgment_static.case_static`.  The
runner is built only when the case is displayed, and each item's controls
only when the case reaches it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from helpers import judgment
from helpers import judgment_static as static
from helpers.controls import LABEL_STYLE, fit
from helpers.errors import FriendlyError
from helpers.explorer import LiveWithStaticFace, deferred_face, display_bundle, message_html
from helpers.judgment import Item
from helpers.render import macro

LETTERS = static.LETTERS
# Layouts and styles shared by the many widgets of a case (as ipywidgets' layout guide shares them):
# every widget given none makes its own Layout and Style models, two more messages to the page each, and a
# case has about a hundred widgets.  None of these is changed after it is made.
_ROW = widgets.Layout(align_items="flex-start", margin="1px 0")
_TEXT = widgets.Layout(flex="1 1 auto", margin="0 0 0 6px")
_PLAIN = widgets.Layout()
_TICK = widgets.Layout(width="max-content", flex="0 0 auto")
_CELL = widgets.Layout(width="max-content", margin="0 12px 0 0")
_HTML_STYLE = HTMLStyle()
_TICK_STYLE = CheckboxStyle()


def _html(value: str) -> widgets.HTML:
    """Text beside a control (a row's option)."""
    return widgets.HTML(value=str(value), layout=_TEXT, style=_HTML_STYLE)


def _block(value: str = "") -> widgets.HTML:
    """A block of HTML on its own line (a heading, a passage, a message area)."""
    return widgets.HTML(value=str(value), layout=_PLAIN, style=_HTML_STYLE)


def _text(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def _part(name: str, /, *args: object) -> str:
    """A text part of the controls, from ``templates/judgment_widgets.html.j2`` (every value escaped)."""
    return str(macro("judgment_widgets.html.j2", name, *args))


def _dropdown(options: list[tuple[str, int]], label: str) -> widgets.Dropdown:
    return widgets.Dropdown(options=options, value=None, description=label, style=LABEL_STYLE, layout=fit())


class ItemWidget:
    """The live controls of one item; :meth:`response` reads them in the shape :func:`helpers.quiz.score` takes."""

    def __init__(self, item: Item) -> None:
        self.item = item
        self.controls: list[widgets.Widget] = []
        self.note = _block("")
        builder = getattr(self, f"_build_{item.type}")
        parts = builder()
        self.widget = widgets.VBox([*parts, self.note])

    # -- builders, one per item type --------------------------------------------------

    def _options_list(self, marker: Callable[[int], str]) -> widgets.HTML:
        options = [(marker(i), o.text) for i, o in enumerate(self.item.options)]
        return _block(_part("options_list", options))

    def _build_multiple_choice(self) -> list[widgets.Widget]:
        radio = widgets.RadioButtons(options=[(LETTERS[i], i) for i in range(len(self.item.options))], value=None,
                                     description="Your answer", orientation="horizontal", style=LABEL_STYLE,
                                     layout=fit())
        self.controls = [radio]
        return [self._options_list(lambda i: LETTERS[i]), radio]

    def _checkbox_rows(self, marker: Callable[[int], str], texts: list[str]) -> list[widgets.Widget]:
        rows = []
        for index, text in enumerate(texts):
            box = widgets.Checkbox(value=False, description=marker(index), indent=False, tooltip=text,
                                   layout=_TICK, style=_TICK_STYLE)
            self.controls.append(box)
            rows.append(widgets.HBox([box, _html(_text(text))], layout=_ROW))
        return rows

    def _build_select_all(self) -> list[widgets.Widget]:
        return self._checkbox_rows(lambda i: LETTERS[i], [o.text for o in self.item.options])

    def _build_select_n(self) -> list[widgets.Widget]:
        rows = self._build_select_all()
        for box in self.controls:
            box.observe(self._limit, names="value")
        return rows

    def _limit(self, change: dict) -> None:
        if change["new"] and len(self.response()) > (self.item.limit or 0):
            change["owner"].value = False
            self.note.value = message_html(f"Choose at most {self.item.limit} options: untick one first.", "info")
        else:
            self.note.value = ""

    def _build_highlight_text(self) -> list[widgets.Widget]:
        passage = _block(str(macro("judgment.html.j2", "passage", static.item_layout(self.item))))
        heading = _block(_part("heading", ["Tick each numbered part you would highlight:"]))
        return [passage, heading, *self._checkbox_rows(lambda i: str(i + 1), [o.text for o in self.item.options])]

    _build_highlight_table = _build_highlight_text

    def _build_matrix_single(self) -> list[widgets.Widget]:
        rows = []
        for index, option in enumerate(self.item.options):
            choice = _dropdown([(c, i) for i, c in enumerate(self.item.columns)], f"{index + 1}.")
            self.controls.append(choice)
            rows.append(widgets.HBox([_html(_text(f"{index + 1}. {option.text}")), choice], layout=_ROW))
        return rows

    def _build_matrix_multiple(self) -> list[widgets.Widget]:
        rows = []
        self.cells: list[list[widgets.Checkbox]] = []
        for index, option in enumerate(self.item.options):
            boxes = [widgets.Checkbox(value=False, description=column, indent=False, tooltip=f"{option.text}: {column}",
                                      layout=_CELL, style=_TICK_STYLE)
                     for column in self.item.columns]
            self.cells.append(boxes)
            self.controls.extend(boxes)
            rows.append(widgets.VBox([_html(_part("numbered", index + 1, option.text)),
                                      widgets.HBox(boxes, layout=widgets.Layout(flex_flow="row wrap",
                                                                                margin="0 0 4px 18px"))]))
        return rows

    def _sentence(self) -> widgets.HTML:
        return _block(_part("sentence", static.sentence_parts(self.item)))

    def _build_dropdown_cloze(self) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self._sentence()]
        if self.item.shared_tokens:
            parts.append(_block(_part("tokens", [o.text for o in self.item.groups[0]])))
        for number, group in enumerate(self.item.groups, start=1):
            choice = _dropdown([(o.text, i) for i, o in enumerate(group)], f"Blank {number}")
            self.controls.append(choice)
            parts.append(choice)
        return parts

    _build_dropdown_rationale = _build_dropdown_cloze
    _build_drag_drop_cloze = _build_dropdown_cloze
    _build_drag_drop_rationale = _build_dropdown_cloze

    def _build_dropdown_table(self) -> list[widgets.Widget]:
        header = _block(_part("heading", self.item.columns[:2], ":"))
        rows: list[widgets.Widget] = [header]
        for number, (label, group) in enumerate(zip(self.item.group_labels, self.item.groups), start=1):
            choice = _dropdown([(o.text, i) for i, o in enumerate(group)], f"{number}.")
            self.controls.append(choice)
            rows.append(widgets.HBox([_html(_text(f"{number}. {label}")), choice], layout=_ROW))
        return rows

    def _build_bowtie(self) -> list[widgets.Widget]:
        slots = judgment.zone_slots(self.item)
        by_zone: dict[int, list[widgets.Dropdown]] = {}
        for zone, slot in slots:
            group = self.item.groups[zone]
            label = {0: "Condition", 1: f"Action {slot + 1}", 2: f"Parameter {slot + 1}"}[zone]
            choice = _dropdown([(o.text, i) for i, o in enumerate(group)], label)
            self.controls.append(choice)
            by_zone.setdefault(zone, []).append(choice)
        columns = []
        for zone in (1, 0, 2):  # actions | condition | parameters, as the bowtie is drawn
            title = _block(_part("title", self.item.group_labels[zone]))
            columns.append(widgets.VBox([title, *by_zone[zone]], layout=widgets.Layout(margin="0 16px 6px 0")))
        return [widgets.HBox(columns, layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))]

    # -- reading, setting, freezing ---------------------------------------------------

    def response(self) -> Any:
        """The controls' state as a response to the item (the shape its answer has)."""
        kind = self.item.type
        if kind == "multiple_choice":
            value = self.controls[0].value
            return [] if value is None else [value]
        if kind in ("select_n", "select_all", "highlight_text", "highlight_table"):
            return [i for i, box in enumerate(self.controls) if box.value]
        if kind == "matrix_single":
            return {row: control.value for row, control in enumerate(self.controls)}
        if kind == "matrix_multiple":
            return {row: [c for c, box in enumerate(boxes) if box.value] for row, boxes in enumerate(self.cells)}
        return [control.value for control in self.controls]

    def set_response(self, response: Any) -> None:
        """Set the controls from a response (for tests and demonstrations)."""
        kind = self.item.type
        if kind == "multiple_choice":
            self.controls[0].value = response[0] if response else None
        elif kind in ("select_n", "select_all", "highlight_text", "highlight_table"):
            chosen = set(response or ())
            for index, box in enumerate(self.controls):  # untick first: a select-N item refuses an N+1th tick
                if index not in chosen:
                    box.value = False
            for index in sorted(chosen):
                self.controls[index].value = True
        elif kind == "matrix_single":
            rows = judgment.check_response(self.item, response)
            for row, control in enumerate(self.controls):
                control.value = rows.get(row)
        elif kind == "matrix_multiple":
            rows = judgment.check_response(self.item, response)
            for row, boxes in enumerate(self.cells):
                for column, box in enumerate(boxes):
                    box.value = column in rows.get(row, [])
        else:
            for control, value in zip(self.controls, response):
                control.value = value

    def disable(self, disabled: bool = True) -> None:
        for control in self.controls:
            control.disabled = disabled


class CaseRunner:
    """One case, live: the record unfolds, each item is answered and scored, and the case ends in a debrief."""

    def __init__(self, case_id: str) -> None:
        self.case = judgment.load_case(case_id)
        self.progress = _block()
        self.record = _block()
        self.chart = widgets.Output()
        self.prompt = _block()
        self.area = widgets.VBox()
        self.message = _block()
        self.feedback = _block()
        self.debrief = _block()
        self.learner = widgets.Text(value="", placeholder="your name or student number", layout=fit(min_width="16em"),
                                    description="Name in the file (optional)", style=LABEL_STYLE)
        self.learner.observe(lambda _change: self._show_download(), names="value")
        self.download = _block()
        self.download_box = widgets.HBox([self.learner, self.download], layout=widgets.Layout(flex_flow="row wrap"))
        self.check_button = widgets.Button(description="Check my answer", button_style="primary", layout=fit())
        self.next_button = widgets.Button(description="Go on", layout=fit())
        self.restart_button = widgets.Button(description="Start the case again", layout=fit())
        self.check_button.on_click(lambda _b: self.check())
        self.next_button.on_click(lambda _b: self.go_on())
        self.restart_button.on_click(lambda _b: self.restart())
        self.widget = widgets.VBox([self.progress, self.record, self.chart, self.prompt, self.area, self.message,
                                    widgets.HBox([self.check_button, self.next_button, self.restart_button]),
                                    self.feedback, self.debrief, self.download_box])
        self.restart()

    # -- state ------------------------------------------------------------------------

    def restart(self) -> None:
        import uuid

        self.registration = str(uuid.uuid4())  # one attempt
        self.path: list[str] = [self.case.start]
        self.responses: dict[str, Any] = {}
        self.scores: dict[str, tuple[int, int]] = {}
        self.item_widget: ItemWidget | None = None
        self.finished = False
        self.debrief.value = self.download.value = ""
        self.download_box.layout.display = "none"
        self.times: list = [_now()]  # one per xAPI statement: initialized, then arrived / responded, then completed
        self._show_node()

    @property
    def node(self) -> judgment.Node:
        return self.case.node(self.path[-1])

    @property
    def points(self) -> tuple[int, int]:
        return sum(p for p, _ in self.scores.values()), sum(m for _, m in self.scores.values())

    def _asked(self) -> int:
        return len(judgment.path_items(self.case, self.path))

    def _show_progress(self) -> None:
        points, most = self.points
        self.progress.value = str(macro("judgment.html.j2", "progress", self.case, self._asked(),
                                        len(judgment.FUNCTIONS), points, most))

    def _show_node(self) -> None:
        node = self.node
        self.times.append(_now())  # arrived
        self.record.value = str(static.record_html(self.case, self.path, new_from=len(self.path) - 1))
        self.feedback.value = self.message.value = ""
        self.chart.outputs = ()
        item = self.case.item_at(node.id)
        if item is None:
            self.prompt.value = ""
            self.area.children = ()
            self.item_widget = None
            self.check_button.disabled = True
            self.next_button.disabled = False
        else:
            self.item_widget = ItemWidget(item)
            self.prompt.value = str(macro("judgment.html.j2", "item_prompt", item, self._asked(),
                                          judgment.instruction(item)))
            self.area.children = (self.item_widget.widget,)
            self.check_button.disabled = False
            self.next_button.disabled = True
            if item.trend:
                self.chart.outputs = tuple({"output_type": "display_data", "data": display_bundle(part),
                                            "metadata": {}}
                                           for part in static.trend_parts(self.case, self.path, item))
        self._show_progress()

    # -- what the buttons do ------------------------------------------------------------

    def check(self) -> None:
        """Score the answer to the current item and show why each choice is right or not."""
        widget = self.item_widget
        if widget is None or self.finished:
            return
        item = widget.item
        response = widget.response()
        try:
            if self.node.branches:
                judgment.next_node(self.case, self.node.id, response)  # a decision needs one option
            from helpers.quiz import score

            self.scores[item.id] = score(item.id, response)
        except FriendlyError as error:
            self.message.value = message_html(str(error))
            return
        self.message.value = ""
        self.responses[item.id] = response
        self.times.append(_now())  # responded
        widget.disable()
        self.feedback.value = str(static.feedback_html(item, response))
        self.check_button.disabled = True
        self.next_button.disabled = False
        self._show_progress()

    def go_on(self) -> None:
        """Move to the next step (the branch the decision chose), or end the case with the debrief."""
        if self.finished:
            return
        item = self.case.item_at(self.node.id)
        if item is not None and item.id not in self.responses:
            self.message.value = message_html("Check your answer first (the 'Check my answer' button).", "info")
            return
        following = judgment.next_node(self.case, self.node.id, self.responses.get(item.id) if item else None)
        if following is None:
            self.finish()
            return
        self.path.append(following)
        self._show_node()

    def finish(self) -> None:
        self.finished = True
        self.times.append(_now())  # completed
        self.check_button.disabled = self.next_button.disabled = True
        self.prompt.value = ""
        self.area.children = ()
        self.chart.outputs = ()
        self.debrief.value = str(static.debrief_html(self.case, self.path, self.responses))
        self.download_box.layout.display = None
        self._show_download()
        self._show_progress()

    def _show_download(self) -> None:
        """The link to the path as xAPI statements, with the times of this attempt and the name typed."""
        from helpers import judgment_xapi

        if not self.finished:
            return
        self.download.value = judgment_xapi.download_html(self.case, self.path, self.responses,
                                                          learner=self.learner.value, times=self.times,
                                                          registration=self.registration)

    # -- for tests: answer the current item and go on -------------------------------------

    def answer(self, response: Any) -> None:
        """Set the current item's controls to ``response``, check it and go on (used by the tests)."""
        if self.item_widget is not None:
            self.item_widget.set_response(response)
            self.check()
        self.go_on()


def _now():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def case_view(case_id: str) -> LiveWithStaticFace:
    """A case to work through: live in a running notebook, written out with folded answers on a static page."""
    face = deferred_face(lambda: static.case_static(case_id))
    runner = CaseRunner(case_id)
    return LiveWithStaticFace(runner.widget, face, f"Case {judgment.load_case(case_id).label}")


# -- a knowledge-check question, live and scored (the static answer stays) ----------------------------

def knowledge_question(qualified_id: str) -> LiveWithStaticFace:
    """A knowledge-check question (``"NN_slug:question_id"``, choose one or choose all that apply) answered live.

    The student ticks, checks, and sees the points by NCSBN's rule (:func:`helpers.quiz.score`) with the
    question's explanation; the static face is the question as the knowledge check prints it, answer folded.
    """
    from helpers import quiz
    from helpers.data import cite
    from helpers.errors import InputError

    question = quiz.question(qualified_id)
    if question.type not in quiz.QUESTION_ITEM_TYPES:
        raise InputError(f"{qualified_id} is a numeric question; only choice questions can be answered live here")
    item = judgment.Item(id=qualified_id, case="", function="", type=quiz.QUESTION_ITEM_TYPES[question.type],
                         stem=question.prompt, answer=question.keys(), source_ids=question.source_ids,
                         groups=(tuple(judgment.Option(text, "") for text in question.options),))
    controls = ItemWidget(item)
    result = _block()
    button = widgets.Button(description="Check my answer", button_style="primary", layout=fit())

    def check(_button=None) -> None:
        try:
            points, most = quiz.score(qualified_id, controls.response())
        except FriendlyError as error:
            result.value = message_html(str(error))
            return
        result.value = str(macro("judgment.html.j2", "question_result", points, most, item.rule, question.feedback))

    button.on_click(check)
    prompt = _block(str(macro("judgment.html.j2", "question_prompt", question.prompt)))
    face = deferred_face(lambda: quiz.render_question(1, question, cite))
    return LiveWithStaticFace(widgets.VBox([prompt, controls.widget, button, result]), face,
                              f"Question {question.id}")
