"""Drive a real JupyterLab in headless Chromium: start it, open a notebook, run it.

Used by tests/test_lab_controls.py (every live control shows its whole label
and value) and by benchmarks/bench.py (explorer latency).  The API is five names:

    from lab_harness import chromium, jupyter_lab, open_notebook, run_all_cells

    with jupyter_lab(root) as lab, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        open_notebook(page, lab, "notebooks/03_chemotherapy.ipynb")
        seconds = run_all_cells(page)          # waits until every cell has run
        shutdown_kernels(lab)                  # between notebooks

``jupyter_lab(root)`` starts ``jupyter lab`` from this environment on a free
local port with a random token, ``root`` as the server root and private,
throw-away settings/workspaces/data folders (no news pop-up, no autosave, no
windowed notebook rendering: every cell is laid out so it can be measured).
``settings=None`` keeps JupyterLab's default settings instead (autosave on),
as a student's JupyterLab has them; ``server_config`` adds a Jupyter server
config file to ``jupyter_server_config.d`` (``tools/jupyterlab/
spine-notebooks.json``, as ``make lab`` installs it).
Kernels it starts load the offline IPython profile in tests/offline_ipython
(network blocked, no history written).  It yields a :class:`Lab` whose
``url(path)`` gives an authenticated URL, and stops the server on exit.

``chromium()`` launches Debian's chromium through Playwright with the same
arguments as the render test.  Nothing here reaches the internet.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
OFFLINE_IPYTHONDIR = ROOT / "tests" / "offline_ipython"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# User settings for the test server (JupyterLab's settings folder layout).
_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # "none": every cell is in the DOM and laid out, so widths can be measured.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

# A notebook panel's state, read from the app exposed with --LabApp.expose_app_in_browser.
_NOTEBOOK_STATE = """() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const prompts = Array.from(panel.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
      .map(p => p.textContent.trim());
  return {
    ready: panel.context.isReady,
    kernel: kernel ? kernel.status : 'none',
    running: prompts.filter(p => p.includes('*')).length,
    unrun: prompts.filter(p => p === '[ ]:' || p === '').length,
    cells: prompts.length,
  };
}"""


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: ``base_url`` ends with '/', ``token`` authenticates."""

    base_url: str
    token: str
    root: Path
    data_dir: Path  # the server's Jupyter data folder (its notebook signatures)

    def url(self, path: str = "lab") -> str:
        """Authenticated URL for ``path`` relative to the server (e.g. 'lab/tree/notebooks/x.ipynb')."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path.lstrip('/')}{sep}token={self.token}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(root: Path | str = ROOT, *, timeout: float = 90.0, log: Path | None = None,
                ipython_dir: Path | None = None, settings: dict | None = _SETTINGS,
                server_config: Path | None = None) -> Iterator[Lab]:
    """Start ``jupyter lab`` serving ``root``; yield a :class:`Lab`; stop it on exit.

    ``log`` (optional) receives the server's output, useful when it fails to
    start.  ``ipython_dir`` replaces the offline profile folder the kernels
    load (a copy of it with extra start-up code, for benchmarks).  ``settings``
    (JupyterLab user settings by file; None: JupyterLab's defaults) and
    ``server_config`` (a server config file) are described
    above.  Raises RuntimeError if the server is not answering after
    ``timeout`` s.
    """
    root = Path(root).resolve()
    token = secrets.token_hex(16)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="lab-harness-") as tmp:
        tmp_path = Path(tmp)
        settings_dir = tmp_path / "settings"
        settings_dir.mkdir()
        for rel, value in (settings or {}).items():
            target = settings_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(value), encoding="utf-8")
        config_dir = tmp_path / "config"
        if server_config is not None:
            (config_dir / "jupyter_server_config.d").mkdir(parents=True)
            shutil.copy(server_config, config_dir / "jupyter_server_config.d" / Path(server_config).name)
        env = {
            **os.environ,
            "IPYTHONDIR": str(ipython_dir or OFFLINE_IPYTHONDIR),
            "JUPYTERLAB_SETTINGS_DIR": str(settings_dir),
            "JUPYTER_DATA_DIR": str(tmp_path / "data"),
            "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
            "JUPYTER_CONFIG_DIR": str(config_dir),
        }
        jupyter = Path(sys.executable).with_name("jupyter")
        cmd = [
            str(jupyter), "lab", "--allow-root", "--no-browser",
            "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
            f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=", "--ServerApp.open_browser=False",
        ]
        out = open(log, "wb") if log else subprocess.DEVNULL
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root)
        lab = Lab(f"http://127.0.0.1:{port}/", token, root, tmp_path / "data")
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"jupyter lab exited with code {proc.returncode} (see {log or 'its log'})")
                try:
                    with urllib.request.urlopen(lab.url("api/status"), timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s")
                time.sleep(0.3)
            yield lab
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if log:
                out.close()


@contextlib.contextmanager
def chromium():
    """Headless Debian chromium driven by Playwright (same arguments as the render test)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"headless Chromium not found at {CHROMIUM}: run 'make test' (it installs it) or set CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def notebook_state(page) -> dict | None:
    """The current notebook's state: ready, kernel status, cells running/unrun/total."""
    return page.evaluate(_NOTEBOOK_STATE)


def _wait(page, predicate, what: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = notebook_state(page)
        if state and predicate(state):
            return state
        page.wait_for_timeout(200)
    raise TimeoutError(f"{what} not reached within {timeout:.0f} s (last state: {state})")


def open_notebook(page, lab: Lab, path: str, *, timeout: float = 90.0) -> None:
    """Open ``path`` (relative to the server root) in JupyterLab and wait for an idle kernel."""
    # ?reset: start from an empty workspace, so only this notebook is open.
    page.goto(lab.url(f"lab/tree/{path}?reset"), wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget", timeout=timeout * 1000)
    _wait(page, lambda s: s["ready"] and s["kernel"] == "idle", f"{path}: kernel idle", timeout)


def run_all_cells(page, *, timeout: float = 240.0) -> float:
    """Run every cell of the open notebook; return the seconds until all have run and the kernel is idle."""
    start = time.monotonic()
    # The command's promise settles when the last cell has finished executing.
    finished = page.evaluate(
        """async (ms) => {
             const run = window.jupyterapp.commands.execute('notebook:run-all-cells').then(() => true);
             const late = new Promise(resolve => setTimeout(() => resolve(false), ms));
             return Promise.race([run, late]);
           }""",
        timeout * 1000,
    )
    if not finished:
        raise TimeoutError(f"cells still running after {timeout:.0f} s (state: {notebook_state(page)})")
    _wait(page, lambda s: s["kernel"] == "idle" and s["running"] == 0 and s["unrun"] == 0,
          "all cells run", max(5.0, timeout - (time.monotonic() - start)))
    return time.monotonic() - start


def shutdown_kernels(lab: Lab) -> None:
    """Stop every session's kernel through the REST API (between notebooks)."""
    headers = {"Authorization": f"token {lab.token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{lab.base_url}api/sessions", headers=headers)) as r:
        sessions = json.loads(r.read())
    for session in sessions:
        request = urllib.request.Request(f"{lab.base_url}api/sessions/{session['id']}", headers=headers,
                                         method="DELETE")
        urllib.request.urlopen(request).read()
