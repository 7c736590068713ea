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
from collections import Counter
from dataclasses import dataclass

import cv2
import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from creative_assets.gates.glyphs_align import Step, align, calibrated
from creative_assets.gates.glyphs_clean import NEAR, face_explains
from creative_assets.gates.glyphs_faces import FaceMatch, pair_touches
from creative_assets.gates.glyphs_judge import hole_counts, judge, lost_letter
from creative_assets.gates.glyphs_own_face import face_touches
from creative_assets.gates.glyphs_render import LINE_TRUST, render_line
from creative_assets.gates.glyphs_shape import Glyph, glyphs_of
from creative_assets.gates.ink import ink_masks
from creative_assets.gates.ink_pieces import Pieces, find_pieces
from creative_assets.models.images import OcrLine

WORD_SLACK = 2  # letters OCR may clip off a word's ends
MIN_ALIGNMENT = 85  # how well (0–100) the OCR line must match a stretch of the expected copy
MIN_X_HEIGHT = 10  # px: below, an i's dot is a pixel or two from its stem and anti-aliasing joins them
MAX_STRAYS = 2  # specks in the line's band beyond this: a busy background, not judged
MAX_BUSY = 0.2  # background variation behind the letters, of their contrast, beyond which not judged
MAX_BUSY_DOTS = 0.4  # … except for their dots, up to this
MAX_BUSY_SIBLINGS = 0.1  # … and a letter is held against its siblings (gates/glyphs_shape.py) up to this
LETTER_SPAN = 1.5  # of the OCR box's height: no letter is wider or taller
HAIR = 3  # px: surroundings this close to the letters may have swallowed part of one


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


def fold(text: str, keep_case: bool = False) -> str:
    """One character for each character (positions match the original), lowercase (unless
    `keep_case`), no accents."""
    return "".join(
        (unicodedata.normalize("NFKD", c if keep_case else c.lower()) or c)[0] for c in text
    ).replace("ß", "s")


def expected_words(read: str, copy: str) -> str | None:
    """The whole words of `copy` that an OCR line reading `read` shows; None when it matches no
    stretch of the copy well enough to hold the line's glyphs against it."""
    # Where a word recurs in another case ("Warehouse … warehouse"), the stretch whose case
    # matches: a capital held against a small letter's siblings is a false stray stroke.
    # A hyphen the typesetter broke a word at is no letter of the copy ("Aufnahmege-" is not
    # "Aufnahmeges").
    shown = read.rstrip().removesuffix("-")
    span = _stretch(shown, copy)
    if span is not None and shown.count(" ") < copy[span[0] : span[1]].count(" "):
        # OCR ran words together ("mittwochsfruherinden…"): a stretch as long as the reading
        # stops short of the line's first word. Aligned on the letters alone it does not.
        keep = [k for k, c in enumerate(copy) if not c.isspace()]
        bare = _stretch(shown.replace(" ", ""), "".join(copy[k] for k in keep))
        span = span if bare is None else (keep[bare[0]], keep[bare[1] - 1] + 1)
    if span is None:
        return None
    start, end = span
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


def _stretch(shown: str, copy: str) -> tuple[int, int] | None:
    """Where in `copy` the reading `shown` matches, if well enough."""
    cased = fuzz.partial_ratio_alignment(fold(shown, keep_case=True), fold(copy, keep_case=True))
    found = cased if cased is not None and cased.score >= MIN_ALIGNMENT else None
    found = found or fuzz.partial_ratio_alignment(fold(shown), fold(copy))
    if found is None or found.score < MIN_ALIGNMENT or found.dest_end <= found.dest_start:
        return None
    return found.dest_start, found.dest_end


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


def _without_surroundings(ink: np.ndarray, band: tuple[int, int]) -> np.ndarray:
    """The ink less what surrounds the line rather than being part of it: a piece that runs
    off the crop's edge and is larger than any letter (the picture around a panel or button
    when it has the text's colour: it reaches into the line's band beside the letters). Kept
    when it comes within a hair of the letters: what it swallowed (a dot, a stroke's end) would
    go with it, and the line is judged as it is."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    height, width = ink.shape
    tall = band[1] - band[0]
    around = np.zeros_like(ink, dtype=bool)
    for k in range(1, count):
        x, y, w, h = (int(v) for v in stats[k, :4])
        edge = x == 0 or y == 0 or x + w == width or y + h == height
        if edge and (w > LETTER_SPAN * tall or h > LETTER_SPAN * tall):
            around |= labels == k
    if not around.any():
        return ink
    rest = ink & ~around
    near = cv2.dilate(around.astype(np.uint8), np.ones((2 * HAIR + 1, 2 * HAIR + 1), np.uint8)) > 0
    return ink if (near & rest).any() else rest


@dataclass(frozen=True)
class LineGlyphs:
    """One line's verdict and its letters pinned to their ink, for the comparison of each
    letter with its siblings on the other lines of its role (gates/glyphs_shape.py)."""

    words: str
    read: str
    verdict: tuple[str, str] | None
    glyphs: list[Glyph]


@dataclass(frozen=True)
class MeasuredLine:
    """One line's letters pinned to its ink, before the verdict."""

    words: str
    read: str
    letters: list[tuple[str, float]]
    steps: list[Step]
    pieces: Pieces
    busy: float
    index: int

    def holes(self) -> Counter:
        return hole_counts(self.letters, self.steps, self.pieces)


