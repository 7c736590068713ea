"""The HOC jobs sensor and the campaign chain, evaluated the way the daemon evaluates them."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.test_utils import create_run_for_test

from creative_assets.defs.automation.policy import LaunchPolicy
from creative_assets.defs.automation.sensors import (
    CAMPAIGN_TAG,
    JOB_VERSION_TAG,
    hoc_jobs_sensor,
    rollup_key,
    variant_runs_pending,
)
from creative_assets.models import VARIANTS
from creative_assets.partitions import job_partitions, job_variant_partitions, variant_key, variants_run_tags
from creative_assets.providers.local import LocalJobSource
from creative_assets_tests.conftest import chain_sensor_requests, make_defs

SAMPLES = ["hoc-4711-pflege", "hoc-5120-warehouse", "hoc-6230-pflege-bilingual"]


def tick(
    instance: dg.DagsterInstance, jobs_dir: Path, cursor: str | None, policy: LaunchPolicy | None = None
) -> dg.SensorResult:
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={
            "job_source": LocalJobSource(folder=str(jobs_dir)),
            "launch_policy": policy or LaunchPolicy(),
        },
    )
    result = hoc_jobs_sensor(context)
    assert isinstance(result, dg.SensorResult)
    for request in result.dynamic_partitions_requests or []:  # what the daemon does with them
        instance.add_dynamic_partitions(job_partitions.name, list(request.partition_keys))  # type: ignore[arg-type]
    return result


def test_new_jobs_start_once_and_a_changed_job_is_regenerated(
    instance: dg.DagsterInstance, jobs_dir: Path
) -> None:
    first = tick(instance, jobs_dir, None)
    assert sorted(r.partition_key for r in first.run_requests) == SAMPLES
    assert instance.get_dynamic_partitions(job_partitions.name) == SAMPLES  # type: ignore[arg-type]
    request = next(r for r in first.run_requests if r.partition_key == SAMPLES[1])
    assert request.run_key == f"{SAMPLES[1]}@2026-11-19T16:05:00+00:00"
    assert request.tags[CAMPAIGN_TAG] == SAMPLES[1] and request.tags[JOB_VERSION_TAG].startswith("2026-11-19")

    again = tick(instance, jobs_dir, first.cursor)
    assert (
        again.run_requests == []
        and again.skip_reason
        and "no new or changed" in again.skip_reason.skip_message
    )

    path = jobs_dir / f"{SAMPLES[1]}.json"
    job = json.loads(path.read_text())
    job["updated_at"] = "2026-11-21T08:00:00+00:00"
    path.write_text(json.dumps(job))
    changed = tick(instance, jobs_dir, again.cursor)
    assert [(r.partition_key, r.run_key) for r in changed.run_requests] == [
        (SAMPLES[1], f"{SAMPLES[1]}@2026-11-21T08:00:00+00:00")
    ]
    assert not changed.dynamic_partitions_requests  # the partition exists: its history is kept


def test_a_malformed_job_is_skipped_with_its_reason_once_until_it_changes(
    instance: dg.DagsterInstance, jobs_dir: Path
) -> None:
    broken = jobs_dir / "hoc-9999-broken.json"
    broken.write_text('{"job_id": "hoc-9999-broken", "title": ""}')
    first = tick(instance, jobs_dir, None)
    assert sorted(r.partition_key for r in first.run_requests) == SAMPLES
    assert "hoc-9999-broken" not in instance.get_dynamic_partitions(job_partitions.name)  # type: ignore[arg-type]
    cursor = json.loads(first.cursor or "{}")
    assert "hoc-9999-broken" in cursor["skipped"] and "malformed_job" in cursor["skipped"]["hoc-9999-broken"]

    quiet = tick(instance, jobs_dir, first.cursor)  # the same broken version: not re-reported
    assert quiet.run_requests == []

    fixed = json.loads((jobs_dir / f"{SAMPLES[1]}.json").read_text())
    fixed.update(job_id="hoc-9999-broken", updated_at="2026-11-22T09:00:00+00:00")
    broken.write_text(json.dumps(fixed))
    repaired = tick(instance, jobs_dir, quiet.cursor)
    assert [r.partition_key for r in repaired.run_requests] == ["hoc-9999-broken"]


def test_a_bad_job_id_in_the_listing_is_skipped_not_added(
    instance: dg.DagsterInstance, jobs_dir: Path
) -> None:
    (jobs_dir / "a..b.json").write_text("{}")
    result = tick(instance, jobs_dir, None)
    assert sorted(r.partition_key for r in result.run_requests) == SAMPLES
    assert "a..b" in json.loads(result.cursor or "{}")["skipped"]


def _bump(jobs_dir: Path, job_id: str, updated_at: str) -> None:
    path = jobs_dir / f"{job_id}.json"
    job = json.loads(path.read_text())
    job["updated_at"] = updated_at
    path.write_text(json.dumps(job))


def test_a_real_apis_backlog_is_recorded_not_launched_and_only_new_work_starts(
    instance: dg.DagsterInstance, jobs_dir: Path
) -> None:
    """The deployment policy for a real HOC API (backlog=skip): the first tick pays for nothing."""
    policy = LaunchPolicy(backlog="skip")
    first = tick(instance, jobs_dir, None, policy)
    assert first.run_requests == [] and not first.dynamic_partitions_requests
    assert first.skip_reason and "3 open job(s) left as the backlog" in first.skip_reason.skip_message
    assert sorted(json.loads(first.cursor or "{}")["backlog"]) == SAMPLES
    assert tick(instance, jobs_dir, first.cursor, policy).run_requests == []

    new = json.loads((jobs_dir / f"{SAMPLES[0]}.json").read_text())
    new.update(job_id="hoc-7000-new", updated_at="2026-12-01T08:00:00+00:00")
    (jobs_dir / "hoc-7000-new.json").write_text(json.dumps(new))
    _bump(jobs_dir, SAMPLES[2], "2026-12-01T09:00:00+00:00")  # a backlog job that changes
    later = tick(instance, jobs_dir, first.cursor, policy)
    assert sorted(r.partition_key for r in later.run_requests) == sorted(["hoc-7000-new", SAMPLES[2]])
    assert SAMPLES[2] not in json.loads(later.cursor or "{}")["backlog"]


def test_a_tick_starts_at_most_its_cap_and_the_rest_follow_on_later_ticks(
    instance: dg.DagsterInstance, jobs_dir: Path
) -> None:
    policy = LaunchPolicy(max_launches_per_tick=2)
    first = tick(instance, jobs_dir, None, policy)
    second = tick(instance, jobs_dir, first.cursor, policy)
    third = tick(instance, jobs_dir, second.cursor, policy)
    assert [len(t.run_requests) for t in (first, second, third)] == [2, 1, 0]
    assert sorted(r.partition_key for t in (first, second) for r in t.run_requests) == SAMPLES


def _materialize(instance: dg.DagsterInstance, asset: str, partition: str) -> None:
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=asset, partition=partition))


def test_the_roll_up_waits_for_every_variant_newer_than_the_copy(instance: dg.DagsterInstance) -> None:
    job = "hoc-4711-pflege"
    instance.add_dynamic_partitions(job_partitions.name, [job])  # type: ignore[arg-type]
    assert rollup_key(instance, job) is None
    _materialize(instance, "copy_variants", job)
    for variant in VARIANTS[:-1]:
        _materialize(instance, "gate_reports", str(variant_key(job, variant)))
    assert rollup_key(instance, job) is None  # E is missing
    _materialize(instance, "gate_reports", str(variant_key(job, "E")))
    ready = rollup_key(instance, job)
    assert ready is not None and ready == rollup_key(instance, job)  # stable: one roll-up
    _materialize(instance, "copy_variants", job)  # new copy: the variants are stale again
    assert rollup_key(instance, job) is None


@pytest.fixture
def text_run(tmp_path: Path, instance: dg.DagsterInstance) -> dg.DagsterRun:
    defs = make_defs(tmp_path / "storage")
    instance.add_dynamic_partitions(job_partitions.name, ["hoc-4711-pflege"])  # type: ignore[arg-type]
    result = defs.resolve_job_def("campaign_text").execute_in_process(
        partition_key="hoc-4711-pflege", instance=instance, tags={CAMPAIGN_TAG: "hoc-4711-pflege"}
    )
    assert result.success
    run = instance.get_run_by_id(result.run_id)
    assert run is not None
    return run


def test_new_copy_chains_one_run_of_the_five_variants_exactly_once(
    instance: dg.DagsterInstance, text_run: dg.DagsterRun
) -> None:
    job = "hoc-4711-pflege"
    requests = chain_sensor_requests(instance, text_run, dg.DagsterEventType.RUN_SUCCESS)
    assert [(r.job_name, r.partition_key) for r in requests] == [("campaign_variant", None)]
    (request,) = requests
    assert request.partition_key_range == dg.PartitionKeyRange(f"{job}|A", f"{job}|E")
    # the range is the job's five variant partitions, nothing of another job
    keys = job_variant_partitions.get_partition_keys_in_range(request.partition_key_range, instance)
    assert keys == [variant_key(job, v) for v in VARIANTS]
    assert text_run.run_id in str(request.run_key) and request.tags[CAMPAIGN_TAG] == job
    # a tick that sees the same run again asks for the same run key: the daemon launches it once
    again = chain_sensor_requests(instance, text_run, dg.DagsterEventType.RUN_SUCCESS)
    assert [r.run_key for r in again] == [request.run_key]


def test_a_run_of_several_variants_in_flight_holds_the_roll_up(instance: dg.DagsterInstance) -> None:
    job = "hoc-4711-pflege"
    instance.add_dynamic_partitions(job_partitions.name, [job])  # type: ignore[arg-type]
    several = create_run_for_test(
        instance, job_name="campaign_variant", status=dg.DagsterRunStatus.STARTED, tags=variants_run_tags(job)
    )
    assert variant_runs_pending(instance, job, besides="another run") == [several.run_id]
    assert variant_runs_pending(instance, job, besides=several.run_id) == []


@dg.asset(name="gate_reports", partitions_def=job_variant_partitions)
def _gate_reports_stub() -> None:
    """Stands in for a variant run's gate reports: the chain only reads what a run materialized."""


