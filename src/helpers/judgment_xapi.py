"""A student's path through a case as xAPI statements, the virtual-patient profile's way.

The MedBiquitous Virtual Patient xAPI profile (``https://w3id.org/xapi/virtual-patient``,
version 1.0) describes how a virtual-patient player reports a learner's path:
``initialized`` when a case starts, ``arrived`` at each node, ``responded``
to each question on a node, ``completed`` at an end node; the case is an
activity of type ``http://adlnet.gov/expapi/activities/simulation``, a node
of type ``http://activitystrea.ms/schema/1.0/node``; every statement names
the profile in its ``category`` context activities.  This module writes the
same statements for a path through one of the collection's cases, scores
included (from :func:`helpers.quiz.score`), as a small JSON file the student
downloads from the debrief and gives to the instructor (a learning record
store can import it; a person can read it).  No network is used: the file is
a ``data:`` link built in the page.

Statements follow xAPI 1.0.3: ``id``, ``actor`` (an Agent with an
``account``), ``verb``, ``object``, ``result``, ``context`` (with the
``registration`` shared by one attempt) and ``timestamp``.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from helpers import judgment
from helpers.judgment import Case

PROFILE = "https://w3id.org/xapi/virtual-patient"
PROFILE_VERSION = "https://w3id.org/xapi/virtual-patient/v1.0"
VERBS = {
    "initialized": "http://adlnet.gov/expapi/verbs/initialized",
    "arrived": "https://w3id.org/xapi/medbiq/verbs/arrived",
    "responded": "http://adlnet.gov/expapi/verbs/responded",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
}
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
NODE = "http://activitystrea.ms/schema/1.0/node"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
LANGUAGE = "en"
#: xAPI interaction types for the item types (cmi.interaction); the exact NGN type is an extension.
INTERACTION_TYPES = {
    "multiple_choice": "choice", "select_n": "choice", "select_all": "choice", "highlight_text": "choice",
    "highlight_table": "choice", "matrix_single": "matching", "matrix_multiple": "matching",
    "dropdown_cloze": "fill-in", "dropdown_table": "fill-in", "drag_drop_cloze": "fill-in",
    "dropdown_rationale": "fill-in", "drag_drop_rationale": "fill-in", "bowtie": "other",
}


def base_iri() -> str:
    """Where the collection's activities are named (its repository)."""
    from helpers.course import REPOSITORY

    return f"https://github.com/{REPOSITORY.strip()}/judgment"


def _activity(iri: str, kind: str, name: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    definition: dict[str, Any] = {"type": kind, "name": {LANGUAGE: name}}
    definition.update(extra or {})
    return {"objectType": "Activity", "id": iri, "definition": definition}


def statements(case: Case, path: Sequence[str], responses: Mapping[str, object], *, learner: str = "",
               registration: str | None = None, started: datetime | None = None,
               times: Sequence[datetime] | None = None) -> list[dict[str, Any]]:
    """The statements of one attempt: initialized, then per node arrived (and responded), then completed.

    ``learner`` is the name the student typed (may be empty); ``registration``
    identifies the attempt (a new UUID when not given); ``times`` gives a
    timestamp per statement (otherwise one second apart from ``started``).
    Statement ids are derived from the registration, so the same attempt
    always gives the same file.
    """
    from helpers.quiz import score

    registration = registration or str(uuid.uuid4())
    started = started or datetime.now(timezone.utc)
    case_iri = f"{base_iri()}/{case.id}"
    case_activity = _activity(case_iri, SIMULATION, case.title)
    actor = {"objectType": "Agent", "name": learner.strip() or "Student (name not given)",
             "account": {"homePage": base_iri(), "name": learner.strip() or "anonymous"}}
    context = {"registration": registration,
               "contextActivities": {"parent": [{"objectType": "Activity", "id": case_iri}],
                                     "category": [{"objectType": "Activity", "id": PROFILE_VERSION,
                                                   "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}]},
               "language": LANGUAGE}
    out: list[dict[str, Any]] = []

    def add(verb: str, obj: dict[str, Any], result: dict[str, Any] | None = None, top: bool = False) -> None:
        index = len(out)
        when = times[index] if times is not None else started + timedelta(seconds=index)
        statement: dict[str, Any] = {
            "id": str(uuid.uuid5(uuid.UUID(registration), f"{case.id}/{index}")),
            "actor": actor,
            "verb": {"id": VERBS[verb], "display": {LANGUAGE: verb}},
            "object": obj,
            "context": context if not top else {**context, "contextActivities": {
                "category": context["contextActivities"]["category"]}},
            "timestamp": when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        if result is not None:
            statement["result"] = result
        out.append(statement)

    add("initialized", case_activity, top=True)
    total = most_total = 0
    for node_id in path:
        node = case.node(node_id)
        add("arrived", _activity(f"{case_iri}/nodes/{node.id}", NODE, node.title))
        item = case.item_at(node.id)
        if item is not None:
            response = responses.get(item.id)
            points, most = score(item.id, response)
            total, most_total = total + points, most_total + most
            extras = {"interactionType": INTERACTION_TYPES[item.type],
                      "extensions": {f"{base_iri()}/extensions/ngn-item-type": item.type,
                                     f"{base_iri()}/extensions/cjmm-function": item.function},
                      "description": {LANGUAGE: item.stem}}
            result = {"score": {"raw": points, "min": 0, "max": most, "scaled": round(points / most, 4) if most else 0},
                      "success": points == most, "completion": response is not None,
                      "response": json.dumps(response, sort_keys=True)}
            add("responded", _activity(f"{case_iri}/items/{item.id}", INTERACTION, item.stem[:120], extras), result)
    end = case.node(path[-1])
    if end.is_end:
        labels = judgment.path_labels(case, path, responses)
        result = {"score": {"raw": total, "min": 0, "max": most_total,
                            "scaled": round(total / most_total, 4) if most_total else 0},
                  "completion": True,
                  "extensions": {f"{base_iri()}/extensions/path": list(path),
                                 f"{base_iri()}/extensions/branches": labels}}
        add("completed", case_activity, result, top=True)
    return out


def file_bytes(statements_list: Sequence[Mapping[str, Any]]) -> bytes:
    """The statements as the downloadable JSON file (UTF-8, sorted keys, one statement per element)."""
    return (json.dumps(list(statements_list), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def filename(case: Case) -> str:
    return f"{case.id}_path_xapi.json"


def data_url(content: bytes) -> str:
    return "data:application/json;base64," + base64.b64encode(content).decode("ascii")


def download_html(case: Case, path: Sequence[str], responses: Mapping[str, object], learner: str = "",
                  times: Sequence[datetime] | None = None, registration: str | None = None) -> str:
    """A link that downloads the attempt as xAPI statements (built in the page: no network, no file written).

    ``times`` holds a time per statement (as :func:`statements` takes it); when
    it does not match the statements, they are one second apart from the first.
    """
    from helpers.render import macro

    count = 2 + len(path) + len(judgment.path_items(case, path))
    usable = list(times) if times is not None and len(times) == count else None
    made = statements(case, path, responses, learner=learner, registration=registration,
                      started=times[0] if times else None, times=usable)
    return str(macro("judgment.html.j2", "download", data_url(file_bytes(made)), filename(case), len(made)))
