"""Phase 4 and 5 — compose and judge: i2i text overlay (4a), logo (4b), gates 1b–4 with retries."""

from collections import Counter

import dagster as dg

from creative_assets.defs.compose.attempts import Providers, make_creative
from creative_assets.defs.compose.lineage import lineage_markdown
from creative_assets.defs.metadata import calls_metadata, cost_usd, preview
from creative_assets.imaging.png import open_image, sha256
from creative_assets.models import (
    BaseImageSet,
    BrandIdentity,
    CopyDeck,
    Creative,
    CreativeSet,
    ImagePromptSet,
    LayoutSet,
    Overlay,
    OverlaySet,
)
from creative_assets.partitions import job_variant_partitions, split_key
from creative_assets.providers.base import ImageEditor, ImageGenerator, TextGenerator, VisionAnalyzer
from creative_assets.resources import CampaignSettings, OcrReader

GATE_CHECKS = {
    "1b": "gate_1b_semantic",
    "2": "gate_2_text_correctness",
    "3": "gate_3_layout_brand",
    "4": "gate_4_readability",
}
STATUS = {"PASS": "approved", "PASS_WITH_WARNINGS": "approved_with_warnings", "FAIL": "failed"}


@dg.multi_asset(
    partitions_def=job_variant_partitions,
    group_name="compose",
    outs={
        "text_overlays": dg.AssetOut(
            kinds={"png"}, description="Phase 4a: copy rendered onto the base image, no logo."
        ),
        "final_creatives": dg.AssetOut(
            kinds={"png"}, description="Phase 4b: the logo composited with Pillow; judged by gates 1b–4."
        ),
    },
    internal_asset_deps={
        "text_overlays": {
            dg.AssetKey("base_images"),
            dg.AssetKey("layouts"),
            dg.AssetKey("copy_variants"),
            dg.AssetKey("image_prompts"),
            dg.AssetKey("brand_identity"),
        },
        "final_creatives": {
            dg.AssetKey("text_overlays"),
            dg.AssetKey("brand_identity"),
            dg.AssetKey("layouts"),
        },
    },
    check_specs=[
        dg.AssetCheckSpec(
            name, asset="final_creatives", partitions_def=job_variant_partitions, description=f"Gate {gate}"
        )
        for gate, name in GATE_CHECKS.items()
    ],
)
def creatives(
    context: dg.AssetExecutionContext,
    image_editor: ImageEditor,
    image_generator: ImageGenerator,
    vision_analyzer: VisionAnalyzer,
    text_generator: TextGenerator,
    ocr: OcrReader,
    settings: CampaignSettings,
    base_images: BaseImageSet,
    layouts: LayoutSet,
    image_prompts: ImagePromptSet,
    copy_variants: CopyDeck,
    brand_identity: BrandIdentity,
):
    """Compose and judge the four creatives of a variant. One step holds the retry loop because
    a failed gate must be able to send a creative back to the i2i step or to a new base image."""
    job_id, variant = split_key(context)
    copy = copy_variants.variant(variant)
    providers = Providers(image_editor, image_generator, vision_analyzer, text_generator, ocr, settings)
    overlays, finals, overlay_files, final_files = [], [], {}, {}
    for base in base_images.images:
        name = base.image_type
        outcome = make_creative(
            providers=providers,
            base=base,
            base_png=base_images.files[base.file],
            layout=layouts.layout(name),
            prompt=image_prompts.prompt_for(name),
            copy=copy,
            brand=brand_identity,
            seed_parts=(job_id, variant, name),
        )
        last = outcome.attempts[-1]
        width, height = open_image(outcome.final_png, what=f"{name} final").size
        overlay_files[f"{name}.png"] = outcome.overlay_png
        final_files |= {f"{name}.png": outcome.final_png, **outcome.files}
        overlays.append(
            Overlay(
                image_type=name,
                file=f"{name}.png",
                provider=last.overlay_provider,
                model=last.overlay_provider.split("/", 1)[-1],
                attempt=last.attempt,
                sha256=sha256(outcome.overlay_png),
            )
        )
        finals.append(
            Creative(
                creative_id=f"{job_id}-{variant}-{name}",
                image_type=name,
                file=f"{name}.png",
                status=STATUS[last.verdict],  # type: ignore[arg-type]
                verdict=last.verdict,
                width=width,
                height=height,
                sha256=sha256(outcome.final_png),
                has_logo=brand_identity.logo is not None and last.layout.logo_box is not None,
                base_seed=outcome.base.seed,
                attempts=outcome.attempts,
                cost_usd=cost_usd(outcome.calls),
            )
        )
    calls = [call for c in finals for a in c.attempts for call in a.calls]
    overlay_set = OverlaySet(job_id=job_id, variant=variant, overlays=overlays, files=overlay_files)  # type: ignore[arg-type]
    creative_set = CreativeSet(
        job_id=job_id,
        variant=variant,
        copy_variant=copy,
        creatives=finals,
        calls=calls,
        files=final_files,  # type: ignore[arg-type]
    )
    yield dg.Output(
        overlay_set,
        output_name="text_overlays",
        metadata={
            "preview": preview(overlay_files),
            "providers": ", ".join(sorted({o.provider for o in overlays})),
        },
    )
    yield dg.Output(
        creative_set,
        output_name="final_creatives",
        metadata={
            "preview": preview({c.image_type: final_files[c.file] for c in finals}),
            "approved": sum(c.approved for c in finals),
            "failed": sum(not c.approved for c in finals),
            "attempts": sum(len(c.attempts) for c in finals),
            "status": dg.MetadataValue.json({c.image_type: c.status for c in finals}),
            "headline": copy.headline,
            "subline": copy.subline,
            "cta": copy.cta,
            "lineage": dg.MetadataValue.md(
                "\n\n".join(
                    lineage_markdown(
                        c,
                        job_id=job_id,
                        variant=variant,
                        deck=copy_variants,
                        prompts=image_prompts,
                        base=next(b for b in base_images.images if b.image_type == c.image_type),
                        layout=c.attempts[-1].layout,
                        brand=brand_identity,
                    )
                    for c in finals
                )
            ),
            **calls_metadata(calls),
        },
    )
    for gate, check_name in GATE_CHECKS.items():
        results = {c.image_type: next(g for g in c.attempts[-1].gates if g.gate == gate) for c in finals}
        statuses = Counter(r.status for r in results.values())
        yield dg.AssetCheckResult(
            asset_key="final_creatives",
            check_name=check_name,
            passed=statuses["FAIL"] == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "status": dg.MetadataValue.json({t: r.status for t, r in results.items()}),
                "summaries": dg.MetadataValue.md(
                    "\n".join(f"- **{t}**: {r.summary}" for t, r in results.items())
                ),
            },
        )
