"""Framing a base image for an ad format, and planning a rendition's layout on the frame.

Shared by the `layouts` asset (every image type × format × locale, planned up front) and by the
creatives' retry loop (a regenerated base image is framed and planned again the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

from creative_assets.imaging.canvas import frame_for_analysis
from creative_assets.imaging.formats import FULL_FRAME, AdFormat, crop_box
from creative_assets.imaging.png import to_png
from creative_assets.models import BrandIdentity, CopyVariant, ImageAnalysis, ImageType, Layout
from creative_assets.models.base import Box
from creative_assets.providers.base import TextGenerator, VisionAnalyzer


@dataclass(frozen=True)
class Frame:
    """A base image cut and scaled for one format, with the analysis of what is now on it."""

    fmt: AdFormat
    crop: Box
    base_png: bytes
    analysis: ImageAnalysis


def frame(vision: VisionAnalyzer, base_png: bytes, base_analysis: ImageAnalysis, fmt: AdFormat) -> Frame:
    """Cut the format around the subject of `base_analysis` and analyse the result again: the
    calm regions of a 9:16 strip are not those of the square. The analysis names the format, so
    the layout keeps out of the areas its platforms' interface covers. A format that shows the whole
    base image (1:1 of a square) reuses the base analysis, which is in fractions, so no
    further vision call is made for it."""
    crop = crop_box(base_analysis, fmt)
    if crop == FULL_FRAME:
        update = {"width": fmt.width, "height": fmt.height, "format": fmt.id}
        return Frame(fmt, crop, base_png, base_analysis.model_copy(update=update))
    # The crop is analysed as the format shows it (its own pixels, so its regions' detail is
    # measured at the size the copy is set at); the rendition's canvas takes the same frame when
    # the creatives are composed in this process (imaging/canvas.py), or makes it from the base.
    # Encoded fast: these bytes are only analysed (and hashed for the cache key), never stored.
    analysis = vision.analyze(to_png(frame_for_analysis(base_png, crop, fmt.size), fast=True))
    framed = analysis.value.model_copy(update={"format": fmt.id})
    return Frame(fmt, crop, base_png, framed)


def plan(
    text: TextGenerator,
    framed: Frame,
    copy: CopyVariant,
    brand: BrandIdentity,
    image_type: ImageType,
    locale: str | None,
) -> Layout:
    """The layout designer's plan for one rendition; the analysis carries the frame's pixels,
    so zones, font sizes and the logo corner are planned for the format's own size."""
    designed = text.design_layout(framed.analysis, copy, brand, image_type)
    update = {"format": framed.fmt.id, "locale": locale, "crop": framed.crop}
    return designed.value.model_copy(update=update)
