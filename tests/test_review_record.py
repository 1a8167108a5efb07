"""The review record (issue 11, section 4): one date per notebook, from one place, shown in every notebook."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import data as d
from helpers import lesson, review
from helpers.course import LESSONS
from helpers.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
RECORD = ROOT / "docs" / "clinical-review.md"
CALL = re.compile(r'lesson\.last_checked\("([0-9]{2}_[a-z_]+)"\)')


def log_rows() -> dict[str, dict[str, str]]:
    with open(DATA / "review_log.csv", encoding="utf-8", newline="") as f:
        return {row["notebook"]: row for row in csv.DictReader(f)}


@pytest.fixture(autouse=True)
def _fresh_cache():
    d.clear_cache()
    yield
    d.clear_cache()


def test_every_lesson_has_exactly_one_review_row():
    assert set(log_rows()) == {item.slug for item in LESSONS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_shows_its_review_line_near_the_notice(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    notice = next(i for i, c in enumerate(cells) if "not medical advice" in "".join(c["source"]))
    calls = [(i, c) for i, c in enumerate(cells) if c["cell_type"] == "code" and CALL.search("".join(c["source"]))]
    assert len(calls) == 1, f"{path.name}: needs exactly one lesson.last_checked(...) cell"
    index, cell = calls[0]
    assert CALL.search("".join(cell["source"]))[1] == path.stem, f"{path.name}: the review line names another notebook"
    setup = next(i for i, c in enumerate(cells) if c["cell_type"] == "code" and "setup()" in "".join(c["source"]))
    # Right after the notice, or right after the set-up cell (which must run first: it
    # makes the notebook use this copy's helpers).
    assert 0 < index - notice <= 3 or index == setup + 1, (
        f"{path.name}: the review line is not next to the educational-use notice or the set-up cell")
    assert index > setup, f"{path.name}: the review line runs before the set-up cell"
    # The stored output (what nbviewer shows) carries the date from review_log.csv.
    shown = review._long_date(review.checked_on(path.stem))
    outputs = json.dumps(cell.get("outputs", []), ensure_ascii=False)
    assert shown in outputs, f"{path.name}: stored review line does not show {shown}; rebuild the notebook"
    assert "clinical-review.md" in outputs


def test_no_notebook_prose_or_helper_hard_codes_a_review_date():
    dates = {row["checked_on"] for row in log_rows().values()}
    spelled = {review._long_date(review.checked_on(slug)) for slug in log_rows()}
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            source = "".join(cell["source"])
            for text in dates | spelled:
                assert text not in source, f"{path.name}: {text!r} typed into a cell; it belongs in data/review_log.csv"
    for module in (ROOT / "src" / "helpers").rglob("*"):
        if module.is_file() and module.suffix in {".py", ".j2"}:
            body = module.read_text(encoding="utf-8")
            for text in dates | spelled:
                assert text not in body, f"{module.name} hard-codes the review date {text!r}"


def test_the_date_comes_from_review_log(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("quizzes", "instructor"))
    text = (copy / "review_log.csv").read_text(encoding="utf-8")
    changed = re.sub(r"^04_radiation_therapy,\d{4}-\d{2}-\d{2}", "04_radiation_therapy,2027-02-03", text, flags=re.M)
    assert changed != text
    (copy / "review_log.csv").write_text(changed, encoding="utf-8")
    monkeypatch.setenv(d.DATA_DIR_ENV, str(copy))
    d.clear_cache()
    line = lesson.last_checked("04_radiation_therapy")
    assert "3 February 2027" in line._repr_html_() and 'datetime="2027-02-03"' in line._repr_html_()
    assert "3 February 2027" in repr(line)
    assert "3 February 2027" not in lesson.last_checked("03_chemotherapy")._repr_html_()


def test_review_line_is_escaped_text_and_one_line():
    line = lesson.last_checked("03_chemotherapy")
    html = line._repr_html_()
    assert html.count("<p") == 1 and "\n" not in repr(line)
    assert 'href="https://github.com/spine-oncology-nursing/spine-cancer-treatment-notebooks/blob/main/docs/clinical-review.md"' in html


def test_unknown_notebook_and_bad_dates_give_one_clear_line(tmp_path, monkeypatch):
    with pytest.raises(DataError, match="no row for notebook '09_nothing'") as caught:
        lesson.last_checked("09_nothing")
    assert "\n" not in str(caught.value)
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("quizzes", "instructor"))
    text = (copy / "review_log.csv").read_text(encoding="utf-8")
    broken = re.sub(r"^05_interventional_radiology,\d{4}-\d{2}-\d{2}", "05_interventional_radiology,2026-02-30",
                    text, flags=re.M)
    assert broken != text  # whatever the current date, the row now holds an impossible one
    (copy / "review_log.csv").write_text(broken, encoding="utf-8")
    monkeypatch.setenv(d.DATA_DIR_ENV, str(copy))
    d.clear_cache()
    with pytest.raises(DataError, match="YYYY-MM-DD"):
        review.checked_on("05_interventional_radiology")


def test_the_record_covers_every_notebook_with_its_date_and_the_findings():
    text = RECORD.read_text(encoding="utf-8")
    for slug, row in log_rows().items():
        section = re.search(rf"^## {slug[:2]} .*?(?=^## |\Z)", text, flags=re.M | re.S)
        assert section, f"docs/clinical-review.md has no section for {slug}"
        body = section.group(0)
        assert row["checked_on"] in body, f"{slug}: record and review_log.csv disagree on the date"
        for heading in ("Checked against", "Changed", "Open"):
            assert heading in body, f"{slug}: the record has no '{heading}' part"
    for number in range(1, 20):
        assert re.search(rf"\bfinding {number}\b", text, flags=re.I), f"finding {number} of issue 11 is not in the record"
