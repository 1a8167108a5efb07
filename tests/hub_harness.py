"""A real JupyterHub on 127.0.0.1 for the hub tests (tests/test_hub.py, tests/test_hub_load.py).

The hub uses the dummy log-in and starts each student as a local process
(``SimpleLocalProcessSpawner``) in the environment ``make hub-test`` builds
with the image recipe of docs/class-deployment.md (``SPINE_HUB_ENV``), with
homes under a temporary folder.  It pulls from a bare git repository in that
folder holding this checkout as it is now, so nothing leaves the machine.

Every process started here (hub, proxy, single-user servers, kernels)
carries a marker in its environment and is killed by id at the end, also on
failure.  :func:`running_hub` yields a :class:`Hub`; :class:`Server` drives
one student's single-user server through its REST API and kernel websocket.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat

from working_copy import ROOT, copy_checkout, git

HUB_ENV = os.environ.get("SPINE_HUB_ENV", "")
PROXY = ROOT / "tools" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
OFFLINE_IPYTHONDIR = ROOT / "tests" / "offline_ipython"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "build" / "screenshots"

NAME = "spine-cancer-treatment-notebooks"
STUDENT = "student"

START_TIMEOUT_S = 90     # hub up
LAND_TIMEOUT_S = int(os.environ.get("HUB_LAND_TIMEOUT_S", 240))  # log-in, spawn, clone and JupyterLab drawn
CELL_TIMEOUT_S = 180


class HubError(RuntimeError):
    """The hub could not be set up or started (the message says what is missing)."""


# -- processes -----------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def marked_pids(marker: str) -> list[int]:
    """Processes whose environment carries this run's marker (all started by the hub tests)."""
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
    # SIGKILL is delivered asynchronously, and a dying server may still fork a child: kill what carries the marker
    # until nothing does (or 10 s pass), so the check after this sees only processes that really outlived the test.
    deadline = time.monotonic() + 10
    while (pids := marked_pids(marker)) and time.monotonic() < deadline:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
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


@dataclass
class Hub:
    url: str
    token: str
    tmp: Path
    work: Path      # the instructor's working clone (push to origin to publish)
    bare: Path      # the repository the class links point at
    log: Path
    marker: str
    process: subprocess.Popen

    def home(self, user: str = STUDENT) -> Path:
        return self.tmp / "home" / user


@contextlib.contextmanager
def running_hub(tmp: Path):
    """A JupyterHub on 127.0.0.1 with its upstream repository in ``tmp``; everything stopped after."""
    import requests

    env = Path(HUB_ENV)
    if not HUB_ENV:
        raise HubError("SPINE_HUB_ENV is not set: run 'make hub-test' or 'make hub-load'")
    for needed in (env / "bin" / "jupyterhub", env / "bin" / "jupyterhub-singleuser", PROXY):
        if not needed.exists():
            raise HubError(f"{needed} is missing: run 'make hub-test'")
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
    log_path = tmp / "jupyterhub.log"
    log = log_path.open("w")
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
                raise HubError("the hub did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.5)
        yield Hub(url=url, token=token, tmp=tmp, work=work, bare=bare, log=log_path, marker=marker,
                  process=process)
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


def landing_pattern(link: str, user: str = STUDENT) -> re.Pattern:
    """The JupyterLab address a student lands on after following ``link``."""
    notebook = parse_qs(urlsplit(link).query)["urlpath"][0].rsplit("/", 1)[-1]
    return re.compile(rf"/user/{re.escape(user)}/lab/tree/.*{re.escape(notebook)}$")


def follow(page, link: str, user: str = STUDENT) -> str:
    """Follow a class link as the student (logging in if asked) until JupyterLab shows the notebook."""
    page.goto(link)
    if "/hub/login" in page.url:
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", "any password works with the dummy log-in")
        page.click("[type=submit]")
    notebook = parse_qs(urlsplit(link).query)["urlpath"][0].rsplit("/", 1)[-1]
    page.wait_for_url(landing_pattern(link, user), timeout=LAND_TIMEOUT_S * 1000)
    try:
        page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel", has_text=notebook).first.wait_for(
            timeout=LAND_TIMEOUT_S * 1000)
        # the notebook itself is drawn: its title (the only H1)
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1").first.wait_for(
            timeout=LAND_TIMEOUT_S * 1000)
    except Exception:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"hub-failed-{user}.png"))
        (SCREENSHOTS / f"hub-failed-{user}.html").write_text(page.content())
        raise
    return page.url


def loopback_only(refused: list[str]):
    """A Playwright route handler: the student's browser may reach 127.0.0.1 only (others are noted in ``refused``)."""

    def handler(route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    return handler


@contextlib.contextmanager
def student_browser(refused: list[str]):
    """A page in a headless Chromium of its own, for one student; it may reach 127.0.0.1 only
    (other requests are refused and noted in ``refused``, which the tests require to stay empty)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", loopback_only(refused))
            yield page
        finally:
            browser.close()


class Server:
    """A student's single-user server, through its REST API and kernel websocket."""

    def __init__(self, hub_url: str, token: str, user: str = STUDENT):
        import requests

        self.user = user
        self.base = f"{hub_url}/user/{user}"
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

    def execute(self, path: str, keep_kernel: bool = False) -> list[tuple[str, list[dict]]]:
        """Run every code cell of the notebook at ``path`` in a fresh kernel started in its
        folder (as JupyterLab does); returns (cell id, iopub outputs) pairs.  With
        ``keep_kernel`` the session stays open (as while a student keeps the notebook open)."""
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
            if not keep_kernel:
                self.http.delete(f"{self.base}/api/sessions/{session['id']}", timeout=60)

    def _request(self, ws, client_session: str, msg_type: str, content: dict, until: tuple[str, str]) -> list[dict]:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.user, "session": client_session, "msg_type": msg_type,
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
