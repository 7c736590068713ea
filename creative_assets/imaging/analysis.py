"""Calm-region analysis: the zero-key stand-in for a vision model's "where can text go" answer.

Text reads best over flat areas, so every candidate region is scored by its mean gradient
magnitude (detail) and carries its mean WCAG luminance, which the layout rules need to pick a
text colour. The busiest connected area is reported as the subject that text must not cover.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

from creative_assets.imaging.png import sha256, to_png
from creative_assets.models.base import Box
from creative_assets.models.layout import Corner, ImageAnalysis, Region

# Fine detail is measured at half resolution: texture (grass, fabric) still registers, which a
# much smaller thumbnail would average away, yet 1024² stays well under 50 ms.
DETAIL_SIDE = 512
GRID = 64  # statistics grid: regions are averaged over these cells
SALIENT_GRID = 16  # coarser grid for the subject, so one sharp edge is not "the subject"
MAX_SUBJECT_AREA = 0.55
MARGIN = 0.05  # candidate regions keep clear of the image edge
CORNER_MARGIN = 0.02
CORNER_SIDE = 0.14  # of the shorter side; a logo is at most ~80 px of a 1024 image


def _candidates() -> list[tuple[float, float, float, float]]:
    """(x, y, w, h) fractions: full-width bands of two heights at 5% steps (top, upper-middle,
    lower, bottom and everything between, so a calm strip is found wherever it sits) and
    half-width blocks (left/right column halves, at three heights and full height)."""
    boxes = []
    for h in (0.24, 0.32):
        steps = round((1 - 2 * MARGIN - h) / 0.05)
        for i in range(steps + 1):
            y = MARGIN + (1 - 2 * MARGIN - h) * i / steps
            boxes.append((MARGIN, round(y, 4), 1 - 2 * MARGIN, h))
    half = 0.5 - MARGIN
    for x in (MARGIN, 0.5):
        boxes += [(x, y, half, 0.45) for y in (MARGIN, 0.275, 0.5)]
        boxes.append((x, MARGIN, half, 1 - 2 * MARGIN))
    return boxes


_CANDIDATES = _candidates()


def _linear(srgb: np.ndarray) -> np.ndarray:
    c = srgb / 255.0
    return np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _block_mean(values: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Mean over a rows×cols grid of blocks; edge pixels that do not fill a block are dropped."""
    h, w = values.shape[:2]
    bh, bw = max(1, h // rows), max(1, w // cols)
    trimmed = values[: bh * rows, : bw * cols]
    return trimmed.reshape(rows, bh, cols, bw, *values.shape[2:]).mean(axis=(1, 3))


def _gradient(gray: Image.Image, side: int) -> np.ndarray:
    a = np.asarray(gray.resize((side, side), Image.Resampling.BOX), dtype=np.float32) / 255.0
    gx = np.zeros_like(a)
    gy = np.zeros_like(a)
    gx[:, 1:] = np.diff(a, axis=1)
    gy[1:, :] = np.diff(a, axis=0)
    return np.sqrt(gx * gx + gy * gy)


def detail_grid(img: Image.Image) -> np.ndarray:
    """GRID×GRID map of gradient magnitude (full scale = 1, flat = 0) at two scales, summed:
    fine steps at half resolution catch texture, steps across 1/64 of the image catch large
    flat shapes, whose few sharp edges alone would let a big coloured circle pass as calm."""
    gray = img.convert("L")
    return _block_mean(_gradient(gray, DETAIL_SIDE), GRID, GRID) + _gradient(gray, GRID)


def _cells(grid: np.ndarray, box: Box) -> np.ndarray:
    rows, cols = grid.shape[:2]
    r0, r1 = round(box.y * rows), max(round((box.y + box.h) * rows), round(box.y * rows) + 1)
    c0, c1 = round(box.x * cols), max(round((box.x + box.w) * cols), round(box.x * cols) + 1)
    return grid[min(r0, rows - 1) : min(r1, rows), min(c0, cols - 1) : min(c1, cols)]


def _salient(grid: np.ndarray) -> Box | None:
    """Bounding box of the connected busy area around the busiest cell. The detail is smoothed
    over neighbouring cells first, so a subject's many small edges read as one blob and a
    lone sharp edge does not."""
    coarse = sliding_window_view(np.pad(grid, 1, mode="edge"), (3, 3)).mean(axis=(2, 3))
    peak = float(coarse.max())
    if peak < 0.01:  # a flat image has no subject
        return None
    threshold = max(0.5 * peak, float(coarse.mean() + 0.5 * coarse.std()))
    busy = coarse >= threshold
    rows, cols = coarse.shape
    start = np.unravel_index(int(coarse.argmax()), coarse.shape)
    seen = {start}
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        # 4-connected: diagonal steps let scattered busy cells chain into one giant "subject".
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < rows and 0 <= nc < cols and busy[nr, nc] and (nr, nc) not in seen:
                seen.add((nr, nc))
                queue.append((nr, nc))
    rs = [r for r, _ in seen]
    cs = [c for _, c in seen]
    box = Box(
        x=min(cs) / cols, y=min(rs) / rows, w=(max(cs) + 1 - min(cs)) / cols, h=(max(rs) + 1 - min(rs)) / rows
    )
    # Busy nearly everywhere (a crowd, foliage, an abstract pattern) is texture, not a subject.
    return box if box.w * box.h <= MAX_SUBJECT_AREA else None


def _corner_boxes(width: int, height: int) -> dict[Corner, Box]:
    side = CORNER_SIDE * min(width, height)
    w, h = side / width, side / height
    mx, my = CORNER_MARGIN * min(width, height) / width, CORNER_MARGIN * min(width, height) / height
    return {
        "top_left": Box(x=mx, y=my, w=w, h=h),
        "top_right": Box(x=1 - mx - w, y=my, w=w, h=h),
        "bottom_left": Box(x=mx, y=1 - my - h, w=w, h=h),
        "bottom_right": Box(x=1 - mx - w, y=1 - my - h, w=w, h=h),
    }


def contrast_p10(pixels: np.ndarray, text_lum: float, scrim: np.ndarray, alpha: float) -> float:
    """WCAG contrast a text of luminance `text_lum` keeps over all but the worst tenth of its
    background `pixels` (N×3 sRGB), with a `scrim` colour blended over them at `alpha`."""
    lin = _linear(alpha * scrim + (1 - alpha) * pixels)
    lum = lin @ np.array([0.2126, 0.7152, 0.0722], dtype=lin.dtype)
    ratio = (np.maximum(lum, text_lum) + 0.05) / (np.minimum(lum, text_lum) + 0.05)
    return float(np.percentile(ratio, 10))


def analyze_image(
    img: Image.Image, *, provider: str = "local", digest: str | None = None, grid: np.ndarray | None = None
) -> ImageAnalysis:
    """Candidate text regions (calmest first), the subject's box and the corners' detail.
    `digest` is the sha256 of the PNG the caller decoded `img` from; without it the image is
    encoded to be hashed (a PNG encode is slower than the whole analysis). `grid`: the image's
    `detail_grid`, if the caller has it (a vision analyzer measures its model's areas on it too)."""
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    grid = detail_grid(rgb) if grid is None else grid
    # Luminance is linearised before averaging (at 2× the grid), so a checkerboard of black
    # and white reads as its true mean luminance rather than that of a mid-grey.
    small = np.asarray(rgb.resize((2 * GRID, 2 * GRID), Image.Resampling.BOX), dtype=np.float32)
    lin = _linear(small)
    lum = _block_mean(0.2126 * lin[..., 0] + 0.7152 * lin[..., 1] + 0.0722 * lin[..., 2], GRID, GRID)

    regions = []
    for x, y, w, h in _CANDIDATES:
        box = Box(x=x, y=y, w=w, h=h)
        regions.append(
            Region(
                box=box,
                detail=round(float(_cells(grid, box).mean()), 5),
                luminance=round(min(1.0, max(0.0, float(_cells(lum, box).mean()))), 5),
            )
        )
    regions.sort(key=lambda r: r.detail)
    corners = {
        name: round(float(_cells(grid, box).mean()), 5) for name, box in _corner_boxes(*rgb.size).items()
    }
    return ImageAnalysis(
        width=rgb.width,
        height=rgb.height,
        regions=regions,
        salient=_salient(_block_mean(grid, SALIENT_GRID, SALIENT_GRID)),
        corner_detail=corners,
        sha256=digest or sha256(to_png(img)),
        provider=provider,
    )
