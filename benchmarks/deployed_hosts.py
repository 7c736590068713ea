"""The several-hosts scenarios of the deployed-path benchmark (issue #23 §3), run through
`deploy/hosts/run_hosts.py` (root: network namespaces; docs/hosts.md), whose simulator answers at
a hundredth of the profile's latency, so the campaigns are CPU-bound:

  scale: N campaigns at once on one worker host, then on two, each host confined to a core of its
         own (`--core-per-host`: separate machines have separate CPUs; unconfined, two hosts
         here only share the same two cores): campaigns per hour and their ratio;
  cut:   one campaign on two hosts, the second host's link cut 3 s into an `image_chains` step:
         does the campaign complete, when did Postgres end the cut host's sessions (and with them
         its slots and single flights), were the limits kept and was anything paid twice.

Each scenario is a fresh set of hosts (its own Postgres, bucket and queue), torn down after it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.deployed_report import Out

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "deploy" / "hosts" / "run_hosts.py"


def run_hosts(workdir: Path, name: str, *args: str) -> dict[str, Any]:
    """One run of the script; its JSON report with the exit status beside it."""
    report = workdir / f"hosts-{name}.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--json", str(report), "--logs", str(workdir / f"hosts-{name}")],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    if done.returncode == 2 or not report.exists():
        return {"exit_status": done.returncode, "skipped": (done.stderr or done.stdout).strip()[-500:]}
    return {**json.loads(report.read_text()), "exit_status": done.returncode}


def _billing(report: dict[str, Any]) -> str:
    ledger = sum(row["cost_usd"] for row in report.get("postgres", {}).get("ledger", []))
    billed = report.get("simulator", {}).get("billed_usd")
    in_flight = report.get("simulator", {}).get("max_in_flight", {}).get("bfl")
    return f"ledger ${ledger:.4f} / billed ${billed:.4f}, BFL in flight at most {in_flight}/5"


def _line(out: Out, label: str, r: dict[str, Any]) -> None:
    out(
        f"   {label:<14} {'ok' if r.get('success') else 'FAILED'}: {r.get('wall_s')} s, "
        f"{r.get('campaigns_per_hour')} campaigns/h, creatives {r.get('creatives')}; "
        f"load {r.get('load_before')} → {r.get('load_after')}"
    )
    out(f"   {'':<14} {_billing(r)}; steps per host {r.get('per_host')}")
    failed = r.get("failed_creatives", [])
    if isinstance(failed, dict):  # run_hosts.py could not read the event log, and says why
        out(f"   {'':<14} why creatives failed: not read ({failed.get('error')})")
        return
    for row in failed:  # run_hosts.py read them from the event log before its teardown
        out(f"   {'':<14} {row['creative_id']} {row['status']}: {'; '.join(row['reasons'])}")


def scale(out: Out, workdir: Path, campaigns: int, formats: str) -> dict[str, Any]:
    out(
        f"4. Several hosts, CPU-bound: {campaigns} campaigns at once on one worker host, then on two "
        "(each worker host confined to one core; Postgres, broker, S3 and simulator on any)"
    )
    same = ("--campaigns", str(campaigns), "--formats", formats, "--core-per-host")
    one = run_hosts(workdir, "one", "--hosts", "1", *same)
    if "skipped" in one:
        out(f"   skipped: {one['skipped']}")
        return {"one": one}
    two = run_hosts(workdir, "two", "--hosts", "2", *same)
    _line(out, "one host", one)
    _line(out, "two hosts", two)
    if one.get("success") and two.get("success"):
        ratio = two["campaigns_per_hour"] / one["campaigns_per_hour"]
        out(f"   two hosts / one    {ratio:.2f} ×   (target ≥ 1.8; {os.cpu_count()} cores on this machine)")
    return {"one": one, "two": two}


def cut(out: Out, workdir: Path, formats: str) -> dict[str, Any]:
    out("5. A worker host's link cut mid-campaign (two hosts, the second cut 3 s into image_chains)")
    r = run_hosts(workdir, "cut", "--hosts", "2", "--cut-host", "2", "--formats", formats)
    if "skipped" in r:
        out(f"   skipped: {r['skipped']}")
        return r
    _line(out, "campaign", r)
    record = r.get("cut") or {}
    ends = record.get("postgres_ends_s") or []
    when = f"during {record.get('step')}" if record.get("at") else "never happened"
    span = f"{min(ends, default=None)}–{max(ends, default=None)} s"
    held = r.get("postgres", {}).get("advisory_locks_held")
    out(
        f"   the cut         {when}; before the campaign ended, Postgres had ended {len(ends)} of "
        f"the host's sessions ({span} after the cut); advisory locks left at the end {held}"
    )
    return r
