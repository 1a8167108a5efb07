"""Work kept between kernels (helpers.cache): the validated data snapshot, checked JSON, compiled templates.

Each cache must change nothing but speed: what a lesson gets with a cache
entry equals what it gets with caching off, and a changed or broken file is
checked again, with the same one-line error, whatever the cache holds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import cache
from helpers import data as d
from helpers import render
from helpers.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(folder))
    d.clear_cache()
    yield folder
    d.clear_cache()


@pytest.fixture
def data_copy(tmp_path, monkeypatch, cache_folder):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setenv(d.DATA_DIR_ENV, str(copy))
    d.clear_cache()
    yield copy
    d.clear_cache()


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, (path.name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def snapshots(folder: Path) -> list[Path]:
    return sorted((folder / "data").glob("*.pickle"))


def load_in_fresh_process(names: list[str], env: dict) -> dict:
    """Tables loaded by a new Python process (as a new kernel would), as JSON-able records."""
    code = ("import json, sys; from helpers import data as d; "
            "print(json.dumps({n: d.load(n).astype(str).to_dict('split') for n in sys.argv[1:]}))")
    result = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **env})
    return json.loads(result.stdout)


def test_the_first_load_stores_one_snapshot_and_the_next_process_gets_the_same_tables(data_copy, cache_folder):
    names = ["side_effects", "modalities", "sources"]
    first = load_in_fresh_process(names, {})
    assert len(snapshots(cache_folder)) == 1
    second = load_in_fresh_process(names, {})  # from the snapshot
    uncached = load_in_fresh_process(names, {cache.CACHE_DIR_ENV: "off"})
    assert first == second == uncached
    assert len(snapshots(cache_folder)) == 1


def test_snapshot_tables_keep_their_types(data_copy):
    checked = {name: d._checked_load(str(data_copy), name) for name in ("side_effects", "modalities")}
    d.clear_cache()
    d.load("sources")  # makes the snapshot
    d.clear_cache()
    for name, frame in checked.items():  # the snapshot's table, before claim placeholders are replaced
        pd.testing.assert_frame_equal(d._load(str(data_copy), name), frame)
    assert d.load("modalities")["invasiveness_level"].cat.ordered


def test_a_row_broken_after_a_snapshot_is_still_reported(data_copy, cache_folder):
    d.load("side_effects")
    assert len(snapshots(cache_folder)) == 1
    replace_in(data_copy / "goals.csv", ",Adjuvant treatment,", ", Adjuvant treatment,")
    d.clear_cache()
    with pytest.raises(DataError) as caught:
        d.load("goals")
    assert "goals.csv" in str(caught.value) and "spaces" in str(caught.value)
    assert len(snapshots(cache_folder)) == 1, "a folder with a broken table must get no snapshot"
    assert d.load("modalities").loc[0, "name"] == "Surgery"  # unbroken tables still load, checked one by one


def test_a_changed_value_is_seen_although_a_snapshot_of_the_old_data_exists(data_copy):
    assert d.load("modalities").loc[0, "name"] == "Surgery"
    replace_in(data_copy / "modalities.csv", "surgery,Surgery,", "surgery,Operations,")
    d.clear_cache()
    assert d.load("modalities").loc[0, "name"] == "Operations"


def test_a_new_file_in_the_data_folder_makes_a_new_snapshot(data_copy, cache_folder):
    d.load("goals")
    (data_copy / "notes_for_reviewers.txt").write_text("a file the loader does not read\n", encoding="utf-8")
    d.clear_cache()
    d.load("goals")
    assert len(snapshots(cache_folder)) == 2


def test_a_damaged_snapshot_is_a_miss(data_copy, cache_folder):
    d.load("goals")
    (entry,) = snapshots(cache_folder)
    entry.write_bytes(b"not a pickle")
    d.clear_cache()
    assert d.load("goals")["id"].tolist() == [r.split(",")[0] for r in
                                              (data_copy / "goals.csv").read_text().splitlines()[1:]]


def test_no_cache_folder_is_no_error(data_copy, tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(blocked / "cache"))  # cannot be created
    d.clear_cache()
    assert cache.cache_dir() is None
    assert d.load("modalities").loc[0, "name"] == "Surgery"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, "off")
    assert cache.cache_dir() is None


def test_old_snapshots_are_pruned(tmp_path):
    for n in range(12):
        path = tmp_path / f"{n}.pickle"
        cache.write_pickle(path, n)
        os.utime(path, (1000 + n, 1000 + n))
    cache.prune(tmp_path, "*.pickle", 8)
    assert sorted(int(p.stem) for p in tmp_path.glob("*.pickle")) == list(range(4, 12))
    assert cache.read_pickle(tmp_path / "11.pickle") == 11


def test_a_quiz_broken_after_a_successful_check_is_reported(data_copy):
    from helpers import quiz

    quiz_file = data_copy / "quizzes" / "01_treatment_overview.json"
    quiz._load_quiz.cache_clear()
    assert quiz.load_quiz("01_treatment_overview")
    content = json.loads(quiz_file.read_text(encoding="utf-8"))
    first = content["questions"][0] if isinstance(content, dict) else content[0]
    first.pop(next(iter(first)))  # the first required key of the first question goes
    quiz_file.write_text(json.dumps(content), encoding="utf-8")
    d.clear_cache()
    quiz._load_quiz.cache_clear()
    with pytest.raises(DataError) as caught:
        quiz.load_quiz("01_treatment_overview")
    assert "01_treatment_overview.json" in str(caught.value) and "\n" not in str(caught.value)


def test_templates_render_the_same_from_compiled_cache(cache_folder, monkeypatch):
    def fresh_render() -> str:
        render.environment.cache_clear()
        return str(render.render("message.html.j2", kind="info", text="<b>as text</b>"))

    monkeypatch.setenv(cache.CACHE_DIR_ENV, "off")
    uncached = fresh_render()
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(cache_folder))
    first, second = fresh_render(), fresh_render()
    render.environment.cache_clear()
    assert uncached == first == second
    assert "&lt;b&gt;as text&lt;/b&gt;" in uncached
    assert list((cache_folder / "templates").rglob("*.cache")), "no compiled template was stored"
    for entry in (cache_folder / "templates").rglob("*.cache"):
        entry.write_bytes(b"damaged")
    assert fresh_render() == uncached
    render.environment.cache_clear()
