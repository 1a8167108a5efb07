"""Issue 11 (clinical review), the corrections of group B: categories, chemotherapy, radiation, IR, supportive care.

Each test holds one finding so that a later edit cannot quietly bring the error back.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from helpers import chemotherapy, interventional, radiation
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


# -- Section 2: the invasiveness scale ---------------------------------------------

def test_level_one_is_systemic_medicine_and_minimally_invasive_means_levels_two_and_three():
    labels = {int(r["id"]): r["label"].lower() for r in rows("invasiveness_levels")}
    assert labels[1].startswith("systemic medicine")
    assert [k for k, v in labels.items() if "minimally invasive" in v] == [2, 3]
    glossary = {r["id"]: r["definition"] for r in rows("glossary")}
    assert "level 2" in glossary["minimally_invasive"] and "level 3" in glossary["minimally_invasive"]


def test_tablets_and_drips_are_never_called_minimally_invasive():
    texts = [(f"data/{p.name}", p.read_text(encoding="utf-8")) for p in DATA.glob("*.csv") if p.name != "sources.csv"]
    texts += [(p.name, markdown(p)) for p in NOTEBOOKS]
    for where, text in texts:
        for sentence in sentences(text):
            lower = sentence.lower()
            if "minimally invasive" in lower and re.search(r"tablet|drip|oral|infusion|intravenous", lower):
                assert re.search(r"\bnot\b", lower), f"{where}: {sentence[:160]}"


# -- Finding 18: the Ommaya reservoir ---------------------------------------------

def test_ommaya_is_never_said_to_drain_fluid():
    texts = [markdown(p) for p in NOTEBOOKS]
    texts += [value for p in DATA.glob("*.csv") for row in rows(p.stem) for value in row.values()]
    texts += [p.read_text(encoding="utf-8") for p in (DATA / "quizzes").glob("*.json")]
    for text in texts:
        for sentence in sentences(text):
            if re.search(r"Ommaya[^.;]{0,30}\bdrains?\b", sentence):
                assert re.search(r"\bnot\b", sentence), sentence[:160]
    q = question("02_surgery", "goals_for_metastases")
    assert not any("Ommaya" in q.options[i] for i in q.answer)


# -- Findings 9 and 10: cement leakage and CAFE -----------------------------------

def test_leakage_is_a_range_across_reviews_with_populations():
    leaks = [r for r in rows("augmentation_outcomes") if r["measure"] == "cement_leakage"]
    studies = {r["study"] for r in leaks}
    assert len(studies) >= 2
    assert all("osteoporotic" in r["population"] for r in leaks)
    q = question("05_interventional_radiology", "leak_ratio")
    assert q.type != "numeric", "the ratio is not a fact to memorise"
    text = markdown(ROOT / "notebooks" / "05_interventional_radiology.ipynb")
    assert "about three times as often after vertebroplasty" not in text
    fig = interventional.leakage_chart()
    assert all(trace.customdata is not None for trace in fig.data), "the population is in the hover text"


def test_cafe_key_accepts_the_published_paired_change():
    q = question("05_interventional_radiology", "cafe_fall")
    for value in (8.3, 8.5):
        assert abs(value - q.answer) <= q.tolerance + 1e-9, value
    assert "8.3" in q.feedback and "paired" in q.feedback


# -- Notes --------------------------------------------------------------------------

def test_bed_rest_after_cement_has_no_fixed_number():
    for table in ("supportive_care", "ir_nursing_care", "augmentation_comparison", "teaching_points"):
        for row in rows(table):
            text = " ".join(row.values())
            assert not re.search(r"about 1 to 2 hours", text), (table, text[:120])
    post = next(r for r in rows("supportive_care") if r["id"] == "post_procedure_monitoring")
    assert post["practice_varies"] == "true" and "local" in post["nurse_role"]


def test_fracture_after_sbrt_is_subacute_everywhere():
    q = question("04_radiation_therapy", "late_effects")
    assert "subacute" in q.feedback
    key = next(r["text"] for r in rows("teaching_points")
               if r["notebook"] == "04_radiation_therapy" and r["section"] == "key_points" and r["sequence"] == "5")
    assert "subacute" in key and "late effects (myelopathy" in key


def test_cord_limit_table_caption_says_eqd2_is_nominal():
    html = radiation.cord_limits_table()._repr_html_()
    assert "nominal" in html and "own" in html
    assert "*" in "".join(radiation.cord_limits_table().df.iloc[:, 6])
