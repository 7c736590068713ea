"""A creative is one picture in every format and locale: when one rendition's retry replaces the
picture, the renditions made before move to the new one and are judged again, and the record
refuses renditions on different pictures."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import ValidationError

from creative_assets.defs.compose.attempts import Providers
from creative_assets.defs.compose.renditions import RenderedCreative, render_creative
from creative_assets.defs.images.generation import generate_clean_base_image
from creative_assets.defs.layout.framing import frame, plan
from creative_assets.imaging.canvas import Canvas
from creative_assets.imaging.formats import ad_format
from creative_assets.imaging.png import to_png
from creative_assets.imaging.typesetting import typeset
from creative_assets.models import CopyDeck, CopyVariant, Creative, Layout, LayoutSet
from creative_assets.providers.base import Generated
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

FORMATS = ["1:1", "9:16"]


class FadedStoryEditor(LocalImageEditor):
    """Sets the 9:16 story's copy pale grey on a pale panel on its first two edits (Gate 4
    fails twice, so the loop asks for a new picture); everything else it typesets well."""

    edits: ClassVar[list[tuple[str, int]]] = []

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        FadedStoryEditor.edits.append((layout.format, attempt))
        if layout.format != "9:16" or attempt > 2:
            return super().overlay_text(canvas, layout, copy, attempt=attempt)
        pale = {"color": "#9a9a9a", "scrim": "#b4b4b4", "scrim_opacity": 1.0}
        faded = layout.model_copy(update={"zones": [z.model_copy(update=pale) for z in layout.zones]})
        return Generated(
            to_png(typeset(canvas.image(), faded, copy)),
            super().overlay_text(canvas, layout, copy, attempt=1).made_by,
        )


@pytest.fixture(scope="module")
def rendered() -> tuple[RenderedCreative, str]:
    job = LocalJobSource().get_job("hoc-4711-pflege")
    writer, vision = TemplateTextGenerator(), LocalVisionAnalyzer()
    fused = writer.fuse_context(job, LocalResearcher().research(job)).value
    deck = CopyDeck(
        job_id=job.job_id, language=job.language, context=fused, variants=writer.write_copy(fused).value
    )
    copy = deck.variant("B")
    brand = LocalBrandExtractor().extract(job)
    prompt = writer.direct_images(fused, copy).value.prompts[0]
    settings = CampaignSettings(formats=FORMATS)
    providers = Providers(
        FadedStoryEditor(), ProceduralImageGenerator(), vision, writer, OcrReader(), settings
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
        for f in FORMATS
    ]
    FadedStoryEditor.edits.clear()
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


def test_every_rendition_moves_to_the_picture_a_retry_drew_and_is_judged_again(rendered) -> None:
    result, first_picture = rendered
    creative = result.creative
    feed, story = creative.renditions
    assert [a.trigger for a in story.attempts] == ["none", "regenerate_i2i", "regenerate_bfl"]
    new_picture = story.attempts[-1].base_sha256
    assert new_picture != first_picture and result.pictures_drawn == 1
    # The feed rendition passed on the first picture, then moved with the creative.
    assert [a.base_sha256 for a in feed.attempts] == [first_picture, new_picture]
    assert feed.attempts[-1].follows_picture == "de-DE 9:16" and feed.attempts[-1].verdict != "FAIL"
    assert creative.base_sha256 == new_picture == feed.base_sha256 == story.base_sha256
    # The moved rendition was edited again on the new picture, under a new attempt number.
    assert FadedStoryEditor.edits == [("1:1", 1), ("9:16", 1), ("9:16", 2), ("9:16", 3), ("1:1", 2)]
    assert {a.final_file for r in creative.renditions for a in r.attempts} <= set(result.final_files)


def test_the_record_refuses_a_creative_on_two_pictures(rendered) -> None:
    result, _ = rendered
    creative = result.creative
    feed, story = creative.renditions
    stale_feed = feed.model_copy(update={"attempts": feed.attempts[:1]})  # left on the first picture
    with pytest.raises(ValidationError, match="several_pictures"):
        Creative.model_validate(
            {**creative.model_dump(), "renditions": [stale_feed.model_dump(), story.model_dump()]}
        )
