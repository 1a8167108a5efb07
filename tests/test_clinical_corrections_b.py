"""Issue 11 (clinical review), the corrections of group B: categories, chemotherapy, radiation, IR, supportive care.

Each test holds one finding so that a later edit cannot quietly bring the error back.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from helpers import chemotherapy, radiation
from helpers import supportive_care as sc
from helpers.quiz import load_quiz

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def rows(table: str) -> list[dict[str, str]]:
    with open(DATA / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def question(notebook: str, qid: str):
    return next(q for q in load_quiz(notebook) if q.id == qid)


def instructor(notebook: str) -> dict:
    return json.loads((DATA / "instructor" / f"{notebook}.json").read_text(encoding="utf-8"))


def markdown(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.;:!?])\s+", " ".join(text.split()))


def test_cafe_key_accepts_the_published_paired_change():
    q = question("05_interventional_radiology", "cafe_fall")
    for value in (8.3, 8.5):
        assert abs(value - q.answer) <= q.tolerance + 1e-9, value
    assert "8.3" in q.feedback and "paired" in q.feedback


# -- Notes --------------------------------------------------------------------------

