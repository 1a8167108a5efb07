"""The image recipe in docs/class-deployment.md, as tools/hub/image_recipe.py runs it.

(Building and using the environment is tests/test_hub.py, run by make hub-test.)
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools" / "hub"))

import image_recipe  # noqa: E402


def test_the_document_holds_one_runnable_recipe():
    body = image_recipe.recipe()
    for name in image_recipe.SETTINGS:
        assert re.search(rf"^{name}=", body, re.M)
    # what the hub test relies on: the pinned environment, the hub pins, the class settings
    assert "requirements/constraints.txt" in body
    assert "tools/hub/requirements.txt" in body
    assert "tools/jupyterlab/overrides.json" in body
    assert "[dev]" not in body, "the students' image does not need the test tools"
    subprocess.run(["bash", "-n", "-c", body], check=True)  # valid bash


def test_settings_are_replaced_and_quoted():
    body = image_recipe.with_settings(image_recipe.recipe(), ENV="/tmp/with space/env", REPO="file:///r")
    assert "ENV='/tmp/with space/env'" in body.splitlines()
    assert "REPO='file:///r'" in body.splitlines()
    assert "BRANCH=main" in body.splitlines()


def test_a_recipe_without_its_marker_or_settings_is_reported(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("no recipe here\n")
    with pytest.raises(SystemExit, match="no ```bash block"):
        image_recipe.recipe(doc)
    doc.write_text(f"{image_recipe.MARKER}\n```bash\nREPO=x\nBRANCH=main\nBUILD=/tmp/b\necho\n```\n")
    with pytest.raises(SystemExit, match="no longer sets ENV"):
        image_recipe.recipe(doc)


def test_hub_pins_are_exact():
    lines = [line.strip() for line in (ROOT / "tools" / "hub" / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[^\s]+", line) for line in lines), lines
    names = {line.split("==")[0].lower() for line in lines}
    assert {"jupyterhub", "nbgitpuller"} <= names
    constrained = {line.split("==")[0].lower().replace("_", "-")
                   for line in (ROOT / "requirements" / "constraints.txt").read_text().splitlines() if "==" in line}
    assert not names & constrained, "pinned twice (here and in requirements/constraints.txt)"
