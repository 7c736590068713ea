"""A line's ink held against a clean rendering of its expected letters in the role's face
(gates/glyphs_faces.py): ink the rendering has and the line lacks is a cut (a broken stroke),
ink the line has and no rendered letter explains is a stray stroke (a merge when it reaches two
letters). A face's own touching serifs, hairlines and ligature joins are in the rendering, so
they are not blamed; a cut that leaves the letter one piece still lacks ink.

Each expected letter is rendered alone and laid where its ink fits best (the squared
difference over its box, within a third of an x-height of where the recogniser read it, on the
baseline): letter spacing and kerning need not match. Dots and umlauts are the dot check's
(gates/glyphs_align.py): the rendering above a letter's body is left out, and so are the
marks of the ink. Hand-written for the reason glyphs_faces.py gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw

from creative_assets.gates.glyphs_align import Step
from creative_assets.gates.glyphs_alphabet import LIGATURES, MARKS, TRIPLE_LIGATURES
from creative_assets.gates.glyphs_faces import FaceMatch, Sample, font, glyph, match_face
from creative_assets.gates.ink_pieces import Pieces

MISSING = 0.1  # strokes² of rendered ink the line lacks, after the opening: a cut
SURPLUS = 0.45  # strokes² of ink no rendered letter explains, after the opening: a stray stroke
JOIN = 0.1  # strokes² of such ink reaching two letters in one piece: a stroke joins them
OPEN_MISSING = 0.3  # of a stroke: thinner differences are anti-aliasing and sub-pixel placement
OPEN_SURPLUS = 0.5
REACH = 0.35  # of an x-height: how far from where it was read a letter may be laid
TRUST = 0.93  # agreement of a role's letters with the matched face needed to judge by it …
CLOSE = 0.955  # … and either this much, or
DRIFT = 0.115  # px: at most this mean misfit along the letters' edges (a thin face's misfit of a
# pixel costs more of its agreement than a bold one's: a near face drifts further than the face)
LINE_TRUST = 0.85  # … and of a line's ink with its rendering (a line laid off its letters is not)


@dataclass(frozen=True)
class Rendered:
    agree: float  # intersection over union of the line's letter ink and its rendering
    missing: list[tuple[int, float]]  # (letter, strokes²) of rendered ink the line lacks
    surplus: list[tuple[tuple[int, ...], float]]  # (letters it reaches, strokes²) of ink unexplained

    def joins(self, letters: tuple[int, ...]) -> bool:
        """Whether ink no rendered letter explains reaches these letters (a bar across a gap)."""
        return any(set(letters) <= set(near) and area >= JOIN for near, area in self.surplus)

    def verdict(self, letters: str = "") -> tuple[str, str] | None:
        """(kind, detail) of the worst difference, if any; `letters`: the line's letters (no
        spaces), to name the one blamed."""

        def named(k: int) -> str:
            return f"“{letters[k]}” " if 0 <= k < len(letters) else ""

        worst_cut = max(self.missing, key=lambda m: m[1], default=None)
        worst_stray = max(self.surplus, key=lambda s: s[1], default=None)
        if worst_stray is not None and worst_stray[1] >= SURPLUS:
            near, area = worst_stray
            kind = "merged_stroke" if len(near) >= 2 else "extra_stroke"
            by = "".join(named(k) for k in near)
            return kind, f"{by}with {area:.1f} strokes² of ink the face's letters lack"
        if worst_cut is not None and worst_cut[1] >= MISSING:
            cut = f"{worst_cut[1]:.1f} strokes²"
            return "broken_stroke", f"{named(worst_cut[0])}short of {cut} of the face's ink"
        return None


def _body_top(path: str, size: int, char: str) -> int:
    """The row (from the baseline) above which a letter's marks lie: its x-height or cap height."""
    probe = "H" if char.isupper() else "x"
    return font(path, size).getbbox(probe, anchor="ls")[1]


