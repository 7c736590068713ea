"""Pillow typesetting: the zero-key stand-in for gpt-image-1's text overlay.

Each text zone gets the largest font size at which its word-wrapped text fits (binary search),
drawn inside the zone only: panels and glyphs are masked to the zone boxes, so nothing ever
spills outside them. The layout rules size their zones with the same `fit_text`, so the plan
and the drawing agree on font sizes.

A word wider than the whole line (German compounds: "Pflegefachkraftausbildungsplatz") is
hyphenated with the locale's LibreOffice dictionary (pyphen), at an existing hyphen first and
never within the first or last three letters, when that buys clearly larger type than shrinking
the whole text until the word fits; otherwise the text is only word-wrapped, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageChops, ImageDraw

from creative_assets.imaging.analysis import contrast_p10
from creative_assets.imaging.color import hex_to_rgb, relative_luminance
from creative_assets.imaging.compositing import DARK, LIGHT, Panel, panel_layer
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.hyphenation import (
    INSERTED,
    OWN_ONLY,
    SPACE,
    best_break,
    hyphenation_language,
)
from creative_assets.models.base import Box
from creative_assets.models.layout import Layout, TextRole, TextZone
from creative_assets.models.text import CopyVariant

# Font sizes as fractions of the image height.
MAX_SIZE: dict[TextRole, float] = {"headline": 0.09, "subline": 0.042, "cta": 0.032}
MIN_SIZE = 0.022  # below this OCR and readers start to struggle
ABS_MIN_PX = 8  # last resort when a zone is too small even for MIN_SIZE
SUBLINE_RATIO = 0.6  # subline/CTA never outgrow this share of the headline: keeps the hierarchy
LINE_SPACING = 1.22  # baseline-to-baseline; ≥ 1.15 keeps OCR from merging lines
# Inner padding of text zones, fractions of the image height. Vertical padding is smaller:
# the font's ascent and descent already leave air above and below the glyphs.
PAD_X, PAD_Y = 0.016, 0.008
CTA_PAD_X, CTA_PAD_Y = 0.42, 0.2  # button padding, fractions of the button height
LEGIBLE_P10 = 3.0  # contrast the worst tenth of a zone's background must keep without a panel

# Binary searches touch ~40 sizes per text; a wider cache than fonts.load_font's keeps them warm.
_font = lru_cache(maxsize=256)(load_font)

MAX_INSERTED, MAX_INSERTED_PER_WORD = 3, 2  # a compound in three pieces at most
MIN_MIDDLE_LETTERS = 5  # a piece with breaks on both sides keeps at least this many letters
HYPHENATE_GAIN = 1.25  # hyphenate only when it allows type at least this much larger


@dataclass(frozen=True)
class FittedText:
    """Wrapped text at the chosen size; width and height are the drawn block in pixels."""

    size: int
    lines: tuple[str, ...]
    width: int
    height: int
    bold: bool
    tracking: int = 0  # extra pixels between letters
    stroke: int = 0  # faux-bold outline in the text colour
    fits: bool = True  # False only when even ABS_MIN_PX overflowed (drawing then clips)
    joints: tuple[str, ...] = ()  # per line break: SPACE, INSERTED or OWN; () = all spaces

    @property
    def text(self) -> str:
        """The lines put back together: what was typeset, without the inserted hyphens."""
        out = self.lines[0] if self.lines else ""
        for joint, line in zip(self.joints or (SPACE,) * len(self.lines), self.lines[1:], strict=False):
            out = (
                f"{out} {line}" if joint == SPACE else (out[:-1] + line if joint == INSERTED else out + line)
            )
        return out


@lru_cache(maxsize=65536)
def _length(size: int, bold: bool, text: str) -> float:
    # Fitting measures the same words and prefixes over and over (binary search × wrapping).
    return _font(size, bold).getlength(text)


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def _line_width(size: int, bold: bool, text: str, tracking: int, stroke: int) -> float:
    return _length(size, bold, text) + tracking * max(0, len(text) - 1) + 2 * stroke


def _block_height(size: int, bold: bool, lines: int, stroke: int) -> int:
    ascent, descent = _font(size, bold).getmetrics()
    return (lines - 1) * round(size * LINE_SPACING) + ascent + descent + 2 * stroke


def _wrap(
    words: list[str],
    max_w: float,
    size: int,
    bold: bool,
    tracking: int,
    stroke: int,
    language: str | None = None,
) -> tuple[list[str], list[str]] | None:
    """Greedy word wrap: (lines, joints). A word wider than a whole line is hyphenated when
    `language` is given; None when it cannot be made to fit."""

    def fits(text: str) -> bool:
        return _line_width(size, bold, text, tracking, stroke) <= max_w

    lines: list[str] = []
    joints: list[str] = []
    current = ""
    # (word or the tail of a broken one, hyphens inserted into it so far, is it a tail)
    queue = [(word, 0, False) for word in words]
    inserted = 0
    while queue:
        word, word_breaks, is_tail = queue.pop(0)
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current and fits(word):
            lines.append(current)
            joints.append(SPACE)
            current = word
            continue
        if language is None:
            return None
        prefix = f"{current} " if current else ""
        # More breaks than this read as a stutter; a smaller size is better then.
        allow_inserted = inserted < MAX_INSERTED and word_breaks < MAX_INSERTED_PER_WORD
        # A piece between two breaks ("Mitarbei-|ter-|Rabatt") is a stutter too.
        shortest = MIN_MIDDLE_LETTERS if is_tail else 0
        piece = best_break(
            word,
            lambda head, prefix=prefix, shortest=shortest: fits(prefix + head) and _letters(head) >= shortest,
            language,
            allow_inserted=allow_inserted,
        )
        if piece is None:
            if not current:
                return None
            lines.append(current)
            joints.append(SPACE)
            current = ""
            queue.insert(0, (word, word_breaks, is_tail))
            continue
        head, tail, joint = piece
        lines.append(prefix + head)
        joints.append(joint)
        current = ""
        added = joint == INSERTED
        inserted += added
        queue.insert(0, (tail, word_breaks + added, True))
    return ([*lines, current], joints) if current else (lines, joints[:-1])


def _attempt(
    text: str,
    size: int,
    max_w: float,
    max_h: float,
    bold: bool,
    tracking_em: float,
    stroke: int,
    language: str | None = None,
) -> FittedText | None:
    tracking = round(size * tracking_em)
    wrapped = _wrap(text.split(), max_w, size, bold, tracking, stroke, language)
    if wrapped is None:
        return None
    lines, joints = wrapped
    height = _block_height(size, bold, len(lines), stroke)
    if height > max_h:
        return None
    width = max(_line_width(size, bold, line, tracking, stroke) for line in lines)
    return FittedText(
        size, tuple(lines), int(width + 0.999), height, bold, tracking, stroke, joints=tuple(joints)
    )


def _balance(fitted: FittedText, max_w: float) -> FittedText:
    """Same line count, but the narrowest measure that keeps it: avoids a lonely last word,
    which looks amateurish in a headline. Hyphenated text is left as it is: a narrower
    measure would only move its breaks."""
    if any(j != SPACE for j in fitted.joints):
        return fitted
    args = (fitted.size, fitted.bold, fitted.tracking, fitted.stroke)
    words, lines = " ".join(fitted.lines).split(), list(fitted.lines)
    lo, hi = max(_line_width(fitted.size, fitted.bold, w, *args[2:]) for w in words), max_w
    for _ in range(10 if len(lines) > 1 else 0):
        mid = (lo + hi) / 2
        trial = _wrap(words, mid, *args)
        if trial is not None and len(trial[0]) <= len(fitted.lines):
            lines, hi = trial[0], mid
        else:
            lo = mid
    width = max(_line_width(fitted.size, fitted.bold, ln, *args[2:]) for ln in lines)
    return FittedText(
        fitted.size,
        tuple(lines),
        int(width + 0.999),
        fitted.height,
        *args[1:],
        joints=(SPACE,) * (len(lines) - 1),
    )


def _largest(
    text: str,
    max_w: float,
    max_h: float,
    bold: bool,
    max_size: int,
    lo: int,
    tracking_em: float,
    stroke: int,
    language: str | None,
) -> FittedText | None:
    """Binary search for the largest size in [lo, max_size] that fits; None when lo does not."""
    best = _attempt(text, lo, max_w, max_h, bold, tracking_em, stroke, language)
    if best is None:
        return None
    hi = max_size
    while lo < hi:  # invariant: lo fits
        mid = (lo + hi + 1) // 2
        trial = _attempt(text, mid, max_w, max_h, bold, tracking_em, stroke, language)
        if trial is None:
            hi = mid - 1
        else:
            lo, best = mid, trial
    return best


def fit_text(
    text: str,
    max_w: float,
    max_h: float,
    *,
    bold: bool,
    max_size: int,
    min_size: int,
    tracking_em: float = 0.0,
    stroke: int = 0,
    locale: str | None = None,
) -> FittedText:
    """The largest size in [min_size, max_size] whose wrapped text fits max_w × max_h.

    Words wider than the line are hyphenated (the locale's dictionary; without a locale the
    language is guessed from the text) when that allows type HYPHENATE_GAIN times larger than
    plain wrapping. When nothing fits, the minimum shrinks (down to ABS_MIN_PX) rather than
    overflowing; only if even that fails is a clipped result returned with fits=False.
    """
    min_size = max(1, min(min_size, max_size))
    # Most preferred first: plain wrapping, breaks at the words' own hyphens, dictionary breaks.
    modes = (None, OWN_ONLY, hyphenation_language(text, locale))
    for lo in (min_size, min(min_size, ABS_MIN_PX)):
        args = (text, max_w, max_h, bold, max_size, lo, tracking_em, stroke)
        found = [f for f in (_largest(*args, mode) for mode in modes) if f is not None]
        if found:
            best = max(f.size for f in found)
            chosen = next(f for f in found if f.size * HYPHENATE_GAIN >= best)
            return _balance(chosen, max_w)
    size = min(min_size, ABS_MIN_PX)
    lines = (text,)
    width = int(_line_width(size, bold, text, 0, stroke))
    return FittedText(size, lines, width, _block_height(size, bold, 1, stroke), bold, 0, stroke, False)


def text_padding(image_height: int) -> tuple[int, int]:
    """(horizontal, vertical) inner padding of headline and subline zones, in pixels."""
    return round(PAD_X * image_height), round(PAD_Y * image_height)


def size_limits(role: TextRole, image_height: int, headline_size: int | None = None) -> tuple[int, int]:
    """(max, min) font size for a role; sublines and CTAs stay below the headline."""
    top = round(MAX_SIZE[role] * image_height)
    if role != "headline" and headline_size is not None:
        top = min(top, max(round(SUBLINE_RATIO * headline_size), round(MIN_SIZE * image_height)))
    return top, round(MIN_SIZE * image_height)


def _emphasised(zone: TextZone, emphasis: int) -> TextZone:
    """Retries get stronger panels: add one where there was none, raise the opacity otherwise."""
    if emphasis <= 0 or zone.role == "cta":
        return zone
    if zone.scrim is None:
        light_text = relative_luminance(hex_to_rgb(zone.color)) > 0.4
        scrim = DARK if light_text else LIGHT
        return zone.model_copy(update={"scrim": scrim, "scrim_opacity": 0.55 + 0.15 * emphasis})
    return zone.model_copy(update={"scrim_opacity": min(0.95, zone.scrim_opacity + 0.12 * emphasis)})


def _legible(zone: TextZone, pixels: np.ndarray) -> TextZone:
    """Safety net for plans made from region averages (a mean can hide a bright blob under
    white text): when a tenth of the real background drops below 3:1, add or thicken the
    panel until that tenth reaches 4.5:1."""
    if zone.role == "cta" or pixels.size == 0:
        return zone
    text_lum = relative_luminance(hex_to_rgb(zone.color))
    scrim = zone.scrim or (DARK if text_lum > 0.4 else LIGHT)
    rgb = np.array(hex_to_rgb(scrim), dtype=np.float32)
    if contrast_p10(pixels, text_lum, rgb, zone.scrim_opacity if zone.scrim else 0.0) >= LEGIBLE_P10:
        return zone
    steps = [a for a in (0.55, 0.65, 0.75, 0.85, 0.95) if a > zone.scrim_opacity] or [zone.scrim_opacity]
    alpha = next((a for a in steps if contrast_p10(pixels, text_lum, rgb, a) >= 4.5), steps[-1])
    return zone.model_copy(update={"scrim": scrim, "scrim_opacity": alpha})


def _draw_lines(
    draw: ImageDraw.ImageDraw, fitted: FittedText, left: int, top: int, width: int, align: str, fill: str
) -> None:
    font = _font(fitted.size, fitted.bold)
    ascent, _ = font.getmetrics()
    step = round(fitted.size * LINE_SPACING)
    for i, line in enumerate(fitted.lines):
        line_w = _line_width(fitted.size, fitted.bold, line, fitted.tracking, fitted.stroke)
        x = left + (width - line_w) / 2 if align == "center" else left
        x += fitted.stroke
        y = top + fitted.stroke + ascent + i * step
        chunks = [line] if fitted.tracking == 0 else list(line)
        for chunk in chunks:
            draw.text(
                (x, y), chunk, font=font, fill=fill, anchor="ls", stroke_width=fitted.stroke, stroke_fill=fill
            )
            x += font.getlength(chunk) + fitted.tracking


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
    tracking_em, stroke = 0.015 * emphasis, 1 if emphasis >= 2 else 0
    pad, pad_y = text_padding(height)
    boxes: dict[TextRole, Box] = {}
    headline_size: int | None = None

    for role in ("headline", "subline", "cta"):
        zone = next((z for z in layout.zones if z.role == role), None)
        if zone is None:
            continue
        left, top, right, bottom = zone.box.to_pixels(width, height)
        if right - left < 4 or bottom - top < 4:
            continue
        zone = _legible(_emphasised(zone, emphasis), base_px[top:bottom:3, left:right:3].reshape(-1, 3))
        mask_draw.rectangle((left, top, right - 1, bottom - 1), fill=255)
        max_size, min_size = size_limits(role, height, headline_size)
        px, py = (
            (int(CTA_PAD_X * (bottom - top)), int(CTA_PAD_Y * (bottom - top)))
            if role == "cta"
            else (pad, pad_y)
        )
        inner = (left + px, top + py, right - px, bottom - py)
        inner_w, inner_h = max(1, inner[2] - inner[0]), max(1, inner[3] - inner[1])
        fitted = fit_text(
            {"headline": copy.headline, "subline": copy.subline, "cta": copy.cta}[role],
            inner_w,
            inner_h,
            bold=role != "subline",
            max_size=max_size,
            min_size=min_size,
            tracking_em=tracking_em,
            stroke=stroke if role == "subline" else 0,  # bold faces would clog (i reads as l)
            locale=locale,
        )
        if role == "headline":
            headline_size = fitted.size
        # Headlines sit on the bottom of their zone (next to the subline), the rest on top;
        # the CTA label is centred on its button.
        slack = max(0, inner_h - fitted.height)
        text_top = inner[1] + (slack if role == "headline" else slack // 2 if role == "cta" else 0)
        text_left = inner[0] + (
            (inner_w - fitted.width) // 2 if role == "cta" or zone.align == "center" else 0
        )

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
        _draw_lines(glyph_draw, fitted, text_left, text_top, fitted.width, zone.align, zone.color)
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
