"""The code location of the several-hosts setup: the project's own definitions and resources
(`deployment_resources()`, read from the environment), with every campaign job's steps sent to
Celery workers instead of run in the run's own process.

    CREATIVE_ASSETS_CELERY_BROKER   e.g. pyamqp://guest:guest@10.231.0.1:5672//
    CREATIVE_ASSETS_CELERY_QUEUE    the queue the workers listen on (`-Q`; default dagster)

The jobs keep their names, selections and descriptions; only the executor differs, so the
project's definitions stay as they are and this file is the whole difference
(deploy/hosts/workspace.yaml loads it; docs/hosts.md).
"""

from __future__ import annotations

import os

import dagster as dg
from dagster_celery import celery_executor

from creative_assets.definitions import build_definitions, deployment_resources
from creative_assets.defs.jobs import CAMPAIGN_JOBS

BROKER_VAR = "CREATIVE_ASSETS_CELERY_BROKER"
QUEUE_VAR = "CREATIVE_ASSETS_CELERY_QUEUE"


def hosts_executor(queue: str) -> dg.ExecutorDefinition:
    """The broker is read when a run starts (workers and runs must name the same one); results
    come back over the broker itself (rpc://), so nothing else needs to be reachable. The queue
    is Celery's default for every step (dagster-celery reads a queue tag per op, not per run)."""
    return celery_executor.configured(
        {"broker": {"env": BROKER_VAR}, "backend": "rpc://", "config_source": {"task_default_queue": queue}},
        name="celery_hosts",
    )


def on_celery(
    job: dg.UnresolvedAssetJobDefinition, executor: dg.ExecutorDefinition
) -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        job.name,
        selection=job.selection,
        description=job.description,
        tags=job.tags,
        run_tags=job.run_tags,
        executor_def=executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    base = build_definitions(deployment_resources())
    executor = hosts_executor(os.environ.get(QUEUE_VAR, "").strip() or "dagster")
    jobs = {job.name: on_celery(job, executor) for job in CAMPAIGN_JOBS}
    # The chain sensor names the jobs it launches by object: point it at these ones.
    sensors = [
        sensor.with_updated_jobs([jobs[target.name] for target in sensor.jobs]) if sensor.has_jobs else sensor
        for sensor in base.sensors or []
    ]
    return dg.Definitions(
        assets=base.assets, jobs=list(jobs.values()), sensors=sensors, resources=base.resources
    )
