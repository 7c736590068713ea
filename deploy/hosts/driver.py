"""The run host's side of the several-hosts setup: one Dagster run per call, in its own process,
on the instance in $DAGSTER_HOME (Postgres), with the code location `location.py`. Its steps go
to the Celery queue CREATIVE_ASSETS_CELERY_QUEUE; the workers on the other hosts execute them.

    python driver.py prepare hoc-4711-pflege          add the job's partition (validated first)
    python driver.py run campaign_variant 'hoc-4711-pflege|A'
    python driver.py run campaign_rollup hoc-4711-pflege --when-told    loads, then waits for "go"

`run` prints one JSON line: run id, success, seconds. A process per run because Dagster's
execution is not thread-safe on one instance (creative_assets/campaign.py), and several variant
runs go at once.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import dagster as dg
from dagster._core.definitions.reconstruct import ReconstructableRepository

from creative_assets.campaign import ensure_job_partition, first_step_error, quiet_run_config
from creative_assets.defs.automation.sensors import SELF_CHAINED_TAG

HERE = Path(__file__).resolve().parent
LOCATION = HERE / "location.py"
REPO = HERE.parents[1]


def repository() -> ReconstructableRepository:
    return ReconstructableRepository.for_file(str(LOCATION), "defs", working_directory=str(REPO))


def prepare(job_id: str) -> None:
    definitions = repository().get_definition()
    with (
        dg.DagsterInstance.get() as instance,
        dg.build_resources({"job_source": definitions.get_top_level_resources()["job_source"]}) as built,
    ):
        ensure_job_partition(instance, built.job_source, job_id)


def run(job_name: str, partition: str, when_told: bool = False) -> dict[str, object] | None:
    """The run, or None when `when_told` and told to stop: with `when_told` it loads the job,
    then waits for a line on stdin ("go" runs it), so the loading overlaps the phase before."""
    recon = repository().get_reconstructable_job(job_name)
    tags = {
        **recon.get_definition().get_tags_for_partition_key(partition, None),
        SELF_CHAINED_TAG: "hosts",  # this setup chains the phases itself
    }
    if when_told and sys.stdin.readline().strip() != "go":
        return None
    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        result = dg.execute_job(recon, instance, run_config=quiet_run_config(), tags=tags)
        return {
            "job": job_name,
            "partition": partition,
            "run_id": result.run_id,
            "success": result.success,
            "seconds": round(time.perf_counter() - started, 2),
            "error": None if result.success else first_step_error(result),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="driver.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare").add_argument("job_id")
    one = sub.add_parser("run")
    one.add_argument("job_name")
    one.add_argument("partition")
    one.add_argument("--when-told", action="store_true", help='load the job, then run on "go" on stdin')
    args = parser.parse_args(argv)
    if args.command == "prepare":
        prepare(args.job_id)
        return 0
    outcome = run(args.job_name, args.partition, args.when_told)
    if outcome is None:
        return 0  # told to stop: the phase before failed
    print(json.dumps(outcome), flush=True)
    return 0 if outcome["success"] else 1


if __name__ == "__main__":
    sys.exit(main())
