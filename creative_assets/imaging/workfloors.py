"""Workplaces where goods or materials are handled: a warehouse aisle, a shop's till, a building
site (see workplaces.py; racks and shelves are painted on a blurred layer, as a camera would see
a background out of focus, since rows of small blocks read as letters)."""

from __future__ import annotations

import random
from collections.abc import Callable

from PIL import Image, ImageDraw

from creative_assets.imaging.color import RGB
from creative_assets.imaging.paint import (
    CARDBOARD,
    Draw,
    Outfit,
    box,
    glow,
    gradient,
    hsl,
    jitter,
    mix,
    person,
    room,
    skin_and_hair,
    soft_layer,
)


def _on_layer(
    d: Draw, s: float, top: int, xyxy: tuple[float, float, float, float], colour: RGB, r: float
) -> None:
    """A box given in image coordinates, drawn on a soft layer scaled by `s` that starts at `top`."""
    x0, y0, x1, y1 = xyxy
    box(d, x0 * s, (y0 - top) * s, x1 * s, (y1 - top) * s, colour, r)


def _racks(
    rng: random.Random, w: int, h: int, side: int, wall: RGB, accents: list[RGB]
) -> Callable[[Draw, float, int], None]:
    """Pallet racking on the far side, painted for a blurred layer: uprights, three beam levels,
    big parcels standing shoulder to shoulder."""
    steel = mix(hsl(0.6, 0.35, 0.4), wall, 0.35)
    beam = mix(accents[-1] if accents else (230, 120, 40), wall, 0.25)

    def paint(d: Draw, s: float, top: int) -> None:
        x_far, x_near = w * (0.5 - side * 0.5), w * (0.5 + side * 0.02)
        x0, x1 = sorted((x_far, x_near))
        levels = [h * 0.53, h * 0.64, h * 0.75]
        bay = (x1 - x0) / 2
        for i in range(3):
            ux = x0 + i * bay
            _on_layer(d, s, top, (ux - w * 0.012, h * 0.48, ux + w * 0.012, h * 0.84), steel, 0.2)
        for y in levels:
            for b in range(2):
                bx0 = x0 + b * bay + w * 0.015
                x = bx0
                while x < bx0 + bay - w * 0.06:
                    bw = min(w * rng.uniform(0.09, 0.13), bx0 + bay - w * 0.02 - x)
                    bh = h * rng.uniform(0.06, 0.085)
                    parcel = jitter(rng, mix(CARDBOARD, wall, 0.3), 10)
                    _on_layer(d, s, top, (x, y - bh, x + bw, y), parcel, 0.08)
                    x += bw
            _on_layer(d, s, top, (x0, y, x1, y + h * 0.018), beam, 0.2)

    return paint


def logistics(rng: random.Random, w: int, h: int, accents: list[RGB]) -> Image.Image:
    """A warehouse aisle: racking out of focus, a pallet of parcels, a worker in a hi-vis vest."""
    m, side = min(w, h), rng.choice((-1, 1))
    wall = hsl(rng.uniform(0.55, 0.62), rng.uniform(0.08, 0.16), rng.uniform(0.78, 0.84))
    floor = rng.uniform(0.82, 0.85)
    ground = hsl(0.6, 0.05, rng.uniform(0.55, 0.62))
    img = gradient(
        w, h, [(0, mix(wall, (255, 255, 255), 0.25)), (floor, wall), (floor + 0.001, ground), (1, ground)]
    )
    for lx in (0.25, 0.75):  # high bay lights: soft, no fittings
        glow(img, w * lx, h * 0.05, max(w, h) * 0.35, (255, 252, 240), 0.5)
    soft_layer(img, (0.44, 0.88), m * 0.006, _racks(rng, w, h, side, wall, accents))
    d = ImageDraw.Draw(img, "RGBA")
    lane = (236, 190, 40)
    d.polygon(
        [(0, h * (floor + 0.06)), (w, h * (floor + 0.035)), (w, h * (floor + 0.07)), (0, h * (floor + 0.1))],
        fill=lane,
    )
    px = w * (0.5 + side * rng.uniform(0.14, 0.2))
    skin, hair = skin_and_hair(rng)
    shirt = accents[0] if accents else hsl(0.6, 0.4, 0.3)
    vest = Outfit(wear="vest", wear_colour=rng.choice([(244, 200, 30), (246, 130, 40)]))
    person(d, px, h * floor + m * 0.05, m * 0.42, shirt, skin, hair, vest)
    # A pallet of parcels beside the worker: a dark slatted base shown as one block, two layers
    # of boxes that touch, the upper one set back.
    cx = px - side * m * rng.uniform(0.27, 0.3)
    base_y = h * floor + m * 0.07
    box(d, cx - m * 0.15, base_y - m * 0.035, cx + m * 0.15, base_y, hsl(0.08, 0.35, 0.32), 0.1)
    card = mix(CARDBOARD, wall, 0.1)
    box(d, cx - m * 0.15, base_y - m * 0.16, cx + m * 0.01, base_y - m * 0.035, card, 0.06)
    box(
        d,
        cx + m * 0.01,
        base_y - m * 0.16,
        cx + m * 0.15,
        base_y - m * 0.035,
        mix(card, (0, 0, 0), 0.08),
        0.06,
    )
    box(
        d,
        cx - m * 0.12,
        base_y - m * 0.27,
        cx + m * 0.1,
        base_y - m * 0.16,
        mix(card, (255, 255, 255), 0.08),
        0.06,
    )
    return img


