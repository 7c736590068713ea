"""Real OCR on Pillow-drawn images: what it reads, where, in which order, and how it scales."""

from __future__ import annotations

import queue
import threading
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import creative_assets
from creative_assets.imaging import ocr
from creative_assets.imaging.ocr import read_text, reading_order
from creative_assets.models import OcrLine
from creative_assets.models.base import Box

FONT = Path(creative_assets.__file__).parent / "imaging" / "fonts" / "DejaVuSans-Bold.ttf"


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def poster(side: int = 1024) -> Image.Image:
    """Three lines of copy at known places, scaled with the image so boxes compare by fraction."""
    k = side / 1024
    img = Image.new("RGB", (side, side), (20, 40, 79))
    draw = ImageDraw.Draw(img)
    draw.text((round(80 * k), round(100 * k)), "Pflegefachkraft", font=font(round(64 * k)), fill="white")
    draw.text((round(80 * k), round(300 * k)), "Deine Arbeit zählt", font=font(round(40 * k)), fill="white")
    draw.text(
        (round(600 * k), round(820 * k)), "Jetzt bewerben", font=font(round(36 * k)), fill=(245, 183, 0)
    )
    return img


def gradient(side: int = 1024) -> Image.Image:
    ramp = np.linspace(0, 255, side, dtype=np.uint8)
    rgb = np.stack(
        [np.tile(ramp, (side, 1)), np.tile(ramp[:, None], (1, side)), np.full((side, side), 120)], -1
    )
    return Image.fromarray(rgb.astype(np.uint8))


@pytest.fixture(scope="module")
def poster_lines() -> list[OcrLine]:
    return read_text(poster())


def test_reads_every_line_in_reading_order(poster_lines: list[OcrLine]) -> None:
    texts = [line.text for line in poster_lines]
    # The recogniser drops umlauts; the text gates fold them for exactly this reason.
    assert texts == ["Pflegefachkraft", "Deine Arbeit zahlt", "Jetzt bewerben"]
    assert all(0.5 <= line.confidence <= 1 for line in poster_lines)


def test_boxes_are_fractions_around_the_drawn_text(poster_lines: list[OcrLine]) -> None:
    headline, _, cta = poster_lines
    assert headline.box.x == pytest.approx(80 / 1024, abs=0.01)
    assert headline.box.y == pytest.approx(110 / 1024, abs=0.02)
    assert 0.04 < headline.box.h < 0.09
    assert Box(x=0.55, y=0.78, w=0.44, h=0.1).contains(cta.box)


def test_image_without_text_reads_nothing() -> None:
    assert read_text(gradient()) == []


@pytest.mark.parametrize(
    ("size", "read_at"),
    [
        ((1024, 1024), (736, 736)),  # the feed square: half the detector's pixels
        ((1080, 1920), (736, 1312)),  # a story: shorter side 736, the aspect kept within 32 px
        ((1920, 1080), (1312, 736)),
        ((2000, 500), (2944, 736)),  # a thin banner is scaled up, never below the minimum
        ((300, 4000), (320, 4096)),  # the longest side the detector accepts wins over the 736
    ],
)
def test_the_detector_reads_every_image_at_a_shorter_side_of_736(
    size: tuple[int, int], read_at: tuple[int, int]
) -> None:
    assert ocr.detector_size(*size) == read_at
    assert all(side % 32 == 0 for side in read_at)


def test_large_images_are_rescaled_and_boxes_mapped_back() -> None:
    # 2000×500 is read at 2944×736; the box must still land on the drawn text in fractions.
    img = Image.new("RGB", (2000, 500), (255, 255, 255))
    ImageDraw.Draw(img).text((1000, 200), "Teamwork", font=font(80), fill=(0, 0, 0))
    (line,) = read_text(img)
    assert line.text == "Teamwork"
    assert line.box.x == pytest.approx(1000 / 2000, abs=0.01)
    assert line.box.y == pytest.approx(215 / 500, abs=0.03)
    assert line.box.w == pytest.approx(font(80).getlength("Teamwork") / 2000, abs=0.02)


def test_min_confidence_drops_weaker_lines(poster_lines: list[OcrLine]) -> None:
    weakest = min(poster_lines, key=lambda ln: ln.confidence)
    strict = read_text(poster(), min_confidence=weakest.confidence + 1e-6)
    assert weakest.text not in [ln.text for ln in strict]
    assert all(ln.confidence > weakest.confidence for ln in strict)


def test_the_public_stages_compose_into_read_text() -> None:
    img = poster(736)  # read at its own size: nothing is scaled between the stages
    with ocr.borrow_engine() as engine:
        bgr = ocr.as_bgr(ocr.to_rgb(img))
        boxes = ocr.detect_lines(engine, bgr)
        read = ocr.recognise_lines(engine, bgr, boxes, upright=True)
    lines = ocr.ocr_lines(boxes, read, (1.0, 1.0), img.size, 0.5, upright=True)
    assert [ln.text for ln in lines] == ["Pflegefachkraft", "Deine Arbeit zahlt", "Jetzt bewerben"]
    assert lines == read_text(img, upright=True)


