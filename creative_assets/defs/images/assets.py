"""Phase 2 — images: art direction per variant and four base images, held to Gate 1a. A
provider call that fails for good is recorded (defs/failures.py): for the art direction, which
all four creatives need, on all four; for a picture, on its creative alone. The base images are
made by the variant's image chains (defs/chains.py); this module draws one and builds the
materialization."""

from collections.abc import Mapping
from typing import NamedTuple

import dagster as dg

from creative_assets.defs.failures import CALL_FAILURES, call_failure
from creative_assets.defs.images.generation import GATE_1A_TEXT, gate_1a_failure, generate_clean_base_image
from creative_assets.defs.metadata import calls_metadata, preview_of
from creative_assets.defs.variants import each_variant
from creative_assets.errors import CreativeAssetsError
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.gateway.scope import call_scope
from creative_assets.imaging.png import thumbnail
from creative_assets.models import (
    IMAGE_TYPES,
    BaseImage,
    BaseImageSet,
    BrandIdentity,
    CopyDeck,
    ImagePromptSet,
    ImageType,
)
from creative_assets.models.base import CallFailure
from creative_assets.partitions import job_variant_partitions, split_key
from creative_assets.providers.base import ImageGenerator, TextGenerator
from creative_assets.resources import CampaignSettings, OcrReader


@dg.asset(partitions_def=job_variant_partitions, group_name="images", kinds={"json"})
@each_variant
def image_prompts(
    context: dg.AssetExecutionContext,
    text_generator: TextGenerator,
    gateway: ProviderGateway,
    copy_variants: CopyDeck,
) -> dg.MaterializeResult[ImagePromptSet]:
    """Creative-director meta-analysis → four image concepts → four designer prompts
    (job_focus, lifestyle, artistic, location) for this variant's copy."""
    job_id, variant = split_key(context)
    # gate_compliance blocks images inside the text run; a variant run launched by hand (UI,
    # backfill) reads the stored deck, so the verdict recorded in it is checked again here.
    failing = {loc: found for loc, found in copy_variants.final_findings().items() if found}
    if failing:
        phrases = sorted({f"„{f.phrase}“ ({loc})" for loc, found in failing.items() for f in found})
        raise CreativeAssetsError(
            "compliance_failed",
            f"the copy of {job_id} failed gate_compliance ({', '.join(phrases[:5])}); nothing is "
            "rendered from it: fix the job or the customer's rules and re-run campaign_text",
        )
    try:
        directed = text_generator.direct_images(copy_variants.context, copy_variants.variant(variant))
    except CALL_FAILURES as exc:
        failure = call_failure(exc, step="image_prompts", call="meta-analysis and designer prompts")
        context.log.error(f"every creative of {variant} fails: {failure.describe()}")
        failed = ImagePromptSet(
            job_id=job_id,
            variant=variant,  # type: ignore[arg-type]
            meta_analysis="",
            concepts=[],
            prompts=[],
            failure=failure,
        )
        return dg.MaterializeResult(
            value=failed,
            metadata={
                "failure": dg.MetadataValue.json(failure.model_dump()),
                **calls_metadata(gateway.step_ledger()),
            },
        )
    prompts = ImagePromptSet(
        job_id=job_id,
        variant=variant,  # type: ignore[arg-type]
        meta_analysis=directed.value.meta_analysis,
        concepts=directed.value.concepts,
        prompts=directed.value.prompts,
    )
    return dg.MaterializeResult(
        value=prompts,
        metadata={
            "meta_analysis": dg.MetadataValue.md(prompts.meta_analysis),
            "prompts": dg.MetadataValue.md(
                "\n".join(f"- **{p.image_type}**: {p.prompt}" for p in prompts.prompts)
            ),
            **calls_metadata(gateway.step_ledger()),
        },
    )


GATE_1A = dg.AssetCheckSpec(
    "gate_1a_no_text",
    asset="base_images",
    partitions_def=job_variant_partitions,
    blocking=True,
    description="Gate 1a: OCR finds no rendered text on any base image (after bounded regeneration).",
)
BASE_IMAGES_OUT = dg.AssetOut(
    is_required=False,  # defs/chains.py: a subset run may leave it out
    group_name="images",
    kinds={"png"},
    description="Four text-free base images (BFL FLUX). Gate 1a runs OCR on each right after it "
    "is made; an image with rendered text is regenerated with a new seed before anything is spent "
    "on it. A moderated generation gets a new seed, then a softened prompt; a picture whose "
    "generation still fails is left out and its creative recorded as failed, the others go on.",
)


