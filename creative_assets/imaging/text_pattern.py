"""Gate 1a's look through a repeating texture (`text_search.find_text`'s last look): lettering
over a window grid, bricks or tiles is hidden by the texture's own edges, which every contrast
look raises with it. A texture that repeats predicts itself: each pixel is compared with the
pixels one and two pattern periods away, and what departs from them (lettering, whatever its
polarity over each part of the pattern) is drawn dark on white, the texture gone.

`lattice` finds the pattern's periods (the autocorrelation's strongest peaks); `pattern_removed`
draws the departure; `veils` measures it as a share of the way to white or to black (a
watermark's opacity). Figures: docs/glyph_gates.md ("Gate 1a").
"""

from __future__ import annotations

import cv2
import numpy as np

# A period is a peak of the normalised autocorrelation at least this high, standing at least
# DIP above the lowest value between it and the origin (a smooth picture's slow decay is no
# period), no shorter than MIN_LAG px and no longer than a quarter of the picture.
PEAK, DIP, MIN_LAG = 0.25, 0.2, 4
# Neighbours compared: each period (and, for a grid, their sum and difference) once and twice,
# both ways; the median of so many ignores the few that fall on a letter as large as a period.
REACH = 2
# The departure drawn: median-filtered over 5 px (a mullion or a mortar line one period does
# not repeat is thinner than a letter's stroke), less a floor of DEPARTURE_FLOOR grey levels
# (each pane or brick of a texture is shaded a little differently), times GAIN, then blurred
# by BLUR px: a watermark departs mostly where it crosses the dark panes, and the detector
# takes the pieces for separate marks until they run together.
SMOOTH, DEPARTURE_FLOOR, GAIN, BLUR = 5, 8.0, 5.0, 1.5
ROOM_FLOOR = 20.0  # grey levels: `veils` divides by the room left to white or black


def lattice(grey: np.ndarray) -> list[tuple[int, int]]:
    """Up to two periods (dy, dx) of the pattern repeating across `grey`; none if it does not."""
    centred = grey.astype(np.float32) - float(grey.mean())
    spectrum = np.fft.rfft2(centred)
    auto = np.fft.irfft2(spectrum * np.conj(spectrum), s=centred.shape)
    if auto[0, 0] <= 0:
        return []
    auto = np.fft.fftshift(auto / auto[0, 0]).astype(np.float32)
    h, w = auto.shape
    cy, cx = h // 2, w // 2
    ys, xs = np.mgrid[-cy : h - cy, -cx : w - cx]
    reach = np.hypot(ys, xs)
    peaks = (auto == cv2.dilate(auto, np.ones((3, 3), np.uint8))) & (auto > PEAK)
    peaks &= (reach >= MIN_LAG) & (reach <= min(h, w) / 4)
    peaks &= (ys > 0) | ((ys == 0) & (xs > 0))  # each period once, not also as its negative
    found: list[tuple[int, int]] = []
    for y, x in sorted(zip(ys[peaks], xs[peaks], strict=True), key=lambda p: -auto[cy + p[0], cx + p[1]]):
        steps = int(max(abs(y), abs(x)))
        between = [auto[cy + round(y * k / steps), cx + round(x * k / steps)] for k in range(1, steps)]
        if auto[cy + y, cx + x] - min(between, default=0.0) < DIP:
            continue
        if found:
            fy, fx = found[0]
            if abs(fy * x - fx * y) < 0.5 * np.hypot(fy, fx) * np.hypot(y, x):
                continue  # the same direction as the first: a multiple of it
        found.append((int(y), int(x)))
        if len(found) == 2:
            break
    return found


def _take(a: np.ndarray, dy: int, dx: int, fill: np.ndarray) -> np.ndarray:
    """a[y + dy, x + dx] where that lies inside `a`, else `fill`."""
    h, w = a.shape
    out = fill.copy()
    if abs(dy) < h and abs(dx) < w:
        out[max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)] = a[
            max(0, dy) : h + min(0, dy), max(0, dx) : w + min(0, dx)
        ]
    return out


def _expected(lightness: np.ndarray, periods: list[tuple[int, int]]) -> np.ndarray:
    """What the pattern predicts at each pixel of `lightness`: the median of its neighbours whole
    periods away (float32)."""
    steps = [np.array(p) for p in periods]
    if len(steps) == 2:
        steps += [steps[0] + steps[1], steps[0] - steps[1]]
    neighbours = []
    for step in steps:
        for times in range(1, REACH + 1):
            dy, dx = (int(v) for v in step * times)
            # Near the border the pixel a period away on the far side stands in.
            ahead = _take(lightness, dy, dx, _take(lightness, -dy, -dx, lightness))
            neighbours += [ahead, _take(lightness, -dy, -dx, ahead)]
    middle = len(neighbours) // 2
    expected = np.partition(np.stack(neighbours), (middle - 1, middle), axis=0)[middle - 1 : middle + 1]
    return expected.mean(axis=0, dtype=np.float32)


def _lightness(rgb: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[..., 0])


def pattern_removed(rgb: np.ndarray, periods: list[tuple[int, int]]) -> np.ndarray:
    """`rgb` (RGB) with its repeating pattern taken out: dark where it departs from the pixels
    whole periods away (RGB, white where it repeats)."""
    lightness = _lightness(rgb)
    departure = np.abs(lightness.astype(np.float32) - _expected(lightness, periods))
    departure = cv2.medianBlur(departure, SMOOTH)
    ink = np.clip(GAIN * np.maximum(departure - DEPARTURE_FLOOR, 0), 0, 255).astype(np.uint8)
    return cv2.cvtColor(cv2.GaussianBlur(255 - ink, (0, 0), BLUR), cv2.COLOR_GRAY2RGB)


def veils(rgb: np.ndarray, periods: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """How far each pixel of `rgb` (RGB) moved from what the pattern predicts towards white, and
    towards black, as a share of the room it had (float32 maps, median-filtered as in
    `pattern_removed`). A watermark blends the picture with one colour at one opacity, so
    over dark panes and light mullions alike it moves every pixel the same share of the way:
    its letters come out whole and in one of the two maps, where the absolute departure
    breaks them up where they cross light parts."""
    lightness = _lightness(rgb)
    expected = _expected(lightness, periods)
    moved = lightness.astype(np.float32) - expected
    # The room left is floored: over a nearly white pane a few grey levels are not a veil.
    lighter = np.maximum(moved, 0) / np.maximum(255 - expected, ROOM_FLOOR)
    darker = np.maximum(-moved, 0) / np.maximum(expected, ROOM_FLOOR)
    return cv2.medianBlur(lighter, SMOOTH), cv2.medianBlur(darker, SMOOTH)
