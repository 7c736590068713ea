"""Gate 2 fails damaged letters OCR reads past (a dotless i, a lost umlaut, two letters run
together), on any PNG through `check-image`, and passes the same creative drawn whole."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative_assets.check_image import main
from creative_assets.gates.glyph_damage import glyph_damage, lost_umlauts
from creative_assets.gates.glyphs import expected_words, place_letters
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.ocr import read_text
from creative_assets.imaging.png import to_png
from creative_assets.models.base import Box

HEADLINE = "Pflegefachkraft gesucht"
SUBLINE = "Tarifliche Vergütung und ein Team mit Herz in Lübeck"
CTA = "Jetzt bewerben"
ZONES = {
    "headline": Box(x=0.04, y=0.08, w=0.92, h=0.14),
    "subline": Box(x=0.04, y=0.26, w=0.92, h=0.16),
    "cta": Box(x=0.04, y=0.8, w=0.5, h=0.1),
}


def creative(subline: str, *, bridge: bool = False, spur: bool = False) -> Image.Image:
    """A plain creative with the copy drawn as given (the spec always says SUBLINE)."""
    img = Image.new("RGB", (1024, 1024), (24, 52, 84))
    draw = ImageDraw.Draw(img)
    draw.text((60, 110), HEADLINE, font=load_font(64, bold=True), fill="white")
    words = subline.split(" ")
    face = load_font(38)
    draw.text((60, 290), " ".join(words[:5]), font=face, fill="white")
    draw.text((60, 345), " ".join(words[5:]), font=face, fill="white")
    draw.rounded_rectangle((60, 830, 440, 905), radius=20, fill=(245, 183, 0))
    draw.text((95, 845), CTA, font=load_font(36, bold=True), fill=(20, 20, 20))
    if bridge:  # a stroke across the gap between the "k" and the "r" of "Pflegefachkraft"
        x = 60 + load_font(64, bold=True).getlength("Pflegefachk")
        draw.rectangle((x - 14, 150, x + 10, 159), fill="white")
    if spur:  # a short stroke hanging off the bottom of the "e" of "Herz", touching nothing else
        second = " ".join(words[5:])
        x = 60 + face.getlength(second[: second.index("Herz") + 1]) + face.getlength("e") / 2
        baseline = 345 + face.getmetrics()[0]
        draw.line((x, baseline - 3, x + 5, baseline + 11), fill="white", width=4)
    return img


def check(img: Image.Image, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    (tmp_path / "c.png").write_bytes(to_png(img))
    (tmp_path / "spec.json").write_text(
        json.dumps(
            {
                "headline": HEADLINE,
                "subline": SUBLINE,
                "cta": CTA,
                "zones": {role: box.model_dump() for role, box in ZONES.items()},
            }
        )
    )
    code = main([str(tmp_path / "c.png"), "--spec", str(tmp_path / "spec.json")])
    report = json.loads(capsys.readouterr().out)
    return code, next(g for g in report["gates"] if g["gate"] == "2")


def test_the_creative_drawn_whole_passes_gate_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, gate = check(creative(SUBLINE), tmp_path, capsys)
    assert gate["status"] == "PASS", gate["summary"]
    assert gate["evidence"]["damaged_letters"] == []


@pytest.mark.parametrize(
    ("drawn", "kind"),
    [
        (SUBLINE.replace("mit", "mıt"), "dotless_i"),  # U+0131: the i without its dot
        (SUBLINE.replace("Lübeck", "Lubeck"), "missing_umlaut"),
    ],
)
def test_a_png_with_a_lost_dot_fails_gate_2_through_check_image(
    drawn: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, gate = check(creative(drawn), tmp_path, capsys)
    assert code == 1 and gate["status"] == "FAIL"
    assert [d["kind"] for d in gate["evidence"]["damaged_letters"]] == [kind]
    # What OCR reads still matches the copy: only the letters' shapes give the damage away.
    assert all(r["score"] >= 0.85 for r in gate["evidence"]["roles"].values())


def test_two_letters_joined_by_a_stroke_fail_gate_2() -> None:
    img = creative(SUBLINE, bridge=True)
    found = glyph_damage(img, read_text(img), {"headline": HEADLINE, "subline": SUBLINE, "cta": CTA}, ZONES)
    assert [f.kind for f in found] == ["merged_stroke"]
    assert found[0].text == HEADLINE


def test_a_stray_stroke_that_stays_on_its_letter_fails_gate_2() -> None:
    # No piece or hole changes: only the other "e"s of the subline show what an "e" looks like.
    img = creative(SUBLINE, spur=True)
    found = glyph_damage(img, read_text(img), {"headline": HEADLINE, "subline": SUBLINE, "cta": CTA}, ZONES)
    assert [f.kind for f in found] == ["extra_stroke"]
    assert found[0].text == "mit Herz in Lübeck"
    assert "“e”" in found[0].detail


def test_without_zones_each_line_is_held_against_the_copy_it_reads_as() -> None:
    img = creative(SUBLINE.replace("Lübeck", "Lubeck"))
    copy = {"headline": HEADLINE, "subline": SUBLINE, "cta": CTA}
    assert [f.kind for f in glyph_damage(img, read_text(img), copy, {})] == ["missing_umlaut"]


def test_expected_words_are_the_whole_words_an_ocr_line_shows() -> None:
    copy = "Tarifliche Vergütung nach TVöD und 30 Tage Urlaub"
    assert expected_words("Vergutung nach TVoD", copy) == "Vergütung nach TVöD"
    assert expected_words("ergutung nach", copy) == "Vergütung nach"
    assert expected_words("Something else entirely", copy) is None


def test_a_line_read_without_its_spaces_shows_all_its_words() -> None:
    """rapidocr runs an italic line's words together: a stretch of the copy as long as that
    reading left the line's first word out ("twochs …"), and its ink failed as a stray stroke."""
    copy = "Mandanten begleiten, Bilanzen prüfen und mittwochs früher in den Feierabend"
    assert expected_words("mittwochsfruherindenFeierabend", copy) == "mittwochs früher in den Feierabend"


