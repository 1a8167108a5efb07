"""What the LMS exports of the clinical-judgment cases share: the items on every path, their texts.

An LMS quiz is a list of questions, not a case that branches, so each case
becomes one quiz (QTI) or category (Moodle) whose questions are the items of
every path in order: the shared part first, then each branch's items, named
with the branch ("after escalating at 02:25").  Each question is self-contained:
its text carries the client's record up to that item (the record is the
stimulus every NGN item is asked over; a trend item adds its readings as a
table), then the stem, the instruction and the type's own controls.  The
explanation shown after answering is the key with a rationale for every
choice, the item's teaching point, the scoring rule and the sources.

Points: each exported question is worth the item's full NCSBN points (its key
scores ``helpers.quiz.score``'s maximum), so a gradebook adds up to the exam's
scale.  How each platform scores each type, and where it cannot score
exactly as NCSBN does, is in :data:`PLATFORM_NOTES` and
``docs/instructor-guide.md``.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from helpers import judgment
from helpers import judgment_static as static
from helpers.judgment import Case, Item
from helpers.render import render

#: Where a platform cannot express NCSBN's rule for a type exactly: what is exported instead and what differs.
PLATFORM_NOTES = {
    "moodle": {
        "select_n": "Moodle cannot stop a student ticking more than N options, so select N is a Cloze question with "
                    "N drop-downs that each accept any keyed option: exact for N different choices; choosing the "
                    "same keyed option in two drop-downs is counted twice (the notebook refuses it).",
        "matrix_multiple": "No Moodle type scores a grid by columns, so each column is its own 'choose all that "
                           "apply' question worth the column's keyed cells: Moodle's floor at 0 per question is "
                           "NCSBN's floor per column, and the column marks add up to the item's.",
        "dropdown_rationale": "Moodle has no paired scoring: each drop-down earns its share on its own, so one right "
                              "part of a dyad earns half the mark where NCSBN gives nothing (a triad: each right "
                              "drop-down a third).",
        "drag_drop_rationale": "As drop-down rationale: each place earns its share on its own.",
        "bowtie": "A Cloze question with five drop-downs; each action drop-down accepts either keyed action and each "
                  "parameter drop-down either keyed parameter, so the order does not matter: exact for different "
                  "choices; the same keyed option in both places of a group is counted twice (the notebook refuses it).",
    },
    "qti": {
        "select_n": "The QTI scores +1 per keyed option chosen and allows N choices (maxnumber); Canvas ignores both "
                    "and scores it as a multiple-answers question: (right − wrong) ÷ right, never below 0.",
        "matrix_multiple": "Each column is its own multiple-answers question worth the column's keyed cells "
                           "(Canvas's (right − wrong) ÷ right per question is NCSBN's per-column floor).",
        "dropdown_rationale": "The QTI gives a point only for a right pair, as NCSBN does; Canvas scores each drop-down "
                              "on its own (half the mark for one right part of a dyad).",
        "drag_drop_rationale": "A multiple drop-downs question (Canvas classic quizzes have no drag and drop), scored "
                               "as drop-down rationale.",
        "drag_drop_cloze": "A multiple drop-downs question (Canvas classic quizzes have no drag and drop); a token "
                           "may be chosen in two drop-downs, which the notebook refuses.",
        "bowtie": "A multiple drop-downs question; the QTI accepts either keyed action (or parameter) in either of its "
                  "drop-downs. Canvas may keep only one key per drop-down: check one imported bowtie.",
        "highlight_text": "A multiple-answers question over the numbered parts of the passage.",
        "highlight_table": "A multiple-answers question over the numbered cells of the table.",
    },
}


@dataclass(frozen=True)
class ExportItem:
    """One item as an exported question: where it is asked and what the student has seen by then."""

    case: Case
    item: Item
    path: tuple[str, ...]     # from the start to the item's node
    number: int               # the item's position on its path (1 = first)
    branch: str               # the branch label, or "" on the shared part

    @property
    def ident(self) -> str:
        return f"spine_judgment__{self.item.id}"

    @property
    def name(self) -> str:
        """How the question is named for people: case, item number, function, the branch, the stem's start."""
        branch = f" [{self.branch}]" if self.branch else ""
        stem = self.item.stem if len(self.item.stem) <= 60 else self.item.stem[:57].rsplit(" ", 1)[0] + "..."
        return f"09 {self.case.client_name} {self.number}. {self.item.function_label}{branch}: {stem}"

    @property
    def points(self) -> int:
        from helpers.quiz import score

        return score(self.item.id, self.item.answer)[1]


