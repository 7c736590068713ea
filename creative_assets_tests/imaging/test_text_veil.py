"""The veil look (`text_veil`, `text_pattern.veils`): a watermark over a window grid, which the
earlier looks miss, is found; its opacity is measured the same over dark panes and the light
wall; a text-free brick wall and window grid are not lettering; texture read as strokes and
digits does not count."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative_assets.imaging import text_search, text_veil
from creative_assets.imaging.text_pattern import lattice, veils
from creative_assets.imaging.text_search import find_text
from creative_assets.models import OcrLine
from creative_assets.models.base import Box
from creative_assets_tests.imaging.test_text_search import SIDE, watermarked, window_grid


def brick_wall() -> Image.Image:
    """Bricks of many shades in running bond, thin light mortar: each brick departs from its
    neighbours a little, as a faint watermark would."""
    rng = random.Random(7)
    img = Image.new("RGB", (SIDE, SIDE), (205, 200, 190))
    draw = ImageDraw.Draw(img)
    for row, y in enumerate(range(0, SIDE, 34)):
        for x in range(-(40 * (row % 2)), SIDE, 80):
            red = rng.randint(120, 170)
            draw.rectangle((x + 4, y + 4, x + 80, y + 34), fill=(red, red // 2, red // 3))
    return img


def test_a_faint_watermark_over_a_window_grid_is_found_by_the_veil_look(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    img = watermarked(window_grid(), "Garten", 0.2)
    assert [ln.text for ln in find_text(img)] == ["Garten"]
    monkeypatch.setattr(text_search, "veil_lines", lambda *args: [])
    assert find_text(img) == []


@pytest.mark.parametrize("texture", [brick_wall, window_grid])
def test_a_text_free_wall_is_not_lettering(texture, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[int] = []
    look = text_search.veil_lines
    monkeypatch.setattr(text_search, "veil_lines", lambda *args: ran.append(1) or look(*args))
    assert find_text(texture()) == [] and ran == [1]


def test_a_veil_is_measured_alike_over_panes_and_wall() -> None:
    wall = np.asarray(window_grid().resize((736, 736), Image.Resampling.LANCZOS))
    periods = lattice(wall[..., 0])
    veiled = wall.astype(np.float32)
    veiled[300:340, 100:600] += 0.25 * (255 - veiled[300:340, 100:600])  # a white bar at 25 %
    lighter, darker = veils(veiled.round().astype(np.uint8), periods)
    bar = lighter[305:335, 110:590]
    assert periods and abs(float(np.median(bar)) - 0.25) < 0.05 and float(np.percentile(bar, 5)) > 0.2
    assert float(darker[305:335, 110:590].max()) < 0.05
    # Away from the bar only the panes' own shades differ, most of them less than the floor.
    assert float(np.percentile(lighter[450:], 90)) < text_veil.VEIL_FLOOR


@pytest.mark.parametrize(
    ("text", "confidence", "counts"),
    [("Hostel", 0.99, True), ("Bäckerei", 0.95, True), ("Hostel", 0.85, False), ("VNNVA", 0.88, False),
     ("141.", 0.95, False), ("1H////1", 0.95, False), ("二三二", 0.95, False), ("WWW", 0.99, False)],
)  # fmt: skip
def test_only_a_latin_word_read_strongly_counts(text: str, confidence: float, counts: bool) -> None:
    line = OcrLine(text=text, confidence=confidence, box=Box(x=0.1, y=0.1, w=0.3, h=0.1))
    assert text_veil.a_latin_word(line) is counts
