"""A letter is held against its siblings: the same character elsewhere in its role."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PIL import Image, ImageDraw

from creative_assets.gates.glyphs import measure_line, verdict_of
from creative_assets.gates.glyphs_judge import judge
from creative_assets.gates.glyphs_shape import Glyph, odd_glyph, surplus
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.ocr import ReadLine, read_chars, read_text

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


def test_a_line_too_far_off_its_ink_lends_no_siblings() -> None:
    """A line whose letters fall apart into many pieces (here cut every 17 px by a gap; a
    display serif's hairlines dropping out of the ink do the same) is not judged, and its
    letters, pinned to the wrong pieces, are no siblings to hold others against."""
    img = Image.new("RGB", (900, 160), (24, 52, 84))
    draw = ImageDraw.Draw(img)
    draw.text((40, 50), "Kontakt aufnehmen", font=FACE, fill="white")
    for x in range(44, 420, 17):
        draw.rectangle((x, 70, x + 1, 90), fill=(24, 52, 84))
    (line,) = read_text(img)
    read = list(line.chars) if isinstance(line, ReadLine) and line.chars else read_chars(img, line.box)
    measured = measure_line(np.asarray(img), line, read, "Kontakt aufnehmen")
    assert measured is not None
    _, reached = judge(measured.letters, measured.steps, measured.pieces)
    assert not reached
    assert verdict_of(measured).glyphs == []


def test_a_line_over_a_busy_picture_lends_no_siblings() -> None:
    """A line whose picture behind varies half as much as the counts allow or more is held
    against no siblings and lends none: the texture adds a stroke's worth of ink to some
    letter's edges (a clean line over a photograph failed as an extra stroke)."""
    img = Image.new("RGB", (900, 160), (24, 52, 84))
    ImageDraw.Draw(img).text((40, 50), "Kontakt aufnehmen", font=FACE, fill="white")
    (line,) = read_text(img)
    read = list(line.chars) if isinstance(line, ReadLine) and line.chars else read_chars(img, line.box)
    measured = measure_line(np.asarray(img), line, read, "Kontakt aufnehmen")
    assert measured is not None
    assert verdict_of(measured).glyphs != []
    assert verdict_of(replace(measured, busy=0.15)).glyphs == []
