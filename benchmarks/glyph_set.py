"""Gate 2's glyph set: creatives set in fonts the project does not ship, half of them with exactly
one damaged glyph.

Each sample is a 1024² creative (headline, subline, CTA button) with the local writer's copy of the
two sample jobs (de-DE and en-GB) on a flat, gradient, photographic or procedural background. The
defects are those an image editor makes and OCR reads past:

- dotless_i: the dot of one i or j is gone;
- missing_umlaut: the two dots of one ä, ö or ü (or Ä, Ö, Ü) are gone;
- broken_stroke: a gap cuts through a stroke of one letter (the letter falls apart or opens up);
- merged_stroke: two neighbouring letters of a word are joined by ink;
- extra_stroke: a stray stroke is added over or beside one letter.

Every defect is checked to be there before the sample is kept (the letter's pieces or holes
changed, or the stroke added ink where there was none). Fonts come from Debian's fonts-liberation,
fonts-urw-base35, fonts-lato, fonts-open-sans and fonts-noto-core (see docs/glyph_gates.md); the
held-out part uses other faces than the tuning part, and other seeds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from benchmarks.backgrounds import BACKGROUNDS
from benchmarks.glyph_damage import SIDE, Line, damage
from creative_assets.models import CopyVariant
from creative_assets.models.base import Box
from creative_assets.providers.local import LocalJobSource, LocalResearcher, TemplateTextGenerator
from creative_assets_tests.provider_sim.images import wrap

KINDS = ("dotless_i", "missing_umlaut", "broken_stroke", "merged_stroke", "extra_stroke")
FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts/opentype"))
# (bold face for headline and CTA, regular face for the subline)
TUNE_FONTS = (
    ("LiberationSans-Bold.ttf", "LiberationSans-Regular.ttf"),
    ("Lato-Bold.ttf", "Lato-Regular.ttf"),
    ("NotoSans-Bold.ttf", "NotoSans-Regular.ttf"),
    ("LiberationSerif-Bold.ttf", "LiberationSerif-Regular.ttf"),
)
HELD_OUT_FONTS = (
    ("OpenSans-Bold.ttf", "OpenSans-Regular.ttf"),
    ("NimbusSans-Bold.otf", "NimbusSans-Regular.otf"),
    ("NotoSerif-Bold.ttf", "NotoSerif-Regular.ttf"),
    ("URWGothic-Demi.otf", "URWGothic-Book.otf"),
    ("Lato-Black.ttf", "C059-Roman.otf"),
)


@dataclass
class GlyphSample:
    name: str
    image: Image.Image
    copy: CopyVariant
    zones: dict[str, Box]
    defect: str | None  # one of KINDS, None for clean text
    part: str  # "tune" or "held_out"
    where: str = ""  # the damaged letter and its line
    background: Image.Image | None = None  # the picture before the text: the canvas it was set on


@cache
def font_file(name: str) -> str:
    for folder in FONT_DIRS:
        found = next(folder.rglob(name), None)
        if found:
            return str(found)
    raise FileNotFoundError(f"{name}: install the eval fonts (docs/glyph_gates.md)")


@cache
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_file(name), size)


@cache
def copies() -> tuple[CopyVariant, ...]:
    writer, found = TemplateTextGenerator(), []
    for job_id in ("hoc-4711-pflege", "hoc-5120-warehouse"):
        job = LocalJobSource().get_job(job_id)
        context = writer.fuse_context(job, LocalResearcher().research(job)).value
        for locale in ("de-DE", "en-GB"):
            found += writer.write_copy(context, locale).value
    return tuple(found)


def coverage(lines: list[Line]) -> np.ndarray:
    img = Image.new("L", (SIDE, SIDE), 0)
    draw = ImageDraw.Draw(img)
    for ln in lines:
        draw.text((ln.x, ln.baseline), ln.text, font=ln.face, fill=255, anchor="ls")
    return np.asarray(img, dtype=np.float32) / 255


def _layout(copy: CopyVariant, bold: str, regular: str, rng: random.Random) -> list[Line]:
    head_face = font(bold, rng.randint(54, 84))
    sub_face = font(regular, rng.randint(30, 42))
    cta_face = font(bold, rng.randint(30, 38))
    x, y, lines = 70, rng.randint(90, 200), []
    for role, text, face in (("headline", copy.headline, head_face), ("subline", copy.subline, sub_face)):
        ascent, descent = face.getmetrics()
        for part in wrap(text, face, SIDE - 2 * x):
            y += ascent
            lines.append(Line(part, face, x, y, role))
            y += descent + round(0.2 * face.size)
        y += round(0.6 * face.size)
    lines.append(Line(copy.cta, cta_face, x + 30, 900, "cta"))
    return lines


def _zones(lines: list[Line]) -> dict[str, Box]:
    zones = {}
    for role in ("headline", "subline", "cta"):
        mine = [ln for ln in lines if ln.role == role]
        left = min(ln.x for ln in mine) - 40
        top = min(ln.baseline - ln.face.getmetrics()[0] for ln in mine) - 30
        right = max(ln.x + ln.face.getlength(ln.text) for ln in mine) + 40
        bottom = max(ln.baseline + ln.face.getmetrics()[1] for ln in mine) + 30
        zones[role] = Box.from_pixels(
            max(0, left), max(0, top), min(SIDE, right), min(SIDE, bottom), SIDE, SIDE
        )
    return zones


def _compose(bg: Image.Image, ink: np.ndarray, lines: list[Line], rng: random.Random) -> Image.Image:
    """Text over the background, on a panel half the time, in black or white as contrast asks;
    the CTA on a solid button."""
    px = np.asarray(bg, dtype=np.float32).copy()
    cta = next(ln for ln in lines if ln.role == "cta")
    top = cta.baseline - cta.face.getmetrics()[0] - 16
    right = cta.x + cta.face.getlength(cta.text) + 30
    button = np.array([rng.randint(0, 255) for _ in range(3)], dtype=np.float32)
    px[top : cta.baseline + cta.face.getmetrics()[1] + 16, cta.x - 30 : round(right)] = button
    text_rows = slice(min(ln.baseline - ln.face.size for ln in lines[:-1]) - 20, lines[-2].baseline + 30)
    if rng.random() < 0.5:
        tint = 0.0 if rng.random() < 0.5 else 255.0
        alpha = rng.uniform(0.6, 0.9)
        px[text_rows, 40 : SIDE - 40] = px[text_rows, 40 : SIDE - 40] * (1 - alpha) + tint * alpha
    behind = px[text_rows, 40 : SIDE - 40].mean()
    text = np.array([0.0] * 3 if behind > 140 else [255.0] * 3, dtype=np.float32)
    cta_text = np.array([0.0] * 3 if button.mean() > 140 else [255.0] * 3, dtype=np.float32)
    colour = np.broadcast_to(text, px.shape).copy()
    cta_rows = slice(top, cta.baseline + cta.face.getmetrics()[1] + 16)
    colour[cta_rows] = cta_text
    alpha = ink[..., None]
    return Image.fromarray(np.clip(px * (1 - alpha) + colour * alpha, 0, 255).astype(np.uint8))


def glyph_set(per_kind: int, part: str) -> Iterator[GlyphSample]:
    """`per_kind` samples of each defect kind and as many clean ones, for one part of the set."""
    fonts = TUNE_FONTS if part == "tune" else HELD_OUT_FONTS
    return samples(per_kind, part, copies(), fonts, random.Random(0 if part == "tune" else 1))


def samples(
    per_kind: int,
    part: str,
    texts: Sequence[CopyVariant],
    fonts: Sequence[tuple[str, str]],
    rng: random.Random,
) -> Iterator[GlyphSample]:
    """The samples of one part: each from a copy and a face drawn by `rng`, damaged or clean."""
    plan = [kind for kind in KINDS for _ in range(per_kind)] + [None] * (per_kind * len(KINDS))
    for n, kind in enumerate(plan):
        for _ in range(50):
            candidates = [
                c
                for c in texts
                if kind != "missing_umlaut" or any(ch in "äöüÄÖÜ" for ch in c.headline + c.subline + c.cta)
            ]
            copy = rng.choice(candidates)
            bold, regular = rng.choice(fonts)
            lines = _layout(copy, bold, regular, rng)
            ink = coverage(lines)
            damaged = (ink, "") if kind is None else damage(kind, ink, lines, rng)
            if damaged is not None:
                break
        else:
            raise RuntimeError(f"no place for a {kind} in 50 tries")
        bg_kind = rng.choice(sorted(BACKGROUNDS))
        background = BACKGROUNDS[bg_kind](rng, (SIDE, SIDE))
        img = _compose(background, damaged[0], lines, rng)
        name = f"{part}/{n:03d}/{kind or 'clean'}/{bg_kind}/{bold.split('-')[0]}"
        yield GlyphSample(name, img, copy, _zones(lines), kind, part, damaged[1], background)
