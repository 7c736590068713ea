"""Starting a campaign from the desk launches, through Dagster's GraphQL API, the run the HOC jobs
sensor would launch for that job version — the same job, partition, tags and run key, so the
sensor counts it as started — and a second start of the same version launches nothing. Uses the
English sample job, which no other desk test touches (its text run executes in the background;
without a daemon no variant run follows)."""

from __future__ import annotations

import dagster as dg

from creative_assets.defs.automation.policy import LaunchPolicy
from creative_assets.defs.automation.sensors import CAMPAIGN_TAG, JOB_VERSION_TAG, hoc_jobs_sensor
from creative_assets.desk.dagster_client import LAUNCHED_BY_TAG, RUN_KEY_TAG, SENSOR_NAME_TAG
from creative_assets.partitions import job_partitions
from creative_assets.providers.local import LocalJobSource
from creative_assets_tests.desk.conftest import DeskSession

JOB = "hoc-5120-warehouse"


def test_a_campaign_starts_once_per_job_version_as_the_sensor_would_start_it(desk: DeskSession) -> None:
    with desk.client() as reviewer:
        first = reviewer.post("/api/v1/campaigns", json={"job_id": JOB})
        assert first.status_code == 202, first.text
        started = first.json()
        assert started["started"] is True and started["url"] == f"/campaigns/{JOB}"
        again = reviewer.post("/api/v1/campaigns", json={"job_id": JOB})
        assert again.status_code == 200, again.text
        assert (again.json()["started"], again.json()["run_id"]) == (False, started["run_id"])
        status = reviewer.get(f"/api/v1/campaigns/{JOB}").json()
    assert status["state"] in ("queued", "running", "incomplete", "done")
    assert started["run_id"] in [r["run_id"] for r in status["runs"]]

    with desk.instance() as instance:
        run = instance.get_run_by_id(started["run_id"])
        assert run is not None and run.job_name == "campaign_text"
        assert run.tags["dagster/partition"] == JOB
        assert instance.has_dynamic_partition(job_partitions.name, JOB)  # type: ignore[arg-type]
        runs = instance.get_runs(dg.RunsFilter(job_name="campaign_text", tags={"dagster/partition": JOB}))
        assert len(runs) == 1
        # What the sensor would request for this job version, and what the desk launched.
        context = dg.build_sensor_context(
            instance=instance,
            # the zero-key deployment's: local jobs, whose backlog is launched as found
            resources={"job_source": LocalJobSource(), "launch_policy": LaunchPolicy(backlog="launch")},
        )
        result = hoc_jobs_sensor(context)
        request = next(r for r in result.run_requests if r.partition_key == JOB)
    assert run.tags[RUN_KEY_TAG] == request.run_key
    assert run.tags[SENSOR_NAME_TAG] == hoc_jobs_sensor.name
    assert {k: run.tags[k] for k in (CAMPAIGN_TAG, JOB_VERSION_TAG)} == request.tags
    assert run.tags[LAUNCHED_BY_TAG] == "desk:Rita Reviewer"
