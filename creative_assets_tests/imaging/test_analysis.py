"""Calm-region analysis on synthetic images whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from creative_assets.imaging.analysis import analyze_image, detail_grid
from creative_assets.imaging.png import sha256, to_png
from creative_assets.models.base import Box
from creative_assets.providers.openai_images import VisionZones, merge_analysis

SIZE = 1024


def flat_top_noisy_bottom(seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    a = np.full((SIZE, SIZE, 3), 210, np.uint8)
    a[SIZE // 2 :] = rng.integers(0, 256, (SIZE // 2, SIZE, 3), dtype=np.uint8)
    return Image.fromarray(a)


def test_flat_top_beats_noisy_bottom() -> None:
    analysis = analyze_image(flat_top_noisy_bottom())
    calmest = analysis.regions[0]
    assert calmest.box.y + calmest.box.h <= 0.5 + 1e-6
    assert calmest.detail < 0.01
    assert max(r.detail for r in analysis.regions) > 0.1


def test_regions_sorted_calmest_first_and_cover_bands_and_blocks() -> None:
    analysis = analyze_image(flat_top_noisy_bottom())
    details = [r.detail for r in analysis.regions]
    assert details == sorted(details)
    full_width = [r for r in analysis.regions if r.box.w > 0.8]
    halves = [r for r in analysis.regions if r.box.w < 0.5]
    assert {round(r.box.x, 2) for r in halves} == {0.05, 0.5}
    assert min(r.box.y for r in full_width) <= 0.05 + 1e-6  # top band
    assert max(r.box.y + r.box.h for r in full_width) >= 0.95 - 1e-6  # bottom band
    for region in analysis.regions:
        assert 0.22 <= region.box.h <= 0.9
        assert region.box.x >= 0.04 and region.box.x + region.box.w <= 0.96 + 1e-6


def test_salient_is_the_busy_half() -> None:
    analysis = analyze_image(flat_top_noisy_bottom())
    assert analysis.salient is not None
    assert analysis.salient.y >= 0.45
    assert analysis.salient.w > 0.9


def test_corner_detail_and_metadata() -> None:
    img = flat_top_noisy_bottom()
    analysis = analyze_image(img, provider="unit")
    corners = analysis.corner_detail
    assert set(corners) == {"top_left", "top_right", "bottom_left", "bottom_right"}
    assert corners["top_left"] < 0.01 and corners["top_right"] < 0.01
    assert corners["bottom_left"] > 0.1 and corners["bottom_right"] > 0.1
    assert analysis.sha256 == sha256(to_png(img))
    assert (analysis.width, analysis.height, analysis.provider) == (SIZE, SIZE, "unit")


@pytest.mark.parametrize(("value", "low", "high"), [(255, 0.99, 1.0), (0, 0.0, 0.01), (128, 0.19, 0.24)])
def test_luminance_is_wcag_relative_luminance(value: int, low: float, high: float) -> None:
    analysis = analyze_image(Image.new("RGB", (512, 512), (value,) * 3))
    assert all(low <= r.luminance <= high for r in analysis.regions)
    assert analysis.salient is None  # a flat image has no subject
    assert all(r.detail == 0 for r in analysis.regions)


def test_handles_rgba_and_non_square() -> None:
    img = Image.new("RGBA", (800, 400), (20, 40, 60, 255))
    analysis = analyze_image(img)
    assert (analysis.width, analysis.height) == (800, 400)
    assert analysis.regions


def test_a_vision_analysis_measured_on_one_grid_is_the_one_measured_twice() -> None:
    """The OpenAI analyzer measures the local areas and its model's areas on one detail grid:
    the same analysis as each measuring its own."""
    img = flat_top_noisy_bottom(seed=4).convert("RGBA")
    rgb = img.convert("RGB")
    grid = detail_grid(rgb)
    local = analyze_image(img, provider="openai", digest="0" * 64)
    assert analyze_image(rgb, provider="openai", digest="0" * 64, grid=grid) == local
    zones = VisionZones(subject=Box(x=0.2, y=0.6, w=0.5, h=0.3), text_zones=[Box(x=0.1, y=0.1, w=0.8, h=0.2)])
    assert merge_analysis(local, zones, rgb, grid=grid) == merge_analysis(local, zones, img)
