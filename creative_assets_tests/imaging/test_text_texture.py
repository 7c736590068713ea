"""The texture-blind views (`text_texture`): the calm mask keeps flat lettering amid grain and
little else, a flat-shaded drawing is mostly calm (so the search takes the other view there),
and the calmest channel is the one the texture shows least in."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from creative_assets.imaging.text_texture import calm_mask, calm_share, calmest_channel

SIDE = 512


def grain(seed: int = 1) -> np.ndarray:
    """Noise at two scales, nowhere flat (a photographed texture)."""
    rng = np.random.default_rng(seed)
    coarse = Image.fromarray(rng.integers(60, 200, (SIDE // 6, SIDE // 6), dtype=np.uint8))
    grey = np.asarray(coarse.resize((SIDE, SIDE), Image.Resampling.BICUBIC), np.float32)
    grey = np.clip(grey + rng.normal(0, 8, grey.shape), 0, 255).astype(np.uint8)
    return np.stack([grey] * 3, -1)


def test_a_flat_bar_amid_grain_is_calm_and_the_grain_is_not() -> None:
    img = Image.fromarray(grain())
    ImageDraw.Draw(img).rectangle((100, 200, 400, 230), fill=(120, 120, 120))
    mask = calm_mask(np.asarray(img))
    assert (mask[205:226, 110:390] == 255).mean() > 0.9
    assert calm_share(mask) < 0.1


def test_a_flat_shaded_drawing_is_mostly_calm() -> None:
    img = Image.new("RGB", (SIDE, SIDE), (90, 90, 90))
    draw = ImageDraw.Draw(img)
    rng = np.random.default_rng(2)
    for y in range(0, SIDE, 24):
        for x in range(0, SIDE, 60):
            draw.rectangle(
                (x + 3, y + 3, x + 60, y + 24), fill=tuple(int(v) for v in rng.integers(120, 200, 3))
            )
    assert calm_share(calm_mask(np.asarray(img))) > 0.5


def test_the_calmest_channel_is_the_one_the_texture_barely_shows_in() -> None:
    textured = grain()[..., 0]
    img = np.stack([np.full_like(textured, 40), textured, np.full_like(textured, 40)], -1)
    img[..., 0] += (np.arange(SIDE) % 2).astype(np.uint8)[None, :]  # the red channel has a hair of detail
    view = calmest_channel(img)
    assert view.shape == img.shape and (view[..., 0] == view[..., 1]).all()
    assert float(np.abs(np.diff(view[..., 0].astype(int), axis=0)).mean()) < 1.0  # the blue, not the grain
