"""What a run worker's start costs (issue #23): the process the code server spawns for each run,
from its spawn to its first step, in CPU and wall seconds, with the load average beside them.

    python -m benchmarks.run_start [--runs 5] [--jobs campaign_text,campaign_variant,campaign_rollup]
                                   [--providers real|local] [--instance postgres|sqlite] [--importtime]

Each run is a real one on a throwaway instance (`deploy/dagster.postgres.yaml` on a fresh
database, or the top-level SQLite `dagster.yaml`): the parent loads the code location as `dagster
code-server start -m creative_assets.definitions -a defs` does, creates the run, and spawns its
worker the way the code server's StartRun does (multiprocessing "spawn", Dagster's own
`core_execute_run`). The worker notes its CPU (`time.process_time`, all threads) and wall clock
at each mark and is stopped at its first STEP_START, so no step work is counted:

  spawn        interpreter start and unpickling the job's pointer (which imports dagster)
  cli          `import dagster._cli`: the rest of what the spawn main, the `dagster` script, imports
  instance     DagsterInstance.from_ref and the run read (dagster-postgres on Postgres)
  import       `import creative_assets.definitions`
  run start    definitions built (`defs()`: resources from the environment), job, plan, RUN_START
               (the deployed benchmark's "start" ends here)
  resources    the job's resources initialised (in-process executor: once per run)
  first step   up to the first STEP_START

`--providers real` is the deployed benchmark's configuration (`all=real`, keys and URLs set;
nothing is called). `--importtime` adds `python -X importtime` of the worker's imports, summed
by top-level package. Hand-written because Dagster reports a run's start only as wall time
between two events.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
MARKS = ("spawn", "cli", "instance", "import", "run start", "resources", "first step")
HEAVY = (
    "openai",
    "aiohttp",
    "pandas",
    "onnxruntime",
    "cv2",
    "rapidocr_onnxruntime",
    "tesserocr",
    "shapely",
    "dagster_postgres",
    "sqlalchemy",
    "httpx2",
    "rich",
    "pygments",
    "upath",
    "fsspec",
)
DEFS_MODULE = "creative_assets.definitions"


def _worker(recon_job: Any, instance_ref: Any, run_id: str, conn: Any) -> None:
    """The run worker: what dagster._grpc.impl._run_in_subprocess does, with marks."""
    marks = [("spawn", time.process_time(), time.time())]

    def mark(name: str) -> None:
        marks.append((name, time.process_time(), time.time()))

    import dagster._cli  # (the spawn main of a code server)

    mark("cli")
    import dagster as dg
    from dagster._grpc.impl import core_execute_run

    with dg.DagsterInstance.from_ref(instance_ref) as instance:
        run = instance.get_run_by_id(run_id)
        instance.report_engine_event(f"Started process for run (pid: {os.getpid()}).", run)
        mark("instance")
        __import__(DEFS_MODULE)
        mark("import")
        events = core_execute_run(recon_job, run, instance, inject_env_vars=False)
        for event in events:
            if event.event_type == dg.DagsterEventType.RUN_START:
                mark("run start")
            elif event.message and event.message.startswith("Finished initialization of resources"):
                mark("resources")
            elif event.event_type == dg.DagsterEventType.STEP_START:
                mark("first step")
                break
        conn.send({"marks": marks, "loaded": sorted(m for m in HEAVY if m in sys.modules)})
        conn.close()
        # Stopped before the step's work: closing the run would log a failure for nothing.
        os._exit(0)


def _environment(home: Path, providers: str, instance: str) -> str | None:
    """Sets this process's environment (the worker inherits it); returns a database to drop."""
    from benchmarks.scenario import provider_env

    os.environ["DAGSTER_HOME"] = str(home)
    os.environ["CREATIVE_ASSETS_STORAGE_URL"] = str(home / "storage")
    if providers == "real":  # the deployed benchmark's clients, pointed at a port nobody serves
        os.environ.update(provider_env("http://127.0.0.1:9", {}, {}))
    else:
        os.environ.pop("CREATIVE_ASSETS_PROVIDERS", None)
    if instance == "sqlite":
        shutil.copyfile(REPO / "dagster.yaml", home / "dagster.yaml")
        return None
    from benchmarks.deployed_stack import PG, POSTGRES_YAML, _admin

    db = f"runstart_{os.getpid()}"
    with contextlib.closing(_admin()) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {db}")
    shutil.copyfile(POSTGRES_YAML, home / "dagster.yaml")
    os.environ.update(
        DAGSTER_PG_HOST=PG["host"],
        DAGSTER_PG_PORT=PG["port"],
        DAGSTER_PG_USER=PG["user"],
        DAGSTER_PG_PASSWORD=PG["password"],
        DAGSTER_PG_DB=db,
        CREATIVE_ASSETS_STATE_URL=f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{db}",
    )
    return db


