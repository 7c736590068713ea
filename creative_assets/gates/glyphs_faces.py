"""Which installed face a line of lettering is set in, judged from its own well-read letters.

A clean rendering of the expected letters is the best yardstick for their ink, but a creative
from any source does not name its face. Each role's letters that stand in a piece of their own
(no dots, one piece) are held against every installed Latin face: a cheap first sift by the
letters' ink boxes (width and height against the face's at the size their heights point to),
then the few best faces rendered letter by letter and laid over the ink (the share of ink and
rendering that agree). The face and size that agree best are the role's, with that share as how
far to trust it. Hand-written: no library matches a face to pixels; Pillow renders, NumPy and
OpenCV compare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageFont

from creative_assets.gates.glyphs_alphabet import MARKS, PIECES
from creative_assets.gates.glyphs_own_face import piece_count
from creative_assets.imaging.fonts import font_path

FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts/opentype"))
# Latin text faces only: Noto's other scripts, symbol, dingbat and maths faces draw no Latin
# letters worth matching.
LATIN_NOTO = re.compile(r"Noto(Sans|Serif)(Display|Mono)?-[A-Za-z]+\.ttf$")
NOT_TEXT = re.compile(r"Symbol|D050000L|Math|Z003|Dingbat", re.IGNORECASE)
REFERENCE = 100  # px: the size a face's letter boxes are measured at
SIFTED = 6  # faces rendered in full after the sift by ink boxes
SAMPLES = 14  # letters a face is judged on
SHIFT = 2  # px either way a rendered letter is moved to fit its ink
# File names left out of the match: benchmarks/eval_glyphs.py withholds a sample's own faces to
# measure the check on faces the host does not have (the lettering of an image generator).
WITHHELD: set[str] = set()


@lru_cache(maxsize=1)
def faces() -> tuple[str, ...]:
    """The bundled DejaVu Sans and its bold, then the host's Latin text faces."""
    found = [str(font_path(False)), str(font_path(True))]
    for folder in FONT_DIRS:
        for path in sorted(folder.rglob("*")):
            name = path.name
            if path.suffix.lower() not in (".ttf", ".otf") or NOT_TEXT.search(name):
                continue
            if name.startswith("Noto") and not LATIN_NOTO.match(name):
                continue
            found.append(str(path))
    return tuple(found)


@lru_cache(maxsize=512)
def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=65536)
def glyph(path: str, size: int, text: str) -> tuple[np.ndarray, int, int] | None:
    """`text` rendered clean, as the gate sees ink (at least half covered): the mask cropped to
    its ink, its left edge from the pen's start and its top from the baseline."""
    return _render(path, size, text)


def _render(path: str, size: int, text: str) -> tuple[np.ndarray, int, int] | None:
    # The coverage mask FreeType gives, as `ImageDraw.text` pastes it (an integer position, ink
    # 255 on black leaves the mask's own values), without drawing it on a canvas first: the
    # same pixels at about half the cost; every face's letters are rendered in each worker.
    mask_core, (left, top) = font(path, size).getmask2(text, mode="L", anchor="ls")
    if mask_core.size[0] == 0 or mask_core.size[1] == 0:
        return None
    mask = np.asarray(Image.Image()._new(mask_core)) >= 128
    rows, cols = np.nonzero(mask)
    if rows.size == 0:
        return None
    crop = mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    return crop, int(cols.min()) + left, int(rows.min()) + top


@lru_cache(maxsize=65536)
def _box(path: str, char: str) -> tuple[float, float]:
    """(width, height) of a letter's ink at the reference size (its own box: a font's box of a
    letter takes in the side bearings, which a monospaced face makes wide)."""
    # Rendered, not kept: every face's alphabet at the reference size is only measured once.
    got = _render(path, REFERENCE, char)
    return (1.0, 1.0) if got is None else (float(got[0].shape[1]), float(got[0].shape[0]))


@dataclass(frozen=True)
class Sample:
    """A well-read letter: its character and its ink, cropped to its box."""

    char: str
    mask: np.ndarray


@dataclass(frozen=True)
class FaceMatch:
    path: str
    size: int
    agree: float  # intersection over union of the samples' ink and their renderings


