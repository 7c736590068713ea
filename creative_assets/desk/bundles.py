"""Ship: the export bundle is the `export_bundle` asset. The desk builds one by launching the
roll-up (`campaign_rollup`, which also refreshes the summary's manifest with today's decisions)
with `only_reviewed` set for "approved only", and downloads the ZIP that run stored (every
materialization keeps its files under `_versions/<run_id>/`, so each bundle stays downloadable)."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg

from creative_assets.desk import dagster_client
from creative_assets.desk.auth import Principal
from creative_assets.desk.backend import Backend
from creative_assets.desk.schemas import BundleInfo, BundleSelection, CreativeOut
from creative_assets.desk.views import stored_sets
from creative_assets.errors import CreativeAssetsError

EXPORT_BUNDLE = dg.AssetKey("export_bundle")
_SHOWN = 10


def selection_of(run: dg.DagsterRun | None) -> BundleSelection:
    """From the run's config: `only_reviewed` means approved only; the default ships all that passed."""
    if run is None:
        return "passed"
    config = run.run_config.get("ops", {}).get("export_bundle", {}).get("config", {})
    return "approved" if config.get("only_reviewed") else "passed"


def zip_name(job_id: str) -> str:
    return f"{job_id}_creatives.zip"


def download_name(backend: Backend, job_id: str, run_id: str) -> str:
    """What a browser saves a bundle as: its selection and run, so that the ZIP of what was
    approved and the ZIP of all that passed (each stored as `zip_name`) are told apart."""
    chosen = (
        "approved_only" if selection_of(backend.instance.get_run_by_id(run_id)) == "approved" else "passed"
    )
    return f"{job_id}_{chosen}_{run_id[:8]}.zip"


def bundles_of(
    backend: Backend, job_id: str, views: list[CreativeOut], runs: list[dg.RunRecord]
) -> list[BundleInfo]:
    """The bundles being built and the ones built, newest first. A built one is current when no
    decision was made and no creative was remade after its run began."""
    records = backend.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=EXPORT_BUNDLE, asset_partitions=[job_id]), limit=_SHOWN
    ).records
    built = {r.run_id: r for r in records}
    last_change = max(
        [v.made_at for v in views] + [v.decision.at for v in views if v.decision is not None],
        default=None,
    )
    found: list[BundleInfo] = []
    for record in runs:
        run = record.dagster_run
        if run.job_name != "campaign_rollup" or run.run_id in built:
            continue
        if run.status in (dg.DagsterRunStatus.SUCCESS,):
            continue  # succeeded without a bundle: not one of ours to show
        found.append(
            BundleInfo(
                run_id=run.run_id,
                selection=selection_of(run),
                status="failed"
                if run.status in (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)
                else "building",
                created_at=record.create_timestamp,
                current=False,
                download_url=None,
                dagster_url=backend.run_url(run.run_id),
            )
        )
    starts = {r.dagster_run.run_id: r.start_time for r in runs}
    for record in records:
        run = backend.instance.get_run_by_id(record.run_id)
        meta = record.asset_materialization.metadata if record.asset_materialization else {}
        began = starts.get(record.run_id) or record.timestamp
        found.append(
            BundleInfo(
                run_id=record.run_id,
                selection=selection_of(run),
                status="ready",
                created_at=datetime.fromtimestamp(record.timestamp, UTC),
                creatives=_int(meta.get("creatives")),
                zip_bytes=_int(meta.get("zip_bytes")),
                current=last_change is None or last_change.timestamp() <= began,
                download_url=f"/api/v1/campaigns/{job_id}/bundles/{record.run_id}.zip",
                dagster_url=backend.run_url(record.run_id),
            )
        )
    return sorted(found, key=lambda b: b.created_at, reverse=True)[:_SHOWN]


def _int(value: dg.MetadataValue | None) -> int | None:
    raw = getattr(value, "value", None)
    return int(raw) if isinstance(raw, int | float) else None


def build(backend: Backend, who: Principal, job_id: str, selection: BundleSelection) -> str:
    """Launch the roll-up that writes a fresh bundle; returns its run id."""
    if len(stored_sets(backend, job_id)) < 5:
        raise CreativeAssetsError(
            "not_materialized",
            f"{job_id} does not have all five variants yet: the bundle needs the whole campaign",
        )
    return dagster_client.build_bundle(
        backend.launcher, job_id, only_approved=selection == "approved", by=who.label
    )


def download(backend: Backend, job_id: str, run_id: str) -> bytes:
    """The ZIP the run stored (its own version, not whatever was built after it)."""
    records = backend.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=EXPORT_BUNDLE, asset_partitions=[job_id]), limit=100
    ).records
    if not any(r.run_id == run_id for r in records):
        raise CreativeAssetsError("no_bundle", f"run {run_id} built no export bundle for {job_id}")
    return backend.storage.read("export_bundle", job_id, zip_name(job_id), run_id)
