"""Ad formats: the crop is the largest of the format's aspect, around the subject, never a stretch."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from creative_assets.imaging.analysis import analyze_image
from creative_assets.imaging.formats import FORMATS, FULL_FRAME, ad_format, crop_box, crop_pixels, reframe
from creative_assets.models import Box
from creative_assets.resources import CampaignSettings, settings_from_env

SIZES = {"1:1": (1080, 1080), "4:5": (1080, 1350), "9:16": (1080, 1920), "16:9": (1920, 1080)}


def _picture(subject_at: tuple[int, int], side: int = 1024) -> Image.Image:
    """A flat background with one busy subject (a checkered block) at `subject_at`."""
    img = Image.new("RGB", (side, side), (200, 210, 220))
    draw = ImageDraw.Draw(img)
    x0, y0 = subject_at
    for i in range(0, 160, 16):
        for j in range(0, 160, 16):
            if (i + j) // 16 % 2:
                draw.rectangle((x0 + i, y0 + j, x0 + i + 15, y0 + j + 15), fill=(20, 20, 20))
    return img


def test_the_four_formats_have_the_ad_platforms_pixels_and_path_safe_slugs() -> None:
    assert {f: fmt.size for f, fmt in FORMATS.items()} == SIZES
    assert [fmt.slug for fmt in FORMATS.values()] == ["1x1", "4x5", "9x16", "16x9"]
    assert CampaignSettings().formats == list(SIZES)
    with pytest.raises(ValueError, match="unknown_format"):
        ad_format("2:1")
    with pytest.raises(ValueError, match="unknown_format"):
        CampaignSettings(formats=["1:1", "3:2"])
    with pytest.raises(ValueError, match="duplicate_format"):
        CampaignSettings(formats=["9:16", "9:16"])


@pytest.mark.parametrize("format_id", list(SIZES))
def test_the_crop_is_the_largest_of_the_formats_aspect_and_keeps_it(format_id: str) -> None:
    fmt = FORMATS[format_id]  # type: ignore[index]
    left, top, right, bottom = crop_pixels((1024, 1024), fmt.aspect, (512, 512))
    width, height = right - left, bottom - top
    assert max(width, height) == 1024  # one side is the whole base image: nothing wasted
    assert abs(width / height - fmt.aspect) / fmt.aspect < 0.002  # within a pixel's rounding


@pytest.mark.parametrize("format_id", ["4:5", "9:16", "16:9"])
@pytest.mark.parametrize("corner", [(40, 40), (820, 820), (820, 60)])
def test_the_crop_follows_the_subject_and_holds_it(format_id: str, corner: tuple[int, int]) -> None:
    img = _picture(corner)
    analysis = analyze_image(img)
    subject = analysis.salient
    assert subject is not None
    crop = crop_box(analysis, FORMATS[format_id])  # type: ignore[index]
    assert crop.contains(subject, tolerance=1e-6)
    # the crop stays inside the base image
    assert crop.x >= 0 and crop.y >= 0 and crop.x + crop.w <= 1 + 1e-9 and crop.y + crop.h <= 1 + 1e-9


def test_without_a_subject_the_crop_is_centred_and_a_square_shows_all() -> None:
    analysis = analyze_image(Image.new("RGB", (1024, 1024), (90, 120, 160)))
    assert analysis.salient is None
    crop = crop_box(analysis, FORMATS["9:16"])
    assert abs(crop.x + crop.w / 2 - 0.5) < 0.002 and crop.h == 1.0
    assert crop_box(analysis, FORMATS["1:1"]) == FULL_FRAME


@pytest.mark.parametrize("format_id", list(SIZES))
def test_reframing_scales_uniformly_to_the_formats_pixels(format_id: str) -> None:
    """Not a stretch: a circle in the base image is still a circle in every format."""
    fmt = FORMATS[format_id]  # type: ignore[index]
    base = Image.new("RGB", (1024, 1024), "white")
    ImageDraw.Draw(base).ellipse((412, 412, 612, 612), fill="black")
    crop = crop_box(analyze_image(base), fmt)
    out = reframe(base, crop, fmt.size)
    assert out.size == SIZES[format_id]
    dark = out.convert("L").point(lambda v: 255 if v < 128 else 0)
    left, top, right, bottom = dark.getbbox()  # type: ignore[misc]
    assert abs((right - left) / (bottom - top) - 1.0) < 0.02
    # scaled by the same factor both ways: crop pixels → format pixels
    scale = fmt.width / (crop.w * 1024)
    assert abs(fmt.height / (crop.h * 1024) - scale) / scale < 0.005
    assert abs((right - left) - 200 * scale) <= 3


def test_a_box_of_the_crop_maps_back_to_the_base_image() -> None:
    crop = Box(x=0.2, y=0.0, w=0.5625, h=1.0)
    fmt = FORMATS["9:16"]
    base = Image.new("RGB", (1024, 1024), "white")
    ImageDraw.Draw(base).rectangle((300, 100, 400, 200), fill="red")
    out = reframe(base, crop, fmt.size)
    scale = fmt.width / round(crop.w * 1024)
    x = round((350 - round(crop.x * 1024)) * scale)
    assert out.getpixel((x, round(150 * scale))) == (255, 0, 0)


def test_a_deployment_picks_its_formats_from_the_environment() -> None:
    assert settings_from_env({}).formats == list(SIZES)
    assert settings_from_env({"CREATIVE_ASSETS_FORMATS": " 9:16, 1:1 "}).formats == ["9:16", "1:1"]
    with pytest.raises(ValueError, match=r"\[unknown_format\] CREATIVE_ASSETS_FORMATS names 9x16"):
        settings_from_env({"CREATIVE_ASSETS_FORMATS": "9x16"})
