"""The one picture a creative is on, and its renditions' layouts on that picture.

A creative is one visual in every format and locale: when a rendition's retry draws a new
picture, the creative moves to it (renditions.py). A `Picture` plans a rendition's layout on
itself on demand — the base analysis once, a frame per format, the layout designer per
rendition — so a rendition that moves over is framed and planned for the new picture, and the
calls are paid once per picture, not per rendition that asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from creative_assets.defs.failures import provider_call
from creative_assets.defs.images.generation import generate_clean_base_image
from creative_assets.defs.layout.framing import Frame, frame, plan
from creative_assets.imaging.canvas import Canvas
from creative_assets.imaging.formats import ad_format
from creative_assets.imaging.png import open_image
from creative_assets.models import (
    BaseImage,
    BrandIdentity,
    CopyVariant,
    DesignerPrompt,
    ImageAnalysis,
    Layout,
)
from creative_assets.providers.base import ImageGenerator, TextGenerator, VisionAnalyzer
from creative_assets.resources import CampaignSettings, OcrReader

STEP = "compose"


@dataclass
class Picture:
    """A base image and the layouts planned on it, keyed by (format, locale)."""

    base: BaseImage
    png: bytes
    layouts: dict[tuple[str, str | None], Layout] = field(default_factory=dict)
    drawn_by: str | None = None  # the rendition whose retry drew it; None: base_images' picture
    _analysis: ImageAnalysis | None = None
    _frames: dict[str, Frame] = field(default_factory=dict)
    _pixels: Image.Image | None = None

    def canvas(self, layout: Layout) -> Canvas:
        """The rendition's canvas; the picture is decoded once for all its renditions."""
        if self._pixels is None:
            self._pixels = open_image(self.png, what="base image").convert("RGB")
        return Canvas.framed(self.png, layout.crop, ad_format(layout.format), self._pixels)

    def layout_for(
        self,
        *,
        vision: VisionAnalyzer,
        text: TextGenerator,
        copy: CopyVariant,
        brand: BrandIdentity,
        format_id: str,
        locale: str | None,
    ) -> Layout:
        """The rendition's layout on this picture (planned now if it was not yet)."""
        if (format_id, locale) in self.layouts:
            return self.layouts[format_id, locale]
        with provider_call(STEP, "image analysis"):
            if self._analysis is None:
                self._analysis = vision.analyze(self.png).value
            if format_id not in self._frames:
                self._frames[format_id] = frame(vision, self.png, self._analysis, ad_format(format_id))
        with provider_call(STEP, "layout design"):
            layout = plan(text, self._frames[format_id], copy, brand, self.base.image_type, locale)
        self.layouts[format_id, locale] = layout
        return layout


def draw_picture(
    *,
    generator: ImageGenerator,
    ocr: OcrReader,
    settings: CampaignSettings,
    prompt: DesignerPrompt,
    brand: BrandIdentity,
    seed_parts: tuple[object, ...],
    file: str,
    drawn_by: str,
) -> Picture:
    """A new picture for a creative, held to Gate 1a like the first one (its moderation too)."""
    with provider_call(STEP, "text-to-image"):
        base, png = generate_clean_base_image(
            generator=generator,
            ocr=ocr,
            settings=settings,
            prompt=prompt,
            palette=[brand.primary_color, brand.secondary_color, brand.accent_color],
            seed_parts=seed_parts,
            file=file,
        )
    return Picture(base=base, png=png, drawn_by=drawn_by)