def test_rgba_input_is_flattened_not_inverted() -> None:
    img = Image.new("RGBA", (512, 256), (255, 255, 255, 0))
    ImageDraw.Draw(img).text((40, 90), "Teamwork", font=font(56), fill=(0, 0, 0, 255))
    assert [ln.text for ln in read_text(img)] == ["Teamwork"]


def test_engines_are_reused_one_per_concurrent_caller_up_to_the_core_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Concurrent reads each get an engine of their own, never more than MAX_ENGINES exist,
    a caller beyond that waits for one to come free, and every result is the same."""
    monkeypatch.setattr(ocr, "MAX_ENGINES", 2)
    monkeypatch.setattr(ocr, "_idle", queue.LifoQueue())
    monkeypatch.setattr(ocr, "_created", 0)
    made: list[object] = []
    real_new = ocr._new_engine

    def counted() -> object:
        made.append(engine := real_new())
        return engine

    monkeypatch.setattr(ocr, "_new_engine", counted)
    img = Image.new("RGB", (512, 256), (255, 255, 255))
    ImageDraw.Draw(img).text((40, 90), "Teamwork", font=font(56), fill=(0, 0, 0))
    start = threading.Barrier(5)
    results: list[list[OcrLine]] = []

    def read() -> None:
        start.wait()
        results.append(read_text(img))

    threads = [threading.Thread(target=read) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 5
    assert all(r == results[0] and [ln.text for ln in r] == ["Teamwork"] for r in results)
    assert 1 <= len(made) <= 2 and ocr._created == len(made) and ocr._idle.qsize() == len(made)
    read_text(img)  # a later call takes an idle engine instead of making one
    assert ocr._created == len(made)


def test_a_failed_engine_creation_is_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "_idle", queue.LifoQueue())
    monkeypatch.setattr(ocr, "_created", 0)

    def broken() -> object:
        raise RuntimeError("model file missing")

    monkeypatch.setattr(ocr, "_new_engine", broken)
    with pytest.raises(RuntimeError, match="model file missing"):
        read_text(Image.new("RGB", (64, 64)))
    assert ocr._created == 0


def _line(text: str, x: float, y: float, h: float = 0.04) -> OcrLine:
    return OcrLine(text=text, confidence=0.9, box=Box(x=x, y=y, w=0.2, h=h))


def test_reading_order_groups_rows_then_sorts_left_to_right() -> None:
    # A word split off by the detector sits a little higher than its row-mate: still one row.
    lines = [_line("b", 0.6, 0.10), _line("a", 0.1, 0.11), _line("c", 0.1, 0.3), _line("d", 0.1, 0.2)]
    assert [ln.text for ln in reading_order(lines)] == ["a", "b", "d", "c"]


@pytest.fixture
def recognised_crops(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """An empty store of readings, and how many crops each recogniser call is given."""
    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer

    monkeypatch.setattr(ocr, "_read", ocr.OrderedDict())
    counts: list[int] = []
    real = TextRecognizer.__call__

    def counted(self: TextRecognizer, crops: list, *args: object, **kwargs: object) -> object:
        counts.append(len(crops))
        return real(self, crops, *args, **kwargs)

    monkeypatch.setattr(TextRecognizer, "__call__", counted)
    return counts


def test_a_line_crop_read_before_is_not_recognised_again_and_reads_the_same(
    recognised_crops: list[int],
) -> None:
    first = read_text(poster(), upright=True)
    assert recognised_crops == [3]
    again = read_text(poster(), upright=True)
    assert recognised_crops == [3]  # every crop pixel-identical: nothing recognised
    assert again == first and [ln.chars for ln in again] == [ln.chars for ln in first]
    ocr.forget_readings()
    assert read_text(poster(), upright=True) == first  # read afresh: the same lines
    assert recognised_crops == [3, 3]


def test_only_the_lines_whose_crop_changed_are_recognised_again(recognised_crops: list[int]) -> None:
    read_text(poster(), upright=True)
    changed = poster()
    ImageDraw.Draw(changed).text((600, 820), "Jetzt bewerben!", font=font(36), fill=(245, 183, 0))
    lines = read_text(changed, upright=True)
    assert recognised_crops == [3, 1]
    assert "Pflegefachkraft" in [ln.text for ln in lines]


def test_as_bgr_is_the_channels_reversed_in_a_contiguous_copy() -> None:
    rgb = Image.fromarray(np.random.default_rng(1).integers(0, 256, (37, 53, 3), dtype=np.uint8))
    bgr = ocr.as_bgr(rgb)
    assert bgr.flags["C_CONTIGUOUS"] and bgr.dtype == np.uint8
    assert np.array_equal(bgr, np.asarray(rgb)[:, :, ::-1])
