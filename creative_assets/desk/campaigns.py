"""Campaigns as the desk lists them: every job with its state (from its Dagster runs), its
creatives' counts, its cost (from the gateway's ledger); starting one; and the export bundles."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import dagster as dg

from creative_assets.campaign import ensure_job_partition
from creative_assets.defs.automation.sensors import JOB_VERSION_TAG, compliance_block, posting_made
from creative_assets.desk import dagster_client
from creative_assets.desk.auth import Principal
from creative_assets.desk.backend import Backend
from creative_assets.desk.bundles import bundles_of
from creative_assets.desk.schemas import (
    CampaignDetail,
    CampaignItem,
    CampaignPage,
    CreativeOut,
    RunInfo,
    StartCampaignResult,
)
from creative_assets.desk.views import counts_of, creative_views
from creative_assets.errors import CreativeAssetsError, ProviderError
from creative_assets.models import VARIANTS, JobPosting
from creative_assets.partitions import (
    ASSET_PARTITION_RANGE_START_TAG,
    InvalidJobIdError,
    job_partitions,
    run_partitions,
    validate_job_id,
    variant_key,
)

ACTIVE = {
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
}
RUNNING = {dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING}
UNSUCCESSFUL = {dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
_CODED = re.compile(r"\[[a-z_]+\]")


def purpose(run: dg.DagsterRun) -> str:
    """What a run does, in a recruiter's words."""
    variants = [key.rsplit("|", 1)[-1] for key in run_partitions(run.tags) if "|" in key]
    variant = f"{variants[0]}–{variants[-1]}" if len(variants) > 1 else (variants or [None])[0]
    return {
        "campaign_text": "writing the copy",
        "campaign_variant": f"making the creatives of variant {variant}",
        "campaign_rollup": "summing up and packing the bundle",
        "regenerate_creatives": f"redoing the creatives of variant {variant}",
        "regenerate_images": f"drawing new pictures for variant {variant}",
    }.get(run.job_name, run.job_name)


def job_runs(backend: Backend, job_id: str) -> list[dg.RunRecord]:
    """Every run of the job's partitions, newest first."""
    partitions = [job_id, *(str(variant_key(job_id, v)) for v in VARIANTS)]
    records = [
        *backend.instance.get_run_records(
            filters=dg.RunsFilter(tags={dagster_client.PARTITION_TAG: partitions}), limit=500
        ),
        # a run of several variant partitions (the chain sensor's) has only its range's tags
        *backend.instance.get_run_records(
            filters=dg.RunsFilter(tags={ASSET_PARTITION_RANGE_START_TAG: partitions[1:]}), limit=500
        ),
    ]
    return sorted(records, key=lambda r: r.create_timestamp, reverse=True)


def failure_reason(backend: Backend, run: dg.DagsterRun) -> str:
    """The error a person can act on: the compliance gate's verdict, or the first coded error in
    the failed step's cause chain, or Dagster's own message."""
    partition = run.tags.get(dagster_client.PARTITION_TAG, "")
    if run.job_name == "campaign_text" and (
        blocked := compliance_block(backend.instance, run.run_id, partition)
    ):
        return blocked
    for entry in backend.instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        event = entry.dagster_event
        error = event.step_failure_data.error if event and event.step_failure_data else None
        chain = []
        while error is not None:
            chain.append(error)
            error = error.cause
        if chain:
            coded = [e for e in chain if _CODED.search(e.message)]
            return f"{event.step_key}: {(coded or chain)[0].message.strip().splitlines()[0]}"  # type: ignore[union-attr]
    if run.status == dg.DagsterRunStatus.CANCELED:
        return "the run was canceled"
    return f"{run.job_name} failed (see the run in the Dagster UI)"


def run_info(backend: Backend, record: dg.RunRecord) -> RunInfo:
    run = record.dagster_run
    return RunInfo(
        run_id=run.run_id,
        job_name=run.job_name,
        partition=", ".join(run_partitions(run.tags)) or None,
        status=run.status.value,
        purpose=purpose(run),
        created_at=record.create_timestamp,
        ended_at=datetime.fromtimestamp(record.end_time, UTC) if record.end_time else None,
        dagster_url=backend.run_url(run.run_id),
    )


def state_of(
    backend: Backend, runs: list[dg.RunRecord], creatives: int
) -> tuple[str, str | None, str | None]:
    """(state, phase, reason) from the runs: running or queued while any run is; failed when the
    latest run of any partition (or phase) failed; done when all 20 creatives are there."""
    active = [r.dagster_run for r in runs if r.dagster_run.status in ACTIVE]
    if active:
        running = [r for r in active if r.status in RUNNING]
        shown = running or active
        phase = ", ".join(dict.fromkeys(purpose(r) for r in shown))
        waiting = len(active) - len(running)
        if running and waiting:
            phase += f" ({waiting} more queued)"
        return ("running" if running else "queued"), phase, None
    latest: dict[tuple[str, str], dg.DagsterRun] = {}
    for record in runs:  # newest first: the first run seen per partition and kind of work
        run = record.dagster_run
        kind = "bundle" if run.job_name == "campaign_rollup" else "make"
        for partition in run_partitions(run.tags) or [""]:
            latest.setdefault((partition, kind), run)
    failed = [r for r in latest.values() if r.status in UNSUCCESSFUL]
    if failed:
        return "failed", None, failure_reason(backend, failed[0])
    if creatives >= len(VARIANTS) * 4:
        return "done", None, None
    if runs or creatives:
        return "incomplete", "waiting for the next runs (is the Dagster daemon running?)", None
    return "not_started", None, None


