"""One benchmark scenario in its own process: the real pipeline (every real client, through
`deployment_resources()` and `CREATIVE_ASSETS_PROVIDERS=all=real`) against a simulator that is
already running, on a fresh Dagster instance, storage and gateway state.

`python -m benchmarks.scenario --sim URL --jobs a,b --runs N --out result.json`

A process of its own per scenario, so its CPU time and peak memory are its own (ru_maxrss is a
lifetime peak) and one scenario's caches cannot help the next. What it reports comes from
Dagster's run and step records and the simulator's stats, not from the creatives model, so it
keeps working when the model grows more renditions per creative.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ENV_KEYS = {"openai": "OPENAI", "bfl": "BFL", "perplexity": "PERPLEXITY", "firecrawl": "FIRECRAWL"}
REPO = Path(__file__).resolve().parent.parent
PREFIXES = {"openai": "/openai/v1", "bfl": "/bfl", "perplexity": "/perplexity", "firecrawl": "/firecrawl"}


def provider_env(sim_url: str, limits: dict[str, int], rpm: dict[str, float]) -> dict[str, str]:
    """What an operator would export to point every real client at the simulator."""
    env = {f"{var}_BASE_URL": f"{sim_url}{PREFIXES[p]}" for p, var in ENV_KEYS.items()}
    env |= {f"{var}_API_KEY": f"bench-{p}-key" for p, var in ENV_KEYS.items()}
    env |= {"HOC_API_URL": f"{sim_url}/hoc", "HOC_API_KEY": "bench-hoc-key"}
    env["CREATIVE_ASSETS_PROVIDERS"] = "all=real"
    parts = [f"{p}={n}" for p, n in limits.items()] + [f"{p}.rpm={r:g}" for p, r in rpm.items()]
    env["CREATIVE_ASSETS_PROVIDER_LIMITS"] = ",".join(parts)
    return env


def _rusage() -> dict[str, float]:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "peak_rss_mib": max(me.ru_maxrss, kids.ru_maxrss) / 1024,
    }


def _live_children_cpu_s() -> float:
    """CPU of our live child processes (the forkserver the workers fork from), from /proc."""
    me, total = str(os.getpid()), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:  # ppid
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def worker_usage(outcomes: list[Any]) -> dict[str, float]:
    """Each worker reports its cumulative CPU and peak RSS with every run; keep its last report."""
    last: dict[int, tuple[float, float]] = {}
    for run in (r for o in outcomes for r in o.runs):
        if run.worker_pid is not None:
            cpu, rss = last.get(run.worker_pid, (0.0, 0.0))
            last[run.worker_pid] = (max(cpu, run.worker_cpu_s or 0), max(rss, run.worker_peak_rss_mib or 0))
    return {
        "workers": len(last),
        "cpu_s": sum(cpu for cpu, _ in last.values()),
        "peak_rss_mib": max((rss for _, rss in last.values()), default=0.0),
    }


def _run_records(instance: Any, run_ids: list[str]) -> list[dict[str, Any]]:
    """Start/end of each run and of each of its steps, from Dagster's own records."""
    out = []
    for run_id in run_ids:
        run = instance.get_run_by_id(run_id)
        stats = instance.get_run_stats(run_id)
        steps = [
            {"step": s.step_key, "start": s.start_time, "end": s.end_time}
            for s in instance.get_run_step_stats(run_id)
        ]
        out.append(
            {
                "run_id": run_id,
                "job": run.job_name,
                "partition": run.tags.get("dagster/partition"),
                "start": stats.start_time,
                "end": stats.end_time,
                "steps": steps,
            }
        )
    return out


def _metadata_sums(instance: Any, run_ids: list[str]) -> dict[str, int]:
    """What the pipeline reports on its materializations (metadata, not the model): creatives
    made (passed + failed + needs_review on final_creatives, one count per creative),
    base images drawn again for text in them (Gate 1a) and pictures replaced later (after a
    failed plan or repeated gate failures)."""
    import dagster as dg

    wanted = {
        "final_creatives": ("passed", "failed", "needs_review", "pictures_replaced"),
        "base_images": ("gate_1a_regenerations",),
    }
    sums = {key: 0 for keys in wanted.values() for key in keys}
    for run_id in run_ids:
        records = instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
        ).records
        for record in records:
            mat = record.event_log_entry.asset_materialization
            for key in wanted.get(mat.asset_key.to_user_string(), ()) if mat else ():
                sums[key] += int(mat.metadata[key].value) if key in mat.metadata else 0
    return sums