def _laid(ink: np.ndarray, rendered: np.ndarray, left: int, top: int, reach: int) -> tuple[int, int, float]:
    """Where (left, top) the rendering fits the (padded) ink best: within `reach` px across and
    2 px up or down, the least squared difference over its box; of two equal fits, the nearer
    to where the letter was read (an i's stem fits the stem of the n beside it as well)."""
    h, w = rendered.shape
    window = ink[top - 2 : top + h + 2, left - reach : left + w + reach].astype(np.float32)
    diff = cv2.matchTemplate(window, rendered.astype(np.float32), cv2.TM_SQDIFF)
    diff += np.abs(np.arange(diff.shape[1], dtype=np.float32) - reach)[None, :]
    dy, dx = np.unravel_index(int(np.argmin(diff)), diff.shape)
    return left - reach + int(dx), top - 2 + int(dy), float(diff[dy, dx])


def _rendered(face: FaceMatch, char: str) -> tuple[np.ndarray, int] | None:
    """A letter's rendering and its top row from the baseline; of a dotted letter, its body."""
    got = glyph(face.path, face.size, char)
    if got is None:
        return None
    mask, _, top = got
    if MARKS.get(char):  # the dot check judges the marks: only the body is compared
        keep = max(0, _body_top(face.path, face.size, char) - 1 - top)
        mask = mask.copy()
        mask[:keep] = False
    elif len(char) > 1 and any(MARKS.get(c) for c in char) and draws_ligature(face.path, face.size, char):
        # A ligature's dot (the i of "ti"): not its rows, which the t's ascender shares, but the
        # pieces wholly above the x-height; the ink it is laid on has no marks either.
        mask = _without_dots(mask, _body_top(face.path, face.size, "x") - top)
    return mask, top


