"""Logo compositing: alpha respected, size capped, placed where the gate will look, and on a
plate when the picture behind it would swallow it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative_assets.imaging.compositing import composite_logo, corner_logo_box, logo_pixel_box
from creative_assets.imaging.logo import LOGO_MIN_CONTRAST, logo_contrast
from creative_assets.imaging.sample_logo import draw_sample_logo
from creative_assets.models.base import Box

SIZE = 1024
BG = (20, 30, 60)  # dark navy: the orange ring and the test marks stand out from it
LIGHT = (235, 235, 230)
MEADOW = (62, 122, 70)  # about as dark and as green as the sample brand's logo


def ring_logo(size: tuple[int, int] = (300, 100)) -> Image.Image:
    """An orange ring on transparency: its hole and surroundings must show the photo."""
    logo = Image.new("RGBA", size, (0, 0, 0, 0))
    w, h = size
    ImageDraw.Draw(logo).ellipse((0, 0, w - 1, h - 1), outline=(249, 115, 22, 255), width=max(4, h // 6))
    return logo


def photo(colour: tuple[int, int, int] = BG) -> Image.Image:
    return Image.new("RGB", (SIZE, SIZE), colour)


def test_alpha_is_respected() -> None:
    box = corner_logo_box("bottom_right", (SIZE, SIZE), 3.0)
    out = composite_logo(photo(), ring_logo(), box)
    assert out.mode == "RGB" and out.size == (SIZE, SIZE)
    left, top, right, bottom = logo_pixel_box((SIZE, SIZE), (300, 100), box)
    a = np.asarray(out)
    assert tuple(a[(top + bottom) // 2, (left + right) // 2]) == BG  # the ring's hole
    assert tuple(a[top + 1, left + 1]) == BG  # transparent corner of the logo canvas
    ring = a[top:bottom, left:right].reshape(-1, 3)
    assert (np.abs(ring.astype(int) - (249, 115, 22)).sum(axis=1) < 10).mean() > 0.1
    outside = np.ones((SIZE, SIZE), bool)
    outside[top:bottom, left:right] = False
    assert (a[outside] == BG).all()  # nothing changes outside the logo's box


@pytest.mark.parametrize("logo_size", [(1000, 1000), (2000, 500), (120, 40), (50, 400)])
def test_height_and_width_caps(logo_size: tuple[int, int]) -> None:
    box = Box(x=0.5, y=0.5, w=0.5, h=0.5)  # much larger than any logo may be
    left, top, right, bottom = logo_pixel_box((SIZE, SIZE), logo_size, box)
    assert bottom - top <= 80 and right - left <= 0.3 * SIZE + 1
    ratio = logo_size[0] / logo_size[1]
    assert abs((right - left) / (bottom - top) - ratio) < 0.05 * ratio + 0.05  # aspect kept
    assert (right, bottom) == (SIZE, SIZE)  # pushed into the box's bottom-right corner


def test_max_height_argument() -> None:
    box = corner_logo_box("top_left", (SIZE, SIZE), 1.0)
    assert logo_pixel_box((SIZE, SIZE), (500, 500), box, max_height=40) == (20, 20, 60, 60)


@pytest.mark.parametrize("corner", ["top_left", "top_right", "bottom_left", "bottom_right"])
def test_corner_boxes_keep_the_margin(corner: str) -> None:
    box = corner_logo_box(corner, (SIZE, SIZE), 3.0)  # type: ignore[arg-type]
    left, top, right, bottom = logo_pixel_box((SIZE, SIZE), (300, 100), box)
    assert (right - left, bottom - top) == (240, 80)
    assert left == 20 or right == SIZE - 20
    assert top == 20 or bottom == SIZE - 20
    assert (left == 20) == corner.endswith("left") and (top == 20) == corner.startswith("top")


def test_white_background_of_a_flat_logo_is_removed_but_inner_white_kept() -> None:
    logo = Image.new("RGB", (300, 100), (255, 255, 255))
    draw = ImageDraw.Draw(logo)
    draw.rectangle((40, 20, 260, 80), fill=(10, 77, 104))
    draw.rectangle((130, 40, 170, 60), fill=(255, 255, 255))  # white inside the mark
    box = corner_logo_box("top_left", (SIZE, SIZE), 3.0)
    out = np.asarray(composite_logo(photo(LIGHT), logo, box))
    left, top, right, bottom = logo_pixel_box((SIZE, SIZE), logo.size, box)
    assert tuple(out[top + 2, left + 2]) == LIGHT  # the white canvas is gone
    centre = out[(top + bottom) // 2, (left + right) // 2]
    assert centre.min() > 230  # the white inside the mark survived


def test_coloured_square_logo_stays_opaque() -> None:
    logo = Image.new("RGB", (100, 100), (200, 30, 30))
    ImageDraw.Draw(logo).text((30, 40), "AB", fill=(255, 255, 255))
    box = corner_logo_box("bottom_left", (SIZE, SIZE), 1.0)
    out = np.asarray(composite_logo(photo(), logo, box))
    left, top, *_ = logo_pixel_box((SIZE, SIZE), logo.size, box)
    assert tuple(out[top + 1, left + 1]) == (200, 30, 30)


def test_palette_and_greyscale_logos() -> None:
    box = corner_logo_box("top_right", (SIZE, SIZE), 3.0)
    for logo in (
        ring_logo().convert("P"),
        Image.new("L", (300, 100), 0),
        Image.new("LA", (300, 100), (0, 0)),
    ):
        out = composite_logo(photo(), logo, box)
        assert out.mode == "RGB" and out.size == (SIZE, SIZE)


def test_rgba_base_is_flattened() -> None:
    base = Image.new("RGBA", (640, 480), (*BG, 255))
    out = composite_logo(base, ring_logo(), corner_logo_box("top_left", (640, 480), 3.0))
    assert out.mode == "RGB" and out.size == (640, 480)


def test_a_logo_that_stands_out_is_pasted_plain() -> None:
    box = corner_logo_box("top_right", (SIZE, SIZE), 1.0)
    out = composite_logo(photo(LIGHT), draw_sample_logo(), box)
    left, top, right, bottom = logo_pixel_box((SIZE, SIZE), (256, 256), box)
    a = np.asarray(out)
    outside = np.ones((SIZE, SIZE), bool)
    outside[top:bottom, left:right] = False
    assert (a[outside] == LIGHT).all()  # no plate
    assert logo_contrast(out, draw_sample_logo(), (left, top, right, bottom)) >= LOGO_MIN_CONTRAST


@pytest.mark.parametrize("colour", [MEADOW, (25, 35, 75)], ids=["green meadow", "night sky"])
def test_a_logo_the_picture_would_swallow_gets_a_plate(colour: tuple[int, int, int]) -> None:
    """The sample brand's green mark on green or on near-black: measured faint when pasted
    plain, standing out on its plate."""
    box = corner_logo_box("bottom_left", (SIZE, SIZE), 1.0)
    px = logo_pixel_box((SIZE, SIZE), (256, 256), box)
    plain = photo(colour)
    plain.paste(
        draw_sample_logo().resize((px[2] - px[0], px[3] - px[1])),
        px[:2],
        draw_sample_logo().resize((px[2] - px[0], px[3] - px[1])),
    )
    assert logo_contrast(plain, draw_sample_logo(), px) < LOGO_MIN_CONTRAST
    out = composite_logo(photo(colour), draw_sample_logo(), box)
    assert logo_contrast(out, draw_sample_logo(), px) >= 4.5
    corner = np.asarray(out)[px[1] - 3, px[0] - 3]  # just outside the logo box: the plate
    assert abs(int(corner.mean()) - int(np.mean(colour))) > 100


def test_stand_out_is_measured_against_the_local_background() -> None:
    """Half of the logo over white, half over the meadow: the faint half decides."""
    img = photo(LIGHT)
    box = (400, 400, 480, 480)
    ImageDraw.Draw(img).rectangle((440, 0, SIZE, SIZE), fill=MEADOW)
    logo = draw_sample_logo().resize((80, 80))
    img.paste(logo, box[:2], logo)
    assert logo_contrast(img, draw_sample_logo(), box) < LOGO_MIN_CONTRAST
    on_white = photo(LIGHT)
    on_white.paste(logo, box[:2], logo)
    assert logo_contrast(on_white, draw_sample_logo(), box) > 5
