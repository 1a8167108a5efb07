"""Mutation check: does ``tests/`` fail when the collection is wrong?

Applies one small, realistic mutation at a time (a band edge, a quiz key, a
cited number, an escaping switch...) from a list of specs
(``tools/mutations.toml``), runs ``pytest tests -q -x -p no:cacheprovider``
WITHOUT nbval (the notebooks folder is not collected, so a changed stored
output cannot be what kills a mutation), and reports for each mutation
whether the suite failed ("killed") or passed ("survived"), and the kill rate.

The working tree is never touched: the repository (tracked and untracked,
not ignored, files, so uncommitted edits are included) is copied to a
scratch folder once; each mutation is written there, tested and undone.
The copy's ``src/`` is put first on ``PYTHONPATH``, so the editable install
of the virtual environment imports the mutated helpers, and no bytecode is
written (a mutation that keeps a file's size within the same second would
otherwise be read from a stale ``.pyc``).

Not part of ``make test`` (a full run takes a long time).  Usage::

    .venv/bin/python tools/mutation_check.py              # every spec, whole tests/ folder each time
    .venv/bin/python tools/mutation_check.py --fast       # each spec's own tests first, whole folder if they pass
    .venv/bin/python tools/mutation_check.py --only sins_band_edge,bed_formula
    .venv/bin/python tools/mutation_check.py --list       # the specs, without running anything
    .venv/bin/python tools/mutation_check.py --source ../other-branch --own-only --skip-baseline --only ID
                     # a quick look: do another checkout's own tests kill these? (not the figure)

``--fast`` gives the same figure as a full run: a mutation its own tests
kill is killed by the whole folder too, and a mutation they do not kill is
run against the whole folder before it is called a survivor.

A spec (one ``[[mutation]]`` table in the TOML file):

    id      unique name
    area    what part of the collection it hits (band edge, NOMS, CTCAE, quiz key ...)
    file    path relative to the repository, or a list of paths/globs; the ``old``
            text must occur exactly once in exactly one matching file (so a spec
            survives a module being split into a package)
    old     exact text to replace
    new     its replacement
    models  the mistake it stands for, in words
    tests   optional: the test files or node ids to try first with ``--fast``

A spec whose ``old`` text is no longer found is reported "not applicable"
and left out of the rate: update or drop it.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from working_copy import checkout_files, copy_checkout  # noqa: E402  (one way to copy a checkout)

DEFAULT_SPECS = ROOT / "tools" / "mutations.toml"
PYTEST_ARGS = ["-q", "-x", "-p", "no:cacheprovider"]
# Ignored folders the tests need, linked into the copy rather than copied.
LINKED = ("tools/plotlyjs/node_modules", "tools/hub/node_modules", "tools/axe/node_modules")


@dataclass
class Spec:
    id: str
    area: str
    file: list[str]
    old: str
    new: str
    models: str
    tests: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    spec: Spec
    status: str  # killed, survived, not applicable, error, timeout
    seconds: float = 0.0
    killer: str = ""
    detail: str = ""


def load_specs(path: Path) -> list[Spec]:
    """The specs of a TOML file; refuses repeated ids, missing fields and no-op mutations."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    specs, seen = [], set()
    for number, entry in enumerate(raw.get("mutation", []), start=1):
        missing = [k for k in ("id", "area", "file", "old", "new", "models") if k not in entry]
        if missing:
            raise SystemExit(f"{path.name}: mutation {number} has no {', '.join(missing)}")
        if entry["id"] in seen:
            raise SystemExit(f"{path.name}: mutation id {entry['id']!r} is used twice")
        if entry["old"] == entry["new"]:
            raise SystemExit(f"{path.name}: mutation {entry['id']!r} changes nothing")
        seen.add(entry["id"])
        files = entry["file"] if isinstance(entry["file"], list) else [entry["file"]]
        specs.append(Spec(entry["id"], entry["area"], files, entry["old"], entry["new"], entry["models"],
                          list(entry.get("tests", []))))
    return specs


