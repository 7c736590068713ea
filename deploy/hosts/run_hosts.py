"""A campaign across several worker hosts on this machine, then everything torn down again.

    sudo /work/main/.venv/bin/python deploy/hosts/run_hosts.py [--hosts 2] [--job hoc-4711-pflege]
        [--formats 1:1] [--variants A,B,C,D,E] [--campaigns 1] [--cut-host N] [--json report.json]
        [--logs DIR]

Builds network namespaces `ca-h1` … on a bridge (topology.py); the root namespace is the services
host (services.py): a PostgreSQL server of its own on 10.231.0.1 (the Dagster instance and the
gateway's state), RabbitMQ (Celery's broker) and the provider simulator, relayed from loopback to
10.231.0.1, and moto's S3 server on 10.231.0.1. Each worker host gets its own host name and a
private, empty tmpfs over this session's scratch folder (so it sees none of the run host's
files), and runs one Celery worker (`celery -A dagster_celery.app worker`). The run host (here)
runs the campaign's seven runs (chain.py, driver.py), the five variant runs at once; their steps go
to the workers. `--variants A,B` runs only those variants' runs (the roll-up, which reads all
five, is left out): the same hosts, services and evidence for a smaller campaign, as the test
does. `--campaigns N` launches N campaigns at once (copies of the job under ids of their own)
for campaigns per hour against `--hosts`; `--hosts 1` is the scale baseline. Then it reads
where everything went (evidence.py), prints it, and tears down workers, relays, moto, the
simulator, Postgres and its files, the namespaces and the queue, also when something failed.
Exit status: 0 when the campaign succeeded, 1 when it failed, 2 on bad input (not root, no ip, no PostgreSQL).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

import evidence  # noqa: E402
from chain import SAMPLE_JOBS, VARIANTS, campaign_copies, campaigns, expected_runs, stop_drivers  # noqa: E402
from fault import LinkCut  # noqa: E402
from services import Services  # noqa: E402
from topology import Topology, host_address, host_name  # noqa: E402


def usable() -> str | None:
    """Why this machine cannot build the hosts, or None."""
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    if shutil.which("ip") is None or shutil.which("unshare") is None or shutil.which("nsenter") is None:
        return "needs iproute2's ip and util-linux's unshare and nsenter"
    if not list(Path("/usr/lib/postgresql").glob("*/bin/postgres")):
        return "needs PostgreSQL's server binaries (/usr/lib/postgresql/<version>/bin)"
    probe = subprocess.run(["ip", "netns", "list"], capture_output=True)
    return None if probe.returncode == 0 else "`ip netns` is not available here"


def worker_command(scratch: Path, name: str, queue: str, core: int | None = None) -> list[str]:
    """The worker host's own name (UTS namespace) and an empty tmpfs over the scratch folder
    (mount namespace), then Celery. `-n worker@%h` names the worker after that host. `core`:
    the one CPU the host may use (`taskset`), as a machine of its own has its own; without it
    every host shares all of this machine's cores."""
    pin = f"taskset -c {core} " if core is not None else ""
    shell = (
        f'hostname {name} && mount -t tmpfs -o size=1g,mode=0755 {name} "{scratch}" && '
        'mkdir -p "$HOME" "$TMPDIR" "$DAGSTER_HOME" && '
        f'exec {pin}"{sys.executable}" -m celery -A dagster_celery.app worker -Q {queue} -n worker@%h '
        "--concurrency 1 --prefetch-multiplier 1 --without-gossip --without-mingle -l INFO"
    )
    return ["unshare", "--uts", "--mount", "--propagation", "private", "--", "sh", "-c", shell]


def wait_ready(log: Path, timeout_s: float = 180.0) -> None:
    deadline = time.monotonic() + timeout_s
    while " ready." not in log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the worker did not come up; see {log}")
        time.sleep(0.5)


