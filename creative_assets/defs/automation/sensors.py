"""Unattended campaigns: a sensor that turns new or changed HOC jobs into campaign launches, and
a run-status sensor that chains a campaign's runs (job-level → one run of the five variants →
roll-up).

Why sensors and not declarative automation: a campaign spends money, so every launch must be
exactly-once and explainable. Run keys give that (`<job>@<updated_at>` for a job version, the
text run's id for its variants, the variants' materialization ids for the roll-up); the chain reacts
within seconds of a run finishing; and a partition that already exists is handled like a new
one (eager automation never runs a partition that was not "newly missing" when it first looked).
The chain listens to what runs materialized, not to which job ran them, so a launch from the
UI's asset graph, a backfill and the sensor all continue the same way.

What the jobs sensor may launch unasked (the open backlog of a real HOC API, how many per tick)
is the deployment's launch policy (`policy.py`).
"""

from __future__ import annotations

from datetime import datetime

import dagster as dg
from pydantic import Field

from creative_assets.defs.automation.policy import LaunchPolicy
from creative_assets.defs.jobs import campaign_rollup_job, campaign_variant_job
from creative_assets.errors import CreativeAssetsError
from creative_assets.models import VARIANTS
from creative_assets.models.base import Model
from creative_assets.partitions import (
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
    InvalidJobIdError,
    job_partitions,
    validate_job_id,
    variant_key,
    variants_run_tags,
)
from creative_assets.providers.base import JobSource

CAMPAIGN_TAG = "creative_assets/campaign"
JOB_VERSION_TAG = "creative_assets/job_version"
# Runs that chain themselves (the command line runs all phases in one call) carry this tag so
# the chain sensor leaves them alone.
SELF_CHAINED_TAG = "creative_assets/self_chained"
COMPLIANCE_CHECK = "gate_compliance"
IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


class JobsCursor(Model):
    """The job versions already handled: started, skipped as malformed, or left as the backlog
    found on the first tick (each until it changes)."""

    started: dict[str, str] = Field(default_factory=dict, description="job id → updated_at launched")
    skipped: dict[str, str] = Field(default_factory=dict, description="job id → version skipped, why")
    backlog: dict[str, str] = Field(
        default_factory=dict, description="job id → version open on the first tick, not launched"
    )


def _version(updated_at: datetime) -> str:
    return updated_at.isoformat()


def posting_made(instance: dg.DagsterInstance, job_id: str, version: str) -> str | None:
    """The run that materialized this version of the job's posting, if any: a campaign the command
    line or the Dagster UI started carries no sensor cursor, but its posting says which version."""
    posted = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("job_posting"), asset_partitions=[job_id]), limit=1
    ).records
    meta = posted[0].asset_materialization.metadata.get("updated_at") if posted else None
    return posted[0].run_id if meta is not None and meta.value == version else None


