"""Gate 1a's look for a watermark over a repeating texture (`text_search.find_text`'s look after
the pattern look): the picture's departure from its pattern as a share of the way to white or
to black (`text_pattern.veils`), where a watermark's letters come out whole, read without the
detector.

rapidocr's detector is trained to ignore texture and boxes nothing of a watermark over bricks or
a window grid even on this map, where the letters are nearly all the ink left. So the lines are
found by hand, with OpenCV's own operations: the map is drawn as ink, the letters are joined
into words by a closing, and each blob of a word's proportions (longer than it is tall, a
line's height) is cut out along its own angle and given to the recogniser. The recogniser
decides; what the texture leaves in the map reads as strokes and digits ("VNNVA", "141."), so
only a Latin word read with high confidence counts (`a_latin_word`).
Figures: docs/glyph_gates.md ("Gate 1a, sixth round").
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image
from rapidocr_onnxruntime import RapidOCR

from creative_assets.imaging.ocr import ocr_lines
from creative_assets.imaging.text_pattern import veils
from creative_assets.models.images import OcrLine

# The map drawn as ink: a share of the way below VEIL_FLOOR is the texture's own shading (each
# pane or brick a little different); from there ink rises to black within INK_SPAN.
VEIL_FLOOR, INK_SPAN, INK_BLUR = 0.04, 0.255, 1.0
# A blob: ink above INK_CUT, letters joined by a closing as wide as JOIN of the picture's
# shorter side; a word's blob is at least WORD_AREA² of it, as tall as LINE_LOW..LINE_HIGH of it
# and LONGER times as long as tall. At most MOST blobs, the most ink first, each cut out with
# PAD of its height around it.
INK_CUT, JOIN, WORD_AREA = 40, 0.045, 0.02
LINE_LOW, LINE_HIGH, LONGER, MOST, PAD = 0.03, 0.25, 1.5, 6, 0.3
# What counts: at least WORD_LETTERS Latin letters, at least LETTER_SHARE of what was read,
# read with at least WORD_CONFIDENCE.
WORD_LETTERS, LETTER_SHARE, WORD_CONFIDENCE = 3, 0.75, 0.9
LATIN = frozenset("abcdefghijklmnopqrstuvwxyzäöüßàáâçèéêëìíîïñòóôùúû")


def ink(share: np.ndarray) -> np.ndarray:
    """A `veils` map drawn as ink (uint8, 255 the most)."""
    drawn = np.clip((share - VEIL_FLOOR) * (255.0 / INK_SPAN), 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(drawn, (0, 0), INK_BLUR)


def _corners(rect: tuple) -> np.ndarray:
    """A rotated rectangle's corners, padded, in the order rapidocr crops by (clockwise from the
    top left)."""
    (cx, cy), (w, h), angle = rect
    pad = PAD * min(w, h)
    points = cv2.boxPoints(((cx, cy), (w + pad, h + pad), angle)).astype(np.float32)
    total, diff = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.array(
        [points[np.argmin(total)], points[np.argmin(diff)], points[np.argmax(total)], points[np.argmax(diff)]]
    )


def word_boxes(drawn: np.ndarray) -> list[np.ndarray]:
    """Quads around the blobs of `drawn` (ink, uint8) shaped like a line of lettering."""
    side = min(drawn.shape)
    join = max(3, round(JOIN * side))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (join, join))
    blobs = cv2.morphologyEx((drawn > INK_CUT).astype(np.uint8), cv2.MORPH_CLOSE, disc)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(blobs)
    found = []
    for k in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[k])
        if area < (WORD_AREA * side) ** 2:
            continue
        inside = labels[y : y + h, x : x + w] == k
        ys, xs = np.nonzero(inside)
        rect = cv2.minAreaRect(np.column_stack([xs + x, ys + y]).astype(np.float32))
        short, long = sorted(rect[1])
        if LINE_LOW * side <= short <= LINE_HIGH * side and long >= LONGER * short:
            found.append((float(drawn[y : y + h, x : x + w][inside].sum()), rect))
    found.sort(key=lambda blob: -blob[0])
    return [_corners(rect) for _, rect in found[:MOST]]


def a_latin_word(line: OcrLine) -> bool:
    letters = [c for c in line.text if c.isalnum()]
    latin = [c.lower() for c in letters if c.lower() in LATIN]
    return (
        line.confidence >= WORD_CONFIDENCE
        and len(latin) >= WORD_LETTERS
        and len(set(latin)) > 1
        and len(latin) >= LETTER_SHARE * len(letters)
    )


def veil_lines(
    engine: RapidOCR,
    rgb: Image.Image,
    small: np.ndarray,
    periods: list[tuple[int, int]],
    min_confidence: float,
) -> list[OcrLine]:
    """Latin words read on the veils of `small` (RGB, `rgb` scaled; `periods` its pattern's),
    boxed in `rgb`."""
    height, width = small.shape[:2]
    lines: list[OcrLine] = []
    for share in veils(small, periods):
        drawn = ink(share)
        boxes = word_boxes(drawn)
        if not boxes:
            continue
        crops = engine.get_crop_img_list(cv2.cvtColor(255 - drawn, cv2.COLOR_GRAY2BGR), boxes)
        crops, _, _ = engine.text_cls(crops)
        read, _ = engine.text_rec(crops)
        scale = (width / rgb.width, height / rgb.height)
        seen = ocr_lines(boxes, read, scale, rgb.size, min_confidence, upright=False)
        lines += [line for line in seen if a_latin_word(line)]
    return lines
