"""What the simulated gpt-image-1 edit paints: each quoted text in the box its prompt names.

A capable image model follows a layout prompt ("HEADLINE: render "…" in #FFFFFF …, inside the
box spanning x 8%–92% of the width and y 10%–30% of the height. Behind it a rounded #101010
panel at 60% opacity …"): every text in its own box, in the named colour, on the named panel.
The simulator does the same, so the gates downstream judge a plausible edit, and a prompt that
names no boxes still gets every quoted string drawn (as one block; `images.render_lines`).

gpt-image-1 is a sampled model without a seed: the same request twice gives two pictures, which
is what makes the pipeline's i2i retry worth paying for. So every edit is a new sample here too:
its type is drawn a little smaller than the largest that fits and a fraction of a pixel aside,
both drawn from the endpoint's seeded stream (reproducible for a seed and an order of
requests), which changes every glyph's pixels.

The percentages are of the picture. When the client pads the picture into the edit canvas
(ad formats narrower than 2:3), only the mask knows where the picture sits: the union of the
named boxes is mapped onto the mask's editable area, and each box is then trimmed to the
editable pixels inside it, which also undoes the prompt's rounding to whole percents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from creative_assets.imaging.color import hex_to_rgb
from creative_assets_tests.provider_sim.images import font_of, wrap

_ZONE = re.compile(
    r"(?P<role>[A-Z][A-Z_]*): render \"(?P<text>[^\"\n]{1,200})\" in (?P<color>#[0-9A-Fa-f]{6})"
    r"(?P<style>[^\n]*?)inside the box spanning x (?P<x0>\d+(?:\.\d+)?)%[–-](?P<x1>\d+(?:\.\d+)?)% "
    r"of the width and y (?P<y0>\d+(?:\.\d+)?)%[–-](?P<y1>\d+(?:\.\d+)?)% of the height\."
    r"(?: Behind it a rounded (?P<panel>#[0-9A-Fa-f]{6}) panel at (?P<opacity>\d+)% opacity)?"
)
_FILLED = re.compile(r"filled with (?P<fill>#[0-9A-Fa-f]{6})")
Rect = tuple[int, int, int, int]


@dataclass(frozen=True)
class ZoneText:
    role: str
    text: str
    color: str
    box: tuple[float, float, float, float]  # left, top, right, bottom as fractions of the picture
    align: str  # "left" or "center"
    panel: str | None  # colour of the panel behind the text
    opacity: float
    button: bool  # the CTA: the text centred on a solid button filling the box


def zone_texts(prompt: str) -> list[ZoneText]:
    """The texts a layout prompt places in boxes, in the prompt's order; [] when it names none."""
    found = []
    for m in _ZONE.finditer(prompt):
        style = m["style"]
        filled = _FILLED.search(style)
        box = tuple(float(m[k]) / 100 for k in ("x0", "y0", "x1", "y1"))
        if not (box[0] < box[2] and box[1] < box[3]):
            continue
        found.append(
            ZoneText(
                role=m["role"].lower(),
                text=m["text"].strip(),
                color=m["color"],
                box=box,  # type: ignore[arg-type]
                align="left" if "left-aligned" in style else "center",
                panel=filled["fill"] if filled else m["panel"],
                opacity=1.0 if filled else int(m["opacity"] or 0) / 100,
                button=filled is not None,
            )
        )
    return found


