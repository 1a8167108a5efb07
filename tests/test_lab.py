"""`make lab` as a student meets it, and the class JupyterLab settings."""

from __future__ import annotations

import html
import json
import os
import re
import shlex
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


def make_dry_run(target: str, *options: str) -> str:
    make = subprocess.run(["make", "-s", "-n", *options, target], cwd=ROOT, capture_output=True, text=True)
    if make.returncode != 0:
        pytest.skip("make is not available")
    return make.stdout


def lab_command() -> list[str]:
    line = next(line for line in make_dry_run("lab").splitlines() if "jupyter lab" in line)
    return shlex.split(line)


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


@pytest.mark.notebooks
def test_make_lab_opens_the_repository_root_with_start_here_open(tmp_path):
    command = lab_command()
    assert "--ServerApp.root_dir=." in command
    # Run the very command, in this environment, with a browser that does nothing and a
    # private runtime folder; JupyterLab writes the page it would open there.
    command[0] = str(Path(sys.executable).parent / "jupyter")
    env = {**os.environ, "BROWSER": "true", "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    server = subprocess.Popen([*command, f"--ServerApp.port={free_port()}", "--ServerApp.ip=127.0.0.1"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        pages = []
        while not pages and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.5)
            pages = list(tmp_path.glob("jpserver-[0-9]*-open.html"))
        assert pages, "JupyterLab did not start"
        target = urllib.parse.urlsplit(html.unescape(re.search(r'url=(\S+?)"', pages[0].read_text()).group(1)))
        # The first notebook opens, and the file browser shows the repository root
        # (data/ and docs/), not notebooks/; the token still reaches the server.
        assert target.path.endswith("/lab/tree/notebooks/00_start_here.ipynb"), target
        query = urllib.parse.parse_qs(target.query)
        assert query.get("file-browser-path") == ["/"], target
        assert query.get("token"), target
        info = json.loads(next(tmp_path.glob("jpserver-[0-9]*.json")).read_text())
        assert Path(info["root_dir"]).resolve() == ROOT
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_ci_and_readme_run_the_hub_test():
    assert "make hub-test" in (ROOT / ".ci" / "run").read_text()
    assert "make hub-test" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "\nhub-test:" in (ROOT / "Makefile").read_text()