def campaign_on_hosts(args: argparse.Namespace) -> dict[str, Any]:
    session = uuid.uuid4().hex[:8]
    scratch = Path(tempfile.mkdtemp(prefix=f"ca-hosts-{session}-"))
    logs = Path(args.logs) if args.logs else Path(tempfile.mkdtemp(prefix=f"ca-hosts-logs-{session}-"))
    logs.mkdir(parents=True, exist_ok=True)
    topology = Topology(args.hosts, logs)
    services = Services(topology, session, scratch, REPO)
    report: dict[str, Any] = {
        "session": session,
        "hosts": args.hosts,
        "job": args.job,
        "campaigns": args.campaigns,
        "formats": args.formats,
        "variants": args.variants,
        "core_per_host": args.core_per_host,
        "logs": str(logs),
    }
    try:
        topology.open()
        services.start()
        env = services.env(formats=args.formats)
        workers = {}
        for index in range(1, args.hosts + 1):
            name = host_name(index)
            services.start_host_relay(name)
            worker_env = {
                **env,
                # dagster_celery_config.py: late acknowledgement, tasks of a lost worker given back
                "PYTHONPATH": f"{REPO}{os.pathsep}{HERE}",
                "HOME": f"{scratch}/home",
                "TMPDIR": f"{scratch}/tmp",
                "DAGSTER_HOME": f"{scratch}/home/dagster",
            }
            core = (index - 1) % (os.cpu_count() or 1) if args.core_per_host else None
            workers[name] = topology.start(
                f"worker-{name}", worker_command(scratch, name, services.queue, core), worker_env, netns=name
            )
        for process in workers.values():
            wait_ready(process.log)
        run_env = {**env, "DAGSTER_HOME": str(services.run_home)}
        cut = LinkCut(topology, args.cut_host, services.local_dsn) if args.cut_host else None
        report["load_before"] = [round(x, 2) for x in os.getloadavg()]
        started = time.perf_counter()
        if cut:
            cut.start()
        job_ids = campaign_copies(f"http://127.0.0.1:{services.sim_port}", args.job, args.campaigns)
        by_campaign = campaigns(run_env, job_ids, args.variants)
        report["wall_s"] = round(time.perf_counter() - started, 1)
        report["campaigns_per_hour"] = round(len(job_ids) * 3600 / report["wall_s"], 2)
        runs = [run for job_runs in by_campaign.values() for run in job_runs]
        if cut:
            cut.stop()
            report["cut"] = cut.record
        report["load_after"] = [round(x, 2) for x in os.getloadavg()]
        report["runs"] = runs
        report["success"] = all(
            len(job_runs) == expected_runs(args.variants) and all(r["success"] for r in job_runs)
            for job_runs in by_campaign.values()
        )
        report.update(services.evidence([r["run_id"] for r in runs if r.get("run_id")]))
        report["files_on_worker_hosts"] = {
            name: evidence.files_on_host(p.popen.pid, scratch) for name, p in workers.items()
        }
        report["files_on_run_host"] = evidence.local_files(scratch)
        for process in [*workers.values(), *services.relays]:
            topology.stop(process)
        relay_logs = {r.name: r.log.read_text() for r in services.relays}
        report["relay_peers"] = {
            name: dict(evidence.relay_line(text, "peers")) for name, text in relay_logs.items()
        }
        report["relay_open"] = {
            name: dict(evidence.relay_line(text, "open")) for name, text in relay_logs.items()
        }
        postgres_log = (logs / "postgres.log").read_text()
        report["postgres_peers"] = evidence.postgres_peers(postgres_log)
        if cut and cut.record["at"]:
            report["cut"]["lost"] = evidence.relay_losses(relay_logs["relay-services"], cut.record["at"])
            report["cut"]["postgres_ends_s"] = evidence.postgres_ends(
                postgres_log, host_address(args.cut_host), cut.record["at"]
            )
    except Exception:
        report["success"] = False
        report["error"] = traceback.format_exc()
    finally:
        stop_drivers()
        topology.close()
        services.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return report