def _placed(zones: list[ZoneText], size: tuple[int, int], editable: np.ndarray | None) -> list[Rect]:
    """Each zone's pixel box in the canvas (see the module docstring)."""
    width, height = size
    if editable is None or not editable.any():
        return [
            (
                round(z.box[0] * width),
                round(z.box[1] * height),
                round(z.box[2] * width),
                round(z.box[3] * height),
            )
            for z in zones
        ]
    rows, cols = np.nonzero(editable.any(axis=1))[0], np.nonzero(editable.any(axis=0))[0]
    left, top, right, bottom = cols[0], rows[0], cols[-1] + 1, rows[-1] + 1
    u0, v0 = min(z.box[0] for z in zones), min(z.box[1] for z in zones)
    u1, v1 = max(z.box[2] for z in zones), max(z.box[3] for z in zones)
    sx, sy = (right - left) / (u1 - u0), (bottom - top) / (v1 - v0)
    boxes = []
    for z in zones:
        x0, y0 = round(left + (z.box[0] - u0) * sx), round(top + (z.box[1] - v0) * sy)
        x1, y1 = round(left + (z.box[2] - u0) * sx), round(top + (z.box[3] - v0) * sy)
        inside = editable[y0:y1, x0:x1]
        if inside.any():
            r, c = np.nonzero(inside.any(axis=1))[0], np.nonzero(inside.any(axis=0))[0]
            x0, y0, x1, y1 = x0 + c[0], y0 + r[0], x0 + c[-1] + 1, y0 + r[-1] + 1
        boxes.append((int(x0), int(y0), int(x1), int(y1)))
    return boxes


def _fit(text: str, width: int, height: int) -> tuple[int, list[str]]:
    """The largest size (≤ the box's height) at which the word-wrapped text fits the box."""
    lo, hi, best = 8, max(8, height), (8, [text])
    while lo <= hi:
        size = (lo + hi) // 2
        font = font_of(size)
        rows = wrap(text, font, width)
        if all(font.getlength(r) <= width for r in rows) and len(rows) * round(size * 1.22) <= height:
            best, lo = (size, rows), size + 1
        else:
            hi = size - 1
    return best


def render_zones(
    img: Image.Image,
    zones: list[ZoneText],
    mask: Image.Image | None,
    *,
    scale: float = 1.0,
    shift: tuple[float, float] = (0.0, 0.0),
) -> Image.Image:
    """`img` with every zone's text drawn in its box; mask (same size) marks what may change.
    `scale` (≤ 1) sets the type that much smaller than the largest that fits, wrapped as that
    one, and `shift` moves it by a fraction of a pixel (x, y): how one sample of the model
    differs from the next, down to each glyph's rasterization."""
    out = img.convert("RGBA")
    editable = None
    if mask is not None and "A" in mask.getbands():
        editable = np.asarray(mask.getchannel("A")) < 128
    overlay = Image.new("RGBA", out.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for zone, (left, top, right, bottom) in zip(zones, _placed(zones, out.size, editable), strict=True):
        pad_x, pad_y = max(2, (bottom - top) // 4), max(1, (bottom - top) // 16)
        fitted, rows = _fit(zone.text, right - left - 2 * pad_x, bottom - top - 2 * pad_y)
        size = max(8, round(fitted * scale))
        font, line_h = font_of(size), round(size * 1.22)
        widths = [font.getlength(r) for r in rows]
        block_w, block_h = max(widths), len(rows) * line_h
        y = top + (bottom - top - block_h) // 2
        centred = zone.button or zone.align == "center"
        if zone.panel and zone.opacity > 0:
            alpha = round(255 * zone.opacity)
            if zone.button:
                panel: Rect = (left, top, right, bottom)
            else:
                x0 = left + pad_x + (right - left - 2 * pad_x - block_w) // 2 if centred else left + pad_x
                panel = (
                    max(left, int(x0) - pad_x),
                    max(top, y - pad_y),
                    min(right, int(x0 + block_w) + pad_x),
                    min(bottom, y + block_h + pad_y),
                )
            draw.rounded_rectangle(panel, radius=max(2, size // 3), fill=(*hex_to_rgb(zone.panel), alpha))
        for row, row_w in zip(rows, widths, strict=True):
            x = left + (right - left - row_w) / 2 if centred else left + pad_x
            box = draw.textbbox((0, 0), row, font=font)
            draw.text(
                (x - box[0] + shift[0], y + shift[1]), row, font=font, fill=(*hex_to_rgb(zone.color), 255)
            )
            y += line_h
    return Image.alpha_composite(out, overlay)
