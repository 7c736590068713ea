"""Gate 1b with a vision model's review: the stricter of OCR rules and the review wins."""

from __future__ import annotations

from creative_assets.gates.checks import gate_1b_semantic
from creative_assets.models import Box, OcrLine, VisionReview
from creative_assets_tests.support.drawn_creative import make_layout

CLEAN = VisionReview(text_outside_zones=False, text_covers_subject=False, garbled_text=False, issues=[])
IN_ZONE = [OcrLine(text="Pflegefachkraft gesucht", confidence=0.99, box=Box(x=0.07, y=0.08, w=0.5, h=0.06))]


def test_clean_review_keeps_the_ocr_verdict() -> None:
    result = gate_1b_semantic(IN_ZONE, make_layout(salient=None), logo_box=None, review=CLEAN)
    assert result.status == "PASS"
    assert result.evidence["vision_review"]["garbled_text"] is False


def test_garbled_letters_fail_even_when_ocr_sees_nothing_wrong() -> None:
    review = CLEAN.model_copy(update={"garbled_text": True, "issues": ["the CTA letters are doubled"]})
    result = gate_1b_semantic(IN_ZONE, make_layout(salient=None), logo_box=None, review=review)
    assert (result.status, result.action) == ("FAIL", "regenerate_i2i")
    assert "doubled" in result.summary


def test_text_over_the_subject_warns() -> None:
    review = CLEAN.model_copy(update={"text_covers_subject": True, "issues": ["headline over the face"]})
    assert gate_1b_semantic(IN_ZONE, make_layout(salient=None), logo_box=None, review=review).status == "WARN"


def test_ocr_failure_is_not_overruled_by_a_clean_review() -> None:
    stray = [*IN_ZONE, OcrLine(text="FREE PIZZA", confidence=0.99, box=Box(x=0.7, y=0.5, w=0.2, h=0.05))]
    assert gate_1b_semantic(stray, make_layout(salient=None), logo_box=None, review=CLEAN).status == "FAIL"
