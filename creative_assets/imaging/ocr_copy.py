"""Reading a finished creative's copy only where its pixels changed.

A creative is the canvas (the base image framed for the format, which Gate 1a searched for
lettering with a more sensitive pass than the copy read) plus whatever the editor set on it:
the copy in its zones, the logo, and any text the editor added where it should not have. New
text can only be where the pixels changed, so the detector — most of the copy read's cost —
runs on the changed regions at the scale `read_text` would read the whole frame at, and the
recogniser reads each line found there at full resolution, as `read_text` does. Where the
editor repainted most of the picture (an image model regenerates every pixel), the whole frame
is read as before.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image

from creative_assets.imaging.ocr import (
    DET_MULTIPLE,
    as_bgr,
    borrow_engine,
    detect_lines,
    detector_size,
    ocr_lines,
    read_text,
    recognise_lines,
    to_rgb,
)
from creative_assets.models.images import OcrLine

Rect = tuple[int, int, int, int]  # left, top, right, bottom in pixels

# A pixel changed when a channel moved by more than this (of 255): the client's own resampling
# of an edit (fitted into the model's canvas and scaled back) stays below it on the pictures
# of the test set, a letter's stroke against what was behind it does not.
CHANGE_THRESHOLD = 40
TILE = 16  # px; a tile changed when at least CHANGED_PIXELS of its pixels did
CHANGED_PIXELS = 3
# Changed tiles are grown by this many tiles before they are joined into regions: the detector
# needs the background around a line to see where the line ends.
MARGIN_TILES = 3
# Beyond this share of the frame the regions cost about what the whole frame does.
MAX_CHANGED_SHARE = 0.6


def changed_regions(before: Image.Image, after: Image.Image) -> list[Rect] | None:
    """The rectangles of `after` whose pixels differ from `before`, grown by a margin and joined
    where they touch; None when the images differ in size or most of the frame changed."""
    if before.size != after.size:
        return None
    a, b = np.asarray(_rgb(before)), np.asarray(_rgb(after))
    # The largest channel difference, per pixel: numpy's max over a 3-wide last axis was most of
    # this function's time, cv2's element-wise max of the channels gives the same values.
    diff = cv2.absdiff(a, b)
    changed = cv2.max(cv2.max(diff[:, :, 0], diff[:, :, 1]), diff[:, :, 2]) > CHANGE_THRESHOLD
    height, width = changed.shape
    rows, cols = math.ceil(height / TILE), math.ceil(width / TILE)
    padded = np.zeros((rows * TILE, cols * TILE), dtype=np.uint8)
    padded[:height, :width] = changed
    # Changed pixels per tile: summed down each tile's rows, then across its columns.
    down = padded.reshape(rows, TILE, cols * TILE).sum(axis=1, dtype=np.uint16)
    tiles = down.reshape(rows, cols, TILE).sum(axis=2) >= CHANGED_PIXELS
    if not tiles.any():
        return []
    grown = cv2.dilate(tiles.astype(np.uint8), np.ones((2 * MARGIN_TILES + 1,) * 2, np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    rects = [
        (x * TILE, y * TILE, min(width, (x + w) * TILE), min(height, (y + h) * TILE))
        for x, y, w, h, _ in stats[1:count]
    ]
    rects = _joined(rects)
    if sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in rects) > MAX_CHANGED_SHARE * width * height:
        return None
    return rects


def _rgb(img: Image.Image) -> Image.Image:
    return img if img.mode == "RGB" else img.convert("RGB")


def _joined(rects: list[Rect]) -> list[Rect]:
    """Overlapping rectangles replaced by their bounding box, until none overlap."""
    rects = list(rects)
    merged = True
    while merged:
        merged = False
        for i in range(len(rects)):
            for j in range(i + 1, len(rects)):
                a, b = rects[i], rects[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    rects[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del rects[j]
                    merged = True
                    break
            if merged:
                break
    return rects


def _span(start: int, end: int, scale: float, limit: int) -> tuple[int, int]:
    """The pixels of the detector's whole-frame image (`limit` of them, `scale` × the image's)
    that cover [start, end) of the image: a multiple of DET_MULTIPLE long, so the detector reads
    the region as it is, and kept inside the frame. (first pixel, length)"""
    first, last = math.floor(start * scale), math.ceil(end * scale)
    length = min(limit, max(2 * DET_MULTIPLE, math.ceil((last - first) / DET_MULTIPLE) * DET_MULTIPLE))
    first = min(max(0, first - (length - (last - first)) // 2), limit - length)
    return first, length


def read_text_in(
    img: Image.Image, regions: list[Rect], *, min_confidence: float = 0.5, det_side: int
) -> list[OcrLine]:
    """What `read_text(img, det_side=det_side, upright=True)` reads, with the detector run only
    on `regions`. Each region is cut from the detector's image of the whole frame as `read_text`
    makes it (Pillow resamples a box of the image with the same grid and the same neighbours),
    so the detector sees the same pixels there, only not the rest of the frame."""
    rgb = to_rgb(img)
    width, height = rgb.size
    size = detector_size(width, height, det_side)
    sx, sy = size[0] / width, size[1] / height
    if sx * sy > 1.0:  # a small image is read from its upscaled copy: as read_text does
        return read_text(rgb, min_confidence=min_confidence, det_side=det_side, upright=True)
    boxes: list[np.ndarray] = []
    to_image = np.array([1 / sx, 1 / sy], dtype=np.float32)
    with borrow_engine() as engine:
        for left, top, right, bottom in regions:
            x, w = _span(left, right, sx, size[0])
            y, h = _span(top, bottom, sy, size[1])
            box = (x / sx, y / sy, (x + w) / sx, (y + h) / sy)
            crop = rgb.resize((w, h), Image.Resampling.LANCZOS, box=box)
            offset = np.array([x, y], dtype=np.float32)
            found = detect_lines(engine, as_bgr(crop))
            boxes += [(np.asarray(q, dtype=np.float32) + offset) * to_image for q in found]
        if not boxes:
            return []
        recognised = recognise_lines(engine, as_bgr(rgb), boxes, upright=True)
    return ocr_lines(boxes, recognised, (1.0, 1.0), (width, height), min_confidence, upright=True)


def read_copy_changes(
    img: Image.Image, before: Image.Image | None, *, min_confidence: float = 0.5, det_side: int
) -> list[OcrLine]:
    """The copy on a creative, read where it differs from `before` (the canvas it was set on;
    None: read everywhere)."""
    regions = changed_regions(before, img) if before is not None else None
    if regions is None:
        return read_text(img, min_confidence=min_confidence, det_side=det_side, upright=True)
    return read_text_in(img, regions, min_confidence=min_confidence, det_side=det_side)
