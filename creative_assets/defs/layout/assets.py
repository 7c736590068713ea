"""Phase 3 — layout: where the copy and the logo go on each base image (the brand identity it
uses is fetched with the research, `defs/text/lookups.py`)."""

import dagster as dg

from creative_assets.defs.failures import each_alone
from creative_assets.defs.layout.framing import frame, plan
from creative_assets.defs.metadata import calls_metadata
from creative_assets.defs.variants import each_variant
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.gateway.scope import call_scope
from creative_assets.models import (
    BaseImage,
    BaseImageSet,
    BrandIdentity,
    CopyDeck,
    Layout,
    LayoutSet,
)
from creative_assets.partitions import job_variant_partitions, split_key
from creative_assets.providers.base import TextGenerator, VisionAnalyzer
from creative_assets.resources import CampaignSettings


@dg.asset(partitions_def=job_variant_partitions, group_name="layout", kinds={"json"})
@each_variant
def layouts(
    context: dg.AssetExecutionContext,
    vision_analyzer: VisionAnalyzer,
    text_generator: TextGenerator,
    gateway: ProviderGateway,
    settings: CampaignSettings,
    base_images: BaseImageSet,
    brand_identity: BrandIdentity,
    copy_variants: CopyDeck,
) -> dg.MaterializeResult[LayoutSet]:
    """Per creative and per rendition (ad format × locale): the base image is analysed once for
    its subject, each format is cut around that subject and analysed again for calm, free text
    zones, and the layout designer plans each locale's copy on it — overlay zones for headline,
    subline and CTA, the logo corner and the i2i prompt. The crop box is recorded in the layout.
    Formats and locales are a loop here, not partitions: one step per job × variant, whatever
    the number of renditions."""
    job_id, variant = split_key(context)

    def plan_renditions(image: BaseImage) -> list[Layout]:
        base_png = base_images.files[image.file]
        with call_scope(creative=image.image_type):
            analysis = vision_analyzer.analyze(base_png)
            renditions = []
            for fmt in settings.ad_formats:
                framed = frame(vision_analyzer, base_png, analysis.value, fmt)
                for locale in copy_variants.locales:
                    copy = copy_variants.variant(variant, locale)
                    renditions.append(
                        plan(text_generator, framed, copy, brand_identity, image.image_type, locale)
                    )
        return renditions

    # A call that fails for good fails that creative alone (defs/failures.py).
    done, failed = each_alone(
        plan_renditions,
        base_images.images,
        key=lambda image: image.image_type,
        step="layouts",
        call="image analysis or layout design",
    )
    planned = [layout for _, renditions in done for layout in renditions]
    result = LayoutSet(job_id=job_id, variant=variant, layouts=planned, failed=failed)  # type: ignore[arg-type]
    summary = {
        f"{lay.image_type} {lay.format} {lay.locale}": {
            "crop": {k: round(v, 4) for k, v in lay.crop.model_dump().items()},
            "text_block": lay.zone("headline").box.model_dump(),
            "logo": lay.logo_position,
            "scrim": lay.zone("headline").scrim is not None,
        }
        for lay in planned
    }
    return dg.MaterializeResult(
        value=result,
        metadata={
            "renditions": len(planned),
            "formats": ", ".join(settings.formats),
            "locales": ", ".join(copy_variants.locales),
            "zones": dg.MetadataValue.json(summary),
            "i2i_prompt_example": dg.MetadataValue.md(planned[0].i2i_prompt if planned else "(none)"),
            "failed": dg.MetadataValue.json({t: f.describe() for t, f in failed.items()}),
            **calls_metadata(gateway.step_ledger()),
        },
    )
