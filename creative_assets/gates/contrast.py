"""How strongly a line of text stands out from what is behind it, measured in its OCR box.

The background behind text is often not one tone: an i2i edit sets a line across a disc and a
sky, a gradient, a photograph. Splitting the box's luminances into two clusters then separates
the two background tones and reports their ratio instead of the ink's (black on pink and pale
sky, ≥ 5.1:1, measured 2.6:1). Strokes are thin, so a grey-level closing (for dark ink) and an
opening (for light ink) with a window wider than a stroke erase them and leave the local
background behind every ink pixel. Text is set in one solid colour: the deepest strokes give
its level, and of the two polarities the ink is the one whose colour stands out from that
background nearly everywhere it occurs.

`benchmarks/eval_readability.py` scores this against labelled lines over such backgrounds.
"""

from __future__ import annotations

import cv2
import numpy as np

# A reader meets a line at its weakest part: the line's contrast is that of its worst tenth of
# ink pixels, each against the background right behind it.
WEAKEST_PERCENTILE = 10
# Stroke width of a bold face is about a tenth of the line box. The window must cover it also in
# an OCR box tighter than the line (0.3 did not, on the box cut through the middle of a line in
# test_checks.py::test_gate_4_small_text) and stay narrow enough to keep the background's tones.
WINDOW_OF_LINE_HEIGHT = 0.45
INK_DEPTH = 0.5  # the strokes that give the ink's colour: lifted at least half as much as the deepest
INK_TOLERANCE = 0.1  # in log luminance: ±10 % of the ink's luminance (+0.05)
MIN_LIFT = float(np.log(1.15))  # ink a reader can tell from its background at all


def _linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


# Each 8-bit level's linear value, computed as for any other array: looked up, a pixel of an
# 8-bit image gets the very same float64 as computing it, without a power per channel.
_LINEAR_OF_LEVEL = _linear(np.arange(256, dtype=np.float64) / 255.0)
_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance per pixel of an sRGB array (vectorised
    imaging.color.relative_luminance)."""
    linear = _LINEAR_OF_LEVEL[rgb] if rgb.dtype == np.uint8 else _linear(rgb.astype(np.float64) / 255.0)
    return linear @ _WEIGHTS


def text_contrast(lum: np.ndarray) -> float:
    """WCAG contrast ratio of the text in one OCR box (relative luminances, rows × columns)."""
    if min(lum.shape) < 3:
        return 1.0
    # In log(L + 0.05) the WCAG ratio of two pixels is the exponential of their difference.
    level = np.log(lum + 0.05).astype(np.float32)
    side = max(3, round(WINDOW_OF_LINE_HEIGHT * lum.shape[0]) | 1)
    window = np.ones((side, side), np.uint8)
    # The background a dark stroke lies in (closing) and the one a light stroke lies on (opening):
    # one line can be both, yellow ink over black and over a pale sky.
    closed = cv2.morphologyEx(level, cv2.MORPH_CLOSE, window, borderType=cv2.BORDER_REPLICATE)
    opened = cv2.morphologyEx(level, cv2.MORPH_OPEN, window, borderType=cv2.BORDER_REPLICATE)
    dark, light = closed - level, level - opened
    lift = np.maximum(dark, light)
    best: tuple[float, np.ndarray] | None = None
    for depth in (dark, light):
        deepest = float(np.percentile(depth, 99))
        if deepest <= MIN_LIFT:
            continue
        ink_level = float(np.median(level[depth >= INK_DEPTH * deepest]))
        coloured = np.abs(level - ink_level) <= INK_TOLERANCE
        ink = coloured & (lift >= MIN_LIFT)
        if not ink.any():  # strokes barely deeper than MIN_LIFT, all of them anti-aliased
            continue
        # Ink is thin wherever it is, so nearly every pixel of its colour stands out; the gaps
        # between strokes, taken for ink of the other polarity, share their colour with the
        # wide background around the line.
        share = np.count_nonzero(ink) / np.count_nonzero(coloured)
        if best is None or share > best[0]:
            # Anti-aliased edges are paler than the ink: each pixel counts at the ink's level.
            best = share, np.maximum(closed - ink_level, ink_level - opened)[ink]
    if best is None:
        return 1.0
    return float(np.exp(max(float(np.percentile(best[1], WEAKEST_PERCENTILE)), 0.0)))
