"""Workplaces indoors with a wall for the copy: a ward, an office, a kitchen pass (see
workplaces.py for what each scene must show and paint.py for the shapes OCR would misread)."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from creative_assets.imaging.color import RGB
from creative_assets.imaging.paint import (
    WHITE,
    Draw,
    Outfit,
    box,
    disc,
    glow,
    hsl,
    jitter,
    mix,
    person,
    room,
    skin_and_hair,
    soft_layer,
    window,
)


def care(rng: random.Random, w: int, h: int, accents: list[RGB]) -> Image.Image:
    """A nurse at a patient's bed in a bright ward."""
    m, side = min(w, h), rng.choice((-1, 1))
    wall = hsl(rng.uniform(0.42, 0.58), rng.uniform(0.18, 0.3), rng.uniform(0.86, 0.9))
    floor = rng.uniform(0.82, 0.86)
    img = room(rng, w, h, wall, hsl(0.55, 0.12, rng.uniform(0.62, 0.7)), floor, side)
    d = ImageDraw.Draw(img, "RGBA")
    window(d, rng, w, h, side)
    skin, hair = skin_and_hair(rng)
    scrubs = accents[0] if accents else hsl(rng.uniform(0.45, 0.6), 0.45, 0.4)
    top = h * rng.uniform(0.7, 0.73)  # the mattress
    head_x, foot_x = w * (0.5 - side * 0.46), w * (0.5 + side * rng.uniform(0.3, 0.34))
    x0, x1 = sorted((head_x, foot_x))
    # The nurse stands behind the bed, so the bed hides her lower half.
    person(d, w * (0.5 + side * rng.uniform(0.13, 0.18)), top + m * 0.1, m * 0.38, scrubs, skin, hair)
    frame = mix(hsl(0.58, 0.12, 0.5), wall, 0.25)
    box(d, x0, top + m * 0.05, x1, top + m * 0.12, frame, 0.3)
    for end in (x0, x1 - m * 0.05):  # chunky legs to the floor
        box(d, end, top + m * 0.1, end + m * 0.05, h * floor + m * 0.02, mix(frame, (40, 40, 50), 0.3), 0.3)
    board = head_x + side * m * 0.015
    box(
        d,
        min(board, board - side * m * 0.06),
        top - m * 0.1,
        max(board, board - side * m * 0.06),
        top + m * 0.1,
        frame,
        0.35,
    )
    box(d, x0, top, x1, top + m * 0.065, WHITE, 0.35)  # mattress and sheet
    blanket = mix(accents[-1], WHITE, 0.55) if accents else hsl(0.58, 0.35, 0.78)
    bx = head_x + side * (foot_x - head_x) * 0.36
    box(d, min(bx, foot_x), top - m * 0.03, max(bx, foot_x) + m * 0.01, top + m * 0.075, blanket, 0.35)
    px = head_x + side * m * 0.14  # the pillow, and the patient's head on it
    box(d, px - m * 0.09, top - m * 0.055, px + m * 0.09, top + m * 0.01, WHITE, 0.45)
    patient_skin, patient_hair = skin_and_hair(rng)
    # The head lies on its side: a broad oval, the hair covering the half towards the headboard
    # (a small round head reads as a '。').
    hx, hy, r = px + side * m * 0.01, top - m * 0.055, m * 0.07
    disc(d, hx, hy, r, patient_skin, 0.7)
    arc = (120, 300) if side > 0 else (240, 60)
    d.pieslice((hx - r * 1.06, hy - r * 0.78, hx + r * 1.06, hy + r * 0.78), *arc, fill=patient_hair)
    return img


