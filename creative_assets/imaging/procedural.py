"""Procedural base images: the zero-key stand-in for the text-to-image model.

Each image type is a recognisable family of flat illustrations, drawn from `random.Random(seed)`
only, so a (type, seed, size, palette) always gives the same pixels and the pipeline's retries
and caches behave as they would with a seeded diffusion model. The drawings deliberately hold
no text-like detail (the OCR gate rejects base images where it reads text): shapes are chunky and
smooth, never thin parallel strokes or grids of small blocks. Each family keeps a calm band of
~30% of the height (sky, wall or empty field) for the layout step, which looks for low detail.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

from PIL import Image, ImageDraw, ImageFilter

from creative_assets.imaging.color import RGB, hex_to_rgb
from creative_assets.imaging.outdoors import lifestyle, location
from creative_assets.imaging.paint import gradient, hsl, mix
from creative_assets.imaging.workplaces import DEFAULT_FIELD, FIELDS, draw_workplace
from creative_assets.models.base import ImageType

IMAGE_TYPE_DESCRIPTIONS: dict[ImageType, str] = {
    "job_focus": "Stylised workplace of the job's field: a nurse at a bed, a warehouse aisle, a desk, a "
    "till, a building site, a kitchen pass; a person at work under a calm wall or sky.",
    "lifestyle": "After work, seen from behind, in a setting of the job's field: friends by a lake at "
    "sunset, the road home at sunrise, a park with the city behind, an evening terrace.",
    "artistic": "Abstract geometric composition: large overlapping shapes and broad bands in strong colours.",
    "location": "The town under a gradient sky with sun or moon, with what the job's field builds there: "
    "a hospital by a lake, distribution halls, an office skyline, gabled houses, a new estate.",
}

SUPERSAMPLE = 2  # shapes are drawn at 2x and downscaled, which anti-aliases every edge
EDGE_SOFTNESS = 1.5  # final blur radius in pixels at 1024 px
CALM = 0.46  # the share of an artistic picture left empty for the copy (the subject box reaches a
# grid cell beyond the shapes)
Scene = Callable[[random.Random, int, int, list[RGB], str], Image.Image]


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


def _artistic(rng: random.Random, w: int, h: int, accents: list[RGB], field: str) -> Image.Image:
    hue, m = rng.random(), min(w, h)
    bg = rng.choice([hsl(hue + 0.5, 0.45, 0.16), hsl(hue + 0.5, 0.3, 0.93), hsl(hue + 0.1, 0.25, 0.85)])
    img = gradient(w, h, [(0, bg), (1, mix(bg, hsl(hue + 0.1, 0.4, 0.5), 0.2))])
    offsets = rng.sample([0.0, 0.08, 0.33, 0.5, 0.58, 0.83], 4)
    colors = [*accents * 2, *(hsl(hue + o, rng.uniform(0.7, 0.9), rng.uniform(0.45, 0.6)) for o in offsets)]
    # The empty part (CALM of the height) is mostly at the top: a story format's copy must sit
    # below its reserved top strip and cannot use its bottom quarter at all.
    calm_top = rng.random() < 0.7
    cx = rng.uniform(0.35, 0.65)  # the composition's centre of gravity
    y0 = h * CALM if calm_top else 0.0
    d = ImageDraw.Draw(img)
    # A few large, opaque shapes, drawn largest first with centres kept apart: small, translucent
    # or nearly covered shapes leave slivers that OCR reads as 'L', '7', 'V' or '二'.
    specs: list[tuple[float, float, float]] = []
    for i in range(rng.randint(5, 7)):
        r = m * (rng.uniform(0.2, 0.26) if i == 0 else rng.uniform(0.11, 0.2))
        for _ in range(8):
            x, y = w * min(0.92, max(0.08, rng.gauss(cx, 0.18))), y0 + h * rng.uniform(0.0, 1 - CALM)
            if all(math.hypot(x - sx, y - sy) >= 0.5 * max(r, sr) for sx, sy, sr in specs):
                break
        specs.append((x, y, r))
    kinds, last = ("circle", "circle", "tri", "quarter", "band", "band"), None  # squares read as "口"
    for k, (x, y, r) in enumerate(sorted(specs, key=lambda spec: -spec[2])):
        pts = _shape(rng, "circle" if k == 0 else rng.choice(kinds), x, y, r, m)
        ys = [p[1] for p in pts]  # shift the shape so it stays out of the calm third
        dy = max(0.0, h * CALM - min(ys)) if calm_top else min(0.0, h * (1 - CALM) - max(ys))
        # The anchor circle takes the brand colour; after that, neighbours differ in colour.
        last = accents[0] if accents and k == 0 else rng.choice([c for c in colors if c != last] or colors)
        d.polygon([(px, py + dy) for px, py in pts], fill=last)
    return img


def _job_focus(rng: random.Random, w: int, h: int, accents: list[RGB], field: str) -> Image.Image:
    return draw_workplace(field, rng, w, h, accents)


_SCENES: dict[str, Scene] = {
    "job_focus": _job_focus,
    "lifestyle": lifestyle,
    "artistic": _artistic,
    "location": location,
}


def draw_base_image(
    image_type: ImageType,
    seed: int,
    width: int,
    height: int,
    palette: Sequence[str] | None = None,
    field: str = DEFAULT_FIELD,
) -> Image.Image:
    """Draw a text-free RGB illustration of the requested family; deterministic in all arguments.

    `palette` ('#rrggbb' brand colours) tints clothing, props, shapes and landscape layers so the
    picture already sits in the brand's colour world before any text is laid over it. `field`
    (one of workplaces.FIELDS) picks the workplace of a job_focus picture and the setting of the
    lifestyle and location ones. A light final blur softens every edge: it reads as an
    illustration and keeps OCR from seeing glyphs.
    """
    if image_type not in _SCENES:
        raise ValueError(f"unknown image type {image_type!r}")
    if field not in FIELDS:
        raise ValueError(f"unknown field {field!r}: use one of {', '.join(FIELDS)}")
    if width < 1 or height < 1:
        raise ValueError(f"invalid size {width}×{height}")
    accents = [hex_to_rgb(c) for c in (palette or [])]
    rng = random.Random(seed)
    big = (width * SUPERSAMPLE, height * SUPERSAMPLE)
    img = _SCENES[image_type](rng, *big, accents, field).reduce(SUPERSAMPLE)
    return img.filter(ImageFilter.GaussianBlur(EDGE_SOFTNESS * min(width, height) / 1024))
