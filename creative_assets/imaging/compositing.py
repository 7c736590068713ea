"""Compositing: the panels (scrims) behind text — their colour, opacity and drawing — and the
logo, which is always pasted by Pillow and never drawn by the image model.

`logo_pixel_box` is the single source of where the logo lands, so the compositor and the
logo gate agree to the pixel; `logo.py` measures whether it stands out there.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw

from creative_assets.imaging.color import best_text_color, contrast_of, hex_to_rgb
from creative_assets.imaging.logo import LOGO_MIN_CONTRAST, as_rgba, logo_contrast, with_plate
from creative_assets.models.base import Box
from creative_assets.models.brand import BrandIdentity
from creative_assets.models.layout import Corner

MIN_CONTRAST = 4.5  # WCAG AA for body text
WORST_CONTRAST = 3.0  # against the brightest/darkest pixel a panel may still let through
# Above this a region holds enough edges (shapes, texture) that its mean luminance is no
# longer trustworthy and text gets a panel anyway; skies and walls stay below ~0.015.
BUSY_DETAIL = 0.025
DARK, LIGHT, BLACK = "#111111", "#ffffff", "#000000"
RGBf = tuple[float, float, float]
_EDGES: tuple[RGBf, ...] = ((0.0, 0.0, 0.0), (255.0, 255.0, 255.0))
MAX_WIDTH_SHARE = 0.30  # a logo wider than this dominates the ad
LOGO_MAX_PX, LOGO_MARGIN_PX = 80, 20


def _grey(luminance: float) -> tuple[float, float, float]:
    """The sRGB grey of a relative luminance: the region's average, as a colour."""
    c = luminance * 12.92 if luminance <= 0.0031308 else 1.055 * luminance ** (1 / 2.4) - 0.055
    return (c * 255,) * 3


def _blend(scrim: str, bg: tuple[float, float, float], alpha: float) -> tuple[float, float, float]:
    s = hex_to_rgb(scrim)
    return tuple(alpha * s[i] + (1 - alpha) * bg[i] for i in range(3))  # type: ignore[return-value]


def _candidates(brand: BrandIdentity) -> list[str]:
    return list(dict.fromkeys([brand.text_color, LIGHT, DARK, brand.primary_color]))


def _worst(text: str, backgrounds: list[RGBf]) -> float:
    return min(contrast_of(hex_to_rgb(text), bg) for bg in backgrounds)


def _best(backgrounds: list[RGBf], brand: BrandIdentity) -> tuple[str, float]:
    return max(((c, _worst(c, backgrounds)) for c in _candidates(brand)), key=lambda item: item[1])


def pick_colors(
    luminances: list[float], detail: float, brand: BrandIdentity
) -> tuple[str, str | None, float]:
    """(text colour, scrim colour or None, scrim opacity) for text over a background whose
    mean luminance varies over `luminances` (a gradient sky is darker at the top).

    The text colour is the candidate with the best worst-case contrast. A scrim is added when
    that stays below 4.5:1, or when the background is busy (texture hurts legibility and OCR
    even at good mean contrast). Its opacity is the lowest that reaches 4.5:1 over the whole
    range and 3:1 even over a pure white or black pixel.
    """
    greys = [_grey(min(luminances)), _grey(max(luminances))]
    text, contrast = _best(greys, brand)
    if contrast >= MIN_CONTRAST and detail <= BUSY_DETAIL:
        return text, None, 0.0
    for scrim in dict.fromkeys([brand.primary_color, DARK, LIGHT]):
        for alpha in (0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85):
            text, contrast = _best([_blend(scrim, g, alpha) for g in greys], brand)
            extremes = [_blend(scrim, edge, alpha) for edge in _EDGES]
            if contrast >= MIN_CONTRAST and _worst(text, extremes) >= WORST_CONTRAST:
                return text, scrim, alpha
    return LIGHT, DARK, 0.85  # unreachable: #111111 at 85% passes over anything


