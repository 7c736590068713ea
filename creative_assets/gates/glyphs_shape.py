"""Letters held against their own siblings: a stray stroke that stays attached to its letter
changes no count of pieces or holes, only the letter's shape.

A clean rendering to compare a letter with needs the very face, size and weight it was set in,
which a creative from any source does not name; but copy repeats its letters, and every "t" of
a headline is the same glyph. So each letter the alignment (gates/glyphs_align.py) pins to its
ink — a piece of its own, or its half of a piece two letters share, cut at their thinnest
column — is laid over the other instances of the same character in the same role (same x-height
and stroke), aligned on the baseline and shifted to fit best; ink one instance has beyond the
others that survives an opening with a disc half a stroke wide (anti-aliasing and sub-pixel
placement leave only hair-thin differences) is a stray stroke when it covers SURPLUS strokes².
Hand-written because no library compares glyph instances; NumPy and OpenCV do the pixel work.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from creative_assets.gates.glyphs_align import Step
from creative_assets.gates.glyphs_alphabet import LIGATURES, TRIPLE_LIGATURES
from creative_assets.gates.glyphs_own_face import face_touches
from creative_assets.gates.ink_pieces import Pieces

SHIFT = 2  # px either way the instances are shifted to fit (sub-pixel placement, rounding)
SURPLUS = 1.0  # strokes² of ink one instance has beyond its siblings: a stray stroke
OPEN_OF_STROKE = 0.5  # differences thinner than this (of a stroke) are anti-aliasing
SIBLINGS = 4  # each instance is compared with at most this many others (CPU)
MERGE_SHARE = 0.25  # of SURPLUS: a neighbour's share of a bar across the gap
SAME_SIZE = 0.12  # x-heights this close (relative) are the same type size


@dataclass(frozen=True)
class Glyph:
    char: str
    mask: np.ndarray  # the letter's ink, cropped to its bounding box
    top: int  # the mask's first row, from the line's baseline (negative: above it)
    stroke: float
    x_height: float
    line: int  # which line of the role it sits on
    pair: int = -1  # the step whose piece it shares with a touching neighbour, if cut from one
    whole_pair: bool = False  # a pair the face draws touching, kept whole (char: its two letters)


def _cropped(mask: np.ndarray, baseline: float) -> tuple[np.ndarray, int] | None:
    rows, cols = np.nonzero(mask)
    if rows.size == 0:
        return None
    return mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1], int(rows.min() - round(baseline))


def glyphs_of(letters: list[tuple[str, float]], steps: list[Step], pieces: Pieces, line: int) -> list[Glyph]:
    """The letters of one line pinned to their own ink: one letter in one piece (or in two a
    hair apart), each of two touching letters cut at their thinnest column, a ligature whole."""
    out: list[Glyph] = []

    def add(char: str, mask: np.ndarray, pair: int = -1, whole: bool = False) -> None:
        cropped = _cropped(mask, pieces.baseline)
        if cropped is not None and char.isalnum():
            out.append(Glyph(char, cropped[0], cropped[1], pieces.stroke, pieces.x_height, line, pair, whole))

    # A three-letter ligature (ffi) is one glyph the pairs' alignment cannot hold whole: its
    # letters have no siblings of their shape.
    text = "".join(c for c, _ in letters)
    tripled = {k + n for k in range(len(text) - 2) if text[k : k + 3] in TRIPLE_LIGATURES for n in range(3)}
    for k, step in enumerate(steps):
        got = [pieces.body[j] for j in step.pieces]
        if tripled.intersection(step.letters):
            continue
        if len(step.letters) == 1 and got:
            add(letters[step.letters[0]][0], pieces.mask(*got))
        elif len(step.letters) == 2 and len(got) == 1:
            mask = pieces.mask(got[0])
            (a, xa), (b, xb) = (letters[i] for i in step.letters)
            if a + b in LIGATURES:  # one glyph of its own: held against the same pair only
                add(a + b, mask)
                continue
            # A pair the face itself draws touching stays whole: where its letters meet is the
            # face's, not the thinnest column; each letter's siblings are laid over its own side.
            if face_touches(a + b, pieces.x_height, pieces.stroke):
                add(a + b, mask, whole=True)
                continue
            lo, hi = max(got[0].x, round(min(xa, xb))), min(got[0].right - 1, round(max(xa, xb)))
            if hi <= lo:
                continue
            counts = mask[:, lo : hi + 1].sum(axis=0)
            cut = lo + int(np.argmin(counts))
            left, right = mask.copy(), mask.copy()
            left[:, cut:] = False
            right[:, :cut] = False
            add(a, left, pair=k)
            add(b, right, pair=k)
    return out


def surplus(a: Glyph, b: Glyph) -> float:
    """Ink of `a` beyond `b` (in strokes², after the opening), at the best fit of the two on
    the baseline."""
    ha, wa = a.mask.shape
    hb, wb = b.mask.shape
    pad = max(wa, wb) + SHIFT + 1
    top = min(a.top, b.top) - SHIFT
    rows = max(a.top + ha, b.top + hb) + SHIFT - top
    canvas_a = np.zeros((rows, 2 * pad + wa), bool)
    canvas_a[a.top - top : a.top - top + ha, pad : pad + wa] = a.mask
    best: tuple[int, np.ndarray] | None = None
    centre = pad + (wa - wb) // 2
    for dx in range(-SHIFT, SHIFT + 1):
        for dy in (-1, 0, 1):
            canvas_b = np.zeros_like(canvas_a)
            y, x = b.top - top + dy, centre + dx
            canvas_b[y : y + hb, x : x + wb] = b.mask
            diff = np.count_nonzero(canvas_a ^ canvas_b)
            if best is None or diff < best[0]:
                best = diff, canvas_a & ~canvas_b
    assert best is not None
    return _opened_surplus(best[1], a.stroke)


def _opened_surplus(extra: np.ndarray, stroke: float) -> float:
    side = max(2, round(OPEN_OF_STROKE * stroke))
    opened = cv2.morphologyEx(extra.astype(np.uint8), cv2.MORPH_OPEN, np.ones((side, side), np.uint8))
    return float(np.count_nonzero(opened)) / max(1.0, stroke**2)


def pair_surplus(whole: Glyph, a: Glyph, b: Glyph) -> float:
    """Ink of a touching pair kept whole beyond a sibling of each of its letters, laid over the
    pair from its left and its right edge on the baseline and shifted to fit (strokes², after
    the opening)."""
    h, w = whole.mask.shape
    pad = max(w, a.mask.shape[1], b.mask.shape[1]) + SHIFT + 1
    top = min(whole.top, a.top, b.top) - SHIFT - 1
    rows = max(whole.top + h, a.top + a.mask.shape[0], b.top + b.mask.shape[0]) + SHIFT + 1 - top
    canvas = np.zeros((rows, w + 2 * pad), bool)
    canvas[whole.top - top : whole.top - top + h, pad : pad + w] = whole.mask
    best: tuple[int, np.ndarray] | None = None
    for dy in (-1, 0, 1):
        for da in range(-SHIFT, SHIFT + 1):
            for db in range(-SHIFT, SHIFT + 1):
                laid = np.zeros_like(canvas)
                for sib, x, d in ((a, pad, da), (b, pad + w - b.mask.shape[1], db)):
                    y = sib.top - top + dy
                    laid[y : y + sib.mask.shape[0], x + d : x + d + sib.mask.shape[1]] |= sib.mask
                diff = np.count_nonzero(canvas ^ laid)
                if best is None or diff < best[0]:
                    best = diff, canvas & ~laid
    assert best is not None
    return _opened_surplus(best[1], whole.stroke)


def _alike(o: Glyph, glyph: Glyph, char: str) -> bool:
    return (
        o is not glyph
        and o.char == char
        and abs(o.x_height - glyph.x_height) <= SAME_SIZE * glyph.x_height
        and abs(o.stroke - glyph.stroke) <= 0.25 * glyph.stroke
    )


def excess(glyph: Glyph, glyphs: list[Glyph]) -> float | None:
    """Ink `glyph` has beyond most of its siblings of the same character and size (strokes²);
    None when it has none."""
    siblings = [o for o in glyphs if _alike(o, glyph, glyph.char)][:SIBLINGS]
    if not siblings and glyph.whole_pair:  # a touching pair seen once: its letters' siblings
        firsts = [o for o in glyphs if _alike(o, glyph, glyph.char[0])]
        seconds = [o for o in glyphs if _alike(o, glyph, glyph.char[1])]
        pairs = list(zip(firsts, seconds, strict=False))[:SIBLINGS]
        if not pairs:
            return None
        extra = sorted(pair_surplus(glyph, a, b) for a, b in pairs)
        return extra[(len(extra) - 1) // 2] if len(extra) > 2 else extra[0]
    if not siblings:
        return None
    extra = sorted(surplus(glyph, o) for o in siblings)
    # Beyond most siblings: with two, either may be the odd one, and the line is damaged.
    return extra[(len(extra) - 1) // 2] if len(extra) > 2 else extra[0]


def odd_glyph(glyphs: list[Glyph]) -> tuple[str, Glyph, float] | None:
    """(kind, instance, strokes²) of the instance with the most ink beyond its siblings, when
    that is a stray stroke's worth: a merged stroke when it was cut from a piece it shares with
    a neighbour that has surplus ink too (a bar across the gap gives each half some), else an
    extra stroke. None when every letter matches its siblings (or has none)."""
    scored = [(g, excess(g, glyphs)) for g in glyphs]
    worst = max(((g, e) for g, e in scored if e is not None), key=lambda ge: ge[1], default=None)
    if worst is None or worst[1] < SURPLUS:
        return None
    glyph, score = worst
    partner = next((e for g, e in scored if g.pair == glyph.pair >= 0 and g is not glyph), None)
    merged = partner is not None and partner >= MERGE_SHARE * SURPLUS
    return ("merged_stroke" if merged else "extra_stroke"), glyph, score