def _posting(backend: Backend, job_id: str) -> JobPosting | None:
    try:
        value = backend.storage.record("job_posting", job_id)
        return value if isinstance(value, JobPosting) else None
    except CreativeAssetsError:
        try:
            return backend.job_source.get_job(job_id)
        except (ProviderError, CreativeAssetsError, ValueError):
            return None


def campaign_item(
    backend: Backend, job_id: str, *, detail: bool = False, views: list[CreativeOut] | None = None
) -> CampaignItem | CampaignDetail:
    runs = job_runs(backend, job_id)
    views = creative_views(backend, job_id) if views is None else views
    state, phase, reason = state_of(backend, runs, len(views))
    posting = _posting(backend, job_id)
    moments = [r.update_timestamp for r in runs] + [v.decision.at for v in views if v.decision]
    fields = dict(
        job_id=job_id,
        company=posting.company_name if posting else None,
        title=posting.title if posting else None,
        state=state,
        phase=phase,
        reason=reason,
        counts=counts_of(views),
        cost_usd=round(sum(e.cost_usd for e in backend.gateway.ledger(job_id)), 4),
        updated_at=max(moments) if moments else None,
        url=f"/campaigns/{job_id}",
    )
    if not detail:
        return CampaignItem(**fields)
    return CampaignDetail(
        **fields,
        formats=list(dict.fromkeys(r.format for v in views for r in v.renditions)),
        locales=list(dict.fromkeys(r.locale for v in views for r in v.renditions)),
        runs=[run_info(backend, r) for r in runs[:50]],
        bundles=bundles_of(backend, job_id, views, runs),
    )


def known_jobs(backend: Backend) -> list[str]:
    """Jobs with a campaign on this instance, then jobs the job source offers that have none."""
    started = list(backend.instance.get_dynamic_partitions(job_partitions.name))  # type: ignore[arg-type]
    try:
        offered = [ref.job_id for ref in backend.job_source.list_jobs()]
    except (ProviderError, CreativeAssetsError):
        offered = []
    return list(dict.fromkeys([*reversed(started), *offered]))


def require_known(backend: Backend, job_id: str) -> str:
    """A job with a campaign here, or one the job source offers (one look-up, not a listing)."""
    if backend.instance.has_dynamic_partition(job_partitions.name, job_id):  # type: ignore[arg-type]
        return job_id
    try:
        backend.job_source.get_job(job_id)
    except (ProviderError, CreativeAssetsError, ValueError):
        raise CreativeAssetsError(
            "unknown_job", f"{job_id} has no campaign here and the job source does not offer it"
        ) from None
    return job_id


def list_campaigns(backend: Backend, offset: int, limit: int) -> CampaignPage:
    jobs = known_jobs(backend)
    page = jobs[offset : offset + limit]
    items = [campaign_item(backend, job_id) for job_id in page]
    nxt = offset + limit if offset + limit < len(jobs) else None
    return CampaignPage(items=items, total=len(jobs), offset=offset, limit=limit, next_offset=nxt)  # type: ignore[arg-type]


def start(backend: Backend, who: Principal, job_id: str) -> StartCampaignResult:
    """Start the campaign of the job's current version, unless it was started already: by the
    desk, the sensor (their runs carry the job version) or any launch that materialized this
    version's posting (the command line, the Dagster UI)."""
    job_id = job_id.strip()
    try:
        validate_job_id(job_id)
    except InvalidJobIdError as exc:
        raise CreativeAssetsError("invalid_job_id", str(exc).removeprefix("[invalid_job_id] ")) from None
    try:
        job = backend.job_source.get_job(job_id)
    except ProviderError as exc:
        if exc.code == "job_not_found":  # the source's own words may name the server's folders
            raise CreativeAssetsError("unknown_job", f"the jobs source has no job {job_id!r}") from None
        raise CreativeAssetsError(exc.code, exc.message if hasattr(exc, "message") else str(exc)) from None
    version = job.updated_at.isoformat()
    url = f"/campaigns/{job_id}"
    tagged = backend.instance.get_runs(
        dg.RunsFilter(tags={JOB_VERSION_TAG: version, "creative_assets/campaign": job_id})
    )
    # The campaign's later runs carry the version's tags too: name the one that started it.
    started = sorted(
        (r for r in tagged if r.status not in UNSUCCESSFUL), key=lambda r: r.job_name != "campaign_text"
    )
    if started:
        return StartCampaignResult(
            job_id=job_id,
            version=version,
            started=False,
            run_id=started[0].run_id,
            url=url,
            message=f"this version of {job_id} was started already (run {started[0].run_id[:8]})",
        )
    if (made_by := posting_made(backend.instance, job_id, version)) is not None:
        return StartCampaignResult(
            job_id=job_id,
            version=version,
            started=False,
            run_id=made_by,
            url=url,
            message=f"this version of {job_id} has a campaign already (run {made_by[:8]})",
        )
    added = not backend.instance.has_dynamic_partition(job_partitions.name, job_id)  # type: ignore[arg-type]
    ensure_job_partition(backend.instance, backend.job_source, job_id)
    try:
        run_id = dagster_client.start_campaign(backend.launcher, job_id, version, who.label)
    except CreativeAssetsError:
        if added:  # nothing was launched: leave no empty campaign behind
            backend.instance.delete_dynamic_partition(job_partitions.name, job_id)  # type: ignore[arg-type]
        raise
    return StartCampaignResult(
        job_id=job_id,
        version=version,
        started=True,
        run_id=run_id,
        url=url,
        message=f"campaign started: run {run_id[:8]} writes the copy, then the images follow",
    )