def office(rng: random.Random, w: int, h: int, accents: list[RGB]) -> Image.Image:
    """Someone at a desk behind a laptop, a chair, a window and a big plant."""
    m, side = min(w, h), rng.choice((-1, 1))
    hue = rng.random()
    wall = hsl(hue, rng.uniform(0.1, 0.25), rng.uniform(0.86, 0.9))
    floor = rng.uniform(0.8, 0.85)
    img = room(rng, w, h, wall, hsl(0.08, 0.3, rng.uniform(0.5, 0.6)), floor, side)
    d = ImageDraw.Draw(img, "RGBA")
    window(d, rng, w, h, side, (235, 245, 255))
    skin, hair = skin_and_hair(rng)
    px, top = w * (0.5 + side * rng.uniform(0.1, 0.15)), h * rng.uniform(0.72, 0.75)
    chair = mix(hsl(hue + 0.5, 0.2, 0.3), wall, 0.2)
    box(d, px - m * 0.14, top - m * 0.16, px + m * 0.14, top + m * 0.02, chair, 0.2)  # below the head: a C
    shirt = accents[0] if accents else hsl(rng.random(), 0.5, 0.45)
    person(d, px, top + m * 0.1, m * 0.38, shirt, skin, hair)
    wood = hsl(0.09, 0.3, rng.uniform(0.55, 0.65))
    box(d, px - w * 0.33, top, px + w * 0.33, top + m * 0.04, wood, 0.25)  # desk top
    box(d, px - w * 0.3, top + m * 0.03, px + w * 0.3, h * floor + m * 0.03, mix(wood, wall, 0.35), 0.05)
    lx = px - side * m * 0.13  # the laptop beside the worker, its lid seen from behind
    lid = mix((200, 204, 210), wall, 0.25)
    box(d, lx - m * 0.13, top - m * 0.16, lx + m * 0.13, top - m * 0.005, lid, 0.1)
    box(d, lx - m * 0.15, top - m * 0.012, lx + m * 0.15, top + m * 0.004, mix(lid, (0, 0, 0), 0.15), 0.3)
    # A big plant on the floor on the far side: a wide bush straight on its pot (a crown on a
    # stem reads as a 'T').
    gx = w * (0.5 - side * rng.uniform(0.36, 0.4))
    pot_top = h * floor - m * 0.1
    box(
        d,
        gx - m * 0.07,
        pot_top,
        gx + m * 0.07,
        h * floor + m * 0.03,
        accents[0] if accents else hsl(0.05, 0.45, 0.5),
        0.2,
    )
    leaf = hsl(rng.uniform(0.25, 0.33), 0.4, rng.uniform(0.3, 0.4))
    for dx, dy, r in ((-0.06, 0.07, 0.09), (0.06, 0.08, 0.085), (0.0, 0.13, 0.1), (-0.02, 0.2, 0.08)):
        disc(d, gx + m * dx, pot_top - m * dy, m * r, jitter(rng, leaf, 8))
    return img


def hospitality(rng: random.Random, w: int, h: int, accents: list[RGB]) -> Image.Image:
    """A chef in whites and toque at the pass, a pot steaming and a plate ready."""
    m, side = min(w, h), rng.choice((-1, 1))
    wall = hsl(rng.uniform(0.04, 0.1), rng.uniform(0.3, 0.45), rng.uniform(0.84, 0.88))
    floor = rng.uniform(0.82, 0.86)
    img = room(rng, w, h, wall, hsl(0.07, 0.3, 0.4), floor, side)
    for lx in (0.3, 0.7):  # warm pendant light, seen as glow only
        glow(img, w * lx, h * 0.12, max(w, h) * 0.3, (255, 226, 170), 0.45)
    d = ImageDraw.Draw(img, "RGBA")
    skin, hair = skin_and_hair(rng)
    px, top = w * (0.5 + side * rng.uniform(0.12, 0.18)), h * rng.uniform(0.72, 0.75)
    shirt = accents[0] if accents else hsl(0.6, 0.3, 0.4)
    person(d, px, top + m * 0.1, m * 0.4, shirt, skin, hair, Outfit(wear="jacket", hat="toque"))
    if accents:  # the brand's neckerchief
        box(d, px - m * 0.05, top - m * 0.2, px + m * 0.05, top - m * 0.17, accents[0], 0.4)
    steel = (196, 200, 204)
    box(d, w * 0.02, top, w * 0.98, top + m * 0.03, steel, 0.2)  # the pass
    box(d, w * 0.03, top + m * 0.025, w * 0.97, h * floor + m * 0.02, hsl(0.07, 0.35, 0.3), 0.03)
    kx = px - side * m * 0.24  # a pot with steam rising
    # A wide, low stock pot in brushed steel: a dark square box reads as a '口'.
    pot = (128, 134, 140)
    box(d, kx - m * 0.12, top - m * 0.1, kx + m * 0.12, top, pot, 0.3)
    box(
        d, kx - m * 0.13, top - m * 0.115, kx + m * 0.13, top - m * 0.09, mix(pot, (255, 255, 255), 0.25), 0.5
    )

    def steam(dd: Draw, s: float, off: int) -> None:
        for i in range(3):
            y = top - m * (0.18 + 0.06 * i) - off
            disc(dd, (kx + side * m * 0.02 * i) * s, y * s, m * (0.045 + 0.01 * i) * s, (255, 255, 255, 120))

    soft_layer(img, (max(0.0, (top - m * 0.36) / h), top / h), m * 0.008, steam)
    d = ImageDraw.Draw(img, "RGBA")
    fx = px + side * m * 0.26  # a plate with food on it
    d.ellipse((fx - m * 0.11, top - m * 0.035, fx + m * 0.11, top + m * 0.01), fill=WHITE)
    disc(d, fx, top - m * 0.03, m * 0.06, hsl(0.08, 0.6, 0.45), 0.45)  # one heap (two read as a quote mark)
    return img