def summary(report: dict[str, Any]) -> str:
    lines = [
        f"{report.get('campaigns', 1)} campaign(s) of {report['job']} on {report['hosts']} worker hosts: "
        f"{'succeeded' if report.get('success') else 'FAILED'} in {report.get('wall_s')} s, "
        f"{report.get('campaigns_per_hour')} campaigns per hour"
        f"{', one core per host' if report.get('core_per_host') else ''} "
        f"(load average before {report.get('load_before')}, after {report.get('load_after')})"
    ]
    for run in report.get("runs", []):
        lines.append(
            f"  {run.get('job', '?'):<16} {run.get('partition', ''):<20} "
            f"{'ok' if run['success'] else 'failed'} {run.get('seconds', '')} s {run.get('error') or ''}"
        )
    if "creatives" in report:
        lines.append(f"  creatives: {report['creatives']}")
    failed = report.get("failed_creatives", [])
    if isinstance(failed, dict):  # the event log could not be read: say why
        lines.append(f"  failed creatives: not read ({failed.get('error')})")
    else:
        lines += [f"  failed creative {line}" for line in evidence.failure_lines(failed)]
    for host, figures in sorted(report.get("per_host", {}).items()):
        lines.append(f"  {host}: {figures['steps']} steps, {figures['step_seconds']} s of steps")
    if "bucket" in report:
        lines.append(
            f"  S3: {report['bucket']['objects']} objects, {report['bucket']['final_pngs']} final PNGs"
        )
    if "postgres" in report:
        pg = report["postgres"]
        lines.append(
            f"  Postgres: runs {pg['runs']}, {pg['paid_calls']} paid calls on the ledger, "
            f"{pg['advisory_locks_held']} slots still held"
        )
    if "simulator" in report:
        lines.append(f"  simulator: {report['simulator']}")
    for host, files in report.get("files_on_worker_hosts", {}).items():
        lines.append(f"  files on {host}'s disk: {len(files)} {files[:5]}")
    lines.append(f"  files on the run host's disk: {report.get('files_on_run_host')}")
    if (cut := report.get("cut")) and not cut.get("at"):
        lines.append(f"  {cut['host']} was never seen running {cut['step']}: its link was not cut")
    elif cut:
        ends = cut.get("postgres_ends_s", [])
        lines.append(
            f"  cut {cut['host']}'s link during {cut['step']}; Postgres ended {len(ends)} of its sessions "
            f"{min(ends, default=None)}–{max(ends, default=None)} s after the cut"
        )
    if report.get("error"):
        lines.append(report["error"])
    lines.append(f"  logs: {report['logs']}")
    return "\n".join(lines)


def _variants(text: str) -> tuple[str, ...]:
    """`A,B` → ("A", "B"): known variants, each once, in the campaign's order."""
    chosen = {v.strip().upper() for v in text.split(",") if v.strip()}
    if not chosen or not chosen <= set(VARIANTS):
        raise argparse.ArgumentTypeError(f"variants are some of {','.join(VARIANTS)}")
    return tuple(v for v in VARIANTS if v in chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run_hosts.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=2, help="worker hosts; 1 is the scale baseline")
    parser.add_argument("--job", default="hoc-4711-pflege")
    parser.add_argument("--formats", default="1:1", help="CREATIVE_ASSETS_FORMATS (default 1:1)")
    parser.add_argument(
        "--variants",
        type=_variants,
        default=VARIANTS,
        help="variants to run, e.g. A,B (default all five; fewer leave out the roll-up)",
    )
    parser.add_argument("--campaigns", type=int, default=1, help="campaigns at once (copies of --job)")
    parser.add_argument(
        "--cut-host", type=int, metavar="N", help="cut host N's link while it runs an image_chains step"
    )
    parser.add_argument(
        "--core-per-host",
        action="store_true",
        help="confine worker host N to core N-1 (taskset), as separate machines have CPUs of their own",
    )
    parser.add_argument("--json", help="write the report here")
    parser.add_argument("--logs", help="keep the processes' logs here (default: a new temp folder)")
    args = parser.parse_args(argv)
    if args.hosts < 1 or args.hosts > 9:
        parser.error("--hosts must be between 1 and 9")
    if not 1 <= args.campaigns <= 20:
        parser.error("--campaigns must be between 1 and 20")
    if args.campaigns > 1 and not (SAMPLE_JOBS / f"{args.job}.json").exists():
        parser.error(f"--campaigns above 1 copies a sample job: --job names one in {SAMPLE_JOBS}")
    if args.cut_host is not None and not 1 <= args.cut_host <= args.hosts:
        parser.error("--cut-host names one of the hosts, 1 … --hosts")
    if reason := usable():
        print(f"[unsupported_machine] {reason}", file=sys.stderr)
        return 2
    # A test's timeout or Ctrl-C still tears the hosts down (the `finally` above).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # One set of hosts at a time: two would share the bridge, its addresses and the namespaces.
    lock = open(Path(tempfile.gettempdir()) / "ca-hosts.lock", "w")  # noqa: SIM115 (held until exit)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("another run_hosts.py holds the hosts; waiting for it", file=sys.stderr)
        fcntl.flock(lock, fcntl.LOCK_EX)
    report = campaign_on_hosts(args)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str))
    print(summary(report))
    return 0 if report.get("success") else 1


if __name__ == "__main__":
    sys.exit(main())
