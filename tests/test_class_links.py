"""Class links (tools/class_links.py), CITATION.cff and CHANGELOG.md."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import class_links  # noqa: E402
import export_common  # noqa: E402

from helpers.course import REPOSITORY, binder_url, nbviewer_url  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_nbgitpuller_link_encoding():
    link = class_links.nbgitpuller_link("https://hub.example.edu/")
    owner, name = REPOSITORY.strip().split("/")
    assert link == (
        "https://hub.example.edu/hub/user-redirect/git-pull"
        f"?repo=https%3A%2F%2Fgithub.com%2F{owner}%2F{name}"
        f"&branch=main&urlpath=lab/tree/{name}/notebooks/00_start_here.ipynb"
    )
    query = parse_qs(urlsplit(link).query)
    assert query == {
        "repo": [f"https://github.com/{owner}/{name}"],
        "branch": ["main"],
        "urlpath": [f"lab/tree/{name}/notebooks/00_start_here.ipynb"],
    }


def test_hub_with_a_path_keeps_it():
    link = class_links.nbgitpuller_link("https://uni.example.edu/jupyter", "01_treatment_overview.ipynb")
    assert link.startswith("https://uni.example.edu/jupyter/hub/user-redirect/git-pull?repo=")
    assert link.endswith("/notebooks/01_treatment_overview.ipynb")


@pytest.mark.parametrize("repo, name", [
    ("file:///srv/git/spine-cancer-treatment-notebooks", "spine-cancer-treatment-notebooks"),
    ("https://git.example.edu/nursing/spine.git", "spine.git"),  # nbgitpuller keeps .git in the folder name
    ("https://gitlab.example.edu/nursing/spine-course/", "spine-course"),
])
def test_repo_override_changes_the_address_and_the_folder(repo, name):
    link = class_links.nbgitpuller_link("http://127.0.0.1:8000", repo=repo)
    query = parse_qs(urlsplit(link).query)
    assert query["repo"] == [repo.rstrip("/")]
    assert query["urlpath"] == [f"lab/tree/{name}/notebooks/00_start_here.ipynb"]


@pytest.mark.parametrize("repo", ["spine.git", "ssh://git@example.edu/x", "https://example.edu/x?y=1"])
def test_bad_repo_is_one_line(repo, capsys):
    assert export_common.run(class_links.main, ["--hub", "https://hub.example.edu", "--repo", repo]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a git address" in err


def test_report_lists_every_notebook(capsys):
    assert export_common.run(class_links.main, ["--hub", "https://hub.example.edu"]) == 0
    out = capsys.readouterr().out
    assert class_links.nbgitpuller_link("https://hub.example.edu") in out
    for path in NOTEBOOKS:
        assert binder_url(path.stem) in out and nbviewer_url(path.stem) in out
        assert f"labpath=notebooks%2F{path.stem}.ipynb" in out


@pytest.mark.parametrize("argv", [[], ["--hub", ""]], ids=["no hub", "empty hub"])
def test_missing_hub_says_how_to_pass_it(argv, capsys):
    assert export_common.run(class_links.main, argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "HUB=https://" in captured.err


@pytest.mark.parametrize("hub", ["hub.example.edu", "ftp://hub.example.edu", "https://hub.example.edu/?x=1"])
def test_bad_hub_is_one_line(hub, capsys):
    assert export_common.run(class_links.main, ["--hub", hub]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a web address" in err


def test_make_target_without_hub():
    make = subprocess.run(["make", "-s", "-n", "class-links"], cwd=ROOT, capture_output=True, text=True)
    if make.returncode != 0:
        pytest.skip("make is not available")
    assert "tools/class_links.py" in make.stdout and "--hub" not in make.stdout
    with_hub = subprocess.run(["make", "-s", "-n", "class-links", "HUB=https://hub.example.edu"],
                              cwd=ROOT, capture_output=True, text=True)
    assert '--hub "https://hub.example.edu"' in with_hub.stdout
    with_repo = subprocess.run(["make", "-s", "-n", "class-links", "HUB=https://hub.example.edu", "REPO=file:///r"],
                               cwd=ROOT, capture_output=True, text=True)
    assert '--repo "file:///r"' in with_repo.stdout


# -- CITATION.cff and CHANGELOG.md -------------------------------------------

def test_citation_cff():
    yaml = pytest.importorskip("yaml")  # not a dependency of the collection; arrives with JupyterLab
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert citation["cff-version"] == "1.2.0"
    assert citation["message"] and citation["title"]
    assert citation["authors"] == [{"name": "Spinal cancer treatment notebooks contributors"}]
    assert citation["version"] == version == "0.1.0"
    assert str(citation["date-released"]) == "2026-11-26"
    assert citation["license"] == ["MIT", "CC-BY-4.0"]
    assert citation["repository-code"] == f"https://github.com/{REPOSITORY.strip()}"


def test_changelog_has_unreleased_section():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "keepachangelog.com" in text
    unreleased = re.search(r"^## \[Unreleased\]\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert unreleased, "no '## [Unreleased]' section"
    body = unreleased.group(1).lower()
    for item in ("platform", "clinical calculators", "dataset", "overview notebook", "instructor tooling"):
        assert item in body, f"CHANGELOG Unreleased does not mention {item}"
