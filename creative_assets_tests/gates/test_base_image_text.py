"""Gate 1a finds lettering an image model slips into a base image — here a semi-transparent,
outlined, rotated "PARKING" — and leaves text-like texture alone (a brick wall)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative_assets.check_image import main
from creative_assets.gates.checks import gate_1a_base_image_text
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.png import to_png
from creative_assets.imaging.text_search import find_text
from creative_assets.resources import OcrReader

# A procedural "location" picture (hills under a sky), kept as a file so the test does not move
# when the painter changes.
BASE = Path(__file__).parent / "fixtures" / "location_base.png"


def outlined(base: Image.Image, word: str, *, angle: float, opacity: float) -> Image.Image:
    """`word` as white outlines only (4 px), rotated, at `opacity`, over the middle of `base`."""
    face = load_font(110, bold=True)
    left, top, right, bottom = face.getbbox(word, stroke_width=4)
    size, origin = (right - left + 20, bottom - top + 20), (10 - left, 10 - top)
    outline, inner = Image.new("L", size, 0), Image.new("L", size, 0)
    ImageDraw.Draw(outline).text(origin, word, font=face, fill=255, stroke_width=4, stroke_fill=255)
    ImageDraw.Draw(inner).text(origin, word, font=face, fill=255)
    ring = np.clip(np.asarray(outline, np.int16) - np.asarray(inner, np.int16), 0, 255) * opacity
    layer = Image.new("RGBA", size, (255, 255, 255, 0))
    layer.putalpha(Image.fromarray(ring.astype(np.uint8)))
    out = base.convert("RGBA")
    out.alpha_composite(layer.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC), (150, 380))
    return out.convert("RGB")


def bricks(seed: int) -> Image.Image:
    rng = random.Random(seed)
    img = Image.new("RGB", (1024, 1024), (200, 195, 185))
    draw = ImageDraw.Draw(img)
    for row, y in enumerate(range(0, 1024, 34)):
        for x in range(-(40 * (row % 2)), 1024, 80):
            shade = tuple(max(0, min(255, c + rng.randint(-25, 25))) for c in (150, 70, 50))
            draw.rectangle((x + 4, y + 4, x + 80, y + 34), fill=shade)
    return img


@pytest.fixture(scope="module")
def parking() -> Image.Image:
    return outlined(Image.open(BASE).convert("RGB"), "PARKING", angle=-22, opacity=0.35)


def test_a_faint_outlined_rotated_parking_sign_fails_gate_1a(parking: Image.Image) -> None:
    gate = gate_1a_base_image_text(OcrReader().read(parking))
    assert gate.status == "FAIL" and gate.action == "regenerate_bfl"
    assert any("PARK" in line["text"] for line in gate.evidence["text_found"])  # type: ignore[index, union-attr]


def test_check_image_base_mode_finds_it_too(parking: Image.Image, tmp_path: Path, capsys) -> None:
    (tmp_path / "base.png").write_bytes(to_png(parking))
    assert main([str(tmp_path / "base.png"), "--base"]) == 1
    assert json.loads(capsys.readouterr().out)["gates"][0]["status"] == "FAIL"


@pytest.mark.parametrize("seed", [0, 1])
def test_a_brick_wall_passes_gate_1a(seed: int) -> None:
    assert gate_1a_base_image_text(find_text(bricks(seed))).status == "PASS"


def test_the_plain_picture_passes_gate_1a() -> None:
    assert gate_1a_base_image_text(find_text(Image.open(BASE))).status == "PASS"
