"""Ad formats: the pixel sizes ad platforms want, and reframing a base image for one of them.

A format is a re-layout, never a stretch: the largest crop of the base image with the format's
aspect ratio is cut around the picture's subject (the salient box of the calm-region or vision
analysis) and scaled uniformly to the format's pixels. The base image is square (1024² by
default), so a 4:5, 9:16 or 16:9 crop holds fewer source pixels than the format has and is
scaled up (a 576×1024 crop becomes 1080×1920, ×1.875); the text and the logo are drawn after
that, at the format's full resolution, so they stay sharp.

Each format also knows the parts of it that its placements' interface covers (`Reserved`): the
layout keeps copy, CTA and logo out of them and Gate 3 fails a rendition that does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PIL import Image

from creative_assets.models.base import Box
from creative_assets.models.layout import FormatId, ImageAnalysis

FULL_FRAME = Box(x=0.0, y=0.0, w=1.0, h=1.0)
Edge = Literal["top", "bottom", "left", "right"]


@dataclass(frozen=True)
class Reserved:
    """A part of a placement that the platform draws its interface over, so copy, CTA and logo
    must stay out of it. `edge` is the image edge it hangs from (a layout region overlapping it
    is cut back from that side); `covers` says what lies over it, for the gate's summary."""

    edge: Edge
    box: Box
    covers: str
    source: str


# Meta's Ads Guide for Stories images (Facebook and Instagram): "Consider leaving roughly 14%
# (250 pixels) of the top and 20% (340 pixels) of the bottom of the image free from text, logos,
# or other creative elements to avoid covering these elements with UI elements such as the
# call-to-action." https://www.facebook.com/business/ads-guide/update/image/instagram-story
# and https://www.facebook.com/business/ads-guide/update/image/facebook-story
META_STORIES = "https://www.facebook.com/business/ads-guide/update/image/instagram-story"
# TikTok publishes safe-zone template files, not numbers, and says the zone shrinks with the ad
# caption's length and any interactive add-on (https://ads.tiktok.com/help/article?aid=10002745;
# its image-ad spec: "keep key creative elements in the middle of the screen",
# https://ads.tiktok.com/help/article?aid=6701253237862825989). Measurements of those templates
# on a 1080×1920 frame: top 150 px (inside Meta's 14 %), bottom 440 px (23 %), right 150 px
# (14 %) for the profile, like, comment and share buttons
# (https://adfuseai.com/blog/tiktok-ad-sizes-specs-guide), which stack in the bottom-right
# column (https://webbannerexperts.com/?p=706).
TIKTOK_TEMPLATES = "https://ads.tiktok.com/help/article?aid=10002745"
STORY_RESERVED = (
    Reserved(
        "top",
        Box(x=0.0, y=0.0, w=1.0, h=0.14),
        "the account name and progress bar of Stories (Meta) and TikTok's tabs",
        META_STORIES,
    ),
    Reserved(
        "bottom",
        Box(x=0.0, y=1 - 0.23, w=1.0, h=0.23),  # TikTok's 440 px; Meta's 20 % lies inside
        "the call-to-action and reply bar of Stories and TikTok's caption",
        TIKTOK_TEMPLATES,
    ),
    Reserved(
        "right",
        Box(x=1 - 0.14, y=0.5, w=0.14, h=0.5),
        "TikTok's like, comment and share buttons",
        TIKTOK_TEMPLATES,
    ),
)


@dataclass(frozen=True)
class AdFormat:
    """One placement size. `slug` is the id as it may appear in file names and keys."""

    id: FormatId
    width: int
    height: int
    placement: str
    reserved: tuple[Reserved, ...] = ()

    @property
    def slug(self) -> str:
        return self.id.replace(":", "x")

    @property
    def aspect(self) -> float:
        return self.width / self.height

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def clear(self) -> Box:
        """The image without the reserved strips that span a whole edge (a corner's logo is
        placed in this, then kept off any partial strip)."""
        x0, y0, x1, y1 = 0.0, 0.0, 1.0, 1.0
        for r in self.reserved:
            b = r.box
            if r.edge == "top" and b.w >= 1.0:
                y0 = max(y0, b.y + b.h)
            elif r.edge == "bottom" and b.w >= 1.0:
                y1 = min(y1, b.y)
            elif r.edge == "left" and b.h >= 1.0:
                x0 = max(x0, b.x + b.w)
            elif r.edge == "right" and b.h >= 1.0:
                x1 = min(x1, b.x)
        return Box(x=x0, y=y0, w=x1 - x0, h=y1 - y0)


# Feed placements (1:1, 4:5) show the platform's text, headline and button outside the image;
# Meta's Ads Guide names no reserved area inside a feed image, nor does any platform for a static
# 16:9 link or display image. They keep only the layout's edge margin.
FORMATS: dict[FormatId, AdFormat] = {
    "1:1": AdFormat("1:1", 1080, 1080, "feed"),
    "4:5": AdFormat("4:5", 1080, 1350, "feed (portrait)"),
    "9:16": AdFormat("9:16", 1080, 1920, "stories (Facebook, Instagram) and TikTok", STORY_RESERVED),
    "16:9": AdFormat("16:9", 1920, 1080, "landscape (link ads, YouTube, display)"),
}


def ad_format(format_id: str) -> AdFormat:
    try:
        return FORMATS[format_id]  # type: ignore[index]
    except KeyError:
        raise ValueError(
            f"[unknown_format] {format_id!r} is not an ad format: use {', '.join(FORMATS)}"
        ) from None


def reserved_of(format_id: str | None) -> tuple[Reserved, ...]:
    """The reserved areas of a format; none for a base image (format None)."""
    return ad_format(format_id).reserved if format_id else ()


def clip_reserved(box: Box, reserved: tuple[Reserved, ...]) -> Box | None:
    """`box` cut back from each reserved area it overlaps (from the side that area hangs from);
    None when nothing is left."""
    x0, y0, x1, y1 = box.x, box.y, box.x + box.w, box.y + box.h
    for r in reserved:
        b = r.box
        across = min(x1, b.x + b.w) > max(x0, b.x) and min(y1, b.y + b.h) > max(y0, b.y)
        if not across:
            continue
        if r.edge == "top":
            y0 = max(y0, b.y + b.h)
        elif r.edge == "bottom":
            y1 = min(y1, b.y)
        elif r.edge == "left":
            x0 = max(x0, b.x + b.w)
        else:
            x1 = min(x1, b.x)
    if x1 - x0 <= 0 or y1 - y0 <= 0:
        return None
    return Box(x=x0, y=y0, w=x1 - x0, h=y1 - y0)


def in_reserved(box: Box, reserved: tuple[Reserved, ...], tolerance: float = 0.0) -> Reserved | None:
    """The first reserved area `box` reaches into by more than `tolerance` (image fractions)."""
    for r in reserved:
        b = r.box
        depth_x = min(box.x + box.w, b.x + b.w) - max(box.x, b.x)
        depth_y = min(box.y + box.h, b.y + b.h) - max(box.y, b.y)
        if depth_x > tolerance and depth_y > tolerance:
            return r
    return None


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
