"""The several-hosts campaigns replayed in one process, to see why creatives failed without root.

    python -m benchmarks.hosts_replay [--job hoc-4711-pflege] [--campaigns 3] [--runs 5] [--keep]

The simulator as `deploy/hosts/run_hosts.py` starts it (default config, a hundredth of its
latency), the same copies of a sample job (`<job>-c01` …), the real clients, one fresh Dagster
home (`benchmarks/scenario.py`). The simulator answers a request from the request itself, so
the verdicts and the bill are those of the hosts run of the same code. Prints every creative
that did not pass with why (`deploy/hosts/evidence.py: failed_creatives`), and the load average.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.scenario import provider_env
from benchmarks.simulator import SimProcess, load

REPO = Path(__file__).resolve().parent.parent
HOSTS = REPO / "deploy" / "hosts"


def replay(job: str, campaigns: int, runs: int, workdir: Path) -> dict:
    sample = json.loads((REPO / "creative_assets" / "sample_jobs" / "jobs" / f"{job}.json").read_text())
    ids = [job] if campaigns == 1 else [f"{job}-c{i:02d}" for i in range(1, campaigns + 1)]
    # In the config, not posted: the scenario resets the simulator, which forgets posted jobs.
    jobs = [{**copy.deepcopy(sample), "job_id": i} for i in ids if i != job]
    sim = SimProcess({"time_scale": 0.01, "hoc": {"include_samples": True, "jobs": jobs}}, workdir)
    # The hosts' limits are the defaults: an empty limits list keeps them.
    env = provider_env(sim.url, limits={}, rpm={}) | {"CREATIVE_ASSETS_FORMATS": "1:1"}
    out = workdir / "result.json"
    cmd = [sys.executable, "-m", "benchmarks.scenario", "--sim", sim.url, "--jobs", ",".join(ids)]
    cmd += ["--runs", str(runs), "--env", json.dumps(env), "--out", str(out), "--home", str(workdir / "home")]
    try:
        with (workdir / "scenario.log").open("w") as log:
            subprocess.run(cmd, cwd=REPO, stdout=log, stderr=log, check=False)
    finally:
        sim.stop()
    return json.loads(out.read_text()) if out.exists() else {}


def reasons(home: Path) -> list[str]:
    """Why each creative that did not pass failed, from the instance the scenario left."""
    sys.path.insert(0, str(HOSTS))  # the hosts scripts import each other by file name
    import dagster as dg
    import evidence

    with dg.DagsterInstance.from_config(str(home)) as instance:
        run_ids = [r.dagster_run.run_id for r in instance.get_run_records()]
        return evidence.failure_lines(evidence.failed_creatives(instance, run_ids))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hosts_replay", description=__doc__)
    parser.add_argument("--job", default="hoc-4711-pflege", help="a sample job (creative_assets/sample_jobs)")
    parser.add_argument("--campaigns", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5, help="runs at once")
    parser.add_argument("--keep", action="store_true", help="keep the Dagster home and creatives")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="hosts-replay-"))
    before = load()
    r = replay(args.job, args.campaigns, args.runs, workdir)
    print(f"{args.campaigns} × {args.job} · load {before} → {load()} · logs in {workdir}")
    if not r:
        print("  the scenario produced no result; see scenario.log")
        return 1
    passed = r["creatives"] - r["creatives_failed"]
    print(f"  creatives: {passed} of {r['creatives']} passed; billed ${r['sim']['totals']['billed_usd']:.4f}")
    for line in reasons(workdir / "home"):
        print(f"  {line}")
    if not args.keep:
        shutil.rmtree(workdir / "home", ignore_errors=True)
    return 0 if r["success"] else 1


if __name__ == "__main__":
    sys.exit(main())
