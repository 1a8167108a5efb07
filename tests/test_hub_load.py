"""A class on one hub: N students log in at once and run lesson 01 (``make hub-load``).

The same real JupyterHub as the hub test (tests/hub_harness.py) on 127.0.0.1.
``STUDENTS`` students (default 10) each have their own headless Chromium;
they wait at a barrier, then all at once log in by following the class link
(nbgitpuller clones the collection into each home folder and JupyterLab opens
it), and run lesson 01 in their own single-user server's kernel (REST API +
kernel websocket, as in the hub test), leaving the kernel running as a
student with the notebook open does.  Measured:

* per student, log-in to the notebook executed, split into log-in to
  JupyterLab showing the notebook (spawn, clone, page drawn) and executing
  lesson 01; printed as p50, p95 and max;
* once every student has finished, with every kernel still running: the
  memory (RSS and PSS from /proc) of the hub, the proxy, each single-user
  server and each kernel, and the CPU time each has used (the measure of
  work a student costs that does not depend on how loaded the machine was);
* failures (any error, timeout or cell error): must be 0.

The browsers run on the same two cores as the hub and the servers, so the
times are pessimistic for a class whose browsers are on their own machines.
The figures are printed and written to build/hub-load.json; they are what
docs/class-deployment.md's sizing table is derived from.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import threading
import time
from pathlib import Path

import pytest

from hub_harness import (CHROMIUM, HUB_ENV, NAME, HubError, Server, class_link, errors_in, follow, marked_pids,
                         running_hub, student_browser)
from working_copy import ROOT

STUDENTS = int(os.environ.get("STUDENTS", "10"))
LESSON = "01_treatment_overview.ipynb"
REPORT = ROOT / "build" / "hub-load.json"



def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * q // 1)))  # ceil(n * q), at least 1
    return ordered[int(rank) - 1]


def process_memory(pid: int) -> tuple[float, float, float]:
    """(RSS MB, PSS MB, CPU seconds used so far, its finished children included) of one process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    pss = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return rss / 1024, pss / 1024, ticks / os.sysconf("SC_CLK_TCK")


LESSON_KERNEL = "kernel running lesson 01"
OTHER_KERNEL = "kernel of a notebook JupyterLab opened (not run)"


def kind_of(pid: int, hub_pid: int, lesson_kernels: set[str]) -> str | None:
    if pid == hub_pid:
        return "hub"
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    if "ipykernel_launcher" in cmdline:
        kernel_id = re.search(r"kernel-([0-9a-f-]+)\.json", cmdline)
        return LESSON_KERNEL if kernel_id and kernel_id.group(1) in lesson_kernels else OTHER_KERNEL
    if "jupyterhub-singleuser" in cmdline:
        return "single-user server"
    if "configurable-http-proxy" in cmdline:
        return "proxy"
    return None


def memory_by_kind(marker: str, hub_pid: int, lesson_kernels: set[str]) -> dict[str, list[tuple[float, float, float]]]:
    found: dict[str, list[tuple[float, float, float]]] = {}
    for pid in marked_pids(marker):
        try:
            kind = kind_of(pid, hub_pid, lesson_kernels)
            if kind:
                found.setdefault(kind, []).append(process_memory(pid))
        except (OSError, StopIteration):
            pass  # a short-lived helper (git) that ended meanwhile
    return found


def one_student(user: str, hub, link: str, barrier: threading.Barrier, record: dict) -> None:
    """Log in, follow the class link, run lesson 01; fills ``record`` (never raises)."""
    passed_barrier = False
    try:
        refused: list[str] = []
        with student_browser(refused) as page:
            barrier.wait(timeout=300)  # every browser is up: the class logs in at once
            passed_barrier = True
            start = time.perf_counter()
            follow(page, link, user)
            landed = time.perf_counter()
            results = Server(hub.url, hub.token, user).execute(f"{NAME}/notebooks/{LESSON}", keep_kernel=True)
            done = time.perf_counter()
            record.update(landing=landed - start, executing=done - landed, total=done - start)
            problems = errors_in(results) + [f"asked for another host: {url}" for url in refused]
            if problems:
                record["error"] = "; ".join(problems)[:500]
    except Exception as error:  # noqa: BLE001 - every failure is counted and shown, not raised in a thread
        record["error"] = f"{type(error).__name__}: {error}"[:500]
        if not passed_barrier:
            barrier.abort()  # the others stop waiting for a student who will never come


