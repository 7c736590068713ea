"""Glyph damage OCR reads past: a lost i-dot or umlaut, a broken, merged or extra stroke.

A recogniser is trained to read damaged letters as the letters they were meant to be, so it
cannot vouch for them. What a letter is made of barely depends on the font, though: in any
ordinary Latin face an "i" is a stem under a dot, an "ü" a body under two dots, an "o" one piece
around one hole. So each line OCR found is cut out, its ink separated from the background
(gates/ink.py) and split into pieces (gates/ink_pieces.py), and held against what the expected
words are made of:

- every dot above the x-height is given to the nearest letter that should have one (the
  recogniser says where each letter is read); a letter left short has lost its dot or umlaut;
- a line has as many pieces as its letters have, less the ligatures the font actually draws
  (fi, fl, ft, ti …: two letters read inside one piece); fewer is two letters run together,
  more a letter broken apart or a stray stroke;
- the letters' holes (counters) add up, as far as faces agree on them (a "g" has one or two).

One damaged letter moves these counts by one or two; a line off by more than that is not judged
(a busy background defeated the ink, or OCR cut the line oddly): the reading gate covers gross
errors. Hand-written because no library measures glyph structure against expected text; OpenCV
does the counting.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from creative_assets.gates.glyphs_align import Step, align, calibrated, hair_gap, kerned_touch, missing_dots
from creative_assets.gates.glyphs_alphabet import HOLES, LIGATURES, MARKS, PIECES
from creative_assets.gates.glyphs_shape import Glyph, glyphs_of
from creative_assets.gates.ink import ink_mask
from creative_assets.gates.ink_pieces import Piece, Pieces, find_pieces
from creative_assets.models.images import OcrLine

WORD_SLACK = 2  # letters OCR may clip off a word's ends
MIN_ALIGNMENT = 85  # how well (0–100) the OCR line must match a stretch of the expected copy
MAX_OFF = 2  # a line off by more than this (pieces and holes) is not one damaged letter
MIN_X_HEIGHT = 10  # px: below, an i's dot is a pixel or two from its stem and anti-aliasing joins them
MAX_STRAYS = 2  # specks in the line's band beyond this: a busy background, not judged
MAX_BUSY = 0.2  # background variation behind the letters, of their contrast, beyond which not judged
MAX_BUSY_DOTS = 0.4  # … except for their dots, up to this


@dataclass(frozen=True)
class GlyphFinding:
    kind: str  # one of KINDS
    text: str  # the expected words on that line
    read: str  # what OCR read there
    detail: str  # what was counted, for the evidence

    def sentence(self) -> str:
        return f"in “{self.text}” {KINDS[self.kind]} ({self.detail})"


KINDS = {
    "dotless_i": "an i or j has lost its dot",
    "missing_umlaut": "an umlaut has lost its dots",
    "merged_stroke": "two letters run into each other",
    "broken_stroke": "a letter is broken apart or has a stray stroke",
    "extra_stroke": "a letter has a stray mark",
    "holes": "a letter is broken open or filled in",
}


def fold(text: str) -> str:
    """One character for each character (positions match the original), lowercase, no accents."""
    return "".join((unicodedata.normalize("NFKD", c.lower()) or c)[0] for c in text).replace("ß", "s")


def expected_words(read: str, copy: str) -> str | None:
    """The whole words of `copy` that an OCR line reading `read` shows; None when it matches no
    stretch of the copy well enough to hold the line's glyphs against it."""
    found = fuzz.partial_ratio_alignment(fold(read), fold(copy))
    if found is None or found.score < MIN_ALIGNMENT:
        return None
    start, end = found.dest_start, found.dest_end
    while start < end and copy[start].isspace():
        start += 1
    while end > start and copy[end - 1].isspace():
        end -= 1
    # Out to whole words where OCR clipped a letter or two; not across a line break the
    # typesetter hyphenated ("Inten-" / "sivstation"): the rest of that word is on another line.
    head, tail = start, end
    while head > 0 and not copy[head - 1].isspace():
        head -= 1
    while tail < len(copy) and not copy[tail].isspace():
        tail += 1
    start = head if start - head <= WORD_SLACK else start
    end = tail if tail - end <= WORD_SLACK and not read.rstrip().endswith("-") else end
    return copy[start:end].strip() or None