def _without_dots(mask: np.ndarray, body: int) -> np.ndarray:
    """`mask` less its pieces that end above row `body`."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = mask.copy()
    for k in range(1, count):
        if stats[k, cv2.CC_STAT_TOP] + stats[k, cv2.CC_STAT_HEIGHT] <= body:
            keep[labels == k] = False
    return keep


def _starts(
    letters: list[tuple[str, float]],
    steps: list[Step],
    pieces: Pieces,
    rendered: dict[int, tuple[np.ndarray, int] | None],
) -> dict[int, int]:
    """Where each letter's rendering starts (its left column) before it is laid to fit: over
    the pieces the alignment gave it (the left and right ends of a piece two letters share),
    else where the recogniser read it (its columns drift where it skipped a letter: "Hul")."""
    width = {k: (got[0].shape[1] if got is not None else 0) for k, got in rendered.items()}
    starts = {k: round(x - width[k] / 2) for k, (_, x) in enumerate(letters)}
    for step in steps:
        got = [pieces.body[j] for j in step.pieces]
        if not got or not step.letters:
            continue
        left, right = min(p.x for p in got), max(p.right for p in got)
        if len(step.letters) == 1:
            starts[step.letters[0]] = round((left + right) / 2 - width[step.letters[0]] / 2)
        else:
            starts[step.letters[0]] = left  # a ligature rendered as the pair starts there too
            starts[step.letters[-1]] = right - width[step.letters[-1]]
    return starts


def render_line(
    letters: list[tuple[str, float]], steps: list[Step], pieces: Pieces, face: FaceMatch
) -> Rendered | None:
    """The line's letter ink against the face's rendering of its letters, each laid where it fits."""
    used = [pieces.body[j] for step in steps for j in step.pieces]
    if not used:
        return None
    reach = max(3, round(REACH * pieces.x_height))
    pad = reach + 4 * round(pieces.baseline - pieces.cap_top + 4)  # room for any letter laid off the crop
    ink = np.pad(pieces.mask(*used), pad)
    marked = np.pad(pieces.mask(*used, *pieces.marks), pad)  # what a rendered dot may lie on
    shape = ink.shape
    laid: list[tuple[int, np.ndarray, int, int, int, int]] = []  # letter, mask, left, top, where read
    rendered = {k: _rendered(face, char) for k, (char, _) in enumerate(letters)}
    starts = _starts(letters, steps, pieces, rendered)
    for k, got in rendered.items():
        if got is None:
            continue
        mask, top = got
        left, row = pad + starts[k], pad + round(pieces.baseline) + top
        laid.append((k, mask, left, row, left, row))
    # Each letter laid on the ink the others leave: left to right, then once more with every
    # other letter in place (a letter laid on its neighbour's stem gives it back).
    counts = np.zeros(shape, np.int32)
    cost: dict[int, float] = {}
    for again in (False, True):
        for n, (k, mask, lx, ty, left, row) in enumerate(laid):
            h, w = mask.shape
            if again:
                counts[ty : ty + h, lx : lx + w] -= mask
            lx, ty, cost[k] = _laid(ink & (counts == 0), mask, left, row, reach)
            counts[ty : ty + h, lx : lx + w] += mask
            laid[n] = (k, mask, lx, ty, left, row)
    laid = _ligatures(laid, letters, face, ink, counts, cost, (reach, pad + round(pieces.baseline)))
    owner = np.full(shape, -1, np.int32)
    for k, mask, lx, ty, _, _ in laid:
        view = owner[ty : ty + mask.shape[0], lx : lx + mask.shape[1]]
        view[mask] = k
    drawn = owner >= 0
    union = np.count_nonzero(drawn | ink)
    agree = np.count_nonzero(drawn & ink) / max(1, union)
    stroke2 = max(1.0, pieces.stroke**2)
    missing = []
    for comp in _components(drawn & ~marked, OPEN_MISSING * pieces.stroke):
        letter = int(np.bincount(owner[comp]).argmax())  # what is drawn is owned
        if letters[letter][0].isalnum():  # punctuation's dots are pieces and marks by turns
            missing.append((letter, np.count_nonzero(comp) / stroke2))
    surplus = []
    for comp in _components(ink & ~drawn, OPEN_SURPLUS * pieces.stroke):
        grown = cv2.dilate(comp.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        reached = tuple(sorted({int(v) for v in np.unique(owner[grown]) if v >= 0}))
        surplus.append((reached, np.count_nonzero(comp) / stroke2))
    return Rendered(float(agree), missing, surplus)


def _ligatures(
    laid: list[tuple[int, np.ndarray, int, int, int, int]],
    letters: list[tuple[str, float]],
    face: FaceMatch,
    ink: np.ndarray,
    counts: np.ndarray,
    cost: dict[int, float],
    reach_baseline: tuple[int, int],
) -> list[tuple[int, np.ndarray, int, int, int, int]]:
    """Letters a face may draw as one ligature glyph (fl, fi, ffi) laid as that glyph where its
    rendering fits better than its letters do."""
    reach, baseline = reach_baseline
    at = {entry[0]: n for n, entry in enumerate(laid)}
    taken: set[int] = set()
    for k in range(len(letters) - 1):
        for span in (3, 2):  # a three-letter ligature (ffi, ffl) before its pairs
            run = range(k, k + span)
            text = "".join(letters[j][0] for j in run if j < len(letters))
            if text not in LIGATURES | TRIPLE_LIGATURES or any(j in taken or j not in at for j in run):
                continue
            got = _rendered(face, text)
            if got is None:
                continue
            parts = [laid[at[j]] for j in run]
            for _, mask, lx, ty, _, _ in parts:
                counts[ty : ty + mask.shape[0], lx : lx + mask.shape[1]] -= mask
            mask, top = got
            lx, ty, alone = _laid(ink & (counts == 0), mask, parts[0][2], baseline + top, reach)
            # The letters apart are charged, as the glyph is, for the ink in its box they leave
            # unexplained (the bar of a "ti" that joins them), not only for their own boxes.
            apart = sum(cost[j] for j in run)
            if draws_ligature(face.path, face.size, text):
                apart += _left_over(ink, counts, parts, (ty, lx, *mask.shape))
            if alone < apart:
                laid[at[k]] = (k, mask, lx, ty, parts[0][4], parts[0][5])
                for j in run[1:]:
                    laid[at[j]] = (j, np.zeros((1, 1), bool), lx, ty, lx, ty)
                counts[ty : ty + mask.shape[0], lx : lx + mask.shape[1]] += mask
                taken.update(run)
            else:
                for _, m, x, y, _, _ in parts:
                    counts[y : y + m.shape[0], x : x + m.shape[1]] += m
    return laid


@lru_cache(maxsize=1024)
def draws_ligature(path: str, size: int, text: str) -> bool:
    """Whether the face draws `text` as a glyph of its own rather than its letters side by side
    (a pair it does not join keeps its letters' owners, so a bar across them is a merge)."""
    whole, apart = font(path, size), Image.new("L", (4 * size, 2 * size), 0)
    ImageDraw.Draw(apart).text((size, size), text[0], font=whole, fill=255, anchor="ls")
    ImageDraw.Draw(apart).text(
        (size + whole.getlength(text[0]), size), text[1:], font=whole, fill=255, anchor="ls"
    )
    joined = Image.new("L", apart.size, 0)
    ImageDraw.Draw(joined).text((size, size), text, font=whole, fill=255, anchor="ls")
    a, b = np.asarray(apart) >= 128, np.asarray(joined) >= 128
    return np.count_nonzero(a ^ b) > 0.05 * max(1, np.count_nonzero(a | b))


def _left_over(
    ink: np.ndarray,
    counts: np.ndarray,
    parts: list[tuple[int, np.ndarray, int, int, int, int]],
    box: tuple[int, int, int, int],
) -> int:
    """Ink pixels in `box` (top, left, height, width) that neither the other letters (`counts`)
    nor these letters (`parts`) cover."""
    top, left, h, w = box
    free = ink[top : top + h, left : left + w] & (counts[top : top + h, left : left + w] == 0)
    for _, m, x, y, _, _ in parts:
        y0, y1 = max(y, top), min(y + m.shape[0], top + h)
        x0, x1 = max(x, left), min(x + m.shape[1], left + w)
        if y1 > y0 and x1 > x0:
            free[y0 - top : y1 - top, x0 - left : x1 - left] &= ~m[y0 - y : y1 - y, x0 - x : x1 - x]
    return int(np.count_nonzero(free))


def _components(diff: np.ndarray, width: float) -> list[np.ndarray]:
    """The pieces of a difference that survive an opening `width` px wide."""
    side = max(2, round(width))
    opened = cv2.morphologyEx(diff.astype(np.uint8), cv2.MORPH_OPEN, np.ones((side, side), np.uint8))
    count, labels = cv2.connectedComponents(opened, connectivity=8)
    return [(labels == k) & diff for k in range(1, count)]


def role_match(lines: list[tuple[list[tuple[str, float]], list[Step], Pieces]]) -> FaceMatch | None:
    """The installed face a role's lines (letters, steps, pieces) agree with best, judged from
    their well-read letters (one letter, one piece), however well."""
    samples = []
    for letters, steps, pieces in lines:
        for step in steps:
            if len(step.letters) == 1 and len(step.pieces) == 1:
                piece = pieces.body[step.pieces[0]]
                mask = pieces.labels[piece.y : piece.y + piece.h, piece.x : piece.x + piece.w] == piece.label
                samples.append(Sample(letters[step.letters[0]][0], mask))
    return match_face(samples)


def trusted(match: FaceMatch | None, strokes: list[float]) -> bool:
    """Whether a role's letters (their strokes as measured) agree with the face well enough to
    judge them by its rendering."""
    if match is None or match.agree < TRUST:
        return False
    # Ink and rendering of a letter differ along its edges: the share they disagree on, times
    # half a stroke (the ink per edge pixel), is how far off the edges lie on average.
    drift = (1 - match.agree) * float(np.median(strokes)) / 2
    return match.agree >= CLOSE or drift <= DRIFT


def role_face(lines: list[tuple[list[tuple[str, float]], list[Step], Pieces]]) -> FaceMatch | None:
    """The face a role's lines (letters, steps, pieces) are set in, when their well-read letters
    agree with its rendering well enough to judge by it."""
    match = role_match(lines)
    return match if trusted(match, [pieces.stroke for _, _, pieces in lines]) else None
