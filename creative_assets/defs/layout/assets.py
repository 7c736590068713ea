"""Phase 3 — layout: where the copy and the logo go on each base image (the brand identity it
uses is fetched with the research, `defs/text/lookups.py`). The layouts are planned by the
variant's image chains (defs/chains.py), each as soon as its base image passed Gate 1a; this
module plans one image's and builds the materialization."""

from collections.abc import Mapping

import dagster as dg

from creative_assets.defs.layout.framing import frame, plan
from creative_assets.defs.metadata import calls_metadata
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.gateway.scope import call_scope
from creative_assets.models import (
    BaseImage,
    BrandIdentity,
    CopyDeck,
    ImageType,
    Layout,
    LayoutSet,
)
from creative_assets.models.base import CallFailure
from creative_assets.providers.base import TextGenerator, VisionAnalyzer
from creative_assets.resources import CampaignSettings

LAYOUTS_OUT = dg.AssetOut(
    is_required=False,  # defs/chains.py: a subset run may leave it out
    group_name="layout",
    kinds={"json"},
    description="Per creative and per rendition (ad format × locale): the base image is analysed "
    "once for its subject, each format is cut around that subject and analysed again for calm, "
    "free text zones, and the layout designer plans each locale's copy on it — overlay zones for "
    "headline, subline and CTA, the logo corner and the i2i prompt. The crop box is recorded in "
    "the layout. Formats and locales are a loop here, not partitions.",
)


def plan_renditions(
    image: BaseImage,
    base_png: bytes,
    *,
    vision_analyzer: VisionAnalyzer,
    text_generator: TextGenerator,
    settings: CampaignSettings,
    deck: CopyDeck,
    brand: BrandIdentity,
    variant: str,
) -> list[Layout]:
    """One base image's layouts, every format × locale. A call that fails for good is raised
    (the chain records it for this creative alone, defs/failures.py)."""
    with call_scope(creative=image.image_type):
        analysis = vision_analyzer.analyze(base_png)
        renditions = []
        for fmt in settings.ad_formats:
            framed = frame(vision_analyzer, base_png, analysis.value, fmt)
            for locale in deck.locales:
                copy = deck.variant(variant, locale)
                renditions.append(plan(text_generator, framed, copy, brand, image.image_type, locale))
    return renditions


def layouts_result(
    *,
    job_id: str,
    variant: str,
    planned: Mapping[ImageType, list[Layout] | CallFailure],
    settings: CampaignSettings,
    deck: CopyDeck,
    gateway: ProviderGateway,
) -> dg.MaterializeResult[LayoutSet]:
    """The layouts materialization from each planned image's outcome (in the base images'
    order); the ledger rows read are the running layouts phase's."""
    done = [layout for p in planned.values() if not isinstance(p, CallFailure) for layout in p]
    failed = {t: p for t, p in planned.items() if isinstance(p, CallFailure)}
    result = LayoutSet(job_id=job_id, variant=variant, layouts=done, failed=failed)  # type: ignore[arg-type]
    summary = {
        f"{lay.image_type} {lay.format} {lay.locale}": {
            "crop": {k: round(v, 4) for k, v in lay.crop.model_dump().items()},
            "text_block": lay.zone("headline").box.model_dump(),
            "logo": lay.logo_position,
            "scrim": lay.zone("headline").scrim is not None,
        }
        for lay in done
    }
    return dg.MaterializeResult(
        asset_key="layouts",
        value=result,
        metadata={
            "renditions": len(done),
            "formats": ", ".join(settings.formats),
            "locales": ", ".join(deck.locales),
            "zones": dg.MetadataValue.json(summary),
            "i2i_prompt_example": dg.MetadataValue.md(done[0].i2i_prompt if done else "(none)"),
            "failed": dg.MetadataValue.json({t: f.describe() for t, f in failed.items()}),
            **calls_metadata(gateway.step_ledger()),
        },
    )
