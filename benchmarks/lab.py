"""A JupyterLab of our own for the benchmarks, and Playwright helpers for it.

Minimal twin of ``tests/lab_harness.py`` (written in parallel for the live
JupyterLab test; the two are meant to be unified):

    with jupyterlab() as lab, chromium() as browser:
        page = open_notebook(browser, lab, "notebooks/01_treatment_overview.ipynb")
        run_all(page)

The server runs on a free port with a random token, its root at the
repository, with autosave off (settings in a temporary folder) so running a
notebook never rewrites the stored file.  The kernel loads
``tests/offline_ipython`` like every kernel the tests start.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class Lab:
    url: str
    token: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def jupyterlab(start_timeout: float = 120.0, kernel_startup: str = ""):
    """Start JupyterLab (no browser, repository root); stop it on exit.

    ``kernel_startup``: Python code every kernel runs first (an IPython
    startup file next to the offline guard), e.g. to compare variants.
    """
    port, token = free_port(), secrets.token_hex(16)
    tmp = Path(tempfile.mkdtemp(prefix="spine-lab-"))
    ipython_dir = ROOT / "tests" / "offline_ipython"
    if kernel_startup:
        ipython_dir = tmp / "ipython"
        shutil.copytree(ROOT / "tests" / "offline_ipython", ipython_dir,
                        ignore=shutil.ignore_patterns("*.sqlite*", "log", "db", "pid", "security"))
        (ipython_dir / "profile_default" / "startup" / "99-bench.py").write_text(kernel_startup)
    settings = tmp / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    apputils = tmp / "settings" / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True)
    (apputils / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false",
                                                                           "checkForUpdates": False}))
    env = {**os.environ, "IPYTHONDIR": str(ipython_dir),
           "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
    jupyter = Path(sys.executable).with_name("jupyter")
    log = open(tmp / "lab.log", "w")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--allow-root", f"--port={port}", "--ServerApp.port_retries=0",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
         "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={tmp / 'settings'}",
         f"--LabApp.workspaces_dir={tmp / 'workspaces'}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start; see {tmp / 'lab.log'}") from None
                time.sleep(0.3)
        yield Lab(url, token)
    finally:
        # Our own process group only (start_new_session): the server and its kernels.
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_notebook(browser, lab: Lab, relpath: str, timeout_ms: int = 120_000):
    """A page showing ``relpath`` in JupyterLab with its kernel idle."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # ?reset: a fresh workspace, so only this notebook is open.
    page.goto(f"{lab.url}/lab/tree/{relpath}?reset&token={lab.token}", wait_until="load", timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const app = window.jupyterapp;
            const w = app && app.shell.currentWidget;
            return !!(w && w.content && w.context && w.context.isReady && w.sessionContext.session
                      && w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle');
        }""",
        timeout=timeout_ms,
    )
    return page


def run_all(page, timeout_ms: int = 300_000) -> float:
    """Run every cell; wait until each code cell has run and the kernel is idle.

    Returns the wall time in seconds as the browser sees it.
    """
    start = time.perf_counter()
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp.shell.currentWidget;
            const cells = w.content.widgets.filter(c => c.model.type === 'code');
            return w.sessionContext.session.kernel.status === 'idle'
                && cells.every(c => c.model.executionCount !== null && c.model.executionCount > 0)
                && !document.querySelector('.jp-InputPrompt').textContent.includes('*');
        }""",
        timeout=timeout_ms,
        polling=100,
    )
    return time.perf_counter() - start


def shutdown_kernels(lab: Lab) -> None:
    """Stop every session's kernel (between notebooks), through the REST API."""
    base = f"{lab.url}/api/sessions"
    headers = {"Authorization": f"token {lab.token}"}
    sessions = json.loads(urllib.request.urlopen(urllib.request.Request(base, headers=headers)).read())
    for session in sessions:
        request = urllib.request.Request(f"{base}/{session['id']}", headers=headers, method="DELETE")
        urllib.request.urlopen(request).read()
