"""Gate 3 fails a rendition whose copy, CTA or logo lies under a platform's interface, and a
logo that does not stand out from the picture behind it, with the measured figure."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from creative_assets.gates.checks import gate_3_layout_brand
from creative_assets.gates.layout_brand import BRAND_DISTANCE, _brand_share
from creative_assets.imaging.compositing import corner_logo_box, logo_pixel_box
from creative_assets.imaging.logo import logo_contrast
from creative_assets.imaging.sample_logo import draw_sample_logo
from creative_assets.models import ImageAnalysis, Layout, OcrLine, TextZone
from creative_assets.models.base import Box
from creative_assets.models.layout import FormatId

STORY = (1080, 1920)


def layout(format_id: FormatId, cta_y: float, logo: Box | None = None) -> Layout:
    analysis = ImageAnalysis(
        width=STORY[0], height=STORY[1], regions=[], sha256="0" * 64, provider="test", format=format_id
    )
    zones = [
        TextZone(role="headline", box=Box(x=0.08, y=0.18, w=0.7, h=0.1), color="#ffffff"),
        TextZone(role="subline", box=Box(x=0.08, y=0.29, w=0.7, h=0.06), color="#ffffff"),
        TextZone(role="cta", box=Box(x=0.08, y=cta_y, w=0.4, h=0.05), color="#111111"),
    ]
    return Layout(
        image_type="lifestyle",
        zones=zones,
        logo_position="top_right" if logo else None,
        logo_box=logo,
        i2i_prompt="-",
        analysis=analysis,
        format=format_id,
    )


def lines(cta_y: float) -> list[OcrLine]:
    return [
        OcrLine(text="Ein Team, das trägt", confidence=0.95, box=Box(x=0.09, y=0.19, w=0.6, h=0.05)),
        OcrLine(text="Vollzeit, Konstanz", confidence=0.95, box=Box(x=0.09, y=0.3, w=0.5, h=0.03)),
        OcrLine(text="Team kennenlernen", confidence=0.95, box=Box(x=0.1, y=cta_y + 0.01, w=0.35, h=0.03)),
    ]


def judge(format_id: FormatId, cta_y: float, **kw: object) -> object:
    args: dict = {
        "expected_logo": False,
        "logo_found": False,
        "brand_colors": [],
        "img": Image.new("RGB", STORY),
    }
    return gate_3_layout_brand(lines(cta_y), layout(format_id, cta_y, kw.pop("logo", None)), **(args | kw))


def test_a_cta_under_the_story_interface_fails_with_what_covers_it() -> None:
    result = judge("9:16", 0.84)  # inside the bottom strip of Stories and TikTok
    assert result.status == "FAIL"
    covered = result.evidence["in_reserved_area"]
    assert {c["what"] for c in covered} == {"“Team kennenlernen”", "the cta area"}
    assert all(c["source"].startswith("https://") for c in covered)
    assert "call-to-action" in result.summary


def test_the_same_place_is_fine_in_a_feed_square() -> None:
    assert judge("1:1", 0.84).status == "PASS"


def test_a_story_with_everything_in_the_clear_area_passes() -> None:
    assert judge("9:16", 0.6).status == "PASS"


def test_a_logo_under_the_account_name_fails() -> None:
    logo = corner_logo_box("top_right", STORY, 1.0)  # the whole image's corner: under the top strip
    result = judge("9:16", 0.6, logo=logo, expected_logo=True, logo_found=True, logo_contrast=8.0)
    assert result.status == "FAIL"
    assert [c["what"] for c in result.evidence["in_reserved_area"]] == ["the logo"]


@pytest.mark.parametrize(("background", "fails"), [((62, 122, 70), True), ((235, 235, 230), False)])
def test_a_logo_that_does_not_stand_out_fails_with_its_figure(
    background: tuple[int, int, int], fails: bool
) -> None:
    """The sample brand's green mark pasted plainly on a green meadow, and on a pale wall."""
    img = Image.new("RGB", STORY, background)
    box = corner_logo_box("top_right", STORY, 1.0, area=Box(x=0.0, y=0.14, w=1.0, h=0.63))
    px = logo_pixel_box(STORY, (256, 256), box)
    mark = draw_sample_logo().resize((px[2] - px[0], px[3] - px[1]))
    img.paste(mark, px[:2], mark)
    measured = logo_contrast(img, draw_sample_logo(), px)
    result = judge(
        "9:16", 0.6, logo=box, expected_logo=True, logo_found=True, logo_contrast=measured, img=img
    )
    assert (result.status == "FAIL") is fails
    assert result.evidence["logo"]["contrast"] == pytest.approx(measured, abs=1e-3)
    if fails:
        assert "barely stands out" in result.summary and f"{measured:.1f}:1" in result.summary


def test_brand_share_counts_the_zone_pixels_within_the_distance_of_each_colour() -> None:
    pixels = np.random.default_rng(3).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    pixels[:40] = (10, 92, 143)  # the top third is the first colour exactly
    headline = TextZone(role="headline", box=Box(x=0.0, y=0.0, w=1.0, h=0.5), color="#ffffff")
    zones = layout("1:1", 0.8).model_copy(update={"zones": [headline]})
    shares = _brand_share(Image.fromarray(pixels), zones, ["#0A5C8F", "#F2A900"])
    zone = pixels[:60].reshape(-1, 3).astype(float)
    for color, rgb in (("#0A5C8F", (10, 92, 143)), ("#F2A900", (242, 169, 0))):
        expected = float(np.mean(np.sqrt(((zone - rgb) ** 2).sum(axis=1)) <= BRAND_DISTANCE))
        assert shares[color] == expected
    assert shares["#0A5C8F"] > 40 / 60


def test_brand_share_counts_each_pixel_of_overlapping_and_separate_zones_once() -> None:
    """The share is over the zones' union, whatever lies between them: the same figures as a
    mask of the whole frame gives."""
    pixels = np.random.default_rng(5).integers(0, 256, (300, 200, 3), dtype=np.uint8)
    pixels[20:80, 10:190] = (10, 92, 143)
    boxes = [
        Box(x=0.05, y=0.05, w=0.9, h=0.25),
        Box(x=0.3, y=0.2, w=0.6, h=0.2),  # overlaps the first
        Box(x=0.1, y=0.8, w=0.4, h=0.15),  # far below, across a gap
    ]
    zones = [
        TextZone(role=role, box=box, color="#ffffff")
        for role, box in zip(("headline", "subline", "cta"), boxes, strict=True)
    ]
    plan = layout("1:1", 0.8).model_copy(update={"zones": zones})
    shares = _brand_share(Image.fromarray(pixels), plan, ["#0A5C8F", "#F2A900"])
    mask = np.zeros(pixels.shape[:2], dtype=bool)
    for box in boxes:
        left, top, right, bottom = box.to_pixels(200, 300)
        mask[top:bottom, left:right] = True
    zone = pixels[mask].astype(float)
    for color, rgb in (("#0A5C8F", (10, 92, 143)), ("#F2A900", (242, 169, 0))):
        expected = float(np.mean(np.sqrt(((zone - rgb) ** 2).sum(axis=1)) <= BRAND_DISTANCE))
        assert shares[color] == expected
