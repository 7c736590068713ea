"""One creative in every locale and ad format: a retry loop per rendition on the shared base image.

Renditions are a loop inside the `creatives` step rather than partitions or assets of their
own: a rendition costs no image generation (the base image is shared), only layout, typesetting
or i2i and the gates, so a Dagster step each would multiply the run overhead (≈ 1 s a step with
the multiprocess executor) by locales × formats for work that takes a fraction of that.
"""

from __future__ import annotations

from dataclasses import dataclass

from creative_assets.defs.compose.attempts import Providers, make_creative
from creative_assets.defs.metadata import cost_usd
from creative_assets.imaging.canvas import Canvas
from creative_assets.imaging.formats import ad_format
from creative_assets.imaging.png import sha256
from creative_assets.models import (
    BaseImage,
    BrandIdentity,
    CopyDeck,
    Creative,
    DesignerPrompt,
    LayoutSet,
    Overlay,
    Rendition,
)
from creative_assets.models.creatives import STATUS_OF
from creative_assets.models.gates import Verdict

SEVERITY: dict[Verdict, int] = {"PASS": 0, "PASS_WITH_WARNINGS": 1, "FAIL": 2}


def rendition_file(image_type: str, locale: str, format_id: str, *, primary: bool) -> str:
    """`<image_type>.png` for the primary rendition (where a single-format campaign always put
    its creative), `<image_type>/<locale>_<format>.png` for the others."""
    if primary:
        return f"{image_type}.png"
    return f"{image_type}/{locale}_{ad_format(format_id).slug}.png"


def worst(verdicts: list[Verdict]) -> Verdict:
    return max(verdicts, key=SEVERITY.__getitem__)


@dataclass
class RenderedCreative:
    """A creative and the files its renditions add to text_overlays and final_creatives."""

    creative: Creative
    overlays: list[Overlay]
    overlay_files: dict[str, bytes]
    final_files: dict[str, bytes]


def render_creative(
    *,
    providers: Providers,
    job_id: str,
    variant: str,
    base: BaseImage,
    base_png: bytes,
    layouts: LayoutSet,
    prompt: DesignerPrompt,
    deck: CopyDeck,
    brand: BrandIdentity,
) -> RenderedCreative:
    """Every locale of the deck × every configured format of one creative, primary first."""
    name = base.image_type
    renditions: list[Rendition] = []
    overlays: list[Overlay] = []
    overlay_files: dict[str, bytes] = {}
    final_files: dict[str, bytes] = {}
    for locale in deck.locales:
        copy = deck.variant(variant, locale)
        for format_id in providers.settings.formats:
            layout = layouts.layout(name, format_id, locale)  # type: ignore[arg-type]
            primary = not renditions
            file = rendition_file(name, locale, format_id, primary=primary)
            outcome = make_creative(
                providers=providers,
                base=base,
                canvas=Canvas.framed(base_png, layout.crop, ad_format(layout.format)),
                layout=layout,
                prompt=prompt,
                copy=copy,
                brand=brand,
                seed_parts=(job_id, variant, name),
                locale=locale,
                tag=name if primary else f"{name}_{locale}_{ad_format(format_id).slug}",
            )
            last = outcome.attempts[-1]  # the last attempt always has an edit (attempts.py)
            assert last.overlay_provider is not None
            width, height = outcome.final_size
            overlay_files[file] = outcome.overlay_png
            final_files |= {file: outcome.final_png, **outcome.files}
            overlays.append(
                Overlay(
                    image_type=name,
                    file=file,
                    provider=last.overlay_provider,
                    model=last.overlay_provider.split("/", 1)[-1],
                    attempt=last.attempt,
                    sha256=sha256(outcome.overlay_png),
                    format=format_id,  # type: ignore[arg-type]
                    locale=locale,
                )
            )
            renditions.append(
                Rendition(
                    locale=locale,
                    format=format_id,  # type: ignore[arg-type]
                    file=file,
                    width=width,
                    height=height,
                    sha256=sha256(outcome.final_png),
                    verdict=last.verdict,
                    status=STATUS_OF[last.verdict],
                    has_logo=brand.logo is not None and last.layout.logo_box is not None,
                    crop=last.layout.crop,
                    attempts=outcome.attempts,
                    cost_usd=cost_usd(outcome.calls),
                )
            )
    primary = renditions[0]
    verdict = worst([r.verdict for r in renditions])
    creative = Creative(
        creative_id=f"{job_id}-{variant}-{name}",
        image_type=name,
        file=primary.file,
        status=STATUS_OF[verdict],
        verdict=verdict,
        width=primary.width,
        height=primary.height,
        sha256=primary.sha256,
        has_logo=all(r.has_logo for r in renditions),
        base_seed=base.seed,
        renditions=renditions,
        cost_usd=round(sum(r.cost_usd for r in renditions), 6),
    )
    return RenderedCreative(creative, overlays, overlay_files, final_files)
