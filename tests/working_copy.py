"""A throw-away git repository holding this checkout as it is now."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

GIT_USER = ["-c", "user.name=Test instructor", "-c", "user.email=instructor@example.invalid",
            "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *GIT_USER, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def checkout_files(source: Path = ROOT) -> list[str]:
    """The checkout's files: tracked and new, not ignored (uncommitted edits included)."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=source, check=True, capture_output=True).stdout.decode()
    return [rel for rel in filter(None, listing.split("\0")) if (source / rel).is_file()]


def copy_checkout(dest: Path, source: Path = ROOT) -> Path:
    """Copy the files of the checkout ``source`` (:func:`checkout_files`) into ``dest`` and
    commit them there on branch ``main``."""
    for rel in checkout_files(source):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / rel, target)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "Snapshot of the checkout")
    return dest


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: expected {old!r} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")
