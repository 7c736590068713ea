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

from creative_assets.gates.ink import ink_mask
from creative_assets.gates.ink_pieces import Piece, Pieces, find_pieces
from creative_assets.models.images import OcrLine

# Dots (marks above the x-height or cap height) per letter; other characters have none.
MARKS = {**dict.fromkeys("ijïÏ", 1), **dict.fromkeys("äöüÄÖÜëÿ", 2), **dict.fromkeys("íìîéèêáàâóòôúùûÉÈ", 1)}
# Pieces in the body of the line (dots not counted), where not one.
PIECES = {
    "%": 3,
    ":": 2,
    ";": 2,
    "!": 2,
    "?": 2,
    "=": 2,
    '"': 0,
    "'": 0,
    "“": 0,
    "”": 0,
    "‘": 0,
    "’": 0,
    "„": 2,
}
# Holes (counters) per character as (fewest, most) across ordinary faces.
HOLES: dict[str, tuple[int, int]] = {
    **{c: (1, 1) for c in "ADOPQRabdeopqäöÄÖ069"},
    **{c: (2, 2) for c in "B8%"},
    "g": (1, 2),  # single- or double-storey
    "&": (1, 2),
    "@": (1, 2),
    "4": (0, 1),  # open or closed
    "£": (0, 1),
}
# Letter pairs a font may draw as one ligature glyph; in the first group the i's dot may become
# part of it.
DOT_LIGATURES = {"fi", "ti", "fj"}
LIGATURES = DOT_LIGATURES | {"ff", "fl", "ft", "fb", "fh", "fk", "tt", "tf"}
WORD_SLACK = 2  # letters OCR may clip off a word's ends
MIN_ALIGNMENT = 85  # how well (0–100) the OCR line must match a stretch of the expected copy
MAX_OFF = 2  # a line off by more than this (pieces and holes) is not one damaged letter
MIN_X_HEIGHT = 10  # px: below, an i's dot is a pixel or two from its stem and anti-aliasing joins them
MAX_STRAYS = 2  # specks in the line's band beyond this: a busy background, not judged
MAX_BUSY = 0.2  # background variation behind the letters, of their contrast, beyond which not judged


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


def _missing_dots(letters: list[tuple[str, float]], pieces: Pieces) -> list[str]:
    """Letters that should carry dots and got fewer: each dot goes to the nearest letter that
    still needs one."""
    need = {k: MARKS.get(c, 0) for k, (c, _) in enumerate(letters)}
    for mark in sorted(pieces.marks, key=lambda m: m.x + m.w / 2):
        centre = mark.x + mark.w / 2
        wanting = [k for k, n in need.items() if n > 0]
        if wanting:
            nearest = min(wanting, key=lambda k: abs(letters[k][1] - centre))
            need[nearest] -= 1
    short = []
    for k, n in need.items():
        c = letters[k][0]
        after_ligature = k > 0 and letters[k - 1][0] + c in DOT_LIGATURES
        if n > 0 and not (after_ligature and n == MARKS.get(c, 0)):
            short.append(c)
    return short


# Costs of explaining the line's pieces by its letters (in x-heights of misplacement): a
# letter read off its piece costs its distance; these are what a letter/piece mismatch costs.
DISTANCE_WEIGHT = 2.0  # a letter read a third of an x-height off its piece costs as much as a merge
LIGATURE_COST, MERGE_COST, SPLIT_COST, STRAY_COST, MISSING_COST = 0.2, 1.0, 1.0, 1.0, 1.5


@dataclass(frozen=True)
class _Step:
    letters: tuple[int, ...]
    pieces: tuple[int, ...]
    cost: float


def _distance(x: float, piece: Piece, x_height: float) -> float:
    return DISTANCE_WEIGHT * max(piece.x - x, x - piece.right, 0.0) / x_height


