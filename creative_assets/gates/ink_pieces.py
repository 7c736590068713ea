"""The pieces of one line's ink: letter bodies, the dots above them, and their holes.

The line's geometry comes from the ink itself: the baseline is where most pieces end, the
x-height where the short letters (a, e, n …) begin. A dot is a small piece wholly above the
x-height with a letter right below it (an i's dot, an umlaut's two, an accent); a body piece
reaches into the band between x-height and baseline. Pieces the margins of the crop catch
(another line's descenders, the edge of a button) do neither and are left out.

The same counts after an opening and a closing with a small disc (a sixth of a stroke) tell
hair-thin joins and gaps, which anti-aliasing makes and breaks, from real ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Piece:
    x: int
    y: int
    w: int
    h: int
    area: int
    label: int = 0  # in Pieces.labels

    @property
    def right(self) -> int:
        return self.x + self.w


@dataclass(frozen=True)
class Pieces:
    body: list[Piece]
    marks: list[Piece]
    holes: int
    opened: list[Piece]  # body pieces once hair-thin joins are cut
    closed: list[Piece]  # body pieces once hair-thin gaps are closed
    holes_closed: int
    stroke: float
    labels: np.ndarray  # the crop's pixels labelled by piece
    x_height: float
    x_top: float
    baseline: float
    cap_top: float
    hole_area: float
    strays: int  # ink pieces that are neither letters nor dots: specks of a busy background
    faint: np.ndarray | None = None  # the crop's faint ink, hairlines included (gates/ink.py)

    def mask(self, *pieces: Piece) -> np.ndarray:
        """The ink of these pieces alone."""
        return np.isin(self.labels, [p.label for p in pieces])

    def holes_of(self, piece: Piece, scale: float = 1.0) -> int:
        """Holes of the piece at least `scale` times `hole_area` large."""
        return _holes(self.mask(piece), max(1.0, scale * self.hole_area))

    def faint_holes_of(self, piece: Piece, scale: float = 1.0) -> int:
        """`holes_of` the piece with the faint ink in its box (the same when there is none)."""
        mask = self.mask(piece)
        if self.faint is not None:
            box = (slice(piece.y, piece.y + piece.h), slice(piece.x, piece.x + piece.w))
            mask[box] |= self.faint[box]
        return _holes(mask, max(1.0, scale * self.hole_area))


def _labelled(ink: np.ndarray, min_area: float) -> tuple[list[Piece], np.ndarray]:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    pieces = [Piece(*(int(v) for v in stats[i]), label=i) for i in range(1, count) if stats[i, 4] >= min_area]
    return pieces, labels


def _components(ink: np.ndarray, min_area: float) -> list[Piece]:
    return _labelled(ink, min_area)[0]


def _holes(ink: np.ndarray, min_area: float) -> int:
    contours, hierarchy = cv2.findContours(ink.astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return 0
    return sum(
        1 for k, h in enumerate(hierarchy[0]) if h[3] >= 0 and cv2.contourArea(contours[k]) >= min_area
    )


def find_pieces(ink: np.ndarray, band: tuple[int, int], faint: np.ndarray | None = None) -> Pieces | None:
    """The pieces of the line whose OCR box spans rows `band` of the crop `ink`; `faint`: its
    faint ink (gates/ink.py), if known."""
    top, bottom = band
    height = bottom - top
    min_area = max(3.0, (0.035 * height) ** 2)
    comps, labels = _labelled(ink, min_area)
    # Letters of this line: tall enough, centred in its band (the next line's tops are not).
    letters = [c for c in comps if c.h >= 0.25 * height and top <= c.y + c.h / 2 <= bottom]
    if not letters:
        return None
    base = float(np.median([c.y + c.h for c in letters]))
    tops = sorted(c.y for c in letters)
    cap = float(np.percentile(tops, 15))
    # Tops clearly below the cap height are the short letters' (x-height): faces with a large x-height
    # (DejaVu) put it at three quarters of the cap height.
    lower = [t for t in tops if t > cap + 0.1 * (base - cap)]
    x_top = float(np.median(lower)) if len(lower) >= 2 else cap
    x_height = max(2.0, base - x_top if base - x_top > 2 else base - cap)
    body_height = max(2.0, base - cap)

    letter_labels = [c.label for c in letters]

    def is_mark(c: Piece) -> bool:
        if c.h >= 0.5 * body_height or c.w >= 0.9 * body_height:
            return False
        if c.y + c.h > x_top + 0.1 * x_height or c.y < cap - 0.7 * body_height:
            return False
        if any(
            o.y >= c.y + c.h - 1
            and o.x < c.x + c.w
            and o.x + o.w > c.x
            and o.y - (c.y + c.h) < 0.8 * x_height
            for o in letters
        ):
            return True
        # Or a letter's ink right under it (in its columns, within most of an x-height): the
        # stem of an i may share its piece with a taller neighbour it touches (a serif "il").
        below = labels[c.y + c.h : c.y + c.h + round(0.8 * x_height), c.x : c.x + c.w]
        return bool(np.isin(below, letter_labels).any())

    def in_body(c: Piece) -> bool:
        return c.y + c.h >= x_top + 0.2 * x_height and c.y <= base + 0.1 * x_height

    marks = [c for c in comps if is_mark(c)]
    body = [c for c in comps if c not in marks and in_body(c)]
    kept = np.zeros_like(ink, dtype=bool)
    for c in body + marks:
        kept[c.y : c.y + c.h, c.x : c.x + c.w] |= ink[c.y : c.y + c.h, c.x : c.x + c.w]
    # The crop's edge counts as background for the stroke widths.
    distance = cv2.distanceTransform(np.pad(kept, 1).astype(np.uint8), cv2.DIST_L2, 3)[1:-1, 1:-1]
    stroke = 2 * float(np.median([distance[c.y : c.y + c.h, c.x : c.x + c.w].max() for c in letters]))
    radius = max(1, round(stroke / 6))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    opened = cv2.morphologyEx(kept.astype(np.uint8), cv2.MORPH_OPEN, disc) > 0
    closed = cv2.morphologyEx(kept.astype(np.uint8), cv2.MORPH_CLOSE, disc) > 0
    hole_area = max(4.0, (0.6 * stroke) ** 2)  # smaller: a pinhole where strokes meet

    def bodies(mask: np.ndarray) -> list[Piece]:
        return [c for c in _components(mask, min_area) if in_body(c) and not is_mark(c)]

    return Pieces(
        body=sorted(body, key=lambda c: c.x),
        marks=marks,
        holes=_holes(kept, hole_area),
        opened=bodies(opened),
        closed=bodies(closed),
        holes_closed=_holes(closed, hole_area),
        stroke=stroke,
        labels=labels,
        x_height=x_height,
        x_top=x_top,
        baseline=base,
        cap_top=cap,
        strays=sum(1 for c in comps if c not in body and c not in marks and top <= c.y + c.h / 2 <= bottom),
        hole_area=hole_area,
        faint=faint,
    )
