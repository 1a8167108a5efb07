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
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest

from working_copy import ROOT, copy_checkout, git, replace_in

HUB_ENV = os.environ.get("SPINE_HUB_ENV", "")
PROXY = ROOT / "tools" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
OFFLINE_IPYTHONDIR = ROOT / "tests" / "offline_ipython"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "build" / "screenshots"

NAME = "spine-cancer-treatment-notebooks"
STUDENT = "student"
LESSON = "01_treatment_overview.ipynb"
OLD_DELIVERY = "In an operating theatre under general anaesthesia"
DATA_MARKER = "UPSTREAM-DATA-CORRECTION-42"
STUDENT_NOTE = "My own note: ask about the drain on the ward round (STUDENT-EDIT-17)."
UPSTREAM_NOTE = "Instructor correction published after the first pull (UPSTREAM-NOTE-23)."

START_TIMEOUT_S = 90     # hub up
LAND_TIMEOUT_S = int(os.environ.get('HUB_LAND_TIMEOUT_S', 240))     # log-in, spawn, clone and JupyterLab drawn
CELL_TIMEOUT_S = 180

pytestmark = pytest.mark.skipif(not HUB_ENV, reason="the hub test runs with 'make hub-test'")


# -- processes -----------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def marked_pids(marker: str) -> list[int]:
    """Processes whose environment carries this run's marker (all started by this test)."""
    needle = f"SPINE_HUB_TEST_RUN={marker}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def stop(hub: subprocess.Popen, marker: str) -> None:
    if hub.poll() is None:
        hub.send_signal(signal.SIGTERM)  # the hub stops the proxy and the students' servers
        try:
            hub.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    for pid in marked_pids(marker):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if hub.poll() is None:
        hub.kill()
        hub.wait(timeout=10)


