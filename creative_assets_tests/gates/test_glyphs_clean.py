"""A count the matched face's own clean rendering shows too is the face's, not damage
(gates/glyphs_clean.py): a ligature that draws "fi" without the i's dot, an italic f whose hook
swallows a dot of the ü after it. Set in faces the host has (Debian's fonts-lato and
fonts-noto-core), as a foreign creative would be; a dot erased elsewhere still fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from creative_assets.gates.glyph_damage import glyph_damage
from creative_assets.gates.glyphs_faces import faces
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.ocr import read_text
from creative_assets_tests.gates.test_glyph_damage import ZONES

HEADLINE = "Lab technician wanted"
CTA = "Find out why"


def _face(name: str) -> str | None:
    return next((p for p in faces() if Path(p).name == name), None)


LATO = _face("Lato-Medium.ttf")
NOTO_ITALIC = _face("NotoSerif-Italic.ttf")


def _creative(
    path: str, size: int, lines: tuple[str, str], erase: tuple[int, int] | None = None
) -> Image.Image:
    """The subline's two `lines` in the face at `path`; `erase`: (line, character) whose dot is
    painted over with the background."""
    img = Image.new("RGB", (1024, 1024), (24, 52, 84))
    draw = ImageDraw.Draw(img)
    draw.text((60, 110), HEADLINE, font=load_font(64, bold=True), fill="white")
    face = ImageFont.truetype(path, size)
    for n, text in enumerate(lines):
        draw.text((60, 290 + 55 * n), text, font=face, fill="white")
    if erase is not None:
        n, k = erase
        text = lines[n]
        left = 60 + face.getlength(text[:k])
        x0, top, x1, _ = face.getbbox(text[k])
        x_top = face.getbbox("x")[1]
        draw.rectangle(
            (left + x0 - 1, 290 + 55 * n + top - 1, left + x1 + 1, 290 + 55 * n + x_top - 2),
            fill=(24, 52, 84),
        )
    draw.rounded_rectangle((60, 830, 440, 905), radius=20, fill=(245, 183, 0))
    draw.text((95, 845), CTA, font=load_font(36, bold=True), fill=(20, 20, 20))
    return img


def _findings(img: Image.Image, lines: tuple[str, str]) -> list:
    copy = {"headline": HEADLINE, "subline": " ".join(lines), "cta": CTA}
    return glyph_damage(img, read_text(img), copy, ZONES)


LIGATURE_LINES = ("Prepare samples, log findings and join", "a friendly quality team in Bath")


@pytest.mark.skipif(LATO is None, reason="Debian's fonts-lato is not installed")
def test_a_ligature_that_draws_fi_without_a_dot_passes() -> None:
    """Lato draws "fi" as one glyph with no dot: the dot count took it for a lost dot."""
    assert LATO is not None
    assert _findings(_creative(LATO, 33, LIGATURE_LINES), LIGATURE_LINES) == []


@pytest.mark.skipif(LATO is None, reason="Debian's fonts-lato is not installed")
def test_a_lost_dot_beside_the_ligature_still_fails() -> None:
    assert LATO is not None
    k = LIGATURE_LINES[0].index("ings")  # the second i of "findings"
    found = _findings(_creative(LATO, 33, LIGATURE_LINES, erase=(0, k)), LIGATURE_LINES)
    assert [f.kind for f in found] == ["dotless_i"], found


ITALIC_LINES = ("Präzise Arbeit an Küchen und Läden,", "für Montage in Görlitz")


@pytest.mark.skipif(NOTO_ITALIC is None, reason="Debian's fonts-noto-core is not installed")
def test_an_italic_f_whose_hook_takes_a_dot_of_the_umlaut_passes() -> None:
    """Noto Serif Italic reaches the f's hook over the ü of "für" and joins one of its dots."""
    assert NOTO_ITALIC is not None
    assert _findings(_creative(NOTO_ITALIC, 38, ITALIC_LINES), ITALIC_LINES) == []