@dg.sensor(
    job_name="campaign_text",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Polls the HOC jobs API (or the local jobs folder) and starts a campaign for every "
    "new or changed job, at most max_launches_per_tick per tick; with a real HOC API the jobs open on "
    "its first tick are left as the backlog unless backlog=launch. A malformed job is skipped with "
    "its reason until it changes.",
)
def hoc_jobs_sensor(
    context: dg.SensorEvaluationContext, job_source: JobSource, launch_policy: LaunchPolicy
) -> dg.SensorResult:
    listed = job_source.list_jobs()
    if context.cursor is None and launch_policy.backlog == "skip":
        # The first look at a real HOC API: what is open now is the backlog, not new work.
        backlog = {ref.job_id: _version(ref.updated_at) for ref in listed}
        context.log.info(f"{len(backlog)} open job(s) recorded as the backlog, none launched")
        return dg.SensorResult(
            skip_reason=f"first tick: {len(backlog)} open job(s) left as the backlog (backlog=skip); "
            "jobs that are new or change from now on start campaigns; start one by hand with "
            "`creative-assets campaign <job>`",
            cursor=JobsCursor(backlog=backlog).model_dump_json(),
        )
    cursor = JobsCursor.model_validate_json(context.cursor) if context.cursor else JobsCursor()
    started, skipped, backlog = dict(cursor.started), dict(cursor.skipped), dict(cursor.backlog)
    requests, new_partitions, reasons = [], [], []
    waiting = 0
    for ref in listed:
        version = _version(ref.updated_at)
        if (
            started.get(ref.job_id) == version
            or backlog.get(ref.job_id) == version
            or skipped.get(ref.job_id, "").startswith(version)
        ):
            continue
        if len(requests) >= launch_policy.max_launches_per_tick:
            waiting += 1  # not recorded in the cursor: the next tick picks it up
            continue
        try:
            validate_job_id(ref.job_id)
            job = job_source.get_job(ref.job_id)
        except (CreativeAssetsError, InvalidJobIdError) as exc:
            # Reported once per version, not every tick: a broken file must not crash-loop.
            code = getattr(exc, "code", "invalid_job_id")
            context.log.warning(f"skipped job {ref.job_id!r} (version {version}): {exc}")
            skipped[ref.job_id] = f"{version} {code}"
            reasons.append(f"{ref.job_id}: {exc}")
            continue
        version = _version(job.updated_at)
        if not context.instance.has_dynamic_partition(job_partitions.name, job.job_id):  # type: ignore[arg-type]
            new_partitions.append(job.job_id)
        elif (made_by := posting_made(context.instance, job.job_id, version)) is not None:
            # This version's campaign was made by hand (`make run`, then `make dev`; the UI).
            context.log.info(f"campaign {job.job_id} ({version}) was made already (run {made_by[:8]})")
            started[job.job_id] = version
            skipped.pop(job.job_id, None)
            continue
        changed = job.job_id in started
        started[job.job_id] = version
        skipped.pop(job.job_id, None)
        backlog.pop(job.job_id, None)
        context.log.info(f"{'regenerating' if changed else 'starting'} campaign {job.job_id} ({version})")
        requests.append(
            dg.RunRequest(
                run_key=f"{job.job_id}@{version}",
                partition_key=job.job_id,
                tags={CAMPAIGN_TAG: job.job_id, JOB_VERSION_TAG: version},
            )
        )
    if waiting:
        context.log.info(
            f"{waiting} more new or changed job(s) wait for the next tick "
            f"(at most {launch_policy.max_launches_per_tick} campaigns per tick)"
        )
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[job_partitions.build_add_request(new_partitions)]
        if new_partitions
        else [],
        skip_reason=None if requests else ("; ".join(reasons) or "no new or changed jobs"),
        cursor=JobsCursor(started=started, skipped=skipped, backlog=backlog).model_dump_json(),
    )


def _materialized(instance: dg.DagsterInstance, run_id: str) -> dict[str, set[str]]:
    """Asset name → partition keys a run materialized."""
    found: dict[str, set[str]] = {}
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    for record in records:
        event = record.event_log_entry.asset_materialization
        if event is not None and event.partition:
            found.setdefault(event.asset_key.to_user_string(), set()).add(event.partition)
    return found


def compliance_verdicts(instance: dg.DagsterInstance, run_id: str) -> dict[str, dg.AssetCheckEvaluation]:
    """Job id → the `gate_compliance` verdict this run recorded on its copy_variants partition."""
    found: dict[str, dg.AssetCheckEvaluation] = {}
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    for record in records:
        event = record.event_log_entry.dagster_event
        evaluation = event.event_specific_data if event else None
        if (
            isinstance(evaluation, dg.AssetCheckEvaluation)
            and evaluation.check_name == COMPLIANCE_CHECK
            and evaluation.partition
        ):
            found[evaluation.partition] = evaluation
    return found


def compliance_block(instance: dg.DagsterInstance, run_id: str, job_id: str) -> str | None:
    """Why the images of `job_id` must not be made from this run's copy; None when its copy
    passed the compliance gate. No verdict at all (the check was left out of the run) blocks
    too: images cost money and must never be made from copy nobody checked."""
    verdict = compliance_verdicts(instance, run_id).get(job_id)
    if verdict is None:
        return f"[compliance_unchecked] the copy of {job_id} has no compliance verdict; re-run copy_variants"
    if verdict.passed:
        return None
    return (
        f"[compliance_failed] the copy of {job_id} still breaks the recruiting-compliance rules "
        f"({verdict.description}); fix the wording in the posting or the customer's rules "
        "(compliance.json beside the brand kit) and re-run campaign_text"
    )


