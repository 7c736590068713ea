"""Normalisation, similarity and read-back: pure string logic, no OCR needed."""

from __future__ import annotations

import pytest

from creative_assets.gates.text_match import (
    TEXT_MATCH_THRESHOLD,
    centre_in,
    levenshtein,
    misspelt_words,
    normalize,
    read_back,
    similarity,
)
from creative_assets.models import OcrLine
from creative_assets.models.base import Box


def line(text: str, x: float, y: float, w: float = 0.5, h: float = 0.05) -> OcrLine:
    return OcrLine(text=text, confidence=0.95, box=Box(x=x, y=y, w=w, h=h))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Deine Arbeit zählt!", "deine arbeit zahlt"),
        ("Größere Straße", "grossere strasse"),
        ("ÖFFNUNGSZEITEN über Tarif", "offnungszeiten uber tarif"),
        ("Café Crème, Æsir & Łódź", "cafe creme aesir lodz"),
        ("Pflegefachkraft (m/w/d)", "pflegefachkraft m w d"),
        ("  Jetzt\n\tbewerben  ", "jetzt bewerben"),
        ("3.800 € brutto", "3 800 brutto"),
    ],
)
def test_normalize_folds_case_diacritics_and_punctuation(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_umlauts_dropped_by_ocr_still_match() -> None:
    assert similarity("Deine Arbeit zählt", "Deine Arbeit zahlt") == 1.0
    assert similarity("Wertschätzung für Pflegekräfte", "WERTSCHATZUNG FUR PFLEGEKRAFTE") == 1.0


def test_eszett_read_as_b_still_matches() -> None:
    # rapidocr reads ß as "B"; without the confusable fold this scores 0.75.
    assert similarity("Größere Straße", "GroBere StraBe") == 1.0


def test_levenshtein() -> None:
    assert levenshtein("", "abc") == 3
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("same", "same") == 0


def test_similarity_scale() -> None:
    assert similarity("Jetzt bewerben", "Jetzt bewerben") == 1.0
    assert similarity("", "") == 1.0
    assert similarity("Jetzt bewerben", "") == 0.0
    assert similarity("Pflegefachkraft", "Pflegefachkrat") == pytest.approx(1 - 1 / 15)
    assert similarity("Jetzt bewerben", "Jelzf bevverbem") < TEXT_MATCH_THRESHOLD


def test_misspelt_words_catch_what_similarity_tolerates() -> None:
    assert misspelt_words("Pflegefachkraft gesucht", "Pflegefachkrat gesucht") == ["pflegefachkraft"]
    assert misspelt_words("Pflegefachkraft gesucht", "PFLEGEFACHKRAFT GESUCHT!") == []
    # Recogniser slips (ß→B, I/l, merged words) are not typos.
    assert misspelt_words("Größere Illustration", "GroBereIllustration") == []
    assert misspelt_words("Illustration", "lllustration") == []


def test_centre_in() -> None:
    zone = Box(x=0.1, y=0.1, w=0.5, h=0.2)
    assert centre_in(Box(x=0.05, y=0.12, w=0.3, h=0.1), zone)
    assert not centre_in(Box(x=0.5, y=0.12, w=0.3, h=0.1), zone)


def test_read_back_joins_a_wrapped_headline_in_its_zone() -> None:
    lines = [line("Pflegefachkraft", 0.1, 0.10), line("gesucht", 0.1, 0.16), line("Jetzt bewerben", 0.1, 0.8)]
    read, score = read_back("Pflegefachkraft gesucht", lines, Box(x=0.05, y=0.05, w=0.9, h=0.2))
    assert (read, score) == ("Pflegefachkraft gesucht", 1.0)


def test_read_back_ignores_lines_outside_the_zone() -> None:
    lines = [line("Pflegefachkraft", 0.1, 0.10), line("gesucht", 0.1, 0.5)]
    read, score = read_back("Pflegefachkraft gesucht", lines, Box(x=0.05, y=0.05, w=0.9, h=0.2))
    assert read == "Pflegefachkraft"
    assert score < TEXT_MATCH_THRESHOLD


def test_read_back_without_zone_finds_the_best_contiguous_run() -> None:
    lines = [
        line("Pflegefachkraft", 0.1, 0.10),
        line("gesucht", 0.1, 0.16),
        line("Deine Arbeit zahlt bei St. Martin", 0.1, 0.3),
        line("Jetzt bewerben", 0.1, 0.8),
    ]
    assert read_back("Deine Arbeit zählt bei St. Martin", lines, None) == (
        "Deine Arbeit zahlt bei St. Martin",
        1.0,
    )
    assert read_back("Pflegefachkraft gesucht", lines, None) == ("Pflegefachkraft gesucht", 1.0)
    assert read_back("Jetzt bewerben", lines, None) == ("Jetzt bewerben", 1.0)


def test_read_back_with_nothing_read() -> None:
    assert read_back("Jetzt bewerben", [], None) == ("", 0.0)
    assert read_back("Jetzt bewerben", [line("Jetzt bewerben", 0.1, 0.8)], Box(x=0, y=0, w=1, h=0.5)) == (
        "",
        0.0,
    )
