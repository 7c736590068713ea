"""Backgrounds for the labelled sets of benchmarks/eval_gates.py, by kind, from a seed.

Flat colour, gradients, photographs (scikit-image's sample pictures, the `eval` extra), the
project's procedural base images, and text-free textures that look like lettering to a detector
(bricks, window grids, stripes, foliage, tiles). Everything is drawn from the seed alone.
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from creative_assets.imaging.procedural import draw_base_image
from creative_assets.models import IMAGE_TYPES

# Photographs without any lettering in them (a cat, a coffee cup, a horse …); the astronaut
# and the rocket are left out: a name tag and a logo are lettering.
PHOTOS = (
    "chelsea.png", "coffee.png", "grass.png", "gravel.png", "horse.png", "camera.png",
    "brick.png", "hubble_deep_field.jpg", "retina.jpg", "color.png",
)  # fmt: skip
TEXTURES = ("bricks", "windows", "stripes", "foliage", "tiles")


@cache
def _photo(name: str) -> Image.Image:
    from skimage import data  # the eval extra: photographs ship inside the package

    return Image.open(Path(data.__file__).parent / name).convert("RGB")


def photo(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A random crop of a sample photograph, scaled to `size`."""
    img = _photo(rng.choice(PHOTOS))
    w, h = img.size
    scale = rng.uniform(0.6, 1.0)
    cw, ch = max(64, round(w * scale)), max(64, round(h * scale))
    left, top = rng.randint(0, w - cw), rng.randint(0, h - ch)
    return img.crop((left, top, left + cw, top + ch)).resize(size, Image.Resampling.BICUBIC)


def gradient(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    a, b = (np.array([rng.randint(0, 255) for _ in range(3)], dtype=np.float32) for _ in range(2))
    angle = rng.uniform(0, np.pi)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (xs / w) * np.cos(angle) + (ys / h) * np.sin(angle)
    t = (t - t.min()) / max(1e-6, float(t.max() - t.min()))
    return Image.fromarray((a + (b - a) * t[..., None]).astype(np.uint8))


def flat(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    return Image.new("RGB", size, tuple(rng.randint(0, 255) for _ in range(3)))


def procedural(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    return draw_base_image(rng.choice(IMAGE_TYPES), rng.randint(0, 10_000), *size)


def texture(rng: random.Random, size: tuple[int, int], kind: str | None = None) -> Image.Image:
    """Text-free texture with letter-like structure: small repeated blocks and thin strokes."""
    kind = kind or rng.choice(TEXTURES)
    w, h = size
    base = tuple(rng.randint(40, 200) for _ in range(3))
    img = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(img)

    def shade(c: tuple[int, ...], amount: int) -> tuple[int, ...]:
        return tuple(max(0, min(255, v + rng.randint(-amount, amount))) for v in c)

    if kind == "bricks":
        bw, bh = rng.randint(40, 110), rng.randint(18, 40)
        mortar = rng.randint(2, 6)
        brick = tuple(rng.randint(90, 200) for _ in range(3))
        for row, y in enumerate(range(0, h, bh)):
            offset = (bw // 2) * (row % 2)
            for x in range(-offset, w, bw):
                draw.rectangle((x + mortar, y + mortar, x + bw, y + bh), fill=shade(brick, 25))
    elif kind == "windows":
        facade = tuple(rng.randint(120, 220) for _ in range(3))
        img.paste(facade, (0, 0, w, h))
        ww, wh, gap = rng.randint(14, 40), rng.randint(20, 50), rng.randint(8, 30)
        glass = tuple(rng.randint(10, 90) for _ in range(3))
        for y in range(gap, h, wh + gap):
            for x in range(gap, w, ww + gap):
                draw.rectangle((x, y, x + ww, y + wh), fill=shade(glass, 15))
                if rng.random() < 0.5:
                    draw.line((x + ww // 2, y, x + ww // 2, y + wh), fill=facade, width=2)
    elif kind == "stripes":
        period, width = rng.randint(8, 40), rng.randint(2, 12)
        other = shade(base, 90)
        for x in range(-h, w + h, period):
            draw.line((x, 0, x + rng.choice([0, h // 3]), h), fill=other, width=width)
    elif kind == "foliage":
        img = Image.new("RGB", size, (rng.randint(10, 60), rng.randint(60, 130), rng.randint(10, 60)))
        draw = ImageDraw.Draw(img)
        for _ in range(2500):
            x, y = rng.randint(0, w), rng.randint(0, h)
            r = rng.randint(3, 14)
            green = (rng.randint(20, 120), rng.randint(90, 210), rng.randint(10, 90))
            draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=green)
        img = img.filter(ImageFilter.GaussianBlur(0.8))
    else:  # tiles
        tile = rng.randint(12, 48)
        for y in range(0, h, tile):
            for x in range(0, w, tile):
                draw.rectangle((x + 1, y + 1, x + tile - 2, y + tile - 2), fill=shade(base, 40))
    return img


BACKGROUNDS = {"flat": flat, "gradient": gradient, "photo": photo, "procedural": procedural}
