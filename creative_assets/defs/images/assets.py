"""Phase 2 — images: art direction per variant and four base images, held to Gate 1a."""

import dagster as dg
from pydantic import Field

from creative_assets.defs.images.generation import generate_clean_base_image
from creative_assets.defs.metadata import calls_metadata, preview_of
from creative_assets.defs.parallel import side_by_side
from creative_assets.errors import CreativeAssetsError
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
from creative_assets.partitions import job_variant_partitions, split_key
from creative_assets.providers.base import ImageGenerator, TextGenerator
from creative_assets.resources import CampaignSettings, OcrReader


@dg.asset(partitions_def=job_variant_partitions, group_name="images", kinds={"json"})
def image_prompts(
    context: dg.AssetExecutionContext, text_generator: TextGenerator, copy_variants: CopyDeck
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
    directed = text_generator.direct_images(copy_variants.context, copy_variants.variant(variant))
    prompts = ImagePromptSet(
        job_id=job_id,
        variant=variant,  # type: ignore[arg-type]
        meta_analysis=directed.value.meta_analysis,
        concepts=directed.value.concepts,
        prompts=directed.value.prompts,
        calls=directed.calls,
    )
    return dg.MaterializeResult(
        value=prompts,
        metadata={
            "meta_analysis": dg.MetadataValue.md(prompts.meta_analysis),
            "prompts": dg.MetadataValue.md(
                "\n".join(f"- **{p.image_type}**: {p.prompt}" for p in prompts.prompts)
            ),
            **calls_metadata(prompts.calls),
        },
    )


GENERATION_TAG = "creative_assets/generation"


class BaseImagesConfig(dg.Config):
    generation: int = Field(
        default=0,
        description="bump to draw new pictures: every generation has its own seeds; a run tag "
        f"{GENERATION_TAG}=N does the same for backfills, which take tags but no config",
    )


def generation_of(context: dg.AssetExecutionContext, config: BaseImagesConfig) -> int:
    tagged = context.run.tags.get(GENERATION_TAG, "0")
    if not tagged.isdigit():
        raise ValueError(f"[invalid_tag] {GENERATION_TAG}={tagged!r} must be a whole number")
    return max(config.generation, int(tagged))


GATE_1A = dg.AssetCheckSpec(
    "gate_1a_no_text",
    asset="base_images",
    partitions_def=job_variant_partitions,
    blocking=True,
    description="Gate 1a: OCR finds no rendered text on any base image (after bounded regeneration).",
)


@dg.asset(partitions_def=job_variant_partitions, group_name="images", kinds={"png"}, check_specs=[GATE_1A])
def base_images(
    context: dg.AssetExecutionContext,
    config: BaseImagesConfig,
    image_generator: ImageGenerator,
    ocr: OcrReader,
    settings: CampaignSettings,
    image_prompts: ImagePromptSet,
    brand_identity: BrandIdentity,
):  # Returns MaterializeResult[BaseImageSet]; an annotation would clash with the check output.
    """Four text-free base images (BFL FLUX). Gate 1a runs OCR on each right after it is made;
    an image with rendered text is regenerated with a new seed before anything is spent on it."""
    job_id, variant = split_key(context)
    generation = generation_of(context, config)
    palette = [brand_identity.primary_color, brand_identity.secondary_color, brand_identity.accent_color]
    images, files, thumbnails = [], {}, []

    def generate(image_type: ImageType) -> tuple[BaseImage, bytes, str]:
        image, png = generate_clean_base_image(
            generator=image_generator,
            ocr=ocr,
            settings=settings,
            prompt=image_prompts.prompt_for(image_type),
            palette=palette,
            seed_parts=(job_id, variant, image_type, generation),
            file=f"{image_type}.png",
        )
        return image, png, thumbnail(image.file, png)

    for image_type, (image, png, thumb) in zip(IMAGE_TYPES, side_by_side(generate, IMAGE_TYPES), strict=True):
        if len(image.attempts) > 1:
            context.log.warning(
                f"Gate 1a: {image_type} had text in {len(image.attempts) - 1} generation(s); "
                f"seeds {[a.seed for a in image.attempts]}"
            )
        images.append(image)
        files[image.file] = png
        thumbnails.append(thumb)
    result = BaseImageSet(job_id=job_id, variant=variant, images=images, files=files)  # type: ignore[arg-type]
    calls = [call for image in images for call in image.calls]
    return dg.MaterializeResult(
        value=result,
        metadata={
            "preview": preview_of(thumbnails),
            "seeds": dg.MetadataValue.json({i.image_type: i.seed for i in images}),
            "gate_1a_regenerations": sum(len(i.attempts) - 1 for i in images),
            "gate_1a_passed": sum(i.gate_1a_passed for i in images),
            "size": f"{settings.width}×{settings.height}",
            **calls_metadata(calls),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=GATE_1A.name,
                passed=all(i.gate_1a_passed for i in images),
                metadata={
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
