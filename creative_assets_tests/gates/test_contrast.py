"""Gate 4's contrast of a line, on lines drawn over known backgrounds and read by the real OCR:
the ratio must be the ink's against what is behind it, at the line's weakest part."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative_assets.gates.checks import gate_4_readability
from creative_assets.gates.contrast import luminance, text_contrast
from creative_assets.imaging.color import contrast_of, hex_to_rgb
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.ocr import read_text
from creative_assets.models import ImageAnalysis, Layout, TextZone
from creative_assets.models.base import Box

SIDE = 1024
PINK, SKY = "#d0608a", "#cfe6f7"  # the picture that showed the defect: a pink disc in a pale sky
LAYOUT = Layout(
    image_type="artistic",
    zones=[TextZone(role="headline", box=Box(x=0.0, y=0.3, w=1.0, h=0.4), color="#111111")],
    logo_position=None,
    logo_box=None,
    i2i_prompt="-",
    analysis=ImageAnalysis(width=SIDE, height=SIDE, regions=[], salient=None, sha256="0" * 64, provider="t"),
)


def line_over(background: Image.Image, ink: str, text: str = "Pflegefachkraft gesucht") -> Image.Image:
    img = background.copy()
    ImageDraw.Draw(img).text((60, 470), text, font=load_font(64, bold=True), fill=hex_to_rgb(ink))
    return img


def disc_in_sky(disc: str, sky: str) -> Image.Image:
    img = Image.new("RGB", (SIDE, SIDE), hex_to_rgb(sky))
    ImageDraw.Draw(img).ellipse((180, 330, 560, 710), fill=hex_to_rgb(disc))
    return img


def measured(img: Image.Image) -> list[float]:
    rgb = np.asarray(img)
    values = []
    for line in read_text(img):
        left, top, right, bottom = line.box.to_pixels(img.width, img.height)
        values.append(text_contrast(luminance(rgb[top:bottom, left:right])))
    assert values, "the OCR read no line"
    return values


def test_dark_ink_over_two_background_tones_is_measured_against_the_weaker_one() -> None:
    # A split into two luminance clusters put the pink and the sky apart and reported 2.6:1.
    img = line_over(disc_in_sky(PINK, SKY), "#111111")
    weaker = contrast_of(hex_to_rgb("#111111"), hex_to_rgb(PINK))
    assert weaker == pytest.approx(5.15, abs=0.01)
    assert min(measured(img)) == pytest.approx(weaker, rel=0.05)
    result = gate_4_readability(img, read_text(img), LAYOUT)
    assert result.status == "PASS", result.summary


def test_a_line_whose_ink_is_darker_than_one_background_and_lighter_than_the_other() -> None:
    # Amber over black reads well (11.7:1); over the pale sky it nearly vanishes (1.4:1). The
    # line is as readable as its weak part, so the gate fails it.
    img = Image.new("RGB", (SIDE, SIDE), hex_to_rgb(SKY))
    ImageDraw.Draw(img).rectangle((0, 0, 560, SIDE), fill=(0, 0, 0))
    img = line_over(img, "#f5b700")
    weak = contrast_of(hex_to_rgb("#f5b700"), hex_to_rgb(SKY))
    assert min(measured(img)) == pytest.approx(weak, rel=0.1)
    result = gate_4_readability(img, read_text(img), LAYOUT)
    assert (result.status, result.action) == ("FAIL", "regenerate_i2i")


@pytest.mark.parametrize(
    ("ink", "background"), [("#ffffff", "#14284f"), ("#14284f", "#ffffff"), ("#e4007c", "#111111")]
)
def test_on_a_flat_background_light_and_dark_ink_give_the_wcag_ratio(ink: str, background: str) -> None:
    img = line_over(Image.new("RGB", (SIDE, SIDE), hex_to_rgb(background)), ink)
    assert min(measured(img)) == pytest.approx(contrast_of(hex_to_rgb(ink), hex_to_rgb(background)), rel=0.03)


@pytest.mark.parametrize("grey", [150, 140, 128])
def test_faint_ink_is_measured_or_found_invisible_never_an_error(grey: int) -> None:
    # Ink at 1.1–1.3:1 on mid grey: right at MIN_LIFT (1.15:1), where few pixels count as ink.
    img = line_over(Image.new("RGB", (SIDE, SIDE), (160, 160, 160)), f"#{grey:02x}{grey:02x}{grey:02x}")
    patch = luminance(np.asarray(img)[450:560, 40:1000])
    true = contrast_of((160, 160, 160), (grey, grey, grey))
    assert text_contrast(patch) in (1.0, pytest.approx(true, rel=0.1))


def test_a_box_without_ink_is_not_credited_with_contrast() -> None:
    flat = luminance(np.full((40, 300, 3), 128, np.uint8))
    assert text_contrast(flat) == 1.0
    assert text_contrast(flat[:2]) == 1.0


def test_luminance_of_an_8_bit_image_is_the_wcag_formula_exactly() -> None:
    """8-bit pixels are looked up, not computed: the same float64 for every level and any
    layout of the array (a line's box is a strided slice of the frame)."""
    rng = np.random.default_rng(7)
    frame = rng.integers(0, 256, (120, 300, 3), dtype=np.uint8)
    frame[0, :256] = np.arange(256, dtype=np.uint8)[:, None]  # every level in every channel
    patch = frame[10:90, 20:280]

    def formula(rgb: np.ndarray) -> np.ndarray:
        c = rgb.astype(np.float64) / 255.0
        linear = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return linear @ np.array([0.2126, 0.7152, 0.0722])

    for rgb in (frame, patch):
        assert np.array_equal(luminance(rgb), formula(rgb))
        assert np.array_equal(luminance(rgb.astype(np.float32)), formula(rgb))