def place_letters(words: str, read: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Each non-space character of `words` with the x where the recogniser read it (aligned
    character by character; letters it misread or skipped get the x between their neighbours)."""
    wanted = [c for c in words if not c.isspace()]
    got = [(c, x) for c, x in read if not c.isspace()]
    if not got:
        return []
    xs: list[float | None] = [None] * len(wanted)
    for op in Levenshtein.opcodes(fold("".join(wanted)), fold("".join(c for c, _ in got))):
        if op.tag in ("equal", "replace"):
            for k in range(min(op.src_end - op.src_start, op.dest_end - op.dest_start)):
                xs[op.src_start + k] = got[op.dest_start + k][1]
    known = [(k, x) for k, x in enumerate(xs) if x is not None]
    if not known:
        return []
    index, values = zip(*known, strict=True)
    filled = np.interp(np.arange(len(wanted)), index, values)
    return list(zip(wanted, (float(x) for x in filled), strict=True))


def pinned(letters: list[tuple[str, float]], pieces: Pieces) -> tuple[list[tuple[str, float]], list[Step]]:
    """The letters calibrated onto the pieces and the alignment of the two, less the pieces
    before the first letter or after the last: what OCR left off the line (it drops "€"), not
    strays."""
    letters = calibrated(letters, pieces)
    steps = align(letters, pieces)
    explained = [k for k, step in enumerate(steps) if step.letters]
    return letters, (steps[explained[0] : explained[-1] + 1] if explained else [])


def measurable(pieces: Pieces) -> bool:
    return pieces.strays <= MAX_STRAYS and pieces.x_height >= MIN_X_HEIGHT


def _ink_above(letters: list[tuple[str, float]], steps: list[Step], pieces: Pieces, k: int) -> bool:
    """Whether the letter `k`, short of a dot, has ink where the dot belongs (above the
    x-height, over its own body): its dot is there, joined to a stray stroke, not lost."""
    step = next((s for s in steps if k in s.letters), None)
    if step is None or len(step.pieces) != 1:
        return False
    piece = pieces.body[step.pieces[0]]
    # Its own columns; within a piece it shares (joined to a neighbour), those near where it is read.
    x = letters[k][1]
    half = piece.w / 2 if len(step.letters) == 1 else 0.2 * pieces.x_height
    left, right = max(piece.x, round(x - half)), min(piece.right, round(x + half) + 1)
    top = max(0, round(pieces.cap_top - 0.3 * pieces.x_height))
    bottom = round(pieces.x_top - 0.25 * pieces.x_height)
    if bottom <= top or right <= left:
        return False
    above = pieces.labels[top:bottom, left:right]
    return bool(np.isin(above, [b.label for b in pieces.body]).any())


SLIVER = 1.2  # of a stroke: a stray piece no thicker, close by a letter, was cut off that letter


def _stray(pieces: Pieces, piece: Piece) -> tuple[str, str]:
    """A piece no letter explains: a sliver a cut left of a letter (thinner than a stroke and
    within a stroke or so of another piece), or a stray stroke (as thick as a stroke or more:
    the bar's own width and its anti-aliased edges)."""
    mask = pieces.mask(piece)
    thick = min(cv2.minAreaRect(np.argwhere(mask)[:, ::-1].astype(np.float32))[1]) / pieces.stroke
    others = np.isin(pieces.labels, [b.label for b in pieces.body if b != piece])
    near = cv2.distanceTransform((~others).astype(np.uint8), cv2.DIST_L2, 3)[mask].min() / pieces.stroke
    if thick <= SLIVER and near <= 1.5 * SLIVER:
        return "broken_stroke", "a letter's sliver in a piece of its own"
    return "extra_stroke", "a piece no letter explains"


def judge(letters: list[tuple[str, float]], steps: list[Step], pieces: Pieces) -> tuple[str, str] | None:
    """(kind, detail) of the defect the line shows, or None: clean, or too far off (more than
    MAX_OFF mismatches) to blame a letter rather than the background or the OCR box. `letters`
    and `steps`: as `pinned` gives them."""
    short = missing_dots(letters, pieces)
    if len(short) > MAX_OFF:
        return None
    if short:
        chars = [letters[k][0] for k in short]
        one_dot = [k for k in short if MARKS.get(letters[k][0]) == 1]
        joined = [letters[k][0] for k in one_dot if _ink_above(letters, steps, pieces, k)]
        if joined:
            return "extra_stroke", f"the dot of {', '.join(joined)} joined to a stray stroke"
        umlaut = any(MARKS.get(c, 0) == 2 for c in chars)
        return ("missing_umlaut" if umlaut else "dotless_i"), f"no dots on {', '.join(chars)}"
    found: list[tuple[str, str]] = []
    odd: dict[str, list[int]] = {}
    seen: dict[str, list[int]] = {}
    for step in steps:
        text = "".join(letters[i][0] for i in step.letters)
        got = [pieces.body[j] for j in step.pieces]
        if len(step.letters) == 2 and text not in LIGATURES:
            xa, xb = (letters[i][1] for i in step.letters)
            if not kerned_touch(pieces, got[0], xa, xb):
                found.append(("merged_stroke", f"“{text}” in one piece"))
        elif len(step.letters) == 1 and len(got) == 2 and PIECES.get(text, 1) < 2:
            if not hair_gap(pieces, *got):
                found.append(("broken_stroke", f"“{text}” in two pieces"))
        elif not step.letters:
            found.append(_stray(pieces, got[0]))
        elif got:
            want = [HOLES.get(c, (0, 0)) for c in text]
            holes = pieces.holes_of(got[0])
            if not sum(w[0] for w in want) <= holes <= sum(w[1] for w in want):
                odd.setdefault(text, []).append(holes)
    # A count off the table that the same letter shows elsewhere on the line is the face's (a
    # small bold serif "e" whose eye closes up): damage strikes one instance.
    for step in steps:
        text = "".join(letters[i][0] for i in step.letters)
        if text in odd and len(step.letters) == 1 and len(step.pieces) == 1:
            seen.setdefault(text, []).append(pieces.holes_of(pieces.body[step.pieces[0]]))
    for text, counts in odd.items():
        for holes in counts:
            if seen.get(text, []).count(holes) < 2:
                found.append(("holes", f"“{text}” has {holes} holes"))
    if not found or len(found) > MAX_OFF:
        return None
    return found[0][0], "; ".join(f for _, f in found)


def _busy(crop: np.ndarray, ink: np.ndarray, band: tuple[int, int]) -> float:
    """How much the background behind the line varies, against how far the ink stands out from
    it: a photograph's texture right behind the letters bleeds into their ink."""
    rows = slice(band[0], band[1])
    near = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)[rows]
    grey = crop[rows].astype(np.float32).mean(axis=2)
    behind, letters = grey[~near], grey[ink[rows]]
    if behind.size < 16 or letters.size < 16:
        return 0.0
    return float(behind.std() / max(1.0, abs(float(np.median(letters)) - float(np.median(behind)))))


@dataclass(frozen=True)
class LineGlyphs:
    """One line's verdict and its letters pinned to their ink, for the comparison of each
    letter with its siblings on the other lines of its role (gates/glyphs_shape.py)."""

    words: str
    read: str
    verdict: tuple[str, str] | None
    glyphs: list[Glyph]


def line_glyphs(
    rgb: np.ndarray, line: OcrLine, read: list[tuple[str, float]], copy: str, index: int = 0
) -> LineGlyphs | None:
    """The glyph defect on one OCR line of a creative whose role reads `copy`, if any, and its
    letters; None when the line cannot be measured. `read`: the characters the recogniser
    reads on the line and where (imaging.ocr.read_chars); `index`: the line's number in its role."""
    words = expected_words(line.text, copy)
    if words is None:
        return None
    height, width = rgb.shape[:2]
    left, top, right, bottom = line.box.to_pixels(width, height)
    tall = bottom - top
    if tall < 8:
        return None
    # Room above for the dots of capitals (Ü) the detector's box may cut off.
    y0, x0 = max(0, top - tall // 2), max(0, left - tall // 4)
    crop = rgb[y0 : min(height, bottom + tall // 4), x0 : min(width, right + tall // 4)]
    band = (top - y0, bottom - y0)
    ink = ink_mask(crop, band)
    busy = 0.0 if ink is None else _busy(crop, ink, band)
    if ink is None or busy > MAX_BUSY_DOTS:
        return None
    pieces = find_pieces(ink, band)
    letters = place_letters(words, [(c, x - x0) for c, x in read])
    if pieces is None or len(letters) != sum(not c.isspace() for c in words) or not measurable(pieces):
        return None
    letters, steps = pinned(letters, pieces)
    verdict = judge(letters, steps, pieces)
    if busy > MAX_BUSY:  # the texture frays the strokes' edges; dots stay apart from it
        dots = verdict is not None and verdict[0] in ("dotless_i", "missing_umlaut")
        return LineGlyphs(words, line.text, verdict if dots else None, [])
    return LineGlyphs(words, line.text, verdict, glyphs_of(letters, steps, pieces, index))


def line_finding(
    rgb: np.ndarray, line: OcrLine, read: list[tuple[str, float]], copy: str
) -> GlyphFinding | None:
    """The glyph defect on one OCR line alone (without its role's other lines)."""
    found = line_glyphs(rgb, line, read, copy)
    if found is None or found.verdict is None:
        return None
    return GlyphFinding(found.verdict[0], found.words, found.read, found.verdict[1])
