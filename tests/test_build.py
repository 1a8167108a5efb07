"""tools/build_notebooks.py: deterministic, protective, loud on failure."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import build_notebooks  # noqa: E402


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "PATH": "/usr/bin:/bin"})


def tiny_notebook(path: Path, code: str = "1 + 1") -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"c{index}"
    nbformat.write(nb, path)


def test_widget_views_are_not_stored():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    nb.cells[0].outputs = [nbformat.v4.new_output(
        "display_data", data={"text/plain": "x", "application/vnd.jupyter.widget-view+json": {"model_id": "abc"}})]
    build_notebooks.drop_widget_views(nb)
    assert nb.cells[0].outputs[0].data == {"text/plain": "x"}


def test_errors_are_found_in_outputs_and_widget_state():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    nb.cells[0].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="bad", traceback=[])]
    nb.metadata["widgets"] = {"state": {"m": {"outputs": [{"output_type": "error"}]}}}
    problems = build_notebooks.find_errors(nb)
    assert problems[0] == "cell 0: ValueError: bad"
    assert "widget state" in problems[1]


@pytest.mark.notebooks
def test_refuses_uncommitted_edits_unless_forced(tmp_path, capsys):
    path = tmp_path / "nb.ipynb"
    tiny_notebook(path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "nb.ipynb")
    git(tmp_path, "commit", "-qm", "x")
    tiny_notebook(path, code="2 + 2")  # a local edit
    before = path.read_bytes()
    assert build_notebooks.main([str(path)]) == 1
    assert "uncommitted edits" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert build_notebooks.main(["--force", str(path)]) == 0
    assert nbformat.read(path, as_version=4).cells[1].outputs[0].data["text/plain"] == "4"


@pytest.mark.notebooks
def test_failing_cell_is_named(tmp_path, capsys):
    path = tmp_path / "nb.ipynb"
    tiny_notebook(path, code="1 / 0")
    assert build_notebooks.main(["--force", str(path)]) == 1
    err = capsys.readouterr().err
    assert "nb.ipynb: cell 1 failed" in err and "ZeroDivisionError" in err


@pytest.mark.notebooks
def test_rebuilding_an_unchanged_notebook_gives_identical_bytes(tmp_path):
    path = tmp_path / "00_start_here.ipynb"
    shutil.copy(ROOT / "notebooks" / "00_start_here.ipynb", path)
    assert build_notebooks.main(["--force", str(path)]) == 0
    first = path.read_bytes()
    assert build_notebooks.main(["--force", str(path)]) == 0
    assert path.read_bytes() == first


def test_new_lesson_skeleton_has_every_required_section():
    sys.path.insert(0, str(ROOT / "tools" / "authoring"))
    import new_lesson
    from test_notebook_lint import LESSON_SECTIONS, headings

    nb = nbformat.v4.new_notebook(cells=new_lesson.skeleton("09_topic", "Topic"))
    titles = [title for _level, title in headings(nb)]
    assert [level for level, _ in headings(nb)].count(1) == 1
    for section in LESSON_SECTIONS:
        assert any(t.startswith(section) for t in titles), section
    assert sum("navigation" in c.metadata.get("tags", []) for c in nb.cells) == 2
