"""Which pieces of a line's ink each expected letter is: its dots (a mark goes to the nearest
letter that should have one) and its body (a dynamic-programming alignment of the letters, in
order, with the body pieces, left to right), and whether two letters in one piece merely touch
or one letter's two pieces are parted by a hair. Hand-written: no library aligns glyphs with
expected text.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from creative_assets.gates.glyphs_alphabet import DOT_LIGATURES, LIGATURES, MARKS, PIECES
from creative_assets.gates.ink_pieces import Piece, Pieces


def dots_short(letters: list[tuple[str, float]], pieces: Pieces) -> dict[int, int]:
    """How many dots each letter (its index) that should carry dots is short of: each dot goes
    to the nearest letter that still needs one."""
    need = {k: MARKS.get(c, 0) for k, (c, _) in enumerate(letters)}
    for mark in sorted(pieces.marks, key=lambda m: m.x + m.w / 2):
        centre = mark.x + mark.w / 2
        wanting = [k for k, n in need.items() if n > 0]
        if wanting:
            nearest = min(wanting, key=lambda k: abs(letters[k][1] - centre))
            need[nearest] -= 1
    return {k: n for k, n in need.items() if n > 0}


def missing_dots(letters: list[tuple[str, float]], pieces: Pieces) -> list[int]:
    """Letters (their indices) that should carry dots and got fewer. An i after f or t whose
    dot a ligature may have taken is among them (see `dot_ligature`)."""
    return list(dots_short(letters, pieces))


def dot_ligature(letters: list[tuple[str, float]], k: int) -> bool:
    """Whether letter `k` may have given its dot to a ligature with the letter before (fi, ti):
    then the dot is ink of that piece over the i, not a mark of its own."""
    return k > 0 and letters[k - 1][0] + letters[k][0] in DOT_LIGATURES


# Costs of explaining the line's pieces by its letters (in x-heights of misplacement): a
# letter read off its piece costs its distance; these are what a letter/piece mismatch costs.
DISTANCE_WEIGHT = 2.0  # a letter read a third of an x-height off its piece costs as much as a merge
LIGATURE_COST, MERGE_COST, SPLIT_COST, STRAY_COST, MISSING_COST = 0.2, 1.0, 1.0, 1.0, 1.5


@dataclass(frozen=True)
class Step:
    letters: tuple[int, ...]
    pieces: tuple[int, ...]
    cost: float


def _distance(x: float, piece: Piece, x_height: float) -> float:
    return DISTANCE_WEIGHT * max(piece.x - x, x - piece.right, 0.0) / x_height


def align(letters: list[tuple[str, float]], pieces: Pieces) -> list[Step]:
    """The cheapest way to explain the body pieces (left to right) by the letters (in order):
    one piece per letter, two letters in one piece (a ligature, or a merge), a letter in two
    pieces (":" or a break), a piece no letter explains (a stray stroke)."""
    body, n, m = pieces.body, len(letters), len(pieces.body)
    xh = pieces.x_height
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[Step | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0

    def relax(i: int, j: int, step: Step) -> None:
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
                relax(i, j, Step((), (j,), STRAY_COST))
            if i < n:
                relax(i, j, Step((i,), (), 0.0 if parts == 0 else MISSING_COST))
            if i < n and j < m:
                d = _distance(letters[i][1], body[j], xh)
                relax(i, j, Step((i,), (j,), d + (0.5 if parts >= 2 else 0.0)))
                if j + 1 < m:
                    split = 0.0 if parts >= 2 else SPLIT_COST
                    relax(i, j, Step((i,), (j, j + 1), d + _distance(letters[i][1], body[j + 1], xh) + split))
                if i + 1 < n:
                    pair = c + letters[i + 1][0]
                    joined = LIGATURE_COST if pair in LIGATURES else MERGE_COST
                    d2 = _distance(letters[i + 1][1], body[j], xh)
                    relax(i, j, Step((i, i + 1), (j,), d + d2 + joined))
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


def kerned_touch(pieces: Pieces, piece: Piece, xa: float, xb: float) -> bool:
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


def hair_gap(pieces: Pieces, a: Piece, b: Piece) -> bool:
    """Whether two pieces one letter falls into join once hair-thin gaps are closed."""
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    closed = cv2.morphologyEx(pieces.mask(a, b).astype(np.uint8), cv2.MORPH_CLOSE, disc)
    return cv2.connectedComponents(closed, connectivity=8)[0] - 1 < 2