def _measure(jobs: list[str], runs: int) -> dict[str, list[dict[str, Any]]]:
    import dagster as dg
    from dagster._core.definitions.reconstruct import ReconstructableRepository

    from creative_assets.partitions import job_partitions, variant_key

    recon_repo = ReconstructableRepository.for_module(DEFS_MODULE, "defs", working_directory=str(REPO))
    repo = recon_repo.get_definition()
    ctx = multiprocessing.get_context("spawn")  # as the code server's StartRun
    results: dict[str, list[dict[str, Any]]] = {job: [] for job in jobs}
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(job_partitions.name, ["runstart-job"])
        for i in range(runs):
            for job in jobs:  # interleaved, so each job sees the same machine states
                job_def = repo.get_job(job)
                key = str(variant_key("runstart-job", "A")) if job == "campaign_variant" else "runstart-job"
                tags = job_def.partitions_def.get_tags_for_partition_key(key)
                run = instance.create_run_for_job(job_def, tags=tags)
                parent, child = ctx.Pipe(duplex=False)
                started = time.time()
                worker = ctx.Process(
                    target=_worker,
                    args=(recon_repo.get_reconstructable_job(job), instance.get_ref(), run.run_id, child),
                )
                worker.start()
                child.close()
                got = parent.recv()
                worker.join()
                got["started"], got["load"] = started, os.getloadavg()
                results[job].append(got)
                print(f"  {job} #{i + 1}: {_line(got)}", flush=True)
    return results


def _phases(got: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """(CPU, wall) seconds of each phase; "spawn" counts from the parent's start()."""
    out, prev_wall = {}, got["started"]
    prev_cpu = 0.0
    for name, cpu, wall in got["marks"]:
        out[name] = (cpu - prev_cpu, wall - prev_wall)
        prev_cpu, prev_wall = cpu, wall
    total_cpu = got["marks"][-1][1]
    out["total"] = (total_cpu, got["marks"][-1][2] - got["started"])
    return out


def _line(got: dict[str, Any]) -> str:
    p = _phases(got)
    parts = " · ".join(f"{n} {c:.2f}/{w:.2f}" for n, (c, w) in p.items() if n != "total")
    load = "/".join(f"{x:.2f}" for x in got["load"])
    return f"CPU/wall s: {parts} · total {p['total'][0]:.2f}/{p['total'][1]:.2f} (load {load})"


def _report(results: dict[str, list[dict[str, Any]]]) -> None:
    print("median CPU s / wall s per phase (each worker's own CPU, all threads):")
    names = [*MARKS, "total"]
    print(f"  {'job':18}" + "".join(f"{n:>17}" for n in names))
    for job, got in results.items():
        phases = [_phases(g) for g in got]
        cells = []
        for n in names:
            cpus = [p[n][0] for p in phases if n in p]
            walls = [p[n][1] for p in phases if n in p]
            cells.append(f"{statistics.median(cpus):7.2f} /{statistics.median(walls):6.2f}" if cpus else "-")
        print(f"  {job:18}" + "".join(f"{c:>17}" for c in cells))
        print(f"  {'':18}heavy modules loaded by the first step: {', '.join(got[-1]['loaded']) or 'none'}")


def _importtime() -> None:
    """`python -X importtime` of the worker's imports, self time summed by top-level package."""
    code = f"import dagster._cli, {DEFS_MODULE}"
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    by_top: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        top = name.strip().split(".")[0]
        by_top[top] = by_top.get(top, 0.0) + int(self_us) / 1e6
    total = sum(by_top.values())
    top = sorted(by_top.items(), key=lambda kv: -kv[1])[:15]
    print(f"import time of `{code}`: {total:.2f} s wall; by package (self time):")
    print("  " + ", ".join(f"{k} {v:.2f}" for k, v in top))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="workers per job")
    parser.add_argument("--jobs", default="campaign_text,campaign_variant,campaign_rollup")
    parser.add_argument("--providers", choices=("real", "local"), default="real")
    parser.add_argument("--instance", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args()
    load = "/".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"run worker start · {os.cpu_count()} cores, load average {load} (1/5/15 min) · "
        f"providers {args.providers}, instance {args.instance}, {args.runs} workers per job"
    )
    home = Path(tempfile.mkdtemp(prefix="runstart-"))
    db = _environment(home, args.providers, args.instance)
    try:
        if args.importtime:
            _importtime()
        _report(_measure(args.jobs.split(","), args.runs))
    finally:
        if db:
            from benchmarks.deployed_stack import _admin

            with contextlib.closing(_admin()) as conn, conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        shutil.rmtree(home, ignore_errors=True)
    load = "/".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at the end {load}")


if __name__ == "__main__":
    main()