def _variant_run(instance: dg.DagsterInstance, job: str, variant: str) -> dg.DagsterRun:
    result = dg.materialize(
        [_gate_reports_stub], partition_key=str(variant_key(job, variant)), instance=instance
    )
    run = instance.get_run_by_id(result.run_id)
    assert result.success and run is not None
    return run


def test_a_round_of_several_regeneration_runs_rolls_up_once_after_its_last_run(
    instance: dg.DagsterInstance,
) -> None:
    job = "hoc-4711-pflege"
    instance.add_dynamic_partitions(job_partitions.name, [job])  # type: ignore[arg-type]
    _materialize(instance, "copy_variants", job)
    for variant in VARIANTS:  # the campaign is complete: every variant newer than the copy
        _materialize(instance, "gate_reports", str(variant_key(job, variant)))
    # A round regenerates A and C (a backfill, or two change requests): C is still running
    # when A finishes, so A's success requests no roll-up; C's does, and only one.
    running_c = create_run_for_test(
        instance,
        job_name="regenerate_images",
        status=dg.DagsterRunStatus.STARTED,
        tags={"dagster/partition": str(variant_key(job, "C"))},
    )
    run_a = _variant_run(instance, job, "A")
    assert rollups(chain_sensor_requests(instance, run_a, dg.DagsterEventType.RUN_SUCCESS)) == []
    instance.delete_run(running_c.run_id)
    run_c = _variant_run(instance, job, "C")
    after_c = rollups(chain_sensor_requests(instance, run_c, dg.DagsterEventType.RUN_SUCCESS))
    # A's success seen again (a late tick) names the same roll-up: the run key dedupes it.
    again_a = rollups(chain_sensor_requests(instance, run_a, dg.DagsterEventType.RUN_SUCCESS))
    assert len(after_c) == 1 and after_c[0].partition_key == job
    assert [r.run_key for r in again_a] == [after_c[0].run_key]


