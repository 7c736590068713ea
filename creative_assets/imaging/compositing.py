"""Logo compositing: the logo is always pasted by Pillow, never drawn by the image model.

`logo_pixel_box` is the single source of where the logo lands, so the compositor and the
logo gate agree to the pixel.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from creative_assets.models.base import Box
from creative_assets.models.layout import Corner

MAX_WIDTH_SHARE = 0.30  # a logo wider than this dominates the ad
LOGO_MAX_PX, LOGO_MARGIN_PX = 80, 20
BACKGROUND_TOLERANCE = 24  # per channel, for recognising a flat background around a logo
BORDER_UNIFORM_SHARE = 0.9  # this much of the border must be that colour to remove it
LIGHT_BACKGROUND = 225  # every channel at least this: white-ish paper, not a brand colour


def corner_logo_box(
    corner: Corner, img_size: tuple[int, int], aspect: float, *, max_height: int = LOGO_MAX_PX
) -> Box:
    """The box a logo of `aspect` (width/height) fills in `corner`: at most max_height px high
    and ~30% of the width, LOGO_MARGIN_PX from both edges."""
    width, height = img_size
    h = min(max_height, 0.12 * height)
    w = min(MAX_WIDTH_SHARE * width, h * aspect)
    h = w / aspect  # a very wide logo hits the width cap first and gets shorter
    x = LOGO_MARGIN_PX if corner.endswith("left") else width - LOGO_MARGIN_PX - w
    y = LOGO_MARGIN_PX if corner.startswith("top") else height - LOGO_MARGIN_PX - h
    return Box.from_pixels(x, y, x + w, y + h, width, height)


def logo_pixel_box(
    img_size: tuple[int, int], logo_size: tuple[int, int], box: Box, max_height: int = LOGO_MAX_PX
) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the scaled logo: aspect kept, inside `box`, at most
    max_height px high and ~30% of the image wide, pushed to the box's corner side."""
    width, height = img_size
    lw, lh = max(1, logo_size[0]), max(1, logo_size[1])
    left, top, right, bottom = box.to_pixels(width, height)
    max_w = max(1, min(right - left, round(MAX_WIDTH_SHARE * width)))
    max_h = max(1, min(bottom - top, max_height))
    scale = min(max_w / lw, max_h / lh)
    w, h = max(1, min(max_w, round(lw * scale))), max(1, min(max_h, round(lh * scale)))
    # Align to whichever image edge the box is nearer, so the logo hugs its corner.
    x = right - w if box.x + box.w / 2 > 0.5 else left
    y = bottom - h if box.y + box.h / 2 > 0.5 else top
    return x, y, x + w, y + h


def _remove_flat_background(logo: Image.Image) -> Image.Image:
    """A logo without transparency usually sits on a white rectangle; pasting that box onto a
    photo looks broken. Flood-fill the border colour from the corners only, so the same colour
    inside the mark (white letters on a shape) survives. A coloured background is part of the
    mark (an app-icon style square) and stays."""
    rgba = logo.convert("RGBA")
    arr = np.asarray(rgba, dtype=np.int16)[..., :3]
    border = np.concatenate([arr[0], arr[-1], arr[:, 0], arr[:, -1]])
    ref = np.median(border, axis=0)
    uniform = (np.abs(border - ref).max(axis=1) <= BACKGROUND_TOLERANCE).mean()
    if uniform < BORDER_UNIFORM_SHARE or ref.min() < LIGHT_BACKGROUND:
        return rgba
    w, h = rgba.size
    for seed in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)):
        pixel = rgba.getpixel(seed)
        if pixel[3] and max(abs(pixel[i] - ref[i]) for i in range(3)) <= BACKGROUND_TOLERANCE:
            ImageDraw.floodfill(rgba, seed, (0, 0, 0, 0), thresh=BACKGROUND_TOLERANCE)
    return rgba


def _as_rgba(logo: Image.Image) -> Image.Image:
    if logo.mode in ("RGBA", "LA") or (logo.mode == "P" and "transparency" in logo.info):
        return logo.convert("RGBA")
    return _remove_flat_background(logo.convert("RGB"))


def composite_logo(
    img: Image.Image, logo: Image.Image, box: Box, *, max_height: int = LOGO_MAX_PX
) -> Image.Image:
    """Paste the logo (alpha respected) into `box`, scaled per `logo_pixel_box`; returns RGB."""
    canvas = img.convert("RGBA")
    rgba = _as_rgba(logo)
    left, top, right, bottom = logo_pixel_box(canvas.size, rgba.size, box, max_height)
    # Pillow resamples RGBA premultiplied, so transparent pixels do not bleed a dark fringe.
    scaled = rgba.resize((right - left, bottom - top), Image.Resampling.LANCZOS)
    layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    layer.paste(scaled, (left, top))
    return Image.alpha_composite(canvas, layer).convert("RGB")
