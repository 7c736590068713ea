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

from collections.abc import Iterator
from typing import Any

import dagster as dg

from creative_assets.defs.chain_links import PHASES, ImageChain, running_phases
from creative_assets.defs.compose.assets import GATE_CHECK_SPECS, OUTS, compose_results
from creative_assets.defs.compose.attempts import Providers
from creative_assets.defs.images.assets import BASE_IMAGES_OUT, GATE_1A, base_images_result
from creative_assets.defs.layout.assets import LAYOUTS_OUT, layouts_result
from creative_assets.defs.parallel import side_by_side
from creative_assets.defs.regeneration import CreativesConfig, generation_of, plan_rounds
from creative_assets.defs.text.compliance import ComplianceRules
from creative_assets.defs.variants import each_variant
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.gateway.scope import call_scope
from creative_assets.models import IMAGE_TYPES, BrandIdentity, CopyDeck, ImagePromptSet, ImageType
from creative_assets.models.base import CallFailure
from creative_assets.partitions import job_variant_partitions
from creative_assets.providers.base import ImageEditor, ImageGenerator, TextGenerator, VisionAnalyzer
from creative_assets.resources import CampaignSettings, OcrReader


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
    config: CreativesConfig,
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
    running = running_phases(selected)
    partition = str(context.partition_key)
    chain = ImageChain(
        running=running,
        providers=Providers(
            image_editor,
            image_generator,
            vision_analyzer,
            text_generator,
            ocr,
            settings,
            compliance_rules.for_company(brand_identity.company_name),
        ),
        prompts=image_prompts,
        deck=copy_variants,
        brand=brand_identity,
        generation=generation_of(context, config.generation) if "base_images" in running else 0,
        round_of=lambda t, sha: plan_rounds(context, config, {t: sha})[t],
        stored_bases=None
        if "base_images" in running
        else context.load_asset_value(dg.AssetKey("base_images"), partition_key=partition),
        stored_layouts=context.load_asset_value(dg.AssetKey("layouts"), partition_key=partition)
        if "compose" in running and "layouts" not in running
        else None,
    )
    chains = dict(zip(IMAGE_TYPES, side_by_side(chain, IMAGE_TYPES), strict=True))
    halted = [list(PHASES).index(c.halted) for c in chains.values() if c.halted is not None]
    finished = set(list(PHASES)[: min(halted, default=len(PHASES))])  # by every chain
    job_id, variant, generation = image_prompts.job_id, image_prompts.variant, chain.generation
    events: list[Any] = []
    bases = chain.stored_bases
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
    planned_layouts = chain.stored_layouts
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