def rollups(requests: list[dg.RunRequest]) -> list[dg.RunRequest]:
    return [r for r in requests if r.job_name == "campaign_rollup"]


def test_a_campaign_made_by_hand_is_not_started_again_by_the_sensor(
    instance: dg.DagsterInstance, jobs_dir: Path
) -> None:
    # `make run` then `make dev`: the command line made this version of the first sample; the
    # sensor's first tick must start only the others (the sample's changed version starts again).
    job = LocalJobSource(folder=str(jobs_dir)).get_job(SAMPLES[0])
    instance.add_dynamic_partitions(job_partitions.name, [SAMPLES[0]])  # type: ignore[arg-type]
    instance.report_runless_asset_event(
        dg.AssetMaterialization(
            asset_key="job_posting", partition=SAMPLES[0], metadata={"updated_at": job.updated_at.isoformat()}
        )
    )
    first = tick(instance, jobs_dir, None)
    assert sorted(r.partition_key for r in first.run_requests) == SAMPLES[1:]
    assert tick(instance, jobs_dir, first.cursor).run_requests == []
    _bump(jobs_dir, SAMPLES[0], "2026-12-01T08:00:00+00:00")
    assert [r.partition_key for r in tick(instance, jobs_dir, first.cursor).run_requests] == [SAMPLES[0]]
