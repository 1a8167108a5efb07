"""The README stays true: commands, and links for every notebook."""

from pathlib import Path

from helpers.course import LESSONS, binder_url, nbviewer_url

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_existing_notebook_is_linked_live_and_static():
    for lesson in LESSONS:
        if lesson.exists:
            assert f"notebooks/{lesson.filename}" in README
            assert binder_url(lesson.slug) in README
            assert nbviewer_url(lesson.slug) in README


def test_the_two_commands_are_documented_and_exist():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab", "test", "notebooks", "handouts", "slides", "instructor", "bench", "lms", "flashcards"):
        assert f"make {target}" in README, target
        assert f"\n{target}:" in makefile, target


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
