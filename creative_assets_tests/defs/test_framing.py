"""The picture a rendition's text is set on (`imaging/canvas.Canvas`)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from creative_assets.imaging import canvas as canvas_module
from creative_assets.imaging.canvas import Canvas, frame_for_analysis
from creative_assets.imaging.formats import FULL_FRAME, ad_format, reframe
from creative_assets.imaging.layout_rules import plan_layout
from creative_assets.imaging.png import open_image, to_png
from creative_assets.models import ImageAnalysis, Layout, Region
from creative_assets.models.base import Box
from creative_assets_tests.imaging.test_layout_rules import COPIES, make_brand


def _layout(fmt: str, crop: Box) -> Layout:
    analysis = ImageAnalysis(
        width=1080,
        height=1080,
        regions=[Region(box=Box(x=0.05, y=0.05, w=0.9, h=0.3), detail=0.002, luminance=0.8)],
        salient=None,
        sha256="0" * 64,
        provider="test",
    )
    layout = plan_layout(analysis, COPIES[1], make_brand(), "lifestyle", has_logo=False)
    return layout.model_copy(update={"format": fmt, "crop": crop})


def test_a_square_base_image_goes_to_the_edit_as_it_is_and_to_the_typesetter_at_the_formats_size() -> None:
    base = Image.linear_gradient("L").resize((1024, 1024)).convert("RGB")
    base_png = to_png(base)
    square = Canvas.framed(base_png, FULL_FRAME, ad_format("1:1"))
    # The model's size is the base image's: its own bytes, not decoded, resampled and encoded.
    sent, frame = square.fitted((1024, 1024))
    assert sent is base_png and frame == (0, 0, 1024, 1024)
    # The typesetter, the legibility check and the logo work at the format's 1080 px.
    assert square.image().size == (1080, 1080)
    # A base image of the format's size is taken as it is (no resampling at all).
    exact = Canvas.framed(to_png(base.resize((1080, 1080))), FULL_FRAME, ad_format("1:1"))
    assert np.array_equal(np.asarray(exact.image()), np.asarray(base.resize((1080, 1080))))


def test_a_cropped_format_is_sent_to_the_edit_resampled_once_from_the_base_image() -> None:
    """A 9:16 story cut from a square base: the edit canvas is the crop scaled straight to the
    model's frame, not the 1080×1920 canvas scaled down again (which blurred it twice)."""
    base = Image.radial_gradient("L").resize((1024, 1024)).convert("RGB")
    crop = Box(x=0.21875, y=0.0, w=0.5625, h=1.0)  # 576×1024 px of the base
    story = Canvas.framed(to_png(base), crop, ad_format("9:16"))
    assert story.image().size == (1080, 1920)
    sent, frame = story.fitted((1024, 1536))
    assert frame == (80, 0, 944, 1536)
    picture = open_image(sent).convert("RGB")
    assert picture.size == (1024, 1536)
    once = base.crop((224, 0, 800, 1024)).resize((864, 1536), Image.Resampling.LANCZOS)
    assert np.array_equal(np.asarray(picture.crop(frame)), np.asarray(once))


def test_the_edit_canvas_is_padded_with_the_pictures_mean_colour() -> None:
    """The padding around a fitted story is the mean of the picture's pixels, rounded: summed
    exactly (a float32 running sum over a million pixels drifted by up to three levels)."""
    # Bright noise: its running float32 sum lost enough to round the mean to the next level.
    base = Image.fromarray(np.random.default_rng(0).integers(230, 256, (1024, 1024, 3), dtype=np.uint8))
    crop = Box(x=0.21875, y=0.0, w=0.5625, h=1.0)
    story = Canvas.framed(to_png(base), crop, ad_format("9:16"))
    sent, (left, top, right, bottom) = story.fitted((1024, 1536))
    picture = np.asarray(open_image(sent).convert("RGB"))
    inside = picture[top:bottom, left:right].reshape(-1, 3).astype(np.int64)
    expected = [int(v) for v in np.round(inside.sum(axis=0) / len(inside))]
    assert picture[0, 0].tolist() == picture[-1, -1].tolist() == expected


def test_a_retry_sends_the_edit_the_picture_made_first(monkeypatch: pytest.MonkeyPatch) -> None:
    base = Image.radial_gradient("L").resize((1024, 1024)).convert("RGB")
    story = Canvas.framed(to_png(base), Box(x=0.21875, y=0.0, w=0.5625, h=1.0), ad_format("9:16"))
    first = story.fitted((1024, 1536))

    def scaled_again(size: tuple[int, int]) -> Image.Image:
        raise AssertionError("the edit picture was made again")

    monkeypatch.setattr(story, "_scaled", scaled_again)
    assert story.fitted((1024, 1536)) is first


def test_the_frame_analysed_for_a_format_is_the_canvas_of_that_rendition_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The layouts step's frame is handed to the first canvas of the same base image, crop and
    size (no second resampling); the next canvas makes its own, with the same pixels."""
    monkeypatch.setattr(canvas_module, "_frames", canvas_module.OrderedDict())
    base = Image.radial_gradient("L").resize((1024, 1024)).convert("RGB")
    base_png, crop = to_png(base), Box(x=0.21875, y=0.0, w=0.5625, h=1.0)
    analysed = frame_for_analysis(base_png, crop, (1080, 1920))
    made: list[tuple[int, int]] = []

    def counted(img: Image.Image, box: Box, size: tuple[int, int]) -> Image.Image:
        made.append(size)
        return reframe(img, box, size)

    monkeypatch.setattr(canvas_module, "reframe", counted)
    other = Canvas.framed(base_png, crop, ad_format("4:5"))  # another size: not this frame
    assert other.image().size == (1080, 1350) and made == [(1080, 1350)]
    first = Canvas.framed(base_png, crop, ad_format("9:16"))
    assert first.image() is analysed and made == [(1080, 1350)]
    second = Canvas.framed(base_png, crop, ad_format("9:16"))
    assert np.array_equal(np.asarray(second.image()), np.asarray(analysed)) and made[-1] == (1080, 1920)
    fresh = base.crop((224, 0, 800, 1024)).resize((1080, 1920), Image.Resampling.LANCZOS)
    assert np.array_equal(np.asarray(analysed), np.asarray(fresh))
