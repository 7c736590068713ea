"""Pillow typesetting: the zero-key stand-in for gpt-image-1's text overlay.

Each text zone gets the largest font size at which its text fits (`text_fit.fit_text`, with
hyphenation of long compounds), drawn inside the zone only: panels and glyphs are masked to the
zone boxes, so nothing ever spills outside them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw

from creative_assets.imaging.analysis import contrast_p10
from creative_assets.imaging.color import hex_to_rgb, relative_luminance
from creative_assets.imaging.compositing import DARK, LIGHT, Panel, panel_layer
from creative_assets.imaging.text_fit import (
    LINE_SPACING,
    FittedText,
    fit_text,
    line_width,
    size_limits,
    sized_font,
    text_padding,
)
from creative_assets.models.base import Box
from creative_assets.models.layout import Layout, TextRole, TextZone
from creative_assets.models.text import CopyVariant

Rect = tuple[int, int, int, int]
CTA_PAD_X, CTA_PAD_Y = 0.42, 0.2  # button padding, fractions of the button height
# The contrast the worst tenth of the background behind each line must keep without a panel:
# Gate 4's pass bar, which it measures per line on the worst tenth of the ink (gates/contrast.py).
LEGIBLE_P10 = 4.5


def _emphasised(zone: TextZone, emphasis: int) -> TextZone:
    """Retries get stronger panels: add one where there was none, raise the opacity otherwise."""
    if emphasis <= 0 or zone.role == "cta":
        return zone
    if zone.scrim is None:
        light_text = relative_luminance(hex_to_rgb(zone.color)) > 0.4
        scrim = DARK if light_text else LIGHT
        return zone.model_copy(update={"scrim": scrim, "scrim_opacity": 0.55 + 0.15 * emphasis})
    return zone.model_copy(update={"scrim_opacity": min(0.95, zone.scrim_opacity + 0.12 * emphasis)})


def _legible(zone: TextZone, backgrounds: list[np.ndarray]) -> TextZone:
    """Safety net for plans made from region averages (a mean can hide a bright blob under
    white text): when a tenth of the real background behind any line drops below 4.5:1, add or
    thicken the panel until every line's tenth reaches it. Per line, because Gate 4 judges each
    line: a dark patch under the end of one line is a small share of the zone."""
    backgrounds = [px for px in backgrounds if px.size]
    if zone.role == "cta" or not backgrounds:
        return zone
    text_lum = relative_luminance(hex_to_rgb(zone.color))
    scrim = zone.scrim or (DARK if text_lum > 0.4 else LIGHT)
    rgb = np.array(hex_to_rgb(scrim), dtype=np.float32)

    def worst(alpha: float) -> float:
        return min(contrast_p10(px, text_lum, rgb, alpha) for px in backgrounds)

    if worst(zone.scrim_opacity if zone.scrim else 0.0) >= LEGIBLE_P10:
        return zone
    steps = [a for a in (0.55, 0.65, 0.75, 0.85, 0.95) if a > zone.scrim_opacity] or [zone.scrim_opacity]
    alpha = next((a for a in steps if worst(a) >= LEGIBLE_P10), steps[-1])
    return zone.model_copy(update={"scrim": scrim, "scrim_opacity": alpha})


def _behind(base_px: np.ndarray, rect: Rect) -> np.ndarray:
    """The background a line's text sits on, every third pixel (N×3): what `_legible` judges."""
    left, top, right, bottom = rect
    return base_px[top:bottom:3, left:right:3, :3].reshape(-1, 3)


def legible_zones(base: Image.Image, layout: Layout, copy: CopyVariant) -> list[TextZone]:
    """`_legible` for every zone over the pixels of `base` behind its lines, as the typesetter
    judges them: what the plan needs before any editor sets text on this picture."""
    base_px = np.asarray(base.convert("RGB"), dtype=np.float32)
    lines = {z.role: _line_rects(z, done) for z, done in _set_all(layout, copy, base.size, 0, layout.locale)}
    return [
        _legible(z, [_behind(base_px, r) for r in lines.get(z.role, [z.box.to_pixels(*base.size)])])
        for z in layout.zones
    ]


