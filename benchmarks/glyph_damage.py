"""The five glyph defects of Gate 2's glyph set, made on a creative's ink (coverage 0–1): each
one placed on a letter that can carry it, and checked to be there (the letter's pieces or holes
changed, or the stroke added ink where there was none) before it is returned."""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

SIDE = 1024
DOTTED = {"i": "dotless_i", "j": "dotless_i", **dict.fromkeys("äöüÄÖÜ", "missing_umlaut")}
# Letter pairs fonts draw as one ligature: two of them joined is how the font looks, no defect.
LIGATURE_PAIRS = {"ff", "fi", "fl", "ft", "fb", "fh", "fk", "fj", "tt", "ti", "tf"}


@dataclass
class Line:
    text: str
    face: ImageFont.FreeTypeFont
    x: int
    baseline: int
    role: str


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
