"""Deployed-path benchmark (issue #23): campaigns launched the way the review desk and the Dagster
UI launch them, on the stack a deployment runs.

    python -m benchmarks.deployed [--formats "1:1;1:1,4:5,9:16,16:9"] [--campaigns 10]
                                  [--only single,ten,regen,hosts] [--time-scale S] [--label before]

For each set of ad formats: a fresh PostgreSQL database and DAGSTER_HOME with
`deploy/dagster.postgres.yaml`, `dagster-daemon run` and `dagster-webserver` as processes of their
own (`deployed_stack.py`), every real client pointed at the provider simulator with
`benchmarks/profile.json`. Campaigns start through GraphQL with the desk's own client
(`desk/dagster_client.start_campaign`); the chain sensor, the run queue and the daemon do the
rest. Printed, each with the load average:
  single: one campaign's wall time (launch → roll-up done, i.e. the contact sheet) against the
          critical-path bound, and where the time went (queue, worker start, sensor latency,
          steps from the event log); CPU of every process of the stack, peak memory;
  ten:    N campaigns launched at once: base images per minute against the BFL bound, the
          roll-ups' queue waits (and other campaigns' variant runs that started meanwhile), CPU;
  regen:  after `single`, one regeneration round as the UI launches it (a `regenerate_creatives`
          backfill over the campaign's five variant partitions, GraphQL launchPartitionBackfill):
          how many roll-ups it caused (target 1);
  hosts:  as root, the several-hosts scenarios (deployed_hosts.py): campaigns per hour on one
          worker host against two, and a worker host's link cut mid-campaign.
The figures are appended to benchmarks/results/deployed_<date>.md under `--label`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks import deployed_hosts
from benchmarks import deployed_report as report
from benchmarks.deployed_stack import DeployedStack
from benchmarks.model import PROFILE_PATH, Profile
from benchmarks.records import phase_spans
from benchmarks.scenario import provider_env
from benchmarks.simulator import SimProcess, bench_jobs, load, sim_config

REPO = Path(__file__).resolve().parent.parent
ACTIVE = ("QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING")
FOUR_FORMATS = "1:1,4:5,9:16,16:9"


def _run_record(instance: Any, rec: Any) -> dict[str, Any]:
    import dagster as dg

    from creative_assets.partitions import run_partitions

    run = rec.dagster_run
    starting = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.RUN_STARTING).records
    return {
        "run_id": run.run_id,
        "job": run.job_name,
        "partition": ", ".join(run_partitions(run.tags)) or None,
        "campaign": run.tags.get("creative_assets/campaign"),
        "status": run.status.value,
        "created": rec.create_timestamp.timestamp(),
        "launched": starting[0].event_log_entry.timestamp if starting else None,
        "start": rec.start_time,
        "end": rec.end_time,
        "steps": [
            {"step": s.step_key, "start": s.start_time, "end": s.end_time}
            for s in instance.get_run_step_stats(run.run_id)
        ],
    }


def _ledger_rows(stack: DeployedStack, job_ids: list[str]) -> list[Any]:
    """The campaigns' rows of the stack's gateway ledger (its phases' spans inside a step)."""
    from creative_assets.gateway.config import STATE_URL_VAR
    from creative_assets.gateway.resource import ProviderGateway
    from creative_assets.io.storage import storage_from_env

    storage = storage_from_env(stack.env)
    # the ledger is read from the state URL the stack's processes use (resolved here, not an EnvVar)
    gateway = ProviderGateway(
        state_url=stack.env[STATE_URL_VAR], cache_url=storage.child("_cache"), cache_s3=storage.s3
    )
    return [row for job_id in job_ids for row in gateway.ledger(job_id)]


def _campaign_state(instance: Any, job_id: str) -> tuple[bool, bool, list[Any]]:
    """(finished, succeeded, run records) of one campaign, from the runs tagged with it."""
    import dagster as dg

    records = instance.get_run_records(filters=dg.RunsFilter(tags={"creative_assets/campaign": job_id}))
    active = [r for r in records if r.dagster_run.status.value in ACTIVE]
    rolled = any(
        r.dagster_run.job_name == "campaign_rollup" and r.dagster_run.status.value == "SUCCESS"
        for r in records
    )
    failed = [r for r in records if r.dagster_run.status.value in ("FAILURE", "CANCELED")]
    return (not active and (rolled or bool(failed))), rolled and not failed, records


def measure(stack: DeployedStack, sim: SimProcess, job_ids: list[str], timeout_s: float) -> dict[str, Any]:
    """Launch the campaigns through the desk's GraphQL client and wait until each has rolled up
    (or failed with nothing left running; a failed run never chains)."""
    from creative_assets.desk.dagster_client import DagsterLauncher, start_campaign
    from creative_assets.desk.settings import DeskSettings

    instance = stack.instance()
    launcher = DagsterLauncher(DeskSettings(dagster_url=stack.url))
    httpx.post(f"{sim.url}/_sim/reset", timeout=10).raise_for_status()
    assert stack.sampler is not None
    mark, sim_cpu, load_before = stack.sampler.mark(), sim.cpu_s(), load()
    started = time.time()
    launched = {}
    for job_id in job_ids:
        instance.add_dynamic_partitions("job", [job_id])
        launched[job_id] = time.time()
        start_campaign(launcher, job_id, "bench", "bench")
    done: dict[str, tuple[bool, list[Any]]] = {}
    quiet_since: dict[str, float] = {}
    while len(done) < len(job_ids) and time.time() - started < timeout_s:
        time.sleep(1)
        for job_id in set(job_ids) - set(done):
            finished, ok, records = _campaign_state(instance, job_id)
            # A failure settles only after the sensor had its chance to chain anything left.
            if finished and (ok or time.time() - quiet_since.setdefault(job_id, time.time()) > 20):
                done[job_id] = (ok, records)
    cpu = stack.sampler.since(mark)
    runs = [_run_record(instance, r) for job_id in job_ids for r in _campaign_state(instance, job_id)[2]]
    ledger = _ledger_rows(stack, job_ids)
    for run in runs:
        run["phases"] = phase_spans(ledger, run["run_id"])
    stats = httpx.get(f"{sim.url}/_sim/stats", timeout=10).json()
    served = httpx.get(f"{sim.url}/_sim/requests", timeout=30).json()["requests"]
    return {
        "job_ids": job_ids,
        "launched": launched,
        "started": started,
        "timed_out": len(done) < len(job_ids),
        "success": {j: done.get(j, (False, []))[0] for j in job_ids},
        "runs": runs,
        "cpu_by_process": cpu,
        "cpu_s": sum(cpu.values()),
        "sim_cpu_s": sim.cpu_s() - sim_cpu,
        "peak_total_mib": stack.sampler.peak_total_mib,
        "peak_one_mib": stack.sampler.peak_one_mib,
        "load_before": load_before,
        "load_after": load(),
        "sim": stats,
        "requests": [{k: r.get(k) for k in ("endpoint", "status", "ended_s", "duration_s")} for r in served],
    }


BACKFILL = """mutation($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } } }"""


def regeneration_round(stack: DeployedStack, job_id: str, timeout_s: float) -> dict[str, Any]:
    """A `regenerate_creatives` backfill over the job's five variants, as the UI launches it;
    waits until nothing of the campaign has been queued or running for 30 s, then counts the
    roll-ups created since."""
    from creative_assets.models import VARIANTS

    instance = stack.instance()
    since = time.time()
    params = {
        "selector": {
            "partitionSetName": "regenerate_creatives_partition_set",
            "repositorySelector": {
                "repositoryLocationName": "creative_assets",
                "repositoryName": "__repository__",
            },
        },
        "partitionNames": [f"{job_id}|{v}" for v in VARIANTS],
        "tags": [{"key": "creative_assets/campaign", "value": job_id}],
    }
    answer = httpx.post(
        f"{stack.url}/graphql", json={"query": BACKFILL, "variables": {"params": params}}, timeout=60
    ).json()
    launched = answer["data"]["launchPartitionBackfill"]
    if launched["__typename"] != "LaunchBackfillSuccess":
        raise RuntimeError(f"the backfill was refused: {launched}")
    quiet = None
    while time.time() - since < timeout_s:
        time.sleep(2)
        _, _, records = _campaign_state(instance, job_id)
        newer = [r for r in records if r.create_timestamp.timestamp() >= since]
        busy = any(r.dagster_run.status.value in ACTIVE for r in records)
        if newer and not busy:
            quiet = quiet or time.time()
            if time.time() - quiet > 30:  # the chain sensor had its ticks
                break
        else:
            quiet = None
    runs = [_run_record(instance, r) for r in _campaign_state(instance, job_id)[2]]
    return {"since": since, "runs": [r for r in runs if r["created"] >= since]}


def on_stacks(
    args: argparse.Namespace,
    profile: Profile,
    only: set[str],
    format_sets: list[str],
    workdir: Path,
    out: Any,
) -> dict[str, Any]:
    """single, regen and ten: per set of formats a deployed stack, all against one simulator."""
    names = {f: f"f{len(f.split(','))}" for f in format_sets}
    jobs = [f"dep-{names[f]}-single" for f in format_sets]
    jobs += [f"dep-{names[f]}-q{i:02d}" for f in format_sets for i in range(1, args.campaigns + 1)]
    rpm = {"bfl": 120 / profile.time_scale, "openai": 500 / profile.time_scale}
    sim = SimProcess(sim_config(profile, bench_jobs(jobs)), workdir)
    raw: dict[str, Any] = {}
    try:
        for formats in format_sets:
            env = provider_env(sim.url, profile.limits, rpm) | {"CREATIVE_ASSETS_FORMATS": formats}
            with DeployedStack(workdir, env, names[formats], args.code_server) as stack:
                out(
                    f"formats {formats} · stack up (Postgres database {stack.db}, code server "
                    f"{args.code_server}), load {load()}"
                )
                if "single" in only:
                    r = measure(stack, sim, [f"dep-{names[formats]}-single"], args.timeout)
                    raw[f"single {formats}"] = r
                    report.single(out, profile, r)
                    if "regen" in only:
                        regen = regeneration_round(stack, f"dep-{names[formats]}-single", args.timeout)
                        raw[f"regen {formats}"] = regen
                        report.regeneration(out, regen)
                if "ten" in only:
                    ids = [f"dep-{names[formats]}-q{i:02d}" for i in range(1, args.campaigns + 1)]
                    r = measure(stack, sim, ids, args.timeout)
                    raw[f"ten {formats}"] = r
                    report.many(out, profile, r)
    finally:
        sim.stop()
    return raw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.deployed", description=__doc__)
    parser.add_argument("--profile", default=str(PROFILE_PATH))
    parser.add_argument("--time-scale", type=float, help="override the profile's time_scale")
    parser.add_argument("--campaigns", type=int, default=10, help="campaigns launched at once in `ten`")
    parser.add_argument(
        "--formats",
        default=f"1:1;{FOUR_FORMATS}",
        help="sets of ad formats, ';' between sets (one stack each)",
    )
    parser.add_argument(
        "--only", default="single,ten,regen,hosts", help="any of single, ten, regen, hosts (root)"
    )
    parser.add_argument("--host-campaigns", type=int, default=3, help="campaigns at once in `hosts`")
    parser.add_argument(
        "--code-server",
        default="separate",
        choices=["separate", "managed"],
        help="one `dagster code-server start` for daemon and webserver (separate), or each "
        "starting its own from workspace.yaml (managed: the daemon starts a new one every 60 s)",
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per scenario")
    parser.add_argument("--label", default="run", help="heading of this run in the results file")
    parser.add_argument(
        "--results", help="append the figures here (default benchmarks/results/deployed_<date>.md)"
    )
    parser.add_argument("--json", help="write every raw figure here")
    args = parser.parse_args(argv)
    # Stopped (Ctrl-C, kill, even from a shell that ignores SIGINT in the background), it still
    # stops the stack's processes and drops its database on the way out.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    data = json.loads(Path(args.profile).read_text(encoding="utf-8"))
    if args.time_scale:
        data["time_scale"] = args.time_scale
    profile = Profile.from_dict(data)
    only, format_sets = set(args.only.split(",")), [f for f in args.formats.split(";") if f]
    workdir = Path(tempfile.mkdtemp(prefix="bench-deployed-"))
    out = report.Out()
    out(
        f"deployed-path benchmark · {args.label} · profile {args.profile} · time scale {profile.time_scale:g}"
    )
    out(f"  {os.cpu_count()} cores, load average {load()} (1/5/15 min) · logs in {workdir}")
    raw: dict[str, Any] = {"profile": data}
    if only & {"single", "ten"}:
        raw |= on_stacks(args, profile, only, format_sets, workdir, out)
    hosts: list[dict[str, Any]] = []
    if "hosts" in only:
        scale = deployed_hosts.scale(out, workdir, args.host_campaigns, format_sets[0])
        hosts = [*scale.values(), deployed_hosts.cut(out, workdir, format_sets[0])]
        raw["hosts"] = hosts
    out(f"load average at the end {load()}")
    results = Path(args.results or REPO / "benchmarks" / "results" / f"deployed_{dt.date.today()}.md")
    report.append(results, args.label, out.lines)
    if args.json:
        Path(args.json).write_text(json.dumps(raw, indent=1, default=str), encoding="utf-8")
    stacks = [r for name, r in raw.items() if name.startswith(("single ", "ten "))]
    ran = [r for r in hosts if "skipped" not in r]
    ok = all(all(r["success"].values()) for r in stacks) and all(r.get("success") for r in ran)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