def cta_colors(brand: BrandIdentity) -> str:
    """Label colour for a solid accent button; pure black as a last resort always reaches 4.5."""
    accent = hex_to_rgb(brand.accent_color)
    text, contrast = best_text_color(accent, _candidates(brand))
    return text if contrast >= MIN_CONTRAST else best_text_color(accent, [LIGHT, BLACK])[0]


@dataclass(frozen=True)
class Panel:
    """A translucent rounded panel behind text, or a solid button (button=True)."""

    rect: tuple[int, int, int, int]  # inclusive pixel corners
    fill: tuple[int, int, int, int]  # RGBA
    button: bool = False


def panel_layer(size: tuple[int, int], panels: list[Panel], gap: int) -> Image.Image:
    """An RGBA layer with the panels drawn. Text panels of one colour stacked at most `gap`
    apart merge into one: two rounded boxes touching read as a glitch, one panel behind
    headline and subline reads as design."""
    merged: list[Panel] = []
    for p in panels:
        prev = merged[-1] if merged else None
        if (
            prev
            and not (prev.button or p.button)
            and prev.fill == p.fill
            and 0 <= p.rect[1] - prev.rect[3] <= gap
        ):
            r = prev.rect
            merged[-1] = Panel((min(r[0], p.rect[0]), r[1], max(r[2], p.rect[2]), p.rect[3]), p.fill)
        else:
            merged.append(p)
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for p in merged:
        short_side = min(p.rect[2] - p.rect[0], p.rect[3] - p.rect[1])
        radius = round(short_side * 0.3) if p.button else min(24, round(short_side * 0.1))
        draw.rounded_rectangle(p.rect, radius=radius, fill=p.fill)
    return layer


def corner_logo_box(
    corner: Corner,
    img_size: tuple[int, int],
    aspect: float,
    *,
    max_height: int = LOGO_MAX_PX,
    area: Box | None = None,
) -> Box:
    """The box a logo of `aspect` (width/height) fills in `corner` of `area` (default the whole
    image; a story's area without the strips its platforms' interface covers): at most
    max_height px high and ~30% of the width, LOGO_MARGIN_PX from both edges of the area."""
    width, height = img_size
    left, top, right, bottom = (area or Box(x=0.0, y=0.0, w=1.0, h=1.0)).to_pixels(width, height)
    h = min(max_height, 0.12 * height)
    w = min(MAX_WIDTH_SHARE * width, h * aspect)
    h = w / aspect  # a very wide logo hits the width cap first and gets shorter
    x = left + LOGO_MARGIN_PX if corner.endswith("left") else right - LOGO_MARGIN_PX - w
    y = top + LOGO_MARGIN_PX if corner.startswith("top") else bottom - LOGO_MARGIN_PX - h
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


def composite_logo(
    img: Image.Image, logo: Image.Image, box: Box, *, max_height: int = LOGO_MAX_PX
) -> Image.Image:
    """Paste the logo (alpha respected) into `box`, scaled per `logo_pixel_box`; returns RGB.
    When the picture there would swallow it (`logo.logo_contrast` below 3:1, a green logo on a
    meadow or a dark one at night), the logo sits on a plate instead."""
    canvas = img.convert("RGBA")
    rgba = as_rgba(logo)
    left, top, right, bottom = logo_pixel_box(canvas.size, rgba.size, box, max_height)
    # Pillow resamples RGBA premultiplied, so transparent pixels do not bleed a dark fringe.
    scaled = rgba.resize((right - left, bottom - top), Image.Resampling.LANCZOS)
    layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    layer.paste(scaled, (left, top))
    plain = Image.alpha_composite(canvas, layer)
    if logo_contrast(plain, rgba, (left, top, right, bottom)) >= LOGO_MIN_CONTRAST:
        return plain.convert("RGB")
    return with_plate(canvas, scaled, (left, top)).convert("RGB")