def _shelves(rng: random.Random, w: int, h: int, side: int, wall: RGB) -> Callable[[Draw, float, int], None]:
    """A shop's back wall of shelves full of goods, for a blurred layer: colourful packs
    shoulder to shoulder on three boards."""
    board = mix(hsl(0.09, 0.25, 0.6), wall, 0.2)
    goods = [hsl(rng.random(), rng.uniform(0.45, 0.7), rng.uniform(0.5, 0.65)) for _ in range(5)]

    def paint(d: Draw, s: float, top: int) -> None:
        x0, x1 = sorted((w * (0.5 - side * 0.52), w * (0.5 + side * 0.3)))
        for y in (h * 0.54, h * 0.64, h * 0.74):
            x = x0
            while x < x1:
                pw, ph = w * rng.uniform(0.04, 0.07), h * rng.uniform(0.05, 0.08)
                _on_layer(d, s, top, (x, y - ph, x + pw, y), mix(rng.choice(goods), wall, 0.2), 0.15)
                x += pw
            _on_layer(d, s, top, (x0, y, x1, y + h * 0.02), board, 0.1)

    return paint


def retail(rng: random.Random, w: int, h: int, accents: list[RGB]) -> Image.Image:
    """A shop assistant in the shop's polo at the till, stocked shelves behind, a paper bag packed."""
    m, side = min(w, h), rng.choice((-1, 1))
    wall = hsl(rng.uniform(0.05, 0.15), rng.uniform(0.2, 0.35), rng.uniform(0.86, 0.9))
    floor = rng.uniform(0.82, 0.86)
    img = room(rng, w, h, wall, hsl(0.07, 0.15, rng.uniform(0.6, 0.68)), floor, side)
    soft_layer(img, (0.44, 0.78), m * 0.005, _shelves(rng, w, h, side, wall))
    d = ImageDraw.Draw(img, "RGBA")
    skin, hair = skin_and_hair(rng)
    uniform = accents[0] if accents else hsl(rng.random(), 0.5, 0.4)
    px, top = w * (0.5 + side * rng.uniform(0.14, 0.2)), h * rng.uniform(0.72, 0.75)
    # In the shop's polo, no apron: an apron framed by the shirt reads as an '8' or an 'n'.
    person(d, px, top + m * 0.1, m * 0.4, uniform, skin, hair)
    counter = hsl(0.08, 0.25, rng.uniform(0.7, 0.78))
    cx0, cx1 = sorted((w * (0.5 + side * 0.55), w * (0.5 - side * 0.12)))
    box(d, cx0, top, cx1, top + m * 0.035, counter, 0.2)
    front = mix(accents[-1], counter, 0.35) if accents else hsl(0.6, 0.3, 0.45)
    box(d, cx0 + m * 0.01, top + m * 0.03, cx1 - m * 0.01, h * floor + m * 0.02, front, 0.04)
    # On the counter, the till: one block toned towards the wall (a screen stacked on a block
    # reads as an '8', a dark bar as a '一'); beside the cashier, a packed paper bag, wide and
    # narrower at the top (a box reads as a '口', a tall one as a '1').
    tx = px - side * m * 0.22
    box(d, tx - m * 0.1, top - m * 0.08, tx + m * 0.1, top, mix(hsl(0.6, 0.08, 0.42), wall, 0.35), 0.25)
    bx, kraft = px + side * m * 0.26, (198, 160, 112)
    bag = [
        (bx - m * 0.11, top),
        (bx - m * 0.085, top - m * 0.14),
        (bx + m * 0.085, top - m * 0.14),
        (bx + m * 0.11, top),
    ]
    d.polygon(bag, fill=kraft)
    return img


