"""Framing a base image for an ad format, and planning a rendition's layout on the frame.

Shared by the `layouts` asset (every image type × format × locale, planned up front) and by the
creatives' retry loop (a regenerated base image is framed and planned again the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

from creative_assets.imaging.formats import FULL_FRAME, AdFormat, ad_format, crop_box, reframe
from creative_assets.imaging.png import open_image, to_png, validate_png
from creative_assets.models import BrandIdentity, CopyVariant, ImageAnalysis, ImageType, Layout, ProviderCall
from creative_assets.models.base import Box
from creative_assets.providers.base import TextGenerator, VisionAnalyzer


@dataclass(frozen=True)
class Frame:
    """A base image cut and scaled for one format, with the analysis of what is now on it."""

    fmt: AdFormat
    crop: Box
    base_png: bytes
    analysis: ImageAnalysis
    calls: list[ProviderCall]
    framed_png: bytes | None = None  # made already when the frame had to be analysed

    @property
    def png(self) -> bytes:
        """The framed picture. Made only when asked for if the frame needed no analysis of its
        own: `layouts` plans a full-frame format from the base analysis alone, and only the
        retry loop sets text on this picture."""
        return self.framed_png or _reframed(self.base_png, self.crop, self.fmt)


def _reframed(base_png: bytes, crop: Box, fmt: AdFormat) -> bytes:
    return to_png(reframe(open_image(base_png, what="base image"), crop, fmt))


def canvas(base_png: bytes, layout: Layout) -> bytes:
    """The picture a rendition's text is set on: the base image reframed as its layout says.
    Deterministic, so it is recomputed from the stored base image rather than stored twice.
    A format that shows the whole base image at its own size is the base image, as it is: no
    decoding, resampling and encoding it again (~70 ms of CPU per creative at 1080 px)."""
    fmt = ad_format(layout.format)
    if layout.crop == FULL_FRAME and validate_png(base_png, what="base image") == fmt.size:
        return base_png
    base = open_image(base_png, what="base image")
    return to_png(reframe(base, layout.crop, fmt), fast=True)


def frame(vision: VisionAnalyzer, base_png: bytes, base_analysis: ImageAnalysis, fmt: AdFormat) -> Frame:
    """Cut the format around the subject of `base_analysis` and analyse the result again: the
    calm regions of a 9:16 strip are not those of the square. A format that shows the whole
    base image (1:1 of a square) reuses the base analysis, which is in fractions, so no
    further vision call is made for it."""
    crop = crop_box(base_analysis, fmt)
    if crop == FULL_FRAME:
        update = {"width": fmt.width, "height": fmt.height}
        return Frame(fmt, crop, base_png, base_analysis.model_copy(update=update), [])
    png = _reframed(base_png, crop, fmt)
    analysis = vision.analyze(png)
    return Frame(fmt, crop, base_png, analysis.value, analysis.calls, png)


def plan(
    text: TextGenerator,
    framed: Frame,
    copy: CopyVariant,
    brand: BrandIdentity,
    image_type: ImageType,
    locale: str | None,
) -> tuple[Layout, list[ProviderCall]]:
    """The layout designer's plan for one rendition; the analysis carries the frame's pixels,
    so zones, font sizes and the logo corner are planned for the format's own size."""
    designed = text.design_layout(framed.analysis, copy, brand, image_type)
    update = {"format": framed.fmt.id, "locale": locale, "crop": framed.crop}
    layout = designed.value.model_copy(update=update)
    return layout, designed.calls