def _latest_storage_id(instance: dg.DagsterInstance, asset: str, partition: str) -> int | None:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[partition]), limit=1
    ).records
    return records[0].storage_id if records else None


def rollup_key(instance: dg.DagsterInstance, job_id: str) -> str | None:
    """The run key of the roll-up once every variant's gate report is newer than the copy it was
    made from; None while a variant is missing or stale. Equal variant sets give equal keys, so
    two variants finishing together request one roll-up."""
    copy_id = _latest_storage_id(instance, "copy_variants", job_id)
    ids = [_latest_storage_id(instance, "gate_reports", str(variant_key(job_id, v))) for v in VARIANTS]
    if copy_id is None or any(i is None or i < copy_id for i in ids):
        return None
    return f"rollup:{job_id}:" + ",".join(str(i) for i in ids)


def variant_runs_pending(instance: dg.DagsterInstance, job_id: str, besides: str) -> list[str]:
    """Runs of the job's variant partitions still queued or running, `besides` aside. A round of
    regeneration is several runs (a backfill over variants submits them together; a reviewer's
    change requests): it rolls up once, after its last run, not after each run while the others
    still change gate reports. If that last run fails, the re-run that succeeds rolls it up."""
    keys = [str(variant_key(job_id, v)) for v in VARIANTS]
    # runs of one variant partition, and runs of several (a range starts at one of them)
    tags = ({PARTITION_NAME_TAG: keys}, {ASSET_PARTITION_RANGE_START_TAG: keys})
    runs = {r for t in tags for r in instance.get_run_ids(filters=dg.RunsFilter(statuses=IN_FLIGHT, tags=t))}
    return sorted(r for r in runs if r != besides)


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    request_jobs=[campaign_variant_job, campaign_rollup_job],
    # The sensor daemon looks at its sensors once per loop of at least 5 s and skips a sensor whose
    # last look was less than its interval ago: at 5 s, a look that began a moment earlier than the
    # one before put every other loop out, so a finished run waited up to 10 s for its next run.
    # Below the loop, the chain looks on every loop.
    minimum_interval_seconds=1,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Chains a campaign: new copy that passed the compliance gate → one run of its five "
    "variant partitions; all variants' gate reports newer than the copy and no variant run left queued or "
    "running → the roll-up (once per round of runs).",
)
def campaign_chain_sensor(context: dg.RunStatusSensorContext):  # yields run requests
    run = context.dagster_run
    if run.tags.get(SELF_CHAINED_TAG):
        return
    materialized = _materialized(context.instance, run.run_id)
    tags = {k: v for k, v in run.tags.items() if k in (CAMPAIGN_TAG, JOB_VERSION_TAG)}
    for job_id in sorted(materialized.get("copy_variants", set())):
        if blocked := compliance_block(context.instance, run.run_id, job_id):
            context.log.warning(f"{job_id}: no variant runs — {blocked}")
            continue
        # One run for the five variants (defs/variants.py): a run worker's start-up is paid once
        # per job, not once per variant.
        yield dg.RunRequest(
            run_key=f"{run.run_id}:variants",
            job_name="campaign_variant",
            tags={**tags, CAMPAIGN_TAG: job_id, **variants_run_tags(job_id)},
        )
    jobs = {key.split("|", 1)[0] for key in materialized.get("gate_reports", set())}
    for job_id in sorted(jobs):
        key = rollup_key(context.instance, job_id)
        if key is None:
            context.log.info(f"{job_id}: roll-up waits for the other variants")
            continue
        if pending := variant_runs_pending(context.instance, job_id, besides=run.run_id):
            context.log.info(f"{job_id}: roll-up waits for {len(pending)} more run(s) of this round")
            continue
        yield dg.RunRequest(
            run_key=key, job_name="campaign_rollup", partition_key=job_id, tags={**tags, CAMPAIGN_TAG: job_id}
        )
