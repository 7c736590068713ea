"""Gate 2's glyph check passes the project's own clean typesetting (DejaVu Sans and its bold,
imaging/fonts.py): pairs the face itself draws touching are not merged letters, a letter cut
from such a pair is not held against its siblings as if it stood alone, and the picture around
a panel is not a piece of the line, and a word the copy repeats in another case is held against
its own case. Each case is one the check failed on clean creatives of the
local typesetter (benchmarks/glyph_typeset.py)."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw

from creative_assets.gates.glyph_damage import glyph_damage
from creative_assets.gates.glyphs import expected_words
from creative_assets.gates.glyphs_own_face import face_touches
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.ocr import read_text

SIDE = 1080
DARK, LIGHT = (17, 17, 17), (255, 255, 255)


def pieces_of(text: str, size: int, bold: bool, x: float) -> int:
    img = Image.new("L", (SIDE, 2 * size), 0)
    ImageDraw.Draw(img).text((x, 1.5 * size), text, font=load_font(size, bold), fill=255, anchor="ls")
    return cv2.connectedComponents((np.asarray(img) >= 128).astype(np.uint8), connectivity=8)[0] - 1


def touching_at(word: str, pair: str, bold: bool) -> tuple[int, float]:
    """A size and x where the face draws `pair` of `word` in one piece (as the typesetter did)."""
    for size in range(40, 56):
        for x in np.arange(60, 61, 0.25):
            left = word[: word.index(pair) + 1]
            if pieces_of(word, size, bold, x) < pieces_of(left, size, bold, x) + pieces_of(
                word[len(left) :], size, bold, x + load_font(size, bold).getlength(left)
            ):
                return size, float(x)
    raise AssertionError(f"DejaVu never joins {pair!r} here")


def judged(lines: list[tuple[str, int, bool, float, int]], copy: dict[str, str], bg=(37, 99, 160)) -> list:
    """glyph_damage on a creative with each (text, size, bold, x, baseline) drawn in white."""
    img = Image.new("RGB", (SIDE, SIDE), bg)
    draw = ImageDraw.Draw(img)
    for text, size, bold, x, baseline in lines:
        draw.text((x, baseline), text, font=load_font(size, bold), fill=LIGHT, anchor="ls")
    return glyph_damage(img, read_text(img), copy, {})


def test_pairs_the_bold_face_draws_touching_are_not_merged_letters() -> None:
    # The CTA "Karriere starten" / "Mehr erfahren" failed as "rt" / "rf" in one piece.
    for word, pair in (("Karriere starten", "rt"), ("Mehr erfahren", "rf")):
        size, x = touching_at(word, pair, bold=True)
        found = judged([(word, size, True, x, 500)], {"cta": word})
        assert found == [], (word, size, x, [f.sentence() for f in found])


def test_a_letter_cut_from_a_touching_pair_is_not_a_stray_mark() -> None:
    # "TVöD": the T's bar runs over the V; cut at the thinnest column, the V kept a piece of the
    # bar that its sibling in "Vergütung" lacks ("V" has 8.3 strokes² of ink its siblings lack).
    subline = "Tarifliche Vergütung nach TVöD beim Klinikum am See"
    size, x = touching_at("TVöD", "TV", bold=False)
    first, second = "Tarifliche Vergütung nach", "TVöD beim Klinikum am See"
    lines = [(first, size, False, 60, 400), (second, size, False, x, 400 + round(1.3 * size))]
    found = judged(lines, {"subline": subline})
    assert found == [], [f.sentence() for f in found]


def test_the_picture_around_a_panel_is_not_a_piece_of_the_line() -> None:
    # Dark type on a light panel whose surroundings are nearly the type's colour: the panel's
    # frame reached into the line's band beside the "T" ("T" in two pieces).
    img = Image.new("RGB", (SIDE, SIDE), (40, 48, 40))
    draw = ImageDraw.Draw(img)
    font = load_font(160, bold=True)
    width = font.getlength("Team,")
    draw.rounded_rectangle((100, 380, 100 + width + 40, 640), radius=24, fill=(200, 230, 200))
    draw.text((118, 560), "Team,", font=font, fill=DARK, anchor="ls")
    found = glyph_damage(img, read_text(img), {"headline": "Team, Herz und Verstand"}, {})
    assert found == [], [f.sentence() for f in found]


def test_a_bar_across_a_pair_the_face_keeps_apart_still_fails() -> None:
    # The bold face never joins "er": a stroke joining them is damage.
    size = 48
    assert not face_touches("er", 0.55 * size, 0.21 * size)
    img = Image.new("RGB", (SIDE, SIDE), (37, 99, 160))
    draw = ImageDraw.Draw(img)
    font = load_font(size, bold=True)
    draw.text((60, 500), "Jetzt bewerben", font=font, fill=LIGHT, anchor="ls")
    x = 60 + font.getlength("Jetzt bewe")
    draw.rectangle((round(x) - 8, 486, round(x) + 6, 491), fill=LIGHT)  # joins "e" and "r"
    found = glyph_damage(img, read_text(img), {"cta": "Jetzt bewerben"}, {})
    assert [f.kind for f in found] == ["merged_stroke"]


def test_the_face_is_told_by_its_strokes() -> None:
    assert face_touches("rf", 26, 9.55)  # bold, where its "r" reaches the "f"
    assert not face_touches("rs", 26, 9.55)
    assert not face_touches("r1", 26, 9.55)  # letters only


def test_a_word_that_recurs_in_another_case_is_held_against_its_own_case() -> None:
    # The simulator's copy repeats words ("Morning experience morning"): the line "morning" was
    # matched to "Morning", and its "m" held against the capital's sibling as a stray mark.
    assert expected_words("morning", "Morning experience morning") == "morning"
    assert expected_words("Morning experience", "Morning experience morning") == "Morning experience"
    lines = [("Morning experience", 47, False, 60.0, 300), ("morning", 47, False, 60.0, 360)]
    found = judged(lines, {"subline": "Morning experience morning"})
    assert found == [], [f.sentence() for f in found]


def test_the_hyphen_of_a_broken_word_is_no_letter_of_the_copy() -> None:
    # "Aufnahmege-" was matched to "Aufnahmeges", and its hyphen held against the s's siblings.
    assert expected_words("Aufnahmege-", "Krankenpflegerin vorteil Aufnahmegespräch") == "Aufnahmege"
