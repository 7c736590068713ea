"""Letter pairs the project's own faces draw touching: no stroke joins them, the face does.

The local typesetter (imaging/typesetting.py) and the image editor's stand-in set the copy in
the bundled DejaVu Sans and its bold (imaging/fonts.py). Tight type touches at some sizes and
sub-pixel positions in ways no rule about where the join lies covers (DejaVu Bold's "r" reaches
its arm into an "f" or "t" below the x-height; a "T" over a "V"), so a pair found in one piece
is rendered in the face the line's strokes match, at the sizes its x-height allows and at four
sub-pixel positions: when the face itself joins the two there, the pair is not merged damage.
A stroke joining such a pair cannot be told from the face's own touch, and is let through.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw

from creative_assets.imaging.fonts import load_font

PHASES = (0.0, 0.25, 0.5, 0.75)  # sub-pixel positions the pair is rendered at
REFERENCE = 100  # px: the size the face's proportions are measured at


def _mask(text: str, size: int, bold: bool, x: float) -> np.ndarray:
    font = load_font(size, bold)
    img = Image.new("L", (round(font.getlength(text)) + 2 * size, 2 * size), 0)
    ImageDraw.Draw(img).text((size / 2 + x, 1.5 * size), text, font=font, fill=255, anchor="ls")
    return np.asarray(img) >= 128  # ink as the gate sees it: at least half covered


def piece_count(mask: np.ndarray) -> int:
    """Pieces of ink in a mask (8-connected)."""
    return cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)[0] - 1


@lru_cache(maxsize=2)
def proportions(bold: bool) -> tuple[float, float]:
    """(x-height, stroke) of the face, as fractions of its size (stroke: twice the deepest
    ink of an "n", as gates/ink_pieces.py measures a line's)."""
    font = load_font(REFERENCE, bold)
    x_height = -font.getbbox("x", anchor="ls")[1] / REFERENCE
    ink = np.pad(_mask("n", REFERENCE, bold, 0.0), 1).astype(np.uint8)
    stroke = 2 * float(cv2.distanceTransform(ink, cv2.DIST_L2, 3).max()) / REFERENCE
    return x_height, stroke


def weight(x_height: float, stroke: float) -> bool:
    """Whether a line with these measures is set in the bold (else the regular)."""
    ratio = stroke / max(1.0, x_height)
    regular, bold = (s / x for x, s in (proportions(False), proportions(True)))
    return abs(ratio - bold) < abs(ratio - regular)


@lru_cache(maxsize=4096)
def _touches(pair: str, x_height: int, bold: bool) -> bool:
    size = x_height / proportions(bold)[0]
    for px in range(max(6, int(size) - 1), int(size) + 3):
        font = load_font(px, bold)
        advance = font.getlength(pair) - font.getlength(pair[1])  # the first letter and the kerning
        for phase in PHASES:
            apart = piece_count(_mask(pair[0], px, bold, phase)) + piece_count(
                _mask(pair[1], px, bold, phase + advance)
            )
            if piece_count(_mask(pair, px, bold, phase)) < apart:
                return True
    return False


def face_touches(pair: str, x_height: float, stroke: float) -> bool:
    """Whether the project's face, at the weight and size these measures of a line point to,
    draws the two letters of `pair` in one piece at some sub-pixel position."""
    if len(pair) != 2 or not pair.isalpha():
        return False
    return _touches(pair, round(x_height), weight(x_height, stroke))