def align(letters: list[tuple[str, float]], pieces: Pieces) -> list[_Step]:
    """The cheapest way to explain the body pieces (left to right) by the letters (in order):
    one piece per letter, two letters in one piece (a ligature, or a merge), a letter in two
    pieces (":" or a break), a piece no letter explains (a stray stroke)."""
    body, n, m = pieces.body, len(letters), len(pieces.body)
    xh = pieces.x_height
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[_Step | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0

    def relax(i: int, j: int, step: _Step) -> None:
        ni, nj = i + len(step.letters), j + len(step.pieces)
        if cost[i][j] + step.cost < cost[ni][nj]:
            cost[ni][nj], back[ni][nj] = cost[i][j] + step.cost, step

    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            c = letters[i][0] if i < n else ""
            parts = PIECES.get(c, 1)
            if j < m:
                relax(i, j, _Step((), (j,), STRAY_COST))
            if i < n:
                relax(i, j, _Step((i,), (), 0.0 if parts == 0 else MISSING_COST))
            if i < n and j < m:
                d = _distance(letters[i][1], body[j], xh)
                relax(i, j, _Step((i,), (j,), d + (0.5 if parts >= 2 else 0.0)))
                if j + 1 < m:
                    split = 0.0 if parts >= 2 else SPLIT_COST
                    relax(
                        i, j, _Step((i,), (j, j + 1), d + _distance(letters[i][1], body[j + 1], xh) + split)
                    )
                if i + 1 < n:
                    pair = c + letters[i + 1][0]
                    joined = LIGATURE_COST if pair in LIGATURES else MERGE_COST
                    d2 = _distance(letters[i + 1][1], body[j], xh)
                    relax(i, j, _Step((i, i + 1), (j,), d + d2 + joined))
    steps, i, j = [], n, m
    while i or j:
        step = back[i][j]
        if step is None:
            return []
        steps.append(step)
        i, j = i - len(step.letters), j - len(step.pieces)
    return steps[::-1]


TOUCH_CUT = 0.17  # of a stroke: joins thinner than this are letters touching, not a stroke


def calibrated(letters: list[tuple[str, float]], pieces: Pieces) -> list[tuple[str, float]]:
    """The letters moved by the straight-line fit of where the recogniser reads them onto the
    centres of the pieces they explain one to one: its columns sit a little off the glyphs,
    by an offset and a scale of their own."""
    pairs = [
        (letters[step.letters[0]][1], pieces.body[step.pieces[0]])
        for step in align(letters, pieces)
        if len(step.letters) == 1 and len(step.pieces) == 1
    ]
    if len(pairs) < 4:
        return letters
    xs = np.array([x for x, _ in pairs])
    centres = np.array([p.x + p.w / 2 for _, p in pairs])
    scale, offset = np.polyfit(xs, centres, 1)
    if not 0.8 <= scale <= 1.25:
        return letters
    return [(c, float(scale * x + offset)) for c, x in letters]


def _kerned_touch(pieces: Pieces, piece: Piece, xa: float, xb: float) -> bool:
    """Whether two letters in one piece merely touch as tight type does, rather than being
    joined by a stray stroke: the join is hair-thin (the piece falls into two big parts once
    joins thinner than TOUCH_CUT of a stroke are cut), or it lies on one of the type's lines —
    the cap height (T over V), the x-height (an r's arm on an f's bar) or the baseline
    (serifs) — where the thinnest column between the two letters has its ink."""
    mask = pieces.mask(piece)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    steps = max(1, round(TOUCH_CUT * pieces.stroke))
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, disc, iterations=steps)
    count, _, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    if sum(1 for k in range(1, count) if stats[k, 4] >= 0.2 * piece.area) >= 2:
        return True
    lo, hi = max(piece.x, round(min(xa, xb))), min(piece.right - 1, round(max(xa, xb)))
    if hi <= lo:
        return True
    counts = mask[:, lo : hi + 1].sum(axis=0)
    column = lo + int(np.argmin(np.where(counts > 0, counts, counts.max() + 1)))
    rows = np.nonzero(mask[:, column])[0]
    band = 0.15 * pieces.x_height
    lines = (pieces.cap_top, pieces.x_top, pieces.baseline)
    return rows.size == 0 or any(abs(float(rows.mean()) - line) <= band for line in lines)


def _hair_gap(pieces: Pieces, a: Piece, b: Piece) -> bool:
    """Whether two pieces one letter falls into join once hair-thin gaps are closed."""
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    closed = cv2.morphologyEx(pieces.mask(a, b).astype(np.uint8), cv2.MORPH_CLOSE, disc)
    return cv2.connectedComponents(closed, connectivity=8)[0] - 1 < 2


def judge(words: str, letters: list[tuple[str, float]], pieces: Pieces) -> tuple[str, str] | None:
    """(kind, detail) of the defect the line shows, or None: clean, or too far off (more than
    MAX_OFF mismatches) to blame a letter rather than the background or the OCR box."""
    if pieces.strays > MAX_STRAYS or pieces.x_height < MIN_X_HEIGHT:
        return None
    short = _missing_dots(letters, pieces)
    if len(short) > MAX_OFF:
        return None
    if short:
        umlaut = any(MARKS.get(c, 0) == 2 for c in short)
        return ("missing_umlaut" if umlaut else "dotless_i"), f"no dots on {', '.join(short)}"
    letters = calibrated(letters, pieces)
    steps = align(letters, pieces)
    # Pieces before the first letter or after the last are what OCR left off the line (it
    # drops "€"), not strays.
    explained = [k for k, step in enumerate(steps) if step.letters]
    steps = steps[explained[0] : explained[-1] + 1] if explained else []
    found: list[tuple[str, str]] = []
    for step in steps:
        text = "".join(letters[i][0] for i in step.letters)
        got = [pieces.body[j] for j in step.pieces]
        if len(step.letters) == 2 and text not in LIGATURES:
            xa, xb = (letters[i][1] for i in step.letters)
            if not _kerned_touch(pieces, got[0], xa, xb):
                found.append(("merged_stroke", f"“{text}” in one piece"))
        elif len(step.letters) == 1 and len(got) == 2 and PIECES.get(text, 1) < 2:
            if not _hair_gap(pieces, *got):
                found.append(("broken_stroke", f"“{text}” in two pieces"))
        elif not step.letters:
            found.append(("extra_stroke", "a piece no letter explains"))
        elif got:
            want = [HOLES.get(c, (0, 0)) for c in text]
            holes = pieces.holes_of(got[0])
            if not sum(w[0] for w in want) <= holes <= sum(w[1] for w in want):
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


def line_finding(
    rgb: np.ndarray, line: OcrLine, read: list[tuple[str, float]], copy: str
) -> GlyphFinding | None:
    """The glyph defect on one OCR line of a creative whose role reads `copy`, if any. `read`:
    the characters the recogniser reads on the line and where (imaging.ocr.read_chars)."""
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
    if ink is None or _busy(crop, ink, band) > MAX_BUSY:
        return None
    pieces = None if ink is None else find_pieces(ink, band)
    letters = place_letters(words, [(c, x - x0) for c, x in read])
    if pieces is None or len(letters) != sum(not c.isspace() for c in words):
        return None
    verdict = judge(words, letters, pieces)
    return None if verdict is None else GlyphFinding(verdict[0], words, line.text, verdict[1])
