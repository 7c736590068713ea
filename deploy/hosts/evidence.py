"""What the several-hosts campaign left where, read after it ran: which worker executed each step
(the Celery worker's name, which is its host's, on the engine event dagster-celery records for
every step), the artifacts in the S3 bucket, the gateway's ledger and provider state and Dagster's
runs in Postgres, the simulator's counts, and the files each host holds on its own disk."""

from __future__ import annotations

import json
import subprocess
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import dagster as dg
import httpx
import psycopg2

from creative_assets.defs.compose.assets import GATE_CHECKS
from creative_assets.models.creatives import PASSING

CELERY_WORKER_KEY = "Celery worker"


def each(**readers: Callable[[], Any]) -> dict[str, Any]:
    """Every reading that works, and for one that fails its error: the report stays whole."""
    out: dict[str, Any] = {}
    for name, read in readers.items():
        try:
            out[name] = read()
        except Exception as exc:
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


def step_hosts(instance: dg.DagsterInstance, run_ids: list[str]) -> list[dict[str, Any]]:
    """One row per executed step: run, job, partition, step, worker, seconds."""
    rows = []
    for run_id in run_ids:
        run = instance.get_run_by_id(run_id)
        durations = {
            s.step_key: (s.end_time or 0) - (s.start_time or 0) for s in instance.get_run_step_stats(run_id)
        }
        records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT).records
        for record in records:
            event = record.event_log_entry.dagster_event
            metadata = getattr(event.event_specific_data, "metadata", None) or {}
            if CELERY_WORKER_KEY not in metadata:
                continue
            worker = metadata[CELERY_WORKER_KEY]
            rows.append(
                {
                    "run_id": run_id,
                    "job": run.job_name if run else None,
                    "partition": run.tags.get("dagster/partition") if run else None,
                    "step": event.step_key,
                    "worker": getattr(worker, "value", worker),
                    "seconds": round(durations.get(event.step_key, 0.0), 2),
                }
            )
    return rows


def creative_counts(instance: dg.DagsterInstance, run_ids: list[str]) -> dict[str, int]:
    """Passed, failed and needs-review creatives over the runs' `final_creatives` outputs (the
    counts the compose step puts on each materialization)."""
    counts: Counter[str] = Counter()
    for run_id in run_ids:
        kind = dg.DagsterEventType.ASSET_MATERIALIZATION
        for record in instance.get_records_for_run(run_id, of_type=kind).records:
            materialization = record.event_log_entry.asset_materialization
            if materialization is None or materialization.asset_key.path[-1] != "final_creatives":
                continue
            for name in ("passed", "failed", "needs_review"):
                counts[name] += int(materialization.metadata[name].value)
    return dict(counts)


GATE_OF_CHECK = {check: gate for gate, check in GATE_CHECKS.items()}  # the checks on final_creatives


def _metadata_value(metadata: Mapping[str, Any], key: str, default: Any) -> Any:
    entry = metadata.get(key)
    return default if entry is None else getattr(entry, "value", entry)


def _summary(summaries: str, rendition: str) -> str:
    """A rendition's line of a check's `summaries` markdown (`- **<rendition>**: <summary>`)."""
    prefix = f"- **{rendition}**: "
    for line in summaries.splitlines():
        if line.startswith(prefix):
            return line.removeprefix(prefix).strip()
    return "no summary recorded"


def failed_creatives(instance: dg.DagsterInstance, run_ids: list[str]) -> list[dict[str, Any]]:
    """Every creative of the runs that did not pass, with why: the provider call that failed it
    (or the Gate 1a text that did, both in `final_creatives`' `call_failures`), each gate whose
    check failed one of its renditions with that check's summary, or what a stand-in made. Read
    from the event log: the latest `final_creatives` of each job × variant and the gate checks
    of the same run."""
    latest: dict[str, tuple[int, str, Mapping[str, Any]]] = {}
    checks: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for run_id in run_ids:
        kind = dg.DagsterEventType.ASSET_MATERIALIZATION
        for record in instance.get_records_for_run(run_id, of_type=kind).records:
            mat = record.event_log_entry.asset_materialization
            if mat is None or mat.asset_key.path[-1] != "final_creatives" or not mat.partition:
                continue
            if mat.partition not in latest or latest[mat.partition][0] < record.storage_id:
                latest[mat.partition] = (record.storage_id, run_id, mat.metadata)
        kind = dg.DagsterEventType.ASSET_CHECK_EVALUATION
        for record in instance.get_records_for_run(run_id, of_type=kind).records:
            check = record.event_log_entry.dagster_event.event_specific_data
            if check.check_name in GATE_OF_CHECK and check.partition:
                checks[(run_id, str(check.partition), check.check_name)] = check.metadata
    rows = []
    for partition, (_, run_id, metadata) in sorted(latest.items()):
        job_id, _, variant = partition.rpartition("|")
        call_failures = _metadata_value(metadata, "call_failures", {})
        fallbacks = _metadata_value(metadata, "fallbacks", {})
        for image_type, status in _metadata_value(metadata, "status", {}).items():
            if status in PASSING:
                continue
            creative_id = f"{job_id}-{variant}-{image_type}"
            reasons = [call_failures[creative_id]] if creative_id in call_failures else []
            for check_name, gate in GATE_OF_CHECK.items():
                check = checks.get((run_id, partition, check_name), {})
                summaries = _metadata_value(check, "summaries", "")
                for rendition, verdict in _metadata_value(check, "status", {}).items():
                    if verdict == "FAIL" and rendition.split(" ", 1)[0] == image_type:
                        where = rendition.split(" ", 1)[1] if " " in rendition else rendition
                        reasons.append(f"Gate {gate} ({where}): {_summary(summaries, rendition)}")
            if creative_id in fallbacks:
                reasons.append(f"made by a stand-in: {fallbacks[creative_id]}")
            rows.append(
                {"creative_id": creative_id, "status": status, "reasons": reasons or ["no reason recorded"]}
            )
    return rows


