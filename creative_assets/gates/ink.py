"""The ink of one line of text, cut from any picture: which pixels are the letters.

Text is set in one solid colour over a background that may be flat, a gradient, a panel or a
photograph. As in gates/contrast.py, a grey-level closing (dark ink) and opening (light ink)
with a window wider than a stroke give the background right behind every pixel. Of the two
polarities the ink is the one whose colour stands out from that background nearly everywhere it
occurs (the gaps between light strokes look like dark ink too, but share their colour with the
wide background around the line). A pixel is ink when its colour lies at least halfway from the
background behind it to the ink's colour, and not far off that line: a dark blue shape behind
black letters is darker than the sky around it, but it is not the letters' colour.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from creative_assets.gates.contrast import luminance
from creative_assets.models.base import Box

INK_DEPTH = 0.5  # the strokes that give the ink's colour: lifted at least half as much as the deepest
INK_TOLERANCE = 0.12  # in log luminance around the ink's level, for choosing the polarity
MIN_LIFT = float(np.log(1.3))  # weaker than this is no legible ink
TIE = 0.01  # shares this close leave the choice to the polarity covering less of the band
OFF_LINE = 0.35  # how far (of the ink–background distance) a pixel may lie off that line
FAINT = 0.25  # of the way from background to ink: a pixel a hairline covers a quarter of


def ink_mask(
    rgb: np.ndarray, band: tuple[int, int], columns: tuple[int, int] | None = None
) -> np.ndarray | None:
    """Boolean ink of the text in `rgb` (`ink_masks`)."""
    masks = ink_masks(rgb, band, columns)
    return None if masks is None else masks[0]


def ink_masks(
    rgb: np.ndarray, band: tuple[int, int], columns: tuple[int, int] | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """The ink, and the faint ink: also the pixels a letter covers a quarter of (the hairline
    that closes a small italic counter). Boolean ink of the text in `rgb` (a crop around one
    line, rows × columns × 3); None when nothing in it stands out as text. `band`: the rows the
    line itself spans (its OCR box); `columns`: the columns of the line and its margins
    (default: all; `rgb` may show more of the picture beside it, for the background behind the
    pixels near the edge). The ink's polarity and colour are judged there, not on what the
    margins of the crop catch (the edge of a button, the next line) or the picture beside it."""
    if min(rgb.shape[:2]) < 5:
        return None
    line_height = band[1] - band[0]
    rows = slice(max(0, band[0]), max(band[0] + 1, band[1]))
    cols = slice(None) if columns is None else slice(*columns)
    level = np.log(luminance(rgb) + 0.05).astype(np.float32)
    side = max(5, round(0.6 * line_height) | 1)
    window = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    closed = cv2.morphologyEx(level, cv2.MORPH_CLOSE, window, borderType=cv2.BORDER_REPLICATE)
    opened = cv2.morphologyEx(level, cv2.MORPH_OPEN, window, borderType=cv2.BORDER_REPLICATE)
    best: tuple[float, int, np.ndarray, int] | None = None
    for full_depth, op in ((closed - level, cv2.MORPH_CLOSE), (level - opened, cv2.MORPH_OPEN)):
        depth, in_band = full_depth[rows, cols], level[rows, cols]
        deepest = float(np.percentile(depth, 99.5))
        if deepest <= MIN_LIFT:
            continue
        core = np.zeros_like(full_depth, dtype=bool)
        core[rows, cols] = depth >= INK_DEPTH * deepest
        ink_level = float(np.median(level[core]))
        coloured = np.abs(in_band - ink_level) <= INK_TOLERANCE
        share = np.count_nonzero(coloured & (depth >= MIN_LIFT)) / max(1, np.count_nonzero(coloured))
        # Both stand out everywhere when a tight panel leaves no wide background in the band: the
        # panel between and around the letters is narrower than the window too. The letters are
        # then the thinner of the two.
        area = int(np.count_nonzero(core))
        if best is None or share > best[0] + TIE or (share >= best[0] - TIE and area < best[1]):
            best = share, area, core, op
    if best is None:
        return None
    _, _, core, op = best
    pixels = rgb.astype(np.float32)
    ink = np.median(pixels[core], axis=0)
    # The background colour behind each pixel: the same morphology, channel by channel.
    background = cv2.morphologyEx(pixels, op, window, borderType=cv2.BORDER_REPLICATE)
    towards = ink - background
    span2 = np.maximum((towards**2).sum(axis=2), 1.0)
    offset = pixels - background
    along = (offset * towards).sum(axis=2) / span2
    off = (offset**2).sum(axis=2) / span2 - along**2
    lift = np.sqrt(span2) >= 40.0  # ink that differs from its background by less is no lettering
    inked = (off <= OFF_LINE**2) & lift
    return (along >= 0.5) & inked, (along >= FAINT) & inked


def ink_only(img: Image.Image, box: Box) -> tuple[Image.Image, Box]:
    """The line in `box` as its ink alone, black on white (with a margin of a third of its
    height), and where the line lies in that picture: for a recogniser whose own thresholding
    loses light letters over a textured photograph. The original crop when no ink stands out."""
    left, top, right, bottom = box.to_pixels(img.width, img.height)
    margin = (bottom - top) // 3
    x0, y0 = max(0, left - margin), max(0, top - margin)
    x1, y1 = min(img.width, right + margin), min(img.height, bottom + margin)
    crop = np.asarray(img.convert("RGB").crop((x0, y0, x1, y1)))
    ink = ink_mask(crop, (top - y0, bottom - y0))
    drawn = crop if ink is None else np.where(ink[..., None], 0, 255).astype(np.uint8).repeat(3, axis=2)
    out = Image.fromarray(np.ascontiguousarray(drawn))
    return out, Box.from_pixels(left - x0, top - y0, right - x0, bottom - y0, out.width, out.height)
