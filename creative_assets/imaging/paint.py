"""Painting primitives of the procedural base images: colours, rounded shapes, gradients, soft
light, hills and people, drawn with Pillow at the supersampled size.

Every shape is chunky and soft on purpose: the OCR gate reads thin strokes, dots, rings and
grids of small blocks as letters (each helper's docstring names what it avoids).
"""

from __future__ import annotations

import colorsys
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from creative_assets.imaging.color import RGB

Draw = ImageDraw.ImageDraw
Paint = Callable[[Draw, float, int], None]  # (draw, scale, top offset in full-size pixels)
Fill = RGB | tuple[int, int, int, int]


def hsl(h: float, s: float, lightness: float) -> RGB:
    r, g, b = colorsys.hls_to_rgb(h % 1.0, max(0.0, min(1.0, lightness)), max(0.0, min(1.0, s)))
    return round(r * 255), round(g * 255), round(b * 255)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def jitter(rng: random.Random, c: RGB, amount: int = 12) -> RGB:
    return tuple(max(0, min(255, v + rng.randint(-amount, amount))) for v in c)  # type: ignore[return-value]


def box(d: Draw, x0: float, y0: float, x1: float, y1: float, fill: Fill, round_: float = 0.25) -> None:
    """A rounded rectangle; `round_` is the corner radius as a fraction of the shorter side."""
    d.rounded_rectangle((x0, y0, x1, y1), radius=min(x1 - x0, y1 - y0) * round_, fill=fill)


def disc(d: Draw, cx: float, cy: float, r: float, fill: Fill, squash: float = 1.0) -> None:
    d.ellipse((cx - r, cy - r * squash, cx + r, cy + r * squash), fill=fill)


def gradient(w: int, h: int, stops: Sequence[tuple[float, RGB]]) -> Image.Image:
    """A vertical gradient: skies and walls are the calm areas the layout step needs."""
    ys = np.linspace(0.0, 1.0, h)
    pos = [p for p, _ in stops]
    cols = np.stack([np.interp(ys, pos, [c[i] for _, c in stops]) for i in range(3)], axis=1)
    column = cols.round().astype(np.uint8)[:, None, :]
    return Image.fromarray(np.ascontiguousarray(np.broadcast_to(column, (h, w, 3))), "RGB")


