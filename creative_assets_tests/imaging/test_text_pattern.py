"""The look through a repeating texture (`text_pattern`): it finds the periods of a texture that
repeats and none in a picture that does not, and it takes the pattern out but not a letter."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from creative_assets.imaging.text_pattern import lattice, pattern_removed


def grid(period: tuple[int, int] = (30, 24), side: int = 544) -> np.ndarray:
    img = Image.new("RGB", (side, side), (190, 180, 160))
    draw = ImageDraw.Draw(img)
    for y in range(0, side, period[0]):
        for x in range(0, side, period[1]):
            draw.rectangle((x + 4, y + 4, x + period[1] // 2 + 4, y + period[0] // 2 + 4), fill=(40, 50, 60))
    return np.asarray(img)


def test_the_periods_of_a_grid_are_found() -> None:
    assert sorted(lattice(grid()[..., 0])) == [(0, 24), (30, 0)]


def test_a_picture_that_does_not_repeat_has_no_period() -> None:
    ramp = np.tile(np.linspace(0, 255, 544, dtype=np.float32), (544, 1)).astype(np.uint8)
    blotches = Image.fromarray(np.random.default_rng(1).integers(0, 255, (34, 34), dtype=np.uint8))
    assert lattice(ramp) == []
    assert lattice(np.asarray(blotches.resize((544, 544), Image.Resampling.BICUBIC))) == []


def test_the_pattern_goes_and_a_letter_over_it_stays() -> None:
    plain = grid()
    lettered = Image.fromarray(plain)
    ImageDraw.Draw(lettered).rectangle((200, 250, 330, 262), fill=(120, 110, 100))  # a bar of a letter
    removed = pattern_removed(np.asarray(lettered), [(30, 0), (0, 24)])[..., 0]
    assert (pattern_removed(plain, [(30, 0), (0, 24)]) == 255).all()
    assert removed[252:260, 210:320].mean() < 160 and removed[:150].min() == 255
