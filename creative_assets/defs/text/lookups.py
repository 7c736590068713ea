"""Research (phase 1) and brand identity (phase 3): the two slow lookups that need nothing but the
posting, in one step, side by side.

Dagster's in-process executor runs a run's steps one after another, so as two assets Firecrawl's
scrape (seconds) waited for Perplexity's research (seconds) on every campaign's critical path.
One step that overlaps them keeps both assets: each has its own key, group, storage, metadata and
ledger phase, and the step subsets (`can_subset`), so either is refreshed alone from the UI or a
backfill. A failed lookup does not take the other one's result with it: what succeeded is stored,
then the failure is raised.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import dagster as dg

from creative_assets.defs.failures import campaign_stop
from creative_assets.defs.metadata import calls_metadata, preview
from creative_assets.defs.parallel import side_by_side
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.gateway.scope import call_scope
from creative_assets.models import BrandIdentity, JobPosting, Model, ResearchBrief
from creative_assets.partitions import job_partitions
from creative_assets.providers.base import BrandExtractor, Researcher

RESEARCH, BRAND_IDENTITY = dg.AssetKey("research"), dg.AssetKey("brand_identity")
OUTS = {
    "research": dg.AssetOut(
        group_name="text",
        kinds={"json"},
        is_required=False,
        description="What motivates people in this role and place (Perplexity, cached 7 days).",
    ),
    "brand_identity": dg.AssetOut(
        group_name="layout",
        kinds={"json", "png"},
        is_required=False,
        description="Colours, font and logo of the employer (Firecrawl, cached 90 days). When "
        "nothing usable is found the brand falls back to sane defaults and says why; the campaign "
        "goes on without a logo.",
    ),
}


# A looked-up value and the metadata its materialization shows.
Found = tuple[Model, dict[str, Any]]


@dataclass
class _Lookup:
    key: dg.AssetKey
    fetch: Callable[[], Found]
    value: Found | None = None
    error: BaseException | None = None

    def run(self) -> "_Lookup":
        # The ledger's phase is the asset's, not the shared step's.
        with call_scope(phase=self.key.path[-1]):
            try:
                self.value = self.fetch()
            except Exception as exc:  # raised after the other lookup's result is stored
                self.error = exc
        return self


def _research(researcher: Researcher, gateway: ProviderGateway, job: JobPosting) -> Found:
    with campaign_stop("research"):
        brief: ResearchBrief = researcher.research(job)
    return brief, {
        "source": brief.source,
        "motivators": dg.MetadataValue.md("\n".join(f"- {m}" for m in brief.motivators)),
        "citations": len(brief.citations),
        **calls_metadata(gateway.step_ledger()),
    }


def _brand(extractor: BrandExtractor, gateway: ProviderGateway, job: JobPosting) -> Found:
    with campaign_stop("brand identity"):
        brand: BrandIdentity = extractor.extract(job)
    swatches = " ".join(
        f"`{name}` {color}"
        for name, color in (
            ("primary", brand.primary_color),
            ("secondary", brand.secondary_color),
            ("accent", brand.accent_color),
            ("text", brand.text_color),
        )
    )
    metadata: dict[str, Any] = {
        "source": brand.source,
        "colors": dg.MetadataValue.md(swatches),
        "font": brand.font_family,
        "has_logo": brand.logo is not None,
        **calls_metadata(gateway.step_ledger()),
    }
    if brand.fallback_reason:
        metadata["fallback_reason"] = brand.fallback_reason
    if brand.logo_png:
        metadata["logo"] = preview({"logo": brand.logo_png}, side=96)
    return brand, metadata


@dg.multi_asset(outs=OUTS, partitions_def=job_partitions, can_subset=True)
def posting_lookups(
    context: dg.AssetExecutionContext,
    researcher: Researcher,
    brand_extractor: BrandExtractor,
    gateway: ProviderGateway,
    job_posting: JobPosting,
) -> Iterator[dg.Output]:
    """Research and brand identity of one posting, side by side (module docstring)."""
    lookups = [
        _Lookup(RESEARCH, lambda: _research(researcher, gateway, job_posting)),
        _Lookup(BRAND_IDENTITY, lambda: _brand(brand_extractor, gateway, job_posting)),
    ]
    selected = [lookup for lookup in lookups if lookup.key in context.selected_asset_keys]
    for lookup in side_by_side(_Lookup.run, selected):
        if lookup.value is None:
            continue
        value, metadata = lookup.value
        if isinstance(value, BrandIdentity) and value.fallback_reason:
            context.log.warning(f"Brand identity of {value.company_name}: {value.fallback_reason}")
        yield dg.Output(value, output_name=lookup.key.to_python_identifier(), metadata=metadata)
    failed = next((lookup.error for lookup in selected if lookup.error is not None), None)
    if failed is not None:
        raise failed
