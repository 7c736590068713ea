"""Lifestyle and location pictures, each in a setting that suits the job's field.

Lifestyle is the time after work, seen from behind: friends by a lake at sunset (care), the way
home at sunrise after a night or early shift (logistics, trades), a park on a break with the city
behind (office, retail), warm lights on an evening terrace (hospitality). Location is the town
the job is in, with what the field builds there: a hospital by a lake, distribution sheds, an
office skyline, a high street of gabled houses, a new estate, an old town. The sky or the upper
field stays calm for the copy; buildings are touching blocks without windows (see paint.py).
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from creative_assets.imaging.color import RGB
from creative_assets.imaging.paint import Draw, box, disc, glow, gradient, hsl, jitter, mix, ridge, soft_layer

LIFESTYLE_SETTING = {
    "care": "lake",
    "logistics": "dawn",
    "trades": "dawn",
    "office": "park",
    "retail": "park",
    "hospitality": "terrace",
}
LANDMARK = {
    "care": "hospital",
    "logistics": "sheds",
    "office": "skyline",
    "retail": "high_street",
    "trades": "estate",
    "hospitality": "old_town",
}


def _sky(rng: random.Random, w: int, h: int, setting: str) -> tuple[Image.Image, RGB, float]:
    """The sky of a lifestyle picture and its light colour at the horizon."""
    horizon = rng.uniform(0.66, 0.72)
    if setting == "dawn":  # cool blue above a peach horizon
        hue = rng.uniform(0.56, 0.62)
        haze = hsl(rng.uniform(0.05, 0.09), 0.8, 0.8)
        stops = [(0, hsl(hue, 0.35, 0.8)), (0.5, mix(hsl(hue, 0.3, 0.84), haze, 0.4)), (horizon, haze)]
    elif setting == "park":  # a clear day
        hue = rng.uniform(0.53, 0.6)
        haze = hsl(hue - 0.03, 0.45, 0.88)
        stops = [(0, hsl(hue, 0.55, 0.74)), (horizon, haze)]
    elif setting == "terrace":  # dusk turning to evening
        hue = rng.uniform(0.68, 0.75)
        haze = hsl(rng.uniform(0.04, 0.08), 0.75, 0.7)
        stops = [(0, hsl(hue, 0.35, 0.42)), (0.45, hsl(hue + 0.2, 0.4, 0.6)), (horizon, haze)]
    else:  # sunset
        hue = rng.uniform(0.96, 1.12)
        haze = hsl(hue + 0.06, 0.85, 0.72)
        stops = [(0, hsl(hue + 0.03, 0.55, 0.86)), (0.45, hsl(hue, 0.7, 0.8)), (horizon, haze)]
    return gradient(w, h, stops), haze, horizon


def _friends(rng: random.Random, d: Draw, w: int, h: int, gx: float, n: int, wear: list[RGB]) -> None:
    """People seen from behind in the foreground, cut by the bottom edge: open shapes. (Small
    whole silhouettes on a hill read as 'i', '1' or '3' to OCR.)"""
    m = min(w, h)
    for i in range(n):
        x, top, bw = gx + (i - (n - 1) / 2) * m * 0.2, h * rng.uniform(0.8, 0.86), m * rng.uniform(0.2, 0.24)
        box(d, x - bw / 2, top, x + bw / 2, h + m * 0.2, wear[i], 0.3)
        # Heads in a darker shade of the clothes: a dark-haired head over a bright top reads as 'O'.
        r = m * rng.uniform(0.055, 0.065)
        disc(d, x + m * rng.uniform(-0.015, 0.015), top - r * 0.8, r, mix(wear[i], (0, 0, 0), 0.25), 1.1)


def _tree(rng: random.Random, d: Draw, tx: float, tb: float, m: float, canopy: RGB) -> None:
    """A big tree cut by the frame: an open mass on a short, broad trunk (a whole tree on a slim
    trunk reads as a 'T' or a '1')."""
    trunk = [(tx + m * dx, tb - m * up) for dx, up in ((-0.08, 0), (-0.04, 0.22), (0.04, 0.22), (0.08, 0))]
    d.polygon(trunk, fill=hsl(0.07, 0.3, 0.25))
    for _ in range(7):
        r = m * rng.uniform(0.11, 0.15)
        disc(d, tx + m * rng.uniform(-0.17, 0.17), tb - m * rng.uniform(0.2, 0.3), r, canopy)


def lifestyle(rng: random.Random, w: int, h: int, accents: list[RGB], field: str) -> Image.Image:
    setting = LIFESTYLE_SETTING.get(field, "park")
    m, side = min(w, h), rng.choice((-1, 1))
    img, haze, horizon = _sky(rng, w, h, setting)
    sun_x = w * (0.5 + side * rng.uniform(0.1, 0.3))
    glow(img, sun_x, h * horizon, max(w, h) * 0.5, mix(haze, (255, 245, 225), 0.5), 0.8)
    if setting in ("lake", "terrace"):  # out-of-focus lights: the sun on the water, lanterns
        warm = [mix(haze, (255, 255, 240), 0.5), (255, 236, 180), *accents]
        count = rng.randint(14, 20) if setting == "terrace" else rng.randint(9, 15)

        def bokeh(d: Draw, s: float, top: int) -> None:
            for _ in range(count):
                cx, cy = w * rng.uniform(0.02, 0.98), h * rng.uniform(0.4, 0.62) - top
                r, fill = m * rng.uniform(0.025, 0.075), (*rng.choice(warm), rng.randint(70, 140))
                disc(d, cx * s, cy * s, r * s, fill)

        soft_layer(img, (0.3, 0.72), m * 0.004, bokeh)
    if setting == "park":  # the city behind the park, hazy

        def city(d: Draw, s: float, top: int) -> None:
            x, grey = -w * 0.02, mix(hsl(0.6, 0.12, 0.6), haze, 0.55)
            while x < w:
                bw, y0 = w * rng.uniform(0.08, 0.16), h * (horizon - rng.uniform(0.06, 0.16)) - top
                box(d, x * s, y0 * s, (x + bw) * s, (h * horizon + m * 0.05 - top) * s, grey, 0.05)
                x += bw

        soft_layer(img, (horizon - 0.2, horizon + 0.06), m * 0.003, city)
    d = ImageDraw.Draw(img, "RGBA")
    d.polygon(ridge(rng, w, h, horizon + 0.02, 0.04), fill=mix(hsl(0.45, 0.25, 0.45), haze, 0.45))
    ground = hsl(rng.uniform(0.17, 0.28), 0.4, 0.38 if setting != "terrace" else 0.28)
    if setting == "lake":  # the water reflects the sky between the far shore and ours
        shore = h * (horizon + 0.035)
        d.rectangle((0, shore, w, h), fill=mix(haze, (70, 120, 175), 0.5))
        sheen = (*mix(haze, (255, 250, 235), 0.4), 120)  # the sun's path on the water
        path = [
            (sun_x - w * 0.06, shore),
            (sun_x + w * 0.06, shore),
            (sun_x + w * 0.16, h * (horizon + 0.15)),
        ]
        d.polygon([*path, (sun_x - w * 0.16, h * (horizon + 0.15))], fill=sheen)
        d.polygon(ridge(rng, w, h, horizon + 0.15, 0.03), fill=ground)
    else:
        d.polygon(ridge(rng, w, h, horizon + 0.1, 0.035), fill=ground)
    gx = w * (0.5 + side * rng.uniform(0.05, 0.15))
    if setting == "dawn":  # the road home, from under the walkers' feet towards the low sun
        road, far = mix(hsl(0.6, 0.06, 0.45), haze, 0.25), h * (horizon + 0.09)
        d.polygon(
            [(sun_x - w * 0.015, far), (sun_x + w * 0.015, far), (gx + w * 0.34, h), (gx - w * 0.34, h)],
            fill=road,
        )
    if setting in ("lake", "park"):
        canopy = mix(ground, (30, 40, 20), 0.3)
        _tree(rng, d, w * (0.5 - side * rng.uniform(0.4, 0.45)), h * horizon + h * 0.12, m, canopy)
    n = 1 if setting == "dawn" and rng.random() < 0.5 else rng.randint(2, 3)
    clothes = [hsl(0.55, 0.35, 0.45), hsl(0.05, 0.5, 0.55), hsl(0.65, 0.3, 0.35), hsl(0.12, 0.4, 0.5)]
    wear = [*accents[:1], *rng.sample(clothes, n)]  # neighbours never share a colour
    _friends(rng, d, w, h, gx, n, wear)
    return img


def _houses(
    rng: random.Random, d: Draw, w: int, h: int, base: float, col: RGB, steep: float, tall: float
) -> None:
    """A row of gabled houses that touch (gaps read as strokes): facades in varied pastel tones
    under darker roofs, so that a row reads as houses and not as a fence."""
    x = -w * rng.uniform(0, 0.05)
    roof = mix(hsl(0.02, 0.45, 0.35), col, 0.35)
    while x < w:
        bw = w * rng.uniform(0.15, 0.24)
        top = h * (base - tall * rng.uniform(0.6, 1.0))
        facade = mix(hsl(rng.uniform(0.05, 0.15), rng.uniform(0.3, 0.5), rng.uniform(0.65, 0.8)), col, 0.45)
        d.rectangle((x, top, x + bw, h), fill=facade)
        eave = top + h * 0.005
        d.polygon(
            [(x - bw * 0.03, eave), (x + bw / 2, top - bw * steep), (x + bw * 1.03, eave)],
            fill=jitter(rng, roof, 8),
        )
        x += bw


def _sheds(rng: random.Random, d: Draw, w: int, h: int, base: float, col: RGB) -> None:
    """Long, low distribution halls under shallow roofs, one behind the other."""
    for i, shade in enumerate((0.35, 0.0)):
        x0 = w * rng.uniform(-0.1, 0.3) - i * w * 0.25
        x1 = x0 + w * rng.uniform(0.7, 0.9)
        y = h * (base - 0.08 + i * 0.04)
        fill = mix(col, (235, 235, 235), shade)
        d.polygon([(x0, h), (x0, y), ((x0 + x1) / 2, y - h * 0.03), (x1, y), (x1, h)], fill=fill)


def _hospital(rng: random.Random, d: Draw, w: int, h: int, base: float, col: RGB, side: int) -> None:
    """A long, light clinic block with a taller wing, on the far shore."""
    light = mix(col, (240, 240, 235), 0.6)
    x0 = w * (0.5 + side * 0.1) - w * 0.3
    d.rectangle((x0, h * (base - 0.08), x0 + w * 0.6, h), fill=light)
    wing = x0 + w * (0.05 if side < 0 else 0.4)
    d.rectangle((wing, h * (base - 0.16), wing + w * 0.15, h), fill=mix(light, col, 0.15))


def location(rng: random.Random, w: int, h: int, accents: list[RGB], field: str) -> Image.Image:
    landmark = LANDMARK.get(field, "skyline")
    time = rng.choice(("day", "dusk", "night"))
    hue = {"day": 0.57, "dusk": 0.97, "night": 0.65}[time] + rng.uniform(-0.04, 0.04)
    light = {"day": 0.8, "dusk": 0.72, "night": 0.22}[time]
    horizon, m = rng.uniform(0.6, 0.65), min(w, h)
    low = hsl(hue + (0.1 if time == "dusk" else -0.02), 0.7, light + 0.1)
    img = gradient(w, h, [(0, hsl(hue, 0.5, light - 0.06)), (horizon, low), (1, low)])
    side = rng.choice((-1, 1))
    sx, sy = w * (0.5 + side * rng.uniform(0.18, 0.32)), h * rng.uniform(0.3, 0.38)
    orb = (250, 246, 225) if time == "night" else hsl(0.1 + (0.02 if time == "day" else -0.05), 0.95, 0.75)
    glow(img, sx, sy, m * 0.45, orb, 0.5)
    strength, sharp = (0.7, 1.6) if time == "night" else (0.95, 2.0)  # a dimmer, softer moon
    glow(img, sx, sy, m * rng.uniform(0.06, 0.09), orb, strength, sharp)
    d = ImageDraw.Draw(img, "RGBA")
    tint = accents[0] if accents else hsl(rng.uniform(0.25, 0.45), 0.35, 0.4)
    for i in range(3):
        col = mix(mix(low, tint, 0.3 + 0.5 * (i + 1) / 3), (20, 25, 35), 0.55 * (i + 1) / 3)
        if i != 1:
            d.polygon(ridge(rng, w, h, horizon + 0.04 + 0.11 * i, 0.05 + 0.03 * (3 - i)), fill=col)
        elif landmark == "skyline":
            _skyline(rng, d, w, h, horizon + 0.1, col, low, -side)
        elif landmark == "hospital":
            _hospital(rng, d, w, h, horizon + 0.1, col, side)
            water = mix(low, (110, 150, 190), 0.3)
            d.rectangle((0, h * (horizon + 0.13), w, h), fill=water)
        elif landmark == "sheds":
            _sheds(rng, d, w, h, horizon + 0.13, col)
        elif landmark in ("high_street", "old_town"):
            steep = 0.55 if landmark == "old_town" else 0.3
            _houses(rng, d, w, h, horizon + 0.12, col, steep, 0.14)
        else:  # a new estate: low houses on a hill
            d.polygon(ridge(rng, w, h, horizon + 0.13, 0.03), fill=mix(col, low, 0.3))
            _houses(rng, d, w, h, horizon + 0.14, mix(col, (230, 225, 215), 0.25), 0.45, 0.07)
    return img


def _skyline(
    rng: random.Random, d: Draw, w: int, h: int, base: float, col: RGB, haze: RGB, side: int
) -> None:
    """Two rows of touching blocks, a hazy one behind a solid one, with irregular heights.

    No gaps or windows (they read as strokes and dots) and no tidy stepped pyramid (it reads as
    a '+'); the hazy row breaks up the outline of the solid one.
    """
    for layer, fill in enumerate((mix(col, haze, 0.7), col)):
        x = -w * rng.uniform(0, 0.05)
        while x < w:
            bw = w * rng.uniform(0.1, 0.2)  # broad: a narrow block poking up reads as a "1"
            near = max(0.0, 1 - abs((x + bw / 2) / w - 0.5 - side * 0.15) * 1.8)  # taller near the peak
            tall = (0.05 + 0.25 * near) * rng.uniform(0.75, 1.0) + (0.06 if layer == 0 else 0.0)
            box(d, x, h * (base - tall), x + bw, h, jitter(rng, fill, 6), 0.08)
            x += bw
