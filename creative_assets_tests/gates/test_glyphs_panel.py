"""Gate 2's glyph check on a white subline set on a tight panel right under the headline's panel,
as image editors draw them: the panel between and around the letters is no wider than a stroke
window, and the picture shows in thin strips beside it. Clean text passes; a lost dot still
fails."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from creative_assets.gates.glyph_damage import glyph_damage
from creative_assets.gates.ink import ink_mask
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.ocr import read_text
from creative_assets.models.base import Box

PICTURE = (224, 214, 201)  # a light, flat picture around the panels
PANEL = (53, 131, 103)
HEADLINE = "Words write typeset"
SIZE = 1080


def stacked_panels(
    subline: str, left: int | None = None, *, lose_dot: bool = False
) -> tuple[Image.Image, dict[str, Box]]:
    """The headline and the subline, each white DejaVu Bold on its own panel hugging the text,
    the subline's panel a few pixels under the headline's; centred, or from `left`."""
    img = Image.new("RGB", (SIZE, SIZE), PICTURE)
    draw = ImageDraw.Draw(img)
    zones = {}
    top = 60
    for role, text, size, pad in (("headline", HEADLINE, 80, 10), ("subline", subline, 40, 6)):
        face = load_font(size, bold=True)
        x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=face)
        x = (SIZE - (x1 - x0)) // 2 if left is None else left
        box = (x - pad, top, x + (x1 - x0) + pad, top + (y1 - y0) + 2 * pad)
        draw.rounded_rectangle(box, radius=8, fill=PANEL)
        origin = (x - x0, top + pad - y0)
        draw.text(origin, text, font=face, fill="white")
        zones[role] = Box.from_pixels(*box, SIZE, SIZE)
        if lose_dot and role == "subline":  # paint out the dot of the first "i", down to the x-height
            ix = origin[0] + face.getlength(text[: text.index("i")])
            dot_top, x_top = face.getbbox("i")[1], face.getbbox("x")[1]
            dot = (ix, origin[1] + dot_top - 1, ix + face.getlength("i"), origin[1] + x_top - 2)
            draw.rectangle(dot, fill=PANEL)
        top = box[3] + 4
    return img, zones


def findings(img: Image.Image, zones: dict[str, Box], subline: str) -> list[str]:
    copy = {"headline": HEADLINE, "subline": subline}
    return [f"{f.kind}: {f.text}" for f in glyph_damage(img, read_text(img), copy, zones)]


def test_clean_subline_on_a_tight_panel_under_another_passes() -> None:
    for subline in ("Senior short characters", "Visual emotional anchors"):
        img, zones = stacked_panels(subline)
        assert findings(img, zones, subline) == []


def test_clean_subline_on_a_panel_flush_with_the_picture_beside_it_passes() -> None:
    img, zones = stacked_panels("Write angle short", left=60)
    assert findings(img, zones, "Write angle short") == []


def test_a_lost_dot_on_a_tight_panel_still_fails() -> None:
    img, zones = stacked_panels("Senior short characters", lose_dot=True)
    assert findings(img, zones, "Senior short characters") == ["dotless_i: Senior short characters"]


def test_the_picture_beside_the_crop_does_not_choose_the_ink() -> None:
    """Dark strokes on a tight light button, beside it a picture as dark as the strokes: shown
    for the background only, the picture does not make the button look like the ink."""
    rgb = np.full((60, 200, 3), 20, np.uint8)
    rgb[15:45, 40:160] = (242, 165, 65)
    for x in range(50, 150, 12):
        rgb[20:40, x : x + 4] = 20
    ink = ink_mask(rgb, (18, 42), (40, 160))
    assert ink is not None
    assert ink[30, 51] and not ink[30, 57]