def run(sim_url: str, job_ids: list[str], max_runs: int, env: dict[str, str], home: Path) -> dict[str, Any]:
    home.mkdir(parents=True)
    # The instance `make run` gets (the project's dagster.yaml), in a fresh home.
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    os.environ.update(env)
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ["CREATIVE_ASSETS_STORAGE_URL"] = str(home / "storage")
    import dagster as dg

    from creative_assets.campaign import ensure_job_partition, quiet_run_config, run_campaigns
    from creative_assets.definitions import deployment_resources

    before = _rusage()
    resources = deployment_resources()
    with dg.DagsterInstance.get() as instance:
        with dg.build_resources({"job_source": resources["job_source"]}) as built:
            for job_id in job_ids:
                ensure_job_partition(instance, built.job_source, job_id)
        httpx.post(f"{sim_url}/_sim/reset", timeout=10).raise_for_status()
        cpu0, started = _rusage()["cpu_s"], time.time()
        outcomes = run_campaigns(
            instance, job_ids, max_concurrent_runs=max_runs, run_config=quiet_run_config()
        )
        wall = time.time() - started
        workers = worker_usage(outcomes)
        cpu = _rusage()["cpu_s"] - cpu0 + workers["cpu_s"] + _live_children_cpu_s()
        run_ids = [r.run_id for o in outcomes for r in o.runs]
        records = _run_records(instance, run_ids)
        reported = _metadata_sums(instance, run_ids)
    stats = _wait_idle_stats(sim_url)
    served = httpx.get(f"{sim_url}/_sim/requests", timeout=30).json()["requests"]
    return {
        "started": started,
        "wall_s": wall,
        "cpu_s": cpu,
        "setup_cpu_s": cpu0 - before["cpu_s"],
        "peak_rss_mib": max(_rusage()["peak_rss_mib"], workers["peak_rss_mib"]),
        "workers": workers["workers"],
        "success": all(o.success for o in outcomes),
        "errors": [r.error for o in outcomes for r in o.runs if r.error],
        "campaigns": [
            {"job_id": o.job_id, "runs": [r.__dict__ for r in o.runs], "success": o.success} for o in outcomes
        ],
        "runs": records,
        "creatives": reported["passed"] + reported["failed"] + reported["needs_review"],
        "creatives_failed": reported["failed"] + reported["needs_review"],  # not passed
        "gate_1a_regenerations": reported["gate_1a_regenerations"],
        "pictures_replaced": reported["pictures_replaced"],
        "sim": stats,
        # Every request the simulator served: BFL's occupancy is read from it, and a run's
        # timeline with `--keep`.
        "requests": [{k: r.get(k) for k in ("endpoint", "status", "ended_s", "duration_s")} for r in served],
    }


def _wait_idle_stats(sim_url: str, timeout_s: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        stats = httpx.get(f"{sim_url}/_sim/stats", timeout=10).json()
        busy = any(e["in_flight"] for e in stats["endpoints"].values())
        if not busy or time.monotonic() > deadline:
            return stats
        time.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scenario", description=__doc__)
    parser.add_argument("--sim", required=True, help="simulator base URL")
    parser.add_argument("--jobs", required=True, help="comma-separated job ids")
    parser.add_argument("--runs", type=int, default=5, help="runs executing at once")
    parser.add_argument("--env", required=True, help="JSON object of environment variables")
    parser.add_argument("--out", required=True)
    parser.add_argument("--home", help="a new folder for the Dagster home and storage (default: a temp one)")
    args = parser.parse_args(argv)
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="bench-home-")) / "home"
    result = run(args.sim, args.jobs.split(","), args.runs, json.loads(args.env), home)
    Path(args.out).write_text(json.dumps(result, default=str), encoding="utf-8")
    return 0 if result["success"] else 1


if __name__ == "__main__":
    sys.exit(main())
