"""Ad formats: the pixel sizes ad platforms want, and reframing a base image for one of them.

A format is a re-layout, never a stretch: the largest crop of the base image with the format's
aspect ratio is cut around the picture's subject (the salient box of the calm-region or vision
analysis) and scaled uniformly to the format's pixels. The base image is square (1024² by
default), so a 4:5, 9:16 or 16:9 crop holds fewer source pixels than the format has and is
scaled up (a 576×1024 crop becomes 1080×1920, ×1.875); the text and the logo are drawn after
that, at the format's full resolution, so they stay sharp.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from creative_assets.models.base import Box
from creative_assets.models.layout import FormatId, ImageAnalysis

FULL_FRAME = Box(x=0.0, y=0.0, w=1.0, h=1.0)


@dataclass(frozen=True)
class AdFormat:
    """One placement size. `slug` is the id as it may appear in file names and keys."""

    id: FormatId
    width: int
    height: int
    placement: str

    @property
    def slug(self) -> str:
        return self.id.replace(":", "x")

    @property
    def aspect(self) -> float:
        return self.width / self.height

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


FORMATS: dict[FormatId, AdFormat] = {
    "1:1": AdFormat("1:1", 1080, 1080, "feed"),
    "4:5": AdFormat("4:5", 1080, 1350, "feed (portrait)"),
    "9:16": AdFormat("9:16", 1080, 1920, "story / reel"),
    "16:9": AdFormat("16:9", 1920, 1080, "landscape (link ads, YouTube, display)"),
}


def ad_format(format_id: str) -> AdFormat:
    try:
        return FORMATS[format_id]  # type: ignore[index]
    except KeyError:
        raise ValueError(
            f"[unknown_format] {format_id!r} is not an ad format: use {', '.join(FORMATS)}"
        ) from None


def crop_pixels(
    source: tuple[int, int], aspect: float, centre: tuple[float, float]
) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the largest `aspect` crop of `source` centred as near
    `centre` (pixels) as the image edges allow. Whole pixels, so the crop's aspect is off by
    at most one pixel's worth (< 0.2% on a 1024 image) before the uniform resize."""
    width, height = source
    if width / height < aspect:  # the source is narrower: full width, cut top and bottom
        crop_w, crop_h = width, round(width / aspect)
    else:
        crop_w, crop_h = round(height * aspect), height
    crop_w, crop_h = min(width, crop_w), min(height, crop_h)
    left = min(max(0, round(centre[0] - crop_w / 2)), width - crop_w)
    top = min(max(0, round(centre[1] - crop_h / 2)), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def crop_box(analysis: ImageAnalysis, fmt: AdFormat) -> Box:
    """Where the format is cut from the base image, as fractions of it. Centred on the
    subject; with no subject (a flat illustration) on the image centre."""
    subject = analysis.salient
    cx, cy = (subject.x + subject.w / 2, subject.y + subject.h / 2) if subject else (0.5, 0.5)
    size = (analysis.width, analysis.height)
    left, top, right, bottom = crop_pixels(size, fmt.aspect, (cx * size[0], cy * size[1]))
    return Box(x=left / size[0], y=top / size[1], w=(right - left) / size[0], h=(bottom - top) / size[1])


def reframe(base: Image.Image, crop: Box, size: tuple[int, int]) -> Image.Image:
    """Cut `crop` out of the base image and scale it uniformly to `size` (a format's pixels)."""
    left, top, right, bottom = crop.to_pixels(base.width, base.height)
    return base.convert("RGB").crop((left, top, right, bottom)).resize(size, Image.Resampling.LANCZOS)