def failure_lines(rows: list[dict[str, Any]]) -> list[str]:
    """One line per creative that did not pass: its id, status and every reason."""
    return [f"{row['creative_id']} {row['status']}: {'; '.join(row['reasons'])}" for row in rows]


def per_host(steps: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    hosts: dict[str, dict[str, float]] = defaultdict(lambda: {"steps": 0, "step_seconds": 0.0})
    for step in steps:
        host = str(step["worker"]).rpartition("@")[2]
        hosts[host]["steps"] += 1
        hosts[host]["step_seconds"] = round(hosts[host]["step_seconds"] + step["seconds"], 2)
    return dict(hosts)


def bucket_contents(endpoint: str, bucket: str) -> dict[str, Any]:
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    keys = [
        obj["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for obj in page.get("Contents", [])
    ]
    by_top: Counter[str] = Counter(key.split("/")[1] if "/" in key else key for key in keys)
    return {
        "objects": len(keys),
        "by_prefix": dict(by_top),
        "final_pngs": sum(1 for k in keys if "/final_creatives/" in k and k.endswith(".png")),
    }


def postgres_state(dsn: str) -> dict[str, Any]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT status, count(*) FROM runs GROUP BY 1")
        runs = dict(cur.fetchall())
        cur.execute("SELECT to_regclass('ca_ledger') IS NOT NULL")
        if not cur.fetchone()[0]:  # the gateway creates its tables on first use
            return {
                "ledger": [],
                "paid_calls": 0,
                "provider_state": [],
                "runs": runs,
                "advisory_locks_held": 0,
            }
        cur.execute("SELECT provider, outcome, count(*), sum(cost_nano_usd) FROM ca_ledger GROUP BY 1, 2")
        ledger = [
            {"provider": p, "outcome": o, "rows": n, "cost_usd": round(float(c or 0) / 1e9, 6)}
            for p, o, n, c in cur.fetchall()
        ]
        cur.execute("SELECT count(*) FROM ca_ledger WHERE cached = false AND outcome = 'ok'")
        paid_calls = cur.fetchone()[0]
        cur.execute("SELECT provider, state, consecutive_failures FROM ca_provider_state ORDER BY 1")
        providers = [{"provider": p, "breaker": s, "failures": f} for p, s, f in cur.fetchall()]
        # Advisory locks are the gateway's slots and flights on Postgres; none may outlive a run.
        cur.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND d.datname = current_database()"
        )
        held = cur.fetchone()[0]
    return {
        "ledger": ledger,
        "paid_calls": paid_calls,
        "provider_state": providers,
        "runs": runs,
        "advisory_locks_held": held,
    }


def simulator_stats(base_url: str) -> dict[str, Any]:
    stats = httpx.get(f"{base_url}/_sim/stats", timeout=10).json()
    return {
        "calls": stats["totals"]["calls"],
        "billed_usd": stats["totals"]["billed_usd"],
        "max_in_flight": {p: v["max_in_flight"] for p, v in stats["providers"].items()},
    }


def files_on_host(pid: int, root: Path) -> list[str]:
    """The files under `root` as the process `pid` sees them (its own mount namespace)."""
    out = subprocess.run(
        ["nsenter", "-t", str(pid), "-m", "--", "find", str(root), "-type", "f"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(str(Path(line).relative_to(root)) for line in out.splitlines() if line)


def local_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def relay_line(log_text: str, kind: str) -> Mapping[str, int]:
    """The relay's closing `peers {…}` (connections taken) or `open {…}` (still open) line."""
    for line in reversed(log_text.splitlines()):
        if line.startswith(f"{kind} "):
            return json.loads(line.removeprefix(f"{kind} "))
    return {}


def relay_losses(log_text: str, since: float) -> list[dict[str, Any]]:
    """Connections the relay found dead (keepalive) or reset, seconds after `since`."""
    out = []
    for line in log_text.splitlines():
        if line.startswith("lost "):
            _, at, rest = line.split(" ", 2)
            connection, _, error = rest.rpartition(": ")
            out.append({"connection": connection, "after_s": round(float(at) - since, 1), "error": error})
    return out


def postgres_peers(log_text: str) -> dict[str, int]:
    """Sessions per client address, from the server's `log_connections` lines."""
    hosts: Counter[str] = Counter()
    for line in log_text.splitlines():
        if "connection received: host=" in line:
            hosts[line.split("connection received: host=", 1)[1].split()[0]] += 1
    return dict(hosts)


def postgres_ends(log_text: str, host: str, since: float) -> list[float]:
    """Seconds after `since` at which the server ended a session of `host` (log_disconnections;
    the log's timestamps are UTC)."""
    ends = []
    for line in log_text.splitlines():
        if "disconnection: session time:" in line and f"host={host} " in line:
            stamp = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
            if (after := stamp.timestamp() - since) >= 0:
                ends.append(round(after, 1))
    return ends
