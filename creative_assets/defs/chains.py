"""The variant's image chains: one step makes base_images, layouts, text_overlays and
final_creatives, and each image type's picture goes on by itself — base image, Gate 1a, layouts,
overlay, logo and gates 1b–4 — as soon as it is ready, while the other pictures still wait on
the image provider. As one step per phase, no layout or overlay could start before the last base
image was done, and the CPU of composing could not overlap the provider's waits.

Every phase stays its own asset (a subsettable multi-asset), with the value, metadata, Gate
checks and ledger rows it had as its own step: each call is made in its phase's call scope
(`phase` on the ledger row: base_images, layouts, compose) and each asset's metadata reads its
phase's rows. A run that selects only some phases (regenerate_creatives: the compose outputs;
the UI: base_images alone) runs those and loads the earlier phases' stored values; Dagster does
not load a multi-asset's own unselected assets as inputs, so they are loaded here
(`context.load_asset_value`, through the IO manager, as an input would be).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dagster as dg
from pydantic import Field

from creative_assets.defs.compose.assets import GATE_CHECK_SPECS, OUTS, compose_results, render
from creative_assets.defs.compose.attempts import Providers
from creative_assets.defs.compose.renditions import RenderedCreative
from creative_assets.defs.failures import one_alone
from creative_assets.defs.images.assets import (
    BASE_IMAGES_OUT,
    GATE_1A,
    Drawn,
    base_images_result,
    draw_base_image,
)
from creative_assets.defs.layout.assets import LAYOUTS_OUT, layouts_result, plan_renditions
from creative_assets.defs.parallel import side_by_side
from creative_assets.defs.regeneration import GENERATION_TAG, CreativesConfig, generation_of, plan_rounds
from creative_assets.defs.text.compliance import ComplianceRules
from creative_assets.defs.variants import each_variant
from creative_assets.errors import CreativeAssetsError
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.gateway.scope import call_scope
from creative_assets.models import (
    IMAGE_TYPES,
    BaseImageSet,
    BrandIdentity,
    CopyDeck,
    ImagePromptSet,
    ImageType,
    Layout,
    LayoutSet,
)
from creative_assets.models.base import CallFailure
from creative_assets.partitions import job_variant_partitions
from creative_assets.providers.base import ImageEditor, ImageGenerator, TextGenerator, VisionAnalyzer
from creative_assets.resources import CampaignSettings, OcrReader

# The phases in chain order, each with its outputs; a phase's name is its ledger rows' `phase`.
PHASES: dict[str, tuple[str, ...]] = {
    "base_images": ("base_images",),
    "layouts": ("layouts",),
    "compose": ("text_overlays", "final_creatives"),
}


class ImageChainsConfig(CreativesConfig):
    """The base images' seed generation and the compose phase's regeneration request
    (defs/regeneration.py)."""

    generation: int = Field(
        default=0,
        description="a seed generation to draw in (every generation has its own seeds); by default "
        "a regenerate_images run draws in the next one and other runs keep the stored one; a run "
        f"tag {GENERATION_TAG}=N names one for backfills, which take tags but no config",
    )


@dataclass
class _Chain:
    """What one image type's chain made or where it stopped (None: that phase did not run)."""

    drawn: Drawn | CallFailure | None = None
    planned: list[Layout] | CallFailure | None = None
    rendered: tuple[RenderedCreative, Any] | None = None
    phase: str | None = None  # the phase it is in
    halted: str | None = None  # the phase it left unfinished: it raised there, or another chain had
    error: Exception | None = None


def _running(selected: set[str]) -> list[str]:
    """The phases this run makes: those with a selected output, which must be consecutive (a
    phase left out between two would be neither made nor current)."""
    running = [p for p, outs in PHASES.items() if selected & set(outs)]
    names = list(PHASES)
    if running and running != names[names.index(running[0]) : names.index(running[-1]) + 1]:
        raise CreativeAssetsError(
            "chain_selection",
            f"select consecutive phases of the image chain ({' → '.join(names)}), not "
            f"{', '.join(running)}: a layout or creative made on pictures it was not planned on "
            "would be stale",
        )
    return running


