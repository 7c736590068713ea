"""Procedural base images: the zero-key stand-in for the text-to-image model.

Each image type is a recognisable family of flat illustrations, drawn from `random.Random(seed)`
only, so a (type, seed, size, palette) always gives the same pixels and the pipeline's retries
and caches behave as they would with a seeded diffusion model. The drawings deliberately hold
no text-like detail (the OCR gate rejects base images where it reads text): shapes are chunky and
smooth, never thin parallel strokes or grids of small blocks. Each family keeps a calm band of
~30% of the height (sky, wall or empty field) for the layout step, which looks for low detail.
"""

from __future__ import annotations

import colorsys
import math
import random
from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from creative_assets.imaging.color import RGB, hex_to_rgb
from creative_assets.models.base import ImageType

IMAGE_TYPE_DESCRIPTIONS: dict[ImageType, str] = {
    "job_focus": "Stylised workplace: a person at a desk with a screen or parcels, a cabinet, a calm wall.",
    "lifestyle": "Warm, soft outdoor scene: sunset sky, bokeh lights, friends by a tree seen from behind.",
    "artistic": "Abstract geometric composition: large overlapping shapes and broad bands in strong colours.",
    "location": "Landscape or skyline: layered hills or blocky buildings under a gradient sky, sun or moon.",
}

SUPERSAMPLE = 2  # shapes are drawn at 2x and downscaled, which anti-aliases every edge
EDGE_SOFTNESS = 1.5  # final blur radius in pixels at 1024 px
Draw = ImageDraw.ImageDraw
Paint = Callable[[Draw, float, int], None]  # (draw, scale, top offset in full-size pixels)
Fill = RGB | tuple[int, int, int, int]


def _hsl(h: float, s: float, lightness: float) -> RGB:
    r, g, b = colorsys.hls_to_rgb(h % 1.0, max(0.0, min(1.0, lightness)), max(0.0, min(1.0, s)))
    return round(r * 255), round(g * 255), round(b * 255)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _jitter(rng: random.Random, c: RGB, amount: int = 12) -> RGB:
    return tuple(max(0, min(255, v + rng.randint(-amount, amount))) for v in c)  # type: ignore[return-value]


def _box(d: Draw, x0: float, y0: float, x1: float, y1: float, fill: Fill, round_: float = 0.25) -> None:
    """A rounded rectangle; `round_` is the corner radius as a fraction of the shorter side."""
    d.rounded_rectangle((x0, y0, x1, y1), radius=min(x1 - x0, y1 - y0) * round_, fill=fill)


def _disc(d: Draw, cx: float, cy: float, r: float, fill: Fill, squash: float = 1.0) -> None:
    d.ellipse((cx - r, cy - r * squash, cx + r, cy + r * squash), fill=fill)


def _gradient(w: int, h: int, stops: Sequence[tuple[float, RGB]]) -> Image.Image:
    """A vertical gradient: skies and walls are the calm areas the layout step needs."""
    ys = np.linspace(0.0, 1.0, h)
    pos = [p for p, _ in stops]
    cols = np.stack([np.interp(ys, pos, [c[i] for _, c in stops]) for i in range(3)], axis=1)
    column = cols.round().astype(np.uint8)[:, None, :]
    return Image.fromarray(np.ascontiguousarray(np.broadcast_to(column, (h, w, 3))), "RGB")


