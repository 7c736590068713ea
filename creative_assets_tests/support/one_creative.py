"""One creative of the nursing sample (variant B) rendered in chosen formats with an editor a test
supplies, as the compose step renders it (defs/compose/renditions.py), and an editor that fades
chosen renditions' copy so their loops ask for a new picture."""

from __future__ import annotations

from typing import ClassVar

from creative_assets.defs.compose.attempts import Providers
from creative_assets.defs.compose.renditions import RenderedCreative, render_creative
from creative_assets.defs.images.generation import generate_clean_base_image
from creative_assets.defs.layout.framing import frame, plan
from creative_assets.imaging.canvas import Canvas
from creative_assets.imaging.formats import ad_format
from creative_assets.imaging.png import to_png
from creative_assets.imaging.typesetting import typeset
from creative_assets.models import CopyDeck, CopyVariant, Layout, LayoutSet
from creative_assets.providers.base import Generated, ImageEditor, ImageGenerator
from creative_assets.providers.local import (
    LocalBrandExtractor,
    LocalImageEditor,
    LocalJobSource,
    LocalResearcher,
    LocalVisionAnalyzer,
    ProceduralImageGenerator,
    TemplateTextGenerator,
)
from creative_assets.resources import CampaignSettings, OcrReader


def render_one_creative(
    editor: ImageEditor, formats: list[str], generator: ImageGenerator | None = None
) -> tuple[RenderedCreative, str]:
    """The rendered creative and the sha256 of the base image it started on."""
    job = LocalJobSource().get_job("hoc-4711-pflege")
    writer, vision = TemplateTextGenerator(), LocalVisionAnalyzer()
    fused = writer.fuse_context(job, LocalResearcher().research(job)).value
    deck = CopyDeck(
        job_id=job.job_id, language=job.language, context=fused, variants=writer.write_copy(fused).value
    )
    copy = deck.variant("B")
    brand = LocalBrandExtractor().extract(job)
    prompt = writer.direct_images(fused, copy).value.prompts[0]
    settings = CampaignSettings(formats=formats)
    providers = Providers(
        editor, generator or ProceduralImageGenerator(), vision, writer, OcrReader(), settings
    )
    base, png = generate_clean_base_image(
        generator=providers.generator,
        ocr=providers.ocr,
        settings=settings,
        prompt=prompt,
        palette=[brand.primary_color, brand.secondary_color, brand.accent_color],
        seed_parts=(job.job_id, "B", prompt.image_type, 0),
        file=f"{prompt.image_type}.png",
    )
    analysis = vision.analyze(png).value
    layouts = [
        plan(
            writer,
            frame(vision, png, analysis, ad_format(f)),
            copy,
            brand,
            base.image_type,
            deck.primary_locale,
        )
        for f in formats
    ]
    result = render_creative(
        providers=providers,
        job_id=job.job_id,
        variant="B",
        base=base,
        base_png=png,
        layouts=LayoutSet(job_id=job.job_id, variant="B", layouts=layouts),
        prompt=prompt,
        deck=deck,
        brand=brand,
    )
    return result, base.sha256


class FadingEditor(LocalImageEditor):
    """Sets the copy of the formats in `faded` pale grey on a pale panel on their first two edits
    (Gate 4 fails twice, so the loop asks for a new picture); everything else it typesets well.
    Subclasses name the formats and get a list of their own of every edit (format, attempt)."""

    faded: ClassVar[set[str]] = set()
    edits: ClassVar[list[tuple[str, int]]]

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        type(self).edits.append((layout.format, attempt))
        if layout.format not in self.faded or attempt > 2:
            return super().overlay_text(canvas, layout, copy, attempt=attempt)
        pale = {"color": "#9a9a9a", "scrim": "#b4b4b4", "scrim_opacity": 1.0}
        faded = layout.model_copy(update={"zones": [z.model_copy(update=pale) for z in layout.zones]})
        return Generated(
            to_png(typeset(canvas.image(), faded, copy)),
            super().overlay_text(canvas, layout, copy, attempt=1).made_by,
        )