def samplable(char: str) -> bool:
    return char.isalpha() and MARKS.get(char, 0) == 0 and PIECES.get(char, 1) == 1


def overlap(ink: np.ndarray, rendered: np.ndarray) -> float:
    """Intersection over union of a letter's ink and its rendering at the best fit, both
    bottom-aligned and centred, shifted up to SHIFT px either way."""
    h = max(ink.shape[0], rendered.shape[0]) + 2 * SHIFT
    w = max(ink.shape[1], rendered.shape[1]) + 2 * SHIFT
    canvas = np.zeros((h, w), np.float32)
    y, x = h - SHIFT - ink.shape[0], (w - ink.shape[1]) // 2
    canvas[y : y + ink.shape[0], x : x + ink.shape[1]] = ink
    hits = cv2.matchTemplate(canvas, rendered.astype(np.float32), cv2.TM_CCORR)
    best = float(hits.max())
    return best / max(1.0, float(ink.sum()) + float(rendered.sum()) - best)


def _size(path: str, samples: list[Sample]) -> int:
    heights = [s.mask.shape[0] / max(1.0, _box(path, s.char)[1]) for s in samples]
    return max(6, round(REFERENCE * float(np.median(heights))))


@lru_cache(maxsize=256)
def _boxes(chars: str) -> np.ndarray:
    """(faces, letters, 2): every face's ink box (width, height) of each letter at the reference size."""
    return np.array([[_box(path, c) for c in chars] for path in faces()], dtype=np.float32)


def _sifted(samples: list[Sample], known: list[str]) -> list[str]:
    """The SIFTED faces whose letter boxes, at the size the samples' heights point to, lie
    nearest the samples' own boxes."""
    boxes = _boxes("".join(s.char for s in samples))
    seen = np.array([(s.mask.shape[1], s.mask.shape[0]) for s in samples], dtype=np.float32)
    scale = np.median(seen[None, :, 1] / np.maximum(1.0, boxes[:, :, 1]), axis=1)
    off = np.abs(seen[None] - scale[:, None, None] * boxes).sum(axis=2).mean(axis=1)
    order = [faces()[k] for k in np.argsort(off, kind="stable")]
    return [p for p in order if p in known][:SIFTED]


def _agree(path: str, size: int, samples: list[Sample]) -> float:
    scores = []
    for s in samples:
        rendered = glyph(path, size, s.char)
        scores.append(0.0 if rendered is None else overlap(s.mask, rendered[0]))
    return float(np.mean(scores))


def match_face(samples: list[Sample]) -> FaceMatch | None:
    """The installed face and size the samples (a role's well-read letters) agree with best."""
    chosen = [s for s in samples if samplable(s.char)]
    # Varied letters first: an "e" seen five times says less than five letters seen once.
    seen: dict[str, Sample] = {}
    for s in chosen:
        seen.setdefault(s.char, s)
    chosen = (list(seen.values()) + chosen)[:SAMPLES]
    if len(seen) < 4:
        return None
    known = [p for p in faces() if Path(p).name not in WITHHELD]
    sifted = _sifted(chosen, known)
    scored = [FaceMatch(p, _size(p, chosen), 0.0) for p in sifted]
    scored = [FaceMatch(m.path, m.size, _agree(m.path, m.size, chosen)) for m in scored]
    best = max(scored, key=lambda m: m.agree, default=None)
    if best is None:
        return None
    # The size the letters' heights point to, give or take a pixel of rounding.
    for size in (best.size - 1, best.size + 1):
        agree = _agree(best.path, size, chosen)
        if agree > best.agree:
            best = FaceMatch(best.path, size, agree)
    return best


@lru_cache(maxsize=4096)
def pair_touches(path: str, size: int, pair: str) -> bool:
    """Whether the face draws the two letters of `pair` in one piece at this size or a pixel
    either side (with its kerning): then a pair found in one piece is the face's, not merged."""
    if len(pair) != 2 or not pair.isalpha():
        return False
    for px in (size - 1, size, size + 1):
        whole, first, second = glyph(path, px, pair), glyph(path, px, pair[0]), glyph(path, px, pair[1])
        if whole is None or first is None or second is None:
            continue
        if piece_count(whole[0]) < piece_count(first[0]) + piece_count(second[0]):
            return True
    return False
