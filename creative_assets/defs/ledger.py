"""What the current materializations paid, read from the gateway's ledger (the only record of
provider calls and cost) by scope: a materialization names the run and step that made it, and
every ledger row names the run, phase, job and variant it was paid for."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import dagster as dg

from creative_assets.defs.metadata import cost_usd
from creative_assets.gateway.models import LedgerEntry
from creative_assets.models import Creative
from creative_assets.models.reports import CostBreakdown, LedgerCosts
from creative_assets.partitions import variant_key

if TYPE_CHECKING:
    import pandas as pd

JOB_ASSETS = ("research", "brand_identity", "copy_variants")
VARIANT_ASSETS = ("image_prompts", "base_images", "layouts", "final_creatives")
# The ledger phase of the assets that one phase of the image chains makes together (defs/chains.py):
# their step makes several phases, and every other asset's phase is its name.
PHASE_OF_ASSET = {"text_overlays": "compose", "final_creatives": "compose"}
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
    its asset's name (PHASE_OF_ASSET), or the step's where one step makes several assets and
    names no phase (posting_lookups)."""
    partition = job_id if variant is None else str(variant_key(job_id, variant))
    made: set[tuple[str, str | None]] = set()
    for asset in assets:
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[partition]), limit=1
        ).records
        if records:
            entry = records[0].event_log_entry
            made |= {
                (entry.run_id, PHASE_OF_ASSET.get(asset, asset)),
                (entry.run_id, entry.step_key),
            }
    return [
        r for r in entries if r.run_id is not None and (r.run_id, r.phase) in made and r.variant == variant
    ]


SETTLED = ("ok", "error", "moderated")


def _sums(rows: Iterable[LedgerEntry], key: Callable[[LedgerEntry], str]) -> dict[str, float]:
    sums: Counter[str] = Counter()
    for row in rows:
        sums[key(row)] += row.cost_usd
    return {k: round(v, 6) for k, v in sorted(sums.items())}


def _per(total: float, passed: int) -> float | None:
    return round(total / passed, 6) if passed else None


def cost_breakdown(rows: Sequence[LedgerEntry], passed: int) -> CostBreakdown:
    """Cost per phase and per provider of the calls behind the current creatives."""
    total = cost_usd(rows)
    return CostBreakdown(
        total_usd=total,
        per_passed_creative_usd=_per(total, passed),
        by_phase_usd=_sums(rows, lambda r: PHASE_OF_OPERATION.get(r.operation, r.operation)),
        by_provider_usd=_sums(rows, lambda r: r.provider),
        calls=len(rows),
    )


def ledger_costs(entries: Iterable[LedgerEntry], passed: int) -> LedgerCosts:
    """Everything this job spent, in every run, retries, regenerations and failed runs included."""
    rows = list(entries)
    paid = [e for e in rows if e.outcome in SETTLED and not e.cached]
    total = cost_usd(paid)
    return LedgerCosts(
        total_usd=total,
        per_passed_creative_usd=_per(total, passed),
        by_phase_usd=_sums(paid, lambda e: e.phase or "unknown"),
        by_provider_usd=_sums(paid, lambda e: e.provider),
        paid_calls=len(paid),
        cached_calls=sum(e.cached for e in rows),
        failed_calls=sum(e.outcome in ("error", "moderated") for e in rows),
        refused_calls=sum(e.outcome in ("refused", "circuit_open") for e in rows),
    )


def ledger_table(entries: Iterable[LedgerEntry]) -> pd.DataFrame:
    """Cost per phase × provider (paid, cached and failed calls counted apart)."""
    import pandas as pd  # only the roll-up builds tables; every run's worker imports this module

    frame = pd.DataFrame([e.model_dump() for e in entries])
    if frame.empty:
        return pd.DataFrame(columns=["phase", "provider", "calls", "cached", "failed", "cost_usd"])
    frame["phase"] = frame["phase"].fillna("unknown")
    frame["failed"] = frame["outcome"].isin(["error", "moderated", "refused", "circuit_open"])
    grouped = frame.groupby(["phase", "provider"], as_index=False).agg(
        calls=("id", "count"),
        cached=("cached", "sum"),
        failed=("failed", "sum"),
        cost_usd=("cost_usd", "sum"),
    )
    grouped["cost_usd"] = grouped["cost_usd"].round(6)
    return grouped


def priced(creative: Creative, rows: Sequence[LedgerEntry]) -> Creative:
    """The creative with what it, each rendition and each attempt paid, read from the ledger rows
    of the step that made it (its scope: creative, rendition, attempt). A rendition's cost is its
    attempts' (on pictures it left too); the creative's adds what planning its renditions and
    drawing a regeneration's picture cost."""
    mine = [r for r in rows if r.creative == creative.image_type]
    renditions = []
    for rendition in creative.renditions:
        tried = [r for r in mine if r.rendition == f"{rendition.locale} {rendition.format}" and r.attempt]
        attempts = [
            a.model_copy(update={"cost_usd": cost_usd(r for r in tried if r.attempt == a.attempt)})
            for a in rendition.attempts
        ]
        renditions.append(rendition.model_copy(update={"attempts": attempts, "cost_usd": cost_usd(tried)}))
    return creative.model_copy(update={"renditions": renditions, "cost_usd": cost_usd(mine)})