def summary(values: list[float]) -> str:
    return (f"p50 {statistics.median(values):6.1f}  p95 {percentile(values, 0.95):6.1f}  "
            f"max {max(values):6.1f}") if values else "-"


def test_percentile_is_the_nearest_rank():
    assert percentile(list(range(1, 11)), 0.5) == 5
    assert percentile(list(range(1, 11)), 0.95) == 10
    assert percentile(list(range(1, 21)), 0.95) == 19
    assert percentile([4.0, 1.0, 3.0], 0.0) == 1.0
    assert percentile([2.5], 0.95) == 2.5


@pytest.mark.skipif(not HUB_ENV, reason="the hub load test runs with 'make hub-load'")
def test_a_class_logs_in_at_once_and_runs_lesson_01(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"headless Chromium not found at {CHROMIUM}: run 'make browser' or set CHROMIUM")
    assert STUDENTS >= 1, "STUDENTS must be at least 1"
    try:
        hub_context = running_hub(tmp_path)
        hub = hub_context.__enter__()
    except HubError as error:
        pytest.fail(str(error))
    try:
        link = class_link(hub.url, hub.bare.as_uri())
        users = [f"student{n:02d}" for n in range(1, STUDENTS + 1)]
        records: dict[str, dict] = {user: {} for user in users}
        barrier = threading.Barrier(STUDENTS)
        load_before = os.getloadavg()
        wall = time.perf_counter()
        threads = [threading.Thread(target=one_student, args=(user, hub, link, barrier, records[user]), daemon=True)
                   for user in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=900)
        wall = time.perf_counter() - wall
        lesson_kernels = set()
        for user in users:
            try:
                lesson_kernels |= {session["kernel"]["id"] for session in Server(hub.url, hub.token, user).get(
                    "api/sessions") if session["path"].endswith(LESSON)}
            except Exception as error:  # noqa: BLE001 - counted as that student's failure
                records[user].setdefault("error", f"sessions: {error}")
        memory = memory_by_kind(hub.marker, hub.process.pid, lesson_kernels)  # every student's kernel still running
        load_after = os.getloadavg()
    finally:
        hub_context.__exit__(None, None, None)

    failures = {user: r.get("error", "did not finish") for user, r in records.items()
                if "error" in r or "total" not in r}
    done = [r for r in records.values() if "total" in r and "error" not in r]
    report = {
        "students": STUDENTS, "failures": len(failures), "failure_messages": failures,
        "wall_s": wall, "cores": os.cpu_count(), "load_average_before": load_before, "load_average_after": load_after,
        "per_student_s": records,
        "memory_mb": {kind: [{"rss": r, "pss": p, "cpu_s": c} for r, p, c in values] for kind, values in memory.items()},
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=1))

    lines = [f"hub-load: {STUDENTS} students at once, lesson {LESSON}, {os.cpu_count()} cores, "
             f"load average {load_before[0]:.1f} before / {load_after[0]:.1f} after; wall {wall:.0f} s",
             f"  log-in to notebook executed (s):      {summary([r['total'] for r in done])}",
             f"    log-in to JupyterLab showing it (s): {summary([r['landing'] for r in done])}",
             f"    executing lesson 01 (s):            {summary([r['executing'] for r in done])}"]
    for kind in ("hub", "proxy", "single-user server", LESSON_KERNEL, OTHER_KERNEL):
        values = memory.get(kind, [])
        if values:
            rss, pss, cpu = ([v[i] for v in values] for i in range(3))
            lines.append(f"  {kind} (n={len(values)}): RSS median {statistics.median(rss):.0f} max {max(rss):.0f} MB; "
                         f"PSS median {statistics.median(pss):.0f} max {max(pss):.0f}, total {sum(pss):.0f} MB; "
                         f"CPU median {statistics.median(cpu):.1f} s, total {sum(cpu):.1f} s")
    total_pss = sum(v[1] for values in memory.values() for v in values)
    total_cpu = sum(v[2] for values in memory.values() for v in values)
    lines.append(f"  everything the hub started: PSS {total_pss:.0f} MB; CPU {total_cpu:.1f} s "
                 f"({total_cpu / STUDENTS:.1f} s a student)")
    lines.append(f"  failures: {len(failures)}" + "".join(f"\n    {u}: {m}" for u, m in failures.items()))
    print("\n" + "\n".join(lines))
    assert not failures, f"{len(failures)} of {STUDENTS} students failed: {failures}"
    assert len(memory.get(LESSON_KERNEL, [])) == STUDENTS, f"expected {STUDENTS} lesson kernels: {memory}"
