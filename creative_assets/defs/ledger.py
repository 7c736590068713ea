"""What the current materializations paid, read from the gateway's ledger (the only record of
provider calls and cost) by scope: a materialization names the run and step that made it, and
every ledger row names the run, phase, job and variant it was paid for."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import dagster as dg

from creative_assets.gateway.models import LedgerEntry
from creative_assets.models.reports import CostBreakdown
from creative_assets.partitions import variant_key

JOB_ASSETS = ("research", "brand_identity", "copy_variants")
VARIANT_ASSETS = ("image_prompts", "base_images", "layouts", "final_creatives")
PHASE_OF_OPERATION = {
    "research": "research",
    "brand_identity": "brand",
    "context_fusion": "text",
    "copywriting": "text",
    "meta_analysis": "image_prompts",
    "designer_prompts": "image_prompts",
    "text_to_image": "base_images",
    "image_analysis": "layout",
    "layout_design": "layout",
    "text_overlay": "i2i",
    "creative_review": "gates",
}


def current_rows(
    instance: dg.DagsterInstance,
    entries: Iterable[LedgerEntry],
    job_id: str,
    assets: Iterable[str],
    variant: str | None = None,
) -> list[LedgerEntry]:
    """The rows of `entries` (a job's ledger) paid by the steps that made the latest
    materialization of each of `assets`, of the job or of one of its variants. A row's phase is
    its asset's name, or the step's where one step makes several assets."""
    partition = job_id if variant is None else str(variant_key(job_id, variant))
    made: set[tuple[str, str | None]] = set()
    for asset in assets:
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[partition]), limit=1
        ).records
        if records:
            entry = records[0].event_log_entry
            made |= {(entry.run_id, asset), (entry.run_id, entry.step_key)}
    return [
        r for r in entries if r.run_id is not None and (r.run_id, r.phase) in made and r.variant == variant
    ]


def cost_breakdown(rows: Sequence[LedgerEntry], passed: int) -> CostBreakdown:
    """Cost per phase and per provider of the calls behind the current creatives."""
    by_phase: Counter[str] = Counter()
    by_provider: Counter[str] = Counter()
    for row in rows:
        by_phase[PHASE_OF_OPERATION.get(row.operation, row.operation)] += row.cost_usd
        by_provider[row.provider] += row.cost_usd
    total = round(sum(r.cost_usd for r in rows), 6)
    return CostBreakdown(
        total_usd=total,
        per_passed_creative_usd=round(total / passed, 6) if passed else None,
        by_phase_usd={k: round(v, 6) for k, v in sorted(by_phase.items())},
        by_provider_usd={k: round(v, 6) for k, v in sorted(by_provider.items())},
        calls=len(rows),
    )
