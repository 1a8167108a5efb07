"""`make lab` as a student meets it, and the class JupyterLab settings."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OVERRIDES = ROOT / "tools" / "jupyterlab" / "overrides.json"
SCREENSHOTS = ROOT / "build" / "screenshots" / "lab"


def make_dry_run(target: str, *options: str) -> str:
    make = subprocess.run(["make", "-s", "-n", *options, target], cwd=ROOT, capture_output=True, text=True)
    if make.returncode != 0:
        pytest.skip("make is not available")
    return make.stdout


def lab_line(venv: Path | None = None) -> str:
    """The shell line `make lab` runs to start JupyterLab (``venv``: this test's environment)."""
    options = [f"VENV={venv}"] if venv else []
    return next(line for line in make_dry_run("lab", *options).splitlines() if "jupyter lab" in line)


def test_overrides_name_real_settings_with_allowed_values():
    overrides = json.loads(OVERRIDES.read_text(encoding="utf-8"))
    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    assert overrides, "the overrides file is empty"
    for plugin, values in overrides.items():
        package, _, name = plugin.partition(":")
        schema_file = schemas / package / f"{name}.json"
        assert schema_file.is_file(), f"{plugin}: no such JupyterLab settings schema in this environment"
        properties = json.loads(schema_file.read_text(encoding="utf-8"))["properties"]
        for key, value in values.items():
            assert key in properties, f"{plugin}: no setting {key!r}"
            spec = properties[key]
            allowed = [choice["const"] for choice in spec.get("oneOf", []) if "const" in choice]
            if allowed:
                assert value in allowed, f"{plugin} {key}: {value!r} is not one of {allowed}"
            elif spec.get("type") == "boolean":
                assert isinstance(value, bool), f"{plugin} {key}: {value!r} is not true/false"
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


@pytest.mark.parametrize("place", ["Makefile", "postBuild", "docs/class-deployment.md"])
def test_every_place_copies_the_one_overrides_file(place):
    text = (ROOT / place).read_text(encoding="utf-8")
    assert "tools/jupyterlab/overrides.json" in text
    assert "share/jupyter/lab/settings" in text


@pytest.mark.parametrize("place", ["Makefile", "postBuild", "docs/class-deployment.md"])
def test_every_place_installs_the_save_setting(place):
    # JupyterLab reads extension switches only from jupyter_server_config.d/ (issue 22, item 1)
    text = (ROOT / place).read_text(encoding="utf-8")
    assert "tools/jupyterlab/spine-notebooks.json" in text
    assert "etc/jupyter/jupyter_server_config.d" in text


def test_the_save_setting_enables_the_helpers_server_extension():
    import importlib

    config = json.loads((ROOT / "tools" / "jupyterlab" / "spine-notebooks.json").read_text(encoding="utf-8"))
    enabled = config["ServerApp"]["jpserver_extensions"]
    assert enabled == {"helpers.saving": True}
    module = importlib.import_module("helpers.saving")
    assert module._jupyter_server_extension_points() == [{"module": "helpers.saving"}]


def test_make_lab_installs_the_collection_without_the_test_tools():
    # -W: as if pyproject.toml had just changed, so make shows the whole set-up
    plan = make_dry_run("lab", "-W", "pyproject.toml")
    installs = [line for line in plan.splitlines() if "pip install" in line and "-c requirements/constraints.txt" in line]
    assert installs, plan
    assert all("[dev]" not in line for line in installs), installs
    assert "[dev]" in make_dry_run("venv", "-W", "pyproject.toml")
    assert "tools/jupyterlab/overrides.json" in plan
    assert "tools/jupyterlab/spine-notebooks.json" in plan


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_start_workspace_is_where_jupyterlab_looks_for_it():
    from jupyterlab_server.workspaces_handler import WORKSPACE_EXTENSION, slugify

    line = lab_line()
    assert "--ServerApp.root_dir=." in line
    start = re.search(r"--LabApp\.default_url=(\S+)", line).group(1)
    assert "?" not in start, "a query in the start address breaks the address JupyterLab prints"
    name = start.rsplit("/workspaces/", 1)[1]
    assert f"/{slugify(name)}{WORKSPACE_EXTENSION}" in line, "the workspace is copied under another name"
    workspace = json.loads((ROOT / "tools" / "jupyterlab" / "spine-start.jupyterlab-workspace").read_text())
    assert workspace["metadata"]["id"] == name
    assert workspace["data"]["file-browser-filebrowser:cwd"] == {"path": ""}
    assert (ROOT / workspace["data"]["notebook:notebooks/00_start_here.ipynb"]["data"]["path"]).is_file()


@pytest.mark.notebooks
@pytest.mark.browser
def test_the_address_make_lab_prints_opens_start_here_at_the_repository_root(tmp_path):
    """Issue 22, item 3: the address printed for copying is one a student can paste."""
    from lab_harness import chromium

    # The very line make lab runs, in this environment, with a browser that does nothing and
    # private runtime/settings folders.
    line = lab_line(Path(sys.prefix))
    env = {**os.environ, "BROWSER": "true", "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings")}
    log = tmp_path / "lab.log"
    with open(log, "w") as out:
        server = subprocess.Popen(["bash", "-c", f"{line} --ServerApp.port={free_port()} --ServerApp.ip=127.0.0.1"],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        printed: list[str] = []
        while not printed and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.5)
            printed = re.findall(r"^\s+(?:or )?(http://\S+)$", log.read_text(), re.M)
        assert printed, f"JupyterLab printed no address: {log.read_text()[-2000:]}"
        for url in printed:
            parts = urllib.parse.urlsplit(url)
            assert url.count("?") == 1 and urllib.parse.parse_qs(parts.query).get("token"), url
        info = json.loads(next((tmp_path / "runtime").glob("jpserver-[0-9]*.json")).read_text())
        assert Path(info["root_dir"]).resolve() == ROOT
        local = next(u for u in printed if "127.0.0.1" in u)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(local, wait_until="domcontentloaded")
            # A pasted address opens JupyterLab itself (no log-in page) with Start here open ...
            page.wait_for_selector(".lm-DockPanel-tabBar .lm-TabBar-tabLabel:text('00_start_here.ipynb')",
                                   timeout=90_000)
            assert page.locator("input[type=password]").count() == 0
            # ... and the file browser at the repository root, data/ and docs/ beside notebooks/.
            try:
                page.wait_for_function("() => Array.from(document.querySelectorAll('.jp-DirListing-itemText'))"
                                       ".some(e => e.textContent.trim() === 'docs')", timeout=60_000)
            finally:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "make_lab_start.png"))
            listed = page.locator(".jp-DirListing-itemText").all_inner_texts()
            page.close()
        assert {"data", "docs", "notebooks"} <= set(listed), listed
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_ci_and_readme_run_the_hub_test():
    assert "make hub-test" in (ROOT / ".ci" / "run").read_text()
    assert "make hub-test" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "\nhub-test:" in (ROOT / "Makefile").read_text()