HUB_CONFIG = """\
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{tmp}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp}/jupyterhub_cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{tmp}/home/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = ["--allow-root"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.environment = {{"IPYTHONDIR": {ipythondir!r}, "SPINE_HUB_TEST_RUN": {marker!r}}}
c.JupyterHub.services = [{{"name": "hub-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "hub-test", "services": ["hub-test"],
                             "scopes": ["access:servers", "admin:users", "admin:servers"]}}]
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    import requests

    env = Path(HUB_ENV)
    for needed in (env / "bin" / "jupyterhub", env / "bin" / "jupyterhub-singleuser", PROXY):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run 'make hub-test'")
    tmp = tmp_path_factory.mktemp("hub")
    # Upstream: a bare repository the links point at, and the instructor's working clone.
    work = copy_checkout(tmp / "instructor" / NAME)
    bare = tmp / "git" / NAME  # no .git ending, like the GitHub address: nbgitpuller names the folder after it
    git(tmp, "clone", "-q", "--bare", str(work), str(bare))
    git(work, "remote", "add", "origin", str(bare))

    port, marker, token = free_port(), uuid.uuid4().hex, secrets.token_hex(16)
    config = tmp / "jupyterhub_config.py"
    config.write_text(HUB_CONFIG.format(
        port=port, hub_port=free_port(), proxy_api_port=free_port(), proxy=str(PROXY), tmp=tmp,
        singleuser=str(env / "bin" / "jupyterhub-singleuser"), ipythondir=str(OFFLINE_IPYTHONDIR),
        marker=marker, token=token))
    log = (tmp / "jupyterhub.log").open("w")
    process = subprocess.Popen(
        [str(env / "bin" / "jupyterhub"), "-f", str(config)], cwd=tmp, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "SPINE_HUB_TEST_RUN": marker, "PATH": f"{env / 'bin'}:{os.environ['PATH']}"},
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if requests.get(f"{url}/hub/api/", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the hub did not start:\n" + (tmp / "jupyterhub.log").read_text()[-3000:])
            time.sleep(0.5)
        yield {"url": url, "token": token, "tmp": tmp, "work": work, "bare": bare,
               "home": tmp / "home" / STUDENT, "log": tmp / "jupyterhub.log"}
    finally:
        stop(process, marker)
        log.close()
        leftover = marked_pids(marker)
        assert not leftover, f"processes still running after the hub test: {leftover}"


# -- the student's side ------------------------------------------------------------

def class_link(hub_url: str, repo: str) -> str:
    """The first hub link ``make class-links`` prints (the whole collection)."""
    out = subprocess.run(["make", "-s", "class-links", f"HUB={hub_url}", f"REPO={repo}"], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    return next(line.strip() for line in out.splitlines() if "/hub/user-redirect/git-pull?" in line)


def follow(page, link: str) -> str:
    """Follow a class link as the student (logging in if asked) until JupyterLab shows the notebook."""
    page.goto(link)
    if "/hub/login" in page.url:
        page.fill("input[name=username]", STUDENT)
        page.fill("input[name=password]", "any password works with the dummy log-in")
        page.click("[type=submit]")
    notebook = parse_qs(urlsplit(link).query)["urlpath"][0].rsplit("/", 1)[-1]
    page.wait_for_url(re.compile(rf"/user/{STUDENT}/lab/tree/.*{re.escape(notebook)}$"), timeout=LAND_TIMEOUT_S * 1000)
    try:
        page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel", has_text=notebook).first.wait_for(
            timeout=LAND_TIMEOUT_S * 1000)
        # the notebook itself is drawn: its title (the only H1)
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1").first.wait_for(
            timeout=LAND_TIMEOUT_S * 1000)
    except Exception:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "hub-failed.png"))
        (SCREENSHOTS / "hub-failed.html").write_text(page.content())
        raise
    return page.url


class Server:
    """The student's single-user server, through its REST API and kernel websocket."""

    def __init__(self, hub_url: str, token: str):
        import requests

        self.base = f"{hub_url}/user/{STUDENT}"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {token}"
        self.token = token

    def get(self, path: str, **kw):
        response = self.http.get(f"{self.base}/{path}", timeout=60, **kw)
        response.raise_for_status()
        return response.json()

    def notebook(self, path: str) -> nbformat.NotebookNode:
        return nbformat.from_dict(self.get(f"api/contents/{path}")["content"])

    def save(self, path: str, nb) -> None:
        response = self.http.put(f"{self.base}/api/contents/{path}", timeout=60,
                                 json={"type": "notebook", "format": "json", "content": nb})
        response.raise_for_status()

    def execute(self, path: str) -> list[tuple[str, list[dict]]]:
        """Run every code cell of the notebook at ``path`` in a fresh kernel started in its
        folder (as JupyterLab does); returns (cell id, iopub outputs) pairs."""
        import websocket

        session = self.http.post(f"{self.base}/api/sessions", timeout=60, json={
            "path": path, "name": path.rsplit("/", 1)[-1], "type": "notebook", "kernel": {"name": "python3"}})
        session.raise_for_status()
        session = session.json()
        ws_url = self.base.replace("http://", "ws://") + f"/api/kernels/{session['kernel']['id']}/channels"
        ws = websocket.create_connection(ws_url, header=[f"Authorization: token {self.token}"],
                                         timeout=CELL_TIMEOUT_S)
        client_session = uuid.uuid4().hex
        try:
            self._request(ws, client_session, "kernel_info_request", {}, until=("shell", "kernel_info_reply"))
            results = []
            for cell in self.notebook(path).cells:
                if cell.cell_type == "code":
                    outputs = self._request(ws, client_session, "execute_request", {
                        "code": cell.source, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True,
                    }, until=("iopub", "status"))
                    results.append((cell.get("id"), outputs))
            return results
        finally:
            ws.close()
            self.http.delete(f"{self.base}/api/sessions/{session['id']}", timeout=60)

    @staticmethod
    def _request(ws, client_session: str, msg_type: str, content: dict, until: tuple[str, str]) -> list[dict]:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": STUDENT, "session": client_session, "msg_type": msg_type,
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}))
        outputs = []
        deadline = time.monotonic() + CELL_TIMEOUT_S
        while time.monotonic() < deadline:
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind in ("stream", "display_data", "execute_result", "error"):
                outputs.append({"output_type": kind, **msg["content"]})
            if (msg["channel"], kind) == until and (kind != "status" or msg["content"]["execution_state"] == "idle"):
                return outputs
        raise TimeoutError(f"{msg_type}: no reply within {CELL_TIMEOUT_S} s")


def errors_in(results) -> list[str]:
    return [f"cell {cid}: {o.get('ename')}: {o.get('evalue')}" for cid, outs in results for o in outs
            if o["output_type"] == "error"]


def output_of(results, cell_id: str) -> str:
    return json.dumps(next(outs for cid, outs in results if cid == cell_id))


# -- the test ------------------------------------------------------------------

def test_a_student_follows_the_class_link_runs_a_lesson_and_keeps_edits_through_an_update(hub):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"headless Chromium not found at {CHROMIUM}: run 'make browser' or set CHROMIUM")
    from playwright.sync_api import sync_playwright

    link = class_link(hub["url"], hub["bare"].as_uri())
    clone = hub["home"] / NAME
    lesson_path = f"{NAME}/notebooks/{LESSON}"
    server = Server(hub["url"], hub["token"])

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            # Offline: the browser may reach the hub on 127.0.0.1 and nothing else.
            refused: list[str] = []

            def loopback_only(route):
                if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
                    route.continue_()
                else:
                    refused.append(route.request.url)
                    route.abort()

            page.route("**/*", loopback_only)
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
        finally:
            browser.close()

    merged = json.dumps(server.notebook(lesson_path).cells)
    assert STUDENT_NOTE in merged, "the student's edit was lost"
    assert UPSTREAM_NOTE in merged, "the upstream change to the edited notebook was not merged in"
    assert DATA_MARKER in (clone / "data" / "modalities.csv").read_text(encoding="utf-8")
    second = server.execute(lesson_path)
    assert not errors_in(second), errors_in(second)
    assert DATA_MARKER in output_of(second, "c007"), "the data correction did not reach the student's lesson"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-p", "no:cacheprovider"]))
