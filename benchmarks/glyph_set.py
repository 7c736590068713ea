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
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from benchmarks.backgrounds import BACKGROUNDS
from creative_assets.models import CopyVariant
from creative_assets.models.base import Box
from creative_assets.providers.local import LocalJobSource, LocalResearcher, TemplateTextGenerator

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
SIDE = 1024
DOTTED = {"i": "dotless_i", "j": "dotless_i", **dict.fromkeys("äöüÄÖÜ", "missing_umlaut")}
# Letter pairs fonts draw as one ligature: two of them joined is how the font looks, no defect.
LIGATURE_PAIRS = {"ff", "fi", "fl", "ft", "fb", "fh", "fk", "fj", "tt", "ti", "tf"}


@dataclass
class GlyphSample:
    name: str
    image: Image.Image
    copy: CopyVariant
    zones: dict[str, Box]
    defect: str | None  # one of KINDS, None for clean text
    part: str  # "tune" or "held_out"
    where: str = ""  # the damaged letter and its line


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


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and face.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current]


@dataclass
class Line:
    text: str
    face: ImageFont.FreeTypeFont
    x: int
    baseline: int
    role: str


def coverage(lines: list[Line]) -> np.ndarray:
    img = Image.new("L", (SIDE, SIDE), 0)
    draw = ImageDraw.Draw(img)
    for ln in lines:
        draw.text((ln.x, ln.baseline), ln.text, font=ln.face, fill=255, anchor="ls")
    return np.asarray(img, dtype=np.float32) / 255


def glyph_mask(line: Line, k: int) -> np.ndarray:
    """The k-th character of a line drawn alone where the line draws it (coverage 0–1)."""
    img = Image.new("L", (SIDE, SIDE), 0)
    # Where the line puts it: with the kerning between it and the letter before (getlength of
    # the text before it alone leaves that out, and the damage would miss the glyph by a pixel
    # or two, leaving slivers of dots it meant to erase).
    x = line.x + line.face.getlength(line.text[: k + 1]) - line.face.getlength(line.text[k])
    ImageDraw.Draw(img).text((x, line.baseline), line.text[k], font=line.face, fill=255, anchor="ls")
    return np.asarray(img, dtype=np.float32) / 255


def topology(mask: np.ndarray) -> tuple[int, int]:
    """(pieces, holes) of the ink at half coverage."""
    ink = (mask >= 0.5).astype(np.uint8)
    pieces = cv2.connectedComponents(ink, connectivity=8)[0] - 1
    background = cv2.connectedComponents(1 - ink, connectivity=4)[0] - 1
    return pieces, background - 1


def stroke_width(mask: np.ndarray) -> float:
    ink = (mask >= 0.5).astype(np.uint8)
    return max(2.0, 2 * float(cv2.distanceTransform(ink, cv2.DIST_L2, 3).max()))


