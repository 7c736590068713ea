"""One run for a job's five variants against five runs: the variant phase of one campaign, each
run in a fresh Python process as a run worker is (imports, the definitions, the run), CPU and
wall measured from outside, trials interleaved on the same machine state.

    PYTHONPATH=$PWD python -m benchmarks.one_run --trials 3 [--formats 1:1] [--at-once 2]

`five` starts one worker per variant partition, at most `--at-once` at a time (the embedded
default's queue lets two variant runs go at once); `one` starts one worker for the partition
range job|A…job|E. Both start from a copy of the same instance, in which the text run is done.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOB = "hoc-4711-pflege"
VARIANTS = "ABCDE"


def _worker(args: argparse.Namespace) -> None:
    """One run worker: import, load the definitions, execute the run, report CPU per part."""
    started = time.process_time()
    import dagster as dg
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from creative_assets.campaign import ensure_job_partition, quiet_run_config
    from creative_assets.definitions import build_definitions, deployment_resources

    resources = deployment_resources()
    defs = build_definitions(resources)
    instance = dg.DagsterInstance.get()
    loaded = time.process_time()
    if args.job_name == "campaign_text":
        ensure_job_partition(instance, resources["job_source"], JOB)  # type: ignore[arg-type]
    if args.last:
        tags = {ASSET_PARTITION_RANGE_START_TAG: args.partition, ASSET_PARTITION_RANGE_END_TAG: args.last}
        result = defs.resolve_job_def(args.job_name).execute_in_process(
            instance=instance, tags=tags, run_config=quiet_run_config(), raise_on_error=False
        )
    else:
        result = defs.resolve_job_def(args.job_name).execute_in_process(
            instance=instance,
            partition_key=args.partition,
            run_config=quiet_run_config(),
            raise_on_error=False,
        )
    done = time.process_time()
    print(
        json.dumps({"success": result.success, "start_cpu_s": loaded - started, "run_cpu_s": done - loaded})
    )


def _launch(home: Path, job_name: str, partition: str, last: str | None = None) -> dict:
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "benchmarks.one_run", "worker", job_name, partition]
    if last:
        command += ["--last", last]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read() if process.stdout else ""
    report = json.loads(output.strip().splitlines()[-1]) if output.strip() else {"success": False}
    report["cpu_s"] = usage.ru_utime + usage.ru_stime
    report["peak_rss_mib"] = usage.ru_maxrss / 1024
    report["exit"] = status
    return report


def _trial(mode: str, template: Path, at_once: int) -> dict:
    home = Path(tempfile.mkdtemp(prefix=f"one_run_{mode}_"))
    shutil.copytree(template, home, dirs_exist_ok=True)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    if mode == "one":
        workers = [_launch(home, "campaign_variant", f"{JOB}|A", f"{JOB}|E")]
    else:
        workers: list[dict] = []
        slots = threading.Semaphore(at_once)

        def run(variant: str) -> None:
            with slots:
                workers.append(_launch(home, "campaign_variant", f"{JOB}|{variant}"))

        threads = [threading.Thread(target=run, args=(v,)) for v in VARIANTS]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    wall = time.perf_counter() - started
    shutil.rmtree(home, ignore_errors=True)
    return {
        "mode": mode,
        "runs": len(workers),
        "ok": all(w.get("success") for w in workers),
        "wall_s": round(wall, 1),
        "cpu_s": round(sum(w["cpu_s"] for w in workers), 1),
        "start_cpu_s": round(sum(w.get("start_cpu_s", 0) for w in workers), 1),
        "run_cpu_s": round(sum(w.get("run_cpu_s", 0) for w in workers), 1),
        "peak_rss_mib": round(max(w["peak_rss_mib"] for w in workers)),
        "load_start": round(load, 1),
        "load_end": round(os.getloadavg()[0], 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command")
    worker = sub.add_parser("worker")
    worker.add_argument("job_name")
    worker.add_argument("partition")
    worker.add_argument("--last")
    parser.add_argument("--trials", type=int, default=3, help="pairs of trials (one, five), interleaved")
    parser.add_argument("--formats", default="1:1")
    parser.add_argument("--at-once", type=int, default=2, help="variant runs at a time in `five`")
    parser.add_argument("--modes", default="one,five", help="which trials, e.g. `one` alone")
    args = parser.parse_args(argv)
    if args.command == "worker":
        _worker(args)
        return
    os.environ["CREATIVE_ASSETS_FORMATS"] = args.formats
    template = Path(tempfile.mkdtemp(prefix="one_run_template_"))
    shutil.copy(ROOT / "dagster.yaml", template / "dagster.yaml")
    text = _launch(template, "campaign_text", JOB)
    if not text.get("success"):
        raise SystemExit(f"the text run failed: {text}")
    # ABBA order, so drift in the machine's load falls on both modes alike.
    modes = args.modes.split(",")
    order = [m for i in range(args.trials) for m in (modes if i % 2 == 0 else modes[::-1])]
    for mode in order:
        print(json.dumps(_trial(mode, template, args.at_once)), flush=True)
    shutil.rmtree(template, ignore_errors=True)


if __name__ == "__main__":
    main()