def export_items(case: Case) -> list[ExportItem]:
    """Every item of a case once, in the order a reader meets them: the shared part, then each branch."""
    seen: dict[str, ExportItem] = {}
    for path in judgment.paths(case):
        labels = {b.next: b.label for n in path for b in case.node(n).branches}
        number, branch = 0, ""
        for index, node_id in enumerate(path):
            branch = labels.get(node_id, branch)
            item = case.item_at(node_id)
            if item is None:
                continue
            number += 1
            if item.id not in seen:
                seen[item.id] = ExportItem(case, item, tuple(path[:index + 1]), number, branch)
    return list(seen.values())


def stimulus_html(entry: ExportItem) -> str:
    """The client's record up to the item (what this step adds marked new), and a trend item's readings."""
    record = static.record_html(entry.case, entry.path, new_from=len(entry.path) - 1,
                                heading=f"{entry.case.client_name}'s record so far")
    trend = static.trend_table_html(entry.case, entry.path, entry.item) if entry.item.trend else ""
    return str(render("lms_ngn.html.j2", part="stimulus", case=entry.case, record=record, trend=trend))


def question_html(entry: ExportItem, body: str = "", platform: str = "") -> str:
    """The whole question text: the case, the record so far, the stem and instruction, then ``body`` (markup)."""
    from markupsafe import Markup

    note = PLATFORM_NOTES.get(platform, {}).get(entry.item.type, "")
    return str(render("lms_ngn.html.j2", part="question", case=entry.case, item=entry.item,
                      stimulus=Markup(stimulus_html(entry)), instruction=judgment.instruction(entry.item),
                      body=Markup(body), note=note, number=entry.number, branch=entry.branch))


def feedback_html(entry: ExportItem) -> str:
    """Shown after answering: the scoring rule, the key with a rationale for every choice, the teaching point, sources."""
    from helpers.data import cite

    item = entry.item
    return str(render("lms_ngn.html.j2", part="feedback", item=item, rule=static.rule_line(item),
                      rows=static.key_rows(item), wrong=static.distractors(item), sources=cite(item.source_ids)))


def fragment(part: str, **context: object) -> str:
    """A small piece of a question's markup (a passage, a table, a sentence with blanks)."""
    return str(render("lms_ngn.html.j2", part=part, **context))


def fingerprint(cases: list[Case]) -> str:
    """Changes whenever any case text, key or rationale changes (a new Moodle category per corrected build)."""
    digest = hashlib.sha256()
    for case in cases:
        for entry in export_items(case):
            digest.update(json.dumps([entry.ident, question_html(entry), feedback_html(entry)],
                                     ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()[:8]


def notice(platform: str) -> str:
    """The educational-use notice and how this platform scores the clinical-judgment items."""
    from helpers.exports.content import NOTICE

    notes = PLATFORM_NOTES[platform]
    return str(render("lms_ngn.html.j2", part="notice", notice=NOTICE,
                      notes=[(judgment.TYPE_LABELS[t], text) for t, text in notes.items()]))


Writer = Callable[["ExportItem"], list[ET.Element]]


def writer_registry() -> tuple[dict[str, Writer], Callable[..., Callable[[Writer], Writer]]]:
    """A table from NGN item type to the function writing it, and the decorator that fills it.

    Each export format (QTI, Moodle XML) keeps its own table::

        WRITERS, writes = writer_registry()

        @writes("select_all", "select_n")
        def _choice(entry): ...
    """
    writers: dict[str, Writer] = {}

    def writes(*item_types: str) -> Callable[[Writer], Writer]:
        def register(writer: Writer) -> Writer:
            for item_type in item_types:
                writers[item_type] = writer
            return writer
        return register

    return writers, writes
