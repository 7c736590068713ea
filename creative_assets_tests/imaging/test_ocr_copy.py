"""The copy read where a creative differs from its canvas: the same lines as a whole-frame read,
text the editor added anywhere is found, and a repainted picture is read whole."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import creative_assets
from creative_assets.imaging import ocr_copy
from creative_assets.imaging.ocr import COPY_DET_SIDE, read_text
from creative_assets.imaging.ocr_copy import changed_regions, read_copy_changes
from creative_assets.imaging.procedural import draw_base_image
from creative_assets.models import IMAGE_TYPES

FONT = Path(creative_assets.__file__).parent / "imaging" / "fonts" / "DejaVuSans-Bold.ttf"


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


@cache
def canvas() -> Image.Image:
    return draw_base_image(IMAGE_TYPES[0], 3, 1080, 1920).convert("RGB")


def with_text(img: Image.Image, *texts: tuple[tuple[int, int], str, int]) -> Image.Image:
    out = img.copy()
    draw = ImageDraw.Draw(out)
    for xy, text, size in texts:
        box = draw.textbbox(xy, text, font=font(size))
        draw.rectangle((box[0] - 12, box[1] - 12, box[2] + 12, box[3] + 12), fill=(16, 16, 16))
        draw.text(xy, text, font=font(size), fill="white")
    return out


COPY = (
    ((90, 300), "Pflegefachkraft", 84),
    ((90, 430), "Deine Arbeit zählt", 48),
    ((90, 1600), "Jetzt bewerben", 44),
)


def test_an_unchanged_picture_has_no_changed_region_and_another_size_is_read_whole() -> None:
    assert changed_regions(canvas(), canvas().copy()) == []
    assert changed_regions(canvas(), canvas().resize((1080, 1080))) is None


def test_regions_cover_what_was_set_with_a_margin_and_leave_the_rest() -> None:
    creative = with_text(canvas(), COPY[0])
    (region,) = changed_regions(canvas(), creative)
    left, top, right, bottom = region
    assert left <= 90 - 12 and top <= 300 - 12  # the panel behind the text starts 12 px out
    assert (right - left) * (bottom - top) < 0.15 * 1080 * 1920


@pytest.mark.parametrize("channel", [0, 1, 2])
def test_a_tile_counts_as_changed_by_its_pixels_moved_past_the_threshold_in_any_channel(channel: int) -> None:
    flat = np.full((100, 90, 3), 128, dtype=np.uint8)  # tiles cut off at the right and bottom edges
    after = flat.copy()
    tile = ocr_copy.TILE
    # Too few pixels in one interior tile, or moved by no more than the threshold: no region.
    after[20, 20 : 20 + ocr_copy.CHANGED_PIXELS - 1, channel] = 255
    after[40, 40:50, channel] = 128 + ocr_copy.CHANGE_THRESHOLD
    assert changed_regions(Image.fromarray(flat), Image.fromarray(after)) == []
    # Enough pixels in the partial corner tile: one region, grown from that tile and clipped.
    after[96:99, 88, channel] = 128 - ocr_copy.CHANGE_THRESHOLD - 1
    margin = ocr_copy.MARGIN_TILES * tile
    corner = (90 // tile) * tile, (100 // tile) * tile
    assert changed_regions(Image.fromarray(flat), Image.fromarray(after)) == [
        (corner[0] - margin, corner[1] - margin, 90, 100)
    ]


def test_a_repainted_picture_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    noise = np.random.default_rng(0).integers(0, 255, (1920, 1080, 3), dtype=np.uint8)
    assert changed_regions(canvas(), Image.fromarray(noise)) is None
    whole: list[int] = []
    monkeypatch.setattr(ocr_copy, "read_text", lambda *a, **k: whole.append(1) or [])
    read_copy_changes(Image.fromarray(noise), canvas(), det_side=COPY_DET_SIDE)
    assert whole == [1]


def test_the_copy_is_read_as_a_whole_frame_read_reads_it() -> None:
    creative = with_text(canvas(), *COPY)
    whole = read_text(creative, det_side=COPY_DET_SIDE, upright=True)
    changed = read_copy_changes(creative, canvas(), det_side=COPY_DET_SIDE)
    assert [ln.text for ln in changed] == [ln.text for ln in whole]
    assert len(changed) == 3
    for a, b in zip(changed, whole, strict=True):
        assert a.box.overlap(b.box) > 0.9
        assert a.chars and len(a.chars) == len(b.chars)  # the glyph check's columns come along


def test_text_the_editor_added_outside_the_copy_is_found() -> None:
    creative = with_text(canvas(), *COPY, ((700, 1000), "SALE", 56))
    texts = [ln.text for ln in read_copy_changes(creative, canvas(), det_side=COPY_DET_SIDE)]
    assert "SALE" in texts


def test_text_already_in_the_canvas_is_left_to_gate_1a() -> None:
    """The canvas shows a picture Gate 1a searched; only what changed is read."""
    lettered = with_text(canvas(), ((600, 1000), "EXIT", 56))
    creative = with_text(lettered, COPY[0])
    assert "EXIT" not in [ln.text for ln in read_copy_changes(creative, lettered, det_side=COPY_DET_SIDE)]
    assert "EXIT" in [ln.text for ln in read_copy_changes(creative, None, det_side=COPY_DET_SIDE)]