def trades(rng: random.Random, w: int, h: int, accents: list[RGB]) -> Image.Image:
    """A builder in a hard hat and hi-vis jacket raising a block wall, a shell going up behind."""
    m, side = min(w, h), rng.choice((-1, 1))
    sky = hsl(rng.uniform(0.55, 0.6), rng.uniform(0.45, 0.6), rng.uniform(0.78, 0.84))
    ground_at = rng.uniform(0.8, 0.84)
    ground = hsl(rng.uniform(0.07, 0.1), 0.3, rng.uniform(0.45, 0.52))
    img = gradient(
        w,
        h,
        [(0, mix(sky, (255, 255, 255), 0.2)), (ground_at, sky), (ground_at + 0.001, ground), (1, ground)],
    )
    glow(img, w * (0.5 - side * 0.3), h * 0.15, max(w, h) * 0.5, (255, 250, 230), 0.55)

    def building(d: Draw, s: float, top: int) -> None:
        """A concrete shell on the far side: walls up, one storey open, no windows yet."""
        x0, x1 = sorted((w * (0.5 - side * 0.55), w * (0.5 + side * 0.05)))
        concrete = mix((170, 170, 165), sky, 0.3)
        _on_layer(d, s, top, (x0, h * 0.54, x1, h * ground_at), concrete, 0.02)
        _on_layer(d, s, top, (x0, h * 0.5, x1, h * 0.55), mix(concrete, (0, 0, 0), 0.12), 0.1)
        ox = (x0 + x1) / 2
        opening = mix(concrete, (40, 40, 50), 0.45)
        _on_layer(d, s, top, (ox - w * 0.12, h * 0.61, ox + w * 0.12, h * 0.74), opening, 0.05)

    soft_layer(img, (0.46, ground_at + 0.01), m * 0.004, building)
    d = ImageDraw.Draw(img, "RGBA")
    skin, hair = skin_and_hair(rng)
    px = w * (0.5 + side * rng.uniform(0.15, 0.2))
    shirt = accents[0] if accents else hsl(0.6, 0.35, 0.35)
    hat, vest = rng.choice([((244, 200, 30), (246, 130, 40)), ((246, 246, 242), (244, 200, 30))])
    # No reflective band above the wall: a banded torso resting on it reads as a 'B'.
    gear = Outfit(wear="vest", hat="hard", wear_colour=vest, hat_colour=hat, band=False)
    # A block wall the builder is raising, waist high and stepped at one end: it hides the
    # lower body (a whole figure in a banded jacket reads as a 'D' or an 'M') and says "site".
    base_y = h * ground_at + m * 0.06
    person(d, px, base_y, m * 0.46, shirt, skin, hair, gear)
    wall_top, block = base_y - m * 0.15, mix((150, 150, 145), sky, 0.15)
    wx0, wx1 = sorted((px - side * m * 0.34, px + side * m * 0.3))
    step = px + side * m * 0.18
    d.rectangle((wx0, wall_top, wx1, base_y), fill=block)
    sx0, sx1 = sorted((step, px + side * m * 0.3))
    d.rectangle((sx0, wall_top - m * 0.001, sx1, wall_top + m * 0.05), fill=sky)  # the step
    return img