def make_copy(source: Path, scratch: Path) -> list[str]:
    """Copy ``source`` into ``scratch`` as the tests' own working copies do; returns the files copied."""
    copy_checkout(scratch, source)
    for rel in LINKED:
        if (source / rel).is_dir():
            (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(source / rel, scratch / rel)
    return checkout_files(source)


def digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def locate(spec: Spec, scratch: Path) -> tuple[Path | None, str]:
    """The one file holding ``old`` exactly once, or (None, why not)."""
    candidates: list[Path] = []
    for pattern in spec.file:
        candidates += sorted(Path(p) for p in glob.glob(str(scratch / pattern), recursive=True))
    hits = []
    for path in dict.fromkeys(candidates):
        if path.is_file():
            count = path.read_text(encoding="utf-8").count(spec.old)
            if count:
                hits.append((path, count))
    if not hits:
        return None, "old text not found in " + ", ".join(spec.file)
    if len(hits) > 1 or hits[0][1] > 1:
        where = ", ".join(f"{p.relative_to(scratch)} ({n}x)" for p, n in hits)
        return None, f"old text is not unique: {where}"
    return hits[0][0], ""


def environment(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(scratch / "src"), env.get("PYTHONPATH", "")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("SPINE_DATA_DIR", None)
    return env


# The short summary's line: "FAILED tests/x.py::test_y[a b] - message" (a node id may hold spaces).
_FAILED = re.compile(r"^(?:FAILED|ERROR) (tests/\S+?\.py(?:::.+?)?)(?: - .*)?$", re.M)


def run_pytest(scratch: Path, targets: list[str], timeout: float, python: str) -> tuple[str, float, str, str]:
    """(status, seconds, first failing test, last lines of output) of one pytest run in the copy."""
    start = time.monotonic()
    try:
        done = subprocess.run([python, "-m", "pytest", *targets, *PYTEST_ARGS], cwd=scratch,
                              env=environment(scratch), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - start, "", ""
    seconds = time.monotonic() - start
    output = done.stdout + done.stderr
    tail = "\n".join(output.strip().splitlines()[-15:])
    if done.returncode == 0:
        return "survived", seconds, "", tail
    if done.returncode in (1, 2):  # tests failed, or collection was interrupted by an error
        match = _FAILED.search(output)
        return "killed", seconds, match.group(1) if match else "(collection error)", tail
    return "error", seconds, "", tail


def check_helpers_come_from(scratch: Path, python: str) -> None:
    """Refuse to run if the copy's helpers are not the ones imported (every mutation would survive)."""
    probe = subprocess.run([python, "-c", "import helpers, sys; print(helpers.__file__)"], cwd=scratch,
                           env=environment(scratch), capture_output=True, text=True, check=True)
    location = Path(probe.stdout.strip()).resolve()
    if scratch.resolve() not in location.parents:
        raise SystemExit(f"the copy's helpers are not imported (got {location}); is the package installed "
                         "in a way PYTHONPATH cannot shadow?")


def reproduced(scratch: Path, killer: str, args) -> tuple[bool, float]:
    """Does the failing test fail again on its own?  (A kill counts only then: under load a notebook
    test can time out whatever the mutation, and that is not the suite noticing it.)"""
    if killer == "(collection error)":
        return True, 0.0
    status, seconds, _killer, _tail = run_pytest(scratch, [killer], args.timeout, args.python)
    return status == "killed", seconds


def mutate_and_test(spec: Spec, scratch: Path, snapshot: dict[str, str], args) -> Outcome:
    path, why = locate(spec, scratch)
    if path is None:
        return Outcome(spec, "not applicable", detail=why)
    original = path.read_bytes()
    path.write_bytes(original.decode("utf-8").replace(spec.old, spec.new).encode("utf-8"))
    total = 0.0
    try:
        own = [t for t in spec.tests if (scratch / t.split("::")[0]).exists()]  # a module not written yet is skipped
        if args.own_only:  # a quick look at another checkout, not the figure: no whole-folder run
            if not own:
                return Outcome(spec, "not applicable", detail="no own tests in this checkout")
            status, seconds, killer, tail = run_pytest(scratch, own, args.timeout, args.python)
            again, more = reproduced(scratch, killer, args) if status == "killed" else (False, 0.0)
            return Outcome(spec, "killed" if again else "survived own tests", seconds + more, killer if again else "",
                           tail)
        runs = ([own] if args.fast and own else []) + [["tests"], ["tests"]]  # the whole folder twice at most
        flaky = ""
        for number, targets in enumerate(runs):
            if number == len(runs) - 1 and not flaky:
                break  # the second whole-folder run is only for a failure that did not reproduce
            status, seconds, killer, tail = run_pytest(scratch, targets, args.timeout, args.python)
            total += seconds
            if status == "killed":
                again, seconds = reproduced(scratch, killer, args)
                total += seconds
                if again:
                    return Outcome(spec, status, total, killer, tail)
                flaky = killer
                print(f"  note: {killer} failed but passes on its own; not counted as a kill", flush=True)
            elif targets == ["tests"]:
                return Outcome(spec, status, total, killer, tail)
        return Outcome(spec, "survived", total, "", f"only failures that did not reproduce ({flaky})")
    finally:
        path.write_bytes(original)
        restore_changed(scratch, snapshot, args.source)


def restore_changed(scratch: Path, snapshot: dict[str, str], source: Path) -> None:
    """Put back any file a test run changed, so one mutation's run cannot leak into the next."""
    for rel, expected in snapshot.items():
        target = scratch / rel
        if not target.is_file() or digest(target) != expected:
            print(f"  note: the run changed {rel}; restored", flush=True)
            shutil.copy2(source / rel, target)


def report(outcomes: list[Outcome], out: Path | None) -> float:
    counted = [o for o in outcomes if o.status in ("killed", "survived", "survived own tests", "timeout", "error")]
    killed = [o for o in counted if o.status == "killed"]
    rate = len(killed) / len(counted) if counted else 0.0
    print()
    print(f"{'id':34} {'area':26} {'result':14} {'s':>6}  killed by / why")
    for o in outcomes:
        why = o.killer or (o.detail[:80] if o.status in ("not applicable", "error", "timeout") else "")
        print(f"{o.spec.id:34} {o.spec.area:26} {o.status:14} {o.seconds:6.0f}  {why}")
    print()
    print(f"Killed {len(killed)} of {len(counted)} mutations: {rate:.0%} "
          f"(survived {sum(o.status == 'survived' for o in counted)}, "
          f"timeout/error {sum(o.status in ('timeout', 'error') for o in counted)}, "
          f"not applicable {sum(o.status == 'not applicable' for o in outcomes)})")
    for o in outcomes:
        if o.status == "survived":
            print(f"  SURVIVED {o.spec.id}: {o.spec.models}")
        elif o.status == "not applicable":
            print(f"  NOT APPLICABLE {o.spec.id}: {o.detail}")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({
            "kill_rate": rate, "killed": len(killed), "counted": len(counted), "load_average": load_average(),
            "mutations": [{"id": o.spec.id, "area": o.spec.area, "status": o.status, "seconds": round(o.seconds, 1),
                           "killer": o.killer, "models": o.spec.models, "detail": o.detail} for o in outcomes],
        }, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"Report written to {out}")
    return rate


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--specs", type=Path, default=DEFAULT_SPECS, help="TOML file of [[mutation]] specs")
    parser.add_argument("--only", help="comma-separated spec ids to run")
    parser.add_argument("--area", help="run only the specs of this area")
    parser.add_argument("--fast", action="store_true", help="try each spec's own tests first")
    parser.add_argument("--own-only", action="store_true",
                        help="run only each spec's own tests (a quick look at another checkout; not the figure)")
    parser.add_argument("--list", action="store_true", help="list the specs and whether each applies, then stop")
    parser.add_argument("--source", type=Path, default=ROOT, help="checkout to copy (default: this repository)")
    parser.add_argument("--python", default=sys.executable, help="interpreter with the project installed")
    parser.add_argument("--timeout", type=float, default=2400.0, help="seconds per pytest run")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run the unmutated suite first")
    parser.add_argument("--report", type=Path, help="also write the results as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy (its path is printed)")
    args = parser.parse_args(argv)
    args.source = args.source.resolve()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so the scratch copy is removed on kill

    specs = load_specs(args.specs)
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {s.id for s in specs}
        if unknown:
            raise SystemExit(f"unknown spec id(s): {', '.join(sorted(unknown))}")
        specs = [s for s in specs if s.id in wanted]
    if args.area:
        specs = [s for s in specs if s.area == args.area]

    scratch = Path(tempfile.mkdtemp(prefix="mutation-check-"))
    try:
        files = make_copy(args.source, scratch)
        if args.list:
            for spec in specs:
                path, why = locate(spec, scratch)
                where = path.relative_to(scratch) if path else f"NOT APPLICABLE: {why}"
                print(f"{spec.id:34} {spec.area:26} {where}")
            print(f"{len(specs)} specs")
            return 0
        check_helpers_come_from(scratch, args.python)
        snapshot = {rel: digest(scratch / rel) for rel in files}
        print(f"Copy of {args.source} in {scratch}; load average {load_average()}", flush=True)
        if not args.skip_baseline:
            status, seconds, killer, tail = run_pytest(scratch, ["tests"], args.timeout, args.python)
            print(f"Baseline (no mutation): {status} in {seconds:.0f} s", flush=True)
            if status != "survived":
                print(tail)
                raise SystemExit(f"the unmutated suite does not pass ({killer or status}); fix that first")
            restore_changed(scratch, snapshot, args.source)
        outcomes = []
        for number, spec in enumerate(specs, start=1):
            outcome = mutate_and_test(spec, scratch, snapshot, args)
            outcomes.append(outcome)
            print(f"[{number}/{len(specs)}] {spec.id}: {outcome.status} ({outcome.seconds:.0f} s)"
                  + (f" by {outcome.killer}" if outcome.killer else "")
                  + (f": {outcome.detail}" if outcome.status == "not applicable" else ""), flush=True)
        report(outcomes, args.report)
        return 0
    finally:
        if args.keep:
            print(f"Scratch copy kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
