"""The run host's part: each campaign's runs (seven for variants A–E) chained as the sensors would
chain them, every run a process of its own (driver.py) whose steps go to the workers through Celery."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
VARIANTS = ("A", "B", "C", "D", "E")
SAMPLE_JOBS = REPO / "creative_assets" / "sample_jobs" / "jobs"  # what campaign_copies copies

DRIVERS: set[subprocess.Popen[str]] = set()  # run processes under way, stopped on teardown


def driver(env: dict[str, str], *args: str) -> dict[str, Any]:
    popen = subprocess.Popen(
        [sys.executable, str(HERE / "driver.py"), *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    DRIVERS.add(popen)
    try:
        stdout, stderr = popen.communicate()
    finally:
        DRIVERS.discard(popen)
    return _outcome(args, popen.returncode, stdout, stderr)


def _outcome(args: tuple[str, ...], status: int | None, stdout: str, stderr: str) -> dict[str, Any]:
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if lines:
        return json.loads(lines[-1])
    error = [line for line in stderr.splitlines() if "Warning" not in line and "AssetCheckSpec(" not in line]
    return {"args": list(args), "success": status == 0, "error": "\n".join(error[-20:])}


class Ahead:
    """A run's process started before the phase it follows has ended: it imports Dagster and the
    code location (seconds of CPU, fifteen at once for three campaigns) while that phase runs,
    then waits to be told to go, or to stop when that phase failed."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.args = args
        self.popen = subprocess.Popen(
            [sys.executable, str(HERE / "driver.py"), *args, "--when-told"],
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        DRIVERS.add(self.popen)

    def go(self, go: bool = True) -> dict[str, Any]:
        try:
            stdout, stderr = self.popen.communicate("go\n" if go else "stop\n")
        finally:
            DRIVERS.discard(self.popen)
        return _outcome(self.args, self.popen.returncode, stdout, stderr)


def stop_drivers() -> None:
    for popen in list(DRIVERS):
        popen.kill()  # a run's process ignores SIGTERM while it waits on Celery


def expected_runs(variants: Sequence[str] = VARIANTS) -> int:
    """The runs of a whole campaign of `variants`: text, one per variant, and the roll-up, which
    reads all five variants and so runs only when all five do."""
    return 1 + len(variants) + (1 if tuple(variants) == VARIANTS else 0)


def run_campaign(
    env: dict[str, str], job_id: str, variants: Sequence[str] = VARIANTS
) -> list[dict[str, Any]]:
    """Job-level run → the variant runs at once → roll-up (all five variants only); stops at a
    failed phase. Each phase's processes start while the phase before runs (`Ahead`), as a run
    launcher with warm workers would: started after it, their imports left every worker host
    idle. The text run's process starts beside the one that adds the job's partition."""
    text = Ahead(env, "run", "campaign_text", job_id)
    ahead = [Ahead(env, "run", "campaign_variant", f"{job_id}|{v}") for v in variants]
    prepared = driver(env, "prepare", job_id)
    if prepared["success"]:
        runs = [text.go()]
    else:
        text.go(False)
        runs = [prepared]
    if not runs[0]["success"]:
        for run in ahead:
            run.go(False)
        return runs
    rollup = Ahead(env, "run", "campaign_rollup", job_id) if tuple(variants) == VARIANTS else None
    pool = ThreadPoolExecutor(len(ahead))
    try:  # not `with`: on SIGTERM, teardown must not wait for the runs (it kills them)
        runs += list(pool.map(Ahead.go, ahead))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    ok = all(r["success"] for r in runs)
    if rollup is None:
        return runs
    outcome = rollup.go(ok)
    return [*runs, outcome] if ok else runs


def campaign_copies(sim_url: str, job_id: str, count: int) -> list[str]:
    """`count` copies of a sample job under ids of their own, served by the simulator's HOC API."""
    if count == 1:
        return [job_id]
    sample = json.loads((SAMPLE_JOBS / f"{job_id}.json").read_text())
    jobs = [{**sample, "job_id": f"{job_id}-c{i:02d}"} for i in range(1, count + 1)]
    httpx.post(f"{sim_url}/_sim/jobs", json={"jobs": jobs}, timeout=30).raise_for_status()
    return [job["job_id"] for job in jobs]


def campaigns(
    env: dict[str, str], job_ids: list[str], variants: Sequence[str] = VARIANTS
) -> dict[str, list[dict[str, Any]]]:
    """Every campaign at once, each chained as run_campaign chains one."""
    pool = ThreadPoolExecutor(len(job_ids))
    try:  # not `with`, as in run_campaign
        chained = pool.map(lambda job_id: run_campaign(env, job_id, variants), job_ids)
        return dict(zip(job_ids, chained, strict=True))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
