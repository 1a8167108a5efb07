"""A whole class on a JupyterHub: a real hub, a student following the class link.

Run with ``make hub-test`` (it builds the student environment with the image
recipe of docs/class-deployment.md, installs configurable-http-proxy from
tools/hub/package-lock.json, and sets SPINE_HUB_ENV); skipped otherwise.

Everything stays on 127.0.0.1: the hub (dummy log-in, one local process per
student, homes under a temporary folder) pulls from a bare git repository in a
temporary folder that holds this checkout as it is now. As a student, the test

1. follows the link ``make class-links HUB=... REPO=file://...`` prints, in headless Chromium;
2. checks the collection lands in the student's home folder and JupyterLab opens 00_start_here;
3. runs a lesson notebook in the student's kernel (server REST API + kernel websocket);
4. edits that notebook, publishes an upstream change to it and to data/, follows the link
   again, and checks the edit is kept, the upstream change merged, and the new data shown.

Every process started here (hub, proxy, single-user servers, kernels) carries
a marker in its environment and is killed by id at the end, also on failure.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from hub_harness import (CHROMIUM, HUB_ENV, NAME, SCREENSHOTS, STUDENT, HubError, Server, class_link, errors_in,
                         follow, output_of, running_hub, student_browser)
from working_copy import git, replace_in

LESSON = "01_treatment_overview.ipynb"
OLD_DELIVERY = "In an operating theatre under general anaesthesia"
DATA_MARKER = "UPSTREAM-DATA-CORRECTION-42"
STUDENT_NOTE = "My own note: ask about the drain on the ward round (STUDENT-EDIT-17)."
UPSTREAM_NOTE = "Instructor correction published after the first pull (UPSTREAM-NOTE-23)."

pytestmark = pytest.mark.skipif(not HUB_ENV, reason="the hub test runs with 'make hub-test'")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    try:
        with running_hub(tmp_path_factory.mktemp("hub")) as running:
            yield {"url": running.url, "token": running.token, "tmp": running.tmp, "work": running.work,
                   "bare": running.bare, "home": running.home(STUDENT), "log": running.log}
    except HubError as error:
        pytest.fail(str(error))


# -- the test ------------------------------------------------------------------

def test_a_student_follows_the_class_link_runs_a_lesson_and_keeps_edits_through_an_update(hub):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"headless Chromium not found at {CHROMIUM}: run 'make browser' or set CHROMIUM")
    link = class_link(hub["url"], hub["bare"].as_uri())
    clone = hub["home"] / NAME
    lesson_path = f"{NAME}/notebooks/{LESSON}"
    server = Server(hub["url"], hub["token"])

    # Offline: the browser may reach the hub on 127.0.0.1 and nothing else.
    refused: list[str] = []
    with student_browser(refused) as page:
        # 1-2. The link clones the collection into the home folder and opens 00_start_here.
        landed = follow(page, link)
        assert landed.endswith(f"/user/{STUDENT}/lab/tree/{NAME}/notebooks/00_start_here.ipynb")
        assert (clone / "notebooks" / "00_start_here.ipynb").is_file()
        assert (clone / "data" / "datapackage.json").is_file()
        assert git(clone, "remote", "get-url", "origin").strip() == hub["bare"].as_uri()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "hub-first-visit.png"))
        # The class settings reached the image: JupyterLab does not ask to fetch Jupyter news.
        notification = server.get("lab/api/settings/@jupyterlab/apputils-extension:notification")
        assert notification["schema"]["properties"]["fetchNews"]["default"] == "false"

        # 3. The lesson runs in the student's kernel, using the clone's helpers.
        first = server.execute(lesson_path)
        assert not errors_in(first), errors_in(first)
        assert OLD_DELIVERY in output_of(first, "c007")

        # 4. The student edits the lesson (near its top) and saves it.
        mine = server.notebook(lesson_path)
        intro = next(c for c in mine.cells[1:] if c.cell_type == "markdown")
        intro.source += "\n\n" + STUDENT_NOTE
        server.save(lesson_path, mine)
        # The instructor publishes a note near the end of the same lesson and a data correction.
        work = hub["work"]
        theirs = nbformat.read(work / "notebooks" / LESSON, as_version=4)
        last = [c for c in theirs.cells if c.cell_type == "markdown"][-3]
        last.source += "\n\n" + UPSTREAM_NOTE
        nbformat.write(theirs, work / "notebooks" / LESSON)
        replace_in(work / "data" / "modalities.csv", OLD_DELIVERY,
                   OLD_DELIVERY.replace("theatre", f"theatre {DATA_MARKER}"))
        git(work, "commit", "-q", "-am", "Correct the lesson and one table")
        git(work, "push", "-q", "origin", "main")

        # Following the link again pulls and merges.
        follow(page, link)
        page.screenshot(path=str(SCREENSHOTS / "hub-after-update.png"))
        assert not refused, f"the student's browser asked for other hosts: {refused}"

    merged = json.dumps(server.notebook(lesson_path).cells)
    assert STUDENT_NOTE in merged, "the student's edit was lost"
    assert UPSTREAM_NOTE in merged, "the upstream change to the edited notebook was not merged in"
    assert DATA_MARKER in (clone / "data" / "modalities.csv").read_text(encoding="utf-8")
    second = server.execute(lesson_path)
    assert not errors_in(second), errors_in(second)
    assert DATA_MARKER in output_of(second, "c007"), "the data correction did not reach the student's lesson"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-p", "no:cacheprovider"]))
