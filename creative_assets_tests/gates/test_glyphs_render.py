"""Gate 2 holds a line against a clean rendering of its letters in the face its own letters
match (gates/glyphs_faces.py, gates/glyphs_render.py): a cut that leaves a letter in one piece
fails, a face's own touching serifs do not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from creative_assets.gates.glyph_damage import glyph_damage
from creative_assets.gates.glyphs_faces import Sample, faces, glyph, match_face
from creative_assets.imaging.fonts import font_path, load_font
from creative_assets.imaging.ocr import read_text
from creative_assets_tests.gates.test_glyph_damage import CTA, HEADLINE, SUBLINE, ZONES, creative

COPY = {"headline": HEADLINE, "subline": SUBLINE, "cta": CTA}
BACKGROUND = (24, 52, 84)  # creative()'s


def _findings(img: Image.Image) -> list:
    return glyph_damage(img, read_text(img), COPY, ZONES)


def test_the_face_is_matched_from_the_letters_themselves() -> None:
    """Letters of the bundled bold at 40 px, cropped to their ink as a line's pieces are, are
    matched to that face and size rather than to the regular or another installed face."""
    bold = str(font_path(True))
    samples = [Sample(c, glyph(bold, 40, c)[0]) for c in "Pflegkrhnusd"]
    match = match_face(samples)
    assert match is not None
    assert (Path(match.path).name, match.size) == ("DejaVuSans-Bold.ttf", 40)
    assert match.agree > 0.95


def test_a_cut_that_leaves_the_letter_in_one_piece_fails_gate_2() -> None:
    """A gap through the bowl of the "a" of "Tarifliche": the "a" stays one piece and no hole
    count covers it (faces close or open its bowl), so only the missing ink shows it."""
    img = creative(SUBLINE)
    face = load_font(38)
    x = 60 + face.getlength("Ta") - face.getlength("a") + face.getbbox("a")[0]
    baseline = 290 + face.getmetrics()[0]
    ImageDraw.Draw(img).rectangle((x - 2, baseline - 9, x + 6, baseline - 6), fill=BACKGROUND)
    found = _findings(img)
    assert [f.kind for f in found] == ["broken_stroke"], found
    assert found[0].text.startswith("Tarifliche")


def _across_i_n_of_ein(face: ImageFont.FreeTypeFont, *, reach: int) -> tuple[float, float]:
    """x from `reach` pixels inside the "i" of "ein" in the subline to `reach` inside its "n"."""
    line = "Tarifliche Vergütung und ein Team"
    at = line.index("ein") + 1
    return (
        60 + face.getlength(line[:at]) + face.getbbox("i")[2] - reach,
        60 + face.getlength(line[: at + 1]) + face.getbbox("n")[0] + reach,
    )


def test_a_thin_bar_joining_two_letters_fails_gate_2() -> None:
    """A bar three pixels thick across the gap between the "i" and the "n" of "ein": thinner
    than the cut that tells tight type's hair-thin touches, so the counts alone let it pass;
    the face's rendering keeps the two apart, and the bar is ink none of its letters has."""
    img = creative(SUBLINE)
    face = load_font(38)
    x0, x1 = _across_i_n_of_ein(face, reach=2)
    y = 290 + face.getmetrics()[0] - 12
    ImageDraw.Draw(img).rectangle((x0, y, x1, y + 2), fill="white")
    found = _findings(img)
    assert [f.kind for f in found] == ["merged_stroke"], found


def test_a_line_the_picture_runs_through_is_judged_by_its_dots() -> None:
    """A light line of the picture (a brick wall's mortar) running down through the subline
    between the "i" and the "n" of "ein", touching both: one piece with them, taller than any
    letter. Its pieces are the picture's too; the counts failed the clean letters (they did)."""
    img = creative(SUBLINE)
    x0, x1 = _across_i_n_of_ein(load_font(38), reach=1)
    ImageDraw.Draw(img).rectangle((x0, 200, x1, 420), fill=(200, 200, 200))
    assert _findings(img) == []


def test_the_same_line_drawn_whole_passes() -> None:
    assert _findings(creative(SUBLINE)) == []


MONO = next((p for p in faces() if Path(p).name == "NimbusMonoPS-Bold.otf"), None)


@pytest.mark.skipif(MONO is None, reason="Debian's fonts-urw-base35 is not installed")
@pytest.mark.parametrize(("cta", "size"), [("Anrufen", 30), ("Mehr dazu", 34)])
def test_a_clean_mono_cta_whose_serifs_touch_passes(cta: str, size: int) -> None:
    """Nimbus Mono PS Bold draws the slab serifs of "A" and "n" (at 30 px) and of "d" and "a"
    (at 34 px) into each other: one piece, which the piece count alone took for two letters run
    together (it failed these); the face's rendering has the touch too."""
    assert MONO is not None
    img = creative(SUBLINE)
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((60, 830, 440, 905), radius=20, fill=(245, 183, 0))
    draw.text((95, 885), cta, font=ImageFont.truetype(MONO, size), fill=(20, 20, 20), anchor="ls")
    copy = {**COPY, "cta": cta}
    assert glyph_damage(img, read_text(img), copy, ZONES) == []


def test_a_rendering_is_the_ink_as_the_gate_sees_it() -> None:
    """At least half covered: the rendering's pixels are those a line's ink mask keeps."""
    got = glyph(str(font_path(False)), 38, "o")
    assert got is not None
    mask, _, top = got
    assert mask.dtype == np.bool_ and mask.any()
    assert top < 0  # above the baseline
    assert mask[mask.shape[0] // 2, mask.shape[1] // 2] == np.False_  # the counter


LATO = next((p for p in faces() if Path(p).name == "Lato-Semibold.ttf"), None)


@pytest.mark.skipif(LATO is None, reason="Debian's fonts-lato is not installed")
def test_a_clean_ti_ligature_passes() -> None:
    """Lato draws "ti" as one glyph, the t's bar running into the i. Laid as that glyph it was
    charged for its i's dot (the ink it is laid on has no marks) and the letters apart were not
    charged for the bar they leave unexplained, so the bar failed as a merge (it did)."""
    assert LATO is not None
    headline = "Receptionist in Inverness"
    img = creative(SUBLINE)
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 100, 1000, 230), fill=(250, 218, 222))
    draw.text((70, 190), headline, font=ImageFont.truetype(LATO, 76), fill=(10, 10, 10), anchor="ls")
    copy = {**COPY, "headline": headline}
    assert glyph_damage(img, read_text(img), copy, ZONES) == []


P052_ITALIC = next((p for p in faces() if Path(p).name == "P052-BoldItalic.otf"), None)


@pytest.mark.skipif(P052_ITALIC is None, reason="Debian's fonts-urw-base35 is not installed")
@pytest.mark.parametrize("size", [31, 38])
def test_a_small_italic_e_closed_by_a_hairline_passes(size: int) -> None:
    """P052 Bold Italic closes the small eye of its "e" with a hairline anti-aliasing leaves
    under half covered: open in the ink, so the "e" counted no hole and failed (it did at these
    sizes); the faint ink closes it, where a cut would leave it open."""
    assert P052_ITALIC is not None
    img = creative(SUBLINE)
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((60, 830, 440, 905), radius=20, fill=(110, 165, 155))
    draw.text(
        (95, 885), "Find the job", font=ImageFont.truetype(P052_ITALIC, size), fill=(0, 0, 0), anchor="ls"
    )
    copy = {**COPY, "cta": "Find the job"}
    assert glyph_damage(img, read_text(img), copy, ZONES) == []
