"""Build a hub user environment with the image recipe of docs/class-deployment.md.

    python tools/hub/image_recipe.py --env .venv-hub [--repo file:///path/to/clone] [--branch main]

Reads the ``bash`` block that follows the marker line in the document, replaces
the settings at its top (ENV, REPO, BRANCH, BUILD) and runs it, so the hub test
starts students in an environment made by the very commands the document
gives. The repository defaults to this checkout's current commit (so the image
is "older" than any later edit, as on a real hub).  A stamp
in the environment, keyed on the recipe and the pin files, makes a second run
with nothing changed skip the build.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "class-deployment.md"
MARKER = "<!-- image recipe: make hub-test runs this block -->"
SETTINGS = ("ENV", "REPO", "BRANCH", "BUILD")
PIN_FILES = ("pyproject.toml", "requirements/constraints.txt", "tools/hub/requirements.txt",
             "tools/jupyterlab/overrides.json", "tools/jupyterlab/spine-notebooks.json")


def recipe(doc: Path = DOC) -> str:
    """The recipe block's text (without the fences)."""
    text = doc.read_text(encoding="utf-8")
    match = re.search(re.escape(MARKER) + r"\s*\n```bash\n(.*?)\n```", text, re.S)
    if not match:
        raise SystemExit(f"{doc.name}: no ```bash block after {MARKER!r}")
    body = match.group(1)
    for name in SETTINGS:
        if not re.search(rf"^{name}=\S+$", body, re.M):
            raise SystemExit(f"{doc.name}: the image recipe no longer sets {name}=... on a line of its own")
    return body


def with_settings(body: str, **settings: str) -> str:
    """The recipe with its settings lines replaced (values are shell-quoted)."""
    for name, value in settings.items():
        quoted = "'" + value.replace("'", "'\\''") + "'"
        body = re.sub(rf"^{name}=\S+$", lambda _m: f"{name}={quoted}", body, count=1, flags=re.M)
    return body


def stamp_name(body: str) -> str:
    digest = hashlib.sha1(body.encode())
    for rel in PIN_FILES:
        digest.update((ROOT / rel).read_bytes())
    return f".recipe-{digest.hexdigest()[:12]}"


def build(env: Path, repo: str, branch: str) -> Path:
    body = recipe()
    env = env.resolve()
    stamp = env / stamp_name(body)
    if stamp.exists():
        return env
    if env.exists():
        shutil.rmtree(env)
    with tempfile.TemporaryDirectory(prefix="spine-image-") as tmp:
        script = with_settings(body, ENV=str(env), REPO=repo, BRANCH=branch, BUILD=str(Path(tmp) / "build"))
        print(f"Building the hub user environment in {env} with the image recipe of docs/class-deployment.md...")
        subprocess.run(["bash", "-c", script], check=True)
    stamp.touch()
    return env


def checkout_as_repository(tmp: Path) -> str:
    """A bare repository in ``tmp`` whose ``main`` is this checkout's current commit (works on
    any branch and on a detached HEAD, as in CI); the checkout itself is not changed."""
    bare = tmp / "checkout.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    subprocess.run(["git", "push", "-q", str(bare), "HEAD:refs/heads/main"], cwd=ROOT, check=True)
    return bare.as_uri()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", type=Path, required=True, help="where the environment goes")
    parser.add_argument("--repo", default="", help="git address to build from (default: this checkout's current commit)")
    parser.add_argument("--branch", default="main", help="branch to build from (default: main)")
    args = parser.parse_args(argv)
    try:
        if args.repo:
            build(args.env, args.repo, args.branch)
        else:
            with tempfile.TemporaryDirectory(prefix="spine-checkout-") as tmp:
                build(args.env, checkout_as_repository(Path(tmp)), "main")
    except subprocess.CalledProcessError as error:
        print(f"the image recipe failed (exit status {error.returncode}); see the messages above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
