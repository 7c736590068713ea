"""The employer logo as pixels: its transparency, how well it stands out from what lies around
it, and the plate that makes it stand out when the picture would swallow it.

Stand-out is the WCAG contrast ratio between the logo's ink and the pixels right around it, as
WCAG 2.1 SC 1.4.11 (non-text contrast, 3:1) asks of graphics a reader must make out. It is
measured per ink pixel against the local background (a logo over a horizon has sky on one side
and hills on the other) and the figure is the weakest quarter's: a logo whose three quarters
stand out is seen; a green mark half lost in a green meadow is not. The compositor measures the
plain paste and falls back to a plate; Gate 3 measures the finished creative the same way, so a
logo an image editor or a later change left faint fails with the figure as its evidence.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw

LOGO_MIN_CONTRAST = 3.0  # WCAG 2.1 SC 1.4.11: graphical objects need 3:1 against adjacent colours
WEAKEST_PERCENTILE = 25
INK_ALPHA = 0.9  # the logo's own pixels, not its anti-aliased rim
RING_OF_HEIGHT = 0.12  # how far around the ink counts as "right around it"
PLATE_PAD_OF_HEIGHT = 0.18
PLATE_OPACITY = 0.92
PLATE_COLOURS = ((255, 255, 255), (17, 17, 17))
BACKGROUND_TOLERANCE = 24  # per channel, for recognising a flat background around a logo
BORDER_UNIFORM_SHARE = 0.9  # this much of the border must be that colour to remove it
LIGHT_BACKGROUND = 225  # every channel at least this: white-ish paper, not a brand colour
_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])


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


def as_rgba(logo: Image.Image) -> Image.Image:
    """The logo with transparency: its own, or its flat light background removed."""
    if logo.mode in ("RGBA", "LA") or (logo.mode == "P" and "transparency" in logo.info):
        return logo.convert("RGBA")
    return _remove_flat_background(logo.convert("RGB"))


def _luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(np.float64) / 255.0
    return np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4) @ _WEIGHTS


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


def logo_contrast(img: Image.Image, logo: Image.Image, box_px: tuple[int, int, int, int]) -> float:
    """How well the logo drawn at `box_px` of `img` stands out: the WCAG ratio its weakest
    quarter of ink pixels reaches against the pixels right around them (a plate, an outline, or
    the picture itself). `logo` is the employer's logo file, scaled here as it was pasted."""
    left, top, right, bottom = box_px
    w, h = right - left, bottom - top
    if w < 2 or h < 2:
        return 1.0
    alpha = np.asarray(as_rgba(logo).resize((w, h), Image.Resampling.LANCZOS).getchannel("A"))
    alpha = alpha.astype(np.float64) / 255.0
    ring = max(2, round(RING_OF_HEIGHT * h))
    x0, y0 = max(0, left - ring), max(0, top - ring)
    x1, y1 = min(img.width, right + ring), min(img.height, bottom + ring)
    lum = _luminance(np.asarray(img.convert("RGB").crop((x0, y0, x1, y1))))
    mark = np.zeros(lum.shape)
    mark[top - y0 : top - y0 + h, left - x0 : left - x0 + w] = alpha
    ink = mark >= INK_ALPHA
    if ink.sum() < 8:  # a thin mark at a small size: its strokes never reach full opacity
        ink = mark >= 0.5
    if not ink.any():
        return 1.0
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * ring + 1, 2 * ring + 1))
    near = cv2.dilate((mark > 0.05).astype(np.uint8), kernel).astype(bool)
    around = (near & (mark <= 0.05)).astype(np.float64)
    # Each ink pixel's background: the mean of the surrounding pixels near it (a normalised blur).
    sigma = ring
    weight = cv2.GaussianBlur(around, (0, 0), sigma)
    background = cv2.GaussianBlur(lum * around, (0, 0), sigma) / np.maximum(weight, 1e-9)
    known = ink & (weight > 1e-3)
    if not known.any():
        return 1.0
    return float(np.percentile(_ratio(lum[known], background[known]), WEAKEST_PERCENTILE))


def _plate_colour(scaled: Image.Image) -> tuple[int, int, int]:
    """White or near-black, whichever the logo's ink contrasts with more."""
    arr = np.asarray(scaled)
    ink = arr[arr[..., 3] >= INK_ALPHA * 255][:, :3]
    if ink.size == 0:
        return PLATE_COLOURS[0]
    lum = float(np.median(_luminance(ink)))
    return max(PLATE_COLOURS, key=lambda c: float(_ratio(np.array(lum), _luminance(np.array(c)))))


def with_plate(canvas: Image.Image, scaled: Image.Image, origin: tuple[int, int]) -> Image.Image:
    """`canvas` (RGBA) with a rounded plate behind where `scaled` (the logo at its pasted size)
    goes, and the logo on it. The plate reaches PLATE_PAD_OF_HEIGHT of the logo's height beyond
    the logo box, which the layout leaves free (layout_rules.LOGO_PLATE_AIR)."""
    left, top = origin
    w, h = scaled.size
    pad = max(4, round(PLATE_PAD_OF_HEIGHT * h))
    rect = (
        max(0, left - pad),
        max(0, top - pad),
        min(canvas.width, left + w + pad) - 1,
        min(canvas.height, top + h + pad) - 1,
    )
    layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    fill = (*_plate_colour(scaled), round(PLATE_OPACITY * 255))
    ImageDraw.Draw(layer).rounded_rectangle(rect, radius=pad, fill=fill)
    layer.alpha_composite(scaled, (left, top))
    return Image.alpha_composite(canvas, layer)