def glow(
    img: Image.Image, cx: float, cy: float, radius: float, color: RGB, strength: float, sharp: float = 1.0
) -> None:
    """A soft radial light (or, with a high `sharp`, a disc with a feathered rim: a sun whose
    edge is too soft to read as an 'O'); computed at 1/8 resolution because it is smooth."""
    w, h = img.size
    yy, xx = np.mgrid[0 : max(1, h // 8), 0 : max(1, w // 8)]
    d = np.hypot(xx * 8 - cx, yy * 8 - cy) / radius
    alpha = (np.clip((1.0 - d) * sharp, 0.0, 1.0) ** 2 * strength * 255).astype(np.uint8)
    mask = Image.fromarray(alpha, "L").resize((w, h), Image.Resampling.BILINEAR)
    img.paste(Image.new("RGB", img.size, color), mask=mask)


def soft_layer(img: Image.Image, band: tuple[float, float], blur: float, paint: Paint) -> None:
    """Paint shapes on a quarter-size layer over a horizontal band, blur it and lay it over.

    Only the band is blurred and upscaled, which keeps bokeh cheap at 2x size.
    """
    w, h = img.size
    top, bottom = round(h * band[0]), round(h * band[1])
    layer = Image.new("RGBA", (max(1, w // 4), max(1, (bottom - top) // 4)), (0, 0, 0, 0))
    paint(ImageDraw.Draw(layer, "RGBA"), 0.25, top)
    layer = layer.convert("RGBa").filter(ImageFilter.GaussianBlur(blur)).convert("RGBA")
    size = (w, bottom - top)
    rgb = layer.convert("RGB").resize(size, Image.Resampling.BILINEAR)
    img.paste(rgb, (0, top), mask=layer.getchannel("A").resize(size, Image.Resampling.BILINEAR))


def ridge(rng: random.Random, w: int, h: int, base: float, amp: float) -> list[tuple[float, float]]:
    """A smooth horizon (a sum of three sines) closed along the bottom edge: hills and ground."""
    waves = [(rng.uniform(0.5, 1.0) / k, k * rng.uniform(0.8, 1.2), rng.uniform(0, 6.3)) for k in (1, 2, 3)]
    norm = sum(a for a, _, _ in waves)
    xs = np.linspace(0, w, 64)
    ys = h * base - h * amp * sum(a * np.sin(f * math.pi * xs / w + p) for a, f, p in waves) / norm
    return [*zip(xs.tolist(), ys.tolist(), strict=True), (w, h), (0, h)]


@dataclass(frozen=True)
class Outfit:
    """What marks a person's trade: `wear` over the shirt ("vest": a high-visibility vest with
    one broad reflective band; "apron"; "jacket": a chef's double-breasted white) and a hat
    ("hard": a builder's helmet; "toque": a chef's hat)."""

    wear: str | None = None
    hat: str | None = None
    wear_colour: RGB = (240, 200, 40)
    hat_colour: RGB = (246, 246, 242)
    band: bool = True  # a vest's reflective band


def person(
    d: Draw,
    x: float,
    base: float,
    height: float,
    shirt: RGB,
    skin: RGB,
    hair: RGB,
    outfit: Outfit | None = None,
) -> None:
    """A chunky figure whose head overlaps broad shoulders, so it never reads as an 'i'.

    Side-parted hair splits the head diagonally into two tones: a round face (or a face ringed by
    hair, or a cap) reads as an 'O' to OCR. A hat sits off-centre over the hair for the same
    reason, and a vest's reflective band is one broad band (two read as '=').
    """
    outfit = outfit or Outfit()
    r, width = height * 0.13, height * 0.42
    top = base - height + r * 1.6
    box(d, x - width / 2, top, x + width / 2, base, shirt, 0.45)
    if outfit.wear == "vest":  # a hi-vis jacket over the whole torso: sleeves showing beside a
        # vest, with its band, read as an 'H'
        box(d, x - width / 2, top, x + width / 2, base, outfit.wear_colour, 0.45)
        if outfit.band:
            band = mix(outfit.wear_colour, (235, 235, 235), 0.5)
            box(d, x - width / 2, top + height * 0.3, x + width / 2, top + height * 0.38, band, 0)
    elif outfit.wear == "apron":
        box(d, x - width * 0.3, top + r * 0.9, x + width * 0.3, base, outfit.wear_colour, 0.2)
    elif outfit.wear == "jacket":
        box(d, x - width / 2, top, x + width / 2, base, (244, 243, 238), 0.45)
    cy = base - height + r * 1.05
    disc(d, x, cy, r * 1.02, skin, 1.05)
    if outfit.hat == "hard":  # side-parted hair under a helmet dome: three tones, no bar (a
        # brim reads as a '一') and no clean half disc (it reads as a 'D')
        d.pieslice((x - r * 1.1, cy - r * 1.15, x + r * 1.1, cy + r * 1.15), 150, 330, fill=hair)
        d.pieslice(
            (x - r * 1.2, cy - r * 1.55, x + r * 1.15, cy + r * 0.35), 175, 355, fill=outfit.hat_colour
        )
    elif outfit.hat == "toque":  # a puffy white chef's hat, wider than the head
        toque = (246, 246, 242)
        disc(d, x - r * 0.35, cy - r * 1.45, r * 0.75, toque)
        disc(d, x + r * 0.4, cy - r * 1.5, r * 0.8, toque)
        box(d, x - r * 0.95, cy - r * 1.4, x + r * 0.95, cy - r * 0.45, toque, 0.2)
        d.pieslice((x - r * 1.1, cy - r * 1.15, x + r * 1.1, cy + r * 1.15), 200, 300, fill=hair)
    else:
        d.pieslice((x - r * 1.1, cy - r * 1.15, x + r * 1.1, cy + r * 1.15), 150, 330, fill=hair)


WHITE: RGB = (246, 246, 242)
CARDBOARD: RGB = (196, 154, 104)


def skin_and_hair(rng: random.Random) -> tuple[RGB, RGB]:
    return hsl(0.07, 0.45, rng.uniform(0.4, 0.75)), hsl(0.08, 0.5, rng.uniform(0.12, 0.3))


def room(rng: random.Random, w: int, h: int, wall: RGB, ground: RGB, floor: float, side: int) -> Image.Image:
    """A wall over a floor, lit from a soft window on the far side from the subject."""
    shade = mix(wall, (120, 110, 100), 0.15)
    img = gradient(
        w, h, [(0, wall), (floor, shade), (floor + 0.001, ground), (1, mix(ground, (0, 0, 0), 0.1))]
    )
    glow(img, w * (0.5 - side * 0.3), h * 0.2, max(w, h) * 0.6, (255, 250, 235), 0.5)
    return img


def window(d: Draw, rng: random.Random, w: int, h: int, side: int, tint: RGB = (255, 255, 250)) -> None:
    """A bright window without mullions (bars read as strokes)."""
    wx = w * (0.5 - side * rng.uniform(0.24, 0.3))
    box(d, wx - w * 0.17, h * 0.26, wx + w * 0.17, h * rng.uniform(0.56, 0.62), (*tint, 95), 0.08)
