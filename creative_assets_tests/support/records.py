"""Reading what the instance recorded for a test's campaign."""

from __future__ import annotations

import dagster as dg

from creative_assets.partitions import variant_key


def latest_variant_materialization(
    instance: dg.DagsterInstance, asset: str, job_id: str, variant: str
) -> dg.EventLogRecord:
    """The newest materialization of `asset` for the job × variant partition; fails if none."""
    partition = str(variant_key(job_id, variant))
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[partition]), limit=1
    ).records
    assert records, (asset, job_id, variant)
    return records[0]
