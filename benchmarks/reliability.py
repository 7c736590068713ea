"""Reliability benchmark (issue #19): campaigns of the sample job with every real client pointed
at a fault-injecting simulator, as a new user would run them (`creative-assets campaign`).

    python -m benchmarks.reliability [--seeds 10] [--time-scale 0.02] [--only faults,kill,twins]

The simulator runs as a subprocess (as in `benchmarks/campaign.py`) with the issue's fault mix on
every endpoint: 429 on 10 % of requests (with a Retry-After of a real rate-limit window), 5xx on
5 %, a cut-off or garbled 200 on 3 %, and BFL moderation on 5 % of submits. Scenarios:
  faults: one campaign per seed, each on a fresh Dagster home, storage and gateway state; prints
          the campaign's outcome, creatives finished / failed (with reasons), fallbacks used,
          BFL's peak of active tasks against the limit, and the ledger against the bill;
  kill:   a campaign killed with SIGKILL while BFL tasks are in flight, then run again: BFL
          tasks paid twice, and the ledger against the bill (no faults, to count exactly); twice:
          once every accepted submit is recorded (kill-recorded), once while submits are still
          answering (kill-early: a task accepted in that instant cannot be known to anyone);
  twins:  two campaigns of the same job started at once on one state: tasks paid twice.
Every figure is printed with the load average: the 2-core machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from benchmarks.campaign import SimProcess, bench_jobs, load, sim_config
from benchmarks.model import PROFILE_PATH, Profile
from benchmarks.reliability_records import JOB, ledger, money, paid_twice, print_creatives
from benchmarks.scenario import provider_env

REPO = Path(__file__).resolve().parent.parent
FAULTS = {
    "rate_limit_429": 0.10,
    "server_500": 0.025,
    "server_503": 0.025,
    "truncated_json": 0.015,
    "malformed_json": 0.015,
}
RETRY_AFTER_S = 20.0  # provider seconds a 429 asks to wait: a per-minute window, not a blink


def fault_config(profile: Profile, seed: int, *, faults: bool) -> dict[str, Any]:
    config = sim_config(profile, bench_jobs([JOB]))
    config["seed"] = seed
    if faults:
        config["endpoints"]["*"].update(faults=dict(FAULTS), retry_after_s=RETRY_AFTER_S)
        config["endpoints"].setdefault("bfl.submit", {})["faults"] = {**FAULTS, "moderated": 0.05}
    return config


def campaign_cmd(job_id: str) -> list[str]:
    return [sys.executable, "-m", "creative_assets.cli", "campaign", job_id]


def campaign_env(base: dict[str, str], home: Path, state: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    return {
        **os.environ,
        **base,
        "PYTHONPATH": str(REPO),
        "DAGSTER_HOME": str(home),
        "CREATIVE_ASSETS_STORAGE_URL": str(state / "storage"),
        "CREATIVE_ASSETS_STATE_URL": f"sqlite:///{state / 'gateway.db'}",
    }


def stats_of(sim: SimProcess) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        stats = httpx.get(f"{sim.url}/_sim/stats", timeout=10).json()
        if not any(e["in_flight"] for e in stats["endpoints"].values()) or time.monotonic() > deadline:
            return stats
        time.sleep(0.2)


def run_faults(sim: SimProcess, profile: Profile, base: dict[str, str], seeds: list[int], work: Path) -> None:
    print(f"faults: one campaign per seed; fault mix {FAULTS} (+ moderated 0.05 on BFL submits)")
    outcomes = []
    for seed in seeds:
        sim.configure(fault_config(profile, seed, faults=True))
        httpx.post(f"{sim.url}/_sim/reset", timeout=10).raise_for_status()
        state, before = work / f"seed-{seed}", load()
        started = time.monotonic()
        done = subprocess.run(
            campaign_cmd(JOB), env=campaign_env(base, state / "home", state), capture_output=True, text=True
        )
        wall = time.monotonic() - started
        stats, rows = stats_of(sim), ledger(state)
        peak, limit = stats["bfl"]["max_active_tasks"], profile.limits["bfl"]
        outcome = "completed" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
        rollup = "with" if (state / "storage" / "campaign_summary" / JOB).exists() else "WITHOUT"
        print(f"  seed {seed}: campaign {outcome} {rollup} its roll-up in {wall:.0f} s", end="")
        print(f" (load {before} → {load()})")
        finished = print_creatives(state / "storage")
        outcomes.append((done.returncode == 0, finished))
        limited = Counter[str]()
        for name, endpoint in stats["endpoints"].items():
            limited.update({f"{name} {why}": n for why, n in endpoint["limited"].items()})
        over = "  !! over the limit" if peak > limit else ""
        print(f"    BFL active tasks peak {peak} / limit {limit}{over}; refused by a limit: ", end="")
        print(dict(limited) or "none")
        print(f"    {money(rows, stats)}")
        faults = Counter[str]()
        for endpoint in stats["endpoints"].values():
            faults.update(endpoint["faults"])
        attempts = len([r for r in rows if not r.cached])
        print(f"    faults served: {dict(faults)}; attempts on the ledger: {attempts}")
        if done.returncode != 0:
            errors = [line for line in done.stdout.splitlines() if line.startswith("       ")]
            print(f"    errors: {errors[:3]}")
    if outcomes:
        mean = sum(f for _, f in outcomes) / len(outcomes)
        completed = sum(ok for ok, _ in outcomes)
        print(f"  summary: {completed}/{len(outcomes)} campaigns completed, {mean:.1f} creatives on average")


def all_recorded(sim: SimProcess, tasks: Any) -> bool:
    """No submit is on the wire and every task BFL is running is one the gateway has recorded."""
    stats = httpx.get(f"{sim.url}/_sim/stats", timeout=10).json()
    active, on_wire = stats["bfl"]["active_tasks"], stats["endpoints"]["bfl.submit"]["in_flight"]
    return active >= 2 and not on_wire and tasks.count("bfl") == active


def run_kill(sim: SimProcess, profile: Profile, base: dict[str, str], work: Path, when: str) -> None:
    """`when`: "recorded" kills once every accepted submit is recorded (the resume path alone);
    "early" kills as soon as two are, with other submits still answering (the documented gap)."""
    from creative_assets.gateway.tasks import TaskStore

    config = fault_config(profile, 1, faults=False)
    # BFL's signed sample URL lives 10 minutes; at a small time scale that is seconds, less than
    # the re-run takes to start on a loaded machine, and an expired sample must be paid again.
    # The scenario is a re-run within those 10 minutes, so they are kept in real time.
    config["bfl"]["sample_expiry_s"] = 600.0 / profile.time_scale
    sim.configure(config)
    httpx.post(f"{sim.url}/_sim/reset", timeout=10).raise_for_status()
    state = work / f"kill-{when}"
    env = campaign_env(base, state / "home", state)
    proc = subprocess.Popen(
        campaign_cmd(JOB),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 1800

    def ready(tasks: TaskStore) -> bool:
        return all_recorded(sim, tasks) if when == "recorded" else tasks.count("bfl") >= 2

    db = state / "gateway.db"
    while not (db.exists() and ready(TaskStore(f"sqlite:///{db}"))):
        if proc.poll() is not None or time.monotonic() > deadline:
            print("kill: the campaign never had BFL tasks in flight; nothing measured")
            return
        time.sleep(0.05)
    in_flight = TaskStore(f"sqlite:///{db}").count("bfl")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    print(
        f"kill ({when}): SIGKILL with {in_flight} BFL tasks recorded in flight (load {load()}); "
        "the same command again"
    )
    print("  (BFL's sample URLs kept valid 10 real minutes: a re-run within BFL's expiry window)")
    again = subprocess.run(campaign_cmd(JOB), env=env, capture_output=True, text=True)
    stats, rows = stats_of(sim), ledger(state)
    billed_tasks, requests = paid_twice(rows, stats)
    reserved = len([r for r in rows if r.outcome == "reserved"])
    # A submit BFL accepted whose answer (the task id) the killed process had not recorded yet:
    # no one can poll it (BFL takes no idempotency key); its row is settled at its upper bound.
    gap = len([r for r in rows if r.provider == "bfl" and r.error_code == "abandoned" and r.cost_estimated])
    print(
        f"  re-run exit {again.returncode}; BFL tasks billed {billed_tasks} for {requests} image requests: "
        f"paid twice {billed_tasks - requests}, of which killed between BFL's answer and its record {gap};"
        f" rows left reserved {reserved}"
    )
    print(f"  {money(rows, stats)}  (load {load()})")


def run_twins(sim: SimProcess, profile: Profile, base: dict[str, str], work: Path) -> None:
    sim.configure(fault_config(profile, 2, faults=False))
    httpx.post(f"{sim.url}/_sim/reset", timeout=10).raise_for_status()
    state = work / "twins"
    procs = [
        subprocess.Popen(
            campaign_cmd(JOB),
            env=campaign_env(base, state / f"home-{i}", state),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for i in (1, 2)
    ]
    codes = [p.wait() for p in procs]
    stats, rows = stats_of(sim), ledger(state)
    billed_tasks, requests = paid_twice(rows, stats)
    print(
        f"twins: two campaigns of one job at once (exit {codes}); BFL tasks billed {billed_tasks} for "
        f"{requests} image requests: paid twice {billed_tasks - requests}"
    )
    print(f"  {money(rows, stats)}  (load {load()})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reliability", description=__doc__)
    parser.add_argument("--profile", default=str(PROFILE_PATH))
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--time-scale", type=float, default=0.02, help="provider seconds × this = real")
    parser.add_argument("--only", default="faults,kill,twins")
    parser.add_argument("--keep", action="store_true", help="keep the campaigns' homes and storage")
    parser.add_argument("--reread", help="print the creatives of a kept run's seeds again (its work dir)")
    args = parser.parse_args(argv)
    if args.reread:
        for state in sorted(Path(args.reread).glob("seed-*"), key=lambda p: int(p.name[5:])):
            rollup = "with" if (state / "storage" / "campaign_summary" / JOB).exists() else "WITHOUT"
            print(f"  {state.name}: {rollup} its roll-up")
            print_creatives(state / "storage")
        return 0
    data = json.loads(Path(args.profile).read_text(encoding="utf-8"))
    data["time_scale"] = args.time_scale
    profile = Profile.from_dict(data)
    only = set(args.only.split(","))
    work = Path(tempfile.mkdtemp(prefix="reliability-"))
    cores = os.cpu_count()
    print(f"reliability benchmark · time scale {args.time_scale:g} · {cores} cores, load {load()} · {work}")
    sim = SimProcess(fault_config(profile, 0, faults=False), work)
    rpm = {"bfl": 120 / profile.time_scale, "openai": 500 / profile.time_scale}
    base = provider_env(sim.url, profile.limits, rpm)
    try:
        if "faults" in only:
            run_faults(sim, profile, base, list(range(1, args.seeds + 1)), work)
        for when in ("recorded", "early"):
            if "kill" in only or f"kill-{when}" in only:
                run_kill(sim, profile, base, work, when)
        if "twins" in only:
            run_twins(sim, profile, base, work)
    finally:
        sim.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"load average at the end {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
