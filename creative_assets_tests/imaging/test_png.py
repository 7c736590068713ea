"""PNG bytes handed on in-process are not decoded again, and nothing about what a decode gives
changes: the same pixels and mode, a picture of its own each time, and untrusted bytes still
checked."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative_assets.imaging import png
from creative_assets.imaging.png import InvalidImageError, open_image, to_png


def picture(mode: str) -> Image.Image:
    pixels = np.random.default_rng(1).integers(0, 255, (48, 64, len(mode)), dtype=np.uint8)
    return Image.fromarray(pixels, mode)


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_encoded_bytes_open_without_a_decode_as_the_decode_would(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    img = picture(mode)
    data = to_png(img)
    decoded = open_image(bytes(data))  # another object with the same bytes: decoded
    monkeypatch.setattr(png, "_opened", lambda *a, **k: pytest.fail("decoded again"))
    reused = open_image(data)
    assert reused.mode == decoded.mode == mode
    assert np.array_equal(np.asarray(reused), np.asarray(decoded))


def test_what_a_caller_draws_on_never_reaches_another_caller() -> None:
    img = picture("RGB")
    data = to_png(img)
    ImageDraw.Draw(img).rectangle((0, 0, 63, 47), fill="red")  # the encoder's own picture
    first = open_image(data)
    ImageDraw.Draw(first).rectangle((0, 0, 63, 47), fill="blue")
    second = open_image(data)
    assert np.array_equal(np.asarray(second), np.asarray(open_image(bytes(data))))
    assert second.getpixel((0, 0)) != (0, 0, 255)


def test_bytes_decoded_once_are_reused_and_other_bytes_are_still_checked() -> None:
    data = to_png(picture("RGB"))
    copy = bytes(data)
    assert np.array_equal(np.asarray(open_image(copy)), np.asarray(open_image(copy)))
    with pytest.raises(InvalidImageError, match="corrupt_image"):
        open_image(copy[: len(copy) // 2])
    with pytest.raises(InvalidImageError, match="not_png"):
        open_image(_jpeg(), require_png=True)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    picture("RGB").save(buffer, format="JPEG")
    return buffer.getvalue()


def test_pictures_a_decode_would_refuse_or_larger_than_a_rendition_are_not_kept() -> None:
    for size in ((8, 64), (4100, 20), (2100, 2100)):
        data = to_png(Image.new("RGB", size))
        assert png._recall(data) is None
    with pytest.raises(InvalidImageError, match="image_too_small"):
        open_image(to_png(Image.new("RGB", (8, 64))))