def _glow(
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


def _soft_layer(img: Image.Image, band: tuple[float, float], blur: float, paint: Paint) -> None:
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


def _ridge(rng: random.Random, w: int, h: int, base: float, amp: float) -> list[tuple[float, float]]:
    """A smooth horizon (a sum of three sines) closed along the bottom edge: hills and ground."""
    waves = [(rng.uniform(0.5, 1.0) / k, k * rng.uniform(0.8, 1.2), rng.uniform(0, 6.3)) for k in (1, 2, 3)]
    norm = sum(a for a, _, _ in waves)
    xs = np.linspace(0, w, 64)
    ys = h * base - h * amp * sum(a * np.sin(f * math.pi * xs / w + p) for a, f, p in waves) / norm
    return [*zip(xs.tolist(), ys.tolist(), strict=True), (w, h), (0, h)]


def _person(d: Draw, x: float, base: float, height: float, shirt: RGB, skin: RGB, hair: RGB) -> None:
    """A chunky figure whose head overlaps broad shoulders, so it never reads as an 'i'.

    Side-parted hair splits the head diagonally into two tones: a round face (or a face ringed by
    hair, or a cap) reads as an 'O' to OCR.
    """
    r, width = height * 0.13, height * 0.42
    _box(d, x - width / 2, base - height + r * 1.6, x + width / 2, base, shirt, 0.45)
    cy = base - height + r * 1.05
    _disc(d, x, cy, r * 1.02, skin, 1.05)
    d.pieslice((x - r * 1.1, cy - r * 1.15, x + r * 1.1, cy + r * 1.15), 150, 330, fill=hair)


def _job_focus(rng: random.Random, w: int, h: int, accents: list[RGB]) -> Image.Image:
    hue, m = rng.random(), min(w, h)
    floor = rng.uniform(0.8, 0.85)
    wall = _hsl(hue, rng.uniform(0.15, 0.35), rng.uniform(0.84, 0.9))
    ground = _hsl(hue + 0.05, 0.2, rng.uniform(0.55, 0.65))
    stops = [(0, wall), (floor, _mix(wall, (120, 110, 100), 0.15)), (floor + 0.001, ground), (1, ground)]
    img = _gradient(w, h, stops)
    side = rng.choice((-1, 1))  # the subject works on this side of the centre, the room on the other
    _glow(img, w * (0.5 - side * 0.3), h * 0.2, max(w, h) * 0.6, (255, 250, 235), 0.55)
    d = ImageDraw.Draw(img, "RGBA")
    wx = w * (0.5 - side * rng.uniform(0.22, 0.3))  # a soft, bright window without mullions
    _box(d, wx - w * 0.16, h * 0.3, wx + w * 0.16, h * rng.uniform(0.6, 0.66), (255, 255, 250, 90), 0.08)
    # A tall cabinet in a tone close to the wall: a plain, low-contrast block. (Plants, jars and
    # crates were tried here and read as 'T', '+', '口' to OCR.)
    cab_x, cab_w = w * (0.5 - side * rng.uniform(0.36, 0.4)), w * rng.uniform(0.16, 0.2)
    cab = _mix(_hsl(hue + 0.5, 0.25, 0.55), wall, 0.45)
    _box(d, cab_x - cab_w / 2, h * rng.uniform(0.44, 0.5), cab_x + cab_w / 2, h * floor + m * 0.02, cab, 0.06)
    wood = _hsl(hue + 0.1, 0.3, rng.uniform(0.32, 0.42))
    skin, hair = _hsl(0.07, 0.45, rng.uniform(0.4, 0.75)), _hsl(0.08, 0.5, rng.uniform(0.12, 0.3))
    px, top = w * (0.5 + side * rng.uniform(0.08, 0.14)), h * rng.uniform(0.64, 0.68)
    shirt = accents[0] if accents else _hsl(rng.random(), 0.5, 0.45)
    _person(d, px, top + m * 0.12, m * rng.uniform(0.46, 0.52), shirt, skin, hair)
    _box(d, px - w * 0.32, top, px + w * 0.32, h * floor + m * 0.04, wood, 0.08)  # desk or counter
    _box(d, px - w * 0.32, top, px + w * 0.32, top + m * 0.07, _mix(wood, (255, 255, 255), 0.1), 0.2)
    if accents:  # a brand-coloured band along the counter front
        _box(d, px - w * 0.32, top + m * 0.08, px + w * 0.32, top + m * 0.13, _mix(accents[-1], wood, 0.2), 0)
    sx = px - side * w * rng.uniform(0.16, 0.2)
    # Desk props are toned towards the wall too: a dark screen on a pale wall reads as a '口'.
    if rng.random() < 0.5:  # a screen seen from behind, wide rather than glyph-square
        screen = _mix(_hsl(hue, 0.1, 0.3), wall, 0.4)
        _box(d, sx - m * 0.15, top - m * 0.15, sx + m * 0.15, top - m * 0.01, screen, 0.1)
    else:  # two stacked parcels that touch, so they read as one object rather than two letters
        box = _mix(_mix(wood, (255, 220, 170), 0.45), wall, 0.3)
        _box(d, sx - m * 0.12, top - m * 0.12, sx + m * 0.1, top, box, 0.06)
        _box(d, sx - m * 0.09, top - m * 0.2, sx + m * 0.07, top - m * 0.12, _mix(box, wood, 0.25), 0.06)
    return img


def _lifestyle(rng: random.Random, w: int, h: int, accents: list[RGB]) -> Image.Image:
    hue, m = rng.uniform(0.96, 1.12), min(w, h)
    horizon = rng.uniform(0.66, 0.72)
    glow = _hsl(hue + 0.06, 0.85, 0.72)
    img = _gradient(w, h, [(0, _hsl(hue + 0.03, 0.55, 0.86)), (0.45, _hsl(hue, 0.7, 0.8)), (horizon, glow)])
    side = rng.choice((-1, 1))
    sun_x = w * (0.5 + side * rng.uniform(0.1, 0.3))
    _glow(img, sun_x, h * horizon, max(w, h) * 0.5, _hsl(hue + 0.08, 0.95, 0.85), 0.8)
    warm = [_hsl(hue + rng.uniform(0, 0.1), 0.9, 0.9), (255, 255, 240), *accents]

    def bokeh(d: Draw, s: float, top: int) -> None:
        for _ in range(rng.randint(9, 15)):
            cx, cy = w * rng.uniform(0.02, 0.98), h * rng.uniform(0.4, 0.62) - top
            r = m * rng.uniform(0.025, 0.075)
            _disc(d, cx * s, cy * s, r * s, (*rng.choice(warm), rng.randint(70, 140)))

    _soft_layer(img, (0.3, 0.72), m * 0.004, bokeh)
    d = ImageDraw.Draw(img, "RGBA")
    d.polygon(_ridge(rng, w, h, horizon + 0.02, 0.04), fill=_mix(_hsl(hue + 0.15, 0.35, 0.5), glow, 0.45))
    ground = _hsl(rng.uniform(0.17, 0.28), 0.4, 0.38)
    d.polygon(_ridge(rng, w, h, horizon + 0.1, 0.035), fill=ground)
    # A big tree cut by the frame on one side: an open mass with a short, broad trunk (a whole tree
    # on a slim trunk reads as a 'T' or a '1').
    tx, tb = w * (0.5 - side * rng.uniform(0.4, 0.45)), h * horizon + h * 0.12
    trunk = [(tx + m * dx, tb - m * up) for dx, up in ((-0.08, 0), (-0.04, 0.3), (0.04, 0.3), (0.08, 0))]
    d.polygon(trunk, fill=_hsl(0.07, 0.3, 0.25))
    canopy = _mix(ground, (30, 40, 20), 0.3)
    for _ in range(7):
        r = m * rng.uniform(0.13, 0.18)
        _disc(d, tx + m * rng.uniform(-0.18, 0.18), tb - m * rng.uniform(0.26, 0.42), r, canopy)
    # Friends seen from behind in the foreground, watching the sunset, cut by the bottom edge:
    # open shapes. (Small whole silhouettes on the hill read as 'i', '1' or '3' to OCR.)
    n, gx = rng.randint(2, 3), w * (0.5 + side * rng.uniform(0.05, 0.15))
    clothes = [_hsl(hue + 0.5, 0.35, 0.45), _hsl(hue + 0.05, 0.5, 0.55), _hsl(hue + 0.6, 0.3, 0.35)]
    wear = [*accents[:1], *rng.sample(clothes, n)]  # neighbours never share a colour
    for i in range(n):
        x, top, bw = gx + (i - (n - 1) / 2) * m * 0.2, h * rng.uniform(0.8, 0.86), m * rng.uniform(0.2, 0.24)
        _box(d, x - bw / 2, top, x + bw / 2, h + m * 0.2, wear[i], 0.3)
        # Heads in a darker shade of the clothes: a dark-haired head over a bright top reads as 'O'.
        r = m * rng.uniform(0.055, 0.065)
        _disc(d, x + m * rng.uniform(-0.015, 0.015), top - r * 0.8, r, _mix(wear[i], (0, 0, 0), 0.25), 1.1)
    return img


_POLYGONS = {"circle": (64, math.tau), "quarter": (16, math.pi / 2), "tri": (3, math.tau)}  # (corners, arc)


def _shape(
    rng: random.Random, kind: str, x: float, y: float, r: float, m: float
) -> list[tuple[float, float]]:
    """One bold shape as a polygon, so the composition can measure and shift it as a whole."""
    if kind == "band":  # a broad diagonal band, far wider than any letter stroke
        ang, half, bw = rng.uniform(-0.6, 0.6), r * 1.8, m * rng.uniform(0.07, 0.1)
        c, s = math.cos(ang), math.sin(ang)
        return [
            (x + u * half * c - v * bw * s, y + u * half * s + v * bw * c)
            for u, v in ((-1, -1), (1, -1), (1, 1), (-1, 1))
        ]
    n, span = _POLYGONS[kind]  # a quarter pie, not a half disc: that reads as a 'D'
    a0, r = rng.uniform(0, math.tau), r * (1.3 if kind == "quarter" else 1.0)
    arc = [(x + r * math.cos(a0 + span * k / n), y + r * math.sin(a0 + span * k / n)) for k in range(n + 1)]
    return [(x, y), *arc] if kind == "quarter" else arc[:-1]


def _artistic(rng: random.Random, w: int, h: int, accents: list[RGB]) -> Image.Image:
    hue, m = rng.random(), min(w, h)
    bg = rng.choice([_hsl(hue + 0.5, 0.45, 0.16), _hsl(hue + 0.5, 0.3, 0.93), _hsl(hue + 0.1, 0.25, 0.85)])
    img = _gradient(w, h, [(0, bg), (1, _mix(bg, _hsl(hue + 0.1, 0.4, 0.5), 0.2))])
    offsets = rng.sample([0.0, 0.08, 0.33, 0.5, 0.58, 0.83], 4)
    colors = [*accents * 2, *(_hsl(hue + o, rng.uniform(0.7, 0.9), rng.uniform(0.45, 0.6)) for o in offsets)]
    calm_top = rng.random() < 0.5  # the empty third is at the top or the bottom
    cx = rng.uniform(0.35, 0.65)  # the composition's centre of gravity
    y0 = h * 0.34 if calm_top else 0.0
    d = ImageDraw.Draw(img)
    # A few large, opaque shapes, drawn largest first with centres kept apart: small, translucent
    # or nearly covered shapes leave slivers that OCR reads as 'L', '7', 'V' or '二'.
    specs: list[tuple[float, float, float]] = []
    for i in range(rng.randint(5, 7)):
        r = m * (rng.uniform(0.2, 0.26) if i == 0 else rng.uniform(0.11, 0.2))
        for _ in range(8):
            x, y = w * min(0.92, max(0.08, rng.gauss(cx, 0.18))), y0 + h * rng.uniform(0.0, 0.66)
            if all(math.hypot(x - sx, y - sy) >= 0.5 * max(r, sr) for sx, sy, sr in specs):
                break
        specs.append((x, y, r))
    kinds, last = ("circle", "circle", "tri", "quarter", "band", "band"), None  # squares read as "口"
    for k, (x, y, r) in enumerate(sorted(specs, key=lambda spec: -spec[2])):
        pts = _shape(rng, "circle" if k == 0 else rng.choice(kinds), x, y, r, m)
        ys = [p[1] for p in pts]  # shift the shape so it stays out of the calm third
        dy = max(0.0, h * 0.34 - min(ys)) if calm_top else min(0.0, h * 0.66 - max(ys))
        # The anchor circle takes the brand colour; after that, neighbours differ in colour.
        last = accents[0] if accents and k == 0 else rng.choice([c for c in colors if c != last] or colors)
        d.polygon([(px, py + dy) for px, py in pts], fill=last)
    return img


def _location(rng: random.Random, w: int, h: int, accents: list[RGB]) -> Image.Image:
    time = rng.choice(("day", "dusk", "night"))
    hue = {"day": 0.57, "dusk": 0.97, "night": 0.65}[time] + rng.uniform(-0.04, 0.04)
    light = {"day": 0.8, "dusk": 0.72, "night": 0.22}[time]
    horizon, m = rng.uniform(0.55, 0.62), min(w, h)
    low = _hsl(hue + (0.1 if time == "dusk" else -0.02), 0.7, light + 0.1)
    img = _gradient(w, h, [(0, _hsl(hue, 0.5, light - 0.06)), (horizon, low), (1, low)])
    side = rng.choice((-1, 1))
    sx, sy = w * (0.5 + side * rng.uniform(0.18, 0.32)), h * rng.uniform(0.3, 0.38)
    disc = (250, 246, 225) if time == "night" else _hsl(0.1 + (0.02 if time == "day" else -0.05), 0.95, 0.75)
    _glow(img, sx, sy, m * 0.45, disc, 0.5)
    strength, sharp = (0.7, 1.6) if time == "night" else (0.95, 2.0)  # a dimmer, softer moon
    _glow(img, sx, sy, m * rng.uniform(0.06, 0.09), disc, strength, sharp)
    d = ImageDraw.Draw(img, "RGBA")
    tint = accents[0] if accents else _hsl(rng.uniform(0.25, 0.45), 0.35, 0.4)
    city = rng.random() < 0.5
    for i in range(3):
        col = _mix(_mix(low, tint, 0.3 + 0.5 * (i + 1) / 3), (20, 25, 35), 0.55 * (i + 1) / 3)
        if city and i == 1:
            _skyline(rng, d, w, h, horizon + 0.1, col, low, -side)
        else:
            d.polygon(_ridge(rng, w, h, horizon + 0.04 + 0.11 * i, 0.05 + 0.03 * (3 - i)), fill=col)
    return img


def _skyline(
    rng: random.Random, d: Draw, w: int, h: int, base: float, col: RGB, haze: RGB, side: int
) -> None:
    """Two rows of touching blocks, a hazy one behind a solid one, with irregular heights.

    No gaps or windows (they read as strokes and dots) and no tidy stepped pyramid (it reads as
    a '+'); the hazy row breaks up the outline of the solid one.
    """
    for layer, fill in enumerate((_mix(col, haze, 0.7), col)):
        x = -w * rng.uniform(0, 0.05)
        while x < w:
            bw = w * rng.uniform(0.1, 0.2)  # broad: a narrow block poking up reads as a "1"
            near = max(0.0, 1 - abs((x + bw / 2) / w - 0.5 - side * 0.15) * 1.8)  # taller near the peak
            tall = (0.05 + 0.25 * near) * rng.uniform(0.75, 1.0) + (0.06 if layer == 0 else 0.0)
            _box(d, x, h * (base - tall), x + bw, h, _jitter(rng, fill, 6), 0.08)
            x += bw


_SCENES: dict[str, Callable[[random.Random, int, int, list[RGB]], Image.Image]] = {
    "job_focus": _job_focus,
    "lifestyle": _lifestyle,
    "artistic": _artistic,
    "location": _location,
}


def draw_base_image(
    image_type: ImageType, seed: int, width: int, height: int, palette: Sequence[str] | None = None
) -> Image.Image:
    """Draw a text-free RGB illustration of the requested family; deterministic in all arguments.

    `palette` ('#rrggbb' brand colours) tints clothing, props, shapes and landscape layers so the
    picture already sits in the brand's colour world before any text is laid over it. A light
    final blur softens every edge: it reads as an illustration and keeps OCR from seeing glyphs.
    """
    if image_type not in _SCENES:
        raise ValueError(f"unknown image type {image_type!r}")
    if width < 1 or height < 1:
        raise ValueError(f"invalid size {width}×{height}")
    accents = [hex_to_rgb(c) for c in (palette or [])]
    rng = random.Random(seed)
    img = _SCENES[image_type](rng, width * SUPERSAMPLE, height * SUPERSAMPLE, accents).reduce(SUPERSAMPLE)
    return img.filter(ImageFilter.GaussianBlur(EDGE_SOFTNESS * min(width, height) / 1024))