class Drawn(NamedTuple):
    """One image type's base image, its PNG and its preview thumbnail."""

    image: BaseImage
    png: bytes
    thumbnail: str


def draw_base_image(
    image_type: ImageType,
    *,
    image_generator: ImageGenerator,
    ocr: OcrReader,
    settings: CampaignSettings,
    prompts: ImagePromptSet,
    brand: BrandIdentity,
    generation: int,
) -> Drawn:
    """One image type's base image, held to Gate 1a (images/generation.py). A call that fails
    for good is raised (the chain records it, defs/failures.py)."""
    with call_scope(creative=image_type):
        image, png = generate_clean_base_image(
            generator=image_generator,
            ocr=ocr,
            settings=settings,
            prompt=prompts.prompt_for(image_type),
            palette=[brand.primary_color, brand.secondary_color, brand.accent_color],
            seed_parts=(prompts.job_id, prompts.variant, image_type, generation),
            file=f"{image_type}.png",
        )
    return Drawn(image, png, thumbnail(image.file, png))


def base_images_result(
    context: dg.AssetExecutionContext,
    *,
    drawn: Mapping[ImageType, Drawn | CallFailure],
    prompts: ImagePromptSet,
    generation: int,
    settings: CampaignSettings,
    gateway: ProviderGateway,
) -> dg.MaterializeResult[BaseImageSet]:
    """The base_images materialization and its Gate 1a verdict, from each image type's outcome
    (in IMAGE_TYPES order); the ledger rows read are the running base_images phase's."""
    job_id, variant = prompts.job_id, prompts.variant
    if prompts.failure is not None:
        made, failed = [], dict.fromkeys(IMAGE_TYPES, prompts.failure)
    else:
        made = [(t, d) for t, d in drawn.items() if isinstance(d, Drawn)]
        failed = {t: d for t, d in drawn.items() if isinstance(d, CallFailure)}
    for image_type, d in made:
        if not d.image.gate_1a_passed:  # text in every generation: this creative fails, not the run
            failed[image_type] = gate_1a_failure(d.image)
    made = [(t, d) for t, d in made if t not in failed]
    for image_type, failure in failed.items():
        context.log.error(f"{image_type}: no base image, its creative fails: {failure.describe()}")
    images, files, thumbnails = [], {}, []
    for image_type, (image, png, thumb) in made:
        if image.fallback:
            context.log.warning(f"{image_type}: {image.fallback}; the creative will need a person's review")
        if image.moderated:
            context.log.warning(
                f"{image_type}: moderated {len(image.moderated)} time(s); "
                + ("drawn from the softened prompt" if image.softened_prompt else "a new seed passed")
            )
        if len(image.attempts) > 1:
            context.log.warning(
                f"Gate 1a: {image_type} had text in {len(image.attempts) - 1} generation(s); "
                f"seeds {[a.seed for a in image.attempts]}"
            )
        images.append(image)
        files[image.file] = png
        thumbnails.append(thumb)
    result = BaseImageSet(
        job_id=job_id,
        variant=variant,
        images=images,
        files=files,
        failed=failed,  # type: ignore[arg-type]
        generation=generation,
    )
    return dg.MaterializeResult(
        asset_key="base_images",
        value=result,
        metadata={
            "preview": preview_of(thumbnails),
            "generation": generation,
            "seeds": dg.MetadataValue.json({i.image_type: i.seed for i in images}),
            "gate_1a_regenerations": sum(len(i.attempts) - 1 for i in images),
            "gate_1a_passed": sum(i.gate_1a_passed for i in images),
            "moderated": sum(len(i.moderated) for i in images),
            "fallbacks": dg.MetadataValue.json({i.image_type: i.fallback for i in images if i.fallback}),
            "failed": dg.MetadataValue.json({t: f.describe() for t, f in failed.items()}),
            "size": f"{settings.width}×{settings.height}",
            **calls_metadata(gateway.step_ledger()),
        },
        check_results=[
            dg.AssetCheckResult(
                asset_key="base_images",
                check_name=GATE_1A.name,
                # Only pictures without text go on; one that kept its text in every generation
                # fails its own creative (listed here), so the check warns rather than blocks.
                passed=not any(f.code == GATE_1A_TEXT for f in failed.values()),
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "creatives_failed": dg.MetadataValue.json(
                        {t: f.message for t, f in failed.items() if f.code == GATE_1A_TEXT}
                    ),
                    "generations": dg.MetadataValue.json({i.image_type: len(i.attempts) for i in images}),
                    "text_found": dg.MetadataValue.json(
                        {
                            i.image_type: [line.text for a in i.attempts for line in a.text_found]
                            for i in images
                        }
                    ),
                },
            )
        ],
    )
