"""Gate 1a's search (`find_text`): a watermark hidden in texture is found by the second looks,
faint lettering over a window grid by the look through the repeating pattern, faint lettering
amid grain and a watermark over coloured streaks by the texture-blind look, the texture alone
is not lettering, and the later looks run only where they can find something."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from creative_assets.imaging import text_search
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.text_search import find_text
from creative_assets.models import OcrLine
from creative_assets.models.base import Box

SIDE = 1024
WALL = (200, 140, 140)


def stripes() -> Image.Image:
    """Steep cyan stripes on grey-green: a texture the detector's first look sees no text in."""
    img = Image.new("RGB", (SIDE, SIDE), (120, 150, 130))
    draw = ImageDraw.Draw(img)
    for x in range(-SIDE, 2 * SIDE, 14):
        draw.line((x, 0, x + SIDE // 3, SIDE), fill=(40, 190, 210), width=4)
    return img


def window_grid() -> Image.Image:
    """A façade: dark panes of slightly different shades on a pink wall, half with a mullion."""
    rng = random.Random(3)
    img = Image.new("RGB", (SIDE, SIDE), WALL)
    draw = ImageDraw.Draw(img)
    for y in range(20, SIDE, 62):
        for x in range(20, SIDE, 52):
            draw.rectangle((x, y, x + 30, y + 44), fill=tuple(rng.randint(30, 60) for _ in range(3)))
            if rng.random() < 0.5:
                draw.line((x + 15, y, x + 15, y + 44), fill=WALL, width=2)
    return img


def faintly_lettered(base: Image.Image, word: str) -> Image.Image:
    """`word` in a pink a little darker than the wall (about 1.5:1), turned by 15°."""
    face = load_font(110, bold=True)
    left, top, right, bottom = face.getbbox(word)
    layer = Image.new("RGBA", (right - left + 20, bottom - top + 20), (165, 115, 115, 0))
    ImageDraw.Draw(layer).text((10 - left, 10 - top), word, font=face, fill=(165, 115, 115, 255))
    out = base.convert("RGBA")
    out.alpha_composite(layer.rotate(-15, expand=True, resample=Image.Resampling.BICUBIC), (300, 400))
    return out.convert("RGB")


def watermarked(base: Image.Image, word: str, opacity: float) -> Image.Image:
    """`word` in white at `opacity`, large and turned by 20°, as a stock-photo watermark."""
    face = load_font(150, bold=True)
    left, top, right, bottom = face.getbbox(word)
    layer = Image.new("RGBA", (right - left + 20, bottom - top + 20), (255, 255, 255, 0))
    ImageDraw.Draw(layer).text(
        (10 - left, 10 - top), word, font=face, fill=(255, 255, 255, round(255 * opacity))
    )
    out = base.convert("RGBA")
    out.alpha_composite(layer.rotate(20, expand=True, resample=Image.Resampling.BICUBIC), (200, 300))
    return out.convert("RGB")


def test_a_watermark_the_first_look_misses_is_found_by_the_second(monkeypatch: pytest.MonkeyPatch) -> None:
    img = watermarked(stripes(), "KIOSK", 0.2)
    found = [ln.text for ln in find_text(img)]
    assert any("KIOSK" in text for text in found)
    monkeypatch.setattr(text_search, "SECOND_LOOKS", ())
    assert find_text(img) == []


def test_the_texture_alone_has_no_lettering() -> None:
    assert find_text(stripes()) == []


def test_faint_letters_on_a_window_grid_are_found_through_the_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    img = faintly_lettered(window_grid(), "Fitness")
    assert [ln.text for ln in find_text(img)] == ["Fitness"]
    monkeypatch.setattr(text_search, "lattice", lambda grey: [])
    assert find_text(img) == []


def test_a_window_grid_alone_has_no_lettering() -> None:
    assert find_text(window_grid()) == []


def gravel() -> Image.Image:
    """Grey grain like a photograph of gravel: thousands of shaded pebbles, blurred a little,
    with sensor noise (nowhere flat)."""
    rng = np.random.default_rng(4)
    img = Image.new("L", (SIDE, SIDE), 110)
    draw = ImageDraw.Draw(img)
    corners = np.linspace(0, 2 * np.pi, 7)[:-1]
    for _ in range(9000):
        x, y = rng.integers(-10, SIDE + 10, 2)
        r = int(rng.integers(6, 16))
        draw.polygon(
            [
                (x + r * np.cos(a) * rng.uniform(0.6, 1.2), y + r * np.sin(a) * rng.uniform(0.6, 1.2))
                for a in corners
            ],
            fill=int(rng.integers(70, 190)),
        )
    grain = np.asarray(img.filter(ImageFilter.GaussianBlur(0.7)), np.float32) + rng.normal(0, 6, (SIDE, SIDE))
    return Image.fromarray(np.clip(grain, 0, 255).astype(np.uint8)).convert("RGB")


def green_streaks() -> Image.Image:
    """Grass-green with darker slanted streaks of many lengths and widths (does not repeat)."""
    rng = random.Random(2)
    img = Image.new("RGB", (SIDE, SIDE), (25, 150, 20))
    draw = ImageDraw.Draw(img)
    for _ in range(700):
        x, y = rng.randint(-50, SIDE), rng.randint(-100, SIDE)
        length, width = rng.randint(40, 160), rng.randint(2, 9)
        draw.line((x, y, x + length // 5, y + length), fill=(45, 110, 40), width=width)
    return img


def flat_word(base: Image.Image, word: str, grey: int) -> Image.Image:
    """`word` in one flat grey, turned by 12°: faint lettering an image model set into a photo."""
    face = load_font(110, bold=True)
    left, top, right, bottom = face.getbbox(word)
    layer = Image.new("RGBA", (right - left + 20, bottom - top + 20), (grey, grey, grey, 0))
    ImageDraw.Draw(layer).text((10 - left, 10 - top), word, font=face, fill=(grey, grey, grey, 255))
    out = base.convert("RGBA")
    out.alpha_composite(layer.rotate(-12, expand=True, resample=Image.Resampling.BICUBIC), (250, 600))
    return out.convert("RGB")


def test_faint_letters_amid_grain_are_found_by_the_texture_blind_look(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    img = flat_word(gravel(), "Zutritt", 140)
    assert [ln.text for ln in find_text(img)] == ["Zutritt"]
    monkeypatch.setattr(text_search, "_blind_looks", lambda engine, rgb, min_confidence: [])
    assert find_text(img) == []


def test_a_watermark_over_coloured_streaks_is_found_by_the_texture_blind_look(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    img = green_streaks()
    face = load_font(130, bold=True)
    left, top, right, bottom = face.getbbox("DRUCK")
    layer = Image.new("RGBA", (right - left + 20, bottom - top + 20), (255, 255, 255, 0))
    ImageDraw.Draw(layer).text((10 - left, 10 - top), "DRUCK", font=face, fill=(255, 255, 255, 64))
    img = img.convert("RGBA")
    img.alpha_composite(layer.rotate(14, expand=True, resample=Image.Resampling.BICUBIC), (180, 640))
    img = img.convert("RGB")
    assert [ln.text for ln in find_text(img)] == ["DRUCK"]
    monkeypatch.setattr(text_search, "_blind_looks", lambda engine, rgb, min_confidence: [])
    assert find_text(img) == []


@pytest.mark.parametrize("texture", [gravel, green_streaks])
def test_grain_and_streaks_alone_have_no_lettering(texture) -> None:
    assert find_text(texture()) == []


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> list[np.ndarray]:
    """The prepared images `find_text` hands the detector (the reading itself is skipped)."""
    seen: list[np.ndarray] = []

    def look(engine, rgb, prepared, min_confidence, second=False):
        seen.append(prepared)
        return []

    monkeypatch.setattr(text_search, "_look", look)
    return seen


def test_a_plain_picture_gets_one_look(looks: list[np.ndarray]) -> None:
    ramp = np.tile(np.linspace(30, 220, SIDE, dtype=np.uint8), (SIDE, 1))
    find_text(Image.fromarray(np.stack([ramp, ramp, np.full_like(ramp, 120)], -1)))
    assert len(looks) == 1 and looks[0].shape[:2] == (736, 736)


def test_a_busy_picture_without_lettering_gets_the_smaller_second_looks(looks: list[np.ndarray]) -> None:
    speckle = np.random.default_rng(5).integers(0, 255, (SIDE // 8, SIDE // 8, 3), dtype=np.uint8)
    find_text(Image.fromarray(speckle).resize((SIDE, SIDE), Image.Resampling.BICUBIC))
    assert [look.shape[:2] for look in looks] == [(736, 736), (544, 544), (544, 544), (1024, 1024)]


def test_a_repeating_texture_without_text_gets_a_look_through_its_pattern(looks: list[np.ndarray]) -> None:
    find_text(window_grid())
    assert [look.shape[:2] for look in looks] == [
        (736, 736),
        (544, 544),
        (544, 544),
        (544, 544),
        (1024, 1024),
    ]


def test_the_texture_blind_look_never_enlarges_a_picture(looks: list[np.ndarray]) -> None:
    speckle = np.random.default_rng(5).integers(0, 255, (80, 60, 3), dtype=np.uint8)
    find_text(Image.fromarray(speckle).resize((480, 640), Image.Resampling.BICUBIC))
    assert looks[-1].shape[:2] == (640, 480)


def test_lettering_found_at_first_ends_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    line = OcrLine(text="OPEN", confidence=0.9, box=Box(x=0.1, y=0.1, w=0.3, h=0.1))

    def look(engine, rgb, prepared, min_confidence, second=False):
        calls.append(1)
        return [line]

    monkeypatch.setattr(text_search, "_look", look)
    assert find_text(stripes()) == [line] and len(calls) == 1


@pytest.mark.parametrize(
    ("text", "confidence", "counts"),
    [("KIOSK", 0.9, True), ("Hoste", 0.96, True), ("KIOSK", 0.7, False), ("1111", 0.95, False),
     ("WN", 0.98, False), ("W W", 0.99, False)],
)  # fmt: skip
def test_the_second_looks_count_only_a_word_read_strongly(text: str, confidence: float, counts: bool) -> None:
    line = OcrLine(text=text, confidence=confidence, box=Box(x=0.1, y=0.1, w=0.3, h=0.1))
    assert text_search._a_word(line) is counts


@pytest.mark.parametrize(
    ("text", "confidence", "kept"), [("0000", 0.62, False), ("000", 0.95, True), ("OPEN", 0.62, True)]
)
def test_a_row_of_marks_read_weakly_at_first_sight_is_not_lettering(
    monkeypatch: pytest.MonkeyPatch, text: str, confidence: float, kept: bool
) -> None:
    line = OcrLine(text=text, confidence=confidence, box=Box(x=0.0, y=0.6, w=0.1, h=0.08))
    looks: list[int] = []

    def look(engine, rgb, prepared, min_confidence, second=False):
        looks.append(1)
        return [] if looks[1:] else [line]  # the buttons on a sleeve, read by the first look only

    monkeypatch.setattr(text_search, "_look", look)
    monkeypatch.setattr(text_search, "veil_lines", lambda *args: [])
    monkeypatch.setattr(text_search, "_blind_looks", lambda engine, rgb, min_confidence: [])
    assert find_text(stripes()) == ([line] if kept else [])
