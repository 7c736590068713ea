"""Phase 4 and 5 — compose and judge: i2i text overlay (4a), logo (4b), gates 1b–4 with retries.
A creative whose provider call failed for good (here or upstream) is recorded as failed with
its reason; the others of the variant go on. The variant's image chains (defs/chains.py) render
each creative as soon as its layouts are planned; this module renders one and builds the
text_overlays and final_creatives materializations and the gates' verdicts."""

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import NamedTuple

import dagster as dg

from creative_assets.defs.compose.attempts import Providers
from creative_assets.defs.compose.lineage import lineage_markdown
from creative_assets.defs.compose.renditions import RenderedCreative, failed_creative, render_creative
from creative_assets.defs.ledger import current_rows, priced
from creative_assets.defs.metadata import calls_metadata, preview_of, table_of
from creative_assets.defs.regeneration import rounds_metadata
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.gateway.scope import call_scope
from creative_assets.imaging.png import thumbnail
from creative_assets.models import (
    IMAGE_TYPES,
    BaseImage,
    BrandIdentity,
    CopyDeck,
    Creative,
    CreativeSet,
    ImagePromptSet,
    ImageType,
    LayoutSet,
    OverlaySet,
)
from creative_assets.models.base import CallFailure
from creative_assets.models.creatives import Regeneration
from creative_assets.partitions import job_variant_partitions
from creative_assets.resources import CampaignSettings

GATE_CHECKS = {
    "1b": "gate_1b_semantic",
    "2": "gate_2_text_correctness",
    "3": "gate_3_layout_brand",
    "4": "gate_4_readability",
}


OUTS = {
    "text_overlays": dg.AssetOut(
        is_required=False,  # defs/chains.py: a subset run may leave it out
        group_name="compose",
        kinds={"png"},
        description="Phase 4a: copy rendered onto the base image, no logo.",
    ),
    "final_creatives": dg.AssetOut(
        is_required=False,
        group_name="compose",
        kinds={"png"},
        description="Phase 4b: the logo composited with Pillow; judged by gates 1b–4. Each creative "
        "in every locale of the deck and every configured ad format (a rendition: reframed base "
        "image, its own layout, typesetting or i2i, logo and gates 1b–4 with the retry loop).",
    ),
}
GATE_CHECK_SPECS = [
    dg.AssetCheckSpec(
        name, asset="final_creatives", partitions_def=job_variant_partitions, description=f"Gate {gate}"
    )
    for gate, name in GATE_CHECKS.items()
]


def render(
    base: BaseImage,
    base_png: bytes,
    layouts: LayoutSet,
    *,
    providers: Providers,
    prompts: ImagePromptSet,
    deck: CopyDeck,
    brand: BrandIdentity,
    regeneration: Regeneration,
) -> tuple[RenderedCreative, "_Thumbnails"]:
    """One creative in every rendition (renditions.py), and its previews, made here while the
    others are still in flight (made after the last one, they were PNG decodes in a row at the
    end of the step)."""
    with call_scope(creative=base.image_type):  # the ledger prices the creative by this
        rendered = render_creative(
            providers=providers,
            job_id=prompts.job_id,
            variant=prompts.variant,
            base=base,
            base_png=base_png,
            layouts=layouts,
            prompt=prompts.prompt_for(base.image_type),
            deck=deck,
            brand=brand,
            regeneration=regeneration,
        )
    c = rendered.creative
    if c.file is None:  # failed before its first rendition
        return rendered, _Thumbnails("", "")
    return rendered, _Thumbnails(
        overlay=thumbnail(c.image_type, rendered.overlay_files[c.file]),
        # a creative that did not pass says so under its preview (a stand-in's: needs_review)
        final=thumbnail(
            c.image_type if c.passed else f"{c.image_type} ({c.status})", rendered.final_files[c.file]
        ),
    )


def compose_results(
    context: dg.AssetExecutionContext,
    *,
    outputs: set[str],
    rendered: Mapping[ImageType, tuple[RenderedCreative, "_Thumbnails"]],
    upstream_failures: Mapping[ImageType, CallFailure],
    bases: list[BaseImage],
    rounds: Mapping[ImageType, Regeneration],
    prompts: ImagePromptSet,
    deck: CopyDeck,
    brand: BrandIdentity,
    settings: CampaignSettings,
    gateway: ProviderGateway,
) -> Iterator[dg.Output | dg.AssetCheckResult]:
    """text_overlays and final_creatives (those in `outputs`) and the four gates' verdicts, from
    each rendered creative (in the base images' order) and the creatives that failed upstream;
    the ledger rows read are the running compose phase's."""
    job_id, variant = prompts.job_id, prompts.variant
    base_shas = {image.image_type: image.sha256 for image in bases}
    thumbs = [t for _, t in rendered.values() if t.final]
    rows = gateway.step_ledger()
    made = {t: priced(r.creative, rows) for t, (r, _) in rendered.items()}
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
    overlays = [o for r, _ in rendered.values() for o in r.overlays]
    overlay_files = {k: v for r, _ in rendered.values() for k, v in r.overlay_files.items()}
    final_files = {k: v for r, _ in rendered.values() for k, v in r.final_files.items()}
    copy = deck.variant(variant)
    job_rows = gateway.ledger(job_id)
    upstream = [  # who wrote the copy and the prompts, for the lineage
        *current_rows(context.instance, job_rows, job_id, ["copy_variants"]),
        *current_rows(context.instance, job_rows, job_id, ["image_prompts"], variant),
    ]
    overlay_set = OverlaySet(job_id=job_id, variant=variant, overlays=overlays, files=overlay_files)
    creative_set = CreativeSet(
        job_id=job_id,
        variant=variant,
        copy_variant=copy,
        copy_by_locale={loc: deck.variant(variant, loc) for loc in deck.locales},
        creatives=finals,
        files=final_files,
    )
    renditions = [r for c in finals for r in c.renditions]
    if "text_overlays" in outputs:
        yield dg.Output(
            overlay_set,
            output_name="text_overlays",
            metadata={
                "preview": preview_of(t.overlay for t in thumbs),
                "renditions": len(overlays),
                "providers": ", ".join(sorted({o.provider for o in overlays})),
            },
        )
    if "final_creatives" not in outputs:
        return
    yield dg.Output(
        creative_set,
        output_name="final_creatives",
        metadata={
            "preview": preview_of(t.final for t in thumbs),
            "formats_preview": preview_of(_formats_preview(rendered)),
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
            "locales": ", ".join(deck.locales),
            "attempts": sum(len(c.attempts) for c in finals),
            # New pictures drawn here (a failed plan, or gates 1b–4 failing again after an i2i
            # retry); Gate 1a's redraws are counted on base_images.
            "pictures_replaced": sum(r.pictures_drawn for r, _ in rendered.values()),
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
                        deck=deck,
                        prompts=prompts,
                        base=next(b for b in bases if b.image_type == c.image_type),
                        brand=brand,
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
    yield from _gate_verdicts(finals)


def _formats_preview(rendered: Mapping[ImageType, tuple[RenderedCreative, "_Thumbnails"]]) -> list[str]:
    """Every rendition of the first creative rendered, if it has any. Made here, after the
    chains, because which creative is first is known only once every chain is past its layouts."""
    first = next(iter(rendered.values()), None)
    if first is None or first[0].creative.file is None:
        return []
    r = first[0]
    return [
        thumbnail(f"{x.format} {x.locale}", r.final_files[x.file], side=120) for x in r.creative.renditions
    ]


def _gate_verdicts(finals: list[Creative]) -> Iterator[dg.AssetCheckResult]:
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
