"""Gate 1a's texture-blind look (`text_search.find_text`'s last): lettering the detector sees
nothing of on a busy picture, however it is prepared, because the texture's own edges crowd the
letters' (gravel, grass, foliage, stripes) — at full resolution, through two views in which the
texture is weaker than the letters:

- `calm_mask`: where the picture is calm amid texture, drawn dark on white. Lettering set
  in one colour (faint, a sign's letters) is flat where a photographed texture never is, so on a
  picture textured nearly everywhere (gravel, grass) the letters are what stays. `calm_share`
  says how much of the picture is calm: over a flat-shaded drawing (bricks, panes, a flat
  ground) the mask is flat patches everywhere, and the other view is taken.
- `calmest_channel`: the colour channel with the least fine detail, its contrast raised. On a
  coloured texture (green foliage, stripes, bricks) one channel carries little of it, while
  white or black lettering, or lettering a shade off its background, shifts every channel.

Figures: docs/glyph_gates.md ("Gate 1a").
"""

from __future__ import annotations

import cv2
import numpy as np

CLAHE_CLIP = 4.0
# A channel's fine detail is measured on a thumbnail this wide (as `text_search._plain`).
THUMB = 256
# Calm: a pixel whose grey levels vary over CALM_SIGMA px by less than CALM_SHARE of what is
# typical over SURROUND_SIGMA px around it (the texture's own variation, so no noise floor
# is assumed); the mask is opened by 3 px so that single calm pixels between grains drop out.
CALM_SIGMA, SURROUND_SIGMA, CALM_SHARE = 1.0, 25.0, 0.15


def calmest_channel(rgb: np.ndarray) -> np.ndarray:
    """The channel of `rgb` (RGB) with the least fine detail, CLAHE'd, as RGB."""
    detail = []
    for c in range(3):
        thumb = cv2.resize(np.ascontiguousarray(rgb[..., c]), (THUMB, THUMB), interpolation=cv2.INTER_AREA)
        detail.append(float(np.abs(cv2.Laplacian(thumb.astype(np.float32), cv2.CV_32F)).mean()))
    channel = np.ascontiguousarray(rgb[..., int(np.argmin(detail))])
    channel = cv2.createCLAHE(clipLimit=CLAHE_CLIP, tileGridSize=(8, 8)).apply(channel)
    return cv2.cvtColor(channel, cv2.COLOR_GRAY2RGB)


def calm_mask(rgb: np.ndarray) -> np.ndarray:
    """255 where `rgb` (RGB) is calm amid its texture, else 0 (one channel)."""
    lightness = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    mean = cv2.GaussianBlur(lightness, (0, 0), CALM_SIGMA)
    spread = np.sqrt(np.maximum(cv2.GaussianBlur(lightness * lightness, (0, 0), CALM_SIGMA) - mean * mean, 0))
    # The surround is smooth at this scale: blurred on an eighth of the size (a wide kernel on
    # the full picture costs as much as the rest of the look).
    h, w = spread.shape
    small = cv2.resize(spread, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    typical = cv2.resize(
        cv2.GaussianBlur(small, (0, 0), SURROUND_SIGMA / 8), (w, h), interpolation=cv2.INTER_LINEAR
    )
    calm = (spread < CALM_SHARE * typical).astype(np.uint8) * 255
    return cv2.morphologyEx(calm, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))


def calm_share(mask: np.ndarray) -> float:
    return float((mask > 0).mean())


def calm_view(mask: np.ndarray) -> np.ndarray:
    """The calm mask drawn dark on white, as RGB (the detector's and the recogniser's input)."""
    return cv2.cvtColor(255 - mask, cv2.COLOR_GRAY2RGB)
