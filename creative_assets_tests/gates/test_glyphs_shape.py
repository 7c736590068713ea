"""A letter is held against its siblings: the same character elsewhere in its role."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from creative_assets.gates.glyphs_shape import Glyph, odd_glyph, surplus
from creative_assets.imaging.fonts import load_font

FACE = load_font(40)


def letter(char: str, *, shift: float = 0.0, spur: bool = False, line: int = 0) -> Glyph:
    """`char` drawn at a sub-pixel offset (anti-aliasing differs), cut to its ink like the check
    cuts a letter out of a line."""
    img = Image.new("L", (80, 80), 0)
    draw = ImageDraw.Draw(img)
    draw.text((20 + shift, 60), char, font=FACE, fill=255, anchor="ls")
    if spur:
        draw.line((30, 58, 36, 72), fill=255, width=4)
    ink = np.asarray(img) >= 128
    rows, cols = np.nonzero(ink)
    mask = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    return Glyph(char, mask, int(rows.min()) - 60, stroke=4.0, x_height=22.0, line=line)


def test_instances_of_one_letter_at_other_sub_pixel_offsets_match() -> None:
    glyphs = [letter("e", shift=s, line=k) for k, s in enumerate((0.0, 0.3, 0.6, 0.9))]
    assert max(surplus(a, b) for a in glyphs for b in glyphs if a is not b) < 0.5
    assert odd_glyph(glyphs) is None


def test_the_instance_with_a_stray_stroke_is_the_odd_one() -> None:
    glyphs = [letter("e", shift=0.3), letter("e", shift=0.6, spur=True, line=1), letter("e", line=2)]
    found = odd_glyph(glyphs)
    assert found is not None
    kind, glyph, _ = found
    assert (kind, glyph.line) == ("extra_stroke", 1)


def test_a_letter_without_siblings_is_not_judged() -> None:
    assert odd_glyph([letter("e", spur=True), letter("a")]) is None