def _remove_marks(ink: np.ndarray, glyph: np.ndarray) -> np.ndarray | None:
    """Erase the small pieces at the top of a dotted glyph (its dot or umlaut dots)."""
    binary = (glyph >= 0.5).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if count < 3:
        return None
    body = max(range(1, count), key=lambda i: stats[i, cv2.CC_STAT_AREA])
    marks = [
        i for i in range(1, count) if i != body and stats[i, cv2.CC_STAT_TOP] < stats[body, cv2.CC_STAT_TOP]
    ]
    if not marks:
        return None
    erase = cv2.dilate(np.isin(labels, marks).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    out = ink.copy()
    out[erase & (glyph > 0)] = 0
    return out


def _band(shape: tuple[int, int], centre: tuple[float, float], angle: float, width: float) -> np.ndarray:
    band = np.zeros(shape, np.uint8)
    dx, dy = np.cos(angle) * 400, np.sin(angle) * 400
    p0 = (round(centre[0] - dx), round(centre[1] - dy))
    p1 = (round(centre[0] + dx), round(centre[1] + dy))
    cv2.line(band, p0, p1, 1, max(1, round(width)))
    return band > 0


def damage(
    kind: str, ink: np.ndarray, lines: list[Line], rng: random.Random
) -> tuple[np.ndarray, str] | None:
    """`ink` with one defect of `kind` and where it is, or None when this copy offers no place."""
    spots = [(ln, k) for ln in lines for k, c in enumerate(ln.text) if c.isalpha()]
    rng.shuffle(spots)
    for line, k in spots[:40]:
        c = line.text[k]
        if kind in ("dotless_i", "missing_umlaut"):
            if DOTTED.get(c) != kind or (k and line.text[k - 1] == "f"):  # fi may be a ligature
                continue
            out = _remove_marks(ink, glyph_mask(line, k))
        elif kind == "broken_stroke":
            out = _broken(ink, glyph_mask(line, k), rng)
        elif kind == "merged_stroke":
            if (
                k + 1 >= len(line.text)
                or not line.text[k + 1].isalpha()
                or line.text[k : k + 2] in LIGATURE_PAIRS
            ):
                continue
            out = _merged(ink, glyph_mask(line, k), glyph_mask(line, k + 1), rng)
        else:
            out = _extra(ink, glyph_mask(line, k), rng)
        if out is not None:
            return out, f"{c!r} at {k} of {line.text!r}"
    return None


def _broken(ink: np.ndarray, glyph: np.ndarray, rng: random.Random) -> np.ndarray | None:
    ys, xs = np.nonzero(glyph >= 0.5)
    if len(xs) < 20:
        return None
    before = topology(glyph)
    width = max(2.0, 0.6 * stroke_width(glyph))
    for _ in range(12):
        i = rng.randrange(len(xs))
        band = _band(glyph.shape, (xs[i], ys[i]), rng.uniform(0, np.pi), width) & (glyph > 0.02)
        cut = glyph.copy()
        cut[band] = 0
        if topology(cut) != before:
            out = ink.copy()
            out[band] = 0
            return out
    return None


def _merged(ink: np.ndarray, left: np.ndarray, right: np.ndarray, rng: random.Random) -> np.ndarray | None:
    a, b = left >= 0.5, right >= 0.5
    if (cv2.dilate(a.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)[b].any():
        return None  # they touch already
    rows = [y for y in range(ink.shape[0]) if a[y].any() and b[y].any()]
    if not rows:
        return None
    y = rng.choice(rows[len(rows) // 5 : max(len(rows) // 5 + 1, 4 * len(rows) // 5)])
    x0, x1 = int(np.nonzero(a[y])[0].max()), int(np.nonzero(b[y])[0].min())
    if x1 <= x0:
        return None
    out = ink.copy()
    thickness = max(2, round(0.7 * stroke_width(left)))
    cv2.line(out, (x0 - 1, y), (x1 + 1, y), 1.0, thickness)
    return out


def _extra(ink: np.ndarray, glyph: np.ndarray, rng: random.Random) -> np.ndarray | None:
    ys, xs = np.nonzero(glyph >= 0.5)
    if len(xs) < 20:
        return None
    height = ys.max() - ys.min()
    for _ in range(12):
        cx = rng.uniform(xs.min() - 0.2 * height, xs.max() + 0.2 * height)
        cy = rng.uniform(ys.min(), ys.max())
        length, angle = rng.uniform(0.35, 0.6) * height, rng.uniform(0, np.pi)
        stroke = np.zeros_like(ink)
        dx, dy = np.cos(angle) * length / 2, np.sin(angle) * length / 2
        cv2.line(stroke, (round(cx - dx), round(cy - dy)), (round(cx + dx), round(cy + dy)), 1.0,
                 max(2, round(0.8 * stroke_width(glyph))))  # fmt: skip
        new = (stroke >= 0.5) & (ink < 0.5)
        if new.sum() >= 0.6 * (stroke >= 0.5).sum():
            return np.maximum(ink, stroke)
    return None


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
    rng = random.Random(0 if part == "tune" else 1)
    plan = [kind for kind in KINDS for _ in range(per_kind)] + [None] * (per_kind * len(KINDS))
    for n, kind in enumerate(plan):
        for _ in range(50):
            candidates = [
                c
                for c in copies()
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
        img = _compose(BACKGROUNDS[bg_kind](rng, (SIDE, SIDE)), damaged[0], lines, rng)
        name = f"{part}/{n:03d}/{kind or 'clean'}/{bg_kind}/{bold.split('-')[0]}"
        yield GlyphSample(name, img, copy, _zones(lines), kind, part, damaged[1])
