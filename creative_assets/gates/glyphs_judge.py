"""The verdict on one line's glyphs once its letters are pinned to its ink (gates/glyphs.py):
dots short, two letters in one piece, one letter in two, a piece no letter explains, a letter
whose holes its alphabet entry does not allow. Hand-written: no library judges glyph structure
against expected text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import cv2
import numpy as np

from creative_assets.gates.glyphs_align import Step, dot_ligature, hair_gap, kerned_touch, missing_dots
from creative_assets.gates.glyphs_alphabet import HOLES, LIGATURES, MARKS, PIECES
from creative_assets.gates.glyphs_own_face import face_touches
from creative_assets.gates.ink_pieces import Piece, Pieces

MAX_OFF = 2  # a line off by more than this (pieces and holes) is not one damaged letter
PINHOLE = 0.2  # of the hole area: a letter's count is checked again at this size and its inverse


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


HAIR_PX = 2.0  # px: a crumb this close to a letter was parted from it by anti-aliasing, not a cut
CRUMB = 0.5  # strokes²: a piece smaller than this, that close, is such a crumb


def _stray(pieces: Pieces, piece: Piece, hairs: bool = True) -> tuple[str, str] | None:
    """A piece no letter explains: a sliver a cut left of a letter (thinner than a stroke and
    within a stroke or so of another piece), or a stray stroke (as thick as a stroke or more:
    the bar's own width and its anti-aliased edges). None for a crumb a hair from a letter (a
    small serif face's foot at a small size): a cut is wider than a hair."""
    mask = pieces.mask(piece)
    thick = min(cv2.minAreaRect(np.argwhere(mask)[:, ::-1].astype(np.float32))[1]) / pieces.stroke
    others = np.isin(pieces.labels, [b.label for b in pieces.body if b != piece])
    near_px = float(cv2.distanceTransform((~others).astype(np.uint8), cv2.DIST_L2, 3)[mask].min())
    if hairs and near_px <= HAIR_PX and piece.area <= CRUMB * pieces.stroke**2:
        return None
    near = near_px / pieces.stroke
    if thick <= SLIVER and near <= 1.5 * SLIVER:
        return "broken_stroke", "a letter's sliver in a piece of its own"
    return "extra_stroke", "a piece no letter explains"


def hole_counts(letters: list[tuple[str, float]], steps: list[Step], pieces: Pieces) -> Counter:
    """How often each letter standing in a piece of its own shows each number of holes."""
    counts: Counter = Counter()
    for step in steps:
        if len(step.letters) == 1 and len(step.pieces) == 1:
            counts[(letters[step.letters[0]][0], pieces.holes_of(pieces.body[step.pieces[0]]))] += 1
    return counts


def dot_verdict(
    letters: list[tuple[str, float]], steps: list[Step], pieces: Pieces
) -> tuple[tuple[str, str] | None, bool]:
    """(kind, detail) of a letter short of its dots, or None; and whether the line was within
    reach (no more than MAX_OFF letters short)."""
    # An i after f or t is excused its dot only where a ligature took it: ink of a letter above
    # the i (the f's hook). A plain "ti" with no dot over the i has lost it.
    short = [
        k
        for k in missing_dots(letters, pieces)
        if not (dot_ligature(letters, k) and _ink_above(letters, steps, pieces, k))
    ]
    if len(short) > MAX_OFF:
        return None, False
    if short:
        chars = [letters[k][0] for k in short]
        one_dot = [k for k in short if MARKS.get(letters[k][0]) == 1 and not dot_ligature(letters, k)]
        joined = [letters[k][0] for k in one_dot if _ink_above(letters, steps, pieces, k)]
        if joined:
            return ("extra_stroke", f"the dot of {', '.join(joined)} joined to a stray stroke"), True
        umlaut = any(MARKS.get(c, 0) == 2 for c in chars)
        return (("missing_umlaut" if umlaut else "dotless_i"), f"no dots on {', '.join(chars)}"), True
    return None, True


def lost_letter(letters: list[tuple[str, float]], steps: list[Step]) -> bool:
    """Whether a letter has no ink at all. Damage leaves some of a letter's ink; one with none
    was lost by the ink mask (a photograph's light shapes around it), which cannot then vouch
    for the letters near it: the line is not judged by its counts."""
    return any(letters[k][0].isalnum() for step in steps if not step.pieces for k in step.letters)


def judge(
    letters: list[tuple[str, float]],
    steps: list[Step],
    pieces: Pieces,
    face: Counter | None = None,
    touches: Callable[[str, float, float], bool] = face_touches,
    hairs: bool = True,
    joined: Callable[[tuple[int, ...]], bool] | None = None,
) -> tuple[tuple[str, str] | None, bool]:
    """(kind, detail) of the defect the line shows, or None: clean, or too far off (more than
    MAX_OFF mismatches) to blame a letter rather than the background or the OCR box; and
    whether the line was within reach (its letters pinned to their ink well enough to judge).
    `letters` and `steps`: as `pinned` gives them; `face`: `hole_counts` over every line set in
    the same face and size (the role), this one included; without it, this line's. `touches`:
    whether the line's face draws a pair (at the line's x-height and stroke) in one piece;
    `hairs`: whether a hair-thin gap or crumb may be anti-aliasing (not where the line's own
    face, rendered, agrees with its ink: there a gap is a cut); `joined`: whether ink the
    face's rendering lacks joins these letters (then it, not where the join lies, tells a
    stroke across the gap from tight type)."""
    if lost_letter(letters, steps):
        return None, False
    dots, reached = dot_verdict(letters, steps, pieces)
    if dots is not None or not reached:
        return dots, reached
    found: list[tuple[str, str]] = []
    odd: dict[str, list[int]] = {}
    for step in steps:
        text = "".join(letters[i][0] for i in step.letters)
        got = [pieces.body[j] for j in step.pieces]
        if len(step.letters) == 2 and text not in LIGATURES:
            xa, xb = (letters[i][1] for i in step.letters)
            tight = kerned_touch(pieces, got[0], xa, xb) if joined is None else not joined(step.letters)
            touching = tight or touches(text, pieces.x_height, pieces.stroke)
            if not touching:
                found.append(("merged_stroke", f"“{text}” in one piece"))
        elif len(step.letters) == 1 and len(got) == 2 and PIECES.get(text, 1) < 2:
            if not (hairs and hair_gap(pieces, *got)):
                found.append(("broken_stroke", f"“{text}” in two pieces"))
        elif not step.letters:
            stray = _stray(pieces, got[0], hairs)
            if stray is not None:
                found.append(stray)
        elif got and text not in LIGATURES:  # a ligature's joins may close a gap into a hole
            want = [HOLES.get(c, (0, 0)) for c in text]
            fewest, most = sum(w[0] for w in want), sum(w[1] for w in want)
            holes = pieces.holes_of(got[0])
            # Counted again at the size that would make it right: a small face's counter is
            # tiny but closed, a serif's join leaves a pinhole; a cut opens a counter wholly,
            # a stray stroke parts it in two of a counter's size.
            again = pieces.holes_of(got[0], PINHOLE if holes < fewest else 1 / PINHOLE)
            # A small italic counter may close by a hairline anti-aliasing leaves under half
            # covered: closed in the faint ink. A cut shows the background wholly, open there too.
            faint = pieces.faint_holes_of(got[0], PINHOLE) if holes < fewest else holes
            if not any(fewest <= n <= most for n in (holes, again, faint)):
                odd.setdefault(text, []).append(holes)
    # A count off the table that the same letter shows elsewhere in its face and size is the
    # face's (a small bold serif "e" whose eye closes up): damage strikes one instance.
    seen = face if face is not None else hole_counts(letters, steps, pieces)
    for text, counts in odd.items():
        for holes in counts:
            if seen[(text, holes)] < 2:
                found.append(("holes", f"“{text}” has {holes} holes"))
    if not found or len(found) > MAX_OFF:
        return None, len(found) <= MAX_OFF
    return (found[0][0], "; ".join(f for _, f in found)), True