@dg.multi_asset(
    name="image_chains",
    partitions_def=job_variant_partitions,
    can_subset=True,
    # each out is_required=False: a subset run yields only its selected phases' outputs, and
    # Dagster 1.13 fails a step missing a required one, selected or not
    outs={"base_images": BASE_IMAGES_OUT, "layouts": LAYOUTS_OUT, **OUTS},
    internal_asset_deps={
        "base_images": {dg.AssetKey("image_prompts"), dg.AssetKey("brand_identity")},
        "layouts": {dg.AssetKey("base_images"), dg.AssetKey("brand_identity"), dg.AssetKey("copy_variants")},
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
    check_specs=[GATE_1A, *GATE_CHECK_SPECS],
)
@each_variant
def image_chains(
    context: dg.AssetExecutionContext,
    config: ImageChainsConfig,
    image_generator: ImageGenerator,
    image_editor: ImageEditor,
    vision_analyzer: VisionAnalyzer,
    text_generator: TextGenerator,
    ocr: OcrReader,
    gateway: ProviderGateway,
    settings: CampaignSettings,
    compliance_rules: ComplianceRules,
    image_prompts: ImagePromptSet,
    copy_variants: CopyDeck,
    brand_identity: BrandIdentity,
):  # yields each selected phase's outputs and checks; an annotation would clash with them
    """The four image types of a variant, each as a chain of its phases (module docstring): a
    picture that fails Gate 1a in every generation, or whose call fails for good, is recorded
    failed and its chain stops; so does a failed layout. One chain holds the compose retry loop,
    because a failed gate must be able to send a rendition back to the i2i step or to a new
    picture. Config (or run tags, defs/regeneration.py) names a seed generation or asks for a
    regeneration of chosen creatives."""
    selected = {key.to_user_string() for key in context.selected_asset_keys}  # output name = asset name
    running = _running(selected)
    partition, (job_id, variant) = str(context.partition_key), (image_prompts.job_id, image_prompts.variant)
    stored_bases: BaseImageSet | None = None
    stored_layouts: LayoutSet | None = None
    if "base_images" not in running:
        stored_bases = context.load_asset_value(dg.AssetKey("base_images"), partition_key=partition)
    if "compose" in running and "layouts" not in running:
        stored_layouts = context.load_asset_value(dg.AssetKey("layouts"), partition_key=partition)
    generation = generation_of(context, config.generation) if "base_images" in running else 0
    providers = Providers(
        image_editor,
        image_generator,
        vision_analyzer,
        text_generator,
        ocr,
        settings,
        compliance_rules.for_company(brand_identity.company_name),
    )

    # A chain that raises (the budget guard's refusal, a bug) fails the step as a phase's step
    # failed before: the other chains finish the phase they are in and start no other, and the
    # phases every chain finished are still stored (tests: providers/test_budget_campaign.py).
    stop = threading.Event()

    def chain(image_type: ImageType) -> _Chain:
        made = _Chain()
        try:
            links(image_type, made)
        except Exception as exc:
            made.halted, made.error = made.phase or "base_images", exc
            stop.set()
        return made

    def enter(made: _Chain, phase: str) -> bool:
        """Whether the chain may go on into `phase`."""
        if stop.is_set():
            made.halted = phase
            return False
        made.phase = phase
        return True

    def links(image_type: ImageType, made: _Chain) -> None:
        if image_prompts.failure is not None:
            return  # recorded on every creative by base_images (or by its stored value)
        if stored_bases is None:
            if not enter(made, "base_images"):
                return
            with call_scope(phase="base_images"):
                drawn, failure = one_alone(
                    lambda t: draw_base_image(
                        t,
                        image_generator=image_generator,
                        ocr=ocr,
                        settings=settings,
                        prompts=image_prompts,
                        brand=brand_identity,
                        generation=generation,
                    ),
                    image_type,
                    step="base_images",
                    call="text-to-image",
                )
            made.drawn = drawn or failure
            if drawn is None or not drawn.image.gate_1a_passed:
                return
            base, png = drawn.image, drawn.png
        else:
            found = [b for b in stored_bases.images if b.image_type == image_type]
            if not found or image_type in stored_bases.failed:
                return
            base, png = found[0], stored_bases.files[found[0].file]
        if "layouts" in running:
            if not enter(made, "layouts"):
                return
            with call_scope(phase="layouts"):
                planned, failure = one_alone(
                    lambda b: plan_renditions(
                        b,
                        png,
                        vision_analyzer=vision_analyzer,
                        text_generator=text_generator,
                        settings=settings,
                        deck=copy_variants,
                        brand=brand_identity,
                        variant=variant,
                    ),
                    base,
                    step="layouts",
                    call="image analysis or layout design",
                )
            made.planned = planned if planned is not None else failure
            if planned is None:
                return
            layouts = LayoutSet(job_id=job_id, variant=variant, layouts=planned)
        elif "compose" in running:
            assert stored_layouts is not None
            if image_type in stored_layouts.failed:
                return
            layouts = stored_layouts
        if "compose" in running:
            if not enter(made, "compose"):
                return
            round_ = plan_rounds(context, config, {image_type: base.sha256})[image_type]
            with call_scope(phase="compose"):
                made.rendered = render(
                    base,
                    png,
                    layouts,
                    providers=providers,
                    prompts=image_prompts,
                    deck=copy_variants,
                    brand=brand_identity,
                    regeneration=round_,
                )
        return

    chains = dict(zip(IMAGE_TYPES, side_by_side(chain, IMAGE_TYPES), strict=True))
    halted = [list(PHASES).index(c.halted) for c in chains.values() if c.halted is not None]
    finished = set(list(PHASES)[: min(halted, default=len(PHASES))])  # by every chain
    events: list[Any] = []
    bases = stored_bases
    if bases is None and "base_images" in finished:
        with call_scope(phase="base_images"):  # its metadata reads this phase's ledger rows
            result = base_images_result(
                context,
                drawn={t: c.drawn for t, c in chains.items() if c.drawn is not None},
                prompts=image_prompts,
                generation=generation,
                settings=settings,
                gateway=gateway,
            )
        events.append(result)
        bases = result.value
    planned_layouts = stored_layouts
    if "layouts" in running and "layouts" in finished:
        with call_scope(phase="layouts"):
            result = layouts_result(
                job_id=job_id,
                variant=variant,
                planned={
                    b.image_type: chains[b.image_type].planned
                    for b in bases.images
                    if chains[b.image_type].planned is not None
                },
                settings=settings,
                deck=copy_variants,
                gateway=gateway,
            )
        events.append(result)
        planned_layouts = result.value
    if "compose" in running and "compose" in finished:
        assert bases is not None and planned_layouts is not None
        upstream_failures: dict[ImageType, CallFailure] = {
            **({t: image_prompts.failure for t in IMAGE_TYPES} if image_prompts.failure else {}),
            **bases.failed,
            **planned_layouts.failed,
        }
        base_shas = {b.image_type: b.sha256 for b in bases.images}
        with call_scope(phase="compose"):
            events += compose_results(
                context,
                outputs=selected,
                rendered={
                    b.image_type: chains[b.image_type].rendered
                    for b in bases.images
                    if b.image_type not in upstream_failures
                },
                upstream_failures=upstream_failures,
                bases=bases.images,
                rounds=plan_rounds(context, config, base_shas),
                prompts=image_prompts,
                deck=copy_variants,
                brand=brand_identity,
                settings=settings,
                gateway=gateway,
            )
    yield from _selected(context, events)
    if errors := [c.error for c in chains.values() if c.error is not None]:
        raise errors[0]


def _selected(context: dg.AssetExecutionContext, events: list[Any]) -> Iterator[Any]:
    """The events with only the selected checks' results (a run may select an asset without
    its checks)."""
    selected = context.selected_asset_check_keys

    def chosen(result: dg.AssetCheckResult) -> bool:
        return dg.AssetCheckKey(result.asset_key, result.check_name) in selected  # type: ignore[arg-type]

    for event in events:
        if isinstance(event, dg.AssetCheckResult):
            if chosen(event):
                yield event
        elif isinstance(event, dg.MaterializeResult) and event.check_results:
            yield event._replace(check_results=[c for c in event.check_results if chosen(c)])
        else:
            yield event