def _line_left(fitted: FittedText, line: str, left: float, width: float, align: str) -> float:
    """Where a line of the block starts: centred lines are centred in the block's width."""
    if align != "center":
        return left
    return left + (width - line_width(fitted.size, fitted.bold, line, fitted.tracking)) / 2


def _draw_lines(draw: ImageDraw.ImageDraw, lines: list[SetLine], fill: str) -> None:
    for line in lines:
        font, x = sized_font(line.size, line.bold), line.x
        for chunk in [line.text] if line.tracking == 0 else list(line.text):
            draw.text((x, line.baseline), chunk, font=font, fill=fill, anchor="ls")
            x += font.getlength(chunk) + line.tracking


@dataclass(frozen=True)
class _Set:
    """One role's text as the typesetter sets it: the fitted lines and where the block starts."""

    fitted: FittedText
    left: int
    top: int


def _set_text(
    zone: TextZone,
    copy: CopyVariant,
    size: tuple[int, int],
    *,
    headline_size: int | None,
    emphasis: int,
    locale: str | None,
) -> _Set | None:
    """Fit the role's copy into its zone and place it; None for a zone too small to hold text."""
    width, height = size
    left, top, right, bottom = zone.box.to_pixels(width, height)
    if right - left < 4 or bottom - top < 4:
        return None
    role = zone.role
    pad, pad_y = text_padding(height)
    max_size, min_size = size_limits(role, height, headline_size)
    px, py = (
        (int(CTA_PAD_X * (bottom - top)), int(CTA_PAD_Y * (bottom - top))) if role == "cta" else (pad, pad_y)
    )
    inner = (left + px, top + py, right - px, bottom - py)
    inner_w, inner_h = max(1, inner[2] - inner[0]), max(1, inner[3] - inner[1])
    fitted = fit_text(
        {"headline": copy.headline, "subline": copy.subline, "cta": copy.cta}[role],
        inner_w,
        inner_h,
        # A heavier subline on the last emphasis is the font's own bold, never an outline drawn
        # around the regular face: a 1-px outline closes every gap under two pixels, and at the
        # subline's sizes that is the one between an i and its dot (and the umlauts' dots).
        bold=role != "subline" or emphasis >= 2,
        max_size=max_size,
        min_size=min_size,
        tracking_em=0.015 * emphasis,
        locale=locale,
    )
    # Headlines sit on the bottom of their zone (next to the subline), the rest on top; the CTA
    # label is centred on its button.
    slack = max(0, inner_h - fitted.height)
    text_top = inner[1] + (slack if role == "headline" else slack // 2 if role == "cta" else 0)
    text_left = inner[0] + ((inner_w - fitted.width) // 2 if role == "cta" or zone.align == "center" else 0)
    return _Set(fitted, text_left, text_top)


def _set_all(
    layout: Layout, copy: CopyVariant, size: tuple[int, int], emphasis: int, locale: str | None
) -> list[tuple[TextZone, _Set]]:
    """Every zone's text in drawing order (the headline's size bounds the others')."""
    placed: list[tuple[TextZone, _Set]] = []
    headline_size = None
    for role in ("headline", "subline", "cta"):
        zone = next((z for z in layout.zones if z.role == role), None)
        if zone is None:
            continue
        done = _set_text(zone, copy, size, headline_size=headline_size, emphasis=emphasis, locale=locale)
        if done is None:
            continue
        if role == "headline":
            headline_size = done.fitted.size
        placed.append((zone, done))
    return placed


@dataclass(frozen=True)
class SetLine:
    """One line of copy as the typesetter draws it: its text, face, size and letter spacing,
    where its baseline starts, and the pixel rect it is drawn in (its advance width by its
    baseline-to-baseline step)."""

    role: TextRole
    text: str
    size: int
    bold: bool
    tracking: int
    x: float
    baseline: int
    rect: Rect


def _lines_of(zone: TextZone, done: _Set) -> list[SetLine]:
    f, step = done.fitted, round(done.fitted.size * LINE_SPACING)
    ascent, _ = sized_font(f.size, f.bold).getmetrics()
    lines = []
    for i, text in enumerate(f.lines):
        x, top = _line_left(f, text, done.left, f.width, zone.align), done.top + i * step
        right = round(x + line_width(f.size, f.bold, text, f.tracking))
        lines.append(
            SetLine(
                zone.role,
                text,
                f.size,
                f.bold,
                f.tracking,
                x,
                top + ascent,
                (round(x), top, right, top + step),
            )
        )
    return lines


def _line_rects(zone: TextZone, done: _Set) -> list[Rect]:
    """The pixel rect of each line of a zone's set text."""
    return [line.rect for line in _lines_of(zone, done)]


def set_lines(
    layout: Layout, copy: CopyVariant, size: tuple[int, int], *, emphasis: int = 0, locale: str | None = None
) -> list[SetLine]:
    """Every line `typeset` draws for this layout, copy, canvas size and emphasis."""
    return [
        line
        for zone, done in _set_all(layout, copy, size, emphasis, locale)
        for line in _lines_of(zone, done)
    ]


def planned_lines(layout: Layout, copy: CopyVariant) -> dict[TextRole, list[Box]]:
    """Where each line of copy will be, per role (image fractions of the layout's canvas), as
    the typesetter sets it on a first attempt: what Gate 1b reads back, known before anything
    is drawn or paid for."""
    size = (layout.analysis.width, layout.analysis.height)
    return {
        zone.role: [Box.from_pixels(*rect, *size) for rect in _line_rects(zone, done)]
        for zone, done in _set_all(layout, copy, size, 0, layout.locale)
    }


def typeset_with_boxes(
    base: Image.Image, layout: Layout, copy: CopyVariant, *, emphasis: int = 0, locale: str | None = None
) -> tuple[Image.Image, dict[TextRole, Box]]:
    """The typeset image and, per role, the box its text block was drawn in (image fractions).
    `locale` picks the hyphenation dictionary (None: guessed from the copy)."""
    width, height = base.size
    canvas = base.convert("RGBA")
    base_px = np.asarray(canvas, dtype=np.float32)[..., :3]
    panels: list[Panel] = []
    glyphs = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    mask = Image.new("L", canvas.size, 0)
    glyph_draw, mask_draw = ImageDraw.Draw(glyphs), ImageDraw.Draw(mask)
    pad, pad_y = text_padding(height)
    boxes: dict[TextRole, Box] = {}

    for planned, done in _set_all(layout, copy, base.size, emphasis, locale):
        role, fitted, text_left, text_top = planned.role, done.fitted, done.left, done.top
        left, top, right, bottom = planned.box.to_pixels(width, height)
        behind = [_behind(base_px, r) for r in _line_rects(planned, done)]
        zone = _legible(_emphasised(planned, emphasis), behind)
        mask_draw.rectangle((left, top, right - 1, bottom - 1), fill=255)
        if zone.scrim is not None and zone.scrim_opacity > 0:
            if role == "cta":
                rect = (left, top, right - 1, bottom - 1)
            else:  # hug the text, so a short line does not sit in a wide empty panel
                rect = (
                    max(left, text_left - pad),
                    max(top, text_top - 2 * pad_y),
                    min(right - 1, text_left + fitted.width + pad),
                    min(bottom - 1, text_top + fitted.height + 2 * pad_y),
                )
            fill = (*hex_to_rgb(zone.scrim), round(255 * zone.scrim_opacity))
            panels.append(Panel(rect, fill, button=role == "cta"))
        _draw_lines(glyph_draw, _lines_of(planned, done), zone.color)
        drawn = (text_left, text_top, text_left + fitted.width, text_top + fitted.height)
        boxes[role] = Box.from_pixels(  # clipped like the drawing, for text that could not fit
            max(left, drawn[0]),
            max(top, drawn[1]),
            min(right, drawn[2]),
            min(bottom, drawn[3]),
            width,
            height,
        )

    # Masking both layers to the zone boxes is the guarantee that nothing leaves its zone.
    for layer in (panel_layer(canvas.size, panels, 4 * pad_y), glyphs):
        layer.putalpha(ImageChops.multiply(layer.getchannel("A"), mask))
        canvas = Image.alpha_composite(canvas, layer)
    return canvas.convert("RGB"), boxes


def typeset(
    base: Image.Image, layout: Layout, copy: CopyVariant, *, emphasis: int = 0, locale: str | None = None
) -> Image.Image:
    """Draw headline, subline and CTA into the layout's zones; RGB, same size as `base`."""
    return typeset_with_boxes(base, layout, copy, emphasis=emphasis, locale=locale)[0]