def test_letters_take_the_positions_the_recogniser_read_them_at() -> None:
    read = [("m", 10.0), ("i", 20.0), ("t", 30.0)]
    assert place_letters("mit", read) == [("m", 10.0), ("i", 20.0), ("t", 30.0)]
    # A letter the recogniser skipped sits between its neighbours.
    assert place_letters("mit", [("m", 10.0), ("t", 30.0)]) == [("m", 10.0), ("i", 20.0), ("t", 30.0)]


def test_lost_umlauts_need_the_word_otherwise_read_letter_for_letter() -> None:
    assert lost_umlauts("in Lübeck", "in Lubeck") == ["Lübeck"]
    assert lost_umlauts("in Lübeck", "in Lübeck") == []
    assert lost_umlauts("in Lübeck", "in Lxbeck") == []  # a misread, not a lost umlaut


def test_an_i_after_a_t_that_lost_its_dot_fails_gate_2() -> None:
    # "ti" may be a ligature, but a t never takes the i's dot: only ink over the i excuses it.
    subline = "Tarifliche Vergütung und eine Station mit Herz in Lübeck"
    img = Image.new("RGB", (1024, 1024), (24, 52, 84))
    draw = ImageDraw.Draw(img)
    draw.text((60, 110), HEADLINE, font=load_font(64, bold=True), fill="white")
    face = load_font(38)
    draw.text((60, 290), "Tarifliche Vergütung und eine", font=face, fill="white")
    draw.text((60, 345), "Statıon mit Herz in Lübeck", font=face, fill="white")  # U+0131 after the t
    copy = {"headline": HEADLINE, "subline": subline, "cta": CTA}
    found = glyph_damage(img, read_text(img), copy, ZONES)
    assert [f.kind for f in found] == ["dotless_i"]
    assert "Station" in found[0].text


def test_an_i_dot_counts_when_its_stem_touches_a_taller_neighbour() -> None:
    from creative_assets.gates.ink_pieces import find_pieces

    # A serif "il" at a small size: the i's foot runs into the l's, so the i's stem is part of
    # a piece as tall as the l; its dot still sits right above it.
    ink = np.zeros((60, 90), bool)
    ink[20:50, 10:14] = True  # an "n" and an "o"-like block: short letters give the x-height
    ink[20:50, 20:24] = True
    ink[20:23, 10:24] = True
    ink[20:50, 62:74] = True
    ink[10:50, 50:54] = True  # the l
    ink[20:50, 38:42] = True  # the i's stem
    ink[47:50, 38:54] = True  # its foot, joined to the l's
    ink[12:16, 38:42] = True  # its dot
    pieces = find_pieces(ink, (8, 52))
    assert pieces is not None
    assert [(m.x, m.y) for m in pieces.marks] == [(38, 12)]