def measure_line(
    rgb: np.ndarray, line: OcrLine, read: list[tuple[str, float]], copy: str, index: int = 0
) -> MeasuredLine | None:
    """One OCR line of a creative whose role reads `copy`, its letters pinned to its ink; None
    when the line cannot be measured. `read`: the characters the recogniser reads on the line
    and where (imaging.ocr.read_chars); `index`: the line's number in its role."""
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
    y1, x1 = min(height, bottom + tall // 4), min(width, right + tall // 4)
    crop = rgb[y0:y1, x0:x1]
    band = (top - y0, bottom - y0)
    # The background behind each pixel is judged with the picture beside the crop in view: a
    # strip of the picture that the crop's edge cuts narrow (beside a tight panel) would otherwise
    # look like a stroke of light ink.
    px0 = max(0, x0 - tall)
    wide = ink_masks(rgb[y0:y1, px0 : min(width, x1 + tall)], band, (x0 - px0, x1 - px0))
    ink, faint = (None, None) if wide is None else (m[:, x0 - px0 : x1 - px0] for m in wide)
    busy = 0.0 if ink is None else _busy(crop, ink, band)
    if ink is None or busy > MAX_BUSY_DOTS:
        return None
    pieces = find_pieces(_without_surroundings(ink, band), band, faint)
    letters = place_letters(words, [(c, x - x0) for c, x in read])
    if pieces is None or len(letters) != sum(not c.isspace() for c in words) or not measurable(pieces):
        return None
    letters, steps = pinned(letters, pieces)
    if any(p.h > LETTER_SPAN * tall for p in pieces.body):
        # The picture runs through the line (a brick wall's mortar joining two letters): its
        # pieces are the picture's too, judged as a busy line is, by the dots alone.
        busy = max(busy, MAX_BUSY_DOTS)
    return MeasuredLine(words, line.text, letters, steps, pieces, busy, index)


def verdict_of(
    line: MeasuredLine,
    face: Counter | None = None,
    match: FaceMatch | None = None,
    near: FaceMatch | None = None,
) -> LineGlyphs:
    """The glyph defect on a measured line, if any, and its letters. `face`: the hole counts of
    every line of its role (`MeasuredLine.holes`), this one included; `match`: the installed
    face its role is set in (gates/glyphs_render.role_face), if one agrees with its letters;
    `near`: the face its role's letters agree with best, however well (a finding its clean
    rendering shows too is excused once the agreement reaches NEAR)."""
    rendered = None if match is None else render_line(line.letters, line.steps, line.pieces, match)
    if rendered is not None and rendered.agree >= LINE_TRUST:
        # Held against the face's own letters, the strokes need no counts or siblings: a face's
        # touching serifs are in its rendering, a cut that leaves one piece still lacks ink.
        # The counts still judge, with the matched face telling which pairs it draws touching.
        def touches(pair: str, x_height: float, stroke: float) -> bool:
            return pair_touches(match.path, match.size, pair) or face_touches(pair, x_height, stroke)

        verdict, reached = judge(
            line.letters, line.steps, line.pieces, face, touches, hairs=False, joined=rendered.joins
        )
        if verdict is not None and face_explains(match, line.words, verdict, line.letters, line.pieces):
            verdict = None  # the face's own: its clean rendering shows it too
        if verdict is None and line.busy <= MAX_BUSY and not lost_letter(line.letters, line.steps):
            # Also where the counts are too far off to judge (an italic's letters touching
            # throughout), not where the ink lost a letter: the rendering says where strokes differ.
            drawn = rendered.verdict("".join(c for c, _ in line.letters))
            if drawn is not None:
                return LineGlyphs(line.words, line.read, drawn, [])
        dots = verdict is not None and verdict[0] in ("dotless_i", "missing_umlaut")
        keep = reached and (line.busy <= MAX_BUSY or dots)
        return LineGlyphs(line.words, line.read, verdict if keep else None, [])
    verdict, reached = judge(line.letters, line.steps, line.pieces, face)
    excusable = verdict is not None and near is not None and near.agree >= NEAR
    if excusable and face_explains(near, line.words, verdict, line.letters, line.pieces):
        verdict = None  # the face's own, as far as a face this near can tell
    if not reached:  # letters that far off their ink are no siblings to hold others against
        return LineGlyphs(line.words, line.read, None, [])
    # The texture frays the strokes' edges; dots stay apart from it. So does a line whose ink
    # its role's face, trusted on the role's letters, cannot be laid over: the picture's shapes
    # are in its ink (one damaged letter moves the agreement far less).
    if line.busy > MAX_BUSY or rendered is not None:
        dots = verdict is not None and verdict[0] in ("dotless_i", "missing_umlaut")
        return LineGlyphs(line.words, line.read, verdict if dots else None, [])
    # A stroke's worth of ink beyond a letter's siblings is within what a photograph's texture
    # behind the line adds to some letter's edges once it varies half as much as MAX_BUSY allows.
    calm = line.busy <= MAX_BUSY_SIBLINGS
    glyphs = glyphs_of(line.letters, line.steps, line.pieces, line.index) if calm else []
    return LineGlyphs(line.words, line.read, verdict, glyphs)


def line_glyphs(
    rgb: np.ndarray, line: OcrLine, read: list[tuple[str, float]], copy: str, index: int = 0
) -> LineGlyphs | None:
    """The glyph defect on one OCR line, judged on its own, and its letters; None when the line
    cannot be measured."""
    measured = measure_line(rgb, line, read, copy, index)
    return None if measured is None else verdict_of(measured)
