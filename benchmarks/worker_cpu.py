"""A campaign's run workers on the deployed path, in CPU seconds, optionally profiled (issue #23).

    PYTHONPATH=$PWD python -m benchmarks.worker_cpu [--trials 2] [--formats 1:1]
        [--trees new=$PWD,main=/work/wt/snap] [--profile DIR] [--instance postgres|sqlite]

Per trial and tree: a throwaway Postgres database with `deploy/dagster.postgres.yaml` (and the
gateway's state in it, as `benchmarks.deployed` sets it up), every real client pointed at a
zero-latency provider simulator, then the campaign's three runs one after another, each in a
fresh worker process as the code server spawns one: the text run, one run of the job's five
variant partitions (the chain sensor's range run), the roll-up. A worker does what the code
server's run worker does (`core_execute_run`, no run config: the default console logger), its
CPU is read with `wait4`. Trees are interleaved (ABBA), the load average printed beside each.

`--profile DIR` runs each worker under cProfile with a per-thread CPU clock in every Python
thread (the variant run works in threads) and prints self CPU by subsystem and the inclusive
CPU of the functions named in `benchmarks/worker_profile.py`. cProfile slows Python-heavy code
more than native code, so its shares lean towards Dagster; the unprofiled trials give the figure.
Hand-written because neither Dagster nor cProfile reports a spawned run worker's CPU by thread.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOB = "cpu-bench"
RUNS = (("campaign_text", f"{JOB}", None), ("campaign_variant", f"{JOB}|A", f"{JOB}|E"))
RUNS += (("campaign_rollup", JOB, None),)
PY_SPY: list[str | None] = [None]
# Inclusive CPU (all threads, the thread's own clock) of these, "module:attribute[.method]", read by
# wrapping them before the definitions import them: cheap enough to leave on in every trial.
TIMED = [  # leaves first: a module that imports a name binds what is there at its import
    "creative_assets.gates.glyph_damage:glyph_damage",
    "creative_assets.imaging.ocr_copy:read_copy_changes",
    "creative_assets.imaging.ocr_copy:read_text_in",
    "creative_assets.imaging.text_fit:fit_text",
    "creative_assets.imaging.hyphenation:_load_dictionary",
    "creative_assets.imaging.png:to_png",
    "creative_assets.imaging.png:thumbnail",
    "creative_assets.imaging.png:open_image",
    "creative_assets.imaging.text_search:find_text",
    "creative_assets.imaging.layout_rules:plan_layout",
    "creative_assets.defs.compose.attempts:judge",
    "creative_assets.defs.compose.attempts:make_creative",
    "creative_assets.providers.openai_images:OpenAIVisionAnalyzer.analyze",
    "creative_assets.providers.openai_images:OpenAIImageEditor.overlay_text",
    "creative_assets.providers.bfl:BflImageGenerator.generate",
    "creative_assets.io.artifact_store:ArtifactStore.handle_output",
    "creative_assets.io.artifact_store:ArtifactStore.load_input",
    "PIL.Image:Image.save",
    "PIL.ImageFile:ImageFile.load",
    "dagster._core.instance:DagsterInstance.handle_new_event",
    "dagster._core.instance:DagsterInstance.has_dynamic_partition",
    "dagster._core.instance:DagsterInstance.fetch_materializations",
    "dagster._core.instance:DagsterInstance.get_latest_materialization_event",
    "dagster._core.instance:DagsterInstance.get_event_records",
    "importlib._bootstrap:_find_and_load",
]


def _timers() -> dict[str, float]:
    """Wraps each of TIMED; the returned dict fills with CPU seconds as they run."""
    import functools
    import importlib
    import threading

    spent: dict[str, float] = {}
    local = threading.local()
    for target in TIMED:
        module_name, attr = target.split(":")
        try:
            owner: object = importlib.import_module(module_name)
            *path, name = attr.split(".")
            for part in path:
                owner = getattr(owner, part)
            original = getattr(owner, name)
        except (ImportError, AttributeError):
            continue

        def wrapped(*a: object, __f=original, __k=attr, **k: object) -> object:
            depth = getattr(local, __k, 0)
            setattr(local, __k, depth + 1)
            started = time.thread_time()
            try:
                return __f(*a, **k)
            finally:
                setattr(local, __k, depth)
                if depth == 0:
                    spent[__k] = spent.get(__k, 0.0) + time.thread_time() - started

        setattr(owner, name, functools.wraps(original)(wrapped))
    return spent


def _profiled_threads(out: str) -> None:
    """cProfile in this thread and in every thread started later; each dumps on its way out."""
    import cProfile
    import threading

    def start(name: str) -> cProfile.Profile:
        prof = cProfile.Profile(time.thread_time)
        prof.enable()
        return prof

    run = threading.Thread.run
    count = [0]

    def profiled_run(self: threading.Thread) -> None:
        prof = start(self.name)
        try:
            run(self)
        finally:
            prof.disable()
            count[0] += 1
            prof.dump_stats(f"{out}.t{threading.get_ident()}_{count[0]}")

    threading.Thread.run = profiled_run  # type: ignore[method-assign]
    main = start("main")
    import atexit

    atexit.register(lambda: (main.disable(), main.dump_stats(f"{out}.main")))


def worker(job: str, partition: str, last: str | None, profile: str | None) -> None:
    """One run worker: what dagster._grpc.impl._run_in_subprocess does after the spawn."""
    if profile:
        _profiled_threads(profile)
    started = time.process_time()
    spent = _timers()
    import dagster as dg
    from dagster._core.definitions.reconstruct import ReconstructableRepository
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG
    from dagster._grpc.impl import core_execute_run

    recon = ReconstructableRepository.for_module("creative_assets.definitions", "defs", working_directory=".")
    with dg.DagsterInstance.get() as instance:
        recon_job = recon.get_reconstructable_job(job)
        job_def = recon_job.get_definition()  # cached: core_execute_run does not build it again
        if job == "campaign_text":  # the sensor adds the partition before it asks for the run
            instance.add_dynamic_partitions("job", [partition])
        if last:
            tags = {ASSET_PARTITION_RANGE_START_TAG: partition, ASSET_PARTITION_RANGE_END_TAG: last}
        else:
            tags = job_def.partitions_def.get_tags_for_partition_key(partition)
        run = instance.create_run_for_job(job_def, tags={**job_def.tags, **tags})
        loaded = time.process_time()
        for _ in core_execute_run(recon_job, run, instance, inject_env_vars=False):
            pass
        done = time.process_time()
        status = instance.get_run_by_id(run.run_id).status.value
    timed = {k: round(v, 2) for k, v in spent.items()}
    print(
        json.dumps(
            {"status": status, "start_cpu_s": loaded - started, "run_cpu_s": done - loaded, "timed": timed}
        )
    )


def _launch(
    tree: Path, env: dict[str, str], job: str, partition: str, last: str | None, prof: str | None
) -> dict:
    command = [sys.executable, str(Path(__file__)), "worker", job, partition]
    command += ["--last", last] if last else []
    if prof and PY_SPY[0]:  # py-spy's own CPU is counted too (wait4 sums the tree)
        command = [
            PY_SPY[0],
            "record",
            "-r",
            "100",
            "-F",
            "-f",
            "raw",
            "-o",
            f"{prof}.folded",
            "--",
            *command,
        ]
    elif prof:
        command += ["--profile", prof]
    process = subprocess.Popen(
        command, env=env, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read() if process.stdout else ""
    lines = [line for line in output.splitlines() if line.startswith("{")]  # py-spy prints too
    report = json.loads(lines[-1]) if lines else {"status": f"exit {status}"}
    report["cpu_s"] = usage.ru_utime + usage.ru_stime
    report["peak_rss_mib"] = usage.ru_maxrss / 1024
    return report


@contextlib.contextmanager
def _instance(tree: Path, kind: str, base_env: dict[str, str]):
    """A fresh DAGSTER_HOME (and Postgres database) configured as the tree deploys it."""
    from benchmarks.deployed_stack import PG, _admin

    home = Path(tempfile.mkdtemp(prefix="worker_cpu_"))
    env = {**base_env, "DAGSTER_HOME": str(home), "CREATIVE_ASSETS_STORAGE_URL": str(home / "storage")}
    env["PYTHONPATH"] = str(tree)
    db = f"worker_cpu_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    if kind == "sqlite":
        shutil.copyfile(tree / "dagster.yaml", home / "dagster.yaml")
    else:
        with contextlib.closing(_admin()) as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {db}")
        shutil.copyfile(tree / "deploy" / "dagster.postgres.yaml", home / "dagster.yaml")
        env |= {
            "DAGSTER_PG_HOST": PG["host"],
            "DAGSTER_PG_PORT": PG["port"],
            "DAGSTER_PG_USER": PG["user"],
            "DAGSTER_PG_PASSWORD": PG["password"],
            "DAGSTER_PG_DB": db,
            "CREATIVE_ASSETS_STATE_URL": f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{db}",
        }
    try:
        yield env, home
    finally:
        if kind != "sqlite":
            with contextlib.closing(_admin()) as conn, conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        shutil.rmtree(home, ignore_errors=True)


def trial(name: str, tree: Path, kind: str, base_env: dict[str, str], profile_dir: Path | None) -> dict:
    load = os.getloadavg()[0]
    parts: dict[str, dict] = {}
    with _instance(tree, kind, base_env) as (env, _home):
        for job, partition, last in RUNS:
            prof = str(profile_dir / f"{name}.{job}") if profile_dir else None
            parts[job] = _launch(tree, env, job, partition, last, prof)
    return {
        "tree": name,
        "ok": all(p.get("status") == "SUCCESS" for p in parts.values()),
        "cpu_s": round(sum(p["cpu_s"] for p in parts.values()), 1),
        **{job.removeprefix("campaign_"): round(p["cpu_s"], 1) for job, p in parts.items()},
        "variant_start_s": round(parts["campaign_variant"].get("start_cpu_s", 0), 1),
        "timed": {job.removeprefix("campaign_"): p.get("timed", {}) for job, p in parts.items()},
        "peak_rss_mib": round(max(p["peak_rss_mib"] for p in parts.values())),
        "load": f"{load:.1f} → {os.getloadavg()[0]:.1f}",
    }


def main(argv: list[str] | None = None) -> None:
    if argv is None and sys.argv[1:2] == ["worker"]:
        sys.path.pop(0)  # run by path: benchmarks/ must not shadow top-level modules
        p = argparse.ArgumentParser()
        p.add_argument("cmd")
        p.add_argument("job")
        p.add_argument("partition")
        p.add_argument("--last")
        p.add_argument("--profile")
        a = p.parse_args()
        worker(a.job, a.partition, a.last, a.profile)
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trials", type=int, default=2, help="rounds; trees alternate ABBA")
    parser.add_argument("--formats", default="1:1")
    parser.add_argument("--trees", default=f"new={ROOT}", help="name=path,… (the code each worker runs)")
    parser.add_argument("--instance", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--profile", help="directory for cProfile dumps; prints where the CPU went")
    parser.add_argument("--py-spy", help="a py-spy binary: sample the workers with it instead of cProfile")
    args = parser.parse_args(argv)
    PY_SPY[0] = args.py_spy

    from benchmarks.model import Profile
    from benchmarks.scenario import provider_env
    from benchmarks.simulator import SimProcess, bench_jobs, load, sim_config

    profile = Profile.from_dict(json.loads((ROOT / "benchmarks" / "profile.json").read_text()))
    trees = [(n, Path(p).resolve()) for n, p in (t.split("=", 1) for t in args.trees.split(","))]
    workdir = Path(tempfile.mkdtemp(prefix="worker_cpu_sim_"))
    sim = SimProcess(sim_config(profile, bench_jobs([JOB]), zero_latency=True), workdir)
    rpm = {"bfl": 120 / profile.time_scale, "openai": 500 / profile.time_scale}
    base_env = {
        **os.environ,
        **provider_env(sim.url, profile.limits, rpm),
        "CREATIVE_ASSETS_FORMATS": args.formats,
    }
    print(f"worker CPU · {os.cpu_count()} cores · load {load()} · formats {args.formats} · {args.instance}")
    profile_dir = Path(args.profile) if args.profile else None
    if profile_dir:
        profile_dir.mkdir(parents=True, exist_ok=True)
    try:
        for i in range(args.trials):
            for name, tree in trees if i % 2 == 0 else trees[::-1]:
                tag = f"{name}{i}"
                print(json.dumps(trial(tag, tree, args.instance, base_env, profile_dir)), flush=True)
    finally:
        sim.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if profile_dir:
        from benchmarks.worker_profile import report

        report(profile_dir)
    print(f"load at the end {load()}")


if __name__ == "__main__":
    main()
