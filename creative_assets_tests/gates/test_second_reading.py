"""Gate 2's reading check asks a second recogniser (Tesseract) about a line rapidocr misreads:
clean type in a face rapidocr reads badly passes, a wrong word still fails."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from creative_assets.gates.checks import gate_2_text_correctness
from creative_assets.gates.text_match import recogniser_slips, second_opinion, shows_copy
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.ocr import read_text
from creative_assets.models import OcrLine
from creative_assets.models.base import Box
from creative_assets_tests.support.drawn_creative import COPY, LAYOUT, creative

SUBLINE = "Kollegen im Alltag"
CONDENSED = COPY.model_copy(update={"subline": SUBLINE})
SUBLINE_ZONE = Box(x=0.06, y=0.26, w=0.88, h=0.08)


def line(text: str, y: float = 0.28) -> OcrLine:
    return OcrLine(text=text, confidence=0.95, box=Box(x=0.08, y=y, w=0.5, h=0.04))


@pytest.mark.parametrize(
    ("read", "shows"),
    [
        ("Kollegen im", True),
        ("IM alltag!", True),
        ("Kolle-", True),  # a word the typesetter hyphenated at the line's end
        ("Kollegen im Altag", False),
        ("Kolle", False),  # cut short without a hyphen: a word lost its end
        ("Kollegen Alltag", False),  # a word left out
        ("", False),
    ],
)
def test_a_line_shows_the_copy_only_as_a_run_of_its_whole_words(read: str, shows: bool) -> None:
    assert shows_copy(read, SUBLINE) is shows


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("Frische Kiche, faire", "Frische Küche, faire Schichten"),  # no ü in rapidocr's alphabet
        ("uibernehmen Fahrtkosten", "wir schätzen Ideen und übernehmen Fahrtkosten"),
        ("Ein Team, das tr?gt", "Ein Team, das trägt"),
        ("f13.80 per hour", "£13.80 per hour"),
        ("im Altag, mit", "Bewohnerinnen im Alltag, mit Einarbeitung"),  # CTC merges a doubled letter
    ],
)
def test_rapidocrs_blind_spots_explain_a_misreading(read: str, expected: str) -> None:
    assert recogniser_slips(read, expected)


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("pay at Morthbridge Logistics", "weekly pay at Northbridge Logistics"),  # a stray stroke on the N
        ("Wa:ehouse Operative", "Warehouse Operative"),  # a broken r
        ("ollzeit, Nachtschicht", "sucht dich: Vollzeit, Nachtschicht"),  # a word begun in the middle
        ("Pflegefachkrat gesucht", "Pflegefachkraft gesucht"),  # a misprint
        ("Lagerhelden fui", "Lagerhelden für Würzburg"),  # more than the ü is off
        ("", "Jetzt bewerben"),
    ],
)
def test_other_misreadings_are_not_the_recognisers_blind_spots(read: str, expected: str) -> None:
    assert not recogniser_slips(read, expected)


def test_only_lines_misread_at_blind_spots_are_read_again_and_only_a_reading_of_the_copy_counts() -> None:
    lines = [
        line("Kolegen im"),
        line("Altag", y=0.31),
        line("Kollegen Alltag", y=0.31),
        line("Jetzt bewrben", y=0.85),
    ]
    asked: list[str] = []
    second = {"Kolegen im": "Kollegen im", "Altag": "Altag"}

    def reread(ln: OcrLine) -> str:
        asked.append(ln.text)
        return second[ln.text]

    again = second_opinion(SUBLINE, lines, SUBLINE_ZONE, reread)
    # A word left out is no blind spot; the CTA lies outside the subline's zone.
    assert asked == ["Kolegen im", "Altag"]
    assert [ln.text for ln in again] == ["Kollegen im", "Altag", "Kollegen Alltag", "Jetzt bewrben"]
    assert again[0].box == lines[0].box


def condensed(subline: str) -> Image.Image:
    """The drawn creative with its subline set narrow (DejaVu Sans squeezed to 60 %: a condensed
    face unlike the type rapidocr was trained on)."""
    img = creative(logo=False)
    ImageDraw.Draw(img).rectangle((70, 270, 1000, 340), fill=img.getpixel((5, 5)))
    face = load_font(40)
    strip = Image.new("RGB", (int(face.getlength(subline)) + 20, 60), img.getpixel((5, 5)))
    ImageDraw.Draw(strip).text((10, 5), subline, font=face, fill="white")
    strip = strip.resize((int(strip.width * 0.6), strip.height), Image.Resampling.LANCZOS)
    img.paste(strip, (80, 275))
    return img


def test_clean_condensed_type_rapidocr_misreads_passes_on_the_second_reading() -> None:
    img = condensed(SUBLINE)
    lines = read_text(img)
    first = gate_2_text_correctness(lines, CONDENSED, LAYOUT)
    # The premise: rapidocr alone misreads the clean line ("Altag") and Gate 2 failed it.
    assert first.evidence["roles"]["subline"]["misspelt"] == ["alltag"]
    assert first.status == "FAIL", first.evidence["roles"]
    result = gate_2_text_correctness(lines, CONDENSED, LAYOUT, img=img)
    assert result.status == "PASS", result.evidence["roles"]
    assert result.evidence["roles"]["subline"]["second_reading"] is True
    assert result.evidence["roles"]["headline"]["second_reading"] is False


@pytest.mark.parametrize(
    ("drawn", "lacking"),
    [("Kollegen im Altag", "alltag"), ("im Alltag", "kollegen")],
)
def test_a_wrong_or_missing_word_still_fails_when_read_twice(drawn: str, lacking: str) -> None:
    img = condensed(drawn)
    result = gate_2_text_correctness(read_text(img), CONDENSED, LAYOUT, img=img)
    assert result.status == "FAIL"
    assert lacking in result.evidence["roles"]["subline"]["misspelt"]


def test_a_misspelt_headline_still_fails_with_the_image() -> None:
    img = creative("Pflegefachkrat")
    result = gate_2_text_correctness(read_text(img), COPY, LAYOUT, img=img)
    assert result.status == "FAIL"
    assert result.evidence["roles"]["headline"]["misspelt"] == ["pflegefachkraft"]
