"""Phase 4 and 5 — compose and judge: i2i text overlay (4a), logo (4b), gates 1b–4 with retries.
A creative whose provider call failed for good (here or upstream) is recorded as failed with
its reason; the others of the variant go on."""

from collections import Counter
from typing import NamedTuple

import dagster as dg

from creative_assets.defs.compose.attempts import Providers
from creative_assets.defs.compose.lineage import lineage_markdown
from creative_assets.defs.compose.renditions import RenderedCreative, failed_creative, render_creative
from creative_assets.defs.ledger import current_rows, priced
from creative_assets.defs.metadata import calls_metadata, preview_of, table_of
from creative_assets.defs.parallel import side_by_side
from creative_assets.defs.regeneration import CreativesConfig, plan_rounds, rounds_metadata
from creative_assets.defs.text.compliance import ComplianceRules
from creative_assets.defs.variants import each_variant
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.gateway.scope import call_scope
from creative_assets.imaging.png import thumbnail
from creative_assets.models import (
    IMAGE_TYPES,
    BaseImage,
    BaseImageSet,
    BrandIdentity,
    CopyDeck,
    Creative,
    CreativeSet,
    ImagePromptSet,
    LayoutSet,
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
@each_variant
def compose(
    context: dg.AssetExecutionContext,
    config: CreativesConfig,
    image_editor: ImageEditor,
    image_generator: ImageGenerator,
    vision_analyzer: VisionAnalyzer,
    text_generator: TextGenerator,
    ocr: OcrReader,
    gateway: ProviderGateway,
    settings: CampaignSettings,
    compliance_rules: ComplianceRules,
    base_images: BaseImageSet,
    layouts: LayoutSet,
    image_prompts: ImagePromptSet,
    copy_variants: CopyDeck,
    brand_identity: BrandIdentity,
):
    """Compose and judge the four creatives of a variant, each in every locale of the deck and
    every configured ad format (a rendition: reframed base image, its own layout, typesetting or
    i2i, logo and gates 1b–4 with the retry loop). One step holds the retry loops because a
    failed gate must be able to send a rendition back to the i2i step or to a new base image.
    Config (or run tags, defs/regeneration.py) asks for a regeneration of chosen creatives."""
    job_id, variant = split_key(context)
    rules = compliance_rules.for_company(brand_identity.company_name)
    providers = Providers(
        image_editor, image_generator, vision_analyzer, text_generator, ocr, settings, rules
    )
    base_shas = {image.image_type: image.sha256 for image in base_images.images}
    rounds = plan_rounds(context, config, base_shas)
    upstream_failures = {
        **({t: image_prompts.failure for t in IMAGE_TYPES} if image_prompts.failure else {}),
        **base_images.failed,
        **layouts.failed,
    }
    to_render = [b for b in base_images.images if b.image_type not in upstream_failures]

    def render(base: BaseImage) -> tuple[RenderedCreative, _Thumbnails]:
        with call_scope(creative=base.image_type):  # the ledger prices the creative by this
            rendered = render_creative(
                providers=providers,
                job_id=job_id,
                variant=variant,
                base=base,
                base_png=base_images.files[base.file],
                layouts=layouts,
                prompt=image_prompts.prompt_for(base.image_type),
                deck=copy_variants,
                brand=brand_identity,
                regeneration=rounds[base.image_type],
            )
        # This creative's previews, made here while the others are still in flight: made after
        # the last one, they were nine PNG decodes in a row at the end of the step.
        c = rendered.creative
        if c.file is None:  # failed before its first rendition
            return rendered, _Thumbnails("", "", [])
        return rendered, _Thumbnails(
            overlay=thumbnail(c.image_type, rendered.overlay_files[c.file]),
            # a creative that did not pass says so under its preview (a stand-in's: needs_review)
            final=thumbnail(
                c.image_type if c.passed else f"{c.image_type} ({c.status})", rendered.final_files[c.file]
            ),
            renditions=[  # the formats preview shows every rendition of the first creative
                thumbnail(f"{r.format} {r.locale}", rendered.final_files[r.file], side=120)
                for r in c.renditions
            ]
            if base == to_render[0]
            else [],
        )

    results = side_by_side(render, to_render)
    rendered = [r for r, _ in results]
    thumbs = [t for _, t in results if t.final]
    rows = gateway.step_ledger()
    made = {r.creative.image_type: priced(r.creative, rows) for r in rendered}
    finals = [
        made.get(t) or failed_creative(job_id, variant, t, upstream_failures[t])
        for t in IMAGE_TYPES
        if t in made or t in upstream_failures
    ]
    for c in finals:
        if c.failure:
            context.log.error(f"{c.creative_id} failed: {c.failure.describe()}")
        elif c.fallback:
            context.log.warning(f"{c.creative_id} needs a person's review: {c.fallback}")
    overlays = [o for r in rendered for o in r.overlays]
    overlay_files = {k: v for r in rendered for k, v in r.overlay_files.items()}
    final_files = {k: v for r in rendered for k, v in r.final_files.items()}
    copy = copy_variants.variant(variant)
    job_rows = gateway.ledger(job_id)
    upstream = [  # who wrote the copy and the prompts, for the lineage
        *current_rows(context.instance, job_rows, job_id, ["copy_variants"]),
        *current_rows(context.instance, job_rows, job_id, ["image_prompts"], variant),
    ]
    overlay_set = OverlaySet(job_id=job_id, variant=variant, overlays=overlays, files=overlay_files)  # type: ignore[arg-type]
    creative_set = CreativeSet(
        job_id=job_id,
        variant=variant,  # type: ignore[arg-type]
        copy_variant=copy,
        copy_by_locale={loc: copy_variants.variant(variant, loc) for loc in copy_variants.locales},
        creatives=finals,
        files=final_files,
    )
    renditions = [r for c in finals for r in c.renditions]
    yield dg.Output(
        overlay_set,
        output_name="text_overlays",
        metadata={
            "preview": preview_of(t.overlay for t in thumbs),
            "renditions": len(overlays),
            "providers": ", ".join(sorted({o.provider for o in overlays})),
        },
    )
    yield dg.Output(
        creative_set,
        output_name="final_creatives",
        metadata={
            "preview": preview_of(t.final for t in thumbs),
            "formats_preview": preview_of(thumbs[0].renditions if thumbs else []),
            # the gates' verdicts, one count per creative; only a person approves (approvals.py)
            "passed": sum(c.passed for c in finals),
            "failed": sum(c.status == "failed" for c in finals),
            "needs_review": sum(c.status == "needs_review" for c in finals),
            "call_failures": dg.MetadataValue.json(
                {c.creative_id: c.failure.describe() for c in finals if c.failure}
            ),
            "fallbacks": dg.MetadataValue.json({c.creative_id: c.fallback for c in finals if c.fallback}),
            "regeneration": dg.MetadataValue.json(rounds_metadata(rounds, base_shas)),
            "renditions": len(renditions),
            "renditions_failed": sum(r.verdict == "FAIL" for r in renditions),
            "formats": ", ".join(settings.formats),
            "locales": ", ".join(copy_variants.locales),
            "attempts": sum(len(c.attempts) for c in finals),
            # New pictures drawn here (a failed plan, or gates 1b–4 failing again after an i2i
            # retry); Gate 1a's redraws are counted on base_images.
            "pictures_replaced": sum(r.pictures_drawn for r in rendered),
            "status": dg.MetadataValue.json({c.image_type: c.status for c in finals}),
            "rendition_table": renditions_table(finals),
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
                        brand=brand_identity,
                        rows=[*upstream, *rows],
                    )
                    if c.image_type in base_shas
                    else f"#### {c.creative_id} — failed\n{c.failure.describe() if c.failure else ''}"
                    for c in finals
                )
            ),
            **calls_metadata(rows),
        },
    )
    for gate, check_name in GATE_CHECKS.items():
        # One check per gate over every rendition: it fails when any rendition's final attempt
        # failed it, and names each rendition's result so the failing format is one click away.
        results = {
            f"{c.image_type} {r.locale} {r.format}": next(g for g in r.attempts[-1].gates if g.gate == gate)
            for c in finals
            for r in c.renditions
        }
        statuses = Counter(r.status for r in results.values())
        yield dg.AssetCheckResult(
            asset_key="final_creatives",
            check_name=check_name,
            passed=statuses["FAIL"] == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "renditions": len(results),
                # creatives a provider failure stopped before this gate could judge them
                "not_judged": dg.MetadataValue.json(
                    {c.creative_id: c.failure.describe() for c in finals if c.failure and not c.renditions}
                ),
                "counts": dg.MetadataValue.json(dict(sorted(statuses.items()))),
                "status": dg.MetadataValue.json({t: r.status for t, r in results.items()}),
                "summaries": dg.MetadataValue.md(
                    "\n".join(f"- **{t}**: {r.summary}" for t, r in results.items())
                ),
                # the gate's evidence for each rendition that did not pass (all of it would be
                # dozens of OCR line lists); passing ones are in the final_creatives record
                "evidence": dg.MetadataValue.json(
                    {t: r.evidence for t, r in results.items() if r.status != "PASS"}
                ),
            },
        )


class _Thumbnails(NamedTuple):
    overlay: str
    final: str
    renditions: list[str]


def renditions_table(finals: list[Creative]) -> dg.TableMetadataValue:
    return table_of(
        [
            {
                "creative": c.creative_id,
                "locale": r.locale,
                "format": r.format,
                "px": f"{r.width}×{r.height}",
                "verdict": r.verdict,
                "attempts": len(r.attempts),
                "file": r.file,
            }
            for c in finals
            for r in c.renditions
        ],
        ("creative", "locale", "format", "px", "verdict", "attempts", "file"),
    )
