"""The two partition dimensions of a campaign: the HOC job (dynamic) and the copy variant A–E."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import dagster as dg

from creative_assets.errors import CreativeAssetsError
from creative_assets.models.base import VARIANTS
from creative_assets.models.job import JOB_ID_PATTERN

# Dagster's run tags for a run's partition and for a run over a partition range (what a
# single-run backfill sets); spelt out because dagster exports them only from a private module.
PARTITION_NAME_TAG = "dagster/partition"
ASSET_PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
ASSET_PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"

# The gates are asset checks on partitioned assets, so their specs name the partitions (a preview
# feature in Dagster 1.13, chosen knowingly: docs/design.md); its warning would otherwise print on
# every command and in every run worker's log.
warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)

job_partitions = dg.DynamicPartitionsDefinition(name="job")
variant_partitions = dg.StaticPartitionsDefinition(list(VARIANTS))
job_variant_partitions = dg.MultiPartitionsDefinition({"job": job_partitions, "variant": variant_partitions})


class InvalidJobIdError(CreativeAssetsError, ValueError):
    """A job id that cannot be a partition key or a storage path segment: a bad input like any
    other (coded, exit status 2 on the command line); still a ValueError for older callers."""


def validate_job_id(job_id: str) -> str:
    """Dagster does not validate dynamic keys; '|', ',', '/' or '..' would break multi-partition
    parsing, UI backfills and storage paths, so every job id is checked before it becomes a key."""
    if not isinstance(job_id, str) or not JOB_ID_PATTERN.match(job_id):
        shown = repr(job_id[:80] + "…" if isinstance(job_id, str) and len(job_id) > 80 else job_id)
        raise InvalidJobIdError(
            "invalid_job_id", f"{shown} is not a valid HOC job id: use 1-64 letters, digits, '-' or '_'"
        )
    return job_id


def split_key(context: dg.AssetExecutionContext) -> tuple[str, str]:
    """(job_id, variant) of a job × variant run."""
    keys = context.partition_key.keys_by_dimension  # type: ignore[attr-defined]
    return keys["job"], keys["variant"]


def variant_key(job_id: str, variant: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"job": job_id, "variant": variant})


def variants_run_tags(job_id: str, variants: Sequence[str] = VARIANTS) -> dict[str, str]:
    """Run tags that make one run of the job's `variants` (consecutive, in order): Dagster reads a
    multi-partition range as a rectangle, so job|A…job|E is exactly the job's five variant
    partitions. A run over several partitions carries no `dagster/partition` tag."""
    return {
        ASSET_PARTITION_RANGE_START_TAG: str(variant_key(job_id, variants[0])),
        ASSET_PARTITION_RANGE_END_TAG: str(variant_key(job_id, variants[-1])),
    }


def run_partitions(tags: Mapping[str, str]) -> list[str]:
    """The partition keys a run targets, from its tags: its one partition, or each variant
    partition of a range over one job's variants ([] for a run without partitions)."""
    if PARTITION_NAME_TAG in tags:
        return [tags[PARTITION_NAME_TAG]]
    start, end = tags.get(ASSET_PARTITION_RANGE_START_TAG), tags.get(ASSET_PARTITION_RANGE_END_TAG)
    if not start or not end:
        return []
    (job, first), (other_job, last) = start.split("|", 1), end.split("|", 1)
    if job != other_job or first not in VARIANTS or last not in VARIANTS:
        return [start, end]
    return [str(variant_key(job, v)) for v in VARIANTS[VARIANTS.index(first) : VARIANTS.index(last) + 1]]
